"""The scenario resolved for one seed and one start time: every alarm's timeline (when its
metric breaches or reports nothing, past and future) and when each alarm was configured.
Pure; no I/O.

The timelines come from three sources:

- each alarm's `story` (`Step`s before the start: "in ALARM for 40 minutes", "OK for nine
  days after an old ALARM"), placed by `signals.build_timeline`; alarms without a story
  have been OK for a seed-chosen while, after an old ALARM or after their creation;
- `nightly` alarms: a breach of two to four minutes every night near 02:00 JST;
- the live `hitori.INCIDENT`: a breach from two minutes before the start to 23 after;
- the SES rate alarms: wherever the rates computed from the mail (`ses`) breach.
- the live `shop.LOCK_PILEUP`: a breach from 30 minutes after the start to 50 after
  (timings: `scenario.moments`).

The alarm states themselves are not planned: the backfill replays CloudWatch's evaluation
over the generated data (`montui_world.backfill`), and the live world evaluates as time passes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from montui_world.scenario import ALARMS, COMPOSITES, ses
from montui_world.scenario.hitori import INCIDENT
from montui_world.scenario.shop import LOCK_PILEUP
from montui_world.scenario.signals import Interval, Timeline, build_timeline, floor_time, unit_noise
from montui_world.scenario.spec import ALARM, NO_DATA, OK, AlarmSpec, CompositeSpec, Step, minutes

HISTORY_DAYS = 14
_COMPOSITE_AGE_DAYS = (15.0, 45.0)
_DEFAULT_OK_DAYS = (0.3, 28.0)
_NIGHTLY_UTC_MINUTE = 17 * 60  # 02:00 JST
_FUTURE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PlannedAlarm:
    """A metric alarm with its timeline placed in time."""

    spec: AlarmSpec
    timeline: Timeline
    configured_at: datetime


@dataclass(frozen=True, slots=True)
class PlannedComposite:
    """A composite alarm and when it was configured (its state is the world's to derive)."""

    spec: CompositeSpec
    configured_at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the backfill and the live world write, decided before the first write."""

    now: datetime
    seed: int
    alarms: tuple[PlannedAlarm, ...]
    composites: tuple[PlannedComposite, ...]

    @property
    def history_start(self) -> datetime:
        """The start of the backfilled metrics and alarm history (14 days before `now`)."""
        return floor_time(self.now - timedelta(days=HISTORY_DAYS), 60)

    @property
    def incident_start(self) -> datetime:
        """When the live incident's metrics start breaching."""
        return floor_time(self.now, 60) + INCIDENT.starts_after

    @property
    def incident_end(self) -> datetime:
        """When they stop."""
        return self.incident_start + INCIDENT.lasts

    @property
    def lock_pileup(self) -> tuple[datetime, datetime]:
        """When the shop writer's live lock pile-up starts and ends (`shop.LOCK_PILEUP`)."""
        start = floor_time(self.now, 60) + LOCK_PILEUP.starts_after
        return start, start + LOCK_PILEUP.lasts

    def alarm(self, name: str) -> PlannedAlarm:
        """The planned metric alarm called `name`."""
        return next(a for a in self.alarms if a.spec.name == name)


def default_story(spec: AlarmSpec, seed: int) -> tuple[Step, ...]:
    """An alarm with no story has been OK for a seed-chosen while, after an old ALARM or
    after its creation."""
    low, high = _DEFAULT_OK_DAYS
    days = low + (high - low) * unit_noise(seed, spec.name, "ok-days")
    after = ALARM if unit_noise(seed, spec.name, "after") < 0.6 else NO_DATA
    return (Step(OK, minutes(days=days), after=after),)


def nightly_spikes(name: str, now: datetime, seed: int) -> list[Interval]:
    """Two to four breaching minutes a night, near 02:00 JST, from 15 days before `now` to
    30 days after."""
    first = floor_time(now - timedelta(days=HISTORY_DAYS + 1), 86400)
    return [
        nightly_spike(name, first + timedelta(days=day), seed)
        for day in range(HISTORY_DAYS + 1 + _FUTURE.days)
    ]


def nightly_spike(name: str, midnight: datetime, seed: int) -> Interval:
    """The night's breaching minutes after `midnight` (UTC): 17:00 UTC plus 0 to 24 minutes,
    for two to four minutes (what the nightly batch's load follows, `scenario.dbload`)."""
    offset = int(25 * unit_noise(seed, name, "spike-at", midnight.date()))
    length = 2 + int(3 * unit_noise(seed, name, "spike-length", midnight.date()))
    start = midnight + timedelta(minutes=_NIGHTLY_UTC_MINUTE + offset)
    return (start, start + timedelta(minutes=length))


def plan(now: datetime, seed: int) -> Plan:
    """Resolve the scenario for `now` (aware UTC) and `seed`."""
    incident_start = floor_time(now, 60) + INCIDENT.starts_after
    incident = (incident_start, incident_start + INCIDENT.lasts)
    pileup_start = floor_time(now, 60) + LOCK_PILEUP.starts_after
    pileup = (pileup_start, pileup_start + LOCK_PILEUP.lasts)
    alarms = []
    for spec in ALARMS:
        story = spec.story or default_story(spec, seed)
        timeline = build_timeline(spec, story, now, seed, far=now + _FUTURE)
        extra: list[Interval] = []
        if spec.nightly:
            extra.extend(nightly_spikes(spec.name, now, seed))
        if spec.name in INCIDENT.alarms:
            extra.append(incident)
        if spec.name in LOCK_PILEUP.alarms:
            extra.append(pileup)
        if extra:
            timeline = replace(timeline, breaching=tuple(sorted((*timeline.breaching, *extra))))
        if spec.name in ses.RATE_ALARMS:
            # The SES rates come from the mail SES counted (`ses`), not from the story.
            traffic = ses.SesTraffic(spec.region, seed, int(now.timestamp()))
            history = floor_time(now - timedelta(days=HISTORY_DAYS + 1), 60)
            timeline = replace(timeline, breaching=ses.breaching(spec, traffic, history, now))
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
    return Plan(now, seed, tuple(alarms), tuple(composites))


def _to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
