"""CloudWatch Logs Insights in the local world, patched into moto 5.2.5's logs service.

moto's StartQuery understands only `fields`, `sort` and `limit`, its queries are Complete at
once, it has no statistics and no StopQuery. `install()` replaces or adds five handlers on
moto's `LogsResponse` (JSON protocol) and has events stored in a form the engine reads
(`logs_store`):

- `StartQuery`: exactly one of `logGroupName` / `logGroupNames` / `logGroupIdentifiers`
  (names or ARNs, at most 50; a linked account's group by ARN: `logs_linked`),
  `startTime`/`endTime` in epoch seconds (both included),
  `queryString` parsed by `montui_world.insights` (a bad one is a `MalformedQueryException`
  carrying `queryCompileError.location`), `limit`. Unknown log groups are a
  `ResourceNotFoundException`; more Scheduled + Running queries than the cap (30 by
  default, as AWS's Standard quota) a `LimitExceededException`.
- `GetQueryResults`: status Scheduled -> Running (partial results) -> Complete, paced as
  `logs_queries` describes; `results` as `[[{field, value}, ...], ...]` with `@ptr` for
  queries without `stats`; `statistics`; `maxItems`/`nextToken` paging; no `encryptionKey`.
- `StopQuery`: a Scheduled or Running query becomes Cancelled (`{"success": true}`); one
  that has ended is an `InvalidParameterException` (AWS documents "an error indicating that
  the specified query is not running"); an unknown id a `ResourceNotFoundException`.
- `DescribeQueries`: every query of the account and region, newest first, or those of one
  `logGroupName` and/or one `status`; `maxResults` (1-1000) and `nextToken`.
- `GetLogRecord`: the event behind a `@ptr`, with its system, Lambda and JSON fields.

AWS's API reference documents the error codes but not their messages. The messages here
("Log group '...' does not exist for account ID '...'", "Account maximum query concurrency
limit of [30] reached.", "Query does not exist.") are written to resemble the service's and
are not verified against it; montui must branch on error codes, never on these texts.
Settings (`configure`, `QueryPacing`, `DEMO_PACING`) and the bulk `put_events` are
re-exported here: `from montui_world.ext.logs import configure, DEMO_PACING, put_events`.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from moto.logs.exceptions import (
    InvalidParameterException,
    LogsClientError,
    ResourceNotFoundException,
)
from moto.logs.responses import LogsResponse

from montui_world.ext.logs_linked import linked_events, record_backend, resolve
from montui_world.ext.logs_paging import page_slice
from montui_world.ext.logs_queries import (
    BOOK_LOCK,
    DEMO_PACING,
    INSTANT,
    LogsSettings,
    QueryPacing,
    QueryRun,
    book_of,
    configure,
    restore,
    settings,
)
from montui_world.ext.logs_store import find_event, install_store, put_events
from montui_world.ext.patching import installed, patch
from montui_world.insights import MalformedQuery, decode_ptr, parse_query, run_query
from montui_world.insights.fields import EventRecord
from montui_world.insights.values import format_value

__all__ = [
    "DEMO_PACING",
    "INSTANT",
    "LogsSettings",
    "QueryPacing",
    "configure",
    "install",
    "put_events",
    "restore",
    "settings",
]

MAX_LOG_GROUPS = 50
QUERY_STATUSES = ("Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown")
_MARK = "_montui_logs_ext"
_INSTALL_LOCK = threading.Lock()
_TOKEN = re.compile(r"[\w@.$]+|\S")


class MalformedQueryException(LogsClientError):
    """A query that does not parse, with AWS's `queryCompileError` member."""

    def __init__(self, error: MalformedQuery, text: str) -> None:
        super().__init__("MalformedQueryException", error.message)
        token = _TOKEN.match(text, error.offset)
        end = token.end() if token is not None else error.offset
        body = json.loads(self.description)
        body["queryCompileError"] = {
            "location": {"startCharOffset": error.offset, "endCharOffset": end},
            "message": error.message,
        }
        self.description = json.dumps(body)


class LimitExceededException(LogsClientError):
    """Too many queries at once."""

    def __init__(self, message: str) -> None:
        super().__init__("LimitExceededException", message)


def install() -> None:
    """Patch moto's logs service; calling it again changes nothing."""
    with _INSTALL_LOCK:
        install_store()
        if installed(LogsResponse, _MARK):
            return
        handlers = {
            "start_query": _start_query,
            "get_query_results": _get_query_results,
            "stop_query": _stop_query,
            "describe_queries": _describe_queries,
            "get_log_record": _get_log_record,
        }
        patch(LogsResponse, _MARK, handlers)


def _missing_group(name: str, backend: Any) -> str:
    return f"Log group '{name}' does not exist for account ID '{backend.account_id}'"


def _log_groups(response: Any) -> tuple[str, ...]:
    backend = response.logs_backend
    given = [
        value
        for value in (
            response._get_param("logGroupName"),
            response._get_param("logGroupNames"),
            response._get_param("logGroupIdentifiers"),
        )
        if value
    ]
    if len(given) != 1:
        raise InvalidParameterException(
            "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified"
        )
    names = [given[0]] if isinstance(given[0], str) else [str(v) for v in given[0]]
    if len(names) > MAX_LOG_GROUPS:
        raise InvalidParameterException(
            f"A query can target at most {MAX_LOG_GROUPS} log groups, not {len(names)}"
        )
    # a linked account's group (by ARN) is read through OAM (`logs_linked`)
    return tuple(dict.fromkeys(resolve(name, backend) for name in names))


