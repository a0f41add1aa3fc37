"""The alarm board's logic without a screen: order, filter, counts, per-region freshness."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from montui.model.alarm import Alarm, AlarmState
from montui.model.recovery import AlarmKey, recoveries


def board_order(alarms: Iterable[Alarm], recovered: Collection[AlarmKey] = ()) -> list[Alarm]:
    """ALARM, then the `recovered` ones (recently ALARM, now OK: `model.recovery`), then
    INSUFFICIENT_DATA, then OK; within each the most recent transition first; then by name
    and region so the order is stable between refreshes. One sort on one precomputed key
    per alarm (the same order as sorting by name and region, then by rank and time)."""
    return sorted(alarms, key=lambda a: urgency_key(a, recovered))


def urgency_key(alarm: Alarm, recovered: Collection[AlarmKey] = ()) -> tuple[int, float, str, str]:
    """`board_order`'s key: state rank (recovered right after ALARM), newest first, name,
    region."""
    state = alarm.state
    if state is AlarmState.ALARM:
        rank = 0
    elif recovered and alarm.key in recovered:
        rank = 1
    else:
        rank = state.rank + 1
    return (rank, -alarm.in_state_since.timestamp(), alarm.name, alarm.region)


def filter_words(text: str) -> list[str]:
    """The words of a filter text, lower-cased: every one must occur in an alarm's text."""
    return text.lower().split()


def filter_alarms(
    alarms: Iterable[Alarm], text: str = "", states: frozenset[AlarmState] | None = None
) -> list[Alarm]:
    """Keep alarms in `states` (all when None) whose searchable text contains every word of
    `text` (case-insensitive): `lambda prod` matches alarms mentioning both."""
    words = filter_words(text)
    kept = []
    for alarm in alarms:
        if states is not None and alarm.state not in states:
            continue
        if words:
            haystack = alarm.search_text()
            if not all(w in haystack for w in words):
                continue
        kept.append(alarm)
    return kept


def state_counts(alarms: Iterable[Alarm]) -> dict[AlarmState, int]:
    """How many alarms are in each state (every state present, zero included)."""
    counts = dict.fromkeys(AlarmState, 0)
    for alarm in alarms:
        counts[alarm.state] += 1
    return counts


@dataclass(frozen=True, slots=True)
class RegionStatus:
    """What the board knows of one region: its last good alarms and its last error.

    A failing region keeps the alarms of its last successful poll (shown as stale) so a
    network blip never blanks the board. `recovered`: when each of its alarms recovered
    while the board watched (`model.recovery.recoveries`).
    """

    region: str
    alarms: tuple[Alarm, ...] = ()
    fetched_at: datetime | None = None
    error: str | None = None
    failures: int = 0
    recovered: Mapping[AlarmKey, datetime] = field(default_factory=dict)

    def succeeded(self, alarms: tuple[Alarm, ...], at: datetime) -> RegionStatus:
        recovered = recoveries(self.alarms, alarms, self.recovered)
        return RegionStatus(self.region, alarms, at, None, 0, recovered)

    def failed(self, message: str) -> RegionStatus:
        return RegionStatus(
            self.region, self.alarms, self.fetched_at, message, self.failures + 1, self.recovered
        )

    def age(self, now: datetime) -> float | None:
        """Seconds since the last successful poll, or None before the first one."""
        if self.fetched_at is None:
            return None
        return (now - self.fetched_at).total_seconds()
