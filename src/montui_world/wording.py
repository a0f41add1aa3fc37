"""How CloudWatch writes times and numbers into alarm state reasons.

Shared by the CloudWatch extension (composite alarm reasons) and the scenario seed (metric
alarm reasons), so both read like the text AWS puts in `StateReason` / `StateReasonData`:

- `Sunday 30 October, 2022 20:47:35 UTC` in composite reasons (`long_time`);
- `30/10/22 20:47:00` next to each datapoint in "Threshold Crossed" reasons (`short_time`);
- `2022-10-30T20:47:35.671+0000` inside the reason data JSON (`json_time`);
- thresholds and values as Java prints a double: `10.0`, `0.05`, `5.36870912E8` (`java_double`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (moto keeps naive datetimes that mean UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def moto_time(moment: datetime) -> datetime:
    """A naive datetime meaning UTC, as moto keeps its timestamps (aware or naive-UTC input)."""
    return as_utc(moment).replace(tzinfo=None)


def long_time(moment: datetime) -> str:
    """`Sunday 30 October, 2022 20:47:35 UTC`."""
    return as_utc(moment).strftime("%A %d %B, %Y %H:%M:%S UTC")


def short_time(moment: datetime) -> str:
    """`30/10/22 20:47:00` (day/month/year, as in "Threshold Crossed" reasons)."""
    return as_utc(moment).strftime("%d/%m/%y %H:%M:%S")


def json_time(moment: datetime) -> str:
    """`2022-10-30T20:47:35.671+0000`."""
    utc = as_utc(moment)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def java_double(value: float) -> str:
    """A float as Java's `Double.toString` writes it: `10.0`, `0.05`, `5.36870912E8`."""
    if value == 0:
        return "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(float(value))
        return text if ("." in text or "e" in text) else f"{text}.0"
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    assert isinstance(exponent, int)
    head, tail = str(digits[0]), "".join(str(d) for d in digits[1:]) or "0"
    power = exponent + len(digits) - 1
    return f"{'-' if sign else ''}{head}.{tail}E{power}"
