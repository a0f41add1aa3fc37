"""SVG snapshots of the triage screen in the demo incident at 80x24 and 160x50: the contact
form down, the DB lock pile-up and a High finding under act now; the SES bounce rate near
review, a Medium finding and a next-day alarm below; an unclassified alarm counted.

Scripted feeds shaped like the demo (`tests/triage_data.py`), frozen clock. Update after an
intended change: pytest tests/test_ui_triage_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest

from montui.ui.screens.triage import TriageScreen
from tests.fakes import frozen_clock
from tests.triage_data import demo_app


async def _complete(pilot: Any) -> None:
    for _ in range(300):
        screen = pilot.app.screen
        if isinstance(screen, TriageScreen) and len(screen.answered()) == 4:
            break
        await pilot.pause()
    for _ in range(3):
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_triage_demo_incident_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    app = demo_app(clock=frozen_clock)
    assert snap_compare(app, terminal_size=size, run_before=_complete)


def test_triage_snapshot_while_the_alarms_are_listing(snap_compare: Any) -> None:
    """Issue 16 leftovers: the act-now rows of the ALARM answer shown, the freshness line
    saying the full listing is still under way (`alarms 0s listing…`)."""
    import asyncio

    from tests.triage_data import demo_alarms, demo_feeds

    alarms = demo_alarms()
    alarms.hold_listing = asyncio.Event()  # never set: the listing stays under way
    app = demo_app(demo_feeds(alarms), clock=frozen_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_complete)
