"""The tune (back-test) screen: current and edited settings replayed over 14 days."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from textual.widgets import Input

from montui.model.alarm import AlarmState
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.tune import TuneScreen
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
