"""Quieter settings for a noisy alarm, proven by back-test: "episodes 14 → 3, the 2 longest kept".

The candidates are a stricter M of N, a longer period, and the threshold at a percentile of the
metric over the period; each is replayed with `model.evaluation.replay`, the evaluator the tune
screen (`model.tuning.backtest`) and the local AWS world use. A candidate is proven quieter when
it has fewer episodes than the current settings replayed over the same data, and still fires
during each of the current settings' longest episodes (the ones most likely to be real
incidents). Pure: the caller fetches the points (GetMetricData) at each period asked for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from msgspec import Struct

from montui.model.alarm import Alarm, format_threshold, operator_symbol
from montui.model.duration import format_period
from montui.model.evaluation import AlarmSettings, Episode, replay
from montui.model.records import replace
from montui.model.tuning import TuneSettings, put_metric_alarm_command

KEEP_LONGEST = 2
"""The current episodes every proposal must still fire in."""
MAX_SPAN = 86_400
"""CloudWatch's limit on Period × EvaluationPeriods (one day)."""
PERCENTILES = (99.0, 99.9)
LONGER_PERIOD = 5
"""The longer period candidate is this many times the alarm's."""

Points = Mapping[datetime, float]
NOTHING_TO_QUIET = "its metric, replayed, never fires it: nothing to make quieter"


class Candidate(Struct, frozen=True):
    """Settings to try and the words for what changed."""

    settings: AlarmSettings
    change: str


class Proposal(Struct, frozen=True):
    """The back-test's answer for one alarm."""

    alarm: Alarm
    current_episodes: int
    episodes: int
    kept: int
    """How many of the current longest episodes the proposal still fires in."""
    longest: int
    """How many longest episodes were required (at most KEEP_LONGEST)."""
    change: str
    command: str
    metrics_requested: int

    @property
    def quieter(self) -> bool:
        return self.episodes < self.current_episodes and self.kept == self.longest

    def summary(self) -> str:
        """`episodes 14 → 3, the 2 longest kept`."""
        kept = "the longest kept" if self.longest == 1 else f"the {self.longest} longest kept"
        if self.longest == 0:
            kept = "none to keep"
        elif self.kept < self.longest:
            kept = f"{self.kept} of the {self.longest} longest kept"
        return f"episodes {self.current_episodes} → {self.episodes}, {kept}"


def base_settings(alarm: Alarm) -> AlarmSettings | None:
    """The alarm's own settings for the evaluator; None when it has none montui can replay
    (composite, band, threshold metric)."""
    tune = TuneSettings.from_alarm(alarm)
    if tune is None or alarm.threshold_metric_id:
        return None
    try:
        return tune.evaluator_settings()
    except ValueError:
        return None


def longer_period(settings: AlarmSettings) -> int | None:
    """The period of the longer-period candidate (5 times the alarm's, one minute for a
    high-resolution alarm), or None when it would pass one day."""
    period = settings.period * LONGER_PERIOD if settings.period >= 60 else 60
    return period if period * settings.evaluation_periods <= MAX_SPAN else None


def candidates(settings: AlarmSettings, values: Sequence[float]) -> list[Candidate]:
    """What to try, gentlest first: stricter M of N, a longer period, a percentile threshold."""
    m, n, period = settings.datapoints_to_alarm, settings.evaluation_periods, settings.period
    found: list[Candidate] = []
    tried: set[tuple[int, int]] = {(m, n)}
    stricter = [(n, n), *((m + k, n + k) for k in range(1, 5)), (2 * n, 2 * n)]
    for new_m, new_n in stricter:
        if (new_m, new_n) in tried or new_n * period > MAX_SPAN:
            continue
        tried.add((new_m, new_n))
        changed = replace(settings, datapoints_to_alarm=new_m, evaluation_periods=new_n)
        found.append(Candidate(changed, f"M of N {new_m} of {new_n} (was {m} of {n})"))
    longer = longer_period(settings)
    if longer is not None:
        found.append(
            Candidate(
                replace(settings, period=longer),
                f"period {format_period(longer)} (was {format_period(period)})",
            )
        )
    upward = settings.comparison.startswith("Greater")
    for pct in PERCENTILES:
        level = percentile(values, pct if upward else 100 - pct)
        if level is None or level == settings.threshold:
            continue
        if (level < settings.threshold) == upward:
            continue  # a percentile that would make the alarm louder is no proposal
        op = operator_symbol(settings.comparison)
        found.append(
            Candidate(
                replace(settings, threshold=level),
                f"threshold {op} {format_threshold(level)} (p{pct:g} of the "
                f"metric; was {format_threshold(settings.threshold)})",
            )
        )
    return found


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The nearest-rank percentile of `values`; None when empty."""
    clean = sorted(v for v in values if math.isfinite(v))
    if not clean:
        return None
    rank = max(1, math.ceil(pct / 100 * len(clean)))
    return clean[min(rank, len(clean)) - 1]


def propose(
    alarm: Alarm,
    points_by_period: Mapping[int, Points],
    start: datetime,
    end: datetime,
    *,
    metrics_requested: int = 0,
) -> Proposal | None:
    """The quietest candidate that keeps the longest current episodes, replayed over
    `points_by_period` (the compared series at each period: the alarm's and
    `longer_period`'s); the gentlest such candidate on a tie. None when the alarm cannot be
    replayed or its data is missing. A proposal that is not `quieter` says no candidate was."""
    settings = base_settings(alarm)
    base_points = points_by_period.get(settings.period) if settings else None
    if settings is None or not base_points:
        return None
    current = replay(settings, base_points, start, end)
    longest = sorted(current.episodes, key=lambda e: _length(e, end), reverse=True)[:KEEP_LONGEST]
    if not current.episodes:  # its data does not fire it (history from set-alarm-state, …)
        return Proposal(alarm, 0, 0, 0, 0, NOTHING_TO_QUIET, "", metrics_requested)
    best: tuple[int, int, Candidate] | None = None
    for candidate in candidates(settings, list(base_points.values())):
        points = points_by_period.get(candidate.settings.period)
        if not points:
            continue
        episodes = replay(candidate.settings, points, start, end).episodes
        kept = sum(1 for e in longest if any(_overlap(e, o, end) for o in episodes))
        if kept < len(longest):
            continue
        if best is None or len(episodes) < best[0]:
            best = (len(episodes), kept, candidate)
    if best is None:
        return Proposal(
            alarm,
            len(current.episodes),
            len(current.episodes),
            len(longest),
            len(longest),
            "no candidate kept the longest episodes with fewer",
            "",
            metrics_requested,
        )
    count, kept, chosen = best
    return Proposal(
        alarm=alarm,
        current_episodes=len(current.episodes),
        episodes=count,
        kept=kept,
        longest=len(longest),
        change=chosen.change,
        command=put_metric_alarm_command(alarm, chosen.settings),
        metrics_requested=metrics_requested,
    )


def _length(episode: Episode, end: datetime) -> timedelta:
    return (episode.end or end) - episode.start


def _overlap(a: Episode, b: Episode, end: datetime) -> bool:
    return a.start < (b.end or end) and b.start < (a.end or end)
