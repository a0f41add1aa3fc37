"""Reading a monitoring design document from TOML (`config/design/hitori.toml` is the worked
example; README "The design document as a file" shows the schema).

Every problem is reported, not only the first, each as `<file>:<line>: <key path>: <what was
expected>` (key paths count array items from 1, as a person counts them: `event[3]` is the
third `[[event]]` table), with the line found by `montui.config_errors.line_of`, as for the
config. tomllib reads the file; the checks here give the meaning (a flow that exists, an
operator, M/N with M ≤ N, a missing-data treatment CloudWatch knows, no alarm twice).

Like config.py it imports only the stdlib and `montui.model`: no textual, no AWS libraries.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from montui.config_errors import ConfigError, ConfigSource, line_of, show, syntax_error
from montui.model.design import (
    COMPARISONS,
    MISSING_DATA,
    RESPONSES,
    STATISTICS,
    AlarmDesign,
    CompositeDesign,
    Design,
    Event,
    Flow,
    MetricInput,
    NotMonitored,
    Parameter,
)
from montui.model.duration import parse_duration

__all__ = ["DesignFileError", "load_design", "parse_design"]

_M_OF_N = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_EXTENDED = re.compile(
    r"^(p\d{1,2}(\.\d+)?|(tm|wm|tc|ts)\d{1,2}(\.\d+)?|(tm|wm|tc|ts|pr)\(.+\)|iqm)$", re.IGNORECASE
)
"""CloudWatch's extended statistics: p95, p99.9, tm90, TM(10%:90%), PR(:300), IQM."""
_TOP = {"system", "flow", "event", "not_monitored", "parameter", "composite"}
_SYSTEM = {"name", "purpose", "slo", "region", "scope", "notes", "exclude"}
_EVENT_TEXT = ("impact", "handling", "signal", "method", "criterion")
_ACTIONS = ("alarm_actions", "ok_actions", "insufficient_data_actions")
_EVENT = {
    *("flow", "event", "response", "alarm", "region", *_EVENT_TEXT),
    *("namespace", "metric", "dimensions", "statistic", "expression", "inputs"),
    *("period", "comparison", "threshold", "m_of_n", "missing_data", "actions_enabled"),
    *_ACTIONS,
}
_INPUT = {"id", "namespace", "metric", "dimensions", "statistic", "period"}
_COMPOSITE = {"name", "region", "rule", "response", "description", "actions_enabled", *_ACTIONS}


