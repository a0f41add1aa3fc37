"""A tokenizer for CloudWatch Logs Insights query text: for syntax highlighting in the query
editor and for query surgery (splitting a query into its pipe-separated commands).

It is total: any text gives tokens, never an exception. Unterminated strings, regexes and
backquoted fields run to the end of their line. Whitespace (newlines included) and nothing
else is left between tokens. Punctuation (`(`, `)`, `[`, `]`, `,`, `:`, `;`) and characters
the language does not use are TEXT; OPERATOR covers comparison and arithmetic operators.

A `/` starts a regex only where an operand can start and a regex is usual: after `like`, after
an operator ending in `~` (`=~`), after `(` or `,`, and anywhere in a `parse` command. So
`@maxMemoryUsed / 1000 / 1000` is arithmetic. (The command list is AWS's "CloudWatch Logs
Insights language query syntax" page.)
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from msgspec import Struct

__all__ = [
    "COMMANDS", "KEYWORDS", "Token", "TokenKind", "commands", "result_columns", "shown_fields",
    "tokens",
]  # fmt: skip

COMMANDS = frozenset({
    "fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup", "unmask",
    "pattern", "diff", "unnest", "filterindex", "source",
})  # fmt: skip
"""Command names, lowercased (Logs Insights reads them case-insensitively)."""

KEYWORDS = frozenset(
    {"by", "as", "asc", "desc", "like", "not", "and", "or", "in", "with", "between"}
)
_OPERATORS = ("=~", "!=", "<=", ">=", "==", "=", "<", ">", "+", "-", "*", "/", "%", "^", "!", "~")
_PUNCTUATION = "()[],:;"


class TokenKind(Enum):
    """What a span of query text is, for colouring and for query surgery."""

    COMMAND = "command"
    KEYWORD = "keyword"
    FUNCTION = "function"
    FIELD = "field"
    STRING = "string"
    REGEX = "regex"
    NUMBER = "number"
    OPERATOR = "operator"
    PIPE = "pipe"
    COMMENT = "comment"
    TEXT = "text"


class Token(Struct, frozen=True):
    """`query[start:end]` is of `kind`."""

    start: int
    end: int
    kind: TokenKind


def _is_ident_start(c: str) -> bool:
    return c.isalpha() or c == "_"


def _is_ident(c: str) -> bool:
    return c.isalnum() or c == "_"


class _Scanner:
    """One pass over the text; `prev` is the last token that was not a comment."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[Token] = []
        self.prev: Token | None = None
        self.command = ""  # the current segment's command, lowercased

    def line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return len(self.text) if end < 0 else end

    def emit(self, start: int, end: int, kind: TokenKind) -> None:
        token = Token(start, end, kind)
        self.out.append(token)
        if kind is not TokenKind.COMMENT:
            self.prev = token
        self.pos = end

    def prev_text(self) -> str:
        return "" if self.prev is None else self.text[self.prev.start : self.prev.end]

    def at_command_position(self) -> bool:
        return self.prev is None or self.prev.kind is TokenKind.PIPE

    def regex_allowed(self) -> bool:
        if self.command == "parse" and not self.at_command_position():
            return True
        if self.prev is None:
            return False
        text = self.prev_text()
        if self.prev.kind is TokenKind.KEYWORD:
            return text.lower() == "like"
        if self.prev.kind is TokenKind.OPERATOR:
            return text.endswith("~")
        return self.prev.kind is TokenKind.TEXT and text in ("(", ",")

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c.isspace():
                self.pos += 1
            elif c == "#":
                self.emit(self.pos, self.line_end(self.pos), TokenKind.COMMENT)
            elif c == "|":
                self.emit(self.pos, self.pos + 1, TokenKind.PIPE)
                self.command = ""
            elif c in "'\"":
                self.emit(self.pos, self.quoted(self.pos, c), TokenKind.STRING)
            elif c == "`":
                self.emit(self.pos, self.quoted(self.pos, "`"), TokenKind.FIELD)
            elif c == "/" and self.regex_allowed():
                self.emit(self.pos, self.regex(self.pos), TokenKind.REGEX)
            elif c.isdigit() or (c == "." and text[self.pos + 1 : self.pos + 2].isdigit()):
                self.emit(self.pos, self.number(self.pos), TokenKind.NUMBER)
            elif c == "@" or _is_ident_start(c):
                self.word(self.pos)
            else:
                self.symbol(self.pos)
        return self.out

    def quoted(self, start: int, quote: str) -> int:
        """The end of a quoted string or field (after the closing quote, else the line end)."""
        i, stop = start + 1, self.line_end(start)
        while i < stop:
            if self.text[i] == "\\" and quote != "`":
                i += 2
            elif self.text[i] == quote:
                return i + 1
            else:
                i += 1
        return stop

    def regex(self, start: int) -> int:
        """The end of `/…/flags`: escapes and `[…]` classes may hold a `/`."""
        i, stop, in_class = start + 1, self.line_end(start), False
        while i < stop:
            c = self.text[i]
            if c == "\\":
                i += 2
                continue
            if c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                i += 1
                while i < stop and self.text[i].isalpha():
                    i += 1
                return i
            i += 1
        return stop

    def number(self, start: int) -> int:
        """Digits, a fraction, an exponent, and a unit suffix (`5m` in `bin(5m)`) if any."""
        text, i = self.text, start
        while i < len(text) and (text[i].isdigit() or text[i] == "."):
            i += 1
        if i < len(text) and text[i] in "eE" and text[i + 1 : i + 2].isdigit():
            i += 1
        while i < len(text) and _is_ident(text[i]):
            i += 1
        return i

    def word(self, start: int) -> None:
        """A field (`@x`, `a.b.c`), a command, a keyword or a function name."""
        text, i = self.text, start + 1
        while i < len(text) and (
            _is_ident(text[i]) or (text[i] == "." and _is_ident(text[i + 1 : i + 2] or " "))
        ):
            i += 1
        name = text[start:i].lower()
        if text[start] == "@":
            kind = TokenKind.FIELD
        elif self.at_command_position() and name in COMMANDS:
            kind = TokenKind.COMMAND
            self.command = name
        elif text[i : i + 1] == "(" and name not in ("in", "not", "and", "or"):
            kind = TokenKind.FUNCTION
        elif name in KEYWORDS:
            kind = TokenKind.KEYWORD
        else:
            kind = TokenKind.FIELD
        self.emit(start, i, kind)

    def symbol(self, start: int) -> None:
        for op in _OPERATORS:
            if self.text.startswith(op, start):
                self.emit(start, start + len(op), TokenKind.OPERATOR)
                return
        self.emit(start, start + 1, TokenKind.TEXT)


