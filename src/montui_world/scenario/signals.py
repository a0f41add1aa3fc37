"""When each scenario alarm's metric breaches or is missing: a story becomes a `Timeline`.

A story (`Step`s) becomes the state transitions it describes, at period boundaries plus a few
seconds, and from them the intervals where the metric breached and the intervals where it
reported nothing. Only the intervals feed the data (`series`); the states the world shows
come from evaluating that data, as CloudWatch would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from montui_world.scenario.spec import ALARM, NO_DATA, OK, AlarmSpec, Step

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Transition:
    """A state change a story describes (`at` includes the evaluation delay); it places the
    intervals, the world's own evaluation decides the states."""

    state: str
    at: datetime
    previous: str
    boundary: datetime  # the end of the last period the evaluation looked at


@dataclass(frozen=True, slots=True)
class Timeline:
    """An alarm's transitions, and when its metric breached or was missing."""

    transitions: tuple[Transition, ...]
    breaching: tuple[Interval, ...]
    missing: tuple[Interval, ...]

    def is_breaching(self, moment: datetime) -> bool:
        """Whether the metric breached at `moment`."""
        return _inside(moment, self.breaching)

    def is_missing(self, moment: datetime) -> bool:
        """Whether the metric reported nothing at `moment`."""
        return _inside(moment, self.missing)


def _inside(moment: datetime, intervals: tuple[Interval, ...]) -> bool:
    # A plain loop, not any(): this runs for every stored datapoint and is twice as fast.
    for start, end in intervals:  # noqa: SIM110
        if start <= moment < end:
            return True
    return False


def floor_time(moment: datetime, seconds: int) -> datetime:
    """The period boundary at or before `moment` (periods count from the Unix epoch)."""
    elapsed = int((moment - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % seconds)


def unit_noise(*parts: object) -> float:
    """A deterministic number in [0, 1) for the given key (stable across processes)."""
    key = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2.0**64


def build_timeline(
    spec: AlarmSpec,
    steps: tuple[Step, ...],
    now: datetime,
    seed: int,
    *,
    far: datetime | None = None,
) -> Timeline:
    """Place the story's steps on period boundaries and derive breach and gap intervals
    (a state the story leaves the alarm in lasts until `far`, default a day after `now`)."""
    period = timedelta(seconds=spec.period)
    n, m = spec.evaluation_periods, spec.datapoints_to_alarm
    far = far or now + timedelta(days=1)
    transitions: list[Transition] = []
    for index, step in enumerate(steps):
        delay = timedelta(seconds=12 + int(40 * unit_noise(seed, spec.name, "delay", index)))
        boundary = floor_time(now - timedelta(minutes=step.minutes_ago), spec.period)
        at = min(boundary + delay, now)
        previous = transitions[-1].state if transitions else step.after
        transitions.append(Transition(step.state, at, previous, boundary))
    breaching: list[Interval] = []
    missing: list[Interval] = []
    for index, tr in enumerate(transitions):
        nxt = transitions[index + 1] if index + 1 < len(transitions) else None
        if tr.state == ALARM:
            start = tr.boundary - m * period
            if nxt is None:
                end = far
            elif nxt.state == OK:
                end = max(nxt.boundary - (n - m + 1) * period, start + period)
            else:
                end = nxt.boundary - n * period
            breaching.append((start, end))
        elif tr.state == NO_DATA:
            start = tr.boundary - n * period
            end = far if nxt is None else nxt.boundary - (n - m + 1) * period
            missing.append((start, max(start, end)))
        if index == 0 and tr.previous == ALARM and tr.state == OK:
            # The alarm was in ALARM before its recorded history: make those datapoints breach.
            breaching.append((tr.boundary - (n + 3) * period, tr.boundary - (n - m + 1) * period))
    return Timeline(tuple(transitions), tuple(breaching), tuple(missing))


def step_seconds(spec: AlarmSpec) -> int:
    """The resolution data is stored at: one minute, or the period for daily-style alarms."""
    return 60 if spec.period <= 3600 else spec.period
