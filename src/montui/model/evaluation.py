"""CloudWatch metric alarm evaluation: M of N, missing data, and a fast replay for back-tests.

One source of truth for the local AWS world (which moves its alarms with it) and the UI (which
explains an alarm and back-tests a threshold over history). Pure: no I/O, no clock.

The evaluation at one moment (the semantics, as CloudWatch's user guide states them) is
`model.evaluator`; here, `replay` runs it over a span and finds the ALARM `Episode`s. Callers
import both from here: the evaluator's names and `Evaluation` (`evaluation_reason`) are
re-exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from msgspec import Struct

from montui.model.alarm import AlarmState
from montui.model.evaluation_reason import Band, EvaluatedDatapoint, Evaluation
from montui.model.evaluator import (
    ALARM,
    BAND_COMPARISONS,
    COMPARISONS,
    INSUFFICIENT,
    OK,
    TREAT_MISSING_DATA,
    AlarmSettings,
    PeriodSeries,
    decide,
    epoch_seconds,
    evaluate_at,
    is_breaching,
    last_index,
    period_moment,
    record_evaluation,
)

__all__ = [
    "BAND_COMPARISONS",
    "COMPARISONS",
    "TREAT_MISSING_DATA",
    "AlarmSettings",
    "Band",
    "Episode",
    "EvaluatedDatapoint",
    "Evaluation",
    "Replay",
    "decide",
    "evaluate_at",
    "is_breaching",
    "replay",
]


class Episode(Struct, frozen=True):
    """A stretch in ALARM; `end` is None when the alarm was still firing at the replay's end."""

    start: datetime
    end: datetime | None


class Replay(Struct, frozen=True):
    """Every state change over a span, the ALARM episodes, and the total time in ALARM."""

    transitions: tuple[tuple[datetime, AlarmState, Evaluation], ...]
    episodes: tuple[Episode, ...]
    time_in_alarm: timedelta


def replay(
    settings: AlarmSettings,
    points: Mapping[datetime, float],
    start: datetime,
    end: datetime,
    initial: AlarmState = INSUFFICIENT,
    *,
    bands: Mapping[datetime, Band] | None = None,
) -> Replay:
    """Evaluate at every period boundary from `start` to `end` (both included), each time
    from the state the previous evaluation left, as `evaluate_at` would one by one.

    Full `Evaluation`s are built only at transitions; between them a sliding window decides
    the state from breaching flags alone, so two weeks of minutes take milliseconds.
    """
    if end < start:
        raise ValueError("a replay cannot end before it starts")
    series = PeriodSeries(settings, points, bands)
    period, r = settings.period, settings.range_periods
    m, n, treat = (
        settings.datapoints_to_alarm,
        settings.evaluation_periods,
        settings.treat_missing_data,
    )
    first_last = -(-epoch_seconds(start) // period) - 1  # the range's last period, first evaluation
    final_last = last_index(settings, end)
    flags = series.flags(first_last - r + 1, final_last)

    state = initial
    transitions: list[tuple[datetime, AlarmState, Evaluation]] = []
    # Sliding counts over the newest N slots: while none is missing, case 1 of the rules
    # reduces to counting breaches, and the full decision is needed only near gaps.
    gaps = sum(1 for f in flags[r - n : r - 1] if f is None)
    crossed = sum(1 for f in flags[r - n : r - 1] if f)
    for step in range(final_last - first_last + 1):
        newest = flags[step + r - 1]
        gaps += newest is None
        crossed += newest is True
        if gaps == 0:
            new = ALARM if crossed >= m else OK
        else:
            new = decide(flags[step : step + r], m, n, treat, state)
        leaving = flags[step + r - n]
        gaps -= leaving is None
        crossed -= leaving is True
        if new is not state:
            at = period_moment((first_last + step + 1) * period, start)
            window = flags[step : step + r]
            evaluation = record_evaluation(series, first_last + step, at, state, new, window)
            transitions.append((at, new, evaluation))
            state = new
    return _summarise(tuple(transitions), initial, start, end)


def _summarise(
    transitions: tuple[tuple[datetime, AlarmState, Evaluation], ...],
    initial: AlarmState,
    start: datetime,
    end: datetime,
) -> Replay:
    episodes: list[Episode] = []
    opened: datetime | None = start if initial is ALARM else None
    for at, state, _ in transitions:
        if state is ALARM and opened is None:
            opened = at
        elif state is not ALARM and opened is not None:
            episodes.append(Episode(opened, at))
            opened = None
    if opened is not None:
        episodes.append(Episode(opened, None))
    total = sum(((e.end or end) - e.start for e in episodes), timedelta())
    return Replay(transitions, tuple(episodes), total)
