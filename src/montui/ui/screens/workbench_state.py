"""What the workbench is asked to open (`WorkbenchRequest`) and what it shows (`RunState`).

Both frozen. The screen keeps one `RunState` in a reactive and renders it in a watcher; every
change is a new state made by one of the transitions below, which are pure (no textual, no
I/O), so that each is tested without a running app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from msgspec import Struct, field

from montui.model.alarm import Alarm
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.logs import QueryResult, QueryRun, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.model.time_range import TimeRange
from montui.ui.screens.query_library import LibraryChoice
from montui.ui.screens.workbench_text import one_command_per_line

DEFAULT_RANGE = TimeRange(relative=3600)

EpisodeLookup = Callable[[datetime], Awaitable[Episode | None]]
"""now → the alarm's last ALARM episode (None: none, or the history could not be read)."""


class WorkbenchRequest(Struct, frozen=True):
    """Why the workbench opens: a drill-down from `alarm` (its plan is worked out on the
    screen), or a scratch query with an initial text, log groups and window.

    `regions`: the regions `R` cycles through (empty: `region` only). `children`: the alarms
    under a composite by name; `episode`: the ALARM episode to drill into (None: the current
    one, or the one `last_episode` finds for an alarm no longer in ALARM)."""

    region: str
    regions: tuple[str, ...] = ()
    alarm: Alarm | None = None
    children: Mapping[str, Alarm] = field(default_factory=dict)
    rules: tuple[DrilldownRule, ...] = ()
    episode: Episode | None = None
    last_episode: EpisodeLookup | None = None
    query: str | None = None
    groups: tuple[str, ...] = ()
    time_range: TimeRange = DEFAULT_RANGE
    utc: bool = False
    window: TimeWindow | None = None
    """A drill-down's shared investigation window (None: the plan's own, by its rule)."""

    @classmethod
    def drilldown(
        cls,
        alarm: Alarm,
        *,
        regions: Sequence[str] = (),
        children: Mapping[str, Alarm] | None = None,
        rules: Sequence[DrilldownRule] = (),
        episode: Episode | None = None,
        last_episode: EpisodeLookup | None = None,
        utc: bool = False,
        window: TimeWindow | None = None,
    ) -> WorkbenchRequest:
        """The drill-down plan of `alarm`, in its region (at `window` when given)."""
        return cls(
            region=alarm.region,
            regions=tuple(regions) or (alarm.region,),
            alarm=alarm,
            children=dict(children or {}),
            rules=tuple(rules),
            episode=episode,
            last_episode=last_episode,
            utc=utc,
            window=window,
        )

    @classmethod
    def scratch(
        cls,
        region: str,
        *,
        regions: Sequence[str] = (),
        query: str | None = None,
        groups: Sequence[str] = (),
        time_range: TimeRange | None = None,
        utc: bool = False,
    ) -> WorkbenchRequest:
        """A query from scratch (None: the default query) over `groups` and `time_range`."""
        return cls(
            region=region,
            regions=tuple(regions),
            query=query,
            groups=tuple(groups),
            time_range=time_range or DEFAULT_RANGE,
            utc=utc,
        )


class HistogramView(Struct, frozen=True):
    """The histogram line: bars of `counts` per `label` bin, or a `note` instead."""

    counts: tuple[float | None, ...] = ()
    label: str = ""
    note: str = ""


