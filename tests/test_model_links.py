"""console_url and alarm_arn."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from montui.model.alarm import Alarm, AlarmKind, AlarmState
from montui.model.links import alarm_arn, console_url, partition

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def alarm(name: str, region: str = "ap-northeast-1", **fields: Any) -> Alarm:
    kind = fields.pop("kind", AlarmKind.METRIC)
    return Alarm(name, region, kind, AlarmState.ALARM, NOW, **fields)


def test_console_url() -> None:
    assert console_url(alarm("hitori-api-5xx")) == (
        "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home"
        "?region=ap-northeast-1#alarmsV2:alarm/hitori-api-5xx"
    )


def test_composite_has_the_same_form() -> None:
    url = console_url(alarm("hitori-contact-form-down", "us-east-1", kind=AlarmKind.COMPOSITE))
    assert url == (
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home"
        "?region=us-east-1#alarmsV2:alarm/hitori-contact-form-down"
    )


@pytest.mark.parametrize(
    "name",
    ["ecs/service/upscale", "High 5XX error % (API) in PROD", "a#b?c&d=e", "日本語 アラーム"],
)
def test_names_are_encoded_into_the_fragment(name: str) -> None:
    url = console_url(alarm(name))
    parts = urlsplit(url)
    assert parts.path == "/cloudwatch/home" and parts.query == "region=ap-northeast-1"
    encoded = parts.fragment.removeprefix("alarmsV2:alarm/")
    assert "/" not in encoded and " " not in encoded and "#" not in encoded
    assert unquote(encoded) == name
    assert url.isascii()


def test_other_partitions() -> None:
    assert console_url(alarm("x", "cn-north-1")).startswith(
        "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#"
    )
    assert partition("us-gov-west-1") == "aws-us-gov" and partition("eu-west-1") == "aws"


def test_alarm_arn() -> None:
    reported = "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:x"
    assert alarm_arn(alarm("x", arn=reported)) == reported
    assert alarm_arn(alarm("x", arn=reported), "999") == reported
    assert alarm_arn(alarm("a b"), "123456789012") == (
        "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:a b"
    )
    assert alarm_arn(alarm("x", "cn-north-1"), "1").startswith(
        "arn:aws-cn:cloudwatch:cn-north-1:1:"
    )
    with pytest.raises(ValueError, match="account"):
        alarm_arn(alarm("x"))
