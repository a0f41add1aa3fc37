"""Performance Insights in the demo scenario (`scenario.dbload`): the shop's writer and reader,
the nightly report behind the flapping write-IOPS alarm, the live lock pile-up and its alarm,
14 days of history, through boto3 as a person (or montui) would ask."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import botocore.model
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from montui_world.faults.plan import Fault, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.live import CatchUpClock, lead_for
from montui_world.scenario import dbload, shop
from montui_world.scenario.moments import LOCK_PILEUP
from montui_world.scenario.plan import nightly_spike
from tests.conftest import SCENARIO_SEED, SCENARIO_START, ScenarioWorld

REGION = "ap-northeast-1"
WRITE_IOPS = "shop-aurora-writer-write-iops"
NONCPU = "shop-aurora-writer-dbload-noncpu"


def _clients() -> tuple[Any, Any, Any]:
    return (
        boto3.client("rds", region_name=REGION),
        boto3.client("pi", region_name=REGION),
        boto3.client("cloudwatch", region_name=REGION),
    )


def _instances(rds: Any) -> dict[str, dict[str, Any]]:
    return {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}


def _writer_id(rds: Any) -> str:
    return str(_instances(rds)[shop.AURORA_WRITER]["DbiResourceId"])


def _top(pi: Any, identifier: str, start: datetime, end: datetime, group: str) -> list[Any]:
    return list(
        pi.describe_dimension_keys(
            ServiceType="RDS",
            Identifier=identifier,
            StartTime=start,
            EndTime=end,
            Metric="db.load.avg",
            PeriodInSeconds=60,
            GroupBy={"Group": group, "Limit": 10},
            PartitionBy={"Group": "db.wait_event"},
        )["Keys"]
    )


def _load(pi: Any, identifier: str, start: datetime, end: datetime, period: int = 60) -> Any:
    return pi.get_resource_metrics(
        ServiceType="RDS",
        Identifier=identifier,
        StartTime=start,
        EndTime=end,
        PeriodInSeconds=period,
        MetricQueries=[
            {"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": 25}},
            {"Metric": "os.general.numVCPUs.avg"},
        ],
    )


def _night() -> tuple[datetime, datetime]:
    """The write-IOPS breach of the night before the scenario's start (17:xx UTC)."""
    midnight = datetime.combine(SCENARIO_START.date() - timedelta(days=1), datetime.min.time())
    return nightly_spike(WRITE_IOPS, midnight.replace(tzinfo=UTC), SCENARIO_SEED)


def test_the_writer_has_insights_the_reader_has_not(scenario_world: ScenarioWorld) -> None:
    rds, pi, _ = _clients()
    found = _instances(rds)
    writer, reader = found[shop.AURORA_WRITER], found[shop.AURORA_READER]
    assert writer["DbiResourceId"] != reader["DbiResourceId"]
    assert (writer["PerformanceInsightsEnabled"], reader["PerformanceInsightsEnabled"]) == (
        True,
        False,
    )
    assert writer["PerformanceInsightsRetentionPeriod"] == 731
    assert writer["DBInstanceClass"] == "db.r6g.2xlarge"
    with pytest.raises(ClientError) as error:
        _load(pi, reader["DbiResourceId"], SCENARIO_START - timedelta(hours=1), SCENARIO_START)
    assert error.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "not enabled" in error.value.response["Error"]["Message"]


def test_fourteen_days_at_one_minute(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START)
    rds, pi, _ = _clients()
    answer = _load(pi, _writer_id(rds), scenario.plan.history_start, SCENARIO_START)
    total, *waits, vcpus = answer["MetricList"]
    points = [p["Value"] for p in total["DataPoints"]]
    assert len(points) == 14 * 1440  # to the last whole minute (the one under way has none)
    assert min(points) > 0.2
    assert {p["Value"] for p in vcpus["DataPoints"]} == {8.0}
    names = {w["Key"]["Dimensions"]["db.wait_event.name"] for w in waits}
    assert {"CPU", "IO:DataFileRead", "IO:XactSync", "Lock:transactionid"} <= names


def test_the_nightly_report_is_on_top_and_above_the_vcpu_line(
    scenario_world: ScenarioWorld,
) -> None:
    scenario_world.at(SCENARIO_START)
    rds, pi, _ = _clients()
    writer = _writer_id(rds)
    start, end = _night()
    answer = _load(pi, writer, start, end)
    total = [p["Value"] for p in answer["MetricList"][0]["DataPoints"]]
    assert len(total) == (end - start).total_seconds() // 60
    assert min(total) > dbload.VCPUS
    keys = _top(pi, writer, start - timedelta(minutes=15), end + timedelta(minutes=5), "db.sql")
    top = keys[0]["Dimensions"]
    assert top["db.sql.statement"].startswith("INSERT INTO report_daily_sales")
    assert len(top["db.sql.statement"]) == 500
    waits = _top(pi, writer, start, end, "db.wait_event")
    assert waits[0]["Dimensions"]["db.wait_event.name"] == "IO:DataFileRead"
    details = pi.get_dimension_key_details(
        ServiceType="RDS", Identifier=writer, Group="db.sql", GroupIdentifier=top["db.sql.id"]
    )["Dimensions"][0]
    assert details["Value"].endswith("returning_customers = EXCLUDED.returning_customers")
    assert details["Value"].startswith(top["db.sql.statement"])
    # and in the afternoon the report is not there at all
    noon = start - timedelta(hours=8)
    afternoon = _top(pi, writer, noon, noon + timedelta(hours=1), "db.sql_tokenized")
    statements = [k["Dimensions"]["db.sql_tokenized.statement"] for k in afternoon]
    assert not any(s.startswith("INSERT INTO report_daily_sales") for s in statements)
    assert sum(k["Total"] for k in afternoon) < dbload.VCPUS


