"""The workbench's match histogram: how many records the user's query matches over time.

`histogram_query` keeps the part of the query that decides *which* records match and ends it
with `stats count(*) as matches by bin(<bin>)`; `histogram_bin` picks a bin that gives the
chart a useful number of bars for the window.
"""

from __future__ import annotations

import math

from montui.model.insights_syntax import commands
from montui.model.metrics import TimeWindow

__all__ = ["BINS", "histogram_bin", "histogram_query", "histogram_skip"]

BINS: tuple[tuple[int, str], ...] = (
    (10, "10s"), (30, "30s"), (60, "1m"), (300, "5m"), (600, "10m"), (900, "15m"),
    (1800, "30m"), (3600, "1h"), (10800, "3h"), (21600, "6h"), (43200, "12h"), (86400, "1d"),
)  # fmt: skip
"""Bin sizes in seconds and as Logs Insights literals, smallest first."""

_SUB_MINUTE_BELOW = 1800
"""Bins under a minute only for windows shorter than this (seconds): on longer windows they
would only be chosen for very large bucket targets, and cost the chart nothing but noise."""

KEEP = frozenset({"filter", "parse", "fields", "unmask", "filterindex", "source"})
"""Commands that decide which records match (or compute fields that filters use)."""

DROP = frozenset({"sort", "limit", "display", "dedup"})
"""Commands that only order, cut or reshape the rows shown; a histogram counts all matches.
(`dedup` does change the count, but the histogram shows matches, not distinct rows.)"""


def histogram_bin(window: TimeWindow, target_buckets: int = 60) -> str:
    """The smallest bin from `BINS` giving at most `target_buckets` bars over `window`
    (`ceil(length / bin)` bars); `1d` when even that gives more. Bins under a minute are used
    only for windows shorter than 30 minutes."""
    if target_buckets < 1:
        raise ValueError("target_buckets must be at least 1")
    length = max(window.length.total_seconds(), 1.0)
    for seconds, literal in BINS:
        if seconds < 60 and length >= _SUB_MINUTE_BELOW:
            continue
        if math.ceil(length / seconds) <= target_buckets:
            return literal
    return BINS[-1][1]


AGGREGATING = frozenset({"stats", "pattern", "diff", "unnest"})
"""Commands whose rows are not the matching records: the query draws its own picture."""


def histogram_skip(query: str) -> str | None:
    """Why `query` gets no histogram (None: it gets one): it aggregates or reshapes its rows,
    or it holds a command not known here (a typo such as `filtr` is one)."""
    for name, _start, _end in commands(query):
        if not name or name in KEEP or name in DROP:
            continue
        if name in AGGREGATING:
            return f"the query aggregates ({name}) itself"
        return f"the query has a command the histogram cannot follow ({name})"
    return None


def histogram_query(query: str, window: TimeWindow) -> str | None:
    """`query`'s filtering commands followed by `stats count(*) as matches by bin(<bin>)`.

    Kept: `filter`, `parse`, `fields`, `unmask`, `filterIndex`, `source` (in their order).
    Dropped: `sort`, `limit`, `display`, `dedup`. None when the query aggregates or reshapes
    rows (`stats`, `pattern`, `diff`, `unnest`) or holds a command not known here: the count
    of its input records would not be what the user sees. A query with no filter gives the
    histogram of every record. Segments are joined with newlines, so a trailing `# comment`
    in a kept command cannot swallow what follows.
    """
    if histogram_skip(query) is not None:
        return None
    kept = [query[start:end].strip() for name, start, end in commands(query) if name in KEEP]
    kept.append(f"stats count(*) as matches by bin({histogram_bin(window)})")
    return "\n| ".join(kept)
