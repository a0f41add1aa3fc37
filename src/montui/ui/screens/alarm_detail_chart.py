"""What the detail's chart draws: for metric math, either what the threshold applies to (the
expression the alarm returns, with the threshold line and the breaches) or its inputs.

One y axis each time. The expression is often a percentage and its inputs counts: drawn on
one axis, the inputs would flatten the expression into a band at 0 (or the reverse), and a
second (right) axis would cost the 80-column plot about eight columns and leave the reader to
guess which line belongs to which axis. So `m` switches between the two views; the key bar
and the chart's border say which is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from montui.model.alarm import Alarm
from montui.model.alarm_queries import (
    compared_ids,
    input_ids,
    is_breaching_value,
    threshold_lines,
)
from montui.model.metrics import MetricSeries, TimeWindow
from montui.ui.widgets.metric_chart import ChartData


class ChartView(StrEnum):
    """Which series of a metric-math alarm the chart shows."""

    COMPARED = "compared"
    INPUTS = "inputs"

    def other(self) -> ChartView:
        """The view `m` switches to."""
        return ChartView.INPUTS if self is ChartView.COMPARED else ChartView.COMPARED


def key_label(view: ChartView) -> tuple[str, str]:
    """The key bar's description and tooltip of `m` while `view` is shown."""
    if view is ChartView.COMPARED:
        return "Inputs", "Chart the metric-math inputs (the chart shows the expression)"
    return "Expression", "Chart the expression and the threshold (the chart shows the inputs)"


def view_title(alarm: Alarm, view: ChartView) -> str:
    """`expression pct` or `inputs errors, invocations`, for the chart's border."""
    if not input_ids(alarm):
        return ""
    if view is ChartView.INPUTS:
        return "inputs " + ", ".join(input_ids(alarm))
    return "expression " + ", ".join(compared_ids(alarm))


def chart_data(
    alarm: Alarm,
    series: Sequence[MetricSeries],
    window: TimeWindow,
    period: int,
    *,
    view: ChartView,
    utc: bool,
) -> ChartData:
    """The series of `view` (all of them for a single-metric alarm), with the threshold and
    the breaches only where the threshold applies."""
    compared = compared_ids(alarm)
    inputs = set(input_ids(alarm))
    if view is ChartView.INPUTS and inputs:
        shown = tuple(s for s in series if s.id in inputs)
        return ChartData(series=shown, window=window, period=period, utc=utc)
    if inputs:
        series = tuple(s for s in series if s.id not in inputs)
    transition: datetime | None = alarm.in_state_since
    return ChartData(
        series=tuple(series),
        window=window,
        period=period,
        thresholds=threshold_lines(alarm),
        breaching=lambda value: is_breaching_value(alarm, value),
        compared_id=compared[0] if compared else None,
        transition=transition,
        unit=alarm.unit,
        utc=utc,
    )
