"""An alarm's history (DescribeAlarmHistory) as montui reads it, and what it says about noise.

`alarm_episodes` reads the stretches in ALARM from the state updates; `noise_verdict` turns
them into the detail screen's flapping verdict (MONITORING.md: alerts that are safe to ignore
are the worst anti-pattern); `children_in_alarm` tells which children of a composite were in
ALARM during one of its episodes (the drill-down of a past episode). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from msgspec import Struct

from montui.model.alarm import AlarmState
from montui.model.evaluation import Episode


class HistoryKind(StrEnum):
    """AWS's HistoryItemType values montui shows."""

    STATE = "StateUpdate"
    CONFIGURATION = "ConfigurationUpdate"
    ACTION = "Action"


class HistoryItem(Struct, frozen=True):
    """One history item; `old_state`/`new_state` are set for state updates."""

    alarm: str
    timestamp: datetime
    kind: HistoryKind
    summary: str
    old_state: AlarmState | None = None
    new_state: AlarmState | None = None
    reason: str = ""
    data: str = ""
    account: str = ""
    """The account it came from ("" in hand-made data)."""
    region: str = ""
    """The region it came from ("" in hand-made data)."""


def alarm_episodes(
    items: Iterable[HistoryItem],
    *,
    window_start: datetime,
    now: datetime,
    current: AlarmState,
) -> tuple[Episode, ...]:
    """The stretches in ALARM between `window_start` and `now`, oldest first, read from the
    state updates among `items` (any order; other kinds are ignored).

    The state at `window_start` is the first update's old state, or `current` when there is
    no update in the window: an alarm already in ALARM then opens an episode at
    `window_start`. An episode still open at the last update has `end` None (still firing).
    """
    updates = sorted(
        (
            i
            for i in items
            if i.kind is HistoryKind.STATE
            and i.new_state is not None
            and window_start <= i.timestamp <= now
        ),
        key=lambda i: i.timestamp,
    )
    initial = (updates[0].old_state or current) if updates else current
    opened = window_start if initial is AlarmState.ALARM else None
    episodes: list[Episode] = []
    for item in updates:
        if item.new_state is AlarmState.ALARM:
            if opened is None:
                opened = item.timestamp
        elif opened is not None:
            episodes.append(Episode(opened, item.timestamp))
            opened = None
    if opened is not None:
        episodes.append(Episode(opened, None))
    return tuple(episodes)


def in_alarm_during(
    items: Iterable[HistoryItem], episode: Episode, *, current: AlarmState, now: datetime
) -> bool:
    """Whether an alarm was in ALARM at some moment of `episode` (its start to its end, an
    open one to `now`), read from its state updates among `items`, which must cover the
    episode's start to now (DescribeAlarmHistory over that span); `current` is its state now.

    The state at the start is the old state of the first update from the start on (an alarm
    that went into ALARM just before, as a composite's child does, was in ALARM then); with no
    update since the start, the new state of the last one before it, or else `current`.
    """
    end = episode.end if episode.end is not None else now
    updates = sorted(
        (i for i in items if i.kind is HistoryKind.STATE and i.new_state is not None),
        key=lambda i: i.timestamp,
    )
    since = [i for i in updates if i.timestamp >= episode.start]
    before = [i for i in updates if i.timestamp < episode.start]
    if since and since[0].old_state is not None:
        initial = since[0].old_state
    elif before:
        initial = before[-1].new_state or current
    else:
        initial = current
    if initial is AlarmState.ALARM:
        return True
    return any(i.new_state is AlarmState.ALARM for i in since if i.timestamp <= end)


def children_in_alarm(
    histories: Mapping[str, Iterable[HistoryItem]],
    episode: Episode,
    *,
    current: Mapping[str, AlarmState],
    now: datetime,
) -> frozenset[str]:
    """The names among `current` (each child's state now) that were in ALARM at some moment
    of `episode`, each read from its history in `histories` (`in_alarm_during`); a child
    without history there is judged by its current state."""
    return frozenset(
        name
        for name, state in current.items()
        if in_alarm_during(histories.get(name, ()), episode, current=state, now=now)
    )


FLAPPING_PER_DAY = 3.0
"""Episodes per day at or above which an alarm is called flapping (issue 4's rule)."""
SHORT_PERIODS = 2
"""An episode shorter than this many periods is "short"; most episodes short is flapping."""
MIN_SHORT_EPISODES = 3
"""Fewer episodes than this are never called flapping for being short."""
DAILY_SHARE = 0.7
"""Episodes starting on at least this share of the days, most of them clearing by themselves
within `SELF_CLEARING`, are a daily pattern (a nightly batch, a backup): flapping too."""
SELF_CLEARING = timedelta(hours=1)
MIN_DAILY_DAYS = 5


class NoiseVerdict(Struct, frozen=True):
    """Whether an alarm's recent ALARM episodes look like noise (alert fatigue).

    `time_in_alarm` counts an open episode up to the `now` given to `noise_verdict` (not at
    all without one); `shortest` is over the episodes that ended (None when none did).
    """

    episodes: int
    time_in_alarm: timedelta
    shortest: timedelta | None
    per_day: float
    flapping: bool
    reason: str


def noise_verdict(
    episodes: Sequence[Episode],
    *,
    period_seconds: int,
    days: float = 14,
    now: datetime | None = None,
) -> NoiseVerdict:
    """The flapping verdict over `days` of episodes: flapping when there are at least 3
    episodes a day on average, or at least 3 episodes of which most (more than half) ended
    within two periods of starting, or episodes starting on most days (70 %, at least 5 days)
    that mostly cleared on their own within an hour — the alarm that "fires every night".
    `reason` says which, in plain words."""
    if days <= 0:
        raise ValueError("days must be positive")
    count = len(episodes)
    ended = [e.end - e.start for e in episodes if e.end is not None]
    total = sum(ended, timedelta())
    if now is not None:
        total += sum((now - e.start for e in episodes if e.end is None), timedelta())
    short_limit = timedelta(seconds=SHORT_PERIODS * period_seconds)
    short = sum(1 for d in ended if d < short_limit)
    per_day = count / days
    span = f"{count} episode{'' if count == 1 else 's'} in {_days(days)}"
    mostly_short = count >= MIN_SHORT_EPISODES and short * 2 > count
    days_with = len({e.start.date() for e in episodes})
    quick = sum(1 for d in ended if d <= SELF_CLEARING)
    daily = days_with >= max(MIN_DAILY_DAYS, DAILY_SHARE * days) and quick * 2 > count
    if count == 0:
        reason = f"no ALARM episode in {_days(days)}"
    elif per_day >= FLAPPING_PER_DAY:
        reason = f"{span}, {per_day:.1f} a day (3 or more a day is flapping)"
    elif mostly_short:
        reason = f"{span}, most shorter than {SHORT_PERIODS} periods ({short} of {count})"
    elif daily:
        reason = (
            f"{span}, on {days_with} different days, most clearing by themselves within an"
            " hour: a daily pattern, not an incident"
        )
    else:
        reason = f"{span}, {per_day:.1f} a day, most lasting {SHORT_PERIODS} periods or more"
    return NoiseVerdict(
        episodes=count,
        time_in_alarm=total,
        shortest=min(ended) if ended else None,
        per_day=per_day,
        flapping=per_day >= FLAPPING_PER_DAY or mostly_short or daily,
        reason=reason,
    )


def _days(days: float) -> str:
    return "1 day" if days == 1 else f"{days:g} days"
