"""`montui query` against the local AWS world: outputs, exit codes, the demo incident's
ERROR lines, AWS's documented sample queries, and Ctrl+C stopping the query on AWS."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui.commands.query import caret_lines
from montui_world.ext import logs as logs_ext
from montui_world.world import World
from tests.conftest import SCENARIO_START, ScenarioWorld

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/checkout"
OTHER = "/aws/lambda/billing"


def logs_client(world: World) -> Any:
    return boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)


def put(world: World, group: str, events: list[tuple[int, str]]) -> None:
    client = logs_client(world)
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName="s")
    client.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def report(request: str, duration: float, used_mb: int) -> str:
    return (
        f"REPORT RequestId: {request}\tDuration: {duration:.2f} ms\tBilled Duration: "
        f"{int(duration) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: {used_mb} MB\t\n"
    )


@pytest.fixture
def seeded(world: World) -> Iterator[World]:
    """Two Lambda log groups with START/REPORT lines and bracketed [ERROR]/[INFO] lines,
    within the last half hour."""
    previous = logs_ext.settings()
    t0 = int((datetime.now(UTC) - timedelta(minutes=30)).timestamp()) * 1000
    events: list[tuple[int, str]] = []
    for n in range(20):
        at = t0 + n * 60_000
        level = "ERROR" if n % 5 == 0 else "INFO"
        events.append((at, f"START RequestId: req-{n:02d} Version: $LATEST\n"))
        events.append(
            (
                at + 1,
                f"[{level}] handled req-{n:02d} Exception"
                if level == "ERROR"
                else f"[{level}] handled req-{n:02d}",
            )
        )
        events.append((at + 2, report(f"req-{n:02d}", 10.0 + n, 60 + n)))
    put(world, GROUP, events)
    put(world, OTHER, [(t0, "[ERROR] billing down Exception")])
    yield world
    logs_ext.restore(previous)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def base(world: World, *groups: str) -> list[str]:
    flags = [f for g in groups or (GROUP,) for f in ("-g", g)]
    return ["query", "--endpoint-url", world.endpoint, "--region", REGION, *flags]


ERRORS = "filter @message like /ERROR/ | fields @timestamp, @message | sort @timestamp asc"


def test_json_output(seeded: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*base(seeded), ERRORS, "--since", "1h", "--output", "json"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert [r["@message"] for r in rows] == [
        f"[ERROR] handled req-{n:02d} Exception" for n in (0, 5, 10, 15)
    ]
    assert set(rows[0]) == {"@timestamp", "@message"}
    assert err == ""  # stderr is not a terminal: no progress


def test_jsonl_csv_and_table(seeded: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*base(seeded, GROUP, OTHER), ERRORS, "--output", "jsonl"], capsys)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 5 and "[ERROR] billing down Exception" in [r["@message"] for r in lines]
    code, out, _ = run([*base(seeded), ERRORS, "--output", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["@timestamp", "@message"] and len(rows) == 4
    code, out, _ = run([*base(seeded), ERRORS, "--limit", "2"], capsys)
    assert code == 0
    table = out.splitlines()
    assert table[0].split() == ["@timestamp", "@message"] and len(table) == 3


def test_jsonl_streams_partial_results(seeded: World, capsys: pytest.CaptureFixture[str]) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=1.0))
    code, out, err = run([*base(seeded), "fields @message", "--output", "jsonl"], capsys)
    assert code == 0, err
    messages = [json.loads(line)["@message"] for line in out.splitlines()]
    assert len(messages) == len(set(messages)) == 60


def test_start_and_end(seeded: World, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    window = ["--start", (now - timedelta(hours=2)).isoformat(), "--end", now.isoformat()]
    code, out, _ = run([*base(seeded), ERRORS, *window, "--output", "json"], capsys)
    assert code == 0 and len(json.loads(out)) == 4
    old = ["--start", "2020-01-01T00:00:00", "--end", "2020-01-02T00:00:00Z"]
    code, out, _ = run([*base(seeded), ERRORS, *old, "--output", "json"], capsys)
    assert code == 0 and json.loads(out) == []


def test_malformed_query_exit_1_with_caret(
    seeded: World, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "fields @message | filtre @message like /x/"
    code, out, err = run([*base(seeded), text], capsys)
    assert code == 1 and out == ""
    lines = err.splitlines()
    at = lines.index(f"  {text}")
    assert lines[at + 1] == "  " + " " * text.index("filtre") + "^" * len("filtre")


def test_unknown_group_exit_1(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([*base(world, "/nope"), "fields @message"], capsys)
    assert code == 1
    assert "log group /nope does not exist" in err


@pytest.mark.parametrize(
    "extra",
    [
        ["--since", "soon"],
        ["--start", "2026-11-21T00:00:00Z"],
        ["--since", "1h", "--start", "2026-11-21T00:00:00Z", "--end", "2026-11-21T01:00:00Z"],
        ["--start", "yesterday", "--end", "2026-11-21T01:00:00Z"],
        ["--start", "2026-11-21T02:00:00Z", "--end", "2026-11-21T01:00:00Z"],
        ["--output", "xml"],
        ["--limit", "0"],
    ],
)
def test_bad_arguments_exit_2(
    world: World, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*base(world), "fields @message", *extra])
    assert exit_info.value.code == 2


def test_no_group_exit_2(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--endpoint-url", world.endpoint, "--region", REGION, "fields @message"])
    assert exit_info.value.code == 2
    assert "-g GROUP" in capsys.readouterr().err


def test_caret_lines_on_the_right_line() -> None:
    text = "fields @message\n| filtre x"
    assert caret_lines(text, 18, 24) == ["| filtre x", "  ^^^^^^"]
    assert caret_lines("abc", 99) == ["abc", "   ^"]


# AWS's documented sample queries (Logs Insights "Sample queries" page), run end to end.
SAMPLES = [
    ("fields @timestamp, @message | sort @timestamp desc | limit 25", 25),
    (
        'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)',
        None,
    ),
    (
        'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, '
        "min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB, "
        "avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, "
        "max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, "
        "provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB",
        1,
    ),
    (
        "filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) "
        "| sort exceptionCount desc",
        None,
    ),
    (
        'parse @message "[*] *" as loggingType, loggingMessage | filter loggingType = "ERROR" '
        "| display loggingMessage",
        4,
    ),
    ("stats count(*) by @logStream | limit 100", 1),
]


@pytest.mark.parametrize(("text", "count"), SAMPLES)
def test_aws_sample_queries(
    seeded: World, text: str, count: int | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*base(seeded), text, "--output", "json"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert rows
    if count is not None:
        assert len(rows) == count


def test_sample_query_values(seeded: World, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        'parse @message "[*] *" as loggingType, loggingMessage | filter loggingType = "ERROR" '
        "| display loggingMessage"
    )
    code, out, _ = run([*base(seeded), text, "--output", "json"], capsys)
    assert code == 0
    assert sorted(r["loggingMessage"] for r in json.loads(out)) == [
        f"handled req-{n:02d} Exception" for n in (0, 5, 10, 15)
    ]
    stats = 'filter @type = "REPORT" | stats count(*) as n, max(@duration) as slowest'
    code, out, _ = run([*base(seeded), stats, "--output", "json"], capsys)
    [row] = json.loads(out)
    assert (row["n"], float(row["slowest"])) == ("20", 29.0)


def test_demo_incident_error_lines(
    scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=20))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    argv = [
        "query",
        "filter @message like /ERROR/ | fields @timestamp, @message",
        "-g",
        "/aws/lambda/hitori-contact-form",
        "--start",
        start.isoformat(),
        "--end",
        end.isoformat(),
        "--output",
        "jsonl",
        "--endpoint-url",
        scenario_world.endpoint,
        "--region",
        "ap-northeast-1",
    ]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all("ERROR" in r["@message"] for r in rows)


def test_ctrl_c_stops_the_query_on_aws(seeded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=60))
    env = {**os.environ, "AWS_ENDPOINT_URL": seeded.endpoint}
    argv = [sys.executable, "-m", "montui", *base(seeded), "fields @message"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    client = logs_client(seeded)
    deadline = time.monotonic() + 60  # a cold start of montui, under load at times
    while not client.describe_queries(status="Running")["queries"]:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert client.describe_queries(status="Running")["queries"] == []
    assert client.describe_queries(status="Cancelled")["queries"]
