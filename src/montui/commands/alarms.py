"""`montui alarms`: the board's data without the TUI, for scripts and health checks.

Exit status: 0 when every region answered; 1 when a region failed (what it could list is
still printed, the error goes to stderr); 2 for credential, profile or region problems; 3 with
`--fail-on-alarm` when any listed alarm is in ALARM.

With `[[account]]` every chosen account (`--account`) is read at once, each over its own
credentials; every row names its account: the table's ACCOUNT column (the alias), and in JSON
and CSV every record starts with `account_alias` (the alias) and `account` (the 12-digit id),
as in `montui findings` and `montui ses` (`commands.common.with_account`); an account that
fails is reported on stderr (exit 1) and the others are printed. With one account the records
are as before: no alias; `account` (the id) last in JSON, not in the CSV.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any, TextIO

from montui.commands.common import (
    PlaceError,
    each_place,
    report_error,
    with_account,
    write_columns,
    write_records,
)
from montui.config import Settings
from montui.launch import AccountTarget, AwsRequest, DemoWorldError, resolved_targets
from montui.model.accounts import AccountSpec, UnknownAccount
from montui.model.alarm import Alarm, AlarmState, condition_summary
from montui.model.board import board_order
from montui.model.metadata import meta_for
from montui.model.place import Place
from montui.model.text import middle_ellipsis

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_REGION_FAILED, EXIT_USAGE, EXIT_IN_ALARM = 0, 1, 2, 3

FIELDS = (
    "state",
    "name",
    "region",
    "in_state_since",
    "watches",
    "condition",
    "state_reason",
    "kind",
    "response",
    "owner",
    "runbook",
    "arn",
)


def alarm_record(
    alarm: Alarm, settings: Settings, alias: str = "", named: bool = False
) -> dict[str, Any]:
    """One alarm as a flat record (the JSON and CSV outputs); `alias`: its account's, and
    `named` (accounts have aliases: `[[account]]`, `--demo --accounts N`) starts the record
    with `account_alias` and `account` (`with_account`)."""
    meta = meta_for(alarm.name, alarm.region, settings.alarm_rules)
    record = {
        "state": alarm.state.value,
        "name": alarm.name,
        "region": alarm.region,
        "in_state_since": alarm.in_state_since.isoformat(),
        "watches": alarm.watches(),
        "condition": condition_summary(alarm) if alarm.kind.value == "MetricAlarm" else "",
        "state_reason": alarm.state_reason,
        "kind": alarm.kind.value,
        "response": meta.response.value if meta.response else None,
        "owner": meta.owner,
        "runbook": meta.runbook,
        "arn": alarm.arn,
        "account": alarm.place.account,
    }
    return with_account(record, alias if named else None, alarm.place.account)


CONDITION_WIDTH = 30
"""The table's CONDITION column for a composite's rule (a metric condition is shorter)."""


def write_table(records: list[dict[str, Any]], out: TextIO) -> None:
    """Aligned columns for a person at a terminal; the reason is cut to keep one line each.
    With `[[account]]`, the account's alias comes first."""
    columns = ("state", "name", "region", "in_state_since", "condition", "state_reason")
    rows = [[str(r[c] or "") for c in columns] for r in records]
    for row, record in zip(rows, records, strict=True):
        if record.get("kind") == "CompositeAlarm" and not row[4]:
            rule = str(record.get("watches") or "").removeprefix("composite: ")
            row[4] = middle_ellipsis(" ".join(rule.split()), CONDITION_WIDTH)
        row[3] = row[3][:16].replace("T", " ")
        row[5] = " ".join(row[5].split())[:60]
    header = ["STATE", "NAME", "REGION", "SINCE (UTC)", "CONDITION", "REASON"]
    if records and "account_alias" in records[0]:
        header = ["ACCOUNT", *header]
        rows = [[str(r["account_alias"]), *row] for row, r in zip(rows, records, strict=True)]
    write_columns(out, header, rows)


async def _fetch(
    targets: list[AccountTarget], state: AlarmState | None
) -> tuple[list[tuple[str, Alarm]], list[PlaceError]]:
    from montui.sources.cloudwatch import describe_alarms

    async def region(clients: Any, place: Place) -> tuple[Alarm, ...]:
        return await describe_alarms(clients, place, state=state)

    answers, errors = await each_place(targets, region)
    return [(a.alias, alarm) for a in answers for alarm in a.answer], errors


def run_alarms(
    request: AwsRequest,
    settings: Settings,
    *,
    state: str | None,
    output: str,
    fail_on_alarm: bool,
    out: TextIO | None = None,
    accounts: tuple[AccountSpec, ...] | None = None,
    wanted: list[str] | None = None,
) -> int:
    """Print the alarms and return the exit status. `accounts`: those `--account` chose
    (None: every `[[account]]` of `settings`); `wanted`: the `--account` aliases, for the
    accounts of a `--demo --accounts N` world."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    in_state = AlarmState(state) if state else None
    chosen = settings.accounts if accounts is None else accounts
    try:
        with resolved_targets(request, chosen, wanted) as targets:
            named = any(t.alias for t in targets)
            found, errors = asyncio.run(_fetch(targets, in_state))
    except (SourceError, DemoWorldError, UnknownAccount) as exc:
        report_error(exc)
        return EXIT_USAGE
    alarms = [alarm for _, alarm in found]
    fatal = [e for e in errors if e.error.fatal]
    if fatal and not alarms:
        report_error(fatal[0].error, fatal[0].alias)
        return EXIT_USAGE
    for error in errors:
        report_error(error.error, error.alias)
    alias = {alarm.key: name for name, alarm in found}
    records = [alarm_record(a, settings, alias[a.key], named) for a in board_order(alarms)]
    write_records(records, output, out, FIELDS, write_table)
    if fail_on_alarm and any(a.state is AlarmState.ALARM for a in alarms):
        return EXIT_IN_ALARM
    return EXIT_REGION_FAILED if errors else EXIT_OK
