"""Regular expressions and `parse` globs, turned into compiled Python patterns.

Logs Insights runs Java regular expressions. The differences that matter for queries as
people write them are translated: named groups `(?<name>...)` become `(?P<name>...)`; an
inline flag group such as `(?i)` that is not at the very start (AWS's own example is
`/^(?i)Exception$/`) moves to the start, which Python requires (Java applies it from that
point on, which for such patterns is the same thing); `\\Q...\\E` quoting and `\\z` are
rewritten. Anything Python cannot compile is a `MalformedQuery` at the regex.

A `parse` glob (`"user=* action=*"`) matches anywhere in the field; each `*` captures as
little as it can, except a `*` that ends the pattern, which takes the rest of the line.
"""

from __future__ import annotations

import re

from montui_world.insights.errors import MalformedQuery

__all__ = ["compile_glob", "compile_regex", "translate_regex"]

_INLINE_FLAGS = re.compile(r"\(\?([imsx]+)\)")


def _take_quoted(source: str, index: int, out: list[str]) -> int:
    """Copy `\\Q...\\E` (starting after `\\Q`) as escaped text; return the next index."""
    end = source.find("\\E", index)
    literal = source[index:] if end < 0 else source[index:end]
    out.append(re.escape(literal))
    return len(source) if end < 0 else end + 2


def translate_regex(source: str) -> str:
    """Java regular expression syntax as Python's `re` understands it."""
    out: list[str] = []
    flags: list[str] = []
    index = 0
    in_class = False
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            following = source[index + 1]
            if following == "Q":
                index = _take_quoted(source, index + 2, out)
                continue
            out.append("\\Z" if following == "z" else char + following)
            index += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
            index += 1
            continue
        if char == "[":
            in_class = True
        elif source.startswith("(?<", index) and source[index + 3 : index + 4] not in ("=", "!"):
            out.append("(?P<")
            index += 3
            continue
        elif char == "(" and (flag := _INLINE_FLAGS.match(source, index)):
            flags.append(flag.group(1))
            index = flag.end()
            continue
        out.append(char)
        index += 1
    prefix = f"(?{''.join(sorted(set(''.join(flags))))})" if flags else ""
    return prefix + "".join(out)


def compile_regex(source: str, text: str, offset: int) -> re.Pattern[str]:
    """Compile a query regex (`source` is between the slashes); errors point at `offset`."""
    try:
        return re.compile(translate_regex(source))
    except re.error as error:
        reason = f"invalid regular expression /{source}/: {error.msg}"
        raise MalformedQuery(reason, text, offset) from None


def compile_glob(glob: str) -> tuple[re.Pattern[str], int]:
    """The pattern for a `parse` glob and how many `*` captures it has."""
    parts = glob.split("*")
    captures = len(parts) - 1
    pieces = [re.escape(parts[0])]
    for number, literal in enumerate(parts[1:], start=1):
        last_and_open = number == captures and literal == ""
        pieces.append("(.*)" if last_and_open else "(.*?)")
        pieces.append(re.escape(literal))
    return re.compile("".join(pieces)), captures
