"""The database load pane's words: the instance line, the window's summary, the picker's rows,
a statement's wait mix as a small bar in the chart's glyphs, and the PI-off state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rich.text import Text

from montui.model.dbload import OTHER, DbInstance, DbLoad, LoadSeries, SqlRow, enabling_hint
from montui.model.duration import format_period
from montui.ui.widgets.load_chart import COLOURS, OTHER_GLYPH, glyph_of
from montui.ui.widgets.metric_chart import window_label

BAR = 10
"""Characters of a statement's wait-mix bar."""


def instance_line(instance: DbInstance) -> Text:
    """`shop-aurora-writer  writer of shop-aurora · aurora-postgresql db.r6g.xlarge · region`."""
    text = Text()
    text.append(instance.identifier, style="bold")
    if instance.cluster:
        text.append(f"  {instance.role} of {instance.cluster}")
    text.append(f" · {instance.engine} {instance.instance_class} · {instance.place.region}")
    return text


def summary_line(load: DbLoad, *, utc: bool, fetched: datetime | None = None) -> Text:
    """The window, the period, when it was fetched, the average and peak load, the vCPUs and
    how often the load went above them."""
    series = load.series
    text = Text(no_wrap=False)
    text.append(window_label(load.window, utc=utc))
    text.append(f" · {format_period(series.period)} points", style="dim")
    if fetched is not None:
        shown = fetched.astimezone(UTC) if utc else fetched.astimezone()
        text.append(f" · fetched {shown:%H:%M:%S}", style="dim")
    text.append(f"\nload avg {series.mean:.2f} peak {series.peak:.2f} AAS · ")
    text.append(load.vcpus.describe())
    above = load.above_vcpus
    if above:
        text.append(f" · above the vCPUs in {above} of {len(series.total)} points", style="bold")
    return text


def glyph_map(series: LoadSeries) -> dict[str, tuple[str, int]]:
    """Wait event → (its glyph on the chart, its colour index)."""
    return {w.name: (glyph_of(i, w.name), i) for i, w in enumerate(series.stacked())}


def mix_bar(
    waits: Sequence[tuple[str, float]], glyphs: Mapping[str, tuple[str, int]], *, mono: bool
) -> Text:
    """A statement's load per wait event as `BAR` characters in the chart's glyphs (a wait
    not charted on its own counts as other)."""
    total = sum(v for _, v in waits)
    text = Text()
    if total <= 0:
        return text
    used = 0
    for position, (name, value) in enumerate(waits):
        glyph, index = glyphs.get(name, glyphs.get(OTHER, (OTHER_GLYPH, -1)))
        cells = round(value / total * BAR) if position < len(waits) - 1 else BAR - used
        cells = max(0, min(cells, BAR - used))
        style = "" if mono or index < 0 else COLOURS[index % len(COLOURS)]
        text.append(glyph * cells, style=style)
        used += cells
    return text


def sql_cells(row: SqlRow, glyphs: Mapping[str, tuple[str, int]], *, mono: bool) -> tuple[
    Text, str, str, Text, str
]:  # fmt: skip
    """The top SQL table's cells: statement, AAS, share, wait-mix bar, top wait."""
    statement = Text(" ".join(row.statement.split()), no_wrap=True, overflow="ellipsis")
    return (
        statement,
        f"{row.aas:.2f}",
        f"{row.share:.0%}",
        mix_bar(row.waits, glyphs, mono=mono),
        row.top_wait,
    )


def picker_label(instance: DbInstance) -> str:
    """A picker row's cluster cell: `shop-aurora ★ writer`, `shop-aurora   reader`, or "" for
    an instance on its own (the picker's order keeps a cluster's members together)."""
    if not instance.cluster:
        return ""
    mark = "★ writer" if instance.writer else "  reader"
    return f"{instance.cluster} {mark}"


def pi_off_text(instance: DbInstance) -> Text:
    text = Text(f"Performance Insights is off for {instance.identifier}.\n\n", style="bold")
    text.append(enabling_hint(instance))
    return text
