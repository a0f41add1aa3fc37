"""What montui writes to the terminal while nothing happens (over SSH every byte costs).

A pilot over the demo-shaped fakes at 80x24, time on a `HandClock`: every idle poll brings
the same data back. `TerminalBytes` renders each update the compositor hands to the driver
(what a real terminal would be sent) and counts it. An idle poll may repaint the lines whose
text changed (an age), never the whole screen: `benchmarks/idle_bytes.py` measures the real
thing in a pseudo-terminal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual._compositor import LayoutUpdate
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.triage import TriageScreen
from montui.ui.screens.triage_paint import fill
from montui.ui.widgets.alarm_table import AlarmTable
from tests.fakes import FakeAlarms, FakeFindings, HandClock, make_alarm
from tests.fakes.dbload import BATCH_SESSIONS, shop_dbload
from tests.test_ui_triage import rows
from tests.triage_data import RULES, TOKYO, demo_alarms, demo_app, demo_feeds, demo_findings

REFRESH = 5.0
"""Short enough that no age shown in minutes crosses a minute in the polls measured."""

IDLE_POLLS = 5


class TerminalBytes:
    """Counts the bytes `app` would write to a terminal: each compositor update, rendered;
    `full` counts the updates that repaint the whole screen, `screen` is the size of the
    largest (the whole screen, painted once)."""

    def __init__(self, app: App[Any]) -> None:
        self.bytes = 0
        self.full = 0
        self.screen = 0
        self._app = app
        self._display: Callable[[Screen[Any], RenderableType | None], None] = app._display
        app._display = self._count  # type: ignore[method-assign]

    def _count(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        if renderable is not None and hasattr(renderable, "render_segments"):
            written = len(renderable.render_segments(self._app.console).encode())
            self.bytes += written
            self.screen = max(self.screen, written)
            self.full += isinstance(renderable, LayoutUpdate)
        self._display(screen, renderable)

    def reset(self) -> None:
        self.bytes = self.full = 0


async def until(pilot: Pilot[None], done: Callable[[], bool], rounds: int = 400) -> None:
    """Let the app run until `done` (bounded: no sleeping, no guessing)."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause()
    raise AssertionError("condition not reached")


