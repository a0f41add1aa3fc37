"""Logs Insights queries in the local world: their pacing, their life, their results.

A query's status follows the wall clock from StartQuery: `Scheduled` for
`pacing.scheduled_seconds`, then `Running` for a time that grows with the queried time range
(`running_seconds_per_day`, clamped), then `Complete`; StopQuery makes it `Cancelled`. While
it runs, its results are the engine's genuine partial results: the query run over the oldest
fraction of the events in range, the fraction being the share of the running time elapsed.
The final results are computed once, on first demand, and kept.

`configure()` sets the pacing and the concurrency cap for the whole process. The default,
`INSTANT`, completes every query at once (what the tests want); `DEMO_PACING` gives about
3 seconds for a day of logs, which is how CloudWatch feels.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from montui_world.clock import WORLD_CLOCK
from montui_world.insights import (
    LogEvent,
    MalformedQuery,
    Query,
    QueryResult,
    run_query,
    run_query_partial,
)

__all__ = [
    "BOOK_LOCK",
    "DEMO_PACING",
    "INSTANT",
    "LogsSettings",
    "QueryBook",
    "QueryPacing",
    "QueryRun",
    "book_of",
    "configure",
    "restore",
    "settings",
]

DAY_MS = 86_400_000
ACTIVE = ("Scheduled", "Running")


@dataclass(frozen=True)
class QueryPacing:
    """How long a query stays Scheduled, then Running (wall-clock seconds)."""

    scheduled_seconds: float = 0.0
    """Time between StartQuery and the first partial results."""
    running_seconds_per_day: float = 0.0
    """Running time for each day of the queried time range."""
    min_running_seconds: float = 0.0
    """Running time of a query over a short range."""
    max_running_seconds: float = 30.0
    """Running time of a query over a long range."""

    def running_seconds(self, window_ms: int) -> float:
        """How long a query over `window_ms` of time runs."""
        wanted = self.running_seconds_per_day * max(0, window_ms) / DAY_MS
        return max(self.min_running_seconds, min(self.max_running_seconds, wanted))


INSTANT = QueryPacing()
DEMO_PACING = QueryPacing(
    scheduled_seconds=0.3,
    running_seconds_per_day=3.0,
    min_running_seconds=0.8,
    max_running_seconds=12.0,
)


@dataclass(frozen=True)
class LogsSettings:
    """Process-wide settings of the world's Logs Insights."""

    pacing: QueryPacing = INSTANT
    max_concurrent_queries: int = 30
    """Scheduled + Running queries per account and region (AWS: 30 for Standard)."""
    kept_queries: int = 1000
    """Queries remembered per account and region; the oldest finished ones are forgotten."""


_settings = LogsSettings()
# Guards the settings and the query books; StartQuery holds it from its concurrency check
# to recording the new query.
BOOK_LOCK = threading.RLock()
_LOCK = BOOK_LOCK


def settings() -> LogsSettings:
    """The settings in force."""
    return _settings


def configure(
    *,
    pacing: QueryPacing | None = None,
    max_concurrent_queries: int | None = None,
    kept_queries: int | None = None,
) -> LogsSettings:
    """Change the settings given; returns the previous ones (to restore them later)."""
    global _settings
    with _LOCK:
        previous = _settings
        changes: dict[str, Any] = {
            "pacing": pacing,
            "max_concurrent_queries": max_concurrent_queries,
            "kept_queries": kept_queries,
        }
        _settings = replace(previous, **{k: v for k, v in changes.items() if v is not None})
        return previous


def restore(previous: LogsSettings) -> None:
    """Put back settings returned by `configure`."""
    global _settings
    with _LOCK:
        _settings = previous


EventSource = Callable[[], Iterable[LogEvent]]


