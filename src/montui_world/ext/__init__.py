"""montui's extensions to moto: what the local AWS world needs and moto 5.2.5 lacks.

Kept apart from the scenario and the server so that each patch is easy to find, test and drop
when moto catches up. `install()` applies them all, in-process, and is idempotent:

- `cloudwatch`: composite alarms, DescribeAlarms filters/paging/AlarmTypes, state transition
  timestamps, the demo clock header (`alarm_state`, `alarm_listing`, `alarm_records` hold
  the logic);
- `metrics`: PutMetricData, GetMetricData, GetMetricStatistics, ListMetrics on montui's own
  metric store (`montui_world.metricstore`), with metric math (`metric_math`, parsed by
  `metric_math_parser`);
- `history_api`: DescribeAlarmHistory, and history items for deletions (`history` keeps the
  items, `alarm_state` records the rest); `evaluation` moves metric alarms with CloudWatch's
  M-of-N semantics; `alarm_store` holds the lock and the alarm helpers they all share;
- `logs`: Logs Insights (StartQuery and friends); `logs_definitions`: saved queries
  (Put/Describe/DeleteQueryDefinition) and DescribeLogGroups' `logGroupNamePattern`;
- `rds_api`: DescribeDBInstances and DescribeDBClusters from montui's own store
  (`rds_store`), a WSGI middleware in front of moto (`World.start`): moto's RDS stays unloaded;
- `guardduty_api`: GuardDuty's detectors and findings (ListDetectors, GetDetector,
  ListFindings, GetFindings, GetFindingsStatistics, CreateSampleFindings, Archive/Unarchive…)
  from montui's own store (`guardduty_store`), another WSGI middleware; finding types in
  `guardduty_catalog`, their JSON in `guardduty_shapes`, criteria and paging in `guardduty_query`;
- `ses_api`: SES v2 GetAccount / PutAccount* and v1 GetSendStatistics / GetSendQuota from
  montui's own store (`ses_store`; validation in `ses_account`, wire formats in `ses_wire`),
  a WSGI middleware like `rds_api`; other SES actions stay moto's;
- `oam_api`: CloudWatch cross-account observability (sinks, links, sink policies) from
  `oam_store`, a WSGI middleware like `rds_api`; `logs_linked` and `metric_data` let a
  monitoring account read its linked accounts' log groups and metrics;
- `quiet`: no request logging on stderr;
- `speed`: two shortcuts through moto's request handling (same answers, faster seeding).

Each patch goes through `patching` (set the handlers, mark the class: idempotent); the Logs
listings page through `logs_paging`.
"""

from __future__ import annotations

from montui_world.ext import (
    cloudwatch,
    guardduty_api,
    history_api,
    logs,
    logs_definitions,
    logs_linked,
    metrics,
    oam_api,
    quiet,
    rds_api,
    ses_api,
    speed,
)


def install() -> None:
    """Apply every extension to moto (safe to call more than once)."""
    quiet.install()
    speed.install()
    cloudwatch.install()
    history_api.install()
    logs.install()
    logs_definitions.install()
    logs_linked.install()
    metrics.install()
    rds_api.install()
    guardduty_api.install()
    ses_api.install()
    oam_api.install()
