"""`montui alarms`: the board's data without the TUI, for scripts and health checks.

Exit status: 0 when every region answered; 1 when a region failed (what it could list is
still printed, the error goes to stderr); 2 for credential, profile or region problems; 3 with
`--fail-on-alarm` when any listed alarm is in ALARM.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from montui.commands.common import each_region, write_columns
from montui.config import Settings
from montui.launch import AwsRequest, DemoWorldError, resolved_target
from montui.model.alarm import Alarm, AlarmState, condition_summary
from montui.model.board import board_order
from montui.model.metadata import meta_for
from montui.model.place import Place

if TYPE_CHECKING:
    from montui.sources.session import AwsTarget
from montui.model.text import middle_ellipsis

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


def alarm_record(alarm: Alarm, settings: Settings) -> dict[str, Any]:
    """One alarm as a flat record (the JSON and CSV outputs)."""
    meta = meta_for(alarm.name, alarm.region, settings.alarm_rules)
    return {
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
    }


CONDITION_WIDTH = 30
"""The table's CONDITION column for a composite's rule (a metric condition is shorter)."""


def write_table(records: list[dict[str, Any]], out: TextIO) -> None:
    """Aligned columns for a person at a terminal; the reason is cut to keep one line each."""
    columns = ("state", "name", "region", "in_state_since", "condition", "state_reason")
    rows = [[str(r[c] or "") for c in columns] for r in records]
    for row, record in zip(rows, records, strict=True):
        if record.get("kind") == "CompositeAlarm" and not row[4]:
            rule = str(record.get("watches") or "").removeprefix("composite: ")
            row[4] = middle_ellipsis(" ".join(rule.split()), CONDITION_WIDTH)
        row[3] = row[3][:16].replace("T", " ")
        row[5] = " ".join(row[5].split())[:60]
    header = ["STATE", "NAME", "REGION", "SINCE (UTC)", "CONDITION", "REASON"]
    write_columns(out, header, rows)


def write_records(records: list[dict[str, Any]], output: str, out: TextIO) -> None:
    if output == "json":
        json.dump(records, out, indent=2)
        out.write("\n")
    elif output == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        write_table(records, out)


async def _fetch(target: AwsTarget, state: AlarmState | None) -> tuple[list[Alarm], list[Any]]:
    from montui.sources.cloudwatch import describe_alarms

    async def region(clients: Any, place: Place) -> tuple[Alarm, ...]:
        return await describe_alarms(clients, place, state=state)

    answers, errors = await each_region(target, region)
    return [alarm for _, alarms in answers for alarm in alarms], list(errors)


def run_alarms(
    request: AwsRequest,
    settings: Settings,
    *,
    state: str | None,
    output: str,
    fail_on_alarm: bool,
    out: TextIO | None = None,
) -> int:
    """Print the alarms and return the exit status."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    wanted = AlarmState(state) if state else None
    try:
        with resolved_target(request) as target:
            alarms, errors = asyncio.run(_fetch(target, wanted))
    except (SourceError, DemoWorldError) as exc:
        _report(exc)
        return EXIT_USAGE
    fatal = [e for e in errors if e.fatal]
    if fatal and not alarms:
        _report(fatal[0])
        return EXIT_USAGE
    for error in errors:
        _report(error)
    write_records([alarm_record(a, settings) for a in board_order(alarms)], output, out)
    if fail_on_alarm and any(a.state is AlarmState.ALARM for a in alarms):
        return EXIT_IN_ALARM
    return EXIT_REGION_FAILED if errors else EXIT_OK


def _report(exc: Exception) -> None:
    print(f"montui: {exc}", file=sys.stderr)
    hint = getattr(exc, "cli_hint", getattr(exc, "hint", ""))  # a command does not retry
    if hint:
        print(f"  {hint}", file=sys.stderr)
