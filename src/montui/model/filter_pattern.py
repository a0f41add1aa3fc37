"""CloudWatch Logs filter patterns (metric filters) as Logs Insights `filter` commands.

Used by the drill-down plan: a metric produced by a log metric filter is drilled into with
that filter's own pattern.
"""

from __future__ import annotations

import json
import re

_JSON_TERM = re.compile(
    r"\s*\(?\s*\$\.([A-Za-z0-9_.\[\]]+)\s*(=|!=|>=|<=|>|<)\s*"
    r'("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)\s*\)?\s*(&&|\|\||$)'
)
_TEXT_TERM = re.compile(r'\s*([?-]?)("(?:[^"\\]|\\.)*"|[^\s"]+)')


def filter_pattern_to_insights(pattern: str) -> str | None:
    """A CloudWatch Logs filter pattern as a Logs Insights `filter` command, "" for the empty
    pattern (every event), None for the forms not translated.

    Translated: terms (`ERROR`, `"Task timed out"`; all must appear) → `filter @message like
    /ERROR/ and …`; `?A ?B` (any of) → `… or …`; `-term` → `not @message like /term/`; JSON
    `{ $.level = "ERROR" && $.status >= 500 }` → `filter level = "ERROR" and status >= 500`
    (`||` → `or`, one level of parentheses around single comparisons). Not translated:
    space-delimited `[ip, user, …]` patterns, JSON values with `*` wildcards, `IS NULL`,
    `NOT EXISTS`, regular-expression patterns (`%…%`) and anything nested deeper.
    """
    text = pattern.strip()
    if not text:
        return ""
    if text.startswith("{"):
        return _json_pattern(text)
    if text.startswith(("[", "%")):
        return None
    return _text_pattern(text)


def _json_pattern(text: str) -> str | None:
    if not text.endswith("}"):
        return None
    body = text[1:-1].strip()
    parts: list[str] = []
    pos = 0
    while pos < len(body):
        term = _JSON_TERM.match(body, pos)
        if term is None or term.end() == pos:
            return None
        field, op, value, joiner = term.groups()
        if value.startswith('"') and "*" in value:
            return None
        parts.append(f"{field} {op} {value}")
        if joiner:
            parts.append("and" if joiner == "&&" else "or")
        elif term.end() < len(body):
            return None
        pos = term.end()
    if not parts or parts[-1] in ("and", "or"):
        return None
    return "filter " + " ".join(parts)


def _text_pattern(text: str) -> str | None:
    required: list[str] = []
    optional: list[str] = []
    pos = 0
    while pos < len(text):
        term = _TEXT_TERM.match(text, pos)
        if term is None:
            if text[pos:].strip():
                return None
            break
        sign, word = term.groups()
        if word.startswith('"'):
            word = json.loads(word)
        like = f"@message like /{_regex(word)}/"
        if sign == "-":
            required.append(f"not {like}")
        elif sign == "?":
            optional.append(like)
        else:
            required.append(like)
        pos = term.end()
    clauses = [*required]
    if optional:
        clauses.append(optional[0] if len(optional) == 1 else f"({' or '.join(optional)})")
    return "filter " + " and ".join(clauses) if clauses else ""


def _regex(term: str) -> str:
    return re.sub(r"([\\/.^$|?*+()\[\]{}])", r"\\\1", term)
