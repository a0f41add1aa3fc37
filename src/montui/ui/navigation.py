"""The `:` command line's dispatch: what each command of `model/commands.py` opens or does.

`MontuiApp.open_pane(name, **args)` comes here. The panes open through `ui/panes.py` with the
board's live state (the connection, the polled alarms, the findings watch); `:alarms` and
`:triage` go back down the stack to that screen rather than stacking a second one.
`:region REGION` narrows the board and the panes opened next to REGION (`:region all`: every
configured region again), `:account ALIAS` to one account; `:window widen|earlier|later|drop`
changes the shared window.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from montui.model.alarm import Alarm
from montui.model.commands import ALL_REGIONS
from montui.ui import panes

BOARD = "board"
"""The name the app installs the board under when triage is the home (`MontuiApp.on_mount`)."""


def board_of(app: App[Any]) -> Any | None:
    """The alarm board (it holds the live state the panes need): in the stack, else the one
    installed under the triage home, which polls while only triage is on screen."""
    from montui.ui.screens.board import BoardScreen

    found = next((s for s in app.screen_stack if isinstance(s, BoardScreen)), None)
    if found is None and app.is_screen_installed(BOARD):
        installed = app.get_screen(BOARD)
        found = installed if isinstance(installed, BoardScreen) else None
    return found


def current_alarm(app: App[Any]) -> Alarm | None:
    """The alarm the screen on top is about: a detail's, else the board's selected one."""
    from montui.ui.screens.board import BoardScreen
    from montui.ui.widgets.alarm_table import AlarmTable

    screen = app.screen
    alarm = getattr(screen, "alarm", None)
    if isinstance(alarm, Alarm):
        return alarm
    if isinstance(screen, BoardScreen):
        alarm = screen.query_one(AlarmTable).selected()
        if alarm is not None:
            panes.open_alarm(screen, alarm)
        return alarm
    selected = getattr(screen, "selected_alarm", None)  # triage: its highlighted alarm row
    return selected() if callable(selected) else None


def back_to(app: App[Any], crumb: str) -> bool:
    """Pop down to the screen named `crumb` (False: none in the stack)."""
    stack = app.screen_stack
    found: Screen[Any] | None = next(
        (s for s in reversed(stack) if getattr(s, "CRUMB", None) == crumb), None
    )
    if found is None:
        return False
    while app.screen is not found:
        app.pop_screen()
    return True


def _board_over_triage(app: App[Any], name: str) -> bool:
    """`:alarms` with triage the home and the board not open: down to triage, then the board
    on it (as `b` there opens it)."""
    board = board_of(app) if name == "alarms" else None
    if board is None or not back_to(app, "triage"):
        return False
    app.push_screen(board)
    return True


def change_window(app: App[Any], move: str) -> None:
    window = panes.shared_window(app)
    if window is None:
        app.notify("No window set: open an alarm first (enter on the board)", timeout=4)
        return
    if move == "drop":
        panes.set_window(app, None)
        app.notify("Window dropped: panes opened next use their own defaults", timeout=3)
        return
    clock = getattr(app, "clock", None)
    now = clock() if callable(clock) else None
    changed = (
        window.widened()
        if move == "widen"
        else window.moved(-1 if move == "earlier" else 1, now=now)
    )
    panes.set_window(app, changed)
    app.notify(changed.chip(), timeout=3)


def set_region(app: App[Any], region: str) -> None:
    scope = None if region == ALL_REGIONS else region
    setattr(app, "region_scope", scope)  # noqa: B010 (the app's attribute, duck-typed)
    board = board_of(app)
    if board is not None:
        board.refresh_view()
    app.notify(f"Showing only {region}" if scope else "Showing every region", timeout=3)


def set_account(app: App[Any], alias: str) -> None:
    """`:account ALIAS`: the board and the panes opened next show only that account."""
    scope = None if alias == ALL_REGIONS else alias
    setattr(app, "account_scope", scope)  # noqa: B010 (the app's attribute, duck-typed)
    board = board_of(app)
    if board is not None:
        board.refresh_view()
    app.notify(f"Showing only account {alias}" if scope else "Showing every account", timeout=3)


def open_pane(
    app: App[Any], name: str, argument: str | None = None, alarm: Alarm | None = None
) -> None:
    """Run the command `name` (a `Command.pane`) with its argument, if any. `alarm`: the
    alarm a caller (the home's rows) opens: "alarm" pushes its detail, "logs" and "db" open
    its drill-down and its load; either way it sets the shared window."""
    if name == "help":
        help_action = getattr(app, "action_help", None)
        if callable(help_action):
            help_action()
        return
    if name == "quit":
        app.exit()
        return
    if name == "window":
        change_window(app, argument or "")
        return
    if name == "region":
        set_region(app, argument or ALL_REGIONS)
        return
    if name == "account":
        set_account(app, argument or ALL_REGIONS)
        return
    if name in ("alarms", "triage"):
        if not back_to(app, name) and not _board_over_triage(app, name):
            app.notify(f"No {name} screen here", timeout=3)
        return
    board = board_of(app)
    if board is None:
        app.notify("Not connected yet: the alarm board is not open", timeout=3)
        return
    if alarm is not None:
        panes.open_alarm(board, alarm)
    if name == "alarm" and alarm is not None:
        panes.open_alarm_detail(board, alarm)
    elif name == "findings":
        panes.open_findings(board)
    elif name == "ses":
        panes.open_reputation(board, argument)
    elif name == "db":
        alarm = alarm or (None if argument else current_alarm(app))
        panes.open_dbload(board, alarm, instance=argument)
    elif name == "logs":
        panes.open_logs(board, alarm or current_alarm(app))
    elif name == "workbench":
        panes.open_workbench(board)
    elif name == "review":
        panes.open_review(board)
    else:
        app.notify(f"Nothing opens {name}", severity="warning")
