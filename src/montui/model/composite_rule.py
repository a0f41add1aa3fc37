"""CloudWatch composite alarm rules (PutCompositeAlarm `AlarmRule`): parse, evaluate, explain.

The grammar, as the CloudWatch user guide ("Create a composite alarm") and the
PutCompositeAlarm reference document it:

- functions `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)`, true when alarm `x` is in that state;
  `x` is an alarm name or ARN, in double quotes or bare (`ALARM(CPUUtilizationTooHigh)`).
  A bare argument runs to the next `)`; a quoted one to the next `"` (AWS documents no
  escape). An ARN `arn:<partition>:cloudwatch:<region>:<account>:alarm:NAME` refers to NAME.
- constants `TRUE` and `FALSE`;
- operators `NOT`, `AND`, `OR` and parentheses. Keywords are upper case, as AWS writes them.

Precedence (a choice: AWS documents none beyond "parentheses group"): `NOT` binds tightest,
then `AND`, then `OR`, the usual Boolean convention, so `a OR b AND c` is `a OR (b AND c)`.
`render` always parenthesises an `AND` inside an `OR` (and the reverse), so the canonical text
means the same thing whatever precedence a reader assumes. `AT_LEAST(...)` (added to
CloudWatch in November 2025) is not supported and is reported as a syntax error.

Unknown children: an alarm missing from `states` is taken to be in INSUFFICIENT_DATA, so
`ALARM(gone)` is false and `NOT ALARM(gone)` is true. `composite_state` returns ALARM or OK
only: AWS says the initial moment after creation is the only time a composite alarm can be
INSUFFICIENT_DATA, and that is the caller's to represent, not the rule's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from msgspec import Struct

from montui.model.alarm import AlarmState

__all__ = [
    "And",
    "Const",
    "Not",
    "Or",
    "Rule",
    "RuleSyntaxError",
    "StateCheck",
    "blamed_children",
    "children",
    "composite_state",
    "evaluate",
    "normalize",
    "parse_rule",
    "render",
]


class StateCheck(Struct, frozen=True):
    """`ALARM("x")`, `OK("x")` or `INSUFFICIENT_DATA("x")`: true when alarm `x` is in `state`."""

    state: AlarmState
    alarm: str


class Not(Struct, frozen=True):
    """`NOT operand`."""

    operand: Rule


class And(Struct, frozen=True):
    """`a AND b AND ...`: true when every operand is (an empty And is true)."""

    operands: tuple[Rule, ...]


class Or(Struct, frozen=True):
    """`a OR b OR ...`: true when any operand is (an empty Or is false)."""

    operands: tuple[Rule, ...]


class Const(Struct, frozen=True):
    """`TRUE` or `FALSE`."""

    value: bool


Rule = StateCheck | Not | And | Or | Const


class RuleSyntaxError(ValueError):
    """A rule that does not parse; `position` is the character offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position})")
        self.message = message
        self.position = position


_FUNCTIONS = {s.value: s for s in AlarmState}
_KEYWORDS = {"AND", "OR", "NOT", "TRUE", "FALSE", *_FUNCTIONS}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ARN = re.compile(r"arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)", re.DOTALL)
_MAX_DEPTH = 200
_OPERAND = "an alarm function (ALARM, OK, INSUFFICIENT_DATA), TRUE, FALSE, NOT or '('"


def parse_rule(text: str) -> Rule:
    """Parse an AlarmRule; raise `RuleSyntaxError` naming the offending character offset."""
    return _Parser(text).parse()


