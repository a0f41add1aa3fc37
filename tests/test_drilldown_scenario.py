"""`l` against the demo scenario, through the feeds the screens use (AlarmHistory for the
episode, LogsInsights for the plan): a recovered composite's episode follows the children
that were in ALARM during it, and the Aurora writer's alarm finds its cluster's logs, whose
lines the RDS template returns over the episode's window."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import boto3

from montui.feeds.history import AwsAlarmHistory
from montui.feeds.insights import AwsLogsInsights
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown import RDS_EVENTS, DrilldownPlan
from montui.model.evaluation import Episode
from montui.model.logs import QueryRun
from montui.sources.cloudwatch import describe_alarms
from montui.sources.rds import instance_clusters
from montui.ui.screens.logs_entry import last_episode
from tests.conftest import ScenarioWorld

REGION = "ap-northeast-1"
LAMBDA_GROUP = "/aws/lambda/hitori-contact-form"
API_EXECUTION = "API-Gateway-Execution-Logs_k7q2x9hitori/prod"
API_ACCESS = "/aws/apigateway/hitori-contact-api/access"
AURORA_GROUPS = (
    "/aws/rds/cluster/shop-prod-aurora/error",
    "/aws/rds/cluster/shop-prod-aurora/slowquery",
)
_T = TypeVar("_T")

Drill = tuple[Alarm, Episode | None, DrilldownPlan, list[dict[str, str]]]


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def in_session(world: ScenarioWorld, use: Callable[[AwsSession], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        session = AwsSession(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
        await session.connect()
        try:
            return await use(session)
        finally:
            await session.close()

    return asyncio.run(main())


def drill(world: ScenarioWorld, name: str, now: datetime) -> Drill:
    """`l` on the board on `name`: its last episode of the past day, the plan, the rows."""

    async def use(session: AwsSession) -> Drill:
        place = await session.place(REGION)
        alarms = {a.name: a for a in await describe_alarms(session.clients, place)}
        alarm = alarms[name]
        episode = await last_episode(AwsAlarmHistory(session), alarm, now)
        insights = AwsLogsInsights(session)
        plan = await insights.drilldown_plan(
            alarm, children=alarms, episode=episode, rules=(), now=now
        )
        run = QueryRun(plan.query, plan.log_groups, plan.window.start, plan.window.end)
        async with aclosing(insights.run_query(REGION, run)) as snapshots:
            final = [s async for s in snapshots][-1]
        return alarm, episode, plan, [dict(r) for r in final.rows]

    return in_session(world, use)


def test_a_recovered_composite_follows_the_children_of_its_episode(
    scenario_world: ScenarioWorld,
) -> None:
    scenario = scenario_world.ready()
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    scenario = scenario_world.at(end + timedelta(minutes=20))
    alarm, episode, plan, rows = drill(scenario_world, "hitori-contact-form-down", scenario.now())
    assert alarm.state is AlarmState.OK
    assert episode is not None and episode.end is not None
    assert start <= episode.start <= episode.end <= end + timedelta(minutes=5)
    assert plan.problem is None
    assert LAMBDA_GROUP in plan.log_groups  # the error-rate child's function
    assert API_EXECUTION in plan.log_groups and API_ACCESS in plan.log_groups  # the 5xx child
    assert any("in ALARM during the episode" in r for r in plan.reasons)
    throttled = [r for r in rows if "Maximum sending rate exceeded" in r["@message"]]
    assert throttled
    assert all(plan.window.start <= _stamp(r["@timestamp"]) <= plan.window.end for r in rows)


def test_the_aurora_writer_alarm_finds_its_cluster_logs(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.ready()
    alarm, episode, plan, rows = drill(
        scenario_world, "shop-aurora-writer-write-iops", scenario.now()
    )
    assert alarm.state is AlarmState.OK
    assert episode is not None and episode.end is not None  # last night's order export
    assert plan.log_groups == AURORA_GROUPS
    assert (plan.kind, plan.query, plan.problem) == ("rds", RDS_EVENTS, None)
    assert any("of cluster shop-prod-aurora" in r for r in plan.reasons)
    slow = [r for r in rows if "# Query_time: " in r["@message"]]
    assert slow
    assert all(plan.window.start <= _stamp(r["@timestamp"]) <= plan.window.end for r in rows)


def test_the_world_holds_the_shop_database(scenario_world: ScenarioWorld) -> None:
    rds: Any = boto3.client("rds", region_name=REGION)
    instances = rds.describe_db_instances()["DBInstances"]
    found = {i["DBInstanceIdentifier"]: i.get("DBClusterIdentifier") for i in instances}
    assert found == {
        "shop-prod-aurora-writer": "shop-prod-aurora",
        "shop-prod-aurora-reader-1": "shop-prod-aurora",
    }
    (cluster,) = rds.describe_db_clusters()["DBClusters"]
    assert (cluster["DBClusterIdentifier"], cluster["Engine"]) == (
        "shop-prod-aurora",
        "aurora-mysql",
    )

    async def use(session: AwsSession) -> dict[str, str]:
        place = await session.place(REGION)
        return await instance_clusters(
            session.clients, place, ["shop-prod-aurora-reader-1", "no-such-db"]
        )

    assert in_session(scenario_world, use) == {"shop-prod-aurora-reader-1": "shop-prod-aurora"}
