"""The ground the alarm extensions share: one lock over moto's CloudWatch objects, the time a
request records, and what a moto alarm object is.

moto's server is threaded and its objects are plain mutable Python: every handler that reads
or changes alarms or their history (`cloudwatch`, `history_api`, the live `evaluation`, the
scenario's backfill) holds `LOCK`. A reentrant lock: a handler may call code that takes it too.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

from montui.model.composite_rule import Rule, children, parse_rule
from montui_world.clock import WORLD_CLOCK
from montui_world.identity import CLOCK_HEADER

LOCK = threading.RLock()


def request_time(response: Any) -> datetime:
    """The time a request records: the demo clock header's when present and valid, else the
    world's now (naive UTC, as moto keeps its timestamps)."""
    value = response.headers.get(CLOCK_HEADER) if response.headers is not None else None
    if value:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            return moment
    return WORLD_CLOCK.naive()


@lru_cache(maxsize=2048)
def rule_of(text: str) -> Rule:
    """The parsed AlarmRule (rules are validated when stored, so this does not fail)."""
    return parse_rule(text)


def is_composite(alarm: Any) -> bool:
    """Composite alarms are the moto alarms that carry a rule."""
    return getattr(alarm, "rule", None) is not None


def alarm_type(alarm: Any) -> str:
    """`CompositeAlarm` or `MetricAlarm`."""
    return "CompositeAlarm" if is_composite(alarm) else "MetricAlarm"


def references(alarm: Any) -> tuple[str, ...]:
    """The alarm names a composite's rule references (ARNs reduced to names)."""
    if not is_composite(alarm):
        return ()
    return children(rule_of(alarm.rule))


FIXTURE_MARK = "montui_fixture"
"""Set (True) on alarms put in bulk with no metric data behind them (`montui_world.bulk`)."""


def is_fixture(alarm: Any) -> bool:
    """A bulk alarm: it keeps the state it was given (the live evaluator skips it)."""
    return bool(getattr(alarm, FIXTURE_MARK, False))


def transitioned_at(alarm: Any) -> datetime:
    """When the alarm entered its current state value."""
    moment = getattr(alarm, "state_transitioned_timestamp", None)
    return moment if moment is not None else alarm.state_updated_timestamp  # type: ignore[no-any-return]


def backend_of(alarm: Any) -> Any:
    """moto's CloudWatch backend holding `alarm` (region and account from its ARN)."""
    _, _, _, region, account = alarm.alarm_arn.split(":")[:5]
    return cloudwatch_backends[account][region]


def all_backends() -> list[Any]:
    """moto's CloudWatch backend of every account and region that has one (call under LOCK)."""
    return [
        backend
        for regions in list(dict.values(cloudwatch_backends))
        for backend in list(dict.values(regions))
    ]
