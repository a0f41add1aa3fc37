"""Command semantics of the engine: columns, ordering, dedup, limits, ranges, partial results."""

from __future__ import annotations

import json

import pytest

from montui_world.insights import (
    LogEvent,
    MalformedQuery,
    QueryResult,
    iter_snapshots,
    parse_query,
    run_query,
    run_query_partial,
)

T0 = 1_795_219_200_000


def make(records: list[dict[str, object]]) -> list[LogEvent]:
    return [
        LogEvent(T0 + n * 1000, json.dumps(record), "/app", f"s{n % 2}", T0 + n * 1000, f"e{n}")
        for n, record in enumerate(records)
    ]


PEOPLE = make(
    [
        {"name": "ann", "team": "red", "score": 7},
        {"name": "bob", "team": "blue", "score": 10},
        {"name": "cy", "team": "red", "score": 2},
        {"name": "di", "team": "blue"},
        {"name": "ed", "team": "green", "score": 7},
        {"name": "flo", "score": 100},
    ]
)


def run(text: str, events: list[LogEvent] = PEOPLE, limit: int | None = None) -> QueryResult:
    return run_query(parse_query(text), events, start_ms=T0, end_ms=T0 + 60_000, limit=limit)


def column(result: QueryResult, name: str) -> list[str | None]:
    return [dict(row).get(name) for row in result.rows]


def test_without_fields_rows_show_timestamp_and_message_newest_first() -> None:
    result = run("filter score > 5")
    assert [[name for name, _ in row] for row in result.rows] == [
        ["@timestamp", "@message", "@ptr"]
    ] * 4
    assert column(result, "@timestamp")[0] == "2026-11-21 00:00:05.000"
    assert result.records_matched == 4.0 and result.records_scanned == 6.0


def test_fields_accumulate_and_the_last_display_chooses() -> None:
    result = run("fields name | fields score * 2 as double | limit 1")
    assert result.rows[0][:2] == [("name", "flo"), ("double", "200")]
    shown = run("fields name, team | display team | display name, score | limit 2")
    assert [[name for name, _ in row] for row in shown.rows] == [
        ["name", "score", "@ptr"],
        ["name", "score", "@ptr"],
    ]


def test_ptr_comes_once_and_last() -> None:
    row = run("fields @ptr, name | limit 1").rows[0]
    assert [name for name, _ in row] == ["name", "@ptr"]


def test_parse_adds_columns_and_leaves_unmatched_rows_without_them() -> None:
    events = [
        LogEvent(T0, "user=ann action=login", "/app", "s", T0, "1"),
        LogEvent(T0 + 1, "no match here", "/app", "s", T0, "2"),
    ]
    result = run("parse @message 'user=* action=*' as user, action", events)
    assert [row[:-1] for row in result.rows] == [
        [("@timestamp", "2026-11-21 00:00:00.001"), ("@message", "no match here")],
        [
            ("@timestamp", "2026-11-21 00:00:00.000"),
            ("@message", "user=ann action=login"),
            ("user", "ann"),
            ("action", "login"),
        ],
    ]
    assert "@timestamp" not in dict(run("parse @message 'user=*' as u | display u", events).rows[1])


def test_sort_is_natural_multi_key_and_puts_missing_values_last() -> None:
    assert column(run("sort score desc"), "@message")[-1] == json.dumps(
        {"name": "di", "team": "blue"}
    )
    by_team = run("fields team, name | sort team asc, score desc")
    assert column(by_team, "name") == ["bob", "di", "ed", "ann", "cy", "flo"]
    assert column(run("fields name | sort score asc, name desc"), "name") == [
        "cy",
        "ed",
        "ann",
        "bob",
        "flo",
        "di",
    ]


def test_dedup_keeps_the_first_row_in_sort_order_and_every_missing_value() -> None:
    result = run("fields team, name | sort score desc | dedup team")
    assert column(result, "name") == ["flo", "bob", "ed", "ann"]  # flo has no team: kept
    assert column(run("fields name | dedup team | limit 2"), "name") == ["flo", "ed"]


