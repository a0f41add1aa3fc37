"""CloudWatch cross-account observability (OAM): what the session's account reads of others.

`AwsObservability` asks `sources.oam.observability` once per region and keeps the answer
`TTL` seconds (links change rarely; the workbench and the charts ask often). An error asking
(throttled, the network) is a state too: no linked account, the error's message as the
reason, asked again on the next call. The Logs Insights feed lists and queries linked
accounts' log groups through it; the metric data feed reads linked accounts' metrics.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.observability import Observability, not_monitoring
from montui.sources.errors import SourceError

TTL = 300.0
"""Seconds an answer is kept."""


class CrossAccount(Protocol):
    """The base account's OAM state per region."""

    async def observability(self, region: str) -> Observability:
        """Whether the base account is a monitoring account in `region`, and who is linked."""
        ...


class AwsObservability:
    """`sources.oam` through the session's clients, kept `TTL` seconds per region."""

    def __init__(self, session: AwsSession, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.clock = clock
        self._known: dict[str, tuple[float, Observability]] = {}

    async def observability(self, region: str) -> Observability:
        """The state in `region` (asked again after `TTL` seconds, or after an error)."""
        kept = self._known.get(region)
        if kept is not None and self.clock() - kept[0] < TTL:
            return kept[1]
        from montui.sources.oam import observability

        place = await self.session.place(region)
        try:
            found = await observability(self.session.clients, place)
        except SourceError as exc:
            return not_monitoring(place, f"OAM: {exc.message}")
        self._known[region] = (self.clock(), found)
        return found
