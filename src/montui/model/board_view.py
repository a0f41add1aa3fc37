"""The board's rows: its alarms filtered and ordered, fast enough to redo on every keystroke.

`BoardView.rows` returns what `ORDERS[order](filter_alarms(alarms, text, states), recovered)`
returns, without redoing the work a keystroke does not change:

- the alarms are sorted once per (alarms, order, recovered); filtering keeps that order, so a
  keystroke only filters;
- each alarm's lower-cased search text is taken once per sort, when a filter first needs it
  or `prepare()` is called after the rows are shown (`Alarm.search_text` caches it on the
  alarm object);
- when the new filter only narrows the previous one (every previous word is part of a new
  word: `sho` → `shop`, `shop` → `shop db`), only the previous result is filtered again.

At 10,000 alarms a keystroke costs a few milliseconds here (`benchmarks/board_scale.py`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmState
from montui.model.board import board_order, filter_words
from montui.model.recovery import AlarmKey

Order = Callable[[Sequence[Alarm], frozenset[AlarmKey]], list[Alarm]]


def _by_name(alarms: Sequence[Alarm], _: frozenset[AlarmKey]) -> list[Alarm]:
    return sorted(alarms, key=lambda a: (a.name, a.region))


def _by_region(alarms: Sequence[Alarm], recovered: frozenset[AlarmKey]) -> list[Alarm]:
    return sorted(board_order(alarms, recovered), key=lambda a: a.region)


def _most_recent(alarms: Sequence[Alarm], _: frozenset[AlarmKey]) -> list[Alarm]:
    return sorted(alarms, key=lambda a: -a.in_state_since.timestamp())


ORDERS: dict[str, Order] = {
    "urgency": board_order,
    "name": _by_name,
    "region": _by_region,
    "recent": _most_recent,
}
"""The board's orders, in the order `s` cycles through them."""


def narrows(before: Sequence[str], after: Sequence[str]) -> bool:
    """True when every alarm matching the words `after` also matches the words `before`:
    each word before is part of some word after."""
    return all(any(old in new for new in after) for old in before)


@dataclass(slots=True)
class _Sorted:
    """The alarms in one order, with their states and (once a filter asks) their search
    texts alongside."""

    source: tuple[Alarm, ...]
    order: str
    recovered: frozenset[AlarmKey]
    alarms: list[Alarm]
    states: list[AlarmState]
    texts: list[str] | None = None

    def search_texts(self) -> list[str]:
        if self.texts is None:
            self.texts = [a.search_text() for a in self.alarms]
        return self.texts


class _Filtered(Struct, frozen=True):
    base: _Sorted
    words: tuple[str, ...]
    states: frozenset[AlarmState] | None
    indices: list[int]


class BoardView:
    """Filters and orders the board's alarms, remembering the last sort and filter."""

    def __init__(self) -> None:
        self._sorted: _Sorted | None = None
        self._last: _Filtered | None = None

    def prepare(self) -> None:
        """Take the search texts of the alarms last sorted now (the board calls it once the
        rows are on screen, so that the first filter keystroke does not pay for them)."""
        if self._sorted is not None:
            self._sorted.search_texts()

    def rows(
        self,
        alarms: Sequence[Alarm],
        *,
        text: str = "",
        states: frozenset[AlarmState] | None = None,
        order: str = "urgency",
        recovered: frozenset[AlarmKey] = frozenset(),
    ) -> list[Alarm]:
        """The alarms in `states` (all when None) matching every word of `text`, in `order`."""
        base = self._sorted_for(alarms, order, recovered)
        words = tuple(filter_words(text))
        last = self._last
        if not words and states is None:
            self._last = None
            return list(base.alarms)
        candidates: Sequence[int] = range(len(base.alarms))
        if (
            last is not None
            and last.base is base
            and last.states == states
            and narrows(last.words, words)
        ):
            candidates = last.indices
        indices = self._keep(base, candidates, words, states)
        self._last = _Filtered(base, words, states, indices)
        kept = base.alarms
        return [kept[i] for i in indices]

    @staticmethod
    def _keep(
        base: _Sorted,
        candidates: Sequence[int],
        words: tuple[str, ...],
        states: frozenset[AlarmState] | None,
    ) -> list[int]:
        texts, their_states = base.search_texts(), base.states
        if states is not None:
            candidates = [i for i in candidates if their_states[i] in states]
        if len(words) == 1:
            word = words[0]
            return [i for i in candidates if word in texts[i]]
        return [i for i in candidates if all(w in texts[i] for w in words)]

    def _sorted_for(
        self, alarms: Sequence[Alarm], order: str, recovered: frozenset[AlarmKey]
    ) -> _Sorted:
        known = self._sorted
        if (
            known is not None
            and known.order == order
            and known.recovered == recovered
            and len(known.source) == len(alarms)
            and all(map(operator.is_, known.source, alarms))
        ):
            return known
        ordered = ORDERS[order](alarms, recovered)
        states = [a.state for a in ordered]
        self._sorted = _Sorted(tuple(alarms), order, recovered, ordered, states)
        self._last = None
        return self._sorted
