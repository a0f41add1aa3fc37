"""The query library: queries saved in montui, the history of queries run, and the queries
saved in the account (DescribeQueryDefinitions, read-only), in one filterable list.

Choosing one answers a `LibraryChoice` for the workbench to load: a history entry brings back
its window (or its relative range), a saved query its log groups (none: keep the current ones).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from msgspec import Struct
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from montui.model.duration import format_period
from montui.model.logs import QueryDefinition
from montui.sources.errors import SourceError

SAVED, HISTORY, ACCOUNT = "saved", "history", "account"
HEADERS = {
    SAVED: "Saved in montui",
    HISTORY: "History",
    ACCOUNT: "Saved in the account (read-only)",
}


class HistoryEntry(Protocol):
    """What the library reads of a `montui.querybook.HistoryEntry`: one query as it ran."""

    @property
    def query(self) -> str: ...
    @property
    def groups(self) -> tuple[str, ...]: ...
    @property
    def region(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def ran_at(self) -> datetime: ...
    @property
    def relative(self) -> int | None: ...


class SavedQuery(Protocol):
    """What the library reads of a `montui.querybook.SavedQuery`: a named query."""

    @property
    def name(self) -> str: ...
    @property
    def query(self) -> str: ...
    @property
    def groups(self) -> tuple[str, ...]: ...


class LibraryChoice(Struct, frozen=True):
    """The query chosen. `groups` empty: keep the workbench's current log groups.
    `window`: the exact window a history entry read; `relative`: its relative range
    (seconds back from now), which wins over `window` when set."""

    query: str
    groups: tuple[str, ...]
    window: tuple[datetime, datetime] | None = None
    relative: int | None = None


def first_line(query: str) -> str:
    """The first non-blank line of a query, stripped."""
    for line in query.splitlines():
        if line.strip():
            return line.strip()
    return ""


def groups_words(groups: Sequence[str]) -> str:
    """`1 group`, `3 groups`, `current groups` (none stored)."""
    if not groups:
        return "current groups"
    return f"{len(groups)} group{'s' * (len(groups) != 1)}"


def window_words(start: datetime, end: datetime) -> str:
    """The window a history entry read, in UTC: `2026-11-22 01:12–01:42 UTC`, or with both
    dates when it spans days: `2026-11-08 01:42 → 2026-11-22 01:42 UTC`."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M} UTC"
    return f"{first:%Y-%m-%d %H:%M} → {last:%Y-%m-%d %H:%M} UTC"


KEYS = "type: filter  ↑/↓ move  tab: list  ⏎ load  d delete (list)  esc cancel"
"""The key line of the library."""


def matches(needle: str, *haystack: str) -> bool:
    """Whether every word of `needle` is in one of the texts (case-insensitive)."""
    texts = [text.casefold() for text in haystack]
    return all(any(word in text for text in texts) for word in needle.casefold().split())


