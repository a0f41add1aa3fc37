"""The key bindings the config's `[keys]` table may remap: every binding id with its default
key, and the check of one `binding id = "key1,key2"` line.

Like `montui.config`, this runs before the first frame: stdlib and `montui.model` only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from montui.config_errors import ConfigSource, show
from montui.model.key_names import is_key_name

DEFAULT_KEYS: Mapping[str, str] = MappingProxyType({
    "quit": "q", "help": "?", "filter": "/", "refresh": "r", "show_all": "a", "show_alarm": "1",
    "show_insufficient": "2", "show_ok": "3", "clear_filter": "escape", "sort": "s",
    "sparklines": "g", "copy_url": "o", "copy_arn": "y", "review": "v",
    "open_detail": "enter", "back": "escape", "zoom_in": "i", "zoom_out": "o", "earlier": "p",
    "later": "n", "toggle_utc": "u", "tune": "t", "run_backtest": "ctrl+r",
    "chart_inputs": "m", "copy_command": "ctrl+y",
    # Logs Insights: the drill-down, the workbench and its editor
    "drilldown_logs": "l", "workbench": "w", "episode_earlier": "left_square_bracket",
    "episode_later": "right_square_bracket", "run_query": "ctrl+r", "stop_query": "ctrl+c",
    "run_plan": "enter", "edit_query": "e", "pick_groups": "g", "time_range": "t",
    "highlight": "/", "next_match": "n", "previous_match": "N", "query_library": "h",
    "save_query": "S", "next_template": "T", "export_results": "x", "copy_row": "y",
    "copy_cell": "c", "copy_insights_url": "o", "next_region": "R",
    "editor_recall_older": "ctrl+up", "editor_recall_newer": "ctrl+down", "editor_clear": "ctrl+l",
    # the workbench's boxes: prompt, row detail, log-group picker, query library
    "prompt_cancel": "escape", "record_close": "escape,q", "record_copy_message": "c",
    "record_copy_row": "y", "picker_confirm": "enter", "picker_cancel": "escape",
    "picker_into_list": "down", "library_cancel": "escape", "library_delete": "d",
    "library_confirm_delete": "y",
    "library_next": "down", "library_previous": "up",
    # SES sending reputation: the board's key and the pane's
    "reputation": "e", "open_alarm": "enter",
    # GuardDuty: the findings pane and a finding's detail
    "findings": "f", "band_all": "1", "band_medium": "2", "band_high": "3",
    "band_critical": "4", "toggle_archived": "A", "open_finding": "enter",
    "copy_finding_json": "y", "open_linked_alarm": "a",
    # app-wide: a note for the incident timeline
    "note": "N", "dismiss_notices": "escape",
    # database load (Performance Insights): the board's and the detail's key, the pane, its
    # instance picker and a statement's page
    "dbload": "d", "detail_dbload": "d", "dbload_back": "escape", "dbload_zoom_in": "i",
    "dbload_zoom_out": "o", "dbload_earlier": "p", "dbload_later": "n", "dbload_utc": "u",
    "dbload_tab": "t", "dbload_pick": "c", "dbload_refresh": "r", "dbpicker_cancel": "escape",
    "sql_back": "escape", "sql_copy": "y",
    # app-wide navigation: the command line, the shared window's keys; the line's own keys
    "command": "colon", "window_widen": "W", "window_earlier": "less_than_sign",
    "window_later": "greater_than_sign", "window_drop": "X", "command_cancel": "escape",
    "command_complete": "tab", "command_previous": "up", "command_next": "down",
})  # fmt: skip
"""The default key of every binding id the UI declares; `[keys]` in the config overrides them."""

KNOWN_BINDING_IDS: frozenset[str] = frozenset(DEFAULT_KEYS)
"""Binding ids that `[keys]` may remap."""

_KEYS_HINT = 'a key or keys like "r" or "r,f5" (Textual key names: "f5", "ctrl+r", "escape")'
"""What a `[keys]` value should look like, for the errors."""


def check_keys(binding_id: str, value: object, src: ConfigSource) -> str:
    """One `[keys]` line as Textual's keymap wants it ("key1,key2"); ConfigError when the id is
    not a binding or the value not key names."""
    key = f"keys.{binding_id}"
    if binding_id not in KNOWN_BINDING_IDS:
        known = ", ".join(DEFAULT_KEYS)
        raise src.error(key, f"unknown binding id (expected one of: {known})")
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else [""]
    if not all(p and not re.search(r"\s", p) for p in parts):
        raise src.error(key, f"expected {_KEYS_HINT}, got {show(value)}")
    if unknown := next((p for p in parts if not is_key_name(p)), None):
        raise src.error(key, f"{show(unknown)} is not a key name (expected {_KEYS_HINT})")
    return ",".join(parts)
