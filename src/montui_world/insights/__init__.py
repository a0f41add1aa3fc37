"""A CloudWatch Logs Insights query engine for the local AWS world, in pure Python.

moto's StartQuery understands only `fields`, `sort @timestamp` and `limit`; this package
parses and runs the Logs Insights query language so the world can answer the queries an
engineer on call actually types. It knows nothing of moto or HTTP: give it a query string
and `LogEvent`s, get back rows shaped like GetQueryResults' `results`.

    query = parse_query('filter @type = "REPORT" | stats avg(@duration) by bin(5m)')
    result = run_query(query, events, start_ms=..., end_ms=...)
    result.rows        # [[("bin(5m)", "2026-11-21 03:05:00.000"), ("avg(@duration)", "12.3")]]
    result.statistics  # {"recordsMatched": 288.0, "recordsScanned": 86400.0, ...}

While a query is "Running", `run_query_partial(..., fraction=0.5)` (or `iter_snapshots`)
gives the results after scanning the oldest half of the events.

Modules, in the order a query passes through them: `lexer` (tokens), `expressions` and
`parser` (tokens to `nodes`), `patterns` (regexes and `parse` globs), `compiler` and `stats`
(nodes to closures), `fields` (system, Lambda and JSON fields of an event), `functions` and
`aggregates`, `values` (comparison, sorting and printing), `engine` (the pipeline).
`python -m montui_world.insights.bench` times the engine on a day of Lambda logs.
"""

from montui_world.insights.engine import QueryResult, iter_snapshots, run_query, run_query_partial
from montui_world.insights.errors import MalformedQuery
from montui_world.insights.fields import DEFAULT_ACCOUNT, LogEvent, decode_ptr
from montui_world.insights.nodes import Query
from montui_world.insights.parser import MAX_LIMIT, parse_query

__all__ = [
    "DEFAULT_ACCOUNT",
    "MAX_LIMIT",
    "LogEvent",
    "MalformedQuery",
    "Query",
    "QueryResult",
    "decode_ptr",
    "iter_snapshots",
    "parse_query",
    "run_query",
    "run_query_partial",
]
