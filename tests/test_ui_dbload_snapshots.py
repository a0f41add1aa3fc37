"""SVG snapshots of the database load pane at 80x24 and 160x50: the nightly report batch
(IO:DataFileRead above the vCPU line), the lock pile-up behind one UPDATE
(Lock:transactionid), an instance with Performance Insights off, and a statement opened.

Scripted feed (`tests/fakes/dbload.py`), frozen clock, UTC. Update after an intended change:
pytest tests/test_ui_dbload_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import DataTable

from montui.config import Settings
from montui.model.dbload_target import DbTarget
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.sql_detail import SqlDetailScreen
from tests.fakes import NOW, FakeFeed, frozen_clock, make_alarm
from tests.fakes.dbload import BATCH_SESSIONS, PILEUP_SESSIONS, Session, shop_dbload

WINDOW = TimeWindow.ending(NOW, timedelta(hours=1))


def _app(sessions: tuple[Session, ...]) -> tuple[MontuiApp, Any]:
    fake = FakeFeed({"ap-northeast-1": [make_alarm("x")]})
    dbload = shop_dbload(sessions)
    return MontuiApp(
        replace(fake.feeds, dbload=dbload), Settings(), clock=frozen_clock, home="board"
    ), dbload


async def _until(pilot: Any, check: Any) -> None:
    for _ in range(300):
        if check():
            break
        await pilot.pause(0.02)
    for _ in range(3):
        await pilot.pause()


def _run(identifier: str, dbload: Any, *, sql: bool = False) -> Any:
    async def run_before(pilot: Any) -> None:
        screen = DbLoadScreen(
            dbload, regions=("ap-northeast-1",), clock=frozen_clock,
            target=DbTarget(identifier), window=WINDOW, utc=True,
        )  # fmt: skip
        await pilot.app.push_screen(screen)
        await _until(
            pilot,
            lambda: (
                (
                    screen.load is not None
                    and screen.query_one("#sql-table", DataTable).row_count > 0
                )
                or (screen.instance is not None and not screen.instance.pi_enabled)
            ),
        )
        if sql:
            screen.query_one("#sql-table").focus()
            await pilot.press("enter")
            await _until(
                pilot,
                lambda: (
                    isinstance(pilot.app.screen, SqlDetailScreen)
                    and pilot.app.screen.detail is not None
                ),
            )

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_dbload_nightly_batch_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    app, dbload = _app(BATCH_SESSIONS)
    run = _run("shop-aurora-writer", dbload)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_dbload_lock_pileup_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    app, dbload = _app(PILEUP_SESSIONS)
    run = _run("shop-aurora-writer", dbload)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_dbload_pi_off_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    app, dbload = _app(BATCH_SESSIONS)
    assert snap_compare(app, terminal_size=size, run_before=_run("shop-legacy-mysql", dbload))


def test_dbload_statement_snapshot(snap_compare: Any) -> None:
    app, dbload = _app(BATCH_SESSIONS)
    run = _run("shop-aurora-writer", dbload, sql=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_dbload_picker_snapshot(snap_compare: Any) -> None:
    """`d` on a row that is not an RDS alarm: the picker, PI first, the writer marked."""
    app, dbload = _app(BATCH_SESSIONS)

    async def run_before(pilot: Any) -> None:
        screen = DbLoadScreen(dbload, regions=("ap-northeast-1",), clock=frozen_clock, utc=True)
        await pilot.app.push_screen(screen)
        await _until(pilot, lambda: type(pilot.app.screen).__name__ == "DbPickerScreen")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
