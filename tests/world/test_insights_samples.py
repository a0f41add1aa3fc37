"""The sample queries AWS documents for Logs Insights, run over small hand-made log groups."""

from __future__ import annotations

import itertools
import json

from montui_world.insights import LogEvent, QueryResult, parse_query, run_query

T0 = 1_795_219_200_000  # 2026-11-21 00:00:00.000 UTC
MINUTE = 60_000
_ids = itertools.count()


def event(at: int, message: str, group: str = "/aws/lambda/checkout") -> LogEvent:
    number = next(_ids)
    return LogEvent(at, message, group, "2026/11/21/[$LATEST]abc", at + 5, f"{number:012d}")


def run(text: str, events: list[LogEvent]) -> QueryResult:
    return run_query(parse_query(text), events, start_ms=T0 - MINUTE, end_ms=T0 + 600 * MINUTE)


def rows(text: str, events: list[LogEvent]) -> list[dict[str, str]]:
    return [dict(row) for row in run(text, events).rows]


def report(at: int, request: str, duration: float, billed: int, used_mb: int) -> LogEvent:
    return event(
        at,
        f"REPORT RequestId: {request}\tDuration: {duration:.2f} ms\tBilled Duration: {billed} ms"
        f"\tMemory Size: 128 MB\tMax Memory Used: {used_mb} MB\t\n",
    )


def lambda_group() -> list[LogEvent]:
    invocations = [  # (minute, request, duration, billed, MB used)
        (0, "req-a", 10.5, 11, 60),
        (1, "req-b", 20.25, 21, 70),
        (2, "req-c", 30.0, 30, 80),
        (6, "req-d", 100.0, 100, 90),
        (7, "req-e", 50.0, 50, 75),
    ]
    events = []
    for minute, request, duration, billed, used in invocations:
        at = T0 + minute * MINUTE
        events.append(event(at, f"START RequestId: {request} Version: $LATEST\n"))
        events.append(event(at + 1, f"END RequestId: {request}\n"))
        events.append(report(at + 2, request, duration, billed, used))
    return events


def test_view_latency_statistics_for_5_minute_intervals() -> None:
    query = (
        'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)'
    )
    assert rows(query, lambda_group()) == [
        {
            "bin(5m)": "2026-11-21 00:05:00.000",
            "avg(@duration)": "75",
            "max(@duration)": "100.0",
            "min(@duration)": "50.0",
        },
        {
            "bin(5m)": "2026-11-21 00:00:00.000",
            "avg(@duration)": "20.25",
            "max(@duration)": "30.0",
            "min(@duration)": "10.5",
        },
    ]
    result = run(query, lambda_group())
    assert result.statistics == {
        "recordsMatched": 5.0,
        "recordsScanned": 15.0,
        "bytesScanned": float(sum(len(e.message) for e in lambda_group())),
    }


def test_determine_the_amount_of_overprovisioned_memory() -> None:
    query = """filter @type = "REPORT"
| stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,
    min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB,
    avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB,
    max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,
    provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB"""
    assert rows(query, lambda_group()) == [
        {
            "provisonedMemoryMB": "128",
            "smallestMemoryRequestMB": "60",
            "avgMemoryUsedMB": "75",
            "maxMemoryUsedMB": "90",
            "overProvisionedMB": "38",
        }
    ]
    # The older form of the sample divides by 1024; AWS's console then shows 4 decimals.
    binary = rows(query.replace("1000", "1024"), lambda_group())
    assert binary == [
        {
            "provisonedMemoryMB": "122.0703",
            "smallestMemoryRequestMB": "57.2205",
            "avgMemoryUsedMB": "71.5256",
            "maxMemoryUsedMB": "85.8307",
            "overProvisionedMB": "36.2396",
        }
    ]


def test_find_the_most_expensive_requests() -> None:
    query = (
        'filter @type = "REPORT" | fields @requestId, @billedDuration'
        " | sort by @billedDuration desc"
    )
    result = run(query, lambda_group())
    assert [row[:2] for row in result.rows] == [
        [("@requestId", "req-d"), ("@billedDuration", "100.0")],
        [("@requestId", "req-e"), ("@billedDuration", "50.0")],
        [("@requestId", "req-c"), ("@billedDuration", "30.0")],
        [("@requestId", "req-b"), ("@billedDuration", "21.0")],
        [("@requestId", "req-a"), ("@billedDuration", "11.0")],
    ]
    assert all(row[2][0] == "@ptr" for row in result.rows)


