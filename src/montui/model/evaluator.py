"""CloudWatch metric alarm evaluation at one moment: is a datapoint breaching, M of N over the
evaluation range, missing data, and the record of the evaluation. `model.evaluation` replays it
over a span (back-tests, episodes) and is where callers import it from.

One source of truth for the local AWS world (which moves its alarms with it) and the UI (which
explains an alarm and back-tests a threshold over history). Pure: no I/O, no clock.

## The semantics implemented (CloudWatch user guide, "Alarm evaluation" and "Configuring how
CloudWatch alarms treat missing data")

At each evaluation CloudWatch fetches the *evaluation range*: R periods ending at the last
complete period, more than N = EvaluationPeriods. Each period is breaching (X), not
breaching (0) or missing (-). With M = DatapointsToAlarm:

1. At least N real datapoints in the range: evaluate the N most recent real ones, skipping
   missing periods (TreatMissingData plays no part). ALARM if >= M breach, else OK.
2. No real datapoint in the range: `missing` -> INSUFFICIENT_DATA, `ignore` -> keep the
   current state, `breaching` -> ALARM, `notBreaching` -> OK.
3. Some, but fewer than N: every real datapoint is evaluated and the most recent missing
   periods fill the rest of the N ("as few times as possible").
   - `breaching` / `notBreaching`: the fills count as breaching / not; ALARM if >= M breach.
   - `missing` / `ignore`: fills count for nothing. ALARM if >= M real ones breach; else OK if
     any real one does not breach; else (every real one breaches, fewer than M):
     `ignore` keeps the current state, and `missing` applies the guide's "premature alarm"
     rule: ALARM when the oldest breaching datapoint is at least M periods old (so the
     datapoints after it, all missing, could not have been M non-breaching ones), else
     INSUFFICIENT_DATA.

The guide's tables (R = 5, N = 3, oldest on the left) as this module computes them; the
tests hold every row:

    M=3  datapoints   MISSING            IGNORE    BREACHING  NOT BREACHING
         0 - X - X    OK                 OK        OK         OK
         0 - - - -    OK                 OK        OK         OK
         - - - - -    INSUFFICIENT_DATA  (keep)    ALARM      OK
         0 X X - X    ALARM              ALARM     ALARM      ALARM
         - - X - -    ALARM              (keep)    ALARM      OK
         - - - - X    INSUFFICIENT_DATA  (keep)    ALARM      OK     (older guide edition)
         X - - - -    ALARM              (keep)    ALARM      OK     (older guide edition)
    M=2  0 - X - X    ALARM              ALARM     ALARM      ALARM
         0 0 X 0 X    ALARM              ALARM     ALARM      ALARM
         0 - X - -    OK                 OK        ALARM      OK
         - - - - 0    OK                 OK        ALARM      OK
         - - - X -    ALARM              (keep)    ALARM      OK
         - - - - X    INSUFFICIENT_DATA  (keep)    ALARM      OK     (older guide edition)

## Simplifications, stated
- R: AWS says only that it depends on the period and resolution; its example has R = 5 for
  N = 3. montui uses R = N + 2 unless `AlarmSettings.evaluation_range` says otherwise.
- Periods are aligned to the Unix epoch, `points` are keyed by period start, and an
  evaluation at `at` sees exactly the periods that ended at or before `at` (no ingestion
  delay, no late datapoints). Naive datetimes are read as UTC.
- Band operators take the anomaly band from a separate series; a period with a value but no
  band counts as missing. Metric math, percentile low-sample handling and the AWS/DynamoDB
  "always ignore" override are the caller's business.
- Reason text and StateReasonData follow AWS's shapes; the wording for cases AWS does not
  document (kept state, partial fills) is montui's. `Evaluation`, the record of one
  evaluation, lives with its words in `evaluation_reason`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmState
from montui.model.evaluation_reason import Band, EvaluatedDatapoint, Evaluation

ALARM, OK, INSUFFICIENT = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
_T = TypeVar("_T")

_STATIC: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_BAND: dict[str, Callable[[float, Band], bool]] = {
    "LessThanLowerOrGreaterThanUpperThreshold": lambda v, b: v < b[0] or v > b[1],
    "LessThanLowerThreshold": lambda v, b: v < b[0],
    "GreaterThanUpperThreshold": lambda v, b: v > b[1],
}
COMPARISONS = frozenset(_STATIC) | frozenset(_BAND)
BAND_COMPARISONS = frozenset(_BAND)
TREAT_MISSING_DATA = frozenset({"missing", "ignore", "breaching", "notBreaching"})
_ALL_MISSING = {"missing": INSUFFICIENT, "breaching": ALARM, "notBreaching": OK}


class AlarmSettings(Struct, frozen=True):
    """What PutMetricAlarm says about when the alarm fires (M of N over Period)."""

    threshold: float
    comparison: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str = "missing"
    statistic: str = "Average"
    evaluation_range: int | None = None
    """Periods fetched per evaluation; None means evaluation_periods + 2 (see the module)."""

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"unknown ComparisonOperator {self.comparison!r}")
        if self.treat_missing_data not in TREAT_MISSING_DATA:
            raise ValueError(f"unknown TreatMissingData {self.treat_missing_data!r}")
        if self.period <= 0:
            raise ValueError("Period must be positive")
        if not 1 <= self.datapoints_to_alarm <= self.evaluation_periods:
            raise ValueError("DatapointsToAlarm must be between 1 and EvaluationPeriods")
        if self.evaluation_range is not None and self.evaluation_range < self.evaluation_periods:
            raise ValueError("the evaluation range cannot be shorter than EvaluationPeriods")

    @property
    def uses_band(self) -> bool:
        """True for the anomaly-detection operators, which compare against a band."""
        return self.comparison in BAND_COMPARISONS

    @property
    def range_periods(self) -> int:
        """R: how many periods each evaluation looks at."""
        return self.evaluation_range or self.evaluation_periods + 2

    @classmethod
    def from_alarm(cls, alarm: Alarm) -> AlarmSettings | None:
        """Settings of a metric alarm as DescribeAlarms reported it; None when it lacks any."""
        period, n, comparison = alarm.period_seconds, alarm.evaluation_periods, alarm.comparison
        if not period or not n or comparison not in COMPARISONS:
            return None
        if alarm.threshold is None and comparison not in BAND_COMPARISONS:
            return None
        return cls(
            threshold=alarm.threshold or 0.0,
            comparison=comparison,
            period=period,
            evaluation_periods=n,
            datapoints_to_alarm=alarm.datapoints_to_alarm or n,
            treat_missing_data=alarm.treat_missing_data or "missing",
            statistic=alarm.statistic or alarm.extended_statistic or "Average",
        )


def is_breaching(value: float, settings: AlarmSettings, band: Band | None = None) -> bool:
    """Whether one datapoint crosses the threshold (or leaves the band: `band` is (lower,
    upper) and required for the band operators). Equality never breaches a strict operator."""
    static = _STATIC.get(settings.comparison)
    if static is not None:
        return static(value, settings.threshold)
    if band is None:
        raise ValueError(f"{settings.comparison} needs the anomaly band (lower, upper)")
    return _BAND[settings.comparison](value, band)


def decide(
    window: Sequence[bool | None], m: int, n: int, treat: str, previous: AlarmState
) -> AlarmState:
    """The state for one evaluation range (oldest first; None = missing): the module's rules."""
    real = [flag for flag in window if flag is not None]
    have = len(real)
    if have >= n:
        return ALARM if sum(real[have - n :]) >= m else OK
    if have == 0:
        return _ALL_MISSING.get(treat, previous)
    crossed = sum(real)
    if treat == "breaching":
        crossed += n - have
    if crossed >= m:
        return ALARM
    if treat in ("breaching", "notBreaching") or crossed < have:
        return OK
    if treat == "ignore":
        return previous
    oldest = next(i for i, flag in enumerate(window) if flag is not None)
    return ALARM if len(window) - oldest >= m else INSUFFICIENT


