"""A scripted `DbLoadFeed`: instances per region, and loads made from sessions (a statement,
its wait mix, its active sessions as a function of time), summed the way PI sums them.

`shop_instances()` and `SHOP_SESSIONS` give the pane's tests and snapshots the demo's shapes:
the nightly report batch (IO:DataFileRead, above the vCPU line), the lock pile-up behind one
UPDATE (Lock:transactionid), an instance with Performance Insights off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from montui.feeds.dbload import DbLoadFeed
from montui.model.dbload import (
    DbInstance,
    DbLoad,
    LoadSeries,
    SqlDetail,
    SqlRow,
    TopKey,
    Vcpus,
    WaitLoad,
    choose_period,
    load_series,
    vcpus_from_class,
    wait_mix,
    with_shares,
)
from montui.model.metrics import TimeWindow
from montui.model.place import Place
from tests.fakes.data import NOW

PLACE = Place("123456789012", "ap-northeast-1")


@dataclass(frozen=True)
class Session:
    """One statement's sessions: its text, wait mix (shares summing to 1), user and host,
    and its average active sessions at a moment."""

    sql_id: str
    statement: str
    waits: tuple[tuple[str, float], ...]
    aas_at: Callable[[datetime], float]
    user: str = "shop_app"
    host: str = "10.0.1.17"
    full_text: str = ""


def _between(
    start: datetime, end: datetime, high: float, low: float
) -> Callable[[datetime], float]:
    return lambda t: high if start <= t < end else low


BATCH_START = NOW - timedelta(minutes=50)
BATCH_END = NOW - timedelta(minutes=20)
PILEUP_START = NOW - timedelta(minutes=25)

NIGHTLY_REPORT = Session(
    "A1B2C3D4", "SELECT o.region, date_trunc(?, o.created_at) AS day, sum(l.amount) FROM "
    "orders o JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= ? GROUP BY ?, ?",
    (("IO:DataFileRead", 0.78), ("CPU", 0.17), ("IO:BufFileRead", 0.05)),
    _between(BATCH_START, BATCH_END, 6.2, 0.0), user="reporting", host="10.0.3.40",
    full_text="SELECT o.region,\n       date_trunc('day', o.created_at) AS day,\n"
    "       sum(l.amount) AS revenue\n  FROM orders o\n  JOIN order_lines l ON l.order_id = o.id\n"
    " WHERE o.created_at >= now() - interval '1 day'\n GROUP BY 1, 2\n ORDER BY 1, 2;",
)  # fmt: skip
ORDER_INSERT = Session(
    "E5F6A7B8", "INSERT INTO orders (customer_id, region, created_at) VALUES (?, ?, ?)",
    (("CPU", 0.5), ("IO:XactSync", 0.4), ("Lock:transactionid", 0.1)),
    lambda t: 0.9, host="10.0.1.17",
)  # fmt: skip
CART_READ = Session(
    "C9D0E1F2", "SELECT * FROM cart_items WHERE cart_id = ?",
    (("CPU", 0.8), ("IO:DataFileRead", 0.2)), lambda t: 0.6, host="10.0.1.18",
)  # fmt: skip
BLOCKING_UPDATE = Session(
    "F3A4B5C6", "UPDATE inventory SET reserved = reserved + ? WHERE sku = ?",
    (("Lock:transactionid", 0.92), ("CPU", 0.08)),
    _between(PILEUP_START, NOW + timedelta(days=1), 9.5, 0.05), host="10.0.1.19",
)  # fmt: skip

BATCH_SESSIONS = (NIGHTLY_REPORT, ORDER_INSERT, CART_READ)
PILEUP_SESSIONS = (BLOCKING_UPDATE, ORDER_INSERT, CART_READ)


def shop_instances() -> list[DbInstance]:
    """The shop's Aurora writer and reader, and an old MySQL instance with PI off."""
    return [
        DbInstance(PLACE, "shop-aurora-reader", "aurora-postgresql", "db.r6g.xlarge",
                   "db-READERREADERREADERREADER01", True, "shop-aurora", False),
        DbInstance(PLACE, "shop-legacy-mysql", "mysql", "db.t3.medium",
                   "db-LEGACYLEGACYLEGACYLEGACY01", False),
        DbInstance(PLACE, "shop-aurora-writer", "aurora-postgresql", "db.r6g.xlarge",
                   "db-WRITERWRITERWRITERWRITER01", True, "shop-aurora", True),
    ]  # fmt: skip


