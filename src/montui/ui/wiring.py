"""The composition root: the AWS feeds of one session (`aws_feeds`), of every watched account
(`aws_accounts`), and an account's Logs Insights and metrics falling back to the base
account's through CloudWatch cross-account observability (`linked_feeds`). A new feed is
wired here; `run_app` hands the result to `MontuiApp`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from montui.config import user_data_dir
from montui.feeds.alarm_tags import AwsAlarmTags
from montui.feeds.alarms import AwsAlarms
from montui.feeds.dbload import AwsDbLoad
from montui.feeds.findings import AwsFindings
from montui.feeds.history import AwsAlarmHistory
from montui.feeds.identity import AwsCallerIdentity
from montui.feeds.insights import AwsLogsInsights
from montui.feeds.linked import LinkedLogsInsights, LinkedMetricData
from montui.feeds.metric_data import AwsMetricData
from montui.feeds.prefetch import AlarmPrefetch
from montui.feeds.prefetched_alarms import PrefetchedAlarms
from montui.feeds.reputation import AwsSendingReputation
from montui.feeds.review import AwsStateHistory
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest, WorldEndpoint
from montui.model.accounts import AccountSpec
from montui.model.records import replace
from montui.running_queries import RunningQueries
from montui.ui.screens.board_feeds import AccountFeeds, Accounts, BoardFeeds


def aws_feeds(
    request: AwsRequest,
    *,
    world: WorldEndpoint | None = None,
    data_dir: Path | None = None,
    world_of: AwsSession | None = None,
    prefetch: AlarmPrefetch | None = None,
    prefetch_max_age: float | None = None,
) -> BoardFeeds:
    """The AWS feeds over one session (the composition root: a new feed is wired here).
    `world`: an already running local AWS world to use instead of starting one; `data_dir`:
    where running queries are kept for the next start (default: montui's data directory);
    `world_of`: the session whose demo world this one shares (`aws_accounts`);
    `prefetch`: the start-up prefetch child (`feeds.prefetch`) whose ALARM answers the alarms
    feed hands over; `prefetch_max_age`: with `--demo`, spawn one once the world is ready."""
    session = AwsSession(
        request, world=world, world_of=world_of, prefetch=prefetch,
        prefetch_max_age=prefetch_max_age,
    )  # fmt: skip
    return BoardFeeds(
        session=session,
        alarms=PrefetchedAlarms(
            AwsAlarms(session),
            lambda: session.prefetch,
            session.learn_account,
            session.rows_shown,
        ),
        identity=AwsCallerIdentity(session),
        metrics=AwsMetricData(session),
        history=AwsAlarmHistory(session),
        insights=AwsLogsInsights(session, RunningQueries(data_dir or user_data_dir())),
        reputation=AwsSendingReputation(session),
        findings=AwsFindings(session),
        dbload=AwsDbLoad(session),
        review=AwsStateHistory(session),
        alarm_tags=AwsAlarmTags(session),
    )


def linked_feeds(own: BoardFeeds, base: BoardFeeds) -> BoardFeeds:
    """`own` (an account other than the base one) with its Logs Insights and metric data
    falling back to `base`'s through CloudWatch cross-account observability when its own
    session is refused them (`feeds.linked`). For each `[[account]]` but the base one."""
    if not (
        isinstance(own.insights, AwsLogsInsights)
        and isinstance(base.insights, AwsLogsInsights)
        and isinstance(own.metrics, AwsMetricData)
        and isinstance(base.metrics, AwsMetricData)
    ):
        return own
    return replace(
        own,
        insights=LinkedLogsInsights(own.insights, base.insights),
        metrics=LinkedMetricData(own.metrics, base.metrics, base.insights),
    )


def aws_accounts(
    request: AwsRequest,
    specs: Sequence[AccountSpec],
    *,
    world: WorldEndpoint | None = None,
    data_dir: Path | None = None,
    prefetch: AlarmPrefetch | None = None,
    prefetch_max_age: float | None = None,
) -> Accounts:
    """One session and its feeds per `[[account]]` (none: the base account alone, as
    `aws_feeds`, with the start-up `prefetch`). With `--demo` the first account's session
    starts the world; the others wait for it and talk to it with their own credentials (a
    role's, assumed there). When the base credentials' own account is watched (an entry
    with neither profile nor role), the others read Logs Insights and metrics through it
    where their own session is refused them (`linked_feeds`: OAM)."""
    if not specs:
        single = aws_feeds(
            request, world=world, data_dir=data_dir, prefetch=prefetch,
            prefetch_max_age=prefetch_max_age,
        )  # fmt: skip
        return Accounts.single(single)
    entries: list[AccountFeeds] = []
    for spec in specs:
        first = entries[0].feeds.session if entries else None
        feeds = aws_feeds(
            request.for_account(spec), world=world, data_dir=data_dir,
            world_of=first if isinstance(first, AwsSession) and request.demo and not world
            else None,
        )  # fmt: skip
        entries.append(AccountFeeds(spec.alias, feeds, spec.role_account))
    return Accounts(_linked_to_base(entries, specs))


def _linked_to_base(
    entries: list[AccountFeeds], specs: Sequence[AccountSpec]
) -> list[AccountFeeds]:
    """Every account but the base one with `linked_feeds` over the base account's, and the
    base account's Logs Insights naming linked accounts by their aliases."""
    base = next(
        (e for e, s in zip(entries, specs, strict=True) if not (s.profile or s.role_arn)), None
    )
    if base is None:
        return entries
    if isinstance(base.feeds.insights, AwsLogsInsights):
        base.feeds.insights.aliases = {e.account: e.alias for e in entries if e.account}
    return [
        e if e is base else AccountFeeds(e.alias, linked_feeds(e.feeds, base.feeds), e.account)
        for e in entries
    ]