def test_limits() -> None:
    assert len(run("fields name | limit 2").rows) == 2
    assert len(run("fields name", limit=3).rows) == 3
    assert len(run("fields name | limit 5", limit=1).rows) == 1
    many = [LogEvent(T0 + n, "x", "/g", "s", T0, str(n)) for n in range(10_050)]
    assert len(run("fields @message", many).rows) == 10_000


def test_time_range_includes_both_ends() -> None:
    result = run_query(parse_query("fields name"), PEOPLE, start_ms=T0 + 1000, end_ms=T0 + 3000)
    assert column(result, "name") == ["di", "cy", "bob"]
    assert result.records_scanned == 3.0


def test_filter_after_stats_and_a_second_stats() -> None:
    result = run("stats count(*) as n, max(score) as best by team | filter n > 1 | sort team")
    assert [dict(row) for row in result.rows] == [
        {"team": "red", "n": "2", "best": "7"},
        {"team": "blue", "n": "2", "best": "10"},
    ]
    twice = run("stats count(*) as n by team | stats max(n) as peak, avg(n) as mean")
    assert [dict(row) for row in twice.rows] == [{"peak": "2", "mean": "1.5"}]
    assert all(name != "@ptr" for row in twice.rows for name, _ in row)


def test_stats_by_a_missing_field_groups_the_events_without_it() -> None:
    result = run("stats count(*) as n by team | sort n desc, team asc")
    assert [dict(row) for row in result.rows] == [
        {"team": "blue", "n": "2"},
        {"team": "red", "n": "2"},
        {"team": "green", "n": "1"},
        {"n": "1"},
    ]


def test_stats_over_no_rows_returns_no_rows() -> None:
    assert run("filter score > 1000 | stats count(*)").rows == []


def test_stats_items_must_aggregate() -> None:
    with pytest.raises(MalformedQuery, match="neither aggregated nor named earlier") as caught:
        run("stats score by team")
    assert caught.value.column == 6
    with pytest.raises(MalformedQuery, match="pct needs a number"):
        run("stats pct(score, 101)")
    with pytest.raises(MalformedQuery, match="expected a time period"):
        run("stats count(*) by bin(score)")
    with pytest.raises(MalformedQuery, match="unexpected symbol found 5m"):
        run("fields 5m")


def test_partial_results_scan_forward_in_time() -> None:
    query = parse_query("stats count(*) as n")
    half = run_query_partial(query, PEOPLE, start_ms=T0, end_ms=T0 + 60_000, fraction=0.5)
    assert half.rows == [[("n", "3")]]
    assert (half.records_scanned, half.fraction_scanned) == (3.0, 0.5)
    nothing = run_query_partial(query, PEOPLE, start_ms=T0, end_ms=T0 + 60_000, fraction=0)
    assert nothing.rows == [] and nothing.records_scanned == 0.0
    newest_seen = run_query_partial(
        parse_query("fields name | limit 1"), PEOPLE, start_ms=T0, end_ms=T0 + 60_000, fraction=0.5
    )
    assert column(newest_seen, "name") == ["cy"]


def test_snapshots_end_with_the_complete_result() -> None:
    query = parse_query("stats count(*) as n by team | sort team")
    snapshots = list(iter_snapshots(query, iter(PEOPLE), start_ms=T0, end_ms=T0 + 60_000, steps=3))
    assert [s.records_scanned for s in snapshots] == [2.0, 4.0, 6.0]
    complete = run_query(query, PEOPLE, start_ms=T0, end_ms=T0 + 60_000)
    assert snapshots[-1].rows == complete.rows
    assert snapshots[-1].statistics == complete.statistics


def test_bytes_scanned_counts_utf8() -> None:
    events = [LogEvent(T0, "héllo", "/g", "s", T0, "1"), LogEvent(T0, "abc", "/g", "s", T0, "2")]
    assert run("fields @message", events).bytes_scanned == 9.0
