"""The workbench's one-line boxes, each answering a typed value: a time range (`t`), a term to
highlight (`/`), a saved query (`S`) and the file to export to (`x`).

Each box reads and checks its own text; the workbench only applies the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from montui.model.result_format import export_format
from montui.model.time_range import TimeRange, format_time_range_input, parse_time_range
from montui.querybook import SavedQuery
from montui.ui.screens.prompt import Prompt


class TimeRangePrompt(Prompt[TimeRange]):
    """`15m`, `3h`, `2d` or `START/END` in ISO-8601 (read in `tz`); answers the range."""

    def __init__(
        self, current: TimeRange, *, clock: Callable[[], datetime], tz: tzinfo, utc: bool
    ) -> None:
        zone = "UTC" if utc else "local time (u: UTC)"
        super().__init__(
            "Time range",
            format_time_range_input(current, tz),
            placeholder="15m, 3h, 2d or 2026-11-21T03:00/2026-11-21T04:00",
            parse=lambda text: parse_time_range(text, now=clock(), tz=tz),
            hint=f"relative: 15m 3h 2d · absolute: START/END in ISO-8601, {zone}",
        )


class FindPrompt(Prompt[str]):
    """The term to highlight in the results, stripped ("" : none)."""

    def __init__(self, term: str) -> None:
        super().__init__(
            "Highlight in the results", term, parse=str.strip, hint="n / N jump; empty: none"
        )


def _saved(query: str, groups: tuple[str, ...]) -> Callable[[str], SavedQuery | None]:
    def parse(name: str) -> SavedQuery | None:
        name = name.strip()
        return SavedQuery(name=name, query=query, groups=groups) if name else None

    return parse


class SaveQueryPrompt(Prompt[SavedQuery | None]):
    """A name for `query` and its log groups; answers the `SavedQuery` (None: no name)."""

    def __init__(self, query: str, groups: tuple[str, ...]) -> None:
        super().__init__(
            "Save the query as",
            parse=_saved(query, groups),
            hint="a name; the same name replaces",
        )


def _export_path(text: str) -> Path:
    if export_format(text.strip()) is None:
        raise ValueError("end the file name with .csv, .jsonl or .json")
    return Path(text.strip()).expanduser()


class ExportPrompt(Prompt[Path]):
    """The file to write the results to; its suffix picks the format."""

    def __init__(self, now: datetime) -> None:
        super().__init__(
            "Export the results to",
            f"montui-query-{now:%Y%m%d-%H%M%S}.csv",
            parse=_export_path,
            hint=".csv  .jsonl  .json — relative to the directory montui started in",
        )
