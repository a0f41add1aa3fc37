"""Text cut to a column: names that differ only at the end stay distinguishable."""

from __future__ import annotations

_SEPARATORS = frozenset("-_./: ")


def middle_ellipsis(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut in the middle with `…` when too long.

    The tail is kept whole from a separator where one fits in half the room, because alarm
    names differ at their end: `shop-lambda-payment-webhook-error-rate` at 25 is
    `shop-lambda-pa…error-rate`, not `shop-lambda-payment-webho`. Characters are counted
    as one cell each (names and rules are ASCII in practice).
    """
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[: max(width, 0)]
    room = width - 1
    half = room // 2
    tail_len = half
    for start in range(len(text) - half, len(text)):
        if text[start - 1] in _SEPARATORS and start > 0:
            tail_len = len(text) - start  # the longest whole-segment tail within half
            break
    if tail_len < max(room // 4, 1):  # only a scrap like `p99` fits: cut evenly instead
        tail_len = half
    head_len = room - tail_len
    return f"{text[:head_len]}…{text[len(text) - tail_len :]}"


def counted(count: int, noun: str) -> str:
    """`1 ALARM episode`, `0 ALARM episodes`, `3 ALARM episodes` (regular plurals only)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
