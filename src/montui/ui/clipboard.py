"""Copy to the clipboard of the engineer's own machine, across SSH, tmux and screen.

OSC 52 asks the terminal to set its clipboard: it travels with the output, so it works over
SSH. Textual's `App.copy_to_clipboard` writes it bare, which tmux and GNU screen swallow; here
it is wrapped in their passthrough envelopes (tmux: DCS `tmux;` with every ESC doubled, which
tmux 3.3+ forwards when `allow-passthrough` is on; with `set-clipboard on`, tmux also takes a
bare OSC 52 itself. screen: DCS chunks under its 768-byte limit).

Inside tmux the copy may stop at tmux (tmux 3.3+ drops passthrough unless `allow-passthrough`
is on). `Clipboard` asks tmux once, on the first copy and in a thread (`tmux_options`), and
then writes what tmux lets through: the passthrough when allowed, else a bare OSC 52 when
`set-clipboard` is on; when neither is, the notice says the copy did not reach the terminal
and how to turn either on.

Hyperlinks (OSC 8) are not written raw in the middle of a Textual frame: a `link` style makes
Textual emit the same OSC 8 around the text (textual/strip.py); `osc8` is the sequence for
writers outside Textual and for tests.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Mapping
from typing import Any

from msgspec import Struct
from textual.app import App
from textual.markup import escape
from textual.screen import Screen

from montui.ui.tmux_options import CommandRunner, TmuxClipboard, ask_tmux, run_command

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


def for_terminal(
    sequence: str, env: Mapping[str, str] | None = None, tmux: TmuxClipboard | None = None
) -> str:
    """`sequence` wrapped for the multiplexer montui runs in: tmux when $TMUX is set, GNU
    screen when $TERM starts with `screen` outside tmux (tmux also sets TERM=screen*).
    In tmux, bare when tmux's options (`tmux`, when known) drop the passthrough but take a
    bare OSC 52 themselves."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        if tmux is not None and not tmux.passthrough and tmux.takes_bare:
            return sequence
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


def copy_to_clipboard(
    app: App[object],
    text: str,
    env: Mapping[str, str] | None = None,
    tmux: TmuxClipboard | None = None,
) -> bool:
    """Set the clipboard to `text` with OSC 52, wrapped for tmux (as its options allow) or
    screen."""
    return write_to_terminal(app, for_terminal(osc52(text), env, tmux))


class Copied(Struct, frozen=True):
    """What became of a copy: `stopped` says why it did not reach the terminal ('' if it did,
    or as far as montui can tell)."""

    stopped: str = ""


class Clipboard:
    """The app's way to the engineer's clipboard. `env` (default: the process's) says which
    multiplexer montui runs in; inside tmux, `run` asks tmux its options once."""

    def __init__(
        self, env: Mapping[str, str] | None = None, run: CommandRunner = run_command
    ) -> None:
        self._env = env
        self._run = run
        self._asked = False
        self._tmux: TmuxClipboard | None = None
        self._asking: asyncio.Task[TmuxClipboard | None] | None = None

    @property
    def env(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

    @property
    def ready(self) -> bool:
        """Whether a copy can be written now: outside tmux, or tmux was asked already."""
        return self._asked or not self.env.get("TMUX")

    async def ask(self) -> None:
        """Ask tmux its options, once, in a thread (concurrent callers share the answer)."""
        if self.ready:
            return
        if self._asking is None:
            self._asking = asyncio.ensure_future(asyncio.to_thread(ask_tmux, self._run))
        try:
            self._tmux = await asyncio.shield(self._asking)
        except Exception:  # never let a copy crash on tmux's account
            self._tmux = None
        self._asked = True

    def copy(self, app: App[object], text: str) -> Copied:
        """Write the copy as far as tmux lets it go; say when it stops at tmux."""
        copy_to_clipboard(app, text, self.env, self._tmux)
        if self.env.get("TMUX") and self._tmux is not None and not self._tmux.reaches_terminal:
            return Copied(self._tmux.advice())
        return Copied()


def clipboard_of(app: App[object]) -> Clipboard:
    """The app's clipboard (`MontuiApp.terminal_clipboard`; not Textual's `App.clipboard`, the
    text it copied last); a fresh one for another app."""
    found = getattr(app, "terminal_clipboard", None)
    return found if isinstance(found, Clipboard) else Clipboard()


def copy_and_tell(screen: Screen[Any], text: str, what: str, shown: str | None = None) -> None:
    """Copy `text` and say so in a notification that shows it (a link, for a URL on a
    terminal that shows links), or `shown` instead; inside tmux, the first copy waits for
    tmux's answer in a worker, and a copy tmux drops says so and how to let it through."""
    clipboard = clipboard_of(screen.app)
    if clipboard.ready:
        _tell(screen, clipboard.copy(screen.app, text), text, what, shown)
        return

    async def ask_then_copy() -> None:
        await clipboard.ask()
        _tell(screen, clipboard.copy(screen.app, text), text, what, shown)

    screen.run_worker(ask_then_copy(), group="clipboard", exit_on_error=False)


def _tell(screen: Screen[Any], copied: Copied, text: str, what: str, shown: str | None) -> None:
    if shown is None:
        shown = escape(text)
        if text.startswith("https://") and '"' not in text and supports_hyperlinks():
            shown = f'[link="{text}"]{shown}[/link]'
    if copied.stopped:
        message = f"{shown}\n\n{escape(copied.stopped)}"
        screen.notify(message, title=f"Not copied: the {what}", severity="warning", timeout=20)
        return
    screen.notify(shown, title=f"Copied the {what}", timeout=8)
