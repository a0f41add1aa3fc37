"""Several accounts end to end: a world set up with boto3 only (a role in each other account
trusting the base one, alarms in each) shows on the board with the right account on every
row; `montui alarms --demo --accounts 3` reads the world's own accounts."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.accounts import AccountSpec
from montui.ui.app import MontuiApp
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.wiring import aws_accounts
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.terminal import clean_env
from tests.world.accounts import WorldAccount

REGION = "us-east-1"
PAYMENTS, DATA = "210987654321", "309876543210"


def put_alarm(session: object, name: str, state: str) -> None:
    cw = session.client("cloudwatch", region_name=REGION)  # type: ignore[attr-defined]
    cw.put_metric_alarm(
        AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test {state}")


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


async def test_a_world_set_up_with_boto3_shows_the_right_account_on_every_row(
    world: World, add_world_account: Callable[..., WorldAccount], tmp_path: Path
) -> None:
    import boto3

    payments = add_world_account(PAYMENTS)
    data = add_world_account(DATA, external_id="s3cret")
    put_alarm(boto3, "api-5xx", "ALARM")
    put_alarm(payments.admin, "api-5xx", "OK")
    put_alarm(payments.admin, "charge-failures", "ALARM")
    put_alarm(data.admin, "etl-lag", "ALARM")
    specs = (
        AccountSpec("base"),
        AccountSpec("payments", role_arn=payments.role_arn),
        AccountSpec("data", role_arn=data.role_arn, external_id="s3cret"),
    )
    request = AwsRequest(endpoint_url=world.endpoint, regions=(REGION,))
    accounts = aws_accounts(request, specs, data_dir=tmp_path)
    app = MontuiApp(accounts.primary, Settings(), home="board", accounts=accounts)
    async with app.run_test(size=(140, 30)) as pilot:
        table = app.screen.query_one(AlarmTable)
        await until(pilot, lambda: table.row_count == 4)
        shown = set()
        for row in table.ordered_rows:
            alarm = table.alarms_by_key[str(row.key.value)]
            account = table.get_cell(row.key, "account")
            shown.add((str(account), alarm.account, alarm.name, alarm.state.value))
        assert shown == {
            ("base", DEMO_ACCOUNT, "api-5xx", "ALARM"),
            ("payments", PAYMENTS, "api-5xx", "OK"),
            ("payments", PAYMENTS, "charge-failures", "ALARM"),
            ("data", DATA, "etl-lag", "ALARM"),
        }


def test_alarms_of_a_demo_world_of_three_accounts(tmp_path: Path) -> None:
    """`montui alarms --demo --accounts 3` as a person runs it (a process of its own, on the
    same clock as the world it starts)."""
    env = clean_env(XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    argv = [sys.executable, "-m", "montui", "alarms", "--demo", "--accounts", "3"]
    done = subprocess.run([*argv, "--output", "json"], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    records = json.loads(done.stdout)
    aliases = {r["account_alias"]: r["account"] for r in records}
    assert len(aliases) == 3 and aliases["demo"] == DEMO_ACCOUNT
    assert len(set(aliases.values())) == 3
    for record in records:
        assert f":{record['account']}:alarm:" in record["arn"]
    done = subprocess.run([*argv, "--account", "nope"], capture_output=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "unknown account nope (known: demo, " in done.stderr.decode()
