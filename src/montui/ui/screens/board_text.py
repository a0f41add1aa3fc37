"""The board's header line and its empty-table message, from the board's state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from montui.model.alarm import Alarm, AlarmState
from montui.model.board import state_counts, unknown_states
from montui.ui.widgets.board_header import header_text

if TYPE_CHECKING:
    from montui.ui.screens.board import BoardScreen


def board_header(
    board: BoardScreen, everything: list[Alarm], counts: dict[AlarmState, int] | None = None
) -> Text:
    """Identity, regions, counts (of `everything`, unless given; `…` for those not known
    while a place is still listing), and the view: `ALARM only /filter sort: name :region X`."""
    view = []
    if board.only:
        view.append(f"{board.only.short} only")
    if board.filter_text:
        view.append(f"/{board.filter_text}")
    if board.sort != "urgency":
        view.append(f"sort: {board.sort}")
    if scope := getattr(board.app, "region_scope", None):
        view.append(f":region {scope}")
    if account := getattr(board.app, "account_scope", None):
        view.append(f":account {account}")
    connection = board.poll.connection
    return header_text(
        identity=board.poll.identity,
        profile=connection.profile if connection else None,
        regions=connection.regions if connection else (),
        counts=counts if counts is not None else state_counts(everything),
        demo=bool(connection and connection.demo),
        view=" ".join(view),
        mono=board.app.no_color,
        accounts=board.poll.accounts.aliases if board.poll.accounts.multi else (),
        unknown=unknown_states(board.statuses.values(), connected=connection is not None),
    )


def empty_message(board: BoardScreen, everything: list[Alarm]) -> str:
    """What the board says when no row is shown."""
    if board.poll.connection is None or any(
        s.fetched_at is None and not s.error for s in board.statuses.values()
    ):
        return "Connecting to AWS…"
    listing = any(s.listing and not s.error for s in board.statuses.values())
    if not everything and listing:
        return "Nothing in ALARM. Listing the other alarms…"
    if listing and board.only is not None and board.only is not AlarmState.ALARM:
        return f"Listing the alarms: no {board.only.value} alarm is known yet."
    if not everything:
        return "No alarms in " + ", ".join(_place(key) for key in board.statuses) + "."
    what = f"{board.only.value} " if board.only else ""
    matching = f" matching '{board.filter_text}'" if board.filter_text else ""
    return f"No {what}alarms{matching}. Press a to show all, esc to clear the filter."


def _place(key: tuple[str, str]) -> str:
    """`us-east-1`, or `prod us-east-1` with several accounts."""
    alias, region = key
    return f"{alias} {region}" if alias else region
