"""How every `install()` of `montui_world.ext` patches moto: set its handlers on a moto class,
then mark the class, so that `install()` called again changes nothing (`installed`)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["installed", "patch"]


def installed(target: object, mark: str) -> bool:
    """Whether `patch(target, mark, ...)` has run."""
    return bool(getattr(target, mark, False))


def patch(target: object, mark: str, handlers: Mapping[str, object]) -> None:
    """Set each of `handlers` on `target` under its name, then mark `target` as patched."""
    for name, handler in handlers.items():
        setattr(target, name, handler)
    setattr(target, mark, True)
