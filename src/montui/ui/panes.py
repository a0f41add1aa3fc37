"""How panes open: the one place the board, the `:` command line (`MontuiApp.open_pane`) and
the home screen push the alarm detail, the SES pane, findings, logs, the workbench, DB load
and the review. The live state they need (the connection, the polled alarms, the findings
watch) is the board's, passed in.

Opening an alarm sets the shared investigation window (`model.investigation`, the Logs
drill-down's rule) on the app; the panes opened while it is set start on it (`window_for`).
`:region REGION` narrows the regions the panes opened next use (`regions_of`).

Several accounts (`[[account]]`): a pane opened from an alarm uses that alarm's account's
feeds (`feeds_of(board, alarm)`); a pane over every account walks `places_of(board)`, each
(account, region) with the account's feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App

from montui.model.alarm import Alarm, AlarmState
from montui.model.investigation import InvestigationWindow
from montui.model.metrics import TimeWindow
from montui.sources.errors import SourceError
from montui.ui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.board_feeds import AccountFeeds, BoardFeeds


def shared_window(app: App[Any]) -> InvestigationWindow | None:
    """The app's investigation window (None: none set, or an app without one, as in tests)."""
    window = getattr(app, "window", None)
    return window if isinstance(window, InvestigationWindow) else None


def window_for(app: App[Any], alarm: Alarm | None = None) -> TimeWindow | None:
    """The window a pane opened now starts on: the shared one, except for `alarm`'s own
    window untouched (the pane then works it out itself, the same rule, with the episode
    its history gives)."""
    window = shared_window(app)
    if window is None:
        return None
    if alarm is not None and window.source == alarm.name and not window.changed:
        return None
    return window.time_window


def set_window(app: App[Any], window: InvestigationWindow | None) -> None:
    """Set (or drop) the shared window; the breadcrumb's chip follows."""
    if hasattr(app, "window"):
        app.window = window
        app.refresh_bindings()
        for screen in app.screen_stack:
            for crumb in screen.query(Breadcrumb):
                crumb.refresh()


def open_alarm(board: BoardScreen, alarm: Alarm) -> None:
    """An alarm is opened: the shared window becomes its episode's. For an alarm no longer
    in ALARM its last episode of the past day is read first (the drill-down's lookup)."""
    app, now = board.app, board.clock()
    set_window(app, InvestigationWindow.of_alarm(alarm, now=now))
    if alarm.state is AlarmState.ALARM:
        return

    async def last() -> None:
        from montui.ui.screens.logs_entry import last_episode

        episode = await last_episode(feeds_of(board, alarm).history, alarm, now)
        current = shared_window(app)
        if episode is not None and current is not None and current.source == alarm.name:
            set_window(app, InvestigationWindow.of_alarm(alarm, now=now, episode=episode))

    app.run_worker(last(), group="window-episode", exclusive=True, exit_on_error=False)


def feeds_of(board: BoardScreen, alarm: Alarm | None) -> BoardFeeds:
    """The feeds of `alarm`'s account (by the id it carries); the first account's without
    an alarm."""
    if alarm is None:
        return board.feeds
    return board.accounts.feeds_of(alarm.place.account)


def places_of(board: BoardScreen) -> list[tuple[AccountFeeds, str]]:
    """Every (account, region) a pane over all accounts reads, in config order, with the
    account's feeds and alias (`entry.alias`, "" without `[[account]]`): the regions each
    account polls, narrowed by `:region` and `:account`. An account that could not connect is
    left out (the board shows it failing)."""
    scope = getattr(board.app, "region_scope", None)
    account = getattr(board.app, "account_scope", None)
    found = []
    for entry in board.accounts.entries:
        if account not in (None, entry.alias):
            continue
        connection = board.poll.connections.get(entry.alias)
        for region in connection.regions if connection else ():
            if scope in (None, region):
                found.append((entry, region))
    return found


def unreachable_of(board: BoardScreen) -> list[tuple[str, str, SourceError]]:
    """(alias, region, its error) of the accounts that could not connect (several accounts,
    narrowed like `places_of`): the panes over every account show them failing in place."""
    scope = getattr(board.app, "region_scope", None)
    account = getattr(board.app, "account_scope", None)
    poll = board.poll
    return [
        (alias, region, SourceError(status.error or "could not connect", poll.hints.get(key, "")))
        for key, status in poll.statuses.items()
        for alias, region in (key,)
        if alias not in poll.connections and scope in (None, region) and account in (None, alias)
    ]


def regions_of(board: BoardScreen) -> tuple[str, ...]:
    """The regions the panes use: the connection's, or the one `:region` chose."""
    connection = board.poll.connection
    regions = tuple(connection.regions) if connection else ()
    scope = getattr(board.app, "region_scope", None)
    return (scope,) if scope in regions else regions


def lookup_in(board: BoardScreen, alarm: Alarm) -> Callable[[str, str], Alarm | None]:
    """The board's alarms by (region, name) in `alarm`'s account: a composite's children."""
    account = alarm.place.account
    return lambda region, name: board.poll.find_alarm(region, name, account)


def open_alarm_detail(board: BoardScreen, alarm: Alarm, *, keep_window: bool = False) -> None:
    """Push `alarm`'s detail (from the board, a pane, the command line or the home).
    Opened from the board or the home it sets the shared window; `keep_window` (an alarm
    opened from a pane: SES, findings, review) keeps the one set, and its chart starts on it."""
    from montui.ui.screens.alarm_detail import AlarmDetailScreen

    if not keep_window or shared_window(board.app) is None:
        open_alarm(board, alarm)
    feeds = feeds_of(board, alarm)
    board.app.push_screen(
        AlarmDetailScreen(
            alarm, metrics=feeds.metrics, history=feeds.history, insights=feeds.insights,
            dbload=feeds.dbload, clock=board.clock, lookup=lookup_in(board, alarm),
            meta=board.meta, polled=board.polled, window=window_for(board.app, alarm),
        )
    )  # fmt: skip


