"""Alarms that fired and cleared since the board last looked: "recently recovered".

DescribeAlarms gives an alarm's state and when it entered it (StateTransitionedTimestamp),
not where it came from. An OK alarm's reason does not say either: CloudWatch writes "minimum
1 datapoint for ALARM -> OK transition" whatever the previous state was (it states the
rule, not the history), and a composite's reason names a child. DescribeAlarmHistory would
say, at one request per alarm and poll. So the board decides from what it has seen itself,
two consecutive polls of a region:

- seen in ALARM, now OK: recovered when it entered OK;
- seen OK, now OK but entered OK after the state it was seen in: it left OK and came back
  between two looks (too quickly to be seen). AWS does not say whether it passed through
  ALARM or INSUFFICIENT_DATA; the mark means "changed and came back", worth a look either way;
- seen INSUFFICIENT_DATA, now OK: data came back, no recovery;
- the first poll of a region has nothing to compare with and marks nothing.

A recovery is kept while the alarm stays in that OK, and shown for RECENTLY_RECOVERED.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from montui.model.alarm import Alarm, AlarmState

RECENTLY_RECOVERED = timedelta(minutes=15)
"""How long a recovered alarm stays marked. Long enough for an engineer who looked away (a
coffee, another screen, a call) to see on return that something fired, and for a 5-minute
alarm to fire and clear (3 periods); short enough that the mark still means "just now"."""

AlarmKey = tuple[str, str, str]
"""`Alarm.key`: (account, region, name)."""


def recoveries(
    previous: Iterable[Alarm], current: Iterable[Alarm], known: Mapping[AlarmKey, datetime]
) -> dict[AlarmKey, datetime]:
    """When each alarm of `current` recovered, if it did while the board watched: from the
    alarms of the previous poll of the same region and the recoveries `known` then."""
    before = {alarm.key: alarm for alarm in previous}
    found: dict[AlarmKey, datetime] = {}
    for alarm in current:
        if alarm.state is not AlarmState.OK:
            continue
        since = alarm.in_state_since
        seen = before.get(alarm.key)
        still_known = known.get(alarm.key) == since
        if still_known or (seen is not None and _came_back(seen, since)):
            found[alarm.key] = since
    return found


def _came_back(seen: Alarm, ok_since: datetime) -> bool:
    """Seen in ALARM, or seen in an earlier OK than the one it is in now."""
    if seen.state is AlarmState.ALARM:
        return True
    return seen.state is AlarmState.OK and ok_since > seen.in_state_since


def recently_recovered(
    recovered: Mapping[AlarmKey, datetime],
    now: datetime,
    within: timedelta = RECENTLY_RECOVERED,
) -> frozenset[AlarmKey]:
    """The alarms that recovered at most `within` before `now`."""
    return frozenset(key for key, at in recovered.items() if now - at <= within)
