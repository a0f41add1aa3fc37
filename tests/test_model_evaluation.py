"""CloudWatch metric alarm evaluation: the user guide's tables, M of N, reasons, replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from montui.model.alarm import Alarm, AlarmKind, AlarmState
from montui.model.evaluation import (
    AlarmSettings,
    Episode,
    Evaluation,
    decide,
    evaluate_at,
    is_breaching,
    replay,
)
from montui.model.evaluation_reason import java_double

ALARM, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
T0 = datetime(2021, 11, 26, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def series(pattern: str, start: datetime = T0, step: timedelta = MINUTE) -> dict[datetime, float]:
    """`0 - X`: 0 is 1.0 (under 10), X is 12.0, 13.0, ... (over 10), - is missing."""
    out = {}
    for i, mark in enumerate(pattern.split()):
        if mark == "X":
            out[start + i * step] = 12.0 + i
        elif mark == "0":
            out[start + i * step] = 1.0
    return out


def alarm_settings(
    m: int, n: int, treat: str = "missing", comparison: str = "GreaterThanThreshold"
) -> AlarmSettings:
    return AlarmSettings(10.0, comparison, 60, n, m, treat)


def at_end(pattern: str) -> datetime:
    return T0 + len(pattern.split()) * MINUTE


# --- the user guide's tables: R = 5, N = 3, oldest on the left ---

KEEP = None  # "Retain current state"
TABLE = [
    # M, datapoints, fills (latest edition), MISSING, IGNORE, BREACHING, NOT BREACHING
    (3, "0 - X - X", 0, OK, OK, OK, OK),
    (3, "0 - - - -", 2, OK, OK, OK, OK),
    (3, "- - - - -", 3, NODATA, KEEP, ALARM, OK),
    (3, "0 X X - X", 0, ALARM, ALARM, ALARM, ALARM),
    (3, "- - X - -", 2, ALARM, KEEP, ALARM, OK),
    (3, "- - - - X", 2, NODATA, KEEP, ALARM, OK),  # earlier edition of the guide
    (3, "X - - - -", 2, ALARM, KEEP, ALARM, OK),  # earlier edition of the guide
    (2, "0 - X - X", 0, ALARM, ALARM, ALARM, ALARM),
    (2, "0 0 X 0 X", 0, ALARM, ALARM, ALARM, ALARM),
    (2, "0 - X - -", 1, OK, OK, ALARM, OK),
    (2, "- - - - 0", 2, OK, OK, ALARM, OK),
    (2, "- - - X -", 2, ALARM, KEEP, ALARM, OK),
    (2, "- - - - X", 2, NODATA, KEEP, ALARM, OK),  # earlier edition of the guide
]
MODES = ("missing", "ignore", "breaching", "notBreaching")


@pytest.mark.parametrize(("m", "pattern", "fills", *MODES), TABLE)
@pytest.mark.parametrize("previous", [OK, ALARM, NODATA])
def test_user_guide_missing_data_table(
    m: int,
    pattern: str,
    fills: int,
    missing: AlarmState,
    ignore: AlarmState | None,
    breaching: AlarmState,
    notBreaching: AlarmState,  # the column as AWS names the mode
    previous: AlarmState,
) -> None:
    expected = dict(zip(MODES, (missing, ignore, breaching, notBreaching), strict=True))
    for mode, state in expected.items():
        evaluation = evaluate_at(
            alarm_settings(m, 3, mode), series(pattern), at_end(pattern), previous
        )
        assert evaluation.state is (previous if state is KEEP else state), mode
        assert len(evaluation.datapoints) == 3
        assert evaluation.breaching.count(None) == fills


def test_range_is_n_plus_two_and_older_data_falls_out() -> None:
    """Row 2 of the guide: `0 - - - -` is OK even treating missing as breaching; one period
    later the non-breaching datapoint has left the range and the alarm goes to ALARM."""
    points = series("0")
    s = alarm_settings(3, 3, "breaching")
    assert evaluate_at(s, points, T0 + 5 * MINUTE, OK).state is OK
    assert evaluate_at(s, points, T0 + 6 * MINUTE, OK).state is ALARM
    wide = AlarmSettings(10.0, "GreaterThanThreshold", 60, 3, 3, "breaching", evaluation_range=6)
    assert evaluate_at(wide, points, T0 + 6 * MINUTE, OK).state is OK


def test_skips_gaps_when_enough_real_datapoints() -> None:
    evaluation = evaluate_at(alarm_settings(3, 3), series("X X - - X"), at_end("X X - - X"), OK)
    assert evaluation.state is ALARM
    assert [p.timestamp for p in evaluation.datapoints] == [T0, T0 + MINUTE, T0 + 4 * MINUTE]


# --- M of N ---


@pytest.mark.parametrize(
    ("m", "n", "pattern", "expected"),
    [
        (3, 3, "X X X", ALARM),  # M = N
        (3, 3, "X 0 X", OK),
        (1, 1, "X", ALARM),  # M = N = 1
        (1, 1, "0", OK),
        (1, 5, "0 0 X 0 0", ALARM),  # M = 1
        (1, 5, "0 0 0 0 0", OK),
        (3, 5, "X 0 X 0 X", ALARM),  # exactly M, not consecutive
        (3, 5, "X 0 0 0 X", OK),  # M - 1
        (3, 5, "X X X X X", ALARM),
        (3, 5, "X X X 0 0 0 0 0", OK),  # older breaches left the last N
    ],
)
def test_m_of_n(m: int, n: int, pattern: str, expected: AlarmState) -> None:
    assert evaluate_at(alarm_settings(m, n), series(pattern), at_end(pattern), NODATA).state is (
        expected
    )


@pytest.mark.parametrize(
    ("comparison", "below", "equal", "above"),
    [
        ("GreaterThanThreshold", False, False, True),
        ("GreaterThanOrEqualToThreshold", False, True, True),
        ("LessThanThreshold", True, False, False),
        ("LessThanOrEqualToThreshold", True, True, False),
    ],
)
def test_static_operators(comparison: str, below: bool, equal: bool, above: bool) -> None:
    s = alarm_settings(1, 1, comparison=comparison)
    assert [is_breaching(v, s) for v in (9.999, 10.0, 10.001)] == [below, equal, above]


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [
        ("LessThanLowerOrGreaterThanUpperThreshold", [True, False, False, False, True]),
        ("LessThanLowerThreshold", [True, False, False, False, False]),
        ("GreaterThanUpperThreshold", [False, False, False, False, True]),
    ],
)
def test_band_operators(comparison: str, expected: list[bool]) -> None:
    s = alarm_settings(1, 1, comparison=comparison)
    values = (4.0, 5.0, 10.0, 15.0, 16.0)  # band edges are inside the band
    assert [is_breaching(v, s, (5.0, 15.0)) for v in values] == expected
    with pytest.raises(ValueError, match="band"):
        is_breaching(10.0, s)
    with pytest.raises(ValueError, match="band"):
        evaluate_at(s, {T0: 1.0}, T0 + MINUTE, OK)


def test_band_alarm_evaluation_and_reason() -> None:
    s = AlarmSettings(0.0, "GreaterThanUpperThreshold", 60, 2, 2)
    points = {T0: 20.0, T0 + MINUTE: 30.0, T0 + 2 * MINUTE: 40.0}
    bands = {T0 + MINUTE: (0.0, 25.0), T0 + 2 * MINUTE: (0.0, 35.0)}  # none for T0: missing
    evaluation = evaluate_at(s, points, T0 + 3 * MINUTE, OK, bands=bands)
    assert evaluation.state is ALARM
    assert evaluation.recent == (30.0, 40.0)
    assert evaluation.reason == (
        "Thresholds Crossed: 2 out of the last 2 datapoints [40.0 (26/11/21 03:02:00), "
        "30.0 (26/11/21 03:01:00)] were greater than the upper thresholds [35.0, 25.0] "
        "(minimum 2 datapoints for OK -> ALARM transition)."
    )
    assert "threshold" not in evaluation.reason_data


# --- timing: which periods an evaluation sees ---


def test_sees_periods_that_ended_by_at() -> None:
    s = alarm_settings(1, 1)
    points = {T0: 1.0, T0 + MINUTE: 50.0}
    assert evaluate_at(s, points, T0 + MINUTE, OK).state is OK  # 03:01 still running
    assert evaluate_at(s, points, T0 + 2 * MINUTE, OK).state is ALARM
    assert evaluate_at(s, points, T0 + 2 * MINUTE + timedelta(seconds=59), OK).state is ALARM


def test_naive_datetimes_are_utc() -> None:
    naive = {k.replace(tzinfo=None): v for k, v in series("X X X").items()}
    at = at_end("X X X").replace(tzinfo=None)
    evaluation = evaluate_at(alarm_settings(3, 3), naive, at, OK)
    assert evaluation.state is ALARM
    assert evaluation.datapoints[0].timestamp == T0.replace(tzinfo=None)


def test_keys_off_the_period_grid_are_refused() -> None:
    with pytest.raises(ValueError, match="not the start of a 60-second period"):
        evaluate_at(alarm_settings(1, 1), {T0 + timedelta(seconds=30): 1.0}, T0 + MINUTE, OK)


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="ComparisonOperator"):
        AlarmSettings(1.0, "Above", 60, 1, 1)
    with pytest.raises(ValueError, match="TreatMissingData"):
        AlarmSettings(1.0, "GreaterThanThreshold", 60, 1, 1, "zero")
    with pytest.raises(ValueError, match="DatapointsToAlarm"):
        AlarmSettings(1.0, "GreaterThanThreshold", 60, 3, 4)
    with pytest.raises(ValueError, match="Period"):
        AlarmSettings(1.0, "GreaterThanThreshold", 0, 1, 1)


def test_settings_from_alarm() -> None:
    alarm = Alarm(
        name="errors",
        region="us-east-1",
        kind=AlarmKind.METRIC,
        state=OK,
        state_updated=T0,
        statistic="Sum",
        period=60,
        evaluation_periods=5,
        threshold=1.0,
        comparison="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
    )
    assert AlarmSettings.from_alarm(alarm) == AlarmSettings(
        1.0, "GreaterThanOrEqualToThreshold", 60, 5, 5, "notBreaching", "Sum"
    )
    composite = Alarm("c", "us-east-1", AlarmKind.COMPOSITE, OK, T0, alarm_rule="TRUE")
    assert AlarmSettings.from_alarm(composite) is None


# --- reasons, in AWS's words ---


def test_reason_for_alarm_matches_aws() -> None:
    pattern = "0 0 X X 0 X"  # values 12.0+i: 14.0, 15.0, 17.0 breach
    evaluation = evaluate_at(alarm_settings(3, 5), series(pattern), at_end(pattern), OK)
    assert evaluation.state is ALARM
    assert evaluation.reason == (
        "Threshold Crossed: 3 out of the last 5 datapoints [17.0 (26/11/21 03:05:00), "
        "15.0 (26/11/21 03:03:00), 14.0 (26/11/21 03:02:00)] were greater than the threshold "
        "(10.0) (minimum 3 datapoints for OK -> ALARM transition)."
    )


def test_reason_for_ok_lists_non_breaching_and_the_ok_minimum() -> None:
    pattern = "X X 0 X 0"
    evaluation = evaluate_at(alarm_settings(4, 5), series(pattern), at_end(pattern), ALARM)
    assert evaluation.state is OK
    assert evaluation.reason == (
        "Threshold Crossed: 2 out of the last 5 datapoints [1.0 (26/11/21 03:04:00), "
        "1.0 (26/11/21 03:02:00)] were not greater than the threshold (10.0) "
        "(minimum 2 datapoints for ALARM -> OK transition)."
    )


def test_reason_singular() -> None:
    evaluation = evaluate_at(alarm_settings(1, 1), series("X"), at_end("X"), OK)
    assert evaluation.reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [12.0 (26/11/21 03:00:00)] was "
        "greater than the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition)."
    )


@pytest.mark.parametrize(
    ("treat", "previous", "reason"),
    [
        ("missing", OK, "Insufficient Data: 3 datapoints were unknown."),
        (
            "breaching",
            OK,
            "Threshold Crossed: no datapoints were received for 3 periods and "
            "3 missing datapoints were treated as [Breaching].",
        ),
        (
            "notBreaching",
            ALARM,
            "Threshold Crossed: no datapoints were received for 3 periods and "
            "3 missing datapoints were treated as [NonBreaching].",
        ),
        (
            "ignore",
            ALARM,
            "Unchanged: 3 of the last 3 datapoints were missing and missing data is "
            "ignored, so the alarm stays ALARM.",
        ),
    ],
)
def test_reason_when_nothing_arrived(treat: str, previous: AlarmState, reason: str) -> None:
    evaluation = evaluate_at(alarm_settings(2, 3, treat), {}, T0, previous)
    assert evaluation.reason == reason


def test_reason_with_filled_gaps() -> None:
    pattern = "- - - X -"
    evaluation = evaluate_at(
        alarm_settings(3, 3, "breaching"), series(pattern), at_end(pattern), OK
    )
    assert evaluation.reason == (
        "Threshold Crossed: 1 out of the last 3 datapoints [15.0 (26/11/21 03:03:00)] was "
        "greater than the threshold (10.0) and 2 missing datapoints were treated as [Breaching] "
        "(minimum 3 datapoints for OK -> ALARM transition)."
    )


def test_reason_data_shape() -> None:
    pattern = "X - X X"
    evaluation = evaluate_at(
        alarm_settings(2, 3), series(pattern), at_end(pattern) + 5 * 1e-3 * MINUTE, OK
    )
    data = evaluation.reason_data
    assert list(data) == [
        "version", "queryDate", "startDate", "statistic", "period",
        "recentDatapoints", "threshold", "evaluatedDatapoints",
    ]  # fmt: skip
    assert data["version"] == "1.0"
    assert data["queryDate"] == "2021-11-26T03:04:00.300+0000"
    assert data["startDate"] == "2021-11-26T02:59:00.000+0000"
    assert data["recentDatapoints"] == [12.0, 14.0, 15.0]
    assert data["evaluatedDatapoints"] == [
        {"timestamp": "2021-11-26T03:03:00.000+0000", "value": 15.0},
        {"timestamp": "2021-11-26T03:02:00.000+0000", "value": 14.0},
        {"timestamp": "2021-11-26T03:00:00.000+0000", "value": 12.0},
    ]
    assert json.loads(evaluation.reason_json) == data
    assert '"version":"1.0"' in evaluation.reason_json
    gap = evaluate_at(alarm_settings(2, 3), series("X"), T0 + 2 * MINUTE, OK).reason_data
    assert {"timestamp": "2021-11-26T03:01:00.000+0000"} in gap["evaluatedDatapoints"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12.0"),
        (0.5, "0.5"),
        (0.001, "0.001"),
        (1234567.0, "1234567.0"),
        (1e7, "1.0E7"),
        (12345678.0, "1.2345678E7"),
        (1e-4, "1.0E-4"),
        (-2.5e-5, "-2.5E-5"),
        (0.0, "0.0"),
        (float("inf"), "Infinity"),
    ],
)
def test_java_double(value: float, text: str) -> None:
    assert java_double(value) == text


# --- the state over time ---


def test_ignore_keeps_any_state_while_data_is_missing() -> None:
    for previous in AlarmState:
        assert evaluate_at(alarm_settings(1, 1, "ignore"), {}, T0, previous).state is previous


def test_stream_stopping_reevaluates_the_last_datapoints_then_goes_insufficient() -> None:
    """The guide's note: after a metric stops, the last datapoints are evaluated again for a
    while (they are still in the range); then, with `missing`, INSUFFICIENT_DATA."""
    s = alarm_settings(3, 3)
    points = series("X X X")
    states = [evaluate_at(s, points, T0 + k * MINUTE, OK).state for k in range(3, 10)]
    assert states == [ALARM, ALARM, ALARM, ALARM, ALARM, NODATA, NODATA]


def test_replay_episode_and_time_in_alarm() -> None:
    pattern = " ".join(["0"] * 10 + ["X"] * 5 + ["0"] * 10)  # breaches 03:10-03:14
    result = replay(alarm_settings(3, 3), series(pattern), T0, T0 + 25 * MINUTE)
    assert [(at - T0, state) for at, state, _ in result.transitions] == [
        (1 * MINUTE, OK),  # the first datapoint, not breaching
        (13 * MINUTE, ALARM),  # 03:10, 03:11, 03:12 breached
        (16 * MINUTE, OK),  # 03:15 did not
    ]
    assert result.episodes == (Episode(T0 + 13 * MINUTE, T0 + 16 * MINUTE),)
    assert result.time_in_alarm == 3 * MINUTE
    at, _, evaluation = result.transitions[1]
    assert evaluation == evaluate_at(alarm_settings(3, 3), series(pattern), at, OK)
    assert evaluation.reason.startswith("Threshold Crossed: 3 out of the last 3 datapoints")


def test_replay_open_episode_and_initial_alarm() -> None:
    points = series("X X X X")
    start = T0 + MINUTE
    result = replay(alarm_settings(1, 1), points, start, T0 + 4 * MINUTE, initial=ALARM)
    assert result.transitions == ()
    assert result.episodes == (Episode(start, None),)
    assert result.time_in_alarm == 3 * MINUTE


def test_daily_spike_is_one_episode_a_day() -> None:
    """Flapping by design: 10 breaching minutes at noon every day for a week."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    points = {}
    for minute in range(7 * 1440):
        points[start + minute * MINUTE] = 95.0 if 720 <= minute % 1440 < 730 else 40.0
    s = AlarmSettings(90.0, "GreaterThanOrEqualToThreshold", 60, 3, 3)
    result = replay(s, points, start, start + timedelta(days=7), initial=OK)
    assert len(result.episodes) == 7
    for day, episode in enumerate(result.episodes):
        noon = start + timedelta(days=day, hours=12)
        assert episode == Episode(noon + 3 * MINUTE, noon + 11 * MINUTE)
    assert result.time_in_alarm == 7 * 8 * MINUTE


