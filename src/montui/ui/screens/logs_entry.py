"""Ways into the Logs Insights workbench: `l` on an alarm (board or detail) opens it with the
drill-down plan for that alarm; `w` on the board opens it empty. Each builds the
`WorkbenchRequest`; the alarm history behind an episode is read here (`AlarmHistory`), so
the workbench itself only needs Logs Insights.

The drill-down rules come from the app's settings and the query history from the app's
`QueryBook`; a test app without them gets none (duck-typed on purpose: screens only know
`App`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from textual.screen import Screen

from montui.feeds.history import AlarmHistory
from montui.feeds.insights import LogsInsights
from montui.model.alarm import Alarm, AlarmState
from montui.model.alarm_family import AlarmLookup, alarm_family
from montui.model.drilldown import DrilldownRule
from montui.model.evaluation import Episode
from montui.model.history import alarm_episodes
from montui.model.metrics import TimeWindow
from montui.model.time_range import TimeRange
from montui.model.timeline import Step
from montui.querybook import QueryBook
from montui.sources.errors import SourceError
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.screens.workbench_state import WorkbenchRequest
from montui.ui.timeline_steps import record_step

EPISODE_LOOKUP = timedelta(days=1)
"""How far back `l` on an alarm not in ALARM looks for its last episode."""


def _rules(screen: Screen[Any]) -> tuple[DrilldownRule, ...]:
    settings = getattr(screen.app, "settings", None)
    return tuple(getattr(settings, "drilldown_rules", ()))


def _book(screen: Screen[Any]) -> QueryBook | None:
    book = getattr(screen.app, "query_book", None)
    return book if isinstance(book, QueryBook) else None


async def last_episode(
    history: AlarmHistory, alarm: Alarm, now: datetime, lookup: timedelta = EPISODE_LOOKUP
) -> Episode | None:
    """`alarm`'s last ALARM episode of the past `lookup` (None: none, or the history failed)."""
    try:
        items = await history.history(alarm, now - lookup, now)
    except SourceError:
        return None
    episodes = alarm_episodes(items, window_start=now - lookup, now=now, current=alarm.state)
    return episodes[-1] if episodes else None


def drilldown(
    screen: Screen[Any],
    alarm: Alarm,
    insights: LogsInsights,
    history: AlarmHistory,
    *,
    clock: Callable[[], datetime],
    lookup: AlarmLookup,
    regions: Sequence[str] = (),
    utc: bool = False,
    episode: Episode | None = None,
    window: TimeWindow | None = None,
) -> None:
    """Push the workbench with `alarm`'s drill-down plan (worked out on the new screen) for
    `episode` (None: the current one, or for an alarm no longer in ALARM the last of the
    past day); `window`: the shared investigation window, which the plan then uses."""
    find_episode = None
    if episode is None and window is None and alarm.state is not AlarmState.ALARM:
        find_episode = partial(last_episode, history, alarm)
    family = alarm_family(alarm, lookup)
    request = WorkbenchRequest.drilldown(
        alarm,
        regions=regions,
        children=family,
        rules=_rules(screen),
        episode=episode,
        last_episode=find_episode,
        utc=utc,
        window=window,
    )
    which = f"the episode from {episode.start.astimezone(UTC):%H:%M} UTC" if episode else ""
    record_step(screen, Step.drilldown(clock(), alarm, which, tuple(family.values())))
    screen.app.push_screen(QueryWorkbench(insights, request, clock=clock, book=_book(screen)))


def workbench(
    screen: Screen[Any],
    insights: LogsInsights,
    *,
    clock: Callable[[], datetime],
    regions: Sequence[str],
    window: TimeWindow | None = None,
) -> None:
    """Push an empty workbench on the first region, with the last query of the history
    (`window`: the shared investigation window, else the default range)."""
    book = _book(screen)
    last = book.history[0] if book is not None and book.history else None
    region = last.region if last is not None and last.region in regions else regions[0]
    request = WorkbenchRequest.scratch(
        region,
        regions=regions,
        query=last.query if last is not None else None,
        groups=last.groups if last is not None and last.region == region else (),
        time_range=TimeRange.absolute(window) if window is not None else None,
    )
    screen.app.push_screen(QueryWorkbench(insights, request, clock=clock, book=book))
