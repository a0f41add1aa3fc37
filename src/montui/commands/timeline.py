"""`montui timeline export [--since …] [-o OUT]`: the incident timeline as a retrospective skeleton.

Reads the timeline montui kept in its data directory (`montui.timeline`), takes the steps of
the span (`--since`, default a day), reads the state transitions of every alarm the
investigation touched from DescribeAlarmHistory over the span (read-only), and writes the
Markdown of `model.retrospective`. When the history cannot be read the skeleton is written
anyway, with the reason in place of the transitions (exit status 1); 2 when OUT cannot be
written. Nothing is sent anywhere but the history requests.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from montui.config import user_data_dir
from montui.launch import AwsRequest, DemoWorldError, resolved_target
from montui.model.history import HistoryItem, HistoryKind
from montui.model.place import Place
from montui.model.records import replace
from montui.model.retrospective import Retrospective, retrospective_markdown
from montui.timeline import Timeline

EXIT_OK, EXIT_HISTORY_FAILED, EXIT_USAGE = 0, 1, 2


__all__ = ["run_timeline"]


def run_timeline(
    args: argparse.Namespace,
    request: AwsRequest,
    *,
    data_dir: Path | None = None,
    now: datetime | None = None,
    out: TextIO | None = None,
) -> int:
    """Run `montui timeline export`; the exit status."""
    out = out or sys.stdout
    timeline = Timeline(data_dir or user_data_dir())
    for warning in timeline.load():
        print(f"montui: {warning}", file=sys.stderr)
    end = now or datetime.now(UTC)
    start = end - timedelta(seconds=args.since)
    retro = Retrospective(start=start, end=end, steps=timeline.since(start))
    if retro.alarms:
        retro = _with_transitions(retro, request)
    text = retrospective_markdown(retro)
    if args.out is None:
        out.write(text)
    else:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"montui: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_HISTORY_FAILED if retro.transitions_problem else EXIT_OK


def _with_transitions(retro: Retrospective, request: AwsRequest) -> Retrospective:
    from montui.sources.errors import SourceError

    regions = tuple(dict.fromkeys(region for region, _, _ in retro.alarms))
    request = replace(request, regions=request.regions or regions)
    try:
        with resolved_target(request) as target:
            items = asyncio.run(_history(target, retro))
    except (SourceError, DemoWorldError) as exc:
        print(f"montui: the alarm history could not be read: {exc}", file=sys.stderr)
        return replace(retro, transitions_problem=str(exc))
    return replace(retro, transitions=items)


async def _history(target: Any, retro: Retrospective) -> tuple[HistoryItem, ...]:
    """The StateUpdate items of every alarm of the investigation, over the span."""
    from montui.sources.history import alarm_history
    from montui.sources.session import AwsClients

    async with AwsClients(target) as clients:
        found = await asyncio.gather(
            *(
                alarm_history(
                    clients,
                    Place("", region),
                    name,
                    composite=composite,
                    start=retro.start,
                    end=retro.end,
                    kinds=(HistoryKind.STATE,),
                )
                for region, name, composite in retro.alarms
            )
        )
    return tuple(item for items in found for item in items)
