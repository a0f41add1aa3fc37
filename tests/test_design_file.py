"""The design file's schema: the worked example loads; each kind of mistake is reported with
`file:line`, the key and what was expected, all of them at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from montui.design_file import DesignFileError, load_design, parse_design
from montui.model.design import Design

HITORI = Path(__file__).parent.parent / "config" / "design" / "hitori.toml"

GOOD = """\
[system]
name = "shop"
purpose = "take orders"
region = "eu-west-1"

[[flow]]
id = 1
name = "browser → ALB"

[[event]]
flow = 1
event = "errors"
response = "act now"
alarm = "shop-5xx"
namespace = "AWS/ApplicationELB"
metric = "HTTPCode_Target_5XX_Count"
dimensions = { LoadBalancer = "app/shop/1" }
statistic = "Sum"
period = "1m"
comparison = ">="
threshold = 5
m_of_n = "3/5"
"""


def problems(text: str, name: str = "d.toml") -> list[str]:
    with pytest.raises(DesignFileError) as info:
        parse_design(text, Path(name))
    return [str(p) for p in info.value.problems]


def test_the_worked_example_loads_with_every_part_of_the_seeds() -> None:
    design = load_design(HITORI)
    assert isinstance(design, Design)
    assert design.system == "hitori-infra" and design.scope == "hitori-"
    assert [f.id for f in design.flows] == ["1", "2", "3", "4", "5"]
    assert len(design.events) == 11 and len(design.composites) == 2
    assert {s.flow for s in design.not_monitored} == {"1", "2", "3", "4"}
    assert {p.name for p in design.parameters} >= {"throttling", "timeout", "memory"}
    p95 = next(e.alarm for e in design.events if e.alarm.name == "hitori-lambda-duration-p95")
    assert (p95.statistic, p95.threshold, p95.m_of_n, p95.period) == ("p95", 3000.0, "3/5", 60)
    assert p95.comparison == "GreaterThanOrEqualToThreshold"
    assert p95.alarm_actions == ("hitori-infra-ticket",) and p95.ok_actions == ()
    rate = next(e.alarm for e in design.events if e.alarm.name == "hitori-lambda-error-rate")
    assert rate.expression == "100*(errors/invocations)"
    assert [i.id for i in rate.inputs] == ["errors", "invocations"]
    status = design.events[0].alarm
    assert (status.region, status.missing_data, status.operator) == ("us-east-1", "breaching", "<")
    assert design.regions == ("ap-northeast-1", "us-east-1")


def test_a_good_minimal_design_loads() -> None:
    design = parse_design(GOOD, Path("d.toml"))
    alarm = design.alarms[0]
    assert alarm.key == ("eu-west-1", "shop-5xx") and alarm.line == 10
    assert alarm.missing_data == "missing" and alarm.actions_enabled


def test_bad_values_name_the_line_the_key_and_what_was_expected() -> None:
    text = (
        GOOD.replace('m_of_n = "3/5"', 'm_of_n = "5/3"')
        .replace('comparison = ">="', 'comparison = "=>"')
        .replace('period = "1m"', "period = 45")
        .replace('response = "act now"', 'response = "page me"')
    )
    assert problems(text) == [
        'd.toml:13: event[1].response: expected one of "act now", "next business day", '
        '"know, no action", "record only", got "page me"',
        "d.toml:22: event[1].m_of_n: expected 1 ≤ M ≤ N (M breaching of the last N), got '5/3'",
        'd.toml:19: event[1].period: expected seconds (60) or a duration ("1m"), a multiple '
        "of 60 or 10, 20, 30, got 45",
        'd.toml:20: event[1].comparison: expected one of ">=", ">", "<", "<=", got "=>"',
    ]


def test_unknown_keys_missing_keys_and_unknown_flows() -> None:
    text = GOOD.replace("threshold = 5", "treshold = 5")
    found = problems(text.replace("flow = 1\nevent", "flow = 2\nevent"))
    assert len(found) == 3
    assert found[0].startswith(
        "d.toml:21: event[1].treshold: unknown key (expected one of: actions_enabled, alarm,"
    )
    assert found[1:] == [
        "d.toml:11: event[1].flow: no [[flow]] has id 2 (the flows: 1)",
        "d.toml:10: event[1].threshold: expected a number, got nothing",
    ]


def test_missing_system_name_and_a_statistic_cloudwatch_does_not_have() -> None:
    text = GOOD.replace('name = "shop"\n', "").replace('"Sum"', '"Total"')
    assert problems(text) == [
        "d.toml:1: system.name: missing: expected a string",
        "d.toml:17: event[1].statistic: expected one of SampleCount, Average, Sum, Minimum, "
        "Maximum or a percentile like p95, got 'Total'",
    ]


@pytest.mark.parametrize("good", ["p95", "p99.9", "tm90", "TM(10%:90%)", "PR(:300)", "IQM", "Sum"])
def test_extended_statistics_cloudwatch_knows(good: str) -> None:
    parse_design(GOOD.replace('"Sum"', f'"{good}"'), Path("d.toml"))


@pytest.mark.parametrize("bad", ["pizza", "p", "p100x", "Total", "tm"])
def test_statistics_cloudwatch_does_not_know(bad: str) -> None:
    (problem,) = problems(GOOD.replace('"Sum"', f'"{bad}"'))
    assert problem.startswith("d.toml:18: event[1].statistic: expected one of SampleCount")


def test_the_same_alarm_twice_names_the_first_line() -> None:
    second = GOOD[GOOD.index("[[event]]") :]
    assert problems(GOOD + "\n" + second) == [
        "d.toml:28: event[2].alarm: alarm 'shop-5xx' in eu-west-1 is already designed at line 10"
    ]


def test_toml_syntax_errors_and_unreadable_files(tmp_path: Path) -> None:
    assert problems('[system]\nname = "x\n') == [
        "d.toml:2: TOML syntax error: illegal character '\\n' (column 10)"
    ]
    with pytest.raises(DesignFileError) as info:
        load_design(tmp_path / "nope.toml")
    assert str(info.value).endswith("nope.toml: cannot read the design: No such file or directory")
