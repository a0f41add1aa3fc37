"""A starting design file written from the deployed alarms (`montui design scaffold`).

Every metric alarm becomes an `[[event]]` of one flow to be split by hand, every composite a
`[[composite]]`; the response pattern is guessed from the actions (ALARM and OK actions: act
now; ALARM only: next business day; none: know, no action) and the words a person must write
are left as `TODO`. The file is valid as written and round-trips: checked against the same
alarms it reports no drift. TOML is written by hand (the stdlib reads TOML but does not write
it); strings are JSON-quoted, which TOML basic strings accept. Pure text building.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from montui.model.alarm import Alarm, AlarmKind, format_threshold
from montui.model.design import SYMBOLS, topic_or_arn
from montui.model.design_check import deployed_expression, deployed_inputs

__all__ = ["scaffold_design"]

TODO = "TODO"


def scaffold_design(alarms: Iterable[Alarm], *, system: str, region: str, scope: str = "") -> str:
    """The TOML text of a design covering `alarms` (see the module docstring)."""
    chosen = sorted(alarms, key=lambda a: (a.kind is AlarmKind.COMPOSITE, a.region, a.name))
    out = [
        "# A monitoring design written by `montui design scaffold` from the deployed alarms.",
        "# Split the events into flows, write the purpose, the impacts and the handling, and",
        "# list what is deliberately not monitored ([[not_monitored]] flow, event, reason).",
        "",
        "[system]",
        f"name = {_s(system)}",
        f"purpose = {_s(TODO + ': the user-facing benefit that must not be lost')}",
        f"region = {_s(region)}",
        f"scope = {_s(scope)}",
        "",
        "[[flow]]",
        "id = 1",
        f"name = {_s(TODO + ': a connection between components')}",
    ]
    body: list[str] = []
    excluded: list[str] = []
    for alarm in chosen:
        body.append("")
        if alarm.kind is AlarmKind.COMPOSITE:
            body += _composite(alarm)
        elif alarm.comparison in SYMBOLS and alarm.threshold is not None:
            body += _event(alarm)
        else:
            excluded.append(alarm.name)
            body.append(f"# {alarm.name} ({alarm.region}): a band threshold, listed in exclude")
    if excluded:
        out.insert(out.index("[[flow]]") - 1, f"exclude = [{', '.join(_s(n) for n in excluded)}]")
    return "\n".join(out + body) + "\n"


def _event(alarm: Alarm) -> list[str]:
    n = alarm.evaluation_periods or 1
    lines = [
        "[[event]]",
        "flow = 1",
        f"event = {_s(alarm.description.split('.')[0].strip() or TODO)}",
        f"response = {_s(_response(alarm))}",
        f"alarm = {_s(alarm.name)}",
        f"region = {_s(alarm.region)}",
    ]
    if alarm.metric is not None:
        lines += [
            f"namespace = {_s(alarm.metric.namespace)}",
            f"metric = {_s(alarm.metric.name)}",
            f"dimensions = {_dims(alarm.metric.dimensions)}",
            f"statistic = {_s(alarm.statistic or alarm.extended_statistic or 'Average')}",
        ]
    else:
        lines.append(f"expression = {_s(deployed_expression(alarm))}")
        lines.append("inputs = [")
        for i in deployed_inputs(alarm):
            lines.append(
                f"  {{ id = {_s(i.id)}, namespace = {_s(i.namespace)}, metric = {_s(i.metric)}, "
                f"dimensions = {_dims(i.dimensions)}, statistic = {_s(i.statistic)}, "
                f"period = {i.period} }},"
            )
        lines.append("]")
    lines += [
        f"period = {alarm.period_seconds or 60}",
        f"comparison = {_s(SYMBOLS[alarm.comparison or ''])}",
        f"threshold = {format_threshold(alarm.threshold)}",
        f'm_of_n = "{alarm.datapoints_to_alarm or n}/{n}"',
        f"missing_data = {_s(alarm.treat_missing_data or 'missing')}",
    ]
    return lines + _actions(alarm)


def _composite(alarm: Alarm) -> list[str]:
    return [
        "[[composite]]",
        f"name = {_s(alarm.name)}",
        f"region = {_s(alarm.region)}",
        f"rule = {_s(' '.join((alarm.alarm_rule or '').split()))}",
        f"response = {_s(_response(alarm))}",
        *_actions(alarm),
    ]


def _actions(alarm: Alarm) -> list[str]:
    lines = [] if alarm.actions_enabled else ["actions_enabled = false"]
    for key, actions in (
        ("alarm_actions", alarm.alarm_actions),
        ("ok_actions", alarm.ok_actions),
        ("insufficient_data_actions", alarm.insufficient_data_actions),
    ):
        if actions:
            names = ", ".join(_s(topic_or_arn(a, alarm.region)) for a in actions)
            lines.append(f"{key} = [{names}]")
    return lines


def _response(alarm: Alarm) -> str:
    if alarm.alarm_actions and alarm.ok_actions:
        return "act now"
    if alarm.alarm_actions:
        return "next business day"
    return "know, no action"


def _dims(dims: Iterable[tuple[str, str]]) -> str:
    parts = ", ".join(f"{_s(k)} = {_s(v)}" for k, v in sorted(dims))
    return "{ " + parts + " }" if parts else "{}"


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
