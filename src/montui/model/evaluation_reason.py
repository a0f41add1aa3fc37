"""The record of one alarm evaluation and its words: StateReason and StateReasonData as AWS
shapes them. (`evaluation` decides; this module records and explains.)

AWS's metric-alarm reasons look like

    Threshold Crossed: 3 out of the last 5 datapoints [12.0 (26/11/21 03:04:00), 11.0
    (26/11/21 03:03:00), 13.0 (26/11/21 03:01:00)] were greater than the threshold (10.0)
    (minimum 3 datapoints for OK -> ALARM transition).

with the crossing datapoints newest first, dates as dd/mm/yy UTC, numbers as Java prints a
double (`12.0`, `1.0E-4`), and for OK the non-breaching datapoints and the minimum that makes
an ALARM -> OK transition (N - M + 1). Other documented shapes: "Threshold Crossed: no
datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching]."
and "Insufficient Data: 3 datapoints were unknown.". montui's own wording covers the cases AWS
shows no example of: " and 2 missing datapoints were treated as [NonBreaching]" / " and 2
datapoints were missing" appended to a crossing, and "Unchanged: ..." for a state kept by
TreatMissingData=ignore. StateReasonData follows AWS's JSON (version 1.0, queryDate,
startDate, statistic, period, recentDatapoints, threshold, evaluatedDatapoints newest first);
montui has no sample counts, so `sampleCount` is left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from math import copysign, isinf, isnan
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from montui.model.alarm import AlarmState

if TYPE_CHECKING:
    from montui.model.evaluator import AlarmSettings

__all__ = [
    "Band",
    "EvaluatedDatapoint",
    "Evaluation",
    "java_double",
    "reason_data_date",
    "reason_date",
    "state_reason",
    "state_reason_data",
]

Band = tuple[float, float]
"""An anomaly band at one period: (lower, upper)."""


class EvaluatedDatapoint(Struct, frozen=True):
    """One of the N datapoints an evaluation used. `value` and `breaching` are None for a
    missing period that filled a gap (TreatMissingData says what it counted as)."""

    timestamp: datetime
    value: float | None
    breaching: bool | None
    band: Band | None = None


@dataclass(frozen=True)
class Evaluation:
    """One evaluation as CloudWatch would record it: the state, on what data, and why.

    `reason` (StateReason) and `reason_data` (StateReasonData) are worded on first use, so a
    replay with thousands of transitions pays for the words only of those someone reads.
    """

    state: AlarmState
    datapoints: tuple[EvaluatedDatapoint, ...]
    """The N datapoints evaluated, oldest first (see the module for which N)."""
    evaluated_at: datetime
    settings: AlarmSettings
    previous: AlarmState
    recent: tuple[float, ...]
    """Every real value in the evaluation range, oldest first (StateReasonData's)."""
    range_start: datetime

    @property
    def breaching(self) -> tuple[bool | None, ...]:
        """Per evaluated datapoint, oldest first: True/False, None where data was missing."""
        return tuple(p.breaching for p in self.datapoints)

    @cached_property
    def reason(self) -> str:
        """StateReason in AWS's words: `Threshold Crossed: 3 out of the last 5 datapoints ...`."""
        return state_reason(self)

    @cached_property
    def reason_data(self) -> dict[str, Any]:
        """StateReasonData as AWS shapes it (version 1.0, evaluatedDatapoints, ...)."""
        return state_reason_data(self)

    @property
    def reason_json(self) -> str:
        """`reason_data` as the compact JSON string the API carries."""
        return json.dumps(self.reason_data, separators=(",", ":"))


_STATIC_WORDS = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}
_FILL_WORDS = {"breaching": "Breaching", "notBreaching": "NonBreaching"}


def java_double(value: float) -> str:
    """A float as Java's Double.toString writes it (AWS's reasons do): 12.0, 0.5, 1.0E7."""
    if isnan(value):
        return "NaN"
    if isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    mantissa = f"{text[0]}.{text[1:] or '0'}"
    return f"{'-' if sign else ''}{mantissa}E{exponent + len(text) - 1}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment


def reason_date(moment: datetime) -> str:
    """`26/11/21 03:04:00`: day/month/year, UTC, as in AWS's StateReason."""
    return f"{_utc(moment):%d/%m/%y %H:%M:%S}"


