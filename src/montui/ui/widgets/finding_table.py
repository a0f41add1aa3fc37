"""The findings pane's table: one row per finding, redrawn on each poll keeping the cursor on
the same finding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from montui.model.duration import format_age
from montui.model.findings import Band, Finding
from montui.model.region import region_code
from montui.model.text import middle_ellipsis

BAND_STYLE = {
    Band.CRITICAL: "bold white on red",
    Band.HIGH: "bold red",
    Band.MEDIUM: "yellow",
    Band.LOW: "",
}
MONO_BAND_STYLE = {Band.CRITICAL: "bold reverse", Band.HIGH: "bold", Band.MEDIUM: "", Band.LOW: ""}


ROW_LIMIT = 200
"""Rows drawn at most (the most severe and most recent first); the pane says how many more
there are and how to reach them (a band key, the filter). Drawing a DataTable row costs about
a millisecond: 2,000 rows would keep `f` waiting for seconds."""
RESOURCE_WIDTH = 20
"""`i-0b45… (bastion)`, `AKIA… user/deploy`: longer resources are cut in the middle."""


def band_cell(band: Band, mono: bool = False) -> Text:
    """`▲ High`: symbol and word, coloured (bold / reverse video without colour)."""
    return Text(band.label, style=(MONO_BAND_STYLE if mono else BAND_STYLE)[band])


def last_seen(finding: Finding, now: datetime) -> str:
    return f"{format_age((now - finding.last_seen).total_seconds())} ago"


ACCOUNT_WIDTH = 10
"""The Acct column (several accounts): aliases longer than this are cut."""


class FindingTable(DataTable[Text | str]):
    """Band, type, resource, count, last seen, region; `selected()` is the cursor's finding.
    With `alias_of` (several accounts) an Acct column after the band names each finding's
    account by its alias."""

    DEFAULT_CSS = """
    FindingTable {
        height: 1fr;
    }
    """

    COLUMNS: tuple[str, ...] = ("Band", "Type", "Resource", "Count", "Seen", "Rgn")

    def __init__(
        self, *, id: str | None = None, alias_of: Callable[[Finding], str] | None = None
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.alias_of = alias_of
        self._acct_width = 4
        if alias_of is not None:
            self.COLUMNS = ("Band", "Acct", *self.COLUMNS[1:])
        self._rows: list[Finding] = []
        self._shown: list[tuple[object, ...]] = []
        self._now = datetime.fromtimestamp(0).astimezone()
        self._mono = False
        self._width = 0

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name, key=name)

    def on_resize(self) -> None:
        # The Type column takes what the width leaves: draw again when that changed.
        if self._rows and self._type_width() != self._width:
            self._shown = []
            self.show(self._rows, now=self._now, mono=self._mono)

    def selected(self) -> Finding | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row]

    def _type_width(self) -> int:
        # What is left of the width once the other columns have theirs (2 cells of padding each).
        fixed = 10 + RESOURCE_WIDTH + 5 + 7 + 5 + 2 * len(self.COLUMNS)
        if self.alias_of is not None:
            fixed += self._acct_width
        return max(16, (self.app.size.width or 80) - fixed - 2)

    def show(self, findings: Sequence[Finding], *, now: datetime, mono: bool = False) -> None:
        """Render `findings` in order; the cursor stays on the finding it was on."""
        self._now, self._mono = now, mono
        findings = findings[:ROW_LIMIT]
        if self.alias_of is not None:
            aliases = [len(self.alias_of(f) or f.account) for f in findings]
            self._acct_width = min(ACCOUNT_WIDTH, max([4, *aliases]))
        width = self._width = self._type_width()
        # Text cells, not str: DataTable would parse every str as console markup.
        rows: list[tuple[Text, ...]] = [
            (
                band_cell(f.band, mono),
                *self._account_cell(f),
                Text(
                    ("archived " if f.archived else "") + f.type.shortened(width - 9 * f.archived)
                ),
                Text(middle_ellipsis(f.resource.text, RESOURCE_WIDTH)),
                Text(f"{f.count:>5}"),
                Text(last_seen(f, now)),
                Text(region_code(f.region)),
            )
            for f in findings
        ]
        keys = [(tuple(c.plain for c in r[1:]), f.key) for r, f in zip(rows, findings, strict=True)]
        if (
            keys == self._shown
            and [f.band for f in findings] == [f.band for f in self._rows]
            and [f.account for f in findings] == [f.account for f in self._rows]
        ):
            self._rows = list(findings)
            return
        current = self.selected()
        self._shown = keys  # type: ignore[assignment]
        self._rows = list(findings)
        self.clear()
        for row, finding in zip(rows, findings, strict=True):
            self.add_row(*row, key="\t".join((*finding.key, finding.account)))
        if current is not None:
            index = next(
                (
                    i for i, f in enumerate(findings)
                    if f.key == current.key and f.account == current.account
                ),
                None,
            )  # fmt: skip
            if index is not None:
                self.move_cursor(row=index, animate=False)

    def _account_cell(self, finding: Finding) -> tuple[Text, ...]:
        """The Acct cell (none with one account)."""
        if self.alias_of is None:
            return ()
        alias = self.alias_of(finding) or finding.account
        return (Text(alias if len(alias) <= ACCOUNT_WIDTH else alias[: ACCOUNT_WIDTH - 1] + "…"),)
