"""Properties of the Logs Insights engine, checked on generated logs and queries."""

from __future__ import annotations

import contextlib
import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from montui_world.insights import (
    LogEvent,
    MalformedQuery,
    parse_query,
    run_query,
    run_query_partial,
)
from montui_world.insights.values import natural_key, to_number

T0 = 1_795_219_200_000
Record = dict[str, Any]
SPAN = 3_600_000

records = st.fixed_dictionaries(
    {"n": st.integers(-1000, 1000), "level": st.sampled_from(["INFO", "WARN", "ERROR"])},
    optional={"path": st.sampled_from(["/a", "/b", "/c"])},
)
timed_records = st.lists(st.tuples(st.integers(0, SPAN), records), max_size=60)


def to_events(items: list[tuple[int, Record]]) -> list[LogEvent]:
    return [
        LogEvent(T0 + offset, json.dumps(record), "/app", "s", T0 + offset, f"e{index}")
        for index, (offset, record) in enumerate(items)
    ]


def run(text: str, events: list[LogEvent]) -> list[dict[str, str]]:
    result = run_query(parse_query(text), events, start_ms=T0, end_ms=T0 + SPAN)
    return [dict(row) for row in result.rows]


@given(timed_records, st.integers(-1000, 1000))
def test_count_equals_the_events_passing_the_filter(
    items: list[tuple[int, Record]], threshold: int
) -> None:
    expected = sum(1 for _, record in items if int(record["n"]) > threshold)
    rows = run(f"filter n > {threshold} | stats count(*) as c", to_events(items))
    assert rows == ([{"c": str(expected)}] if expected else [])


@given(timed_records)
def test_grouped_counts_add_up_and_sums_are_exact(
    items: list[tuple[int, Record]],
) -> None:
    rows = run("stats count(*) as c, sum(n) as total by level", to_events(items))
    assert sum(int(row["c"]) for row in rows) == len(items)
    for row in rows:
        expected = sum(int(r["n"]) for _, r in items if r["level"] == row["level"])
        assert row["total"] == str(expected)


@given(timed_records, st.booleans())
def test_sort_orders_rows(items: list[tuple[int, Record]], descending: bool) -> None:
    direction = "desc" if descending else "asc"
    rows = run(f"fields n, @timestamp | sort n {direction}", to_events(items))
    numbers = [int(row["n"]) for row in rows]
    assert numbers == sorted(numbers, reverse=descending)
    assert len(rows) == len(items)
    stamps = [row["@timestamp"] for row in run("fields @timestamp", to_events(items))]
    assert stamps == sorted(stamps, reverse=True)  # newest first without a sort


@given(timed_records, st.integers(1, 20))
def test_limit_returns_a_prefix(items: list[tuple[int, Record]], limit: int) -> None:
    events = to_events(items)
    full = run("fields n | sort n asc, @timestamp desc", events)
    assert run(f"fields n | sort n asc, @timestamp desc | limit {limit}", events) == full[:limit]


@given(timed_records, st.integers(1, 20), st.sampled_from(["n", "path", "level"]), st.booleans())
def test_top_rows_of_a_sort_equal_the_full_sort_cut_short(
    items: list[tuple[int, Record]], limit: int, key: str, descending: bool
) -> None:
    events = to_events(items)
    order = f"fields @ptr, {key} | sort {key} {'desc' if descending else 'asc'}"
    assert run(f"{order} | limit {limit}", events) == run(order, events)[:limit]


words = st.text(alphabet=string.ascii_letters + string.digits + "-_.:/", min_size=1, max_size=12)


@given(words, words, st.text(alphabet=string.ascii_letters + " ", max_size=10))
def test_parse_glob_round_trips(user: str, action: str, prefix: str) -> None:
    message = f"{prefix}user={user} action={action}"
    event = LogEvent(T0, message, "/app", "s", T0, "1")
    rows = run("parse @message 'user=* action=*' as u, a | display u, a", [event])
    assert (rows[0]["u"], rows[0]["a"]) == (user, action)


@given(timed_records, st.floats(0, 1))
def test_partial_results_scan_a_prefix_in_time(
    items: list[tuple[int, Record]], fraction: float
) -> None:
    events = to_events(items)
    query = parse_query("stats count(*) as c")
    partial = run_query_partial(query, events, start_ms=T0, end_ms=T0 + SPAN, fraction=fraction)
    complete = run_query(query, events, start_ms=T0, end_ms=T0 + SPAN)
    assert partial.records_scanned <= complete.records_scanned
    counted = int(dict(partial.rows[0])["c"]) if partial.rows else 0
    assert counted == partial.records_scanned
    at_end = run_query_partial(query, events, start_ms=T0, end_ms=T0 + SPAN, fraction=1.0)
    assert at_end.rows == complete.rows


values = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.text(alphabet=string.printable, max_size=8),
)


@given(st.lists(values, max_size=30))
def test_natural_order_puts_text_before_numbers_and_numbers_in_order(
    items: list[int | float | str],
) -> None:
    ordered = sorted(items, key=natural_key)
    kinds = [to_number(item) is not None for item in ordered]
    assert kinds == sorted(kinds)  # every non-number first
    numbers = [number for item in ordered if (number := to_number(item)) is not None]
    assert numbers == sorted(numbers)


query_pieces = st.sampled_from(
    [
        "fields", "filter", "stats", "sort", "limit", "parse", "dedup", "display", "by", "as",
        "count(*)", "avg(", ")", "(", ",", "|", "\n", "@message", "x", "5m", "bin(", "10",
        "'s'", '"q', "/re/", "/", "like", "not", "in", "[", "]", "=", "!=", ">=", "+", "*", "^",
        "#c\n", "`a b`", "and", "or", "desc", "asc", " ",
    ]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(query_pieces, max_size=14).map(" ".join))
def test_any_text_parses_or_raises_malformed_query(text: str) -> None:
    try:
        query = parse_query(text)
    except MalformedQuery as error:
        assert 1 <= error.line <= text.count("\n") + 1
        assert 0 <= error.offset <= len(text)
        assert error.message.endswith(f"at line {error.line} and position {error.column}")
        return
    event = LogEvent(T0, "x=1 user=a", "/app", "s", T0, "1")
    with contextlib.suppress(MalformedQuery):
        run_query(query, [event], start_ms=T0, end_ms=T0 + 1)
