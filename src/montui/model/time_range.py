"""The time range of a Logs Insights query as the engineer types it: `15m`, `3h`, `2d`, or
`2026-11-21T03:00/2026-11-21T04:30` — and back to text, for the range label and for prefilling
the input.

Relative ranges (`15m`) are resolved against "now" each time a query runs (`TimeRange.window`);
absolute ones are fixed instants. Naive datetimes in the input are read in the UI's time zone
(`tz`: local or UTC, per its toggle); `Z` or an explicit offset wins over it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from msgspec import Struct

from montui.model.duration import format_period, parse_duration
from montui.model.metrics import TimeWindow

__all__ = ["MAX_RANGE", "TimeRange", "format_time_range_input", "parse_time_range"]

MAX_RANGE = timedelta(days=366)
"""The longest range accepted: longer ones are almost always a typo (and an expensive query)."""

_RELATIVE_HINT = "e.g. 15m, 3h, 2d or 1w"
_DURATION = re.compile(r"^(?:\d+\s*[smhdw]\s*)+$")
_NUMBER_WORD = re.compile(r"^(\d+)\s*([a-z]*)$")
_SEPARATORS = re.compile(r"\s*(?:\.\.|/|\s+to\s+)\s*", re.IGNORECASE)


class TimeRange(Struct, frozen=True):
    """Either `relative` seconds back from now, or an absolute [`start`, `end`) in aware
    datetimes. Build absolute ones with `TimeRange.absolute` or `parse_time_range`."""

    relative: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.relative is not None:
            if self.relative <= 0 or self.start is not None or self.end is not None:
                raise ValueError("a relative time range needs a positive length and no start/end")
            return
        if self.start is None or self.end is None:
            raise ValueError("a time range needs `relative` seconds or both `start` and `end`")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("an absolute time range needs aware datetimes")

    @classmethod
    def absolute(cls, window: TimeWindow) -> TimeRange:
        """The fixed range covering `window`."""
        return cls(None, window.start, window.end)

    @property
    def is_relative(self) -> bool:
        return self.relative is not None

    def window(self, now: datetime) -> TimeWindow:
        """The window this range covers when a query runs at `now` (aware, in UTC)."""
        if self.relative is not None:
            end = now.astimezone(UTC)
            return TimeWindow(end - timedelta(seconds=self.relative), end)
        assert self.start is not None and self.end is not None  # __post_init__ checked
        return TimeWindow(self.start.astimezone(UTC), self.end.astimezone(UTC))

    def describe(self, tz: tzinfo) -> str:
        """`last 15m`, or `2026-11-21 03:00 → 04:30 UTC` with the times shown in `tz` (the end's
        date appears only when it differs from the start's)."""
        if self.relative is not None:
            return f"last {format_period(self.relative)}"
        assert self.start is not None and self.end is not None
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        clock = "%H:%M:%S" if start.second or end.second else "%H:%M"
        end_format = clock if start.date() == end.date() else f"%Y-%m-%d {clock}"
        return f"{start:%Y-%m-%d} {start.strftime(clock)} → {end.strftime(end_format)} {_zone(end)}"


def _zone(moment: datetime) -> str:
    """`UTC`, `JST`, or `+09:00` when the zone has no name of its own."""
    name = moment.tzname()
    if name and name != "UTC" and name.startswith("UTC"):
        return name[3:]  # datetime.timezone(offset) names itself `UTC+09:00`
    if name:
        return name
    offset = moment.utcoffset() or timedelta()
    return _offset_text(offset)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _example(now: datetime, tz: tzinfo) -> str:
    """An absolute range the user could type right now: the last hour, in `tz`."""
    end = now.astimezone(tz).replace(second=0, microsecond=0)
    start = end - timedelta(hours=1)
    return f"{start:%Y-%m-%dT%H:%M}/{end:%Y-%m-%dT%H:%M}"


def parse_time_range(text: str, *, now: datetime, tz: tzinfo) -> TimeRange:
    """Read what the user typed in the time-range input.

    Relative: `90s`, `15m`, `3h`, `2d`, `1w`, `1h30m` (a leading `last ` is allowed).
    Absolute: `START/END`, `START..END` or `START to END` with ISO-8601 datetimes
    (`2026-11-21T03:00`, `2026-11-21 03:00:00`, `…Z`, `…+09:00`); naive ones are in `tz`.
    END may be `now`; a single datetime means from then until now.

    Absolute ranges come back in UTC. Raises ValueError with a message saying what to type.
    """
    s = " ".join(text.split())
    if not s:
        raise ValueError(f"enter a time range: {_RELATIVE_HINT}, or {_example(now, tz)}")
    lowered = s.lower()
    if lowered.startswith("last "):
        lowered = lowered[5:]
    if lowered[0].isdigit() and not re.match(r"^\d{4}-", lowered):
        return TimeRange(relative=_relative_seconds(lowered, s))
    parts = _SEPARATORS.split(s)
    if len(parts) > 2 or not all(parts):
        raise ValueError(
            f"not a time range: {text.strip()!r} (use START/END, e.g. {_example(now, tz)})"
        )
    start = _moment(parts[0], tz, now)
    end = _moment(parts[1], tz, now) if len(parts) == 2 else now.astimezone(UTC)
    return _checked(start, end, now, tz)


def _relative_seconds(lowered: str, original: str) -> int:
    compact = lowered.replace(" ", "")
    if not _DURATION.match(lowered):
        word = _NUMBER_WORD.match(compact)
        if word and not word.group(2):
            raise ValueError(f"{original!r} needs a unit: {_RELATIVE_HINT}")
        if word:
            raise ValueError(
                f"unknown unit {word.group(2)!r} in {original!r}: use s, m, h, d or w "
                f"({_RELATIVE_HINT})"
            )
        raise ValueError(f"not a duration: {original!r} ({_RELATIVE_HINT}, or 1h30m)")
    seconds = parse_duration(compact)
    if seconds <= 0:
        raise ValueError(f"a time range must be longer than zero ({_RELATIVE_HINT})")
    if seconds > MAX_RANGE.total_seconds():
        raise ValueError(f"{original!r} is longer than {MAX_RANGE.days} days; try e.g. 30d")
    return seconds


def _moment(part: str, tz: tzinfo, now: datetime) -> datetime:
    if part.lower() == "now":
        return now.astimezone(UTC)
    iso = part[:-1] + "+00:00" if part[-1:] in ("Z", "z") else part
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(
            f"not a date and time: {part!r} (use e.g. 2026-11-21T03:00, "
            f"2026-11-21 03:00:00, 2026-11-21T03:00Z or 2026-11-21T03:00+09:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _checked(start: datetime, end: datetime, now: datetime, tz: tzinfo) -> TimeRange:
    def shown(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    if start > now:
        raise ValueError(
            f"the start ({shown(start)}) is in the future; e.g. {_example(now, tz)} or 1h"
        )
    if end <= start:
        raise ValueError(
            f"the end ({shown(end)}) is not after the start ({shown(start)}); "
            f"e.g. {_example(now, tz)}"
        )
    if end - start > MAX_RANGE:
        raise ValueError(
            f"the range is {(end - start).days} days long; at most {MAX_RANGE.days} days "
            f"(e.g. {_example(now, tz)})"
        )
    return TimeRange(None, start, end)


def format_time_range_input(r: TimeRange, tz: tzinfo) -> str:
    """Text that `parse_time_range(…, tz=tz)` reads back to the same range: `15m`, or
    `START/END` with naive datetimes in `tz` (an explicit offset where a naive time would be
    ambiguous in `tz`, as in the hour repeated when daylight saving ends)."""
    if r.relative is not None:
        return format_period(r.relative)
    assert r.start is not None and r.end is not None
    return f"{_input_moment(r.start, tz)}/{_input_moment(r.end, tz)}"


def _input_moment(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    if moment.microsecond:
        spec = "microseconds"
    elif moment.second:
        spec = "seconds"
    else:
        spec = "minutes"
    naive = local.replace(tzinfo=None, fold=0)  # as fromisoformat reads it back
    if naive.replace(tzinfo=tz).astimezone(UTC) == moment.astimezone(UTC):
        return naive.isoformat(timespec=spec)
    return local.isoformat(timespec=spec)
