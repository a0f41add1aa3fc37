"""Database load as Performance Insights measures it: the DB instances it can be asked about,
the load over a window by wait event against the instance's vCPUs, and the SQL, wait events,
users and hosts that carry it.

Pure data and arithmetic: the sources build these from RDS and `pi` answers; the pane, the
`montui dbload` command and their tests read them. Every object from AWS carries its place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import Enum
from typing import TypeVar

from msgspec import Struct

from montui.model.metrics import TimeWindow
from montui.model.place import Place
from montui.model.records import replace

TOP_WAITS = 10
"""Wait events charted one by one; the rest are summed as "other"."""

OTHER = "other"
"""The name of the load outside the top wait events."""


class DbInstance(Struct, frozen=True):
    """An RDS DB instance as the load pane picks it: where it is, what it runs, whether
    Performance Insights is on for it (and its `DbiResourceId`, the `pi` API's identifier)."""

    place: Place
    identifier: str
    engine: str
    instance_class: str
    resource_id: str
    pi_enabled: bool
    cluster: str = ""
    """The DB cluster it is a member of ("" on its own)."""
    writer: bool = False
    """The cluster's writer (False for a reader, or an instance without a cluster)."""

    @property
    def role(self) -> str:
        """`writer`, `reader` or "" (no cluster)."""
        if not self.cluster:
            return ""
        return "writer" if self.writer else "reader"


def enabling_hint(instance: DbInstance) -> str:
    """What turning Performance Insights on for `instance` takes (it is an instance setting;
    montui, read-only, never changes it)."""
    return (
        "Turning it on is a change to the instance, made by someone allowed "
        "rds:ModifyDBInstance (no restart): "
        f"aws rds modify-db-instance --db-instance-identifier {instance.identifier} "
        f"--enable-performance-insights --region {instance.place.region} --apply-immediately. "
        "Its load is recorded from then on (7 days kept free of charge)."
    )


def picker_order(instances: Iterable[DbInstance]) -> list[DbInstance]:
    """PI-enabled instances first; within that, cluster members together (the writer first)
    ordered by cluster, then the instances on their own; by identifier within each."""

    def key(instance: DbInstance) -> tuple[bool, str, bool, str]:
        group = instance.cluster or "~" + instance.identifier
        return (not instance.pi_enabled, group, not instance.writer, instance.identifier)

    return sorted(instances, key=key)


class VcpuOrigin(Enum):
    """Where the vCPU line comes from."""

    OS_METRIC = "os.general.numVCPUs"
    INSTANCE_CLASS = "instance class"
    UNKNOWN = "unknown"


class Vcpus(Struct, frozen=True):
    """The instance's vCPU count and where montui got it."""

    count: float | None
    origin: VcpuOrigin

    def describe(self) -> str:
        """`4 vCPUs (os.general.numVCPUs)`, `4 vCPUs (from the instance class)`."""
        if self.count is None:
            return "vCPUs unknown"
        count = f"{self.count:g}"
        if self.origin is VcpuOrigin.OS_METRIC:
            return f"{count} vCPUs (os.general.numVCPUs)"
        return f"{count} vCPUs (from the instance class)"


_SIZE_VCPUS = {
    "micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8,
    "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64, "24xlarge": 96,
    "32xlarge": 128, "48xlarge": 192,
}  # fmt: skip


def vcpus_from_class(instance_class: str) -> Vcpus:
    """The vCPUs of an RDS instance class by its size (`db.r6g.xlarge` → 4): the usual count
    for the size on current generations; `db.serverless` and unknown sizes are unknown."""
    size = instance_class.rsplit(".", 1)[-1]
    count = _SIZE_VCPUS.get(size)
    if count is None:
        return Vcpus(None, VcpuOrigin.UNKNOWN)
    return Vcpus(float(count), VcpuOrigin.INSTANCE_CLASS)


# -- periods ---------------------------------------------------------------------------

PERIODS = (1, 60, 300, 3600, 86400)
"""The periods GetResourceMetrics accepts, in seconds."""

MAX_POINTS = 400
"""At most this many points per series: more would not fit a terminal's width anyway."""

FINE_RETENTION_SECONDS = 86400
"""1-second data is kept for about a day: older windows start at one minute."""


def choose_period(window: TimeWindow, *, now: datetime | None = None) -> int:
    """The shortest period the API accepts that keeps `window` at `MAX_POINTS` points or
    fewer (1 h → 60 s, 1 d → 300 s, 1 w → 3600 s); never 1 s for a window that starts more
    than a day before `now`."""
    seconds = max(1.0, window.length.total_seconds())
    for period in PERIODS:
        too_old = now is not None and (now - window.start).total_seconds() > FINE_RETENTION_SECONDS
        if period == 1 and too_old:
            continue
        if seconds / period <= MAX_POINTS:
            return period
    return PERIODS[-1]


# -- load ------------------------------------------------------------------------------


class WaitLoad(Struct, frozen=True):
    """One wait event's share of the load: its average active sessions per point."""

    name: str
    wait_type: str
    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values) if self.values else 0.0


