"""Play the scenario into a world over the AWS API: boto3 against the endpoint, both regions.

What it writes (see `montui.demo.scenario` for the content):

1. SNS topics for each application's paging and ticket actions;
2. CloudWatch Logs groups and the metric filters that publish `Shop/Application` metrics;
3. metric alarms (PutMetricAlarm, configuration dated in the past on the demo clock);
4. composite alarms (PutCompositeAlarm);
5. every alarm's story, replayed in time order with SetAlarmState, each request carrying the
   demo clock header (`montui.demo.ext.cloudwatch.CLOCK_HEADER`) so that the world records
   when it happened; composite alarms follow on their own;
6. the last three hours of every alarmed metric at one-minute resolution (PutMetricData).

Deterministic: the same `seed` and `now` give the same requests. Runs in about a second.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from montui.demo.ext import CLOCK_HEADER
from montui.demo.scenario import LOG_FILTERS
from montui.demo.scenario.plan import Plan, PlannedAlarm, PlannedComposite, plan
from montui.demo.scenario.reasons import state_reason
from montui.demo.scenario.signals import floor_time, minute_values, step_seconds
from montui.demo.scenario.spec import AlarmSpec, CompositeSpec, Ratio, Response
from montui.demo.world import DEMO_ACCOUNT, DEMO_REGIONS, FAKE_ACCESS_KEY, FAKE_SECRET_KEY

DATA_HOURS = 3
_BATCH = 1000  # PutMetricData accepts up to 1000 metric data items per request


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What `seed_world` wrote, and how long it took."""

    endpoint: str
    regions: tuple[str, ...]
    metric_alarms: int
    composite_alarms: int
    states: dict[str, int] = field(default_factory=dict)  # alarms per state, after seeding
    datapoints: int = 0
    topics: int = 0
    log_metric_filters: int = 0
    seconds: float = 0.0

    @property
    def alarms(self) -> int:
        """Metric and composite alarms together."""
        return self.metric_alarms + self.composite_alarms


class _Clients:
    """One boto3 client per (service, region), sharing a session; CloudWatch requests carry
    the demo clock when one is set."""

    def __init__(self, endpoint: str) -> None:
        self.session = boto3.session.Session(
            aws_access_key_id=FAKE_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET_KEY
        )
        self.endpoint = endpoint
        self.clock: datetime | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        # The requests are built here from checked specs: skipping botocore's client-side
        # parameter validation saves a third of the seeding time (PutMetricData batches).
        self._config = Config(
            retries={"max_attempts": 2, "mode": "standard"}, parameter_validation=False
        )

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            client = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint, config=self._config
            )
            if service == "cloudwatch":
                client.meta.events.register("before-sign.cloudwatch", self._stamp)
            self._clients[key] = client
        return self._clients[key]

    def _stamp(self, request: Any, **_: Any) -> None:
        if self.clock is not None:
            request.headers[CLOCK_HEADER] = self.clock.isoformat()


def seed_world(endpoint: str, *, now: datetime | None = None, seed: int = 7) -> SeedSummary:
    """Create the scenario's topics, log metric filters, alarms, states and metric data in
    the world at `endpoint`. `now` (default: the wall clock) anchors every story."""
    started = time.perf_counter()
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    scenario = plan(moment, seed)
    clients = _Clients(endpoint)
    topics = _create_topics(clients, scenario)
    filters = _create_log_filters(clients)
    for alarm in scenario.alarms:
        clients.clock = alarm.configured_at
        clients("cloudwatch", alarm.spec.region).put_metric_alarm(
            **metric_alarm_request(alarm.spec)
        )
    for composite in scenario.composites:
        clients.clock = composite.configured_at
        clients("cloudwatch", composite.spec.region).put_composite_alarm(
            **composite_request(composite)
        )
    for change in scenario.changes:
        spec = change.alarm.spec
        reason, data = state_reason(spec, change.alarm.timeline, change.transition, seed)
        clients.clock = change.transition.at
        clients("cloudwatch", spec.region).set_alarm_state(
            AlarmName=spec.name,
            StateValue=change.transition.state,
            StateReason=reason,
            StateReasonData=data,
        )
    clients.clock = None
    datapoints = _put_metric_data(clients, scenario)
    return SeedSummary(
        endpoint=endpoint,
        regions=DEMO_REGIONS,
        metric_alarms=len(scenario.alarms),
        composite_alarms=len(scenario.composites),
        states=_final_states(clients),
        datapoints=datapoints,
        topics=topics,
        log_metric_filters=filters,
        seconds=time.perf_counter() - started,
    )


def topic_arn(region: str, prefix: str, kind: str) -> str:
    """`arn:aws:sns:ap-northeast-1:123456789012:shop-oncall-page`."""
    return f"arn:aws:sns:{region}:{DEMO_ACCOUNT}:{prefix}-{kind}"


def _actions(region: str, prefix: str, response: Response) -> dict[str, list[str]]:
    if response is Response.ACT_NOW:
        page = topic_arn(region, prefix, "page")
        return {"AlarmActions": [page], "OKActions": [page]}
    if response is Response.NEXT_DAY:
        return {"AlarmActions": [topic_arn(region, prefix, "ticket")]}
    return {}


