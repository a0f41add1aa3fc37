"""montui's value records, and `replace` for either kind.

Records are frozen `msgspec.Struct`s: defining one costs ~10 µs against ~450 µs for a frozen
dataclass (whose methods are generated source, compiled when the class is defined), and the
app's start-up defines about a hundred of them before its first frame. A few records stay
frozen dataclasses because a field is left out of equality or caches a value (`Alarm`,
`Finding`, `Signal`, `Evaluation`); msgspec has no per-field `compare=False`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from msgspec import Struct
from msgspec.structs import replace as replace_struct

R = TypeVar("R")


def replace(record: R, /, **changes: Any) -> R:
    """A copy of `record` (a Struct or a dataclass) with `changes` applied."""
    if isinstance(record, Struct):
        return replace_struct(record, **changes)
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]
