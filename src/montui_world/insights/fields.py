"""Log events and the fields Logs Insights discovers in them.

Every event has the system fields `@timestamp`, `@message`, `@logStream`, `@log`
(`account-id:log-group-name`), `@ingestionTime` and `@ptr` (an opaque pointer; `decode_ptr`
turns it back into group, stream and event id for GetLogRecord).

Discovered fields, computed only when a query names them and at most once per event:

- Lambda platform lines. `START RequestId: x ...` and `END RequestId: x` give `@type` and
  `@requestId`; `REPORT RequestId: x Duration: 12.34 ms Billed Duration: 13 ms Memory Size:
  128 MB Max Memory Used: 70 MB Init Duration: 150.2 ms` adds `@duration`,
  `@billedDuration`, `@initDuration` (milliseconds) and `@memorySize`, `@maxMemoryUsed` in
  bytes, taking 1 MB as 1,000,000 bytes as AWS does (its record view shows `1.28E8` for
  128 MB), plus `@xrayTraceId` and `@xraySegmentId` when the line carries them.
  A runtime line `2026-11-21T03:04:05.678Z<TAB>request-id<TAB>ERROR<TAB>text` (the Node.js
  runtime's format, also with spaces, as "Task timed out" lines are) gives `@requestId`;
  AWS's documentation is silent on this and it is a choice, made because the console shows
  the request id on such lines. The Python runtime's `logging` format (`[ERROR]<TAB>time<TAB>
  request-id<TAB>text`) is not matched: nothing AWS documents says Logs Insights reads it,
  and the scenario's Python functions log through Powertools (JSON) instead.
- JSON. A message that is a JSON object is flattened with dots (`req.status`) and array
  indexes (`items.0.id`); JSON `true`/`false` become the text `true`/`false`, `null` leaves
  the field missing. A key starting with `@` gains a second `@` (`@@example.com`), as AWS
  documents. In a Lambda log group (`/aws/lambda/...`) the first JSON object embedded in
  the line is used, so `...<TAB>INFO<TAB>{"a": 1}` yields `a`. AWS caps extraction at
  100-200 fields; no cap is applied here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from montui_world.insights.values import ReportedNumber, Timestamp, Value

__all__ = [
    "DEFAULT_ACCOUNT",
    "PLATFORM_FIELDS",
    "SYSTEM_FIELDS",
    "EventRecord",
    "LogEvent",
    "decode_ptr",
    "event_getter",
    "flatten_json",
    "platform_fields",
    "platform_type",
    "ptr_for",
]

DEFAULT_ACCOUNT = "123456789012"
SYSTEM_FIELDS = ("@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr")
PLATFORM_FIELDS = frozenset(
    {
        "@type",
        "@requestId",
        "@duration",
        "@billedDuration",
        "@memorySize",
        "@maxMemoryUsed",
        "@initDuration",
        "@xrayTraceId",
        "@xraySegmentId",
    }
)

_REPORT_ITEM = re.compile(
    r"(Billed Duration|Init Duration|Max Memory Used|Memory Size|Duration"
    r"|XRAY TraceId|SegmentId): (\S+)"
)
_REPORT_NAMES = {
    "Duration": "@duration",
    "Billed Duration": "@billedDuration",
    "Init Duration": "@initDuration",
    "Memory Size": "@memorySize",
    "Max Memory Used": "@maxMemoryUsed",
    "XRAY TraceId": "@xrayTraceId",
    "SegmentId": "@xraySegmentId",
}
_MEGABYTE_FIELDS = frozenset({"@memorySize", "@maxMemoryUsed"})
_RUNTIME_LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z[\t ]([0-9a-fA-F]{8}-[0-9a-fA-F-]{27})[\t ]"
)
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One CloudWatch Logs event as the local world stores it."""

    timestamp_ms: int
    message: str
    log_group: str
    log_stream: str
    ingestion_time_ms: int
    event_id: str


