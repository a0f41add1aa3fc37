"""The command-line arguments of `montui design` and `montui timeline`, kept apart from the
commands themselves (`commands.design`, `commands.timeline`): building montui's parser must not
import the design model or the retrospective, which the interactive app never needs before its
first frame."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from montui.model.duration import parse_duration

DEFAULT_SINCE = 86400
"""`montui timeline export --since`'s default: a day, in seconds."""


def add_design_parser(commands: Any, aws_options: Any) -> None:
    """`montui design …` under `commands` (argparse's subparsers); `aws_options(parser)` adds
    the options every command takes."""
    design = commands.add_parser(
        "design",
        help="the monitoring design document as a file: check, export, scaffold",
        description="Keep the monitoring design (events, metrics, thresholds, M/N, what is not "
        "monitored and why) as a TOML file and check it against the deployed alarms.",
    )
    sub = design.add_subparsers(dest="design_command", metavar="COMMAND", required=True)
    check = sub.add_parser(
        "check",
        help="compare a design with the deployed alarms (exit 3 on drift)",
        description="Missing, extra and drifted alarms. Exit 0 clean, 3 drift/missing/extra, "
        "2 errors in the file, 1 a region failed.",
    )
    aws_options(check)
    check.add_argument("file", metavar="FILE", type=Path, help="the design (TOML)")
    check.add_argument("--output", choices=["text", "json"], default="text")
    export = sub.add_parser("export", help="write the design as a Markdown document")
    export.add_argument("file", metavar="FILE", type=Path, help="the design (TOML)")
    export.add_argument(
        "-o", "--out", metavar="OUT", type=Path, help="write here (default: stdout)"
    )
    scaffold = sub.add_parser(
        "scaffold", help="write a starting design file from the deployed alarms"
    )
    aws_options(scaffold)
    scaffold.add_argument("-o", "--out", metavar="OUT", type=Path, help="default: stdout")
    scaffold.add_argument("--prefix", default="", help="only alarms whose name starts with this")
    scaffold.add_argument("--system", default="TODO: the system's name", help="its name")


def since_type(example: str) -> Callable[[str], int]:
    """The argparse type of a `--since DURATION` option: seconds, positive (`example` is the
    duration the error message suggests)."""
    hint = f"--since takes a positive duration like {example}"

    def since(text: str) -> int:
        if text.strip().startswith("-"):
            raise argparse.ArgumentTypeError(f"{hint}, got {text!r}")
        try:
            seconds = parse_duration(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if seconds <= 0:
            raise argparse.ArgumentTypeError(f"{hint}, got {text!r}")
        return seconds

    return since


def add_timeline_parser(commands: Any, aws_options: Callable[[Any], None]) -> None:
    """`montui timeline export` under `commands` (argparse's subparsers)."""
    timeline = commands.add_parser(
        "timeline",
        help="the incident timeline montui keeps: export it as a retrospective",
        description="montui records the investigation as you work (alarms opened, windows, "
        "queries and their rows, panes viewed, your notes: N). Nothing is sent anywhere.",
    )
    sub = timeline.add_subparsers(dest="timeline_command", metavar="COMMAND", required=True)
    export = sub.add_parser(
        "export",
        help="write a retrospective skeleton in Markdown",
        description="The alarm transitions (from history), the investigation steps, the notes "
        "and the queries to rerun (with console links).",
    )
    aws_options(export)
    export.add_argument(
        "--since", type=since_type("6h"), default=DEFAULT_SINCE, metavar="DURATION",
        help="default 1d",
    )  # fmt: skip
    export.add_argument("-o", "--out", metavar="OUT", type=Path, help="default: stdout")
