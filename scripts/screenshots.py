"""Regenerate screenshots/*.svg from the demo world (`make screenshots`).

Starts the local AWS world once (as `montui --demo` does, at 10x speed), waits until the
scenario's contact-form incident is on (its composite alarm in ALARM), then runs the real app
against it for each shot, presses the keys the shot needs, waits for what the shot shows (a
condition, or a fixed pause for the simple ones), and saves an SVG.

The app's query history goes to a temporary directory, not your own (`user_data_dir()`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
INCIDENT = "hitori-contact-form-down"
SELECT_INCIDENT = ("slash", *"contact-form-down", "enter")
"""Filter the board down to the composite (its first row) and go back to the table."""

Step = Callable[[Any, Any], Awaitable[None]]
"""After the keys: (pilot, app) → wait for what the shot shows, maybe press more keys."""


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    keys: tuple[str, ...] = ()
    then: Step | None = None
    """None: a fixed pause (2.5 s after `enter`, the detail loads its chart; else 0.3 s)."""
    home: str = "board"
    """The first screen: the board (most shots start there) or triage (montui's own home)."""
    accounts: int = 1
    """How many accounts the demo world serves (`--demo --accounts N`), every one watched."""


async def wait_until(pilot: Any, what: str, ready: Callable[[], bool], within: float = 60) -> None:
    """Pause the pilot until `ready()` is true; stop the script after `within` seconds."""
    deadline = time.monotonic() + within
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {within:.0f} s waiting for {what}")
        await pilot.pause(0.1)


def _workbench(app: Any) -> Any:
    from montui.ui.screens.workbench import QueryWorkbench

    screen = app.screen
    return screen if isinstance(screen, QueryWorkbench) else None


async def logs_plan(pilot: Any, app: Any) -> None:
    """`l` was pressed: wait for the drill-down plan."""
    from montui.model.alarm import AlarmState

    def planned() -> bool:
        screen = _workbench(app)
        return screen is not None and screen.state.plan is not None

    await wait_until(pilot, "the drill-down plan", planned)
    alarm = _workbench(app).state.alarm
    if alarm is None or alarm.name != INCIDENT or alarm.state is not AlarmState.ALARM:
        raise SystemExit(f"the drill-down is not of {INCIDENT} in ALARM (it recovered?): run again")
    await pilot.pause(0.3)


async def logs_results(pilot: Any, app: Any) -> None:
    """The plan, then `enter`: wait for the query to complete and the histogram to be drawn."""
    await logs_plan(pilot, app)
    await pilot.press("enter")

    def complete() -> bool:
        screen = _workbench(app)
        result = screen.state.result if screen is not None else None
        if screen is None or result is None or not result.status.finished:
            return False
        return not screen.runner.busy

    await wait_until(pilot, "the query's results and its histogram", complete)
    await pilot.pause(1.0)


def _telling(row: dict[str, str]) -> int:
    """How well a row shows the incident when opened: 3 a JSON log line at ERROR, 2 an ERROR
    line, 1 JSON, 0 neither (JSON may follow a Lambda-style tab-separated prefix)."""
    message = row.get("@message", "")
    try:
        is_json = isinstance(json.loads(message.split("\t")[-1].strip()), dict)
    except ValueError:
        is_json = False
    error = "ERROR" in message
    return 3 if is_json and error else 2 if error else 1 if is_json else 0


async def logs_record(pilot: Any, app: Any) -> None:
    """The results, then `enter` on the first row whose @message is JSON or an ERROR line."""
    from montui.ui.screens.log_record import LogRecordScreen
    from montui.ui.widgets.query_results import ResultsTable

    await logs_results(pilot, app)
    table = app.screen.query_one(ResultsTable)
    scores = [_telling(dict(row)) for row in table.records]
    if not scores or max(scores) == 0:
        raise SystemExit("logs-record: no result row is JSON or an ERROR line")
    found = scores.index(max(scores))
    table.focus()
    table.move_cursor(row=found, column=0)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await wait_until(pilot, "the log record", lambda: isinstance(app.screen, LogRecordScreen))
    await pilot.pause(0.5)


async def reputation(pilot: Any, app: Any) -> None:
    """`e` was pressed: wait until every region's reputation is in and drawn."""
    from montui.ui.screens.reputation import ReputationScreen

    def drawn() -> bool:
        screen = app.screen
        return isinstance(screen, ReputationScreen) and screen.fetches >= 1

    await wait_until(pilot, "the SES reputation pane", drawn)
    await pilot.pause(0.3)


async def findings_pane(pilot: Any, app: Any) -> None:
    """`f` was pressed: wait for the findings (the board's watch polls them in the background)."""
    from montui.ui.screens.findings import FindingsScreen
    from montui.ui.widgets.finding_table import FindingTable

    def shown() -> bool:
        screen = app.screen
        return isinstance(screen, FindingsScreen) and screen.query_one(FindingTable).row_count > 0

    await wait_until(pilot, "the findings", shown)
    await pilot.pause(0.3)


async def finding_detail(pilot: Any, app: Any) -> None:
    """The pane, then `enter` on the contact form's credentials (the live High finding) when
    listed, else on the first row."""
    from montui.ui.screens.finding_detail import FindingDetailScreen
    from montui.ui.widgets.finding_table import FindingTable

    await findings_pane(pilot, app)
    table = app.screen.query_one(FindingTable)
    wanted = "IAMUser/InstanceCr"  # the Type column at 80 columns

    def rows() -> list[str]:
        return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]

    deadline = time.monotonic() + 120  # it appears 8 simulated minutes in
    while not any(wanted in row for row in rows()) and time.monotonic() < deadline:
        await pilot.pause(1.0)
    found = next((i for i, row in enumerate(rows()) if wanted in row), 0)
    table.move_cursor(row=found)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await wait_until(pilot, "the finding", lambda: isinstance(app.screen, FindingDetailScreen))


