"""Configure the scenario in a world over the AWS API: boto3 against the endpoint, both regions.

What goes over the wire, dated on the demo clock (`montui_world.ext.cloudwatch.CLOCK_HEADER`)
so the world records when each alarm was configured:

1. SNS topics for each application's paging and ticket actions;
2. CloudWatch Logs groups and the metric filters that publish `Shop/Application` metrics,
   and the saved Logs Insights queries (PutQueryDefinition);
3. the contact form's REST API in API Gateway, with its fixed id and its `prod` stage;
4. metric alarms (PutMetricAlarm);
5. composite alarms (PutCompositeAlarm), once the metric alarms hold their states.

The data and the history behind them are written in-process (`montui_world.backfill`), and
`montui_world.live.Scenario` puts the two together; `live.seed_world` is the one-call version.
Deterministic: the same `seed` and `now` give the same world.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config

from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.rds_store import STORE as RDS_STORE
from montui_world.ext.rds_store import DbCluster, DbInstance
from montui_world.identity import (
    CLOCK_HEADER,
    DEMO_ACCOUNT,
    DEMO_REGIONS,
    FAKE_ACCESS_KEY,
    FAKE_SECRET_KEY,
)
from montui_world.scenario import LOG_FILTERS, dbload, hitori, shop
from montui_world.scenario.plan import Plan, PlannedComposite
from montui_world.scenario.spec import AlarmSpec, CompositeSpec, Ratio, Response


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What seeding the world wrote (`live.Scenario.build`), and how long it took."""

    endpoint: str
    regions: tuple[str, ...]
    metric_alarms: int
    composite_alarms: int
    states: dict[str, int] = field(default_factory=dict)  # alarms per state, after seeding
    datapoints: int = 0
    topics: int = 0
    log_metric_filters: int = 0
    transitions: int = 0
    log_events: int = 0
    seconds: float = 0.0

    @property
    def alarms(self) -> int:
        """Metric and composite alarms together."""
        return self.metric_alarms + self.composite_alarms


class Clients:
    """One boto3 client per (service, region), sharing a session; CloudWatch requests carry
    the demo clock when one is set, and every request the extra `headers` (the seeder's pass
    through a world that is not open yet, `World.seeder_headers`)."""

    def __init__(self, endpoint: str, headers: Mapping[str, str] | None = None) -> None:
        self.session = boto3.session.Session(
            aws_access_key_id=FAKE_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET_KEY
        )
        self.endpoint = endpoint
        self.clock: datetime | None = None
        self.headers = dict(headers or {})
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
            if self.headers:
                client.meta.events.register("before-sign", self._add_headers)
            self._clients[key] = client
        return self._clients[key]

    def _add_headers(self, request: Any, **_: Any) -> None:
        for name, value in self.headers.items():
            request.headers[name] = value

    def _stamp(self, request: Any, **_: Any) -> None:
        if self.clock is not None:
            request.headers[CLOCK_HEADER] = self.clock.isoformat()


def configure_alarms(clients: Clients, scenario: Plan) -> tuple[int, int]:
    """Topics, log groups, metric filters, saved queries, the REST API and the database
    (in process), then the metric alarms; returns (topics, metric filters)."""
    topics = _create_topics(clients, scenario)
    filters = _create_log_filters(clients)
    _create_saved_queries(clients)
    _create_rest_api(clients)
    _create_databases(scenario)
    for alarm in scenario.alarms:
        clients.clock = alarm.configured_at
        clients("cloudwatch", alarm.spec.region).put_metric_alarm(
            **metric_alarm_request(alarm.spec)
        )
    clients.clock = None
    return topics, filters


def create_composites(clients: Clients, scenario: Plan) -> None:
    """The composite alarms, each dated when it was configured."""
    for composite in scenario.composites:
        clients.clock = composite.configured_at
        clients("cloudwatch", composite.spec.region).put_composite_alarm(
            **composite_request(composite)
        )
    clients.clock = None


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


