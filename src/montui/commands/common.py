"""What the non-interactive commands share: one request per region, its errors kept apart,
and the plain-text table they print."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from montui.model.place import Place

if TYPE_CHECKING:
    from montui.sources.errors import SourceError
    from montui.sources.session import AwsTarget

_T = TypeVar("_T")


async def each_region(
    target: AwsTarget, fetch: Callable[[Any, Place], Awaitable[_T]]
) -> tuple[list[tuple[str, _T]], list[SourceError]]:
    """`fetch(clients, place)` for every region of `target` at once, over one set of clients:
    the (region, answer) of those that answered, in the target's order, and the typed errors
    of those that did not (anything else is raised: a bug, not AWS)."""
    from montui.sources.errors import SourceError
    from montui.sources.session import AwsClients

    async with AwsClients(target) as clients:
        results = await asyncio.gather(
            *(fetch(clients, Place("", region)) for region in target.regions),
            return_exceptions=True,
        )
    answers: list[tuple[str, _T]] = []
    errors: list[SourceError] = []
    for region, result in zip(target.regions, results, strict=True):
        if isinstance(result, SourceError):
            errors.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            answers.append((region, result))
    return answers, errors


def write_columns(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """`header` and `rows` as left-aligned columns two spaces apart, trailing spaces cut."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    for row in [header, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
