"""DescribeAlarmHistory over the wire, and deletions recorded: patched into moto 5.2.5.

`install()` adds DescribeAlarmHistory to moto's CloudWatch and wraps DeleteAlarms so a deleted
alarm leaves its `Alarm "x" deleted` item (the items themselves are `history`'s).
`history_page` holds the filters and paging, as the API reference describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from montui_world.ext.alarm_store import LOCK, request_time
from montui_world.ext.cursor import decode_cursor, encode_cursor
from montui_world.ext.history import HISTORY_ITEM_TYPES, HistoryItem, items_of, record_configuration
from montui_world.ext.patching import installed, patch
from montui_world.wording import moto_time

_MARK = "_montui_history_ext"


def install() -> None:
    """Answer DescribeAlarmHistory and record deletions in moto's CloudWatch; idempotent."""
    if installed(CloudWatchResponse, _MARK):
        return
    original_delete = CloudWatchResponse.delete_alarms

    def delete_alarms(self: Any) -> Any:
        with LOCK:
            alarms = self.cloudwatch_backend.alarms
            at = request_time(self)
            for name in self._get_param("AlarmNames", []) or []:
                if name in alarms:
                    record_configuration(alarms[name], "Delete", at=at)
            return original_delete(self)

    def describe_alarm_history(self: Any) -> Any:
        params = {key: self._get_param(key) for key in _PARAMS}
        with LOCK:
            items = list(items_of(self.cloudwatch_backend))
        return ActionResult(history_page(items, params))

    handlers = {"delete_alarms": delete_alarms, "describe_alarm_history": describe_alarm_history}
    patch(CloudWatchResponse, _MARK, handlers)


def history_page(items: list[HistoryItem], params: Mapping[str, Any]) -> dict[str, Any]:
    """The DescribeAlarmHistory output over `items` (oldest first) for `params`.

    Filters combine; `AlarmTypes` absent means metric alarms only, as the API reference says
    (even with an AlarmName: ask for CompositeAlarm to see a composite's history).
    MaxRecords 1..100, default 100; the NextToken is a cursor after the last item returned.
    """
    limit = params.get("MaxRecords")
    limit = 100 if limit is None else int(limit)
    if not 1 <= limit <= 100:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'maxRecords' failed to satisfy "
            "constraint: Member must have value between 1 and 100"
        )
    wanted = _enum(params.get("HistoryItemType"), HISTORY_ITEM_TYPES, "historyItemType")
    scan = _enum(params.get("ScanBy"), _SCANS, "scanBy") or "TimestampDescending"
    types = list(params.get("AlarmTypes") or []) or ["MetricAlarm"]
    for kind in types:
        _enum(kind, ("CompositeAlarm", "MetricAlarm"), "alarmTypes")
    name, start, end = params.get("AlarmName"), params.get("StartDate"), params.get("EndDate")
    start = moto_time(start) if start is not None else None
    end = moto_time(end) if end is not None else None
    selected = [
        item
        for item in items
        if (not name or item.alarm_name == name)
        and item.alarm_type in types
        and (wanted is None or item.item_type == wanted)
        and (start is None or item.timestamp >= start)
        and (end is None or item.timestamp <= end)
    ]
    descending = scan == "TimestampDescending"
    if descending:
        selected.reverse()
    token = params.get("NextToken")
    if token:
        cursor = decode_cursor(str(token), _order_of)
        selected = [
            i for i in selected if i.position != cursor and (i.position < cursor) == descending
        ]
    page = selected[:limit]
    result: dict[str, Any] = {"AlarmHistoryItems": [item.record() for item in page]}
    if len(selected) > limit:
        timestamp, sequence = page[-1].position
        result["NextToken"] = encode_cursor({"t": timestamp.isoformat(), "s": sequence})
    return result


_SCANS = ("TimestampDescending", "TimestampAscending")
_FILTERS = ("AlarmName", "AlarmTypes", "HistoryItemType", "StartDate", "EndDate", "ScanBy")
_PARAMS = (*_FILTERS, "MaxRecords", "NextToken")


def _enum(value: Any, allowed: tuple[str, ...], field_name: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{field_name}' failed to "
            f"satisfy constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return str(value)


def _order_of(cursor: dict[str, Any]) -> tuple[datetime, int]:
    return datetime.fromisoformat(cursor["t"]), int(cursor["s"])
