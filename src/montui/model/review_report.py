"""The alarm review as a whole, and its three renderings: a table for the terminal, Markdown
(a review document a team pastes into its wiki) and JSON. Pure text: no clock, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from montui.model.duration import format_age
from montui.model.review import AlarmFacts, Category, Finding, category_counts
from montui.model.review_backtest import Proposal


class Review(Struct, frozen=True):
    """What the review found over [start, end]: ranked lines, back-tests, and the costs."""

    start: datetime
    end: datetime
    days: int
    regions: tuple[str, ...]
    alarms: int
    findings: tuple[Finding, ...]
    proposals: tuple[Proposal, ...] = ()
    problems: tuple[str, ...] = ()
    """What could not be read (a region, a check), in words; the rest of the review stands."""
    notes: tuple[str, ...] = ()
    history_items: int = 0
    requests: Mapping[str, int] = field(default_factory=dict)
    """Calls sent, by operation (DescribeAlarms, DescribeAlarmHistory, GetMetricData)."""
    metrics_requested: int = 0
    """Metrics asked of GetMetricData (what it bills): dead-metric check and back-tests."""
    backtest_metrics: int = 0
    busiest: tuple[AlarmFacts, ...] = ()
    """The alarms with the most ALARM episodes in the period, most first."""

    def proposal_for(self, key: tuple[str, str, str]) -> Proposal | None:
        return next((p for p in self.proposals if p.alarm.key == key), None)

    def counts(self) -> Mapping[Category, int]:
        return category_counts(self.findings)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def cost_line(review: Review) -> str:
    """`GetMetricData: 79 metrics requested (75 dead-metric check, 4 back-test) in 4 calls; …`."""
    dead = review.metrics_requested - review.backtest_metrics
    calls = review.requests.get("GetMetricData", 0)
    return (
        f"GetMetricData: {review.metrics_requested} metrics requested ({dead} dead-metric check,"
        f" {review.backtest_metrics} back-test) in {calls} call{'' if calls == 1 else 's'};"
        f" DescribeAlarmHistory: {review.history_items} state updates, one stream per"
        " region"
    )


def backtest_line(proposal: Proposal) -> str:
    """`episodes 14 → 3, the 2 longest kept: M of N 3 of 3 (was 1 of 1)`."""
    if proposal.current_episodes == 0:
        return f"episodes 0 in the replay: {proposal.change}"
    if not proposal.quieter:
        return (
            f"episodes {proposal.current_episodes}: no quieter setting found that keeps the"
            " longest (tried a stricter M of N, a longer period, a percentile threshold)"
        )
    return f"{proposal.summary()}: {proposal.change}"


def summary_counts(review: Review) -> str:
    counts = review.counts()
    return ", ".join(f"{counts[c]} {c.words}" for c in Category if counts[c])


def table_text(review: Review) -> str:
    """Aligned lines for a terminal: rank, category, alarm, region, evidence, what to do."""
    lines = [
        f"Alarm review: {review.alarms} alarms in {', '.join(review.regions)}, the last"
        f" {review.days} days ({_stamp(review.start)} to {_stamp(review.end)})",
        summary_counts(review) or "nothing found",
        "",
    ]
    rows = [["#", "CATEGORY", "ALARM", "REGION", "WHAT", "DO"]]
    for n, f in enumerate(review.findings, 1):
        rows.append([str(n), f.category.value, f.alarm.name, f.alarm.region, f.detail, f.advice])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        head = "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True))
        lines.append(f"{head}  {row[4]}; {row[5]}" if row[0] != "#" else f"{head}  WHAT; DO")
    if review.proposals:
        lines += ["", "Back-test of the noisiest (the same evaluation as tune):"]
        for p in review.proposals:
            lines.append(f"  {p.alarm.name} ({p.alarm.region}): {backtest_line(p)}")
            if p.quieter:
                lines.append(f"    {p.command}")
    lines += ["", cost_line(review)]
    lines += [f"note: {n}" for n in review.notes]
    lines += [f"could not check: {p}" for p in review.problems]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_text(review: Review) -> str:
    """The review document: summary, one table per category (most harmful first), the
    back-tests with the commands that apply them, and what it cost."""
    lines = [
        f"# Alarm review, {review.end:%Y-%m-%d}",
        "",
        f"{review.alarms} alarms in {', '.join(review.regions)} over the last {review.days}"
        f" days ({_stamp(review.start)} to {_stamp(review.end)}), from the account's alarm"
        " history. Ranked by harm; each line says what to do.",
        "",
        "| category | lines |",
        "|---|---|",
    ]
    counts = review.counts()
    lines += [f"| {c.words} | {counts[c]} |" for c in Category]
    for category in Category:
        found = [f for f in review.findings if f.category is category]
        if not found:
            continue
        lines += ["", f"## {category.words.capitalize()} ({len(found)})", ""]
        lines += ["| alarm | region | what | what to do |", "|---|---|---|---|"]
        for f in found:
            lines.append(
                f"| `{_cell(f.alarm.name)}` | {f.alarm.region} | {_cell(f.detail)} |"
                f" {_cell(f.advice)} |"
            )
    if review.busiest:
        lines += ["", "## Most episodes", ""]
        lines += [
            "| alarm | region | episodes | time in ALARM | verdict |",
            "|---|---|---|---|---|",
        ]
        for fact in review.busiest:
            said = fact.verdict
            verdict = ("flapping: " if said.flapping else "") + said.reason
            lines.append(
                f"| `{_cell(fact.alarm.name)}` | {fact.alarm.region} | {said.episodes} |"
                f" {format_age(said.time_in_alarm.total_seconds())} | {_cell(verdict)} |"
            )
    if review.proposals:
        lines += ["", "## Back-test of the noisiest", ""]
        lines.append(
            "Replayed over the period with the same evaluation as montui's tune screen (and"
            " CloudWatch's M of N rules). A proposal must still fire in the current settings'"
            " longest episodes."
        )
        for p in review.proposals:
            lines += ["", f"### `{p.alarm.name}` ({p.alarm.region})", "", backtest_line(p)]
            if p.quieter:
                lines += ["", "```sh", p.command, "```"]
    lines += ["", "## What it read", "", f"- {cost_line(review)}"]
    lines += [f"- note: {n}" for n in review.notes]
    lines += [f"- could not check: {p}" for p in review.problems]
    return "\n".join(lines) + "\n"


def json_data(review: Review) -> dict[str, Any]:
    """The review as JSON-ready data."""
    return {
        "start": review.start.isoformat(),
        "end": review.end.isoformat(),
        "days": review.days,
        "regions": list(review.regions),
        "alarms": review.alarms,
        "counts": {c.value: n for c, n in review.counts().items()},
        "findings": [
            {
                "rank": n,
                "category": f.category.value,
                "alarm": f.alarm.name,
                "region": f.alarm.region,
                "arn": f.alarm.arn,
                "response": f.response.value if f.response else None,
                "detail": f.detail,
                "advice": f.advice,
            }
            for n, f in enumerate(review.findings, 1)
        ],
        "backtests": [
            {
                "alarm": p.alarm.name,
                "region": p.alarm.region,
                "current_episodes": p.current_episodes,
                "episodes": p.episodes,
                "longest_kept": p.kept,
                "longest_required": p.longest,
                "quieter": p.quieter,
                "change": p.change,
                "command": p.command if p.quieter else None,
                "summary": p.summary(),
            }
            for p in review.proposals
        ],
        "busiest": [
            {
                "alarm": fact.alarm.name,
                "region": fact.alarm.region,
                "episodes": fact.verdict.episodes,
                "time_in_alarm_seconds": int(fact.verdict.time_in_alarm.total_seconds()),
                "flapping": fact.verdict.flapping,
                "verdict": fact.verdict.reason,
            }
            for fact in review.busiest
        ],
        "requests": dict(review.requests),
        "history_items": review.history_items,
        "metrics_requested": review.metrics_requested,
        "backtest_metrics": review.backtest_metrics,
        "notes": list(review.notes),
        "problems": list(review.problems),
    }
