"""How every `install()` of `montui_world.ext` patches moto: set its handlers on a moto class,
then mark the class, so that `install()` called again changes nothing (`installed`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["clear_on_reset", "installed", "patch"]


def installed(target: object, mark: str) -> bool:
    """Whether `patch(target, mark, ...)` has run."""
    return bool(getattr(target, mark, False))


def patch(target: object, mark: str, handlers: Mapping[str, object]) -> None:
    """Set each of `handlers` on `target` under its name, then mark `target` as patched."""
    for name, handler in handlers.items():
        setattr(target, name, handler)
    setattr(target, mark, True)


def clear_on_reset(mark: str, *clears: Callable[[], object]) -> None:
    """Make moto's reset (`BackendDict.reset`, the world's reset) run each of `clears` (a store
    of ours emptied) before what it did already; called again with `mark`, changes nothing."""
    from moto.core.base_backend import BackendDict

    if installed(BackendDict, mark):
        return
    before = BackendDict.reset

    def reset(cls: type[BackendDict[Any]]) -> None:
        for clear in clears:
            clear()
        before()

    patch(BackendDict, mark, {"reset": classmethod(reset)})
