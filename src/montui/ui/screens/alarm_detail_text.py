"""The alarm detail's sentences: the title (state and for how long), the condition in words,
the settings, the 14-day history summary."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from rich.text import Text

from montui.model.alarm import Alarm, AlarmKind, format_threshold, operator_symbol
from montui.model.duration import format_age, format_period
from montui.model.history import HistoryItem, alarm_episodes, noise_verdict
from montui.model.metadata import AlarmMeta, runbook_in
from montui.model.text import counted
from montui.ui.widgets.alarm_table import state_cell

HISTORY_SPAN = timedelta(days=14)

_MISSING_WORDS = {
    "missing": "missing",
    "notBreaching": "not breaching",
    "breaching": "breaching",
    "ignore": "ignored (the state is kept)",
}


def clock_text(moment: datetime, *, utc: bool) -> str:
    """`2026-11-21 03:30:00 UTC`, in UTC or the machine's local zone."""
    shown = moment.astimezone(UTC) if utc else moment.astimezone()
    return shown.strftime("%Y-%m-%d %H:%M:%S %Z")


def title_text(alarm: Alarm, now: datetime, *, mono: bool, utc: bool) -> Text:
    """`✖ ALARM  name  region` over `ALARM for 10m, since …`: the age is taken at `now`, so
    the detail redraws it as the clock moves."""
    title = Text()
    title.append_text(state_cell(alarm.state, mono))
    title.append("  ")
    title.append(alarm.name, style="bold")
    title.append(f"  {alarm.region}\n", style="dim")
    since = alarm.in_state_since
    title.append(f"{alarm.state.value} for {format_age((now - since).total_seconds())}")
    title.append(f", since {clock_text(since, utc=utc)}", style="dim")
    return title


def period_words(seconds: int) -> str:
    """60 → `one-minute`, 300 → `5-minute`, 3600 → `one-hour`, 10 → `10-second`."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{'one' if count == 1 else count}-{unit}"
    return f"{seconds}-second"


def condition_in_words(alarm: Alarm) -> str:
    """`Sum of Errors > 10 in 3 of the last 5 one-minute periods; missing data: not breaching`."""
    if alarm.kind is AlarmKind.COMPOSITE:
        return f"ALARM when {' '.join((alarm.alarm_rule or '?').split())}"
    stat = alarm.statistic or alarm.extended_statistic
    if alarm.metric is not None:
        what = f"{stat or '?'} of {alarm.metric.name}"
    else:
        returned = alarm.returned_query
        if returned is not None and returned.expression:
            what = f"{returned.label or returned.id} = {returned.expression}"
        elif returned is not None and returned.metric is not None:
            what = f"{returned.stat or '?'} of {returned.metric.name}"
        else:
            what = "the metric-math result"
    op = operator_symbol(alarm.comparison)
    bound = alarm.threshold_metric_id or format_threshold(alarm.threshold)
    n = alarm.evaluation_periods
    m = alarm.datapoints_to_alarm or n
    period = alarm.period_seconds
    periods = f"{period_words(period)} periods" if period else "periods"
    missing = _MISSING_WORDS.get(alarm.treat_missing_data or "missing", alarm.treat_missing_data)
    if alarm.treat_missing_data is None:
        missing = "missing (the default)"
    evaluated = f"in {m or '?'} of the last {n or '?'} {periods}"
    return f"{what} {op} {bound} {evaluated}; missing data: {missing}"


def history_summary(items: Sequence[HistoryItem], alarm: Alarm, now: datetime) -> Text:
    """ALARM episodes over 14 days, total time in ALARM, shortest episode, flapping verdict."""
    episodes = alarm_episodes(items, window_start=now - HISTORY_SPAN, now=now, current=alarm.state)
    verdict = noise_verdict(
        episodes,
        period_seconds=alarm.period_seconds or 60,
        days=HISTORY_SPAN / timedelta(days=1),
        now=now,
    )
    text = Text()
    if not verdict.episodes:
        text.append("No ALARM episode in the last 14 days.")
        return text
    text.append(counted(verdict.episodes, "ALARM episode"), style="bold")
    text.append(f" · {format_age(verdict.time_in_alarm.total_seconds())} in ALARM in total")
    if verdict.shortest is not None:
        text.append(f" · shortest {format_age(verdict.shortest.total_seconds())}")
    text.append(f" · {verdict.per_day:.1f}/day\n")
    mono = bool(os.environ.get("NO_COLOR"))
    if verdict.flapping:
        text.append("Flapping", style="bold reverse" if mono else "bold red")
    else:
        text.append("Not flapping", style="bold")
    if verdict.reason:
        text.append(f": {verdict.reason}")
    return text


def config_text(alarm: Alarm, meta: AlarmMeta) -> Text:
    """The alarm's settings as label/value rows: metric or metric math, unit, description,
    actions, suppression, and the config's response, owner and runbook."""
    text = Text()

    def row(label: str, value: str) -> None:
        # A label as wide as the column (a query id such as `invocations`) still gets
        # its space: `  invocationsSum of …` ran into the value.
        text.append(f"{label:<11} ", style="bold")
        text.append(value + "\n")

    if alarm.metric is not None:
        row("Metric", f"{alarm.metric.namespace} {alarm.metric.name}")
        for key, value in alarm.metric.dimensions:
            row("  dimension", f"{key} = {value}")
    if alarm.statistic:
        row("Statistic", alarm.statistic)
    if alarm.extended_statistic:
        row("Statistic", f"{alarm.extended_statistic} (extended)")
    for query in alarm.metrics:
        compared = " ◀ compared" if query is alarm.returned_query else ""
        if query.expression:
            row(f"  {query.id}", f"= {query.expression}{compared}")
        elif query.metric is not None:
            period = f" every {format_period(query.period)}" if query.period else ""
            row(f"  {query.id}", f"{query.stat} of {query.metric.describe()}{period}{compared}")
    if alarm.kind is AlarmKind.METRIC:
        row("Unit", alarm.unit or "(any)")
    if alarm.description:
        row("Description", alarm.description)
    row("Actions", "enabled" if alarm.actions_enabled else "DISABLED")
    for label, actions in (
        ("  on ALARM", alarm.alarm_actions),
        ("  on OK", alarm.ok_actions),
        ("  on NODATA", alarm.insufficient_data_actions),
    ):
        row(label, ", ".join(actions) if actions else "none")
    if alarm.actions_suppressor:
        row("Suppressor", alarm.actions_suppressor)
    if alarm.actions_suppressed_by:
        why = f" — {alarm.actions_suppressed_reason}" if alarm.actions_suppressed_reason else ""
        row("Actions now", f"suppressed ({alarm.actions_suppressed_by}){why}")
    row("Response", meta.response.label if meta.response else "(not set in config)")
    row("Owner", meta.owner or "(not set in config)")
    row("Runbook", runbook_text(meta.runbook, alarm.description))
    text.rstrip()
    return text


def runbook_text(configured: str | None, description: str) -> str:
    """The config's runbook, else the one the alarm's description names, saying so."""
    if configured:
        return configured
    if found := runbook_in(description):
        return f"{found} (from the alarm's description)"
    return "(not set in config)"
