"""The incident timeline's steps: what the engineer did while investigating, with the time.

montui records a `Step` when an alarm is opened, a window is chosen (the chart's, the
workbench's, a drill-down's), a query has run (with its row count), a pane is viewed (findings,
DB load, SES reputation: any pane calls `montui.ui.timeline_steps.record_step`), and when the
engineer adds a note (`N`). `montui.timeline` keeps them on disk; `retrospective` turns them
into the skeleton of a retrospective. Pure values: no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmKind
from montui.model.logs import QueryRun

__all__ = ["Step", "StepKind"]


class StepKind(StrEnum):
    """What kind of step; the value is what the file stores."""

    ALARM = "alarm opened"
    WINDOW = "window chosen"
    DRILLDOWN = "drill-down"
    QUERY = "query run"
    PANE = "pane viewed"
    NOTE = "note"


class Step(Struct, frozen=True):
    """One step of an investigation. `text` says it in words (`opened hitori-api-5xx (ALARM)`);
    the other fields keep what a retrospective needs: the alarm and its region (its
    transitions are read from history), and for a query its text, log groups, window and rows
    (to rerun it)."""

    at: datetime
    kind: StepKind
    text: str
    region: str = ""
    alarm: str = ""
    composite: bool = False
    query: str = ""
    groups: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    rows: int | None = None
    related: tuple[tuple[str, str, bool], ...] = ()
    """Other alarms the step concerns (a composite's family): (region, name, composite)."""

    @classmethod
    def alarm_opened(cls, at: datetime, alarm: Alarm) -> Step:
        """The engineer opened `alarm`'s detail."""
        return cls(
            at,
            StepKind.ALARM,
            f"opened {alarm.name} ({alarm.state.value}): {_short(alarm.state_reason)}",
            region=alarm.region,
            alarm=alarm.name,
            composite=alarm.kind is AlarmKind.COMPOSITE,
        )

    @classmethod
    def window_chosen(
        cls,
        at: datetime,
        what: str,
        start: datetime,
        end: datetime,
        *,
        region: str = "",
        alarm: str = "",
    ) -> Step:
        """A time window was chosen for `what` (`the chart of hitori-api-5xx`)."""
        text = f"{what}: {_span(start, end)}"
        return cls(at, StepKind.WINDOW, text, region, alarm, start=start, end=end)

    @classmethod
    def drilldown(
        cls, at: datetime, alarm: Alarm, episode: str = "", family: tuple[Alarm, ...] = ()
    ) -> Step:
        """The engineer drilled from `alarm` into its logs (`episode` says which one);
        `family`: a composite's alarms below it, whose transitions the retrospective reads."""
        which = f" ({episode})" if episode else ""
        return cls(
            at,
            StepKind.DRILLDOWN,
            f"drilled from {alarm.name} into its logs{which}",
            region=alarm.region,
            alarm=alarm.name,
            composite=alarm.kind is AlarmKind.COMPOSITE,
            related=tuple((a.region, a.name, a.kind is AlarmKind.COMPOSITE) for a in family),
        )

    @classmethod
    def query_ran(cls, at: datetime, region: str, run: QueryRun, rows: int, outcome: str) -> Step:
        """A Logs Insights query finished (`outcome`: complete, stopped, failed: …)."""
        first = next((line.strip() for line in run.query.splitlines() if line.strip()), "")
        groups = ", ".join(run.groups)
        return cls(
            at,
            StepKind.QUERY,
            f"query {outcome}, {rows:,} rows: {first} (on {groups})",
            region=region,
            query=run.query,
            groups=run.groups,
            start=run.start,
            end=run.end,
            rows=rows,
        )

    @classmethod
    def pane_viewed(cls, at: datetime, pane: str, detail: str = "", *, region: str = "") -> Step:
        """A pane was viewed: `pane` names it (`GuardDuty findings`), `detail` what it showed."""
        text = f"viewed {pane}" + (f": {detail}" if detail else "")
        return cls(at, StepKind.PANE, text, region=region)

    @classmethod
    def note(cls, at: datetime, text: str) -> Step:
        """The engineer's own words."""
        return cls(at, StepKind.NOTE, " ".join(text.split()))


REASON_LENGTH = 120
"""An alarm's state reason is cut to this many characters in a step (the history has it all)."""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _span(start: datetime, end: datetime) -> str:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC"
