"""The triage screen (montui's home) driven by the pilot over fakes shaped like the demo."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from montui.model.alarm import AlarmState
from montui.sources.errors import AccessDenied
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.finding_detail import FindingDetailScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.screens.triage import TriageScreen
from montui.ui.widgets.alarm_table import AlarmTable
from tests.fakes import (
    FakeAlarms,
    FakeFindings,
    FakeReputation,
    HandClock,
    frozen_clock,
    make_alarm,
    make_finding,
)
from tests.fakes.dbload import PILEUP_SESSIONS, shop_dbload
from tests.triage_data import TOKYO, demo_alarms, demo_app, demo_feeds, demo_findings


async def until(pilot: Pilot[None], done: Callable[[], bool], rounds: int = 200) -> None:
    """Let the app run until `done` (bounded: no sleeping, no guessing)."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause()
    raise AssertionError("condition not reached")


def triage(app: MontuiApp) -> TriageScreen:
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    return screen


def complete(app: MontuiApp) -> bool:
    screen = app.screen
    return isinstance(screen, TriageScreen) and len(screen.answered()) == 4


def rows(app: MontuiApp, list_id: str) -> list[str]:
    options = app.screen.query_one(list_id, OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def fresh_line(app: MontuiApp) -> str:
    return str(app.screen.query_one("#triage-fresh", Static).render())


async def test_triage_is_home_and_groups_every_source_by_pattern() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: complete(app))
        await pilot.pause()
        act = rows(app, "#act-now")
        assert len(act) == 3
        assert any(r.startswith("‼ alarm") and "hitori-contact-form-down" in r for r in act)
        assert any(r.startswith("‼ finding") and "SSHBruteForce" in r for r in act)
        assert any(r.startswith("‼ DB load") and "shop-aurora-writer" in r for r in act)
        others = rows(app, "#others")
        titles = [r for r in others if r.isupper() or ("(" in r and r.split(" (")[0].isupper())]
        assert [t.split(" (")[0] for t in titles] == [
            "NEXT BUSINESS DAY", "KNOW ONLY", "UNCLASSIFIED",
        ]  # fmt: skip
        nbd = others[1 : others.index(titles[1])]
        assert {r.split()[1] for r in nbd} == {"alarm", "finding", "SES"}
        assert any("shop-db-cpu" in r for r in nbd)
        assert any("bounce 3.2 %" in r for r in nbd)
        assert others[-1].startswith("? alarm") and "legacy-batch-errors" in others[-1]
        assert "UNCLASSIFIED (1)" in others
        line = fresh_line(app)
        for source in ("alarms <1m", "findings <1m", "SES <1m", "PI <1m"):
            assert source in line


@pytest.mark.parametrize("source", ["alarms", "findings", "SES", "PI"])
async def test_one_source_failing_says_so_in_place_and_the_rest_is_shown(source: str) -> None:
    denied = AccessDenied("AccessDeniedException: not authorized")
    alarms, findings = demo_alarms(), demo_findings()
    reputation, dbload = FakeReputation(), shop_dbload(PILEUP_SESSIONS)
    if source == "alarms":
        alarms.fail[TOKYO] = denied
    elif source == "findings":
        findings.fail[TOKYO] = denied
    elif source == "SES":
        reputation.fail[TOKYO] = denied
    else:
        dbload.fail[TOKYO] = denied
    app = demo_app(demo_feeds(alarms, findings, reputation, dbload), clock=frozen_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: complete(app))
        await pilot.pause()
        line = fresh_line(app)
        assert f"{source} ⚠ {TOKYO}: " in line
        for other in {"alarms", "findings", "PI"} - {source}:
            assert f"{other} <1m" in line
        act = " ".join(rows(app, "#act-now"))
        assert ("hitori-contact-form-down" in act) == (source != "alarms")
        assert ("SSHBruteForce" in act) == (source != "findings")
        assert ("shop-aurora-writer" in act) == (source != "PI")


async def test_80x24_keeps_act_now_and_folds_the_rest_to_counts() -> None:
    many = demo_alarms()
    many.data[TOKYO] += [make_alarm(f"batch-{i:02d}-errors", AlarmState.ALARM) for i in range(30)]
    app = demo_app(demo_feeds(alarms=many), clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: complete(app))
        await pilot.pause()
        screen = triage(app)
        act = screen.query_one("#act-now", OptionList)
        assert act.option_count == 3 and act.region.height == 3 and act.region.y < 24
        folded = screen.query_one("#folded", Static)
        assert folded.display and not screen.query_one("#others", OptionList).display
        text = str(folded.render())
        assert "UNCLASSIFIED 31" in text and "NEXT BUSINESS DAY 3" in text
        await pilot.press("space")
        await pilot.pause()
        assert screen.query_one("#others", OptionList).display


@pytest.mark.parametrize(
    ("needle", "pane", "list_id"),
    [
        ("hitori-contact-form-down", AlarmDetailScreen, "#act-now"),
        ("SSHBruteForce", FindingDetailScreen, "#act-now"),
        ("shop-aurora-writer", DbLoadScreen, "#act-now"),
        ("SES sending reputation", ReputationScreen, "#others"),
    ],
)
async def test_enter_opens_the_signal_in_its_pane(needle: str, pane: type, list_id: str) -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: complete(app))
        await pilot.pause()
        texts = rows(app, list_id)
        index = next(i for i, r in enumerate(texts) if needle in r)
        options = app.screen.query_one(list_id, OptionList)
        options.focus()
        options.highlighted = index
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, pane))
        if pane is DbLoadScreen:
            screen = app.screen
            assert isinstance(screen, DbLoadScreen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))


