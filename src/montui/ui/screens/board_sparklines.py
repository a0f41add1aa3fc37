"""The board's Trend column: a sparkline of each alarm on screen over the last hour.

`BoardSparklines` holds the values and runs one fetch loop per region. A loop wakes when its
region was polled (every row on screen is asked again) or when the view changed (scroll,
filter: only the rows not asked since the last poll), waits `DEBOUNCE` so a burst of scrolling
is one request, and then asks GetMetricData once for every such row of the region (split
only past 500 queries). A loop awaits its request before it waits again, so a region's
requests never overlap, and it never blocks the poll loops. A failed request leaves those
sparklines blank until the next poll and is counted (`failures`), never raised.

GetMetricData is billed per metric requested: `describe()` says how many one refresh asks for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from montui.feeds.metric_data import MetricData
from montui.model.alarm import Alarm
from montui.model.metrics import MetricSeries, TimeWindow
from montui.model.sparkline import (
    SPARK_WINDOW,
    AlarmKey,
    plan_sparklines,
    render_sparkline,
    slot_values,
    spark_period,
)
from montui.ui.widgets.sparkline import SPARK_WIDTH

DEBOUNCE = 0.3
"""Seconds a loop waits after a wake-up, so that scrolling through a page is one request."""


class BoardSparklines:
    """Sparkline values per alarm, the per-region fetch loops, and what they cost."""

    def __init__(
        self,
        metrics: MetricData,
        clock: Callable[[], datetime],
        metrics_of: Callable[[str], MetricData] | None = None,
    ) -> None:
        """`metrics_of(account id)`: that account's feed, with several accounts (else
        `metrics` for every alarm)."""
        self.metrics = metrics
        self.metrics_of = metrics_of or (lambda _: metrics)
        self.clock = clock
        self.enabled = True
        self.values: dict[AlarmKey, tuple[float | None, ...]] = {}
        self.asked: dict[str, set[AlarmKey]] = {}
        """Per region, the alarms asked since its last poll (not asked again on scroll)."""
        self.calls = 0
        self.metrics_requested = 0
        self.failures = 0
        self.last_error = ""
        self._wake: dict[str, asyncio.Event] = {}

    # -- what the board shows -----------------------------------------------------------

    def cell(self, alarm: Alarm) -> str:
        return render_sparkline(self.values.get(alarm.key, ()), SPARK_WIDTH)

    def describe(self, on_screen: Sequence[Alarm]) -> tuple[str, str]:
        """The binding's label for the key bar and its line in the help screen."""
        if not self.enabled:
            return "Trend: off", "Sparklines on/off (off: no GetMetricData requests)"
        metrics = sum(p.metrics for p in plan_sparklines(on_screen).values())
        warn = f" ⚠{self.failures}" if self.failures else ""
        failed = f"; {self.failures} failed, last: {self.last_error}" if self.failures else ""
        return (
            f"Trend {metrics}{warn}",
            f"Sparklines on/off. sparklines: {metrics} metrics/refresh (GetMetricData, "
            f"billed per metric requested; one request per region){failed}",
        )

    # -- when to fetch ------------------------------------------------------------------

    def polled(self, region: str) -> None:
        """The region was polled: ask again for every row of it on screen."""
        self.asked[region] = set()
        self._event(region).set()

    def view_changed(self) -> None:
        """Rows may have come on screen: ask for those not asked since the last poll."""
        for event in self._wake.values():
            event.set()

    def toggle(self) -> bool:
        """Sparklines off (values dropped, no requests) or on again (asked at once)."""
        self.enabled = not self.enabled
        self.values.clear()
        for region in self._wake:
            self.polled(region)
        return self.enabled

    def _event(self, region: str) -> asyncio.Event:
        return self._wake.setdefault(region, asyncio.Event())

    # -- fetching -------------------------------------------------------------------------

    async def run(
        self,
        region: str,
        on_screen: Callable[[], Sequence[Alarm]],
        changed: Callable[[], None],
    ) -> None:
        """The region's loop: wait, settle, one request for the rows on screen, repeat."""
        wake = self._event(region)
        while True:
            await wake.wait()
            await asyncio.sleep(DEBOUNCE)
            wake.clear()
            if self.enabled and await self.fetch(region, on_screen()):
                changed()

    async def fetch(self, region: str, alarms: Sequence[Alarm]) -> bool:
        """One request per account (more only past 500 queries) for `alarms` of `region` not
        yet asked. True when something changed on screen."""
        accounts = dict.fromkeys(a.place.account for a in alarms if a.region == region)
        changed = False
        for account in accounts:
            mine = [a for a in alarms if a.region == region and a.place.account == account]
            changed |= await self._fetch(region, account, mine)
        return changed

    async def _fetch(self, region: str, account: str, alarms: Sequence[Alarm]) -> bool:
        asked = self.asked.setdefault(region, set())
        mine = {a.key: a for a in alarms}
        plan = plan_sparklines(mine.values(), already=asked).get(region)
        if plan is None or not plan.queries:
            return False
        asked.update(plan.owners.values())  # a failure is not retried before the next poll
        now = self.clock().replace(second=0, microsecond=0) + timedelta(minutes=1)
        window = TimeWindow.ending(now, SPARK_WINDOW)
        results: list[MetricSeries] = []
        try:
            for chunk in plan.chunks:
                self.calls += 1
                self.metrics_requested += sum(1 for q in chunk if q.metric is not None)
                metrics = self.metrics_of(account)
                results.extend(await metrics.metric_data(region, chunk, window))
        except Exception as exc:  # a trend is never worth a crash
            self.failures += 1
            self.last_error = f"{region}: {getattr(exc, 'message', None) or exc}"
            for key in plan.owners.values():
                self.values.pop(key, None)
            return True
        if not self.enabled:
            return False
        by_id = {series.id: series for series in results}
        for query_id, key in plan.owners.items():
            series = by_id.get(query_id)
            slot = timedelta(seconds=spark_period(mine[key]))
            self.values[key] = slot_values(series, window, slot) if series else ()
        return True
