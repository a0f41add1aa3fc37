"""The alarm detail as a live page (issue 10 #9): it scrolls from the keyboard as soon as it
opens, and it follows the board's polls and the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.containers import VerticalScroll

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.composite_tree import CompositeTree
from tests.fakes import NOW, FakeFeed, make_alarm
from tests.test_ui_detail import detail_feed, make_app, open_alarm, settle, text_of

A, OK = AlarmState.ALARM, AlarmState.OK


def scroll_of(screen: AlarmDetailScreen) -> VerticalScroll:
    return screen.query_one("#detail", VerticalScroll)


async def until(pilot: Any, condition: Any, what: str) -> None:
    """Pause until `condition()` holds (bounded: about 2 s), else fail saying `what`."""
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.parametrize("name", ["contact-form-down", "contact-form-error-rate"])
async def test_the_detail_scrolls_with_the_keys_as_soon_as_it_opens(name: str) -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, name)
        detail = scroll_of(screen)
        assert detail.max_scroll_y > 0  # taller than 80x24: there is something to scroll
        assert detail.scroll_y == 0
        await pilot.press("pagedown")
        await until(pilot, lambda: detail.scroll_y > 0, "pagedown scrolls")
        await pilot.press("end")
        await until(pilot, lambda: detail.scroll_y == detail.max_scroll_y, "end scrolls")
        await pilot.press("pageup", "home")
        await until(pilot, lambda: detail.scroll_y == 0, "home scrolls back")
        await pilot.press("down")
        await until(pilot, lambda: detail.scroll_y == 1, "down scrolls a line")
        await pilot.press("up")
        await until(pilot, lambda: detail.scroll_y == 0, "up scrolls a line")


async def test_tab_reaches_the_composite_tree_and_enter_opens_a_child() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-down")
        tree = screen.query_one(CompositeTree)
        assert app.focused is scroll_of(screen)
        await pilot.press("tab")
        focused: object = app.focused
        assert focused is tree
        await pilot.press("down", "enter")  # the first child under OR
        await settle(pilot)
        child = app.screen
        assert isinstance(child, AlarmDetailScreen)
        assert child.alarm.name == "contact-form-error-rate"


async def poll_now(pilot: Any, app: MontuiApp, feed: FakeFeed) -> None:
    """Ask the board (under the detail) to poll now, and wait for that poll to land."""
    board = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
    before = feed.polls["ap-northeast-1"]
    board.action_refresh()
    await until(pilot, lambda: feed.polls["ap-northeast-1"] > before, "the board polls")
    await settle(pilot)


async def test_a_composite_detail_follows_the_boards_polls() -> None:
    feed = detail_feed()
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-down")
        assert "✖ ALARM" in text_of(screen, "#title") and "for 10m" in text_of(screen, "#title")
        # Both children recover, then the composite: the next poll brings them.
        feed.data["ap-northeast-1"] = [
            make_alarm("contact-form-error-rate", OK, minutes_ago=1),
            make_alarm("contact-form-api-5xx", OK, minutes_ago=300),
            make_alarm(
                "contact-form-down",
                OK,
                minutes_ago=1,
                reason="ALARM rule became false",
                rule='ALARM("contact-form-error-rate") OR ALARM("contact-form-api-5xx")',
            ),
        ]
        await poll_now(pilot, app, feed)
        await until(pilot, lambda: "✔ OK" in text_of(screen, "#title"), "the header shows OK")
        title = text_of(screen, "#title")
        assert "ALARM" not in title and "OK for 1m" in title
        assert "ALARM rule became false" in text_of(screen, "#reason")
        tree = screen.query_one(CompositeTree)
        leaves = [str(n.label) for n in tree.root.children[0].children]
        assert all(leaf.startswith("✔ OK") for leaf in leaves), leaves
        assert not any("blamed" in leaf for leaf in leaves)
        assert screen.alarm.state is OK


async def test_a_metric_detail_follows_the_polls_and_its_age_ticks() -> None:
    feed = detail_feed()
    now = [NOW]
    app = MontuiApp(feed.feeds, Settings(), clock=lambda: now[0], home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "ALARM for 12m" in text_of(screen, "#title")
        now[0] = NOW + timedelta(minutes=3)
        screen.tick()  # what its once-a-second timer calls
        assert "ALARM for 15m" in text_of(screen, "#title")
        alarms = feed.data["ap-northeast-1"]
        fresh = replace(
            alarms[0],
            state=OK,
            state_updated=now[0] - timedelta(seconds=30),
            state_reason="Threshold Crossed: 0 of 5 breaching",
        )
        feed.data["ap-northeast-1"] = [fresh, *alarms[1:]]
        await poll_now(pilot, app, feed)
        await until(pilot, lambda: "OK for 30s" in text_of(screen, "#title"), "the header: OK")
        assert "0 of 5 breaching" in text_of(screen, "#reason")
