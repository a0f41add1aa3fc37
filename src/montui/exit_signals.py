"""SIGTERM and SIGHUP (a closed terminal or SSH link) quit montui like `q` does.

`install` routes both signals, on the running event loop, to a callback that starts the
ordinary shutdown (the app's exit, `montui query`'s cancellation), so running Logs Insights
queries are stopped and the terminal is restored. `exit_anyway_after` is the bound: a daemon
timer that, if the process is still there `SHUTDOWN_SECONDS` later (a hung StopQuery, a
terminal that no longer takes writes), writes the terminal's reset sequences where it can and
exits with 128 + the signal's number.

Only the stdlib: no textual, no AWS libraries.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable

__all__ = ["EXIT_SIGNALS", "SHUTDOWN_SECONDS", "exit_anyway_after", "install", "signal_name"]

EXIT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
SHUTDOWN_SECONDS = 5.0
"""From the signal to the exit, at most (then montui exits anyway)."""

TERMINAL_RESET = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1049l\x1b[?25h"
)
"""Mouse tracking and bracketed paste off, the main screen back, the cursor shown."""


def signal_name(signum: int) -> str:
    """`SIGTERM` for 15."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def install(
    loop: asyncio.AbstractEventLoop, on_signal: Callable[[int], None]
) -> Callable[[], None]:
    """Call `on_signal(signum)` on `loop` for each of `EXIT_SIGNALS`; returns the undo.
    Where the loop cannot take signal handlers (not the main thread, Windows) it does nothing."""
    installed: list[int] = []
    for sig in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(sig, on_signal, int(sig))
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(sig)

    def remove() -> None:
        for sig in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)

    return remove


def exit_anyway_after(
    seconds: float, status: int, *, terminal_fd: int | None = None
) -> threading.Timer:
    """A started daemon timer: after `seconds`, reset the terminal on `terminal_fd` (if given
    and still writable) and `os._exit(status)`. Cancel it when the shutdown finished."""

    def give_up() -> None:
        if terminal_fd is not None:
            with contextlib.suppress(OSError):
                os.write(terminal_fd, TERMINAL_RESET.encode())
        os._exit(status)

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()
    return timer
