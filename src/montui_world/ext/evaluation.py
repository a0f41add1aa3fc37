"""Live metric alarm evaluation: the world moves its alarms as CloudWatch would.

Every metric alarm is evaluated at each of its period boundaries with
`montui.model.evaluation.evaluate_at` (M of N, TreatMissingData, the evaluation range, AWS's
StateReason and StateReasonData): this module only fetches the datapoints and applies the
result through `alarm_state.set_state` (so composites follow and the history records the
transition and its actions). A state that does not change is left alone, StateReason
included, as AWS leaves it.

Datapoints come from a `MetricSource`: by default the world's metric store
(`montui_world.ext.metrics.datapoints`; tests may inject another).
Metric-math alarms fetch each MetricStat query and evaluate the returned expression with the
world's metric math (`montui_world.ext.metric_math`, GetMetricData's own:
`100*(errors/invocations)`, `FILL`, `METRICS()`, ...). Alarms the world cannot evaluate are
skipped and keep their state: anomaly-band operators (there is no anomaly model), and
expressions that fail.

Two ways to drive it:

- `evaluate_all(at)`: every alarm in every region and account, as of `at`, now (tests);
- `start_evaluator(clock)` / `stop_evaluator()`: a daemon thread that wakes at each
  `tick`-second boundary of `clock` (anything with `now()`; a `speed` attribute, such as
  `ScaledClock`'s, shortens the real waits) and evaluates the alarms whose period ended.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from montui.model.alarm import AlarmState
from montui.model.evaluation import BAND_COMPARISONS, COMPARISONS, AlarmSettings, evaluate_at
from montui.model.evaluation import Evaluation as _Evaluation
from montui_world.ext import alarm_state
from montui_world.ext import metric_math as mm
from montui_world.ext.alarm_store import LOCK, all_backends, is_composite, is_fixture
from montui_world.ext.metrics import datapoints
from montui_world.loop import BackgroundLoop
from montui_world.wording import as_utc, moto_time

Points = dict[datetime, float]


class MetricSource(Protocol):
    """Period-aligned statistic values of one metric over [start, end)."""

    def __call__(
        self,
        region: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str],
        *,
        period: int,
        stat: str,
        start: datetime,
        end: datetime,
        account: str = ...,
    ) -> dict[datetime, float]: ...


class Clock(Protocol):
    """What the live evaluator reads the time from (the world's clock, maybe faster)."""

    def now(self) -> datetime: ...


@dataclass
class ScaledClock:
    """A clock that starts at `start` (default: now) and runs `speed` times real time."""

    start: datetime = field(default_factory=lambda: datetime.now(UTC))
    speed: float = 1.0
    _origin: float = field(default_factory=time.monotonic, repr=False)

    def now(self) -> datetime:
        """The simulated time."""
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)


@dataclass(frozen=True, slots=True)
class StateChange:
    """One transition an evaluation applied."""

    region: str
    alarm_name: str
    old: str
    new: str
    at: datetime


def default_source() -> MetricSource:
    """The world's metric store (`montui_world.ext.metrics.datapoints`)."""
    source: MetricSource = datapoints
    return source


# --- one alarm ----------------------------------------------------------------------------


def settings_of(alarm: Any) -> AlarmSettings | None:
    """The evaluation settings of a moto metric alarm; None when the world cannot evaluate it."""
    comparison = alarm.comparison_operator
    if comparison not in COMPARISONS or comparison in BAND_COMPARISONS:
        return None
    period = alarm.period or next(
        (q.metric_stat.period for q in alarm.metric_data_queries if q.metric_stat), None
    )
    n = alarm.evaluation_periods
    if not period or not n or alarm.threshold is None:
        return None
    stat = alarm.statistic or alarm.extended_statistic
    if stat is None:
        stat = next((q.metric_stat.stat for q in alarm.metric_data_queries if q.metric_stat), "")
    try:
        return AlarmSettings(
            threshold=float(alarm.threshold),
            comparison=comparison,
            period=int(period),
            evaluation_periods=int(n),
            datapoints_to_alarm=int(alarm.datapoints_to_alarm or n),
            treat_missing_data=alarm.treat_missing_data or "missing",
            statistic=stat or "Average",
        )
    except ValueError:
        return None


