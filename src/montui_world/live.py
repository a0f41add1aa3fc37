"""The living scenario: built once (configuration, 14 days of backfill), then moved forward.

`Scenario(seed, now)` resolves the plan; `build(endpoint)` configures the world over the AWS
API and backfills it in-process; `advance_to(t)` writes every minute of metrics and log lines
between the last call and `t` and evaluates the alarms at each minute boundary, in order,
synchronously: the tests drive it by hand on a fixed clock, no sleeping. `Ticker` is the
same thing on a thread for `montui demo serve`: it follows a `CatchUpClock`, which starts
`lead_for(speed)` behind the wall clock so that every live moment (`scenario.moments`: the
contact form's incident in ALARM when the world opens, the new GuardDuty finding, the DB lock
pile-up, the SES complaint spike) plays at `speed` times real time before the world catches up.

At each minute boundary `b` the scenario

1. stores every series step that ended by `b` (a minute's datapoint is published once the
   minute is over, timestamped at its start, as CloudWatch's one-minute metrics are);
2. stores that minute's log lines;
3. evaluates every alarm whose period ended at `b`, with the world's live evaluator
   (`montui_world.ext.evaluation.LiveEvaluator.step`): composites follow, history records.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from montui_world import backfill
from montui_world.clock import WORLD_CLOCK
from montui_world.ext import ses_store
from montui_world.ext.alarm_store import LOCK
from montui_world.ext.evaluation import Clock, LiveEvaluator, StateChange
from montui_world.identity import DEMO_ACCOUNT, DEMO_REGIONS
from montui_world.loop import BackgroundLoop
from montui_world.scenario import guardduty, moments, ses
from montui_world.scenario.plan import Plan, plan
from montui_world.scenario.series import AlarmSeries, epoch
from montui_world.scenario.signals import floor_time
from montui_world.scenario.team import TeamScenario
from montui_world.seed import Clients, SeedSummary, configure_alarms, create_composites
from montui_world.seed import final_states as count_states

LOG_HISTORY = timedelta(days=1)
ACCESS_LOG_HISTORY = timedelta(hours=3)
EXECUTION_LOG_HISTORY = timedelta(hours=1)
"""API Gateway's execution log is kept shorter: about 1.2 KB of world memory per line."""
MAX_LEAD = timedelta(days=1)
FAST_SECONDS = 80
"""A world faster than real time runs fast for at least this many real seconds."""
STORY = moments.STORY
"""The simulated time after the start that must play at full speed: every live moment of
`scenario.moments` (the last, the SES complaint rate, published about 65 minutes in) and a
few minutes after it."""


def _wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class CatchUpClock:
    """Simulated time: starts at `start`, runs `speed` times faster than real time, and never
    passes the wall clock: once it has caught up it follows it (so the world's data is never
    in the future of the app that reads it). `wall` and `monotonic` are the real clocks
    (tests pass hand-moved ones)."""

    start: datetime
    speed: float = 1.0
    wall: Callable[[], datetime] = field(default=_wall_clock, repr=False)
    monotonic: Callable[[], float] = field(default=time.monotonic, repr=False)
    _origin: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._origin = self.monotonic()

    def now(self) -> datetime:
        """The simulated time."""
        elapsed = (self.monotonic() - self._origin) * self.speed
        return min(self.start + timedelta(seconds=elapsed), self.wall())


def lead_for(speed: float) -> timedelta:
    """How far behind the wall clock a world at `speed` starts, so that it runs `speed` times
    real time through the whole `STORY` (and for at least FAST_SECONDS) before it catches up
    with the wall clock. At 10x: 63 simulated minutes, so the whole script of
    `scenario.moments` plays within the first 7 real minutes; at 1x (or slower): none, the
    world is the wall clock's and the moments come in real time."""
    if speed <= 1.0:
        return timedelta(0)
    story = STORY * (1.0 - 1.0 / speed)
    fast = timedelta(seconds=FAST_SECONDS) * (speed - 1.0)
    return min(max(story, fast), MAX_LEAD)