@dataclass
class QueryRun:
    """One StartQuery: what it asked, when, and what it found."""

    query: Query
    groups: tuple[str, ...]
    start_ms: int
    end_ms: int
    limit: int | None
    account_id: str
    pacing: QueryPacing
    query_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_ms: int = field(default_factory=WORLD_CLOCK.epoch_ms)
    began: float = field(default_factory=time.monotonic)
    stopped_at: float | None = None
    failed: bool = False
    final: QueryResult | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def running_seconds(self) -> float:
        """How long this query runs once scheduled."""
        return self.pacing.running_seconds(self.end_ms - self.start_ms)

    def _progress(self, at: float) -> tuple[str, float]:
        elapsed = at - self.began - self.pacing.scheduled_seconds
        if elapsed < 0:
            return "Scheduled", 0.0
        running = self.running_seconds
        if elapsed < running:
            return "Running", elapsed / running
        return "Complete", 1.0

    def status(self, now: float | None = None) -> str:
        """Scheduled, Running, Complete, Cancelled or Failed, as of `now` (monotonic)."""
        if self.failed:
            return "Failed"
        if self.stopped_at is not None:
            return "Cancelled"
        return self._progress(time.monotonic() if now is None else now)[0]

    def duration_ms(self, now: float | None = None) -> int:
        """Milliseconds from StartQuery to the end of the query (or to `now`, if running)."""
        now = time.monotonic() if now is None else now
        end = self.stopped_at
        if end is None and self.status(now) == "Complete":
            end = self.began + self.pacing.scheduled_seconds + self.running_seconds
        return int(((end if end is not None else now) - self.began) * 1000)

    def stop(self, now: float | None = None) -> bool:
        """Cancel the query if it is still Scheduled or Running; True if it was."""
        now = time.monotonic() if now is None else now
        with self.lock:
            if self.status(now) not in ACTIVE:
                return False
            self.stopped_at = now
            return True

    def results(self, events: EventSource, now: float | None = None) -> tuple[str, QueryResult]:
        """The status and the results to show for it (partial unless Complete)."""
        now = time.monotonic() if now is None else now
        with self.lock:
            if self.final is not None:
                return self.status(now), self.final
            status = self.status(now)
            if status == "Cancelled":
                assert self.stopped_at is not None
                fraction = self._progress(self.stopped_at)[1]
            else:
                fraction = self._progress(now)[1]
            if status == "Scheduled":
                return status, QueryResult([], 0.0, 0.0, 0.0, 0.0)
            try:
                result = self._run(events(), fraction if status != "Complete" else 1.0)
            except (MalformedQuery, ArithmeticError, ValueError, TypeError):
                self.failed = True
                result = QueryResult([], 0.0, 0.0, 0.0, 0.0)
            if status in ("Complete", "Cancelled") or self.failed:
                self.final = result
            return self.status(now), result

    def _run(self, events: Iterable[LogEvent], fraction: float) -> QueryResult:
        common: dict[str, Any] = {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "account_id": self.account_id,
            "limit": self.limit,
        }
        if fraction >= 1.0:
            return run_query(self.query, events, **common)
        return run_query_partial(self.query, events, fraction=fraction, **common)


@dataclass
class QueryBook:
    """The queries of one account and region, oldest first."""

    runs: dict[str, QueryRun] = field(default_factory=dict)

    def active(self, now: float | None = None) -> int:
        """How many queries are Scheduled or Running."""
        now = time.monotonic() if now is None else now
        return sum(1 for run in self.runs.values() if run.status(now) in ACTIVE)

    def add(self, run: QueryRun, kept: int) -> None:
        """Remember `run`, forgetting the oldest finished queries beyond `kept`."""
        self.runs[run.query_id] = run
        excess = len(self.runs) - max(1, kept)
        if excess > 0:
            now = time.monotonic()
            old = [k for k, r in self.runs.items() if r.status(now) not in ACTIVE][:excess]
            for key in old:
                del self.runs[key]

    def newest_first(self) -> list[QueryRun]:
        """Every remembered query, the most recent first."""
        return list(reversed(self.runs.values()))


_BOOK = "_montui_query_book"


def book_of(backend: Any) -> QueryBook:
    """The query book of a moto logs backend (gone with the backend on reset)."""
    with _LOCK:
        book = getattr(backend, _BOOK, None)
        if not isinstance(book, QueryBook):
            book = QueryBook()
            setattr(backend, _BOOK, book)
        return book
