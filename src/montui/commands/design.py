"""`montui design check|export|scaffold`: the monitoring design document as a file.

- `check FILE`: compares the design with the alarms deployed in its regions. Exit status 0
  when they match, 3 when an alarm is missing, extra or drifted, 2 when the file has errors
  (each `file:line: key: expected …`) or AWS cannot be reached at all, 1 when a region failed
  (what the others said is still printed).
- `export FILE [-o OUT]`: the design as the Markdown document the seeds show. No AWS.
- `scaffold [-o OUT]`: a starting design file from the deployed alarms of the configured
  regions (`--prefix` keeps the alarms of one system); checked against them, it is clean.

Read-only: DescribeAlarms is the only AWS call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from msgspec.structs import asdict

from montui.commands.common import each_region, report_error
from montui.design_file import DesignFileError, load_design
from montui.launch import AwsRequest, DemoWorldError, resolved_target
from montui.model.alarm import Alarm
from montui.model.design import AlarmDesign, CompositeDesign
from montui.model.design_check import DesignReport, check_design
from montui.model.design_markdown import design_markdown
from montui.model.design_scaffold import scaffold_design
from montui.model.records import replace

if TYPE_CHECKING:
    from montui.sources.errors import SourceError
    from montui.sources.target import AwsTarget

EXIT_OK, EXIT_REGION_FAILED, EXIT_USAGE, EXIT_DRIFT = 0, 1, 2, 3

__all__ = ["run_design"]


def run_design(args: argparse.Namespace, request: AwsRequest, out: TextIO | None = None) -> int:
    """Run `montui design <command>`; the exit status."""
    out = out or sys.stdout
    if args.design_command == "scaffold":
        return _scaffold(args, request, out)
    try:
        design = load_design(args.file)
    except DesignFileError as exc:
        print(f"montui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.design_command == "export":
        return _write(design_markdown(design), args.out, out)
    request = replace(request, regions=request.regions or design.regions)
    fetched = _deployed(request)
    if isinstance(fetched, int):
        return fetched
    alarms, errors = fetched
    failed = sorted({e.region or "?" for e in errors})
    report = check_design(design, alarms)
    if failed:  # a region that did not answer cannot say what is missing there
        designed: list[AlarmDesign | CompositeDesign] = [*design.alarms, *design.composites]
        report = replace(
            report,
            missing=tuple(m for m in report.missing if m.region not in failed),
            checked=sum(1 for d in designed if d.region not in failed),
        )
    if args.output == "json":
        json.dump({**_as_json(report), "regions_failed": failed}, out, indent=2)
        out.write("\n")
    else:
        out.write("\n".join(report.lines()) + "\n")
        if failed:
            out.write(f"not checked: {', '.join(failed)} did not answer (see above)\n")
    if not report.clean:
        return EXIT_DRIFT
    return EXIT_REGION_FAILED if errors else EXIT_OK


def _scaffold(args: argparse.Namespace, request: AwsRequest, out: TextIO) -> int:
    fetched = _deployed(request)
    if isinstance(fetched, int):
        return fetched
    alarms, errors = fetched
    chosen = [a for a in alarms if a.name.startswith(args.prefix)]
    region = next((a.region for a in chosen), request.regions[0] if request.regions else "")
    text = scaffold_design(chosen, system=args.system, region=region, scope=args.prefix)
    status = _write(text, args.out, out)
    return status or (EXIT_REGION_FAILED if errors else EXIT_OK)


def _deployed(request: AwsRequest) -> tuple[list[Alarm], list[SourceError]] | int:
    """The alarms of the request's regions and the regions' errors, or an exit status."""
    from montui.sources.errors import SourceError

    try:
        with resolved_target(request) as target:
            alarms, errors = asyncio.run(_fetch(target))
    except (SourceError, DemoWorldError) as exc:
        report_error(exc)
        return EXIT_USAGE
    if [e for e in errors if e.fatal] and not alarms:
        report_error(errors[0])
        return EXIT_USAGE
    for error in errors:
        report_error(error)
    return alarms, errors


async def _fetch(target: AwsTarget) -> tuple[list[Alarm], list[SourceError]]:
    from montui.sources.cloudwatch import describe_alarms

    answers, errors = await each_region(target, describe_alarms)
    return [alarm for _, alarms in answers for alarm in alarms], errors


def _write(text: str, path: Path | None, out: TextIO) -> int:
    if path is None:
        out.write(text)
        return EXIT_OK
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"montui: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _as_json(report: DesignReport) -> dict[str, Any]:
    return {
        "clean": report.clean,
        "checked": report.checked,
        "missing": [{"name": m.name, "region": m.region, "line": m.line} for m in report.missing],
        "extra": [{"name": a.name, "region": a.region} for a in report.extra],
        "drifted": [
            {
                "name": d.name,
                "region": d.region,
                "fields": [asdict(f) for f in d.fields],
            }
            for d in report.drifted
        ],
    }