def test_replay_refuses_a_backwards_span() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        replay(alarm_settings(1, 1), {}, T0, T0 - MINUTE)


def test_replay_bands() -> None:
    s = AlarmSettings(0.0, "LessThanLowerOrGreaterThanUpperThreshold", 60, 1, 1)
    points = {T0 + i * MINUTE: v for i, v in enumerate([5.0, 50.0, 5.0])}
    bands = {T0 + i * MINUTE: (0.0, 10.0) for i in range(3)}
    result = replay(s, points, T0, T0 + 3 * MINUTE, bands=bands)
    assert [state for _, state, _ in result.transitions] == [OK, ALARM, OK]


# --- replay is evaluate_at, period by period ---

_marks = st.lists(st.sampled_from(["X", "0", "-", "-"]), min_size=0, max_size=40)


@st.composite
def _alarm_settings(draw: st.DrawFn) -> AlarmSettings:
    n = draw(st.integers(1, 6))
    return AlarmSettings(
        10.0,
        draw(st.sampled_from(["GreaterThanThreshold", "LessThanOrEqualToThreshold"])),
        60,
        n,
        draw(st.integers(1, n)),
        draw(st.sampled_from(MODES)),
        evaluation_range=draw(st.none() | st.integers(n, n + 4)),
    )


