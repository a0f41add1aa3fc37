"""The design against deployed alarms: missing, extra and drifted field by field (pure, on
hand-made alarms), and against the demo world, where it finds exactly the deliberate drift and
the missing alarm; the scaffold round trip; the Markdown export against its golden file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui.design_file import load_design, parse_design
from montui.model.design_check import check_design
from montui.model.design_markdown import design_markdown
from montui.model.design_scaffold import scaffold_design
from montui.model.records import replace
from montui_world.world import World
from tests.conftest import ScenarioWorld
from tests.fakes.data import make_alarm

ROOT = Path(__file__).parent.parent
HITORI = ROOT / "config" / "design" / "hitori.toml"
GOLDEN = Path(__file__).parent / "golden" / "hitori-design.md"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:shop-page"

DESIGN = """\
[system]
name = "shop"
purpose = "take orders"
region = "ap-northeast-1"
scope = "shop-"

[[flow]]
id = 1
name = "API → Lambda"

[[event]]
flow = 1
event = "errors"
response = "act now"
alarm = "shop-errors"
namespace = "AWS/Lambda"
metric = "Errors"
dimensions = { FunctionName = "contact-form" }
statistic = "Sum"
period = 60
comparison = ">"
threshold = 10
m_of_n = "3/5"
alarm_actions = ["shop-page"]
ok_actions = ["shop-page"]

[[event]]
flow = 1
event = "throttles"
response = "know, no action"
alarm = "shop-throttles"
namespace = "AWS/Lambda"
metric = "Errors"
dimensions = { FunctionName = "contact-form" }
statistic = "Sum"
period = 60
comparison = ">"
threshold = 10
m_of_n = "3/5"