def selected_slots(window: Sequence[bool | None], n: int) -> list[int]:
    """Indices of the N evaluated slots: the latest real ones, else all real + latest gaps."""
    real = [i for i, flag in enumerate(window) if flag is not None]
    if len(real) >= n:
        return real[len(real) - n :]
    gaps = [i for i, flag in enumerate(window) if flag is None]
    return sorted(real + gaps[len(gaps) - (n - len(real)) :])


def epoch_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def period_moment(seconds: int, like: datetime) -> datetime:
    """`seconds` as a datetime in `like`'s style: aware in its zone, or naive UTC."""
    if like.tzinfo is None:
        return _NAIVE_EPOCH + timedelta(seconds=seconds)
    moment = _EPOCH + timedelta(seconds=seconds)
    return moment if like.tzinfo is UTC else moment.astimezone(like.tzinfo)


class PeriodSeries:
    """The metric (and band) by period index (seconds since the epoch // period)."""

    def __init__(
        self,
        settings: AlarmSettings,
        points: Mapping[datetime, float],
        bands: Mapping[datetime, Band] | None,
    ) -> None:
        if settings.uses_band and bands is None:
            raise ValueError(f"{settings.comparison} needs the anomaly band series")
        self.settings = settings
        self.values = self._by_index(points)
        self.bands = self._by_index(bands) if bands is not None else {}

    def _by_index(self, series: Mapping[datetime, _T]) -> dict[int, _T]:
        period = self.settings.period
        indexed: dict[int, _T] = {}
        for moment, value in series.items():
            index, offset = divmod(epoch_seconds(moment), period)
            if offset:
                raise ValueError(f"{moment} is not the start of a {period}-second period")
            indexed[index] = value
        return indexed

    def flags(self, first: int, last: int) -> list[bool | None]:
        """Breaching flags for periods `first`..`last` (None where there is no datapoint)."""
        settings = self.settings
        values = map(self.values.get, range(first, last + 1))
        static = _STATIC.get(settings.comparison)
        if static is not None:
            threshold = settings.threshold
            return [None if v is None else static(v, threshold) for v in values]
        test = _BAND[settings.comparison]
        bands = map(self.bands.get, range(first, last + 1))
        pairs = zip(values, bands, strict=True)
        return [None if v is None or b is None else test(v, b) for v, b in pairs]


