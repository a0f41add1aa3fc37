"""The montui Textual app: global keys, the keymap from config, and the first screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from montui.config import Settings, user_data_dir
from montui.feeds.alarms import AwsAlarms
from montui.feeds.history import AwsAlarmHistory
from montui.feeds.identity import AwsCallerIdentity
from montui.feeds.insights import AwsLogsInsights
from montui.feeds.metric_data import AwsMetricData
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest, WorldEndpoint
from montui.querybook import QueryBook
from montui.ui.clipboard import Clipboard
from montui.ui.inert import inert_reason
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_feeds import BoardFeeds
from montui.ui.screens.board_poll import Pause, wait_or_wake
from montui.ui.screens.help import HelpScreen


def utc_now() -> datetime:
    return datetime.now(UTC)


def aws_feeds(request: AwsRequest, *, world: WorldEndpoint | None = None) -> BoardFeeds:
    """The AWS feeds over one session (the composition root: a new feed is wired here).
    `world`: an already running local AWS world to use instead of starting one."""
    session = AwsSession(request, world=world)
    return BoardFeeds(
        session=session,
        alarms=AwsAlarms(session),
        identity=AwsCallerIdentity(session),
        metrics=AwsMetricData(session),
        history=AwsAlarmHistory(session),
        insights=AwsLogsInsights(session),
    )


class MontuiApp(App[None]):
    """montui's interactive console. The session closes (queries, clients, world) on exit."""

    TITLE = "montui"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit montui"),
        Binding("question_mark", "help", "Keys", id="help", tooltip="This list of keys"),
    ]

    def __init__(
        self,
        feeds: BoardFeeds,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        data_dir: Path | None = None,
        terminal_clipboard: Clipboard | None = None,
        pause: Pause = wait_or_wake,
    ) -> None:
        """`clock` dates the data; `pause` is how the board's polls wait (tests move both)."""
        super().__init__()
        self.pause = pause
        self.feeds = feeds
        self.terminal_clipboard = terminal_clipboard or Clipboard()
        """Copies (OSC 52) for every screen; inside tmux it asks tmux once what gets through."""
        self.settings = settings
        self.clock = clock
        self.query_book = QueryBook(data_dir or user_data_dir())
        """Query history and saved queries (the workbench), loaded after the first frame."""

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        self.push_screen(
            BoardScreen(
                self.feeds,
                refresh_every=self.settings.refresh,
                stale_after=self.settings.stale_after,
                rules=self.settings.alarm_rules,
                clock=self.clock,
                pause=self.pause,
            )
        )

        self.run_worker(self._load_book(), group="query-book", exit_on_error=False)

    async def _load_book(self) -> None:
        warnings = await asyncio.to_thread(self.query_book.load)
        for warning in warnings:
            self.notify(warning, title="Query history", severity="warning", timeout=15)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key binding comes here: an action its screen or widget calls inert now
        (`ui/inert.py`) shows why and takes the key, instead of being skipped in silence."""
        # `_parse_action` is what App.run_action itself uses (private; Textual is pinned).
        target, name, parameters = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces
        )
        reason = inert_reason(target, name, parameters)
        if reason is not None:
            self.notify(reason, timeout=4)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def action_help_quit(self) -> None:
        """ctrl+c: on-call engineers press it to leave, so it quits like `q` (the same exit,
        so queries are stopped and clients closed) instead of Textual's "press ctrl+q" hint.
        A screen or widget that binds ctrl+c itself (the workbench's stop) still gets it."""
        self.exit()  # what App.action_quit does

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def on_unmount(self) -> None:
        await self.feeds.session.close()