[[composite]]
name = "shop-down"
rule = 'ALARM("shop-errors")'
response = "act now"
"""


def test_matching_alarms_are_clean_and_other_systems_are_not_extra() -> None:
    alarms = [
        replace(make_alarm("shop-errors"), alarm_actions=(TOPIC,), ok_actions=(TOPIC,)),
        make_alarm("shop-throttles"),
        make_alarm("shop-down", rule="ALARM( shop-errors )"),
        make_alarm("blog-errors"),  # another system's alarm: out of scope
        make_alarm("shop-errors", region="eu-west-1"),  # a region the design does not cover
    ]
    report = check_design(parse_design(DESIGN, Path("shop.toml")), alarms)
    assert report.clean and report.checked == 3
    assert report.lines() == ["3 designed alarms checked: matches the design"]


def test_missing_extra_and_every_drifted_field() -> None:
    errors = replace(
        make_alarm("shop-errors"),
        threshold=20.0,
        datapoints_to_alarm=2,
        period=300,
        comparison="GreaterThanOrEqualToThreshold",
        treat_missing_data="breaching",
        statistic="Maximum",
        actions_enabled=False,
        alarm_actions=("arn:aws:sns:ap-northeast-1:123456789012:shop-ticket",),
    )
    extra = make_alarm("shop-leftover")
    report = check_design(parse_design(DESIGN, Path("shop.toml")), [errors, extra])
    assert [(m.name, m.line) for m in report.missing] == [("shop-throttles", 27), ("shop-down", 41)]
    assert [a.name for a in report.extra] == ["shop-leftover"]
    (drift,) = report.drifted
    assert [(f.field, f.designed, f.deployed) for f in drift.fields] == [
        ("statistic", "Sum", "Maximum"),
        ("period", "1m", "5m"),
        ("comparison", ">", ">="),
        ("threshold", "10", "20"),
        ("m_of_n", "3/5", "2/5"),
        ("missing_data", "missing", "breaching"),
        ("actions_enabled", "true", "false"),
        ("alarm_actions", "[shop-page]", "[shop-ticket]"),
        ("ok_actions", "[shop-page]", "[]"),
    ]
    assert report.summary() == "2 missing, 1 extra, 1 drifted"
    assert "           threshold: designed 10, deployed 20" in report.lines()


def test_a_composite_rule_and_a_metric_moved_are_drift() -> None:
    moved = replace(
        make_alarm("shop-throttles", metric="Throttles", dims=(("FunctionName", "other"),)),
    )
    down = make_alarm("shop-down", rule='ALARM("shop-errors") OR ALARM("shop-throttles")')
    report = check_design(parse_design(DESIGN, Path("shop.toml")), [moved, down])
    fields = {d.name: [(f.field, f.deployed) for f in d.fields] for d in report.drifted}
    assert fields["shop-throttles"] == [
        ("metric", "Throttles"),
        ("dimensions", "{FunctionName=other}"),
    ]
    assert fields["shop-down"] == [("rule", 'ALARM("shop-errors") OR ALARM("shop-throttles")')]


def test_scaffold_of_hand_made_alarms_round_trips() -> None:
    alarms = [
        replace(make_alarm("shop-errors"), alarm_actions=(TOPIC,), description="Errors. More."),
        replace(make_alarm("shop-slow"), extended_statistic="p99", statistic=None),
        make_alarm("shop-down", rule='ALARM("shop-errors")\n  OR ALARM("shop-slow")'),
    ]
    text = scaffold_design(alarms, system="shop", region="ap-northeast-1", scope="shop-")
    scaffolded = parse_design(text, Path("scaffold.toml"))
    assert [e.event for e in scaffolded.events] == ["Errors", "TODO"]
    assert [e.response for e in scaffolded.events] == ["next business day", "know, no action"]
    assert check_design(scaffolded, alarms).clean


# --- against the demo world -------------------------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_demo_world_has_exactly_the_deliberate_drift_and_the_missing_alarm(
    scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["design", "check", str(HITORI), "--endpoint-url", scenario_world.endpoint]
    code, out, err = run(argv, capsys)
    assert (code, err) == (3, "")
    assert out.splitlines() == [
        "missing  hitori-lambda-memory  ap-northeast-1: designed (design line 204), not deployed",
        "drifted  hitori-lambda-duration-p95  ap-northeast-1:",
        "           threshold: designed 3000, deployed 5000",
        "13 designed alarms checked: 1 missing, 0 extra, 1 drifted",
    ]


def test_check_as_json(scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    argv = ["design", "check", str(HITORI), "--output", "json"]
    code, out, _ = run([*argv, "--endpoint-url", scenario_world.endpoint], capsys)
    report = json.loads(out)
    assert code == 3 and report["clean"] is False and report["regions_failed"] == []
    assert [m["name"] for m in report["missing"]] == ["hitori-lambda-memory"]
    assert report["drifted"][0]["fields"] == [
        {"field": "threshold", "designed": "3000", "deployed": "5000"}
    ]


def test_scaffold_from_the_demo_world_checks_clean(
    scenario_world: ScenarioWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "scaffold.toml"
    where = ["--endpoint-url", scenario_world.endpoint, "--region", "ap-northeast-1,us-east-1"]
    code, _, err = run(
        ["design", "scaffold", "--prefix", "hitori-", *where, "-o", str(out_file)], capsys
    )
    assert (code, err) == (0, f"wrote {out_file}\n")
    scaffolded = load_design(out_file)
    assert len(scaffolded.events) == 10 and len(scaffolded.composites) == 2
    code, out, _ = run(["design", "check", str(out_file), *where[:2]], capsys)
    assert (code, out) == (0, "12 designed alarms checked: matches the design\n")


def test_file_errors_exit_2_and_a_dead_endpoint_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DESIGN.replace('m_of_n = "3/5"', 'm_of_n = "three"', 1))
    code, out, err = run(["design", "check", str(bad)], capsys)
    assert (code, out) == (2, "")
    assert err == f'montui: {bad}:23: event[1].m_of_n: expected "M/N" such as "3/5", got "three"\n'
    good = tmp_path / "good.toml"
    good.write_text(DESIGN)
    code, out, err = run(
        ["design", "check", str(good), "--endpoint-url", "http://127.0.0.1:9"], capsys
    )
    assert code == 1
    assert "cloudwatch ap-northeast-1: cannot reach 127.0.0.1:9" in err
    assert out.splitlines()[-1] == "not checked: ap-northeast-1 did not answer (see above)"


def test_export_matches_the_golden_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = design_markdown(load_design(HITORI))
    if os.environ.get("MONTUI_UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")
    out_file = tmp_path / "design.md"
    assert run(["design", "export", str(HITORI), "-o", str(out_file)], capsys)[0] == 0
    assert out_file.read_text(encoding="utf-8") == markdown
    code, out, _ = run(["design", "export", str(HITORI)], capsys)
    assert (code, out) == (0, markdown)


def lambda_sum(metric: str, period: int) -> dict[str, Any]:
    """A MetricStat: the Sum of function f's `metric`."""
    dims = [{"Name": "FunctionName", "Value": "f"}]
    where = {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dims}
    return {"Metric": where, "Period": period, "Stat": "Sum"}


