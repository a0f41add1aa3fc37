"""alarm_episodes and noise_verdict: hand-worked cases, and the demo scenario's alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from montui.model.alarm import AlarmState
from montui.model.evaluation import Episode
from montui.model.history import (
    HistoryItem,
    HistoryKind,
    NoiseVerdict,
    alarm_episodes,
    children_in_alarm,
    in_alarm_during,
    noise_verdict,
)
from montui.model.place import Place
from montui.sources.history import alarm_history
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from tests.conftest import SCENARIO_START, ScenarioWorld

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ALARM, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def move(minutes: float, old: AlarmState, new: AlarmState) -> HistoryItem:
    return HistoryItem(
        "a", at(minutes), HistoryKind.STATE, f"Alarm updated from {old} to {new}", old, new
    )


def episodes(
    *items: HistoryItem, current: AlarmState = OK, end: float = 1000
) -> tuple[Episode, ...]:
    return alarm_episodes(items, window_start=T0, now=at(end), current=current)


def test_no_history_follows_the_current_state() -> None:
    assert episodes() == ()
    assert episodes(current=ALARM) == (Episode(T0, None),)


def test_closed_and_open_episodes_in_any_order() -> None:
    found = episodes(
        move(50, OK, ALARM),
        move(10, NODATA, OK),
        move(20, OK, ALARM),
        move(25, ALARM, OK),
        current=ALARM,
    )
    assert found == (Episode(at(20), at(25)), Episode(at(50), None))


def test_an_episode_open_at_the_window_start() -> None:
    found = episodes(move(5, ALARM, OK), move(7, OK, ALARM), move(9, ALARM, NODATA))
    assert found == (Episode(T0, at(5)), Episode(at(7), at(9)))


def test_other_kinds_and_items_outside_the_window_are_ignored() -> None:
    config = HistoryItem("a", at(3), HistoryKind.CONFIGURATION, "Alarm updated")
    before = HistoryItem("a", T0 - timedelta(hours=1), HistoryKind.STATE, "x", OK, ALARM)
    later = move(2000, OK, ALARM)
    assert episodes(config, before, later, move(4, OK, ALARM), move(6, ALARM, OK)) == (
        Episode(at(4), at(6)),
    )


def test_alarm_to_alarm_does_not_split_an_episode() -> None:
    assert episodes(move(1, OK, ALARM), move(2, ALARM, ALARM), move(8, ALARM, OK)) == (
        Episode(at(1), at(8)),
    )


def spaced(count: int, minutes: float, every: timedelta) -> list[Episode]:
    return [
        Episode(T0 + i * every, T0 + i * every + timedelta(minutes=minutes)) for i in range(count)
    ]


def test_quiet_alarm() -> None:
    verdict = noise_verdict((), period_seconds=60)
    assert verdict.episodes == 0 and not verdict.flapping
    assert verdict.shortest is None and verdict.time_in_alarm == timedelta()
    assert verdict.reason == "no ALARM episode in 14 days"


def test_three_a_day_is_flapping() -> None:
    daily = spaced(42, 30, timedelta(hours=8))
    verdict = noise_verdict(daily, period_seconds=60)
    assert verdict.flapping and verdict.per_day == 3.0
    assert verdict.time_in_alarm == timedelta(minutes=42 * 30)
    assert verdict.reason == "42 episodes in 14 days, 3.0 a day (3 or more a day is flapping)"


def test_most_shorter_than_two_periods_is_flapping() -> None:
    # 12 episodes: 9 of 1 minute (< 2 periods of 60 s), 3 of 10 minutes; under 1 a day.
    eps = spaced(9, 1, timedelta(days=1)) + spaced(3, 10, timedelta(days=1))
    verdict = noise_verdict(eps, period_seconds=60)
    assert verdict.flapping and verdict.shortest == timedelta(minutes=1)
    assert verdict.time_in_alarm == timedelta(minutes=39)
    assert verdict.reason == "12 episodes in 14 days, most shorter than 2 periods (9 of 12)"


def test_exactly_two_periods_is_not_short() -> None:
    verdict = noise_verdict(spaced(5, 2, timedelta(days=1)), period_seconds=60)
    assert not verdict.flapping
    assert verdict.reason == "5 episodes in 14 days, 0.4 a day, most lasting 2 periods or more"


def test_two_short_episodes_are_too_few_to_call() -> None:
    verdict = noise_verdict(spaced(2, 1, timedelta(days=1)), period_seconds=60)
    assert not verdict.flapping and verdict.episodes == 2


def test_half_short_is_not_most() -> None:
    eps = spaced(2, 1, timedelta(days=1)) + spaced(2, 5, timedelta(days=1))
    assert not noise_verdict(eps, period_seconds=60).flapping


def test_open_episode() -> None:
    eps = [Episode(at(0), at(1)), Episode(at(100), None)]
    without_now = noise_verdict(eps, period_seconds=300, days=1)
    assert without_now.time_in_alarm == timedelta(minutes=1)
    assert without_now.shortest == timedelta(minutes=1)
    assert without_now.reason == "2 episodes in 1 day, 2.0 a day, most lasting 2 periods or more"
    with_now = noise_verdict(eps, period_seconds=300, days=1, now=at(130))
    assert with_now.time_in_alarm == timedelta(minutes=31)


def test_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        noise_verdict((), period_seconds=60, days=0)


# The scenario ----------------------------------------------------------------------------------


async def scenario_verdict(
    world: ScenarioWorld, name: str, region: str
) -> tuple[tuple[Episode, ...], NoiseVerdict]:
    start = SCENARIO_START - timedelta(days=14)
    async with AwsClients(AwsTarget(None, (region,), world.endpoint)) as aws:
        items = await alarm_history(
            aws, Place("", region), name, start=start, end=SCENARIO_START, kinds=[HistoryKind.STATE]
        )
    found = alarm_episodes(items, window_start=start, now=SCENARIO_START, current=OK)
    return found, noise_verdict(found, period_seconds=60, now=SCENARIO_START)


async def test_the_noisy_alarm_fires_nightly_and_is_called_flapping(
    scenario_world: ScenarioWorld,
) -> None:
    """What the scenario shows: one 2-4 minute episode every night (1/1 of one minute), so
    1.0 a day and none shorter than two periods; the daily-pattern rule calls it flapping."""
    scenario_world.ready()
    found, verdict = await scenario_verdict(
        scenario_world, "shop-aurora-writer-write-iops", "ap-northeast-1"
    )
    assert len(found) == 14 and all(e.end is not None for e in found)
    assert len({e.start.date() for e in found}) == 14  # every night
    assert verdict.per_day == 1.0 and verdict.shortest == timedelta(minutes=2)
    assert (
        timedelta(minutes=2) <= max(e.end - e.start for e in found if e.end) <= timedelta(minutes=4)
    )
    assert verdict.flapping
    assert verdict.reason == (
        "14 episodes in 14 days, on 14 different days, most clearing by themselves within an"
        " hour: a daily pattern, not an incident"
    )


async def test_the_alarm_that_never_fired(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    found, verdict = await scenario_verdict(
        scenario_world, "hitori-web-health-latency", "us-east-1"
    )
    assert found == () and verdict.episodes == 0 and not verdict.flapping


def test_an_episode_most_days_that_clears_by_itself_is_a_daily_pattern() -> None:
    nightly = spaced(10, 3, timedelta(days=1))  # 10 nights, 3 minutes each
    verdict = noise_verdict(nightly, period_seconds=60)
    assert verdict.flapping and "daily pattern" in verdict.reason
    long_ones = spaced(10, 120, timedelta(days=1))  # 10 days, 2 hours each: real trouble
    assert not noise_verdict(long_ones, period_seconds=60).flapping
    few_days = spaced(6, 3, timedelta(days=1))  # 6 of 14 days: not most days
    assert not noise_verdict(few_days, period_seconds=60).flapping


# --- which children of a composite were in ALARM during one of its episodes ------------------


def child_move(name: str, minutes: float, old: AlarmState, new: AlarmState) -> HistoryItem:
    return HistoryItem(name, at(minutes), HistoryKind.STATE, f"{old} to {new}", old, new)


def test_in_alarm_during_reads_the_state_at_the_start_and_the_moves_within() -> None:
    episode = Episode(at(100), at(110))
    now = at(500)
    # went into ALARM just before the episode (the composite follows its child): the first
    # move after the start says it was in ALARM then
    assert in_alarm_during([move(112, ALARM, OK)], episode, current=OK, now=now)
    # moved into ALARM within the episode
    inside = [move(105, OK, ALARM), move(107, ALARM, OK)]
    assert in_alarm_during(inside, episode, current=OK, now=now)
    # in ALARM only after the episode
    assert not in_alarm_during([move(120, OK, ALARM)], episode, current=ALARM, now=now)
    # no move since the start: the current state held throughout
    assert in_alarm_during([], episode, current=ALARM, now=now)
    assert not in_alarm_during([], episode, current=OK, now=now)
    # moves before the episode only tell the state at its start when nothing moved since
    assert not in_alarm_during([move(50, ALARM, OK)], episode, current=OK, now=now)
    assert in_alarm_during([move(50, OK, ALARM)], episode, current=ALARM, now=now)
    # configuration updates are not state
    config = HistoryItem("a", at(105), HistoryKind.CONFIGURATION, "updated")
    assert not in_alarm_during([config], episode, current=OK, now=now)


def test_an_open_episode_runs_to_now() -> None:
    episode = Episode(at(100), None)
    assert in_alarm_during([move(300, OK, ALARM)], episode, current=ALARM, now=at(400))
    assert not in_alarm_during([move(300, OK, ALARM)], episode, current=ALARM, now=at(200))


def test_children_in_alarm_during_an_episode() -> None:
    episode = Episode(at(100), at(110))
    histories = {
        "fn": [child_move("fn", 99, OK, ALARM), child_move("fn", 109, ALARM, OK)],
        "api": [child_move("api", 104, OK, ALARM), child_move("api", 111, ALARM, OK)],
        "db": [child_move("db", 60, ALARM, OK)],
        "late": [child_move("late", 130, OK, ALARM)],
    }
    current = {"fn": OK, "api": OK, "db": OK, "late": ALARM, "quiet": ALARM}
    found = children_in_alarm(histories, episode, current=current, now=at(500))
    # "quiet" has no history read: its current state is all there is
    assert found == frozenset({"fn", "api", "quiet"})
