"""Database load computed from a `Workload`: per minute, per (digest, wait event), on demand.

The load of a digest in minute `m` is its daytime sessions × the shop's day curve × a noise
factor drawn from (seed, digest, m), plus its bursts' sessions × their shape at `m`; each part
is split over its wait-event mix. A `Cell` is one (digest, wait event) pair; every dimension
group (`db.wait_event`, `db.sql_tokenized`, `db.sql`, `db.user`, `db.host`, …) is a way of
labelling cells (`db.sql` and `db.host` split a cell evenly over the digest's statements and
hosts), so a grouped load always sums to the total. One-second values add a wave to each
minute whose sum over the minute is zero: a minute's mean is the same at any period.

Nothing is stored: a week at one-minute resolution is ~10,000 minutes × a handful of digests.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from montui_world.ext.pi_workload import Digest, Workload, stable_id

__all__ = ["GROUPS", "Cell", "Entry", "LoadEngine", "facet_of"]

Entry = tuple[tuple[tuple[str, str], ...], float]
"""A dimension group's value for a cell: its dimensions (name, value) and the cell's share."""

GROUPS: dict[str, tuple[str, ...]] = {
    "db.wait_event": ("db.wait_event.name", "db.wait_event.type"),
    "db.wait_event_type": ("db.wait_event_type.name",),
    "db.sql_tokenized": (
        "db.sql_tokenized.id",
        "db.sql_tokenized.db_id",
        "db.sql_tokenized.statement",
    ),
    "db.sql": ("db.sql.id", "db.sql.db_id", "db.sql.statement", "db.sql.tokenized_id"),
    "db.user": ("db.user.id", "db.user.name"),
    "db.host": ("db.host.id", "db.host.name"),
    "db": ("db.id", "db.name"),
}
"""The dimension groups this world answers for Aurora PostgreSQL, and their dimensions."""

STATEMENT_LIMIT = 500
"""Statements in GetResourceMetrics and DescribeDimensionKeys are cut to this many characters;
GetDimensionKeyDetails gives the full text."""

_MASK = (1 << 64) - 1


def facet_of(dimension: str) -> str | None:
    """The group a dimension belongs to (`db.sql.id` → `db.sql`), None for no group."""
    for group, names in GROUPS.items():
        if dimension in names:
            return group
    return None


@dataclass(frozen=True, slots=True)
class Cell:
    """One digest's time in one wait event, labelled for every dimension group."""

    digest: int
    wait: str
    entries: Mapping[str, tuple[Entry, ...]]

    def share(self, group: str, entry: Entry, where: Mapping[str, str]) -> float:
        """The share of this cell that has `entry` for `group` and matches `where`."""
        if not _matches(entry, where):
            return 0.0
        share = entry[1]
        for other, entries in self.entries.items():
            if other == group:
                continue
            wanted = {k: v for k, v in where.items() if facet_of(k) == other}
            if wanted:
                share *= sum(e[1] for e in entries if _matches(e, wanted))
        return share


def _matches(entry: Entry, where: Mapping[str, str]) -> bool:
    dims = dict(entry[0])
    return all(dims[k] == v for k, v in where.items() if k in dims)


def _unit(seed: int, a: int, b: int) -> float:
    """A deterministic uniform number in [0, 1) from three integers (splitmix64)."""
    x = (seed * 0x9E3779B97F4A7C15 + a * 0xBF58476D1CE4E5B9 + b * 0x94D049BB133111EB) & _MASK
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 29
    x = (x * 0x94D049BB133111EB) & _MASK
    x ^= x >> 32
    return x / float(1 << 64)


_BLOCK = 1024


@lru_cache(maxsize=256)
def _noise_block(seed: int, digest: int, block: int) -> tuple[float, ...]:
    """The uniform numbers of 1024 consecutive minutes (cached, at most 256 blocks, ~8 MB:
    a request reads days of minutes)."""
    generator = random.Random(
        _MASK & (seed * 0x9E3779B97F4A7C15 + digest * 0xBF58476D1CE4E5B9 + block)
    )
    return tuple(generator.random() for _ in range(_BLOCK))


def _add(
    out: dict[str, list[float]], waits: Sequence[tuple[str, float]], levels: list[float]
) -> None:
    """Add `levels` split over `waits` to the per-wait series in `out`."""
    for wait, share in waits:
        series = out[wait]
        out[wait] = [v + share * level for v, level in zip(series, levels, strict=True)]


def day_curve(minute: int) -> float:
    """The shop's day: 0.35 at 04:00 JST, 1.0 at 16:00 JST."""
    hour = (minute / 60.0 + 9.0) % 24.0
    return 0.35 + 0.65 * (0.5 - 0.5 * math.cos(2 * math.pi * (hour - 4.0) / 24.0))


