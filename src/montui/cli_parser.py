"""The `montui` command line's arguments: the global options every command takes, each
command's own, and the checks that turn them into a query or a window (`cli.py` runs them).

Like `cli.py` it imports only argparse, the config-free model and the commands' argument
builders: the interactive app's first frame waits for this module."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from montui import __version__
from montui.commands import findings as findings_command
from montui.commands.arguments import add_design_parser, add_timeline_parser, since_type
from montui.commands.review import add_review_parser
from montui.commands.ses import add_parser as ses_parser
from montui.model.duration import parse_duration
from montui.model.logs import QueryRun
from montui.model.metrics import TimeWindow


def _regions(text: str) -> tuple[str, ...]:
    regions = tuple(r.strip() for r in text.split(",") if r.strip())
    if not regions:
        raise argparse.ArgumentTypeError("expected one or more regions, e.g. us-east-1,eu-west-1")
    return regions


def _world_accounts(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 21:
        raise argparse.ArgumentTypeError(
            f"expected a number of accounts from 1 to 21, got {text!r}"
        )
    return int(text)


def _refresh(text: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds < 5:
        raise argparse.ArgumentTypeError("refresh must be at least 5 seconds")
    return float(seconds)


def _aws_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options every command takes. Subcommands repeat them with SUPPRESS defaults so that
    `montui --profile p alarms` and `montui alarms --profile p` both work."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--profile", default=default, help="AWS profile (default: AWS_PROFILE)")
    parser.add_argument(
        "--region",
        dest="regions",
        type=_regions,
        default=default,
        metavar="R1,R2,…",
        help="regions to watch (default: config, AWS_REGION, the profile's region)",
    )
    parser.add_argument(
        "--endpoint-url",
        default=default,
        metavar="URL",
        help="send every AWS call to URL (an emulator); AWS_ENDPOINT_URL[_<SERVICE>] also work",
    )
    parser.add_argument("--config", default=default, metavar="FILE", help="config file (TOML)")
    parser.add_argument(
        "--accounts",
        type=_world_accounts,
        default=default,
        metavar="N",
        help="with --demo: a local world of N accounts (the base one, then N-1 reached "
        "through a role), every one watched",
    )
    parser.add_argument(
        "--account",
        action="append",
        default=default,
        metavar="ALIAS[,ALIAS…]",
        help="only these [[account]] aliases of the config (repeat or comma-separate); "
        "commands that read one account take the first",
    )
    parser.add_argument(
        "--refresh",
        type=_refresh,
        default=default,
        metavar="SECONDS",
        help="seconds between polls (default 60, --demo 6; 90, 30s and 2m are accepted)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default if suppress else False,
        help="start a local AWS world on 127.0.0.1 and watch it (no AWS account needed)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="montui",
        description="Terminal operations console for AWS: what is in ALARM, across regions.",
        epilog="Run without a command for the interactive board. Try it without AWS: montui --demo",
    )
    parser.add_argument("--version", action="version", version=f"montui {__version__}")
    _aws_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    alarms = commands.add_parser(
        "alarms",
        help="print the alarms (for scripts and health checks)",
        description="Print every alarm of the configured regions, most urgent first.",
    )
    _aws_options(alarms, suppress=True)
    alarms.add_argument(
        "--state", type=str.upper, choices=["ALARM", "OK", "INSUFFICIENT_DATA"], help="any case"
    )
    alarms.add_argument("--output", choices=["table", "json", "csv"], default="table")
    alarms.add_argument(
        "--fail-on-alarm",
        action="store_true",
        help="exit with status 3 when any listed alarm is in ALARM",
    )

    _query_parser(commands)
    ses_parser(commands, _aws_options)
    findings_command.add_parser(commands, lambda p: _aws_options(p, suppress=True))
    add_design_parser(commands, lambda p: _aws_options(p, suppress=True))
    add_timeline_parser(commands, lambda p: _aws_options(p, suppress=True))
    _dbload_parser(commands)
    add_review_parser(commands, _aws_options)

    demo = commands.add_parser("demo", help="the local AWS world")
    demo_commands = demo.add_subparsers(dest="demo_command", metavar="COMMAND", required=True)
    # `montui demo serve …` is handed to the world's own parser before this one runs (see
    # main); it is declared here so that --help lists it.
    demo_commands.add_parser("serve", help="run the local AWS world alone, until Ctrl-C")
    return parser


_NEGATIVE = re.compile(r"^-\d")
_since = since_type("5m")


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 time: {text!r} (e.g. 2026-11-21T03:30:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("--limit must be between 1 and 10000")
    return value


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 25:
        raise argparse.ArgumentTypeError("--top must be between 1 and 25 (the API's limit)")
    return value


def _dbload_parser(commands: Any) -> None:
    dbload = commands.add_parser(
        "dbload",
        help="an RDS instance's top SQL and wait events (Performance Insights)",
        description="Print the top SQL and top wait events of a DB instance over a window, "
        "from Performance Insights. Times without a zone are UTC. Exit 2: unknown instance; "
        "1: Performance Insights is off for it.",
    )
    _aws_options(dbload, suppress=True)
    dbload.add_argument("instance", metavar="INSTANCE", help="the DB instance identifier")
    dbload.add_argument(
        "--since", type=_since, metavar="DURATION", help="from this long ago to now (default 1h)"
    )
    dbload.add_argument("--start", type=_instant, metavar="ISO", help="start time (with --end)")
    dbload.add_argument("--end", type=_instant, metavar="ISO", help="end time (with --start)")
    dbload.add_argument("--top", type=_top, default=10, metavar="N", help="rows (default 10)")
    dbload.add_argument("--output", choices=["table", "json", "csv"], default="table")


def dbload_window(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TimeWindow | None:
    if args.since is not None and (args.start or args.end):
        parser.error("dbload: use either --since or --start/--end, not both")
    if bool(args.start) != bool(args.end):
        parser.error("dbload: --start and --end go together")
    if args.start and args.end:
        if args.end <= args.start:
            parser.error("dbload: --end is before --start")
        return TimeWindow(args.start, args.end)
    return None


def _query_parser(commands: Any) -> None:
    query = commands.add_parser(
        "query",
        help="run a Logs Insights query (for scripts and pipes)",
        description="Run a CloudWatch Logs Insights query in the first region and print its "
        "rows. Times without a zone are UTC. Ctrl+C stops the query on AWS.",
    )
    _aws_options(query, suppress=True)
    query.add_argument("query", metavar="QUERY", help="the Logs Insights query text")
    query.add_argument(
        "-g",
        "--log-group",
        dest="groups",
        action="append",
        metavar="GROUP",
        help="log group to query (repeat for several, at most 50)",
    )
    query.add_argument(
        "--since", type=_since, metavar="DURATION", help="from this long ago to now (default 1h)"
    )
    query.add_argument("--start", type=_instant, metavar="ISO", help="start time (with --end)")
    query.add_argument("--end", type=_instant, metavar="ISO", help="end time (with --start)")
    query.add_argument("--output", choices=["table", "json", "jsonl", "csv"], default="table")
    query.add_argument("--limit", type=_positive, metavar="N", help="at most N rows")


def query_run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> QueryRun:
    """The QueryRun the arguments describe; exits with status 2 (parser.error) when they
    do not describe one."""
    groups = tuple(dict.fromkeys(g for g in args.groups or () if g))
    if not groups:
        parser.error("query: name at least one log group with -g GROUP")
    if len(groups) > 50:
        parser.error("query: at most 50 log groups per query")
    if args.since is not None and (args.start or args.end):
        parser.error("query: use either --since or --start/--end, not both")
    if (args.start is None) != (args.end is None):
        parser.error("query: --start and --end go together")
    if args.start is not None and args.end is not None:
        if args.end < args.start:
            parser.error("query: --end is before --start")
        start, end = args.start, args.end
    else:
        end = datetime.now(UTC)
        start = end - timedelta(seconds=args.since or 3600)
    if not args.query.strip():
        parser.error("query: the query is empty")
    return QueryRun(query=args.query, groups=groups, start=start, end=end, limit=args.limit)


def glue_negative_durations(raw: list[str]) -> list[str]:
    """`--since -5m` → `--since=-5m`: argparse takes `-5m` for an option and says only
    "expected one argument"; glued, `--since`'s own check explains what it takes."""
    glued: list[str] = []
    for arg in raw:
        if glued and glued[-1] == "--since" and _NEGATIVE.match(arg):
            glued[-1] = f"--since={arg}"
        else:
            glued.append(arg)
    return glued


def subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The sub-command's parser, so that its errors print its usage, not montui's."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser
