"""`montui review`: the alarm review without the TUI — a table, a Markdown review document, or
JSON — and `--fail-on` thresholds for CI.

Exit status: 0; 1 when a region (or a check) could not be read (the rest is printed, the
problem too); 2 for bad arguments, config or credentials; 3 when a `--fail-on` limit is
exceeded (the exceeded limits on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from montui.commands.common import report_error
from montui.config import MAX_REVIEW_DAYS, Settings
from montui.launch import AwsRequest, DemoWorldError
from montui.model.review import Category, exceeded, parse_fail_on

if TYPE_CHECKING:  # the rest of the review is imported when it runs, off `montui`'s start
    from montui.model.review_report import Review

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_EXCEEDED = 0, 1, 2, 3
OUTPUTS = ("table", "markdown", "json")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_REVIEW_DAYS:
        raise argparse.ArgumentTypeError(
            f"--days takes a whole number of days from 1 to {MAX_REVIEW_DAYS} (CloudWatch keeps"
            " no older alarm history)"
        )
    return days


def _fail_on(text: str) -> dict[Category, int]:
    try:
        return parse_fail_on(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--fail-on: {exc}") from None


def add_review_parser(commands: Any, aws_options: Any) -> None:
    """`montui review [--days N] [--output …] [--fail-on CATEGORY[=N],…]`."""
    review = commands.add_parser(
        "review",
        help="review the alarms: noise, dead, unheard and unowned alarms (for teams and CI)",
        description="Review every alarm of every region over the last N days from its alarm "
        "history: never fired, stuck, dead metric, unheard, no way back, unowned, fatigue, "
        "flapping; ranked by harm, with what to do, and quieter settings proven by back-test "
        "for the noisiest.",
    )
    aws_options(review, suppress=True)
    review.add_argument("--days", type=_days, default=None, metavar="N",
                        help="the period, in days (default 14, or [review] days)")  # fmt: skip
    review.add_argument("--output", choices=OUTPUTS, default="table")
    review.add_argument(
        "--fail-on",
        type=_fail_on,
        default=None,
        metavar="CATEGORY[=N],…",
        help="exit 3 when a category has more than N lines (0 without =N); categories: "
        + ", ".join(c.value for c in Category),
    )


async def _review(request: AwsRequest, settings: Settings, days: int, now: datetime) -> Review:
    from montui.feeds.alarms import AwsAlarms
    from montui.feeds.metric_data import AwsMetricData
    from montui.feeds.review import AwsStateHistory
    from montui.feeds.review_run import gather_review
    from montui.feeds.session import AwsSession

    session = AwsSession(request)
    try:
        connection = await session.connect()
        review_settings = settings.review
        if days != review_settings.days:
            from montui.model.records import replace

            review_settings = replace(review_settings, days=days)
        return await gather_review(
            connection.regions,
            alarms=AwsAlarms(session),
            history=AwsStateHistory(session),
            metrics=AwsMetricData(session),
            now=now,
            settings=review_settings,
            rules=settings.alarm_rules,
        )
    finally:
        await session.close()


def write_review(review: Review, output: str, out: TextIO) -> None:
    from montui.model.review_report import json_data, markdown_text, table_text

    if output == "json":
        json.dump(json_data(review), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif output == "markdown":
        out.write(markdown_text(review))
    else:
        out.write(table_text(review))


def run_review(
    request: AwsRequest,
    settings: Settings,
    *,
    days: int | None,
    output: str,
    fail_on: dict[Category, int] | None,
    out: TextIO | None = None,
    now: datetime | None = None,
) -> int:
    """Review the alarms, print the review, and return the exit status."""
    from montui.sources.errors import SourceError

    out = out or sys.stdout
    moment = now or datetime.now(UTC)
    try:
        review = asyncio.run(_review(request, settings, days or settings.review.days, moment))
    except (SourceError, DemoWorldError) as exc:
        report_error(exc)
        return EXIT_USAGE
    if review.problems and not review.alarms:
        for problem in review.problems:
            print(f"montui: {problem}", file=sys.stderr)
        return EXIT_PROBLEM
    write_review(review, output, out)
    for problem in review.problems:
        print(f"montui: could not check {problem}", file=sys.stderr)
    over = exceeded(fail_on or {}, review.findings)
    if over:
        print(f"montui review: over the limit: {'; '.join(over)}", file=sys.stderr)
        return EXIT_EXCEEDED
    return EXIT_PROBLEM if review.problems else EXIT_OK
