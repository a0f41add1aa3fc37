"""What tmux does with a copy (OSC 52) that montui writes inside it.

Two tmux options decide it (tmux(1)): `allow-passthrough` (3.3+, default off) lets a
program's DCS passthrough (`ESC P tmux; … ESC \\`) reach the outer terminal, and
`set-clipboard` (default `external`) decides whether tmux takes a bare OSC 52 from a program:
only `on` does (it then sets a tmux buffer and the outer terminal's clipboard itself);
`external` and `off` drop it. Before tmux 3.3 there is no `allow-passthrough` option and the
passthrough is always forwarded.

`ask_tmux` reads both options once with `tmux show -gv` (the tmux of `$TMUX`), each command
bounded by a timeout; the runner is injected so tests never start a tmux.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence

from msgspec import Struct

CommandRunner = Callable[[Sequence[str], float], str | None]
"""Runs a command with a timeout in seconds: its standard output, or None when it could not
run, failed or timed out."""

TMUX_TIMEOUT = 1.0


def run_command(argv: Sequence[str], timeout: float) -> str | None:
    """`argv` in a subprocess, never raising: None when absent, failing or too slow."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


class TmuxClipboard(Struct, frozen=True):
    """The two tmux options as tmux answered; `allow_passthrough` None: tmux before 3.3,
    which has no such option and forwards every passthrough."""

    set_clipboard: str
    allow_passthrough: str | None

    @property
    def passthrough(self) -> bool:
        """A copy wrapped in tmux's passthrough reaches the outer terminal."""
        return self.allow_passthrough is None or self.allow_passthrough in ("on", "all")

    @property
    def takes_bare(self) -> bool:
        """tmux takes a bare OSC 52 itself and sets the outer terminal's clipboard."""
        return self.set_clipboard == "on"

    @property
    def reaches_terminal(self) -> bool:
        return self.passthrough or self.takes_bare

    def advice(self) -> str:
        """Why the copy stopped at tmux, and the two ways to let it through."""
        return (
            f"tmux dropped it: allow-passthrough is {self.allow_passthrough} and "
            f"set-clipboard is {self.set_clipboard}. Turn one on (and in ~/.tmux.conf): "
            "`tmux set -g allow-passthrough on` (montui's copy goes through tmux's "
            "passthrough) or `tmux set -g set-clipboard on` (tmux then copies it itself)."
        )


def ask_tmux(run: CommandRunner = run_command) -> TmuxClipboard | None:
    """The tmux options that decide a copy, or None when tmux does not answer."""
    clipboard = run(("tmux", "show", "-gv", "set-clipboard"), TMUX_TIMEOUT)
    if clipboard is None:
        return None
    # tmux answered the first question: a failure on the second is an unknown option (< 3.3).
    passthrough = run(("tmux", "show", "-gv", "allow-passthrough"), TMUX_TIMEOUT)
    return TmuxClipboard(
        clipboard.strip(), passthrough.strip() if passthrough is not None else None
    )
