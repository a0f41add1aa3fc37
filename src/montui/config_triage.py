"""The `[triage]` table of the config file: how each source's signals are classified.

[triage]
findings = { critical = "act-now", medium = "next-business-day", low = "know-only" }
ses_margin = 0.5          # a rate within 50 % below review is next business day
db_minutes = 5            # above the vCPU line this long is act now
db_lookback = 15          # minutes of DB load read per refresh
alarm_tag = "Severity"    # read each alarm's tags (ListTagsForResource) for its pattern
alarm_tag_values = { P1 = "act-now", P2 = "next-business-day", P3 = "know-only" }
"""

from __future__ import annotations

import msgspec

from montui.config_errors import ConfigSource, show
from montui.model.findings import Band
from montui.model.metadata import ResponsePattern
from montui.model.signals import DEFAULT_RULES, TriageRules

_RESPONSES = ", ".join(p.value for p in ResponsePattern)


class TriageTable(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """`[triage]` as written."""

    findings: dict[str, str] = {}
    ses_margin: float = DEFAULT_RULES.ses_margin
    db_minutes: float = DEFAULT_RULES.db_minutes
    db_lookback: float = DEFAULT_RULES.db_lookback
    alarm_tag: str | None = None
    alarm_tag_values: dict[str, str] = {}


EXPECTED = {
    "triage": "a [triage] table",
    "triage.findings": 'a table of band = pattern, like { medium = "know-only" }',
    "triage.ses_margin": "a fraction between 0 and 1, like 0.5",
    "triage.db_minutes": "a positive number of minutes, like 5",
    "triage.db_lookback": "a number of minutes, at least db_minutes, like 15",
    "triage.alarm_tag": 'a tag key like "Severity"',
    "triage.alarm_tag_values": 'a table of tag value = pattern, like { P1 = "act-now" }',
}


def _pattern(value: str, key: str, src: ConfigSource) -> ResponsePattern:
    try:
        return ResponsePattern(value)
    except ValueError:
        raise src.error(key, f"expected one of: {_RESPONSES}; got {show(value)}") from None


def triage_rules(table: TriageTable, src: ConfigSource) -> TriageRules:
    """Check `[triage]` and build its rules (errors name the file and line)."""
    findings = dict(DEFAULT_RULES.findings)
    for name, value in table.findings.items():
        key = f"triage.findings.{name}"
        try:
            band = Band.parse(name)
        except ValueError:
            raise src.error(key, "expected a band: low, medium, high, critical") from None
        findings[band] = _pattern(value, key, src)
    if not 0 <= table.ses_margin < 1:
        got = f"got {table.ses_margin:g}"
        raise src.error("triage.ses_margin", f"expected {EXPECTED['triage.ses_margin']}, {got}")
    if table.db_minutes <= 0:
        got = f"got {table.db_minutes:g}"
        raise src.error("triage.db_minutes", f"expected {EXPECTED['triage.db_minutes']}, {got}")
    if table.db_lookback < table.db_minutes:
        got = f"got {table.db_lookback:g}"
        raise src.error("triage.db_lookback", f"expected {EXPECTED['triage.db_lookback']}, {got}")
    if table.alarm_tag is not None and not table.alarm_tag.strip():
        raise src.error("triage.alarm_tag", f"expected {EXPECTED['triage.alarm_tag']}, got ''")
    values = {
        name: _pattern(value, f"triage.alarm_tag_values.{name}", src)
        for name, value in table.alarm_tag_values.items()
    }
    if values and table.alarm_tag is None:
        raise src.error("triage.alarm_tag_values", "needs alarm_tag (the tag key to read)")
    return TriageRules(
        findings=findings, ses_margin=table.ses_margin, db_minutes=table.db_minutes,
        db_lookback=table.db_lookback, tag_key=table.alarm_tag, tag_values=values,
    )  # fmt: skip
