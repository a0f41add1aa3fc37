"""The Logs Insights feed over OAM against the world: a monitoring account's picker lists its
linked accounts' log groups (by ARN), a query over two accounts' groups is sent with every
group's ARN (the request itself is checked) and its rows say their account; without a link
only the base account's groups are listed and a linked group is refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from montui.feeds.insights import AwsLogsInsights
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.logs import QueryResult, QueryRun
from montui.model.place import Place
from montui.sources.errors import SourceError
from montui_world.ext import logs as logs_ext
from montui_world.ext.oam_store import link_accounts
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.world.oam_accounts import SOURCE

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"
LINKED = f"arn:aws:logs:{REGION}:{SOURCE}:log-group:{GROUP}"
T0 = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)


@pytest.fixture
def two_accounts(world: World) -> Iterator[World]:
    """The same group in the base account and in SOURCE; queries complete at once."""
    previous = logs_ext.configure(pacing=logs_ext.INSTANT)
    stamp = int(T0.timestamp() * 1000) + 5_000
    for account in (DEMO_ACCOUNT, SOURCE):
        logs_ext.put_events(
            REGION, GROUP, "s", [(stamp, f"ERROR in {account}")], account_id=account
        )
    yield world
    logs_ext.restore(previous)


async def _feed(world: World) -> tuple[AwsLogsInsights, list[dict[str, Any]]]:
    """The feed, and every StartQuery's parameters as sent."""
    session = AwsSession(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
    await session.connect()
    sent: list[dict[str, Any]] = []

    def keep(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    client = await session.clients.client("logs", Place(DEMO_ACCOUNT, REGION), once=True)
    client.meta.events.register("provide-client-params.logs.StartQuery", keep)
    return AwsLogsInsights(session), sent


async def _final(feed: AwsLogsInsights, groups: tuple[str, ...]) -> QueryResult:
    run = QueryRun("fields @timestamp, @message", groups, T0, T0 + timedelta(minutes=1))
    last = None
    async with aclosing(feed.run_query(REGION, run)) as results:
        async for snapshot in results:
            last = snapshot
    assert last is not None
    return last


async def test_linked_groups_are_listed_and_queried_by_arn(two_accounts: World) -> None:
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION)
    feed, sent = await _feed(two_accounts)
    try:
        assert (await feed.observability(REGION)).log_accounts() == {SOURCE: SOURCE}
        assert await feed.log_groups(REGION) == (GROUP, LINKED)
        assert await feed.log_groups(REGION, "/aws/lambda/contact") == (GROUP, LINKED)
        result = await _final(feed, (GROUP, LINKED))
        (request,) = sent
        assert "logGroupNames" not in request
        assert request["logGroupIdentifiers"] == [
            f"arn:aws:logs:{REGION}:{DEMO_ACCOUNT}:log-group:{GROUP}",
            LINKED,
        ]
        assert request["queryString"] == "fields @timestamp, @message\n| fields @log"
        by_account = {row["account"]: row["@message"] for row in result.rows}
        assert by_account == {
            DEMO_ACCOUNT: f"ERROR in {DEMO_ACCOUNT}",
            SOURCE: f"ERROR in {SOURCE}",
        }
        feed.aliases = {SOURCE: "payments"}  # [[account]] names it: the alias wins
        assert (await feed.observability(REGION)).log_accounts() == {SOURCE: "payments"}
        aliased = await _final(feed, (GROUP, LINKED))
        assert {row["account"] for row in aliased.rows} == {DEMO_ACCOUNT, "payments"}
        # the base account's groups alone: by name, the query as written, rows as AWS sent them
        mine = await _final(feed, (GROUP,))
        assert sent[-1]["logGroupNames"] == [GROUP]
        assert sent[-1]["queryString"] == "fields @timestamp, @message"
        assert ["account" in row for row in mine.rows] == [False]
    finally:
        await feed.session.close()


async def test_without_a_link_only_the_base_accounts_groups(two_accounts: World) -> None:
    feed, sent = await _feed(two_accounts)
    try:
        state = await feed.observability(REGION)
        assert state.log_accounts() == {} and "not a monitoring account" in state.notice()
        assert await feed.log_groups(REGION) == (GROUP,)
        with pytest.raises(SourceError):
            await _final(feed, (GROUP, LINKED))
        assert sent[0]["logGroupIdentifiers"][1] == LINKED  # asked, and refused by AWS
    finally:
        await feed.session.close()
