"""Logs Insights query parsing: commands, expressions, column names and error locations."""

from __future__ import annotations

import pytest

from montui_world.insights import MalformedQuery, parse_query
from montui_world.insights.lexer import tokenize
from montui_world.insights.nodes import (
    Binary,
    Call,
    DedupCmd,
    Field,
    FieldsCmd,
    FilterCmd,
    InList,
    LimitCmd,
    Literal,
    Match,
    ParseCmd,
    Period,
    RegexLit,
    SortCmd,
    StatsCmd,
    Unary,
)


def test_every_command_parses() -> None:
    query = parse_query(
        "fields @timestamp, @message"
        " | parse @message 'user=* action=*' as user, action"
        " | filter action = 'login'"
        " | display @timestamp, user"
        " | sort user asc"
        " | dedup user"
        " | limit 5"
    )
    kinds = [type(command) for command in query.commands]
    assert kinds == [FieldsCmd, ParseCmd, FilterCmd, FieldsCmd, SortCmd, DedupCmd, LimitCmd]
    assert not query.has_stats
    assert parse_query("stats count(*) by bin(5m)").has_stats


def test_keywords_and_functions_are_case_insensitive() -> None:
    query = parse_query(
        "FIELDS strlen(@message) AS len | STATS SUM(len) BY bin(5m) | SORT len DESC"
    )
    stats = query.commands[1]
    assert isinstance(stats, StatsCmd)
    call = stats.items[0].expr
    assert isinstance(call, Call) and call.name == "sum" and call.written == "SUM"
    assert [group.name for group in stats.groups] == ["bin(5m)"]


def test_pipes_or_new_lines_separate_commands_and_comments_are_skipped() -> None:
    text = """# errors per path
filter @message like /ERROR/   # only errors
stats count(*) as errors,
      avg(ms) as latency
   by path
| sort errors desc
limit 3"""
    query = parse_query(text)
    assert [type(c) for c in query.commands] == [FilterCmd, StatsCmd, SortCmd, LimitCmd]
    stats = query.commands[1]
    assert isinstance(stats, StatsCmd)
    assert [item.name for item in stats.items] == ["errors", "latency"]
    assert [group.name for group in stats.groups] == ["path"]


def test_default_column_names_are_the_expression_as_written() -> None:
    stats = parse_query("stats count(*), avg(@duration), pct(@duration,  95) by bin(1h), x")
    command = stats.commands[0]
    assert isinstance(command, StatsCmd)
    assert [item.name for item in command.items] == [
        "count(*)",
        "avg(@duration)",
        "pct(@duration, 95)",
    ]
    assert [group.name for group in command.groups] == ["bin(1h)", "x"]
    fields = parse_query("fields `foo-bar`, abs(f3-f4), req.status as s").commands[0]
    assert isinstance(fields, FieldsCmd)
    assert [item.name for item in fields.items] == ["foo-bar", "abs(f3-f4)", "s"]


def test_operator_precedence() -> None:
    condition = parse_query("filter a = 1 or not b > 2 and c + 2 * 3 ^ 2 ^ 1 < 4").commands[0]
    assert isinstance(condition, FilterCmd)
    top = condition.condition
    assert isinstance(top, Binary) and top.op == "or"
    right = top.right
    assert isinstance(right, Binary) and right.op == "and"
    assert isinstance(right.left, Unary) and right.left.op == "not"
    comparison = right.right
    assert isinstance(comparison, Binary) and comparison.op == "<"
    total = comparison.left
    assert isinstance(total, Binary) and total.op == "+"
    product = total.right
    assert isinstance(product, Binary) and product.op == "*"
    power = product.right
    assert isinstance(power, Binary) and power.op == "^"
    assert isinstance(power.right, Binary) and power.right.op == "^"  # right-associative


def test_match_forms() -> None:
    def condition(text: str) -> object:
        command = parse_query(text).commands[0]
        assert isinstance(command, FilterCmd)
        return command.condition

    like = condition("filter @message like /(?i)err/")
    assert isinstance(like, Match) and isinstance(like.pattern, RegexLit) and not like.negated
    assert like.pattern.pattern.search("ERR")
    not_like = condition('filter @message not like "DEBUG"')
    assert isinstance(not_like, Match) and not_like.negated
    assert isinstance(not_like.pattern, Literal)
    regex = condition("filter f1 =~ /^(?i)Exception$/")
    assert isinstance(regex, Match) and isinstance(regex.pattern, RegexLit)
    assert regex.pattern.pattern.search("exception")
    inside = condition("filter status not in [400, 401, '403']")
    assert isinstance(inside, InList) and inside.negated and len(inside.items) == 3


def test_slash_is_division_after_an_operand_and_a_regex_elsewhere() -> None:
    kinds = [token.kind for token in tokenize("stats sum(x)/1024/1024 | filter y like /a\\/b/")]
    assert kinds.count("REGEX") == 1
    stats = parse_query("stats sum(x)/1024/1024 as mb").commands[0]
    assert isinstance(stats, StatsCmd)
    assert isinstance(stats.items[0].expr, Binary)
    parse = parse_query("parse @message /(?<user>\\S+) did/").commands[0]
    assert isinstance(parse, ParseCmd) and parse.names == ("user",)