class RunState(Struct, frozen=True):
    """Everything the workbench's title, log groups, status, histogram and body render from.

    `last_run` None: the body shows the plan (or the welcome); else the results of `result`,
    the latest snapshot of the running or finished query. `failure`: (message, hint) of what
    went wrong last; `plan_error`: the plan could not be worked out (shown in the body)."""

    region: str = ""
    regions: tuple[str, ...] = ()
    alarm: Alarm | None = None
    groups: tuple[str, ...] = ()
    time_range: TimeRange = DEFAULT_RANGE
    utc: bool = False
    zone: tzinfo = UTC
    plan: DrilldownPlan | None = None
    plan_error: str | None = None
    templates: tuple[str, ...] = ()
    last_run: QueryRun | None = None
    result: QueryResult | None = None
    running: bool = False
    stopped: bool = False
    failure: tuple[str, str] | None = None
    elapsed: float = 0.0
    term: str = ""
    histogram: HistogramView = HistogramView()
    histogram_bytes: float = 0.0

    @classmethod
    def opening(cls, request: WorkbenchRequest, zone: tzinfo) -> RunState:
        """The state before anything ran; `zone` is the local time zone."""
        return cls(
            region=request.region,
            regions=request.regions or (request.region,),
            alarm=request.alarm,
            groups=request.groups,
            time_range=request.time_range,
            utc=request.utc,
            zone=zone,
        )

    @property
    def tz(self) -> tzinfo:
        """The zone times are shown in."""
        return UTC if self.utc else self.zone

    @property
    def showing_plan(self) -> bool:
        """Nothing ran yet: the body shows the plan or the welcome."""
        return self.last_run is None

    @property
    def histogram_shown(self) -> HistogramView:
        """The histogram line as it should read now: a failed query has none, whatever its
        histogram query did (which failed too, or counted the records of a broken query)."""
        if self.failure is not None and self.last_run is not None:
            return HistogramView(note="no histogram: the query failed (see the line above)")
        return self.histogram

    # -- the plan ----------------------------------------------------------------------

    def planned(self, plan: DrilldownPlan) -> RunState:
        """The drill-down plan: its groups, window and query templates."""
        templates = tuple(one_command_per_line(q) for q in (plan.query, *plan.alternatives))
        return replace(
            self,
            plan=plan,
            groups=plan.log_groups,
            time_range=TimeRange.absolute(plan.window),
            templates=templates,
        )

    def plan_failed(self, message: str, hint: str) -> RunState:
        return replace(
            self, failure=(f"No drill-down plan: {message}", hint), plan_error=f"{message}\n{hint}"
        )

    def with_groups(self, groups: tuple[str, ...]) -> RunState:
        """Log groups picked; a plan not yet run lists them (its problem solved)."""
        plan = self.plan
        if plan is not None and self.showing_plan:
            plan = replace(plan, log_groups=groups, problem=None)
        return replace(self, groups=groups, plan=plan)

    def loaded(self, choice: LibraryChoice) -> RunState:
        """A query from the library: its log groups (if any) and window (if any)."""
        state = replace(self, groups=tuple(choice.groups) or self.groups)
        if choice.relative is not None:
            return replace(state, time_range=TimeRange(relative=choice.relative))
        if choice.window is not None:
            start, end = choice.window
            return replace(state, time_range=TimeRange(start=start, end=end))
        return state

    def next_region(self) -> RunState:
        """The next configured region, with no log group picked."""
        at = self.regions.index(self.region) if self.region in self.regions else -1
        return replace(self, region=self.regions[(at + 1) % len(self.regions)], groups=())

    def next_template(self, current: str) -> str:
        """The plan's query template after `current` (the first when it is none of them)."""
        at = self.templates.index(current) if current in self.templates else -1
        return self.templates[(at + 1) % len(self.templates)]

    # -- a run -------------------------------------------------------------------------

    def started(self, run: QueryRun) -> RunState:
        return replace(
            self,
            last_run=run,
            result=None,
            running=True,
            stopped=False,
            failure=None,
            elapsed=0.0,
            histogram_bytes=0.0,
        )

    def took(self, snapshot: QueryResult, elapsed: float) -> RunState:
        """A GetQueryResults snapshot; a FAILED or TIMEOUT one is a failure too."""
        failure = self.failure
        if snapshot.status in (QueryStatus.FAILED, QueryStatus.TIMEOUT):
            failure = (
                f"The query ended {snapshot.status.value}",
                "narrow the window or the log groups, and run it again",
            )
        return replace(self, result=snapshot, elapsed=elapsed, failure=failure)

    def failed(self, message: str, hint: str) -> RunState:
        return replace(self, failure=(message, hint))

    def ended(self, elapsed: float) -> RunState:
        return replace(self, running=False, elapsed=elapsed)

    def halted(self) -> RunState:
        """Stopped before it finished (StopQuery sent)."""
        return replace(self, running=False, stopped=True)

    def with_histogram(self, view: HistogramView, bytes_scanned: float | None = None) -> RunState:
        scanned = self.histogram_bytes if bytes_scanned is None else bytes_scanned
        return replace(self, histogram=view, histogram_bytes=scanned)
