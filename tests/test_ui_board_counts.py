"""Honest counts while a place is still listing (issue 16 leftovers): the board header says
`… ` for the OK and INSUFFICIENT_DATA counts until every place has been fully listed, the
triage freshness line says the alarms are still listing; once listed the counts are as
before. Fake feeds whose listing is held back by an event, a hand-moved clock."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Static

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.board_header import BoardHeader, header_text
from tests.fakes import FakeFeed, HandClock, fake_accounts, make_alarm
from tests.test_ui_accounts import PROD, SHARED, alarms_of, until
from tests.triage_data import demo_alarms, demo_app, demo_feeds

A, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
TOKYO = "ap-northeast-1"


def header(app: MontuiApp) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
    return str(screen.query_one(BoardHeader).render())


def test_an_unknown_count_is_an_ellipsis_by_symbol_and_dim() -> None:
    counts = {A: 2, NODATA: 0, OK: 0}
    for mono in (False, True):
        text = header_text(
            identity=None, profile=None, regions=(TOKYO,), counts=counts, demo=False, view="",
            mono=mono, unknown=frozenset({OK, NODATA}),
        )  # fmt: skip
        assert " ✖ 2 ? … ✔ … " in text.plain
        dim = [span for span in text.spans if text.plain[span.start : span.end] == "? …"]
        assert dim and all(str(span.style) == "dim" for span in dim)
    known = header_text(
        identity=None, profile=None, regions=(TOKYO,), counts=counts, demo=False, view=""
    )
    assert " ✖ 2 ? 0 ✔ 0 " in known.plain


async def test_the_board_header_says_listing_until_the_listing_lands() -> None:
    feed = FakeFeed({TOKYO: [
        make_alarm("db-cpu", A), make_alarm("api-ok", OK), make_alarm("web-ok", OK),
        make_alarm("quiet", NODATA),
    ]})  # fmt: skip
    feed.hold_listing = asyncio.Event()
    clock = HandClock()
    app = MontuiApp(feed.feeds, Settings(), clock=clock, pause=clock.pause, home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "✖ 1" in header(app))
        assert "✖ 1 ? … ✔ … " in header(app)
        assert "? 0" not in header(app) and "✔ 0" not in header(app)
        feed.hold_listing.set()
        await until(pilot, lambda: "… " not in header(app))
        assert "✖ 1 ? 1 ✔ 2 " in header(app)


async def test_the_ok_filter_while_listing_does_not_say_there_are_none() -> None:
    feed = FakeFeed({TOKYO: [make_alarm("db-cpu", A), make_alarm("api-ok", OK)]})
    feed.hold_listing = asyncio.Event()
    clock = HandClock()
    app = MontuiApp(feed.feeds, Settings(), clock=clock, pause=clock.pause, home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "✖ 1" in header(app))
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen.only = OK
        screen.refresh_view()
        empty = str(screen.query_one("#empty", Static).render())
        assert "Listing" in empty and "No OK" not in empty
        feed.hold_listing.set()
        await until(pilot, lambda: len(screen.query_one(AlarmTable).rows) == 1)
        assert "✖ 1 ? 0 ✔ 1 " in header(app)


async def test_one_account_still_listing_keeps_the_summed_counts_unknown() -> None:
    shared, prod = alarms_of(SHARED, "shared-billing"), alarms_of(PROD, "api-5xx", "db-cpu")
    prod.hold_listing = asyncio.Event()
    accounts, feeds = fake_accounts(("shared", SHARED, shared), ("prod", PROD, prod))
    clock = HandClock()
    app = MontuiApp(
        feeds[0], Settings().with_refresh(5.0), clock=clock, pause=clock.pause,
        home="board", accounts=accounts,
    )  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "✖ 2" in header(app))
        await until(pilot, lambda: shared.polls[TOKYO] >= 1 and shared.polls["us-east-1"] >= 1)
        assert "✖ 2 ? … ✔ … " in header(app)
        prod.hold_listing.set()
        await until(pilot, lambda: "… " not in header(app))
        assert "✖ 2 ? 0 ✔ 3 " in header(app)


async def test_triage_freshness_says_the_alarms_are_still_listing() -> None:
    alarms = demo_alarms()
    alarms.hold_listing = asyncio.Event()
    app = demo_app(demo_feeds(alarms), clock=HandClock())
    async with app.run_test(size=(80, 24)) as pilot:

        def fresh() -> str:
            return str(app.screen.query_one("#triage-fresh", Static).render())

        await until(pilot, lambda: fresh().startswith("alarms ") and "…" in fresh())
        assert re.match(r"alarms \S+ listing… · ", fresh()), fresh()
        alarms.hold_listing.set()
        await until(pilot, lambda: "listing" not in fresh())
        assert fresh().startswith("alarms ") and not fresh().startswith("alarms …")
