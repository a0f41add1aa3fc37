"""Discovered fields (system, Lambda platform, JSON), value printing, sorting and regexes."""

from __future__ import annotations

import json

import pytest

from montui_world.insights import LogEvent, decode_ptr, parse_query, run_query
from montui_world.insights.fields import flatten_json, platform_fields
from montui_world.insights.patterns import compile_glob, translate_regex
from montui_world.insights.values import (
    ReportedNumber,
    Timestamp,
    format_value,
    java_double_text,
    natural_key,
)

T0 = 1_795_219_200_000
REQUEST = "0fc78b42-f6e0-400a-be91-71c5d1eadb9a"


def fields_of(message: str, names: str, group: str = "/aws/lambda/fn") -> dict[str, str]:
    event = LogEvent(T0 + 42, message, group, "2026/11/21/[$LATEST]f00d", T0 + 1042, "ev-1")
    query = parse_query(f"fields {names}")
    result = run_query(query, [event], start_ms=T0, end_ms=T0 + 1000, account_id="111122223333")
    return dict(result.rows[0])


def test_system_fields() -> None:
    row = fields_of("hello", "@timestamp, @message, @logStream, @log, @ingestionTime")
    assert row["@timestamp"] == "2026-11-21 00:00:00.042"
    assert row["@message"] == "hello"
    assert row["@logStream"] == "2026/11/21/[$LATEST]f00d"
    assert row["@log"] == "111122223333:/aws/lambda/fn"
    assert row["@ingestionTime"] == "2026-11-21 00:00:01.042"
    assert decode_ptr(row["@ptr"]) == ("/aws/lambda/fn", "2026/11/21/[$LATEST]f00d", "ev-1")
    assert list(row)[-1] == "@ptr"


def test_decode_ptr_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="not a @ptr"):
        decode_ptr("definitely not")


def test_lambda_report_line() -> None:
    message = (
        f"REPORT RequestId: {REQUEST}\tDuration: 1394.60 ms\tBilled Duration: 1395 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 79 MB\tInit Duration: 428.60 ms\t\n"
        "XRAY TraceId: 1-5e1b4151-5ac6c58f5b5daa6532e4f2e8\tSegmentId: 6b1b2c8e3f4a5d6e\t"
        "Sampled: true\n"
    )
    names = (
        "@type, @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed,"
        " @initDuration, @xrayTraceId, @xraySegmentId"
    )
    row = fields_of(message, names)
    assert row == {
        "@type": "REPORT",
        "@requestId": REQUEST,
        "@duration": "1394.6",
        "@billedDuration": "1395.0",
        "@memorySize": "1.28E8",
        "@maxMemoryUsed": "7.9E7",
        "@initDuration": "428.6",
        "@xrayTraceId": "1-5e1b4151-5ac6c58f5b5daa6532e4f2e8",
        "@xraySegmentId": "6b1b2c8e3f4a5d6e",
        "@ptr": row["@ptr"],
    }


def test_lambda_start_end_and_runtime_lines() -> None:
    assert platform_fields(f"START RequestId: {REQUEST} Version: $LATEST\n") == {
        "@type": "START",
        "@requestId": REQUEST,
    }
    assert platform_fields(f"END RequestId: {REQUEST}\n") == {"@type": "END", "@requestId": REQUEST}
    runtime = f"2026-11-21T03:04:05.678Z\t{REQUEST}\tERROR\tInvoke Error\n"
    assert platform_fields(runtime) == {"@requestId": REQUEST}
    timeout = f"2026-11-21T03:04:05.678Z {REQUEST} Task timed out after 3.00 seconds\n"
    assert platform_fields(timeout) == {"@requestId": REQUEST}
    assert platform_fields("2026-11-21 something else") == {}
    assert platform_fields("just text") == {}


