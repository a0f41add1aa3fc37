"""Rendering the workbench's `RunState` into its widgets: the title, log-group and status
lines, the histogram, the results table, and the plan (or welcome) before the first run.

Called by the screen's `watch_state` with the state shown before and the new one, so that the
table appends rows instead of being rebuilt, and the plan is redrawn only when it changed.
"""

from __future__ import annotations

from datetime import datetime

from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from montui.model.insights_syntax import result_columns, shown_fields
from montui.ui.screens.workbench_state import RunState
from montui.ui.screens.workbench_text import body_text, range_text, status_text, title_text
from montui.ui.widgets.query_results import MatchHistogram, ResultsTable


def render_state(
    screen: Screen[None], old: RunState | None, new: RunState, *, now: datetime
) -> None:
    """Show `new` on the workbench `screen`; `old` (None: nothing shown yet) spares what did
    not change."""
    if not screen.query("#wb-title"):
        return  # not composed yet, or gone
    table = screen.query_one(ResultsTable)
    if old is not None and new.result is not old.result:
        if new.result is None:
            table.reset()
        else:
            seen = new.result.fields
            query = new.last_run.query if new.last_run is not None else ""
            columns = result_columns(query, seen)
            if "account" in seen:  # a query over several accounts (feeds.insights labels rows)
                # `@log` (added to tell the accounts apart) only when the query names it
                own = shown_fields(query)
                rest = (c for c in columns if c != "account" and (c != "@log" or c in own))
                columns = ("account", *rest)
            table.show(new.result, tz=new.tz, term=new.term, columns=columns)
    elif old is not None and (new.tz, new.term) != (old.tz, old.term) and table.records:
        table.restyle(tz=new.tz, term=new.term)
    window = new.time_range.window(now)
    screen.query_one("#wb-title", Static).update(
        title_text(new.region, new.alarm, new.time_range, window, new.tz)
    )
    screen.query_one("#wb-where", Static).update(range_text(new.groups))
    status = screen.query_one("#wb-status", Static)
    status.set_class(new.failure is not None, "failed")  # wraps: the error reads in full
    status.update(
        status_text(
            result=new.result,
            running=new.running,
            stopped=new.stopped,
            failure=new.failure,
            elapsed=new.elapsed,
            planned=new.plan is not None and new.showing_plan,
            term=new.term,
            matches=len(table.matching()) if new.term else 0,
            histogram_bytes=new.histogram_bytes,
        )
    )
    shown = new.histogram_shown
    if old is None or shown != old.histogram_shown:
        histogram = screen.query_one(MatchHistogram)
        if shown.counts:
            histogram.show(list(shown.counts), shown.label)
        else:
            histogram.note(shown.note)
    _render_body(screen, old, new)


def _plan_look(state: RunState) -> tuple[object, ...]:
    """What the plan pane shows depends on."""
    return (state.plan, state.plan_error, state.alarm, bool(state.groups), state.tz)


def _render_body(screen: Screen[None], old: RunState | None, new: RunState) -> None:
    switcher = screen.query_one(ContentSwitcher)
    if not new.showing_plan:
        switcher.current = "wb-results"
        return
    if old is None or not old.showing_plan or _plan_look(new) != _plan_look(old):
        text = body_text(
            new.plan,
            new.plan_error,
            new.alarm,
            bool(new.groups),
            new.tz,
            planning=new.alarm is not None,
        )
        screen.query_one("#wb-plan-text", Static).update(text)
    switcher.current = "wb-plan"
