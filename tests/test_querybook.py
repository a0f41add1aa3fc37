"""QueryBook: history and saved queries on disk."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from montui.querybook import HistoryEntry, QueryBook, QueryBookError, SavedQuery

T0 = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def entry(
    query: str = "fields @message", region: str = "ap-northeast-1", **kw: Any
) -> HistoryEntry:
    fields: dict[str, Any] = {
        "groups": ("/aws/lambda/a",), "start": T0, "end": T0 + timedelta(hours=1),
        "ran_at": T0 + timedelta(hours=1), "relative": None,
    }  # fmt: skip
    fields.update(kw)
    return HistoryEntry(query, region=region, **fields)


def fresh(directory: Path) -> tuple[QueryBook, list[str]]:
    book = QueryBook(directory)
    return book, book.load()


def test_missing_directory_and_files_are_an_empty_book(tmp_path: Path) -> None:
    book, warnings = fresh(tmp_path / "nowhere")
    assert warnings == []
    assert book.history == ()
    assert book.saved == ()


def test_round_trip(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "b"  # parents are created
    book = QueryBook(directory)
    book.load()
    one = entry("filter @message like /ERROR/", relative=900)
    two = entry("stats count(*) by bin(5m)", groups=("g1", "g2"), region="us-east-1")
    book.add_history(one)
    book.add_history(two)
    book.save_query(SavedQuery("errors", "filter level = 'ERROR'", ("g1",)))
    book.save_query(SavedQuery("Alpha", "fields @message"))
    again, warnings = fresh(directory)
    assert warnings == []
    assert again.history == (two, one)
    assert again.history[1].relative == 900
    assert again.history[0].start.tzinfo is not None
    assert [q.name for q in again.saved] == ["Alpha", "errors"]
    assert again.saved[1] == SavedQuery("errors", "filter level = 'ERROR'", ("g1",))
    stored = json.loads((directory / "history.json").read_text())
    assert stored["version"] == 1


def test_same_query_moves_to_the_top(tmp_path: Path) -> None:
    book, _ = fresh(tmp_path)
    book.add_history(entry("a"))
    book.add_history(entry("b"))
    book.add_history(entry("a", ran_at=T0 + timedelta(days=1)))
    assert [e.query for e in book.history] == ["a", "b"]
    assert book.history[0].ran_at == T0 + timedelta(days=1)
    book.add_history(entry("a", region="us-east-1"))  # another region is another entry
    book.add_history(entry("a", groups=("other",)))  # and so are other groups
    assert len(book.history) == 4


def test_history_is_capped(tmp_path: Path) -> None:
    book, _ = fresh(tmp_path)
    book.HISTORY_LIMIT = 5
    for i in range(8):
        book.add_history(entry(f"q{i}"))
    assert [e.query for e in book.history] == ["q7", "q6", "q5", "q4", "q3"]
    again = QueryBook(tmp_path)
    again.load()
    assert len(again.history) == 5


def test_default_limit_is_500(tmp_path: Path) -> None:
    book, _ = fresh(tmp_path)
    entries = [entry(f"q{i}") for i in range(QueryBook.HISTORY_LIMIT + 20)]
    book._history = entries[1:][::-1]  # seed without 519 writes
    book.add_history(entries[0])
    assert len(book.history) == 500
    again, _ = fresh(tmp_path)
    assert len(again.history) == 500
    assert again.history[0].query == "q0"


def test_saved_same_name_replaces_and_delete(tmp_path: Path) -> None:
    book, _ = fresh(tmp_path)
    book.save_query(SavedQuery("x", "one"))
    book.save_query(SavedQuery("x", "two"))
    assert book.saved == (SavedQuery("x", "two"),)
    assert book.delete_saved("x") is True
    assert book.delete_saved("x") is False
    again, _ = fresh(tmp_path)
    assert again.saved == ()


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff garbage \x80",
        b'{"version": 1, "entries": [{"query": 5}]}',
        b"[1, 2, 3]",
        b'{"version": 1, "entries": [{"query": "q", "groups": [], "region": "r", "start": "2026-',
        b'{"version": 1, "entries": [{"query": "q", "groups": [], "region": "r", '
        b'"start": "2026-11-21T03:00:00", "end": "2026-11-21T04:00:00", '
        b'"ran_at": "2026-11-21T04:00:00"}]}',  # naive datetimes
        b'{"version": 7, "entries": []}',
        b"",
    ],
)
def test_corrupt_history_is_moved_aside(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "history.json").write_bytes(content)
    book = QueryBook(tmp_path)
    book.save_query(SavedQuery("kept", "q"))
    book, warnings = fresh(tmp_path)
    assert len(warnings) == 1
    asides = list(tmp_path.glob("history.json.corrupt-*"))
    assert len(asides) == 1
    assert asides[0].read_bytes() == content
    assert str(asides[0]) in warnings[0]
    assert str(tmp_path / "history.json") in warnings[0]
    assert not (tmp_path / "history.json").exists()
    assert book.history == ()
    assert [q.name for q in book.saved] == ["kept"]  # the other file is untouched
    book.add_history(entry())  # and the book works on
    assert fresh(tmp_path)[1] == []


def test_corrupt_saved_is_moved_aside_twice_without_clobbering(tmp_path: Path) -> None:
    for i in range(2):
        (tmp_path / "saved.json").write_text("{" * (i + 1))
        _, warnings = fresh(tmp_path)
        assert "saved.json" in warnings[0] and "moved it to" in warnings[0]
    assert sorted(p.read_text() for p in tmp_path.glob("saved.json.corrupt-*")) == ["{", "{{"]


def test_unreadable_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "history.json").mkdir()  # reading a directory fails, even as root
    book, warnings = fresh(tmp_path)
    assert len(warnings) == 1
    assert "could not be read" in warnings[0]
    assert book.history == ()


def test_unwritable_directory_raises_query_book_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    book, _ = fresh(blocker / "montui")
    with pytest.raises(QueryBookError) as err:
        book.add_history(entry())
    assert str(blocker / "montui" / "history.json") in str(err.value)
    assert "Not a directory" in str(err.value) or "exists" in str(err.value)
    with pytest.raises(QueryBookError):
        book.save_query(SavedQuery("n", "q"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_raises_query_book_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        book, _ = fresh(tmp_path)
        with pytest.raises(QueryBookError, match="Permission denied"):
            book.add_history(entry())
    finally:
        tmp_path.chmod(0o700)


def test_no_temp_files_are_left_behind(tmp_path: Path) -> None:
    book, _ = fresh(tmp_path)
    for i in range(5):
        book.add_history(entry(f"q{i}"))
    book.save_query(SavedQuery("n", "q"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.json", "saved.json"]


def test_stale_temp_files_are_cleaned_on_load(tmp_path: Path) -> None:
    stale = tmp_path / ".history.json.abc.tmp"
    recent = tmp_path / ".history.json.def.tmp"
    stale.write_text("{")
    recent.write_text("{")
    now = time.time()  # ages relative to the clock the book reads, whatever the date
    os.utime(stale, (now - 3600, now - 3600))
    os.utime(recent, (now, now))
    fresh(tmp_path)
    assert not stale.exists()
    assert not recent.exists()  # no process holds it: however young, nobody writes it


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from montui.querybook import HistoryEntry, QueryBook
book = QueryBook(Path(sys.argv[1]))
assert book.load() == []
t = datetime(2026, 11, 21, tzinfo=UTC)
i = 0
while True:
    book.add_history(HistoryEntry(f"filter n = {i} " + "x" * 200, ("g",), "r", t, t, t))
    if i == 0:
        print("writing", flush=True)
    i += 1
"""


