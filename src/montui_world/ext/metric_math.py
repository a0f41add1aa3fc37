"""CloudWatch metric math for the local world: parse an `Expression`, evaluate it over series.

The subset montui and its demo need, with AWS's semantics:

- arithmetic `+ - * / ^` and parentheses between ids, numbers and function results;
  comparisons `< <= > >= == !=` and `AND`/`&&`, `OR`/`||` (1 true, 0 false);
- between two time series, a value exists only at timestamps both have (missing data is
  dropped, not taken as zero); with a number, every datapoint of the series;
- a datapoint whose value is not a number (x/0, overflow) is dropped, and the result says so
  (`ArithmeticError` message, as AWS does);
- `METRICS()`, `METRICS("text")` (the request's metrics whose label contains the text),
  `[a, b]` arrays; `SUM/AVG/MIN/MAX/STDDEV` of an array give a series over the union of
  timestamps, of a single series a number; `FILL(x, value|REPEAT|LINEAR)` over every period
  of the requested range; `RATE`, `DIFF`, `ABS`, `CEIL`, `FLOOR`, `SQRT`, `LOG`, `LOG10`,
  `EXP`, `PERIOD`, `IF(condition, a[, b])`.

Errors raise `MathError`; the CloudWatch handler turns them into a ValidationError naming the
query. Pure: no moto. The parser is `metric_math_parser`; its `parse`, `references`, `Node`
and `MathError` are re-exported here, where the CloudWatch handlers use them as `mm.…`.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

from montui_world.ext.metric_math_parser import FUNCTION_NAME
from montui_world.ext.metric_math_parser import MathError as MathError
from montui_world.ext.metric_math_parser import Node as Node
from montui_world.ext.metric_math_parser import parse as parse
from montui_world.ext.metric_math_parser import references as references


@dataclass(slots=True)
class TimeSeries:
    """A series in an expression: `points` maps epoch seconds to values, ascending."""

    label: str
    period: int
    points: dict[int, float] = field(default_factory=dict)


Value = Union[float, TimeSeries, list[TimeSeries]]  # noqa: UP007 (a runtime alias)


@dataclass(slots=True)
class Context:
    """What an evaluation needs from the request."""

    lookup: Callable[[str], Value]  # another query's value by Id
    metrics: Callable[[str | None], list[TimeSeries]]  # METRICS() / METRICS("text")
    grid: Callable[[int], Sequence[int]]  # every period start of the range, for FILL
    dropped: bool = False  # a non-numeric datapoint was dropped


# ---------------------------------------------------------------- evaluation


def evaluate(node: Node, ctx: Context) -> Value:
    """The value of a parsed expression."""
    if node.kind == "num":
        return node.number
    if node.kind == "id":
        if FUNCTION_NAME.match(node.text):
            raise MathError(f"Unrecognized keyword {node.text}")
        return ctx.lookup(node.text)
    if node.kind == "str":
        raise MathError(f'Unexpected string "{node.text}"')
    if node.kind == "neg":
        return _apply(evaluate(node.args[0], ctx), operator.neg, ctx)
    if node.kind == "list":
        items: list[TimeSeries] = []
        for arg in node.args:
            value = evaluate(arg, ctx)
            if isinstance(value, float):
                raise MathError("An array may hold only time series")
            items.extend(value if isinstance(value, list) else [value])
        return items
    if node.kind == "bin":
        left, right = (evaluate(a, ctx) for a in node.args)
        return _binary(left, right, _OPERATORS[node.text], ctx)
    return _call(node, ctx)


def _divide(a: float, b: float) -> float:
    return a / b if b else math.nan


def _power(a: float, b: float) -> float:
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError):
        return math.nan
    return result if isinstance(result, float | int) else math.nan  # complex: no real root


def _truth(op: Callable[[bool, bool], bool]) -> Callable[[float, float], float]:
    return lambda a, b: 1.0 if op(a != 0, b != 0) else 0.0


def _compare(op: Callable[[float, float], bool]) -> Callable[[float, float], float]:
    return lambda a, b: 1.0 if op(a, b) else 0.0


_OPERATORS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
    "^": _power,
    "<": _compare(operator.lt),
    "<=": _compare(operator.le),
    ">": _compare(operator.gt),
    ">=": _compare(operator.ge),
    "==": _compare(operator.eq),
    "!=": _compare(operator.ne),
    "AND": _truth(lambda a, b: a and b),
    "&&": _truth(lambda a, b: a and b),
    "OR": _truth(lambda a, b: a or b),
    "||": _truth(lambda a, b: a or b),
}


def _finite(points: dict[int, float], ctx: Context) -> dict[int, float]:
    kept = {t: v for t, v in points.items() if math.isfinite(v)}
    if len(kept) != len(points):
        ctx.dropped = True
    return kept


def _apply(value: Value, fn: Callable[[float], float], ctx: Context) -> Value:
    """`fn` on a number, on each datapoint of a series, or of each series of an array."""
    if isinstance(value, float):
        return fn(value)
    if isinstance(value, list):
        return [_apply_series(s, fn, ctx) for s in value]
    return _apply_series(value, fn, ctx)


def _apply_series(series: TimeSeries, fn: Callable[[float], float], ctx: Context) -> TimeSeries:
    points = {t: fn(v) for t, v in series.points.items()}
    return TimeSeries(series.label, series.period, _finite(points, ctx))


def _binary(left: Value, right: Value, op: Callable[[float, float], float], ctx: Context) -> Value:
    if isinstance(left, list) or isinstance(right, list):
        if isinstance(left, list) and isinstance(right, list):
            raise MathError("Arithmetic between two arrays of time series is not supported")
        if isinstance(left, list):
            assert not isinstance(right, list)
            return [_series_op(s, right, op, ctx) for s in left]
        assert isinstance(right, list)
        return [_series_op(left, s, op, ctx) for s in right]
    if isinstance(left, float) and isinstance(right, float):
        return op(left, right)
    return _series_op(left, right, op, ctx)


def _series_op(
    left: float | TimeSeries,
    right: float | TimeSeries,
    op: Callable[[float, float], float],
    ctx: Context,
) -> TimeSeries:
    if isinstance(left, TimeSeries) and isinstance(right, TimeSeries):
        other = right.points
        points = {t: op(v, other[t]) for t, v in left.points.items() if t in other}
        return TimeSeries(left.label, min(left.period, right.period), _finite(points, ctx))
    if isinstance(left, TimeSeries):
        assert isinstance(right, float)
        number = right
        return _apply_series(left, lambda v: op(v, number), ctx)
    assert isinstance(right, TimeSeries) and isinstance(left, float)
    scalar = left
    return _apply_series(right, lambda v: op(scalar, v), ctx)


_ELEMENTWISE: dict[str, Callable[[float], float]] = {
    "ABS": abs,
    "CEIL": lambda v: float(math.ceil(v)),
    "FLOOR": lambda v: float(math.floor(v)),
    "SQRT": lambda v: math.sqrt(v) if v >= 0 else math.nan,
    "LOG": lambda v: math.log(v) if v > 0 else math.nan,
    "LOG10": lambda v: math.log10(v) if v > 0 else math.nan,
    "EXP": lambda v: math.exp(v) if v < 700 else math.nan,
}


def _reduce_values(name: str, values: Sequence[float]) -> float:
    if not values:
        return math.nan
    if name == "SUM":
        return math.fsum(values)
    if name == "AVG":
        return math.fsum(values) / len(values)
    if name == "MIN":
        return min(values)
    if name == "MAX":
        return max(values)
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))  # STDDEV


def _call(node: Node, ctx: Context) -> Value:
    name, args = node.text, node.args
    if name == "METRICS":
        if len(args) > 1 or (args and args[0].kind != "str"):
            raise MathError("METRICS takes no argument or one string")
        return ctx.metrics(args[0].text if args else None)
    if name == "FILL":
        return _fill(args, ctx)
    if name == "IF":
        return _if(args, ctx)
    if name in ("SEARCH", "SELECT", "ANOMALY_DETECTION_BAND", "INSIGHT_RULE_METRIC"):
        raise MathError(f"{name} is not supported by the local world")
    values = [evaluate(a, ctx) for a in args]
    if name in _ELEMENTWISE or name in ("RATE", "DIFF", "PERIOD"):
        if len(values) != 1:
            raise MathError(f"{name} takes one argument")
        value = values[0]
        if name in _ELEMENTWISE:
            return _apply(value, _ELEMENTWISE[name], ctx)
        if isinstance(value, float):
            raise MathError(f"{name} needs a time series")
        if name == "PERIOD":
            if isinstance(value, list):
                raise MathError("PERIOD needs a single time series")
            return float(value.period)
        if isinstance(value, list):
            return [_change(s, name == "RATE") for s in value]
        return _change(value, name == "RATE")
    if name in ("SUM", "AVG", "MIN", "MAX", "STDDEV"):
        if len(values) != 1:
            raise MathError(f"{name} takes one argument")
        value = values[0]
        if isinstance(value, float):
            return value
        if isinstance(value, TimeSeries):
            return _reduce_values(name, list(value.points.values()))
        return _across(name, value)
    raise MathError(f"Unrecognized function {name}")


def _change(series: TimeSeries, per_second: bool) -> TimeSeries:
    points: dict[int, float] = {}
    previous: tuple[int, float] | None = None
    for t, v in series.points.items():
        if previous is not None:
            delta = v - previous[1]
            points[t] = delta / (t - previous[0]) if per_second else delta
        previous = (t, v)
    return TimeSeries(series.label, series.period, points)


def _across(name: str, members: list[TimeSeries]) -> TimeSeries:
    """SUM/AVG/… of an array: at every timestamp any member has, over the members that do."""
    stamps = sorted({t for s in members for t in s.points})
    points = {
        t: _reduce_values(name, [s.points[t] for s in members if t in s.points]) for t in stamps
    }
    period = min((s.period for s in members), default=60)
    return TimeSeries("", period, points)


def _fill(args: tuple[Node, ...], ctx: Context) -> Value:
    if len(args) != 2:
        raise MathError("FILL takes two arguments")
    target = evaluate(args[0], ctx)
    how = args[1]
    if how.kind == "id" and how.text in ("REPEAT", "LINEAR"):
        mode: str | float = how.text
    else:
        value = evaluate(how, ctx)
        if not isinstance(value, float):
            raise MathError("FILL's second argument must be a number, REPEAT or LINEAR")
        mode = value
    if isinstance(target, float):
        raise MathError("FILL needs a time series")
    if isinstance(target, list):
        return [_fill_series(s, mode, ctx) for s in target]
    return _fill_series(target, mode, ctx)


def _fill_series(series: TimeSeries, mode: str | float, ctx: Context) -> TimeSeries:
    known = series.points
    stamps = sorted(set(ctx.grid(series.period)) | set(known))
    points: dict[int, float] = {}
    if isinstance(mode, float):
        points = {t: known.get(t, mode) for t in stamps}
    elif mode == "REPEAT":
        last: float | None = None
        for t in stamps:
            last = known.get(t, last)
            if last is not None:
                points[t] = last
    else:  # LINEAR: between the datapoints either side of a gap
        real = [t for t in stamps if t in known]
        for t in stamps:
            if t in known:
                points[t] = known[t]
                continue
            i = bisect_left(real, t)
            if 0 < i < len(real):
                t0, t1 = real[i - 1], real[i]
                share = (t - t0) / (t1 - t0)
                points[t] = known[t0] + (known[t1] - known[t0]) * share
    return TimeSeries(series.label, series.period, points)


def _if(args: tuple[Node, ...], ctx: Context) -> Value:
    if len(args) not in (2, 3):
        raise MathError("IF takes two or three arguments")
    condition = evaluate(args[0], ctx)
    then = evaluate(args[1], ctx)
    otherwise = evaluate(args[2], ctx) if len(args) == 3 else None
    if isinstance(condition, float):
        chosen = then if condition != 0 else otherwise
        if chosen is None:
            raise MathError("IF's condition is false and there is no third argument")
        return chosen
    if isinstance(condition, list):
        raise MathError("IF's condition must be a single time series or a number")

    def at(value: Value | None, t: int) -> float | None:
        if value is None or isinstance(value, list):
            return None
        if isinstance(value, float):
            return value
        return value.points.get(t)

    points: dict[int, float] = {}
    for t, v in condition.points.items():
        picked = at(then if v != 0 else otherwise, t)
        if picked is not None:
            points[t] = picked
    return TimeSeries(condition.label, condition.period, points)
