"""The world's other accounts (`serve --accounts N`): who they are, their small living scenario,
read over the wire through the role montui assumes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.accounts import (
    EXTERNAL_ID,
    EXTERNAL_ROLE,
    WorldAccount,
    aws_cli_profiles,
    world_accounts,
    world_regions,
)
from montui_world.ext.evaluation import evaluate_all
from montui_world.identity import DEMO_ACCOUNT, DEMO_REGIONS, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.scenario.team import TeamScenario
from montui_world.world import World
from tests.world.accounts import assume, base_session

NOW = datetime(2026, 11, 21, 3, 30, 15, tzinfo=UTC)
REGIONS = (DEMO_REGIONS[0], DEMO_REGIONS[1])


def test_accounts_are_deterministic_base_first() -> None:
    accounts = world_accounts(4)
    assert [a.alias for a in accounts] == ["demo", "payments", "data", "edge"]
    assert accounts[0] == WorldAccount("demo", DEMO_ACCOUNT, None)
    assert accounts[1].id == "201201201201"
    assert accounts[3].role_arn == "arn:aws:iam::203203203203:role/montui-readonly"
    assert len({a.id for a in world_accounts(21)}) == 21
    assert world_regions(4) == ("ap-northeast-1", "us-east-1", "eu-west-1", "us-west-2")
    with pytest.raises(ValueError):
        world_accounts(0)


def test_the_cli_profiles_name_each_role() -> None:
    lines = aws_cli_profiles(world_accounts(3), "http://127.0.0.1:5000")
    text = "\n".join(lines)
    assert "[profile data]" in text
    assert "role_arn = arn:aws:iam::202202202202:role/montui-readonly" in text
    assert "source_profile = demo" in text
    assert aws_cli_profiles(world_accounts(1), "http://x") == []


@pytest.fixture
def payments(world: World) -> TeamScenario:
    team = TeamScenario(world_accounts(2)[1], REGIONS, seed=7, now=NOW)
    team.build()
    return team


def _alarms(session: boto3.Session, region: str, **kwargs: object) -> dict[str, str]:
    pages = (
        session.client("cloudwatch", region_name=region)
        .get_paginator("describe_alarms")
        .paginate(AlarmTypes=["MetricAlarm", "CompositeAlarm"], **kwargs)
    )
    return {
        a["AlarmName"]: a["StateValue"]
        for page in pages
        for a in page["MetricAlarms"] + page["CompositeAlarms"]
    }


def test_a_team_account_is_reached_through_its_role(world: World, payments: TeamScenario) -> None:
    base = base_session(world.endpoint)
    role = payments.account.role_arn
    assert role is not None
    session = assume(base, role)
    assert session.client("sts").get_caller_identity()["Account"] == "201201201201"
    first = _alarms(session, REGIONS[0])
    second = _alarms(session, REGIONS[1])
    assert len(first) + len(second) == 12
    assert first["payments-api-5xx"] == "ALARM"
    assert first["payments-customer-impact"] == "ALARM"
    assert first["payments-legacy-heartbeat"] == "INSUFFICIENT_DATA"
    assert first["payments-api-latency"] == "OK"
    assert set(_alarms(session, REGIONS[0], StateValue="ALARM")) >= {
        "payments-api-5xx",
        "payments-customer-impact",
    }
    assert _alarms(base, REGIONS[0]) == {}  # nothing of it in the base account

    gd = session.client("guardduty", region_name=REGIONS[0])
    (detector,) = gd.list_detectors()["DetectorIds"]
    assert len(gd.list_findings(DetectorId=detector)["FindingIds"]) == 3

    logs = session.client("logs", region_name=REGIONS[1])
    (group,) = logs.describe_log_groups()["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/payments-worker"
    events = logs.filter_log_events(logGroupName=group["logGroupName"])["events"]
    assert len(events) >= 100
    assert any(e["message"].startswith("ERROR") for e in events)
    (metric_filter,) = logs.describe_metric_filters()["metricFilters"]
    assert metric_filter["filterPattern"] == "ERROR"

    ses = session.client("sesv2", region_name=REGIONS[0]).get_account()
    assert ses["ProductionAccessEnabled"] is True


def test_the_external_id_role_needs_its_id(world: World, payments: TeamScenario) -> None:
    base = base_session(world.endpoint)
    role = f"arn:aws:iam::{payments.account.id}:role/{EXTERNAL_ROLE}"
    with pytest.raises(ClientError) as raised:
        assume(base, role)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    me = assume(base, role, external_id=EXTERNAL_ID).client("sts").get_caller_identity()
    assert me["Account"] == payments.account.id


def test_a_team_account_lives(world: World, payments: TeamScenario) -> None:
    """Minute by minute, the flapping worker alarm goes to ALARM and back (its own metrics)."""
    start = int(NOW.timestamp()) // 60 * 60
    seen: list[tuple[str, str]] = []
    for minute in range(1, 45):
        boundary = start + 60 * minute
        payments.write_until(boundary)
        at = datetime.fromtimestamp(boundary, UTC)
        seen += [(c.alarm_name, c.new) for c in evaluate_all(at, account=payments.account.id)]
    worker = [new for name, new in seen if name == "payments-worker-errors"]
    assert "ALARM" in worker
    assert "OK" in worker
    base = base_session(world.endpoint)
    session = assume(base, str(payments.account.role_arn))
    history = session.client("cloudwatch", region_name=REGIONS[0]).describe_alarm_history(
        AlarmName="payments-worker-errors", HistoryItemType="StateUpdate"
    )["AlarmHistoryItems"]
    assert len(history) >= 2


def test_serve_lists_its_accounts_in_the_ready_line() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json",
         "--accounts", "3", "--regions", "3", "--alarms-per-region", "50"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["regions"] == ["ap-northeast-1", "us-east-1", "eu-west-1"]
        assert [a["alias"] for a in ready["accounts"]] == ["demo", "payments", "data"]
        assert ready["accounts"][0] == {"alias": "demo", "id": DEMO_ACCOUNT, "role_arn": None}
        base = base_session(ready["endpoint"])
        data = assume(base, ready["accounts"][2]["role_arn"])
        # bulk alarms in every account and region, the team's own alarms besides
        eu = _alarms(data, "eu-west-1")
        assert len(eu) == 50
        tokyo = _alarms(data, "ap-northeast-1")
        assert "data-api-5xx" in tokyo
        assert len(tokyo) == 50 + 7
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(20)


def test_an_aws_cli_profile_reaches_a_team_account(
    world: World, payments: TeamScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profiles `serve` prints (role_arn + source_profile) work as the AWS CLI reads them."""
    lines = aws_cli_profiles(world_accounts(2), world.endpoint)
    config = [line.strip() for line in lines if line.startswith("  [") or " = " in line]
    (tmp_path / "config").write_text("\n".join(config) + "\n")
    (tmp_path / "credentials").write_text(
        f"[demo]\naws_access_key_id = {FAKE_ACCESS_KEY}\n"
        f"aws_secret_access_key = {FAKE_SECRET_KEY}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    session = boto3.Session(profile_name="payments", region_name=REGIONS[0])
    me = session.client("sts").get_caller_identity()
    assert me["Arn"].startswith("arn:aws:sts::201201201201:assumed-role/montui-readonly/")
    assert "payments-api-5xx" in _alarms(session, REGIONS[0])
