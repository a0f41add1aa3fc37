"""The running-queries file: one per process, atomic, read back by the next montui."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from montui.running_queries import DIRECTORY, RunningQueries
from tests.fakes import NOW


def ledger(tmp_path: Path, pid: int, *, alive: set[int] | None = None) -> RunningQueries:
    return RunningQueries(
        tmp_path, pid=pid, clock=lambda: NOW, alive=lambda p: p in (alive or set())
    )


def test_a_dead_process_queries_are_leftovers_and_settle_forgets_them(tmp_path: Path) -> None:
    dead = ledger(tmp_path, 101)
    dead.add("q1", "ap-northeast-1", "123456789012", None, "prod")
    dead.add("q2", "eu-west-1", "", "http://127.0.0.1:1", None)
    found = ledger(tmp_path, 202).leftovers()
    assert [(q.query_id, q.region, q.pid) for q in found.queries] == [
        ("q1", "ap-northeast-1", 101),
        ("q2", "eu-west-1", 101),
    ]
    ledger(tmp_path, 202).settle(found, {"q1"})
    assert [q.query_id for q in ledger(tmp_path, 202).leftovers().queries] == ["q2"]
    ledger(tmp_path, 202).settle(ledger(tmp_path, 202).leftovers(), {"q2"})
    assert list((tmp_path / DIRECTORY).iterdir()) == []


def test_a_live_process_queries_are_never_leftovers(tmp_path: Path) -> None:
    ledger(tmp_path, 101).add("q1", "r", "", None, None)
    assert ledger(tmp_path, 202, alive={101}).leftovers().queries == ()


def test_the_file_goes_with_the_last_query_and_no_temp_file_stays(tmp_path: Path) -> None:
    mine = ledger(tmp_path, 101)
    mine.add("q1", "r", "", None, None)
    mine.add("q2", "r", "", None, None)
    assert [p.name for p in (tmp_path / DIRECTORY).iterdir()] == [mine.path.name]
    mine.remove("q1")
    mine.remove("q2")
    assert list((tmp_path / DIRECTORY).iterdir()) == []


def test_entries_past_an_hour_are_dropped(tmp_path: Path) -> None:
    old = RunningQueries(tmp_path, pid=101, clock=lambda: NOW - timedelta(hours=2))
    old.add("q1", "r", "", None, None)
    reader = ledger(tmp_path, 202)
    reader.settle(reader.leftovers(), done=())
    assert list((tmp_path / DIRECTORY).iterdir()) == []


def test_a_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    directory = tmp_path / DIRECTORY
    directory.mkdir()
    (directory / "101-abc.json").write_text("{")
    found = ledger(tmp_path, 202).leftovers()
    assert found.queries == ()
    assert len(found.warnings) == 1 and "moved it to" in found.warnings[0]
    assert [p.name.split("-")[0] for p in directory.iterdir()] == ["101"]
    assert list(directory.glob("101-abc.json.corrupt-*"))
