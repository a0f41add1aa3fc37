"""The Logs Insights modals, each pushed on a bare app that records what it dismissed with."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, SelectionList, Static

from montui.model.logs import QueryDefinition
from montui.sources.errors import AccessDenied, Throttled
from montui.ui import clipboard
from montui.ui.clipboard import osc52
from montui.ui.screens.log_groups import LogGroupPicker
from montui.ui.screens.log_record import LogRecordScreen, message_text, split_json
from montui.ui.screens.prompt import Prompt
from montui.ui.screens.query_library import LibraryChoice, QueryLibrary, window_words
from montui.ui.widgets.check_list import CheckList
from tests.fakes import FakeInsights

JST = timezone(timedelta(hours=9), "JST")


class ModalHost(App[None]):
    """Pushes `modal` on mount and keeps every value it dismissed with in `results`."""

    def __init__(self, modal: Screen[Any]) -> None:
        super().__init__()
        self.modal = modal
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.results.append)


def shown(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def settle(pilot: Any, times: int = 3) -> None:
    for _ in range(times):
        await pilot.pause()


@asynccontextmanager
async def opened(modal: Screen[Any], *, wait: bool = True) -> AsyncIterator[tuple[Any, Any]]:
    """A host app at 80x24 with `modal` pushed, its workers done (`wait`), and its pilot."""
    app = ModalHost(modal)
    async with app.run_test(size=(80, 24)) as pilot:
        if wait:
            await app.workers.wait_for_complete()
        await settle(pilot)
        yield app, pilot


async def keys(pilot: Any, *pressed: str) -> None:
    """Press, then let the screen answer."""
    await pilot.press(*pressed)
    await settle(pilot)


async def test_prompt_enter_answers_the_edited_text() -> None:
    async with opened(Prompt("Time range", "15", hint="15m, 3h, 2d")) as (app, pilot):
        box = app.screen.query_one(Input)
        assert box.has_focus and box.cursor_position == 2  # at the end of "15"
        await keys(pilot, "m", "enter")
        assert app.results == ["15m"]


async def test_prompt_check_error_is_shown_and_text_kept() -> None:
    prompt = Prompt(
        "Time range", "3h", check=lambda t: None if t.endswith("m") else "use minutes, like 15m"
    )
    async with opened(prompt) as (app, pilot):
        await keys(pilot, "enter")
        assert app.results == []
        assert app.screen is prompt
        assert "use minutes, like 15m" in prompt.error
        assert prompt.query_one(Input).value == "3h"
        await keys(pilot, "backspace", "m")
        assert prompt.error == ""  # editing clears the complaint
        await keys(pilot, "enter")
        assert app.results == ["3m"]


async def test_prompt_escape_answers_none() -> None:
    async with opened(Prompt("Name", "errors by function")) as (app, pilot):
        await keys(pilot, "x", "escape")
        assert app.results == [None]


LAMBDA_JSON = (
    "2026-11-21T03:12:45.123Z\t8f0e2c1a-1111-2222-3333-444455556666\tERROR\t"
    '{"level": "error", "msg": "SES throttled", "retry": 3}'
)
TRACEBACK = (
    "[ERROR] ThrottlingException: Maximum sending rate exceeded.\n"
    "Traceback (most recent call last):\n"
    '  File "/var/task/app.py", line 42, in handler\n'
    "    ses.send_email(**mail)"
)


def record_row(message: str) -> dict[str, str]:
    return {"@timestamp": "2026-11-21 03:12:45.123", "@logStream": "2026/11/21/[$LATEST]abc",
            "@message": message, "@ptr": "CmQKKwonMTIzNDU2Nzg5MDEyOi9hd3MvbGFtYmRh"}  # fmt: skip


def test_split_json_finds_json_after_a_lambda_prefix() -> None:
    found = split_json(LAMBDA_JSON)
    assert found is not None
    prefix, data = found
    assert prefix.endswith("ERROR") and data["msg"] == "SES throttled"
    assert split_json('{"a": 1}') == ("", {"a": 1})
    assert split_json(TRACEBACK) is None
    assert split_json("START RequestId: 1\t{not json") is None
    # Pretty-printed, coloured, and plain under NO_COLOR.
    coloured = message_text(LAMBDA_JSON, mono=False)
    assert '"msg": "SES throttled"' in coloured.plain
    assert coloured.spans  # rich's JSON highlighting
    mono = message_text(LAMBDA_JSON, mono=True)
    assert '  "retry": 3' in mono.plain
    assert all(span.style == "dim" for span in mono.spans)


async def test_record_shows_fields_in_tz_the_traceback_whole_and_scrolls() -> None:
    long = TRACEBACK + "".join(f"\n  line {i}" for i in range(80))
    screen = LogRecordScreen(record_row(long), tz=JST)
    async with opened(screen) as (app, pilot):
        fields = shown(screen, "#record-fields")
        assert "2026-11-21 12:12:45.123 JST" in fields
        assert "@logStream" in fields and "@ptr" not in fields
        message = shown(screen, "#record-message")
        assert "Traceback (most recent call last):\n" in message
        assert '  File "/var/task/app.py", line 42' in message
        scroll = screen.query_one("#record")
        assert scroll.has_focus and scroll.scroll_y == 0
        await keys(pilot, "pagedown")
        assert scroll.scroll_y > 0
        await keys(pilot, "q")
        assert app.results == [None]


async def test_record_copies_message_and_row_without_ptr(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    monkeypatch.setattr(clipboard, "write_to_terminal", lambda app, data: written.append(data))
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    row = record_row(LAMBDA_JSON)
    async with opened(LogRecordScreen(row, tz=UTC)) as (app, pilot):
        await pilot.press("c")
        assert written == [osc52(LAMBDA_JSON)]
        await pilot.press("y")
        copied = written[1][len("\x1b]52;c;") : -1]
        as_json = json.loads(base64.b64decode(copied))
        assert "@ptr" not in as_json and as_json["@message"] == LAMBDA_JSON
        await settle(pilot)
        titles = [n.title for n in app._notifications]
        assert "Copied the log message" in titles and "Copied the row as JSON" in titles
        await keys(pilot, "escape")
        assert app.results == [None]


class GroupFeed(FakeInsights):
    """`log_groups` as the picker needs it: names by prefix, a failure on demand, calls
    counted, a delay for overlapping calls."""

    def __init__(self, names: Sequence[str], *, delay: float = 0.0) -> None:
        super().__init__()
        self.names, self.delay = list(names), delay
        self.fail: Exception | None = None
        self.calls: list[tuple[str, str, int]] = []
        self.in_flight = self.max_in_flight = 0

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        self.calls.append((region, prefix, limit))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        if self.fail is not None:
            raise self.fail
        return tuple(n for n in self.names if n.startswith(prefix))[:limit]


LAMBDAS = [f"/aws/lambda/fn-{i:02d}" for i in range(60)]
GROUPS = [*LAMBDAS, "/aws/apigateway/contact", "/aws/rds/cluster/shop/error"]


def picker(
    feed: GroupFeed, selected: Sequence[str] = (), note: str | None = None
) -> LogGroupPicker:
    return LogGroupPicker(feed, "ap-northeast-1", selected, note=note)


async def wait_lookup(pilot: Any, app: App[Any]) -> None:
    await pilot.pause(0.45)  # past the debounce
    await app.workers.wait_for_complete()
    await settle(pilot)


def listed(screen: Screen[Any]) -> list[str]:
    listing = screen.query_one(SelectionList)
    return [listing.get_option_at_index(i).value for i in range(listing.option_count)]


async def test_picker_searches_as_you_type_keeping_the_chosen_first() -> None:
    feed = GroupFeed(GROUPS)
    screen = picker(feed, ["/aws/rds/cluster/shop/error"], note="no log group found for Errors")
    async with opened(screen) as (app, pilot):
        assert "⚠ no log group found for Errors" in shown(screen, "#groups-note")
        assert "1 selected (at most 50)" in shown(screen, "#groups-count")
        await pilot.press(*"/aws/api")
        await wait_lookup(pilot, app)
        # One lookup for the typing burst, not one per key.
        assert [prefix for _r, prefix, _l in feed.calls] == ["", "/aws/api"]
        assert listed(screen) == ["/aws/rds/cluster/shop/error", "/aws/apigateway/contact"]
        assert screen.query_one(SelectionList).selected == ["/aws/rds/cluster/shop/error"]
        await pilot.press("down")  # into the list
        await keys(pilot, "down", "space")
        # Ticked by symbol, not only by colour.
        assert rows_shown(screen) == [
            "[✔] /aws/rds/cluster/shop/error",
            "[✔] /aws/apigateway/contact",
        ]
        await keys(pilot, "enter")
        assert app.results == [("/aws/rds/cluster/shop/error", "/aws/apigateway/contact")]


def rows_shown(screen: Screen[Any]) -> list[str]:
    listing = screen.query_one(SelectionList)
    lines = [listing.render_line(y).text.rstrip() for y in range(listing.size.height)]
    return [line for line in lines if line]


async def test_picker_ticked_and_unticked_rows_read_differently_without_colour() -> None:
    feed = GroupFeed(GROUPS)
    screen = picker(feed, ["/aws/rds/cluster/shop/error"])
    async with opened(screen) as (_app, pilot):
        await pilot.press(*"/aws/api")
        await wait_lookup(pilot, screen.app)
        assert rows_shown(screen) == [
            "[✔] /aws/rds/cluster/shop/error",
            "[ ] /aws/apigateway/contact",
        ]
        await pilot.press("down")  # into the list
        await keys(pilot, "down", "space")
        assert rows_shown(screen) == [
            "[✔] /aws/rds/cluster/shop/error",
            "[✔] /aws/apigateway/contact",
        ]
        await keys(pilot, "up", "space")
        rows = rows_shown(screen)
        assert rows[0] == "[ ] /aws/rds/cluster/shop/error"
        assert not any("X" in row for row in rows)


async def test_picker_refuses_a_51st_group() -> None:
    feed = GroupFeed(GROUPS)
    screen = picker(feed, LAMBDAS[:50])
    async with opened(screen) as (app, pilot):
        assert "50 selected" in shown(screen, "#groups-count")
        listing = screen.query_one(SelectionList)
        listing.focus()
        listing.highlighted = 50  # the first name not chosen
        await keys(pilot, "space")
        count = shown(screen, "#groups-count")
        assert "at most 50" in count and "✖" in count
        assert len(listing.selected) == 50
        assert rows_shown(screen)[0].startswith("[✔] ")
        assert screen.query_one(CheckList).box(50) == "[ ] "
        listing.highlighted = 0
        await pilot.press("space")  # untick one: now there is room
        listing.highlighted = 50
        await pilot.press("space")
        await keys(pilot, "enter")
        (result,) = app.results
        assert len(result) == 50 and LAMBDAS[0] not in result and result[-1] == LAMBDAS[50]


async def test_picker_shows_a_lookup_error_and_escape_answers_none() -> None:
    feed = GroupFeed(GROUPS)
    feed.fail = AccessDenied("not allowed to list log groups", "grant logs:DescribeLogGroups")
    screen = picker(feed, ["/aws/lambda/fn-01"])
    async with opened(screen) as (app, pilot):
        status = shown(screen, "#groups-status")
        assert "not allowed to list log groups" in status and "logs:DescribeLogGroups" in status
        assert screen.query_one("#groups-status").has_class("error")
        assert listed(screen) == ["/aws/lambda/fn-01"]  # the choice survives
        await keys(pilot, "escape")
        assert app.results == [None]


async def test_picker_caps_the_list_and_needs_one_group() -> None:
    feed = GroupFeed([f"/aws/lambda/f{i:04d}" for i in range(1200)])
    screen = picker(feed)
    async with opened(screen) as (app, pilot):
        assert "showing the first 1000 — type more of the prefix" in shown(screen, "#groups-status")
        assert len(listed(screen)) == 1000
        await keys(pilot, "enter")
        assert app.results == [] and "at least one" in shown(screen, "#groups-count")


async def test_picker_lookups_never_overlap() -> None:
    feed = GroupFeed(GROUPS, delay=1.0)
    screen = picker(feed)
    async with opened(screen) as (app, pilot):
        for key in "/aws/a":
            await pilot.press(key)
            await pilot.pause(0.35)  # past the debounce, before the slow lookup answers
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(feed.calls) >= 5  # a lookup started after each pause...
        assert feed.max_in_flight == 1  # ...and each cancelled the one before it
        assert listed(screen) == ["/aws/apigateway/contact"]
        assert "1 log group starting with '/aws/a'" in shown(screen, "#groups-status")


class History(NamedTuple):
    query: str
    groups: tuple[str, ...]
    region: str
    start: datetime
    end: datetime
    ran_at: datetime
    relative: int | None


T0 = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
HISTORY = [
    History("fields @message\n| filter @message like /ERROR/", ("/aws/lambda/a",),
            "ap-northeast-1", T0 - timedelta(hours=1), T0, T0, 3600),
    History("stats count(*) by bin(5m)", ("/aws/lambda/a", "/aws/lambda/b"),
            "ap-northeast-1", T0, T0 + timedelta(minutes=30), T0 + timedelta(hours=1), None),
]  # fmt: skip
# A QueryDefinition has what the library reads of a montui-saved query: name, query, groups.
SAVED = [QueryDefinition("errors", "fields @message | filter level = 'error'", ())]
ACCOUNT = [QueryDefinition("top talkers", "stats count(*) by ip", ("/aws/api",), "d-1")]


def library(definitions: Any, on_delete: Any = None) -> QueryLibrary:
    return QueryLibrary(HISTORY, SAVED, definitions, tz=JST, on_delete=on_delete)


async def account_ok() -> Sequence[QueryDefinition]:
    return ACCOUNT


def options(screen: Screen[Any]) -> list[str]:
    return [str(o.prompt) for o in screen.query_one(OptionList).options]


async def test_library_sections_history_newest_first_and_account_loaded() -> None:
    screen = library(account_ok)
    async with opened(screen):
        lines = options(screen)
        assert lines[0] == "Saved in montui" and "errors" in lines[1]
        history = lines.index("History")
        assert "13:00" in lines[history + 1] and "stats count(*)" in lines[history + 1]
        assert "2 groups" in lines[history + 1]
        assert "12:00" in lines[history + 2] and "last 1h" in lines[history + 2]
        assert "top talkers" in lines[-1] and "read-only" in lines[-2]
        # The highlighted item's whole query shows under the list.
        assert "level = 'error'" in shown(screen, "#library-preview")


async def test_library_enter_restores_history_window() -> None:
    screen = library(account_ok)
    async with opened(screen) as (app, pilot):
        await pilot.press("down", "down")  # from the filter: the second history entry
        await settle(pilot)
        assert "filter @message like /ERROR/" in shown(screen, "#library-preview")
        await keys(pilot, "enter")
        assert app.results == [
            LibraryChoice(HISTORY[0].query, HISTORY[0].groups, (HISTORY[0].start, T0), 3600)
        ]


async def test_library_filter_narrows_and_account_choice_is_returned() -> None:
    screen = library(account_ok)
    async with opened(screen) as (app, pilot):
        await keys(pilot, *"by ip")
        assert [line for line in options(screen) if line.startswith("  ")] == [
            "  no match",
            "  no match",
            "  top talkers  1 group  stats count(*) by ip",
        ]
        await keys(pilot, "enter")
        assert app.results == [LibraryChoice("stats count(*) by ip", ("/aws/api",))]


def test_history_window_shows_both_dates_across_days() -> None:
    end = datetime(2026, 11, 22, 1, 42, tzinfo=UTC)
    assert window_words(end - timedelta(days=14), end) == (
        "2026-11-08 01:42 → 2026-11-22 01:42 UTC"
    )
    assert window_words(end - timedelta(minutes=30), end) == "2026-11-22 01:12–01:42 UTC"
    jst = datetime(2026, 11, 22, 10, 42, tzinfo=JST)  # the same moment, read in UTC
    assert window_words(jst - timedelta(hours=1), jst) == "2026-11-22 00:42–01:42 UTC"


async def test_library_preview_of_a_14_day_history_entry_has_both_dates() -> None:
    end = datetime(2026, 11, 22, 1, 42, tzinfo=UTC)
    entry = History("fields @message", ("/aws/lambda/a",), "ap-northeast-1",
                    end - timedelta(days=14), end, end, None)  # fmt: skip
    screen = QueryLibrary([entry], [], account_ok, tz=JST)
    async with opened(screen):  # the first entry is highlighted
        assert "2026-11-08 01:42 → 2026-11-22 01:42 UTC" in shown(screen, "#library-preview")


async def test_library_delete_asks_to_confirm_then_deletes() -> None:
    deleted: list[str] = []
    screen = library(account_ok, deleted.append)
    async with opened(screen) as (_app, pilot):
        await pilot.press("tab")  # into the list, on the saved query
        await keys(pilot, "d")
        assert deleted == []  # not at once
        assert "d again or y deletes 'errors'" in shown(screen, "#library-keys")
        await keys(pilot, "down")  # moving away cancels
        assert "d delete" in shown(screen, "#library-keys")
        await keys(pilot, "up", "d", "y")
        assert deleted == ["errors"]


async def test_library_delete_saved_but_not_account() -> None:
    deleted: list[str] = []
    screen = library(account_ok, deleted.append)
    async with opened(screen) as (app, pilot):
        await pilot.press("tab")  # into the list, on the saved query
        assert screen.query_one(OptionList).has_focus
        await keys(pilot, "d", "d")
        assert deleted == ["errors"]
        assert "  nothing saved yet" in options(screen)
        await keys(pilot, "end", "d")
        assert deleted == ["errors"]
        assert any("read-only" in str(n.message) for n in app._notifications)
        await keys(pilot, "escape")
        assert app.results == [None]


async def test_library_says_loading_then_shows_the_account_error() -> None:
    gate = asyncio.Event()

    async def throttled() -> Sequence[QueryDefinition]:
        await gate.wait()
        raise Throttled("DescribeQueryDefinitions was throttled", "try again in a minute")

    async with opened(library(throttled), wait=False) as (app, pilot):
        assert options(app.screen)[-1] == "  loading…"
        gate.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert options(app.screen)[-1] == (
            "  ✖ DescribeQueryDefinitions was throttled — try again in a minute"
        )
        assert app.is_running
