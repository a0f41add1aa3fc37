"""Issue 10 #14: a key that can do nothing now says why (a notice), through one mechanism
(`inert_reason` on the screen or widget, `MontuiApp.run_action`), and shows dimmed in the key
bar while it cannot act; the same keys still act when they can."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from montui.querybook import HistoryEntry, QueryBook
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.tune import TuneScreen
from montui.ui.widgets.key_bar import _fit
from montui.ui.widgets.query_editor import QueryEditor
from tests.fakes import NOW
from tests.test_ui_detail import chart_calls, detail_feed, idle, key_bar, make_app, open_alarm
from tests.test_ui_workbench_keys import REGION, setup, until


def notices(app: MontuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def press_for_notice(pilot: Any, app: MontuiApp, key: str) -> str:
    """Press `key` and answer the one new notice it gave (fails when it gave none)."""
    before = len(notices(app))
    await pilot.press(key)
    await until(pilot, lambda: len(notices(app)) > before)
    new = notices(app)[before:]
    assert len(new) == 1, new
    return new[0]


def enabled(screen: Any, action: str) -> bool | None:
    """The key bar's view of a binding: True, False (dimmed) or None (hidden)."""
    for active in screen.active_bindings.values():
        if active.binding.action == action:
            return bool(active.enabled)
    return None


async def test_composite_chart_and_tune_keys_say_why() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-down")
        for key in "tiopn":
            note = await press_for_notice(pilot, app, key)
            assert "composite" in note and "child" in note, (key, note)
        assert app.screen is screen  # nothing opened
        assert "Tune" not in key_bar(screen)  # never for a composite: not in the bar


async def test_zoom_in_at_the_closest_says_so_and_dims_the_key() -> None:
    feed = detail_feed()
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        before = len(notices(app))
        await pilot.press("i")  # 3h → 1h: acts, no notice
        await idle(pilot, screen)
        assert chart_calls(feed)[-1][2].length == timedelta(hours=1)
        assert len(notices(app)) == before
        assert enabled(screen, "zoom(-1)") is False
        calls = len(chart_calls(feed))
        assert "closest" in await press_for_notice(pilot, app, "i")
        await idle(pilot, screen)
        assert len(chart_calls(feed)) == calls  # nothing fetched


async def test_zoom_out_at_the_widest_and_moves_at_the_ends_of_the_history() -> None:
    feed = detail_feed()
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "latest" in await press_for_notice(pilot, app, "n")
        assert enabled(screen, "move(1)") is False
        for _ in range(5):  # 3h → 2w
            await pilot.press("o")
        await idle(pilot, screen)
        assert chart_calls(feed)[-1][2].length == timedelta(days=14)
        assert "widest" in await press_for_notice(pilot, app, "o")
        assert "14 days" in await press_for_notice(pilot, app, "p")
        await pilot.press("i")  # 1w ending now: earlier twice reaches the history's start
        await pilot.press("p", "p")
        await idle(pilot, screen)
        window = chart_calls(feed)[-1][2]
        assert window.start == NOW - timedelta(days=14) and window.length == timedelta(days=7)
        assert "14 days" in await press_for_notice(pilot, app, "p")
        await pilot.press("n")  # later acts again
        await idle(pilot, screen)
        assert chart_calls(feed)[-1][2].end == NOW - timedelta(days=3, hours=12)


async def test_inputs_key_on_a_single_metric_alarm_says_why() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "metric math" in await press_for_notice(pilot, app, "m")
        assert "Inputs" not in key_bar(screen)
        assert isinstance(app.screen, AlarmDetailScreen)


async def test_tune_still_opens_for_a_metric_alarm() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_alarm(pilot, app, "contact-form-error-rate")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TuneScreen))


async def test_stop_with_nothing_running_says_so_and_does_not_quit(tmp_path: Path) -> None:
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        assert "No query is running" in await press_for_notice(pilot, app, "ctrl+c")
        assert app.is_running and app.screen is bench


async def test_recall_with_an_empty_history_says_so_from_the_plan_too(tmp_path: Path) -> None:
    """The plan (where the workbench opens) says `ctrl+↑ earlier queries`: the key answers
    there too, not only once the editor has the focus."""
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        bench.query_one("#wb-plan").focus()
        await pilot.pause()
        assert "No earlier query" in await press_for_notice(pilot, app, "ctrl+up")
        bench.query_one(QueryEditor).focus()
        assert "No earlier query" in await press_for_notice(pilot, app, "ctrl+up")
        assert "No later query" in await press_for_notice(pilot, app, "ctrl+down")


async def test_recall_walks_the_history_and_says_when_it_ends(tmp_path: Path) -> None:
    book = QueryBook(tmp_path)
    book.load()
    book.add_history(
        HistoryEntry(
            query="fields @message | limit 7",
            groups=("/ecs/c",),
            region=REGION,
            start=NOW - timedelta(hours=5),
            end=NOW - timedelta(hours=4),
            ran_at=NOW - timedelta(hours=4),
        )
    )
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        editor = bench.query_one(QueryEditor)
        bench.query_one("#wb-plan").focus()
        await pilot.pause()
        before = len(notices(app))
        await pilot.press("ctrl+up")  # from the plan: recalls into the editor, focuses it
        assert editor.text == "fields @message | limit 7"
        assert app.focused is editor
        assert "No earlier query" in await press_for_notice(pilot, app, "ctrl+up")
        assert editor.text == "fields @message | limit 7"
        await pilot.press("ctrl+down")
        assert "sort @timestamp desc" in editor.text  # the draft is back
        assert len(notices(app)) == before + 1
        assert "No later query" in await press_for_notice(pilot, app, "ctrl+down")


async def test_recall_skips_the_query_already_in_the_editor(tmp_path: Path) -> None:
    """`w` opens with the last query: ctrl+↑ must not "recall" the same text."""
    book = QueryBook(tmp_path)
    book.load()
    for n, query in enumerate(["fields @message | limit 9", "fields @message | limit 7"]):
        book.add_history(
            HistoryEntry(
                query=query,
                groups=("/ecs/c",),
                region=REGION,
                start=NOW - timedelta(hours=5),
                end=NOW - timedelta(hours=4),
                ran_at=NOW - timedelta(hours=4 - n),
            )
        )
    app, _feed, bench = setup(tmp_path, query="fields @message | limit 7")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        editor = bench.query_one(QueryEditor)
        await pilot.press("ctrl+up")
        assert editor.text == "fields @message | limit 9"


def test_narrow_key_bar_drops_dimmed_keys_first() -> None:
    entries = [("a", "Alpha", True), ("b", "Beta", False), ("c", "Gamma", True)]
    last = [("q", "Quit", True), ("?", "Keys", True)]
    width = sum(len(k) + len(d) + 3 for k, d, _ in entries + last)
    assert _fit(entries, last, width) == entries + last
    assert _fit(entries, last, width - 1) == [entries[0], entries[2], *last]
    assert _fit(entries, last, width - 9) == [entries[0], *last]
