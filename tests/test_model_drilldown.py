"""The drill-down plan: log groups per kind of alarm, config rules, windows, queries, and the
translation of CloudWatch filter patterns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery, MetricRef
from montui.model.drilldown import (
    APIGATEWAY_5XX,
    DEFAULT_QUERY,
    LAMBDA_ERRORS,
    LAMBDA_REPORT,
    RDS_EVENTS,
    RDS_SLOWEST,
    DrilldownPlan,
    DrilldownRule,
    LogGroupLookup,
    MetricFilterInfo,
    drilldown_window,
    log_group_lookups,
    plan_drilldown,
)
from montui.model.evaluation import Episode
from montui.model.filter_pattern import filter_pattern_to_insights
from montui_world.insights import parse_query

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FIRED = NOW - timedelta(minutes=10)


def metric_alarm(
    namespace: str,
    name: str,
    *dims: tuple[str, str],
    alarm_name: str = "a",
    state: AlarmState = AlarmState.ALARM,
) -> Alarm:
    return Alarm(
        name=alarm_name,
        region="us-east-1",
        kind=AlarmKind.METRIC,
        state=state,
        state_updated=FIRED,
        metric=MetricRef(namespace, name, tuple(dims)),
        period=60,
        evaluation_periods=3,
        state_transitioned=FIRED,
    )


def composite(name: str, rule: str) -> Alarm:
    return Alarm(
        name=name,
        region="us-east-1",
        kind=AlarmKind.COMPOSITE,
        state=AlarmState.ALARM,
        state_updated=FIRED,
        alarm_rule=rule,
    )


def plan(alarm: Alarm, groups: list[str], **kw: object) -> DrilldownPlan:
    args: dict[str, object] = {"episode": None, "rules": (), "metric_filters": ()}
    args.update(kw)
    return plan_drilldown(alarm, now=NOW, existing_groups=groups, **args)  # type: ignore[arg-type]


LAMBDA = metric_alarm("AWS/Lambda", "Errors", ("FunctionName", "contact-form"))


# --- log groups per kind ------------------------------------------------------------------------


def test_lambda() -> None:
    p = plan(LAMBDA, ["/aws/lambda/contact-form", "/aws/lambda/other"])
    assert p.log_groups == ("/aws/lambda/contact-form",)
    assert p.kind == "lambda"
    assert p.query == LAMBDA_ERRORS
    assert p.alternatives == (LAMBDA_REPORT,)
    assert p.problem is None
    assert p.reasons == ("/aws/lambda/contact-form: Lambda function contact-form",)


def test_lambda_group_missing_is_a_problem_and_a_reason() -> None:
    p = plan(LAMBDA, ["/aws/lambda/other"])
    assert p.log_groups == ()
    assert p.problem is not None and "contact-form" in p.problem
    assert p.problem.endswith("pick log groups")
    assert "does not exist" in p.reasons[0]


def test_metric_math_unions_every_metric_stat() -> None:
    alarm = Alarm(
        name="m",
        region="us-east-1",
        kind=AlarmKind.METRIC,
        state=AlarmState.ALARM,
        state_updated=FIRED,
        metrics=(
            MetricQuery("e", expression="a + b", return_data=True),
            MetricQuery("a", metric=MetricRef("AWS/Lambda", "Errors", (("FunctionName", "x"),))),
            MetricQuery("b", metric=MetricRef("AWS/Lambda", "Errors", (("FunctionName", "y"),))),
        ),
    )
    p = plan(alarm, ["/aws/lambda/x", "/aws/lambda/y"])
    assert p.log_groups == ("/aws/lambda/x", "/aws/lambda/y")
    assert p.kind == "lambda"


def test_api_gateway_by_id_and_stage_with_access_logs() -> None:
    alarm = metric_alarm("AWS/ApiGateway", "5xx", ("ApiId", "abc123"), ("Stage", "prod"))
    groups = [
        "API-Gateway-Execution-Logs_abc123/prod",
        "API-Gateway-Execution-Logs_abc123/dev",
        "/aws/apigateway/abc123-access",
        "/aws/lambda/unrelated",
    ]
    p = plan(alarm, groups)
    assert p.log_groups == (
        "API-Gateway-Execution-Logs_abc123/prod",
        "/aws/apigateway/abc123-access",
    )
    assert p.kind == "apigateway"
    assert p.query == APIGATEWAY_5XX
    assert any("access logs?" in r for r in p.reasons)


def test_api_gateway_by_name_uses_the_id_lookup_and_finds_access_logs_by_name() -> None:
    alarm = metric_alarm("AWS/ApiGateway", "5XXError", ("ApiName", "Contact"), ("Stage", "v1"))
    groups = ["API-Gateway-Execution-Logs_q1w2/v1", "contact-access-logs"]
    p = plan(alarm, groups, api_ids={"Contact": "q1w2"})
    assert p.log_groups == ("API-Gateway-Execution-Logs_q1w2/v1", "contact-access-logs")
    p = plan(alarm, groups)  # no id known: only the access logs, and a note saying so
    assert p.log_groups == ("contact-access-logs",)
    assert any("no id known for API Contact" in r for r in p.reasons)


def test_rds_groups_by_prefix() -> None:
    alarm = metric_alarm("AWS/RDS", "CPUUtilization", ("DBInstanceIdentifier", "orders-db"))
    groups = [
        "/aws/rds/instance/orders-db/error",
        "/aws/rds/instance/orders-db/slowquery",
        "/aws/rds/instance/orders-db2/error",
    ]
    p = plan(alarm, groups)
    assert p.log_groups == (
        "/aws/rds/instance/orders-db/error",
        "/aws/rds/instance/orders-db/slowquery",
    )
    assert (p.kind, p.query) == ("rds", RDS_EVENTS)
    assert plan(alarm, []).problem is not None


def test_an_rds_instance_of_a_cluster_takes_the_cluster_groups() -> None:
    alarm = metric_alarm("AWS/RDS", "WriteIOPS", ("DBInstanceIdentifier", "shop-writer"))
    groups = [
        "/aws/rds/cluster/shop/error",
        "/aws/rds/cluster/shop/slowquery",
        "/aws/rds/cluster/shop-2/error",
        "/aws/rds/instance/shop-writer/error",
    ]
    clusters = {"shop-writer": "shop"}
    p = plan(alarm, groups, rds_clusters=clusters)
    assert p.log_groups == ("/aws/rds/cluster/shop/error", "/aws/rds/cluster/shop/slowquery")
    assert (p.kind, p.query, p.alternatives) == ("rds", RDS_EVENTS, (RDS_SLOWEST,))
    assert any("RDS instance shop-writer of cluster shop" in r for r in p.reasons)
    lookups = log_group_lookups(alarm, rules=(), metric_filters=(), rds_clusters=clusters)
    assert lookups == (LogGroupLookup(prefix="/aws/rds/cluster/shop/"),)


def test_log_metric_filter_gives_group_and_filter() -> None:
    alarm = metric_alarm("ContactForm", "ErrorCount")
    filters = [
        MetricFilterInfo("/app/other", "x", "ERROR", "Other", "ErrorCount"),
        MetricFilterInfo(
            "/app/contact", "errors", '{ $.level = "ERROR" }', "ContactForm", "ErrorCount"
        ),
    ]
    p = plan(alarm, ["/app/contact", "/app/other"], metric_filters=filters)
    assert p.log_groups == ("/app/contact",)
    assert p.kind == "metric-filter"
    assert p.query == (
        'fields @timestamp, @message | filter level = "ERROR" | sort @timestamp desc | limit 200'
    )


def test_metric_filter_pattern_not_translated_falls_back_to_the_default_query() -> None:
    alarm = metric_alarm("App", "Hits")
    filters = [MetricFilterInfo("/app", "f", "[ip, user, status=5*]", "App", "Hits")]
    p = plan(alarm, ["/app"], metric_filters=filters)
    assert p.log_groups == ("/app",)
    assert p.query == DEFAULT_QUERY
    assert any("not translated" in r for r in p.reasons)


def test_composite_unions_children_in_alarm_only() -> None:
    kids = {
        "fn-a": metric_alarm("AWS/Lambda", "Errors", ("FunctionName", "a"), alarm_name="fn-a"),
        "fn-b": metric_alarm(
            "AWS/Lambda", "Errors", ("FunctionName", "b"), alarm_name="fn-b", state=AlarmState.OK
        ),
        "db": metric_alarm("AWS/RDS", "CPU", ("DBInstanceIdentifier", "d"), alarm_name="db"),
    }
    parent = composite("site", 'ALARM("fn-a") OR ALARM("fn-b") OR ALARM(db)')
    groups = ["/aws/lambda/a", "/aws/lambda/b", "/aws/rds/instance/d/error"]
    p = plan(parent, groups, children=kids)
    assert p.log_groups == ("/aws/lambda/a", "/aws/rds/instance/d/error")
    assert p.kind == "composite"
    assert p.query == DEFAULT_QUERY
    assert any("child fn-a in ALARM" in r for r in p.reasons)


def test_a_past_episode_follows_the_children_in_alarm_during_it() -> None:
    ok = AlarmState.OK
    kids = {
        "fn-a": metric_alarm("AWS/Lambda", "Errors", ("FunctionName", "a"), alarm_name="fn-a"),
        "fn-b": metric_alarm(
            "AWS/Lambda", "Errors", ("FunctionName", "b"), alarm_name="fn-b", state=ok
        ),
    }
    parent = composite("site", 'ALARM("fn-a") OR ALARM("fn-b")')
    episode = Episode(NOW - timedelta(hours=3), NOW - timedelta(hours=2))
    groups = ["/aws/lambda/a", "/aws/lambda/b"]
    p = plan(parent, groups, children=kids, episode=episode, firing={"fn-b"})
    assert p.log_groups == ("/aws/lambda/b",)  # not fn-a, in ALARM now
    assert any("child fn-b in ALARM during the episode" in r for r in p.reasons)
    lookups = log_group_lookups(parent, rules=(), metric_filters=(), children=kids, firing=())
    assert lookups == ()
    p = plan(parent, groups, children=kids, episode=episode, firing=())
    assert p.problem == (
        "no log group found for composite site: no child in ALARM during the episode"
        " — pick log groups"
    )


def test_composite_with_no_child_in_alarm_is_a_problem() -> None:
    parent = composite("site", 'ALARM("fn-a")')
    p = plan(parent, ["/aws/lambda/a"], children={})
    assert p.log_groups == ()
    assert p.problem == "no log group found for composite site: no child in ALARM — pick log groups"


def test_nested_composite_and_cycles() -> None:
    inner = composite("inner", "ALARM(fn)")
    outer = composite("outer", "ALARM(inner) OR ALARM(outer)")
    fn = metric_alarm("AWS/Lambda", "Errors", ("FunctionName", "f"), alarm_name="fn")
    kids = {"inner": inner, "outer": outer, "fn": fn}
    assert plan(outer, ["/aws/lambda/f"], children=kids).log_groups == ("/aws/lambda/f",)


# --- config rules -------------------------------------------------------------------------------

SQS = metric_alarm(
    "AWS/SQS", "ApproximateAgeOfOldestMessage", ("QueueName", "orders-eu"), alarm_name="orders-age"
)


def test_no_match_sets_the_problem() -> None:
    p = plan(SQS, ["/ecs/orders"])
    assert p.log_groups == ()
    assert p.kind == "default"
    assert p.problem == (
        "no log group found for AWS/SQS ApproximateAgeOfOldestMessage QueueName=orders-eu"
        " — pick log groups"
    )


@pytest.mark.parametrize(
    "rule",
    [
        DrilldownRule(log_groups=("/ecs/orders",), match="orders-*"),
        DrilldownRule(log_groups=("/ecs/orders",), namespace="AWS/SQS"),
        DrilldownRule(log_groups=("/ecs/orders",), dimension=("QueueName", "orders-*")),
        DrilldownRule(log_groups=("/ecs/orders",), match="orders-*", namespace="AWS/*"),
    ],
)
def test_rule_matches_by_name_namespace_dimension(rule: DrilldownRule) -> None:
    p = plan(SQS, ["/ecs/orders", "/ecs/other"], rules=[rule])
    assert p.log_groups == ("/ecs/orders",)
    assert p.kind == "config-rule"
    assert p.problem is None
    assert p.query == DEFAULT_QUERY


@pytest.mark.parametrize(
    "rule",
    [
        DrilldownRule(log_groups=("/ecs/orders",), match="billing-*"),
        DrilldownRule(log_groups=("/ecs/orders",), namespace="AWS/Lambda"),
        DrilldownRule(log_groups=("/ecs/orders",), dimension=("QueueName", "billing")),
        DrilldownRule(log_groups=("/ecs/orders",), dimension=("FunctionName", "*")),
        DrilldownRule(log_groups=("/ecs/orders",), match="orders-*", namespace="AWS/Lambda"),
        DrilldownRule(log_groups=("/ecs/orders",)),
    ],
)
def test_rule_not_matching(rule: DrilldownRule) -> None:
    assert plan(SQS, ["/ecs/orders"], rules=[rule]).problem is not None


def test_rules_extend_or_replace_and_the_first_query_wins() -> None:
    groups = ["/aws/lambda/contact-form", "/app/contact-1", "/app/contact-2", "/app/extra"]
    extend = DrilldownRule(log_groups=("/app/contact*",), match="a", query="fields @message")
    p = plan(LAMBDA, groups, rules=[extend, DrilldownRule(match="*", query="later")])
    assert p.log_groups == ("/aws/lambda/contact-form", "/app/contact-1", "/app/contact-2")
    assert p.query == "fields @message"
    assert p.alternatives == (LAMBDA_ERRORS, LAMBDA_REPORT)
    replace = DrilldownRule(log_groups=("/app/extra", "/app/gone"), match="a", replace=True)
    p = plan(LAMBDA, groups, rules=[replace])
    assert p.log_groups == ("/app/extra",)
    assert p.query == LAMBDA_ERRORS  # the derived kind's template, no rule query
    assert any(r.startswith("/app/gone:") and "does not exist" in r for r in p.reasons)


def test_at_most_fifty_groups() -> None:
    groups = [f"/app/g{i:03}" for i in range(60)]
    p = plan(SQS, groups, rules=[DrilldownRule(log_groups=("/app/*",), namespace="AWS/SQS")])
    assert len(p.log_groups) == 50
    assert "first 50 kept" in p.reasons[-1]


def test_lookups_name_the_describe_log_groups_calls_the_plan_needs() -> None:
    kids = {
        "api": metric_alarm("AWS/ApiGateway", "5xx", ("ApiId", "abc"), ("Stage", "p")),
        "fn": metric_alarm("AWS/Lambda", "Errors", ("FunctionName", "f")),
    }
    parent = composite("site", "ALARM(api) OR ALARM(fn)")
    rule = DrilldownRule(log_groups=("/ecs/site*",), match="site")
    lookups = log_group_lookups(parent, rules=[rule], metric_filters=(), children=kids)
    assert lookups == (
        LogGroupLookup(prefix="API-Gateway-Execution-Logs_abc/p"),
        LogGroupLookup(prefix="/aws/lambda/f"),
        LogGroupLookup(prefix="/ecs/site"),
        LogGroupLookup(pattern="abc"),
    )
    assert log_group_lookups(SQS, rules=(), metric_filters=()) == ()


# --- windows ------------------------------------------------------------------------------------


def test_window_for_the_current_alarm_starts_before_the_first_breach() -> None:
    w = drilldown_window(LAMBDA, now=NOW, episode=None)
    # transition - 3 periods of 60 s (where the first breaching datapoint is) - 15 min
    assert (w.start, w.end) == (FIRED - timedelta(minutes=18), NOW)
    assert plan(LAMBDA, []).window == w


def test_window_for_an_open_and_a_past_episode() -> None:
    start = NOW - timedelta(hours=5)
    w = drilldown_window(LAMBDA, now=NOW, episode=Episode(start, None))
    assert (w.start, w.end) == (start - timedelta(minutes=18), NOW)
    end = start + timedelta(minutes=30)
    w = drilldown_window(LAMBDA, now=NOW, episode=Episode(start, end), lookback=timedelta(hours=1))
    assert (w.start, w.end) == (start - timedelta(minutes=63), end + timedelta(minutes=5))
    recent = Episode(NOW - timedelta(minutes=4), NOW - timedelta(minutes=1))
    assert drilldown_window(LAMBDA, now=NOW, episode=recent).end == NOW


def test_window_for_an_ok_alarm_without_episode_is_the_lookback() -> None:
    ok = metric_alarm("AWS/Lambda", "Errors", state=AlarmState.OK)
    w = drilldown_window(ok, now=NOW, episode=None)
    assert (w.start, w.end) == (NOW - timedelta(minutes=15), NOW)


# --- filter patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", ""),
        ("ERROR", "filter @message like /ERROR/"),
        ('"Task timed out"', "filter @message like /Task timed out/"),
        ("ERROR Exception", "filter @message like /ERROR/ and @message like /Exception/"),
        ("ERROR -Retry", "filter @message like /ERROR/ and not @message like /Retry/"),
        ("?ERROR ?WARN", "filter (@message like /ERROR/ or @message like /WARN/)"),
        ('"a.b/c"', r"filter @message like /a\.b\/c/"),
        ('{ $.level = "ERROR" }', 'filter level = "ERROR"'),
        ('{$.level="ERROR"}', 'filter level = "ERROR"'),
        (
            '{ $.status >= 500 && $.path != "/health" }',
            'filter status >= 500 and path != "/health"',
        ),
        ("{ ($.a.b = 1) || ($.c < 2.5) }", "filter a.b = 1 or c < 2.5"),
        ('{ $.level = "ERR*" }', None),
        ("{ $.level IS NULL }", None),
        ("{ $.level = }", None),
        ("[ip, user, status=5*]", None),
        ("%ERROR [0-9]+%", None),
    ],
)
def test_filter_pattern_translation(pattern: str, expected: str | None) -> None:
    assert filter_pattern_to_insights(pattern) == expected


@pytest.mark.parametrize(
    "query",
    [
        LAMBDA_ERRORS,
        LAMBDA_REPORT,
        APIGATEWAY_5XX,
        RDS_EVENTS,
        RDS_SLOWEST,
        DEFAULT_QUERY,
        'fields @message | filter level = "ERROR" and status >= 500',
        "fields @message | filter (@message like /ERROR/ or @message like /WARN/)",
        r"fields @message | filter @message like /a\.b\/c/ and not @message like /x/",
    ],
)
def test_templates_and_translations_are_valid_insights(query: str) -> None:
    parse_query(query)  # the local world's parser: raises MalformedQuery
