"""What a field value is, how values compare and sort, and how results print them.

Values are plain Python: `str`, `int`, `float`, `bool`, `None` for a missing field, and two
`int`/`float` subclasses that remember how AWS prints them:

- `Timestamp` (epoch milliseconds) prints as `2026-11-21 03:04:05.678`, UTC, the way
  GetQueryResults returns `@timestamp`, `bin(5m)`, `fromMillis(...)`.
- `ReportedNumber` is a number Logs Insights discovered in a Lambda platform line
  (`@duration`, `@memorySize`, ...). AWS stores those as doubles and prints them the way
  Java's `Double.toString` does: `1394.6`, `1395.0`, `1.28E8` (`@memorySize` for 128 MB).

Other computed numbers (sums, averages, arithmetic) print without a trailing `.0` when whole
and rounded to 4 decimal places otherwise, which is what the console shows for AWS's own
"overprovisioned memory" sample (`732.4219` for 768e6 / 1024 / 1024).

Comparison (`=`, `<`, ..., `in`): when both sides read as numbers (numbers, or strings such as
`"200"`), they compare as numbers; otherwise as text. A missing field makes every comparison
false, the negated ones (`!=`, `not like`, `not in`) included; `not (x = 1)` is true.

Sorting follows AWS's documented "natural" order: ascending puts every non-number before every
number; numbers compare by value; other text is split into runs of digits and non-digits,
runs of digits comparing by length and then value, everything else by Unicode code point.
"""

from __future__ import annotations

import math
import re
import time
from decimal import Decimal

__all__ = [
    "ReportedNumber",
    "SortKey",
    "Timestamp",
    "Value",
    "compare",
    "format_value",
    "java_double_text",
    "natural_key",
    "to_number",
    "to_text",
    "truthy",
]


class Timestamp(int):
    """Epoch milliseconds that print as an AWS result timestamp."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Timestamp({int(self)})"


class ReportedNumber(float):
    """A number from a Lambda platform line; prints like Java's `Double.toString`."""

    __slots__ = ()


Value = str | int | float | bool | None
SortKey = tuple[int, float] | tuple[int, list[tuple[int, int, int | str]]]

_NUMERIC = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")
_RUNS = re.compile(r"[0-9]+|[^0-9]+")
_NUMBER_CLASSES = frozenset({int, float, Timestamp, ReportedNumber})


def java_double_text(value: float) -> str:
    """`value` as Java's `Double.toString` prints it (`1395.0`, `1394.6`, `1.28E8`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(float(value))
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    assert isinstance(exponent, int)
    mantissa = "".join(map(str, digits))
    power = exponent + len(mantissa) - 1
    fraction = mantissa[1:] or "0"
    return f"{'-' if sign else ''}{mantissa[0]}.{fraction}E{power}"


def format_timestamp(millis: int) -> str:
    """Epoch milliseconds as `YYYY-MM-DD HH:MM:SS.mmm` in UTC."""
    seconds, millis_part = divmod(millis, 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + f".{millis_part:03d}"


def _format_float(value: float) -> str:
    if math.isnan(value) or math.isinf(value) or abs(value) >= 1e15:
        return java_double_text(value)  # past exact integers, as Java would print it
    if value.is_integer():
        return str(int(value))
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_value(value: Value) -> str:
    """A value as GetQueryResults returns it (a missing value is never formatted)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Timestamp):
        return format_timestamp(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, ReportedNumber):
        return java_double_text(value)
    if isinstance(value, float):
        return _format_float(value)
    return ""


def to_number(value: Value) -> int | float | None:
    """The value as a number, or None when it is missing or not numeric text."""
    if value.__class__ in _NUMBER_CLASSES:
        return value  # type: ignore[return-value]
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if _NUMERIC.fullmatch(value) is None:
        return None
    stripped = value.strip()
    if "." in stripped or "e" in stripped or "E" in stripped:
        return float(stripped)
    return int(stripped)


def to_text(value: Value) -> str | None:
    """The value as text (as a result would print it), or None when missing."""
    if value is None:
        return None
    return value if isinstance(value, str) else format_value(value)


def truthy(value: Value) -> bool:
    """Whether a value passes `filter`: present, and not false, zero or empty."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return value != "" and value.lower() != "false"


def _ordered(op: str, left: int | float | str, right: int | float | str) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def compare(op: str, left: Value, right: Value) -> bool:
    """`left <op> right` with Logs Insights' number-or-text rule; False when one is missing."""
    if left is None or right is None:
        return False
    left_number, right_number = to_number(left), to_number(right)
    if left_number is not None and right_number is not None:
        return _ordered(op, left_number, right_number)
    left_text, right_text = to_text(left), to_text(right)
    assert left_text is not None and right_text is not None
    return _ordered(op, left_text, right_text)


def natural_key(value: Value) -> SortKey:
    """The ascending sort key of a present value, per AWS's natural sort order."""
    if value.__class__ in _NUMBER_CLASSES:
        return (1, float(value))  # type: ignore[arg-type]
    number = to_number(value)
    if number is not None:
        return (1, float(number))
    text = to_text(value) or ""
    runs: list[tuple[int, int, int | str]] = []
    for run in _RUNS.findall(text):
        if run[0].isdigit() and run.isascii():
            # "0" (48) stands for every digit: no non-digit character falls inside '0'..'9'.
            runs.append((48, len(run), int(run)))
        else:
            runs.append((ord(run[0]), 1 << 30, run))
    return (0, runs)
