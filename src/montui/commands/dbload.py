"""`montui dbload INSTANCE`: an RDS instance's top SQL and top wait events over a window,
from Performance Insights, for scripts and pipes.

The instance is looked up by identifier in each configured region (the first that has it).
Output: `table` (a summary and two aligned tables), `json` (one object) or `csv` (one row per
statement and per wait event, `kind` telling which).

Exit status: 0 success; 1 Performance Insights is off for the instance (what enabling it
takes goes to stderr) or AWS failed; 2 unknown instance, bad arguments, or credential,
profile or region problems.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from montui.commands.common import write_columns
from montui.launch import AwsRequest, DemoWorldError
from montui.model.dbload import DbInstance, DbLoad, enabling_hint
from montui.model.metrics import TimeWindow

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
OUTPUTS = ("table", "json", "csv")
CSV_FIELDS = ("kind", "rank", "name", "aas", "share", "detail", "id")


class UnknownInstance(Exception):
    """No DB instance of that identifier in any configured region."""


def dbload_record(load: DbLoad) -> dict[str, Any]:
    """The JSON output: the instance, the window, the load, the vCPUs, top SQL and waits."""
    instance = load.instance
    return {
        "instance": instance.identifier,
        "region": instance.place.region,
        "engine": instance.engine,
        "class": instance.instance_class,
        "cluster": instance.cluster or None,
        "role": instance.role or None,
        "resource_id": instance.resource_id,
        "start": load.window.start.isoformat(),
        "end": load.window.end.isoformat(),
        "period": load.series.period,
        "load_avg": round(load.series.mean, 4),
        "load_peak": round(load.series.peak, 4),
        "vcpus": load.vcpus.count,
        "vcpus_from": load.vcpus.origin.value,
        "top_sql": [
            {
                "statement": r.statement, "id": r.sql_id, "aas": round(r.aas, 4),
                "share": round(r.share, 4), "waits": {w: round(v, 4) for w, v in r.waits},
            }
            for r in load.top_sql
        ],
        "top_waits": [
            {"wait": k.name, "type": k.detail, "aas": round(k.aas, 4), "share": round(k.share, 4)}
            for k in load.top_waits
        ],
    }  # fmt: skip


def write_table(load: DbLoad, out: TextIO) -> None:
    record = dbload_record(load)
    role = f" ({record['role']} of {record['cluster']})" if record["cluster"] else ""
    out.write(f"{record['instance']}{role} {record['engine']} {record['class']} "
              f"{record['region']}\n")  # fmt: skip
    out.write(f"{record['start']} → {record['end']} (period {record['period']} s)\n")
    out.write(f"load avg {load.series.mean:.2f} peak {load.series.peak:.2f} AAS; "
              f"{load.vcpus.describe()}; above the vCPUs in {load.above_vcpus} of "
              f"{len(load.series.total)} points\n\n")  # fmt: skip
    write_columns(out, ["AAS", "SHARE", "TOP WAIT", "SQL"], [
        [f"{r.aas:.2f}", f"{r.share:.0%}", r.top_wait, " ".join(r.statement.split())[:100]]
        for r in load.top_sql
    ])  # fmt: skip
    out.write("\n")
    write_columns(out, ["AAS", "SHARE", "TYPE", "WAIT"], [
        [f"{k.aas:.2f}", f"{k.share:.0%}", k.detail, k.name] for k in load.top_waits
    ])  # fmt: skip


def write_csv(load: DbLoad, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rank, row in enumerate(load.top_sql, 1):
        mix = " ".join(f"{w}={v:.4f}" for w, v in row.waits)
        writer.writerow({"kind": "sql", "rank": rank, "name": row.statement,
                         "aas": f"{row.aas:.4f}", "share": f"{row.share:.4f}",
                         "detail": mix, "id": row.sql_id})  # fmt: skip
    for rank, key in enumerate(load.top_waits, 1):
        writer.writerow({"kind": "wait", "rank": rank, "name": key.name,
                         "aas": f"{key.aas:.4f}", "share": f"{key.share:.4f}",
                         "detail": key.detail, "id": ""})  # fmt: skip


def write_load(load: DbLoad, output: str, out: TextIO) -> None:
    if output == "json":
        json.dump(dbload_record(load), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif output == "csv":
        write_csv(load, out)
    else:
        write_table(load, out)


async def _fetch(
    request: AwsRequest, identifier: str, window: TimeWindow | None, since: int, top: int
) -> tuple[DbInstance, DbLoad | None]:
    from montui.feeds.dbload import AwsDbLoad
    from montui.feeds.session import AwsSession

    session = AwsSession(request)
    try:
        connection = await session.connect()
        feed = AwsDbLoad(session)
        instance = await _find(feed, connection.regions, identifier)
        if not instance.pi_enabled:
            return instance, None
        chosen = window or TimeWindow.ending(datetime.now(UTC), timedelta(seconds=since))
        return instance, await feed.load(instance, chosen, top=top)
    finally:
        await session.close()


async def _find(feed: Any, regions: tuple[str, ...], identifier: str) -> DbInstance:
    from montui.sources.rds import db_instances

    wanted = identifier.lower()
    for region in regions:
        place = await feed.session.place(region)
        found = await db_instances(feed.session.clients, place, wanted)
        for instance in found:
            if instance.identifier.lower() == wanted:
                return instance
    raise UnknownInstance(f"no DB instance {identifier!r} in {', '.join(regions)}")


def run_dbload(
    request: AwsRequest,
    identifier: str,
    *,
    window: TimeWindow | None = None,
    since: int = 3600,
    top: int = 10,
    output: str = "table",
    out: TextIO | None = None,
) -> int:
    """Print the instance's top SQL and waits; return the exit status."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    try:
        instance, load = asyncio.run(_fetch(request, identifier, window, since, top))
    except UnknownInstance as exc:
        print(f"montui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DemoWorldError as exc:
        print(f"montui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SourceError as exc:
        print(f"montui: {exc}", file=sys.stderr)
        if exc.cli_hint:
            print(f"  {exc.cli_hint}", file=sys.stderr)
        return EXIT_USAGE if exc.fatal else EXIT_FAILED
    if load is None:
        print(f"montui: Performance Insights is off for {instance.identifier}", file=sys.stderr)
        print(f"  {enabling_hint(instance)}", file=sys.stderr)
        return EXIT_FAILED
    write_load(load, output, out)
    return EXIT_OK