class LoadEngine:
    """The load of one instance's `Workload` at any minute or second."""

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.cells: tuple[Cell, ...] = tuple(
            Cell(index, wait, _entries(digest, wait))
            for index, digest in enumerate(workload.digests)
            for wait in _waits(digest)
        )

    def digest_minutes(
        self, index: int, minutes: range, curve: list[float] | None = None
    ) -> dict[str, list[float]]:
        """Digest `index`'s sessions per wait event, one value per minute of `minutes`
        (`curve`: `day_curve` of those minutes, computed once for all digests)."""
        digest = self.workload.digests[index]
        noise = self.workload.noise
        curve = curve if curve is not None else [day_curve(m) for m in minutes]
        factors = [1.0 + noise * (2.0 * u - 1.0) for u in self._uniforms(index, minutes)]
        if digest.diurnal:
            levels = [digest.sessions * f * c for f, c in zip(factors, curve, strict=True)]
        else:
            levels = [digest.sessions * f for f in factors]
        out = {wait: [0.0] * len(minutes) for wait in _waits(digest)}
        _add(out, digest.waits, levels)
        for burst in digest.bursts:
            strengths = [burst.shape(m) for m in minutes]
            if any(strengths):
                extra = [burst.sessions * s * f for s, f in zip(strengths, factors, strict=True)]
                _add(out, burst.waits, extra)
        return out

    def _uniforms(self, index: int, minutes: range) -> list[float]:
        """A uniform number in [0, 1) per minute, from (seed, digest, minute) alone."""
        if not minutes:
            return []
        first, last = minutes.start // _BLOCK, (minutes.stop - 1) // _BLOCK
        values: list[float] = []
        for block in range(first, last + 1):
            values.extend(_noise_block(self.workload.seed, index, block))
        offset = minutes.start - first * _BLOCK
        return values[offset : offset + len(minutes)]

    def cell_samples(self, start: int, end: int, period: int) -> tuple[list[list[float]], int]:
        """Every cell's samples between epoch seconds `start` and `end` (multiples of 60, or
        of 1 with `period` 1): per-minute values, or per-second ones for period 1; and the
        seconds each sample covers."""
        minutes = range(start // 60, (end + 59) // 60)
        curve = [day_curve(m) for m in minutes]
        count = len(self.workload.digests)
        per_digest = [self.digest_minutes(i, minutes, curve) for i in range(count)]
        if period >= 60:
            return [per_digest[c.digest][c.wait] for c in self.cells], 60
        jitter = self.workload.jitter
        seconds: list[list[float]] = []
        for cell in self.cells:
            values = per_digest[cell.digest][cell.wait]
            wave = 1 + cell.digest % 5
            phase = 2 * math.pi * _unit(self.workload.seed, cell.digest, -1)
            row = []
            for second in range(start, end):
                value = values[second // 60 - minutes.start]
                angle = 2 * math.pi * wave * (second % 60) / 60.0 + phase
                row.append(value * (1.0 + jitter * math.sin(angle)))
            seconds.append(row)
        return seconds, 1

    def statement(self, sql_id: str) -> str | None:
        """The full text of the statement whose `db.sql.id` is `sql_id`."""
        for digest in self.workload.digests:
            for example in digest.examples:
                if digest.sql_id(example) == sql_id:
                    return example
        return None

    def tokenized(self, tokenized_id: str) -> Digest | None:
        """The digest whose `db.sql_tokenized.id` is `tokenized_id`."""
        return next((d for d in self.workload.digests if d.tokenized_id == tokenized_id), None)


def _waits(digest: Digest) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for wait, _ in digest.waits:
        seen[wait] = None
    for burst in digest.bursts:
        for wait, _ in burst.waits:
            seen[wait] = None
    return tuple(seen)


def wait_type(wait: str) -> str:
    """`IO:DataFileRead` → `IO`; `CPU` → `CPU`."""
    return wait.split(":", 1)[0]


def _cut(text: str) -> str:
    return text if len(text) <= STATEMENT_LIMIT else text[:STATEMENT_LIMIT]


def _entries(digest: Digest, wait: str) -> dict[str, tuple[Entry, ...]]:
    kind = wait_type(wait)
    sql: list[Entry] = [
        (
            (
                ("db.sql.id", digest.sql_id(example)),
                ("db.sql.db_id", "pi-" + str(int(digest.sql_id(example)[:8], 16))),
                ("db.sql.statement", _cut(example)),
                ("db.sql.tokenized_id", digest.tokenized_id),
            ),
            1.0 / len(digest.examples),
        )
        for example in digest.examples
    ]
    hosts: list[Entry] = [
        (
            (("db.host.id", "host-" + stable_id("host", host)[:20]), ("db.host.name", host)),
            1.0 / len(digest.hosts),
        )
        for host in digest.hosts
    ]
    return {
        "db.wait_event": ((((("db.wait_event.name", wait), ("db.wait_event.type", kind))), 1.0),),
        "db.wait_event_type": (((("db.wait_event_type.name", kind),), 1.0),),
        "db.sql_tokenized": (
            (
                (
                    ("db.sql_tokenized.id", digest.tokenized_id),
                    ("db.sql_tokenized.db_id", digest.db_id),
                    ("db.sql_tokenized.statement", _cut(digest.statement)),
                ),
                1.0,
            ),
        ),
        "db.sql": tuple(sql),
        "db.user": (
            (
                (
                    ("db.user.id", str(16384 + int(stable_id("user", digest.user)[:4], 16))),
                    ("db.user.name", digest.user),
                ),
                1.0,
            ),
        ),
        "db.host": tuple(hosts),
        "db": (((("db.id", "db-" + digest.database), ("db.name", digest.database)), 1.0),),
    }


def weighted(samples: Sequence[Sequence[float]], weights: Sequence[float]) -> list[float]:
    """Σ weight × samples, element-wise (cells with weight 0 are skipped)."""
    out: list[float] = []
    for row, weight in zip(samples, weights, strict=True):
        if weight == 0.0:
            continue
        if not out:
            out = [weight * v for v in row]
        else:
            out = [o + weight * v for o, v in zip(out, row, strict=True)]
    return out or ([0.0] * len(samples[0]) if samples else [])