def test_twenty_five_most_recently_added_log_events() -> None:
    events = [event(T0 + n * 1000, f"line {n}") for n in range(40)]
    result = run("fields @timestamp, @message | sort @timestamp desc | limit 25", events)
    assert len(result.rows) == 25
    assert result.rows[0][:2] == [
        ("@timestamp", "2026-11-21 00:00:39.000"),
        ("@message", "line 39"),
    ]
    assert result.rows[-1][1] == ("@message", "line 15")
    assert result.records_matched == 40.0


def exception_group() -> list[LogEvent]:
    minutes = [0, 1, 1, 3, 7, 12, 13, 13, 14, 14]
    events = [
        event(T0 + m * MINUTE + n, f"java.lang.IllegalStateException: bad state {n}")
        for n, m in enumerate(minutes)
    ]
    events += [event(T0 + n * MINUTE, f"INFO all good {n}") for n in range(15)]
    return events


def test_number_of_exceptions_per_5_minutes() -> None:
    query = (
        "filter @message like /Exception/"
        " | stats count(*) as exceptionCount by bin(5m)"
        " | sort exceptionCount desc"
    )
    assert rows(query, exception_group()) == [
        {"bin(5m)": "2026-11-21 00:10:00.000", "exceptionCount": "5"},
        {"bin(5m)": "2026-11-21 00:00:00.000", "exceptionCount": "4"},
        {"bin(5m)": "2026-11-21 00:05:00.000", "exceptionCount": "1"},
    ]
    per_hour = "filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h)"
    assert rows(per_hour, exception_group()) == [
        {"bin(1h)": "2026-11-21 00:00:00.000", "exceptionCount": "10"}
    ]


def test_log_events_that_are_not_exceptions() -> None:
    result = run("fields @message | filter @message not like /Exception/", exception_group())
    assert len(result.rows) == 15
    assert all("Exception" not in dict(row)["@message"] for row in result.rows)


FLOW_FIELDS = (
    "version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol,"
    " packets, bytes, start, end, action, logStatus"
)
FLOW_PARSE = f'parse @message "* * * * * * * * * * * * * *" as {FLOW_FIELDS}'


def flow_group() -> list[LogEvent]:
    flows = [  # src, dst, protocol, packets, bytes, action, status
        ("10.0.0.1", "10.0.0.9", 6, 10, 4000, "ACCEPT", "OK"),
        ("10.0.0.1", "10.0.0.9", 6, 5, 1000, "ACCEPT", "OK"),
        ("10.0.0.2", "10.0.0.9", 17, 7, 9000, "ACCEPT", "OK"),
        ("10.0.0.3", "10.0.0.1", 6, 1, 60, "REJECT", "OK"),
        ("10.0.0.2", "10.0.0.8", 17, 2, 300, "ACCEPT", "OK"),
        ("-", "-", "-", "-", "-", "-", "SKIPDATA"),
    ]
    events = []
    for n, (src, dst, protocol, packets, size, action, status) in enumerate(flows):
        line = (
            f"2 123456789012 eni-0abc {src} {dst} 443 {40000 + n} {protocol} {packets} {size}"
            f" 1795219200 1795219260 {action} {status}"
        )
        events.append(event(T0 + n * MINUTE, line, group="/vpc/flow-logs"))
    return events


def test_vpc_top_byte_transfers_between_hosts() -> None:
    query = (
        f"{FLOW_PARSE}\n| stats sum(bytes) as bytesTransferred by srcAddr, dstAddr"
        "\n| sort bytesTransferred desc\n| limit 15"
    )
    assert rows(query, flow_group()) == [
        {"srcAddr": "10.0.0.2", "dstAddr": "10.0.0.9", "bytesTransferred": "9000"},
        {"srcAddr": "10.0.0.1", "dstAddr": "10.0.0.9", "bytesTransferred": "5000"},
        {"srcAddr": "10.0.0.2", "dstAddr": "10.0.0.8", "bytesTransferred": "300"},
        {"srcAddr": "10.0.0.3", "dstAddr": "10.0.0.1", "bytesTransferred": "60"},
        {"srcAddr": "-", "dstAddr": "-"},
    ]


def test_vpc_udp_sources_and_skipped_records() -> None:
    udp = rows(f"{FLOW_PARSE} | filter protocol = 17 | stats count(*) by srcAddr", flow_group())
    assert udp == [{"srcAddr": "10.0.0.2", "count(*)": "2"}]
    skipped = (
        f'{FLOW_PARSE} | filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t'
    )
    assert rows(skipped, flow_group()) == [{"t": "2026-11-21 00:00:00.000", "count(*)": "1"}]


