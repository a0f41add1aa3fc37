"""What the alarm table shows in each cell, and how wide each column is.

The cells that depend only on the alarm (name, condition, what it watches, reason, owner…)
are made once per alarm object and kept (`RowCells`); the ones that move with the clock or
the screen (state, age, trend, stale region, account) are made when a row is drawn. Column
widths come from the data, over every row, from cached lengths: at 10,000 alarms a new
filter costs a few milliseconds here, not a cell measurement each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from msgspec import Struct
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


class Column(Struct, frozen=True):
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


class RowCells(NamedTuple):
    """The cells of one alarm that do not move with the clock, their widths, and what the
    table sorts its columns' widths by (kept as attributes: `max(map(attrgetter…))` over
    10,000 rows runs in C)."""

    alarm: Alarm
    key: str
    state: AlarmState
    since: float
    condition: str
    response: str
    owner: str
    watches: str
    reason: str
    region: str
    w_name: int
    w_condition: int
    w_response: int
    w_owner: int
    w_watches: int
    w_reason: int

    @classmethod
    def of(cls, alarm: Alarm, key: str, meta: AlarmMeta) -> RowCells:
        condition = condition_summary(alarm) if alarm.metric or alarm.metrics else "composite"
        response = meta.response.label if meta.response else ""
        owner = meta.owner or ""
        watches = alarm.watches()
        reason = " ".join(alarm.state_reason.split())
        return cls(  # positional: a NamedTuple is made 10,000 times at a first poll
            alarm, key, alarm.state, alarm.in_state_since.timestamp(), condition,
            response, owner, watches, reason, _region_code(alarm.region),
            _width(alarm.name), _width(condition), _width(response), _width(owner),
            _width(watches), _width(reason),
        )  # fmt: skip


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


@lru_cache(maxsize=64)
def _region_code(region: str) -> str:
    return region_code(region)


class Moving(Struct, frozen=True):
    """What the last `show()` said about the cells that move: the clock, stale regions,
    sparklines, recovered alarms, the account label, NO_COLOR."""

    now: datetime
    stale_regions: frozenset[str] = frozenset()
    trend: Callable[[Alarm], str] | None = None
    recovered: frozenset[AlarmKey] = frozenset()
    account: Callable[[Alarm], str] | None = None
    mono: bool = False
    stale_places: frozenset[tuple[str, str]] = frozenset()
    """(account id, region) pairs whose rows are stale (several accounts)."""

    def stale(self, alarm: Alarm) -> bool:
        """The alarm's region (or its account's region) is failing: its row is stale."""
        return alarm.region in self.stale_regions or (
            bool(self.stale_places) and (alarm.place.account, alarm.region) in self.stale_places
        )

    def cells(self, row: RowCells) -> dict[str, Cell]:
        """Every cell of the row, by column key."""
        alarm = row.alarm
        stale = self.stale(alarm)
        return {
            "state": state_cell(alarm.state, self.mono, alarm.key in self.recovered),
            "name": Text(alarm.name, style="bold" if row.state is AlarmState.ALARM else ""),
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


_MEASURED = ("name", "condition", "response", "owner", "watches", "reason")
_WIDTH_OF = {key: attrgetter(f"w_{key}") for key in _MEASURED}


def column_widths(
    columns: Sequence[Column], rows: Sequence[RowCells], moving: Moving, screen_width: int
) -> dict[str, int]:
    """Each column's width: its longest cell up to its maximum, at least its label; the
    trend column folded to zero with sparklines off; the name takes the room left by the
    fixed columns (at least 16)."""
    longest: dict[str, int] = {}
    for key in _MEASURED:
        longest[key] = max(map(_WIDTH_OF[key], rows), default=0)
    states = {(s, False) for s in set(map(attrgetter("state"), rows))}
    recovered = moving.recovered
    if recovered and any(r.state is AlarmState.OK and r.alarm.key in recovered for r in rows):
        states.add((AlarmState.OK, True))  # `✔ OK ↺` is wider than `✔ OK`
    longest["state"] = max((state_cell(s, False, r).cell_len for s, r in states), default=0)
    longest["age"] = _longest_age(rows, moving.now)
    longest["trend"] = SPARK_WIDTH if rows and moving.trend else 0
    regions = {(r.region, moving.stale(r.alarm)) for r in rows} if (
        moving.stale_regions or moving.stale_places
    ) else {(code, False) for code in set(map(attrgetter("region"), rows))}  # fmt: skip
    longest["region"] = max((len(code) + stale for code, stale in regions), default=0)
    if moving.account is not None:
        labels = {moving.account(r.alarm) for r in rows}
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


def _longest_age(rows: Sequence[RowCells], now: datetime) -> int:
    """The widest `For` cell, from the oldest alarm alone: below 100 weeks every age fits in
    3 cells (`45s`, `12m`, `5h`, `13d`, `99w`) and only week counts grow, with the age."""
    if not rows:
        return 0
    oldest = min(map(attrgetter("since"), rows))
    return max(3, len(format_age(now.timestamp() - oldest)))


def fit(cell: Cell, width: int) -> Cell:
    """A name longer than its column, cut visibly in the middle, keeping its tail."""
    if not isinstance(cell, Text):
        return middle_ellipsis(cell, width)
    if cell.cell_len <= width:
        return cell
    return Text(middle_ellipsis(cell.plain, width), style=cell.style)