def test_the_alarms_episode_window_has_the_report_on_top(scenario_world: ScenarioWorld) -> None:
    """The drill-down window of the last write-IOPS episode (ALARM minus one period and 15
    minutes, to OK plus 5 minutes: `model.drilldown.drilldown_window`)."""
    scenario_world.at(SCENARIO_START)
    rds, pi, cw = _clients()
    history = cw.describe_alarm_history(
        AlarmName=WRITE_IOPS, HistoryItemType="StateUpdate", MaxRecords=20
    )["AlarmHistoryItems"]
    changes = sorted((h["Timestamp"], h["HistorySummary"]) for h in history)
    alarm = max(t for t, s in changes if s.endswith("to ALARM"))
    ok = min(t for t, s in changes if s.endswith("to OK") and t > alarm)
    start = alarm - timedelta(minutes=16)
    keys = _top(pi, _writer_id(rds), start, ok + timedelta(minutes=5), "db.sql_tokenized")
    assert keys[0]["Dimensions"]["db.sql_tokenized.statement"].startswith(
        "INSERT INTO report_daily_sales (sales_day"
    )


def test_the_lock_pileup_puts_the_update_on_top_and_fires_an_alarm(
    scenario_world: ScenarioWorld,
) -> None:
    scenario = scenario_world.at(LOCK_PILEUP.starts_after + timedelta(minutes=6))
    rds, pi, cw = _clients()
    (alarm,) = cw.describe_alarms(AlarmNames=[NONCPU])["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    assert alarm["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": shop.AURORA_WRITER}]
    start, _ = scenario.plan.lock_pileup
    writer = _writer_id(rds)
    keys = _top(pi, writer, start, start + timedelta(minutes=6), "db.sql_tokenized")
    update = keys[0]
    assert update["Dimensions"]["db.sql_tokenized.statement"].startswith(
        "UPDATE inventory SET reserved = reserved + $1"
    )
    answer = pi.describe_dimension_keys(
        ServiceType="RDS",
        Identifier=writer,
        StartTime=start,
        EndTime=start + timedelta(minutes=6),
        Metric="db.load.avg",
        GroupBy={"Group": "db.wait_event"},
    )
    assert answer["Keys"][0]["Dimensions"]["db.wait_event.name"] == "Lock:transactionid"
    assert answer["Keys"][0]["Total"] > dbload.VCPUS
    one_second = _load(pi, writer, start + timedelta(minutes=2), start + timedelta(minutes=4), 1)
    assert len(one_second["MetricList"][0]["DataPoints"]) == 120
    scenario_world.at(LOCK_PILEUP.ends_after + timedelta(minutes=8))
    (alarm,) = cw.describe_alarms(AlarmNames=[NONCPU])["MetricAlarms"]
    assert alarm["StateValue"] == "OK"


def test_at_demo_speed_the_pileup_alarm_fires_three_real_minutes_in_and_recovers(
    scenario_world: ScenarioWorld,
) -> None:
    """`montui --demo` (speed 10), as the contact form's incident test does: in ALARM about
    three real minutes after the world opens (`moments.LOCK_PILEUP`), after the contact
    form's incident, for about two real minutes, then OK while the world still runs fast."""
    speed, seeding = 10.0, 4.0
    real = [0.0]
    wall = SCENARIO_START + lead_for(speed) + timedelta(seconds=seeding)
    clock = CatchUpClock(
        SCENARIO_START,
        speed,
        wall=lambda: wall + timedelta(seconds=real[0]),
        monotonic=lambda: real[0],
    )
    scenario_world.at(SCENARIO_START)
    cw = boto3.client("cloudwatch", region_name=REGION)
    fired = recovered = None
    for step in range(0, 480, 2):
        real[0] = float(step)
        scenario_world.at(clock.now())
        state = cw.describe_alarms(AlarmNames=[NONCPU])["MetricAlarms"][0]["StateValue"]
        if state == "ALARM" and fired is None:
            fired = real[0]
        elif state == "OK" and fired is not None:
            recovered = real[0]
            break
    assert fired is not None and 150.0 <= fired <= 240.0
    assert recovered is not None and 90.0 <= recovered - fired <= 180.0
    assert clock.now() < wall + timedelta(seconds=real[0])  # still fast: the story fits


@pytest.mark.parametrize("protocol", ["json", "smithy-rpc-v2-cbor"])
def test_faults_reach_pi_in_its_own_protocol(fault_proxy: FaultProxy, protocol: str) -> None:
    order = (protocol, "json", "smithy-rpc-v2-cbor")
    with mock.patch.object(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", order):
        pi = boto3.Session().client(
            "pi", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
        )
    writer = _writer_id(boto3.client("rds", region_name=REGION))
    start = SCENARIO_START - timedelta(hours=1)
    assert _load(pi, writer, start, SCENARIO_START)["MetricList"]  # no rules: forwarded
    for fault, code in (
        (Fault.THROTTLE, "ThrottlingException"),
        (Fault.ERROR_500, "InternalServiceError"),
    ):
        fault_proxy.plan.set_rules([Rule(1.0, (fault,), service="pi")])
        with pytest.raises(ClientError) as caught:
            _load(pi, writer, start, SCENARIO_START)
        assert caught.value.response["Error"]["Code"] == code
    assert fault_proxy.plan.seen("pi", "GetResourceMetrics") == 3
