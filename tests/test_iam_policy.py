"""The IAM policy montui ships is exactly what it needs, and only reads.

One source of truth: `src/montui/sources/iam-policy.json` (packaged, enforced at runtime by
`montui.sources.readonly`); `config/iam-policy.json` and the README's block are copies that must
be identical. A test exercises every public source function against the local world, records
each operation montui's clients send, and checks it against the policy in both directions.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

import montui.sources
from montui.model.alarm import MetricQuery, MetricRef
from montui.model.metrics import TimeWindow
from montui.model.place import Place
from montui.sources import (
    apigateway,
    cloudwatch,
    guardduty,
    history,
    identity,
    logs,
    logs_running,
    metrics,
    oam,
    pi,
    rds,
    ses,
)
from montui.sources.readonly import IAM_PREFIX, POLICY_FILE, allowlist
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.ext.oam_store import link_accounts
from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.pi_workload import Digest, Workload
from montui_world.ext.rds_store import STORE as RDS_STORE
from montui_world.ext.rds_store import DbCluster, DbInstance
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.fakes import NOW

ROOT = Path(__file__).resolve().parents[1]
REGION = "ap-northeast-1"
PLACE = Place("", REGION)
TAGGED_ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:tagged"
SERVICES = (
    "cloudwatch", "logs", "apigateway", "rds", "sts", "sesv2", "ses", "guardduty", "pi", "oam"
)  # fmt: skip
"""Every botocore service montui sends requests to."""
GROUP = "/aws/lambda/contact-form"
OTHER_ACCOUNT = "111111111111"

# IAM access level of each action montui uses, as AWS's Service Authorization Reference lists
# them ("Actions defined by Amazon CloudWatch / CloudWatch Logs / Amazon RDS / Amazon SES /
# Amazon API Gateway Management / Amazon GuardDuty / AWS STS"), written down from that
# reference, not fetched.
ACCESS_LEVEL = {
    "cloudwatch:DescribeAlarms": "Read",
    "cloudwatch:DescribeAlarmHistory": "Read",
    "cloudwatch:GetMetricData": "Read",
    "cloudwatch:ListTagsForResource": "Read",
    "logs:DescribeLogGroups": "List",
    "logs:DescribeMetricFilters": "List",
    "logs:DescribeQueryDefinitions": "List",
    "logs:DescribeQueries": "List",
    "logs:GetQueryResults": "Read",
    "logs:StartQuery": "Read",
    "logs:StopQuery": "Read",
    "apigateway:GET": "Read",
    "rds:DescribeDBInstances": "List",
    "ses:GetAccount": "Read",
    "ses:GetSendStatistics": "Read",
    "guardduty:ListDetectors": "List",
    "guardduty:GetDetector": "Read",
    "guardduty:ListFindings": "List",
    "guardduty:GetFindings": "Read",
    "guardduty:GetFindingsStatistics": "Read",
    "rds:DescribeDBClusters": "List",
    "pi:GetResourceMetrics": "Read",
    "pi:DescribeDimensionKeys": "Read",
    "pi:GetDimensionKeyDetails": "Read",
    "oam:ListSinks": "List",
    "oam:ListAttachedLinks": "List",
    "sts:GetCallerIdentity": "Read",
    "sts:AssumeRole": "Write",
}
# The documented exceptions: Read by IAM's level, yet they start and stop work on AWS (a
# Logs Insights query scans, and is billed, until it ends or is stopped). No other action
# montui sends may be anything but a Describe/Get/List.
STARTS_OR_STOPS_WORK = {"logs:StartQuery", "logs:StopQuery"}
# The one exception to Read/List: sts:AssumeRole is a Write in IAM's levels, yet it changes
# nothing in any account (it hands the base credentials a role's temporary credentials, which
# this same read-only policy limits). Sent only for an `[[account]]` with `role_arn`.
CHANGES_NOTHING = {"sts:AssumeRole"}
# Actions the policy grants that no test can make montui send. Empty today: keep it explicit.
UNREACHABLE: set[str] = set()
# Source functions the recording test does not call itself, and why.
COMPOSED = {
    "drilldown.gather_plan": "composes describe_alarms, alarm_history, metric_filters, "
    "rest_api_ids, instance_clusters and log_groups, each called below",
    "logs_running.stop_lost_start": "composes running_queries and stop_query, each called "
    "below (start_query calls it when StartQuery's answer is lost)",
}


def readme_policy() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### IAM permissions") :]
    match = re.search(r"```json\n(.*?)```", section, re.S)
    assert match, "the README's IAM section has no ```json block"
    return match.group(1)


def packaged_policy() -> str:
    return resources.files("montui.sources").joinpath(POLICY_FILE).read_text(encoding="utf-8")


def test_config_copy_is_the_packaged_policy() -> None:
    """`config/iam-policy.json` is what an admin attaches; it must be what montui enforces
    (fix: `cp src/montui/sources/iam-policy.json config/iam-policy.json`)."""
    assert (ROOT / "config" / "iam-policy.json").read_text(encoding="utf-8") == packaged_policy()


def test_readme_block_is_the_policy_file() -> None:
    assert readme_policy() == packaged_policy()
    json.loads(packaged_policy())


def test_readme_table_names_every_action_of_the_policy() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### IAM permissions") :]
    table = section[: section.index("```json")]
    for statement in json.loads(packaged_policy())["Statement"]:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert f"`{action}`" in table, action


def iam_action(service: str, operation: Any) -> str:
    """The IAM action an operation needs: `logs:StartQuery`; API Gateway's is its HTTP verb."""
    if service == "apigateway":
        return f"apigateway:{operation.http['method']}"
    return f"{IAM_PREFIX.get(service, service)}:{operation.name}"


