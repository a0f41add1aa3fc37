"""The scenario's past, written in-process: metrics, the alarm history they imply, and logs.

Everything here writes straight into the world's stores (no HTTP): the world runs in this
process, and fourteen days of one-minute data would be a few thousand PutMetricData calls.

- `write_metrics`: each alarmed metric's values (`scenario.series`) into the metric store.
- `replay_alarms`: what CloudWatch's evaluation would have done over that data, with
  `montui.model.evaluation.replay` (the one implementation the live world and the UI's
  back-test use too). Only the stretches where something happens are replayed: outside the
  timeline's breaching and missing intervals every datapoint is healthy, so the state there
  is OK and no evaluation can change it. Each stretch is widened by the evaluation range
  plus a period, so the replay sees the alarm settle.
- `set_start_states`: each metric alarm's state at the start of the history (one evaluation
  there), set without a history item, as if older history had aged out.
- `apply_history`: the replayed transitions in time order, through the history backfill API
  (StateUpdate and Action items, worded lazily), each followed by the composites above the
  alarm; the alarm ends with the StateReason and StateReasonData of its last evaluation.
- `write_logs`: a day of Lambda and RDS log lines (`scenario.logs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

from montui.model.alarm import AlarmState
from montui.model.evaluation import AlarmSettings, Evaluation, evaluate_at, replay
from montui_world.ext import alarm_state, history
from montui_world.ext.evaluation import settings_of
from montui_world.ext.logs import put_events
from montui_world.ext.metrics import datapoints
from montui_world.identity import DEMO_ACCOUNT
from montui_world.metricstore import STORE
from montui_world.scenario import logs as scenario_logs
from montui_world.scenario.plan import Plan, PlannedAlarm
from montui_world.scenario.series import AlarmSeries, epoch
from montui_world.scenario.signals import unit_noise
from montui_world.scenario.spec import MetricId, Ratio
from montui_world.wording import moto_time

Points = dict[datetime, float]


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change the replay found."""

    at: datetime
    alarm: str
    region: str
    evaluation: Evaluation


def moto_alarm(region: str, name: str) -> Any:
    """moto's alarm object (the world's, in this process)."""
    return cloudwatch_backends[DEMO_ACCOUNT][region].alarms[name]


def write_metrics(plan: Plan, series: Mapping[str, AlarmSeries], end: datetime) -> int:
    """Every alarmed metric from before the history start (one evaluation range) to `end`;
    returns the datapoints written."""
    total = 0
    for alarm in plan.alarms:
        spec = alarm.spec
        lead = (spec.evaluation_periods + 3) * spec.period
        source = series[spec.name]
        stop = epoch(end) // source.step * source.step
        found = source.between(epoch(plan.history_start) - lead, stop)
        total += store_series(spec.region, found)
    return total


def store_series(region: str, found: Mapping[MetricId, tuple[list[int], list[float]]]) -> int:
    """Write series as `AlarmSeries.between` returns them into the metric store; returns the
    datapoints written."""
    total = 0
    for metric, (times, values) in found.items():
        total += STORE.put_series(
            region,
            metric.namespace,
            metric.name,
            dict(metric.dims),
            times,
            values,
            unit=metric.unit,
        )
    return total


def store_logs(lines: Iterable[tuple[str, str, int, str]]) -> int:
    """Store log lines `(group, stream, epoch ms, message)`, one batch per stream in time
    order; returns the events stored."""
    batches: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for group, stream, ms, message in lines:
        batches[group, stream].append((ms, message))
    total = 0
    for (group, stream), events in sorted(batches.items()):
        events.sort()
        total += put_events(scenario_logs.REGION, group, stream, events)
    return total


def points(alarm: PlannedAlarm, settings: AlarmSettings, start: datetime, end: datetime) -> Points:
    """The alarm's per-period values over [start, end), as its evaluation reads them."""
    spec = alarm.spec

    def fetch(metric: MetricId, stat: str) -> Points:
        return datapoints(
            spec.region,
            metric.namespace,
            metric.name,
            dict(metric.dims),
            period=settings.period,
            stat=stat,
            start=start,
            end=end,
        )

    metric = spec.metric
    if not isinstance(metric, Ratio):
        return fetch(metric, settings.statistic)
    errors, calls = fetch(metric.numerator, "Sum"), fetch(metric.denominator, "Sum")
    return {t: 100.0 * (errors[t] / calls[t]) for t in errors if calls.get(t)}


def settings_for(alarm: PlannedAlarm) -> AlarmSettings | None:
    """The evaluation settings of the world's alarm (as the live evaluator reads them)."""
    return settings_of(moto_alarm(alarm.spec.region, alarm.spec.name))


def _stretches(
    alarm: PlannedAlarm, start: datetime, end: datetime, margin: timedelta
) -> list[tuple[datetime, datetime]]:
    """The merged [from, to] spans around the timeline's intervals, within [start, end]."""
    spans = sorted(
        (max(a - margin, start), min(b + margin, end))
        for a, b in (*alarm.timeline.breaching, *alarm.timeline.missing)
        if b + margin > start and a - margin < end
    )
    merged: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def replay_alarms(plan: Plan) -> tuple[dict[str, Evaluation], list[Transition]]:
    """Each metric alarm's evaluation at the history start, and every transition after it
    up to `plan.now`, in time order."""
    start, end = plan.history_start, plan.now
    first: dict[str, Evaluation] = {}
    transitions: list[Transition] = []
    for alarm in plan.alarms:
        settings = settings_for(alarm)
        if settings is None:
            continue
        period = timedelta(seconds=settings.period)
        reach = period * settings.range_periods
        initial = evaluate_at(
            settings,
            points(alarm, settings, start - reach - period, start),
            start,
            AlarmState.INSUFFICIENT_DATA,
        )
        first[alarm.spec.name] = initial
        state = initial.state
        for a, b in _stretches(alarm, start, end, reach + period):
            found = replay(settings, points(alarm, settings, a - reach, b), a, b, state)
            for at, new, evaluation in found.transitions:
                transitions.append(Transition(at, alarm.spec.name, alarm.spec.region, evaluation))
                state = new
    transitions.sort(key=lambda t: (t.at, t.alarm))
    return first, transitions


