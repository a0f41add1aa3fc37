"""sources.rds.db_instances, sources.pi and feeds.dbload against the local world: instances
with PI state and the writer, the load by wait event summing to the total, the top SQL in
order, the full statement, the vCPUs, PI off and unknown instances, and montui's figures
against what boto3's own `pi` client answers for the same instance and window."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import boto3
import pytest

from montui.feeds.dbload import AwsDbLoad
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.dbload import DbInstance, VcpuOrigin, choose_period
from montui.model.metrics import TimeWindow
from montui.sources import pi
from montui.sources.errors import AccessDenied, BadRequest
from montui_world.world import World
from tests.dbload_world import CARTS, FULL_REPORT, NOW, REGION, REPORT, WINDOW
from tests.dbload_world import shop as shop  # the fixture

_T = TypeVar("_T")


def in_session(world: World, use: Callable[[AwsSession], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        session = AwsSession(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
        await session.connect()
        try:
            return await use(session)
        finally:
            await session.close()

    return asyncio.run(main())


def instances(world: World) -> dict[str, DbInstance]:
    async def use(session: AwsSession) -> dict[str, DbInstance]:
        found = await AwsDbLoad(session).instances(REGION)
        return {i.identifier: i for i in found}

    return in_session(world, use)


def test_instances_with_pi_state_cluster_and_writer(shop: World) -> None:
    found = instances(shop)
    assert set(found) == {"orders-writer", "orders-reader", "legacy-db"}
    writer, reader, legacy = found["orders-writer"], found["orders-reader"], found["legacy-db"]
    assert (writer.role, reader.role, legacy.role) == ("writer", "reader", "")
    assert writer.pi_enabled and not legacy.pi_enabled
    assert writer.resource_id.startswith("db-") and writer.resource_id != reader.resource_id
    assert writer.instance_class == "db.r6g.2xlarge" and writer.engine == "aurora-postgresql"


def test_load_top_sql_full_text_and_vcpus(shop: World) -> None:
    writer = instances(shop)["orders-writer"]

    async def use(session: AwsSession) -> Any:
        feed = AwsDbLoad(session)
        load = await feed.load(writer, WINDOW)
        detail = await feed.sql_detail(writer, WINDOW, load.top_sql[0])
        return load, detail

    load, detail = in_session(shop, use)
    series = load.series
    assert series.period == 60 and len(series.total) == 60
    for index, total in enumerate(series.total):  # the waits and other sum to the total
        assert sum(w.values[index] for w in series.stacked()) == pytest.approx(total, abs=1e-3)
    assert load.vcpus.count == 8.0 and load.vcpus.origin is VcpuOrigin.OS_METRIC
    assert [r.statement for r in load.top_sql] == [REPORT.statement, CARTS.statement]
    assert load.top_sql[0].top_wait == "IO:DataFileRead"
    assert sum(r.share for r in load.top_sql) == pytest.approx(1.0, abs=0.02)
    assert load.top_waits[0].name == "IO:DataFileRead" and load.top_waits[0].detail == "IO"
    assert load.top_users[0].name == "shop_report"
    assert {h.name for h in load.top_hosts} == {"10.0.3.4", "10.0.1.15", "10.0.2.31"}
    assert detail.text == FULL_REPORT and detail.text_status == "AVAILABLE"
    assert detail.series.mean == pytest.approx(load.top_sql[0].aas, rel=0.02)


def test_pi_off_and_unknown_instances_are_refused_in_words(shop: World) -> None:
    legacy = instances(shop)["legacy-db"]

    async def use(session: AwsSession) -> list[Exception]:
        place = await session.place(REGION)
        errors: list[Exception] = []
        for rid in (legacy.resource_id, "db-NOSUCHINSTANCE0000000000"):
            try:
                await pi.get_load(session.clients, place, rid, WINDOW, 60)
            except Exception as exc:
                errors.append(exc)
        try:
            await pi.get_load(session.clients, place, legacy.resource_id, WINDOW, 7)
        except Exception as exc:
            errors.append(exc)
        return errors

    errors = in_session(shop, use)
    assert [type(e) for e in errors[:2]] == [AccessDenied, AccessDenied]
    assert "pi:GetResourceMetrics" in errors[0].hint  # type: ignore[attr-defined]
    assert isinstance(errors[2], AccessDenied | BadRequest)


def test_a_bad_period_is_a_bad_request(shop: World) -> None:
    writer = instances(shop)["orders-writer"]

    async def use(session: AwsSession) -> Exception | None:
        place = await session.place(REGION)
        try:
            await pi.get_load(session.clients, place, writer.resource_id, WINDOW, 7)
        except Exception as exc:
            return exc
        return None

    assert isinstance(in_session(shop, use), BadRequest)


def test_montuis_figures_agree_with_boto3s_pi_client(shop: World) -> None:
    """What a person sees with `aws pi get-resource-metrics` / `describe-dimension-keys` for
    the same instance and window is what montui shows."""
    writer = instances(shop)["orders-writer"]

    async def use(session: AwsSession) -> Any:
        return await AwsDbLoad(session).load(writer, WINDOW)

    load = in_session(shop, use)
    client = boto3.client("pi", region_name=REGION, endpoint_url=shop.endpoint)
    common = {"ServiceType": "RDS", "Identifier": writer.resource_id,
              "StartTime": WINDOW.start, "EndTime": WINDOW.end}  # fmt: skip
    metrics = client.get_resource_metrics(
        **common, PeriodInSeconds=choose_period(WINDOW, now=NOW),
        MetricQueries=[{"Metric": "db.load.avg",
                        "GroupBy": {"Group": "db.wait_event", "Limit": 10}}],
    )  # fmt: skip
    lists = metrics["MetricList"]
    total = [p["Value"] for p in lists[0]["DataPoints"]]
    assert list(load.series.total) == pytest.approx(total)
    theirs = {
        m["Key"]["Dimensions"]["db.wait_event.name"]: [p["Value"] for p in m["DataPoints"]]
        for m in lists[1:]
    }
    for wait in load.series.waits:
        assert list(wait.values) == pytest.approx(theirs[wait.name])
    keys = client.describe_dimension_keys(
        **common, Metric="db.load.avg", GroupBy={"Group": "db.sql_tokenized", "Limit": 10}
    )["Keys"]
    assert [(k["Dimensions"]["db.sql_tokenized.statement"], k["Total"]) for k in keys] == [
        (r.statement, pytest.approx(r.aas)) for r in load.top_sql
    ]


def test_vcpus_from_the_class_when_pi_lacks_the_os_counter(
    shop: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instance whose PI refuses the counter (InvalidArgumentException: unknown metric)
    gets its vCPUs from its class, said so, and the next refresh does not ask again."""
    monkeypatch.setattr(pi, "VCPU_METRIC", "os.general.noSuchCounter.avg")
    writer = instances(shop)["orders-writer"]
    sent: list[int] = []

    async def use(session: AwsSession) -> Any:
        feed = AwsDbLoad(session)
        place = await session.place(REGION)
        client = await session.clients.client("pi", place)
        client.meta.events.register("before-send.pi.GetResourceMetrics", lambda **_: sent.append(1))
        first = await feed.load(writer, WINDOW)
        count = len(sent)
        await feed.load(writer, WINDOW)
        return first, count, len(sent) - count

    load, first_requests, second_requests = in_session(shop, use)
    assert (load.vcpus.count, load.vcpus.origin) == (8.0, VcpuOrigin.INSTANCE_CLASS)
    assert "from the instance class" in load.vcpus.describe()
    assert (first_requests, second_requests) == (2, 1)


@pytest.mark.parametrize(
    ("length", "period", "points"),
    [
        (timedelta(minutes=5), 1, 300),
        (timedelta(hours=1), 60, 60),
        (timedelta(days=1), 300, 288),
        (timedelta(weeks=1), 3600, 168),
    ],
)
def test_the_period_chosen_for_1h_1d_1w_is_what_pi_serves(
    shop: World, length: timedelta, period: int, points: int
) -> None:
    writer = instances(shop)["orders-writer"]
    window = TimeWindow.ending(NOW, length)

    async def use(session: AwsSession) -> Any:
        return await AwsDbLoad(session).load(writer, window)

    load = in_session(shop, use)
    assert load.series.period == period and len(load.series.total) == points
    first = load.series.timestamps[0]  # aligned to the period's boundary, as AWS does
    assert window.start - timedelta(seconds=period) < first <= window.start
