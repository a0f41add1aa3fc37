"""Scalar functions (`strlen`, `concat`, `floor`, ...) and time periods (`bin(5m)`).

Names are case-insensitive (`isPresent` and `ispresent` are one function). A missing
argument generally gives a missing result, except where a function is about presence
(`ispresent`, `isempty`, `isblank`, `coalesce`) or AWS documents a number (`strcontains`
returns 1 or 0). `concat` treats a missing argument as empty text. `substr` counts from 0
(`substr("xyZfooxyZ", 3, 3)` is `"foo"`, as AWS documents). `round(x)` rounds half away
from zero; `round(x, n)` keeps `n` decimals.

Periods: `ms`, `s`, `m`, `h`, `d` and `w` are fixed lengths, and `bin`/`datefloor` align
to multiples of them since the epoch (so weeks start on Thursdays, 1970-01-01 having been
one); `mo`, `q` and `y` are calendar months, quarters and years in UTC. AWS caps some
amounts (`bin(300s)` is refused in favour of `bin(5m)`, reportedly); no cap is applied here.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Callable

from montui_world.insights.values import Timestamp, Value, compare, to_number, to_text, truthy

__all__ = [
    "PERIOD_FUNCTIONS",
    "SCALARS",
    "SCALAR_ARITY",
    "ceil_time",
    "fixed_period_ms",
    "floor_time",
]

ScalarFunction = Callable[..., Value]

_FIXED_MS = {
    "ms": 1,
    "s": 1000,
    "m": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 7 * 86_400_000,
}
_MONTHS = {"mo": 1, "q": 3, "y": 12}

PERIOD_FUNCTIONS = {"bin": 1, "datefloor": 2, "dateceil": 2}
"""Functions taking a period literal, with the position (from 1) of that period."""


def _month_index(millis: int) -> int:
    moment = time.gmtime(millis // 1000)
    return (moment.tm_year - 1970) * 12 + moment.tm_mon - 1


def _month_start(index: int) -> int:
    year, month = divmod(index, 12)
    return calendar.timegm((1970 + year, month + 1, 1, 0, 0, 0)) * 1000


def fixed_period_ms(amount: int, unit: str) -> int | None:
    """The length of a fixed period in milliseconds, or None for months, quarters, years."""
    return max(1, amount * _FIXED_MS[unit]) if unit in _FIXED_MS else None


def floor_time(millis: int, amount: int, unit: str) -> int:
    """`millis` truncated to a multiple of the period `amount``unit`."""
    if unit in _FIXED_MS:
        size = max(1, amount * _FIXED_MS[unit])
        return millis - millis % size
    months = max(1, amount * _MONTHS[unit])
    index = _month_index(millis)
    return _month_start(index - index % months)


def ceil_time(millis: int, amount: int, unit: str) -> int:
    """`millis` rounded up to the next multiple of the period (unchanged when aligned)."""
    floored = floor_time(millis, amount, unit)
    if floored == millis:
        return millis
    if unit in _FIXED_MS:
        return floored + max(1, amount * _FIXED_MS[unit])
    return _month_start(_month_index(floored) + max(1, amount * _MONTHS[unit]))


def _text_function(transform: Callable[[str], Value]) -> ScalarFunction:
    def apply(value: Value) -> Value:
        text = to_text(value)
        return None if text is None else transform(text)

    return apply


def _trim(which: str) -> ScalarFunction:
    def apply(value: Value, characters: Value = None) -> Value:
        text = to_text(value)
        if text is None:
            return None
        strip_set = None if characters is None else to_text(characters)
        if which == "l":
            return text.lstrip(strip_set)
        if which == "r":
            return text.rstrip(strip_set)
        return text.strip(strip_set)

    return apply


def _number_function(transform: Callable[[float], float | int]) -> ScalarFunction:
    def apply(value: Value) -> Value:
        number = to_number(value)
        if number is None:
            return None
        try:
            return transform(number)
        except (ValueError, OverflowError):
            return None

    return apply


def _substr(value: Value, start: Value, length: Value = None) -> Value:
    text, begin = to_text(value), to_number(start)
    if text is None or begin is None:
        return None
    first = max(0, int(begin))
    if length is None:
        return text[first:]
    count = to_number(length)
    return None if count is None else text[first : first + max(0, int(count))]


def _replace(value: Value, old: Value, new: Value) -> Value:
    text, old_text, new_text = to_text(value), to_text(old), to_text(new)
    if text is None or old_text is None or new_text is None or old_text == "":
        return text
    return text.replace(old_text, new_text)


def _strcontains(value: Value, part: Value) -> Value:
    text, part_text = to_text(value), to_text(part)
    return int(text is not None and part_text is not None and part_text in text)


def _round(value: Value, digits: Value = None) -> Value:
    number = to_number(value)
    if number is None:
        return None
    places = 0 if digits is None else int(to_number(digits) or 0)
    scale = 10.0**places
    magnitude = math.floor(abs(number) * scale + 0.5) / scale
    rounded = math.copysign(magnitude, number)
    return int(rounded) if places <= 0 else rounded


def _extreme(pick_greatest: bool) -> ScalarFunction:
    def apply(*values: Value) -> Value:
        best: Value = None
        for value in values:
            if value is None:
                continue
            if best is None or compare(">" if pick_greatest else "<", value, best):
                best = value
        return best

    return apply


def _coalesce(*values: Value) -> Value:
    return next((value for value in values if value is not None), None)


def _if(condition: Value, when_true: Value, when_false: Value = None) -> Value:
    return when_true if truthy(condition) else when_false


def _from_millis(value: Value) -> Value:
    number = to_number(value)
    return None if number is None else Timestamp(int(number))


def _to_millis(value: Value) -> Value:
    if isinstance(value, Timestamp):
        return int(value)
    number = to_number(value)
    return None if number is None else int(number)


def _log(number: float) -> float:
    return math.log(number)


_SCALAR_TABLE: dict[str, tuple[ScalarFunction, int, int | None]] = {
    "ispresent": (lambda value: value is not None, 1, 1),
    "isempty": (lambda value: value is None or to_text(value) == "", 1, 1),
    "isblank": (lambda value: value is None or (to_text(value) or "").strip() == "", 1, 1),
    "strlen": (_text_function(len), 1, 1),
    "tolower": (_text_function(str.lower), 1, 1),
    "toupper": (_text_function(str.upper), 1, 1),
    "trim": (_trim("both"), 1, 2),
    "ltrim": (_trim("l"), 1, 2),
    "rtrim": (_trim("r"), 1, 2),
    "concat": (lambda *values: "".join(to_text(value) or "" for value in values), 1, None),
    "substr": (_substr, 2, 3),
    "replace": (_replace, 3, 3),
    "strcontains": (_strcontains, 2, 2),
    "abs": (_number_function(abs), 1, 1),
    "floor": (_number_function(math.floor), 1, 1),
    "ceil": (_number_function(math.ceil), 1, 1),
    "round": (_round, 1, 2),
    "sqrt": (_number_function(math.sqrt), 1, 1),
    "log": (_number_function(_log), 1, 1),
    "tonumber": (_number_function(lambda number: number), 1, 1),
    "greatest": (_extreme(True), 1, None),
    "least": (_extreme(False), 1, None),
    "coalesce": (_coalesce, 1, None),
    "if": (_if, 2, 3),
    "frommillis": (_from_millis, 1, 1),
    "tomillis": (_to_millis, 1, 1),
}
"""Each scalar function with its (fewest, most) arguments; None means any number."""

SCALARS: dict[str, ScalarFunction] = {name: f for name, (f, _, _) in _SCALAR_TABLE.items()}

SCALAR_ARITY: dict[str, tuple[int, int | None]] = {
    **{name: (fewest, most) for name, (_, fewest, most) in _SCALAR_TABLE.items()},
    "bin": (1, 1),
    "datefloor": (2, 2),
    "dateceil": (2, 2),
}
"""(fewest, most) arguments of each scalar function; None means any number."""
