"""What a database is busy with, as Performance Insights sees it: SQL digests and their sessions.

A `Workload` is a set of `Digest`s (one tokenized SQL statement each), each with its call rate
and latency (their product is the average active sessions it adds: Little's law), the wait
events its sessions spend their time in, who runs it (user, client hosts) and the literal
statements behind the digest; `Burst`s add load on top during scheduled stretches (a nightly
batch, a lock pile-up) with their own wait mix. Nothing is stored per second: `pi_engine`
computes any minute's load from these, the minute and the seed, deterministically.

The dimension values are Aurora PostgreSQL's (`CPU`, `IO:DataFileRead`, `Lock:transactionid`,
…); ids are stable hashes of the text, in the shapes Performance Insights uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Burst", "Digest", "Mix", "Workload", "stable_id"]

Mix = tuple[tuple[str, float], ...]
"""Wait events (`Type:Name`, or `CPU`) and the share of the time spent in each (sum 1)."""


def stable_id(*parts: str) -> str:
    """A 40-character upper-case hex id, stable for `parts` (Performance Insights' sql ids)."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest().upper()


@dataclass(frozen=True, slots=True)
class Burst:
    """Extra sessions of a digest while `shape(minute)` (epoch minute → 0..1) is above zero:
    `sessions` average active sessions at full strength, spending their time as `waits`."""

    sessions: float
    waits: Mix
    shape: Callable[[int], float]


@dataclass(frozen=True, slots=True)
class Digest:
    """One SQL digest: `statement` tokenized (`$1` for literals), `examples` the full texts
    behind it (load split evenly), `calls_per_sec` × `seconds_per_call` its daytime sessions,
    spent as `waits`; run by `user` from `hosts` (load split evenly)."""

    statement: str
    examples: tuple[str, ...]
    calls_per_sec: float
    seconds_per_call: float
    waits: Mix
    user: str
    hosts: tuple[str, ...]
    bursts: tuple[Burst, ...] = ()
    database: str = "shop"
    diurnal: bool = True
    """Follows the shop's day (busy in the Japanese afternoon, quiet before dawn)."""

    @property
    def sessions(self) -> float:
        """Average active sessions at the daytime rate (calls per second × seconds per call)."""
        return self.calls_per_sec * self.seconds_per_call

    @property
    def tokenized_id(self) -> str:
        """`db.sql_tokenized.id`."""
        return stable_id("tokenized", self.statement)

    @property
    def db_id(self) -> str:
        """`db.sql_tokenized.db_id`: Aurora PostgreSQL's query id (pg_stat_statements)."""
        return str(int(self.tokenized_id[:15], 16) - (1 << 59))

    def sql_id(self, example: str) -> str:
        """`db.sql.id` of one full statement."""
        return stable_id("sql", example)


@dataclass(frozen=True, slots=True)
class Workload:
    """An instance's digests, its vCPUs (the line load is read against) and the seed of its
    minute-to-minute noise; `since` (epoch seconds) is when its data starts."""

    digests: tuple[Digest, ...]
    vcpus: int
    seed: int = 0
    since: int = 0
    noise: float = 0.18
    """How far a minute strays from the digest's rate (± share)."""
    jitter: float = 0.3
    """How far a second strays from its minute (± share; the minute's mean is kept)."""
