"""Keep the world silent: montui runs it under a TUI, where a log line is garbage on screen.

werkzeug logs every request (and every handler exception) to stderr; moto and flask log
through their own loggers. All three are raised to CRITICAL and cut off from the root logger.
"""

from __future__ import annotations

import logging

_NAMES = ("werkzeug", "moto", "flask")


def install() -> None:
    """Silence request logging; idempotent."""
    for name in _NAMES:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL)
        logger.propagate = False
