"""What enter opens on a triage row: an alarm's detail (an SES alarm: the SES pane), a
finding's detail, the SES pane at its region, or the DB load of an instance at the signal's
window (which becomes the shared window). Imported on the first enter, not at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from montui.model.dbload_target import DbTarget
from montui.model.findings import Finding
from montui.model.investigation import InvestigationWindow
from montui.model.metrics import TimeWindow
from montui.model.reputation import watches_ses
from montui.model.signals import DbLoadAt, SesTarget, Signal
from montui.ui import panes
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.finding_detail import FindingDetailScreen

if TYPE_CHECKING:
    from montui.ui.screens.triage import TriageScreen


def open_signal(screen: TriageScreen, signal: Signal) -> None:
    """`signal` in its own pane, over `screen`."""
    target = signal.opens
    board = screen.board
    if isinstance(target, Finding):
        alarms = board.poll.all_alarms()
        alias = board.accounts.alias_of(target.account) if board.accounts.multi else ""
        screen.app.push_screen(
            FindingDetailScreen(target, clock=screen.clock, alarms=alarms,
                                open_alarm=lambda a: panes.open_alarm_detail(
                                    board, a, keep_window=True), alias=alias)
        )  # fmt: skip
    elif isinstance(target, SesTarget):
        panes.open_reputation(board, target.region, None, account=signal.account)
    elif isinstance(target, DbLoadAt):
        _open_dbload(screen, target)
    elif watches_ses(target):
        panes.open_reputation(board, target.region, target)
    else:
        panes.open_alarm_detail(board, target)


def _open_dbload(screen: TriageScreen, at: DbLoadAt) -> None:
    window = at.window  # the signal's window becomes the shared one
    shared = InvestigationWindow(window.start, window.end, at.instance.identifier)
    panes.set_window(screen.app, shared)

    async def window_of() -> TimeWindow:
        return window

    screen.app.push_screen(
        DbLoadScreen(
            screen.board.accounts.feeds_of(at.instance.place.account).dbload,
            regions=(at.instance.place.region,), clock=screen.clock,
            target=DbTarget(at.instance.identifier), window_of=window_of,
        )
    )  # fmt: skip
