"""The command line: `montui alarms` against the local AWS world, exit codes, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui_world.world import World

REGIONS = ("ap-northeast-1", "us-east-1")


def put_alarm(world: World, region: str, name: str, state: str | None = None) -> None:
    client: Any = boto3.client("cloudwatch", region_name=region, endpoint_url=world.endpoint)
    client.put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": name}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=5,
        DatapointsToAlarm=3,
        Threshold=10,
        ComparisonOperator="GreaterThanThreshold",
    )
    if state:
        client.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test {state}")


@pytest.fixture
def seeded(world: World) -> World:
    put_alarm(world, "ap-northeast-1", "tokyo-ok", "OK")
    put_alarm(world, "ap-northeast-1", "tokyo-fire", "ALARM")
    put_alarm(world, "us-east-1", "virginia-ok", "OK")
    return world


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def base(world: World) -> list[str]:
    return ["alarms", "--endpoint-url", world.endpoint, "--region", ",".join(REGIONS)]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("montui 0.")


def test_alarms_json_lists_every_region_most_urgent_first(
    seeded: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*base(seeded), "--output", "json"], capsys)
    assert code == 0, err
    records = json.loads(out)
    assert (records[0]["name"], records[0]["region"], records[0]["state"]) == (
        "tokyo-fire",
        "ap-northeast-1",
        "ALARM",
    )
    assert {(r["name"], r["region"], r["state"]) for r in records[1:]} == {
        ("tokyo-ok", "ap-northeast-1", "OK"),
        ("virginia-ok", "us-east-1", "OK"),
    }
    assert records[0]["condition"] == "Sum > 10 · 3 of 5 × 1m"
    assert records[0]["watches"] == "AWS/Lambda Errors FunctionName=tokyo-fire"


def test_alarms_state_filter_csv_and_table(
    seeded: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([*base(seeded), "--state", "OK", "--output", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["name"] for r in rows) == ["tokyo-ok", "virginia-ok"]
    code, out, _ = run(base(seeded), capsys)
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["STATE", "NAME", "REGION"]
    assert "tokyo-fire" in out.splitlines()[1]


def test_fail_on_alarm_exit_3_only_when_a_listed_alarm_is_in_alarm(
    seeded: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run([*base(seeded), "--fail-on-alarm"], capsys)
    assert code == 3
    code, _, _ = run([*base(seeded), "--fail-on-alarm", "--state", "OK"], capsys)
    assert code == 0


def test_unreachable_endpoint_exit_1_with_the_region_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["alarms", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
    code, _, err = run(argv, capsys)
    assert code == 1
    assert "us-east-1" in err and "cannot reach" in err
    assert "Traceback" not in err


def test_unknown_profile_exit_2_with_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["alarms", "--profile", "nope", "--region", "us-east-1"], capsys)
    assert code == 2
    assert "nope" in err and "aws configure" in err


def test_unknown_region_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["alarms", "--region", "us-esat-1"], capsys)
    assert code == 2
    assert "us-esat-1" in err


def test_no_region_exit_2_with_hint(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["alarms"], capsys)
    assert code == 2
    assert "--region" in err


def test_bad_config_exit_2_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "montui.toml"
    bad.write_text('refresh = "fast"\n')
    code, _, err = run(["--config", str(bad), "alarms"], capsys)
    assert code == 2
    assert "montui.toml" in err and "refresh" in err


def test_bad_refresh_argument_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--refresh", "2s"])
    assert exit_info.value.code == 2
    assert "at least 5 seconds" in capsys.readouterr().err


def test_env_endpoint_is_honoured_without_a_flag(
    seeded: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", seeded.endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code, out, err = run(["alarms", "--output", "json"], capsys)
    assert code == 0, err
    assert [r["name"] for r in json.loads(out)] == ["virginia-ok"]


def settings_for(argv: list[str], config: Path) -> tuple[float, float]:
    from montui.cli import _settings
    from montui.cli_parser import build_parser

    settings = _settings(build_parser().parse_args(["--config", str(config), *argv]))
    return settings.refresh, settings.stale_after


def test_the_demo_polls_once_a_simulated_minute(tmp_path: Path) -> None:
    """`--demo` runs the world at DEMO_SPEED: one simulated minute is 60 / DEMO_SPEED real
    seconds, so the board polls that often (stale after 2.5 × that) unless `--refresh` says
    otherwise; a config's own `stale_after` still wins."""
    from montui.launch import DEMO_REFRESH, DEMO_SPEED

    plain = tmp_path / "plain.toml"
    plain.write_text("refresh = 60\n")
    assert DEMO_REFRESH == 60 / DEMO_SPEED == 6.0
    assert settings_for(["--demo"], plain) == (6.0, 15.0)
    assert settings_for(["--demo", "--refresh", "30"], plain) == (30.0, 75.0)
    assert settings_for([], plain) == (60.0, 150.0)
    explicit = tmp_path / "explicit.toml"
    explicit.write_text("refresh = 30\nstale_after = 40\n")
    assert settings_for(["--demo"], explicit) == (6.0, 40.0)