class DesignFileError(Exception):
    """A design file that cannot be used; `problems` are each `file:line: key: expected …`."""

    def __init__(self, problems: list[ConfigError]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


def load_design(path: Path) -> Design:
    """The design in `path`; raises DesignFileError naming every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DesignFileError([ConfigError(f"{path}: cannot read the design: {why}")]) from None
    return parse_design(text, path)


def parse_design(text: str, path: Path) -> Design:
    """The design `text` (read from `path`, named in messages) says; raises DesignFileError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DesignFileError([syntax_error(path, text, str(exc))]) from None
    reader = _Reader(ConfigSource(path, text))
    design = reader.design(data)
    if reader.problems or design is None:
        raise DesignFileError(reader.problems)
    return design


@dataclass
class _Reader:
    """Walks the parsed TOML, collecting problems instead of stopping at the first."""

    source: ConfigSource
    problems: list[ConfigError] = field(default_factory=list)

    def fail(self, key: str, problem: str) -> None:
        self.problems.append(self.source.error(key, problem))

    def design(self, data: dict[str, Any]) -> Design | None:
        self.known(data, "", _TOP)
        system = self.table(data, "system", required=True)
        self.known(system, "system", _SYSTEM)
        name = self.text(system, "system", "name", required=True)
        region = self.text(system, "system", "region", required=True)
        flows = [self.flow(f, f"flow[{i}]") for i, f in self.tables(data, "flow")]
        ids = {f.id for f in flows}
        if not flows:
            self.fail("flow", "expected at least one [[flow]] table (id, name)")
        events = [self.event(e, f"event[{i}]", ids, region) for i, e in self.tables(data, "event")]
        skipped = [
            self.skipped(t, f"not_monitored[{i}]", ids)
            for i, t in self.tables(data, "not_monitored")
        ]
        params = [
            self.parameter(t, f"parameter[{i}]", ids) for i, t in self.tables(data, "parameter")
        ]
        composites = [
            self.composite(t, f"composite[{i}]", region) for i, t in self.tables(data, "composite")
        ]
        self.unique([e.alarm for e in events if e], [c for c in composites if c])
        return Design(
            system=name,
            purpose=self.text(system, "system", "purpose", required=True),
            slo=self.text(system, "system", "slo"),
            region=region,
            scope=self.text(system, "system", "scope"),
            exclude=self.names(system, "system", "exclude"),
            notes=self.text(system, "system", "notes"),
            flows=tuple(flows),
            events=tuple(e for e in events if e),
            not_monitored=tuple(s for s in skipped if s),
            parameters=tuple(p for p in params if p),
            composites=tuple(c for c in composites if c),
        )

    # -- tables ---------------------------------------------------------------------------

    def flow(self, data: dict[str, Any], key: str) -> Flow:
        self.known(data, key, {"id", "name"})
        return Flow(id=self.flow_id(data, key), name=self.text(data, key, "name", required=True))

    def event(
        self, data: dict[str, Any], key: str, flows: set[str], default_region: str
    ) -> Event | None:
        self.known(data, key, _EVENT)
        flow = self.flow_ref(data, key, flows)
        response = self.choice(data, key, "response", RESPONSES, required=True)
        alarm = self.alarm(data, key, default_region)
        if alarm is None:
            return None
        words = {k: self.text(data, key, k) for k in _EVENT_TEXT}
        event = self.text(data, key, "event", required=True)
        return Event(flow=flow, event=event, response=response, alarm=alarm, **words)

    def alarm(self, data: dict[str, Any], key: str, default_region: str) -> AlarmDesign | None:
        before = len(self.problems)
        metric: dict[str, Any] = {}
        if "expression" in data:
            metric["expression"] = self.text(data, key, "expression", required=True)
            metric["inputs"] = tuple(
                self.metric_input(t, f"{key}.inputs[{i}]")
                for i, t in self.tables(data, "inputs", key)
            )
            if not metric["inputs"]:
                self.fail(f"{key}.inputs", "expected the metrics the expression reads")
        else:
            metric["namespace"] = self.text(data, key, "namespace", required=True)
            metric["metric"] = self.text(data, key, "metric", required=True)
            metric["dimensions"] = self.dimensions(data, key)
            metric["statistic"] = self.statistic(data, key)
        m_of_n = self.m_of_n(data, key)
        alarm = AlarmDesign(
            name=self.text(data, key, "alarm", required=True),
            region=self.text(data, key, "region") or default_region,
            period=self.period(data, key, "period", required=True),
            comparison=COMPARISONS.get(
                self.choice(data, key, "comparison", tuple(COMPARISONS), required=True), ""
            ),
            threshold=self.number(data, key, "threshold"),
            datapoints_to_alarm=m_of_n[0],
            evaluation_periods=m_of_n[1],
            missing_data=self.choice(data, key, "missing_data", MISSING_DATA) or "missing",
            actions_enabled=self.flag(data, key, "actions_enabled"),
            line=self.source_line(key),
            alarm_actions=self.strings(data, key, "alarm_actions"),
            ok_actions=self.strings(data, key, "ok_actions"),
            insufficient_data_actions=self.strings(data, key, "insufficient_data_actions"),
            **metric,
        )
        return alarm if len(self.problems) == before else None

    def metric_input(self, data: dict[str, Any], key: str) -> MetricInput:
        self.known(data, key, _INPUT)
        return MetricInput(
            id=self.text(data, key, "id", required=True),
            namespace=self.text(data, key, "namespace", required=True),
            metric=self.text(data, key, "metric", required=True),
            dimensions=self.dimensions(data, key),
            statistic=self.statistic(data, key),
            period=self.period(data, key, "period", required=True),
        )

    def skipped(self, data: dict[str, Any], key: str, flows: set[str]) -> NotMonitored:
        self.known(data, key, {"flow", "event", "reason", "impact"})
        return NotMonitored(
            flow=self.flow_ref(data, key, flows),
            event=self.text(data, key, "event", required=True),
            reason=self.text(data, key, "reason", required=True),
            impact=self.text(data, key, "impact"),
        )

    def parameter(self, data: dict[str, Any], key: str, flows: set[str]) -> Parameter:
        self.known(data, key, {"flow", "name", "setting"})
        return Parameter(
            flow=self.flow_ref(data, key, flows),
            name=self.text(data, key, "name", required=True),
            setting=self.text(data, key, "setting", required=True),
        )

    def composite(self, data: dict[str, Any], key: str, default_region: str) -> CompositeDesign:
        self.known(data, key, _COMPOSITE)
        return CompositeDesign(
            name=self.text(data, key, "name", required=True),
            region=self.text(data, key, "region") or default_region,
            rule=self.text(data, key, "rule", required=True),
            response=self.choice(data, key, "response", RESPONSES, required=True),
            description=self.text(data, key, "description"),
            actions_enabled=self.flag(data, key, "actions_enabled"),
            line=self.source_line(key),
            alarm_actions=self.strings(data, key, "alarm_actions"),
            ok_actions=self.strings(data, key, "ok_actions"),
            insufficient_data_actions=self.strings(data, key, "insufficient_data_actions"),
        )

    def unique(self, alarms: list[AlarmDesign], composites: list[CompositeDesign]) -> None:
        seen: dict[tuple[str, str], int | None] = {}
        groups: list[tuple[str, Sequence[AlarmDesign | CompositeDesign]]] = [
            ("event", alarms),
            ("composite", composites),
        ]
        for kind, items in groups:
            for i, item in enumerate(items, 1):
                if item.key in seen:
                    where = seen[item.key]
                    self.fail(
                        f"{kind}[{i}].{'alarm' if kind == 'event' else 'name'}",
                        f"alarm {item.name!r} in {item.region} is already designed"
                        + (f" at line {where}" if where else ""),
                    )
                seen.setdefault(item.key, item.line)

    # -- values ---------------------------------------------------------------------------

    def tables(
        self, data: Mapping[str, Any], name: str, parent: str = ""
    ) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(name, [])
        key = f"{parent}.{name}" if parent else name
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"expected an array of tables ([[{name}]]), got {show(value)}")
            return []
        return list(enumerate(value, 1))

    def table(self, data: Mapping[str, Any], name: str, *, required: bool) -> dict[str, Any]:
        value = data.get(name)
        if value is None and required:
            self.fail(name, f"expected a [{name}] table")
        if value is not None and not isinstance(value, dict):
            self.fail(name, f"expected a table, got {show(value)}")
        return value if isinstance(value, dict) else {}

    def known(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> None:
        for name in data:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                self.fail(where, f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def text(self, data: Mapping[str, Any], key: str, name: str, *, required: bool = False) -> str:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(f"{key}.{name}", "missing: expected a string")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{key}.{name}", f"expected a non-empty string, got {show(value)}")
            return ""
        return value.strip()

    def flow_id(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get("flow" if "flow" in data else "id")
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
            name = "flow" if "flow" in data else "id"
            self.fail(
                f"{key}.{name}", f"expected a flow id (a number or a name), got {show(value)}"
            )
            return ""
        return str(value).strip()

    def flow_ref(self, data: Mapping[str, Any], key: str, flows: set[str]) -> str:
        if "flow" not in data:
            self.fail(f"{key}.flow", "missing: expected the id of a [[flow]]")
            return ""
        flow = self.flow_id(data, key)
        if flow and flow not in flows:
            known = ", ".join(sorted(flows)) or "none"
            self.fail(f"{key}.flow", f"no [[flow]] has id {flow} (the flows: {known})")
        return flow

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        name: str,
        allowed: tuple[str, ...],
        *,
        required: bool = False,
    ) -> str:
        value = data.get(name)
        if value is None and not required:
            return ""
        if value not in allowed:
            options = ", ".join(f'"{a}"' for a in allowed)
            self.fail(f"{key}.{name}", f"expected one of {options}, got {show(value)}")
            return ""
        return str(value)

    def number(self, data: Mapping[str, Any], key: str, name: str) -> float:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(
                f"{key}.{name}",
                f"expected a number, got {_shown(value)}",
            )
            return 0.0
        return float(value)

    def flag(self, data: Mapping[str, Any], key: str, name: str) -> bool:
        value = data.get(name, True)
        if not isinstance(value, bool):
            self.fail(f"{key}.{name}", f"expected true or false, got {show(value)}")
            return True
        return value

    def period(self, data: Mapping[str, Any], key: str, name: str, *, required: bool) -> int:
        value = data.get(name)
        expected = 'expected seconds (60) or a duration ("1m"), a multiple of 60 or 10, 20, 30'
        try:
            seconds = _seconds(value)
        except ValueError:
            self.fail(
                f"{key}.{name}",
                f"{expected}, got {_shown(value)}",
            )
            return 0
        if seconds not in (10, 20, 30) and (seconds <= 0 or seconds % 60):
            self.fail(f"{key}.{name}", f"{expected}, got {show(value)}")
            return 0
        return seconds

    def m_of_n(self, data: Mapping[str, Any], key: str) -> tuple[int, int]:
        value = data.get("m_of_n")
        match = _M_OF_N.match(value) if isinstance(value, str) else None
        if match is None:
            self.fail(
                f"{key}.m_of_n",
                f'expected "M/N" such as "3/5", got {_shown(value)}',
            )
            return (0, 0)
        m, n = int(match[1]), int(match[2])
        if not 1 <= m <= n:
            self.fail(
                f"{key}.m_of_n", f"expected 1 ≤ M ≤ N (M breaching of the last N), got {value!r}"
            )
            return (0, 0)
        return (m, n)

    def statistic(self, data: Mapping[str, Any], key: str) -> str:
        value = self.text(data, key, "statistic", required=True)
        if value and value not in STATISTICS and not _EXTENDED.match(value):
            self.fail(
                f"{key}.statistic",
                f"expected one of {', '.join(STATISTICS)} or a percentile like p95, got {value!r}",
            )
        return value

    def dimensions(self, data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        value = data.get("dimensions", {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(
                f"{key}.dimensions", f"expected a table of names to strings, got {show(value)}"
            )
            return ()
        return tuple(sorted(value.items()))

    def strings(self, data: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(
                f"{key}.{name}", f"expected an array of SNS topic names or ARNs, got {show(value)}"
            )
            return ()
        return tuple(value)

    def names(self, data: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{key}.{name}", f"expected an array of alarm names, got {show(value)}")
            return ()
        return tuple(value)

    def source_line(self, key: str) -> int | None:
        return line_of(self.source.text, key)


def _seconds(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError(value)


def _shown(value: object) -> str:
    """A value as it looks in TOML; `nothing` when the key is absent."""
    return "nothing" if value is None else show(value)
