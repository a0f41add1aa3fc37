"""Unit tests of the pure board logic: wording, order, filter, durations, region codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.alarm import (
    Alarm,
    AlarmKind,
    AlarmState,
    MetricQuery,
    MetricRef,
    condition_summary,
    format_threshold,
)
from montui.model.board import (
    RegionStatus,
    board_order,
    filter_alarms,
    state_counts,
)
from montui.model.duration import format_age, format_period, parse_duration
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern, meta_for
from montui.model.region import region_code
from tests.fakes import NOW, make_alarm


def test_condition_in_the_engineers_words() -> None:
    alarm = make_alarm("x")
    assert condition_summary(alarm) == "Sum > 10 · 3 of 5 × 1m"


def test_condition_for_percentile_and_band_and_math() -> None:
    p95 = Alarm(
        "p95", "us-east-1", AlarmKind.METRIC, AlarmState.OK, NOW,
        metric=MetricRef("AWS/Lambda", "Duration"), extended_statistic="p95", period=300,
        evaluation_periods=5, datapoints_to_alarm=3, threshold=3000.0,
        comparison="GreaterThanOrEqualToThreshold",
    )  # fmt: skip
    assert condition_summary(p95) == "p95 >= 3000 · 3 of 5 × 5m"
    math = Alarm(
        "rate", "us-east-1", AlarmKind.METRIC, AlarmState.ALARM, NOW,
        metrics=(
            MetricQuery("e", metric=MetricRef("AWS/Lambda", "Errors"), stat="Sum", period=60),
            MetricQuery("rate", expression="e / i * 100", return_data=True),
        ),
        evaluation_periods=1, threshold=10.0, comparison="GreaterThanOrEqualToThreshold",
    )  # fmt: skip
    assert condition_summary(math) == "math >= 10 · 1 of 1 × 1m"
    assert math.watches() == "math: e / i * 100"
    band = Alarm(
        "band", "us-east-1", AlarmKind.METRIC, AlarmState.OK, NOW,
        metric=MetricRef("AWS/EC2", "CPUUtilization"), statistic="Average", period=60,
        evaluation_periods=3, comparison="LessThanLowerOrGreaterThanUpperThreshold",
        threshold_metric_id="ad1",
    )  # fmt: skip
    assert condition_summary(band) == "Avg outside band ad1 · 3 of 3 × 1m"


def test_watches_names_namespace_metric_dimensions_and_composite_rule() -> None:
    assert make_alarm("x").watches() == "AWS/Lambda Errors FunctionName=contact-form"
    composite = make_alarm("c", rule='ALARM("a") OR\n  ALARM("b")')
    assert composite.watches() == 'composite: ALARM("a") OR ALARM("b")'


@pytest.mark.parametrize(
    ("value", "text"), [(10.0, "10"), (0.05, "0.05"), (1234567.0, "1234567"), (None, "?")]
)
def test_format_threshold(value: float | None, text: str) -> None:
    assert format_threshold(value) == text


def test_board_order_state_then_most_recent_transition() -> None:
    alarms = [
        make_alarm("ok-old", AlarmState.OK, minutes_ago=100),
        make_alarm("alarm-old", AlarmState.ALARM, minutes_ago=50),
        make_alarm("nodata", AlarmState.INSUFFICIENT_DATA, minutes_ago=1),
        make_alarm("alarm-new", AlarmState.ALARM, minutes_ago=2),
        make_alarm("ok-new", AlarmState.OK, minutes_ago=1),
    ]
    assert [a.name for a in board_order(alarms)] == [
        "alarm-new", "alarm-old", "nodata", "ok-new", "ok-old",
    ]  # fmt: skip


def test_filter_words_all_match_case_insensitive_and_by_state() -> None:
    alarms = [
        make_alarm("Shop-API", AlarmState.ALARM, dims=(("ApiName", "orders"),)),
        make_alarm("shop-db", AlarmState.OK, namespace="AWS/RDS"),
        make_alarm("web", AlarmState.OK, reason="Threshold Crossed: 5xx spike"),
    ]
    assert [a.name for a in filter_alarms(alarms, "shop ORDERS")] == ["Shop-API"]
    assert [a.name for a in filter_alarms(alarms, "aws/rds")] == ["shop-db"]
    assert [a.name for a in filter_alarms(alarms, "5xx")] == ["web"]
    only_ok = filter_alarms(alarms, "shop", frozenset({AlarmState.OK}))
    assert [a.name for a in only_ok] == ["shop-db"]
    assert state_counts(alarms) == {
        AlarmState.ALARM: 1, AlarmState.INSUFFICIENT_DATA: 0, AlarmState.OK: 2,
    }  # fmt: skip


def test_region_status_keeps_last_good_alarms_on_failure() -> None:
    ok = RegionStatus("us-east-1").succeeded((make_alarm("a"),), NOW)
    failed = ok.failed("cannot reach").failed("cannot reach")
    assert failed.alarms == ok.alarms and failed.fetched_at == NOW
    assert failed.failures == 2 and failed.error == "cannot reach"
    assert failed.age(NOW + timedelta(seconds=90)) == 90
    recovered = failed.succeeded((), NOW)
    assert recovered.error is None and recovered.failures == 0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("30s", 30), ("15m", 900), ("1h30m", 5400), ("2d", 172800), ("1w", 604800)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "fast", "15x", "m15", "-5m", "1.5h"])
def test_parse_duration_rejects_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@given(st.integers(0, 10**6), st.sampled_from(["s", "m", "h", "d", "w"]))
def test_parse_duration_round_trips_units(n: int, unit: str) -> None:
    size = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    assert parse_duration(f"{n}{unit}") == n * size


@given(st.floats(-1e3, 1e8))
def test_format_age_is_short_and_never_negative(seconds: float) -> None:
    text = format_age(seconds)
    assert len(text) <= 5 and not text.startswith("-")


def test_format_age_and_period() -> None:
    assert [format_age(s) for s in (5, 125, 7200, 90000, 86400 * 30)] == [
        "5s", "2m", "2h", "1d", "4w",
    ]  # fmt: skip
    assert [format_period(p) for p in (10, 60, 90, 300, 3600, 86400)] == [
        "10s", "1m", "90s", "5m", "1h", "1d",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("ap-northeast-1", "apne1"),
        ("us-east-1", "use1"),
        ("eu-west-2", "euw2"),
        ("ap-southeast-2", "apse2"),
        ("eu-central-1", "euc1"),
        ("us-gov-west-1", "usgw1"),
        ("weird", "weird"),
    ],
)
def test_region_code(region: str, code: str) -> None:
    assert region_code(region) == code


def test_meta_rules_merge_field_by_field_first_wins() -> None:
    rules = (
        MetaRule("contact-form-*", AlarmMeta(ResponsePattern.ACT_NOW, None, "https://rb/cf")),
        MetaRule("*", AlarmMeta(ResponsePattern.KNOW_ONLY, "platform", None)),
        MetaRule("shop-*", AlarmMeta(None, "shop-team", None), region="us-east-1"),
    )
    cf = meta_for("contact-form-errors", "ap-northeast-1", rules)
    assert cf == AlarmMeta(ResponsePattern.ACT_NOW, "platform", "https://rb/cf")
    shop = meta_for("shop-db", "us-east-1", rules)
    assert shop.owner == "platform" and shop.response is ResponsePattern.KNOW_ONLY
    assert meta_for("x", "eu-west-1", ()).is_empty()
