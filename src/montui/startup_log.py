"""Start-up milestones for profiling (`benchmarks/startup.py`): with MONTUI_STARTUP_LOG set to a
file, `mark("label")` appends `<wall-clock seconds> <pid> <label>`; without it, nothing happens.
The prefetch child writes to the same file, so one log shows both processes' timelines."""

from __future__ import annotations

import os
import time

ENV = "MONTUI_STARTUP_LOG"


def mark(label: str) -> None:
    """Append one milestone (never raises: profiling must not break montui)."""
    path = os.environ.get(ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.6f} {os.getpid()} {label}\n")
    except OSError:
        return
