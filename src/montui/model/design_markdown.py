"""A design as the Markdown document the seeds show (監視設計書): the purpose, the flows, and per
flow the events with their impact and response, the thresholds table (metric, interval, NG
criterion, NG count, alarm), what is deliberately not monitored and why, and the system
parameters; then the composite alarms and the whole not-monitored list. Pure text building.
"""

from __future__ import annotations

from montui.model.alarm import format_threshold
from montui.model.design import AlarmDesign, Design, Event

__all__ = ["design_markdown"]


def design_markdown(design: Design) -> str:
    """The document, ending in a newline."""
    out = [f"# {design.system}: monitoring design", ""]
    out += ["## Purpose", "", design.purpose, ""]
    if design.slo:
        out += [f"**SLO:** {design.slo}", ""]
    if design.notes:
        out += [design.notes, ""]
    out += ["## Flows", ""]
    out += [f"{f.id}. {_cell(f.name)}" for f in design.flows]
    out.append("")
    for flow in design.flows:
        out += _flow_section(design, flow.id, flow.name)
    if design.composites:
        out += ["## Composite alarms", ""]
        out += ["| alarm | region | rule | response | actions |", "|---|---|---|---|---|"]
        for c in design.composites:
            actions = _actions(c.alarm_actions, c.ok_actions)
            out.append(
                f"| `{c.name}` | {c.region} | `{_cell(c.rule)}` | {c.response} | {actions} |"
            )
        out.append("")
    if design.not_monitored:
        out += ["## Deliberately not monitored", ""]
        out += [
            f"- flow {s.flow}, {_cell(s.event)}: {_cell(s.reason)}" for s in design.not_monitored
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _flow_section(design: Design, flow: str, name: str) -> list[str]:
    events = [e for e in design.events if e.flow == flow]
    skipped = [s for s in design.not_monitored if s.flow == flow]
    params = [p for p in design.parameters if p.flow == flow]
    out = [f"## Flow {flow}: {_cell(name)}", ""]
    if events or skipped:
        out += ["### Events and responses", ""]
        out += ["| event | impact on the system | response | handling |", "|---|---|---|---|"]
        for e in events:
            out.append(
                f"| {_cell(e.event)} | {_cell(e.impact)} | {e.response} | {_cell(e.handling)} |"
            )
        for s in skipped:
            out.append(
                f"| {_cell(s.event)} | {_cell(s.impact)} | not monitored | {_cell(s.reason)} |"
            )
        out.append("")
    if events:
        out += ["### Metrics and thresholds", ""]
        out += [
            "| event | metric | interval | NG criterion | NG count | alarm |",
            "|---|---|---|---|---|---|",
        ]
        out += [_threshold_row(e) for e in events]
        out.append("")
    else:
        out += ["Not monitored at this layer.", ""]
    if params:
        out += ["### System parameters", "", "| parameter | setting |", "|---|---|"]
        out += [f"| {_cell(p.name)} | {_cell(p.setting)} |" for p in params]
        out.append("")
    return out


def _threshold_row(event: Event) -> str:
    alarm = event.alarm
    metric = event.signal or _metric_words(alarm)
    criterion = event.criterion or f"{_stat(alarm)} {alarm.operator} {_value(alarm)}"
    interval = f"{alarm.period} s"  # as the seeds write it (60秒)
    return (
        f"| {_cell(event.event)} | {_cell(metric)} | {interval} | {_cell(criterion)} "
        f"| {alarm.m_of_n} | `{alarm.name}` ({alarm.region}) |"
    )


def _metric_words(alarm: AlarmDesign) -> str:
    if alarm.expression:
        return f"{alarm.expression} ({', '.join(i.metric for i in alarm.inputs)})"
    return f"{alarm.namespace} {alarm.metric}"


def _stat(alarm: AlarmDesign) -> str:
    return alarm.statistic or "value"


def _value(alarm: AlarmDesign) -> str:
    return format_threshold(alarm.threshold)


def _actions(on_alarm: tuple[str, ...], on_ok: tuple[str, ...]) -> str:
    parts = []
    if on_alarm:
        parts.append("ALARM → " + ", ".join(on_alarm))
    if on_ok:
        parts.append("OK → " + ", ".join(on_ok))
    return "; ".join(parts) or "none"


def _cell(text: str) -> str:
    """Text safe inside a table cell: one line, `|` escaped."""
    return " ".join(text.split()).replace("|", "\\|")
