"""Composite alarm rules: AWS's documented examples, syntax errors, evaluation and blame."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from montui.model.alarm import AlarmState
from montui.model.composite_rule import (
    And,
    Const,
    Not,
    Or,
    Rule,
    RuleSyntaxError,
    StateCheck,
    blamed_children,
    children,
    composite_state,
    evaluate,
    normalize,
    parse_rule,
    render,
)

ALARM, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA


def alarm(name: str) -> StateCheck:
    return StateCheck(ALARM, name)


# --- parsing: the examples in the CloudWatch user guide and PutCompositeAlarm reference ---


def test_and_example() -> None:
    rule = parse_rule("ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)")
    assert rule == And((alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh")))


def test_or_example() -> None:
    rule = parse_rule("ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)")
    assert rule == Or((alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh")))


def test_grouped_example() -> None:
    rule = parse_rule(
        "(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)"
    )
    assert rule == And(
        (
            Or((alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh"))),
            StateCheck(OK, "NetworkOutTooHigh"),
        )
    )


def test_not_example() -> None:
    rule = parse_rule("ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)")
    assert rule == And((alarm("CPUUtilizationTooHigh"), Not(alarm("DeploymentInProgress"))))


def test_console_example_quoted_over_several_lines() -> None:
    text = (
        '(ALARM("CPUUtilizationTooHigh") OR \n'
        'ALARM("DiskReadOpsTooHigh")) AND \n'
        'OK("NetworkOutTooHigh")'
    )
    assert parse_rule(text) == parse_rule(
        "(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)"
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('ALARM("cpu-high")', "cpu-high"),
        ("ALARM(cpu-high)", "cpu-high"),
        ('ALARM( "cpu high" )', "cpu high"),
        ("ALARM(  cpu high  )", "cpu high"),
        ('ALARM ("spaced function")', "spaced function"),
        ('ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high")', "cpu-high"),
        ("ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high)", "cpu-high"),
        ('ALARM("arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a:b")', "a:b"),
        ('ALARM("name (with) parens")', "name (with) parens"),
        ('ALARM(say "hi")', 'say "hi"'),
    ],
)
def test_arguments(text: str, name: str) -> None:
    assert parse_rule(text) == alarm(name)


def test_all_functions_and_constants() -> None:
    rule = parse_rule('OK(a) OR INSUFFICIENT_DATA("b") OR TRUE OR FALSE')
    assert rule == Or((StateCheck(OK, "a"), StateCheck(NODATA, "b"), Const(True), Const(False)))


def test_precedence_not_over_and_over_or() -> None:
    a, b, c = alarm("a"), alarm("b"), alarm("c")
    assert parse_rule("ALARM(a) OR ALARM(b) AND ALARM(c)") == Or((a, And((b, c))))
    assert parse_rule("ALARM(a) AND ALARM(b) OR ALARM(c)") == Or((And((a, b)), c))
    assert parse_rule("NOT ALARM(a) AND ALARM(b)") == And((Not(a), b))
    assert parse_rule("NOT (ALARM(a) AND ALARM(b))") == Not(And((a, b)))
    assert parse_rule("NOT NOT ALARM(a)") == Not(Not(a))


def test_chains_flatten() -> None:
    a, b, c = alarm("a"), alarm("b"), alarm("c")
    assert parse_rule("ALARM(a) AND (ALARM(b) AND ALARM(c))") == And((a, b, c))
    assert parse_rule("((ALARM(a)))") == a


# --- syntax errors, with the offset of the problem ---


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty"),
        ("   ", 3, "empty"),
        ("ALARM(a) AND", 12, "end of the rule"),
        ("ALARM(a) ALARM(b)", 9, "expected AND or OR"),
        ("ALARM(a))", 8, "no matching '('"),
        ("(ALARM(a)", 9, "close the '(' at 0"),
        ("ALARM(a", 5, "never closed"),
        ('ALARM("a)', 6, "never closed"),
        ('ALARM("a" b)', 10, "after the quoted alarm name"),
        ("ALARM()", 6, "needs an alarm name"),
        ('ALARM("")', 6, "needs an alarm name"),
        ("ALARM a", 6, "expected '(' after ALARM"),
        ("ALRM(a)", 0, "unknown word 'ALRM'"),
        ("alarm(a)", 0, "upper case: ALARM"),
        ("ALARM(a) and ALARM(b)", 9, "upper case: AND"),
        ("(ALARM(a) or ALARM(b))", 10, "upper case: OR"),
        ("AND ALARM(a)", 0, "before AND"),
        ("NOT", 3, "end of the rule"),
        ("ALARM(a) AND )", 13, "found ')'"),
        ("AT_LEAST(ALARM, 2, a, b)", 0, "AT_LEAST"),
        ("ALARM(a) & ALARM(b)", 9, "found '&'"),
    ],
)
def test_syntax_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert f"at character {position}" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(RuleSyntaxError, match="nests deeper"):
        parse_rule("(" * 1000 + "TRUE" + ")" * 1000)
    with pytest.raises(RuleSyntaxError, match="nests deeper"):
        parse_rule("NOT " * 1000 + "TRUE")


# --- children, evaluation, composite state ---


def test_children_in_order_unique_and_arns_resolved() -> None:
    rule = parse_rule(
        'ALARM(b) OR (OK(a) AND NOT ALARM("arn:aws:cloudwatch:us-east-1:1:alarm:b")) OR TRUE'
    )
    assert children(rule) == ("b", "a")
    assert children(Const(True)) == ()


DOC_RULE = "(ALARM(cpu) OR ALARM(disk)) AND OK(net)"


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ({"cpu": ALARM, "disk": OK, "net": OK}, True),
        ({"cpu": OK, "disk": ALARM, "net": OK}, True),
        ({"cpu": ALARM, "disk": ALARM, "net": ALARM}, False),
        ({"cpu": OK, "disk": OK, "net": OK}, False),
        ({"cpu": ALARM}, False),  # net unknown: INSUFFICIENT_DATA, not OK
    ],
)
def test_evaluate(states: dict[str, AlarmState], expected: bool) -> None:
    rule = parse_rule(DOC_RULE)
    assert evaluate(rule, states) is expected
    assert composite_state(rule, states) is (ALARM if expected else OK)


def test_unknown_child_counts_as_insufficient_data() -> None:
    assert evaluate(parse_rule("INSUFFICIENT_DATA(gone)"), {}) is True
    assert evaluate(parse_rule("NOT ALARM(gone)"), {}) is True
    assert composite_state(parse_rule("ALARM(gone)"), {}) is OK


def test_deployment_window_suppresses() -> None:
    rule = parse_rule("ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)")
    firing = {"CPUUtilizationTooHigh": ALARM, "DeploymentInProgress": OK}
    assert composite_state(rule, firing) is ALARM
    assert composite_state(rule, {**firing, "DeploymentInProgress": ALARM}) is OK


def test_constants_and_empty_operators() -> None:
    assert composite_state(Const(True), {}) is ALARM
    assert composite_state(Const(False), {}) is OK
    assert evaluate(And(()), {}) is True
    assert evaluate(Or(()), {}) is False


# --- blame ---


@pytest.mark.parametrize(
    ("text", "states", "blamed"),
    [
        (DOC_RULE, {"cpu": ALARM, "disk": OK, "net": OK}, ("cpu", "net")),
        (DOC_RULE, {"cpu": ALARM, "disk": ALARM, "net": OK}, ("cpu", "disk", "net")),
        (DOC_RULE, {"cpu": OK, "disk": OK, "net": OK}, ()),
        ("ALARM(a) AND NOT ALARM(b)", {"a": ALARM, "b": OK}, ("a", "b")),
        # NOT over an AND: only the branches that make the AND false are to blame.
        ("NOT (ALARM(a) AND ALARM(b))", {"a": ALARM, "b": OK}, ("b",)),
        # NOT over an OR: every branch must be false, so every one is to blame.
        ("NOT (ALARM(a) OR ALARM(b))", {"a": OK, "b": OK}, ("a", "b")),
        ("NOT NOT ALARM(a)", {"a": ALARM}, ("a",)),
        ("TRUE OR ALARM(a)", {"a": OK}, ()),
        ("TRUE", {}, ()),
        ("ALARM(a) OR ALARM(b) OR ALARM(a)", {"a": ALARM, "b": OK}, ("a",)),
    ],
)
def test_blamed_children(text: str, states: dict[str, AlarmState], blamed: tuple[str, ...]) -> None:
    assert blamed_children(parse_rule(text), states) == blamed


# --- rendering ---


def test_render_canonical() -> None:
    assert render(parse_rule(DOC_RULE)) == '(ALARM("cpu") OR ALARM("disk")) AND OK("net")'
    # AND inside OR is parenthesised too, so the text is unambiguous under any precedence.
    assert render(parse_rule("ALARM(a) OR ALARM(b) AND ALARM(c)")) == (
        'ALARM("a") OR (ALARM("b") AND ALARM("c"))'
    )
    assert render(parse_rule("NOT (ALARM(a) OR TRUE)")) == 'NOT (ALARM("a") OR TRUE)'
    assert render(alarm('say "hi"')) == 'ALARM(say "hi")'
    assert render(And(())) == "TRUE"
    assert render(Or((alarm("a"),))) == 'ALARM("a")'


def test_render_rejects_unwritable_names() -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        render(alarm('a") OR TRUE OR ("'))
    with pytest.raises(ValueError, match="cannot be written"):
        render(alarm(""))


_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
    min_size=1,
    max_size=12,
).filter(lambda n: '"' not in n)
_leaves: st.SearchStrategy[Rule] = st.one_of(
    st.builds(StateCheck, st.sampled_from(list(AlarmState)), _names),
    st.builds(Const, st.booleans()),
)
_rules: st.SearchStrategy[Rule] = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(And, st.lists(inner, min_size=0, max_size=4).map(tuple)),
        st.builds(Or, st.lists(inner, min_size=0, max_size=4).map(tuple)),
    ),
    max_leaves=20,
)


@given(_rules)
def test_render_parse_round_trip(rule: Rule) -> None:
    text = render(rule)
    parsed = parse_rule(text)
    assert parsed == normalize(rule)
    assert render(parsed) == text


@given(_rules, st.dictionaries(_names, st.sampled_from(list(AlarmState)), max_size=6))
def test_normalize_and_round_trip_keep_meaning(rule: Rule, states: dict[str, AlarmState]) -> None:
    assert evaluate(parse_rule(render(rule)), states) == evaluate(rule, states)


@given(_rules, st.dictionaries(_names, st.sampled_from(list(AlarmState)), max_size=6))
def test_blame_is_an_explanation(rule: Rule, states: dict[str, AlarmState]) -> None:
    """Blamed children are referenced, and only when the rule is true; any other child can
    be put in any state without making the rule false as long as the blamed keep theirs."""
    blamed = blamed_children(rule, states)
    assert set(blamed) <= set(children(rule))
    if not evaluate(rule, states):
        assert blamed == ()
        return
    for other_state in AlarmState:
        moved = {name: other_state for name in children(rule) if name not in blamed}
        assert evaluate(rule, {**states, **moved})
