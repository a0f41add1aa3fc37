"""The `montui` command line: options, config, and which program to run.

Kept light on purpose: the interactive app's first frame is painted before aiobotocore (or
even botocore) is imported, so this module imports only argparse, the config module and the
model; textual, the sources and the demo world are imported by the branch that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from montui.cli_parser import (
    build_parser,
    dbload_window,
    glue_negative_durations,
    query_run,
    subcommand_parser,
)
from montui.commands import findings as findings_command
from montui.commands.review import run_review
from montui.config import Settings, load_settings
from montui.config_errors import ConfigError
from montui.launch import DEMO_REFRESH, AwsRequest
from montui.model.accounts import AccountSpec, UnknownAccount, choose_accounts
from montui.startup_gc import resume
from montui.startup_log import mark

if TYPE_CHECKING:
    from montui.early import EarlyChild

EXIT_USAGE = 2
ONE_ACCOUNT = frozenset({"design", "timeline", "dbload", "review", "query"})
"""Commands that read one account: with several `[[account]]`, the one `--account` names."""


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
    args = parser.parse_args(glue_negative_durations(raw))
    run = query_run(subcommand_parser(parser, "query"), args) if args.command == "query" else None
    if args.command == "dbload":
        db_window = dbload_window(subcommand_parser(parser, "dbload"), args)
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
