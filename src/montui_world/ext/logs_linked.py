"""Logs across accounts: what a CloudWatch cross-account observability monitoring account reads.

AWS lets a monitoring account (a sink in `oam_store`) read the log groups of the source accounts
linked to it sharing `AWS::Logs::LogGroup`, in the same region:

- `DescribeLogGroups` with `includeLinkedAccounts: true` lists the caller's groups and every
  linked account's (or only those of `accountIdentifiers`, at most 20 twelve-digit ids), each
  with its `arn`/`logGroupArn` naming its own account, in name order then account, paged by
  `limit` (1..50) and `nextToken`; `logGroupNamePrefix` / `logGroupNamePattern` still filter.
  An account that is no monitoring account gets its own groups only.
- `StartQuery` takes linked groups by ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`,
  with or without `:*`); an ARN of an account that is not linked (or a group it does not have)
  is a `ResourceNotFoundException`, as for a missing group.
- `GetQueryResults` rows of a linked group carry `@log` = `<its account>:<group>`, and their
  `@ptr` leads `GetLogRecord` back to the event in that account.

A run keeps its groups as names (the caller's) and canonical ARNs (a linked account's);
`resolve` makes that key, `linked_events` reads the events behind it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from moto.core.utils import unix_time_millis
from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.models import logs_backends
from moto.logs.responses import LogsResponse

from montui_world.ext.logs_paging import page_slice
from montui_world.ext.logs_store import STORE_LOCK, events_of
from montui_world.ext.oam_store import LOG_GROUP, OAM_STORE
from montui_world.ext.patching import installed, patch
from montui_world.insights import LogEvent

__all__ = ["LinkedEvent", "install", "linked_events", "resolve", "split_foreign"]

_MARK = "_montui_logs_linked_ext"
_ACCOUNT = re.compile(r"^\d{12}$")
_FOREIGN = re.compile(r"^arn:aws:logs:([a-z0-9-]+):(\d{12}):log-group:(.+)$")
MAX_ACCOUNTS = 20


class LinkedEvent(LogEvent):
    """An event of a linked account's log group, as a monitoring account's query sees it."""

    __slots__ = ("account",)

    def __init__(self, event: LogEvent, account: str) -> None:
        super().__init__(
            event.timestamp_ms,
            event.message,
            event.log_group,
            event.log_stream,
            event.ingestion_time_ms,
            event.event_id,
        )
        object.__setattr__(self, "account", account)  # LogEvent is frozen


def _missing(identifier: str, account: str) -> str:
    return f"Log group '{identifier}' does not exist for account ID '{account}'"


def split_foreign(key: str) -> tuple[str, str, str] | None:
    """(region, account, name) of a linked group's key (a canonical ARN), else None."""
    found = _FOREIGN.match(key)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def resolve(identifier: str, backend: Any) -> str:
    """The key of a group named by a name or an ARN, for `backend`'s account: its name when
    it is the caller's, its canonical ARN (no `:*`) when a linked account's; raises AWS's
    errors for a malformed ARN, an account not linked or a group that does not exist."""
    if not identifier.startswith("arn:"):
        if identifier not in backend.groups:
            raise ResourceNotFoundException(_missing(identifier, backend.account_id))
        return identifier
    parts = identifier.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        raise InvalidParameterException(f"Invalid log group identifier: {identifier}")
    region, account, name = parts[3], parts[4], parts[6]
    name = name[:-2] if name.endswith(":*") else name
    if region != backend.region_name:
        raise ResourceNotFoundException(_missing(identifier, backend.account_id))
    if account == backend.account_id:
        return resolve(name, backend)
    if not OAM_STORE.can_read(backend.account_id, account, region, LOG_GROUP):
        raise ResourceNotFoundException(_missing(identifier, backend.account_id))
    if name not in logs_backends[account][region].groups:
        raise ResourceNotFoundException(_missing(identifier, backend.account_id))
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def linked_events(
    backend: Any, groups: Iterable[str], start_ms: int, end_ms: int
) -> Iterator[LogEvent]:
    """The events of a run's groups: the caller's as stored, a linked account's (still
    linked) between `start_ms` and `end_ms` as `LinkedEvent`s carrying their account."""
    own = [g for g in groups if split_foreign(g) is None]
    yield from events_of(backend, own)
    for key in groups:
        foreign = split_foreign(key)
        if foreign is None:
            continue
        region, account, name = foreign
        if not OAM_STORE.can_read(backend.account_id, account, region, LOG_GROUP):
            continue  # unlinked since the query started: nothing more of it
        for event in events_of(logs_backends[account][region], [name]):
            if start_ms <= event.timestamp_ms <= end_ms:
                yield LinkedEvent(event, account)


