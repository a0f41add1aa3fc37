"""`montui findings`: GuardDuty's findings without the TUI, for scripts and health checks.

Lists the findings that are not archived, at or above `--min-severity`, updated within
`--since`, in every configured region, most severe first, then most recently seen. A region
where GuardDuty is off is reported on stderr (with the command that turns it on) and is not
an error. Exit status: 0; 1 when a region could not be read (its error on stderr, the others
still printed); 2 for bad arguments, config or credentials; 3 with `--fail-on-finding` when
any listed finding is at or above the floor. With `[[account]]` (or `--demo --accounts N`)
every chosen account is read at once: an ACCOUNT column (the alias) in the table, and in
JSON and CSV every record starts with `account_alias` (the alias) and `account` (the 12-digit
id), as in `montui alarms` and `montui ses` (`commands.common.with_account`). With one account
the records are as before: `account` (the id) after `region`, no alias.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
from montui.model.duration import parse_duration
from montui.model.findings import Band, Finding, enable_command, findings_order
from montui.model.place import Place
from montui.model.text import middle_ellipsis

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_REGION_FAILED, EXIT_USAGE, EXIT_FINDING = 0, 1, 2, 3

FIELDS = (
    "band",
    "severity",
    "type",
    "title",
    "resource",
    "resource_type",
    "count",
    "first_seen",
    "last_seen",
    "updated_at",
    "region",
    "account",
    "id",
    "archived",
    "arn",
)


def add_parser(commands: Any, aws_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """`montui findings …` under the `commands` subparsers; `aws_options` adds --profile …"""
    parser = commands.add_parser(
        "findings",
        help="print GuardDuty findings (for scripts and health checks)",
        description="Print the GuardDuty findings of the configured regions, most severe first.",
    )
    aws_options(parser)
    parser.add_argument(
        "--min-severity",
        type=str.lower,
        choices=[b.name.lower() for b in Band],
        default="low",
        help="the lowest band listed (low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10)",
    )
    parser.add_argument(
        "--since", type=_since, metavar="DURATION", help="only findings updated within, e.g. 24h"
    )
    parser.add_argument("--output", choices=["table", "json", "csv"], default="table")
    parser.add_argument(
        "--fail-on-finding",
        action="store_true",
        help="exit with status 3 when any finding is listed (at or above --min-severity)",
    )


def _since(text: str) -> int:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds <= 0 or text.strip().startswith("-"):
        raise argparse.ArgumentTypeError(
            f"--since takes a positive duration like 24h, got {text!r}"
        )
    return seconds


def finding_record(finding: Finding, alias: str | None = None) -> dict[str, Any]:
    """One finding as a flat record (the JSON and CSV outputs); `alias`: its account's, with
    several accounts (the record then starts with `account_alias` and `account`)."""
    record = {
        "band": finding.band.word,
        "severity": finding.severity,
        "type": finding.type.text,
        "title": finding.title,
        "resource": finding.resource.text,
        "resource_type": finding.resource_type,
        "count": finding.count,
        "first_seen": finding.first_seen.isoformat(),
        "last_seen": finding.last_seen.isoformat(),
        "updated_at": finding.updated_at.isoformat(),
        "region": finding.region,
        "account": finding.account,
        "id": finding.id,
        "archived": finding.archived,
        "arn": finding.arn,
    }
    return with_account(record, alias, finding.account)


def write_table(records: list[dict[str, Any]], out: TextIO) -> None:
    """Aligned columns for a person at a terminal."""
    header = ["BAND", "SEV", "TYPE", "RESOURCE", "COUNT", "LAST SEEN (UTC)", "REGION", "ID"]
    named = bool(records) and "account_alias" in records[0]
    header = ["ACCOUNT", *header] if named else header
    rows = [
        [
            *([str(r["account_alias"])] if named else []),
            str(r["band"]),
            f"{r['severity']:g}",
            middle_ellipsis(str(r["type"]), 60),
            middle_ellipsis(str(r["resource"]), 32),
            str(r["count"]),
            str(r["last_seen"])[:16].replace("T", " "),
            str(r["region"]),
            str(r["id"]),
        ]
        for r in records
    ]
    write_columns(out, header, rows)


async def _region(clients: Any, place: Place, criteria: Any) -> tuple[Finding, ...] | None:
    """A region's findings; None when GuardDuty is off there."""
    from montui.sources.guardduty import detector_ids, finding_ids, get_findings

    ids = await detector_ids(clients, place)
    if not ids:
        return None
    listed = await finding_ids(clients, place, ids[0], criteria)
    return tuple(await get_findings(clients, place, ids[0], listed))


async def _fetch(
    targets: list[AccountTarget], floor: Band, since: datetime | None
) -> tuple[list[tuple[str, Finding]], list[str], list[PlaceError]]:
    """Every (account, region)'s findings with its alias, the places where GuardDuty is off
    (`prod ap-northeast-1`, or the region alone), and the errors."""
    from montui.sources.guardduty import FindingCriteria

    minimum = floor.floor if floor > Band.LOW else None
    criteria = FindingCriteria(min_severity=minimum, archived=False, updated_since=since)

    async def region(clients: Any, place: Place) -> tuple[Finding, ...] | None:
        return await _region(clients, place, criteria)

    answers, errors = await each_place(targets, region)
    found = [(a.alias, f) for a in answers if a.answer is not None for f in a.answer]
    off = [f"{a.alias} {a.region}" if a.alias else a.region for a in answers if a.answer is None]
    return found, off, errors


def run_findings(
    request: AwsRequest,
    settings: Settings,
    *,
    min_severity: str = "low",
    since: int | None = None,
    output: str = "table",
    fail_on_finding: bool = False,
    out: TextIO | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    accounts: tuple[AccountSpec, ...] = (),
    wanted: list[str] | None = None,
) -> int:
    """Print the findings and return the exit status. `accounts`: the `[[account]]` chosen
    (none: the base account); `wanted`: `--account` for a `--demo --accounts N` world."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    floor = Band.parse(min_severity)
    start = clock() - timedelta(seconds=since) if since else None
    try:
        with resolved_targets(request, accounts, wanted) as targets:
            named = any(t.alias for t in targets)
            pairs, off, errors = asyncio.run(_fetch(targets, floor, start))
    except (SourceError, DemoWorldError, UnknownAccount) as exc:
        report_error(exc)
        return EXIT_USAGE
    findings = [f for _, f in pairs]
    fatal = [e for e in errors if e.error.fatal]
    if fatal and not findings:
        report_error(fatal[0].error, fatal[0].alias)
        return EXIT_USAGE
    for where in off:
        region = where.rsplit(" ", 1)[-1]
        print(f"montui: GuardDuty is off in {where}", file=sys.stderr)
        print(f"  to turn it on: {enable_command(region)}", file=sys.stderr)
    for error in errors:
        report_error(error.error, error.alias)
    alias = {id(f): name for name, f in pairs}
    listed = [f for f in findings_order(findings) if f.band >= floor]
    records = [finding_record(f, alias[id(f)] if named else None) for f in listed]
    write_records(records, output, out, FIELDS, write_table)
    if fail_on_finding and listed:
        return EXIT_FINDING
    return EXIT_REGION_FAILED if errors else EXIT_OK
