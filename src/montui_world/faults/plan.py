"""Which request gets which fault: rules by rate and by service, region and operation, drawn
from a seeded RNG, with counters of what was seen and injected.

A plan is changed while the proxy serves (a test puts one region down, then lifts it), so
every method takes its lock: the proxy decides in its own thread.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from montui_world.faults.wire import Call, ErrorKind


class Fault(Enum):
    """What the proxy does to a request instead of forwarding it."""

    THROTTLE = "throttle"
    ERROR_500 = "500"
    ERROR_503 = "503"
    STALL = "stall"  # no answer until the client's read timeout (or the proxy's release)
    RESET = "reset"  # the connection is dropped without an answer
    EXPIRED = "expired"  # ExpiredToken
    DENIED = "denied"  # AccessDenied

    @property
    def error(self) -> ErrorKind | None:
        """The service's answer this fault is, or None for stalls and resets."""
        return _ERRORS.get(self)


_ERRORS = {
    Fault.THROTTLE: ErrorKind.THROTTLED,
    Fault.ERROR_500: ErrorKind.INTERNAL,
    Fault.ERROR_503: ErrorKind.UNAVAILABLE,
    Fault.EXPIRED: ErrorKind.EXPIRED,
    Fault.DENIED: ErrorKind.DENIED,
}

TRANSIENT = (Fault.THROTTLE, Fault.ERROR_500, Fault.ERROR_503, Fault.STALL, Fault.RESET)
"""The faults a retry or a later poll gets past."""


@dataclass(frozen=True)
class Rule:
    """At `rate` (0 to 1), one of `faults` for the calls that match: `service`, `region` and
    `operation` are None for any, else equal to the call's."""

    rate: float
    faults: tuple[Fault, ...] = TRANSIENT
    service: str | None = None
    region: str | None = None
    operation: str | None = None

    def matches(self, call: Call) -> bool:
        """Whether the rule is about `call`."""
        return all(
            wanted is None or wanted == got
            for wanted, got in (
                (self.service, call.service),
                (self.region, call.region),
                (self.operation, call.operation),
            )
        )


@dataclass
class FaultPlan:
    """The rules, checked in order (the first that matches a call decides), and a seeded
    RNG: the same requests in the same order get the same faults."""

    rules: list[Rule] = field(default_factory=list)
    seed: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    """Requests seen, by `service region operation`."""
    injected: Counter[Fault] = field(default_factory=Counter)
    """Faults injected, by kind."""

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def decide(self, call: Call) -> Fault | None:
        """The fault for `call`, or None to forward it; counted."""
        with self._lock:
            self.requests[f"{call.service} {call.region} {call.operation}"] += 1
            for rule in self.rules:
                if rule.matches(call):
                    if rule.rate <= 0 or self._random.random() >= rule.rate or not rule.faults:
                        return None
                    fault = self._random.choice(rule.faults)
                    self.injected[fault] += 1
                    return fault
            return None

    def set_rules(self, rules: Iterable[Rule]) -> None:
        """Replace the rules (none: every call is forwarded)."""
        with self._lock:
            self.rules = list(rules)

    def clear(self) -> None:
        """No more faults."""
        self.set_rules(())

    @property
    def total_injected(self) -> int:
        """Faults injected so far, all kinds."""
        with self._lock:
            return sum(self.injected.values())

    def seen(self, service: str, operation: str | None = None) -> int:
        """Requests seen for `service` (and `operation`), any region."""
        with self._lock:
            return sum(
                count
                for key, count in self.requests.items()
                if key.split(" ")[0] == service
                and (operation is None or key.split(" ", 2)[2] == operation)
            )


def parse_faults(text: str) -> tuple[Fault, ...]:
    """`throttle,500,stall` → the faults; ValueError naming a bad one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    try:
        return tuple(Fault(name) for name in names)
    except ValueError:
        known = ", ".join(f.value for f in Fault)
        raise ValueError(f"unknown fault in {text!r} (known: {known})") from None