def test_history_survives_a_kill_during_write(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for attempt in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "writing\n"  # its first write is done
            time.sleep(rng.uniform(0.0, 0.15))
            assert child.poll() is None, "the writer died on its own"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        book, warnings = fresh(tmp_path)
        assert warnings == [], f"seed {seed}, kill {attempt}"
        assert book.history, f"seed {seed}, kill {attempt}"
        assert all(e.query.startswith("filter n = ") for e in book.history)
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_abandoned_temp_files_are_removed_at_the_next_write_whatever_their_age(
    tmp_path: Path,
) -> None:
    """A killed writer's temp file (no process holds it) goes at the next write, even one
    written a moment ago; no load needed."""
    book, _ = fresh(tmp_path)
    left = [tmp_path / f".history.json.k{i}.tmp" for i in range(20)]
    for leftover in left:
        leftover.write_text("{")  # just now: younger than any age threshold
    book.add_history(entry("q"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.json"]


def test_a_temp_file_being_written_by_another_process_is_kept(tmp_path: Path) -> None:
    """Another montui writing right now holds a lock on its temp file: it is not removed."""
    import fcntl

    busy = tmp_path / ".history.json.busy.tmp"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(busy)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        book, _ = fresh(tmp_path)
        book.add_history(entry("q"))
        assert busy.exists()
    finally:
        holder.kill()
        holder.wait()
    book.add_history(entry("again"))  # its writer died: now it goes
    assert not busy.exists()
    assert fcntl  # flock is what tells a live writer's file


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""


def test_kills_during_writes_leave_no_temp_files_after_the_next_write(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    book, _ = fresh(tmp_path)
    for attempt in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "writing\n"
            time.sleep(rng.uniform(0.0, 0.05))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        book.add_history(entry(f"after kill {attempt}"))
        assert not list(tmp_path.glob(".*.tmp")), f"seed {seed}, kill {attempt}"
