"""SES's account APIs in the world (`ext.ses_api`), through boto3: GetAccount's shape for a
new (sandbox) account, the account writes and their validation, the test hook, GetSendStatistics
and GetSendQuota, a person's sends counted, the sending switch, reset."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext.ses_api import HOOK_PATH
from montui_world.ext.ses_store import STORE, SendPoint
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"


def _v2(world: World, region: str = REGION) -> Any:
    return boto3.client("sesv2", region_name=region, endpoint_url=world.endpoint)


def _v1(world: World, region: str = REGION) -> Any:
    return boto3.client("ses", region_name=region, endpoint_url=world.endpoint)


def hook(world: World, **document: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{world.endpoint}{HOOK_PATH}", data=json.dumps(document).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    answer = error.value.response
    return answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]


def test_a_new_account_is_in_the_sandbox(world: World) -> None:
    found = _v2(world, "us-east-1").get_account()
    found.pop("ResponseMetadata")
    assert found == {
        "DedicatedIpAutoWarmupEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": False,
        "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0},
        "SendingEnabled": True,
        "SuppressionAttributes": {"SuppressedReasons": []},
        "VdmAttributes": {"VdmEnabled": "DISABLED"},
    }
    assert _v1(world, "us-east-1").get_send_statistics()["SendDataPoints"] == []
    quota = _v1(world, "us-east-1").get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"], quota["SentLast24Hours"]) == (
        200.0,
        1.0,
        0.0,
    )


def test_put_account_details_round_trip_and_review(world: World) -> None:
    ses = _v2(world)
    ses.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://hitori-infra.example.jp",
        ContactLanguage="JA",
        UseCaseDescription="Contact form replies",
        AdditionalContactEmailAddresses=["ops@hitori-infra.example.jp"],
        ProductionAccessEnabled=True,
    )
    details = ses.get_account()["Details"]
    review = details.pop("ReviewDetails")
    assert details == {
        "MailType": "TRANSACTIONAL",
        "WebsiteURL": "https://hitori-infra.example.jp",
        "ContactLanguage": "JA",
        "UseCaseDescription": "Contact form replies",
        "AdditionalContactEmailAddresses": ["ops@hitori-infra.example.jp"],
    }
    assert review["Status"] == "PENDING" and review["CaseId"]
    assert ses.get_account()["ProductionAccessEnabled"] is False  # AWS decides
    with pytest.raises(ClientError) as error:
        ses.put_account_details(MailType="MARKETING", WebsiteURL="https://x.example")
    assert _code(error) == ("ConflictException", 409)
    granted = hook(world, Region=REGION, ReviewDetails={"Status": "GRANTED", "CaseId": "1"})
    assert granted["ProductionAccessEnabled"] is True
    assert granted["SendQuota"]["Max24HourSend"] == 50000.0
    assert _v2(world, "us-east-1").get_account()["ProductionAccessEnabled"] is False


@pytest.mark.parametrize(
    "arguments",
    [
        {"MailType": "SPAM", "WebsiteURL": "https://x.example"},
        {"MailType": "MARKETING", "WebsiteURL": "https://x.example", "ContactLanguage": "FR"},
        {"MailType": "MARKETING", "WebsiteURL": "x" * 1001},
        {
            "MailType": "MARKETING",
            "WebsiteURL": "https://x.example",
            "UseCaseDescription": "u" * 5001,
        },
        {
            "MailType": "MARKETING",
            "WebsiteURL": "https://x.example",
            "AdditionalContactEmailAddresses": ["not-an-address"],
        },
        {
            "MailType": "MARKETING",
            "WebsiteURL": "https://x.example",
            "AdditionalContactEmailAddresses": [f"a{i}@x.example" for i in range(5)],
        },
    ],
)
def test_put_account_details_validates_like_the_model(
    world: World, arguments: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as error:
        _v2(world).put_account_details(**arguments)
    assert _code(error) == ("BadRequestException", 400)
    assert "Details" not in _v2(world).get_account()


def test_sending_switch_shows_in_both_versions_and_stops_sends(world: World) -> None:
    v1, v2 = _v1(world), _v2(world)
    v1.verify_email_identity(EmailAddress="form@hitori-infra.example.jp")
    message = {
        "Source": "form@hitori-infra.example.jp",
        "Destination": {"ToAddresses": ["a@example.com", "b@example.com"]},
        "Message": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}},
    }
    v1.send_email(**message)
    v2.put_account_sending_attributes(SendingEnabled=False)
    assert v2.get_account()["SendingEnabled"] is False
    assert v1.get_account_sending_enabled()["Enabled"] is False
    with pytest.raises(ClientError) as error:
        v1.send_email(**message)
    assert _code(error) == ("AccountSendingPausedException", 400)
    with pytest.raises(ClientError) as error:
        v2.send_email(
            FromEmailAddress="form@hitori-infra.example.jp",
            Destination={"ToAddresses": ["a@example.com"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )
    assert _code(error) == ("SendingPausedException", 400)
    v1.update_account_sending_enabled(Enabled=True)
    assert v2.get_account()["SendingEnabled"] is True
    v2.send_email(
        FromEmailAddress="form@hitori-infra.example.jp",
        Destination={"ToAddresses": ["a@example.com"], "CcAddresses": ["c@example.com"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
    )
    # The accepted sends counted once per recipient; the refused ones not at all.
    assert v2.get_account()["SendQuota"]["SentLast24Hours"] == 4.0
    assert v1.get_send_quota()["SentLast24Hours"] == 4.0
    points = v1.get_send_statistics()["SendDataPoints"]
    assert sum(p["DeliveryAttempts"] for p in points) == 4
    assert sum(p["Bounces"] + p["Complaints"] + p["Rejects"] for p in points) == 0


def test_suppression_attributes_round_trip_and_validation(world: World) -> None:
    ses = _v2(world)
    ses.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "COMPLAINT"])
    assert ses.get_account()["SuppressionAttributes"]["SuppressedReasons"] == [
        "BOUNCE",
        "COMPLAINT",
    ]
    with pytest.raises(ClientError) as error:
        ses.put_account_suppression_attributes(SuppressedReasons=["SPAM"])
    assert _code(error) == ("BadRequestException", 400)


def test_the_hook_puts_an_account_under_review_and_pauses_it(world: World) -> None:
    answer = hook(
        world,
        Region=REGION,
        EnforcementStatus="PROBATION",
        ReviewDetails={"Status": "PENDING", "CaseId": "12345678901"},
    )
    assert answer["EnforcementStatus"] == "PROBATION"
    found = _v2(world).get_account()
    assert found["EnforcementStatus"] == "PROBATION"
    assert found["Details"]["ReviewDetails"] == {"Status": "PENDING", "CaseId": "12345678901"}
    assert found["SendingEnabled"] is True
    hook(world, Region=REGION, EnforcementStatus="SHUTDOWN")
    assert _v2(world).get_account()["SendingEnabled"] is False
    with pytest.raises(urllib.error.HTTPError) as bad:
        hook(world, Region=REGION, EnforcementStatus="SLEEPY")
    assert bad.value.code == 400


def test_statistics_come_from_the_registered_traffic(world: World) -> None:
    class Steady:
        def quarter(self, start: int) -> SendPoint:
            return SendPoint(start, attempts=40, bounces=2, complaints=1 if start % 3600 else 0)

    STORE.set_traffic(DEMO_ACCOUNT, REGION, Steady())
    points = _v1(world).get_send_statistics()["SendDataPoints"]
    assert len(points) == 14 * 96
    stamps = [p["Timestamp"] for p in points]
    assert stamps == sorted(stamps)
    assert all(s.minute % 15 == 0 and s.second == 0 for s in stamps)
    assert _v2(world).get_account()["SendQuota"]["SentLast24Hours"] == 96 * 40.0
    world.reset()
    assert _v1(world).get_send_statistics()["SendDataPoints"] == []


def test_a_raw_send_counts_its_destinations(world: World) -> None:
    v1 = _v1(world, "us-east-1")
    v1.verify_email_identity(EmailAddress="form@hitori-infra.example.jp")
    v1.send_raw_email(
        Source="form@hitori-infra.example.jp",
        Destinations=["a@example.com", "b@example.com", "c@example.com"],
        RawMessage={
            "Data": b"From: form@hitori-infra.example.jp\nTo: a@example.com\nSubject: s\n\nbody"
        },
    )
    assert v1.get_send_quota()["SentLast24Hours"] == 3.0
    assert _v1(world).get_send_quota()["SentLast24Hours"] == 0.0  # per region
