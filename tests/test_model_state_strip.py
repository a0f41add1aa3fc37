"""The 14-day state strip tune draws: buckets, the ALARM-wins rule, edges, the width fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from montui.model.alarm import AlarmState
from montui.model.state_strip import cells_per_day_for, state_strip

A, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
END = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
START = END - timedelta(days=14)


def test_a_short_episode_marks_its_whole_cell() -> None:
    episode = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    strip = state_strip(
        [(START + timedelta(minutes=1), OK), (episode, A), (episode + timedelta(minutes=3), OK)],
        initial=NODATA,
        start=START,
        end=END,
        cells_per_day=4,
    )
    assert strip.first_day == datetime(2026, 11, 7, tzinfo=UTC)
    assert strip.days == 15 and len(strip.cells) == 60
    assert strip.bucket == timedelta(hours=6)
    day = (episode - strip.first_day).days
    assert strip.cells[day * 4] is A  # 00:00-06:00 on 11-20
    assert [i for i, c in enumerate(strip.cells) if c is A] == [day * 4]


def test_cells_outside_the_span_are_empty_and_the_first_is_the_initial_state() -> None:
    strip = state_strip([], initial=OK, start=START, end=END, cells_per_day=4)
    # 11-07 03:30 is in the first cell (00:00-06:00): partly replayed, so OK.
    assert strip.cells[0] is OK
    # 11-21 03:30 is the end: the cell 06:00-12:00 of 11-21 and later are empty.
    assert strip.cells[-4] is OK and strip.cells[-3:] == (None, None, None)


def test_the_longest_held_state_wins_without_alarm() -> None:
    start = datetime(2026, 11, 20, tzinfo=UTC)
    strip = state_strip(
        [(start + timedelta(hours=7), OK)],
        initial=NODATA,
        start=start,
        end=start + timedelta(days=1),
        cells_per_day=2,
    )
    assert strip.cells == (NODATA, OK)


def test_an_episode_open_at_the_end_fills_to_the_end() -> None:
    start = datetime(2026, 11, 20, tzinfo=UTC)
    strip = state_strip(
        [(start + timedelta(hours=20), A)],
        initial=OK,
        start=start,
        end=start + timedelta(days=1),
        cells_per_day=24,
    )
    assert strip.cells[:20] == (OK,) * 20 and strip.cells[20:] == (A,) * 4


def test_transitions_before_the_start_set_the_state() -> None:
    start = datetime(2026, 11, 20, tzinfo=UTC)
    strip = state_strip(
        [(start - timedelta(hours=1), A)],
        initial=OK,
        start=start,
        end=start + timedelta(days=1),
        cells_per_day=1,
    )
    assert strip.cells == (A,)


@pytest.mark.parametrize(
    ("width", "days", "expected"), [(69, 15, 4), (149, 15, 8), (10, 15, 1), (400, 14, 24)]
)
def test_cells_per_day_fit_the_width(width: int, days: int, expected: int) -> None:
    assert cells_per_day_for(width, days) == expected


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="equal cells"):
        state_strip([], initial=OK, start=START, end=END, cells_per_day=7)
    with pytest.raises(ValueError, match="after"):
        state_strip([], initial=OK, start=END, end=START, cells_per_day=4)
