"""Where an alarm lives outside montui: its AWS console URL and its ARN.

Pure string building. The console URL is the CloudWatch console's alarm detail page
(`#alarmsV2:alarm/<name>`), the same form for metric and composite alarms; the name is
percent-encoded like JavaScript's `encodeURIComponent`, as the console's own links are.
"""

from __future__ import annotations

from urllib.parse import quote

from montui.model.alarm import Alarm

__all__ = ["alarm_arn", "console_host", "console_url", "partition"]

# encodeURIComponent leaves these unescaped; everything else (`/`, space, `#`, `?`, `%`,
# non-ASCII) is percent-encoded so it cannot end the fragment or add a path.
_COMPONENT_SAFE = "-_.!~*'()"


def partition(region: str) -> str:
    """The AWS partition a region belongs to: `aws`, `aws-cn` or `aws-us-gov`."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def console_host(region: str) -> str:
    """The console's host for `region` (China and GovCloud have their own domains)."""
    if region.startswith("cn-"):
        return "console.amazonaws.cn"
    if region.startswith("us-gov-"):
        return "console.amazonaws-us-gov.com"
    return f"{region}.console.aws.amazon.com"


def console_url(alarm: Alarm) -> str:
    """`https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#alarmsV2:alarm/
    <url-encoded name>`: the alarm's page in the CloudWatch console."""
    region = alarm.region
    name = quote(alarm.name, safe=_COMPONENT_SAFE)
    return f"https://{console_host(region)}/cloudwatch/home?region={region}#alarmsV2:alarm/{name}"


def alarm_arn(alarm: Alarm, account: str | None = None) -> str:
    """The alarm's ARN: as DescribeAlarms reported it, else built from its region, `account`
    and name (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`).

    Raises ValueError when the alarm has no ARN and no account is given.
    """
    if alarm.arn:
        return alarm.arn
    if not account:
        raise ValueError(f"the ARN of {alarm.name!r} needs the account id")
    return f"arn:{partition(alarm.region)}:cloudwatch:{alarm.region}:{account}:alarm:{alarm.name}"
