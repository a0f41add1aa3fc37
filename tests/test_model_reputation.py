"""SES reputation, pure: threshold bands, distance wording, direction, account status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.reputation import (
    BOUNCE,
    COMPLAINT,
    Band,
    Direction,
    RateHistory,
    RateKind,
    band,
    distance_words,
)
from montui.model.ses_account import (
    Reputation,
    SendPoint,
    SendQuota,
    SesAccount,
    Status,
    Volume,
)
from tests.fakes import NOW

rates = st.floats(min_value=0, max_value=1, allow_nan=False)
kinds = st.sampled_from([BOUNCE, COMPLAINT])


def test_the_issue_s_example_reads_as_written() -> None:
    assert distance_words(BOUNCE, 0.032) == (
        "bounce 3.2 % — 1.8 points below review at 5 %, 6.8 below pause at 10 %"
    )


def test_complaint_wording_and_over_review() -> None:
    assert distance_words(COMPLAINT, 0.0004) == (
        "complaint 0.04 % — 0.06 points below review at 0.1 %, 0.46 below pause at 0.5 %"
    )
    assert distance_words(BOUNCE, 0.061) == (
        "bounce 6.1 % — 1.1 points over review at 5 %, 3.9 below pause at 10 %"
    )
    assert distance_words(BOUNCE, 0.12) == (
        "bounce 12.0 % — 7.0 points over review at 5 %, 2.0 over pause at 10 %"
    )


def test_no_data_is_not_zero() -> None:
    assert "no data" in distance_words(BOUNCE, None)
    assert distance_words(BOUNCE, 0.0).startswith("bounce 0.0 % — 5.0 points below review")
    assert RateHistory(BOUNCE).latest is None
    assert RateHistory(BOUNCE).band is None
    assert RateHistory(BOUNCE, (NOW,), (0.0,)).band is Band.OK


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (BOUNCE, 0.0249, Band.OK),
        (BOUNCE, 0.025, Band.NEAR),
        (BOUNCE, 0.0499, Band.NEAR),
        (BOUNCE, 0.05, Band.REVIEW),
        (BOUNCE, 0.0999, Band.REVIEW),
        (BOUNCE, 0.10, Band.PAUSE),
        (COMPLAINT, 0.00049, Band.OK),
        (COMPLAINT, 0.0005, Band.NEAR),
        (COMPLAINT, 0.001, Band.REVIEW),
        (COMPLAINT, 0.005, Band.PAUSE),
    ],
)
def test_band_boundaries(kind: RateKind, value: float, expected: Band) -> None:
    assert band(kind, value) is expected


@given(kinds, rates, rates)
def test_bands_never_go_down_as_the_rate_goes_up(kind: RateKind, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert band(kind, low).rank <= band(kind, high).rank


@given(kinds, rates)
def test_the_words_never_contradict_the_band(kind: RateKind, value: float) -> None:
    words = distance_words(kind, value)
    review_part, pause_part = words.split(" — ", 1)[1].split(", ")
    if value >= kind.review:
        assert "over review" in review_part or review_part.startswith("at review")
    else:
        assert "below review" in review_part
    if value >= kind.pause:
        assert "over pause" in pause_part or pause_part.startswith("at pause")
    else:
        assert "below pause" in pause_part
    assert band(kind, value).symbol


@given(kinds, st.floats(min_value=-1e-9, max_value=1e-9))
def test_at_the_threshold_is_over_review(kind: RateKind, nudge: float) -> None:
    value = kind.review + nudge
    assert (band(kind, value) is Band.REVIEW) == (value >= kind.review)


def test_direction_over_24h_and_7d() -> None:
    stamps = tuple(NOW - timedelta(hours=h) for h in range(24 * 8, -1, -1))
    values = tuple(0.01 + 0.0002 * i / 24 for i in range(len(stamps)))  # +0.02 pts a day
    history = RateHistory(BOUNCE, stamps, values)
    day, week = history.directions()
    assert day.points == pytest.approx(0.02)
    assert day.words(BOUNCE) == "→ steady in 24 h"
    assert week.words(BOUNCE) == "↑ +0.1 points in 7 d"
    short = RateHistory(BOUNCE, stamps[-10:], values[-10:])
    assert short.direction(timedelta(days=7)).words(BOUNCE) == "no data 7 d ago"
    assert Direction(timedelta(hours=24), -0.5).words(BOUNCE) == "↓ -0.5 points in 24 h"
    sparse = RateHistory(BOUNCE, (NOW - timedelta(days=8), NOW), (0.01, 0.02))
    assert sparse.direction(timedelta(hours=24)).points is None  # 8 days is not 24 h ago
    assert sparse.direction(timedelta(days=7)).points == pytest.approx(1.0)


def account(**changes: object) -> SesAccount:
    base: dict[str, object] = {
        "account": "123456789012",
        "region": "ap-northeast-1",
        "enforcement": "HEALTHY",
        "sending_enabled": True,
        "production": True,
        "quota": SendQuota(50_000, 14, 3_120),
    }
    base.update(changes)
    return SesAccount(**base)  # type: ignore[arg-type]


def test_status_words() -> None:
    assert account().status_words() == "✔ Healthy"
    assert account(enforcement="PROBATION").status is Status.UNDER_REVIEW
    assert account(enforcement="SHUTDOWN", sending_enabled=False).status_words() == (
        "■ Sending paused (by AWS)"
    )
    assert account(sending_enabled=False).status_words() == (
        "■ Sending paused (sending disabled in the account)"
    )
    assert account(enforcement="ODD").status_words() == "? Unknown status (ODD)"
    assert account(production=False, review_status="PENDING", review_case="c1").access_words() == (
        "sandbox · access review in progress (case c1)"
    )


def test_quota_words() -> None:
    assert SendQuota(50_000, 14, 3_120).words() == "3,120 of 50,000 in 24 h · max 14/s"
    assert SendQuota(200, 1, 0).words() == "0 of 200 in 24 h · max 1/s"
    assert SendQuota(-1, 0.5, 7).words() == "7 of no limit in 24 h · max 0.5/s"


def test_volume_and_weight() -> None:
    points = tuple(
        SendPoint(NOW - timedelta(minutes=15 * i), 5, 1 if i == 0 else 0, 0, 0) for i in range(5)
    )
    volume = Volume.of(points, end=NOW, span=timedelta(hours=24))
    assert volume.words() == "25 sent · 1 bounce · 0 complaints · 0 rejects"
    assert volume.weight_words(BOUNCE) == "each bounce moves the rate 4.0 points"
    assert Volume(timedelta(hours=24), attempts=25_000).weight_words(BOUNCE) == ""


def test_review_flag_and_use() -> None:
    quiet = Reputation(
        account(production=False, quota=SendQuota(200, 1, 0)),
        RateHistory(BOUNCE),
        RateHistory(COMPLAINT),
    )
    assert not quiet.in_use and not quiet.needs_review
    assert quiet.use_words() == "No mail sent in 14 days (sandbox): nothing to rate."
    over = Reputation(account(), RateHistory(BOUNCE, (NOW,), (0.05,)), RateHistory(COMPLAINT))
    assert over.needs_review and over.in_use
    near = Reputation(account(), RateHistory(BOUNCE, (NOW,), (0.049,)), RateHistory(COMPLAINT))
    assert not near.needs_review and near.worst is Band.NEAR
    review = Reputation(
        account(enforcement="PROBATION"), RateHistory(BOUNCE), RateHistory(COMPLAINT)
    )
    assert review.needs_review


def test_which_alarms_are_ses_and_which_watch_a_rate() -> None:
    from montui.model.alarm import AlarmState
    from montui.model.reputation import reputation_alarms, watched_rate, watches_ses
    from tests.fakes import make_alarm

    bounce = make_alarm("b", AlarmState.OK, namespace="AWS/SES", metric="Reputation.BounceRate")
    complaint = make_alarm(
        "c", AlarmState.ALARM, namespace="AWS/SES", metric="Reputation.ComplaintRate"
    )
    sends = make_alarm("s", namespace="AWS/SES", metric="Send")
    other = make_alarm("l", namespace="AWS/Lambda", metric="Reputation.BounceRate")
    elsewhere = make_alarm(
        "v", region="us-east-1", namespace="AWS/SES", metric="Reputation.BounceRate"
    )
    assert watched_rate(bounce) is BOUNCE and watched_rate(complaint) is COMPLAINT
    assert watched_rate(sends) is None and watched_rate(other) is None
    assert watches_ses(sends) and not watches_ses(other)
    everything = [bounce, complaint, sends, other, elsewhere]
    assert [a.name for a in reputation_alarms(everything, "ap-northeast-1")] == ["c", "b"]
    also = reputation_alarms(everything, "ap-northeast-1", also=sends.key)
    assert [a.name for a in also] == ["c", "b", "s"]
