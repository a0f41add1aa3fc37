"""The alarm board driven by Textual's pilot, fed by a scripted feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets.data_table import ColumnKey

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern
from montui.sources.errors import NoCredentials
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.freshness import Freshness
from montui.ui.widgets.region_banner import RegionBanner
from tests.fakes import NOW, FakeFeed, frozen_clock, make_alarm, region_error

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK


def board_feed() -> FakeFeed:
    return FakeFeed(
        {
            "ap-northeast-1": [
                make_alarm("shop-api-latency", OK, minutes_ago=500),
                make_alarm("contact-form-error-rate", A, minutes_ago=12),
                make_alarm("shop-db-cpu", NODATA, minutes_ago=30),
                make_alarm("contact-form-duration-p95", A, minutes_ago=3),
            ],
            "us-east-1": [
                make_alarm("ses-bounce-rate", OK, region="us-east-1", minutes_ago=100),
                make_alarm(
                    "contact-form-down",
                    A,
                    region="us-east-1",
                    minutes_ago=10,
                    rule='ALARM("contact-form-error-rate")',
                ),
            ],
        }
    )


def make_app(feed: FakeFeed, **settings: Any) -> MontuiApp:
    return MontuiApp(feed.feeds, Settings(**settings), clock=frozen_clock, home="board")


def names(app: MontuiApp) -> list[str]:
    table = app.screen.query_one(AlarmTable)
    return [table.alarms_by_key[str(k.value)].name for k in table.rows]


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_board_orders_alarm_first_most_recent_first() -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert names(app) == [
            "contact-form-duration-p95",  # ALARM 3m
            "contact-form-down",  # ALARM 10m
            "contact-form-error-rate",  # ALARM 12m
            "shop-db-cpu",  # INSUFFICIENT_DATA
            "ses-bounce-rate",  # OK 100m
            "shop-api-latency",  # OK 500m
        ]
        header = str(app.screen.query_one("#header").render())
        assert "✖ 3" in header and "? 1" in header and "✔ 2" in header
        assert "123456789012" in header and "prod" in header


async def test_filter_as_you_type_and_escape_clears() -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"shop")
        await settle(pilot)
        assert names(app) == ["shop-db-cpu", "shop-api-latency"]
        await pilot.press("enter")  # back to the table, filter kept
        assert isinstance(app.focused, AlarmTable)
        assert names(app) == ["shop-db-cpu", "shop-api-latency"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(names(app)) == 6


async def test_filter_matches_dimension_values_and_reason() -> None:
    feed = board_feed()
    feed.data["ap-northeast-1"].append(
        make_alarm("x", OK, dims=(("DBInstanceIdentifier", "orders-db"),), reason="fine")
    )
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"orders-db")
        await settle(pilot)
        assert names(app) == ["x"]


async def test_state_keys_show_one_state_and_a_shows_all() -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        assert {n.split("-")[0] for n in names(app)} == {"contact"}
        assert len(names(app)) == 3
        await pilot.press("3")
        assert names(app) == ["ses-bounce-rate", "shop-api-latency"]
        await pilot.press("2")
        assert names(app) == ["shop-db-cpu"]
        await pilot.press("a")
        assert len(names(app)) == 6


async def test_refresh_keeps_cursor_on_the_same_alarm() -> None:
    feed = board_feed()
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # shop-db-cpu
        table = app.screen.query_one(AlarmTable)
        assert (chosen := table.selected()) is not None and chosen.name == "shop-db-cpu"
        # A new alarm fires: it sorts above the cursor, the cursor must follow shop-db-cpu.
        feed.data["ap-northeast-1"].append(make_alarm("new-fire", A, minutes_ago=0))
        before = dict(feed.polls)
        await pilot.press("r")
        for _ in range(20):
            await pilot.pause(0.05)
            if all(feed.polls[r] > before[r] for r in before):
                break
        await settle(pilot)
        assert names(app)[0] == "new-fire"
        assert (chosen := table.selected()) is not None and chosen.name == "shop-db-cpu"
        assert feed.max_in_flight == 1


async def test_failing_region_keeps_its_rows_and_shows_the_error() -> None:
    feed = board_feed()
    app = make_app(feed)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        feed.fail["us-east-1"] = region_error()
        await pilot.press("r")
        for _ in range(20):
            await pilot.pause(0.05)
            if app.screen.query_one("#banner").display:
                break
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        banner = str(screen.query_one("#banner").render())
        assert "us-east-1" in banner and "cannot reach" in banner
        assert "contact-form-down" in names(app)  # last good data kept
        assert screen.statuses["", "ap-northeast-1"].error is None
        # Recovery: the failing region retries by itself each refresh; force it now.
        del feed.fail["us-east-1"]
        await pilot.press("r")
        for _ in range(20):
            await pilot.pause(0.05)
            if not screen.query_one("#banner").display:
                break
        assert not screen.query_one("#banner").display


async def test_unexpected_exception_in_a_source_is_shown_not_raised() -> None:
    feed = board_feed()
    feed.fail["ap-northeast-1"] = KeyError("boom")
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert "KeyError" in str(app.screen.query_one("#banner").render())


async def test_fatal_credentials_error_at_start_exits_2_with_message() -> None:
    feed = board_feed()
    feed.fail["ap-northeast-1"] = NoCredentials("no AWS credentials", "run aws sso login")
    feed.fail["us-east-1"] = NoCredentials("no AWS credentials", "run aws sso login")
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert feed.closed


async def test_config_metadata_shows_response_and_owner() -> None:
    rule = MetaRule("contact-form-*", AlarmMeta(ResponsePattern.ACT_NOW, "web-team", None))
    app = make_app(board_feed(), alarm_rules=(rule,))
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AlarmTable)
        row = table.get_row_at(0)
        assert "act now" in [str(c) for c in row] and "web-team" in [str(c) for c in row]
        summary = str(app.screen.query_one("#summary").render())
        assert "owner: web-team" in summary


async def test_help_lists_keys_with_binding_ids() -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("Static").render())
        for word in (
            "Filter as you type",
            "Poll every region",
            "[refresh]",
            "[show_alarm]",
            "Quit",
        ):
            assert word in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_keymap_from_config_remaps_refresh() -> None:
    feed = board_feed()
    app = make_app(feed, keymap={"refresh": "f5"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = dict(feed.polls)
        await pilot.press("f5")
        for _ in range(20):
            await pilot.pause(0.05)
            if feed.polls["ap-northeast-1"] > before["ap-northeast-1"]:
                break
        assert feed.polls["ap-northeast-1"] > before["ap-northeast-1"]


async def test_quit_closes_the_feed() -> None:
    feed = board_feed()
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert feed.closed


def test_config_knows_every_binding_id_the_ui_declares() -> None:
    from textual.binding import Binding

    from montui.config_keys import DEFAULT_KEYS, KNOWN_BINDING_IDS
    from montui.ui.screens.alarm_detail import AlarmDetailScreen
    from montui.ui.screens.command_line import CommandLine
    from montui.ui.screens.dbload import DbLoadScreen
    from montui.ui.screens.dbload_picker import DbPickerScreen
    from montui.ui.screens.finding_detail import FindingDetailScreen
    from montui.ui.screens.findings import FindingsScreen
    from montui.ui.screens.log_groups import LogGroupPicker
    from montui.ui.screens.log_record import LogRecordScreen
    from montui.ui.screens.prompt import Prompt
    from montui.ui.screens.query_library import QueryLibrary
    from montui.ui.screens.reputation import ReputationScreen
    from montui.ui.screens.review import ReviewScreen
    from montui.ui.screens.sql_detail import SqlDetailScreen
    from montui.ui.screens.tune import TuneScreen
    from montui.ui.screens.workbench import QueryWorkbench
    from montui.ui.widgets.query_editor import QueryEditor

    screens: list[type[Widget]] = [
        BoardScreen,
        AlarmDetailScreen,
        TuneScreen,
        QueryWorkbench,
        QueryEditor,
        Prompt,
        LogRecordScreen,
        LogGroupPicker,
        QueryLibrary,
        ReputationScreen,
        FindingsScreen,
        FindingDetailScreen,
        DbLoadScreen,
        DbPickerScreen,
        SqlDetailScreen,
        ReviewScreen,
        CommandLine,
    ]
    declared = {
        b.id: b.key
        for b in [*MontuiApp.BINDINGS, *(b for s in screens for b in s.BINDINGS)]
        if isinstance(b, Binding) and b.id
    }
    assert set(declared) == KNOWN_BINDING_IDS
    for binding_id, key in declared.items():
        shown = {"slash": "/", "question_mark": "?"}.get(key, key)
        assert DEFAULT_KEYS[binding_id] == shown


async def test_refresh_with_same_alarms_updates_changed_cells_in_place() -> None:
    from datetime import timedelta

    from tests.fakes import NOW

    now = [NOW]
    feed = board_feed()
    app = MontuiApp(feed.feeds, Settings(), clock=lambda: now[0], home="board")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AlarmTable)
        key = "123456789012\x1fap-northeast-1\x1fcontact-form-error-rate"
        assert str(table.get_cell(key, "age")) == "12m"
        rows_before = list(table.rows)
        now[0] = NOW + timedelta(minutes=10)
        before = dict(feed.polls)
        await pilot.press("r")
        for _ in range(20):
            await pilot.pause(0.05)
            if all(feed.polls[r] > before[r] for r in before):
                break
        await settle(pilot)
        assert str(table.get_cell(key, "age")) == "22m"
        assert list(table.rows) == rows_before  # same rows, updated in place


async def test_no_color_shows_alarm_in_reverse_video(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(board_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.no_color
        table = app.screen.query_one(AlarmTable)
        cell = table.get_row_at(0)[0]
        assert str(cell) == "✖ ALARM"
        assert isinstance(cell, Text) and "reverse" in str(cell.style)


async def test_banner_age_ticks_with_the_header_and_stale_follows_a_short_refresh() -> None:
    # Defect 5: with a 10 s refresh, stale at 25 s; the banner's age moves with the clock
    # between polls and reads like the header's.
    feed = board_feed()
    now = [NOW]
    app = MontuiApp(feed.feeds, Settings().with_refresh(10), clock=lambda: now[0], home="board")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        feed.fail["us-east-1"] = region_error()
        await pilot.press("r")
        for _ in range(20):
            await pilot.pause(0.05)
            if app.screen.query_one("#banner").display:
                break
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        now[0] = NOW + timedelta(seconds=70)
        screen.query_one(RegionBanner).tick()
        screen.query_one(Freshness).set_fetched(screen.statuses["", "us-east-1"].fetched_at)
        banner = str(screen.query_one(RegionBanner).render())
        assert "data updated 1m ago" in banner
        assert "⚠ stale: 1m old" in str(screen.query_one(Freshness).render())


async def test_long_names_are_cut_with_an_ellipsis_keeping_their_tails() -> None:
    # Defect 6: at 80 columns two long names must not read the same.
    feed = FakeFeed(
        {
            "ap-northeast-1": [
                make_alarm("shop-lambda-payment-webhook-duration-p99", A, minutes_ago=3),
                make_alarm("shop-lambda-payment-webhook-error-rate", A, minutes_ago=4),
            ],
            "us-east-1": [],
        }
    )
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AlarmTable)
        width = table.columns[ColumnKey("name")].width
        shown = [str(table.get_row_at(i)[1]) for i in range(2)]
        assert all("…" in s and len(s) <= width for s in shown)
        assert shown[0].endswith("duration-p99") and shown[1].endswith("error-rate")


async def test_an_alarm_that_fired_and_cleared_stays_marked_below_the_alarm_rows() -> None:
    feed = board_feed()
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tokyo = feed.data["ap-northeast-1"]
        tokyo[1] = make_alarm("contact-form-error-rate", OK, minutes_ago=2)  # recovered
        before = dict(feed.polls)
        await pilot.press("r")
        for _ in range(40):
            await pilot.pause(0.05)
            if all(feed.polls[r] > before[r] for r in before):
                break
        await settle(pilot)
        assert names(app) == [
            "contact-form-duration-p95",  # ALARM 3m
            "contact-form-down",  # ALARM 10m
            "contact-form-error-rate",  # OK 2m, recovered: just below the ALARM rows
            "shop-db-cpu",
            "ses-bounce-rate",
            "shop-api-latency",
        ]
        table = app.screen.query_one(AlarmTable)
        state = table.get_cell_at(table.cursor_coordinate._replace(row=2, column=0))
        assert str(state) == "✔ OK ↺"
        plain_ok = table.get_cell_at(table.cursor_coordinate._replace(row=4, column=0))
        assert isinstance(state, Text) and isinstance(plain_ok, Text)
        assert str(plain_ok) == "✔ OK" and state.style != plain_ok.style
