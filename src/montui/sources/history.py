"""CloudWatch alarm history: DescribeAlarmHistory, every page, parsed into `HistoryItem`.

AWS (and the local world) return only metric alarms' history unless AlarmTypes names
CompositeAlarm, so callers say which kind the alarm is. `history_item_from_api` is pure and
unit-tested without a server; `alarm_history` does the paging and maps errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from montui.model.alarm import AlarmKind, AlarmState
from montui.model.history import HistoryItem, HistoryKind
from montui.model.place import Place
from montui.model.records import replace
from montui.sources.error_mapping import source_errors
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients
from montui.sources.timestamps import utc

ACTION = "cloudwatch:DescribeAlarmHistory"
PAGE_SIZE = 100
"""100 items a page: 200,000 items is far beyond 14 days of any alarm; bounds a bad server."""

__all__ = ["ACTION", "alarm_history", "history_item_from_api", "region_state_history"]


async def alarm_history(
    clients: AwsClients,
    place: Place,
    alarm_name: str,
    *,
    composite: bool = False,
    start: datetime,
    end: datetime,
    kinds: Sequence[HistoryKind] = (),
) -> tuple[HistoryItem, ...]:
    """The history of `alarm_name` in `region` between `start` and `end`, newest first.

    `kinds` limits the item types (empty: every type montui knows; AWS's contributor items
    are left out). One kind is filtered by AWS (HistoryItemType); several are filtered here,
    since the API takes only one. Raises only `SourceError` subclasses.
    """
    wanted = frozenset(kinds) or frozenset(HistoryKind)
    request: dict[str, Any] = {
        "AlarmName": alarm_name,
        "AlarmTypes": [(AlarmKind.COMPOSITE if composite else AlarmKind.METRIC).value],
    }
    if len(wanted) == 1:
        (only,) = wanted
        request["HistoryItemType"] = only.value
    items = await _history_items(clients, place, request, start=start, end=end, wanted=wanted)
    items.sort(key=lambda i: i.timestamp, reverse=True)
    return tuple(items)


async def region_state_history(
    clients: AwsClients, place: Place, *, start: datetime, end: datetime
) -> tuple[HistoryItem, ...]:
    """Every alarm's state updates in `region` between `start` and `end`, oldest first: ONE
    paged DescribeAlarmHistory stream for the whole region (no AlarmName; metric and
    composite alarms; HistoryItemType StateUpdate; ScanBy TimestampAscending; every page),
    not one call per alarm: what the alarm review reads. Raises only `SourceError`s."""
    request: dict[str, Any] = {
        "AlarmTypes": [AlarmKind.METRIC.value, AlarmKind.COMPOSITE.value],
        "HistoryItemType": HistoryKind.STATE.value,
        "ScanBy": "TimestampAscending",
    }
    wanted = frozenset({HistoryKind.STATE})
    items = await _history_items(clients, place, request, start=start, end=end, wanted=wanted)
    items.sort(key=lambda i: i.timestamp)
    return tuple(items)


async def _history_items(
    clients: AwsClients,
    place: Place,
    request: Mapping[str, Any],
    *,
    start: datetime,
    end: datetime,
    wanted: frozenset[HistoryKind],
) -> list[HistoryItem]:
    """Every page of DescribeAlarmHistory for `request` over [start, end], the `wanted`
    kinds parsed, each marked with its account and region; errors mapped."""
    profile = clients.target.profile
    full: dict[str, Any] = {
        "ScanBy": "TimestampDescending",
        **request,
        "StartDate": start,
        "EndDate": end,
        "MaxRecords": PAGE_SIZE,
    }
    items: list[HistoryItem] = []
    with source_errors(service="cloudwatch", region=place.region, profile=profile, action=ACTION):
        pages = client_pages(clients, place, "cloudwatch", "DescribeAlarmHistory", full)
        async for page in pages:
            for data in page.get("AlarmHistoryItems") or ():
                item = history_item_from_api(data)
                if item is not None and item.kind in wanted:
                    items.append(replace(item, account=place.account, region=place.region))
    return items


def history_item_from_api(data: Mapping[str, Any]) -> HistoryItem | None:
    """One AlarmHistoryItem as a `HistoryItem`; None for an item type montui does not show.

    Pure. For a StateUpdate, HistoryData's `oldState.stateValue`, `newState.stateValue` and
    `newState.stateReason` fill `old_state`, `new_state` and `reason`; HistoryData that is not
    the JSON AWS documents leaves them empty rather than dropping the item.
    """
    try:
        kind = HistoryKind(str(data.get("HistoryItemType", "")))
    except ValueError:
        return None
    raw = str(data.get("HistoryData") or "")
    old_state = new_state = None
    reason = ""
    if kind is HistoryKind.STATE:
        parsed = _json(raw)
        old_state = _state(parsed.get("oldState"))
        new_state = _state(parsed.get("newState"))
        new = parsed.get("newState")
        if isinstance(new, Mapping):
            reason = str(new.get("stateReason") or "")
    return HistoryItem(
        alarm=str(data.get("AlarmName", "")),
        timestamp=utc(data.get("Timestamp")),
        kind=kind,
        summary=str(data.get("HistorySummary") or ""),
        old_state=old_state,
        new_state=new_state,
        reason=reason,
        data=raw,
    )


def _json(text: str) -> Mapping[str, Any]:
    try:
        parsed = json.loads(text) if text else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, Mapping) else {}


def _state(record: Any) -> AlarmState | None:
    if not isinstance(record, Mapping):
        return None
    try:
        return AlarmState(str(record.get("stateValue")))
    except ValueError:
        return None
