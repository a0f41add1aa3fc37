"""Run a real command in a pseudo-terminal and read its screen (pexpect + pyte)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import cast

import pexpect
import pyte


class Terminal:
    """A pseudo-terminal of `columns` x `lines` running `argv`, with a pyte screen."""

    def __init__(
        self, argv: Sequence[str], *, columns: int = 80, lines: int = 24, env: dict[str, str]
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_read = 0
        self.child = pexpect.spawn(
            argv[0], list(argv[1:]), dimensions=(lines, columns), env=env, timeout=None
        )

    def pump(self, seconds: float = 0.1) -> None:
        """Read whatever the program wrote within `seconds` into the screen."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                data = self.child.read_nonblocking(65536, timeout=remaining)
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.bytes_read += len(data)
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.1)
            if predicate(self.text()):
                return True
        return False

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def close(self) -> int | None:
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        return cast("int | None", self.child.exitstatus)  # pexpect is untyped


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24", **extra)
    return env
