"""gather_plan against the local AWS world: the facts it fetches (metric filters, REST API
ids, log groups) make the plans of `model.drilldown`; denied optional lookups become reasons;
and during the demo's incident the plan's query finds the incident's ERROR lines."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import boto3
import pytest
from botocore.exceptions import ClientError

from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown import LAMBDA_ERRORS, DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.place import Place
from montui.sources.cloudwatch import describe_alarms
from montui.sources.drilldown import (
    NO_HISTORY,
    NO_METRIC_FILTERS,
    NO_RDS,
    NO_REST_APIS,
    gather_plan,
)
from montui.sources.errors import AccessDenied
from montui.sources.logs import run_query
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.world import World
from tests.conftest import ScenarioWorld
from tests.fakes import NOW, make_alarm

REGION = "ap-northeast-1"
_T = TypeVar("_T")


def logs_client() -> Any:
    return boto3.client("logs", region_name=REGION)


def make_groups(*names: str) -> None:
    logs = logs_client()
    for name in names:
        logs.create_log_group(logGroupName=name)


def with_clients(endpoint: str, use: Callable[[AwsClients], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        target = AwsTarget(profile=None, regions=(REGION,), endpoint_url=endpoint)
        async with AwsClients(target) as clients:
            return await use(clients)

    return asyncio.run(main())


def plan_for(
    world: World,
    alarm: Alarm,
    *,
    children: dict[str, Alarm] | None = None,
    rules: tuple[DrilldownRule, ...] = (),
) -> DrilldownPlan:
    return with_clients(
        world.endpoint,
        lambda clients: gather_plan(
            clients, alarm, children=children or {}, episode=None, rules=rules, now=NOW
        ),
    )


def test_lambda_plan_takes_the_function_group_only(world: World) -> None:
    make_groups("/aws/lambda/contact-form", "/aws/lambda/contact-form-v2", "/aws/lambda/other")
    alarm = make_alarm("errors", AlarmState.ALARM, minutes_ago=10)
    plan = plan_for(world, alarm)
    assert plan.log_groups == ("/aws/lambda/contact-form",)
    assert (plan.kind, plan.query, plan.problem) == ("lambda", LAMBDA_ERRORS, None)
    assert plan.window.end == NOW
    assert plan.window.start == NOW - timedelta(minutes=10 + 5 + 15)  # 5 x 1m evaluated


def test_rest_api_plan_finds_execution_and_access_groups(world: World) -> None:
    apigateway: Any = boto3.client("apigateway", region_name=REGION)
    apigateway.create_rest_api(name="orders-api", tags={"_custom_id_": "abc123"})
    make_groups(
        "API-Gateway-Execution-Logs_abc123/prod",
        "API-Gateway-Execution-Logs_abc123/test",
        "/aws/apigateway/orders-api/access",
        "/aws/apigateway/billing-api/access",
    )
    dims = (("ApiName", "orders-api"), ("Stage", "prod"))
    alarm = make_alarm("5xx", AlarmState.ALARM, namespace="AWS/ApiGateway", dims=dims)
    plan = plan_for(world, alarm)
    assert plan.kind == "apigateway"
    assert set(plan.log_groups) == {
        "API-Gateway-Execution-Logs_abc123/prod",
        "/aws/apigateway/orders-api/access",
    }
    assert not any("permission" in reason for reason in plan.reasons)


def test_rds_plan_expands_the_instance_prefix(world: World) -> None:
    make_groups(
        "/aws/rds/instance/db1/error",
        "/aws/rds/instance/db1/slowquery",
        "/aws/rds/instance/db10/error",
    )
    dims = (("DBInstanceIdentifier", "db1"),)
    alarm = make_alarm("cpu", AlarmState.ALARM, namespace="AWS/RDS", metric="CPU", dims=dims)
    plan = plan_for(world, alarm)
    assert plan.kind == "rds"
    assert plan.log_groups == ("/aws/rds/instance/db1/error", "/aws/rds/instance/db1/slowquery")


def test_metric_filter_plan_translates_the_pattern(world: World) -> None:
    make_groups("/ecs/shop-api", "/ecs/other")
    logs = logs_client()
    for group, name in (("/ecs/shop-api", "Timeouts"), ("/ecs/other", "SomethingElse")):
        logs.put_metric_filter(
            logGroupName=group,
            filterName=f"{name}-filter",
            filterPattern='"PaymentGatewayTimeout"',
            metricTransformations=[
                {"metricName": name, "metricNamespace": "Shop/App", "metricValue": "1"}
            ],
        )
    alarm = make_alarm(
        "timeouts", AlarmState.ALARM, namespace="Shop/App", metric="Timeouts", dims=()
    )
    plan = plan_for(world, alarm)
    assert (plan.kind, plan.log_groups) == ("metric-filter", ("/ecs/shop-api",))
    assert "filter @message like /PaymentGatewayTimeout/" in plan.query


def test_composite_plan_is_the_union_of_children_in_alarm(world: World) -> None:
    make_groups("/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c")
    kids = {
        name: make_alarm(name, state, dims=(("FunctionName", name[-1]),))
        for name, state in (
            ("fn-a", AlarmState.ALARM),
            ("fn-b", AlarmState.OK),
            ("fn-c", AlarmState.ALARM),
        )
    }
    rule = 'ALARM("fn-a") OR ALARM("fn-b") OR ALARM("fn-c")'
    parent = make_alarm("down", AlarmState.ALARM, rule=rule)
    plan = plan_for(world, parent, children=kids)
    assert plan.kind == "composite"
    assert plan.log_groups == ("/aws/lambda/a", "/aws/lambda/c")


def test_config_rules_replace_extend_and_set_the_query(world: World) -> None:
    make_groups("/aws/lambda/contact-form", "/custom/app/web", "/custom/app/worker", "/extra")
    alarm = make_alarm("errors", AlarmState.ALARM)
    replace = DrilldownRule(log_groups=("/custom/app/*",), match="err*", replace=True)
    plan = plan_for(world, alarm, rules=(replace,))
    assert plan.kind == "config-rule"
    assert plan.log_groups == ("/custom/app/web", "/custom/app/worker")
    extend = DrilldownRule(
        log_groups=("/extra",), namespace="AWS/Lambda", query="fields @message | limit 5"
    )
    plan = plan_for(world, alarm, rules=(extend,))
    assert plan.log_groups == ("/aws/lambda/contact-form", "/extra")
    assert plan.query == "fields @message | limit 5"
    assert plan.alternatives[0] == LAMBDA_ERRORS


def test_no_match_sets_the_problem(world: World) -> None:
    make_groups("/aws/lambda/contact-form")
    alarm = make_alarm(
        "cpu",
        AlarmState.ALARM,
        namespace="AWS/EC2",
        metric="CPUUtilization",
        dims=(("InstanceId", "i-1"),),
    )
    plan = plan_for(world, alarm)
    assert plan.log_groups == ()
    assert plan.problem is not None and "AWS/EC2 CPUUtilization" in plan.problem


# --- denied optional lookups, with a fake client --------------------------------------------


def _denied(operation: str) -> ClientError:
    error = {"Error": {"Code": "AccessDeniedException", "Message": "no"}}
    return ClientError(error, operation)


class _FakeService:
    """Answers DescribeLogGroups from `groups`; the other calls are denied."""

    def __init__(self, groups: tuple[str, ...], deny_groups: bool = False) -> None:
        self.groups, self.deny_groups = groups, deny_groups

    async def describe_log_groups(self, **request: Any) -> dict[str, Any]:
        if self.deny_groups:
            raise _denied("DescribeLogGroups")
        prefix = request.get("logGroupNamePrefix", "")
        pattern = request.get("logGroupNamePattern", "")
        names = [g for g in self.groups if g.startswith(prefix) and pattern in g]
        return {"logGroups": [{"logGroupName": g} for g in names]}

    async def describe_metric_filters(self, **request: Any) -> dict[str, Any]:
        raise _denied("DescribeMetricFilters")

    async def get_rest_apis(self, **request: Any) -> dict[str, Any]:
        raise _denied("GetRestApis")

    async def describe_db_instances(self, **request: Any) -> dict[str, Any]:
        raise _denied("DescribeDBInstances")

    async def describe_alarm_history(self, **request: Any) -> dict[str, Any]:
        raise _denied("DescribeAlarmHistory")


class _FakeClients:
    def __init__(self, service: _FakeService) -> None:
        self.target = AwsTarget(profile=None, regions=(REGION,), endpoint_url=None)
        self.service = service

    async def client(self, service: str, region: str) -> _FakeService:
        return self.service


def _fake_plan(
    alarm: Alarm,
    service: _FakeService,
    children: dict[str, Alarm] | None = None,
    episode: Episode | None = None,
) -> DrilldownPlan:
    clients: Any = _FakeClients(service)
    return asyncio.run(
        gather_plan(clients, alarm, children=children or {}, episode=episode, rules=(), now=NOW)
    )


def test_denied_metric_filters_and_rest_apis_become_reasons() -> None:
    service = _FakeService(("/ecs/app", "/aws/apigateway/orders-api/access"))
    custom = make_alarm("custom", AlarmState.ALARM, namespace="Shop/App", dims=())
    plan = _fake_plan(custom, service)
    assert NO_METRIC_FILTERS in plan.reasons
    assert plan.problem is not None
    dims = (("ApiName", "orders-api"), ("Stage", "prod"))
    api = make_alarm("5xx", AlarmState.ALARM, namespace="AWS/ApiGateway", dims=dims)
    plan = _fake_plan(api, service)
    assert NO_REST_APIS in plan.reasons
    assert plan.log_groups == ("/aws/apigateway/orders-api/access",)


def test_denied_rds_instances_keep_the_instance_prefix() -> None:
    service = _FakeService(("/aws/rds/instance/orders-db/error",))
    dims = (("DBInstanceIdentifier", "orders-db"),)
    db = make_alarm("db", AlarmState.ALARM, namespace="AWS/RDS", metric="CPU", dims=dims)
    plan = _fake_plan(db, service)
    assert NO_RDS in plan.reasons
    assert plan.log_groups == ("/aws/rds/instance/orders-db/error",)


def test_denied_history_follows_the_children_in_alarm_now() -> None:
    service = _FakeService(("/aws/lambda/a", "/aws/lambda/b"))
    kids = {
        "a": make_alarm("a", AlarmState.ALARM, dims=(("FunctionName", "a"),)),
        "b": make_alarm("b", AlarmState.OK, dims=(("FunctionName", "b"),)),
    }
    parent = make_alarm("site", AlarmState.OK, rule="ALARM(a) OR ALARM(b)")
    episode = Episode(NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    plan = _fake_plan(parent, service, children=kids, episode=episode)
    assert NO_HISTORY in plan.reasons
    assert plan.log_groups == ("/aws/lambda/a",)


def test_aws_namespaces_are_not_looked_up_in_metric_filters() -> None:
    plan = _fake_plan(make_alarm("errors", AlarmState.ALARM), _FakeService(()))
    assert NO_METRIC_FILTERS not in plan.reasons  # DescribeMetricFilters was never called


def test_denied_log_groups_fail_the_plan() -> None:
    with pytest.raises(AccessDenied) as caught:
        _fake_plan(make_alarm("errors", AlarmState.ALARM), _FakeService((), deny_groups=True))
    assert "logs:DescribeLogGroups" in caught.value.hint


# --- the demo's incident ---------------------------------------------------------------------


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def test_incident_plans_find_the_error_lines(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.ready()
    start = scenario.plan.incident_start
    scenario = scenario_world.at(start + timedelta(minutes=6, seconds=5))
    now = scenario.now()

    async def use(clients: AwsClients) -> list[tuple[DrilldownPlan, list[Mapping[str, str]]]]:
        alarms = {a.name: a for a in await describe_alarms(clients, Place("", REGION))}
        found = []
        for name in ("hitori-contact-form-down", "hitori-lambda-error-rate"):
            assert alarms[name].state is AlarmState.ALARM
            plan = await gather_plan(
                clients, alarms[name], children=alarms, episode=None, rules=(), now=now
            )
            window = plan.window
            results = run_query(
                clients, Place("", REGION), plan.query, plan.log_groups, window.start, window.end
            )
            async with aclosing(results) as snapshots:
                final = [s async for s in snapshots][-1]
            found.append((plan, list(final.rows)))
        return found

    (down, down_rows), (rate, rate_rows) = with_clients(scenario_world.endpoint, use)
    lambda_group = "/aws/lambda/hitori-contact-form"
    assert lambda_group in down.log_groups and lambda_group in rate.log_groups
    assert "API-Gateway-Execution-Logs_k7q2x9hitori/prod" in down.log_groups  # 5xx child
    assert rate.kind == "lambda" and down.kind == "composite"
    for rows in (down_rows, rate_rows):
        throttled = [r for r in rows if "Maximum sending rate exceeded" in r["@message"]]
        assert throttled
        assert all(start <= _stamp(r["@timestamp"]) <= now for r in rows)
    assert all('"level":"ERROR"' in r["@message"] or "[ERROR]" in r["@message"] for r in rate_rows)
