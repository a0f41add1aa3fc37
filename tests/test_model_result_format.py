"""Row formatting shared by `montui query` and the workbench's export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.logs import QueryResult, QueryStatus
from montui.model.result_format import (
    export_format,
    result_text,
    rows_as_csv,
    rows_as_json,
    rows_as_jsonl,
    table_text,
    visible,
)

RESULT = QueryResult(
    "q-1",
    QueryStatus.COMPLETE,
    (
        {"@timestamp": "2026-11-21 03:00:00.000", "@message": 'a, "b"\nc', "@ptr": "p1"},
        {"@timestamp": "2026-11-21 03:00:01.000", "level": "ERROR", "@ptr": "p2"},
    ),
)


def test_visible_drops_only_the_pointer() -> None:
    assert visible({"@ptr": "x", "a": "1", "@message": "m"}) == {"a": "1", "@message": "m"}


def test_table() -> None:
    assert table_text(RESULT) == (
        "@timestamp               @message  level\n"
        '2026-11-21 03:00:00.000  a, "b" c\n'
        "2026-11-21 03:00:01.000            ERROR\n"
    )
    assert table_text(QueryResult("q", QueryStatus.COMPLETE)) == ""


def test_csv_quotes_and_fills_missing_fields() -> None:
    text = rows_as_csv(RESULT)
    assert text.splitlines()[0] == "@timestamp,@message,level"
    back = list(csv.DictReader(io.StringIO(text)))
    assert back == [
        {"@timestamp": "2026-11-21 03:00:00.000", "@message": 'a, "b"\nc', "level": ""},
        {"@timestamp": "2026-11-21 03:00:01.000", "@message": "", "level": "ERROR"},
    ]


def test_json_and_jsonl() -> None:
    rows = [visible(r) for r in RESULT.rows]
    assert json.loads(rows_as_json(RESULT)) == rows
    assert rows_as_json(RESULT).startswith('[\n  {\n    "@timestamp"')
    lines = rows_as_jsonl(RESULT).splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert rows_as_jsonl(QueryResult("q", QueryStatus.COMPLETE)) == ""
    assert json.loads(rows_as_json(QueryResult("q", QueryStatus.COMPLETE))) == []


def test_non_ascii_is_written_as_is() -> None:
    r = QueryResult("q", QueryStatus.COMPLETE, ({"m": "日本語"},))
    assert "日本語" in rows_as_jsonl(r)
    assert "日本語" in rows_as_json(r)


def test_result_text_dispatches() -> None:
    assert result_text(RESULT, "csv") == rows_as_csv(RESULT)
    assert result_text(RESULT, "json") == rows_as_json(RESULT)
    assert result_text(RESULT, "jsonl") == rows_as_jsonl(RESULT)
    assert result_text(RESULT, "table") == table_text(RESULT)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("out.csv", "csv"),
        ("/tmp/x/OUT.CSV", "csv"),
        ("rows.jsonl", "jsonl"),
        ("rows.ndjson", "jsonl"),
        ("rows.json", "json"),
        ("~/a.b/rows.json", "json"),
        ("rows.txt", None),
        ("rows", None),
        ("csv", None),
        (".csv/rows", None),
    ],
)
def test_export_format(path: str, expected: str | None) -> None:
    assert export_format(path) == expected


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["a", "b", "@ptr", "c d"]), st.text(max_size=10)),
        max_size=5,
    )
)
def test_csv_round_trips(rows: list[dict[str, str]]) -> None:
    result = QueryResult("q", QueryStatus.COMPLETE, tuple(rows))
    if not result.fields:
        return
    back = list(csv.DictReader(io.StringIO(rows_as_csv(result), newline="")))
    assert back == [{f: visible(r).get(f, "") for f in result.fields} for r in rows]


def test_a_lone_carriage_return_is_quoted() -> None:
    r = QueryResult("q", QueryStatus.COMPLETE, ({"a": "x\ry", "b": "1"}, {"a": "p\r\nq", "b": "2"}))
    assert rows_as_csv(r) == 'a,b\n"x\ry",1\n"p\r\nq",2\n'
