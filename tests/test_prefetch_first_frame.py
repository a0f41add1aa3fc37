"""When the start-up prefetch child has answered before the app mounts, its ALARM rows are in
the first frame: the session connects at once (`AwsSession.connect_now`), the board's poll
takes the answer without waiting (`BoardPoll.connect_now`, `PrefetchedAlarms.prefetched`),
and the first poll hands the same answer over without asking AWS again."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from montui.config import Settings
from montui.feeds.prefetch import AlarmPrefetch
from montui.feeds.prefetched_alarms import PrefetchedAlarms
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.board_poll import BoardPoll
from montui.ui.screens.triage import TriageScreen
from tests.fakes import NOW, fake_feeds, frozen_clock, make_alarm
from tests.fakes.alarms import FakeAlarms

REGION = "ap-northeast-1"
ARN = f"arn:aws:cloudwatch:{REGION}:111122223333:alarm:from-the-prefetch"
TARGET = {"profile": None, "regions": [REGION], "endpoint_url": "http://127.0.0.1:9"}


class Child:
    """A hand-written prefetch child: lines written to a real pipe the prefetch reads."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()

    def line(self, data: dict[str, Any]) -> None:
        os.write(self.write_fd, (json.dumps(data) + "\n").encode())

    def prefetch(self) -> AlarmPrefetch:
        return AlarmPrefetch(self.read_fd, lambda: None, max_age=60, clock=lambda: 100.0)


@pytest.fixture
def child() -> Iterator[Child]:
    made = Child()
    yield made
    os.close(made.write_fd)


def answer() -> dict[str, Any]:
    alarm = {
        "AlarmName": "from-the-prefetch", "AlarmArn": ARN, "StateValue": "ALARM",
        "StateUpdatedTimestamp": "2026-11-21T03:30:00+00:00", "MetricName": "Errors",
        "Namespace": "AWS/Lambda",
    }  # fmt: skip
    return {"region": REGION, "pages": [{"MetricAlarms": [alarm]}], "at": 90.0}


def inner() -> FakeAlarms:
    return FakeAlarms({REGION: [make_alarm("from-aws", AlarmState.ALARM, region=REGION)]})


async def test_the_session_connects_at_once_only_once_the_target_is_written(
    child: Child,
) -> None:
    prefetch = child.prefetch()
    session = AwsSession(AwsRequest(regions=(REGION,)), prefetch=prefetch)
    assert session.connect_now() is None  # nothing written yet: `connect` will wait
    child.line({"target": TARGET})
    connection = session.connect_now()
    assert connection is not None and connection.regions == (REGION,)
    assert await session.connect() is connection  # connected once
    assert session.connect_now() is None
    await session.close()


async def test_a_demo_session_never_connects_at_once(child: Child) -> None:
    child.line({"target": TARGET})
    session = AwsSession(AwsRequest(regions=(REGION,), demo=True), prefetch=child.prefetch())
    assert session.connect_now() is None


async def test_an_answer_not_written_yet_is_left_for_the_first_poll(child: Child) -> None:
    prefetch = child.prefetch()
    fake = inner()
    feed = PrefetchedAlarms(fake, lambda: prefetch)
    assert feed.prefetched(REGION) is None
    child.line(answer())
    assert [a.name for a in await feed.alarms_in_alarm(REGION)] == ["from-the-prefetch"]
    assert fake.alarm_polls == {}


async def test_an_answer_taken_at_once_is_handed_to_the_first_poll_without_asking(
    child: Child,
) -> None:
    child.line(answer())
    prefetch = child.prefetch()
    fake = inner()
    learned: list[str] = []
    feed = PrefetchedAlarms(fake, lambda: prefetch, learned.append)
    now = feed.prefetched(REGION)
    assert now is not None and [a.name for a in now] == ["from-the-prefetch"]
    assert learned == ["111122223333"]
    assert await feed.alarms_in_alarm(REGION) == now
    assert fake.alarm_polls == {}
    assert [a.name for a in await feed.alarms_in_alarm(REGION)] == ["from-aws"]
    assert fake.alarm_polls == {REGION: 1}


def prefetched_feeds(child: Child, fake: FakeAlarms) -> tuple[Any, AwsSession]:
    prefetch = child.prefetch()
    session = AwsSession(AwsRequest(regions=(REGION,)), prefetch=prefetch)
    feeds = replace(
        fake_feeds(fake), session=session, alarms=PrefetchedAlarms(fake, lambda: prefetch)
    )
    return feeds, session


async def test_the_poll_connects_and_shows_the_prefetched_rows_at_once(child: Child) -> None:
    child.line({"target": TARGET})
    child.line(answer())
    fake = inner()
    feeds, session = prefetched_feeds(child, fake)
    poll = BoardPoll(
        feeds, refresh_every=60, clock=lambda: NOW, changed=lambda: None,
        polled=lambda region, alarms: None, fatal=lambda message: None,
    )  # fmt: skip
    assert poll.connect_now() == (REGION,)
    assert [a.name for a in poll.statuses[("", REGION)].alarms] == ["from-the-prefetch"]
    assert await poll.connect() == (REGION,)
    await poll.refresh_region(REGION)
    assert fake.alarm_polls == {}  # the first poll's ALARM answer was the prefetch's
    assert fake.polls == {REGION: 1}  # and the listing followed
    await session.close()


async def test_without_an_answer_yet_the_poll_connects_as_usual(child: Child) -> None:
    feeds, session = prefetched_feeds(child, inner())
    poll = BoardPoll(
        feeds, refresh_every=60, clock=lambda: NOW, changed=lambda: None,
        polled=lambda region, alarms: None, fatal=lambda message: None,
    )  # fmt: skip
    assert poll.connect_now() is None
    assert poll.statuses == {}
    await session.close()


async def test_the_triage_screens_first_frame_has_the_prefetched_rows(
    child: Child, monkeypatch: pytest.MonkeyPatch
) -> None:
    child.line({"target": TARGET})
    child.line(answer())
    fake = inner()
    never = asyncio.Event()

    async def held(region: str) -> tuple[Any, ...]:  # AWS would never answer in time
        await never.wait()
        return ()

    fake.alarms_in_alarm = held  # type: ignore[method-assign]
    fake.alarms = held  # type: ignore[method-assign]
    feeds, _ = prefetched_feeds(child, fake)
    first_view: list[list[str]] = []
    on_mount = TriageScreen.on_mount

    def recorded(screen: TriageScreen) -> None:
        on_mount(screen)  # what the screen has rendered once mounted: its first frame's
        first_view.append([signal.what for signal in screen.all_signals()])

    monkeypatch.setattr(TriageScreen, "on_mount", recorded)
    app = MontuiApp(feeds, Settings(), clock=frozen_clock)
    async with app.run_test(size=(100, 30)):
        assert first_view == [["from-the-prefetch"]]
