"""`montui ses`: SES sending reputation per region, for scripts and health checks.

One line (table) or object (json) per region: status, both rates with the distance to each
threshold, quota. Exit status: 0; 1 when a region could not be read (its error on stderr, the
others printed); 2 for bad arguments, config or credentials; 3 with `--fail-on-review` when a
region is under review (or paused by AWS) or a rate is at or above its review threshold.
With `[[account]]` (or `--demo --accounts N`) every chosen account is read at once: the
table's first column names it (the alias), and every JSON record starts with `account_alias`
(the alias) and `account` (the 12-digit id), as in `montui alarms` and `montui findings`
(`commands.common.with_account`; ses has no CSV: its records nest the quota and volume).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from montui.commands.common import PlaceError, each_place, report_error, with_account
from montui.launch import AccountTarget, AwsRequest, DemoWorldError, resolved_targets
from montui.model.accounts import AccountSpec, UnknownAccount
from montui.model.place import Place
from montui.model.reputation import RATE_KINDS, band
from montui.model.ses_account import Reputation

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_REGION_FAILED, EXIT_USAGE, EXIT_REVIEW = 0, 1, 2, 3


def add_parser(commands: Any, aws_options: Callable[..., None]) -> None:
    """`montui ses [--output table|json] [--fail-on-review]` under `commands`."""
    ses = commands.add_parser(
        "ses",
        help="print the SES sending reputation per region (for scripts and health checks)",
        description="Print each region's SES account status, bounce and complaint rates with "
        "the distance to AWS's review and pause thresholds, and the sending quota.",
    )
    aws_options(ses, suppress=True)
    ses.add_argument("--output", choices=["table", "json"], default="table")
    ses.add_argument(
        "--fail-on-review",
        action="store_true",
        help="exit with status 3 when a region is under review or a rate is at or above "
        "its review threshold",
    )


def region_record(found: Reputation, alias: str | None = None) -> dict[str, Any]:
    """One region as a flat record (the JSON output): rates as fractions (null: no data),
    distances in percentage points (negative: over the threshold). `alias`: its account's,
    with several accounts (the record then starts with `account_alias` and `account`)."""
    account = found.account
    record: dict[str, Any] = {
        "region": found.region,
        "status": account.status.words,
        "enforcement_status": account.enforcement,
        "sending_enabled": account.sending_enabled,
        "production_access": account.production,
        "review_status": account.review_status,
        "needs_review": found.needs_review,
    }
    for kind in RATE_KINDS:
        latest = found.rate(kind).latest
        record[f"{kind.name}_rate"] = latest
        record[f"{kind.name}_band"] = None if latest is None else band(kind, latest).words
        for name, threshold in (("review", kind.review), ("pause", kind.pause)):
            points = None if latest is None else round((threshold - latest) * 100, 6)
            record[f"{kind.name}_points_below_{name}"] = points
    quota = account.quota
    record["quota"] = {
        "max_24_hour_send": quota.max_24h,
        "max_send_rate": quota.max_rate,
        "sent_last_24_hours": quota.sent_24h,
    }
    day = found.volume(timedelta(hours=24))
    record["volume_24h"] = {
        "delivery_attempts": day.attempts,
        "bounces": day.bounces,
        "complaints": day.complaints,
        "rejects": day.rejects,
    }
    record["gaps"] = list(found.gaps)
    return with_account(record, alias, account.account)


def write_table(found: list[Reputation], out: TextIO, aliases: list[str] | None = None) -> None:
    """Aligned columns: region, status, each rate with its distance to review and pause;
    `aliases` (one per item, several accounts): an ACCOUNT column first."""
    header = ["REGION", "STATUS", "ACCESS", "BOUNCE", "TO REVIEW/PAUSE", "COMPLAINT"]
    header += ["TO REVIEW/PAUSE", "QUOTA"]
    header = ["ACCOUNT", *header] if aliases is not None else header
    rows = [header]
    for index, item in enumerate(found):
        account = item.account
        row = [aliases[index]] if aliases is not None else []
        row += [item.region, f"{account.status.symbol} {account.status.words}"]
        row.append("production" if account.production else "sandbox")
        for kind in RATE_KINDS:
            latest = item.rate(kind).latest
            if latest is None:
                row += ["no data", "-"]
                continue
            sign = band(kind, latest).symbol
            row.append(f"{sign} {kind.percent(latest)}")
            review = (kind.review - latest) * 100
            pause = (kind.pause - latest) * 100
            row.append(f"{review:+.{kind.decimals}f} / {pause:+.{kind.decimals}f} pts")
        row.append(account.quota.words())
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


async def _fetch(
    targets: list[AccountTarget], now: datetime
) -> tuple[list[tuple[str, Reputation]], list[PlaceError]]:
    """Every (account, region)'s reputation; with several accounts each carries its id."""
    from montui.feeds.reputation import fetch_reputation

    async def region(clients: Any, place: Place) -> Reputation:
        return await fetch_reputation(clients, place, now)

    named = any(t.alias for t in targets)
    answers, errors = await each_place(targets, region, identify=named)
    return [(a.alias, a.answer) for a in answers], errors


def run_ses(
    request: AwsRequest,
    *,
    output: str,
    fail_on_review: bool,
    out: TextIO | None = None,
    now: datetime | None = None,
    accounts: tuple[AccountSpec, ...] = (),
    wanted: list[str] | None = None,
) -> int:
    """Print each (account,) region's reputation and return the exit status. `accounts`:
    the `[[account]]` chosen (none: the base account); `wanted`: `--account` for the
    accounts of a `--demo --accounts N` world."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    try:
        with resolved_targets(request, accounts, wanted) as targets:
            named = any(t.alias for t in targets)
            pairs, errors = asyncio.run(_fetch(targets, now or datetime.now(UTC)))
    except (SourceError, DemoWorldError, UnknownAccount) as exc:
        report_error(exc)
        return EXIT_USAGE
    found = [item for _, item in pairs]
    fatal = [e for e in errors if e.error.fatal]
    if fatal and not found:
        report_error(fatal[0].error, fatal[0].alias)
        return EXIT_USAGE
    for error in errors:
        report_error(error.error, error.alias)
    for alias, item in pairs:
        for gap in item.gaps:
            where = f"{alias} {item.region}" if alias else item.region
            print(f"montui: {where}: {gap}", file=sys.stderr)
    aliases = [alias for alias, _ in pairs] if named else None
    if output == "json":
        records = [region_record(item, alias if named else None) for alias, item in pairs]
        json.dump(records, out, indent=2)
        out.write("\n")
    else:
        write_table(found, out, aliases)
    if fail_on_review and any(item.needs_review for item in found):
        return EXIT_REVIEW
    return EXIT_REGION_FAILED if errors else EXIT_OK


__all__ = ["add_parser", "region_record", "run_ses", "write_table"]