async def dbload_chart(pilot: Any, app: Any) -> None:
    """`d` was pressed on an RDS alarm: wait for the load chart and the top SQL."""
    from montui.ui.screens.dbload import DbLoadScreen

    def drawn() -> bool:
        screen = app.screen
        return isinstance(screen, DbLoadScreen) and screen.load is not None

    await wait_until(pilot, "the database load", drawn)
    await pilot.pause(0.5)


async def review(pilot: Any, app: Any) -> None:
    """The review pane, its cursor on the nightly flapper (its back-test shown below)."""
    from montui.ui.screens.review import ReviewScreen

    def reviewed() -> bool:
        return isinstance(app.screen, ReviewScreen) and app.screen.review is not None

    await wait_until(pilot, "the review", reviewed)
    screen = app.screen
    names = [(f.category.value, f.alarm.name) for f in screen.review.findings]
    screen.query_one("#review-lines").move_cursor(
        row=names.index(("flapping", "shop-aurora-writer-write-iops"))
    )
    await pilot.pause(0.3)


SHOTS: list[Shot] = [
    # The incident lasts about a minute of real time at 10x: the shots that need it come first.
    Shot("triage-80x24", (80, 24), home="triage"),
    Shot("triage-160x50", (160, 50), home="triage"),
    Shot("board-80x24", (80, 24)),
    Shot("board-160x50", (160, 50)),
    Shot("detail-composite-80x24", (80, 24), (*SELECT_INCIDENT, "enter")),
    Shot("logs-plan", (80, 24), (*SELECT_INCIDENT, "l"), logs_plan),
    Shot("logs-results", (80, 24), (*SELECT_INCIDENT, "l"), logs_results),
    Shot("logs-record", (80, 24), (*SELECT_INCIDENT, "l"), logs_record),
    Shot("detail-80x24", (80, 24), ("slash", *"hitori math", "enter", "enter")),
    Shot("detail-160x50", (160, 50), ("slash", *"hitori math", "enter", "enter")),
    Shot("board-filter-80x24", (80, 24), ("slash", *"hitori", "enter")),
    Shot("board-alarm-only-80x24", (80, 24), ("1",)),
    Shot("help-80x24", (80, 24), ("question_mark",)),
    Shot("tune-160x50", (160, 50), ("slash", *"write-iops", "enter", "enter", "t")),
    Shot("reputation-80x24", (80, 24), ("e",), reputation),
    Shot("reputation-160x50", (160, 50), ("e",), reputation),
    Shot("findings-80x24", (80, 24), ("f",), findings_pane),
    Shot("finding-detail-80x24", (80, 24), ("f",), finding_detail),
    Shot("dbload-80x24", (80, 24), ("slash", *"write-iops", "enter", "d"), dbload_chart),
    Shot("dbload-160x50", (160, 50), ("slash", *"write-iops", "enter", "d"), dbload_chart),
    Shot("review-80x24", (80, 24), ("v",), review),
    Shot("board-accounts-80x24", (80, 24), accounts=3),
    Shot("board-accounts-160x50", (160, 50), accounts=3),
    Shot("findings-accounts-160x50", (160, 50), ("f",), findings_pane, accounts=3),
]