def set_start_states(plan: Plan, first: Mapping[str, Evaluation]) -> None:
    """Put each metric alarm in its state at the history start, quietly (call under the
    CloudWatch lock)."""
    for alarm in plan.alarms:
        evaluation = first.get(alarm.spec.name)
        if evaluation is None:
            continue
        target = moto_alarm(alarm.spec.region, alarm.spec.name)
        days = 9 * unit_noise(plan.seed, alarm.spec.name, "since")
        since = max(plan.history_start - timedelta(days=days), alarm.configured_at)
        target.state_value = evaluation.state.value
        target.state_reason = evaluation.reason
        target.state_reason_data = evaluation.reason_json
        target.state_updated_timestamp = moto_time(since)
        target.state_transitioned_timestamp = moto_time(since)


def apply_history(
    plan: Plan, first: Mapping[str, Evaluation], transitions: Iterable[Transition]
) -> int:
    """Record the transitions in order, composites following (call under the CloudWatch
    lock); returns how many were applied."""
    records = {name: history.StateRecord.from_evaluation(e) for name, e in first.items()}
    last = dict(first)
    count = 0
    for change in transitions:
        backend = cloudwatch_backends[DEMO_ACCOUNT][change.region]
        target = moto_alarm(change.region, change.alarm)
        new = history.StateRecord.from_evaluation(change.evaluation)
        moment = moto_time(change.at)
        target.state_value = new.value
        target.state_updated_timestamp = moment
        target.state_transitioned_timestamp = moment
        history.record_state_change(target, records[change.alarm], new, at=moment)
        records[change.alarm], last[change.alarm] = new, change.evaluation
        alarm_state.refresh_parents(backend.alarms, change.alarm, moment)
        count += 1
    for alarm in plan.alarms:
        evaluation = last.get(alarm.spec.name)
        if evaluation is not None:
            target = moto_alarm(alarm.spec.region, alarm.spec.name)
            target.state_reason = evaluation.reason
            target.state_reason_data = evaluation.reason_json
    return count


# --- logs ------------------------------------------------------------------------------------


def minute_logs(
    plan: Plan,
    series: Mapping[str, AlarmSeries],
    minute: int,
    *,
    access: bool = True,
    execution: bool = True,
) -> Iterable[tuple[str, str, int, str]]:
    """(log group, stream, timestamp ms, message) of every log line of one epoch minute
    (`access`: the API Gateway access log too; `execution`: and its execution log)."""
    for function in scenario_logs.FUNCTIONS:
        calls, failures = invocation_counts(plan, series, function, minute)
        group = f"/aws/lambda/{function.name}"
        for stream, ms, message in scenario_logs.invocations(
            function, minute, calls, failures, plan.seed
        ):
            yield group, stream, ms, message
    moment = datetime.fromtimestamp(minute * 60, UTC)
    busy = any(a.timeline.is_breaching(moment) for a in plan.alarms if a.spec.nightly)
    for group, ms, message in scenario_logs.rds_minute(minute, plan.seed, busy):
        yield group, scenario_logs.RDS_INSTANCE, ms, message
    if access:
        requests = count_at(series[scenario_logs.API_REQUESTS_ALARM], minute)
        failures = count_at(series[scenario_logs.API_5XX_ALARM], minute)
        failures = min(failures, requests)
        logs = [(scenario_logs.API_ACCESS, scenario_logs.api_access_minute)]
        if execution:
            logs.append((scenario_logs.API_EXECUTION, scenario_logs.api_execution_minute))
        for group, lines in logs:
            for stream, ms, message in lines(minute, requests, failures, plan.seed):
                yield group, stream, ms, message


def count_at(source: AlarmSeries, minute: int) -> int:
    """The value of a single-metric alarm's series at one epoch minute (0 when missing)."""
    day, second = divmod(minute * 60, 86400)
    ((column),) = source.day(day).values()
    return int(column[second // source.step] or 0)


def invocation_counts(
    plan: Plan, series: Mapping[str, AlarmSeries], function: scenario_logs.FunctionLogs, minute: int
) -> tuple[int, int]:
    """(invocations, failures) of a function in one minute, from its alarm's metrics."""
    source = series[function.alarm]
    day, index = divmod(minute * 60, 86400)
    columns = source.day(day)
    metric = source.spec.metric
    if isinstance(metric, Ratio):
        calls = columns[metric.denominator][index // source.step]
        errors = columns[metric.numerator][index // source.step]
        return int(calls or 0), int(errors or 0)
    errors = int(columns[metric][index // source.step] or 0)
    low, high = function.calls_per_minute
    extra = low + int((high - low + 1) * unit_noise(plan.seed, function.name, minute))
    return errors + extra, errors


def write_logs(
    plan: Plan,
    series: Mapping[str, AlarmSeries],
    start: int,
    end: int,
    access_from: int,
    execution_from: int | None = None,
) -> int:
    """Every log line of the epoch minutes [start, end), the API access log from minute
    `access_from`, its execution log from `execution_from` (default: the same); returns the
    events stored."""
    execution_from = access_from if execution_from is None else execution_from
    return store_logs(
        line
        for minute in range(start, end)
        for line in minute_logs(
            plan,
            series,
            minute,
            access=minute >= access_from,
            execution=minute >= execution_from,
        )
    )