def ptr_for(event: LogEvent) -> str:
    """The opaque `@ptr` of an event (base64 of group, stream and event id)."""
    account = getattr(event, "account", None)  # a linked account's event (`LinkedEvent`)
    group = f"{account}:{event.log_group}" if account else event.log_group
    raw = f"{group}\n{event.log_stream}\n{event.event_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_ptr(ptr: str) -> tuple[str, str, str]:
    """(log group, log stream, event id) from a `@ptr`; raises ValueError if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(ptr + "=" * (-len(ptr) % 4)).decode()
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not a @ptr: {ptr!r}") from error
    parts = raw.split("\n")
    if len(parts) != 3:
        raise ValueError(f"not a @ptr: {ptr!r}")
    return parts[0], parts[1], parts[2]


def _report_fields(message: str, request_id: str) -> dict[str, Value]:
    fields: dict[str, Value] = {"@type": "REPORT", "@requestId": request_id}
    for label, raw in _REPORT_ITEM.findall(message):
        name = _REPORT_NAMES[label]
        if name in ("@xrayTraceId", "@xraySegmentId"):
            fields[name] = raw
            continue
        try:
            number = float(raw)
        except ValueError:
            continue
        fields[name] = ReportedNumber(number * 1e6 if name in _MEGABYTE_FIELDS else number)
    return fields


def platform_fields(message: str) -> dict[str, Value]:
    """The `@type`, `@requestId`, `@duration`, ... fields of a Lambda platform line."""
    if message.startswith("REPORT RequestId: "):
        return _report_fields(message, _first_word(message, 18))
    if message.startswith("START RequestId: "):
        return {"@type": "START", "@requestId": _first_word(message, 17)}
    if message.startswith("END RequestId: "):
        return {"@type": "END", "@requestId": _first_word(message, 15)}
    if message[:1].isdigit():
        match = _RUNTIME_LINE.match(message)
        if match:
            return {"@requestId": match.group(1)}
    return {}


def platform_type(message: str) -> str | None:
    """Just `@type` (REPORT, START or END), without parsing the rest of the line."""
    if message.startswith("REPORT RequestId: "):
        return "REPORT"
    if message.startswith("START RequestId: "):
        return "START"
    if message.startswith("END RequestId: "):
        return "END"
    return None


def _first_word(message: str, start: int) -> str:
    words = message[start:].split(None, 1)
    return words[0] if words else ""


def _flatten(prefix: str, node: Any, out: dict[str, Value]) -> None:
    if isinstance(node, dict):
        for key, child in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), child, out)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _flatten(f"{prefix}.{index}" if prefix else str(index), child, out)
    elif node is None:
        return
    elif isinstance(node, bool):
        out[prefix] = "true" if node else "false"
    elif isinstance(node, str | int | float):
        out[prefix] = node


def flatten_json(message: str, embedded: bool) -> dict[str, Value]:
    """The dotted fields of a JSON message (or of its first embedded object if `embedded`)."""
    start = 0
    while start < len(message) and message[start].isspace():
        start += 1
    if start >= len(message) or message[start] != "{":
        if not embedded:
            return {}
        start = message.find("{")
        if start < 0:
            return {}
    try:
        document, _ = _DECODER.raw_decode(message, start)
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    out: dict[str, Value] = {}
    _flatten("", document, out)
    if any(name.startswith("@") for name in out):
        out = {("@" + name if name.startswith("@") else name): v for name, v in out.items()}
    return out


class EventRecord:
    """An event on its way through a query: the event, fields the query assigned, caches."""

    __slots__ = ("_json", "_platform", "assigned", "event")

    def __init__(self, event: LogEvent) -> None:
        self.event = event
        self.assigned: dict[str, Value] | None = None
        self._json: dict[str, Value] | None = None
        self._platform: dict[str, Value] | None = None

    def assign(self, name: str, value: Value) -> None:
        """Set a field created by `fields ... as name` or `parse`."""
        if self.assigned is None:
            self.assigned = {}
        self.assigned[name] = value

    def platform(self) -> dict[str, Value]:
        """The Lambda platform fields of this event (parsed once)."""
        if self._platform is None:
            self._platform = platform_fields(self.event.message)
        return self._platform

    def json(self) -> dict[str, Value]:
        """The JSON fields of this event (parsed once)."""
        if self._json is None:
            event = self.event
            self._json = flatten_json(event.message, event.log_group.startswith("/aws/lambda/"))
        return self._json


EventGetter = Callable[[EventRecord], Value]


def event_getter(name: str, account_id: str) -> EventGetter:
    """How to read field `name` from an event, ignoring fields the query assigns."""
    if name == "@timestamp":
        return lambda record: Timestamp(record.event.timestamp_ms)
    if name == "@message":
        return lambda record: record.event.message
    if name == "@logStream":
        return lambda record: record.event.log_stream
    if name == "@log":
        # a linked account's event carries its own account (`ext.logs_linked.LinkedEvent`)
        return lambda record: (
            f"{getattr(record.event, 'account', account_id)}:{record.event.log_group}"
        )
    if name == "@ingestionTime":
        return lambda record: Timestamp(record.event.ingestion_time_ms)
    if name == "@ptr":
        return lambda record: ptr_for(record.event)
    if name == "@type":
        return lambda record: platform_type(record.event.message)
    if name in PLATFORM_FIELDS:
        return lambda record: record.platform().get(name)
    return lambda record: record.json().get(name)
