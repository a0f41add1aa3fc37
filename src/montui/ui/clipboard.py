"""Copy to the clipboard of the engineer's own machine, across SSH, tmux and screen.

OSC 52 asks the terminal to set its clipboard: it travels with the output, so it works over
SSH. Textual's `App.copy_to_clipboard` writes it bare, which tmux and GNU screen swallow; here
it is wrapped in their passthrough envelopes (tmux: DCS `tmux;` with every ESC doubled, which
tmux 3.3+ forwards when `allow-passthrough` is on; with `set-clipboard on`, tmux also takes a
bare OSC 52 itself. screen: DCS chunks under its 768-byte limit).

Hyperlinks (OSC 8) are not written raw in the middle of a Textual frame: a `link` style makes
Textual emit the same OSC 8 around the text (textual/strip.py); `osc8` is the sequence for
writers outside Textual and for tests.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.markup import escape
from textual.screen import Screen

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"
SCREEN_CHUNK = 76
"""Bytes of the sequence per screen DCS (its limit is 768; 76 is what hterm's osc52.sh uses)."""


def osc52(text: str) -> str:
    """`ESC ] 52 ; c ; <base64 of UTF-8> BEL`: set the clipboard to `text`."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"{ESC}]52;c;{encoded}{BEL}"


def osc8(url: str, label: str) -> str:
    """`label` as a terminal hyperlink to `url`."""
    return f"{ESC}]8;;{url}{ST}{label}{ESC}]8;;{ST}"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` in tmux's passthrough DCS, every ESC inside doubled."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"


def screen_passthrough(sequence: str) -> str:
    """`sequence` in GNU screen's passthrough: DCS chunks of `SCREEN_CHUNK` characters."""
    chunks = [sequence[i : i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK)]
    return "".join(f"{ESC}P{chunk}{ST}" for chunk in chunks)


def for_terminal(sequence: str, env: Mapping[str, str] | None = None) -> str:
    """`sequence` wrapped for the multiplexer montui runs in: tmux when $TMUX is set, GNU
    screen when $TERM starts with `screen` outside tmux (tmux also sets TERM=screen*)."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        return tmux_passthrough(sequence)
    if env.get("TERM", "").startswith("screen"):
        return screen_passthrough(sequence)
    return sequence


def supports_hyperlinks(env: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal is one known to show OSC 8 links (others print the URL as text
    anyway, so a wrong guess costs nothing but a plain URL)."""
    env = os.environ if env is None else env
    if env.get("TERM", "") in ("dumb", "linux"):
        return False
    program = env.get("TERM_PROGRAM", "")
    if program in ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "tmux"):
        return True
    if any(env.get(name) for name in ("KITTY_WINDOW_ID", "WT_SESSION", "KONSOLE_VERSION")):
        return True
    vte = env.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000


def write_to_terminal(app: App[object], data: str) -> bool:
    """Write raw bytes through Textual's driver (False when there is none: headless)."""
    driver = app._driver
    if driver is None:
        return False
    driver.write(data)
    return True


def copy_to_clipboard(app: App[object], text: str, env: Mapping[str, str] | None = None) -> bool:
    """Set the clipboard to `text` with OSC 52, wrapped for tmux or screen."""
    return write_to_terminal(app, for_terminal(osc52(text), env))


def copy_and_tell(screen: Screen[Any], text: str, what: str) -> None:
    """Copy `text` and say so in a notification that shows it (a link, for a URL on a
    terminal that shows links)."""
    copy_to_clipboard(screen.app, text)
    shown = escape(text)
    if text.startswith("https://") and '"' not in text and supports_hyperlinks():
        shown = f'[link="{text}"]{shown}[/link]'
    screen.notify(shown, title=f"Copied the {what}", timeout=8)