def metric_alarm_request(spec: AlarmSpec) -> dict[str, Any]:
    """The PutMetricAlarm arguments for one alarm."""
    request: dict[str, Any] = {
        "AlarmName": spec.name,
        "AlarmDescription": spec.description,
        "ActionsEnabled": True,
        **_actions(spec.region, spec.topic_prefix, spec.response),
        "EvaluationPeriods": spec.evaluation_periods,
        "DatapointsToAlarm": spec.datapoints_to_alarm,
        "Threshold": spec.threshold,
        "ComparisonOperator": spec.comparison,
        "TreatMissingData": spec.treat_missing_data,
    }
    metric = spec.metric
    if isinstance(metric, Ratio):
        request["Metrics"] = [
            {
                "Id": "rate",
                "Expression": "100*(errors/invocations)",
                "Label": metric.label,
                "ReturnData": True,
            },
            *(
                {
                    "Id": query_id,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": part.namespace,
                            "MetricName": part.name,
                            "Dimensions": part.dimensions(),
                        },
                        "Period": spec.period,
                        "Stat": "Sum",
                    },
                    "ReturnData": False,
                }
                for query_id, part in (
                    ("errors", metric.numerator),
                    ("invocations", metric.denominator),
                )
            ),
        ]
        return request
    request.update(
        Namespace=metric.namespace,
        MetricName=metric.name,
        Dimensions=metric.dimensions(),
        Period=spec.period,
    )
    if spec.stat.startswith("p"):
        request["ExtendedStatistic"] = spec.stat
    else:
        request["Statistic"] = spec.stat
    return request


def composite_request(composite: PlannedComposite) -> dict[str, Any]:
    """The PutCompositeAlarm arguments for one composite alarm."""
    spec = composite.spec
    request: dict[str, Any] = {
        "AlarmName": spec.name,
        "AlarmDescription": spec.description,
        "AlarmRule": spec.rule,
        "ActionsEnabled": True,
        **_actions(spec.region, spec.topic_prefix, spec.response),
    }
    if spec.suppressor:
        request.update(
            ActionsSuppressor=spec.suppressor,
            ActionsSuppressorWaitPeriod=120,
            ActionsSuppressorExtensionPeriod=300,
        )
    return request


def _create_topics(clients: _Clients, scenario: Plan) -> int:
    """Every SNS topic an alarm action names, in its region."""
    specs: list[AlarmSpec | CompositeSpec] = [a.spec for a in scenario.alarms]
    specs.extend(c.spec for c in scenario.composites)
    wanted = {
        arn
        for spec in specs
        for arns in _actions(spec.region, spec.topic_prefix, spec.response).values()
        for arn in arns
    }
    for arn in sorted(wanted):
        _, _, _, region, _, name = arn.split(":")
        clients("sns", region).create_topic(Name=name)
    return len(wanted)


def _create_log_filters(clients: _Clients) -> int:
    groups = sorted({(f.region, f.log_group) for f in LOG_FILTERS})
    for region, group in groups:
        logs = clients("logs", region)
        # Another part of the demo may have made the group first.
        with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
            logs.create_log_group(logGroupName=group)
    for item in LOG_FILTERS:
        clients("logs", item.region).put_metric_filter(
            logGroupName=item.log_group,
            filterName=item.name,
            filterPattern=item.pattern,
            metricTransformations=[
                {
                    "metricName": item.metric.name,
                    "metricNamespace": item.metric.namespace,
                    "metricValue": "1",
                    "defaultValue": 0.0,
                    "unit": "Count",
                }
            ],
        )
    return len(LOG_FILTERS)


def metric_data(
    alarm: PlannedAlarm, now: datetime, seed: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(namespace, MetricData item) for the last DATA_HOURS hours of the alarm's metrics."""
    spec = alarm.spec
    step = step_seconds(spec)
    moment = floor_time(now - timedelta(hours=DATA_HOURS), step)
    while moment < now:
        values = minute_values(spec, alarm.timeline, moment, seed)
        for metric, value in (values or {}).items():
            item: dict[str, Any] = {
                "MetricName": metric.name,
                "Dimensions": metric.dimensions(),
                "Timestamp": moment,
                "Value": value,
            }
            if metric.unit:
                item["Unit"] = metric.unit
            yield metric.namespace, item
        moment += timedelta(seconds=step)


def _put_metric_data(clients: _Clients, scenario: Plan) -> int:
    batches: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for alarm in scenario.alarms:
        for namespace, item in metric_data(alarm, scenario.now, scenario.seed):
            batches[(alarm.spec.region, namespace)].append(item)
    total = 0
    for (region, namespace), items in sorted(batches.items()):
        for start in range(0, len(items), _BATCH):
            chunk = items[start : start + _BATCH]
            clients("cloudwatch", region).put_metric_data(Namespace=namespace, MetricData=chunk)
            total += len(chunk)
    return total


def _final_states(clients: _Clients) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for region in DEMO_REGIONS:
        pages = (
            clients("cloudwatch", region)
            .get_paginator("describe_alarms")
            .paginate(
                AlarmTypes=["MetricAlarm", "CompositeAlarm"], PaginationConfig={"PageSize": 100}
            )
        )
        for page in pages:
            for alarm in (*page["MetricAlarms"], *page["CompositeAlarms"]):
                counts[alarm["StateValue"]] += 1
    return dict(sorted(counts.items()))
