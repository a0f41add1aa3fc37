"""`record_step`: how a screen adds a step to the incident timeline (`montui.timeline`).

Any pane calls `record_step(self, Step.pane_viewed(self.app.clock(), "GuardDuty findings",
"3 high", region=...))` (or another `Step` constructor); the step is added at once, in order,
and the file is written from a worker thread, so the UI never waits on the disk. A failed
write is a warning notification, never an error that ends the app; an app without a timeline
(a screen tested alone) records nothing.
"""

from __future__ import annotations

import asyncio

from textual.dom import DOMNode

from montui.model.timeline import Step
from montui.timeline import Timeline, TimelineError

__all__ = ["record_step"]


def record_step(node: DOMNode, step: Step) -> None:
    """Add `step` to the app's timeline and write it (see the module docstring)."""
    app = node.app
    timeline = getattr(app, "timeline", None)
    if not isinstance(timeline, Timeline):
        return
    timeline.add(step)

    async def write() -> None:
        try:
            await asyncio.to_thread(timeline.flush)
        except TimelineError as exc:
            app.notify(f"The incident timeline was not saved: {exc}", severity="warning")

    app.run_worker(write(), group="timeline", exit_on_error=False)
