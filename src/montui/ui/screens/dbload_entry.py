"""Ways into the database load pane: `d` on the board (the selected RDS alarm's instance, or a
picker) and `d` in an RDS alarm's detail. An alarm's window is `model.drilldown.
drilldown_window` of its episode, the same rule and the same episode lookup as the Logs
Insights drill-down (`logs_entry.last_episode` for an alarm no longer in ALARM)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from textual.screen import Screen

from montui.feeds.dbload import DbLoadFeed
from montui.feeds.history import AlarmHistory
from montui.model.alarm import Alarm, AlarmState
from montui.model.dbload_target import DbTarget, alarm_db_target
from montui.model.drilldown import drilldown_window
from montui.model.evaluation import Episode
from montui.model.metrics import TimeWindow
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.dbload_places import Where


def open_dbload(
    screen: Screen[Any],
    feed: DbLoadFeed,
    *,
    clock: Callable[[], datetime],
    regions: Sequence[str],
    alarm: Alarm | None = None,
    history: AlarmHistory | None = None,
    episode: Episode | None = None,
    utc: bool = False,
    window: TimeWindow | None = None,
    instance: str | None = None,
    places: Sequence[Where] = (),
    refused: Sequence[tuple[str, str, Exception]] = (),
) -> None:
    """Push the load pane: for an RDS alarm, its instance (a cluster's writer, or a pick
    among the members) at the alarm's episode window; otherwise `instance` (`:db NAME`) or
    the instance picker. `window`: the shared investigation window, used instead.
    `places`: several accounts' (alias, region, feed); for an alarm, its own account's;
    `refused`: (alias, region, error) of accounts that could not connect (said in the picker)."""
    target = alarm_db_target(alarm) if alarm is not None else None
    if target is None and instance is not None:
        target = DbTarget(instance)
    if target is None:
        picker = DbLoadScreen(
            feed, regions=regions, clock=clock, utc=utc, window=window, places=places,
            refused=refused,
        )  # fmt: skip
        screen.app.push_screen(picker)
        return
    if alarm is None or window is not None:
        screen.app.push_screen(
            DbLoadScreen(
                feed, regions=regions if alarm is None else (alarm.region,), clock=clock,
                target=target, window=window, utc=utc, places=places,
            )
        )  # fmt: skip
        return
    rds_alarm = alarm

    async def window_of() -> TimeWindow:
        from montui.ui.screens.logs_entry import last_episode

        chosen = episode
        if chosen is None and rds_alarm.state is not AlarmState.ALARM and history is not None:
            chosen = await last_episode(history, rds_alarm, clock())
        return drilldown_window(rds_alarm, now=clock(), episode=chosen)

    screen.app.push_screen(
        DbLoadScreen(
            feed, regions=(alarm.region,), clock=clock, target=target, window_of=window_of,
            utc=utc, places=places,
        )
    )  # fmt: skip