class QueryLibrary(ModalScreen[LibraryChoice | None]):
    """Saved, recent and account queries; enter loads one into the workbench."""

    DEFAULT_CSS = """
    QueryLibrary {
        align: center middle;
    }
    QueryLibrary > Vertical {
        width: 110;
        max-width: 100%;
        height: 1fr;
        max-height: 44;
        margin-bottom: 1;
        border: round $primary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    QueryLibrary OptionList {
        height: 1fr;
    }
    QueryLibrary #library-preview {
        height: auto;
        max-height: 7;
        background: $boost;
        padding: 0 1;
    }
    QueryLibrary #library-keys {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="library_cancel",
                tooltip="Close without loading a query"),
        Binding("d", "delete", "Delete", id="library_delete",
                tooltip="Delete the highlighted query saved in montui (in the list; d again "
                        "or y confirms)"),
        Binding("y", "confirm_delete", "Confirm", id="library_confirm_delete", show=False,
                tooltip="Confirm deleting the saved query asked for with d"),
        Binding("down", "move(1)", "Next", id="library_next", show=False,
                tooltip="Next query (from the filter box)"),
        Binding("up", "move(-1)", "Previous", id="library_previous", show=False,
                tooltip="Previous query (from the filter box)"),
    ]  # fmt: skip

    def __init__(
        self,
        history: Sequence[HistoryEntry],
        saved: Sequence[SavedQuery],
        definitions: Callable[[], Awaitable[Sequence[QueryDefinition]]],
        *,
        tz: tzinfo,
        on_delete: Callable[[str], None] | None = None,
    ) -> None:
        """`definitions` loads the account's saved queries (called once, in a worker);
        `on_delete(name)` forgets a montui-saved query (None: deleting is not offered)."""
        super().__init__()
        self.history = sorted(history, key=lambda entry: entry.ran_at, reverse=True)
        self.saved = list(saved)
        self.definitions = definitions
        self.tz = tz
        self.on_delete = on_delete
        self.account: list[QueryDefinition] | None = None
        self.account_error: str | None = None
        self.deleting: str | None = None
        """The option id of the saved query `d` asked to delete, awaiting `d` again or `y`."""

    def compose(self) -> ComposeResult:
        with Vertical(id="library"):
            yield Input(placeholder="filter: query text, name or log group", id="library-filter")
            yield OptionList(id="library-list")
            yield Static("", id="library-preview")
            yield Static(Text(KEYS), id="library-keys")

    def on_mount(self) -> None:
        self.query_one("#library", Vertical).border_title = "Query library"
        self._show()
        self.query_one("#library-filter", Input).focus()
        self.load_definitions()

    @work(exclusive=True, group="library-definitions", exit_on_error=False)
    async def load_definitions(self) -> None:
        """The account's query definitions, or the reason they could not be read."""
        try:
            self.account = list(await self.definitions())
        except SourceError as error:
            self.account_error = error.message + (f" — {error.hint}" if error.hint else "")
        self._show()

    # The list

    @property
    def needle(self) -> str:
        """The filter's text."""
        return self.query_one("#library-filter", Input).value

    def _options(self) -> list[Option]:
        """Headers (disabled) and the items that match the filter, section by section."""
        needle = self.needle
        options: list[Option] = []

        def section(kind: str, items: list[Option], empty: str) -> None:
            options.append(Option(Text(HEADERS[kind], style="bold underline"), disabled=True))
            options.extend(items or [Option(Text(f"  {empty}", style="dim"), disabled=True)])

        nothing = "no match" if needle.strip() else ""
        section(SAVED, [
            Option(self._saved_prompt(item.name, item.query, item.groups), f"{SAVED}:{i}")
            for i, item in enumerate(self.saved)
            if matches(needle, item.name, item.query, *item.groups)
        ], nothing or "nothing saved yet")  # fmt: skip
        section(HISTORY, [
            Option(self._history_prompt(entry), f"{HISTORY}:{i}")
            for i, entry in enumerate(self.history)
            if matches(needle, entry.query, entry.region, *entry.groups)
        ], nothing or "no query run yet")  # fmt: skip
        if self.account_error is not None:
            section(ACCOUNT, [], f"✖ {self.account_error}")
        elif self.account is None:
            section(ACCOUNT, [], "loading…")
        else:
            section(ACCOUNT, [
                Option(self._saved_prompt(item.name, item.query, item.groups), f"{ACCOUNT}:{i}")
                for i, item in enumerate(self.account)
                if matches(needle, item.name, item.query, *item.groups)
            ], nothing or "none in this region")  # fmt: skip
        return options

    def _saved_prompt(self, name: str, query: str, groups: Sequence[str]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"  {name}", style="bold")
        text.append(f"  {groups_words(groups)}  ", style="dim")
        text.append(first_line(query))
        return text

    def _history_prompt(self, entry: HistoryEntry) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        ran = entry.ran_at.astimezone(self.tz)
        span = (
            f"last {format_period(entry.relative)}"
            if entry.relative
            else format_period(max(1, int((entry.end - entry.start).total_seconds())))
        )
        text.append(f"  {ran:%m-%d %H:%M}", style="bold")
        text.append(f"  {span:<8} {groups_words(entry.groups)}  ", style="dim")
        text.append(first_line(entry.query))
        return text

    def _show(self) -> None:
        """Rebuild the list, keeping the highlighted item when it is still shown."""
        listing = self.query_one("#library-list", OptionList)
        kept = listing.highlighted_option.id if listing.highlighted_option else None
        listing.set_options(self._options())
        ids = [option.id for option in listing.options]
        if kept is not None and kept in ids:
            listing.highlighted = ids.index(kept)
        else:
            listing.action_first()
        self._preview()

    def _chosen(self) -> tuple[str, int] | None:
        """(section, index) of the highlighted item, None on a header or an empty list."""
        option = self.query_one("#library-list", OptionList).highlighted_option
        if option is None or option.disabled or option.id is None:
            return None
        kind, _, index = option.id.partition(":")
        return kind, int(index)

    def _preview(self) -> None:
        preview = self.query_one("#library-preview", Static)
        chosen = self._chosen()
        if chosen is None:
            preview.update(Text("no query highlighted", style="dim"))
            return
        kind, index = chosen
        item: HistoryEntry | SavedQuery | QueryDefinition
        if kind == HISTORY:
            item = self.history[index]
            where = f"{item.region} · {window_words(item.start, item.end)} · "
        else:
            item = (self.saved if kind == SAVED else self.account or [])[index]
            where = ""
        text = Text(item.query.strip() + "\n")
        groups = ", ".join(item.groups) if item.groups else "(keeps the current log groups)"
        text.append(f"{where}{groups}", style="dim")
        preview.update(text)

    @on(OptionList.OptionHighlighted, "#library-list")
    def _highlighted(self) -> None:
        self._ask_delete(None)
        self._preview()

    def _ask_delete(self, option_id: str | None, name: str = "") -> None:
        """Await `d` again or `y` to delete `option_id` (None: nothing awaits)."""
        self.deleting = option_id
        keys = self.query_one("#library-keys", Static)
        if option_id is None:
            keys.update(Text(KEYS))
            return
        text = Text(f"Delete? d again or y deletes {name!r}", style="bold")
        text.append("  any move keeps it  esc cancel")
        keys.update(text)

    @on(Input.Changed, "#library-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()
        self._show()

    # Keys

    @on(Input.Submitted, "#library-filter")
    @on(OptionList.OptionSelected, "#library-list")
    def _choose(self, event: Input.Submitted | OptionList.OptionSelected) -> None:
        event.stop()
        chosen = self._chosen()
        if chosen is None:
            self.notify("Nothing to load: highlight a query first.", severity="warning")
            return
        kind, index = chosen
        if kind == HISTORY:
            entry = self.history[index]
            self.dismiss(
                LibraryChoice(
                    entry.query, tuple(entry.groups), (entry.start, entry.end), entry.relative
                )
            )
            return
        item = (self.saved if kind == SAVED else self.account or [])[index]
        self.dismiss(LibraryChoice(item.query, tuple(item.groups)))

    def action_move(self, step: int) -> None:
        """Move the list's highlight (from the filter box)."""
        listing = self.query_one("#library-list", OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    def action_delete(self) -> None:
        """Delete the highlighted montui-saved query; the others are refused with a reason."""
        chosen = self._chosen()
        if chosen is None:
            return
        kind, index = chosen
        if kind == ACCOUNT:
            self.notify(
                "Queries saved in the account are read-only here: delete them in the console.",
                severity="warning",
            )
            return
        if kind == HISTORY:
            self.notify("History entries are not deleted one by one.", severity="warning")
            return
        if self.on_delete is None:
            self.notify("Deleting saved queries is not available here.", severity="warning")
            return
        name = self.saved[index].name
        option_id = f"{SAVED}:{index}"
        if self.deleting != option_id:
            self._ask_delete(option_id, name)
            return
        self._ask_delete(None)
        self.on_delete(name)
        del self.saved[index]
        self._show()
        self.notify(escape(f"Deleted the saved query {name!r}."))

    def action_confirm_delete(self) -> None:
        """`y` after `d`: delete the saved query asked for."""
        if self.deleting is not None and self._chosen() is not None:
            self.action_delete()

    def action_cancel(self) -> None:
        """Close, answering None."""
        self.dismiss(None)
