"""Parse a whole query into a `Query`: commands separated by `|` or by line breaks.

Commands: `fields`, `display`, `filter`, `stats ... by ...`, `sort`, `limit`, `parse`,
`dedup` (keywords in any case). A line that begins with a command keyword starts a new
command even without a `|`; a line that begins with anything else continues the current one,
so a long `stats` can run over several lines. As in AWS, only `limit` may follow `dedup`.
Other AWS commands (`unnest`, `pattern`, `lookup`, ...) are refused with a clear message.
"""

from __future__ import annotations

from montui_world.insights.errors import MalformedQuery
from montui_world.insights.expressions import RESERVED, ExpressionParser, TokenStream
from montui_world.insights.lexer import Token, tokenize
from montui_world.insights.nodes import (
    Command,
    DedupCmd,
    Expr,
    Field,
    FieldsCmd,
    FilterCmd,
    LimitCmd,
    ParseCmd,
    Projection,
    Query,
    SortCmd,
    SortKey,
    StatsCmd,
)
from montui_world.insights.patterns import compile_glob, compile_regex

__all__ = ["MAX_LIMIT", "parse_query"]

MAX_LIMIT = 10_000
"""The most rows a query returns, and the largest `limit` AWS accepts."""

COMMANDS = frozenset({"fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup"})
_UNSUPPORTED = frozenset(
    {
        "unnest",
        "expand",
        "pattern",
        "diff",
        "anomaly",
        "lookup",
        "join",
        "filterindex",
        "unmask",
        "source",
        "head",
        "tail",
        "addtotals",
        "relevantfields",
        "search",
        "order",
    }
)


def column_name(expr: Expr, text: str) -> str:
    """The column AWS names an unaliased expression: the field name, else the text as written
    (runs of white space shrink to one space)."""
    if isinstance(expr, Field):
        return expr.name
    return " ".join(text[expr.start : expr.end].split())


class _QueryParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.stream = TokenStream(text, tokenize(text))
        self.expressions = ExpressionParser(self.stream)

    def query(self) -> Query:
        stream = self.stream
        commands = [self._command()]
        while True:
            token = stream.peek()
            if token.kind == "EOF":
                break
            if token.is_op("|"):
                stream.advance()
            elif not (token.newline_before and token.is_word(*COMMANDS)):
                raise stream.error(token)
            following = stream.peek()
            if isinstance(commands[-1], DedupCmd) and not following.is_word("limit"):
                raise stream.error(following)
            commands.append(self._command())
        return Query(self.text, tuple(commands))

    def _command(self) -> Command:
        token = self.stream.advance()
        word = token.text.lower() if token.kind == "NAME" else ""
        if word in ("fields", "display"):
            items = self._projections(aggregates=False)
            return FieldsCmd(tuple(items), word == "display", token.offset)
        if word == "filter":
            return FilterCmd(self.expressions.expression(), token.offset)
        if word == "stats":
            return self._stats(token)
        if word == "sort":
            return self._sort(token)
        if word == "limit":
            return self._limit(token)
        if word == "dedup":
            return DedupCmd(tuple(self._field_names()), token.offset)
        if word == "parse":
            return self._parse(token)
        if word in _UNSUPPORTED:
            raise MalformedQuery(
                f"command {token.text} is not supported by the local Logs Insights engine",
                self.text,
                token.offset,
            )
        raise self.stream.error(token)

    def _projection(self, aggregates: bool) -> Projection:
        expr = self.expressions.expression(aggregates)
        if self.stream.take_word("as"):
            return Projection(expr, self._name())
        return Projection(expr, column_name(expr, self.text))

    def _projections(self, aggregates: bool) -> list[Projection]:
        items = [self._projection(aggregates)]
        while self.stream.peek().is_op(","):
            self.stream.advance()
            items.append(self._projection(aggregates))
        return items

    def _name(self) -> str:
        token = self.stream.advance()
        if token.kind == "FIELD" or (token.kind == "NAME" and token.text.lower() not in COMMANDS):
            return str(token.value)
        raise self.stream.error(token)

    def _field_names(self) -> list[str]:
        names = [self._name()]
        while self.stream.peek().is_op(","):
            self.stream.advance()
            names.append(self._name())
        return names

    def _stats(self, token: Token) -> StatsCmd:
        items = self._projections(aggregates=True)
        groups: list[Projection] = []
        if self.stream.take_word("by"):
            groups = self._projections(aggregates=False)
        return StatsCmd(tuple(items), tuple(groups), token.offset)

    def _sort(self, token: Token) -> SortCmd:
        # Keys are field names only: AWS answers `sort bin(5m)` with "unexpected symbol
        # found (". `sort by x` is accepted, as AWS's "most expensive requests" sample has it.
        self.stream.take_word("by")
        keys: list[SortKey] = []
        while True:
            name = self.stream.peek()
            field = Field(self._name(), name.offset, name.end)
            if name.kind == "NAME" and name.text.lower() in RESERVED:
                raise self.stream.error(name)
            descending = True
            if self.stream.peek().is_word("asc", "desc"):
                descending = self.stream.advance().text.lower() == "desc"
            keys.append(SortKey(field, descending))
            if not self.stream.peek().is_op(","):
                return SortCmd(tuple(keys), token.offset)
            self.stream.advance()

    def _limit(self, token: Token) -> LimitCmd:
        count = self.stream.advance()
        if count.kind != "NUMBER" or not isinstance(count.value, int):
            raise self.stream.error(count)
        if not 1 <= count.value <= MAX_LIMIT:
            raise MalformedQuery(
                f"limit must be between 1 and {MAX_LIMIT}, not {count.value}",
                self.text,
                count.offset,
            )
        return LimitCmd(count.value, token.offset)

    def _parse(self, token: Token) -> ParseCmd:
        stream = self.stream
        source = "@message"
        if stream.peek().kind not in ("STRING", "REGEX"):
            source = self._name()
        pattern_token = stream.advance()
        names: list[str] = []
        if stream.take_word("as"):
            names = self._field_names()
        if pattern_token.kind == "STRING":
            pattern, captures = compile_glob(str(pattern_token.value))
            if captures == 0 or captures != len(names):
                raise MalformedQuery(
                    f"parse pattern has {captures} '*' but {len(names)} field names after as",
                    self.text,
                    pattern_token.offset,
                )
            groups = tuple(range(1, captures + 1))
            return ParseCmd(source, pattern, tuple(names), groups, token.offset)
        if pattern_token.kind != "REGEX":
            raise stream.error(pattern_token)
        pattern = compile_regex(str(pattern_token.value), self.text, pattern_token.offset)
        if names:
            if len(names) != pattern.groups:
                raise MalformedQuery(
                    f"parse regex has {pattern.groups} groups but {len(names)} names after as",
                    self.text,
                    pattern_token.offset,
                )
            groups = tuple(range(1, pattern.groups + 1))
            return ParseCmd(source, pattern, tuple(names), groups, token.offset)
        named = sorted(pattern.groupindex.items(), key=lambda item: item[1])
        if not named:
            raise MalformedQuery(
                "parse regex needs named groups (?<name>...) or names after as",
                self.text,
                pattern_token.offset,
            )
        names_in_order = tuple(name for name, _ in named)
        groups = tuple(index for _, index in named)
        return ParseCmd(source, pattern, names_in_order, groups, token.offset)


def parse_query(text: str) -> Query:
    """Parse a Logs Insights query; raises `MalformedQuery` with the line and position."""
    return _QueryParser(text).query()
