"""The Logs Insights query templates of the drill-down plan, per kind of alarm.

Each kind's first template is the plan's query, the others its alternatives (`TEMPLATES`).
The RDS ones match what RDS and Aurora publish to CloudWatch Logs, for both engines:

- PostgreSQL (`/aws/rds/.../postgresql`), with RDS's `log_line_prefix` `%t:%r:%u@%d:[%p]:`:
  `2026-11-21 03:12:45 UTC:10.0.1.5(5432):app@shop:[1234]:ERROR:  deadlock detected` (the
  severity, a colon and two spaces), and with `log_min_duration_statement` set
  `...:[1234]:LOG:  duration: 1234.567 ms  statement: SELECT ...`;
- MySQL / Aurora MySQL error log (`/error`):
  `2026-11-21T03:12:45.123456Z 0 [ERROR] [MY-012345] [InnoDB] ...` (`[Warning]`, `[Note]`,
  `[System]` for the other levels), and its slow query log (`/slowquery`), one event per
  query: `# Time: ...`, `# User@Host: ...`, `# Query_time: 2.500000  Lock_time: 0.000100
  Rows_sent: 1  Rows_examined: 100`, `SET timestamp=...;`, the statement.

`RDS_EVENTS` keeps errors, warnings, deadlocks and slow queries (a database alarm on CPU,
IOPS or connections is most often explained by its slow queries), dropping routine lines
(checkpoints, `[Note]`, `[System]`); `RDS_SLOWEST` lists the slow queries by duration, in ms
for both engines.
"""

from __future__ import annotations

from collections.abc import Mapping

TAIL = "| sort @timestamp desc | limit 200"
LAMBDA_ERRORS = (
    "fields @timestamp, @requestId, @message "
    "| filter @message like /(?i)(error|exception|timeout|task timed out)/ " + TAIL
)
LAMBDA_REPORT = (
    'filter @type = "REPORT" '
    "| stats count(*) as invocations, avg(@duration) as avg_ms, max(@duration) as max_ms, "
    "max(@maxMemoryUsed / 1000 / 1000) as max_mem_mb by bin(1m)"
)
APIGATEWAY_5XX = (
    "fields @timestamp, status, responseLatency, integrationLatency, @message "
    "| filter status >= 500 or @message like /(?i)(status: 5\\d\\d|error|timeout)/ " + TAIL
)
RDS_EVENTS = (
    "fields @timestamp, @logStream, @message "
    "| filter @message like /(ERROR|FATAL|PANIC|WARNING):  |\\[(ERROR|Warning)\\]|[Dd]eadlock"
    "|# Query_time: |duration: [0-9.]+ ms/ " + TAIL
)
RDS_SLOWEST = (
    "parse @message /Query_time: (?<query_s>[0-9.]+)/ "
    "| parse @message /duration: (?<duration_ms>[0-9.]+) ms/ "
    "| filter ispresent(query_s) or ispresent(duration_ms) "
    "| fields @timestamp, @logStream, coalesce(duration_ms, query_s * 1000) as ms, @message "
    "| sort ms desc | limit 200"
)
DEFAULT_QUERY = (
    "fields @timestamp, @message | filter @message like /(?i)(error|exception|fail|timeout)/ "
    + TAIL
)
TEMPLATES: Mapping[str, tuple[str, ...]] = {
    "lambda": (LAMBDA_ERRORS, LAMBDA_REPORT),
    "apigateway": (APIGATEWAY_5XX,),
    "rds": (RDS_EVENTS, RDS_SLOWEST),
    "default": (DEFAULT_QUERY,),
}
"""The query templates per kind, the first is the plan's query, the others its alternatives."""