def last_index(settings: AlarmSettings, at: datetime) -> int:
    """Index of the last period that ended at or before `at`."""
    return epoch_seconds(at) // settings.period - 1


def record_evaluation(
    series: PeriodSeries,
    last: int,
    at: datetime,
    previous: AlarmState,
    state: AlarmState | None = None,
    window: Sequence[bool | None] | None = None,
) -> Evaluation:
    """The record for the range ending with period `last`; `state` and `window` (its flags)
    are worked out here unless the caller already has them."""
    settings = series.settings
    period, n = settings.period, settings.evaluation_periods
    first = last - settings.range_periods + 1
    if window is None:
        window = series.flags(first, last)
    if state is None:
        m, treat = settings.datapoints_to_alarm, settings.treat_missing_data
        state = decide(window, m, n, treat, previous)
    range_start = period_moment(first * period, at)
    evaluated = []
    for slot in selected_slots(window, n):
        flag, index = window[slot], first + slot
        evaluated.append(
            EvaluatedDatapoint(
                timestamp=period_moment(index * period, at),
                value=None if flag is None else series.values[index],
                breaching=flag,
                band=None if flag is None else series.bands.get(index),
            )
        )
    recent = tuple(series.values[first + i] for i, flag in enumerate(window) if flag is not None)
    return Evaluation(state, tuple(evaluated), at, settings, previous, recent, range_start)


def evaluate_at(
    settings: AlarmSettings,
    points: Mapping[datetime, float],
    at: datetime,
    previous: AlarmState,
    *,
    bands: Mapping[datetime, Band] | None = None,
) -> Evaluation:
    """Evaluate the alarm as CloudWatch would at `at`, over the periods that ended by then.

    `points` maps period starts to values (keys off the period grid raise ValueError);
    `previous` is the state before this evaluation (it matters for `ignore` and for
    ranges with no data); `bands` maps period starts to (lower, upper) for band operators.
    """
    series = PeriodSeries(settings, points, bands)
    return record_evaluation(series, last_index(settings, at), at, previous)
