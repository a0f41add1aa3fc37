"""The shared investigation window: from an alarm's episode, widened, moved, its chip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from montui.model.alarm import AlarmState
from montui.model.drilldown import drilldown_window
from montui.model.evaluation import Episode
from montui.model.investigation import InvestigationWindow
from tests.fakes.data import NOW, make_alarm


def test_the_window_of_an_alarm_is_the_drilldown_window() -> None:
    alarm = make_alarm("hitori-contact-form-down", AlarmState.ALARM, minutes_ago=10)
    window = InvestigationWindow.of_alarm(alarm, now=NOW)
    expected = drilldown_window(alarm, now=NOW, episode=None)
    assert (window.start, window.end) == (expected.start, expected.end)
    assert window.source == "hitori-contact-form-down"
    episode = Episode(NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    past = InvestigationWindow.of_alarm(alarm, now=NOW, episode=episode)
    assert past.end == NOW - timedelta(hours=1) + timedelta(minutes=5)


def test_widen_move_and_chip() -> None:
    start = datetime(2026, 11, 21, 1, 20, tzinfo=UTC)
    window = InvestigationWindow(start, start + timedelta(minutes=25), "hitori-contact-form-down")
    assert window.chip() == "window 01:20–01:45 UTC · from hitori-contact-form-down"
    wide = window.widened()
    assert wide.length == timedelta(minutes=50)
    assert wide.start + wide.length / 2 == window.start + window.length / 2
    earlier = window.moved(-1)
    assert earlier.end - window.end == -window.length / 2
    later = window.moved(1, now=start + timedelta(minutes=30))
    assert later.end == start + timedelta(minutes=30)
    assert later.length == window.length
    across = InvestigationWindow(start - timedelta(hours=2), start, "x")
    assert across.chip() == "window 11-20 23:20–11-21 01:20 UTC · from x"


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError):
        InvestigationWindow(NOW, NOW, "x")