def open_reputation(
    board: BoardScreen, region: str | None, alarm: Alarm | None = None, *, account: str = ""
) -> None:
    """The SES pane at `region` (None: the first); from an SES alarm, its window marked;
    `account` (an id, several accounts): that account's entry chosen (an alarm's: its own)."""
    regions = regions_of(board) or ((region,) if region else ())
    if not regions:
        board.notify("Not connected yet")
        return
    from montui.ui.screens.reputation import ReputationScreen

    if alarm is not None:
        open_alarm(board, alarm)
    window = window_for(board.app, alarm)
    places = [(e.alias, r, e.feeds.reputation) for e, r in places_of(board)]
    if board.accounts.multi and places:
        # every (account, region), from an alarm its own account's entry first chosen
        account = alarm.place.account if alarm is not None else account
        alias = board.accounts.alias_of(account) if account else ""
        chosen = f"{alias or places[0][0]}/{region or places[0][1]}"
        region, regions = chosen, tuple(f"{a}/{r}" for a, r, _ in places)
    else:
        places = []
    board.app.push_screen(
        ReputationScreen(
            feeds_of(board, alarm).reputation, regions=regions, region=region or regions[0],
            clock=board.clock, refresh_every=board.poll.refresh_every,
            stale_after=board.stale_after, alarms=board.poll.all_alarms,
            open_alarm=lambda a: open_alarm_detail(board, a, keep_window=True), opened_from=alarm,
            pause=board.poll.pause, marked=window.start if window else None,
            places=places, account_id=board.accounts.id_of,
            refused=unreachable_of(board) if places else (),
        )
    )  # fmt: skip


def open_findings(board: BoardScreen) -> None:
    """GuardDuty's findings (only those updated since the shared window's start, if set)."""
    if board.findings is None:
        board.notify("GuardDuty findings are not available here")
        return
    if not board.findings.statuses:
        board.notify("Not connected yet")
        return
    from montui.ui.screens.findings import FindingsScreen

    window = shared_window(board.app)
    board.app.push_screen(
        FindingsScreen(
            board.findings, clock=board.clock, alarms=board.poll.all_alarms,
            open_alarm=lambda a: open_alarm_detail(board, a, keep_window=True),
            stale_after=board.stale_after, since=window.start if window else None,
            account=getattr(board.app, "account_scope", None),
        )
    )  # fmt: skip


def open_logs(board: BoardScreen, alarm: Alarm | None) -> None:
    """The Logs Insights drill-down of `alarm` (at the shared window when one is set)."""
    if alarm is None:
        board.notify("No alarm selected")
        return
    from montui.ui.screens.logs_entry import drilldown

    window = window_for(board.app, alarm)
    feeds = feeds_of(board, alarm)
    drilldown(
        board.app.screen, alarm, feeds.insights, feeds.history, clock=board.clock,
        lookup=lookup_in(board, alarm), regions=regions_of(board), window=window,
    )  # fmt: skip


def open_dbload(board: BoardScreen, alarm: Alarm | None, instance: str | None = None) -> None:
    """Database load: an RDS alarm's instance, `instance`, or the picker (at the window)."""
    regions = regions_of(board)
    if not regions:
        board.notify("Not connected yet")
        return
    from montui.ui.screens.dbload_entry import open_dbload as push_dbload

    window = window_for(board.app, alarm)
    feeds = feeds_of(board, alarm)
    places = []
    rds = None
    if board.accounts.multi:  # every account's instances; an RDS alarm's: its account's
        from montui.model.dbload_target import alarm_db_target

        rds = alarm if alarm is not None and alarm_db_target(alarm) is not None else None
        alias = board.accounts.alias_of(rds.place.account) if rds is not None else ""
        places = [
            (e.alias, r, e.feeds.dbload) for e, r in places_of(board)
            if rds is None or (e.alias == alias and r == rds.region)
        ]  # fmt: skip
    push_dbload(
        board.app.screen, feeds.dbload, clock=board.clock, regions=regions, alarm=alarm,
        history=feeds.history, window=window, instance=instance, places=places,
        refused=unreachable_of(board) if board.accounts.multi and rds is None else (),
    )  # fmt: skip


def open_workbench(board: BoardScreen) -> None:
    regions = regions_of(board)
    if not regions:
        board.notify("Not connected yet")
        return
    from montui.ui.screens.logs_entry import workbench

    window = window_for(board.app)
    workbench(board.app.screen, board.feeds.insights, clock=board.clock, regions=regions,
              window=window)  # fmt: skip


def open_review(board: BoardScreen) -> None:
    regions = regions_of(board)
    if not regions:
        board.notify("Not connected to AWS yet")
        return
    from montui.ui.screens.review import ReviewScreen

    feeds = board.feeds
    sources, alias_of = [], None
    if board.accounts.multi:  # every account's alarms and history, through its own feeds
        from montui.feeds.review_run import ReviewSource

        sources = [
            ReviewSource(r, e.feeds.alarms, e.feeds.review, e.feeds.metrics, e.alias)
            for e, r in places_of(board)
        ]
        alias_of = board.poll.alias_of
    board.app.push_screen(
        ReviewScreen(
            regions, alarms=feeds.alarms, history=feeds.review, metrics=feeds.metrics,
            clock=board.clock, open_detail=lambda a: open_alarm_detail(board, a, keep_window=True),
            settings=board.review_settings, rules=board.rules, sources=sources, alias_of=alias_of,
            refused=unreachable_of(board) if sources else (),
        )
    )  # fmt: skip
