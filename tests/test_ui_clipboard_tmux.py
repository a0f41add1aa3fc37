"""Copy inside tmux (issue 10 #20): montui asks tmux once whether its copy gets through, writes
what tmux lets through, and says so when nothing reaches the terminal. A fake command runner
stands in for tmux."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import pytest

from montui.config import Settings
from montui.model.links import alarm_arn
from montui.ui import clipboard
from montui.ui.app import MontuiApp
from montui.ui.clipboard import Clipboard, osc52, tmux_passthrough
from montui.ui.tmux_options import TmuxClipboard, ask_tmux, run_command
from tests.fakes import FakeFeed, frozen_clock, make_alarm

IN_TMUX = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen-256color"}


class FakeTmux:
    """Answers `tmux show -gv <option>` from `options` (a missing option fails, like tmux
    before 3.3 asked for allow-passthrough); `absent`: no tmux at all. Counts the calls."""

    def __init__(self, absent: bool = False, **options: str) -> None:
        self.options = {name.replace("_", "-"): value for name, value in options.items()}
        self.absent = absent
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, argv: Sequence[str], timeout: float) -> str | None:
        self.calls.append(tuple(argv))
        assert timeout <= 1.0
        if self.absent or tuple(argv[:3]) != ("tmux", "show", "-gv"):
            return None
        value = self.options.get(argv[3])
        return None if value is None else value + "\n"


def test_ask_tmux_reads_both_options() -> None:
    off = ask_tmux(FakeTmux(set_clipboard="external", allow_passthrough="off"))
    assert off == TmuxClipboard("external", "off")
    assert not off.reaches_terminal
    assert "tmux set -g allow-passthrough on" in off.advice()
    assert "tmux set -g set-clipboard on" in off.advice()
    on = ask_tmux(FakeTmux(set_clipboard="external", allow_passthrough="on"))
    assert on is not None and on.passthrough
    bare = ask_tmux(FakeTmux(set_clipboard="on", allow_passthrough="off"))
    assert bare is not None and bare.takes_bare and bare.reaches_terminal
    old = ask_tmux(FakeTmux(set_clipboard="external"))  # tmux < 3.3: no allow-passthrough
    assert old is not None and old.allow_passthrough is None and old.passthrough
    assert ask_tmux(FakeTmux(absent=True)) is None


def test_the_command_runner_never_raises() -> None:
    assert run_command(("/nonexistent/tmux", "show"), 1.0) is None
    slow = (sys.executable, "-c", "import time; time.sleep(30)")
    assert run_command(slow, 0.2) is None  # the timeout, not 30 s
    failing = (sys.executable, "-c", "import sys; sys.exit(1)")
    assert run_command(failing, 5.0) is None
    assert run_command((sys.executable, "-c", "print('on')"), 5.0) == "on\n"


def app_with(tmux: FakeTmux, monkeypatch: pytest.MonkeyPatch) -> tuple[MontuiApp, list[str]]:
    written: list[str] = []
    monkeypatch.setattr(clipboard, "write_to_terminal", lambda app, data: written.append(data))
    feed = FakeFeed({"ap-northeast-1": [make_alarm("contact-form-error-rate")]})
    app = MontuiApp(
        feed.feeds,
        Settings(),
        clock=frozen_clock,
        terminal_clipboard=Clipboard(IN_TMUX, run=tmux),
        home="board",
    )
    return app, written


async def copy_arn(pilot: Any, written: list[str], count: int) -> None:
    """Press y (copy the ARN) and wait until the copy was written (the first copy waits for
    tmux's answer in a worker)."""
    await pilot.press("y")
    for _ in range(100):
        if len(written) >= count:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    assert len(written) == count


def notices(app: MontuiApp) -> list[tuple[str, str, str]]:
    return [(n.title, str(n.message), n.severity) for n in app._notifications]


async def test_passthrough_off_says_the_copy_did_not_reach_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tmux = FakeTmux(set_clipboard="external", allow_passthrough="off")
    app, written = app_with(tmux, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await copy_arn(pilot, written, 1)
        arn = alarm_arn(make_alarm("contact-form-error-rate"))
        assert written == [tmux_passthrough(osc52(arn))]
        ((title, message, severity),) = notices(app)
        assert not title.startswith("Copied")
        assert title == "Not copied: the ARN" and severity == "warning"
        assert arn in message
        assert "allow-passthrough is off" in message
        assert "tmux set -g allow-passthrough on" in message
        assert "tmux set -g set-clipboard on" in message
        await copy_arn(pilot, written, 2)
        assert len(tmux.calls) == 2  # asked once: set-clipboard, allow-passthrough


async def test_set_clipboard_on_gets_a_bare_osc52_that_tmux_forwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, written = app_with(FakeTmux(set_clipboard="on", allow_passthrough="off"), monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await copy_arn(pilot, written, 1)
        arn = alarm_arn(make_alarm("contact-form-error-rate"))
        assert written == [osc52(arn)]
        assert [(t, s) for t, _, s in notices(app)] == [("Copied the ARN", "information")]


@pytest.mark.parametrize(
    "tmux",
    [
        FakeTmux(set_clipboard="external", allow_passthrough="on"),
        FakeTmux(set_clipboard="external"),  # tmux < 3.3 always passes through
        FakeTmux(absent=True),  # tmux does not answer: montui cannot tell, copies as before
    ],
)
async def test_passthrough_allowed_or_unknown_copies_through_it(
    tmux: FakeTmux, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, written = app_with(tmux, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await copy_arn(pilot, written, 1)
        arn = alarm_arn(make_alarm("contact-form-error-rate"))
        assert written == [tmux_passthrough(osc52(arn))]
        assert [(t, s) for t, _, s in notices(app)] == [("Copied the ARN", "information")]