def test_scaffold_of_alarms_made_with_boto3_round_trips_and_then_sees_a_change(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alarms as a person makes them: a percentile without DatapointsToAlarm, actions disabled
    and a topic of another region, no dimensions, metric math, an anomaly band, a composite."""
    cw: Any = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=world.endpoint)
    tokyo_topic = "arn:aws:sns:ap-northeast-1:123456789012:far-away"
    lambda_dims = [{"Name": "FunctionName", "Value": "f"}]
    cw.put_metric_alarm(
        AlarmName="cli-p99", Namespace="AWS/Lambda", MetricName="Duration",
        Dimensions=lambda_dims, ExtendedStatistic="p99", Period=300, EvaluationPeriods=2,
        Threshold=0.5, ComparisonOperator="GreaterThanThreshold", ActionsEnabled=False,
        AlarmActions=[tokyo_topic, "arn:aws:sns:us-east-1:123456789012:local"],
    )  # fmt: skip
    cw.put_metric_alarm(
        AlarmName="cli-no-dims", Namespace="Custom", MetricName="Heartbeat", Statistic="Minimum",
        Period=60, EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=1,
        ComparisonOperator="LessThanOrEqualToThreshold", TreatMissingData="breaching",
    )  # fmt: skip
    cw.put_metric_alarm(
        AlarmName="cli-math", EvaluationPeriods=1, Threshold=5,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Metrics=[
            {"Id": "rate", "Expression": "100 * (e / i)", "ReturnData": True},
            {"Id": "e", "ReturnData": False, "MetricStat": lambda_sum("Errors", 60)},
            {"Id": "i", "ReturnData": False, "MetricStat": lambda_sum("Invocations", 60)},
        ],
    )  # fmt: skip
    cw.put_metric_alarm(
        AlarmName="cli-band", EvaluationPeriods=3, ThresholdMetricId="band",
        ComparisonOperator="LessThanLowerOrGreaterThanUpperThreshold",
        Metrics=[
            {"Id": "m", "ReturnData": True, "MetricStat": lambda_sum("Invocations", 300)},
            {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m, 2)", "ReturnData": True},
        ],
    )  # fmt: skip
    cw.put_composite_alarm(AlarmName="cli-any", AlarmRule='ALARM("cli-p99")\n  OR ALARM(cli-math)')
    cw.put_metric_alarm(
        AlarmName="other-system", Namespace="X", MetricName="Y", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    design = tmp_path / "cli.toml"
    where = ["--endpoint-url", world.endpoint, "--region", "us-east-1"]
    scaffold = ["design", "scaffold", "--prefix", "cli-", "--system", "cli", "-o", str(design)]
    assert run([*scaffold, *where], capsys)[0] == 0
    text = design.read_text()
    assert 'exclude = ["cli-band"]' in text and "actions_enabled = false" in text
    assert f'alarm_actions = ["{tokyo_topic}", "local"]' in text
    code, out, _ = run(["design", "check", str(design), *where], capsys)
    assert (code, out) == (0, "4 designed alarms checked: matches the design\n")
    cw.put_metric_alarm(
        AlarmName="cli-no-dims", Namespace="Custom", MetricName="Heartbeat", Statistic="Minimum",
        Period=60, EvaluationPeriods=3, DatapointsToAlarm=3, Threshold=1,
        ComparisonOperator="LessThanOrEqualToThreshold", TreatMissingData="breaching",
    )  # fmt: skip
    code, out, _ = run(["design", "check", str(design), *where], capsys)
    assert code == 3
    assert out.splitlines()[:2] == [
        "drifted  cli-no-dims  us-east-1:",
        "           m_of_n: designed 2/3, deployed 3/3",
    ]
