"""The alarms under a composite: its children by name, and the whole family below it."""

from __future__ import annotations

from collections.abc import Callable

from montui.model.alarm import Alarm, AlarmKind
from montui.model.composite_rule import RuleSyntaxError, children, parse_rule

AlarmLookup = Callable[[str, str], Alarm | None]
"""(region, name) → the alarm known by that name in that region now, or None."""


def direct_children(alarm: Alarm, lookup: AlarmLookup) -> dict[str, Alarm]:
    """The alarms `alarm`'s rule names that `lookup` knows, by name, in the rule's order;
    {} for a metric alarm or a rule that does not parse."""
    if alarm.kind is not AlarmKind.COMPOSITE or not alarm.alarm_rule:
        return {}
    try:
        names = children(parse_rule(alarm.alarm_rule))
    except RuleSyntaxError:
        return {}
    found: dict[str, Alarm] = {}
    for name in names:
        child = lookup(alarm.region, name)
        if child is not None:
            found[name] = child
    return found


def alarm_family(alarm: Alarm, lookup: AlarmLookup) -> dict[str, Alarm]:
    """Every alarm under a composite (children, their children, …) by name, as `lookup`
    knows them now; {} for a metric alarm. A rule cycle is walked once."""
    family: dict[str, Alarm] = {}
    pending = [alarm]
    while pending:
        parent = pending.pop()
        for name, child in direct_children(parent, lookup).items():
            if name not in family:
                family[name] = child
                pending.append(child)
    return family