class _Parser:
    """Recursive descent over characters (a function's argument is not made of tokens)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def parse(self) -> Rule:
        self._skip_space()
        if self.pos == len(self.text):
            raise RuleSyntaxError("the rule is empty", self.pos)
        rule = self._or()
        self._skip_space()
        if self.pos < len(self.text):
            if self.text[self.pos] == ")":
                raise RuleSyntaxError("unexpected ')' with no matching '('", self.pos)
            raise self._no_operator("expected AND or OR")
        return rule

    def _no_operator(self, expected: str) -> RuleSyntaxError:
        """The error for a term followed by something other than an operator."""
        word = _WORD.match(self.text, self.pos)
        if word is not None and word.group().upper() in ("AND", "OR"):
            upper = word.group().upper()
            return RuleSyntaxError(
                f"'{word.group()}' must be written in upper case: {upper}", self.pos
            )
        return RuleSyntaxError(f"{expected}, found {self._describe()}", self.pos)

    def _or(self) -> Rule:
        operands = [self._and()]
        while self._accept_keyword("OR"):
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(_flatten(Or, operands)))

    def _and(self) -> Rule:
        operands = [self._not()]
        while self._accept_keyword("AND"):
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else And(tuple(_flatten(And, operands)))

    def _not(self) -> Rule:
        if self._accept_keyword("NOT"):
            self._enter()
            operand = self._not()
            self.depth -= 1
            return Not(operand)
        return self._primary()

    def _primary(self) -> Rule:
        self._skip_space()
        start = self.pos
        if start == len(self.text):
            raise RuleSyntaxError(f"expected {_OPERAND}, found the end of the rule", start)
        if self.text[start] == "(":
            self.pos += 1
            self._enter()
            inner = self._or()
            self.depth -= 1
            self._skip_space()
            if not self._peek(")"):
                raise self._no_operator(f"expected AND, OR or ')' to close the '(' at {start}")
            self.pos += 1
            return inner
        match = _WORD.match(self.text, start)
        if match is None:
            raise RuleSyntaxError(f"expected {_OPERAND}, found {self._describe()}", start)
        word = match.group()
        if word in ("TRUE", "FALSE"):
            self.pos = match.end()
            return Const(word == "TRUE")
        if word in _FUNCTIONS:
            self.pos = match.end()
            return StateCheck(_FUNCTIONS[word], self._argument(word))
        if word in ("AND", "OR"):
            raise RuleSyntaxError(f"expected {_OPERAND} before {word}", start)
        if word == "AT_LEAST":
            raise RuleSyntaxError("AT_LEAST(...) is not supported", start)
        if word.upper() in _KEYWORDS:
            raise RuleSyntaxError(f"'{word}' must be written in upper case: {word.upper()}", start)
        raise RuleSyntaxError(f"unknown word '{word}': expected {_OPERAND}", start)

    def _argument(self, function: str) -> str:
        self._skip_space()
        if not self._peek("("):
            raise RuleSyntaxError(f"expected '(' after {function}", self.pos)
        self.pos += 1
        self._skip_space()
        start = self.pos
        if self._peek('"'):
            close = self.text.find('"', start + 1)
            if close < 0:
                raise RuleSyntaxError("this '\"' is never closed", start)
            name = self.text[start + 1 : close]
            self.pos = close + 1
            self._skip_space()
            if not self._peek(")"):
                raise RuleSyntaxError(
                    f"expected ')' after the quoted alarm name, found {self._describe()}",
                    self.pos,
                )
        else:
            close = self.text.find(")", start)
            if close < 0:
                raise RuleSyntaxError(f"the '(' after {function} is never closed", start - 1)
            name = self.text[start:close].rstrip()
            self.pos = close
        if not name:
            raise RuleSyntaxError(f"{function}() needs an alarm name or ARN", start)
        self.pos += 1
        arn = _ARN.fullmatch(name)
        return arn.group(1) if arn else name

    def _accept_keyword(self, keyword: str) -> bool:
        self._skip_space()
        match = _WORD.match(self.text, self.pos)
        if match is not None and match.group() == keyword:
            self.pos = match.end()
            return True
        return False

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise RuleSyntaxError(f"the rule nests deeper than {_MAX_DEPTH} levels", self.pos)

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self, char: str) -> bool:
        return self.text.startswith(char, self.pos)

    def _describe(self) -> str:
        if self.pos >= len(self.text):
            return "the end of the rule"
        match = _WORD.match(self.text, self.pos)
        return f"'{match.group() if match else self.text[self.pos]}'"


def _flatten(kind: type[And] | type[Or], operands: Iterable[Rule]) -> Iterable[Rule]:
    """`(a AND b) AND c` is `a AND b AND c`: same-kind operands merge (both are associative)."""
    for operand in operands:
        if isinstance(operand, kind):
            yield from _flatten(kind, operand.operands)
        else:
            yield operand


def normalize(rule: Rule) -> Rule:
    """The shape `parse_rule(render(rule))` returns: nested same-kind And/Or merged, one-operand
    And/Or replaced by their operand, empty And/Or replaced by TRUE/FALSE."""
    if isinstance(rule, Not):
        return Not(normalize(rule.operand))
    if isinstance(rule, And | Or):
        kind = type(rule)
        operands = tuple(_flatten(kind, (normalize(op) for op in rule.operands)))
        if not operands:
            return Const(kind is And)
        return operands[0] if len(operands) == 1 else kind(operands)
    return rule


def _states_of(rule: Rule) -> Iterable[StateCheck]:
    if isinstance(rule, StateCheck):
        yield rule
    elif isinstance(rule, Not):
        yield from _states_of(rule.operand)
    elif isinstance(rule, And | Or):
        for operand in rule.operands:
            yield from _states_of(operand)


def children(rule: Rule) -> tuple[str, ...]:
    """The alarm names the rule references, in order of first appearance, each once."""
    return tuple(dict.fromkeys(check.alarm for check in _states_of(rule)))


def evaluate(rule: Rule, states: Mapping[str, AlarmState]) -> bool:
    """The rule's truth given each child's state; a child missing from `states` is taken to
    be INSUFFICIENT_DATA."""
    if isinstance(rule, StateCheck):
        return states.get(rule.alarm, AlarmState.INSUFFICIENT_DATA) == rule.state
    if isinstance(rule, Const):
        return rule.value
    if isinstance(rule, Not):
        return not evaluate(rule.operand, states)
    if isinstance(rule, And):
        return all(evaluate(op, states) for op in rule.operands)
    return any(evaluate(op, states) for op in rule.operands)


def composite_state(rule: Rule, states: Mapping[str, AlarmState]) -> AlarmState:
    """ALARM when the rule is true, OK when false (never INSUFFICIENT_DATA; see the module)."""
    return AlarmState.ALARM if evaluate(rule, states) else AlarmState.OK


def blamed_children(rule: Rule, states: Mapping[str, AlarmState]) -> tuple[str, ...]:
    """The children whose current state makes the rule true, in order, each once; () when the
    rule is false or true only through constants.

    Through OR only the true branches count; through AND every branch does; through NOT the
    children that make the negated operand false (for a false AND, its false branches; for a
    false OR, all of its branches).
    """
    if not evaluate(rule, states):
        return ()
    return tuple(dict.fromkeys(_explain(rule, True, states)))


def _explain(rule: Rule, wanted: bool, states: Mapping[str, AlarmState]) -> Iterable[str]:
    """The children that make `rule` evaluate to `wanted` (which it is known to)."""
    if isinstance(rule, StateCheck):
        yield rule.alarm
    elif isinstance(rule, Not):
        yield from _explain(rule.operand, not wanted, states)
    elif isinstance(rule, And | Or):
        # The branches that decide: for AND-true / OR-false all of them, for AND-false /
        # OR-true the ones that went the deciding way.
        every = isinstance(rule, And) == wanted
        for operand in rule.operands:
            if every or evaluate(operand, states) == wanted:
                yield from _explain(operand, wanted, states)


def render(rule: Rule) -> str:
    """Canonical text: functions with quoted names, one space around operators, parentheses
    wherever AND and OR meet or NOT applies to either. `parse_rule(render(r)) == normalize(r)`."""
    return _render(normalize(rule))


def _render(rule: Rule) -> str:
    if isinstance(rule, StateCheck):
        return f"{rule.state.value}({_quote(rule.alarm)})"
    if isinstance(rule, Const):
        return "TRUE" if rule.value else "FALSE"
    if isinstance(rule, Not):
        return f"NOT {_grouped(rule.operand)}"
    joiner = " AND " if isinstance(rule, And) else " OR "
    return joiner.join(_grouped(op) for op in rule.operands)


def _grouped(rule: Rule) -> str:
    text = _render(rule)
    return f"({text})" if isinstance(rule, And | Or) else text


def _quote(name: str) -> str:
    if name and '"' not in name:
        return f'"{name}"'
    if not name or ")" in name or name != name.strip():
        raise ValueError(f"alarm name {name!r} cannot be written in an AlarmRule")
    return name
