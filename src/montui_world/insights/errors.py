"""The one error a query can raise: `MalformedQuery`, worded like AWS's MalformedQueryException.

AWS reports syntax errors as, for example, ``unexpected symbol found sort at line 1 and
position 52`` or ``unexpected symbol found <EOF> at line 1 and position 0``. Its "position"
is ANTLR's character position in the line, counted from 0; `line` counts from 1. `column`
here is that same 0-based position, and `offset` is the 0-based index into the whole query.
"""

from __future__ import annotations

__all__ = ["MalformedQuery", "position_of"]


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The (line from 1, column from 0) of character `offset` in `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return line, column


class MalformedQuery(ValueError):
    """A query that cannot be parsed or compiled, with where it went wrong.

    `message` is the AWS-style text including the location; `reason` is the same text
    without the trailing " at line L and position P".
    """

    message: str
    reason: str
    line: int
    column: int
    offset: int

    def __init__(self, reason: str, text: str, offset: int) -> None:
        self.line, self.column = position_of(text, offset)
        self.offset = max(0, min(offset, len(text)))
        self.reason = reason
        self.message = f"{reason} at line {self.line} and position {self.column}"
        super().__init__(self.message)

    @classmethod
    def unexpected(cls, symbol: str, text: str, offset: int) -> MalformedQuery:
        """The ANTLR-style error AWS gives for a token the grammar does not accept."""
        return cls(f"unexpected symbol found {symbol}", text, offset)
