"""The `:` command table: parsing, aliases, completion, unknown commands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.commands import (
    BY_NAME,
    COMMANDS,
    CommandError,
    closest,
    common_prefix,
    complete,
    parse,
)

CHOICES = {"region": ("ap-northeast-1", "us-east-1"), "instance": ("shop-db-1", "shop-db-2")}


def test_every_command_parses_by_name_and_alias() -> None:
    for command in COMMANDS:
        for word in (command.name, *command.aliases):
            line = f":{word}" + (" ap-northeast-1" if command.argument == "region" else "")
            line += " all" if command.argument == "account" else ""
            if command.argument == "window":
                line += " widen"
            assert parse(line, CHOICES).command is command


def test_arguments_are_checked_against_the_choices() -> None:
    assert parse(":ses us-east-1", CHOICES).argument == "us-east-1"
    assert parse("region all", CHOICES).argument == "all"
    assert parse(":db shop-db-2", CHOICES).argument == "shop-db-2"
    assert parse(":window DROP", CHOICES).argument == "drop"
    assert parse(":ses", CHOICES).argument is None
    with pytest.raises(CommandError, match="did you mean us-east-1"):
        parse(":ses us-east1", CHOICES)
    with pytest.raises(CommandError, match="needs region"):
        parse(":region", CHOICES)
    with pytest.raises(CommandError, match="takes no argument"):
        parse(":alarms now", CHOICES)
    with pytest.raises(CommandError, match=r"Unknown window 'wider'.*did you mean widen"):
        parse(":window wider", CHOICES)


def test_an_instance_not_listed_yet_is_passed_on() -> None:
    assert parse(":db other-db", {"region": ("us-east-1",)}).argument == "other-db"
    with pytest.raises(CommandError, match="Unknown instance"):
        parse(":db other-db", CHOICES)


def test_unknown_command_names_the_closest() -> None:
    with pytest.raises(CommandError, match=r"Unknown command :finding — did you mean :findings\?"):
        parse(":finding", CHOICES)
    with pytest.raises(CommandError, match="did you mean :alarms"):
        parse(":alarm", CHOICES)
    with pytest.raises(CommandError, match=":help lists them"):
        parse(":zzzzqqq", CHOICES)
    with pytest.raises(CommandError, match="Type a command"):
        parse(":  ", CHOICES)


def test_completion_of_names_and_arguments() -> None:
    assert complete(":f", CHOICES) == ["findings"]
    assert complete("re", CHOICES) == ["region ", "review"]
    assert complete(":s", CHOICES) == ["ses "]
    assert complete(":region ", CHOICES) == [
        "region all", "region ap-northeast-1", "region us-east-1"
    ]  # fmt: skip
    assert complete(":ses us", CHOICES) == ["ses us-east-1"]
    assert complete(":db shop", CHOICES) == ["db shop-db-1", "db shop-db-2"]
    assert complete(":window w", CHOICES) == ["window widen"]
    assert complete(":alarms x", CHOICES) == []
    assert complete(":pi", CHOICES) == ["db "]  # an alias completes to its command
    assert common_prefix(complete(":db s", CHOICES)) == "db shop-db-"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz :-", max_size=20))
def test_parse_never_fails_but_with_a_command_error(text: str) -> None:
    try:
        parsed = parse(text, CHOICES)
    except CommandError as exc:
        assert str(exc)
    else:
        assert parsed.command in COMMANDS


@given(st.sampled_from(sorted(BY_NAME)))
def test_every_completion_parses_or_wants_its_argument(word: str) -> None:
    for line in complete(word, CHOICES):
        if line.endswith(" "):
            for full in complete(line, CHOICES):
                assert parse(full, CHOICES).command.name == line.strip()
        else:
            assert parse(line, CHOICES).command.name == line


def test_closest_for_typos() -> None:
    assert closest("findngs") == "findings"
    assert closest("workbnch") == "workbench"
