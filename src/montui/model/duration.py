"""Durations as engineers write and read them: `15m`, `2d`, `1h30m`; ages like `12m` or `3d`."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[smhdw]\s*)+$")


def parse_duration(text: str) -> int:
    """`15m` → 900, `1h30m` → 5400, `2d` → 172800, `90` → 90 (plain seconds).

    Raises ValueError with a message that shows what is accepted.
    """
    s = text.strip().lower()
    if s.isdigit():
        return int(s)
    if not s or not _WHOLE.match(s):
        raise ValueError(f"not a duration: {text!r} (use e.g. 90, 30s, 15m, 3h, 2d, 1w, 1h30m)")
    return sum(int(n) * _UNITS[u] for n, u in _PART.findall(s))


def format_period(seconds: int) -> str:
    """An alarm period: 60 → `1m`, 300 → `5m`, 3600 → `1h`, 10 → `10s`, 90 → `90s`."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def format_age(seconds: float) -> str:
    """How long ago, in at most two characters of precision: `45s`, `12m`, `5h`, `3d`, `9w`.

    Rounds down, so an alarm shown as `12m` has been in its state for at least 12 minutes.
    Negative ages (clock skew between the machine and AWS) show as `0s`.
    """
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    if s < 86400 * 14:
        return f"{s // 86400}d"
    return f"{s // 604800}w"


def data_age(seconds: float) -> str:
    """How old polled data is, as every pane says it: `just now`, `15s ago` (5-second steps
    in the first minute, so a ticking label repaints 12 times a minute, not 60), `2m ago`."""
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{int(seconds) // 5 * 5}s ago"
    return f"{format_age(seconds)} ago"