async def test_b_opens_the_board_on_the_same_poll_and_esc_comes_back() -> None:
    feeds = demo_feeds()
    app = demo_app(feeds, clock=frozen_clock)
    alarms = feeds.alarms
    assert isinstance(alarms, FakeAlarms)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: complete(app))
        polls = alarms.polls
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.pause()
        assert alarms.polls == polls and alarms.max_in_flight == 1  # one poll, not two
        table = app.screen.query_one(AlarmTable)
        assert "hitori-contact-form-down" in {a.name for a in table.alarms_by_key.values()}
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        assert alarms.polls == polls


async def test_notice_once_per_act_now_signal_and_again_after_it_cleared() -> None:
    clock = HandClock()
    alarms = demo_alarms()
    findings = FakeFindings({TOKYO: []})
    app = demo_app(demo_feeds(alarms, findings), clock=clock, pause=clock.pause)
    told: list[str] = []
    bells: list[int] = []
    async with app.run_test(size=(160, 50)) as pilot:
        app.notify = lambda message, **kw: told.append(f"{kw.get('title')}|{message}")  # type: ignore[method-assign]
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await until(pilot, lambda: complete(app) and clock.sleeping == 4)
        assert told == [] and bells == []  # what is there at start is on screen, not news

        async def poll_once() -> None:
            """One more poll of every source (the clock moved past the slow cadence)."""
            before = alarms.polls[TOKYO]
            clock.advance(120)
            await until(pilot, lambda: alarms.polls[TOKYO] > before and clock.sleeping == 4)
            await pilot.pause()

        new = make_alarm("hitori-form-5xx", AlarmState.ALARM, minutes_ago=1)
        alarms.data[TOKYO].append(new)
        medium = make_finding("f-med", 5.0, "Recon:EC2/PortProbeUnprotectedPort")
        findings.data[TOKYO] = [medium]  # Medium: a new finding, but not act now
        await poll_once()
        assert len(told) == 1 and "hitori-form-5xx" in told[0] and told[0].startswith("Act now|")
        assert bells == [1]
        for _ in range(2):  # still there: nothing repeated
            await poll_once()
        assert len(told) == 1
        alarms.data[TOKYO].remove(new)  # cleared …
        await poll_once()
        assert len(told) == 1
        alarms.data[TOKYO].append(new)  # … and back: told again
        await poll_once()
        assert len(told) == 2 and "hitori-form-5xx" in told[1]
        assert bells == [1, 1]


async def test_b_before_the_connection_still_polls_once() -> None:
    feeds = demo_feeds()
    alarms = feeds.alarms
    assert isinstance(alarms, FakeAlarms)
    app = demo_app(feeds, clock=frozen_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")  # before the first frame's connect has run
        await until(pilot, lambda: bool(alarms.polls[TOKYO]))
        board = app.screen
        assert isinstance(board, BoardScreen)
        await until(pilot, lambda: board.poll.connection is not None and bool(board.statuses))
        for _ in range(20):
            await pilot.pause()
        assert alarms.polls[TOKYO] == 1  # one loop (its next poll is a refresh away)


async def test_help_on_triage_lists_its_keys() -> None:
    from montui.ui.screens.help import HelpScreen

    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: complete(app))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "board" in text and "open_signal" in text and "unfold" in text


async def test_findings_told_once_new_or_grown_through_the_one_notice() -> None:
    clock = HandClock()
    findings = FakeFindings({TOKYO: [make_finding("f-high", 8.0, count=3)]})
    app = demo_app(demo_feeds(findings=findings), clock=clock, pause=clock.pause)
    told: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        app.notify = lambda message, **kw: told.append(f"{kw.get('title')}|{message}")  # type: ignore[method-assign]
        app.bell = lambda: None  # type: ignore[method-assign]
        await until(pilot, lambda: complete(app) and clock.sleeping == 4)

        async def poll_once() -> None:
            before = findings.polls
            clock.advance(120)
            await until(pilot, lambda: findings.polls > before and clock.sleeping == 4)
            await pilot.pause()

        findings.data[TOKYO] = [make_finding("f-high", 8.0, count=3), make_finding("f-new", 7.0)]
        await poll_once()
        assert len(told) == 1 and told[0].startswith("Act now|") and "SSHBruteForce" in told[0]
        findings.data[TOKYO] = [make_finding("f-high", 8.0, count=9), make_finding("f-new", 7.0)]
        await poll_once()
        assert len(told) == 2 and told[1].startswith("Act now|")  # the count grew: told once
        await poll_once()
        assert len(told) == 2
        assert not any(t.startswith("GuardDuty") for t in told)  # the watch's own notice is off


async def test_act_now_says_what_it_still_waits_for_before_saying_nothing() -> None:
    clock = HandClock()
    quiet = FakeAlarms({TOKYO: [make_alarm("fine")]})
    reputation = FakeReputation()
    reputation.fail[TOKYO] = AccessDenied("AccessDeniedException: ses:GetAccount")
    findings = FakeFindings({TOKYO: []})
    findings.gate = asyncio.Event()  # GuardDuty has not answered yet
    feeds = demo_feeds(quiet, findings, reputation, shop_dbload(()))
    app = demo_app(feeds, clock=clock, pause=clock.pause)
    async with app.run_test(size=(120, 30)) as pilot:
        act = app.screen.query_one("#act-now", OptionList)
        await until(pilot, lambda: len(triage(app).answered()) == 3)
        await pilot.pause()
        assert "(waiting for findings)" in str(act.get_option_at_index(0).prompt)
        findings.gate.set()
        await until(pilot, lambda: complete(app))
        await pilot.pause()
        assert str(act.get_option_at_index(0).prompt).strip() == "Nothing needs action now."
        assert "SES ⚠" in fresh_line(app)
