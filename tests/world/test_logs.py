"""Logs Insights in the local world, through boto3 (JSON protocol): shapes, samples, errors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext import logs as logs_ext
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"
STREAM = "2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef"
MINUTE_MS = 60_000


@pytest.fixture
def logs(world: World) -> Iterator[Any]:
    """A CloudWatch Logs client on the world, queries completing at once, raw bodies kept."""
    previous = logs_ext.configure(pacing=logs_ext.INSTANT, max_concurrent_queries=30)
    client = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    bodies: dict[str, Any] = {}

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        bodies[model.name] = json.loads(http_response.content or b"{}")

    client.meta.events.register("after-call.logs", keep)
    client.raw = bodies
    yield client
    logs_ext.restore(previous)


def base_ms() -> int:
    """A whole ten minutes, about an hour ago (PutLogEvents takes the last 14 days only)."""
    return (int(time.time() * 1000) - 3_600_000) // (10 * MINUTE_MS) * (10 * MINUTE_MS)


def lambda_lines(t0: int) -> list[tuple[int, str]]:
    """Five invocations of a Lambda function, one a failure with an ERROR line."""
    lines: list[tuple[int, str]] = []
    for n, (duration, used) in enumerate([(10.5, 60), (20.25, 70), (30.0, 80), (100.0, 90)]):
        at, request = t0 + n * MINUTE_MS, f"req-{n}"
        level = "ERROR" if n == 3 else "INFO"
        lines += [
            (at, f"START RequestId: {request} Version: $LATEST\n"),
            (at + 1, json.dumps({"level": level, "requestId": request, "path": "/contact"})),
            (at + 2, f"END RequestId: {request}\n"),
            (
                at + 3,
                f"REPORT RequestId: {request}\tDuration: {duration:.2f} ms\t"
                f"Billed Duration: {int(duration) + 1} ms\tMemory Size: 128 MB\t"
                f"Max Memory Used: {used} MB\t\n",
            ),
        ]
    lines.append((t0 + 4 * MINUTE_MS, "ERROR Unhandled: SES SendEmail throttled"))
    return lines


def seed(client: Any, t0: int, group: str = GROUP) -> list[tuple[int, str]]:
    """Create the group and put `lambda_lines` with PutLogEvents."""
    lines = lambda_lines(t0)
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName=STREAM)
    client.put_log_events(
        logGroupName=group,
        logStreamName=STREAM,
        logEvents=[{"timestamp": at, "message": message} for at, message in lines],
    )
    return lines


def query(client: Any, text: str, t0: int, **extra: Any) -> dict[str, Any]:
    """StartQuery over [t0 - 1 min, t0 + 10 min], then GetQueryResults until it ends."""
    args: dict[str, Any] = {
        "logGroupName": GROUP,
        "startTime": (t0 - MINUTE_MS) // 1000,
        "endTime": (t0 + 10 * MINUTE_MS) // 1000,
        "queryString": text,
    }
    args.update(extra)
    query_id = client.start_query(**{k: v for k, v in args.items() if v is not None})["queryId"]
    for _ in range(200):
        answer: dict[str, Any] = client.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            return answer
        time.sleep(0.05)
    raise AssertionError("query did not end")


def table(answer: dict[str, Any]) -> list[dict[str, str]]:
    """Results as one dict per row."""
    return [{cell["field"]: cell["value"] for cell in row} for row in answer["results"]]


def conforms(value: Any, shape: Any, path: str = "$") -> list[str]:
    """Where `value` (a raw JSON body) departs from botocore's `shape`."""
    kind = shape.type_name
    problems: list[str] = []
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        for name in getattr(shape, "required_members", []):
            if name not in value:
                problems.append(f"{path}.{name}: required, missing")
        for name, item in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: not in the model")
            else:
                problems += conforms(item, shape.members[name], f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        for index, item in enumerate(value):
            problems += conforms(item, shape.member, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        for key, item in value.items():
            problems += conforms(key, shape.key, f"{path}.<key>")
            problems += conforms(item, shape.value, f"{path}.{key}")
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: not a string")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in {shape.enum}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: not an integer")
    elif kind in ("double", "float"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{path}: not a number")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: not a boolean")
    return problems


def output_problems(client: Any, operation: str) -> list[str]:
    """How the last raw body of `operation` departs from its output shape in the model."""
    shape = client.meta.service_model.operation_model(operation).output_shape
    return conforms(client.raw[operation], shape)


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The parsed error response of a call that must fail."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response


def test_install_is_idempotent(world: World) -> None:
    from moto.logs.responses import LogsResponse

    handler = LogsResponse.start_query
    logs_ext.install()
    assert LogsResponse.start_query is handler


def test_results_statistics_and_shapes_follow_the_model(logs: Any) -> None:
    t0 = base_ms()
    lines = seed(logs, t0)
    answer = query(logs, "fields @timestamp, @message, @log, @logStream | limit 3", t0)
    assert answer["status"] == "Complete"
    assert output_problems(logs, "StartQuery") == []
    assert output_problems(logs, "GetQueryResults") == []
    assert "encryptionKey" not in logs.raw["GetQueryResults"]
    rows = table(answer)
    assert len(rows) == 3
    newest_at, newest = lines[-1]
    assert rows[0]["@message"] == newest
    assert rows[0]["@log"] == f"{DEMO_ACCOUNT}:{GROUP}"
    assert rows[0]["@logStream"] == STREAM
    assert rows[0]["@timestamp"] == time.strftime(
        "%Y-%m-%d %H:%M:%S.000", time.gmtime(newest_at // 1000)
    )
    assert [cell["field"] for cell in answer["results"][0]][-1] == "@ptr"
    stats = answer["statistics"]
    assert stats["recordsScanned"] == float(len(lines))
    assert stats["recordsMatched"] == float(len(lines))
    assert stats["bytesScanned"] == float(sum(len(m.encode()) for _, m in lines))
    assert stats["logGroupsScanned"] == 1.0


def test_aws_lambda_sample_queries_end_to_end(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    latency = query(
        logs,
        'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)',
        t0,
    )
    assert output_problems(logs, "GetQueryResults") == []
    (bucket,) = table(latency)
    assert bucket["avg(@duration)"] == "40.1875"
    assert bucket["max(@duration)"] == "100.0"
    assert bucket["min(@duration)"] == "10.5"
    assert "@ptr" not in bucket
    assert latency["statistics"]["recordsMatched"] == 4.0
    expensive = query(
        logs,
        'filter @type = "REPORT" | fields @requestId, @billedDuration'
        " | sort by @billedDuration desc",
        t0,
    )
    assert [row["@requestId"] for row in table(expensive)] == [
        "req-3",
        "req-2",
        "req-1",
        "req-0",
    ]
    memory = query(
        logs,
        'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,'
        " max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,"
        " provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB",
        t0,
    )
    assert table(memory) == [
        {"provisonedMemoryMB": "128", "maxMemoryUsedMB": "90", "overProvisionedMB": "38"}
    ]
    errors = query(
        logs,
        "filter @message like /ERROR/ | fields @timestamp, @message"
        " | sort @timestamp desc | limit 100",
        t0,
    )
    assert [row["@message"] for row in table(errors)] == [
        "ERROR Unhandled: SES SendEmail throttled",
        json.dumps({"level": "ERROR", "requestId": "req-3", "path": "/contact"}),
    ]
    by_level = query(
        logs, "filter ispresent(level) | stats count(*) as n by level | sort n desc", t0
    )
    assert table(by_level) == [{"level": "INFO", "n": "3"}, {"level": "ERROR", "n": "1"}]


def test_start_query_takes_names_lists_and_arns(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    seed(logs, t0, "/aws/lambda/other")
    both = query(
        logs,
        "stats count(*) as n",
        t0,
        logGroupName=None,
        logGroupNames=[GROUP, "/aws/lambda/other"],
    )
    assert table(both) == [{"n": str(2 * len(lambda_lines(t0)))}]
    assert both["statistics"]["logGroupsScanned"] == 2.0
    arn = f"arn:aws:logs:{REGION}:{DEMO_ACCOUNT}:log-group:{GROUP}:*"
    by_arn = query(logs, "stats count(*) as n", t0, logGroupName=None, logGroupIdentifiers=[arn])
    assert table(by_arn) == [{"n": str(len(lambda_lines(t0)))}]


def test_limit_parameter_caps_rows_and_paging_walks_them(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    capped = query(logs, "fields @message", t0, limit=5)
    assert len(capped["results"]) == 5
    query_id = logs.start_query(
        logGroupName=GROUP,
        startTime=(t0 - MINUTE_MS) // 1000,
        endTime=(t0 + 10 * MINUTE_MS) // 1000,
        queryString="fields @message",
    )["queryId"]
    first = logs.get_query_results(queryId=query_id, maxItems=10)
    rest = logs.get_query_results(queryId=query_id, nextToken=first["nextToken"])
    assert len(first["results"]) == 10
    assert "nextToken" not in rest
    assert len(first["results"]) + len(rest["results"]) == len(lambda_lines(t0))


def test_malformed_query_has_aws_message_and_location(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    text = "fields @message | sort @timestamp desc | limmit 5"
    response = error_of(
        logs.start_query, logGroupName=GROUP, startTime=0, endTime=t0 // 1000, queryString=text
    )
    assert response["Error"]["Code"] == "MalformedQueryException"
    message = response["Error"]["Message"]
    assert message.startswith("unexpected symbol found")
    assert "at line 1 and position" in message
    compile_error = response["queryCompileError"]
    location = compile_error["location"]
    assert text[location["startCharOffset"] : location["endCharOffset"]] == "limmit"
    assert compile_error["message"] == message


def test_unknown_log_group_is_resource_not_found(logs: Any) -> None:
    response = error_of(
        logs.start_query,
        logGroupName="/aws/lambda/nope",
        startTime=0,
        endTime=100,
        queryString="fields @message",
    )
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert "Log group '/aws/lambda/nope' does not exist" in response["Error"]["Message"]


def test_bad_parameters_are_invalid(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    no_group = error_of(logs.start_query, startTime=0, endTime=100, queryString="fields @message")
    assert no_group["Error"]["Code"] == "InvalidParameterException"
    backwards = error_of(
        logs.start_query, logGroupName=GROUP, startTime=100, endTime=50, queryString="fields a"
    )
    assert backwards["Error"]["Code"] == "InvalidParameterException"
    unknown = error_of(logs.get_query_results, queryId="0b9a6e4e-0000-4000-8000-000000000000")
    assert unknown["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_queries_all_by_group_by_status_and_paged(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    seed(logs, t0, "/aws/lambda/other")
    ids = [query(logs, f"fields @message | limit {n}", t0)["status"] for n in (1, 2, 3)]
    assert ids == ["Complete"] * 3
    other = logs.start_query(
        logGroupName="/aws/lambda/other",
        startTime=0,
        endTime=t0 // 1000,
        queryString="stats count(*)",
    )["queryId"]
    everything = logs.describe_queries()["queries"]
    assert output_problems(logs, "DescribeQueries") == []
    assert len(everything) == 4
    assert everything[0]["queryId"] == other  # newest first
    assert everything[0]["logGroupName"] == "/aws/lambda/other"
    assert everything[0]["queryString"] == "stats count(*)"
    assert {q["status"] for q in everything} == {"Complete"}
    assert len(logs.describe_queries(logGroupName=GROUP)["queries"]) == 3
    assert logs.describe_queries(status="Running")["queries"] == []
    page = logs.describe_queries(maxResults=3)
    assert len(page["queries"]) == 3
    rest = logs.describe_queries(maxResults=3, nextToken=page["nextToken"])
    assert [q["queryId"] for q in rest["queries"]] == [everything[3]["queryId"]]
    assert "nextToken" not in rest
    other_region = boto3.client(
        "logs", region_name="us-east-1", endpoint_url=logs.meta.endpoint_url
    )
    assert other_region.describe_queries()["queries"] == []


def test_stop_query_on_finished_or_unknown_query(logs: Any) -> None:
    t0 = base_ms()
    seed(logs, t0)
    query_id = logs.start_query(
        logGroupName=GROUP, startTime=0, endTime=t0 // 1000, queryString="fields @message"
    )["queryId"]
    finished = error_of(logs.stop_query, queryId=query_id)
    assert finished["Error"]["Code"] == "InvalidParameterException"
    unknown = error_of(logs.stop_query, queryId="0b9a6e4e-0000-4000-8000-000000000000")
    assert unknown["Error"]["Code"] == "ResourceNotFoundException"


def test_get_log_record_from_ptr(logs: Any) -> None:
    t0 = base_ms()
    lines = seed(logs, t0)
    answer = query(logs, 'filter @type = "REPORT" | fields @requestId | sort @timestamp asc', t0)
    ptr = answer["results"][0][-1]["value"]
    record = logs.get_log_record(logRecordPointer=ptr)["logRecord"]
    assert output_problems(logs, "GetLogRecord") == []
    report_at, report = lines[3]
    assert record["@message"] == report
    assert record["@timestamp"] == str(report_at)
    assert record["@log"] == f"{DEMO_ACCOUNT}:{GROUP}"
    assert record["@logStream"] == STREAM
    assert record["@requestId"] == "req-0"
    assert record["@type"] == "REPORT"
    assert record["@duration"] == "10.5"
    json_ptr = query(logs, "filter level = 'ERROR' | fields level", t0)["results"][0][-1]["value"]
    json_record = logs.get_log_record(logRecordPointer=json_ptr)["logRecord"]
    assert json_record["path"] == "/contact"
    assert json_record["requestId"] == "req-3"
    bad = error_of(logs.get_log_record, logRecordPointer="not a pointer!")
    assert bad["Error"]["Code"] == "InvalidParameterException"
