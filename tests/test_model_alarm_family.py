"""The alarms under a composite: direct children and the whole family, cycles walked once."""

from __future__ import annotations

from montui.model.alarm import Alarm, AlarmState
from montui.model.alarm_family import alarm_family, direct_children
from tests.fakes import make_alarm

TOP = make_alarm("top", AlarmState.ALARM, rule='ALARM("mid") OR ALARM("leaf-a")')
MID = make_alarm("mid", rule='ALARM("leaf-b") AND ALARM("top")')
LEAF_A = make_alarm("leaf-a")
LEAF_B = make_alarm("leaf-b", AlarmState.ALARM)
BOARD = {a.name: a for a in (TOP, MID, LEAF_A, LEAF_B)}


def lookup(region: str, name: str) -> Alarm | None:
    return BOARD.get(name) if region == "ap-northeast-1" else None


def test_direct_children_are_the_known_names_of_the_rule() -> None:
    assert list(direct_children(TOP, lookup)) == ["mid", "leaf-a"]
    assert direct_children(LEAF_A, lookup) == {}
    assert direct_children(make_alarm("bad", rule="ALARM(("), lookup) == {}


def test_the_family_walks_every_level_once() -> None:
    assert set(alarm_family(TOP, lookup)) == {"mid", "leaf-a", "leaf-b", "top"}
    assert alarm_family(LEAF_B, lookup) == {}