def _create_topics(clients: Clients, scenario: Plan) -> int:
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


def _create_log_filters(clients: Clients) -> int:
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


def _create_saved_queries(clients: Clients) -> None:
    logs = clients("logs", hitori.TOKYO)
    for saved in hitori.SAVED_QUERIES:
        logs.put_query_definition(
            name=saved.name, queryString=saved.query, logGroupNames=list(saved.log_groups)
        )


_CUSTOM_ID_TAG = "_custom_id_"
"""moto creates a REST API with the id this tag gives (the tag stays: moto's server has no
route for UntagResource on REST APIs)."""


def _create_rest_api(clients: Clients) -> None:
    """`hitori-contact-api`: POST /contact (Lambda proxy) and GET /health (mock), deployed
    to `prod`, with the scenario's fixed id."""
    region = hitori.TOKYO
    apigateway = clients("apigateway", region)
    api_id = apigateway.create_rest_api(
        name=hitori.API_NAME,
        description="The contact form's API: POST /contact sends the mail",
        endpointConfiguration={"types": ["REGIONAL"]},
        tags={_CUSTOM_ID_TAG: hitori.API_ID},
    )["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    function = f"arn:aws:lambda:{region}:{DEMO_ACCOUNT}:function:{hitori.FUNCTION_NAME}"
    for path, method, integration in (
        (
            "contact",
            "POST",
            {
                "type": "AWS_PROXY",
                "integrationHttpMethod": "POST",
                "uri": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                f"{function}/invocations",
            },
        ),
        ("health", "GET", {"type": "MOCK"}),
    ):
        resource = apigateway.create_resource(restApiId=api_id, parentId=root, pathPart=path)
        apigateway.put_method(
            restApiId=api_id,
            resourceId=resource["id"],
            httpMethod=method,
            authorizationType="NONE",
        )
        apigateway.put_integration(
            restApiId=api_id, resourceId=resource["id"], httpMethod=method, **integration
        )
    apigateway.create_deployment(restApiId=api_id, stageName=hitori.API_STAGE)


def _create_databases(scenario: Plan) -> None:
    """The shop's Aurora MySQL cluster and its writer and reader instances (the `AWS/RDS`
    alarms' `DBInstanceIdentifier`s; the cluster publishes the logs `scenario.logs` writes),
    written in process to the world's RDS store (`ext.rds_store`: DescribeDBClusters and
    DescribeDBInstances answer from it). Writing them again keeps them as they are.
    Performance Insights is on for the writer (two years kept; its sessions:
    `scenario.dbload`, registered with `ext.pi_store`, computed when asked) and off for the
    reader."""
    region = shop.TOKYO
    engine, version = "aurora-mysql", "8.0.mysql_aurora.3.05.2"
    zones = (f"{region}a", f"{region}c", f"{region}d")
    RDS_STORE.put_cluster(
        DEMO_ACCOUNT,
        region,
        DbCluster(
            identifier=shop.AURORA_CLUSTER,
            engine=engine,
            engine_version=version,
            log_exports=("error", "slowquery"),
            database_name="shop",
            availability_zones=zones,
        ),
    )
    for instance, zone, writer in (
        (shop.AURORA_WRITER, zones[0], True),
        (shop.AURORA_READER, zones[1], False),
    ):
        RDS_STORE.put_instance(
            DEMO_ACCOUNT,
            region,
            DbInstance(
                identifier=instance,
                instance_class="db.r6g.2xlarge",
                engine=engine,
                engine_version=version,
                availability_zone=zone,
                cluster=shop.AURORA_CLUSTER,
                writer=writer,
                performance_insights=writer,
                performance_insights_retention=731 if writer else 7,
            ),
        )
    PI_STORE.put(DEMO_ACCOUNT, region, shop.AURORA_WRITER, dbload.writer_workload(scenario))


def final_states(clients: Clients) -> dict[str, int]:
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
