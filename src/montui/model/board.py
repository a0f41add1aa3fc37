"""The alarm board's logic without a screen: order, filter, counts, per-region freshness."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from msgspec import Struct, field

from montui.model.alarm import Alarm, AlarmState
from montui.model.alarm_first import merge_firing
from montui.model.records import replace
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


class RegionStatus(Struct, frozen=True):
    """What the board knows of one region: its last good alarms and its last error.

    A failing region keeps the alarms of its last successful poll (shown as stale) so a
    network blip never blanks the board. `recovered`: when each of its alarms recovered
    while the board watched (`model.recovery.recoveries`). `fetched_at` is the last good
    answer, the ALARM-only one included (`firing`); `listed_at` the last full listing
    (`succeeded`), None while the region shows only its ALARM rows (`listing`).
    """

    region: str
    alarms: tuple[Alarm, ...] = ()
    fetched_at: datetime | None = None
    error: str | None = None
    failures: int = 0
    recovered: Mapping[AlarmKey, datetime] = field(default_factory=dict)
    listed_at: datetime | None = None
    account: str = ""
    """The account's alias (`[[account]]`; "" without any)."""

    def succeeded(self, alarms: tuple[Alarm, ...], at: datetime) -> RegionStatus:
        """A full listing: every alarm of the region, recoveries decided against the rows
        shown before it."""
        recovered = recoveries(self.alarms, alarms, self.recovered)
        return replace(
            self, alarms=alarms, fetched_at=at, error=None, failures=0, recovered=recovered,
            listed_at=at,
        )  # fmt: skip

    def firing(self, alarms: tuple[Alarm, ...], at: datetime) -> RegionStatus:
        """An ALARM-only answer merged over the rows shown (`model.alarm_first`); the error,
        if any, stays until a listing succeeds, and nothing is marked recovered (that needs
        the listing: an alarm missing from this answer may be OK, INSUFFICIENT_DATA or gone)."""
        return replace(self, alarms=merge_firing(self.alarms, alarms), fetched_at=at)

    def failed(self, message: str) -> RegionStatus:
        return replace(self, error=message, failures=self.failures + 1)

    @property
    def listing(self) -> bool:
        """Only the ALARM rows are known: the region has answered, never with a listing."""
        return self.fetched_at is not None and self.listed_at is None

    def age(self, now: datetime) -> float | None:
        """Seconds since the last successful poll, or None before the first one."""
        if self.fetched_at is None:
            return None
        return (now - self.fetched_at).total_seconds()


def unknown_states(
    statuses: Iterable[RegionStatus], *, connected: bool = True
) -> frozenset[AlarmState]:
    """The states whose count over `statuses` is not known yet (the header says `…` for
    them, not 0): every state before the connection or while a place has not answered; OK
    and INSUFFICIENT_DATA while a place shows only its ALARM rows (`listing`: its full
    listing still pages in). A failing place is not waited for: its ⚠ says so, and the
    others' counts are shown."""
    if not connected:
        return frozenset(AlarmState)
    pending = [s for s in statuses if s.error is None and s.listed_at is None]
    if any(s.fetched_at is None for s in pending):
        return frozenset(AlarmState)
    if pending:
        return frozenset((AlarmState.OK, AlarmState.INSUFFICIENT_DATA))
    return frozenset()
