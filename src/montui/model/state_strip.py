"""An alarm's states over days as a strip of cells: one cell per time bucket, one symbol per cell.

Pure. Tune draws the back-test of the current and the proposed settings as two strips, one
above the other, so where the episodes differ is seen at a glance. Days are UTC calendar days,
each split into `cells_per_day` equal buckets; a cell is ALARM when the alarm was in ALARM at
any moment of its bucket (a three-minute episode still shows), else the state that held
longest in it, and None outside the replayed span.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from msgspec import Struct

from montui.model.alarm import AlarmState

__all__ = ["NICE_CELLS_PER_DAY", "StateStrip", "cells_per_day_for", "state_strip"]

NICE_CELLS_PER_DAY = (1, 2, 3, 4, 6, 8, 12, 24)
"""Buckets of 24, 12, 8, 6, 4, 3, 2 or 1 hours: a cell's length is a whole number of hours."""

DAY = timedelta(days=1)


class StateStrip(Struct, frozen=True):
    """The cells of consecutive UTC days from `first_day` (midnight), `cells_per_day` each."""

    first_day: datetime
    cells_per_day: int
    cells: tuple[AlarmState | None, ...]

    @property
    def days(self) -> int:
        """How many calendar days the strip spans."""
        return len(self.cells) // self.cells_per_day

    @property
    def bucket(self) -> timedelta:
        """The length of one cell."""
        return DAY / self.cells_per_day


def cells_per_day_for(width: int, days: int) -> int:
    """The most cells per day (a whole number of hours each) that fit `days` in `width`
    columns; at least 1."""
    fitting = [n for n in NICE_CELLS_PER_DAY if n * days <= width]
    return fitting[-1] if fitting else 1


def state_strip(
    transitions: Sequence[tuple[datetime, AlarmState]],
    *,
    initial: AlarmState,
    start: datetime,
    end: datetime,
    cells_per_day: int,
) -> StateStrip:
    """The strip of the UTC days that `start`…`end` touches.

    `transitions` are (time, new state), in time order, as `model.tuning.backtest` returns
    them; the alarm is in `initial` at `start`. ValueError when `cells_per_day` does not divide
    a day into whole seconds or `end` is not after `start`.
    """
    if cells_per_day < 1 or 86400 % cells_per_day:
        raise ValueError(f"cannot split a day into {cells_per_day} equal cells")
    if end <= start:
        raise ValueError("the strip's end must be after its start")
    first_day = datetime.combine(start.astimezone(UTC).date(), time(), tzinfo=UTC)
    last_day = datetime.combine((end - timedelta(microseconds=1)).astimezone(UTC).date(), time(),
                                tzinfo=UTC)  # fmt: skip
    days = (last_day - first_day) // DAY + 1
    segments = _segments(transitions, initial, start, end)
    bucket = DAY / cells_per_day
    cells = tuple(
        _cell(segments, first_day + bucket * i, first_day + bucket * (i + 1))
        for i in range(days * cells_per_day)
    )
    return StateStrip(first_day=first_day, cells_per_day=cells_per_day, cells=cells)


Segment = tuple[datetime, datetime, AlarmState]


def _segments(
    transitions: Sequence[tuple[datetime, AlarmState]],
    initial: AlarmState,
    start: datetime,
    end: datetime,
) -> list[Segment]:
    """The span cut into (from, to, state) runs."""
    segments: list[Segment] = []
    at, state = start, initial
    for moment, new_state in transitions:
        moment = min(max(moment, start), end)
        if moment > at:
            segments.append((at, moment, state))
        at, state = max(at, moment), new_state
    if end > at:
        segments.append((at, end, state))
    return segments


def _cell(segments: Sequence[Segment], left: datetime, right: datetime) -> AlarmState | None:
    held: dict[AlarmState, timedelta] = {}
    for seg_start, seg_end, state in segments:
        overlap = min(seg_end, right) - max(seg_start, left)
        if overlap > timedelta(0):
            held[state] = held.get(state, timedelta(0)) + overlap
    if not held:
        return None
    if AlarmState.ALARM in held:
        return AlarmState.ALARM
    return max(held, key=lambda s: (held[s], -s.rank))
