"""The scenario resolved for one seed and one "now": every alarm's story, timeline and
configuration time, and the time-ordered list of state changes to replay. Pure; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from montui.demo.scenario import ALARMS, COMPOSITES
from montui.demo.scenario.signals import Timeline, Transition, build_timeline, unit_noise
from montui.demo.scenario.spec import ALARM, NO_DATA, OK, AlarmSpec, CompositeSpec, Step, minutes

# Metric alarms were configured more than 46 days ago, composite alarms 31-45 days ago, and
# every composite child's story fits after that (default stories span at most 28 days), so a
# composite's recorded history is the one the world derives from its children.
_COMPOSITE_AGE_DAYS = (31.0, 45.0)
_DEFAULT_OK_DAYS = (0.3, 28.0)


@dataclass(frozen=True, slots=True)
class PlannedAlarm:
    """A metric alarm with its story placed in time."""

    spec: AlarmSpec
    timeline: Timeline
    configured_at: datetime


@dataclass(frozen=True, slots=True)
class PlannedComposite:
    """A composite alarm and when it was configured (its state is the world's to derive)."""

    spec: CompositeSpec
    configured_at: datetime


@dataclass(frozen=True, slots=True)
class StateChange:
    """One SetAlarmState to replay, at `transition.at` on the demo clock."""

    alarm: PlannedAlarm
    transition: Transition


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the seed writes, decided before the first request."""

    now: datetime
    seed: int
    alarms: tuple[PlannedAlarm, ...]
    composites: tuple[PlannedComposite, ...]
    changes: tuple[StateChange, ...]


def default_story(spec: AlarmSpec, seed: int) -> tuple[Step, ...]:
    """An alarm with no story has been OK for a seed-chosen while, after an old ALARM or
    after its creation."""
    low, high = _DEFAULT_OK_DAYS
    days = low + (high - low) * unit_noise(seed, spec.name, "ok-days")
    after = ALARM if unit_noise(seed, spec.name, "after") < 0.6 else NO_DATA
    return (Step(OK, minutes(days=days), after=after),)


def plan(now: datetime, seed: int) -> Plan:
    """Resolve the scenario for `now` (aware UTC) and `seed`."""
    alarms = []
    for spec in ALARMS:
        story = spec.story or default_story(spec, seed)
        timeline = build_timeline(spec, story, now, seed)
        first = min(timeline.transitions[0].at, now - timedelta(days=_COMPOSITE_AGE_DAYS[1] + 1))
        age = timedelta(hours=1 + 24 * 300 * unit_noise(seed, spec.name, "configured"))
        alarms.append(PlannedAlarm(spec, timeline, _to_second(first - age)))
    # A composite can only be created after the alarms it names: COMPOSITES lists children
    # first, so the seed-chosen times are handed out in that order, oldest first.
    low, high = _COMPOSITE_AGE_DAYS
    ages = sorted(
        (low + (high - low) * unit_noise(seed, spec.name, "configured") for spec in COMPOSITES),
        reverse=True,
    )
    composites = [
        PlannedComposite(spec, _to_second(now - timedelta(days=days)))
        for spec, days in zip(COMPOSITES, ages, strict=True)
    ]
    changes = [StateChange(a, t) for a in alarms for t in a.timeline.transitions]
    changes.sort(key=lambda c: (c.transition.at, c.alarm.spec.name))
    return Plan(now, seed, tuple(alarms), tuple(composites), tuple(changes))


def _to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
