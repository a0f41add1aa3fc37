"""Start-up without the cyclic garbage collector.

Importing montui and Textual and painting the first frame allocates hundreds of thousands of
long-lived objects (modules, classes, functions, styles) and almost no cyclic garbage, yet the
collector would walk them again and again while they are created. `pause()` (the console
script's first step, `montui.start`) turns it off; `resume()` (once the first frame is painted,
or before a command that does not run the app) moves everything that exists by then into the
permanent generation (`gc.freeze`), which later collections skip, and turns it back on.

The prefetch child forked at start-up inherits the pause and never resumes: it lives for a few
hundred milliseconds.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the cyclic collector off until `resume()` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up made and turn the collector back on (idempotent; nothing happens
    unless `pause()` turned it off)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
