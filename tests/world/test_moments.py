"""The demo's live moments (`scenario.moments`): one table drives every story, a ten-minute
`montui --demo` session (speed 10, a hand-moved catch-up clock, no sleeping) sees each of them
live in turn, and the SES newsletter keeps the published rates equal to GetSendStatistics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import boto3

from montui_world.ext.ses_store import QUARTER
from montui_world.live import STORY, CatchUpClock, lead_for
from montui_world.scenario import guardduty, moments
from montui_world.scenario.hitori import INCIDENT
from montui_world.scenario.moments import NEWSLETTER_ATTEMPTS, NEWSLETTER_COMPLAINTS
from montui_world.scenario.ses import COMPLAINT_ALARM
from montui_world.scenario.shop import LOCK_PILEUP
from tests.conftest import SCENARIO_START, ScenarioWorld
from tests.world.test_ses_scenario import rates, statistics, window_rate

REGION = "ap-northeast-1"
CONTACT_FORM = ["hitori-lambda-error-rate", "hitori-contact-form-down"]
NONCPU = "shop-aurora-writer-dbload-noncpu"
BOTH = ["MetricAlarm", "CompositeAlarm"]


def test_one_table_times_every_story() -> None:
    assert (INCIDENT.starts_after, INCIDENT.lasts) == (
        moments.CONTACT_FORM.starts_after,
        moments.CONTACT_FORM.lasts,
    )
    assert (LOCK_PILEUP.starts_after, LOCK_PILEUP.lasts) == (
        moments.LOCK_PILEUP.starts_after,
        moments.LOCK_PILEUP.lasts,
    )
    assert guardduty.LIVE.first == moments.CREDENTIALS.starts_after
    assert guardduty.LIVE.until == moments.CREDENTIALS.ends_after
    assert STORY == moments.STORY
    assert all(max(m.ends_after, m.shows) < STORY for m in moments.MOMENTS)
    # at --demo's speed the whole story plays fast; at 1x the world is the wall clock's
    assert lead_for(moments.DEMO_SPEED) == STORY * (1 - 1 / moments.DEMO_SPEED)
    assert lead_for(1) == timedelta(0)
    starts = [m.starts_after for m in moments.MOMENTS]
    assert starts == sorted(starts)  # the moments come one after the other


def _states(cw: Any, names: list[str]) -> set[str]:
    found = cw.describe_alarms(AlarmNames=names, AlarmTypes=BOTH)
    return {a["StateValue"] for a in (*found["MetricAlarms"], *found["CompositeAlarms"])}


def _high_since(gd: Any, detector: str, since: datetime) -> list[str]:
    criteria = {"severity": {"Gte": 7}, "updatedAt": {"Gte": int(since.timestamp() * 1000)}}
    ids: list[str] = gd.list_findings(DetectorId=detector, FindingCriteria={"Criterion": criteria})[
        "FindingIds"
    ]
    return ids


def _stretches(seen: list[float], step: float) -> list[tuple[float, float]]:
    """Runs of consecutive sample times, as (first, last)."""
    runs: list[tuple[float, float]] = []
    for moment in seen:
        if runs and moment - runs[-1][1] <= step:
            runs[-1] = (runs[-1][0], moment)
        else:
            runs.append((moment, moment))
    return runs


def test_a_ten_minute_demo_session_sees_every_moment_in_turn(
    scenario_world: ScenarioWorld,
) -> None:
    """`montui --demo`: the world seeded `lead_for(10)` before the wall clock (4 real seconds
    of seeding), then sampled every 5 real seconds for 10 real minutes: the contact form's
    alarms at once for 2 minutes, a new High finding about a minute in, the lock pile-up
    alarm about 3 minutes in for about 2, the SES complaint rate over 0.1 % (its alarm
    firing) 5 to 6.5 minutes in, all while the world still runs faster than real time."""
    speed, seeding, step = moments.DEMO_SPEED, 4.0, 5.0
    real = [0.0]
    wall = SCENARIO_START + lead_for(speed) + timedelta(seconds=seeding)
    clock = CatchUpClock(
        SCENARIO_START,
        speed,
        wall=lambda: wall + timedelta(seconds=real[0]),
        monotonic=lambda: real[0],
    )
    scenario_world.at(SCENARIO_START)
    cw = boto3.client("cloudwatch", region_name=REGION)
    gd = boto3.client("guardduty", region_name=REGION)
    detector = gd.list_detectors()["DetectorIds"][0]
    seen: dict[str, list[float]] = {"alarms": [], "findings": [], "dbload": [], "ses": []}
    fast_until = 0.0
    for tick in range(int(600 / step) + 1):
        real[0] = tick * step
        now = clock.now()
        scenario_world.at(now)
        if now < wall + timedelta(seconds=real[0]):
            fast_until = real[0]
        if _states(cw, CONTACT_FORM) == {"ALARM"}:
            seen["alarms"].append(real[0])
        if _high_since(gd, detector, SCENARIO_START):
            seen["findings"].append(real[0])
        if _states(cw, [NONCPU]) == {"ALARM"}:
            seen["dbload"].append(real[0])
        if _states(cw, [COMPLAINT_ALARM]) == {"ALARM"}:
            seen["ses"].append(real[0])
    (alarms,) = _stretches(seen["alarms"], step)
    assert alarms[0] <= 10.0 and alarms[1] - alarms[0] >= 120.0
    assert 50.0 <= seen["findings"][0] <= 90.0
    (dbload,) = _stretches(seen["dbload"], step)
    assert 150.0 <= dbload[0] <= 240.0 and 90.0 <= dbload[1] - dbload[0] <= 180.0
    assert dbload[1] < 600.0  # cleared within the session
    (ses,) = _stretches(seen["ses"], step)
    assert 280.0 <= ses[0] <= 400.0 and ses[1] == 600.0  # a day's rate: it stays
    order = [seen[pane][0] for pane in ("alarms", "findings", "dbload", "ses")]
    assert order == sorted(order)
    assert fast_until >= ses[0]  # every moment played at 10x


def test_the_newsletter_is_in_the_statistics_and_the_rates_follow_them(
    scenario_world: ScenarioWorld,
) -> None:
    before = SCENARIO_START + moments.NEWSLETTER.starts_after
    scenario_world.at(before)
    assert (
        max(
            v
            for _, v in rates(
                REGION, "Reputation.ComplaintRate", before - timedelta(minutes=30), before
            )
        )
        < 0.001
    )
    shows = SCENARIO_START + moments.NEWSLETTER.shows
    scenario_world.at(shows)
    (rate,) = rates(REGION, "Reputation.ComplaintRate", shows - timedelta(minutes=1), shows)
    assert rate[1] > 0.001  # over AWS's review threshold by the moment's deadline
    after = SCENARIO_START + moments.NEWSLETTER.ends_after + timedelta(minutes=15)
    scenario_world.at(after)
    points = statistics()
    sent = [p for p in points if p["DeliveryAttempts"] > NEWSLETTER_ATTEMPTS]
    assert len(sent) == 2  # the quarter hours starting in [+35, +65) minutes, both over
    assert all(p["Complaints"] >= NEWSLETTER_COMPLAINTS for p in sent)
    first = int(sent[0]["Timestamp"].timestamp())
    assert first % QUARTER == 0
    assert SCENARIO_START + moments.NEWSLETTER.starts_after <= sent[0]["Timestamp"]
    found = rates(REGION, "Reputation.ComplaintRate", after - timedelta(minutes=40), after)
    assert found[-1][1] > 0.001
    for stamp, value in found:
        assert abs(value - window_rate(points, stamp, "Complaints")) < 1e-12, stamp
    bounces = rates(REGION, "Reputation.BounceRate", after - timedelta(minutes=40), after)
    for stamp, value in bounces:
        assert abs(value - window_rate(points, stamp, "Bounces")) < 1e-12, stamp
        assert value < 0.05  # the newsletter bounces like the rest of the list
    quota = boto3.client("ses", region_name=REGION).get_send_quota()
    assert quota["SentLast24Hours"] < quota["Max24HourSend"]