@settings(max_examples=300, deadline=None)
@given(_alarm_settings(), _marks, st.sampled_from(list(AlarmState)), st.integers(0, 59))
def test_replay_equals_evaluate_at_step_by_step(
    s: AlarmSettings, marks: list[str], initial: AlarmState, offset: int
) -> None:
    points = series(" ".join(marks) or "-")
    start = T0 + timedelta(seconds=offset)  # not on a boundary: the first is the next one
    end = T0 + (len(marks) + 3) * MINUTE
    result = replay(s, points, start, end, initial)

    state, expected = initial, []
    at = T0 + (MINUTE if offset else timedelta())
    while at <= end:
        evaluation = evaluate_at(s, points, at, state)
        if evaluation.state is not state:
            expected.append((at, evaluation.state, evaluation))
        state = evaluation.state
        at += MINUTE
    assert list(result.transitions) == expected
    assert all(isinstance(e, Evaluation) and e.reason for _, _, e in result.transitions)


@given(st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=12), st.data())
def test_decide_counts(window: list[bool | None], data: st.DataObject) -> None:
    """With no gap in the newest N, the state is just "at least M of the last N breach"."""
    n = data.draw(st.integers(1, len(window)))
    m = data.draw(st.integers(1, n))
    if None not in window[-n:]:
        expected = ALARM if sum(1 for f in window[-n:] if f) >= m else OK
        for treat in MODES:
            assert decide(window, m, n, treat, NODATA) is expected
