"""The GuardDuty finding model: bands, type parts, parsing AWS's shape, words, order, notice."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from montui.model.finding_notice import (
    alarms_on_resource,
    finding_url,
    new_findings,
    notice_text,
    seen_counts,
)
from montui.model.finding_words import purpose_words
from montui.model.findings import (
    Band,
    FindingType,
    band_of,
    counts_from_statistics,
    enable_command,
    filter_findings,
    finding_from_aws,
    findings_order,
)
from tests.fakes.data import NOW, make_alarm
from tests.fakes.findings import (
    api_action,
    aws_finding,
    key_resource,
    make_finding,
)


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_band_boundaries(severity: float) -> None:
    band = band_of(severity)
    if severity >= 9:
        assert band is Band.CRITICAL
    elif severity >= 7:
        assert band is Band.HIGH
    elif severity >= 4:
        assert band is Band.MEDIUM
    else:
        assert band is Band.LOW
    assert band.floor <= max(severity, 1.0)


def test_band_edges_and_words() -> None:
    assert [band_of(s) for s in (1, 3.9, 4, 6.9, 7, 8.9, 9, 10)] == [
        Band.LOW, Band.LOW, Band.MEDIUM, Band.MEDIUM, Band.HIGH, Band.HIGH,
        Band.CRITICAL, Band.CRITICAL,
    ]  # fmt: skip
    assert Band.HIGH.label == "▲ High"
    assert len({b.symbol for b in Band}) == 4
    assert Band.parse("critical") is Band.CRITICAL
    try:
        Band.parse("severe")
    except ValueError as exc:
        assert "low, medium, high, critical" in str(exc)
    else:
        raise AssertionError("no error")


def test_type_parts() -> None:
    t = FindingType.parse("CryptoCurrency:EC2/BitcoinTool.B!DNS")
    assert (t.purpose, t.resource, t.family, t.mechanism, t.artifact) == (
        "CryptoCurrency", "EC2", "BitcoinTool", "B", "DNS",
    )  # fmt: skip
    t = FindingType.parse("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS")
    assert (t.purpose, t.resource, t.family, t.mechanism, t.artifact) == (
        "UnauthorizedAccess", "IAMUser", "InstanceCredentialExfiltration", "OutsideAWS", "",
    )  # fmt: skip
    assert FindingType.parse("nonsense").family == "nonsense"
    crypto = FindingType.parse("CryptoCurrency:EC2/BitcoinTool.B!DNS")
    assert crypto.shortened(40) == crypto.text
    assert crypto.shortened(30) == "CryptoCurrency:EC2/BitcoinTool"
    assert crypto.shortened(22) == "EC2/BitcoinTool.B!DNS"
    assert crypto.shortened(15) == "EC2/BitcoinTool"
    assert crypto.shortened(14) == "EC2/BitcoinTo…"
    assert FindingType.parse("x" * 30).shortened(10) == "x" * 9 + "…"
    assert "reconnaissance" in purpose_words("Recon")


def test_parse_network_finding_in_aws_shape() -> None:
    data = aws_finding("f1", 8.0, count=5, minutes_ago=4)
    finding = finding_from_aws(data)
    assert finding.band is Band.HIGH
    assert finding.count == 5
    assert finding.last_seen == NOW - timedelta(minutes=4)
    assert finding.resource.text == "i-0abc… (web-1)"
    assert "i-0abc1234def567890" in finding.resource.ids
    assert ("Remote IP", "198.51.100.7 (Netherlands, Example Hosting)") in finding.action
    assert ("Local port", "22 (SSH)") in finding.action
    assert finding.as_json()["Service"]["Count"] == 5
    assert finding.account == "123456789012" and finding.region == "ap-northeast-1"


def test_parse_api_call_finding_and_access_key_words() -> None:
    finding = make_finding(
        "f2", 5.0, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        resource=key_resource(), action=api_action(),
    )  # fmt: skip
    assert finding.resource.text == "AKIA… user/deploy"
    assert finding.action[0] == ("Action", "AWS API call")
    assert ("API", "ListBuckets") in finding.action
    bucket = finding_from_aws(
        aws_finding("f3", 2, resource={"ResourceType": "S3Bucket",
                                       "S3BucketDetails": [{"Name": "hitori-site"}]})
    )  # fmt: skip
    assert bucket.resource.text == "s3://hitori-site"


def test_order_filter_counts() -> None:
    found = [
        make_finding("low", 2, minutes_ago=1),
        make_finding("high-old", 7.5, minutes_ago=60),
        make_finding("crit", 9.5, minutes_ago=100),
        make_finding("high-new", 8, minutes_ago=5),
        make_finding("arch", 8, archived=True),
    ]
    assert [f.id for f in findings_order(found)] == ["crit", "high-new", "arch", "high-old", "low"]
    assert [f.id for f in filter_findings(found, min_band=Band.HIGH)] == [
        "high-old", "crit", "high-new",
    ]  # fmt: skip
    assert "arch" in [f.id for f in filter_findings(found, archived=True)]
    assert [f.id for f in filter_findings(found, "high-n")] == ["high-new"]
    assert counts_from_statistics({"8.0": 3, "2.0": 1, "9.0": 2}) == {
        Band.LOW: 1, Band.MEDIUM: 0, Band.HIGH: 3, Band.CRITICAL: 2,
    }  # fmt: skip
    command = "aws guardduty create-detector --enable --region us-east-1"
    assert enable_command("us-east-1") == command


def test_notice_new_id_or_grown_count_once() -> None:
    high = make_finding("h", 8, count=1)
    medium = make_finding("m", 5)
    assert new_findings(None, [high]) == []  # the first poll is not news
    before = seen_counts([medium])
    assert new_findings(before, [high, medium, make_finding("m2", 5)]) == [high]
    grown = make_finding("h", 8, count=2)
    assert new_findings(seen_counts([high]), [grown, grown]) == [grown]
    assert new_findings(seen_counts([grown]), [grown]) == []
    assert new_findings(seen_counts([]), [medium], Band.MEDIUM) == [medium]
    assert "▲ High UnauthorizedAccess:EC2/SSHBruteForce on i-0abc… (web-1)" in notice_text([high])


def test_links() -> None:
    finding = make_finding("abc", 8)
    assert finding_url(finding) == (
        "https://ap-northeast-1.console.aws.amazon.com/guardduty/home?region=ap-northeast-1"
        "#/findings?macros=current&fId=abc"
    )
    on_it = make_alarm(
        "web-1-cpu", namespace="AWS/EC2", metric="CPUUtilization",
        dims=(("InstanceId", "i-0abc1234def567890"),),
    )  # fmt: skip
    other = make_alarm("lambda-errors")
    elsewhere = make_alarm(
        "web-1-cpu", region="us-east-1", dims=(("InstanceId", "i-0abc1234def567890"),)
    )
    assert alarms_on_resource(finding, [on_it, other, elsewhere]) == [on_it]


def test_a_lambda_roles_credentials_link_the_functions_alarms() -> None:
    role = {
        "ResourceType": "AccessKey",
        "AccessKeyDetails": {
            "AccessKeyId": "ASIAEXAMPLE",
            "PrincipalId": "AROAEXAMPLE:hitori-contact-form",
            "UserName": "hitori-contact-form-role",
            "UserType": "AssumedRole",
        },
    }
    finding = make_finding("r", 8, resource=role, action=api_action("SendEmail", "ses"))
    assert finding.resource.text == "ASIA… role/hitori-contact-form-role"
    errors = make_alarm("hitori-lambda-errors", dims=(("FunctionName", "hitori-contact-form"),))
    assert alarms_on_resource(finding, [errors, make_alarm("other")]) == [errors]
