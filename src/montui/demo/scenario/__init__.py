"""The demo's scenario: two applications' alarms, the metrics behind them, and their stories.

- `hitori`: MONITORING.md's worked example, the contact-form site, in the middle of an
  incident (its N values are documented there);
- `shop`, `shop_async`, `shop_edge`: a larger e-commerce application, mostly quiet;
- `spec`: the vocabulary; `signals`: deterministic metric values that agree with each
  alarm's story; `reasons`: StateReason / StateReasonData in AWS's words.

`montui.demo.seed` plays it into a world over the AWS API.
"""

from __future__ import annotations

from montui.demo.scenario import hitori, shop, shop_async, shop_edge
from montui.demo.scenario.spec import AlarmSpec, CompositeSpec, LogMetricFilter

ALARMS: tuple[AlarmSpec, ...] = (
    *hitori.ALARMS,
    *shop.WEB_TIER,
    *shop.DATA_TIER,
    *shop_async.ALARMS,
    *shop_edge.ALARMS,
)
COMPOSITES: tuple[CompositeSpec, ...] = (*hitori.COMPOSITES, *shop.COMPOSITES)
LOG_FILTERS: tuple[LogMetricFilter, ...] = shop_async.LOG_FILTERS
