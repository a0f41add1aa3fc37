"""The GuardDuty finding, SES reputation and database load panes add a step to the incident
timeline when viewed (once per thing shown, not per refresh)."""

from __future__ import annotations

from montui.model.timeline import StepKind
from montui.ui.app import MontuiApp
from montui.ui.screens.finding_detail import FindingDetailScreen
from tests.test_ui_dbload import WRITE_IOPS, loaded, make_app, select, until
from tests.test_ui_findings import open_pane as open_findings
from tests.test_ui_findings import setup as findings_app
from tests.test_ui_findings import until as until_findings
from tests.test_ui_reputation import open_pane as open_reputation
from tests.test_ui_reputation import reputation_app


def viewed(app: MontuiApp) -> list[str]:
    return [s.text for s in app.timeline.steps if s.kind is StepKind.PANE]


async def test_a_finding_opened_is_a_step() -> None:
    app, fake, _ = findings_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_findings(pilot, fake, app)
        await pilot.press("enter")
        await until_findings(pilot, lambda: isinstance(app.screen, FindingDetailScreen))
        await until_findings(pilot, lambda: bool(viewed(app)))
    (text,) = viewed(app)
    assert text.startswith("viewed GuardDuty finding: Critical 9")


async def test_the_reputation_pane_is_one_step_with_each_regions_status() -> None:
    app, _ = reputation_app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_reputation(pilot, app)
        pane.action_refresh()
        await pilot.pause(0.1)
    (text,) = viewed(app)
    assert text.startswith("viewed SES reputation: ap-northeast-1 ")


async def test_the_database_load_is_a_step_with_its_window_and_top_sql() -> None:
    app, _ = make_app([WRITE_IOPS])
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        await pilot.press("r")
        await pilot.pause(0.1)
    steps = [s for s in app.timeline.steps if s.kind is StepKind.PANE]
    assert len(steps) == 1
    assert steps[0].text.startswith("viewed database load: ")
    assert "top SQL" in steps[0].text
    assert steps[0].start is not None and steps[0].end is not None
