"""Database load (RDS Performance Insights) for one DB instance over a time window: the load
stacked by wait event against the vCPU line, the top SQL (statement, average active sessions,
share, wait mix), and the top wait events, users and hosts in tabs; `enter` on a statement
opens its full text and its own load (`sql_detail.py`).

Opened from the board (`d`: the selected RDS alarm's instance at the drill-down window, else
a picker), from an RDS alarm's detail (`d`), or by name. Window keys as on the alarm detail:
i/o zoom, p/n move, u UTC. A window ending now follows the clock (a refresh a minute).
The fetch runs in an exclusive worker; a failure is said in place of the chart and the rest
stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from montui.feeds.dbload import DbLoadFeed
from montui.model.dbload import DbInstance, DbLoad, TopKey
from montui.model.dbload_target import DbTarget, resolve_target
from montui.model.dbload_window import moved, zoomed
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.model.timeline import Step
from montui.sources.errors import SourceError
from montui.ui.inert import action_state
from montui.ui.screens.dbload_picker import DbPickerScreen
from montui.ui.screens.dbload_places import DbPlaces, Where
from montui.ui.screens.dbload_text import (
    glyph_map,
    instance_line,
    pi_off_text,
    sql_cells,
    summary_line,
)
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.load_chart import LoadChart

DEFAULT_LENGTH = timedelta(hours=1)
LIVE_REFRESH = 60.0
"""Seconds between refreshes of a window that ends now."""
TABS = ("sql", "waits", "users", "hosts")
WIDE = 120
"""From this many columns the top SQL table also names each statement's top wait."""


def error_words(exc: BaseException) -> str:
    if isinstance(exc, SourceError):
        hint = f" ({exc.hint})" if exc.hint else ""
        return f"{exc}{hint}"
    return f"{type(exc).__name__}: {exc}"


