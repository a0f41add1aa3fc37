"""A daemon thread that runs a loop until asked to stop: the world's ticker and evaluator."""

from __future__ import annotations

import threading
from typing import Self


class BackgroundLoop:
    """Subclasses implement `_run`, which must return soon after `self._stop` is set."""

    thread_name = "montui-loop"

    def __init__(self) -> None:
        self.last_error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)

    def start(self) -> Self:
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """True while the thread runs."""
        return self._thread.is_alive()

    def _run(self) -> None:
        raise NotImplementedError