def _parse(text: str) -> Any:
    try:
        query = parse_query(text)
        run_query(query, [], start_ms=0, end_ms=0)  # compile-time errors surface here
    except MalformedQuery as error:
        raise MalformedQueryException(error, text) from error
    return query


def _start_query(self: Any) -> str:
    language = self._get_param("queryLanguage")
    if language not in (None, "CWLI"):
        raise InvalidParameterException(
            f"queryLanguage {language} is not available in the local world; use CWLI"
        )
    start_s, end_s = self._get_param("startTime"), self._get_param("endTime")
    if not isinstance(start_s, int) or not isinstance(end_s, int):
        raise InvalidParameterException("startTime and endTime are required (epoch seconds)")
    if end_s < start_s:
        raise InvalidParameterException("End time should not be before the start time")
    text = self._get_param("queryString") or ""
    query = _parse(text)
    groups = _log_groups(self)
    limit = self._get_param("limit")
    backend = self.logs_backend
    current = settings()
    with BOOK_LOCK:
        book = book_of(backend)
        cap = current.max_concurrent_queries
        if book.active() >= cap:
            # Worded to resemble the service's answer (not in its API reference).
            raise LimitExceededException(
                f"Account maximum query concurrency limit of [{cap}] reached."
            )
        run = QueryRun(
            query=query,
            groups=groups,
            start_ms=start_s * 1000,
            end_ms=end_s * 1000 + 999,
            limit=int(limit) if isinstance(limit, int) else None,
            account_id=backend.account_id,
            pacing=current.pacing,
        )
        book.add(run, current.kept_queries)
    return json.dumps({"queryId": run.query_id})


def _find_run(response: Any) -> QueryRun:
    query_id = response._get_param("queryId")
    with BOOK_LOCK:
        run = book_of(response.logs_backend).runs.get(query_id)
    if run is None:
        raise ResourceNotFoundException("Query does not exist.")
    return run


def _get_query_results(self: Any) -> str:
    run = _find_run(self)
    backend = self.logs_backend
    status, result = run.results(
        lambda: linked_events(backend, run.groups, run.start_ms, run.end_ms)
    )
    first, last = page_slice(self, "maxItems", 10_000, len(result.rows))
    statistics = dict(result.statistics)
    statistics.update(
        estimatedRecordsSkipped=0.0,
        estimatedBytesSkipped=0.0,
        logGroupsScanned=float(len(run.groups)) if status != "Scheduled" else 0.0,
        resultCount=float(len(result.rows)),
    )
    body: dict[str, Any] = {
        "queryLanguage": "CWLI",
        "results": [
            [{"field": name, "value": value} for name, value in row]
            for row in result.rows[first:last]
        ],
        "statistics": statistics,
        "status": status,
    }
    if last < len(result.rows):
        body["nextToken"] = str(last)
    return json.dumps(body)


def _stop_query(self: Any) -> str:
    run = _find_run(self)
    if not run.stop():
        # AWS: "an error indicating that the specified query is not running".
        raise InvalidParameterException(f"Query {run.query_id} is not running")
    return json.dumps({"success": True})


def _describe_queries(self: Any) -> str:
    backend = self.logs_backend
    group = self._get_param("logGroupName")
    status = self._get_param("status")
    if group and group not in backend.groups:
        raise ResourceNotFoundException(_missing_group(group, backend))
    if status is not None and status not in QUERY_STATUSES:
        raise InvalidParameterException(f"Invalid status: {status}")
    language = self._get_param("queryLanguage")
    with BOOK_LOCK:
        runs = book_of(backend).newest_first()
    chosen = [
        run
        for run in runs
        if (not group or group in run.groups)
        and (status is None or run.status() == status)
        and language in (None, "CWLI")
    ]
    first, last = page_slice(self, "maxResults", 1000, len(chosen))
    body: dict[str, Any] = {"queries": [_query_info(run, group) for run in chosen[first:last]]}
    if last < len(chosen):
        body["nextToken"] = str(last)
    return json.dumps(body)


def _query_info(run: QueryRun, group: str | None) -> dict[str, Any]:
    status = run.status()
    info: dict[str, Any] = {
        "queryLanguage": "CWLI",
        "queryId": run.query_id,
        "queryString": run.query.text,
        "status": status,
        "createTime": run.created_ms,
        "logGroupName": group or run.groups[0],
    }
    if status not in ("Scheduled", "Running"):
        info["queryDuration"] = run.duration_ms()
    if run.final is not None:
        info["bytesScanned"] = run.final.bytes_scanned
    return info


def _get_log_record(self: Any) -> str:
    pointer = self._get_param("logRecordPointer") or ""
    try:
        group, stream, event_id = decode_ptr(str(pointer))
    except ValueError as error:
        raise InvalidParameterException("The specified logRecordPointer is not valid.") from error
    backend, group, account = record_backend(self.logs_backend, group)
    event = find_event(backend, group, stream, event_id)
    if event is None:
        raise ResourceNotFoundException("The specified log record does not exist.")
    record = EventRecord(event)
    fields: dict[str, str] = {
        "@ingestionTime": str(event.ingestion_time_ms),
        "@log": f"{account}:{group}",
        "@logStream": stream,
        "@message": event.message,
        "@timestamp": str(event.timestamp_ms),
    }
    for name, value in (*record.platform().items(), *record.json().items()):
        if value is not None:
            fields.setdefault(name, format_value(value))
    return json.dumps({"logRecord": fields})