def access_group() -> list[LogEvent]:
    requests = [  # path, method, status, latency ms
        ("/items", "GET", "200", 12),
        ("/items", "GET", "500", 250),
        ("/items", "POST", "502", 900),
        ("/cart", "GET", "404", 8),
        ("/cart", "GET", "200", 30),
        ("/items", "GET", "503", 40),
        ("/cart", "DELETE", "403", 5),
    ]
    events = []
    for n, (path, method, status, latency) in enumerate(requests):
        record = {
            "requestId": f"r{n}",
            "ip": f"198.51.100.{n}",
            "httpMethod": method,
            "resourcePath": path,
            "status": status,
            "responseLatency": latency,
        }
        events.append(event(T0 + n * 1000, json.dumps(record), group="API-Gateway-Execution-Logs"))
    return events


def test_api_gateway_5xx_errors_by_endpoint() -> None:
    query = (
        "fields @timestamp, httpMethod, resourcePath, status | filter status >= 500"
        " | stats count(*) as errors by resourcePath, httpMethod | sort errors desc"
    )
    assert rows(query, access_group()) == [
        {"resourcePath": "/items", "httpMethod": "GET", "errors": "2"},
        {"resourcePath": "/items", "httpMethod": "POST", "errors": "1"},
    ]


def test_api_gateway_latency_percentiles_and_last_4xx() -> None:
    query = (
        "stats pct(responseLatency, 50) as p50, pct(responseLatency, 90) as p90,"
        " max(responseLatency) by resourcePath | sort p90 desc"
    )
    assert rows(query, access_group()) == [
        {"resourcePath": "/items", "p50": "40", "p90": "900", "max(responseLatency)": "900"},
        {"resourcePath": "/cart", "p50": "8", "p90": "30", "max(responseLatency)": "30"},
    ]
    last_4xx = (
        "fields @timestamp, status, ip | filter status like /4\\d\\d/"
        " | sort @timestamp desc | limit 10"
    )
    assert [dict(row)["status"] for row in run(last_4xx, access_group()).rows] == ["403", "404"]


def cloudtrail_group() -> list[LogEvent]:
    records = [
        {
            "eventSource": "iam.amazonaws.com",
            "eventName": "CreateUser",
            "awsRegion": "us-east-1",
            "requestParameters": {"userName": "alice"},
            "responseElements": {"user": {"arn": "arn:aws:iam::123456789012:user/alice"}},
        },
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "StartInstances",
            "awsRegion": "us-east-2",
            "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-abcde123"}]}},
        },
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "StartInstances",
            "awsRegion": "us-east-2",
            "errorCode": "UnauthorizedOperation",
            "errorMessage": "You are not authorized",
        },
    ]
    return [
        event(T0 + n, json.dumps(r), group="aws-cloudtrail-logs") for n, r in enumerate(records)
    ]


def test_cloudtrail_samples() -> None:
    per_service = rows("stats count(*) by eventSource, eventName, awsRegion", cloudtrail_group())
    assert per_service == [
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "StartInstances",
            "awsRegion": "us-east-2",
            "count(*)": "2",
        },
        {
            "eventSource": "iam.amazonaws.com",
            "eventName": "CreateUser",
            "awsRegion": "us-east-1",
            "count(*)": "1",
        },
    ]
    users = (
        'filter eventName="CreateUser"'
        " | fields awsRegion, requestParameters.userName, responseElements.user.arn"
    )
    assert [row[:3] for row in run(users, cloudtrail_group()).rows] == [
        [
            ("awsRegion", "us-east-1"),
            ("requestParameters.userName", "alice"),
            ("responseElements.user.arn", "arn:aws:iam::123456789012:user/alice"),
        ]
    ]
    started = (
        "filter (eventName='StartInstances' or eventName='StopInstances') and awsRegion='us-east-2'"
        " | fields requestParameters.instancesSet.items.0.instanceId as instance"
    )
    assert [dict(row).get("instance") for row in run(started, cloudtrail_group()).rows] == [
        None,
        "i-abcde123",
    ]
    failures = (
        'filter eventName="StartInstances" and ispresent(errorCode)'
        " | stats count(*) by errorCode, errorMessage"
    )
    assert rows(failures, cloudtrail_group()) == [
        {
            "errorCode": "UnauthorizedOperation",
            "errorMessage": "You are not authorized",
            "count(*)": "1",
        }
    ]