class Scenario:
    """The scenario for one seed, anchored at `now` (default: the wall clock)."""

    def __init__(self, *, seed: int = 7, now: datetime | None = None) -> None:
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        self.plan: Plan = plan(moment, seed)
        self.series = {a.spec.name: AlarmSeries(a.spec, a.timeline, seed) for a in self.plan.alarms}
        self.ses = ses.accounts(moment, seed)
        for alarm in self.plan.alarms:  # the SES rates: from the mail SES counted
            if alarm.spec.name in ses.RATE_ALARMS:
                traffic = next(t for region, _, t in self.ses if region == alarm.spec.region)
                self.series[alarm.spec.name] = ses.RateSeries(
                    alarm.spec, alarm.timeline, seed, traffic
                )
        self.done = epoch(floor_time(moment, 60))
        self.reached = moment
        self._written = {
            a.spec.name: self.done // s.step * s.step
            for a, s in zip(self.plan.alarms, self.series.values(), strict=True)
        }
        self.evaluator = LiveEvaluator(self)
        self._lock = threading.Lock()
        self.teams: list[TeamScenario] = []

    @property
    def seed(self) -> int:
        """The scenario's seed."""
        return self.plan.seed

    def now(self) -> datetime:
        """How far the scenario has been moved (its clock, for the evaluator)."""
        return self.reached

    def build(self, endpoint: str, headers: Mapping[str, str] | None = None) -> SeedSummary:
        """Configure the world at `endpoint` (running in this process) and backfill it;
        `headers` go with every request (`World.seeder_headers` for a gated world)."""
        started = time.perf_counter()
        WORLD_CLOCK.follow(self.now)  # the world's read APIs answer as of the scenario's time
        clients = Clients(endpoint, headers)
        for region, account, traffic in self.ses:
            ses_store.STORE.put(DEMO_ACCOUNT, region, account)
            ses_store.STORE.set_traffic(DEMO_ACCOUNT, region, traffic)
        topics, filters = configure_alarms(clients, self.plan)
        datapoints = backfill.write_metrics(self.plan, self.series, self.plan.now)
        with LOCK:
            first, transitions = backfill.replay_alarms(self.plan)
            backfill.set_start_states(self.plan, first)
        create_composites(clients, self.plan)
        guardduty.seed(self.plan.now, self.seed)
        with LOCK:
            applied = backfill.apply_history(self.plan, first, transitions)
        end = self.done // 60
        events = backfill.write_logs(
            self.plan,
            self.series,
            end - int(LOG_HISTORY.total_seconds()) // 60,
            end,
            end - int(ACCESS_LOG_HISTORY.total_seconds()) // 60,
            end - int(EXECUTION_LOG_HISTORY.total_seconds()) // 60,
        )
        return SeedSummary(
            endpoint=endpoint,
            regions=DEMO_REGIONS,
            metric_alarms=len(self.plan.alarms),
            composite_alarms=len(self.plan.composites),
            states=count_states(clients),
            datapoints=datapoints,
            topics=topics,
            log_metric_filters=filters,
            transitions=applied,
            log_events=events,
            seconds=time.perf_counter() - started,
        )

    def add_team(self, team: TeamScenario) -> None:
        """Another account's small scenario (`scenario.team`): built now, as of the time this
        scenario has reached, then moved with it minute by minute."""
        with self._lock:
            team.build()
            self.teams.append(team)

    def advance_to(self, moment: datetime) -> list[StateChange]:
        """Write and evaluate every minute boundary up to `moment`; returns the state changes
        of the metric alarms. Moving backwards does nothing."""
        target = epoch(moment) // 60 * 60
        changes: list[StateChange] = []
        with self._lock:
            while self.done < target:
                boundary = self.done + 60
                self._write(boundary)
                self.reached = max(self.reached, datetime.fromtimestamp(boundary, UTC))
                changes.extend(self.evaluator.step(self.done, boundary))
                self.done = boundary
            self.reached = max(self.reached, moment.astimezone(UTC))
        return changes

    def _write(self, boundary: int) -> None:
        for alarm in self.plan.alarms:
            name = alarm.spec.name
            source = self.series[name]
            upto = boundary // source.step * source.step
            if upto <= self._written[name]:
                continue
            backfill.store_series(alarm.spec.region, source.between(self._written[name], upto))
            self._written[name] = upto
        backfill.store_logs(backfill.minute_logs(self.plan, self.series, boundary // 60 - 1))
        for team in self.teams:
            team.write_until(boundary)


def seed_world(endpoint: str, *, now: datetime | None = None, seed: int = 7) -> SeedSummary:
    """Configure and backfill the scenario in the world at `endpoint` (which must run in
    this process). `now` (default: the wall clock) anchors every story."""
    return Scenario(seed=seed, now=now).build(endpoint)


class Ticker(BackgroundLoop):
    """A daemon thread moving a scenario along a clock (`CatchUpClock` when serving; any
    `now()`, with a `speed` attribute to shorten the waits)."""

    thread_name = "montui-demo-ticker"

    def __init__(self, scenario: Scenario, clock: Clock) -> None:
        super().__init__()
        self.scenario, self.clock = scenario, clock

    def _run(self) -> None:
        speed = float(getattr(self.clock, "speed", 1.0) or 1.0)
        wait = min(1.0, max(0.02, 5.0 / max(speed, 1.0)))
        while not self._stop.is_set():
            try:
                self.scenario.advance_to(self.clock.now())
            except Exception as error:  # the world keeps serving; the error is kept
                self.last_error = error
            self._stop.wait(wait)
