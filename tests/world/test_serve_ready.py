"""Ready means ready: a script polling `python -m montui_world serve --port N` from the moment
the process starts never sees a half-seeded world (the port answers HTTP 503 until seeded)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from montui_world.identity import DEMO_REGIONS, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.scenario import ALARMS, COMPOSITES
from tests.world.test_serve import _env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
DEADLINE_SECONDS = 120.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _client(port: int, region: str) -> Any:
    return boto3.client(
        "cloudwatch",
        region_name=region,
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=FAKE_ACCESS_KEY,
        aws_secret_access_key=FAKE_SECRET_KEY,
        # One attempt per poll: the test sees every refusal itself, as a polling script would.
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=30),
    )


def _alarm_names(client: Any) -> list[str]:
    found = client.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=100)
    assert "NextToken" not in found
    return [a["AlarmName"] for a in (*found["MetricAlarms"], *found["CompositeAlarms"])]


def _expected(region: str) -> int:
    return sum(a.region == region for a in ALARMS) + sum(c.region == region for c in COMPOSITES)


def test_a_poller_never_sees_a_partial_alarm_list() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "montui_world", "serve", "--port", str(port), "--speed", "10"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    refusals: set[str] = set()
    try:
        first, others = DEMO_REGIONS[0], DEMO_REGIONS[1:]
        client = _client(port, first)
        deadline = time.monotonic() + DEADLINE_SECONDS
        names: list[str] | None = None
        while names is None:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, f"never answered; refusals: {refusals}"
            try:
                names = _alarm_names(client)
            except EndpointConnectionError:
                refusals.add("not listening")
            except ClientError as error:
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                refusals.add(f"{status} {error.response['Error']['Code']}")
            if names is None:
                time.sleep(0.05)  # the next poll; the deadline above bounds the loop
        assert len(names) == _expected(first)
        for region in others:
            assert len(_alarm_names(_client(port, region))) == _expected(region)
        assert refusals <= {"not listening", "503 ServiceUnavailable"}
    finally:
        proc.terminate()
        proc.wait(30)
