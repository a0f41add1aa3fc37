"""The alarm review gathered (`gather_review`) for `montui review` and the board's pane (`v`).

Per region, concurrently: DescribeAlarms, ONE DescribeAlarmHistory stream (all alarms,
StateUpdate items, every page), and the dead-metric check (GetMetricData, 500 metrics a call,
one datapoint each). Then, for the noisiest alarms only, their metric at their period and at
a longer one (GetMetricData) for the back-test. A region that fails is named in the review's
problems and the other regions' lines stand; a failed dead-metric check or back-test is said
too, without the lines it would have added.

Several accounts: `sources` gives each (account alias, region) with that account's feeds;
problems are named `alias/region`, and each alarm's back-test reads its own account's metrics.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from msgspec import Struct

from montui.feeds.alarms import Alarms
from montui.feeds.metric_data import MetricData
from montui.feeds.review import StateHistory
from montui.model.alarm import Alarm, MetricQuery
from montui.model.history import HistoryItem
from montui.model.metadata import MetaRule
from montui.model.metrics import MetricSeries, TimeWindow, aligned_start
from montui.model.review import (
    AlarmFacts,
    Finding,
    ReviewSettings,
    alarm_facts,
    busiest,
    composite_parents,
    findings_for,
    noisiest,
    owners_configured,
    ranked,
    review_meta,
    state_history_by_alarm,
)
from montui.model.review_backtest import Proposal, base_settings, longer_period, propose
from montui.model.review_data import (
    backtest_queries,
    compared_points,
    dead_metric_check,
)
from montui.model.review_report import Review

BACKTEST_LIMIT = 5
"""How many of the noisiest alarms are back-tested (each costs GetMetricData metrics)."""
GET_METRIC_DATA_BATCH = 500
BUSIEST = 10
"""How many alarms the review lists by their number of episodes."""


@dataclass(slots=True)
class _Tally:
    """What the review sent and what went wrong, gathered across regions."""

    requests: Counter[str] = field(default_factory=Counter)
    metrics: int = 0
    backtest_metrics: int = 0
    history_items: int = 0
    problems: list[str] = field(default_factory=list)

    async def metric_data(
        self, feed: MetricData, region: str, queries: Sequence[MetricQuery], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        self.metrics += len(queries)
        self.requests["GetMetricData"] += -(-len(queries) // GET_METRIC_DATA_BATCH)
        return await feed.metric_data(region, tuple(queries), window)


class ReviewSource(Struct, frozen=True):
    """One (account, region) the review reads, through that account's feeds (`alias` is ""
    with one account)."""

    region: str
    alarms: Alarms
    history: StateHistory
    metrics: MetricData
    alias: str = ""

    @property
    def name(self) -> str:
        """`prod/us-east-1`, or the region alone with one account."""
        return f"{self.alias}/{self.region}" if self.alias else self.region


def _problem(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or exc) or type(exc).__name__


async def _region(
    source: ReviewSource, window: TimeWindow, tally: _Tally
) -> tuple[tuple[Alarm, ...], tuple[HistoryItem, ...], dict[tuple[str, str, str], bool]]:
    region, metrics = source.region, source.metrics
    tally.requests["DescribeAlarms"] += 1
    alarms = await source.alarms.alarms(region)
    items = await source.history.state_history(region, window.start, window.end)
    tally.history_items += len(items)
    check = dead_metric_check(alarms, window)
    dead: dict[tuple[str, str, str], bool] = {}
    if check.queries:
        try:
            series = await tally.metric_data(metrics, region, check.queries, window)
            dead = check.dead_alarms(series)
        except Exception as exc:  # said in the review, the rest stands
            tally.problems.append(
                f"{source.name}: dead-metric check (GetMetricData): {_problem(exc)}"
            )
    return alarms, items, dead


async def _backtest(
    facts: AlarmFacts, metrics: MetricData, window: TimeWindow, tally: _Tally, where: str = ""
) -> Proposal | None:
    alarm = facts.alarm
    settings = base_settings(alarm)
    if settings is None:
        return None
    periods = [settings.period]
    if (longer := longer_period(settings)) is not None:
        periods.append(longer)
    points = {}
    requested = 0
    try:
        for period in periods:
            queries = backtest_queries(alarm, period)
            requested += len(queries)
            aligned = TimeWindow(aligned_start(window.start, period), window.end)
            series = await tally.metric_data(metrics, alarm.region, queries, aligned)
            points[period] = compared_points(alarm, series)
    except Exception as exc:  # said in the review
        tally.problems.append(
            f"{where or alarm.region}: back-test of {alarm.name}: {_problem(exc)}"
        )
        return None
    finally:
        tally.backtest_metrics += requested
    return propose(alarm, points, window.start, window.end, metrics_requested=requested)


async def gather_review(
    regions: Sequence[str],
    *,
    alarms: Alarms,
    history: StateHistory,
    metrics: MetricData,
    now: datetime,
    settings: ReviewSettings | None = None,
    rules: Sequence[MetaRule] = (),
    backtest_limit: int = BACKTEST_LIMIT,
    sources: Sequence[ReviewSource] = (),
) -> Review:
    """The review of every alarm in `regions` over the `settings.days` before `now`;
    `sources` (several accounts): each (account, region) with its account's feeds, instead."""
    settings = settings or ReviewSettings()
    window = TimeWindow(now - timedelta(days=settings.days), now)
    tally = _Tally()
    sources = list(sources) or [ReviewSource(r, alarms, history, metrics) for r in regions]
    results = await asyncio.gather(
        *(_region(source, window, tally) for source in sources), return_exceptions=True
    )
    every: list[Alarm] = []
    facts: list[AlarmFacts] = []
    source_of: dict[tuple[str, str, str], ReviewSource] = {}
    check_owner = owners_configured(rules)
    for source, result in zip(sources, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            tally.problems.append(f"{source.name}: {_problem(result)}")
            continue
        found, items, dead = result
        source_of.update((alarm.key, source) for alarm in found)
        every.extend(found)
        by_alarm = state_history_by_alarm(items)
        heard = composite_parents(found)
        for alarm in found:
            parent = heard.get(alarm.key)
            facts.append(
                alarm_facts(
                    alarm,
                    by_alarm.get((alarm.region, alarm.name), ()),
                    meta=review_meta(alarm, rules),
                    now=now,
                    days=settings.days,
                    dead=dead.get(alarm.key),
                    heard_via=parent.name if parent else None,
                )
            )
    lines: list[Finding] = []
    for fact in facts:
        lines.extend(findings_for(fact, settings, now=now, check_owner=check_owner))
    proposals = []
    for fact in noisiest(facts, limit=backtest_limit):
        own = source_of.get(fact.alarm.key)
        own_metrics, where = (own.metrics, own.name) if own is not None else (metrics, "")
        proposal = await _backtest(fact, own_metrics, window, tally, where)
        if proposal is not None:
            proposals.append(proposal)
    notes = []
    if not check_owner:
        notes.append("no [[alarm]] rule in the config names an owner: owners not checked")
    return Review(
        start=window.start,
        end=window.end,
        days=settings.days,
        regions=tuple(source.name for source in sources),
        alarms=len(every),
        findings=ranked(lines),
        proposals=tuple(proposals),
        problems=tuple(tally.problems),
        notes=tuple(notes),
        history_items=tally.history_items,
        requests=dict(tally.requests),
        metrics_requested=tally.metrics,
        backtest_metrics=tally.backtest_metrics,
        busiest=busiest(facts, limit=BUSIEST),
    )
