"""The alarm board's keys (each with the id a `[keys]` table in the config rebinds, and the
tooltip the help shows) and the help's footnote for the board."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from montui.model.recovery import RECENTLY_RECOVERED

BOARD_HELP = (
    "On the table: ↑/↓ move, PgUp/PgDn page, Home/End first/last row, ←/→ scroll the "
    "columns.\n"
    "State: ✖ ALARM  ? INSUFFICIENT_DATA (no data)  ✔ OK  ✔ OK ↺ recovered in the last "
    f"{RECENTLY_RECOVERED.total_seconds() / 60:.0f} min (listed below the ALARM rows).  "
    "⚠ after a region code: that region is failing and its rows are stale."
)

BOARD_BINDINGS: list[BindingType] = [
    Binding("slash", "filter", "Filter", id="filter",
            tooltip="Filter as you type: name, namespace, dimension value, reason"),
    Binding("r", "refresh", "Refresh", id="refresh", tooltip="Poll every region now"),
    Binding("1", "only('ALARM')", "ALARM", id="show_alarm",
            tooltip="Only alarms in ALARM (again: all)"),
    Binding("2", "only('INSUFFICIENT_DATA')", "No data", id="show_insufficient",
            tooltip="Only INSUFFICIENT_DATA (again: all)"),
    Binding("3", "only('OK')", "OK", id="show_ok", tooltip="Only OK (again: all)"),
    Binding("a", "show_all", "All", id="show_all", tooltip="Every state"),
    Binding("s", "cycle_sort", "Sort", id="sort",
            tooltip="Order: urgency → name → region → most recent"),
    Binding("enter", "open_detail", "Detail", id="open_detail", show=False,
            tooltip="Open the selected alarm: chart, condition, history, rule"),
    Binding("l", "logs", "Logs", id="drilldown_logs",
            tooltip="Logs Insights for the selected alarm: its log groups, its window"),
    Binding("d", "dbload", "DB load", id="dbload", show=False,
            tooltip="Database load (Performance Insights): the selected RDS alarm's "
            "instance at its window, else pick an instance"),
    Binding("w", "workbench", "Workbench", id="workbench", show=False,
            tooltip="The Logs Insights workbench, without an alarm"),
    Binding("g", "toggle_sparklines", "Trend", id="sparklines",
            tooltip="Sparklines on/off (GetMetricData, billed per metric requested)"),
    Binding("o", "copy_url", "Copy URL", id="copy_url", show=False,
            tooltip="Copy the selected alarm's console URL (OSC 52; tmux, screen)"),
    Binding("y", "copy_arn", "Copy ARN", id="copy_arn", show=False,
            tooltip="Copy the selected alarm's ARN"),
    Binding("v", "review", "Review", id="review", show=False,
            tooltip="The alarm review: noisy, dead, unheard and unowned alarms"),
    Binding("escape", "clear_filter", "Clear filter", id="clear_filter", show=False,
            tooltip="Clear the filter"),
    Binding("e", "reputation", "E-mail", id="reputation", show=False,
            tooltip="SES sending reputation: bounce and complaint rates against review and "
            "pause, per region"),
    Binding("f", "findings", "Findings", id="findings", show=False,
            tooltip="GuardDuty findings of every region, Critical and High first"),
]  # fmt: skip