def reason_data_date(moment: datetime) -> str:
    """`2021-11-26T03:04:00.000+0000`, as in AWS's StateReasonData."""
    utc = _utc(moment)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _was(count: int) -> str:
    return "was" if count == 1 else "were"


def _condition(settings: AlarmSettings, listed: Sequence[EvaluatedDatapoint]) -> str:
    """What the listed datapoints were (or were not): `greater than the threshold (10.0)`."""
    if not settings.uses_band:
        words = _STATIC_WORDS[settings.comparison]
        return f"{words} the threshold ({java_double(settings.threshold)})"
    bands = [p.band for p in listed if p.band is not None]
    lower = f"less than the lower thresholds [{', '.join(java_double(b[0]) for b in bands)}]"
    upper = f"greater than the upper thresholds [{', '.join(java_double(b[1]) for b in bands)}]"
    if settings.comparison == "LessThanLowerThreshold":
        return lower
    if settings.comparison == "GreaterThanUpperThreshold":
        return upper
    return f"{lower} or {upper}"


def state_reason(evaluation: Evaluation) -> str:
    """StateReason for one evaluation, in AWS's words where AWS has shown them."""
    settings, state, previous = evaluation.settings, evaluation.state, evaluation.previous
    evaluated = evaluation.datapoints
    n, m = settings.evaluation_periods, settings.datapoints_to_alarm
    treat = settings.treat_missing_data
    real = [p for p in evaluated if p.breaching is not None]
    gaps = len(evaluated) - len(real)
    crossed = sum(1 for p in real if p.breaching)
    fill = _FILL_WORDS.get(treat)
    if state is AlarmState.INSUFFICIENT_DATA:
        return f"Insufficient Data: {_plural(gaps, 'datapoint')} {_was(gaps)} unknown."
    if not real and fill is not None:
        return (
            f"Threshold Crossed: no datapoints were received for {_plural(n, 'period')} "
            f"and {_plural(n, 'missing datapoint')} {_was(n)} treated as [{fill}]."
        )
    if treat == "ignore" and crossed < m and crossed == len(real):
        return (
            f"Unchanged: {gaps} of the last {_plural(n, 'datapoint')} {_was(gaps)} missing "
            f"and missing data is ignored, so the alarm stays {previous.value}."
        )
    firing = state is AlarmState.ALARM
    listed = [p for p in reversed(real) if p.breaching is firing]
    parts = []
    if listed:
        shown = ", ".join(
            f"{java_double(p.value or 0.0)} ({reason_date(p.timestamp)})" for p in listed
        )
        negation = "" if firing else "not "
        parts.append(
            f"{len(listed)} out of the last {n} datapoints [{shown}] {_was(len(listed))} "
            f"{negation}{_condition(settings, listed)}"
        )
    if gaps and fill is not None:
        parts.append(f"{_plural(gaps, 'missing datapoint')} {_was(gaps)} treated as [{fill}]")
    elif gaps:
        parts.append(f"{_plural(gaps, 'datapoint')} {_was(gaps)} missing")
    minimum = m if firing else n - m + 1
    transition = "OK -> ALARM" if firing else "ALARM -> OK"
    head = "Thresholds Crossed" if settings.uses_band else "Threshold Crossed"
    return (
        f"{head}: {' and '.join(parts)} "
        f"(minimum {_plural(minimum, 'datapoint')} for {transition} transition)."
    )


def state_reason_data(evaluation: Evaluation) -> dict[str, Any]:
    """StateReasonData for one evaluation, keys in AWS's order."""
    settings = evaluation.settings
    data: dict[str, Any] = {
        "version": "1.0",
        "queryDate": reason_data_date(evaluation.evaluated_at),
        "startDate": reason_data_date(evaluation.range_start),
        "statistic": settings.statistic,
        "period": settings.period,
        "recentDatapoints": list(evaluation.recent),
    }
    if not settings.uses_band:
        data["threshold"] = settings.threshold
    data["evaluatedDatapoints"] = [
        {"timestamp": reason_data_date(p.timestamp)}
        | ({"value": p.value} if p.value is not None else {})
        for p in reversed(evaluation.datapoints)
    ]
    return data
