"""histogram_bin and histogram_query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.histogram import BINS, histogram_bin, histogram_query
from montui.model.insights_syntax import commands
from montui.model.metrics import TimeWindow

END = datetime(2026, 11, 21, 4, 30, tzinfo=UTC)
HOUR = TimeWindow.ending(END, timedelta(hours=1))


def window(**length: float) -> TimeWindow:
    return TimeWindow.ending(END, timedelta(**length))


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        ({"minutes": 5}, "10s"),
        ({"minutes": 15}, "30s"),
        ({"minutes": 29}, "30s"),
        ({"minutes": 30}, "1m"),
        ({"hours": 1}, "1m"),
        ({"hours": 3}, "5m"),
        ({"hours": 12}, "15m"),
        ({"days": 1}, "30m"),
        ({"days": 3}, "3h"),
        ({"days": 14}, "6h"),
        ({"days": 30}, "12h"),
        ({"days": 366}, "1d"),
    ],
)
def test_bin_for_common_windows(length: dict[str, float], expected: str) -> None:
    assert histogram_bin(window(**length)) == expected


def test_bin_honours_the_target() -> None:
    assert histogram_bin(window(hours=1), target_buckets=12) == "5m"
    assert histogram_bin(window(hours=1), target_buckets=4) == "15m"
    with pytest.raises(ValueError):
        histogram_bin(HOUR, target_buckets=0)


@given(st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=400)),
       st.integers(min_value=1, max_value=200))  # fmt: skip
def test_bin_is_the_smallest_that_fits(length: timedelta, target: int) -> None:
    literal = histogram_bin(TimeWindow.ending(END, length), target)
    sizes = dict((lit, s) for s, lit in BINS)
    seconds = length.total_seconds()
    chosen = sizes[literal]
    if literal != "1d":
        assert -(-seconds // chosen) <= target
    smaller = [s for s, _ in BINS if s < chosen and (s >= 60 or seconds < 1800)]
    assert all(-(-seconds // s) > target for s in smaller)


def test_filters_are_kept_and_presentation_dropped() -> None:
    q = (
        "fields @timestamp, @message, @duration / 1000 as secs\n"
        "| filter @message like /ERROR/\n"
        "| sort @timestamp desc\n"
        "| display @timestamp, secs\n"
        "| limit 20"
    )
    assert histogram_query(q, HOUR) == (
        "fields @timestamp, @message, @duration / 1000 as secs\n"
        "| filter @message like /ERROR/\n"
        "| stats count(*) as matches by bin(1m)"
    )


def test_every_kept_command() -> None:
    q = (
        "SOURCE logGroups(namePrefix: ['/aws/lambda']) | filterIndex requestId = 'x' "
        "| unmask(@message) | parse @message 'user=* ' as user | filter user = 'ann' | dedup user"
    )
    got = histogram_query(q, window(days=1))
    assert got is not None
    assert [name for name, _, _ in commands(got)] == [
        "source", "filterindex", "unmask", "parse", "filter", "stats",
    ]  # fmt: skip
    assert got.endswith("stats count(*) as matches by bin(30m)")


@pytest.mark.parametrize(
    "query",
    [
        "stats count(*) by bin(5m)",
        "filter @message like /x/ | stats avg(@duration) by @logStream",
        "pattern @message",
        "filter a = 1 | diff",
        "unnest items into item",
        "filter a = 1 | frobnicate b",
    ],
)
def test_aggregating_or_unknown_queries_have_no_histogram(query: str) -> None:
    assert histogram_query(query, HOUR) is None


def test_pipes_and_keywords_inside_strings_and_regexes_do_not_split() -> None:
    q = "filter @message like 'a | stats count(*)' or @message =~ /x| sort y/ | limit 5"
    assert histogram_query(q, HOUR) == (
        "filter @message like 'a | stats count(*)' or @message =~ /x| sort y/\n"
        "| stats count(*) as matches by bin(1m)"
    )


def test_no_filter_counts_every_record() -> None:
    assert histogram_query("", HOUR) == "stats count(*) as matches by bin(1m)"
    assert histogram_query("sort @timestamp desc | limit 20", HOUR) == (
        "stats count(*) as matches by bin(1m)"
    )


def test_comments_cannot_swallow_the_stats() -> None:
    q = "# errors only\nfilter level = 'ERROR' # from the app\n| limit 10"
    got = histogram_query(q, HOUR)
    assert got == (
        "# errors only\nfilter level = 'ERROR' # from the app\n"
        "| stats count(*) as matches by bin(1m)"
    )
    assert [n for n, _, _ in commands(got)] == ["filter", "stats"]


def test_why_there_is_no_histogram_names_the_cause() -> None:
    from montui.model.histogram import histogram_skip

    assert histogram_skip("fields @message | filter @message like /x/") is None
    assert histogram_skip("stats count(*) by bin(5m)") == "the query aggregates (stats) itself"
    assert histogram_skip("fields @message | pattern @message") == (
        "the query aggregates (pattern) itself"
    )
    assert histogram_skip("fields @message\n| filtr @message like /x/") == (
        "the query has a command the histogram cannot follow (filtr)"
    )
