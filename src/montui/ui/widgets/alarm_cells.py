"""What the alarm table shows in each cell, and how wide each column is.

The cells that depend only on the alarm (name, condition, what it watches, reason, owner…)
are made once per alarm object and kept (`RowCells`); the ones that move with the clock or
the screen (state, age, trend, stale region, account) are made when a row is drawn. Column
widths come from the data, over every row, from cached lengths: at 10,000 alarms a new
filter costs a few milliseconds here, not a cell measurement each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from montui.model.alarm import Alarm, AlarmState, condition_summary
from montui.model.duration import format_age
from montui.model.metadata import AlarmMeta
from montui.model.recovery import AlarmKey
from montui.model.region import region_code
from montui.model.text import middle_ellipsis
from montui.ui.widgets.sparkline import SPARK_WIDTH

STATE_STYLE = {
    AlarmState.ALARM: "bold red",
    AlarmState.INSUFFICIENT_DATA: "yellow",
    AlarmState.OK: "green",
}


# With NO_COLOR, Textual turns colours into greys by luminance, and red on the dark
# background becomes nearly invisible: ALARM is shown in reverse video instead.
MONO_STATE_STYLE = {
    AlarmState.ALARM: "bold reverse",
    AlarmState.INSUFFICIENT_DATA: "bold",
    AlarmState.OK: "",
}


def state_style(state: AlarmState, mono: bool = False) -> str:
    return (MONO_STATE_STYLE if mono else STATE_STYLE)[state]


RECOVERED_MARK = "↺"
RECOVERED_STYLE, MONO_RECOVERED_STYLE = "bold cyan", "bold"


def state_cell(state: AlarmState, mono: bool = False, recovered: bool = False) -> Text:
    """`✖ ALARM` in red (reverse video under NO_COLOR): readable by symbol and word alone.
    `recovered` (OK after a recent ALARM, `model.recovery`): `✔ OK ↺`, in its own style."""
    if recovered and state is AlarmState.OK:
        style = MONO_RECOVERED_STYLE if mono else RECOVERED_STYLE
        return Text(f"{state.symbol} {state.short} {RECOVERED_MARK}", style=style)
    return Text(f"{state.symbol} {state.short}", style=state_style(state, mono))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    max_width: int


# Most useful first: at 80 columns State, Name, For, Condition and Rgn are visible; the rest
# is one scroll to the right (or shown in full for the selected row below the table).
COLUMNS = (
    Column("state", "State", 8),
    Column("name", "Name", 44),
    Column("age", "For", 4),
    Column("condition", "Condition", 26),
    Column("trend", "Trend", SPARK_WIDTH),
    Column("region", "Rgn", 6),
    Column("response", "Response", 8),
    Column("owner", "Owner", 14),
    Column("watches", "Watches", 48),
    Column("reason", "Reason", 90),
)
ACCOUNT = Column("account", "Acct", 12)
"""Right after the name, only when the board watches several accounts (`show(account=…)`)."""
FIXED = frozenset({"state", "age", "condition", "trend", "region"})

Cell = Text | str


def columns_for(account: bool) -> tuple[Column, ...]:
    """The columns shown: the account column only when asked for."""
    if not account:
        return COLUMNS
    return (*COLUMNS[:2], ACCOUNT, *COLUMNS[2:])


@dataclass(frozen=True, slots=True)
class RowCells:
    """The cells of one alarm that do not move with the clock, and their widths."""

    alarm: Alarm
    meta: AlarmMeta
    name: Text
    condition: str
    response: str
    owner: str
    watches: str
    reason: str
    region: str
    widths: dict[str, int]

    @classmethod
    def of(cls, alarm: Alarm, meta: AlarmMeta) -> RowCells:
        name = Text(alarm.name, style="bold" if alarm.state is AlarmState.ALARM else "")
        condition = condition_summary(alarm) if alarm.metric or alarm.metrics else "composite"
        response = meta.response.label if meta.response else ""
        owner = meta.owner or ""
        watches = alarm.watches()
        reason = " ".join(alarm.state_reason.split())
        widths = {
            "name": cell_len(alarm.name),
            "condition": cell_len(condition),
            "response": cell_len(response),
            "owner": cell_len(owner),
            "watches": cell_len(watches),
            "reason": cell_len(reason),
        }
        region = region_code(alarm.region)
        return cls(alarm, meta, name, condition, response, owner, watches, reason, region, widths)


@dataclass(frozen=True, slots=True)
class Moving:
    """What the last `show()` said about the cells that move: the clock, stale regions,
    sparklines, recovered alarms, the account label, NO_COLOR."""

    now: datetime
    stale_regions: frozenset[str] = frozenset()
    trend: Callable[[Alarm], str] | None = None
    recovered: frozenset[AlarmKey] = frozenset()
    account: Callable[[Alarm], str] | None = None
    mono: bool = False

    def cells(self, row: RowCells) -> dict[str, Cell]:
        """Every cell of the row, by column key."""
        alarm = row.alarm
        stale = alarm.region in self.stale_regions
        return {
            "state": state_cell(alarm.state, self.mono, alarm.key in self.recovered),
            "name": row.name,
            "account": self.account(alarm) if self.account else "",
            "age": format_age((self.now - alarm.in_state_since).total_seconds()),
            "condition": row.condition,
            "trend": self.trend(alarm).rjust(SPARK_WIDTH) if self.trend else "",
            "region": (
                Text(f"{row.region}⚠", style="bold" if self.mono else "yellow")
                if stale
                else row.region
            ),
            "response": row.response,
            "owner": row.owner,
            "watches": row.watches,
            "reason": row.reason,
        }


def column_widths(
    columns: Sequence[Column], rows: Sequence[RowCells], moving: Moving, screen_width: int
) -> dict[str, int]:
    """Each column's width: its longest cell up to its maximum, at least its label; the
    trend column folded to zero with sparklines off; the name takes the room left by the
    fixed columns (at least 16)."""
    alarms = [r.alarm for r in rows]
    longest: dict[str, int] = {}
    for key in ("name", "condition", "response", "owner", "watches", "reason"):
        longest[key] = max((r.widths[key] for r in rows), default=0)
    states = {(a.state, a.key in moving.recovered) for a in alarms} if moving.recovered else {
        (s, False) for s in {a.state for a in alarms}
    }  # fmt: skip
    longest["state"] = max((state_cell(s, False, r).cell_len for s, r in states), default=0)
    longest["age"] = _longest_age(alarms, moving.now, 4)
    longest["trend"] = SPARK_WIDTH if rows and moving.trend else 0
    regions = {(r.region, r.alarm.region in moving.stale_regions) for r in rows}
    longest["region"] = max((len(code) + stale for code, stale in regions), default=0)
    if moving.account is not None:
        labels = {moving.account(a) for a in alarms}
        longest["account"] = max((cell_len(label) for label in labels), default=0)
    widths = {c.key: max(len(c.label), min(c.max_width, longest[c.key])) for c in columns}
    if moving.trend is None:
        widths["trend"] = 0
    available = max(screen_width, 80) - 1 - 2 * len(FIXED | {"name"})
    if "account" in widths:
        available -= widths["account"] + 2
    fixed = sum(widths[c.key] for c in columns if c.key in FIXED)
    widths["name"] = max(16, min(widths["name"], available - fixed))
    return widths


def _longest_age(alarms: Sequence[Alarm], now: datetime, cap: int) -> int:
    longest = 0
    for alarm in alarms:
        width = len(format_age((now - alarm.in_state_since).total_seconds()))
        if width > longest:
            longest = width
            if longest >= cap:
                break
    return longest


def fit(cell: Cell, width: int) -> Cell:
    """A name longer than its column, cut visibly in the middle, keeping its tail."""
    if not isinstance(cell, Text):
        return middle_ellipsis(cell, width)
    if cell.cell_len <= width:
        return cell
    return Text(middle_ellipsis(cell.plain, width), style=cell.style)