def record_backend(backend: Any, group: str) -> tuple[Any, str, str]:
    """(backend, group name, account) of a `@ptr`'s group: `<account>:<name>` for a linked
    account's event, a plain name for the caller's."""
    account, _, name = group.partition(":")
    if name and _ACCOUNT.match(account) and account != backend.account_id:
        region = backend.region_name
        if OAM_STORE.can_read(backend.account_id, account, region, LOG_GROUP):
            return logs_backends[account][region], name, account
        raise ResourceNotFoundException("The specified log record does not exist.")
    return backend, group, backend.account_id


def install() -> None:
    """Wrap DescribeLogGroups (after `logs_definitions`); calling it again changes nothing."""
    if installed(LogsResponse, _MARK):
        return
    original: Callable[[Any], str] = LogsResponse.describe_log_groups
    patch(LogsResponse, _MARK, {"describe_log_groups": _with_linked(original)})


def _accounts(response: Any) -> list[str]:
    """The accounts whose groups a DescribeLogGroups with includeLinkedAccounts lists."""
    backend = response.logs_backend
    linked = OAM_STORE.linked_accounts(backend.account_id, backend.region_name, LOG_GROUP)
    wanted = response._get_param("accountIdentifiers")
    if not wanted:
        return [backend.account_id, *sorted(linked)]
    if not isinstance(wanted, list) or len(wanted) > MAX_ACCOUNTS:
        raise InvalidParameterException(f"accountIdentifiers holds at most {MAX_ACCOUNTS} ids")
    for account in wanted:
        if not _ACCOUNT.match(str(account)):
            raise InvalidParameterException(f"Invalid account identifier: {account}")
    return [
        a for a in dict.fromkeys(str(w) for w in wanted) if a == backend.account_id or a in linked
    ]


def _with_linked(original: Callable[[Any], str]) -> Callable[[Any], str]:
    """DescribeLogGroups that lists linked accounts' groups on `includeLinkedAccounts`."""

    def describe_log_groups(self: Any) -> str:
        if self._get_param("includeLinkedAccounts") is not True:
            return original(self)
        prefix = self._get_param("logGroupNamePrefix") or ""
        pattern = self._get_param("logGroupNamePattern") or ""
        if prefix and pattern:
            raise InvalidParameterException(
                "logGroupNamePattern and logGroupNamePrefix are mutually exclusive"
            )
        region = self.logs_backend.region_name
        found: list[tuple[str, str, Any]] = []
        with STORE_LOCK:
            for account in _accounts(self):
                for name, group in logs_backends[account][region].groups.items():
                    if name.startswith(prefix) and pattern in name:
                        found.append((name, account, group))
        found.sort(key=lambda item: (item[0], item[1]))
        first, last = page_slice(self, "limit", 50, len(found), strict=True)
        body: dict[str, Any] = {"logGroups": [_describe(g) for _, _, g in found[first:last]]}
        if last < len(found):
            body["nextToken"] = str(last)
        return json.dumps(body)

    return describe_log_groups


def _describe(group: Any) -> dict[str, Any]:
    return {
        "arn": f"{group.arn}:*",
        "logGroupArn": group.arn,
        "creationTime": int(unix_time_millis(group.creation_time)),
        "logGroupName": group.name,
        "metricFilterCount": 0,
        "storedBytes": sum(s.stored_bytes for s in group.streams.values()),
    }
