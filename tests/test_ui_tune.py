"""The tune (back-test) screen: current and edited settings replayed over 14 days."""

from __future__ import annotations

import base64
import re
import shlex
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.widgets import Input

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.model.records import replace
from montui.ui import clipboard
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.tune import TuneScreen
from montui.ui.widgets.episode_strip import EpisodeStrip
from montui.ui.widgets.key_bar import KeyBar
from tests.fakes import NOW, FakeFeed, make_alarm
from tests.test_ui_detail import idle, make_app, open_alarm, settle


def nightly_spikes(moment: datetime) -> float:
    """Every night at 02:00-02:03 UTC, 3 breaching minutes in a row, 2 minutes apart a bit
    later: 3 of 5 fires twice a night, 5 of 5 never."""
    minute = moment.hour * 60 + moment.minute
    spikes = {120, 121, 122, 140, 142, 144}
    return 50.0 if minute in spikes else 1.0


def episodes(text: str) -> int:
    found = re.search(r"(\d+) ALARM episodes", text)
    assert found, text
    return int(found.group(1))


async def test_stricter_m_of_n_gives_fewer_episodes() -> None:
    alarm = make_alarm("nightly-noisy", AlarmState.OK, minutes_ago=60)
    feed = FakeFeed({"ap-northeast-1": [alarm]})
    feed.series["m1"] = nightly_spikes
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_alarm(pilot, app, "nightly-noisy")
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TuneScreen)
        await idle(pilot, screen)
        current = str(screen.query_one("#current").render())
        assert episodes(current) == 28  # twice a night for 14 nights
        proposed_m = screen.query_one("#m", Input)
        proposed_m.value = "5"
        screen.query_one("#m", Input).focus()
        await pilot.press("enter")
        await idle(pilot, screen)
        proposed = str(screen.query_one("#proposed").render())
        assert episodes(proposed) == 0
        assert episodes(str(screen.query_one("#current").render())) == 28
        command = str(screen.query_one("#command").render())
        assert "put-metric-alarm" in command and "--datapoints-to-alarm 5" in command
        window = feed.metric_calls[-1][2]
        assert window.end == NOW and window.length == timedelta(days=14)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AlarmDetailScreen)


async def test_bad_input_is_named_not_raised() -> None:
    alarm = make_alarm("nightly-noisy", AlarmState.OK, minutes_ago=60)
    feed = FakeFeed({"ap-northeast-1": [alarm]})
    feed.series["m1"] = nightly_spikes
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_alarm(pilot, app, "nightly-noisy")
        await pilot.press("t")
        await settle(pilot)
        screen: Any = app.screen
        await idle(pilot, screen)
        screen.query_one("#m", Input).value = "9"
        screen.query_one("#m", Input).focus()
        await pilot.press("enter")
        await idle(pilot, screen)
        assert "DatapointsToAlarm" in str(screen.query_one("#problem").render())
        assert app.is_running


DESCRIPTION = (
    "Aurora writer write IOPS (provisioned for 3000 sustained). [next business day] "
    "Runbook: https://runbooks.example/shop-aurora-writer-write-iops"
)


def described_alarm() -> Alarm:
    return replace(
        make_alarm("shop-aurora-writer-write-iops", AlarmState.OK, minutes_ago=60),
        description=DESCRIPTION,
        threshold=3000.125,
    )


async def open_tune(pilot: Any, app: Any, name: str) -> TuneScreen:
    await open_alarm(pilot, app, name)
    await pilot.press("t")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, TuneScreen)
    await idle(pilot, screen)
    return screen


def option(words: list[str], flag: str) -> str:
    return words[words.index(flag) + 1]


async def test_the_command_keeps_the_description_and_threshold_exactly() -> None:
    """Issue 10 #3: `[next business day]` was read as a markup tag and dropped from the
    printed command; the threshold box rounded 3000.125 to 3000.12."""
    feed = FakeFeed({"ap-northeast-1": [described_alarm()]})
    feed.series["m1"] = nightly_spikes
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_tune(pilot, app, "shop-aurora-writer-write-iops")
        words = shlex.split(str(screen.query_one("#command").render()))
        assert option(words, "--alarm-description") == DESCRIPTION
        assert option(words, "--threshold") == "3000.125"
        assert "Tags are not part of PutMetricAlarm" in str(screen.query_one("#tags-note").render())


async def test_ctrl_y_copies_the_command_at_80x24(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    monkeypatch.setattr(clipboard, "write_to_terminal", lambda app, data: written.append(data))
    feed = FakeFeed({"ap-northeast-1": [described_alarm()]})
    feed.series["m1"] = nightly_spikes
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tune(pilot, app, "shop-aurora-writer-write-iops")
        assert "^y Copy command" in str(screen.query_one(KeyBar).render())
        screen.query_one("#threshold", Input).focus()  # typing goes to the form ...
        await settle(pilot)
        await pilot.press("ctrl+y")  # ... and ctrl+y still copies
        await settle(pilot)
        (sequence,) = written
        encoded = sequence.removeprefix("\x1b]52;c;").removesuffix("\x07")
        assert base64.b64decode(encoded).decode() == screen.command
        assert screen.command is not None and DESCRIPTION in shlex.split(screen.command)


async def test_the_strips_show_both_settings_episodes() -> None:
    alarm = make_alarm("nightly-noisy", AlarmState.OK, minutes_ago=60)
    feed = FakeFeed({"ap-northeast-1": [alarm]})
    feed.series["m1"] = nightly_spikes
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tune(pilot, app, "nightly-noisy")
        screen.query_one("#m", Input).value = "5"
        screen.query_one("#m", Input).focus()
        await pilot.press("enter")
        await idle(pilot, screen)
        strip = screen.query_one(EpisodeStrip)
        lines = str(strip.render()).splitlines()
        current = next(line for line in lines if line.startswith("current"))
        proposed = next(line for line in lines if line.startswith("proposed"))
        assert current.count("█") == 14  # the 00:00-06:00 cell of each night
        assert "█" not in proposed and "·" in proposed
        assert "a cell is 6 h" in lines[-1]


async def test_a_five_minute_alarm_replays_when_the_clock_is_off_its_grid() -> None:
    """GetMetricData's periods start at StartTime rounded to the minute (as AWS documents), so
    a 14-day window ending at 03:32 would give 5-minute points at 03:32, 03:37, …: off the
    evaluator's epoch grid. Tune asks from a period boundary instead."""
    alarm = replace(
        make_alarm("five-minute", AlarmState.OK, minutes_ago=60),
        period=300,
        evaluation_periods=1,
        datapoints_to_alarm=1,
    )
    feed = FakeFeed({"ap-northeast-1": [alarm]})
    feed.series["m1"] = nightly_spikes
    app = MontuiApp(feed.feeds, Settings(), clock=lambda: NOW + timedelta(minutes=2), home="board")
    async with app.run_test(size=(100, 40)) as pilot:
        await open_alarm(pilot, app, "five-minute")
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TuneScreen)
        await idle(pilot, screen)
        current = str(screen.query_one("#current").render())
        assert episodes(current) == 28  # 02:00 and 02:20 each night, one 5-minute period each
        window = feed.metric_calls[-1][2]
        assert window.start.timestamp() % 300 == 0
