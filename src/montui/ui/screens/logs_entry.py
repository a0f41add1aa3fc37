"""Ways into the Logs Insights workbench: `l` on an alarm (board or detail) opens it with the
drill-down plan for that alarm; `w` on the board opens it empty.

The drill-down rules come from the app's settings and the query history from the app's
`QueryBook`; a test app without them gets none (duck-typed on purpose: screens only know
`App`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from textual.screen import Screen

from montui.feeds.history import AlarmHistory
from montui.feeds.insights import LogsInsights
from montui.model.alarm import Alarm
from montui.model.alarm_family import AlarmLookup, alarm_family
from montui.model.drilldown import DrilldownRule
from montui.model.evaluation import Episode
from montui.querybook import QueryBook
from montui.ui.screens.workbench import QueryWorkbench


def _rules(screen: Screen[Any]) -> tuple[DrilldownRule, ...]:
    settings = getattr(screen.app, "settings", None)
    return tuple(getattr(settings, "drilldown_rules", ()))


def _book(screen: Screen[Any]) -> QueryBook | None:
    book = getattr(screen.app, "query_book", None)
    return book if isinstance(book, QueryBook) else None


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
) -> None:
    """Push the workbench with `alarm`'s drill-down plan (worked out on the new screen) for
    `episode` (None: the current one, or the last of the past day)."""
    screen.app.push_screen(
        QueryWorkbench(
            insights,
            history=history,
            region=alarm.region,
            regions=tuple(regions) or (alarm.region,),
            clock=clock,
            book=_book(screen),
            alarm=alarm,
            children=alarm_family(alarm, lookup),
            rules=_rules(screen),
            utc=utc,
            episode=episode,
        )
    )


def workbench(
    screen: Screen[Any],
    insights: LogsInsights,
    history: AlarmHistory,
    *,
    clock: Callable[[], datetime],
    regions: Sequence[str],
) -> None:
    """Push an empty workbench on the first region, with the last query of the history."""
    book = _book(screen)
    last = book.history[0] if book is not None and book.history else None
    region = last.region if last is not None and last.region in regions else regions[0]
    screen.app.push_screen(
        QueryWorkbench(
            insights,
            history=history,
            region=region,
            regions=regions,
            clock=clock,
            book=book,
            query=last.query if last is not None else None,
            groups=last.groups if last is not None and last.region == region else (),
        )
    )
