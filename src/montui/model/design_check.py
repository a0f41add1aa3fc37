"""The design against what is deployed: missing, extra and drifted alarms, field by field.

`check_design(design, deployed)` matches alarms by (region, name). An alarm is *missing* when
the design has it and the account does not; *extra* when it is deployed in the design's regions
and scope (its name prefix) but not designed; *drifted* when both exist and a field differs:
the metric, statistic, period (interval), comparison, threshold, M/N, missing-data treatment,
whether actions are enabled and the actions themselves (SNS topics of the alarm's region by
name, anything else by ARN), and for composites the rule. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmKind, format_threshold
from montui.model.design import (
    SYMBOLS,
    AlarmDesign,
    CompositeDesign,
    Design,
    MetricInput,
    topic_or_arn,
)
from montui.model.duration import format_period

__all__ = ["AlarmDrift", "DesignReport", "FieldDrift", "check_design", "deployed_inputs"]


class FieldDrift(Struct, frozen=True):
    """One field that differs: its name in the design file, and both values as text."""

    field: str
    designed: str
    deployed: str


class AlarmDrift(Struct, frozen=True):
    """A designed alarm that is deployed with different settings."""

    name: str
    region: str
    fields: tuple[FieldDrift, ...]


class Missing(Struct, frozen=True):
    """A designed alarm that is not deployed (in its region)."""

    name: str
    region: str
    line: int | None


class DesignReport(Struct, frozen=True):
    """What `montui design check` says: empty lists mean the account matches the design."""

    missing: tuple[Missing, ...]
    extra: tuple[Alarm, ...]
    drifted: tuple[AlarmDrift, ...]
    checked: int
    """How many designed alarms (metric and composite) were compared."""

    @property
    def clean(self) -> bool:
        """Nothing missing, nothing extra, nothing drifted."""
        return not (self.missing or self.extra or self.drifted)

    def lines(self) -> list[str]:
        """The report for a person, one finding a line (indented details under drifts)."""
        out: list[str] = []
        for m in self.missing:
            at = f" (design line {m.line})" if m.line else ""
            out.append(f"missing  {m.name}  {m.region}: designed{at}, not deployed")
        for a in self.extra:
            out.append(f"extra    {a.name}  {a.region}: deployed, not in the design")
        for d in self.drifted:
            out.append(f"drifted  {d.name}  {d.region}:")
            out.extend(
                f"           {f.field}: designed {f.designed}, deployed {f.deployed}"
                for f in d.fields
            )
        word = "matches the design" if self.clean else self.summary()
        out.append(f"{self.checked} designed alarms checked: {word}")
        return out

    def summary(self) -> str:
        """`1 missing, 0 extra, 1 drifted`."""
        return f"{len(self.missing)} missing, {len(self.extra)} extra, {len(self.drifted)} drifted"


def check_design(design: Design, deployed: Iterable[Alarm]) -> DesignReport:
    """Compare the design with the alarms deployed in its regions (see the module docstring)."""
    regions = set(design.regions)
    found = {
        (a.region, a.name): a for a in deployed if a.region in regions and design.in_scope(a.name)
    }
    designed: list[AlarmDesign | CompositeDesign] = [*design.alarms, *design.composites]
    missing: list[Missing] = []
    drifted: list[AlarmDrift] = []
    for item in designed:
        alarm = found.pop(item.key, None)
        if alarm is None:
            missing.append(Missing(item.name, item.region, item.line))
            continue
        fields = (
            _metric_drift(item, alarm)
            if isinstance(item, AlarmDesign)
            else _composite_drift(item, alarm)
        )
        if fields:
            drifted.append(AlarmDrift(item.name, item.region, tuple(fields)))
    extra = sorted(found.values(), key=lambda a: (a.region, a.name))
    return DesignReport(tuple(missing), tuple(extra), tuple(drifted), len(designed))


def deployed_inputs(alarm: Alarm) -> tuple[MetricInput, ...]:
    """A metric-math alarm's metric stats as the design writes them, in id order."""
    inputs = [
        MetricInput(
            id=q.id,
            namespace=q.metric.namespace,
            metric=q.metric.name,
            dimensions=tuple(sorted(q.metric.dimensions)),
            statistic=q.stat or "",
            period=q.period or 0,
        )
        for q in alarm.metrics
        if q.metric is not None
    ]
    return tuple(sorted(inputs, key=lambda i: i.id))


