"""The log group picker in a CloudWatch cross-account observability monitoring account
(scripted feed): linked accounts' groups listed with their account, the OAM notice, the
choice answered by ARN; and the notice saying why when nothing is linked. A snapshot at 80x24.

Update the snapshot after an intended change:
pytest tests/test_ui_linked_groups.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import SelectionList, Static

from montui.model.observability import LOG_GROUP, LinkedAccount, Observability
from montui.model.place import Place
from montui.ui.screens.log_groups import LogGroupPicker
from tests.fakes import FakeInsights

REGION = "ap-northeast-1"
BASE, SHOP = "123456789012", "222222222222"
GROUP = "/aws/lambda/hitori-contact-form"
LINKED = f"arn:aws:logs:{REGION}:{SHOP}:log-group:/aws/rds/cluster/shop/postgresql"
OAM = Observability(
    Place(BASE, REGION),
    sink_arn=f"arn:aws:oam:{REGION}:{BASE}:sink/s",
    linked=(LinkedAccount(SHOP, "shop-prod", frozenset({LOG_GROUP})),),
)


class PickerHost(App[None]):
    """Pushes the picker on mount and keeps what it answered."""

    def __init__(self, picker: LogGroupPicker) -> None:
        super().__init__()
        self.picker = picker
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.results.append)


def _picker(oam: Observability | None) -> LogGroupPicker:
    feed = FakeInsights()
    feed.groups = [GROUP, LINKED]
    feed.oam = oam
    return LogGroupPicker(feed, REGION, ())


def _rows(picker: LogGroupPicker) -> list[str]:
    listing = picker.query_one(SelectionList)
    lines = [listing.render_line(y).text.rstrip() for y in range(listing.size.height)]
    return [line for line in lines if line]


async def test_linked_groups_show_their_account_and_are_answered_by_arn() -> None:
    picker = _picker(OAM)
    app = PickerHost(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(picker.query_one("#groups-oam", Static).render()) == (
            f"OAM: 1 linked account in {REGION}"
        )
        assert _rows(picker) == [
            f"[ ] {GROUP}",
            "[ ] /aws/rds/cluster/shop/postgresql @ shop-prod",
        ]
        await pilot.press("down", "space", "down", "space", "enter")
        await pilot.pause()
    assert app.results == [(GROUP, LINKED)]


async def test_not_a_monitoring_account_says_so_in_one_line() -> None:
    picker = _picker(None)
    app = PickerHost(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(picker.query_one("#groups-oam", Static).render()) == (
            f"OAM: not a monitoring account in {REGION}"
        )


def test_picker_with_linked_groups_snapshot(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(PickerHost(_picker(OAM)), terminal_size=(80, 24), run_before=run_before)
