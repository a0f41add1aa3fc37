"""Every scalar function, operator and aggregate of the Logs Insights engine."""

from __future__ import annotations

import json

import pytest

from montui_world.insights import LogEvent, parse_query, run_query

T0 = 1_795_219_200_000  # 2026-11-21 00:00:00.000 UTC
AT = T0 + 3_723_456  # 2026-11-21 01:02:03.456
RECORD = {"a": 1, "b": "two", "neg": -3, "empty": "", "blank": "   ", "s": "xyZfooxyZ", "f": 2.7}


def value(expression: str, message: str | None = None) -> str | None:
    """The printed value of `expression` for one event (None when the field is missing)."""
    text = json.dumps(RECORD) if message is None else message
    event = LogEvent(AT, text, "/app/json", "stream", AT + 1, "e1")
    query = parse_query(f"fields {expression} as v")
    result = run_query(query, [event], start_ms=T0, end_ms=T0 + 86_400_000)
    return dict(result.rows[0]).get("v")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ispresent(a)", "true"),
        ("ispresent(nothing)", "false"),
        ("isPresent(b)", "true"),
        ("isempty(empty)", "true"),
        ("isempty(nothing)", "true"),
        ("isempty(blank)", "false"),
        ("isblank(blank)", "true"),
        ("isblank(b)", "false"),
        ('strlen("héllo")', "5"),
        ("strlen(nothing)", None),
        ('tolower("MiXed")', "mixed"),
        ('toupper("MiXed")', "MIXED"),
        ('concat(b, "-", a, nothing)', "two-1"),
        ('trim("  x y  ")', "x y"),
        ('trim(s, "xyZ")', "foo"),
        ('ltrim(s, "xyZ")', "fooxyZ"),
        ('rtrim(s, "xyZ")', "xyZfoo"),
        ('ltrim("  x ")', "x "),
        ("substr(s, 3, 3)", "foo"),
        ("substr(s, 3)", "fooxyZ"),
        ('replace("foo", "o", "0")', "f00"),
        ('strcontains(b, "wo")', "1"),
        ('strcontains(b, "WO")', "0"),
        ('strcontains(nothing, "x")', "0"),
        ("abs(neg)", "3"),
        ("floor(f)", "2"),
        ("ceil(f)", "3"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("round(3.14159, 2)", "3.14"),
        ("greatest(a, 5, 3)", "5"),
        ("least(a, 5, neg)", "-3"),
        ('greatest("apple", "pear")', "pear"),
        ("sqrt(16)", "4"),
        ("log(1)", "0"),
        ("sqrt(neg)", None),
        ('coalesce(nothing, "fallback")', "fallback"),
        ('if(a > 0, "yes", "no")', "yes"),
        ('if(nothing, "yes", "no")', "no"),
        ("tonumber('42')", "42"),
        ("fromMillis(1795219200000)", "2026-11-21 00:00:00.000"),
        ("toMillis(@timestamp)", str(AT)),
        ("fromMillis(toMillis(@timestamp) + 1000)", "2026-11-21 01:02:04.456"),
        ("bin(5m)", "2026-11-21 01:00:00.000"),
        ("bin(1s)", "2026-11-21 01:02:03.000"),
        ("bin(100ms)", "2026-11-21 01:02:03.400"),
        ("bin(1d)", "2026-11-21 00:00:00.000"),
        ("datefloor(@timestamp, 1h)", "2026-11-21 01:00:00.000"),
        ("dateceil(@timestamp, 1h)", "2026-11-21 02:00:00.000"),
        ("dateceil(fromMillis(1795219200000), 1d)", "2026-11-21 00:00:00.000"),
        ("datefloor(@timestamp, 1mo)", "2026-11-01 00:00:00.000"),
        ("datefloor(@timestamp, 1q)", "2026-10-01 00:00:00.000"),
        ("datefloor(@timestamp, 1y)", "2026-01-01 00:00:00.000"),
        ("dateceil(@timestamp, 1mo)", "2026-12-01 00:00:00.000"),
        ("dateceil(@timestamp, 1y)", "2027-01-01 00:00:00.000"),
        ("7 / 2", "3.5"),
        ("7 % 3", "1"),
        ("7.5 % 2", "1.5"),
        ("2 ^ 3", "8"),
        ("2 ^ -1", "0.5"),
        ("10 - 2 * 3", "4"),
        ("(10 - 2) * 3", "24"),
        ("-a", "-1"),
        ("- (a + 1)", "-2"),
        ("1 / 0", None),
        ("b + 1", None),
        ("'5' + 1", "6"),
        ("a / 3", "0.3333"),
        ("a = 1", "true"),
        ("a != 1", "false"),
        ("a < 2 and b = 'two'", "true"),
        ("a > 2 or not (b = 'x')", "true"),
        ("b in ['one', 'two']", "true"),
        ("a not in [2, 3]", "true"),
        ("nothing not in [2, 3]", "false"),
        ("nothing != 1", "false"),
    ],
)
def test_scalar_expressions(expression: str, expected: str | None) -> None:
    assert value(expression) == expected


