"""parse_time_range, TimeRange and format_time_range_input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.metrics import TimeWindow
from montui.model.time_range import TimeRange, format_time_range_input, parse_time_range

NOW = datetime(2026, 11, 21, 5, 0, 30, tzinfo=UTC)
JST = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def parse(text: str, tz: timezone | ZoneInfo = UTC) -> TimeRange:
    return parse_time_range(text, now=NOW, tz=tz)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("3h", 10800), ("2d", 172800), ("1w", 604800),
     ("1h30m", 5400), (" 15M ", 900), ("last 15m", 900), ("1h 30m", 5400)],
)  # fmt: skip
def test_relative(text: str, seconds: int) -> None:
    r = parse(text)
    assert r == TimeRange(relative=seconds)
    assert r.window(NOW) == TimeWindow(NOW - timedelta(seconds=seconds), NOW)


def test_absolute_forms_agree() -> None:
    expected = TimeRange(
        None, datetime(2026, 11, 21, 3, 0, tzinfo=UTC), datetime(2026, 11, 21, 4, 30, tzinfo=UTC)
    )
    for text in (
        "2026-11-21T03:00/2026-11-21T04:30",
        "2026-11-21T03:00..2026-11-21T04:30",
        "2026-11-21 03:00:00 to 2026-11-21 04:30:00",
        "2026-11-21T03:00Z / 2026-11-21T04:30Z",
        "2026-11-21T12:00+09:00/2026-11-21T13:30+09:00",
        "2026-11-21 03:00 TO 2026-11-21 04:30",
    ):
        assert parse(text) == expected, text


def test_naive_times_are_in_the_ui_zone_and_offsets_win() -> None:
    r = parse("2026-11-21T12:00/2026-11-21T13:30", JST)
    assert r.start == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert r.end == datetime(2026, 11, 21, 4, 30, tzinfo=UTC)
    r = parse("2026-11-21T03:00Z/2026-11-21T04:30Z", JST)
    assert r.start == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def test_single_datetime_runs_until_now() -> None:
    r = parse("2026-11-21T03:00")
    assert r.window(NOW) == TimeWindow(datetime(2026, 11, 21, 3, 0, tzinfo=UTC), NOW)
    assert parse("2026-11-21T03:00/now") == r


def test_absolute_window_ignores_now() -> None:
    r = parse("2026-11-21T03:00/2026-11-21T04:30")
    assert r.window(NOW) == r.window(NOW + timedelta(days=3))
    assert r.window(NOW).start.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "enter a time range"),
        ("   ", "enter a time range"),
        ("15x", "unknown unit 'x'"),
        ("3 years", "unknown unit 'years'"),
        ("90", "needs a unit"),
        ("0m", "longer than zero"),
        ("400d", "longer than 366 days"),
        ("yesterday", "not a date and time"),
        ("2026-13-01T00:00", "not a date and time"),
        ("2026-11-21T04:30/2026-11-21T03:00", "not after the start"),
        ("2026-11-21T03:00/2026-11-21T03:00", "not after the start"),
        ("2026-11-22T03:00", "in the future"),
        ("2024-01-01T00:00/2026-11-21T00:00", "at most 366 days"),
        ("2026-11-21T03:00/2026-11-21T04:00/2026-11-21T05:00", "not a time range"),
        ("2026-11-21T03:00/", "not a time range"),
    ],
)
def test_errors_say_what_to_type(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as err:
        parse(text)
    message = str(err.value)
    assert fragment in message
    # Every message carries an example the user can type instead.
    assert "e.g." in message or "use e.g." in message


def test_error_example_is_in_the_ui_zone() -> None:
    with pytest.raises(ValueError, match=r"2026-11-21T13:00/2026-11-21T14:00"):
        parse_time_range("", now=NOW, tz=JST)


def test_describe_relative() -> None:
    assert TimeRange(relative=900).describe(UTC) == "last 15m"
    assert TimeRange(relative=86400 * 2).describe(JST) == "last 2d"


def test_describe_absolute() -> None:
    r = parse("2026-11-21T03:00/2026-11-21T04:30")
    assert r.describe(UTC) == "2026-11-21 03:00 → 04:30 UTC"
    assert r.describe(JST) == "2026-11-21 12:00 → 13:30 JST"
    assert r.describe(timezone(timedelta(hours=-5))) == "2026-11-20 22:00 → 23:30 -05:00"
    across = parse("2026-11-20T23:00/2026-11-21T01:15:30")
    assert across.describe(UTC) == "2026-11-20 23:00:00 → 2026-11-21 01:15:30 UTC"


def test_constructor_rejects_half_ranges() -> None:
    with pytest.raises(ValueError):
        TimeRange()
    with pytest.raises(ValueError):
        TimeRange(relative=0)
    with pytest.raises(ValueError):
        TimeRange(relative=60, start=NOW, end=NOW)
    with pytest.raises(ValueError):
        TimeRange(None, datetime(2026, 1, 1), datetime(2026, 1, 2))


def test_absolute_from_window() -> None:
    w = TimeWindow(NOW - timedelta(hours=1), NOW)
    assert TimeRange.absolute(w).window(NOW + timedelta(days=1)) == w


def test_format_input_examples() -> None:
    assert format_time_range_input(TimeRange(relative=5400), UTC) == "90m"
    r = parse("2026-11-21T03:00/2026-11-21T04:30:15")
    assert format_time_range_input(r, UTC) == "2026-11-21T03:00/2026-11-21T04:30:15"
    assert format_time_range_input(r, JST) == "2026-11-21T12:00/2026-11-21T13:30:15"


def test_format_input_keeps_the_repeated_dst_hour_exact() -> None:
    # 2026-11-01 01:30 happens twice in New York; the second one needs its offset.
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    r = TimeRange(None, second, second + timedelta(minutes=20))
    text = format_time_range_input(r, NEW_YORK)
    assert "-05:00" in text
    assert parse_time_range(text, now=NOW, tz=NEW_YORK) == r


ZONES = st.sampled_from([UTC, JST, NEW_YORK, timezone(timedelta(hours=5, minutes=30))])
MOMENTS = st.datetimes(
    min_value=datetime(2025, 11, 22), max_value=datetime(2026, 11, 21, 5), timezones=st.just(UTC)
)


@given(st.integers(min_value=1, max_value=366 * 86400), ZONES)
def test_relative_round_trips(seconds: int, tz: ZoneInfo) -> None:
    r = TimeRange(relative=seconds)
    assert parse_time_range(format_time_range_input(r, tz), now=NOW, tz=tz) == r


@given(MOMENTS, st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)), ZONES)
def test_absolute_round_trips(start: datetime, length: timedelta, tz: ZoneInfo) -> None:
    r = TimeRange.absolute(TimeWindow(start, start + length))
    back = parse_time_range(format_time_range_input(r, tz), now=NOW, tz=tz)
    assert back == r
    assert back.start is not None and back.start.utcoffset() == timedelta(0)


@given(st.text(max_size=40), ZONES)
def test_parse_only_raises_value_error(text: str, tz: ZoneInfo) -> None:
    try:
        r = parse_time_range(text, now=NOW, tz=tz)
    except ValueError as exc:
        assert str(exc)
    else:
        window = r.window(NOW)
        assert window.start < window.end
