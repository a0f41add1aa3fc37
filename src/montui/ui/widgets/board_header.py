"""The board's top line: account, profile, regions and how many alarms are in each state."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from montui.model.account import Identity
from montui.model.accounts import header_words
from montui.model.alarm import AlarmState
from montui.model.region import region_code
from montui.ui.widgets.alarm_table import state_style


def header_text(
    *,
    identity: Identity | None,
    profile: str | None,
    regions: tuple[str, ...],
    counts: dict[AlarmState, int],
    demo: bool,
    view: str,
    mono: bool = False,
    accounts: Sequence[str] = (),
    unknown: frozenset[AlarmState] = frozenset(),
) -> Text:
    """`montui ✖ 3 ? 2 ✔ 55 [ALARM only]  123456789012 (prod)  apne1,use1`.

    Counts and the current view come first so that a narrow terminal cuts the least important
    part (the regions are shown as short codes when there are several). With several
    `accounts` (their aliases): `3 accounts · 2 regions  shared,prod,dev` instead of the
    account and profile. A state in `unknown` (a place still listing: `model.board.
    unknown_states`) shows `…` instead of a count: `✖ 3 ? … ✔ …`, never a 0 that is not known."""
    text = Text()
    text.append(" montui ", style="bold reverse")
    if demo:
        text.append(" DEMO", style="bold" if mono else "bold magenta")
    text.append(" ")
    for state in AlarmState:
        if state in unknown:
            text.append(f"{state.symbol} …", style="dim")
            text.append(" ")
            continue
        style = state_style(state, mono) if counts.get(state) else "dim"
        text.append(f"{state.symbol} {counts.get(state, 0)}", style=style)
        text.append(" ")
    if view:
        text.append(f"[{view}]", style="bold reverse")
        text.append(" ")
    if len(accounts) > 1:
        text.append(f" {header_words(accounts, regions)}")
        text.append(f"  {','.join(accounts)}", style="dim")
        return text
    account = identity.account if identity else "…"
    text.append(f" {account}")
    if profile:
        text.append(f" ({profile})", style="dim")
    shown = ",".join(region_code(r) for r in regions) if len(regions) > 1 else "".join(regions)
    text.append(f"  {shown or '…'}", style="dim")
    return text


class BoardHeader(Static):
    """One line; repainted only when its text changes, never on a timer."""

    _shown: Text | None = None

    def show(self, text: Text) -> None:
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)

    DEFAULT_CSS = """
    BoardHeader {
        width: 1fr;
        height: 1;
    }
    """
