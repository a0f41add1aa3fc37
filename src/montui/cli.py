"""The `montui` command line: options, config, and which program to run.

Kept light on purpose: the interactive app's first frame is painted before aiobotocore (or
even botocore) is imported, so this module imports only argparse, the config module and the
model; textual, the sources and the demo world are imported by the branch that needs them.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from montui import __version__
from montui.commands import findings as findings_command
from montui.commands.arguments import add_design_parser, add_timeline_parser
from montui.commands.review import add_review_parser, run_review
from montui.commands.ses import add_parser as ses_parser
from montui.config import Settings, load_settings
from montui.config_errors import ConfigError
from montui.launch import DEMO_REFRESH, AwsRequest
from montui.model.accounts import AccountSpec, UnknownAccount, choose_accounts
from montui.model.duration import parse_duration
from montui.model.logs import QueryRun
from montui.model.metrics import TimeWindow
from montui.startup_gc import resume
from montui.startup_log import mark

if TYPE_CHECKING:
    from montui.early import EarlyChild

EXIT_USAGE = 2
ONE_ACCOUNT = frozenset({"design", "timeline", "dbload", "review", "query"})
"""Commands that read one account: with several `[[account]]`, the one `--account` names."""


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


_SINCE_HINT = "--since takes a positive duration like 5m"
_NEGATIVE = re.compile(r"^-\d")


def _since(text: str) -> int:
    if text.strip().startswith("-"):
        raise argparse.ArgumentTypeError(f"{_SINCE_HINT}, got {text!r}")
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"{_SINCE_HINT}, got {text!r}")
    return seconds


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


def _dbload_window(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TimeWindow | None:
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


def _query_run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> QueryRun:
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


def _request(args: argparse.Namespace, settings: Settings) -> AwsRequest:
    return AwsRequest(
        profile=args.profile,
        regions=args.regions,
        endpoint_url=args.endpoint_url,
        config_profile=settings.profile,
        config_regions=settings.regions or None,
        config_endpoint_url=settings.endpoint_url,
        demo=bool(args.demo),
        demo_accounts=args.accounts or 1,
    )


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if args.refresh is not None:
        settings = settings.with_refresh(args.refresh)
    elif args.demo:  # the demo world runs fast: poll at least once a simulated minute
        settings = settings.with_refresh(min(settings.refresh, DEMO_REFRESH))
    return settings


def _glue_negative_durations(raw: list[str]) -> list[str]:
    """`--since -5m` → `--since=-5m`: argparse takes `-5m` for an option and says only
    "expected one argument"; glued, `--since`'s own check explains what it takes."""
    glued: list[str] = []
    for arg in raw:
        if glued and glued[-1] == "--since" and _NEGATIVE.match(arg):
            glued[-1] = f"--since={arg}"
        else:
            glued.append(arg)
    return glued


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The sub-command's parser, so that its errors print its usage, not montui's."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser


def main(argv: Sequence[str] | None = None, *, early: EarlyChild | None = None) -> int:
    """The command line (`montui.start.main` is the console script). Returns the exit status.
    `early`: the prefetch child forked before this module was imported (`montui.early`)."""
    mark("main")
    try:
        return _main(argv, early)
    finally:
        if early is not None:
            early.abandon()  # idempotent: the app has stopped it already


def _main(argv: Sequence[str] | None, early: EarlyChild | None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:2] == ["demo", "serve"]:
        # The world is its own package (`montui_world`), never imported by montui: it runs in
        # this process's place, so exit status and signals (Ctrl-C) are its own.
        os.execv(sys.executable, [sys.executable, "-m", "montui_world", "serve", *raw[2:]])
    parser = build_parser()
    args = parser.parse_args(_glue_negative_durations(raw))
    run = _query_run(_subcommand(parser, "query"), args) if args.command == "query" else None
    if args.command == "dbload":
        db_window = _dbload_window(_subcommand(parser, "dbload"), args)
    names = ("profile", "regions", "endpoint_url", "config", "refresh", "demo", "account")
    for name in (*names, "accounts"):
        if not hasattr(args, name):
            setattr(args, name, None)
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"montui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.accounts and not args.demo:
        print("montui: --accounts N is for --demo (a local world of N accounts)", file=sys.stderr)
        return EXIT_USAGE
    world_accounts = bool(args.demo and (args.accounts or 1) > 1 and not settings.accounts)
    try:  # a demo world's accounts are known once it runs: chosen then
        accounts = () if world_accounts else choose_accounts(settings.accounts, args.account)
    except UnknownAccount as exc:
        print(f"montui: --account: {exc}", file=sys.stderr)
        return EXIT_USAGE
    request = _request(args, settings)
    if args.command is not None:
        resume()  # the app resumes it once its first frame is painted
    if args.command == "alarms":
        from montui.commands.alarms import run_alarms

        return run_alarms(
            request,
            settings,
            state=args.state,
            output=args.output,
            fail_on_alarm=args.fail_on_alarm,
            accounts=accounts,
            wanted=args.account,
        )
    if accounts and args.command in ONE_ACCOUNT:
        if len(accounts) > 1:
            known = ", ".join(a.alias for a in accounts)
            print(
                f"montui {args.command} reads one account at a time: choose it with"
                f" --account ALIAS (configured: {known})",
                file=sys.stderr,
            )
            return EXIT_USAGE
        request = request.for_account(accounts[0])
    if args.command == "ses":
        from montui.commands.ses import run_ses

        return run_ses(
            request, output=args.output, fail_on_review=args.fail_on_review,
            accounts=accounts, wanted=args.account,
        )  # fmt: skip
    if args.command == "findings":
        return findings_command.run_findings(
            request,
            settings,
            min_severity=args.min_severity,
            since=args.since,
            output=args.output,
            fail_on_finding=args.fail_on_finding,
            accounts=accounts,
            wanted=args.account,
        )
    if args.command == "design":
        from montui.commands.design import run_design

        return run_design(args, request)
    if args.command == "timeline":
        from montui.commands.timeline import run_timeline

        return run_timeline(args, request)
    if args.command == "dbload":
        from montui.commands.dbload import run_dbload

        return run_dbload(
            request, args.instance, window=db_window, since=args.since or 3600,
            top=args.top, output=args.output,
        )  # fmt: skip
    if args.command == "review":
        return run_review(
            request, settings, days=args.days, output=args.output, fail_on=args.fail_on
        )
    if run is not None:
        from montui.commands.query import run_query_command

        return run_query_command(request, run, output=args.output)
    if world_accounts:
        from montui.run_app import run_world_app

        return run_world_app(request, settings, args.account)
    return _run_app(request, settings, early, accounts)


def _run_app(
    request: AwsRequest,
    settings: Settings,
    early: EarlyChild | None = None,
    specs: tuple[AccountSpec, ...] = (),
) -> int:
    # The ALARM alarms are asked for by a forked child while Textual is imported and paints
    # (`feeds.prefetch`); with --demo, once the world is ready. Not with [[account]] entries.
    from montui.feeds.prefetch import start_prefetch
    from montui.run_app import run_app

    watching_accounts = bool(settings.accounts)
    prefetch = None
    if not watching_accounts:
        prefetch = start_prefetch(request, max_age=settings.refresh, early=early)
    demo_max_age = settings.refresh if request.demo and not watching_accounts else None
    mark("prefetch started" if prefetch else "no prefetch")
    try:
        return run_app(request, settings, specs, prefetch=prefetch, prefetch_max_age=demo_max_age)
    finally:
        if prefetch is not None:
            prefetch.close()
