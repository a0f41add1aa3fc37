"""Logs Insights queries as values: what was asked (`QueryRun`), where it stands
(`QueryStatus`), and what came back (`QueryResult`, `QueryStatistics`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum

from msgspec import Struct, field

_TIME_LAYOUTS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")


def parse_insights_time(value: str) -> datetime | None:
    """`2026-11-21 03:12:45.123` (UTC, as Logs Insights returns `@timestamp` and `bin(…)`)
    → an aware datetime; None for other text."""
    for layout in _TIME_LAYOUTS:
        try:
            return datetime.strptime(value.strip(), layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


BYTES_PER_GB = 1024**3
PRICE_PER_GB = 0.005
"""Logs Insights' price per GB scanned (USD, most regions)."""


class QueryStatus(Enum):
    """GetQueryResults' status of a query."""

    SCHEDULED = "Scheduled"
    RUNNING = "Running"
    COMPLETE = "Complete"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    TIMEOUT = "Timeout"
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, text: str) -> QueryStatus:
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    @property
    def finished(self) -> bool:
        """No further results will come (Unknown counts as finished: nothing to wait for)."""
        return self not in (QueryStatus.SCHEDULED, QueryStatus.RUNNING)


class QueryStatistics(Struct, frozen=True):
    """How much a query read so far."""

    records_matched: float = 0.0
    records_scanned: float = 0.0
    bytes_scanned: float = 0.0

    @property
    def cost_usd(self) -> float:
        """The estimated price of the bytes scanned, at `PRICE_PER_GB`."""
        return self.bytes_scanned / BYTES_PER_GB * PRICE_PER_GB


class QueryResult(Struct, frozen=True):
    """One GetQueryResults snapshot: partial while the query runs, final once finished.

    `rows` map field name to value, in the order AWS returned the fields.
    """

    query_id: str
    status: QueryStatus
    rows: tuple[Mapping[str, str], ...] = ()
    statistics: QueryStatistics = field(default_factory=QueryStatistics)
    account: str = ""
    """The account it came from ("" in hand-made data)."""
    region: str = ""
    """The region it came from ("" in hand-made data)."""
    retrying: str = ""
    """Why the last GetQueryResults failed, while it is polled again (rows and status are
    the last ones received); "" in a fresh snapshot."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field of every row, first seen first (`@ptr` left out)."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for name in row:
                if name != "@ptr":
                    seen.setdefault(name, None)
        return tuple(seen)


class QueryRun(Struct, frozen=True):
    """A query as asked: text, log groups, window, row limit."""

    query: str
    groups: tuple[str, ...]
    start: datetime
    end: datetime
    limit: int | None = None


class QueryDefinition(Struct, frozen=True):
    """A query saved in the account (DescribeQueryDefinitions): listed read-only."""

    name: str
    query: str
    groups: tuple[str, ...] = ()
    definition_id: str = ""
    account: str = ""
    """The account it came from ("" in hand-made data)."""
    region: str = ""
    """The region it came from ("" in hand-made data)."""
