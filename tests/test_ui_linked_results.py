"""The workbench's results over several accounts (a monitoring account's query over a linked
account's group): the account each row comes from is the first column. Scripted feed rows as
`feeds.insights` labels them; a snapshot at 80x24.

Update the snapshot after an intended change:
pytest tests/test_ui_linked_results.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

from montui.model.logs import QueryResult, QueryStatus
from montui.ui.widgets.query_results import ResultsTable
from tests.test_ui_workbench_snapshots import STATS, ScriptedFeed, _app, _open, _row, _until

BASE, SHOP = "123456789012", "222222222222"
GROUP = "/aws/lambda/hitori-contact-form"


def _labelled(minute: int, account: str, label: str, message: str) -> dict[str, str]:
    row = _row(minute, 0, message)
    return {"account": label, **row, "@log": f"{account}:{GROUP}"}


ROWS = (
    _labelled(3, SHOP, "shop-prod", "Task timed out after 10.01 seconds"),
    _labelled(4, BASE, BASE, "[ERROR] ClientError: Throttling when calling SendEmail"),
)
COMPLETE = QueryResult("q1", QueryStatus.COMPLETE, ROWS, STATS)


def test_results_over_two_accounts_show_the_account_first(snap_compare: Any) -> None:
    feed = ScriptedFeed([COMPLETE])
    shown: list[tuple[str, ...]] = []

    async def run_before(pilot: Any) -> None:
        bench = await _open(pilot, feed)
        await pilot.press("enter")
        table = bench.query_one(ResultsTable)
        await _until(pilot, lambda: table.row_count == 2)
        shown.append(tuple(str(c.label) for c in table.columns.values()))

    assert snap_compare(_app(feed), terminal_size=(80, 24), run_before=run_before)
    assert shown[0][0] == "account"
