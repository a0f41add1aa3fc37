"""The review's back-test: candidates, the proof (fewer episodes, the longest kept), and the
same replay as the tune screen's."""

from __future__ import annotations

from datetime import datetime, timedelta

from montui.model.evaluation import replay
from montui.model.records import replace
from montui.model.review_backtest import (
    base_settings,
    candidates,
    longer_period,
    percentile,
    propose,
)
from montui.model.tuning import backtest
from tests.fakes import NOW, make_alarm

START = NOW - timedelta(days=14)
ALARM = replace(make_alarm("iops"), evaluation_periods=1, datapoints_to_alarm=1)


def series(period: int, value_at: object) -> dict[datetime, float]:
    assert callable(value_at)
    points = {}
    moment = START - timedelta(seconds=START.timestamp() % period)
    while moment < NOW:
        points[moment] = float(value_at(moment))
        moment += timedelta(seconds=period)
    return points


INCIDENTS = (NOW - timedelta(days=3, hours=5), NOW - timedelta(days=9, hours=7))


def nightly_blips(moment: datetime) -> float:
    """A 2-minute blip every night at 02:00, and two real hour-long incidents."""
    if any(s <= moment < s + timedelta(hours=1) for s in INCIDENTS):
        return 100
    night = moment.replace(hour=2, minute=0, second=0, microsecond=0)
    return 100 if night <= moment < night + timedelta(minutes=2) else 1


def test_candidates_are_stricter_longer_or_higher() -> None:
    settings = base_settings(ALARM)
    assert settings is not None
    found = [c.change for c in candidates(settings, [1.0] * 990 + [50.0] * 10)]
    assert found[:3] == ["M of N 2 of 2 (was 1 of 1)", "M of N 3 of 3 (was 1 of 1)",
                         "M of N 4 of 4 (was 1 of 1)"]  # fmt: skip
    assert "period 5m (was 1m)" in found
    assert "threshold > 50 (p99.9 of the metric; was 10)" in found
    assert not any("p99 " in c for c in found)  # p99 is 1: louder, not proposed
    day = replace(settings, period=3600, evaluation_periods=24, datapoints_to_alarm=24)
    assert longer_period(day) is None  # 5 h × 24 would pass CloudWatch's one day
    assert longer_period(replace(settings, period=10)) == 60  # not 50 s: no such period


def test_percentile_nearest_rank() -> None:
    assert percentile([], 99) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0


def test_propose_keeps_the_incidents_and_drops_the_blips() -> None:
    points = {60: series(60, nightly_blips), 300: series(300, nightly_blips)}
    proposal = propose(ALARM, points, START, NOW, metrics_requested=2)
    assert proposal is not None and proposal.quieter
    assert proposal.current_episodes == 16  # 14 nights and 2 incidents
    assert (proposal.episodes, proposal.kept, proposal.longest) == (2, 2, 2)
    assert proposal.summary() == "episodes 16 → 2, the 2 longest kept"
    assert proposal.change == "M of N 3 of 3 (was 1 of 1)"
    assert "--evaluation-periods 3 --datapoints-to-alarm 3" in proposal.command


def test_the_replay_is_the_tune_screens() -> None:
    settings = base_settings(ALARM)
    assert settings is not None
    points = series(60, nightly_blips)
    assert (
        len(replay(settings, points, START, NOW).episodes)
        == backtest(settings, points, START, NOW).episodes
    )


def test_no_quieter_setting_when_every_candidate_loses_an_incident() -> None:
    def one_long_one_short(moment: datetime) -> float:
        return 100 if INCIDENTS[0] <= moment < INCIDENTS[0] + timedelta(minutes=1) else 1

    points = {60: series(60, one_long_one_short), 300: series(300, one_long_one_short)}
    proposal = propose(ALARM, points, START, NOW)
    assert proposal is not None and not proposal.quieter
    assert proposal.current_episodes == 1


def test_no_data_or_a_composite_gives_no_proposal() -> None:
    assert propose(ALARM, {}, START, NOW) is None
    composite = make_alarm("c", rule='ALARM("a")')
    assert base_settings(composite) is None


def test_an_alarm_its_data_never_fires_has_nothing_to_quiet() -> None:
    points = {60: series(60, lambda _moment: 1.0)}
    proposal = propose(ALARM, points, START, NOW)
    assert proposal is not None and not proposal.quieter
    assert (proposal.current_episodes, proposal.command) == (0, "")
