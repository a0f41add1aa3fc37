"""The world's "now": the one time every read API of the local AWS world takes as the present.

AWS answers relative to its own clock: GetMetricData rounds StartTime by the age of the data
(1 minute under 15 days, 5 minutes under 63, then an hour), ListMetrics' RecentlyActive looks
back 3 hours, a datapoint or a saved query without a time is stamped now. In the world that
clock is the scenario's, not the machine's: a scenario anchored at a fixed moment (the tests)
must read the same on any date. `WORLD_CLOCK` is the wall clock until a scenario makes it
follow its own time (`follow`), and again after the world is reset (`reset`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime


class WorldClock:
    """A replaceable source of the present, in UTC; safe to read from any thread."""

    def __init__(self) -> None:
        self._source: Callable[[], datetime] | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The present as the world sees it (timezone-aware UTC)."""
        with self._lock:
            source = self._source
        return (source() if source is not None else datetime.now(UTC)).astimezone(UTC)

    def naive(self) -> datetime:
        """`now()` as naive UTC, the way moto keeps its timestamps."""
        return self.now().replace(tzinfo=None)

    def epoch(self) -> int:
        """`now()` in whole epoch seconds."""
        return int(self.now().timestamp())

    def epoch_ms(self) -> int:
        """`now()` in epoch milliseconds."""
        return int(self.now().timestamp() * 1000)

    def follow(self, source: Callable[[], datetime]) -> None:
        """From now on, the present is whatever `source()` says."""
        with self._lock:
            self._source = source

    def reset(self) -> None:
        """Back to the wall clock."""
        with self._lock:
            self._source = None


WORLD_CLOCK = WorldClock()
