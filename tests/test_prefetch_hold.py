"""After a start-up prefetch, the AWS stack's import (~0.3 s of CPU under the GIL) waits until
the prefetched ALARM rows are handed to the screen: `AwsClients(hold=…)`, `AwsSession`'s
`rows_shown`, the alarms feed telling when nothing was prefetched, and the board's poll
telling once per account that its first rows are shown."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import pytest

from montui.feeds import session as session_module
from montui.feeds.prefetch import AlarmPrefetch
from montui.feeds.prefetched_alarms import PrefetchedAlarms
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.model.place import Place
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.world import World
from tests.fakes import NOW, fake_feeds, make_alarm
from tests.fakes.alarms import FakeAlarms
from tests.fakes.session import FakeSession

REGION = "ap-northeast-1"
BOUND = 10.0
"""Seconds a test waits for something that must happen (never reached when all is well)."""


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read_fd, write_fd = os.pipe()
    yield read_fd, write_fd
    os.close(write_fd)


def write(fd: int, data: dict[str, object]) -> None:
    os.write(fd, (json.dumps(data) + "\n").encode())


async def test_the_first_client_waits_for_the_hold_once(world: World) -> None:
    held, released = asyncio.Event(), asyncio.Event()
    holds = 0

    async def hold() -> None:
        nonlocal holds
        holds += 1
        held.set()
        await released.wait()

    target = AwsTarget(None, (REGION,), world.endpoint)
    async with AwsClients(target, hold=hold) as clients:
        first = asyncio.ensure_future(clients.client("cloudwatch", Place("", REGION)))
        await asyncio.wait_for(held.wait(), BOUND)
        await asyncio.sleep(0)
        assert not first.done()
        released.set()
        await asyncio.wait_for(first, BOUND)
        await clients.client("logs", Place("", REGION))
    assert holds == 1


async def test_the_prefetched_sessions_clients_wait_for_rows_shown(
    world: World, pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "PAINT_TIME", 0.0)
    read_fd, write_fd = pipe
    target = {"profile": None, "regions": [REGION], "endpoint_url": world.endpoint}
    write(write_fd, {"target": target | {"static_credentials": ["fake", "fake"]}})
    prefetch = AlarmPrefetch(read_fd, lambda: None, max_age=60)
    session = AwsSession(AwsRequest(regions=(REGION,)), prefetch=prefetch)
    holding, held = asyncio.Event(), asyncio.Event()
    until_rows_shown = session._until_rows_shown

    async def spy() -> None:
        holding.set()
        await until_rows_shown()
        held.set()

    monkeypatch.setattr(session, "_until_rows_shown", spy)
    await session.connect()
    made = asyncio.ensure_future(session.clients.client("cloudwatch", Place("", REGION)))
    await asyncio.wait_for(holding.wait(), BOUND)
    await asyncio.sleep(0)
    assert not held.is_set()
    session.rows_shown()
    await asyncio.wait_for(made, BOUND)
    assert held.is_set()
    await session.close()


async def test_the_hold_ends_by_itself_when_no_rows_come(
    world: World, pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "STACK_HOLD", 0.01)
    read_fd, write_fd = pipe
    write(write_fd, {"target": {"profile": None, "regions": [REGION],
                                "endpoint_url": world.endpoint}})  # fmt: skip
    session = AwsSession(
        AwsRequest(regions=(REGION,)), prefetch=AlarmPrefetch(read_fd, lambda: None, max_age=60)
    )
    await session.connect()
    await asyncio.wait_for(session.clients.client("cloudwatch", Place("", REGION)), BOUND)
    await session.close()


async def test_a_session_without_prefetch_does_not_hold(world: World) -> None:
    session = AwsSession(AwsRequest(regions=(REGION,), endpoint_url=world.endpoint))
    await session.connect()
    await asyncio.wait_for(session.clients.client("cloudwatch", Place("", REGION)), BOUND)
    await session.close()


async def test_the_feed_tells_when_the_first_answer_must_come_from_aws(
    pipe: tuple[int, int],
) -> None:
    read_fd, write_fd = pipe
    write(write_fd, {"region": REGION, "error": "ClientError: AccessDenied"})
    prefetch = AlarmPrefetch(read_fd, lambda: None, max_age=60, answer_wait=0.2)
    told: list[str] = []
    inner = FakeAlarms({REGION: [make_alarm("from-aws", AlarmState.ALARM, region=REGION)]})
    feed = PrefetchedAlarms(inner, lambda: prefetch, nothing_prefetched=lambda: told.append("!"))
    assert [a.name for a in await feed.alarms_in_alarm(REGION)] == ["from-aws"]
    assert told == ["!"]
    quiet = PrefetchedAlarms(inner, lambda: None, nothing_prefetched=lambda: told.append("?"))
    await quiet.alarms_in_alarm(REGION)
    assert told == ["!"]  # no prefetch at all: nothing waits, nothing to tell
    prefetch.close()


async def test_the_poll_says_once_per_account_that_its_first_rows_are_shown() -> None:
    from montui.ui.screens.board_poll import BoardPoll

    session = FakeSession((REGION,))
    inner = FakeAlarms({REGION: [make_alarm("firing", AlarmState.ALARM)]})
    shown_when: list[int] = []

    def changed() -> None:
        shown_when.append(session.rows_shown_calls)

    poll = BoardPoll(
        fake_feeds(inner, session=session), refresh_every=60, clock=lambda: NOW,
        changed=changed, polled=lambda region, alarms: None, fatal=lambda message: None,
    )  # fmt: skip
    assert await poll.connect() is not None
    await poll.refresh_region(REGION)
    await poll.refresh_region(REGION, woken=True)
    assert session.rows_shown_calls == 1
    assert shown_when[0] == 0  # told after the rows were handed to the screen
