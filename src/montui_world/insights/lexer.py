"""Split a Logs Insights query into tokens, each knowing where it starts.

Token kinds: `NAME` (a bare word: a command or keyword, a function, a field such as
`@timestamp` or `req.status` or `items.0.id`), `FIELD` (a backquoted name, never a keyword),
`NUMBER`, `PERIOD` (a number with a time unit: `5m`, `1h`, `100ms`), `STRING` (single or
double quotes, backslash escapes), `REGEX` (`/.../`, the pattern text between the slashes),
`OP` (operators and punctuation) and `EOF`.

A `/` is division after something that ends an operand (`a / 2`, `sum(x)/1024`) and opens a
regular expression anywhere else (`like /x/`, `=~ /x/`, `parse @message /x/`). `#` starts a
comment that runs to the end of the line. Every token records whether a line break came
before it, which the parser uses to let a new line start a new command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from montui_world.insights.errors import MalformedQuery

__all__ = ["PERIOD_UNITS", "Token", "tokenize"]

PERIOD_UNITS = ("ms", "mo", "s", "m", "h", "d", "w", "q", "y")
"""Time units a period literal may carry, longest first where one is a prefix of another."""

_NAME_START = re.compile(r"[A-Za-z_@$]")
_NAME = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$.]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WORD_TAIL = re.compile(r"[A-Za-z0-9_@$]*")
_OPERATORS = ("!=", "<=", ">=", "=~", "=", "<", ">", "+", "-", "*", "/", "%", "^")
_PUNCTUATION = "|,()[]"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
# After these words a `/` opens a regular expression, not a division.
_REGEX_AFTER_WORDS = frozenset({"like", "parse", "and", "or", "not", "in", "by", "as"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, source text, decoded value and where it sits in the query."""

    kind: str
    text: str
    value: str | float | int
    offset: int
    end: int
    newline_before: bool = False

    def is_word(self, *words: str) -> bool:
        """True for a bare word equal (case-insensitively) to one of `words`."""
        return self.kind == "NAME" and self.text.lower() in words

    def is_op(self, *ops: str) -> bool:
        """True for an operator or punctuation token that is one of `ops`."""
        return self.kind == "OP" and self.text in ops

    @property
    def symbol(self) -> str:
        """How the token appears in an error message (`<EOF>` at the end)."""
        return "<EOF>" if self.kind == "EOF" else self.text


def _ends_operand(previous: Token | None, before: Token | None) -> bool:
    """Whether a `/` after `previous` is a division (True) or opens a regex (False)."""
    if previous is None:
        return False
    if previous.kind in ("NAME", "FIELD") and before is not None and before.is_word("parse"):
        return False  # `parse @message /re/`, ``parse `my field` /re/``
    if previous.kind in ("NUMBER", "PERIOD", "STRING", "REGEX", "FIELD"):
        return True
    if previous.kind == "OP":
        return previous.text in (")", "]")
    if previous.kind == "NAME":
        return previous.text.lower() not in _REGEX_AFTER_WORDS
    return False


class _Scanner:
    """Walks the query text once, producing tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.tokens: list[Token] = []
        self.newline = False

    def run(self) -> list[Token]:
        text = self.text
        while True:
            self._skip_space_and_comments()
            if self.pos >= len(text):
                self.tokens.append(Token("EOF", "", "", len(text), len(text), self.newline))
                return self.tokens
            char = text[self.pos]
            if char in "\"'":
                self._string(char)
            elif char == "`":
                self._backquoted()
            elif char.isdigit():
                self._number()
            elif _NAME_START.match(char):
                match = _NAME.match(text, self.pos)
                assert match is not None
                self._emit("NAME", match.group(), match.group(), match.end())
            elif char == "/" and not self._division():
                self._regex()
            else:
                self._operator(char)

    def _emit(self, kind: str, text: str, value: str | float | int, end: int) -> None:
        self.tokens.append(Token(kind, text, value, self.pos, end, self.newline))
        self.newline = False
        self.pos = end

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self.newline = True
                self.pos += 1
            elif char.isspace():
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def _division(self) -> bool:
        previous = self.tokens[-1] if self.tokens else None
        before = self.tokens[-2] if len(self.tokens) > 1 else None
        return _ends_operand(previous, before)

    def _string(self, quote: str) -> None:
        text, start = self.text, self.pos
        chars: list[str] = []
        index = start + 1
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text):
                following = text[index + 1]
                chars.append(_ESCAPES.get(following, "\\" + following))
                index += 2
            elif char == quote:
                self._emit("STRING", text[start : index + 1], "".join(chars), index + 1)
                return
            else:
                chars.append(char)
                index += 1
        raise MalformedQuery("unterminated string literal", text, start)

    def _backquoted(self) -> None:
        text, start = self.text, self.pos
        end = text.find("`", start + 1)
        if end < 0:
            raise MalformedQuery("unterminated backquoted field name", text, start)
        self._emit("FIELD", text[start : end + 1], text[start + 1 : end], end + 1)

    def _regex(self) -> None:
        text, start = self.text, self.pos
        index = start + 1
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char == "/":
                self._emit("REGEX", text[start : index + 1], text[start + 1 : index], index + 1)
                return
            index += 1
        raise MalformedQuery("unterminated regular expression", text, start)

    def _number(self) -> None:
        text, start = self.text, self.pos
        match = _NUMBER.match(text, start)
        assert match is not None
        digits = match.group()
        tail = _WORD_TAIL.match(text, match.end())
        assert tail is not None
        unit = tail.group()
        if unit:
            if unit not in PERIOD_UNITS or "." in digits or "e" in digits.lower():
                raise MalformedQuery.unexpected(text[start : tail.end()], text, start)
            self._emit("PERIOD", digits + unit, int(digits), tail.end())
            return
        is_float = "." in digits or "e" in digits.lower()
        value: float | int = float(digits) if is_float else int(digits)
        self._emit("NUMBER", digits, value, match.end())

    def _operator(self, char: str) -> None:
        text = self.text
        if char in _PUNCTUATION:
            self._emit("OP", char, char, self.pos + 1)
            return
        for operator in _OPERATORS:
            if text.startswith(operator, self.pos):
                self._emit("OP", operator, operator, self.pos + len(operator))
                return
        raise MalformedQuery.unexpected(char, text, self.pos)


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with one `EOF` token; raises `MalformedQuery`."""
    return _Scanner(text).run()
