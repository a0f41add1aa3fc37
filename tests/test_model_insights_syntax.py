"""The Logs Insights tokenizer: tokens() and commands()."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from montui.model.insights_syntax import Token, TokenKind, commands, tokens

K = TokenKind


def kinds(query: str) -> list[tuple[str, TokenKind]]:
    return [(query[t.start : t.end], t.kind) for t in tokens(query)]


def test_a_typical_query() -> None:
    q = "fields @timestamp, @message\n| filter @message like /ERROR/i\n| sort @timestamp desc"
    assert kinds(q) == [
        ("fields", K.COMMAND), ("@timestamp", K.FIELD), (",", K.TEXT), ("@message", K.FIELD),
        ("|", K.PIPE), ("filter", K.COMMAND), ("@message", K.FIELD), ("like", K.KEYWORD),
        ("/ERROR/i", K.REGEX),
        ("|", K.PIPE), ("sort", K.COMMAND), ("@timestamp", K.FIELD), ("desc", K.KEYWORD),
    ]  # fmt: skip


def test_stats_with_functions_and_bin() -> None:
    q = "stats count(*) as n, avg(@duration) by bin(5m)"
    assert kinds(q) == [
        ("stats", K.COMMAND), ("count", K.FUNCTION), ("(", K.TEXT), ("*", K.OPERATOR),
        (")", K.TEXT), ("as", K.KEYWORD), ("n", K.FIELD), (",", K.TEXT), ("avg", K.FUNCTION),
        ("(", K.TEXT), ("@duration", K.FIELD), (")", K.TEXT), ("by", K.KEYWORD),
        ("bin", K.FUNCTION), ("(", K.TEXT), ("5m", K.NUMBER), (")", K.TEXT),
    ]  # fmt: skip


def test_division_is_not_a_regex() -> None:
    q = "stats max(@maxMemoryUsed / 1000 / 1000) as mb"
    got = kinds(q)
    assert ("/", K.OPERATOR) in got
    assert not [k for _, k in got if k is K.REGEX]
    assert ("1000", K.NUMBER) in got


def test_regex_where_an_operand_starts() -> None:
    assert ("/a|b/", K.REGEX) in kinds("filter @message =~ /a|b/")
    assert ("/x\\/y/", K.REGEX) in kinds("filter ispresent(@a) and strcontains(/x\\/y/, 'q')")
    assert ("/[/]+/", K.REGEX) in kinds("filter @m like /[/]+/")
    got = kinds(r"parse @message /(?<user>\S+) did (?<what>.+)/ | display user")
    assert (r"/(?<user>\S+) did (?<what>.+)/", K.REGEX) in got
    assert ("display", K.COMMAND) in got


def test_strings_with_escapes_and_both_quotes() -> None:
    q = r"""filter a = 'it\'s | here' or b = "say \"hi\" | x" """
    got = kinds(q)
    assert (r"'it\'s | here'", K.STRING) in got
    assert (r'"say \"hi\" | x"', K.STRING) in got
    assert not [k for _, k in got if k is K.PIPE]


def test_unterminated_pieces_run_to_the_end_of_the_line() -> None:
    q = "filter a = 'oops | x\n| limit 5"
    got = kinds(q)
    assert ("'oops | x", K.STRING) in got
    assert ("limit", K.COMMAND) in got
    assert ("/abc | d", K.REGEX) in kinds("filter m like /abc | d\n| limit 1")
    assert ("`a.b", K.FIELD) in kinds("fields `a.b\n| limit 1")


def test_comments_and_backquoted_fields() -> None:
    q = "# top | comment\nfields `user.name`, requestParameters.bucketName # why | not\n| limit 3"
    got = kinds(q)
    assert got[0] == ("# top | comment", K.COMMENT)
    assert ("fields", K.COMMAND) in got
    assert ("`user.name`", K.FIELD) in got
    assert ("requestParameters.bucketName", K.FIELD) in got
    assert ("# why | not", K.COMMENT) in got
    assert [k for _, k in got].count(K.PIPE) == 1


def test_commands_are_case_insensitive_and_only_at_command_position() -> None:
    got = kinds("SOURCE logGroups(namePrefix: ['/aws']) | filterIndex region = 'x' | fields filter")
    assert got[0] == ("SOURCE", K.COMMAND)
    assert ("filterIndex", K.COMMAND) in got
    assert got[-1] == ("filter", K.FIELD)


def test_operators_and_keywords() -> None:
    got = kinds("filter status >= 500 and not (path in ['/a', '/b']) or x != 'y'")
    assert (">=", K.OPERATOR) in got
    assert ("!=", K.OPERATOR) in got
    assert ("in", K.KEYWORD) in got
    assert ("not", K.KEYWORD) in got
    assert ("'/a'", K.STRING) in got


def test_commands_split_at_top_level_pipes() -> None:
    q = "fields @m\n| filter @m like 'a|b' # c|d\n| filter @m =~ /x|y/\n| stats count(*)"
    segs = commands(q)
    assert [name for name, _, _ in segs] == ["fields", "filter", "filter", "stats"]
    assert q[segs[1][1] : segs[1][2]] == " filter @m like 'a|b' # c|d\n"
    assert q[segs[3][1] : segs[3][2]] == " stats count(*)"


def test_commands_of_empty_and_odd_segments() -> None:
    assert commands("") == [("", 0, 0)]
    assert [n for n, _, _ in commands("# only a comment\n| | Limit 5 |")] == ["", "", "limit", ""]
    assert commands("filterIndex a = 1")[0][0] == "filterindex"
    assert commands("  42 | x")[0][0] == "42"


@given(st.text(alphabet=st.sampled_from("ab@`'\"/\\|#()=~!<>*,. \n5lkie"), max_size=60))
def test_tokens_are_total_ordered_and_cover_all_but_whitespace(query: str) -> None:
    toks = tokens(query)
    covered = [False] * len(query)
    last_end = 0
    for t in toks:
        assert isinstance(t, Token)
        assert last_end <= t.start < t.end <= len(query)
        last_end = t.end
        for i in range(t.start, t.end):
            covered[i] = True
    assert all(c or query[i].isspace() for i, c in enumerate(covered))
    for t in toks:
        if t.kind in (K.STRING, K.REGEX, K.COMMENT):
            assert "\n" not in query[t.start : t.end]


@given(st.text(max_size=80))
def test_segments_tile_the_query(query: str) -> None:
    segs = commands(query)
    assert "|".join(query[s:e] for _, s, e in segs) == query
    pipes = [t for t in tokens(query) if t.kind is K.PIPE]
    assert len(segs) == len(pipes) + 1


def test_shown_fields_follow_the_last_fields_or_display_command() -> None:
    from montui.model.drilldown import APIGATEWAY_5XX, LAMBDA_ERRORS
    from montui.model.insights_syntax import shown_fields

    assert shown_fields(LAMBDA_ERRORS) == ("@timestamp", "@requestId", "@message")
    assert shown_fields(APIGATEWAY_5XX) == (
        "@timestamp", "status", "responseLatency", "integrationLatency", "@message",
    )  # fmt: skip
    assert shown_fields("fields a, b | display b, `c d`") == ("b", "c d")
    assert shown_fields("fields concat(a, b) as ab, @duration / 1000 as s, x") == ("ab", "s", "x")
    assert shown_fields("fields a | stats count(*) by bin(5m)") == ()
    assert shown_fields("filter x = 'fields a, b'") == ()


def test_result_columns_put_the_named_fields_first_and_the_message_last() -> None:
    from montui.model.insights_syntax import result_columns

    query = "fields @timestamp, @requestId, @message | sort @timestamp desc"
    assert result_columns(query, ("@timestamp", "@message", "@ptr")) == (
        "@timestamp", "@requestId", "@message",
    )  # fmt: skip
    assert result_columns("fields @message, a", ("a", "@message", "b")) == ("a", "b", "@message")
    assert result_columns("stats count(*) by bin(5m)", ("bin(5m)", "count(*)")) == (
        "bin(5m)", "count(*)",
    )  # fmt: skip
