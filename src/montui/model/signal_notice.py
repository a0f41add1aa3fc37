"""Which signals deserve the loud notice: those that enter act now, once each.

`ActNowNotice.update` is given every signal after a refresh and the sources that have
answered at least once. A signal of a source's first answer is what was already there at
start (on screen, not news); after that, a signal is news when its key enters the act-now
set. It is not news again until it has left the set (cleared, or classified lower) and
come back. A source that fails keeps its last signals, so a failure is not a clearing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from montui.model.findings import Band, Finding
from montui.model.metadata import ResponsePattern
from montui.model.signals import Signal, Source


@dataclass
class ActNowNotice:
    """The act-now keys last seen, and the sources whose first answer is in."""

    min_band: Band | None = Band.HIGH
    """`[notify] min_band`: a finding at or above it is news too (None: only act now)."""
    current: set[str] = field(default_factory=set)
    ready: set[Source] = field(default_factory=set)

    def noticed(self, signal: Signal) -> bool:
        if signal.pattern is ResponsePattern.ACT_NOW:
            return True
        opens = signal.opens
        return (
            self.min_band is not None and isinstance(opens, Finding) and opens.band >= self.min_band
        )

    def update(self, signals: Iterable[Signal], answered: Iterable[Source]) -> list[Signal]:
        """The signals that are news now, in the order given."""
        answered = set(answered)
        news = []
        now: set[str] = set()
        for signal in signals:
            if not self.noticed(signal):
                continue
            now.add(signal.key)
            if signal.key not in self.current and signal.source in self.ready:
                news.append(signal)
        self.current = now
        self.ready |= answered
        return news


def notice_title(news: list[Signal]) -> str:
    return "Act now" if len(news) == 1 else f"Act now: {len(news)} new signals"


def notice_text(news: list[Signal], alias_of: Callable[[Signal], str] | None = None) -> str:
    """One line per signal (three at most, then how many more); `alias_of` (several
    accounts): each signal's account alias, named before its region (`prod/us-east-1`)."""
    alias = alias_of or (lambda _: "")
    lines = [
        f"{s.source.short}: {s.what} ({f'{a}/' if (a := alias(s)) else ''}{s.region}) · {s.why}"
        for s in news[:3]
    ]
    if len(news) > 3:
        lines.append(f"… and {len(news) - 3} more")
    return "\n".join(lines)
