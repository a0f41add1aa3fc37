"""The scenario's specification, without a world, and `seed_world`'s summary."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from montui.model.composite_rule import children, parse_rule
from montui_world.live import seed_world
from montui_world.scenario import ALARMS, COMPOSITES
from montui_world.scenario.plan import nightly_spikes, plan
from montui_world.scenario.series import AlarmSeries, epoch
from montui_world.scenario.spec import AlarmSpec, CompositeSpec
from montui_world.world import World

NOW = datetime(2026, 11, 21, 3, 30, 15, tzinfo=UTC)
EVERY_ALARM: tuple[AlarmSpec | CompositeSpec, ...] = (*ALARMS, *COMPOSITES)


def test_alarm_names_are_unique_per_region() -> None:
    names = Counter((a.region, a.name) for a in EVERY_ALARM)
    assert [key for key, count in names.items() if count > 1] == []


def test_each_metric_is_watched_once_per_region() -> None:
    metrics = Counter((a.region, m) for a in ALARMS for m in a.metrics())
    assert [key for key, count in metrics.items() if count > 1] == []


@pytest.mark.parametrize("spec", ALARMS, ids=lambda a: a.name)
def test_signal_ranges_sit_on_the_right_side_of_the_threshold(spec: Any) -> None:
    for value in spec.signal.ok:
        assert not spec.breaches(value), f"healthy value {value} breaches"
    for value in spec.signal.breach:
        assert spec.breaches(value), f"breaching value {value} does not breach"
    assert 1 <= spec.datapoints_to_alarm <= spec.evaluation_periods
    minutes_ago = [step.minutes_ago for step in spec.story]
    assert minutes_ago == sorted(minutes_ago, reverse=True)


@pytest.mark.parametrize("spec", COMPOSITES, ids=lambda c: c.name)
def test_composite_rules_name_alarms_of_their_own_region(spec: Any) -> None:
    known = {a.name for a in EVERY_ALARM if a.region == spec.region}
    assert set(children(parse_rule(spec.rule))) <= known
    if spec.suppressor:
        assert spec.suppressor in known


def test_healthy_values_never_breach_and_breaching_ones_do() -> None:
    scenario = plan(NOW, 7)
    for alarm in scenario.alarms:
        if alarm.spec.stat != "Maximum" or alarm.spec.period != 60:
            continue
        series = AlarmSeries(alarm.spec, alarm.timeline, 7)
        ((times, values),) = series.between(epoch(NOW) - 3 * 86400, epoch(NOW)).values()
        for at, value in zip(times, values, strict=True):
            moment = datetime.fromtimestamp(at, UTC)
            assert alarm.spec.breaches(value) == alarm.timeline.is_breaching(moment), alarm.spec


def test_nightly_spikes_are_short_and_at_two_in_the_morning_tokyo_time() -> None:
    spikes = nightly_spikes("x", NOW, 7)
    assert len(spikes) >= 45
    for start, end in spikes:
        assert timedelta(minutes=2) <= end - start <= timedelta(minutes=4)
        assert start.hour == 17 and start.minute < 25  # 02:00-02:25 JST


def test_seed_world_summarises_what_it_wrote(world: World) -> None:
    summary = seed_world(world.endpoint, now=NOW, seed=3)
    assert summary.alarms == len(ALARMS) + len(COMPOSITES) >= 60
    assert sum(summary.states.values()) == summary.alarms
    assert summary.states["ALARM"] >= 1
    assert summary.datapoints > 14 * 1440 * 60
    assert summary.transitions > 14 and summary.log_events > 10_000
    assert summary.topics and summary.log_metric_filters and summary.seconds > 0
