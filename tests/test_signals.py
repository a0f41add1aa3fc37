"""The signals model: each source's classification, the order, the act-now notice, the
desktop notification's sequences and the `[triage]` config."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from montui.config import load_settings
from montui.config_errors import ConfigError
from montui.model.alarm import AlarmState
from montui.model.dbload import LoadSeries, VcpuOrigin, Vcpus
from montui.model.finding_notice import NoticeRule
from montui.model.findings import Band
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.model.signal_notice import ActNowNotice
from montui.model.signals import (
    SECTIONS,
    Signal,
    Source,
    TriageRules,
    alarm_signals,
    db_signal,
    finding_signals,
    ses_signal,
    triage_order,
)
from montui.ui.notice import desktop_sequence, osc9, osc777
from tests.fakes import NOW, make_alarm, make_finding
from tests.fakes.dbload import shop_instances
from tests.fakes.reputation import creeping, ses_account

ACT, NEXT, KNOW = (
    ResponsePattern.ACT_NOW,
    ResponsePattern.NEXT_BUSINESS_DAY,
    ResponsePattern.KNOW_ONLY,
)
A = AlarmState.ALARM


def test_alarm_pattern_from_rules_then_tags_then_description_else_unclassified() -> None:
    rules = (MetaRule("web-*", AlarmMeta(response=ACT)),)
    triage = TriageRules(tag_key="Severity", tag_values={"P2": NEXT})
    described = replace(make_alarm("db-slow", A), description="Know only.")
    alarms = [make_alarm("web-down", A), make_alarm("tagged", A), described,
              make_alarm("nothing", A), make_alarm("web-ok")]  # fmt: skip
    tags = {("123456789012", "ap-northeast-1", "tagged"): {"Severity": "P2"}}
    found = {s.what: s.pattern for s in alarm_signals(alarms, rules, triage, tags)}
    assert found == {"web-down": ACT, "tagged": NEXT, "db-slow": KNOW, "nothing": None}


def test_tags_are_not_read_unless_configured() -> None:
    tags = {("123456789012", "ap-northeast-1", "tagged"): {"Severity": "P1"}}
    found = alarm_signals([make_alarm("tagged", A)], (), TriageRules(), tags)
    assert found[0].pattern is None


def test_findings_by_band_configurable_and_archived_left_out() -> None:
    findings = [make_finding("c", 9.0), make_finding("h", 7.5), make_finding("m", 5.0),
                make_finding("l", 2.0), make_finding("x", 8.0, archived=True)]  # fmt: skip
    default = {s.key.split(":")[-1]: s.pattern for s in finding_signals(findings)}
    assert default == {"c": ACT, "h": ACT, "m": NEXT, "l": KNOW}
    rules = TriageRules(findings={**TriageRules().findings, Band.HIGH: NEXT})
    assert {s.key[-1]: s.pattern for s in finding_signals(findings, rules)}["h"] == NEXT


def test_ses_act_now_over_review_or_under_review_next_day_within_margin() -> None:
    assert ses_signal(creeping(end=0.01)) is None  # 1 % bounce: far below 5 %
    near = ses_signal(creeping(end=0.032))
    assert near is not None and near.pattern is NEXT and "bounce 3.2 %" in near.why
    assert ses_signal(creeping(end=0.032), TriageRules(ses_margin=0.2)) is None
    over = ses_signal(creeping(end=0.055))
    assert over is not None and over.pattern is ACT
    review = ses_signal(creeping(end=0.01, account=ses_account(enforcement="PROBATION")))
    assert review is not None and review.pattern is ACT and "Under review" in review.why


def _series(values: list[float]) -> LoadSeries:
    stamps = tuple(NOW - timedelta(minutes=len(values) - i) for i in range(len(values)))
    return LoadSeries(stamps, tuple(values), (), 60)


def test_db_load_above_vcpus_long_enough_is_act_now_shorter_is_know_only() -> None:
    writer = shop_instances()[2]
    window = TimeWindow(NOW - timedelta(minutes=15), NOW)
    four = Vcpus(4, VcpuOrigin.OS_METRIC)
    assert db_signal(writer, _series([1.0] * 15), four, window) is None
    long = db_signal(writer, _series([1.0] * 9 + [6.0] * 6), four, window)
    assert long is not None and long.pattern is ACT and "for 6 min" in long.why
    short = db_signal(writer, _series([1.0] * 12 + [6.0] * 3), four, window)
    assert short is not None and short.pattern is KNOW
    assert db_signal(writer, _series([6.0] * 4 + [1.0]), four, window) is None  # over
    strict = db_signal(
        writer, _series([1.0] * 9 + [6.0] * 6), four, window, TriageRules(db_minutes=10)
    )
    assert strict is not None and strict.pattern is KNOW


def test_order_act_now_first_newest_first_within_a_section() -> None:
    old, new = make_alarm("old", A, minutes_ago=50), make_alarm("new", A, minutes_ago=5)
    rules = (MetaRule("*", AlarmMeta(response=ACT)),)
    grouped = triage_order(
        alarm_signals([old, new], rules) + finding_signals([make_finding("m", 5.0)])
    )
    assert list(grouped) == list(SECTIONS)
    assert [s.what for s in grouped[ACT]] == ["new", "old"]
    assert len(grouped[NEXT]) == 1 and grouped[None] == []


def _act(key: str, source: Source = Source.ALARM) -> Signal:
    alarm = make_alarm(key, A)
    return Signal(source, key, ACT, key, "", "ap-northeast-1", NOW, "why", alarm)


def test_notice_once_per_signal_until_cleared_and_back() -> None:
    notice = ActNowNotice()
    assert notice.update([_act("a")], [Source.ALARM]) == []  # first answer: already there
    assert [s.key for s in notice.update([_act("a"), _act("b")], [Source.ALARM])] == ["b"]
    assert notice.update([_act("a"), _act("b")], [Source.ALARM]) == []
    assert notice.update([_act("a")], [Source.ALARM]) == []  # b cleared
    assert [s.key for s in notice.update([_act("a"), _act("b")], [Source.ALARM])] == ["b"]


def test_notice_baseline_is_per_source() -> None:
    notice = ActNowNotice()
    notice.update([_act("a")], [Source.ALARM])
    assert notice.update([_act("a"), _act("s", Source.SES)], [Source.ALARM, Source.SES]) == []
    assert [s.key for s in notice.update([_act("s2", Source.SES)], [Source.SES])] == ["s2"]


def test_notice_of_findings_keeps_notify_min_band() -> None:
    medium = finding_signals([make_finding("m", 5.0)])[0]
    assert not ActNowNotice(min_band=Band.HIGH).noticed(medium)
    assert ActNowNotice(min_band=Band.MEDIUM).noticed(medium)


def test_desktop_notification_sequences_in_and_out_of_tmux() -> None:
    assert osc9("hi\x1bthere") == "\x1b]9;hi there\x07"
    assert osc777("Act now; x", "body") == "\x1b]777;notify;Act now, x;body\x07"
    outside = {"TERM": "xterm-256color"}
    tmux = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen-256color"}
    rule9, rule777 = NoticeRule(desktop="osc9"), NoticeRule(desktop="osc777")
    assert desktop_sequence(rule9, "Act now", "x", outside) == "\x1b]9;Act now: x\x07"
    assert (
        desktop_sequence(rule9, "Act now", "x", tmux) == "\x1bPtmux;\x1b\x1b]9;Act now: x\x07\x1b\\"
    )
    assert desktop_sequence(rule777, "T", "b", tmux).startswith("\x1bPtmux;\x1b\x1b]777;notify;T;b")
    assert desktop_sequence(NoticeRule(), "T", "b", outside) == ""


def test_triage_config_and_its_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[notify]\ndesktop = "osc777"\n[triage]\nfindings = { high = "next-business-day" }\n'
        'ses_margin = 0.3\ndb_minutes = 8\nalarm_tag = "Severity"\n'
        'alarm_tag_values = { P1 = "act-now" }\n'
    )
    settings = load_settings(path, env={})
    assert settings.notify.desktop == "osc777"
    rules = settings.triage
    assert rules.findings[Band.HIGH] is NEXT and rules.findings[Band.CRITICAL] is ACT
    assert (rules.ses_margin, rules.db_minutes, rules.tag_key) == (0.3, 8, "Severity")
    assert rules.tag_values == {"P1": ACT}
    for text, line, words in [
        ("[triage]\nses_margin = 0.3\ndb_minutes = -1\n", 3, "triage.db_minutes"),
        ('[triage]\nfindings = { huge = "act-now" }\n', 2, "expected a band"),
        ('[triage]\nalarm_tag = "S"\nalarm_tag_values = { P1 = "now" }\n', 3, "one of: act-now"),
        ('[notify]\ndesktop = "yes"\n', 2, "osc9"),
    ]:
        path.write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_settings(path, env={})
        assert caught.value.line == line and words in str(caught.value)


class _App:
    def __init__(self) -> None:
        self.told: list[tuple[str, str]] = []
        self.bells = 0

    def notify(self, message: str, *, title: str, severity: object, timeout: float) -> None:
        self.told.append((title, message))

    def bell(self) -> None:
        self.bells += 1


def test_raise_notice_one_notification_bell_and_desktop_sequence_when_configured() -> None:
    from montui.ui.notice import raise_notice

    news = [_act("hitori-contact-form-down"), _act("shop-db")]
    written: list[str] = []
    app = _App()
    tmux = {"TMUX": "/tmp/tmux-1000/default,1,0"}
    raise_notice(app, news, NoticeRule(desktop="osc9"), written.append, tmux)
    assert len(app.told) == 1 and app.told[0][0] == "Act now: 2 new signals"
    assert "hitori-contact-form-down" in app.told[0][1] and "shop-db" in app.told[0][1]
    assert app.bells == 1
    assert written == [desktop_sequence(NoticeRule(desktop="osc9"), "Act now: 2 new signals",
                                        app.told[0][1].splitlines()[0], tmux)]  # fmt: skip
    assert written[0].startswith("\x1bPtmux;\x1b\x1b]9;Act now: 2 new signals: alarm: ")
    quiet = _App()
    raise_notice(quiet, news, NoticeRule(bell=False), written.append, {})
    assert quiet.bells == 0 and len(written) == 1  # desktop off: nothing written
    raise_notice(quiet, [], NoticeRule(), written.append, {})
    assert len(quiet.told) == 1
