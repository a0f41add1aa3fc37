"""The config file's errors: `ConfigError`, and how a problem is placed (file, line, key path)
and worded (a value shown as it looks in TOML).

Key paths count array items from 1, as a person counts them in the file: `alarm[2]` is the
second `[[alarm]]` table and `regions[1]` the first region.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from msgspec import Struct


class ConfigError(Exception):
    """A config that cannot be used. `str(e)` is the whole message for the user:
    `<file>:<line>: <problem>` or `<file>[:<line>]: <key path>: <problem>`."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        key_path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key_path = key_path


class ConfigSource(Struct, frozen=True):
    """A config file's path and text, to raise errors that name the line of a key path."""

    path: Path
    text: str

    def error(self, key_path: str, problem: str) -> ConfigError:
        """The error for `problem` at `key_path`, with its line when it can be found."""
        line = line_of(self.text, key_path)
        where = f"{self.path}:{line}" if line else str(self.path)
        message = f"{where}: {key_path}: {problem}"
        return ConfigError(message, path=self.path, line=line, key_path=key_path)


def syntax_error(path: Path, text: str, message: str) -> ConfigError:
    """tomllib's `… (at line 3, column 7)` as `<file>:3: TOML syntax error: … (column 7)`."""
    at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    line = int(at[1]) if at else text.count("\n") + 1
    where = f"column {at[2]}" if at else "at the end of the file"
    problem = re.sub(r"\s*\(at .*\)$", "", message)
    problem = f"TOML syntax error: {problem[:1].lower()}{problem[1:]} ({where})"
    return ConfigError(f"{path}:{line}: {problem}", path=path, line=line)


def lookup(data: Any, raw_path: str) -> Any:
    """The value at msgspec's key path (`.alarm[0].x`, counting from 0), or None."""
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", raw_path):
        try:
            data = data[int(index)] if index else data[name]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def show(value: object) -> str:
    """A value as it looks in TOML, or its kind when it is a container."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | dict):
        return "an array" if isinstance(value, list) else "a table"
    return f"a {type(value).__name__}"  # TOML dates and times


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_-]+)\s*\]")
_KEY = re.compile(r'^\s*("?)([A-Za-z0-9_-]+)\1\s*=')


def line_of(text: str, key_path: str) -> int | None:
    """Best-effort line of a key path; inline tables and dotted keys give None."""
    headers: dict[tuple[str, int], int] = {}
    keys: dict[tuple[str, int, str], int] = {}
    counts: dict[str, int] = {}
    table = ("", 0)
    for number, line in enumerate(text.splitlines(), 1):
        if header := _HEADER.match(line):
            name = header[2]
            counts[name] = counts.get(name, 0) + (header[1] == "[[")
            table = (name, counts[name] if header[1] == "[[" else 0)
            headers.setdefault(table, number)
        elif key := _KEY.match(line):
            keys.setdefault((*table, key[2]), number)
    segments = re.findall(r"([^.\[\]]+)|\[(\d+)\]", key_path)
    head, rest = segments[0][0], [(name, int(i or 0)) for name, i in segments[1:]]
    tries: list[int | None] = []
    if rest and rest[0][1]:
        if len(rest) > 1:
            tries.append(keys.get((head, rest[0][1], rest[1][0])))
        tries.append(headers.get((head, rest[0][1])))
    elif rest:
        tries.append(keys.get((head, 0, rest[0][0])))
    tries += [keys.get(("", 0, head)), headers.get((head, 0))]
    return next((t for t in tries if t is not None), None)
