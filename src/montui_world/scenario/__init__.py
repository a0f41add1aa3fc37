"""The demo's scenario: two applications' alarms, the metrics behind them, and their stories.

- `hitori`: MONITORING.md's worked example, the contact-form site, healthy at the start
  and with a scripted incident a couple of minutes later (its N values are documented there);
- `shop`, `shop_async`, `shop_edge`: a larger e-commerce application, mostly quiet, with a
  noisy alarm that fires every night;
- `spec`: the vocabulary; `signals`: each alarm's story as breaching and missing intervals;
  `plan`: the scenario resolved for a seed and a start time; `series`: the metric values;
  `logs`: Lambda and RDS log lines that agree with them.

`montui_world.seed` configures it in a world over the AWS API, `montui_world.backfill` writes
its past in-process, and `montui_world.live` keeps it moving.
"""

from __future__ import annotations

from montui_world.scenario import hitori, shop, shop_async, shop_edge
from montui_world.scenario.spec import AlarmSpec, CompositeSpec, LogMetricFilter

ALARMS: tuple[AlarmSpec, ...] = (
    *hitori.ALARMS,
    *shop.WEB_TIER,
    *shop.DATA_TIER,
    *shop_async.ALARMS,
    *shop_edge.ALARMS,
)
COMPOSITES: tuple[CompositeSpec, ...] = (*hitori.COMPOSITES, *shop.COMPOSITES)
LOG_FILTERS: tuple[LogMetricFilter, ...] = shop_async.LOG_FILTERS
