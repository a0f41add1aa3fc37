"""The parsed form of a query: expression nodes, command nodes and `Query`.

Every node keeps `start`/`end`, its character span in the query text, so that errors found
after parsing can still point at the right place and so that a column AWS names after the
expression (`avg(@duration)`, `bin(5m)`) can be named from the text the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Binary",
    "Call",
    "Command",
    "DedupCmd",
    "Expr",
    "Field",
    "FieldsCmd",
    "FilterCmd",
    "InList",
    "LimitCmd",
    "Literal",
    "Match",
    "ParseCmd",
    "Period",
    "Projection",
    "Query",
    "RegexLit",
    "SortCmd",
    "SortKey",
    "Star",
    "StatsCmd",
    "Unary",
]


@dataclass(frozen=True, slots=True)
class Literal:
    """A string or number written in the query."""

    value: str | int | float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Field:
    """A reference to a field by name (`@message`, `req.status`, a backquoted name)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RegexLit:
    """`/pattern/`, already translated to a compiled Python regular expression."""

    pattern: re.Pattern[str]
    source: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Period:
    """A time period literal such as `5m`, as a fixed length or a calendar unit."""

    amount: int
    unit: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Star:
    """The `*` of `count(*)`."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Unary:
    """`-x` or `not x`."""

    op: str
    operand: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic (`+ - * / % ^`), comparison (`= != < <= > >=`) or Boolean (`and`, `or`)."""

    op: str
    left: Expr
    right: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """`x like /re/`, `x like "substring"`, `x =~ /re/`, and the `not like` forms."""

    operand: Expr
    pattern: RegexLit | Literal
    negated: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class InList:
    """`x in [a, b, c]` or `x not in [...]`."""

    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Call:
    """A function or aggregate call; `name` is lower case, `written` as the user typed it."""

    name: str
    written: str
    args: tuple[Expr, ...]
    start: int
    end: int


Expr = Literal | Field | RegexLit | Period | Star | Unary | Binary | Match | InList | Call


@dataclass(frozen=True, slots=True)
class Projection:
    """`expr [as alias]`; `name` is the column it produces (the alias, field or text)."""

    expr: Expr
    name: str


@dataclass(frozen=True, slots=True)
class SortKey:
    """One `sort` key: an expression and its direction (AWS's default is descending)."""

    expr: Expr
    descending: bool


@dataclass(frozen=True, slots=True)
class FieldsCmd:
    """`fields a, f(b) as c` (adds columns) or `display a, b` (chooses the shown columns)."""

    items: tuple[Projection, ...]
    display: bool
    start: int


@dataclass(frozen=True, slots=True)
class FilterCmd:
    """`filter <condition>`."""

    condition: Expr
    start: int


@dataclass(frozen=True, slots=True)
class StatsCmd:
    """`stats agg(x) [as a], ... [by g1, bin(5m) [as t], ...]`."""

    items: tuple[Projection, ...]
    groups: tuple[Projection, ...]
    start: int


@dataclass(frozen=True, slots=True)
class SortCmd:
    """`sort k1 [asc|desc], k2 ...`."""

    keys: tuple[SortKey, ...]
    start: int


@dataclass(frozen=True, slots=True)
class LimitCmd:
    """`limit N`."""

    count: int
    start: int


@dataclass(frozen=True, slots=True)
class DedupCmd:
    """`dedup f1, f2`: keep the first row of each distinct combination."""

    fields: tuple[str, ...]
    start: int


@dataclass(frozen=True, slots=True)
class ParseCmd:
    """`parse <field> "glob * pattern" as a, b` or `parse <field> /(?<a>re)/`.

    Both forms end up as one compiled regex; group number `groups[i]` fills `names[i]`.
    """

    source: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    groups: tuple[int, ...]
    start: int


Command = FieldsCmd | FilterCmd | StatsCmd | SortCmd | LimitCmd | DedupCmd | ParseCmd


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: its text and its commands in pipeline order."""

    text: str
    commands: tuple[Command, ...]

    @property
    def has_stats(self) -> bool:
        """Whether the query aggregates (its rows then carry no `@ptr`)."""
        return any(isinstance(command, StatsCmd) for command in self.commands)
