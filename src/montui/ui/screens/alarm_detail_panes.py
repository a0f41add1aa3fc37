"""The panes an alarm's detail opens, `l` (Logs drill-down) and `d` (database load): at the
episode chosen with `[` `]`, else at the shared investigation window when it is not this
alarm's own untouched one (`ui/panes.window_for`), else by the drill-down's rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from montui.feeds.dbload import DbLoadFeed
from montui.model.evaluation import Episode
from montui.ui.panes import window_for

if TYPE_CHECKING:
    from montui.ui.screens.alarm_detail import AlarmDetailScreen


def detail_logs(detail: AlarmDetailScreen, episode: Episode | None) -> None:
    from montui.ui.screens.logs_entry import drilldown

    window = None if episode is not None else window_for(detail.app, detail.alarm)
    drilldown(
        detail, detail.alarm, detail.insights, detail.history, clock=detail.clock,
        lookup=detail.lookup, utc=detail.utc, episode=episode, window=window,
    )  # fmt: skip


def detail_dbload(detail: AlarmDetailScreen, feed: DbLoadFeed, episode: Episode | None) -> None:
    from montui.ui.screens.dbload_entry import open_dbload

    window = None if episode is not None else window_for(detail.app, detail.alarm)
    open_dbload(
        detail, feed, clock=detail.clock, regions=(detail.alarm.region,), alarm=detail.alarm,
        history=detail.history, episode=episode, utc=detail.utc, window=window,
    )  # fmt: skip
