"""Logs Insights rows as text: the aligned table, CSV, JSON and JSON Lines that `montui query`
prints and the workbench exports. Pure: each function returns the whole text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import PurePath

from montui.model.logs import QueryResult

__all__ = [
    "EXPORT_FORMATS",
    "export_format",
    "result_text",
    "rows_as_csv",
    "rows_as_json",
    "rows_as_jsonl",
    "table_text",
    "visible",
]

EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
"""File extension (lowercase) → format name."""


def visible(row: Mapping[str, str]) -> dict[str, str]:
    """A row without Logs Insights' internal `@ptr`."""
    return {k: v for k, v in row.items() if k != "@ptr"}


def table_text(result: QueryResult) -> str:
    """Aligned columns, a header line then one line per row (newlines inside values folded to
    spaces); "" when there are no fields."""
    columns = list(result.fields)
    if not columns:
        return ""
    rows = [[" ".join(str(r.get(c, "")).split()) for c in columns] for r in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = (
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in [columns, *rows]
    )
    return "".join(line.rstrip() + "\n" for line in lines)


def rows_as_csv(result: QueryResult) -> str:
    """A header of every field, then one record per row (missing fields empty), `\n` between
    records.

    Each record is written with a `\r\n` terminator and then given `\n`: the csv module
    quotes only values holding a character of the terminator, so with a plain `\n` terminator
    a value holding a lone `\r` would go out unquoted and split the record in most readers.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(result.fields), lineterminator="\r\n")
    records: list[str] = []

    def take() -> None:
        records.append(buffer.getvalue()[:-2] + "\n")
        buffer.seek(0)
        buffer.truncate()

    writer.writeheader()
    take()
    for row in result.rows:
        writer.writerow(visible(row))
        take()
    return "".join(records)


def rows_as_jsonl(result: QueryResult) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(visible(r), ensure_ascii=False) + "\n" for r in result.rows)


def rows_as_json(result: QueryResult) -> str:
    """One indented JSON array of objects, ending with a newline."""
    return json.dumps([visible(r) for r in result.rows], indent=2, ensure_ascii=False) + "\n"


def result_text(result: QueryResult, output: str) -> str:
    """`result` in `output` format: "json", "jsonl", "csv", anything else the table."""
    if output == "json":
        return rows_as_json(result)
    if output == "jsonl":
        return rows_as_jsonl(result)
    if output == "csv":
        return rows_as_csv(result)
    return table_text(result)


def export_format(path: str) -> str | None:
    """The export format a file name asks for: `.csv` → "csv", `.jsonl`/`.ndjson` → "jsonl",
    `.json` → "json" (any case); None for anything else."""
    return EXPORT_FORMATS.get(PurePath(path).suffix.lower())
