"""`montui alarms` over several accounts against the local world, set up with boto3 only (as
someone would with the AWS CLI): a role in a second account that trusts the base account,
alarms in each; every row names its account; `--account`; a failing account."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
PROD = "111111111111"
ROLE = f"arn:aws:iam::{PROD}:role/montui-readonly"


def credentials_in(account: str) -> dict[str, str]:
    """`aws sts assume-role` into `account` (its admin role), as an administrator would."""
    sts = boto3.client("sts", region_name=VIRGINIA)
    arn = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
    found = sts.assume_role(RoleArn=arn, RoleSessionName="setup")["Credentials"]
    return {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }


def put_alarm(region: str, name: str, state: str, **credentials: str) -> None:
    cw: Any = boto3.client("cloudwatch", region_name=region, **credentials)
    cw.put_metric_alarm(
        AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test {state}")


@pytest.fixture
def two_accounts(world: World) -> World:
    """The base account's alarms, and account PROD's: its read-only role trusts the base
    account (with an external id), and it has alarms of its own, one named as the base's."""
    admin = credentials_in(PROD)
    iam: Any = boto3.client("iam", region_name=VIRGINIA, **admin)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "montui-oncall"}},
        }],
    }  # fmt: skip
    iam.create_role(RoleName="montui-readonly", AssumeRolePolicyDocument=json.dumps(trust))
    put_alarm(TOKYO, "api-5xx", "ALARM")
    put_alarm(VIRGINIA, "billing", "OK")
    put_alarm(TOKYO, "api-5xx", "OK", **admin)
    put_alarm(VIRGINIA, "orders-dlq", "ALARM", **admin)
    return world


def config(tmp_path: Path, endpoint: str) -> Path:
    path = tmp_path / "montui.toml"
    path.write_text(
        f'regions = ["{TOKYO}", "{VIRGINIA}"]\nendpoint_url = "{endpoint}"\n\n'
        '[[account]]\nalias = "shared"\n\n'
        f'[[account]]\nalias = "prod"\nrole_arn = "{ROLE}"\nexternal_id = "montui-oncall"\n'
    )
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_names_every_rows_account(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, two_accounts.endpoint)
    code, out, err = run(["alarms", "--config", str(path), "--output", "json"], capsys)
    assert code == 0, err
    rows = {(r["account_alias"], r["account"], r["region"], r["name"], r["state"])
            for r in json.loads(out)}  # fmt: skip
    assert rows == {
        ("shared", DEMO_ACCOUNT, TOKYO, "api-5xx", "ALARM"),
        ("shared", DEMO_ACCOUNT, VIRGINIA, "billing", "OK"),
        ("prod", PROD, TOKYO, "api-5xx", "OK"),
        ("prod", PROD, VIRGINIA, "orders-dlq", "ALARM"),
    }
    for record in json.loads(out):
        assert f":{record['account']}:alarm:" in record["arn"]
        assert list(record)[:3] == ["account_alias", "account", "state"]


def test_csv_and_table_have_the_account_column(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, two_accounts.endpoint)
    code, out, err = run(["alarms", "--config", str(path), "--output", "csv"], capsys)
    assert code == 0, err
    records = list(csv.DictReader(io.StringIO(out)))
    assert out.startswith("account_alias,account,state,name,region,")
    assert {(r["account_alias"], r["account"], r["name"], r["region"]) for r in records} == {
        ("shared", DEMO_ACCOUNT, "api-5xx", TOKYO), ("shared", DEMO_ACCOUNT, "billing", VIRGINIA),
        ("prod", PROD, "api-5xx", TOKYO), ("prod", PROD, "orders-dlq", VIRGINIA),
    }  # fmt: skip
    code, out, err = run(["alarms", "--config", str(path)], capsys)
    assert code == 0, err
    header, *lines = out.splitlines()
    assert header.split()[:4] == ["ACCOUNT", "STATE", "NAME", "REGION"]
    assert sorted(line.split()[0] + " " + line.split()[2] for line in lines) == sorted(
        ["shared api-5xx", "shared billing", "prod api-5xx", "prod orders-dlq"]
    )


def test_account_chooses_and_an_unknown_alias_lists_the_known_ones(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, two_accounts.endpoint)
    argv = ["alarms", "--config", str(path), "--output", "json"]
    code, out, err = run([*argv, "--account", "prod"], capsys)
    assert code == 0, err
    assert {(r["account_alias"], r["name"]) for r in json.loads(out)} == {
        ("prod", "api-5xx"), ("prod", "orders-dlq"),
    }  # fmt: skip
    code, out, _ = run([*argv, "--account", "prod,shared"], capsys)
    assert {r["account_alias"] for r in json.loads(out)} == {"prod", "shared"}
    code, out, err = run([*argv, "--account", "prod", "--account", "qa"], capsys)
    assert code == 2 and out == ""
    assert "unknown account qa (known: shared, prod)" in err


