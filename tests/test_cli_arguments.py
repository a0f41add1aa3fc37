"""Command-line arguments as a new user types them: any case, negative durations, the
sub-command's own usage, and a composite's rule in `montui alarms`' table."""

from __future__ import annotations

import io

import pytest

from montui.cli import main
from montui.cli_parser import build_parser
from montui.commands.alarms import write_table


def test_alarms_state_accepts_any_case() -> None:
    args = build_parser().parse_args(["alarms", "--state", "alarm"])
    assert args.state == "ALARM"
    assert build_parser().parse_args(["alarms", "--state", "Insufficient_Data"]).state == (
        "INSUFFICIENT_DATA"
    )


@pytest.mark.parametrize("since", [["--since", "-5m"], ["--since=-5m"]])
def test_negative_since_says_what_it_takes(
    since: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "fields @message", "-g", "/aws/lambda/x", *since])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--since takes a positive duration like 5m" in err
    assert "expected one argument" not in err


def test_missing_group_prints_the_query_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "fields @message"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: montui query ")
    assert "-g GROUP" in err


def test_table_shows_a_composite_rule_shortened_to_the_column() -> None:
    rule = 'ALARM("contact-form-error-rate") OR ALARM("contact-form-api-5xx-very-long-name")'
    records = [
        {
            "state": "ALARM",
            "name": "contact-form-down",
            "region": "us-east-1",
            "in_state_since": "2026-11-21T03:20:00+00:00",
            "condition": "",
            "watches": f"composite: {rule}",
            "kind": "CompositeAlarm",
            "state_reason": "child fired",
        }
    ]
    out = io.StringIO()
    write_table(records, out)
    row = out.getvalue().splitlines()[1]
    assert "ALARM(" in row and "…" in row and row.count("…") == 1
    assert row.split("  ")[4].endswith('long-name")')
