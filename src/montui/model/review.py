"""The alarm review: which alarms hurt the on-call team, ranked by harm, with what to do.

MONITORING.md's anti-patterns, read from the account's own data over the last N days: alerts
that are safe to ignore (flapping, and act-now alarms firing many times a day: fatigue),
alarms that cannot speak (dead metric, stuck), alarms nobody hears (no action, actions
disabled), nobody follows to resolution (no OK action) or nobody owns (no response pattern,
owner or runbook), and alarms that never fired (worth a look: can they fire at all?).

Episodes come from the alarms' state history (`model.history.alarm_episodes`), the flapping
verdict is the detail screen's (`model.history.noise_verdict`), and an alarm without actions
of its own is heard through a composite above it (`model.alarm_family`). The back-test of
quieter settings is `model.review_backtest`. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmKind, AlarmState
from montui.model.alarm_family import alarm_family
from montui.model.duration import format_age
from montui.model.evaluation import Episode
from montui.model.history import HistoryItem, NoiseVerdict, alarm_episodes, noise_verdict
from montui.model.metadata import (
    AlarmMeta,
    MetaRule,
    ResponsePattern,
    meta_for,
    response_in,
    runbook_in,
)


class Category(StrEnum):
    """What is wrong with an alarm, in the order of harm (most harmful first)."""

    UNHEARD = "unheard"
    DEAD_METRIC = "dead-metric"
    STUCK = "stuck"
    FATIGUE = "fatigue"
    FLAPPING = "flapping"
    NO_WAY_BACK = "no-way-back"
    UNOWNED = "unowned"
    NEVER_FIRED = "never-fired"

    @property
    def words(self) -> str:
        """The category in words, for headings."""
        return _TITLES[self]

    @property
    def harm(self) -> int:
        """0 for the most harmful category."""
        return list(Category).index(self)


_TITLES = {
    Category.UNHEARD: "unheard",
    Category.DEAD_METRIC: "dead metric",
    Category.STUCK: "stuck",
    Category.FATIGUE: "fatigue",
    Category.FLAPPING: "flapping",
    Category.NO_WAY_BACK: "no way back",
    Category.UNOWNED: "unowned",
    Category.NEVER_FIRED: "never fired",
}

TRACKED = frozenset({ResponsePattern.ACT_NOW, ResponsePattern.NEXT_BUSINESS_DAY})
"""Response patterns followed to resolution (MONITORING.md's table): they need an OK action."""
SILENT = frozenset({ResponsePattern.KNOW_ONLY, ResponsePattern.RECORD_ONLY})
"""Response patterns that notify nobody: no action on ALARM is what they ask for."""


class ReviewSettings(Struct, frozen=True):
    """The review's thresholds (the config's `[review]` table)."""

    days: int = 14
    stuck_after: timedelta = timedelta(days=2)
    """In ALARM or INSUFFICIENT_DATA this long is stuck."""
    fatigue_per_day: float = 2.0
    """An act-now alarm firing more often than this a day is alert fatigue."""


class AlarmFacts(Struct, frozen=True):
    """What the review knows of one alarm over the period."""

    alarm: Alarm
    meta: AlarmMeta
    """Response pattern, owner and runbook (config first, then the description)."""
    episodes: tuple[Episode, ...]
    verdict: NoiseVerdict
    dead: bool | None = None
    """True: no datapoint in the period; None: not checked (composite, or the check failed)."""
    heard_via: str | None = None
    """The composite above this alarm whose actions notify for it, when it has none itself."""


class Finding(Struct, frozen=True):
    """One line of the review: an alarm, what is wrong, the evidence and what to do."""

    alarm: Alarm
    category: Category
    detail: str
    advice: str
    weight: float = 0.0
    """Within a category, a larger weight is more harmful (episodes, days stuck, …)."""
    response: ResponsePattern | None = None

    @property
    def rank_key(self) -> tuple[int, int, float, str, str]:
        urgent = 0 if self.response is ResponsePattern.ACT_NOW else 1
        return (self.category.harm, urgent, -self.weight, self.alarm.name, self.alarm.region)


def review_meta(alarm: Alarm, rules: Sequence[MetaRule]) -> AlarmMeta:
    """The config's `[[alarm]]` rules for `alarm`; without a response pattern or a runbook
    there, the ones its description names (`Act now. Runbook: https://…`)."""
    meta = meta_for(alarm.name, alarm.region, tuple(rules))
    return AlarmMeta(
        response=meta.response or response_in(alarm.description),
        owner=meta.owner,
        runbook=meta.runbook or runbook_in(alarm.description),
    )


def owners_configured(rules: Sequence[MetaRule]) -> bool:
    """Whether any rule names an owner: without one, owners are not judged alarm by alarm
    (every alarm would be "unowned"); the review says so once instead."""
    return any(rule.meta.owner for rule in rules)


def state_history_by_alarm(
    items: Iterable[HistoryItem],
) -> dict[tuple[str, str], list[HistoryItem]]:
    """One account's region stream (or several) cut per alarm, keyed by (region, name)."""
    found: dict[tuple[str, str], list[HistoryItem]] = {}
    for item in items:
        found.setdefault((item.region, item.alarm), []).append(item)
    return found


def alarm_facts(
    alarm: Alarm,
    items: Sequence[HistoryItem],
    *,
    meta: AlarmMeta,
    now: datetime,
    days: int,
    dead: bool | None = None,
    heard_via: str | None = None,
) -> AlarmFacts:
    """The facts of `alarm` from its state updates among `items` over the last `days`."""
    start = now - timedelta(days=days)
    episodes = alarm_episodes(items, window_start=start, now=now, current=alarm.state)
    verdict = noise_verdict(episodes, period_seconds=alarm.period_seconds or 60, days=days, now=now)
    return AlarmFacts(alarm, meta, episodes, verdict, dead=dead, heard_via=heard_via)


def composite_parents(alarms: Sequence[Alarm]) -> dict[tuple[str, str, str], Alarm]:
    """For each alarm under a composite that notifies (actions enabled, an ALARM action), that
    composite, keyed by the child's `Alarm.key`. The family is walked whole, so a child of
    a child is heard too (a composite's children are in its own account)."""
    known = {a.key: a for a in alarms}

    parents: dict[tuple[str, str, str], Alarm] = {}
    for alarm in sorted(alarms, key=lambda a: a.name):
        if alarm.kind is not AlarmKind.COMPOSITE or not _notifies(alarm):
            continue
        account = alarm.key[0]

        def lookup(region: str, name: str, account: str = account) -> Alarm | None:
            return known.get((account, region, name))

        for child in alarm_family(alarm, lookup).values():
            parents.setdefault(child.key, alarm)
    return parents


def _notifies(alarm: Alarm) -> bool:
    return alarm.actions_enabled and bool(alarm.alarm_actions)


def findings_for(
    facts: AlarmFacts, settings: ReviewSettings, *, now: datetime, check_owner: bool = True
) -> list[Finding]:
    """Every category `facts` fall in, each with its evidence and advice; `check_owner`
    False leaves a missing owner out of "unowned" (see `owners_configured`)."""
    alarm, verdict, response = facts.alarm, facts.verdict, facts.meta.response
    days = settings.days
    found: list[Finding] = []

    def add(category: Category, detail: str, advice: str, weight: float = 0.0) -> None:
        found.append(Finding(alarm, category, detail, advice, weight, response))

    if facts.dead:
        add(
            Category.DEAD_METRIC,
            f"no datapoint in {days} days",
            "it can never fire: fix the metric name or dimensions, or delete the alarm",
        )
    since = now - alarm.in_state_since
    if alarm.state is not AlarmState.OK and since >= settings.stuck_after and not facts.dead:
        if alarm.state is AlarmState.ALARM:
            advice = (
                "fix the cause or the threshold: while it stays red, nobody sees the next incident"
            )
        else:
            advice = "no data comes: check the metric and dimensions, or set treat-missing-data"
        add(
            Category.STUCK,
            f"in {alarm.state.value} for {format_age(since.total_seconds())}",
            advice,
            since.total_seconds(),
        )
    if response not in SILENT and facts.heard_via is None:
        if not alarm.actions_enabled:
            add(
                Category.UNHEARD,
                "actions disabled: it fires and nobody hears",
                "enable its actions (aws cloudwatch enable-alarm-actions), or mark it know-only",
                verdict.episodes + 1,
            )
        elif not alarm.alarm_actions:
            add(
                Category.UNHEARD,
                "no action on ALARM: it fires and nobody hears",
                "add an ALARM action (an SNS topic), or mark it know-only or record-only",
                verdict.episodes + 1,
            )
    if (
        (response in TRACKED or response is None)
        and alarm.actions_enabled
        and alarm.alarm_actions
        and not alarm.ok_actions
    ):
        add(
            Category.NO_WAY_BACK,
            "notifies on ALARM but not on OK",
            "add an OK action (the same topic) so the incident is tracked to resolution",
            verdict.episodes,
        )
    if response is ResponsePattern.ACT_NOW and verdict.per_day > settings.fatigue_per_day:
        add(
            Category.FATIGUE,
            f"act-now, fired {verdict.per_day:.1f} times a day ({verdict.episodes} in {days} days,"
            f" {format_age(verdict.time_in_alarm.total_seconds())} in ALARM)",
            "nobody acts on every one: make it quieter (back-test) or answer it next business day",
            verdict.per_day,
        )
    if verdict.flapping:
        add(
            Category.FLAPPING,
            f"{verdict.reason}; {format_age(verdict.time_in_alarm.total_seconds())} in ALARM",
            "make it quieter: a stricter M of N, a longer period or a higher threshold (back-test)",
            verdict.episodes,
        )
    wanted = [("response pattern", response), ("runbook", facts.meta.runbook)]
    if check_owner:
        wanted.insert(1, ("owner", facts.meta.owner))
    missing = [name for name, value in wanted if value is None]
    if missing:
        add(
            Category.UNOWNED,
            "no " + ", no ".join(missing),
            "add an [[alarm]] rule to the config: response, owner, runbook",
            len(missing),
        )
    if verdict.episodes == 0 and alarm.state is not AlarmState.ALARM and not facts.dead:
        add(
            Category.NEVER_FIRED,
            f"no ALARM in {days} days",
            "check its children can fire, or note in the design why it stays"
            if alarm.kind is AlarmKind.COMPOSITE
            else "check it can fire (back-test it), or note in the design why it stays",
        )
    return found


def ranked(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most harmful first: by category, act-now before the rest, then by weight."""
    return tuple(sorted(findings, key=lambda f: f.rank_key))


def category_counts(findings: Iterable[Finding]) -> Mapping[Category, int]:
    """How many lines in each category (every category present, zero included)."""
    counts = dict.fromkeys(Category, 0)
    for finding in findings:
        counts[finding.category] += 1
    return counts


def busiest(facts: Iterable[AlarmFacts], *, limit: int) -> tuple[AlarmFacts, ...]:
    """The alarms with the most ALARM episodes (at least one), most first, at most `limit`."""
    found = [f for f in facts if f.verdict.episodes]
    found.sort(key=lambda f: (-f.verdict.episodes, f.alarm.name, f.alarm.region))
    return tuple(found[:limit])


def noisiest(facts: Iterable[AlarmFacts], *, limit: int) -> tuple[AlarmFacts, ...]:
    """The metric alarms worth a back-test: flapping or firing, most episodes first, at most
    `limit` (composites have no threshold to change)."""
    candidates = [f for f in facts if f.alarm.kind is AlarmKind.METRIC and f.verdict.flapping]
    candidates.sort(key=lambda f: (-f.verdict.episodes, f.alarm.name, f.alarm.region))
    return tuple(candidates[:limit])


def parse_fail_on(text: str) -> dict[Category, int]:
    """`--fail-on unheard,flapping=3` → {UNHEARD: 0, FLAPPING: 3}: fail when a category has
    more lines than its number (0 without one). ValueError names what is accepted."""
    limits: dict[Category, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, number = part.partition("=")
        try:
            category = Category(name.strip())
        except ValueError:
            known = ", ".join(c.value for c in Category)
            raise ValueError(f"unknown category {name.strip()!r} (one of: {known})") from None
        if number and not number.strip().isdigit():
            raise ValueError(f"{part!r}: the limit after = must be a whole number")
        limits[category] = int(number) if number else 0
    if not limits:
        raise ValueError("name at least one category, e.g. --fail-on unheard,flapping=3")
    return limits


def exceeded(limits: Mapping[Category, int], findings: Iterable[Finding]) -> list[str]:
    """The limits `findings` exceed, in words (`flapping: 4 > 3`); empty when none is."""
    counts = category_counts(findings)
    return [f"{c.value}: {counts[c]} > {n}" for c, n in limits.items() if counts[c] > n]
