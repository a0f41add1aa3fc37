"""What the workbench tells the incident timeline: the drill-down's window when its plan is
worked out, a window the engineer chose (`t`, the library), and each query that ended, with
its rows and how it ended. Pure: the steps a change of `RunState` makes."""

from __future__ import annotations

from datetime import datetime

from montui.model.timeline import Step
from montui.ui.screens.workbench_state import RunState


def timeline_steps(old: RunState, new: RunState, at: datetime) -> tuple[Step, ...]:
    """The steps between two states of the workbench (most changes make none)."""
    steps: list[Step] = []
    alarm = new.alarm
    where = {"region": new.region, "alarm": alarm.name if alarm is not None else ""}
    if old.plan is None and new.plan is not None:
        plan = new.plan
        count = len(plan.log_groups)
        what = f"the drill-down window over {count} log group{'' if count == 1 else 's'}"
        steps.append(Step.window_chosen(at, what, plan.window.start, plan.window.end, **where))
    elif old.plan is new.plan and old.time_range != new.time_range:
        window = new.time_range.window(at)
        steps.append(
            Step.window_chosen(at, "the workbench's window", window.start, window.end, **where)
        )
    run = new.last_run
    if old.running and not new.running and run is not None and old.last_run is run:
        rows = len(new.result.rows) if new.result is not None else 0
        if new.stopped:
            outcome = "stopped"
        elif new.failure is not None:
            outcome = f"failed ({new.failure[0]})"
        else:
            outcome = "complete"
        steps.append(Step.query_ran(at, new.region, run, rows, outcome))
    return tuple(steps)
