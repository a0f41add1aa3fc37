"""What the board reads, and hands on to the screens it opens: one protocol per need.

Built by the app (`ui/app.py`, the composition root) from an `AwsSession`, or from fakes in
tests. A new source shown from the board adds a field here; no feed is a facade over another.
"""

from __future__ import annotations

from dataclasses import dataclass

from montui.feeds.alarm_tags import AlarmTags
from montui.feeds.alarms import Alarms
from montui.feeds.dbload import DbLoadFeed
from montui.feeds.findings import Findings
from montui.feeds.history import AlarmHistory
from montui.feeds.identity import CallerIdentity
from montui.feeds.insights import LogsInsights
from montui.feeds.metric_data import MetricData
from montui.feeds.reputation import SendingReputation
from montui.feeds.review import StateHistory
from montui.feeds.session import Session


@dataclass(frozen=True, slots=True)
class BoardFeeds:
    """The session (connect, close) and the feeds of the board and what it opens."""

    session: Session
    alarms: Alarms
    identity: CallerIdentity
    metrics: MetricData
    """The sparklines, the detail's chart, the tune screen's back-test."""
    history: AlarmHistory
    """The detail's timeline; the workbench's last episode."""
    insights: LogsInsights
    """The drill-down and the workbench."""
    reputation: SendingReputation
    """The SES reputation pane (`e`)."""
    dbload: DbLoadFeed
    """The database load pane (RDS and Performance Insights) and its SQL."""
    review: StateHistory
    """The alarm review (`v`): every alarm's state history, one stream per region."""
    findings: Findings | None = None
    """GuardDuty: the findings pane and the live notice (None: not watched)."""
    alarm_tags: AlarmTags | None = None
    """Alarm tags for triage's response patterns (read only when `[triage] alarm_tag` is set)."""
