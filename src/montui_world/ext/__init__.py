"""montui's extensions to moto: what the local AWS world needs and moto 5.2.5 lacks.

Kept apart from the scenario and the server so that each patch is easy to find, test and drop
when moto catches up. `install()` applies them all, in-process, and is idempotent:

- `cloudwatch`: composite alarms, DescribeAlarms filters/paging/AlarmTypes, state transition
  timestamps, the demo clock header (`alarm_state`, `alarm_listing` hold the logic);
- `metrics`: PutMetricData, GetMetricData, GetMetricStatistics, ListMetrics on montui's own
  metric store (`montui_world.metricstore`), with metric math (`metric_math`);
- `history`: DescribeAlarmHistory, and history items for deletions (`alarm_state` records
  the rest); `evaluation` moves metric alarms with CloudWatch's M-of-N semantics;
- `logs`: Logs Insights (StartQuery and friends); `logs_definitions`: saved queries
  (Put/Describe/DeleteQueryDefinition) and DescribeLogGroups' `logGroupNamePattern`;
- `quiet`: no request logging on stderr;
- `speed`: two shortcuts through moto's request handling (same answers, faster seeding).
"""

from __future__ import annotations

# The demo clock header (see `cloudwatch`). Defined here, where importing it loads no moto.
CLOCK_HEADER = "X-Montui-Demo-Clock"


def install() -> None:
    """Apply every extension to moto (safe to call more than once)."""
    from montui_world.ext import (
        cloudwatch,
        history,
        logs,
        logs_definitions,
        metrics,
        quiet,
        speed,
    )

    quiet.install()
    speed.install()
    cloudwatch.install()
    history.install()
    logs.install()
    logs_definitions.install()
    metrics.install()
