"""The loud notice of the triage screen: one notification, the bell, and optionally a desktop
notification through the terminal (OSC 9, or OSC 777 `notify`), wrapped for tmux and GNU
screen as the clipboard's OSC 52 is (`ui/clipboard.for_terminal`).

montui has one notice mechanism: with triage as home, new GuardDuty findings come here as
signals too (the findings watch's own notice is off), so nothing is told twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from montui.model.finding_notice import NoticeRule
from montui.model.signal_notice import notice_text, notice_title
from montui.model.signals import Signal
from montui.ui.clipboard import BEL, ESC, for_terminal

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _App(Protocol):
    def notify(self, message: str, *, title: str, severity: Any, timeout: float) -> None: ...
    def bell(self) -> None: ...


def _clean(text: str) -> str:
    """No control characters (an ESC or BEL would end the sequence early)."""
    return _CONTROL.sub(" ", text)


def osc9(body: str) -> str:
    """`ESC ] 9 ; body BEL`: iTerm2, WezTerm, kitty, Windows Terminal, ghostty."""
    return f"{ESC}]9;{_clean(body)}{BEL}"


def osc777(title: str, body: str) -> str:
    """`ESC ] 777 ; notify ; title ; body BEL`: VTE terminals, foot, urxvt, WezTerm.
    The title cannot hold `;` (it separates the fields)."""
    return f"{ESC}]777;notify;{_clean(title).replace(';', ',')};{_clean(body)}{BEL}"


def desktop_sequence(
    rule: NoticeRule, title: str, body: str, env: Mapping[str, str] | None = None
) -> str:
    """The desktop notification `rule.desktop` asks for, wrapped for the multiplexer ('' when
    off). Inside tmux it is always the passthrough (tmux does not forward OSC 9 itself)."""
    if rule.desktop == "osc9":
        sequence = osc9(f"{title}: {body}")
    elif rule.desktop == "osc777":
        sequence = osc777(title, body)
    else:
        return ""
    return for_terminal(sequence, env)


def raise_notice(
    app: _App,
    news: list[Signal],
    rule: NoticeRule,
    write: Any = None,
    env: Mapping[str, str] | None = None,
    alias_of: Callable[[Signal], str] | None = None,
) -> None:
    """One notification for `news` (act-now signals just come), the bell unless `bell =
    false`, and the desktop notification when configured (`write` puts raw text on the
    terminal: `ui/clipboard.write_to_terminal` bound to the app); `alias_of`: each signal's
    account alias (several accounts: named in the text)."""
    if not news:
        return
    title, body = notice_title(news), notice_text(news, alias_of)
    app.notify(body, title=title, severity="error", timeout=30)
    if rule.bell:
        app.bell()
    sequence = desktop_sequence(rule, title, body.splitlines()[0], env)
    if sequence and write is not None:
        write(sequence)