class DbLoadScreen(Screen[None]):
    """One instance's database load; esc goes back."""

    CRUMB = "db load"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "dbload.tcss"
    HELP_FOOTNOTE = (
        "Chart: one glyph per wait event (legend below it), largest at the bottom; ╌ is the\n"
        "instance's vCPUs: load above it means sessions waiting for CPU or I/O.\n"
        "Tables: ↑/↓ move; enter on a statement opens its full text and its own load."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="dbload_back", tooltip="Back"),
        Binding("i", "zoom(-1)", "Zoom in", id="dbload_zoom_in",
                tooltip="A shorter window (5m 15m 1h 3h 12h 1d 3d 1w 2w)"),
        Binding("o", "zoom(1)", "Zoom out", id="dbload_zoom_out", tooltip="A longer window"),
        Binding("p", "move(-1)", "Earlier", id="dbload_earlier",
                tooltip="Move the window earlier by half its length"),
        Binding("n", "move(1)", "Later", id="dbload_later",
                tooltip="Move the window later by half its length"),
        Binding("u", "toggle_utc", "UTC", id="dbload_utc", tooltip="Times in UTC / local time"),
        Binding("t", "next_tab", "Tab", id="dbload_tab",
                tooltip="Next table: top SQL → waits → users → hosts"),
        Binding("c", "pick", "Instance", id="dbload_pick", tooltip="Pick another DB instance"),
        Binding("r", "refresh", "Refresh", id="dbload_refresh", show=False,
                tooltip="Fetch the load again now"),
    ]  # fmt: skip

    def __init__(
        self,
        feed: DbLoadFeed,
        *,
        regions: Sequence[str],
        clock: Callable[[], datetime],
        instance: DbInstance | None = None,
        target: DbTarget | None = None,
        window: TimeWindow | None = None,
        utc: bool = False,
        chart_rows: int | None = None,
        window_of: Callable[[], Awaitable[TimeWindow]] | None = None,
        places: Sequence[Where] = (),
        refused: Sequence[tuple[str, str, Exception]] = (),
    ) -> None:
        """`target`: the database an alarm names (resolved once the instances are listed);
        `window_of`: works out the window first (an alarm's episode, read from its history);
        `places`: several accounts' (alias, region, feed), listed instead of `regions`."""
        super().__init__()
        self.feed = feed
        self.regions = tuple(regions)
        self.where = DbPlaces.of(feed, regions, places, refused)
        """Every (account, region) listed, and the feed each listed instance uses."""
        self.clock = clock
        self.instance = instance
        self._recorded: tuple[str, datetime, datetime] | None = None
        self.target = target
        now = clock()
        self.window = window or TimeWindow.ending(now, DEFAULT_LENGTH)
        self.live = window is None
        """The window follows the clock (it was opened ending now)."""
        self.window_of = window_of
        self.utc = utc
        self.chart_rows = chart_rows
        self.load: DbLoad | None = None
        self.fetched: datetime | None = None
        self.wide = False
        """The top SQL table names each statement's top wait (a wide terminal)."""
        self.message = ""
        """What the pane says instead of data (no instance, an error)."""

    # -- layout -----------------------------------------------------------------------

    def crumb_detail(self) -> str | None:
        """What the breadcrumb names after `db load`."""
        return self.instance.identifier if self.instance else None

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with VerticalScroll(id="dbload"):
            yield Static(id="instance")
            yield Static(id="summary")
            yield LoadChart(id="loadchart", rows=self._rows())
            yield Static(id="pioff")
            with TabbedContent(id="tabs"):
                with TabPane("Top SQL", id="sql"):
                    yield DataTable(id="sql-table", cursor_type="row")
                with TabPane("Waits", id="waits"):
                    yield DataTable(id="waits-table", cursor_type="row")
                with TabPane("Users", id="users"):
                    yield DataTable(id="users-table", cursor_type="row")
                with TabPane("Hosts", id="hosts"):
                    yield DataTable(id="hosts-table", cursor_type="row")
        yield KeyBar()

    def _rows(self) -> int:
        if self.chart_rows is not None:
            return self.chart_rows
        height = self.app.size.height if self.is_attached else 24
        return max(5, min(16, height // 3))

    def on_mount(self) -> None:
        self.query_one(LoadChart).rows = self._rows()
        self.query_one("#pioff").display = False
        sql = self.query_one("#sql-table", DataTable)
        self.wide = self.app.size.width >= WIDE
        sql.add_column("SQL", key="sql", width=self._sql_width())
        # Fixed widths: the layout does not move as rows come and go (and snapshots agree).
        for label, width in (("AAS", 6), ("Share", 5), ("Waits", 10)):
            sql.add_column(label, width=width)
        if self.wide:
            sql.add_column("Top wait", width=20)
        for name in ("waits", "users", "hosts"):
            table = self.query_one(f"#{name}-table", DataTable)
            table.add_column(name.capitalize()[:-1], width=32)
            table.add_column("AAS", width=6)
            table.add_column("Share", width=5)
            if name == "waits":
                table.add_column("Type", width=10)
        self.set_interval(LIVE_REFRESH, self._follow_clock)
        if self.instance is not None:
            self.show_instance()
        else:
            self.query_one(LoadChart).say("Looking up DB instances…")
            self.find_instance()

    def _sql_width(self) -> int:
        """The statement column: what the AAS, share, wait-mix (and top wait) leave."""
        others = 6 + 5 + 10 + (20 if self.wide else 0)
        columns = 5 if self.wide else 4
        return max(20, self.app.size.width - 4 - others - 2 * columns)

    # -- instance ---------------------------------------------------------------------

    @work(exclusive=True, group="instances", exit_on_error=False)
    async def find_instance(self) -> None:
        """The instances of the regions (a target's region only), then the target's or a pick."""
        regions = self.where.names
        listing = self.where.instances()
        if self.window_of is not None:  # the alarm's episode, read while the instances list
            window, (found, errors) = await asyncio.gather(self.window_of(), listing)
            self.window, self.window_of, self.live = window, None, False
        else:
            found, errors = await listing
        failed = [f"{name}: {error_words(exc)}" for name, exc in errors]
        if failed and not found:
            self._say("Could not list DB instances: " + "; ".join(failed))
            return
        if self.target is not None:
            instance, members = resolve_target(self.target, found)
            if instance is not None:
                self.instance = instance
                self.query_one(Breadcrumb).refresh()
                self.show_instance()
                return
            if not members:
                kind = "DB cluster" if self.target.cluster else "DB instance"
                self._say(f"No {kind} {self.target.identifier} in {', '.join(regions)}")
                return
            found = list(members)
        if not found:
            self._say(f"No DB instances in {', '.join(regions)}")
            return
        self._open_picker(found, failed)

    def _open_picker(self, instances: Sequence[DbInstance], failed: Sequence[str] = ()) -> None:
        if self.instance is None:
            self._say("Pick a DB instance (c opens the list again).")

        def picked(choice: DbInstance | None) -> None:
            if choice is not None:
                self.instance = choice
                self.query_one(Breadcrumb).refresh()
                self.show_instance()
            elif self.instance is None:
                self.dismiss()

        alias_of = self.where.alias_of if self.where.multi else None
        aliases = [alias for alias, _, _ in self.where.places]
        picker = DbPickerScreen(instances, alias_of=alias_of, failed=failed, aliases=aliases)
        self.app.push_screen(picker, picked)

    def _say(self, message: str) -> None:
        self.message = message
        self.query_one(LoadChart).say(message)

    def show_instance(self) -> None:
        instance = self.instance
        if instance is None:
            return
        line = instance_line(instance)
        if alias := self.where.alias_of(instance):
            line = Text.assemble((f"{alias} ", "bold"), line)
        self.query_one("#instance", Static).update(line)
        pi_off = not instance.pi_enabled
        self.query_one("#pioff").display = pi_off
        self.query_one(LoadChart).display = not pi_off
        self.query_one("#tabs").display = not pi_off
        if pi_off:
            self.load = None
            self.query_one("#summary", Static).update("")
            self.query_one("#pioff", Static).update(pi_off_text(instance))
            self.refresh_bindings()
            return
        self.refresh_bindings()
        self.fetch()

    # -- load -------------------------------------------------------------------------

    @work(exclusive=True, group="dbload", exit_on_error=False)
    async def fetch(self) -> None:
        instance = self.instance
        if instance is None:
            return
        chart = self.query_one(LoadChart)
        if self.load is None:
            chart.say("Loading database load…")
        window = self.window
        try:
            load = await self.where.feed_of(instance).load(instance, window)
        except Exception as exc:
            self._say(f"Could not load the database load: {error_words(exc)}")
            return
        self.load = load
        self.message = ""
        self.fetched = self.clock()
        self.show_load()
        self._record(instance, window, load)

    def _record(self, instance: DbInstance, window: TimeWindow, load: DbLoad) -> None:
        """The incident timeline: each instance and window shown, once (not each refresh)."""
        key = (instance.identifier, window.start, window.end)
        if key == self._recorded:
            return
        self._recorded = key
        top = load.top_sql[0] if load.top_sql else None
        detail = instance.identifier + (
            f" · top SQL {top.statement[:60]} ({top.aas:.2f} AAS)" if top else ""
        )
        step = Step.pane_viewed(self.clock(), "database load", detail, region=instance.place.region)
        record_step(self, replace(step, start=window.start, end=window.end))

    def show_load(self) -> None:
        load = self.load
        if load is None:
            return
        summary = summary_line(load, utc=self.utc, fetched=self.fetched)
        self.query_one("#summary", Static).update(summary)
        self.query_one(LoadChart).show(load.series, load.vcpus.count, utc=self.utc)
        glyphs = glyph_map(load.series)
        mono = self.app.no_color
        sql = self.query_one("#sql-table", DataTable)
        sql.clear()
        for index, row in enumerate(load.top_sql):
            cells = sql_cells(row, glyphs, mono=mono)
            sql.add_row(*(cells if self.wide else cells[:-1]), key=str(index))
        self._fill("waits", load.top_waits)
        self._fill("users", load.top_users)
        self._fill("hosts", load.top_hosts)

    def _fill(self, name: str, rows: Sequence[TopKey]) -> None:
        table = self.query_one(f"#{name}-table", DataTable)
        table.clear()
        for row in rows:
            cells = (row.name, f"{row.aas:.2f}", f"{row.share:.0%}")
            table.add_row(*cells, *((row.detail,) if name == "waits" else ()))

    def _follow_clock(self) -> None:
        if self.live and self.instance is not None and self.instance.pi_enabled:
            self.window = TimeWindow.ending(self.clock(), self.window.length)
            self.fetch()

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Window and table keys stay out of the key bar for an instance with PI off."""
        pi_off = self.instance is not None and not self.instance.pi_enabled
        if pi_off and action in ("zoom", "move", "refresh", "toggle_utc", "next_tab"):
            return False
        return action_state(self, action, parameters)

    def inert_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a window key does nothing now (see `ui/inert.py`)."""
        step = parameters[0] if parameters and isinstance(parameters[0], int) else 0
        if action in ("zoom", "move", "refresh") and (
            self.instance is None or not self.instance.pi_enabled
        ):
            return "No load to show: pick an instance with Performance Insights on (c)"
        if action == "zoom" and zoomed(self.window, step, self.clock()) is None:
            return "Already at the " + ("shortest" if step < 0 else "longest") + " window"
        if action == "move" and moved(self.window, step, self.clock()) is None:
            return "Already at the " + ("latest" if step > 0 else "earliest") + " data"
        return None

    def action_back(self) -> None:
        self.dismiss()

    def action_zoom(self, step: int) -> None:
        now = self.clock()
        window = zoomed(self.window, step, now)
        if window is not None:
            self._set_window(window, now)

    def action_move(self, direction: int) -> None:
        now = self.clock()
        window = moved(self.window, direction, now)
        if window is not None:
            self._set_window(window, now)

    def _set_window(self, window: TimeWindow, now: datetime) -> None:
        self.window = window
        self.live = now - window.end < timedelta(minutes=1)
        self.refresh_bindings()
        self.fetch()

    def action_toggle_utc(self) -> None:
        self.utc = not self.utc
        self.show_load()

    def action_refresh(self) -> None:
        self.fetch()

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        current = tabs.active if tabs.active in TABS else TABS[0]
        tabs.active = TABS[(TABS.index(current) + 1) % len(TABS)]
        self.query_one(f"#{tabs.active}-table", DataTable).focus()

    def action_pick(self) -> None:
        self.target = None
        self.find_instance()

    @on(DataTable.RowSelected, "#sql-table")
    def _open_sql(self, event: DataTable.RowSelected) -> None:
        if self.load is None or self.instance is None:
            return
        row = self.load.top_sql[int(str(event.row_key.value))]
        from montui.ui.screens.sql_detail import SqlDetailScreen

        self.app.push_screen(
            SqlDetailScreen(
                self.where.feed_of(self.instance), self.instance, self.window, row, utc=self.utc
            )
        )

    def shown_text(self) -> str:
        """What the pane says now, as plain text (tests and the benchmark read it)."""
        parts = [self.message]
        if self.load is not None:
            parts.append(f"top SQL: {self.load.top_sql[0].statement}" if self.load.top_sql else "")
        return "\n".join(p for p in parts if p)
