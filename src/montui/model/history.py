"""An alarm's history (DescribeAlarmHistory) as montui reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from montui.model.alarm import AlarmState


class HistoryKind(StrEnum):
    """AWS's HistoryItemType values montui shows."""

    STATE = "StateUpdate"
    CONFIGURATION = "ConfigurationUpdate"
    ACTION = "Action"


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One history item; `old_state`/`new_state` are set for state updates."""

    alarm: str
    timestamp: datetime
    kind: HistoryKind
    summary: str
    old_state: AlarmState | None = None
    new_state: AlarmState | None = None
    reason: str = ""
    data: str = ""
