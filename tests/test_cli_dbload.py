"""`montui dbload` against the local world: table, JSON and CSV outputs, --top, the window
options, and the exit codes (2 unknown instance, 1 Performance Insights off)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from montui.cli import main
from montui_world.world import World
from tests.dbload_world import CARTS, NOW, REGION, REPORT
from tests.dbload_world import shop as shop  # the fixture

START, END = "2026-11-21T02:30:00Z", "2026-11-21T03:30:00Z"


def run(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    base = ["dbload", "--endpoint-url", world.endpoint, "--region", REGION]
    code = main([*base, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_names_the_top_sql_and_waits(shop: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(shop, capsys, "orders-writer", "--start", START, "--end", END,
                         "--output", "json")  # fmt: skip
    assert code == 0, err
    record = json.loads(out)
    assert record["instance"] == "orders-writer" and record["role"] == "writer"
    assert record["start"] == NOW.replace(hour=2).isoformat() and record["period"] == 60
    assert [s["statement"] for s in record["top_sql"]] == [REPORT.statement, CARTS.statement]
    assert record["top_waits"][0]["wait"] == "IO:DataFileRead"
    assert record["vcpus"] == 8.0 and record["vcpus_from"] == "os.general.numVCPUs"
    assert record["load_avg"] > record["vcpus"]  # the batch keeps sessions waiting


def test_table_csv_and_top(shop: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(shop, capsys, "orders-writer", "--start", START, "--end", END)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("orders-writer (writer of orders)")
    assert "8 vCPUs (os.general.numVCPUs)" in out
    assert any(line.startswith("AAS") and "SQL" in line for line in lines)
    code, out, _ = run(shop, capsys, "ORDERS-WRITER", "--start", START, "--end", END,
                       "--output", "csv", "--top", "1")  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows if r["kind"] == "sql"] == [REPORT.statement]
    assert [r["kind"] for r in rows].count("wait") == 1


def test_unknown_instance_exits_2(shop: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(shop, capsys, "no-such-db", "--since", "1h")
    assert code == 2 and not out
    assert "no DB instance 'no-such-db'" in err


def test_pi_off_exits_1_and_says_what_enabling_takes(
    shop: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(shop, capsys, "legacy-db", "--since", "1h")
    assert code == 1 and not out
    assert "Performance Insights is off for legacy-db" in err
    assert "--enable-performance-insights" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "1h", "--start", START, "--end", END], "either --since or --start/--end"),
        (["--start", START], "--start and --end go together"),
        (["--start", END, "--end", START], "--end is before --start"),
        (["--top", "26"], "between 1 and 25"),
    ],
)
def test_bad_arguments_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dbload", "db", *args])
    assert exit_info.value.code == 2
    assert words in capsys.readouterr().err
