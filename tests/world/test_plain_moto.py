"""Against a plain moto server that someone else seeded (no montui extensions): the board and
`montui alarms` show exactly the alarms and states DescribeAlarms lists there."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui.config import Settings
from montui.launch import AwsRequest
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.wiring import aws_feeds

REGION = "us-east-1"
COUNT = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def plain_moto() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        _seed(endpoint)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(10)


def _seed(endpoint: str) -> None:
    rng = random.Random(42)
    client: Any = boto3.client(
        "cloudwatch", region_name=REGION, endpoint_url=endpoint,
        aws_access_key_id="someone", aws_secret_access_key="else",
    )  # fmt: skip
    for i in range(COUNT):
        name = f"svc-{i:03d}-{rng.choice(['errors', 'latency', 'throttles'])}"
        client.put_metric_alarm(
            AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": f"fn-{i}"}], Statistic="Sum",
            Period=60, EvaluationPeriods=5, DatapointsToAlarm=rng.randint(1, 5),
            Threshold=float(rng.randint(1, 50)), ComparisonOperator="GreaterThanThreshold",
        )  # fmt: skip
        state = rng.choice(["ALARM", "OK", "OK", "INSUFFICIENT_DATA"])
        client.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"seeded {state}")


def _truth(endpoint: str) -> dict[str, str]:
    """What `aws cloudwatch describe-alarms` lists (the same API call, via boto3)."""
    client: Any = boto3.client("cloudwatch", region_name=REGION, endpoint_url=endpoint)
    alarms: dict[str, str] = {}
    for page in client.get_paginator("describe_alarms").paginate():
        for alarm in page["MetricAlarms"] + page.get("CompositeAlarms", []):
            alarms[alarm["AlarmName"]] = alarm["StateValue"]
    return alarms


def test_montui_alarms_json_agrees_alarm_for_alarm(
    plain_moto: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["alarms", "--output", "json", "--endpoint-url", plain_moto, "--region", REGION])
    records = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["name"]: r["state"] for r in records} == _truth(plain_moto)
    assert len(records) == COUNT


async def test_board_shows_exactly_the_listed_alarms(plain_moto: str) -> None:
    feed = aws_feeds(AwsRequest(endpoint_url=plain_moto, regions=(REGION,)))
    app = MontuiApp(feed, Settings(), home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            screen = app.screen
            status = screen.statuses.get(("", REGION)) if isinstance(screen, BoardScreen) else None
            if status is not None and status.listed_at is not None:  # ALARM rows come first
                break
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        shown = {a.name: a.state.value for a in screen.visible_alarms()}
        table_rows = screen.query_one("#alarms", AlarmTable).row_count
    assert shown == _truth(plain_moto)
    assert table_rows == COUNT
