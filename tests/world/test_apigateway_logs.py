"""The demo world's API Gateway side and its saved queries: the contact API with its fixed id
and its execution log, which agrees with the access log request for request; the seeded query
definitions; Put/Describe/DeleteQueryDefinition and DescribeLogGroups' logGroupNamePattern."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.scenario.hitori import API_ID, API_NAME, SAVED_QUERIES
from montui_world.scenario.logs import API_ACCESS, API_EXECUTION
from montui_world.world import World
from tests.conftest import SCENARIO_START, ScenarioWorld

TOKYO = "ap-northeast-1"


def client(service: str) -> Any:
    return boto3.client(service, region_name=TOKYO)


def query(text: str, groups: list[str], start: datetime, end: datetime) -> list[dict[str, str]]:
    logs = client("logs")
    query_id = logs.start_query(
        logGroupNames=groups,
        startTime=int(start.timestamp()),
        endTime=int(end.timestamp()),
        queryString=text,
    )["queryId"]
    answer = logs.get_query_results(queryId=query_id)
    assert answer["status"] == "Complete"
    return [{f["field"]: f["value"] for f in row} for row in answer["results"]]


def test_the_contact_api_has_its_fixed_id_and_stage(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    apigateway = client("apigateway")
    (api,) = apigateway.get_rest_apis()["items"]
    assert (api["name"], api["id"]) == (API_NAME, API_ID)
    stages = apigateway.get_stages(restApiId=API_ID)["item"]
    assert [s["stageName"] for s in stages] == ["prod"]
    assert f"API-Gateway-Execution-Logs_{API_ID}/prod" == API_EXECUTION


def test_execution_log_tells_the_access_log_story(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=20))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    last = end - timedelta(seconds=1)
    access = query(
        "fields requestId, status | sort @timestamp asc | limit 10000", [API_ACCESS], start, last
    )
    completed = query(
        "filter @message like /Method completed with status/"
        " | parse @message '(*) Method completed with status: *' as rid, code"
        " | fields rid, code | limit 10000",
        [API_EXECUTION],
        start,
        last + timedelta(seconds=3),  # a request's last line follows its latency
    )
    assert len(access) > 20
    codes = {r["rid"]: r["code"] for r in completed}
    assert all(codes.get(r["requestId"]) == r["status"] for r in access)
    started = query(
        "filter @message like /Starting execution for request/ | stats count(*) as n",
        [API_EXECUTION],
        start,
        last,
    )
    assert started == [{"n": str(len(access))}]
    failed = query(
        "filter @message like /customer function error/ | stats count(*) as n",
        [API_EXECUTION],
        start,
        last + timedelta(seconds=3),
    )
    assert failed == [{"n": str(sum(r["status"] == "502" for r in access))}]
    assert int(failed[0]["n"]) > 0
    quiet = query(
        "filter @message like /status: 502/ | stats count(*) as n",
        [API_EXECUTION],
        end + timedelta(minutes=1),
        end + timedelta(minutes=6),
    )
    assert quiet in ([], [{"n": "0"}])


def test_seeded_saved_queries_run(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=20))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    saved = client("logs").describe_query_definitions()["queryDefinitions"]
    assert sorted(d["name"] for d in saved) == sorted(q.name for q in SAVED_QUERIES)
    for definition in saved:
        rows = query(definition["queryString"], definition["logGroupNames"], start, end)
        assert rows, definition["name"]


def test_query_definitions_put_update_delete(world: World) -> None:
    logs = client("logs")
    first = logs.put_query_definition(name="team/a", queryString="fields @message")
    ident = first["queryDefinitionId"]
    logs.put_query_definition(name="team/b", queryString="fields @timestamp", logGroupNames=["/g"])
    logs.put_query_definition(name="other", queryString="stats count(*)")
    logs.put_query_definition(queryDefinitionId=ident, name="team/a2", queryString="limit 1")
    team = logs.describe_query_definitions(queryDefinitionNamePrefix="team/")["queryDefinitions"]
    assert [(d["name"], d["queryString"], d.get("logGroupNames")) for d in team] == [
        ("team/a2", "limit 1", None),
        ("team/b", "fields @timestamp", ["/g"]),
    ]
    assert team[0]["queryDefinitionId"] == ident and team[0]["lastModified"] > 0
    page = logs.describe_query_definitions(maxResults=2)
    rest = logs.describe_query_definitions(maxResults=2, nextToken=page["nextToken"])
    names = [d["name"] for d in (*page["queryDefinitions"], *rest["queryDefinitions"])]
    assert names == ["other", "team/a2", "team/b"] and "nextToken" not in rest
    assert logs.delete_query_definition(queryDefinitionId=ident)["success"] is True
    calls: tuple[Callable[[], object], ...] = (
        lambda: logs.delete_query_definition(queryDefinitionId=ident),
        lambda: logs.put_query_definition(queryDefinitionId=ident, name="x", queryString="y"),
    )
    for call in calls:
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_log_groups_by_pattern(world: World) -> None:
    logs = client("logs")
    for name in ("/aws/apigateway/Orders/access", "/x/orders-api", "/y/orders", "/z/other"):
        logs.create_log_group(logGroupName=name)
    found = logs.describe_log_groups(logGroupNamePattern="orders")["logGroups"]
    assert [g["logGroupName"] for g in found] == ["/x/orders-api", "/y/orders"]  # case-sensitive
    assert set(found[0]) == {"arn", "creationTime", "logGroupName"}
    page = logs.describe_log_groups(logGroupNamePattern="/", limit=3)
    rest = logs.describe_log_groups(logGroupNamePattern="/", nextToken=page["nextToken"])
    assert len(page["logGroups"]) == 3 and len(rest["logGroups"]) == 1
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups(logGroupNamePattern="orders", logGroupNamePrefix="/x")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    everything = logs.describe_log_groups()["logGroups"]
    assert len(everything) == 4  # without a pattern: moto's own answer
