"""Log events as the local world stores them: one object that both moto and the engine read.

moto 5.2.5 keeps each event of a log stream as a `moto.logs.models.LogEvent`, an object with
a `__dict__` that moto's `BaseModel` also appends to a class-wide tracking list. A day of
Lambda logs for a handful of functions is a few hundred thousand events, so the world stores
them instead as `StoredEvent`: the Logs Insights engine's own slotted `LogEvent`, plus the
four names moto's GetLogEvents / FilterLogEvents code reads (`timestamp`, `ingestion_time`,
`to_filter_dict`, `to_response_dict`). The engine queries the very objects PutLogEvents
stored, and nothing is copied at query time.

- `install_store()` makes moto's `LogStream.put_log_events` (behind PutLogEvents, and behind
  subscription filters that deliver to another log group) store `StoredEvent`s.
- `put_events(region, group, stream, events)` is the bulk path for the scenario's backfill:
  no HTTP, no 14-day check, the group and stream created if missing.
- `find_event` finds an event by its id (for GetLogRecord) without an index: ids come from
  one process-wide counter and each stream's list is in the order they were given out, so
  a binary search does.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from moto.logs.models import LogStream, logs_backends

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.patching import installed, patch
from montui_world.identity import DEMO_ACCOUNT
from montui_world.insights import LogEvent

__all__ = [
    "STORE_LOCK",
    "StoredEvent",
    "events_of",
    "find_event",
    "install_store",
    "put_events",
]

# Held while events are appended (ids must enter each stream's list in counter order) and
# while the set of streams of a group is read.
STORE_LOCK = threading.RLock()
_ids = itertools.count(1)
_MARK = "_montui_logs_store"


class StoredEvent(LogEvent):
    """An event in a log stream, readable by moto's stream code and by the engine."""

    __slots__ = ()

    @property
    def timestamp(self) -> int:
        """moto's name for the event time (epoch milliseconds)."""
        return self.timestamp_ms

    @property
    def ingestion_time(self) -> int:
        """moto's name for the ingestion time (epoch milliseconds)."""
        return self.ingestion_time_ms

    def to_filter_dict(self) -> dict[str, Any]:
        """The event as FilterLogEvents lists it (moto adds `logStreamName`)."""
        return {
            "eventId": self.event_id,
            "ingestionTime": self.ingestion_time_ms,
            "message": self.message,
            "timestamp": self.timestamp_ms,
        }

    def to_response_dict(self) -> dict[str, Any]:
        """The event as GetLogEvents lists it."""
        return {
            "ingestionTime": self.ingestion_time_ms,
            "message": self.message,
            "timestamp": self.timestamp_ms,
        }


def _now() -> datetime:
    return WORLD_CLOCK.naive()  # moto keeps naive UTC


def _epoch_ms(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def _append(stream: Any, events: list[StoredEvent], ingested: datetime) -> None:
    """Add events to a moto stream and keep moto's bookkeeping right (call under the lock)."""
    stream.events.extend(events)
    stream.stored_bytes += sum(len(event.message) for event in events)
    stream.last_ingestion_time = ingested
    stream.upload_sequence_token += 1


def _put_log_events(self: Any, log_events: list[dict[str, Any]]) -> str:
    """`LogStream.put_log_events`, storing `StoredEvent`s; subscriptions still receive them."""
    ingested = _now()
    ingestion_ms = _epoch_ms(ingested)
    group, name = self.log_group.name, self.log_stream_name
    with STORE_LOCK:
        events = [
            StoredEvent(
                int(item["timestamp"]), str(item["message"]), group, name, ingestion_ms, str(n)
            )
            for item, n in zip(log_events, _ids, strict=False)
        ]
        _append(self, events, ingested)
        token = int(self.upload_sequence_token)
    for subscription in list(self.log_group.subscription_filters.values()):
        self._send_log_events(
            service=subscription.destination_arn.split(":")[2],
            destination_arn=subscription.destination_arn,
            filter_name=subscription.name,
            log_events=[
                {"id": e.event_id, "timestamp": e.timestamp_ms, "message": e.message}
                for e in events
            ],
        )
    return f"{token:056d}"


def install_store() -> None:
    """Make moto store `StoredEvent`s; idempotent."""
    with STORE_LOCK:
        if installed(LogStream, _MARK):
            return
        patch(LogStream, _MARK, {"put_log_events": _put_log_events})


def put_events(
    region: str,
    group: str,
    stream: str,
    events: Iterable[tuple[int, str]],
    *,
    account_id: str = DEMO_ACCOUNT,
    ingestion_delay_ms: int = 500,
) -> int:
    """Store `(timestamp_ms, message)` events in a log stream of the in-process world.

    The fast path for backfilling: no HTTP, no PutLogEvents checks (order, age, batch size),
    and the log group and stream are created when missing. Each event's `@ingestionTime` is
    its timestamp plus `ingestion_delay_ms`, as if it had been shipped as it happened.
    Subscription filters are not fed. Returns the number of events stored.
    """
    install_store()
    backend = logs_backends[account_id][region]
    with STORE_LOCK:
        backend.ensure_log_group(group)
        backend.ensure_log_stream(group, stream)
        log_stream = backend.groups[group].streams[stream]
        name, stream_name = log_stream.log_group.name, log_stream.log_stream_name
        stored = [
            StoredEvent(int(at), message, name, stream_name, int(at) + ingestion_delay_ms, str(n))
            for (at, message), n in zip(events, _ids, strict=False)
        ]
        if stored:
            last = max(event.ingestion_time_ms for event in stored)
            _append(
                log_stream, stored, datetime.fromtimestamp(last / 1000, UTC).replace(tzinfo=None)
            )
    return len(stored)


def events_of(backend: Any, groups: Iterable[str]) -> Iterator[LogEvent]:
    """Every stored event of the named log groups (missing groups are skipped), unordered.

    Every event is a `StoredEvent` once `install_store()` has run, which `install()` does
    before the world serves its first request.
    """
    with STORE_LOCK:
        streams = [
            stream
            for name in groups
            if name in backend.groups
            for stream in list(backend.groups[name].streams.values())
        ]
    events: Iterator[LogEvent] = itertools.chain.from_iterable(s.events for s in streams)
    return events


def _id_number(event: Any) -> int:
    try:
        return int(event.event_id)
    except (TypeError, ValueError):
        return -1


def find_event(backend: Any, group: str, stream: str, event_id: str) -> StoredEvent | None:
    """The event `event_id` of `group`/`stream` in `backend`, or None."""
    try:
        wanted = int(event_id)
    except ValueError:
        return None
    log_group = backend.groups.get(group)
    log_stream = log_group.streams.get(stream) if log_group is not None else None
    if log_stream is None:
        return None
    events = log_stream.events
    index = bisect.bisect_left(events, wanted, key=_id_number)
    if index < len(events) and _id_number(events[index]) == wanted:
        found = events[index]
        return found if isinstance(found, StoredEvent) else None
    return None
