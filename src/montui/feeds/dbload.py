"""Database load (RDS + Performance Insights): the instances to pick from, an instance's load
over a window with its top SQL, wait events, users and hosts, and one statement opened.

The vCPU line comes from PI's `os.general.numVCPUs` counter where the instance has it, else
from the instance class (`model.dbload.vcpus_from_class`); an instance whose PI answers that
the counter is unknown is remembered, so each later refresh is one request fewer.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.dbload import (
    DbInstance,
    DbLoad,
    LoadSeries,
    SqlDetail,
    SqlRow,
    VcpuOrigin,
    Vcpus,
    choose_period,
    vcpus_from_class,
    with_shares,
)
from montui.model.metrics import TimeWindow
from montui.sources.errors import BadRequest

TOP = 10
RECENT_PERIOD = 60
"""Triage's look at an instance: a point a minute."""


class DbLoadFeed(Protocol):
    """What the database load pane and `montui dbload` read."""

    async def instances(self, region: str) -> tuple[DbInstance, ...]:
        """The region's DB instances (PI state, cluster, writer)."""
        ...

    async def load(self, instance: DbInstance, window: TimeWindow, *, top: int = TOP) -> DbLoad:
        """The instance's load over `window`, its top SQL, waits, users and hosts."""
        ...

    async def sql_detail(self, instance: DbInstance, window: TimeWindow, row: SqlRow) -> SqlDetail:
        """One statement's full text and its own load over `window`."""
        ...

    async def recent(self, instance: DbInstance, window: TimeWindow) -> tuple[LoadSeries, Vcpus]:
        """The load and the vCPU line over a short `window` at 60 s, in one request (triage)."""
        ...


class AwsDbLoad:
    """RDS (sources.rds) and Performance Insights (sources.pi) through the session's clients."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._no_os_vcpus: set[str] = set()
        """Resource ids whose PI does not know the os.general.numVCPUs counter."""

    async def instances(self, region: str) -> tuple[DbInstance, ...]:
        from montui.sources.rds import db_instances

        place = await self.session.place(region)
        return tuple(await db_instances(self.session.clients, place))

    async def load(self, instance: DbInstance, window: TimeWindow, *, top: int = TOP) -> DbLoad:
        from montui.sources.pi import get_load, top_keys, top_sql

        clients = self.session.clients
        place = await self.session.place(instance.place.region)
        rid = instance.resource_id
        period = choose_period(window, now=window.end)
        with_vcpus = rid not in self._no_os_vcpus

        async def series() -> tuple[LoadSeries, float | None]:
            nonlocal with_vcpus
            try:
                return await get_load(clients, place, rid, window, period, with_vcpus=with_vcpus)
            except BadRequest:
                if not with_vcpus:
                    raise
            self._no_os_vcpus.add(rid)  # PI refused the OS counter: the class says
            with_vcpus = False
            return await get_load(clients, place, rid, window, period, with_vcpus=False)

        (load, os_vcpus), sql, waits, users, hosts = await asyncio.gather(
            series(),
            top_sql(clients, place, rid, window, top=top),
            top_keys(clients, place, rid, window, "db.wait_event", top=top),
            top_keys(clients, place, rid, window, "db.user", top=top),
            top_keys(clients, place, rid, window, "db.host", top=top),
        )
        vcpus = (
            Vcpus(os_vcpus, VcpuOrigin.OS_METRIC)
            if os_vcpus
            else vcpus_from_class(instance.instance_class)
        )
        mean = load.mean
        return DbLoad(
            instance=instance,
            window=window,
            series=load,
            vcpus=vcpus,
            top_sql=with_shares(sql, mean),
            top_waits=with_shares(waits, mean),
            top_users=with_shares(users, mean),
            top_hosts=with_shares(hosts, mean),
        )

    async def recent(self, instance: DbInstance, window: TimeWindow) -> tuple[LoadSeries, Vcpus]:
        from montui.sources.pi import get_load

        place = await self.session.place(instance.place.region)
        rid = instance.resource_id
        with_vcpus = rid not in self._no_os_vcpus
        try:
            load, os_vcpus = await get_load(
                self.session.clients, place, rid, window, RECENT_PERIOD, top=1,
                with_vcpus=with_vcpus,
            )  # fmt: skip
        except BadRequest:
            if not with_vcpus:
                raise
            self._no_os_vcpus.add(rid)
            load, os_vcpus = await get_load(
                self.session.clients, place, rid, window, RECENT_PERIOD, top=1, with_vcpus=False
            )
        if os_vcpus:
            return load, Vcpus(os_vcpus, VcpuOrigin.OS_METRIC)
        return load, vcpus_from_class(instance.instance_class)

    async def sql_detail(self, instance: DbInstance, window: TimeWindow, row: SqlRow) -> SqlDetail:
        from montui.sources.pi import get_load, sql_statement

        clients = self.session.clients
        place = await self.session.place(instance.place.region)
        rid = instance.resource_id
        period = choose_period(window, now=window.end)
        (text, status), (series, _) = await asyncio.gather(
            sql_statement(clients, place, rid, window, row.sql_id),
            get_load(clients, place, rid, window, period, sql_id=row.sql_id, with_vcpus=False),
        )
        if not text:
            text, status = row.statement, "TOKENIZED"
        return SqlDetail(row=row, text=text, text_status=status, series=series)