async def paint(pilot: Pilot[None], app: MontuiApp) -> None:
    """Let every screen's update timer write what is pending: a screen below the top one
    paints too (Textual repaints the top screen over the regions it marks dirty). Each timer
    pauses itself once it has painted; bounded, no guessing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    await pilot.pause()
    while any(screen._update_timer._active.is_set() for screen in app.screen_stack):
        if loop.time() > deadline:
            raise AssertionError("a screen kept painting")
        await pilot.pause(0.01)
    await pilot.pause()


class Idle:
    """The demo-shaped app on a hand-moved clock, and a way to run one idle poll."""

    def __init__(self, *, quiet: bool = False) -> None:
        """`quiet`: nothing to act on (a signal next business day, the rest OK)."""
        self.clock = HandClock()
        self.alarms: FakeAlarms = demo_alarms()
        self.findings: FakeFindings = demo_findings()
        dbload = None
        if quiet:
            self.alarms.data[TOKYO] = [make_alarm("shop-db-cpu", AlarmState.ALARM)]
            self.findings.data[TOKYO] = (self.findings.data[TOKYO] or [])[1:]  # not the High one
            dbload = shop_dbload(BATCH_SESSIONS)  # the batch ended 20 minutes ago
        settings = Settings(alarm_rules=RULES).with_refresh(REFRESH)
        self.app = demo_app(
            demo_feeds(self.alarms, self.findings, dbload=dbload), settings=settings,
            clock=self.clock, pause=self.clock.pause,
        )  # fmt: skip
        self.meter = TerminalBytes(self.app)
        self.loops = 0

    async def ready(self, pilot: Pilot[None]) -> None:
        """Every source answered, every loop asleep, the screen painted."""
        triage = self.app.screen
        assert isinstance(triage, TriageScreen)
        await until(pilot, lambda: len(triage.answered()) == 4 and self.clock.sleeping >= 4)
        await paint(pilot, self.app)
        self.loops = self.clock.sleeping

    async def poll(self, pilot: Pilot[None]) -> None:
        """One refresh interval: every due loop polls (the same data), then sleeps again."""
        alarm_polls = self.alarms.alarm_polls[TOKYO]
        finding_polls = self.findings.polls
        self.clock.advance(REFRESH)
        await until(
            pilot,
            lambda: (
                self.alarms.alarm_polls[TOKYO] > alarm_polls
                and self.findings.polls > finding_polls
                and self.clock.sleeping == self.loops
                and self.clock.due == 0
            ),
        )
        await paint(pilot, self.app)


async def test_the_triage_screen_at_idle_repaints_lines_not_the_screen() -> None:
    idle = Idle()
    async with idle.app.run_test(size=(80, 24)) as pilot:
        await idle.ready(pilot)
        idle.meter.reset()
        for _ in range(IDLE_POLLS):
            await idle.poll(pilot)
        assert idle.meter.full == 0
        # The header's ages move (its line each poll; a DB load row's age once): less, over
        # every poll, than the whole screen once (before: ~6 times that, 18 KB).
        assert 0 < idle.meter.bytes < idle.meter.screen, (idle.meter.bytes, idle.meter.screen)


async def test_the_board_over_triage_at_idle_repaints_lines_not_the_screen() -> None:
    idle = Idle()
    async with idle.app.run_test(size=(80, 24)) as pilot:
        await idle.ready(pilot)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(idle.app.screen, BoardScreen))
        await idle.poll(pilot)  # the board's first poll under it; then idle
        idle.meter.reset()
        for _ in range(IDLE_POLLS):
            await idle.poll(pilot)
        # The triage screen below, re-filled on every poll, made Textual repaint the whole
        # board over it (8 full screens in 5 polls); the board itself had nothing new.
        assert idle.meter.full == 0
        assert idle.meter.bytes < idle.meter.screen / 4, (idle.meter.bytes, idle.meter.screen)


async def test_the_triage_screen_catches_up_when_the_board_is_closed() -> None:
    """Polls while the board covers it are not painted below it, but are shown on return."""
    idle = Idle()
    async with idle.app.run_test(size=(80, 24)) as pilot:
        await idle.ready(pilot)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(idle.app.screen, BoardScreen))
        idle.alarms.data[TOKYO] = idle.alarms.data[TOKYO][1:]  # the contact form recovered
        await idle.poll(pilot)
        await pilot.press("escape")
        triage = idle.app.screen
        assert isinstance(triage, TriageScreen)
        await paint(pilot, idle.app)
        act = rows(idle.app, "#act-now")
        assert act and not any("hitori-contact-form-down" in row for row in act)


class ListApp(App[None]):
    """One option list of ten rows, alone on the screen."""

    def compose(self) -> ComposeResult:
        yield OptionList(*rows_aged(12))


def rows_aged(minutes: int, changed: int | None = None) -> list[Option]:
    """Ten one-line rows; row `changed` is a minute older than the others."""
    return [
        Option(Text(f"‼ alarm  alarm-{i:02d}  {minutes + (i == changed)}m  why", no_wrap=True),
               id=f"alarm-{i:02d}")
        for i in range(10)
    ]  # fmt: skip


async def test_a_row_whose_age_moved_on_repaints_its_line_not_the_list() -> None:
    app = ListApp()
    meter = TerminalBytes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.query_one(OptionList)
        await pilot.pause()
        meter.reset()
        fill(options, rows_aged(12, changed=4))
        await pilot.pause()
        one_row = meter.bytes
        assert "13m" in str(options.get_option_at_index(4).prompt)
        meter.reset()
        fill(options, rows_aged(13))  # every row's age moved on
        await pilot.pause()
        every_row = meter.bytes
        assert 0 < one_row < every_row / 5, (one_row, every_row)
        meter.reset()
        fill(options, rows_aged(13))  # nothing changed
        await pilot.pause()
        assert meter.bytes == 0


async def test_nothing_to_act_on_at_idle_writes_nothing() -> None:
    """The quiet case, the usual one: act now's one line says so, and stays as it is."""
    idle = Idle(quiet=True)
    async with idle.app.run_test(size=(80, 24)) as pilot:
        await idle.ready(pilot)
        assert rows(idle.app, "#act-now") == ["  Nothing needs action now."]
        triage = idle.app.screen
        assert isinstance(triage, TriageScreen)
        idle.meter.reset()
        for _ in range(10):  # the screen's 1 Hz tick, the clock where it is: nothing moved
            triage._tick()
            await paint(pilot, idle.app)
        assert idle.meter.bytes == 0
        for _ in range(IDLE_POLLS):
            await idle.poll(pilot)
        assert idle.meter.full == 0
        # The header's ages and the DB load row's (its data moves with the clock) at most.
        assert idle.meter.bytes < idle.meter.screen, (idle.meter.bytes, idle.meter.screen)


async def detail_over_board(pilot: Pilot[None], idle: Idle) -> AlarmDetailScreen:
    """The first ALARM row's detail, over the board, over triage; its first poll done."""
    await idle.ready(pilot)
    await pilot.press("b")
    await until(pilot, lambda: isinstance(idle.app.screen, BoardScreen))
    await idle.poll(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(idle.app.screen, AlarmDetailScreen))
    detail = idle.app.screen
    assert isinstance(detail, AlarmDetailScreen)
    await idle.poll(pilot)
    return detail


async def test_the_detail_over_the_board_at_idle_is_not_repainted_by_the_board() -> None:
    """The board below polls on (and its freshness ages); none of it shows through."""
    idle = Idle()
    async with idle.app.run_test(size=(80, 24)) as pilot:
        await detail_over_board(pilot, idle)
        idle.meter.reset()
        for _ in range(IDLE_POLLS):
            await idle.poll(pilot)
        assert idle.meter.full == 0
        assert idle.meter.bytes < idle.meter.screen / 4, (idle.meter.bytes, idle.meter.screen)


async def test_the_board_catches_up_when_the_detail_is_closed() -> None:
    idle = Idle()
    async with idle.app.run_test(size=(80, 24)) as pilot:
        detail = await detail_over_board(pilot, idle)
        gone = detail.alarm.name
        board = idle.app.screen_stack[-2]
        assert isinstance(board, BoardScreen)
        idle.alarms.data[TOKYO] = [a for a in idle.alarms.data[TOKYO] if a.name != gone]
        await idle.poll(pilot)
        assert gone in [a.name for a in board.query_one(AlarmTable).rows_on_screen()]
        await pilot.press("escape")
        await until(pilot, lambda: idle.app.screen is board)
        await paint(pilot, idle.app)
        assert gone not in [a.name for a in board.query_one(AlarmTable).rows_on_screen()]
