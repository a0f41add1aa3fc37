"""StateReason and StateReasonData for metric alarms, worded as CloudWatch words them.

    Threshold Crossed: 3 out of the last 5 datapoints [12.0 (21/11/26 03:04:00), ...] were
    greater than the threshold (10.0) (minimum 3 datapoints for OK -> ALARM transition).

    Insufficient Data: 3 datapoints were unknown.

The datapoints are listed most recent first; the reason data JSON carries the
`version/queryDate/startDate/statistic/period/recentDatapoints/threshold/evaluatedDatapoints`
fields AWS puts there (recentDatapoints oldest first).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from montui.demo.scenario.signals import Datapoint, Timeline, Transition, last_periods
from montui.demo.scenario.spec import ALARM, NO_DATA, AlarmSpec, Ratio
from montui.demo.wording import java_double, json_time, short_time


def state_reason(
    spec: AlarmSpec, timeline: Timeline, transition: Transition, seed: int
) -> tuple[str, str]:
    """(StateReason, StateReasonData) for the alarm entering `transition.state`."""
    periods = last_periods(spec, timeline, transition.boundary, seed)
    present = [p for _, p in periods if p is not None]
    n, m = spec.evaluation_periods, spec.datapoints_to_alarm
    if transition.state == NO_DATA:
        unknown = sum(1 for _, p in periods if p is None) or n
        reason = f"Insufficient Data: {_count(unknown, 'datapoint')} {_was(unknown)} unknown."
    else:
        alarming = transition.state == ALARM
        quoted = [p for p in present if spec.breaches(p.value) == alarming]
        needed = m if alarming else n - m + 1
        listed = ", ".join(f"{java_double(p.value)} ({short_time(p.start)})" for p in quoted[::-1])
        negation = "" if alarming else "not "
        reason = (
            f"Threshold Crossed: {len(quoted)} out of the last {n} datapoints [{listed}] "
            f"{_was(len(quoted))} {negation}{spec.comparison_words} the threshold "
            f"({java_double(spec.threshold)}) (minimum {_count(needed, 'datapoint')} for "
            f"{transition.previous} -> {transition.state} transition)."
        )
    return reason, _reason_data(spec, transition, periods)


def _reason_data(
    spec: AlarmSpec, transition: Transition, periods: list[tuple[datetime, Datapoint | None]]
) -> str:
    present = [p for _, p in periods if p is not None]
    data: dict[str, Any] = {
        "version": "1.0",
        "queryDate": json_time(transition.at),
        "startDate": json_time(periods[0][0]),
    }
    if not isinstance(spec.metric, Ratio):
        data["statistic"] = spec.stat
        if spec.metric.unit:
            data["unit"] = spec.metric.unit
    data["period"] = spec.period
    data["recentDatapoints"] = [p.value for p in present]
    data["threshold"] = spec.threshold
    if present:
        data["evaluatedDatapoints"] = [
            _evaluated(spec, p) for p in sorted(present, key=lambda p: p.start, reverse=True)
        ]
    return json.dumps(data, separators=(",", ":"))


def _evaluated(spec: AlarmSpec, point: Datapoint) -> dict[str, Any]:
    entry: dict[str, Any] = {"timestamp": json_time(point.start)}
    if not isinstance(spec.metric, Ratio):
        entry["sampleCount"] = float(point.samples)
    entry["value"] = point.value
    return entry


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _was(number: int) -> str:
    return "was" if number == 1 else "were"