Record = list[tuple[str, str]]


@pytest.fixture
async def recorded(world: World) -> AsyncIterator[tuple[AwsClients, Record]]:
    """montui's clients, each recording (service, operation) of every call it is asked to
    send, ahead of the read-only guard (so a refused call would be recorded too)."""
    sent: Record = []

    def record(model: Any, **_: Any) -> None:
        sent.append((model.service_model.service_name, model.name))

    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as clients:
        for service in SERVICES:
            for once in (False, True):  # the usual client and the one without retry
                client = await clients.client(service, PLACE, once=once)
                client.meta.events.register_first("before-parameter-build", record)
        yield clients, sent


def public_source_functions() -> set[str]:
    """`module.function` for every public coroutine or async generator in `montui.sources`
    (the paging helpers excepted: they are what the others call)."""
    found: set[str] = set()
    for info in pkgutil.iter_modules(montui.sources.__path__):
        if info.name in {"paging", "session"}:
            continue
        module = importlib.import_module(f"montui.sources.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
                found.add(f"{info.name}.{name}")
    return found


def seed(world: World) -> None:
    """The test's own calls (boto3, not montui's clients): a log group with events."""
    client = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    client.create_log_group(logGroupName=GROUP)
    client.create_log_stream(logGroupName=GROUP, logStreamName="s")
    stamp = int((NOW - timedelta(minutes=5)).timestamp() * 1000)
    events = [{"timestamp": stamp + n, "message": f"line {n}"} for n in range(5)]
    client.put_log_events(logGroupName=GROUP, logStreamName="s", logEvents=events)
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)
    cw.put_metric_alarm(
        AlarmName="tagged", Namespace="Test/App", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        Tags=[{"Key": "Severity", "Value": "P1"}],
    )  # fmt: skip
    gd = boto3.client("guardduty", region_name=REGION, endpoint_url=world.endpoint)
    detector = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=detector)
    # A DB cluster whose writer has Performance Insights on and one statement running.
    RDS_STORE.put_cluster(DEMO_ACCOUNT, REGION, DbCluster("db-c", "aurora-postgresql", "15.4"))
    RDS_STORE.put_instance(
        DEMO_ACCOUNT, REGION,
        DbInstance("db-1", "db.r6g.large", "aurora-postgresql", "15.4", f"{REGION}a",
                   cluster="db-c", writer=True, performance_insights=True,
                   performance_insights_retention=731),
    )  # fmt: skip
    digest = Digest("SELECT $1", ("SELECT 1",), 10.0, 0.1, (("CPU", 1.0),), "app", ("h",),
                    diurnal=False)  # fmt: skip
    PI_STORE.put(DEMO_ACCOUNT, REGION, "db-1", Workload((digest,), 2, seed=1, since=0))
    # The base account a monitoring account with one linked source account (OAM).
    link_accounts(DEMO_ACCOUNT, ["222222222222"], REGION)


