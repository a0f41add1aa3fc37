"""SVG snapshots of navigation at 80x24: the `:` command line with its completions over the
alarm detail, and the breadcrumb with the shared window's chip on the DB load pane opened
from an alarm. Update after an intended change: pytest --snapshot-update."""

from __future__ import annotations

from typing import Any

import pytest

from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.command_line import CommandLine
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.widgets.alarm_table import AlarmTable
from tests.test_ui_navigation import make_app, until


def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_command_line_snapshot(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _utc(monkeypatch)
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await until(pilot, lambda: bool(app.screen.query_one(AlarmTable).row_count))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLine))
        await pilot.press("r", "e")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_breadcrumb_snapshot(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _utc(monkeypatch)
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await until(pilot, lambda: bool(app.screen.query_one(AlarmTable).row_count))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        await pilot.press("colon", *"db shop-aurora-writer", "enter")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        screen = app.screen
        assert isinstance(screen, DbLoadScreen)
        await until(pilot, lambda: screen.load is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
