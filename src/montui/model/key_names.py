"""Textual's key names, checked without importing textual (the config is read before it).

A key is optional modifiers joined by `+` (`ctrl+`, `shift+`, `alt+`, `meta+`, `super+`,
`hyper+`) and then one printable character (`r`, `?`, `N`), a named key (`enter`, `escape`,
`up`, `pageup`, `f5`…) or a character's name as Textual spells it (`question_mark`,
`left_square_bracket`, `slash`).
"""

from __future__ import annotations

import unicodedata

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})

_NAMED = frozenset({
    "enter", "return", "escape", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
    *(f"f{n}" for n in range(1, 25)),
})  # fmt: skip
# Textual names a character by its Unicode name, lower case with `_`, a few of them shortened.
_SHORTENED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _character_name(char: str) -> str:
    name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    return _SHORTENED.get(name, name)


_CHARACTER_NAMES = frozenset(_character_name(chr(c)) for c in range(33, 127))


def is_key_name(key: str) -> bool:
    """True for a key Textual can bind: `r`, `f5`, `ctrl+r`, `shift+tab`, `question_mark`."""
    *modifiers, last = key.split("+") if len(key) > 1 else [key]
    if len(set(modifiers)) != len(modifiers) or not set(modifiers) <= MODIFIERS:
        return False
    if len(last) == 1:
        return last.isprintable() and not last.isspace()
    return last in _NAMED or last in _CHARACTER_NAMES