async def exercise(clients: AwsClients) -> set[str]:
    """Call every public source function once; return the names called."""
    window = TimeWindow.ending(NOW, timedelta(hours=1))
    query = MetricQuery("m1", metric=MetricRef("Test/App", "Errors", ()), stat="Sum", period=60)
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "cloudwatch.describe_alarms": lambda: cloudwatch.describe_alarms(clients, PLACE),
        "cloudwatch.alarm_tags": lambda: cloudwatch.alarm_tags(clients, PLACE, TAGGED_ALARM_ARN),
        "metrics.get_metric_data": lambda: metrics.get_metric_data(clients, PLACE, [query], window),
        "history.alarm_history": lambda: history.alarm_history(
            clients, PLACE, "any", start=window.start, end=window.end
        ),
        "history.region_state_history": lambda: history.region_state_history(
            clients, PLACE, start=window.start, end=window.end
        ),
        "identity.caller_identity": lambda: identity.caller_identity(clients, PLACE),
        "rds.instance_clusters": lambda: rds.instance_clusters(clients, PLACE, ["db-1"]),
        "ses.account": lambda: ses.account(clients, PLACE),
        "ses.rate_histories": lambda: ses.rate_histories(clients, PLACE, window),
        "ses.send_statistics": lambda: ses.send_statistics(clients, PLACE),
        "apigateway.rest_api_ids": lambda: apigateway.rest_api_ids(clients, PLACE),
        "logs.log_groups": lambda: logs.log_groups(clients, PLACE),
        "oam.observability": lambda: oam.observability(clients, PLACE),
        "logs.metric_filters": lambda: logs.metric_filters(
            clients, PLACE, namespace="Test/App", metric_name="Errors"
        ),
        "logs.query_definitions": lambda: logs.query_definitions(clients, PLACE),
        "logs_running.running_queries": lambda: logs_running.running_queries(clients, PLACE),
        "logs.start_query": lambda: logs.start_query(
            clients, PLACE, "fields @message", [GROUP], window.start, window.end
        ),
        "logs.run_query": lambda: _last(
            logs.run_query(
                clients,
                PLACE,
                "fields @message",
                [GROUP],
                window.start,
                window.end,
                first_poll=0.0,
                max_poll=0.05,
            )
        ),
    }
    for call in calls.values():
        await call()
    detector = (await guardduty.detector_ids(clients, PLACE))[0]
    criteria = guardduty.FindingCriteria(min_severity=4)
    await guardduty.get_detector(clients, PLACE, detector)
    ids = await guardduty.finding_ids(clients, PLACE, detector, criteria)
    await guardduty.get_findings(clients, PLACE, detector, ids)
    await guardduty.severity_counts(clients, PLACE, detector, criteria)
    await guardduty.region_findings(clients, PLACE, criteria)
    called = {
        f"guardduty.{name}"
        for name in ("detector_ids", "get_detector", "finding_ids", "get_findings")
    } | {"guardduty.severity_counts", "guardduty.region_findings"}
    (db,) = await rds.db_instances(clients, PLACE, "db-1")
    rid = db.resource_id
    await pi.get_load(clients, PLACE, rid, window, 60)
    (row,) = await pi.top_sql(clients, PLACE, rid, window)
    await pi.top_keys(clients, PLACE, rid, window, "db.user")
    text, _ = await pi.sql_statement(clients, PLACE, rid, window, row.sql_id)
    assert text == "SELECT 1"
    query_id = await logs.start_query(
        clients, PLACE, "fields @message", [GROUP], window.start, window.end
    )
    await logs.query_results(clients, PLACE, query_id)
    await logs.stop_query(clients, PLACE, query_id)
    pi_calls = {"rds.db_instances", "pi.get_load", "pi.top_sql", "pi.top_keys", "pi.sql_statement"}
    return {*calls, *called, *pi_calls, "logs.query_results", "logs.stop_query"}


