"""Stopping the Logs Insights queries a killed montui left running (`montui.running_queries`).

Used by the app after its first frame (through `LogsInsights.stop_leftovers`) and by
`montui query` before it starts its own. Only queries recorded against the same endpoint and
profile (and account, when both sides know it) are asked about; the others stay recorded for a
montui with those credentials, until Logs Insights' 60-minute limit has ended them anyway.
StopQuery on a query that has finished or that AWS does not know is "already stopped".
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from msgspec import Struct

from montui.model.place import Place
from montui.running_queries import RunningQueries, RunningQuery

if TYPE_CHECKING:
    from montui.sources.session import AwsClients

log = logging.getLogger(__name__)


class LeftoverSweep(Struct, frozen=True):
    """What the sweep stopped (queries that were still running) and what went wrong reading."""

    stopped: tuple[RunningQuery, ...] = ()
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """`Stopped 2 Logs Insights queries left running by an earlier montui (pid 4242): …`."""
        n = len(self.stopped)
        noun = "query" if n == 1 else "queries"
        pids = ", ".join(sorted({str(q.pid) for q in self.stopped}))
        ids = ", ".join(f"{q.query_id} ({q.region})" for q in self.stopped)
        return (
            f"Stopped {n} Logs Insights {noun} left running by an earlier montui "
            f"(pid {pids}): {ids}"
        )


def _ours(query: RunningQuery, clients: AwsClients, account: str) -> bool:
    target = clients.target
    if query.endpoint != target.endpoint_url or query.profile != target.profile:
        return False
    return not (query.account and account and query.account != account)


async def stop_leftover_queries(
    ledger: RunningQueries, clients: AwsClients, *, account: str = ""
) -> LeftoverSweep:
    """Read the dead processes' running queries (in a thread), StopQuery those of these
    credentials concurrently, and forget the ones that are no longer running."""
    from montui.sources.errors import SourceError
    from montui.sources.logs import stop_query

    found = await asyncio.to_thread(ledger.leftovers)
    candidates = [q for q in found.queries if _ours(q, clients, account)]
    outcomes = await asyncio.gather(
        *(
            stop_query(clients, Place(q.account or account, q.region), q.query_id)
            for q in candidates
        ),
        return_exceptions=True,
    )
    done: set[str] = set()
    stopped: list[RunningQuery] = []
    for query, outcome in zip(candidates, outcomes, strict=True):
        if isinstance(outcome, SourceError):
            log.warning("could not stop leftover query %s: %s", query.query_id, outcome)
            continue  # tried again at the next start
        if isinstance(outcome, BaseException):
            raise outcome
        done.add(query.query_id)
        if outcome:
            stopped.append(query)
    await asyncio.to_thread(ledger.settle, found, done)
    return LeftoverSweep(tuple(stopped), found.warnings)