def deployed_expression(alarm: Alarm) -> str:
    """The expression a metric-math alarm compares ("" when it has none)."""
    returned = alarm.returned_query
    return returned.expression or "" if returned is not None else ""


def _metric_drift(design: AlarmDesign, alarm: Alarm) -> list[FieldDrift]:
    if alarm.kind is not AlarmKind.METRIC:
        return [FieldDrift("kind", "metric alarm", "composite alarm")]
    pairs: list[tuple[str, str, str]] = []
    if design.expression:
        pairs.append(
            ("expression", _squeeze(design.expression), _squeeze(deployed_expression(alarm)))
        )
        pairs.append(("inputs", _inputs(design.inputs), _inputs(deployed_inputs(alarm))))
    else:
        ref = alarm.metric
        pairs += [
            ("namespace", design.namespace, ref.namespace if ref else "(metric math)"),
            ("metric", design.metric, ref.name if ref else "(metric math)"),
            (
                "dimensions",
                _dims(design.dimensions),
                _dims(tuple(sorted(ref.dimensions)) if ref else ()),
            ),
            ("statistic", design.statistic, alarm.statistic or alarm.extended_statistic or ""),
        ]
    n = alarm.evaluation_periods or 0
    pairs += [
        ("period", format_period(design.period), _period(alarm.period_seconds)),
        (
            "comparison",
            design.operator,
            SYMBOLS.get(alarm.comparison or "", alarm.comparison or "?"),
        ),
        ("threshold", format_threshold(design.threshold), format_threshold(alarm.threshold)),
        ("m_of_n", design.m_of_n, f"{alarm.datapoints_to_alarm or n}/{n}"),
        ("missing_data", design.missing_data, alarm.treat_missing_data or "missing"),
    ]
    return _differences(pairs) + _action_drift(design, alarm)


def _composite_drift(design: CompositeDesign, alarm: Alarm) -> list[FieldDrift]:
    if alarm.kind is not AlarmKind.COMPOSITE:
        return [FieldDrift("kind", "composite alarm", "metric alarm")]
    drift = []
    if _rule(design.rule) != _rule(alarm.alarm_rule or ""):  # shown as written
        drift.append(FieldDrift("rule", _squeeze(design.rule), _squeeze(alarm.alarm_rule or "")))
    return drift + _action_drift(design, alarm)


def _action_drift(design: AlarmDesign | CompositeDesign, alarm: Alarm) -> list[FieldDrift]:
    def shown(actions: Iterable[str]) -> str:
        names = sorted({topic_or_arn(a, alarm.region) for a in actions})
        return "[" + ", ".join(names) + "]"

    enabled = (
        "actions_enabled",
        str(design.actions_enabled).lower(),
        str(alarm.actions_enabled).lower(),
    )
    return _differences(
        [
            enabled,
            ("alarm_actions", shown(design.alarm_actions), shown(alarm.alarm_actions)),
            ("ok_actions", shown(design.ok_actions), shown(alarm.ok_actions)),
            (
                "insufficient_data_actions",
                shown(design.insufficient_data_actions),
                shown(alarm.insufficient_data_actions),
            ),
        ]
    )


def _differences(pairs: list[tuple[str, str, str]]) -> list[FieldDrift]:
    return [FieldDrift(name, a, b) for name, a, b in pairs if a != b]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _rule(text: str) -> str:
    """A composite rule with the spelling AWS lets vary made one: spaces, and quotes around
    an alarm name (`ALARM( "a" )` is `ALARM(a)`)."""
    return _ARGUMENT.sub(r"(\1)", _squeeze(text))


_ARGUMENT = re.compile(r'\(\s*"?([^()"]+?)"?\s*\)')


def _dims(dims: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in dims) + "}"


def _inputs(inputs: tuple[MetricInput, ...]) -> str:
    parts = (
        f"{i.id}: {i.namespace} {i.metric} {_dims(i.dimensions)} {i.statistic} "
        f"{format_period(i.period) if i.period else '?'}"
        for i in sorted(inputs, key=lambda i: i.id)
    )
    return "; ".join(parts)


def _period(seconds: int | None) -> str:
    return format_period(seconds) if seconds else "?"