async def _last(results: AsyncIterator[Any]) -> Any:
    snapshots = [snapshot async for snapshot in results]
    return snapshots[-1]


async def exercise_role_account(
    world: World, sent: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A role account's first call: the AssumeRole its credentials are asked with, through
    the STS client `sources.assume_role` makes (recorded ahead of its read-only guard)."""
    from montui.sources import assume_role, readonly

    def record(model: Any, **_: Any) -> None:
        sent.append((model.service_model.service_name, model.name))

    def guard_and_record(client: Any) -> None:
        client.meta.events.register_first("before-parameter-build", record)
        readonly.guard(client)

    monkeypatch.setattr("montui.sources.assume_role.guard", guard_and_record)
    role = assume_role.AssumedRole(f"arn:aws:iam::{OTHER_ACCOUNT}:role/montui-readonly")
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint, role=role)) as clients:
        await identity.caller_identity(clients, PLACE)


async def test_every_operation_montui_sends_is_granted_and_a_read(
    world: World,
    recorded: tuple[AwsClients, Record],
    monkeypatch: pytest.MonkeyPatch,
    add_world_account: Callable[..., object],
) -> None:
    clients, sent = recorded
    seed(world)
    called = await exercise(clients)
    add_world_account(OTHER_ACCOUNT)
    await exercise_role_account(world, sent, monkeypatch)
    assert called | set(COMPOSED) == public_source_functions(), "a source function is untested"

    models = botocore.session.get_session()
    sent_actions = {
        iam_action(service, models.get_service_model(service).operation_model(name))
        for service, name in set(sent)
    }
    allowed = allowlist()
    for service, name in set(sent):
        http = models.get_service_model(service).operation_model(name).http
        assert allowed.permits(service, name, http["method"], http["requestUri"]), name
    for action in sent_actions - CHANGES_NOTHING:
        assert ACCESS_LEVEL[action] in {"Read", "List"}, action
        assert action in STARTS_OR_STOPS_WORK or reads_by_name(action), action

    granted = granted_actions()
    assert granted - sent_actions == UNREACHABLE, "the policy grants what montui never sends"
    assert sent_actions - granted == {"sts:GetCallerIdentity"}  # allowed without a policy


def reads_by_name(action: str) -> bool:
    """`rds:DescribeDBInstances`, `logs:GetQueryResults`, `apigateway:GET`: named as a read."""
    name = action.split(":", 1)[1]
    return name in {"GET", "HEAD"} or re.match(r"(Describe|Get|List)[A-Z]", name) is not None


def granted_actions() -> set[str]:
    """Every action the packaged policy names, as IAM spells it."""
    found: set[str] = set()
    for statement in json.loads(packaged_policy())["Statement"]:
        actions = statement["Action"]
        found.update([actions] if isinstance(actions, str) else actions)
    return found


def test_policy_grants_each_operation_of_the_action_montui_sends_and_no_other() -> None:
    """Over botocore's service models: the allowlist admits, per service, only the
    operations that montui's actions name (API Gateway: GET on /restapis, GetRestApis)."""
    models = botocore.session.get_session()
    allowed = allowlist()
    admitted: set[str] = set()
    for service in SERVICES:
        model = models.get_service_model(service)
        for name in model.operation_names:
            http = model.operation_model(name).http
            if allowed.permits(service, name, http["method"], http["requestUri"]):
                admitted.add(f"{IAM_PREFIX.get(service, service)}:{name}")
    expected = {a for a in ACCESS_LEVEL if not a.startswith("apigateway:")}
    assert admitted == expected | {"apigateway:GetRestApis"}
