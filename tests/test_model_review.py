"""The alarm review's classification on scripted histories: one test per category, the
ranking, `--fail-on`, and hypothesis over episode sequences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.alarm import Alarm, AlarmState
from montui.model.history import HistoryItem, HistoryKind
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern, response_in
from montui.model.records import replace
from montui.model.review import (
    Category,
    ReviewSettings,
    alarm_facts,
    composite_parents,
    exceeded,
    findings_for,
    owners_configured,
    parse_fail_on,
    ranked,
    review_meta,
)
from tests.fakes.data import NOW, make_alarm

TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:oncall"
OWNED = AlarmMeta(ResponsePattern.ACT_NOW, "web-team", "https://wiki/rb")
ALARM, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA


def wired(alarm: Alarm, *, ok: bool = True) -> Alarm:
    return replace(alarm, alarm_actions=(TOPIC,), ok_actions=(TOPIC,) if ok else ())


def flips(name: str, starts_hours_ago: list[float], minutes: float = 10) -> list[HistoryItem]:
    """An ALARM episode of `minutes` starting at each of `starts_hours_ago`."""
    items = []
    for hours in starts_hours_ago:
        start = NOW - timedelta(hours=hours)
        items.append(HistoryItem(name, start, HistoryKind.STATE, "", OK, ALARM))
        items.append(
            HistoryItem(name, start + timedelta(minutes=minutes), HistoryKind.STATE, "", ALARM, OK)
        )
    return items


def categories(
    alarm: Alarm,
    items: list[HistoryItem] | None = None,
    *,
    meta: AlarmMeta = OWNED,
    dead: bool | None = False,
    heard_via: str | None = None,
    settings: ReviewSettings | None = None,
) -> set[Category]:
    settings = settings or ReviewSettings()
    facts = alarm_facts(alarm, items or [], meta=meta, now=NOW, days=14, dead=dead,
                        heard_via=heard_via)  # fmt: skip
    return {f.category for f in findings_for(facts, settings, now=NOW)}


FIRED_ONCE = flips("a", [30], minutes=30)


def test_a_healthy_alarm_has_no_line() -> None:
    assert categories(wired(make_alarm("a")), FIRED_ONCE) == set()


def test_never_fired() -> None:
    assert categories(wired(make_alarm("a"))) == {Category.NEVER_FIRED}


def test_stuck_in_alarm_for_days() -> None:
    alarm = wired(make_alarm("a", ALARM, minutes_ago=3 * 24 * 60))
    assert categories(alarm) == {Category.STUCK}


def test_stuck_without_data_but_not_after_a_day() -> None:
    assert Category.STUCK in categories(wired(make_alarm("a", NODATA, minutes_ago=5 * 24 * 60)))
    assert Category.STUCK not in categories(wired(make_alarm("a", NODATA, minutes_ago=24 * 60)))


def test_dead_metric_replaces_never_fired_and_stuck() -> None:
    alarm = wired(make_alarm("a", NODATA, minutes_ago=9 * 24 * 60))
    assert categories(alarm, dead=True) == {Category.DEAD_METRIC}


def test_unheard_without_alarm_action_or_with_actions_disabled() -> None:
    assert Category.UNHEARD in categories(make_alarm("a"), FIRED_ONCE)
    disabled = replace(wired(make_alarm("a")), actions_enabled=False)
    assert categories(disabled, FIRED_ONCE) == {Category.UNHEARD}


def test_heard_through_a_composite_or_silent_on_purpose_is_not_unheard() -> None:
    assert Category.UNHEARD not in categories(make_alarm("a"), FIRED_ONCE, heard_via="parent")
    muted = replace(make_alarm("a"), actions_enabled=False)
    assert Category.UNHEARD not in categories(muted, FIRED_ONCE, heard_via="parent")
    know = AlarmMeta(ResponsePattern.KNOW_ONLY, "web-team", "rb")
    assert categories(make_alarm("a"), FIRED_ONCE, meta=know) == set()


def test_no_way_back_only_where_tracked_to_resolution() -> None:
    alarm = wired(make_alarm("a"), ok=False)
    assert categories(alarm, FIRED_ONCE) == {Category.NO_WAY_BACK}
    know = AlarmMeta(ResponsePattern.KNOW_ONLY, "web-team", "rb")
    assert categories(alarm, FIRED_ONCE, meta=know) == set()


def test_unowned_names_what_is_missing() -> None:
    facts = alarm_facts(wired(make_alarm("a")), FIRED_ONCE, meta=AlarmMeta(), now=NOW, days=14)
    (line,) = findings_for(facts, ReviewSettings(), now=NOW)
    assert line.category is Category.UNOWNED
    assert line.detail == "no response pattern, no owner, no runbook"
    (without_owner_check,) = findings_for(facts, ReviewSettings(), now=NOW, check_owner=False)
    assert without_owner_check.detail == "no response pattern, no runbook"


def test_fatigue_is_an_act_now_alarm_firing_more_than_n_a_day() -> None:
    hours = [h * 7.0 + 1 for h in range(40)]  # ~3.4 a day, each lasting 10 periods
    alarm = wired(make_alarm("a"))
    assert Category.FATIGUE in categories(alarm, flips("a", hours, minutes=10))
    nbd = AlarmMeta(ResponsePattern.NEXT_BUSINESS_DAY, "t", "r")
    assert Category.FATIGUE not in categories(alarm, flips("a", hours, minutes=10), meta=nbd)
    lenient = ReviewSettings(fatigue_per_day=5)
    assert Category.FATIGUE not in categories(alarm, flips("a", hours), settings=lenient)


def test_flapping_nightly() -> None:
    nightly = [24.0 * d + 3 for d in range(13)]
    assert Category.FLAPPING in categories(wired(make_alarm("a")), flips("a", nightly))


def test_ranking_puts_harm_first_and_act_now_first_within() -> None:
    unheard = make_alarm("z-unheard")
    never = wired(make_alarm("a-never"))
    facts = [
        alarm_facts(never, [], meta=OWNED, now=NOW, days=14),
        alarm_facts(unheard, FIRED_ONCE, meta=OWNED, now=NOW, days=14),
    ]
    lines = ranked(f for fact in facts for f in findings_for(fact, ReviewSettings(), now=NOW))
    assert [(f.category, f.alarm.name) for f in lines] == [
        (Category.UNHEARD, "z-unheard"),
        (Category.NEVER_FIRED, "a-never"),
    ]


def test_children_of_a_notifying_composite_are_heard_through_it() -> None:
    child, grandchild = make_alarm("child"), make_alarm("grandchild")
    middle = make_alarm("middle", rule='ALARM("grandchild")')
    top = wired(make_alarm("top", rule='ALARM("child") OR ALARM("middle")'))
    parents = composite_parents([child, grandchild, middle, top])
    assert {k[2]: v.name for k, v in parents.items()} == {
        "child": "top",
        "middle": "top",
        "grandchild": "top",
    }


def test_meta_from_config_then_description() -> None:
    alarm = replace(make_alarm("a"), description="Errors. Act now. Runbook: https://rb/a.")
    assert review_meta(alarm, ()) == AlarmMeta(ResponsePattern.ACT_NOW, None, "https://rb/a")
    rule = MetaRule("a", AlarmMeta(ResponsePattern.KNOW_ONLY, "team", None))
    assert review_meta(alarm, (rule,)).response is ResponsePattern.KNOW_ONLY
    assert owners_configured((rule,)) and not owners_configured(())
    assert response_in("x [next business day] y") is ResponsePattern.NEXT_BUSINESS_DAY
    assert response_in("x [know, no action]") is ResponsePattern.KNOW_ONLY
    assert response_in("nothing here") is None


def test_fail_on() -> None:
    limits = parse_fail_on("unheard, flapping=1")
    assert limits == {Category.UNHEARD: 0, Category.FLAPPING: 1}
    facts = alarm_facts(make_alarm("a"), FIRED_ONCE, meta=OWNED, now=NOW, days=14)
    assert exceeded(limits, findings_for(facts, ReviewSettings(), now=NOW)) == ["unheard: 1 > 0"]
    bad_ones = (("loud", "unknown category 'loud'"), ("stuck=x", "whole number"), ("", "at least"))
    for bad, says in bad_ones:
        with pytest.raises(ValueError, match=says):
            parse_fail_on(bad)


episode_starts = st.lists(
    st.tuples(st.floats(min_value=0.5, max_value=13.5 * 24), st.floats(1, 600)),
    max_size=60,
)


@given(episode_starts)
def test_any_episode_sequence_is_classified_consistently(runs: list[tuple[float, float]]) -> None:
    """Never-fired exactly when no episode; flapping and fatigue only with episodes; the
    episode count is the number of non-overlapping runs; every line ranks in harm order."""
    items: list[HistoryItem] = []
    last_end = NOW - timedelta(days=14)
    count = 0
    for hours, minutes in sorted(runs, reverse=True):
        start = NOW - timedelta(hours=hours)
        end = min(start + timedelta(minutes=minutes), NOW - timedelta(minutes=1))
        if start <= last_end or end <= start:
            continue
        items += [
            HistoryItem("a", start, HistoryKind.STATE, "", OK, ALARM),
            HistoryItem("a", end, HistoryKind.STATE, "", ALARM, OK),
        ]
        last_end = end
        count += 1
    facts = alarm_facts(wired(make_alarm("a")), items, meta=OWNED, now=NOW, days=14)
    assert facts.verdict.episodes == count
    lines = ranked(findings_for(facts, ReviewSettings(), now=NOW))
    found = {f.category for f in lines}
    assert (Category.NEVER_FIRED in found) == (count == 0)
    if count == 0:
        assert not found & {Category.FLAPPING, Category.FATIGUE}
    assert (Category.FATIGUE in found) == (count / 14 > 2.0)
    assert [f.category.harm for f in lines] == sorted(f.category.harm for f in lines)