def wait_for_incident(world: Any, timeout: float = 240) -> None:
    """Until the composite is in ALARM and, so that the drill-down plan shows both the Lambda
    and the API Gateway log groups, its children too (if they do not all fire together
    before `timeout`, the shots go on with the composite alone)."""
    import boto3

    from montui.model.composite_rule import children, parse_rule

    client = boto3.client(
        "cloudwatch",
        region_name="ap-northeast-1",
        endpoint_url=world.endpoint,
        aws_access_key_id=world.access_key,
        aws_secret_access_key=world.secret_key,
    )
    deadline = time.monotonic() + timeout
    fired = False
    while time.monotonic() < deadline:
        found = client.describe_alarms(AlarmNames=[INCIDENT], AlarmTypes=["CompositeAlarm"])
        composite = next(iter(found["CompositeAlarms"]), None)
        if composite is not None and composite["StateValue"] == "ALARM":
            fired = True
            names = sorted(children(parse_rule(composite["AlarmRule"])))
            kids = client.describe_alarms(AlarmNames=names)
            states = [a["StateValue"] for a in [*kids["MetricAlarms"], *kids["CompositeAlarms"]]]
            if states and all(state == "ALARM" for state in states):
                return
        elif fired:
            raise SystemExit(f"{INCIDENT} recovered before its children were all in ALARM")
        time.sleep(1)
    if not fired:
        raise SystemExit(f"{INCIDENT} did not fire within {timeout:.0f} s")
    print(f"{INCIDENT}: its children were not all in ALARM; going on", file=sys.stderr)


async def shoot(
    world: Any, shot: Shot, data_dir: Path, specs_of: dict[int, tuple[Any, ...]]
) -> Path:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.model.signals import Source
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.triage import TriageScreen
    from montui.ui.wiring import aws_accounts

    specs = specs_of.get(shot.accounts, ())
    accounts = aws_accounts(AwsRequest(demo=True), specs, world=world, data_dir=data_dir)
    app = MontuiApp(
        accounts.primary, Settings(), data_dir=data_dir, home=shot.home, accounts=accounts
    )
    async with app.run_test(size=shot.size) as pilot:

        def board_ready() -> bool:
            screen: Any = app.screen
            return (
                isinstance(screen, BoardScreen)
                and bool(screen.poll.identity)
                and all(s.listed_at for s in screen.statuses.values())
            )

        def triage_ready() -> bool:
            screen: Any = app.screen
            return isinstance(screen, TriageScreen) and len(screen.answered()) == len(Source)

        if shot.home == "triage":
            await wait_until(pilot, f"{shot.name}: every source on triage", triage_ready)
        else:
            what = f"{shot.name}: the board's data from the demo world"
            await wait_until(pilot, what, board_ready)
        await pilot.press(*shot.keys)
        if shot.then is not None:
            await shot.then(pilot, app)
        else:
            await pilot.pause(2.5 if "enter" in shot.keys else 0.3)
        path = Path(app.save_screenshot(filename=f"{shot.name}.svg", path=str(OUT)))
        await pilot.press("escape", "escape", "q")
    return path


def main() -> int:
    from montui.launch import DemoWorld

    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    OUT.mkdir(exist_ok=True)
    only = set(sys.argv[1:])  # shot names: only those (default: all)
    for accounts in sorted({shot.accounts for shot in SHOTS}):
        shots = [s for s in SHOTS if s.accounts == accounts and (not only or s.name in only)]
        if not shots:
            continue
        with DemoWorld(accounts) as world, tempfile.TemporaryDirectory() as data:
            print(f"waiting for the demo incident ({INCIDENT})…", file=sys.stderr)
            wait_for_incident(world)
            fired = time.monotonic()
            specs_of = {accounts: world.account_specs()}
            for shot in shots:
                path = asyncio.run(shoot(world, shot, Path(data), specs_of))
                since = time.monotonic() - fired
                print(f"{path.relative_to(ROOT)}  (+{since:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
