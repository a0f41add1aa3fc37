"""The Logs Insights queries this process has running, kept on disk for the next start.

A query montui started is stopped when montui quits (`q`, Ctrl+C, SIGTERM, SIGHUP). Nothing
runs on SIGKILL or a power cut, so while a query runs its id, region, account, endpoint and
profile are kept in `running-queries/<pid>-<token>.json` in montui's data directory
(`montui.config.user_data_dir()`), one file per process (two processes never write the same
file), replaced atomically (`montui.atomic_file`) at each start and end of a query, and
removed when the process has no query left. The next montui (or `montui query`) reads the files
of processes that are no longer alive (`leftovers`), stops those queries and forgets them
(`settle`); files of live processes are never touched, so two montuis never stop each
other's queries. A file that cannot be decoded is renamed aside (`….corrupt-<stamp>`) with a
warning. Entries older than an hour are dropped unasked: Logs Insights ends a query after 60
minutes.

Like config.py it imports only the stdlib and msgspec: no textual, no AWS libraries.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Struct

from montui.atomic_file import reason, remove_leftover_temp_files, set_aside, write_atomic

__all__ = ["Leftovers", "RunningQueries", "RunningQuery", "process_alive"]

DIRECTORY = "running-queries"
FORMAT_VERSION = 1
MAX_AGE = timedelta(hours=1)
"""Logs Insights times a query out after 60 minutes: an older entry needs no StopQuery."""


class RunningQuery(Struct, frozen=True):
    """A query started by the process `pid`, and where it runs."""

    query_id: str
    region: str
    account: str
    """"" when the process did not know it (`montui query` does not ask)."""
    endpoint: str | None
    profile: str | None
    pid: int
    started_at: datetime


class _Record(msgspec.Struct, forbid_unknown_fields=False):
    query_id: str
    region: str
    account: str
    endpoint: str | None
    profile: str | None
    started_at: Annotated[datetime, msgspec.Meta(tz=True)]


class _Document(msgspec.Struct):
    version: int
    pid: int
    queries: list[_Record]


class Leftovers(Struct, frozen=True):
    """Queries of processes that are gone (by the file they came from), and warnings."""

    files: tuple[tuple[Path, tuple[RunningQuery, ...]], ...]
    warnings: tuple[str, ...]

    @property
    def queries(self) -> tuple[RunningQuery, ...]:
        return tuple(q for _, queries in self.files for q in queries)


def process_alive(pid: int) -> bool:
    """Whether a process `pid` exists (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def utc_now() -> datetime:
    return datetime.now(UTC)


class RunningQueries:
    """This process's file of running queries, and the leftovers of dead processes."""

    def __init__(
        self,
        data_dir: Path,
        *,
        pid: int | None = None,
        clock: Callable[[], datetime] = utc_now,
        alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self.directory = Path(data_dir) / DIRECTORY
        self.pid = os.getpid() if pid is None else pid
        self.path = self.directory / f"{self.pid}-{secrets.token_hex(4)}.json"
        self._clock = clock
        self._alive = alive
        self._queries: dict[str, RunningQuery] = {}
        self._lock = threading.Lock()

    def add(
        self, query_id: str, region: str, account: str, endpoint: str | None, profile: str | None
    ) -> None:
        """Remember a query that has just started; writes the file. Raises OSError."""
        query = RunningQuery(query_id, region, account, endpoint, profile, self.pid, self._clock())
        with self._lock:
            self._queries[query_id] = query
            self._write()

    def remove(self, query_id: str) -> None:
        """Forget a query that has ended or was stopped; the file goes with the last one."""
        with self._lock:
            if self._queries.pop(query_id, None) is None:
                return
            self._write()

    @property
    def queries(self) -> tuple[RunningQuery, ...]:
        """This process's running queries, oldest first."""
        return tuple(self._queries.values())

    def _write(self) -> None:
        if not self._queries:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        write_atomic(self.path, _encode(self.pid, self._queries.values()))

    def leftovers(self) -> Leftovers:
        """The queries recorded by processes that are no longer alive (never this one's)."""
        files: list[tuple[Path, tuple[RunningQuery, ...]]] = []
        warnings: list[str] = []
        try:
            paths = sorted(self.directory.glob("*.json"))
        except OSError:
            return Leftovers((), ())
        for path in paths:
            if path == self.path:
                continue
            document = _read(path, warnings)
            if document is None or self._alive(document.pid):
                continue
            queries = tuple(
                RunningQuery(
                    r.query_id, r.region, r.account, r.endpoint, r.profile,
                    document.pid, r.started_at,
                )
                for r in document.queries
            )  # fmt: skip
            files.append((path, queries))
        return Leftovers(tuple(files), tuple(warnings))

    def settle(self, leftovers: Leftovers, done: Collection[str]) -> None:
        """Rewrite the dead processes' files without the queries in `done` (stopped, or no
        longer running) and those past `MAX_AGE`; a file left with none is removed."""
        oldest = self._clock() - MAX_AGE
        for path, queries in leftovers.files:
            keep = [q for q in queries if q.query_id not in done and q.started_at > oldest]
            with contextlib.suppress(OSError):
                if not keep:
                    path.unlink(missing_ok=True)
                    remove_leftover_temp_files(path)
                    continue
                write_atomic(path, _encode(keep[0].pid, keep))


def _encode(pid: int, queries: Iterable[RunningQuery]) -> bytes:
    records = [
        _Record(q.query_id, q.region, q.account, q.endpoint, q.profile, q.started_at)
        for q in queries
    ]
    return msgspec.json.encode(_Document(FORMAT_VERSION, pid, records))


def _read(path: Path, warnings: list[str]) -> _Document | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        warnings.append(f"{path} could not be read ({reason(exc)})")
        return None
    try:
        document = msgspec.json.decode(data, type=_Document)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        warnings.append(set_aside(path, f"is not valid ({exc})"))
        return None
    if document.version != FORMAT_VERSION:
        problem = f"has format version {document.version}; this montui reads {FORMAT_VERSION}"
        warnings.append(set_aside(path, problem))
        return None
    return document