def test_a_denied_account_is_on_stderr_and_the_others_are_printed(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = FaultPlan([Rule(1.0, (Fault.DENIED,), service="sts", operation="AssumeRole")])
    with FaultProxy(two_accounts.endpoint, plan) as proxy:
        path = config(tmp_path, proxy.endpoint)
        code, out, err = run(["alarms", "--config", str(path), "--output", "json"], capsys)
    assert code == 1
    assert {(r["account_alias"], r["name"]) for r in json.loads(out)} == {
        ("shared", "api-5xx"), ("shared", "billing"),
    }  # fmt: skip
    assert "montui: prod: sts: AccessDenied:" in err
    assert "trust policy" in err


def test_without_account_tables_the_output_is_as_before(
    two_accounts: World, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["alarms", "--endpoint-url", two_accounts.endpoint, "--region", TOKYO]
    code, out, err = run([*argv, "--output", "csv"], capsys)
    assert code == 0, err
    assert out.startswith("state,name,region,")
    code, out, _ = run([*argv, "--output", "json"], capsys)
    (record,) = json.loads(out)
    assert "account_alias" not in record and record["account"] == DEMO_ACCOUNT


def test_a_role_whose_trust_policy_refuses_the_external_id_fails_alone(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, two_accounts.endpoint)
    path.write_text(path.read_text().replace('"montui-oncall"', '"not-the-one"'))
    code, out, err = run(["alarms", "--config", str(path), "--output", "json"], capsys)
    assert code == 1
    assert {r["account_alias"] for r in json.loads(out)} == {"shared"}
    assert "montui: prod: sts: AccessDenied:" in err and "external id" in err


def test_ses_reads_every_account(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, two_accounts.endpoint)
    code, out, err = run(["ses", "--config", str(path), "--output", "json"], capsys)
    assert code == 0, err
    found = {(r["account_alias"], r["account"], r["region"]) for r in json.loads(out)}
    assert all(list(r)[:3] == ["account_alias", "account", "region"] for r in json.loads(out))
    assert found == {
        (alias, account, region)
        for alias, account in (("shared", DEMO_ACCOUNT), ("prod", PROD))
        for region in (TOKYO, VIRGINIA)
    }
    code, out, err = run(["ses", "--config", str(path), "--account", "prod"], capsys)
    assert code == 0, err
    header, *lines = out.splitlines()
    assert header.split()[:2] == ["ACCOUNT", "REGION"]
    assert sorted(line.split()[:2] for line in lines) == [["prod", TOKYO], ["prod", VIRGINIA]]


def test_findings_read_every_account(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for session in (boto3, boto3.Session(**credentials_in(PROD))):
        guardduty: Any = session.client("guardduty", region_name=TOKYO)
        detector = guardduty.create_detector(Enable=True)["DetectorId"]
        guardduty.create_sample_findings(DetectorId=detector)
    path = config(tmp_path, two_accounts.endpoint)
    argv = ["findings", "--config", str(path), "--region", TOKYO]
    code, out, err = run([*argv, "--output", "json"], capsys)
    assert code == 0, err
    records = json.loads(out)
    assert {(r["account_alias"], r["account"]) for r in records} == {
        ("shared", DEMO_ACCOUNT), ("prod", PROD),
    }  # fmt: skip
    assert all(list(r)[:3] == ["account_alias", "account", "band"] for r in records)
    assert all(f":{r['account']}:detector/" in r["arn"] for r in records)
    code, out, err = run([*argv, "--output", "csv"], capsys)
    assert code == 0, err
    assert out.startswith("account_alias,account,band,severity,type,")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]).count("account") == 1
    assert {(r["account_alias"], r["account"]) for r in rows} == {
        ("shared", DEMO_ACCOUNT), ("prod", PROD),
    }  # fmt: skip
    assert len(rows) == len(records)
    alone = ["findings", "--endpoint-url", two_accounts.endpoint, "--region", TOKYO]
    code, out, err = run([*alone, "--output", "csv"], capsys)
    assert code == 0, err
    assert out.startswith("band,severity,") and ",region,account,id," in out.splitlines()[0]
    assert "account_alias" not in out
    code, out, err = run([*argv, "--account", "prod"], capsys)
    header, *lines = out.splitlines()
    assert header.split()[0] == "ACCOUNT" and lines
    assert {line.split()[0] for line in lines} == {"prod"}


def test_a_profile_account_reads_through_its_profile(
    two_accounts: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`profile = "prod"`: an AWS CLI profile that assumes the role from a source profile."""
    from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY

    (tmp_path / "credentials").write_text(
        f"[base]\naws_access_key_id = {FAKE_ACCESS_KEY}\n"
        f"aws_secret_access_key = {FAKE_SECRET_KEY}\n"
    )
    (tmp_path / "config").write_text(
        f"[profile prod]\nrole_arn = {ROLE}\nsource_profile = base\nexternal_id = montui-oncall\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    path = tmp_path / "montui.toml"
    path.write_text(
        f'regions = ["{TOKYO}", "{VIRGINIA}"]\nendpoint_url = "{two_accounts.endpoint}"\n'
        '[[account]]\nalias = "shared"\n[[account]]\nalias = "prod"\nprofile = "prod"\n'
    )
    code, out, err = run(["alarms", "--config", str(path), "--output", "json"], capsys)
    assert code == 0, err
    assert {(r["account_alias"], r["account"], r["name"]) for r in json.loads(out)} == {
        ("shared", DEMO_ACCOUNT, "api-5xx"), ("shared", DEMO_ACCOUNT, "billing"),
        ("prod", PROD, "api-5xx"), ("prod", PROD, "orders-dlq"),
    }  # fmt: skip


def test_a_one_account_command_asks_which_account_and_reads_the_one_chosen(
    two_accounts: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`montui dbload` (like design, review, query) reads one account: with several
    configured, it says so and names them rather than picking one silently; `--account`
    chooses it."""
    path = config(tmp_path, two_accounts.endpoint)
    code, out, err = run(["dbload", "shop-db-1", "--config", str(path), "--output", "json"], capsys)
    assert code == 2 and out == ""
    assert "montui dbload reads one account at a time" in err
    assert "--account ALIAS (configured: shared, prod)" in err
    code, out, err = run(
        ["dbload", "shop-db-1", "--config", str(path), "--output", "json", "--account", "prod"],
        capsys,
    )
    assert "reads one account at a time" not in err
    assert code == 2 and "shop-db-1" in err  # prod was asked: it has no such instance
