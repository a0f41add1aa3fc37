"""logs_insights_url: the console's Logs Insights deep link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from montui.model.links import logs_insights_url
from montui.model.metrics import TimeWindow

WINDOW = TimeWindow(
    datetime(2021, 7, 15, 21, 0, tzinfo=UTC), datetime(2021, 7, 18, 20, 59, 59, tzinfo=UTC)
)
PREFIX = "#logsV2:logs-insights$3FqueryDetail$3D"


class _Jsurl:
    """A reader for JSURL as Sage/jsurl writes it, independent of the code under test."""

    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def take(self, expected: str) -> None:
        assert self.text[self.i] == expected, (self.text[self.i :], expected)
        self.i += 1

    def value(self) -> Any:
        self.take("~")
        c = self.text[self.i]
        if c == "(":
            self.i += 1
            if self.text[self.i] == "~":  # an array: ~(~a~b) or ~(~)
                items: list[Any] = []
                if self.text[self.i : self.i + 2] == "~)":
                    self.i += 2
                    return items
                while self.text[self.i] != ")":
                    items.append(self.value())
                self.take(")")
                return items
            obj: dict[str, Any] = {}
            while self.text[self.i] != ")":
                if obj:
                    self.take("~")
                key = self.atom()
                obj[key] = self.value()
            self.take(")")
            return obj
        if c == "'":
            self.i += 1
            return self.string()
        return self.atom()

    def atom(self) -> str:
        start = self.i
        while self.i < len(self.text) and self.text[self.i] not in "~)":
            self.i += 1
        return self.text[start : self.i]

    def string(self) -> str:
        units: list[int] = []
        text = self.text
        while self.i < len(text) and text[self.i] not in "~)":
            c = text[self.i]
            if text.startswith("**", self.i):
                units.append(int(text[self.i + 2 : self.i + 6], 16))
                self.i += 6
            elif c == "*":
                units.append(int(text[self.i + 1 : self.i + 3], 16))
                self.i += 3
            else:
                units.append(ord("$") if c == "!" else ord(c))
                self.i += 1
        raw = b"".join(u.to_bytes(2, "big") for u in units)
        return raw.decode("utf-16-be")


def decode(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    assert parts.fragment.startswith("logsV2:logs-insights")
    state = unquote(parts.fragment[len("logsV2:logs-insights") :].replace("$", "%"))
    assert state.startswith("?queryDetail=")
    reader = _Jsurl(state[len("?queryDetail=") :])
    detail = reader.value()
    assert reader.i == len(reader.text)
    assert isinstance(detail, dict)
    return detail


def test_url_shape() -> None:
    url = logs_insights_url("eu-west-1", "fields @message", ["/aws/lambda/f"], WINDOW)
    assert url == (
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        + PREFIX
        + "~(end~'2021-07-18T20*3a59*3a59.000Z~start~'2021-07-15T21*3a00*3a00.000Z"
        "~timeType~'ABSOLUTE~tz~'UTC~editorString~'fields*20*40message"
        "~source~(~'*2faws*2flambda*2ff))"
    )


def test_matches_console_written_links() -> None:
    # Escapes as they appear in links the console produced (quoted in the module docstring).
    query = "fields @timestamp, @message, @logStream, @log\n| sort @timestamp desc\n| limit 10000"
    arn = "arn:aws:logs:my-region-1:123412341234:log-group:/aws-glue/column-statistics"
    url = logs_insights_url("us-east-1", query, [arn], WINDOW)
    assert (
        "~editorString~'fields*20*40timestamp*2c*20*40message*2c*20*40logStream*2c*20*40log"
        "*0a*7c*20sort*20*40timestamp*20desc*0a*7c*20limit*2010000~"
    ) in url
    assert (
        "~source~(~'arn*3aaws*3alogs*3amy-region-1*3a123412341234*3alog-group*3a"
        "*2faws-glue*2fcolumn-statistics))"
    ) in url
    filter_query = 'filter @message =~ "Exception"'
    assert "filter*20*40message*20*3d*7e*20*22Exception*22" in logs_insights_url(
        "eu-west-1", filter_query, ["g"], WINDOW
    )


def test_special_characters() -> None:
    url = logs_insights_url("us-east-1", "a'b~c)d(e$f*g", ["g"], WINDOW)
    assert "editorString~'a*27b*7ec*29d*28e!f*2ag~" in url
    assert "**65e5" in logs_insights_url("us-east-1", "日", ["g"], WINDOW)
    assert "**d83d**de00" in logs_insights_url("us-east-1", "😀", ["g"], WINDOW)


def test_fragment_holds_only_safe_characters() -> None:
    url = logs_insights_url("us-east-1", 'a #?&=% \n\t|"<>', ["g h", "i/j"], WINDOW)
    fragment = url.split("#", 1)[1]
    assert set(fragment) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~'()*!$:"
    )


def test_other_partitions_and_milliseconds() -> None:
    w = TimeWindow(
        datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=UTC), datetime(2026, 1, 1, 1, tzinfo=UTC)
    )
    url = logs_insights_url("cn-north-1", "q", ["g"], w)
    assert url.startswith("https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#")
    assert decode(url)["start"] == "2026-01-01T00:00:00.123Z"


def test_no_groups_is_an_empty_array() -> None:
    url = logs_insights_url("us-east-1", "q", [], WINDOW)
    assert url.endswith("~source~(~))")
    assert decode(url)["source"] == []


@given(
    st.text(max_size=200),
    st.lists(st.text(min_size=1, max_size=40), max_size=4),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
)
def test_round_trip(query: str, groups: list[str], start: datetime, length: timedelta) -> None:
    start = start.replace(microsecond=start.microsecond // 1000 * 1000)
    end = start + length
    end = end.replace(microsecond=end.microsecond // 1000 * 1000)
    detail = decode(logs_insights_url("ap-northeast-1", query, groups, TimeWindow(start, end)))
    assert detail == {
        "end": end.strftime("%Y-%m-%dT%H:%M:%S.") + f"{end.microsecond // 1000:03d}Z",
        "start": start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start.microsecond // 1000:03d}Z",
        "timeType": "ABSOLUTE",
        "tz": "UTC",
        "editorString": query,
        "source": groups,
    }


def test_lone_surrogates_do_not_raise() -> None:
    # Text decoded with surrogateescape (a terminal's undecodable bytes) holds lone surrogates.
    assert "**dc80" in logs_insights_url("us-east-1", "a\udc80", ["g"], WINDOW)
