"""Times in AWS responses, as montui keeps them: timezone-aware UTC datetimes.

botocore hands back datetimes for timestamp members (naive or aware, by parser), and some
payloads carry ISO-8601 strings (`…Z`) or epoch seconds; one reading for all of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc(value: Any) -> datetime:
    """A timezone-aware UTC datetime from a datetime (naive means UTC), an ISO-8601 string
    or epoch seconds. Raises ValueError or TypeError on anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, tz=UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_or_none(value: Any) -> datetime | None:
    """`utc(value)`, or None for a missing (None or empty) value."""
    if value is None or value == "":
        return None
    return utc(value)