def tokens(query: str) -> list[Token]:
    """The tokens of `query`, in order, not overlapping; whitespace is left out."""
    return _Scanner(query).run()


def commands(query: str) -> list[tuple[str, int, int]]:
    """The pipe-separated segments of `query`: (command name lowercased, start, end).

    Pipes inside strings, regexes, backquoted fields and comments do not split. [start, end)
    excludes the pipes and keeps surrounding whitespace and comments, so the segments joined
    with `|` give back the query. The name is "" for a segment holding only whitespace and
    comments; otherwise it is the segment's first token, lowercased, whether or not it is a
    known command (so `filterIndex` gives "filterindex" and `SOURCE` gives "source").
    """
    segments: list[tuple[str, int, int]] = []
    start, name = 0, ""
    for token in tokens(query):
        if token.kind is TokenKind.PIPE:
            segments.append((name, start, token.start))
            start, name = token.end, ""
        elif not name and token.kind is not TokenKind.COMMENT:
            name = query[token.start : token.end].lower()
    segments.append((name, start, len(query)))
    return segments


_RESHAPING = frozenset({"stats", "pattern", "diff", "unnest"})
"""Commands after which the rows' fields are no longer those `fields`/`display` named."""


def shown_fields(query: str) -> tuple[str, ...]:
    """The fields the query's last `fields` or `display` command names, in its order, each by
    the name the results carry (`x as y` gives `y`, a backquoted name loses its quotes).
    Empty when there is none, or when `stats` (or another reshaping command) comes after it."""
    names: tuple[str, ...] = ()
    for name, start, end in commands(query):
        if name in _RESHAPING:
            names = ()
        elif name in ("fields", "display"):
            names = _named(query, start, end)
    return names


def _named(query: str, start: int, end: int) -> tuple[str, ...]:
    """The names one `fields`/`display` segment gives, split at top-level commas."""
    names: list[str] = []
    depth, last, after_as = 0, "", False
    for token in tokens(query[start:end])[1:]:  # the command itself first
        text = query[start + token.start : start + token.end]
        if token.kind is TokenKind.COMMENT:
            continue
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            depth -= 1
        elif text == "," and depth == 0:
            if last:
                names.append(last)
            last, after_as = "", False
        elif depth == 0 and token.kind is TokenKind.KEYWORD and text.lower() == "as":
            after_as = True
        elif depth == 0 and token.kind is TokenKind.FIELD and (after_as or not last):
            last = text.strip("`")
    if last:
        names.append(last)
    return tuple(dict.fromkeys(names))


def result_columns(query: str, seen: Sequence[str]) -> tuple[str, ...]:
    """The columns to show for `query`'s rows, whose fields are `seen`: the fields the query
    names, in its order (also when no row has one), then the others seen; `@message` last.
    `@ptr` is never a column."""
    ordered = [*shown_fields(query), *seen]
    columns = [name for name in dict.fromkeys(ordered) if name not in ("@ptr", "@message")]
    if "@message" in ordered:
        columns.append("@message")
    return tuple(columns)