def test_json_is_flattened_with_dots_and_indexes() -> None:
    document = {
        "req": {"status": 503, "path": "/pay", "headers": {"x-id": "abc"}},
        "items": [{"sku": "A1"}, {"sku": "B2"}],
        "tags": ["x", "y"],
        "ok": False,
        "gone": None,
        "ratio": 0.25,
        "@example.com": "at",
    }
    assert flatten_json(json.dumps(document), embedded=False) == {
        "req.status": 503,
        "req.path": "/pay",
        "req.headers.x-id": "abc",
        "items.0.sku": "A1",
        "items.1.sku": "B2",
        "tags.0": "x",
        "tags.1": "y",
        "ok": "false",
        "ratio": 0.25,
        "@@example.com": "at",
    }
    assert flatten_json("[1, 2]", embedded=False) == {}
    assert flatten_json("{not json", embedded=False) == {}
    assert flatten_json("plain text", embedded=False) == {}


def test_json_fields_in_queries_and_embedded_json_in_lambda_groups() -> None:
    message = json.dumps({"req": {"status": 503}, "items": [{"sku": "A1"}]})
    row = fields_of(message, "req.status, items.0.sku, `req.status` as quoted", group="/app")
    assert (row["req.status"], row["items.0.sku"], row["quoted"]) == ("503", "A1", "503")
    embedded = f'2026-11-21T03:04:05.678Z\t{REQUEST}\tINFO\t{{"user": "ann", "n": 2}}\n'
    assert fields_of(embedded, "user, n, @requestId") == {
        "user": "ann",
        "n": "2",
        "@requestId": REQUEST,
        "@ptr": fields_of(embedded, "user")["@ptr"],
    }
    outside_lambda = fields_of(embedded, "user", group="/ecs/web")
    assert "user" not in outside_lambda


def test_assigned_fields_shadow_discovered_ones() -> None:
    row = fields_of(json.dumps({"a": "raw"}), "concat('new-', a) as a")
    assert row["a"] == "new-raw"
    row = fields_of("user=bob", "@message | parse @message 'user=*' as @message")
    assert row["@message"] == "bob"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1395.0, "1395.0"),
        (1394.6, "1394.6"),
        (128e6, "1.28E8"),
        (79e6, "7.9E7"),
        (1e7, "1.0E7"),
        (9999999.0, "9999999.0"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (-2.5e-5, "-2.5E-5"),
        (0.0, "0.0"),
        (float("inf"), "Infinity"),
        (float("nan"), "NaN"),
    ],
)
def test_java_double_text(number: float, text: str) -> None:
    assert java_double_text(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (732.421875, "732.4219"),
        (2.0, "2"),
        (-0.00001, "0"),
        (1e20, "1.0E20"),
        (12, "12"),
        (True, "true"),
        ("text", "text"),
        (Timestamp(T0 + 5), "2026-11-21 00:00:00.005"),
        (Timestamp(0), "1970-01-01 00:00:00.000"),
        (ReportedNumber(10.0), "10.0"),
    ],
)
def test_format_value(value: str | float | bool, text: str) -> None:
    assert format_value(value) == text


def test_natural_sort_matches_the_aws_documentation_example() -> None:
    documented = ["!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj"]
    documented += ["a12345hfh", "0", "1", "2", "3"]
    shuffled = documented[::-1]
    assert sorted(shuffled, key=natural_key) == documented


def test_regex_translation() -> None:
    assert translate_regex("(?<user>\\S+) did") == "(?P<user>\\S+) did"
    assert translate_regex("^(?i)Exception$") == "(?i)^Exception$"
    assert translate_regex("(?<=a)b(?<!c)") == "(?<=a)b(?<!c)"
    assert translate_regex("[(?<x>]") == "[(?<x>]"
    assert translate_regex("\\Q1+1=2\\E!") == "1\\+1=2!"
    assert translate_regex("end\\z") == "end\\Z"


def test_glob_captures_lazily_except_at_the_end() -> None:
    pattern, captures = compile_glob("user=* action=*")
    assert captures == 2
    match = pattern.search("ts=1 user=bob action=log in now\n")
    assert match is not None and match.groups() == ("bob", "log in now")
    pattern, _ = compile_glob("[*] *")
    match = pattern.search("[ERROR] [db] down")
    assert match is not None and match.groups() == ("ERROR", "[db] down")
    assert compile_glob("a=*;")[0].search("b=1") is None
