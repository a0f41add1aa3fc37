"""The stacked load chart's raster and the pane's wait-mix bar: glyphs per wait, the vCPU
line, resampling to the width, readable without colour."""

from __future__ import annotations

from datetime import timedelta

from montui.model.dbload import WaitLoad, load_series
from montui.ui.screens.dbload_text import glyph_map, mix_bar
from montui.ui.widgets.load_chart import (
    GLYPHS,
    OTHER_GLYPH,
    VCPU_GLYPH,
    _columns,
    chart_text,
    raster,
)
from tests.fakes import NOW


def test_columns_average_or_repeat_to_the_width() -> None:
    assert _columns([1.0, 3.0, 5.0, 7.0], 2) == [2.0, 6.0]
    assert _columns([1.0, 2.0], 4) == [1.0, 1.0, 2.0, 2.0]


def test_raster_stacks_largest_at_the_bottom_and_draws_the_vcpu_line_where_empty() -> None:
    waits = [WaitLoad("IO", "IO", (6.0, 1.0)), WaitLoad("CPU", "CPU", (2.0, 1.0))]
    grid, scale, vcpu_row = raster(waits, 4.0, 2, 10)
    assert scale > 8.0
    bottom = grid[-1]
    assert bottom == [0, 0]  # IO at the bottom of both columns
    assert vcpu_row is not None
    assert grid[vcpu_row][0] == 0  # the first column's load covers the line
    assert grid[vcpu_row][1] == -2  # the second's (2 sessions) is below it: the line shows
    assert grid[0] == [-1, -1]


def test_chart_text_without_colour_names_each_glyph_in_the_legend() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(4)]
    waits = [WaitLoad(f"w{i}", "IO", (float(i + 1),) * 4) for i in range(3)]
    series = load_series(times, [10.0] * 4, waits, 60)
    text = chart_text(series, 4.0, width=40, height=6, utc=True, mono=True)
    plain = text.plain
    assert {str(s.style) for s in text.spans} <= {"dim"}  # mono: no colour at all
    for glyph, name in ((GLYPHS[0], "w2"), (GLYPHS[1], "w1"), (GLYPHS[2], "w0")):
        assert f"{glyph} {name}" in plain
    assert f"{OTHER_GLYPH} other" in plain and f"{VCPU_GLYPH} vCPUs" in plain
    assert "4vC┤" in plain and "03:30" in plain


def test_mix_bar_uses_the_charts_glyphs_and_counts_the_rest_as_other() -> None:
    times = [NOW]
    waits = [WaitLoad("IO:DataFileRead", "IO", (3.0,)), WaitLoad("CPU", "CPU", (1.0,))]
    glyphs = glyph_map(load_series(times, [5.0], waits, 60))
    bar = mix_bar([("IO:DataFileRead", 0.5), ("Lock:tuple", 0.3), ("CPU", 0.2)], glyphs, mono=True)
    assert bar.plain == GLYPHS[0] * 5 + OTHER_GLYPH * 3 + GLYPHS[1] * 2
