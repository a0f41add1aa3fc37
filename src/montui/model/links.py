"""Where things live outside montui: an alarm's AWS console URL and its ARN, and the console
page that opens a Logs Insights query.

Pure string building. The console URL is the CloudWatch console's alarm detail page
(`#alarmsV2:alarm/<name>`), the same form for metric and composite alarms; the name is
percent-encoded like JavaScript's `encodeURIComponent`, as the console's own links are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from montui.model.alarm import Alarm
from montui.model.metrics import TimeWindow

__all__ = ["alarm_arn", "console_host", "console_url", "logs_insights_url", "partition"]

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


def _jsurl_string(text: str) -> str:
    """A string in JSURL (github.com/Sage/jsurl, v1): `'` then the text with every character
    outside `[A-Za-z0-9_.-]` escaped — `$` as `!`, other UTF-16 code units below 0x100 as `*`
    and two lowercase hex digits (`'` → `*27`, `/` → `*2f`), the rest as `**` and four."""
    out = ["'"]
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in "_.-"):
            out.append(ch)
        elif ch == "$":
            out.append("!")
        elif ord(ch) < 0x100:
            out.append(f"*{ord(ch):02x}")
        else:
            units = ch.encode("utf-16-be", "surrogatepass")
            for i in range(0, len(units), 2):
                out.append(f"**{units[i]:02x}{units[i + 1]:02x}")
    return "".join(out)


def _jsurl_array(items: Sequence[str]) -> str:
    """A JSURL array of strings (after its leading `~`): `(~'a~'b)`, or `(~)` when empty."""
    return "(" + ("".join("~" + _jsurl_string(i) for i in items) or "~") + ")"


def _insights_time(moment: datetime) -> str:
    """`2026-11-21T03:00:00.000Z`: the console's form of an absolute query time."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def logs_insights_url(region: str, query: str, groups: Sequence[str], window: TimeWindow) -> str:
    """The CloudWatch console's Logs Insights page with `query` in the editor, `groups`
    selected and the absolute `window` (shown in UTC).

    The console keeps the page state in the fragment:
    `#logsV2:logs-insights$3FqueryDetail$3D~(end~'…~start~'…~timeType~'ABSOLUTE~tz~'UTC~
    editorString~'…~source~(~'g1~'g2))`. The object after `queryDetail=` is JSURL
    (github.com/Sage/jsurl): `~(key~value…)` objects, `~(~v1~v2)` arrays, `'`-prefixed
    strings escaped as `_jsurl_string` says. `?queryDetail=<jsurl>` is then encoded like
    `encodeURIComponent` with `%` replaced by `$` (JSURL output needs no escaping there, so only
    `?` and `=` change). The format is not documented by AWS; it was read from links the
    console itself produces (e.g. `editorString~'fields*20*40timestamp*2c*20*40message*0a*7c*20
    sort*20*40timestamp*20desc`, `source~(~'*2faws*2flambda*2f…)`, times as
    `2021-07-18T20*3a59*3a59.000Z`) and from the public write-ups of it (Stack Overflow, "Is
    there a way to generate the AWS Console URLs for CloudWatch Log Group filters?"). Older
    console links wrapped the JSURL once more in JavaScript's `escape()` (`$257E$2528end…`);
    the console reads both, and this form is the one it writes today.
    """
    fields = [
        ("end", _jsurl_string(_insights_time(window.end))),
        ("start", _jsurl_string(_insights_time(window.start))),
        ("timeType", "'ABSOLUTE"),
        ("tz", "'UTC"),
        ("editorString", _jsurl_string(query)),
        ("source", _jsurl_array(groups)),
    ]
    detail = "~(" + "~".join(f"{key}~{value}" for key, value in fields) + ")"
    fragment = quote(f"?queryDetail={detail}", safe=_COMPONENT_SAFE).replace("%", "$")
    host = console_host(region)
    return f"https://{host}/cloudwatch/home?region={region}#logsV2:logs-insights{fragment}"
