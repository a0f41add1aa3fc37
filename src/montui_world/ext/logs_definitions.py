"""Saved Logs Insights queries and log group search, patched into moto 5.2.5's logs service.

moto has no query definitions and ignores DescribeLogGroups' `logGroupNamePattern`.
`install()` adds or wraps four handlers on moto's `LogsResponse` (JSON protocol):

- `PutQueryDefinition`: `name` and `queryString` required, `logGroupNames` optional; without
  `queryDefinitionId` a new definition (a UUID) is made, with one the definition is replaced
  (the log groups too: omitted means none, as AWS documents); an unknown id is a
  `ResourceNotFoundException`. `lastModified` is the time of the call (epoch ms).
- `DescribeQueryDefinitions`: every definition of the account and region, or those whose
  name starts with `queryDefinitionNamePrefix`, in name order (AWS does not document its
  order); `maxResults` (1-1000, default 1000) and `nextToken`.
- `DeleteQueryDefinition`: `{"success": true}`; an unknown id a `ResourceNotFoundException`.
- `DescribeLogGroups` with `logGroupNamePattern`: the groups whose name contains it
  (case-sensitive, as botocore's service model documents), in name order, only `arn`,
  `creationTime` and `logGroupName` per group, `limit` (1-50) and `nextToken`; with
  `logGroupNamePrefix` as well an `InvalidParameterException`. Without a pattern, moto's own.

The definitions live on the moto backend, so a world reset forgets them.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.core.utils import unix_time_millis
from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.responses import LogsResponse

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.logs_paging import page_slice
from montui_world.ext.patching import installed, patch

__all__ = ["QueryDefinition", "definitions_of", "install"]

_MARK = "_montui_logs_definitions_ext"
_STORE = "_montui_query_definitions"
_LOCK = threading.Lock()
MAX_RESULTS = 1000
MAX_GROUPS_PAGE = 50


@dataclass(slots=True)
class QueryDefinition:
    """One saved query, as DescribeQueryDefinitions lists it."""

    definition_id: str
    name: str
    query_string: str
    log_group_names: tuple[str, ...]
    last_modified_ms: int

    def to_dict(self) -> dict[str, Any]:
        """The API's `QueryDefinition` structure."""
        item: dict[str, Any] = {
            "queryLanguage": "CWLI",
            "queryDefinitionId": self.definition_id,
            "name": self.name,
            "queryString": self.query_string,
            "lastModified": self.last_modified_ms,
        }
        if self.log_group_names:
            item["logGroupNames"] = list(self.log_group_names)
        return item


def definitions_of(backend: Any) -> dict[str, QueryDefinition]:
    """The query definitions of a moto logs backend by id (gone with the backend on reset);
    read and change it under `_LOCK`."""
    store = getattr(backend, _STORE, None)
    if not isinstance(store, dict):
        store = {}
        setattr(backend, _STORE, store)
    return store


def install() -> None:
    """Patch moto's logs service; calling it again changes nothing."""
    with _LOCK:
        if installed(LogsResponse, _MARK):
            return
        original: Callable[[Any], str] = LogsResponse.describe_log_groups
        handlers: dict[str, Callable[[Any], str]] = {
            "put_query_definition": _put_query_definition,
            "describe_query_definitions": _describe_query_definitions,
            "delete_query_definition": _delete_query_definition,
            "describe_log_groups": _with_pattern(original),
        }
        patch(LogsResponse, _MARK, handlers)


def _required(response: Any, name: str) -> str:
    value = response._get_param(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(f"{name} is required")
    return value


def _put_query_definition(self: Any) -> str:
    name = _required(self, "name")
    query = _required(self, "queryString")
    groups = tuple(str(g) for g in self._get_param("logGroupNames") or [])
    wanted = self._get_param("queryDefinitionId")
    now_ms = WORLD_CLOCK.epoch_ms()
    with _LOCK:
        store = definitions_of(self.logs_backend)
        if wanted and wanted not in store:
            raise ResourceNotFoundException("The specified query definition does not exist.")
        definition_id = str(wanted or uuid.uuid4())
        store[definition_id] = QueryDefinition(definition_id, name, query, groups, now_ms)
    return json.dumps({"queryDefinitionId": definition_id})


def _describe_query_definitions(self: Any) -> str:
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    with _LOCK:
        chosen = sorted(
            (d for d in definitions_of(self.logs_backend).values() if d.name.startswith(prefix)),
            key=lambda d: (d.name, d.definition_id),
        )
    first, last = page_slice(self, "maxResults", MAX_RESULTS, len(chosen), strict=True)
    body: dict[str, Any] = {"queryDefinitions": [d.to_dict() for d in chosen[first:last]]}
    if last < len(chosen):
        body["nextToken"] = str(last)
    return json.dumps(body)


def _delete_query_definition(self: Any) -> str:
    definition_id = _required(self, "queryDefinitionId")
    with _LOCK:
        store = definitions_of(self.logs_backend)
        if store.pop(definition_id, None) is None:
            raise ResourceNotFoundException("The specified query definition does not exist.")
    return json.dumps({"success": True})


def _with_pattern(original: Callable[[Any], str]) -> Callable[[Any], str]:
    """DescribeLogGroups that honours `logGroupNamePattern`, moto's own otherwise."""

    def describe_log_groups(self: Any) -> str:
        pattern = self._get_param("logGroupNamePattern")
        if not pattern:
            return original(self)
        if self._get_param("logGroupNamePrefix"):
            raise InvalidParameterException(
                "logGroupNamePattern and logGroupNamePrefix are mutually exclusive"
            )
        groups = sorted(
            (g for name, g in self.logs_backend.groups.items() if pattern in name),
            key=lambda g: g.name,
        )
        first, last = page_slice(self, "limit", MAX_GROUPS_PAGE, len(groups), strict=True)
        body: dict[str, Any] = {
            "logGroups": [
                {
                    "arn": f"{g.arn}:*",
                    "creationTime": int(unix_time_millis(g.creation_time)),
                    "logGroupName": g.name,
                }
                for g in groups[first:last]
            ]
        }
        if last < len(groups):
            body["nextToken"] = str(last)
        return json.dumps(body)

    return describe_log_groups
