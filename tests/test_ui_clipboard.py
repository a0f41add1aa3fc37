"""Copy and link: the exact escape sequences, and the board's o / y keys."""

from __future__ import annotations

import base64

import pytest

from montui.config import Settings
from montui.ui import clipboard
from montui.ui.app import MontuiApp
from montui.ui.clipboard import (
    Clipboard,
    for_terminal,
    osc8,
    osc52,
    screen_passthrough,
    tmux_passthrough,
)
from tests.fakes import FakeFeed, frozen_clock, make_alarm

ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"


def test_osc52_is_base64_of_utf8_ended_by_bel() -> None:
    assert osc52("hi") == f"{ESC}]52;c;aGk={BEL}"
    assert osc52("ü") == f"{ESC}]52;c;w7w={BEL}"


def test_osc8_hyperlink() -> None:
    assert osc8("https://x.test/a", "label") == (f"{ESC}]8;;https://x.test/a{ST}label{ESC}]8;;{ST}")


def test_tmux_wraps_in_dcs_with_doubled_escapes() -> None:
    assert tmux_passthrough(osc52("hi")) == f"{ESC}Ptmux;{ESC}{ESC}]52;c;aGk={BEL}{ST}"
    env = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen-256color"}
    assert for_terminal(osc52("hi"), env) == tmux_passthrough(osc52("hi"))


def test_screen_wraps_in_dcs_chunks() -> None:
    assert screen_passthrough(osc52("hi")) == f"{ESC}P{ESC}]52;c;aGk={BEL}{ST}"
    text = "x" * 300
    wrapped = for_terminal(osc52(text), {"TERM": "screen.xterm-256color"})
    chunks = wrapped.split(ST)[:-1]
    assert all(c.startswith(f"{ESC}P") and len(c) <= 2 + 76 for c in chunks)
    assert "".join(c[2:] for c in chunks) == osc52(text)
    encoded = osc52(text)[len(f"{ESC}]52;c;") : -1]
    assert base64.b64decode(encoded).decode() == text


def test_plain_terminal_is_not_wrapped() -> None:
    assert for_terminal(osc52("hi"), {"TERM": "xterm-256color"}) == osc52("hi")
    assert for_terminal(osc52("hi"), {}) == osc52("hi")


def test_hyperlink_support_guess() -> None:
    assert clipboard.supports_hyperlinks({"TERM_PROGRAM": "WezTerm"})
    assert clipboard.supports_hyperlinks({"VTE_VERSION": "7200"})
    assert not clipboard.supports_hyperlinks({"VTE_VERSION": "4000"})
    assert not clipboard.supports_hyperlinks({"TERM": "linux", "TERM_PROGRAM": "WezTerm"})


async def test_board_o_copies_console_url_and_y_the_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    from montui.model.links import alarm_arn, console_url

    written: list[str] = []
    monkeypatch.setattr(clipboard, "write_to_terminal", lambda app, data: written.append(data))
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    alarm = make_alarm("contact-form-error-rate")
    no_tmux = Clipboard(run=lambda argv, timeout: None)  # never the real tmux
    feeds = FakeFeed({"ap-northeast-1": [alarm]}).feeds
    app = MontuiApp(feeds, Settings(), clock=frozen_clock, terminal_clipboard=no_tmux, home="board")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await pilot.press("o")
        assert written == [osc52(console_url(alarm))]
        await pilot.press("y")
        assert written[1] == osc52(alarm_arn(alarm))
        monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
        await pilot.press("y")  # the first copy in tmux waits for tmux's answer (none here)
        for _ in range(100):
            if len(written) == 3:
                break
            await pilot.pause(0.02)
        assert written[2] == tmux_passthrough(osc52(alarm_arn(alarm)))
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert any(console_url(alarm) in m for m in shown)
        assert any(alarm_arn(alarm) in m for m in shown)


async def test_copy_url_notification_is_a_link_where_supported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from montui.model.links import console_url

    monkeypatch.setattr(clipboard, "write_to_terminal", lambda app, data: True)
    monkeypatch.setenv("TERM_PROGRAM", "WezTerm")
    alarm = make_alarm("contact-form-error-rate")
    app = MontuiApp(
        FakeFeed({"ap-northeast-1": [alarm]}).feeds, Settings(), clock=frozen_clock, home="board"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        (note,) = list(app._notifications)
        assert note.message.startswith(f'[link="{console_url(alarm)}"]')