def alarm_points(
    alarm: Any, settings: AlarmSettings, at: datetime, source: MetricSource
) -> Points | None:
    """The alarm's values over the evaluation range ending at `at` (None: cannot evaluate)."""
    period = settings.period
    last_end = int(as_utc(at).timestamp()) // period * period
    end = datetime.fromtimestamp(last_end, UTC)
    start = end - timedelta(seconds=period * settings.range_periods)
    region = alarm.region_name
    account = str(alarm.alarm_arn).split(":")[4]  # the alarm's own account's metrics

    def fetch(namespace: str, name: str, dims: Mapping[str, str], p: int, stat: str) -> Points:
        found = source(
            region,
            namespace,
            name,
            dims,
            period=p,
            stat=stat,
            start=start,
            end=end,
            account=account,
        )
        return {as_utc(t): v for t, v in found.items() if start <= as_utc(t) < end}

    points: Points | None
    if not alarm.metric_data_queries:
        dims = {d.name: d.value for d in alarm.dimensions}
        points = fetch(alarm.namespace, alarm.metric_name, dims, period, settings.statistic)
    else:
        points = _math_points(alarm.metric_data_queries, fetch, period, start, end)
    if points is None:
        return None
    return {t: v for t, v in points.items() if int(t.timestamp()) % period == 0}


def _math_points(
    queries: list[Any],
    fetch: Callable[[str, str, Mapping[str, str], int, str], Points],
    period: int,
    start: datetime,
    end: datetime,
) -> Points | None:
    """The returned expression's values, through the world's metric math."""
    series: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    for query in queries:
        stat = query.metric_stat
        if stat is not None:
            dims = {d.name: d.value for d in stat.metric.dimensions}
            p = int(stat.period or period)
            found = fetch(stat.metric.namespace, stat.metric.metric_name, dims, p, stat.stat)
            points = {int(t.timestamp()): v for t, v in sorted(found.items())}
            series[query.id] = mm.TimeSeries(query.label or query.id, p, points)
        elif query.expression:
            expressions[query.id] = query.expression
    returned = [q.id for q in queries if q.return_data in (True, "true", "True")]
    if len(returned) != 1 or returned[0] not in expressions:
        return None
    first, last = int(start.timestamp()), int(end.timestamp())

    def lookup(query_id: str) -> Any:
        if query_id not in series:
            if query_id not in expressions:
                raise mm.MathError(f"Unknown id {query_id}")
            series[query_id] = mm.evaluate(mm.parse(expressions.pop(query_id)), context)
        return series[query_id]

    def metrics(text: str | None) -> list[Any]:
        found = [v for v in series.values() if isinstance(v, mm.TimeSeries)]
        return [v for v in found if text is None or text in v.label]

    context = mm.Context(lookup, metrics, lambda p: range(first - first % p, last, p))
    try:
        value = lookup(returned[0])
    except (mm.MathError, RecursionError):
        return None
    if not isinstance(value, mm.TimeSeries):
        return None
    return {datetime.fromtimestamp(t, UTC): v for t, v in value.points.items()}


def evaluate_alarm(alarm: Any, at: datetime, source: MetricSource) -> _Evaluation | None:
    """Evaluate one moto metric alarm as of `at` (no state change applied)."""
    settings = settings_of(alarm)
    if settings is None:
        return None
    points = alarm_points(alarm, settings, at, source)
    if points is None:
        return None
    previous = AlarmState(alarm.state_value)
    return evaluate_at(settings, points, as_utc(at), previous)


# --- every alarm --------------------------------------------------------------------------