def test_like_and_regex_match() -> None:
    message = "2026-11-21 ERROR Payment failed: TimeoutException after 3000 ms"
    assert value("@message like /Timeout\\w+/", message) == "true"
    assert value("@message like /timeoutexception/", message) == "false"
    assert value("@message like /(?i)timeoutexception/", message) == "true"
    assert value('@message like "Payment failed"', message) == "true"
    assert value('@message not like "Payment failed"', message) == "false"
    assert value("@message =~ /^2026/", message) == "true"
    assert value("@message =~ /ERROR (?i)payment/", message) == "true"  # flag moved to the front
    assert value("nothing like /x/", message) == "false"
    assert value("nothing not like /x/", message) == "false"


def aggregate_events() -> list[LogEvent]:
    values: list[object] = [3, 1, 4, 1, 5, 9, 2, 6, "n/a", None]
    events = []
    for n, number in enumerate(values):
        record: dict[str, object] = {"k": "odd" if n % 2 else "even", "word": f"w{n % 3}"}
        if number is not None:
            record["v"] = number
        events.append(LogEvent(T0 + n * 1000, json.dumps(record), "/app", "s", T0, f"id{n}"))
    return events


def stats_row(text: str) -> dict[str, str]:
    result = run_query(parse_query(text), aggregate_events(), start_ms=T0, end_ms=T0 + 60_000)
    assert len(result.rows) == 1
    return dict(result.rows[0])


@pytest.mark.parametrize(
    ("aggregate", "expected"),
    [
        ("count(*)", "10"),
        ("count()", "10"),
        ("count(v)", "9"),
        ("count(nothing)", "0"),
        ("count_distinct(v)", "8"),
        ("count_distinct(word)", "3"),
        ("sum(v)", "31"),
        ("avg(v)", "3.875"),
        ("min(v)", "1"),
        ("max(v)", "9"),
        ("min(word)", "w0"),
        ("max(word)", "w2"),
        ("stddev(v)", "2.7484"),
        ("pct(v, 50)", "3"),
        ("pct(v, 90)", "9"),
        ("pct(v, 0)", "1"),
        ("pct(v, 100)", "9"),
        ("earliest(v)", "3"),
        ("latest(v)", "n/a"),
        ("earliest(@timestamp)", str(T0)),
        ("latest(@timestamp)", str(T0 + 9000)),
        ("min(@timestamp)", "2026-11-21 00:00:00.000"),
        ("sum(v) / count(v)", "3.4444"),
        ("sum(strcontains(word, '1'))", "3"),
    ],
)
def test_aggregates(aggregate: str, expected: str) -> None:
    assert stats_row(f"stats {aggregate} as result")["result"] == expected


def test_aggregate_over_nothing_leaves_the_column_out() -> None:
    assert stats_row("stats count(*) as n, avg(nothing) as a, sum(nothing) as s") == {"n": "10"}


def test_aggregates_by_group_and_alias_arithmetic() -> None:
    query = parse_query("stats sum(v) as total, count(*) as n, total / n as mean by k | sort k asc")
    result = run_query(query, aggregate_events(), start_ms=T0, end_ms=T0 + 60_000)
    assert [dict(row) for row in result.rows] == [
        {"k": "even", "total": "14", "n": "5", "mean": "2.8"},
        {"k": "odd", "total": "17", "n": "5", "mean": "3.4"},
    ]
