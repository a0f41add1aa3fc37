"""The retrospective skeleton `montui timeline export` writes, in Markdown.

From the timeline's steps over a span and the alarm transitions read from history: a summary
to fill in, the transitions (when each alarm of the investigation changed state, and why),
the investigation steps in order, the engineer's notes, the queries to rerun (text, log
groups, window, rows, a console link that opens each), and the follow-ups to write. Times in
UTC. Pure text building.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from msgspec import Struct

from montui.model.history import HistoryItem, HistoryKind
from montui.model.links import logs_insights_url
from montui.model.metrics import TimeWindow
from montui.model.timeline import Step, StepKind

__all__ = ["Retrospective", "retrospective_markdown"]


class Retrospective(Struct, frozen=True):
    """What the skeleton is made of. `transitions_problem`: why the transitions could not be
    read (shown in their place; the rest is written anyway)."""

    start: datetime
    end: datetime
    steps: tuple[Step, ...]
    transitions: tuple[HistoryItem, ...] = ()
    transitions_problem: str = ""

    @property
    def alarms(self) -> tuple[tuple[str, str, bool], ...]:
        """(region, name, composite) of every alarm the investigation touched, in order."""
        found: list[tuple[str, str, bool]] = []
        for s in self.steps:
            if s.alarm:
                found.append((s.region, s.alarm, s.composite))
            found.extend(s.related)
        return tuple(dict.fromkeys(found))


def retrospective_markdown(retro: Retrospective) -> str:
    """The skeleton, ending in a newline."""
    out = [
        f"# Incident retrospective: {_time(retro.start)} – {_time(retro.end)} UTC",
        "",
        "## Summary",
        "",
        "_What happened, who was affected and for how long, how it was detected and resolved._",
        "",
        "## Alarm transitions",
        "",
    ]
    out += _transitions(retro)
    investigation = [s for s in retro.steps if s.kind is not StepKind.NOTE]
    out += ["## Investigation", ""]
    if investigation:
        out += ["| time (UTC) | step |", "|---|---|"]
        out += [f"| {_time(s.at)} | {_cell(s.text)} |" for s in investigation]
    else:
        out.append("No steps were recorded in this span.")
    out.append("")
    notes = [s for s in retro.steps if s.kind is StepKind.NOTE]
    out += ["## Notes", ""]
    out += [f"- {_time(s.at)} {s.text}" for s in notes] or ["No notes were added (`N` adds one)."]
    out.append("")
    out += ["## Queries to rerun", ""]
    out += _queries(retro.steps)
    out += [
        "## Follow-ups",
        "",
        "- [ ] _Detection: did the right alarm fire, soon enough, to the right people?_",
        "- [ ] _Alarms to add, tune or remove (update the design document)._",
        "- [ ] _Runbook changes._",
        "",
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def _transitions(retro: Retrospective) -> list[str]:
    if retro.transitions_problem:
        return [f"Not available: {retro.transitions_problem}", ""]
    if not retro.alarms:
        return ["No alarm was opened in this span.", ""]
    changes = sorted(
        (i for i in retro.transitions if i.kind is HistoryKind.STATE),
        key=lambda i: i.timestamp,
    )
    if not changes:
        names = ", ".join(f"`{name}`" for _, name, _ in retro.alarms)
        return [f"No state changes of {names} in this span.", ""]
    out = ["| time (UTC) | alarm | region | change | reason |", "|---|---|---|---|---|"]
    for i in changes:
        old = i.old_state.value if i.old_state else "?"
        new = i.new_state.value if i.new_state else "?"
        out.append(
            f"| {_time(i.timestamp)} | `{i.alarm}` | {i.region} | {old} → {new} "
            f"| {_cell(i.reason or i.summary)} |"
        )
    return [*out, ""]


def _queries(steps: Sequence[Step]) -> list[str]:
    runs: dict[tuple[str, tuple[str, ...], str], Step] = {}
    for s in steps:
        if s.kind is StepKind.QUERY and s.query:
            runs[(s.query, s.groups, s.region)] = s  # the last run of the same query wins
    if not runs:
        return ["No query was run in this span.", ""]
    out: list[str] = []
    for n, s in enumerate(runs.values(), 1):
        first = next((line.strip() for line in s.query.splitlines() if line.strip()), "")
        out += [f"### {n}. {_cell(first)}", ""]
        out += ["```", s.query.rstrip(), "```", ""]
        out.append(f"- region: {s.region}; log groups: {', '.join(s.groups)}")
        if s.start is not None and s.end is not None:
            out.append(f"- window: {_time(s.start)} – {_time(s.end)} UTC; rows: {s.rows or 0:,}")
            url = logs_insights_url(s.region, s.query, s.groups, TimeWindow(s.start, s.end))
            out.append(f"- [open in the CloudWatch console]({url})")
        out.append("")
    return out


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