def synthetic(
    instance: DbInstance, window: TimeWindow, sessions: tuple[Session, ...], top: int = 10
) -> DbLoad:
    """The load those sessions make over `window`, at the period the feed would ask for."""
    series = _series(window, sessions)
    mean = series.mean
    rows = [
        SqlRow(s.sql_id, s.statement, _mean(window, series.period, s.aas_at), 0.0,
               wait_mix([(w, _mean(window, series.period, s.aas_at) * f) for w, f in s.waits]))
        for s in sessions
    ]  # fmt: skip
    rows.sort(key=lambda r: -r.aas)
    waits = [TopKey(w.name, w.mean, 0.0, w.wait_type) for w in series.waits]
    users: dict[str, float] = {}
    hosts: dict[str, float] = {}
    for s, row in zip(sessions, [next(r for r in rows if r.sql_id == s.sql_id) for s in sessions],
                      strict=True):  # fmt: skip
        users[s.user] = users.get(s.user, 0.0) + row.aas
        hosts[s.host] = hosts.get(s.host, 0.0) + row.aas
    return DbLoad(
        instance=instance, window=window, series=series,
        vcpus=vcpus_from_class(instance.instance_class),
        top_sql=with_shares(rows[:top], mean),
        top_waits=with_shares(waits, mean),
        top_users=with_shares(_keys(users), mean),
        top_hosts=with_shares(_keys(hosts), mean),
    )  # fmt: skip


def _keys(values: dict[str, float]) -> list[TopKey]:
    return [TopKey(k, v, 0.0) for k, v in sorted(values.items(), key=lambda kv: -kv[1])]


def _moments(window: TimeWindow, period: int) -> list[datetime]:
    step = timedelta(seconds=period)
    first = window.start - timedelta(seconds=window.start.timestamp() % period)
    moments = []
    moment = first if first >= window.start else first + step
    while moment < window.end:
        moments.append(moment)
        moment += step
    return moments


def _mean(window: TimeWindow, period: int, aas_at: Callable[[datetime], float]) -> float:
    moments = _moments(window, period)
    return sum(aas_at(m) for m in moments) / len(moments) if moments else 0.0


def _series(
    window: TimeWindow, sessions: tuple[Session, ...], period: int | None = None
) -> LoadSeries:
    period = period or choose_period(window, now=window.end)
    moments = _moments(window, period)
    per_wait: dict[str, list[float]] = {}
    for s in sessions:
        for wait, share in s.waits:
            values = per_wait.setdefault(wait, [0.0] * len(moments))
            for i, m in enumerate(moments):
                values[i] += s.aas_at(m) * share
    total = [sum(v[i] for v in per_wait.values()) for i in range(len(moments))]
    waits = [WaitLoad(w, w.split(":")[0], tuple(v)) for w, v in per_wait.items()]
    return load_series(moments, total, waits, period)


class FakeDbLoad:
    """`instances[region]`; `sessions[identifier]` drive `load`; `fail[region]` raised while
    set (`load_fail[identifier]` for one instance's load); `calls` records each load asked."""

    def __init__(self, instances: dict[str, list[DbInstance]] | None = None) -> None:
        self.instances_by_region: dict[str, list[DbInstance]] = instances or {}
        self.sessions: dict[str, tuple[Session, ...]] = {}
        self.fail: dict[str, Exception] = {}
        self.load_fail: dict[str, Exception] = {}
        self.calls: list[tuple[str, TimeWindow]] = []
        self.recent_calls: list[tuple[str, TimeWindow]] = []

    async def instances(self, region: str) -> tuple[DbInstance, ...]:
        if region in self.fail:
            raise self.fail[region]
        return tuple(self.instances_by_region.get(region, ()))

    async def load(self, instance: DbInstance, window: TimeWindow, *, top: int = 10) -> DbLoad:
        self.calls.append((instance.identifier, window))
        if instance.identifier in self.load_fail:
            raise self.load_fail[instance.identifier]
        return synthetic(instance, window, self.sessions.get(instance.identifier, ()), top)

    async def recent(self, instance: DbInstance, window: TimeWindow) -> tuple[LoadSeries, Vcpus]:
        self.recent_calls.append((instance.identifier, window))
        if instance.identifier in self.load_fail:
            raise self.load_fail[instance.identifier]
        series = _series(window, self.sessions.get(instance.identifier, ()), 60)
        return series, vcpus_from_class(instance.instance_class)

    async def sql_detail(self, instance: DbInstance, window: TimeWindow, row: SqlRow) -> SqlDetail:
        sessions = self.sessions.get(instance.identifier, ())
        session = next((s for s in sessions if s.sql_id == row.sql_id), None)
        own = tuple(s for s in sessions if s.sql_id == row.sql_id)
        text = session.full_text if session is not None and session.full_text else row.statement
        status = "AVAILABLE" if session is not None and session.full_text else "TOKENIZED"
        return SqlDetail(row, text, status, _series(window, own))


def shop_dbload(sessions: tuple[Session, ...] = BATCH_SESSIONS) -> FakeDbLoad:
    """The shop's instances in ap-northeast-1, the writer running `sessions`."""
    feed = FakeDbLoad({PLACE.region: shop_instances()})
    feed.sessions["shop-aurora-writer"] = sessions
    feed.sessions["shop-aurora-reader"] = (CART_READ,)
    return feed


_check: DbLoadFeed = FakeDbLoad()