def _metric_alarms(account: str | None = None) -> Iterator[tuple[Any, Any]]:
    """(backend, alarm) for every metric alarm in every account (or `account`) and region,
    snapshotted under the CloudWatch lock; bulk fixtures (no data behind them) are left
    alone."""
    with LOCK:
        pairs = [
            (backend, alarm)
            for backend in all_backends()
            if account is None or backend.account_id == account
            for alarm in list(backend.alarms.values())
            if not is_composite(alarm) and not is_fixture(alarm)
        ]
    return iter(pairs)


def _apply(backend: Any, alarm: Any, evaluation: _Evaluation, at: datetime) -> StateChange | None:
    """Apply a changed state under the lock, unless the alarm was replaced or moved since."""
    with LOCK:
        if backend.alarms.get(alarm.name) is not alarm:
            return None
        old, new = alarm.state_value, evaluation.state.value
        if old == new or evaluation.previous.value != old:
            return None
        moment = moto_time(at)
        alarm_state.set_state(alarm, new, evaluation.reason, evaluation.reason_json, moment)
        alarm_state.refresh_parents(backend.alarms, alarm.name, moment)
        return StateChange(backend.region_name, alarm.name, old, new, moment)


def evaluate_all(
    at: datetime,
    *,
    source: MetricSource | None = None,
    due: Callable[[AlarmSettings], datetime | None] | None = None,
    account: str | None = None,
) -> list[StateChange]:
    """Evaluate every metric alarm as of `at` and apply the transitions; returns them.

    `due` (the live thread's) picks, per alarm, the boundary to evaluate at, or None to skip.
    `account`: only that account's alarms (a new account's first evaluation).
    """
    source = source or default_source()
    changes = []
    for backend, alarm in _metric_alarms(account):
        settings = settings_of(alarm)
        if settings is None:
            continue
        moment = at if due is None else due(settings)
        if moment is None:
            continue
        evaluation = evaluate_alarm(alarm, moment, source)
        if evaluation is not None:
            change = _apply(backend, alarm, evaluation, moment)
            if change is not None:
                changes.append(change)
    return changes


# --- the live thread ----------------------------------------------------------------------


class LiveEvaluator(BackgroundLoop):
    """A daemon thread evaluating alarms at their period boundaries on `clock`."""

    thread_name = "montui-evaluator"

    def __init__(self, clock: Clock, *, source: MetricSource | None = None, tick: int = 10) -> None:
        super().__init__()
        self.clock, self.source, self.tick = clock, source, tick
        self.evaluations = 0

    def _run(self) -> None:
        done = _seconds(self.clock.now())
        while not self._stop.is_set():
            now = _seconds(self.clock.now())
            if now // self.tick > done // self.tick:
                self.step(done, now)
                done = now
            speed = float(getattr(self.clock, "speed", 1.0) or 1.0)
            wait = (self.tick - now % self.tick) / speed
            self._stop.wait(min(max(wait, 0.01), 0.5))

    def step(self, after: int, upto: int) -> list[StateChange]:
        """Evaluate each alarm at its latest period boundary in (after, upto] (epoch s)."""

        def due(settings: AlarmSettings) -> datetime | None:
            boundary = upto // settings.period * settings.period
            return datetime.fromtimestamp(boundary, UTC) if boundary > after else None

        try:
            changes = evaluate_all(datetime.fromtimestamp(upto, UTC), source=self.source, due=due)
        except Exception as error:  # the world must keep running; the error is kept
            self.last_error = error
            return []
        self.evaluations += 1
        return changes


def _seconds(moment: datetime) -> int:
    return int(as_utc(moment).timestamp())


_live: list[LiveEvaluator] = []


def start_evaluator(
    clock: Clock, *, source: MetricSource | None = None, tick: int = 10
) -> LiveEvaluator:
    """Start the world's live evaluator (stopping any previous one)."""
    stop_evaluator()
    live = LiveEvaluator(clock, source=source, tick=tick).start()
    _live.append(live)
    return live


def stop_evaluator() -> None:
    """Stop the live evaluator, if one runs."""
    while _live:
        _live.pop().stop()