class LoadSeries(Struct, frozen=True):
    """db.load.avg over a window at `period`: the total per point and its split into the top
    wait events (largest first) plus `other` (the rest: total minus the top, never below 0)."""

    timestamps: tuple[datetime, ...]
    total: tuple[float, ...]
    waits: tuple[WaitLoad, ...]
    period: int

    @property
    def other(self) -> tuple[float, ...]:
        return tuple(
            max(0.0, total - sum(w.values[i] for w in self.waits))
            for i, total in enumerate(self.total)
        )

    @property
    def mean(self) -> float:
        """Average active sessions over the window."""
        return sum(self.total) / len(self.total) if self.total else 0.0

    @property
    def peak(self) -> float:
        return max(self.total, default=0.0)

    def stacked(self) -> tuple[WaitLoad, ...]:
        """The top waits then `other` (when it is not all zero), as the chart stacks them."""
        other = self.other
        if any(v > 0.005 for v in other):
            return (*self.waits, WaitLoad(OTHER, "", other))
        return self.waits


def load_series(
    timestamps: Sequence[datetime],
    total: Sequence[float],
    waits: Iterable[WaitLoad],
    period: int,
    *,
    top: int = TOP_WAITS,
) -> LoadSeries:
    """The series, its waits ordered by mean load (largest first) and cut to `top`."""
    ordered = sorted(waits, key=lambda w: (-w.mean, w.name))[:top]
    return LoadSeries(tuple(timestamps), tuple(total), tuple(ordered), period)


# -- top dimensions --------------------------------------------------------------------


class TopKey(Struct, frozen=True):
    """One row of a top list (a wait event, a user, a host): its average active sessions over
    the window and its share of the window's load (0..1)."""

    name: str
    aas: float
    share: float
    detail: str = ""
    """A wait event's type (`IO`, `Lock`, `CPU`); empty for users and hosts."""


class SqlRow(Struct, frozen=True):
    """One tokenized SQL statement (digest) of the top SQL: its load, its share, and how
    that load splits over wait events (largest first)."""

    sql_id: str
    """`db.sql_tokenized.id`: what its own load and full text are asked by."""
    statement: str
    aas: float
    share: float
    waits: tuple[tuple[str, float], ...] = ()
    db_id: str = ""

    @property
    def top_wait(self) -> str:
        return self.waits[0][0] if self.waits else ""


def share_of(aas: float, total: float) -> float:
    """`aas` as a share of `total` (0 when total is 0)."""
    return aas / total if total > 0 else 0.0


def with_shares(rows: Iterable[_Shared], total: float) -> tuple[_Shared, ...]:
    """The rows with their shares of `total` (the window's average active sessions)."""
    return tuple(replace(row, share=share_of(row.aas, total)) for row in rows)


def wait_mix(partitions: Sequence[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """A statement's load per wait event, largest first, the zero ones dropped."""
    kept = [(name, value) for name, value in partitions if value > 0]
    return tuple(sorted(kept, key=lambda p: (-p[1], p[0])))


_Shared = TypeVar("_Shared", SqlRow, TopKey)


class DbLoad(Struct, frozen=True):
    """What the pane shows for one instance and window: the load by wait event against the
    vCPUs, the top SQL and the top wait events, users and hosts."""

    instance: DbInstance
    window: TimeWindow
    series: LoadSeries
    vcpus: Vcpus
    top_sql: tuple[SqlRow, ...] = ()
    top_waits: tuple[TopKey, ...] = ()
    top_users: tuple[TopKey, ...] = ()
    top_hosts: tuple[TopKey, ...] = ()

    @property
    def above_vcpus(self) -> int:
        """How many points have more active sessions than vCPUs (waiting for CPU or I/O)."""
        if self.vcpus.count is None:
            return 0
        return sum(1 for v in self.series.total if v > self.vcpus.count)


class SqlDetail(Struct, frozen=True):
    """One statement opened: its full text (when PI has it) and its own load over the
    window by wait event."""

    row: SqlRow
    text: str
    text_status: str
    """`AVAILABLE`, `PROCESSING`, `UNAVAILABLE` (GetDimensionKeyDetails' Status), or
    `TOKENIZED` when only the digest is known."""
    series: LoadSeries
