"""esc closes the notices on screen first (no mouse needed); with none, esc does what the
screen binds it to."""

from __future__ import annotations

from typing import Any

from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.triage import TriageScreen
from tests.fakes import frozen_clock
from tests.test_ui_triage import complete, until
from tests.triage_data import demo_app


async def board_over_triage(pilot: Any, app: MontuiApp) -> BoardScreen:
    """The board opened over the triage home, with no notice on screen."""
    await until(pilot, lambda: complete(app))
    await pilot.press("b")
    await until(pilot, lambda: isinstance(app.screen, BoardScreen))
    app.clear_notifications()
    await pilot.pause()
    board = app.screen
    assert isinstance(board, BoardScreen)
    return board


async def test_esc_closes_the_notices_then_goes_back() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await board_over_triage(pilot, app)
        app.notify("Act now: something", severity="error", timeout=30)
        await pilot.pause()
        assert len(app._notifications) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert len(app._notifications) == 0
        assert isinstance(app.screen, BoardScreen)  # the key closed the notice only
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))


async def test_esc_with_a_notice_over_the_filter_closes_the_notice_first() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await board_over_triage(pilot, app)
        await pilot.press("slash", *"shop")
        await until(pilot, lambda: board.filter_text == "shop")
        app.notify("Refreshing…", timeout=30)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert len(app._notifications) == 0
        assert board.filter_text == "shop"
        await pilot.press("escape")
        await until(pilot, lambda: board.filter_text == "")
        assert app.screen is board


async def test_a_short_notice_does_not_hold_up_esc() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await board_over_triage(pilot, app)
        app.notify("Refreshing…", timeout=1.5)
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))


async def test_the_key_bar_keeps_the_screens_esc_unless_a_lasting_notice_shows() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await board_over_triage(pilot, app)

        def esc_action() -> str:
            return app.screen.active_bindings["escape"].binding.action

        assert esc_action() == "clear_filter"
        app.notify("Act now: something", severity="error", timeout=30)
        await until(pilot, lambda: esc_action() == "dismiss_notices")
        await pilot.press("escape")
        await until(pilot, lambda: esc_action() == "clear_filter")
