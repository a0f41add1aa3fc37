"""The RDS query templates against real-format PostgreSQL and MySQL log lines, run by the
local world's Logs Insights engine: what they keep, what they drop, and the slow queries'
durations in ms for both engines."""

from __future__ import annotations

from montui.model.drilldown_templates import RDS_EVENTS, RDS_SLOWEST
from montui_world.insights import LogEvent, parse_query, run_query

T0 = 1_795_000_000_000

PG_ERROR = (
    "2026-11-21 03:12:45 UTC:10.0.1.5(5432):app@shop:[1234]:ERROR:  deadlock detected\n"
    "DETAIL:  Process 1234 waits for ShareLock on transaction 5678."
)
PG_FATAL = (
    "2026-11-21 03:12:46 UTC:10.0.1.6(40112):app@shop:[1240]:FATAL:  password authentication "
    'failed for user "app"'
)
PG_TIMEOUT = (
    "2026-11-21 03:12:47 UTC:10.0.1.5(5432):app@shop:[1234]:ERROR:  canceling statement due "
    "to statement timeout"
)
PG_SLOW = (
    "2026-11-21 03:12:48 UTC:10.0.1.5(5432):app@shop:[1234]:LOG:  duration: 1234.567 ms  "
    "statement: SELECT * FROM orders WHERE id > 10"
)
PG_ROUTINE = "2026-11-21 03:12:49 UTC::@:[567]:LOG:  checkpoint starting: time"
PG_CONNECT = (
    "2026-11-21 03:12:50 UTC:10.0.1.5(5432):app@shop:[1250]:LOG:  connection authorized: "
    "user=app database=shop"
)
MY_ERROR = (
    "2026-11-21T03:12:45.123456Z 0 [ERROR] [MY-012592] [InnoDB] Operating system error "
    "number 28 in a file operation."
)
MY_WARNING = (
    "2026-11-21T03:12:46.123456Z 23 [Warning] [MY-010055] [Server] IP address '10.0.1.7' "
    "could not be resolved: Name or service not known"
)
MY_DEADLOCK = (
    "2026-11-21T03:12:47.123456Z 31 [Note] [MY-012468] [InnoDB] Transactions deadlock "
    "detected, dumping detailed information."
)
MY_ROUTINE = (
    "2026-11-21T03:12:48.123456Z 0 [System] [MY-010931] [Server] /rdsdbbin/mysql/bin/mysqld: "
    "ready for connections."
)
MY_SLOW = (
    "# Time: 2026-11-21T03:12:49.123456Z\n"
    "# User@Host: shop_app[shop_app] @  [10.0.1.5]  Id: 1234\n"
    "# Query_time: 2.500000  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 100\n"
    "SET timestamp=1795000000;\n"
    "SELECT * FROM orders ORDER BY id;"
)
LINES = (
    PG_ERROR,
    PG_FATAL,
    PG_TIMEOUT,
    PG_SLOW,
    PG_ROUTINE,
    PG_CONNECT,
    MY_ERROR,
    MY_WARNING,
    MY_DEADLOCK,
    MY_ROUTINE,
    MY_SLOW,
)


def rows(query: str) -> list[dict[str, str]]:
    events = [
        LogEvent(T0 + i * 1000, line, "/aws/rds/cluster/db/error", "db-1", T0, str(i))
        for i, line in enumerate(LINES)
    ]
    result = run_query(parse_query(query), events, start_ms=T0, end_ms=T0 + 60_000)
    return [dict(row) for row in result.rows]


def test_rds_events_keep_errors_warnings_deadlocks_and_slow_queries() -> None:
    found = {row["@message"] for row in rows(RDS_EVENTS)}
    kept = {PG_ERROR, PG_FATAL, PG_TIMEOUT, PG_SLOW, MY_ERROR, MY_WARNING, MY_DEADLOCK, MY_SLOW}
    assert found == kept  # not the checkpoint, the connection, the server start


def test_rds_slowest_orders_both_engines_by_ms() -> None:
    found = [(row["ms"], row["@message"]) for row in rows(RDS_SLOWEST)]
    assert [message for _, message in found] == [MY_SLOW, PG_SLOW]
    assert [float(ms) for ms, _ in found] == [2500.0, 1234.567]