def test_periods_strings_and_backquotes() -> None:
    text = "fields bin(100ms), datefloor(@timestamp, 1mo), 'it\\'s', \"a\\\"b\", `my field`"
    fields = parse_query(text).commands[0]
    assert isinstance(fields, FieldsCmd)
    first = fields.items[0].expr
    assert isinstance(first, Call) and first.args == (Period(100, "ms", 11, 16),)
    second = fields.items[1].expr
    assert isinstance(second, Call)
    assert isinstance(second.args[1], Period) and second.args[1].unit == "mo"
    assert fields.items[2].expr == Literal("it's", text.index("'it"), text.index("'it") + 7)
    assert isinstance(fields.items[3].expr, Literal) and fields.items[3].expr.value == 'a"b'
    start = text.index("`")
    assert fields.items[4].expr == Field("my field", start, start + 10)


def test_parse_command_forms() -> None:
    glob = parse_query('parse @message "[*] *" as level, text').commands[0]
    assert isinstance(glob, ParseCmd)
    assert glob.source == "@message" and glob.names == ("level", "text")
    implicit = parse_query('parse "id=*" as id').commands[0]
    assert isinstance(implicit, ParseCmd) and implicit.source == "@message"
    regex = parse_query("parse @EventData /(?<a>\\d+)-(\\w+)-(?<b>\\w+)/").commands[0]
    assert isinstance(regex, ParseCmd)
    assert regex.source == "@EventData" and regex.names == ("a", "b") and regex.groups == (1, 3)
    quoted = parse_query("parse `my field` /(?<n>\\d+)/").commands[0]
    assert isinstance(quoted, ParseCmd) and quoted.source == "my field" and quoted.names == ("n",)
    positional = parse_query("parse msg /(\\d+) (\\w+)/ as n, w").commands[0]
    assert isinstance(positional, ParseCmd) and positional.names == ("n", "w")


def test_sort_by_form_from_the_aws_lambda_sample() -> None:
    sort = parse_query("sort by @billedDuration desc, @requestId").commands[0]
    assert isinstance(sort, SortCmd)
    assert [key.descending for key in sort.keys] == [True, True]
    ascending = parse_query("sort x asc").commands[0]
    assert isinstance(ascending, SortCmd) and not ascending.keys[0].descending


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unexpected symbol found <EOF> at line 1 and position 0"),
        ("fields @timestamp |", "unexpected symbol found <EOF> at line 1 and position 19"),
        ("fields @timestamp | | limit 2", "unexpected symbol found | at line 1 and position 20"),
        ("stats count(*) by", "unexpected symbol found <EOF> at line 1 and position 17"),
        ("filter x = ", "unexpected symbol found <EOF> at line 1 and position 11"),
        (
            "fields a\n| filter @message like /x/i",
            "unexpected symbol found i at line 2 and position 26",
        ),
        ("fields a b", "unexpected symbol found b at line 1 and position 9"),
        (
            "fields @timestamp, @message | count()",
            "unexpected symbol found count at line 1 and position 30",
        ),
        (
            "parse @message /(?<ip>\\S+)/ | dedup ip | sort ip",
            "unexpected symbol found sort at line 1 and position 41",
        ),
        ("fields a\n  b", "unexpected symbol found b at line 2 and position 2"),
        (
            "stats count(*) by bin(5m) | sort bin(5m)",
            "unexpected symbol found ( at line 1 and position 36",
        ),
        (
            "stats count(*) | sort count(*) desc",
            "unexpected symbol found ( at line 1 and position 27",
        ),
        ("sort desc", "unexpected symbol found desc at line 1 and position 5"),
        ("filter a ! b", "unexpected symbol found ! at line 1 and position 9"),
        ("stats count(*) by bin(5x)", "unexpected symbol found 5x at line 1 and position 22"),
        ("fields 'abc", "unterminated string literal at line 1 and position 7"),
        ("filter @message like /abc", "unterminated regular expression at line 1 and position 21"),
        ("fields `abc", "unterminated backquoted field name at line 1 and position 7"),
        ("fields nosuch(@message)", "unknown function nosuch at line 1 and position 7"),
        (
            "fields count(*)",
            "aggregate function count is only allowed in stats at line 1 and position 7",
        ),
        (
            "stats sum(avg(x))",
            "aggregate function avg is only allowed in stats at line 1 and position 10",
        ),
        ("fields substr(x)", "wrong number of arguments for substr: 1 at line 1 and position 7"),
        ("limit 0", "limit must be between 1 and 10000, not 0 at line 1 and position 6"),
        ("limit 10001", "limit must be between 1 and 10000, not 10001 at line 1 and position 6"),
        ("limit 2.5", "unexpected symbol found 2.5 at line 1 and position 6"),
        (
            "parse @message 'a=* b=*' as a",
            "parse pattern has 2 '*' but 1 field names after as at line 1 and position 15",
        ),
        (
            "parse @message /\\d+/",
            "parse regex needs named groups (?<name>...) or names after as"
            " at line 1 and position 15",
        ),
        (
            "filter @message like /(unclosed/",
            "invalid regular expression /(unclosed/: missing ), unterminated subpattern"
            " at line 1 and position 21",
        ),
        (
            "unnest items",
            "command unnest is not supported by the local Logs Insights engine"
            " at line 1 and position 0",
        ),
    ],
)
def test_malformed_queries_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(MalformedQuery) as caught:
        parse_query(text)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_error_location_fields() -> None:
    text = "fields @timestamp\n| filter status >= 500\n| stats count(*) by\n| limit 5"
    with pytest.raises(MalformedQuery) as caught:
        parse_query(text)
    error = caught.value
    assert (error.line, error.column) == (4, 0)
    assert text[error.offset] == "|"
    assert error.reason == "unexpected symbol found |"
    assert isinstance(error, ValueError)
