"""The alarm detail screen driven by Textual's pilot: facts, chart, history, composite tree."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState, MetricQuery, MetricRef
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.alarm_detail_text import condition_in_words
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.composite_tree import CompositeTree
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.metric_chart import MetricChart
from tests.fakes import NOW, FakeFeed, frozen_clock, make_alarm, region_error, state_change

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK


def errors(moment: datetime) -> float:
    """14 errors a minute during the last 12 minutes, 2 before."""
    return 14.0 if moment >= NOW - timedelta(minutes=12) else 2.0


def detail_feed(*extra: Alarm) -> FakeFeed:
    alarms = [
        make_alarm("contact-form-error-rate", A, minutes_ago=12),
        make_alarm("contact-form-api-5xx", OK, minutes_ago=300),
        make_alarm(
            "contact-form-down",
            A,
            minutes_ago=10,
            rule='ALARM("contact-form-error-rate") OR ALARM("contact-form-api-5xx")',
        ),
        *extra,
    ]
    feed = FakeFeed({"ap-northeast-1": alarms})
    feed.series["m1"] = errors
    feed.history_items["contact-form-error-rate"] = [
        state_change("contact-form-error-rate", 60 * 24 * 3, OK, A),
        state_change("contact-form-error-rate", 60 * 24 * 3 - 30, A, OK),
        state_change("contact-form-error-rate", 12, OK, A, "Threshold Crossed: 3 of 5"),
    ]
    return feed


CHART_IDS = {"m1", "errors", "invocations", "pct"}


def chart_calls(feed: FakeFeed) -> list[Any]:
    """The detail's GetMetricData calls (the board's sparklines call the feed too)."""
    return [c for c in feed.metric_calls if {q.id for q in c[1]} <= CHART_IDS]


def make_app(feed: FakeFeed) -> MontuiApp:
    return MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")


async def settle(pilot: Any, rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.pause()


async def idle(pilot: Any, screen: Any) -> None:
    """Until the screen's own workers (chart, history) are done; the board's poll loops never
    finish, so app.workers.wait_for_complete() cannot be used."""
    for _ in range(100):
        await pilot.pause(0.01)
        if all(w.is_finished for w in pilot.app.workers if w.node is screen):
            break
    await settle(pilot, 2)


async def open_alarm(pilot: Any, app: MontuiApp, name: str) -> AlarmDetailScreen:
    await settle(pilot)
    table = app.screen.query_one(AlarmTable)
    for _ in range(table.row_count):
        selected = table.selected()
        if selected is not None and selected.name == name:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AlarmDetailScreen)
    assert screen.alarm.name == name
    await idle(pilot, screen)
    return screen


def text_of(screen: AlarmDetailScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_metric_alarm_detail_shows_state_condition_chart_and_history() -> None:
    feed = detail_feed()
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "✖ ALARM" in text_of(screen, "#title")
        assert "for 12m" in text_of(screen, "#title")
        condition = text_of(screen, "#condition")
        assert "Sum of Errors > 10 in 3 of the last 5 one-minute periods" in condition
        config = text_of(screen, "#config")
        assert "FunctionName = contact-form" in config and "Statistic" in config
        chart = screen.query_one(MetricChart)
        assert chart.message == ""  # the plot is shown
        region, queries, window = chart_calls(feed)[-1]
        assert region == "ap-northeast-1" and queries[0].stat == "Sum"
        assert window.length == timedelta(hours=3) and window.end == NOW
        noise = text_of(screen, "#noise")
        assert "2 ALARM episodes" in noise and "Not flapping" in noise
        assert "OK → ✖ ALARM" in text_of(screen, "#timeline")


async def test_zoom_and_move_refetch_the_window() -> None:
    feed = detail_feed()
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_alarm(pilot, app, "contact-form-error-rate")
        await pilot.press("o")
        await idle(pilot, app.screen)
        assert chart_calls(feed)[-1][2].length == timedelta(hours=12)
        await pilot.press("p")
        await idle(pilot, app.screen)
        assert chart_calls(feed)[-1][2].end == NOW - timedelta(hours=6)
        await pilot.press("n", "i", "i", "i")
        await idle(pilot, app.screen)
        assert chart_calls(feed)[-1][2].length == timedelta(hours=1)
        assert chart_calls(feed)[-1][2].end == NOW


async def test_percentile_alarm_asks_for_the_extended_statistic() -> None:
    p95 = replace(
        make_alarm("contact-form-duration-p95", A, minutes_ago=5, metric="Duration"),
        statistic=None,
        extended_statistic="p95",
        unit="Milliseconds",
    )
    feed = detail_feed(p95)
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-duration-p95")
        assert chart_calls(feed)[-1][1][0].stat == "p95"
        assert "p95 of Duration > 10" in text_of(screen, "#condition")
        assert "p95 (extended)" in text_of(screen, "#config")
        assert "Milliseconds" in text_of(screen, "#config")


async def test_metric_math_alarm_charts_every_series() -> None:
    ref = MetricRef("AWS/Lambda", "Errors", (("FunctionName", "contact-form"),))
    inv = MetricRef("AWS/Lambda", "Invocations", (("FunctionName", "contact-form"),))
    math = replace(
        make_alarm("contact-form-error-pct", A, minutes_ago=5),
        metric=None,
        statistic=None,
        period=None,
        metrics=(
            MetricQuery("errors", metric=ref, stat="Sum", period=60),
            MetricQuery("invocations", metric=inv, stat="Sum", period=60),
            MetricQuery("pct", expression="100*errors/invocations", label="Error %",
                        return_data=True),
        ),
    )  # fmt: skip
    feed = detail_feed(math)
    feed.series["errors"] = errors
    feed.series["invocations"] = lambda _m: 100.0
    feed.series["pct"] = errors
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-pct")
        ids = [q.id for q in chart_calls(feed)[-1][1]]
        assert ids == ["errors", "invocations", "pct"]
        assert "Error % = 100*errors/invocations > 10" in text_of(screen, "#condition")
        assert "◀ compared" in text_of(screen, "#config")
        assert screen.query_one(MetricChart).message == ""


def error_pct_alarm() -> Alarm:
    ref = MetricRef("AWS/Lambda", "Errors", (("FunctionName", "contact-form"),))
    inv = MetricRef("AWS/Lambda", "Invocations", (("FunctionName", "contact-form"),))
    return replace(
        make_alarm("contact-form-error-pct", A, minutes_ago=5),
        metric=None,
        statistic=None,
        period=None,
        metrics=(
            MetricQuery("errors", metric=ref, stat="Sum", period=60),
            MetricQuery("invocations", metric=inv, stat="Sum", period=60),
            MetricQuery("pct", expression="100*errors/invocations", label="Error %",
                        return_data=True),
        ),
    )  # fmt: skip


def key_bar(screen: AlarmDetailScreen) -> str:
    return str(screen.query_one(KeyBar).render())


async def test_metric_math_labels_keep_their_separator() -> None:
    """Issue 10 #17: `  invocationsSum of AWS/Lambda Invocations`: the 13-character label
    filled the 12-column label field and ran into its value."""
    feed = detail_feed(error_pct_alarm())
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-pct")
        config = text_of(screen, "#config")
        assert "  invocations Sum of AWS/Lambda Invocations" in config
        assert "  errors    Sum of AWS/Lambda Errors" in config


async def test_metric_math_chart_shows_the_expression_or_its_inputs() -> None:
    """Issue 10 #17: the expression (a percentage) with its threshold, or the inputs (counts)
    on their own axis, each series with its own marker; `m` switches, the key bar says how."""
    feed = detail_feed(error_pct_alarm())
    feed.series["errors"] = errors
    feed.series["invocations"] = lambda _m: 1000.0
    feed.series["pct"] = errors
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-pct")
        await idle(pilot, screen)
        chart = screen.query_one(MetricChart)
        assert chart.shown is not None
        assert [s.id for s in chart.shown.series] == ["pct"]
        assert chart.shown.thresholds == (10.0,) and chart.shown.compared_id == "pct"
        assert "expression pct" in str(chart.border_title)
        assert "m Inputs" in key_bar(screen)
        calls = len(chart_calls(feed))
        await pilot.press("m")
        await settle(pilot)
        inputs = chart.shown  # read anew: mypy would keep the narrowing from before "m"
        assert inputs is not None
        assert [s.id for s in inputs.series] == ["errors", "invocations"]
        assert inputs.thresholds == () and inputs.breaching is None
        assert [marker for _, marker in chart.legend] == ["hd", "braille"]
        assert "inputs errors, invocations" in str(chart.border_title)
        assert "m Expression" in key_bar(screen)
        assert len(chart_calls(feed)) == calls  # redrawn, not fetched again
        await pilot.press("m")
        await settle(pilot)
        assert [s.id for s in chart.shown.series] == ["pct"]
        assert "m Inputs" in key_bar(screen)


async def test_a_single_metric_alarm_has_no_inputs_key() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        await idle(pilot, screen)
        assert "Inputs" not in key_bar(screen)
        assert "l Logs" in key_bar(screen)


async def test_no_datapoints_says_so() -> None:
    feed = detail_feed()
    del feed.series["m1"]
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "No datapoints in this window" in screen.query_one(MetricChart).message


async def test_region_error_is_shown_in_the_chart_pane() -> None:
    feed = detail_feed()
    feed.metric_fail["ap-northeast-1"] = region_error("cannot reach monitoring")
    app = make_app(feed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "cannot reach monitoring" in screen.query_one(MetricChart).message
        assert app.is_running
        assert "Condition" in text_of(screen, "#condition")


async def test_composite_tree_blames_the_child_and_drills_into_it() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-down")
        tree = screen.query_one(CompositeTree)
        leaves = [str(n.label) for n in tree.root.children[0].children]
        assert any("contact-form-error-rate" in t and "blamed" in t for t in leaves)
        assert any("contact-form-api-5xx" in t and "blamed" not in t for t in leaves)
        await pilot.press("tab")  # the page has the keys first (it scrolls); tab: the tree
        assert app.focused is tree
        await pilot.press("down")  # the first child under OR
        await pilot.press("enter")
        await settle(pilot)
        child = app.screen
        assert isinstance(child, AlarmDetailScreen)
        assert child.alarm.name == "contact-form-error-rate"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_escape_back_keeps_the_board_cursor_and_filter() -> None:
    app = make_app(detail_feed())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"contact", "enter")
        await settle(pilot)
        await pilot.press("down")
        board = app.screen
        assert isinstance(board, BoardScreen)
        chosen = board.query_one(AlarmTable).selected()
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, AlarmDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert board.filter_text == "contact"
        assert board.query_one(AlarmTable).selected() == chosen
        assert app.screen is board  # last: mypy narrows `board` to the type of `app.screen`


def test_condition_in_words_for_missing_data() -> None:
    alarm = replace(make_alarm("x"), treat_missing_data="notBreaching")
    assert condition_in_words(alarm) == (
        "Sum of Errors > 10 in 3 of the last 5 one-minute periods; missing data: not breaching"
    )


async def test_brackets_pick_the_episode_that_l_drills_into() -> None:
    from montui.model.drilldown import DrilldownPlan
    from montui.model.metrics import TimeWindow
    from montui.ui.screens.workbench import QueryWorkbench

    feed = detail_feed()
    name = "contact-form-error-rate"
    feed.plans[name] = DrilldownPlan(
        ("/aws/lambda/contact-form",), TimeWindow(NOW - timedelta(hours=1), NOW), "x", "lambda"
    )
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        alarm = next(a for a in feed.data["ap-northeast-1"] if a.name == name)
        detail = AlarmDetailScreen(
            alarm, metrics=feed.metrics, history=feed.history, insights=feed.insights,
            clock=frozen_clock, lookup=lambda r, n: None,
        )  # fmt: skip
        await app.push_screen(detail)
        await idle(pilot, detail)
        line = detail.query_one("#episode")
        assert "current state's window" in str(line.render())
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert "episode 1 of 2" in str(line.render())  # the one three days ago
        await pilot.press("right_square_bracket")
        assert "episode 2 of 2" in str(line.render())
        await pilot.press("left_square_bracket", "l")
        for _ in range(50):
            await pilot.pause(0.02)
            if isinstance(app.screen, QueryWorkbench):
                break
        bench = app.screen
        assert isinstance(bench, QueryWorkbench)
        assert bench.request.episode is not None
        assert bench.request.episode.start == NOW - timedelta(days=3)
        assert bench.request.episode.end == NOW - timedelta(days=3) + timedelta(minutes=30)


async def test_one_episode_is_singular_and_the_description_gives_the_runbook() -> None:
    alarm = replace(
        make_alarm("contact-form-error-rate", AlarmState.ALARM, minutes_ago=12),
        description="Errors. Act now. Runbook: https://wiki.example.com/rb/contact-form",
    )
    feed = FakeFeed({"ap-northeast-1": [alarm]})
    feed.history_items["contact-form-error-rate"] = [
        state_change("contact-form-error-rate", 12, AlarmState.OK, AlarmState.ALARM)
    ]
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_alarm(pilot, app, "contact-form-error-rate")
        assert "1 ALARM episode " in text_of(screen, "#noise") + " "
        assert "1 ALARM episodes" not in text_of(screen, "#noise")
        config = " ".join(text_of(screen, "#config").split())
        assert (
            "Runbook https://wiki.example.com/rb/contact-form (from the alarm's description)"
            in config
        )
