"""The worked example of MONITORING.md: the "hitori-infra" contact-form site.

A static page on S3 + CloudFront; the form POSTs to API Gateway → Lambda → SES. Every row of
the design table is an alarm here, with M/N as DatapointsToAlarm/EvaluationPeriods and the
interval as the Period. The article leaves the N values out; the demo picks these:

| alarm | metric | threshold | M/N |
|---|---|---|---|
| hitori-web-health-status | Route 53 check of /health.html: HealthCheckStatus (Min) | < 1 | 3/3 |
| hitori-web-health-latency | the same check's TimeToFirstByte (Average) | ≥ 1000 ms | 3/3 |
| hitori-cloudfront-requests | CloudFront Requests (Sum), EDoS | ≥ 3000 per minute | 1/1 |
| hitori-api-5xx | API Gateway 5XXError (Sum) | ≥ 1 per minute | 3/3 |
| hitori-api-latency | API Gateway Latency (Average) | ≥ 2000 ms | 3/3 |
| hitori-api-requests | API Gateway Count (Sum), EDoS | ≥ 300 per minute | 1/1 |
| hitori-lambda-memory | Lambda Insights memory_utilization (Max), not deployed | ≥ 90 % | 3/5 |
| hitori-lambda-error-rate | metric math 100*(Errors/Invocations) | ≥ 10 % | 1/1 |
| hitori-lambda-duration-p95 | Lambda Duration (p95) | ≥ 5000 ms (designed: 3000) | 3/5 |
| hitori-ses-bounce-rate | SES Reputation.BounceRate (Average) | ≥ 0.05 (5 %) | 1/1 |
| hitori-ses-complaint-rate | SES Reputation.ComplaintRate (Average) | ≥ 0.001 (0.1 %) | 1/1 |

All at 60 s. The monitoring design document `config/design/hitori.toml` is this table as a
file, and the world deploys it with two deliberate differences, so that `montui design check`
has something true to say: `hitori-lambda-memory` is designed but not deployed
(`NOT_DEPLOYED`: Lambda Insights was never enabled), and `hitori-lambda-duration-p95`
drifted: someone raised its threshold from the designed 3000 ms to 5000 ms in the console
after a noisy week (`DRIFTED`); its description still says 3000.

Why these numbers: the site sees a few dozen page views and a handful of form
posts a minute, plus Route 53's checkers hitting /health every 30 s from several regions
(about 16 requests a minute), so 3000 CloudFront requests or 300 API requests in a minute
is an attack on the bill, not customers. Lambda's timeout is 23 s (about 80 % of API
Gateway's 29 s); its p95 is normally under a second, so 3 s is "slower", not "broken". Memory
is sized for 60-70 % average use, so 90 % is a capacity warning. CloudFront and Route 53
publish their metrics in us-east-1 only, so those alarms live there; the rest (and SES) are
in ap-northeast-1.

The story is live (`INCIDENT`): two simulated minutes before the world starts, SES starts
throttling SendEmail ("Maximum sending rate exceeded"), the form handler fails on every mail
it cannot send, API Gateway answers 502 for those posts: the error rate alarm fires at the
first evaluation (1/1) and the composite `hitori-contact-form-down` (error rate OR 5xx) with
it, so both are in ALARM when the world opens; API Gateway's 5xx alarm follows at the first
minute boundary after the start (3/3 minutes). 25 minutes after it began (about 23 after the
start) SES accepts mail again and everything returns to OK a minute later. At `montui
--demo`'s 10x that is about 2.4 real minutes in ALARM (`moments.CONTACT_FORM`,
`montui_world.live.lead_for`).
`/aws/lambda/hitori-contact-form` carries the failed invocations' ERROR lines, with request
ids and a stack trace, at exactly those minutes. `hitori-web-health-latency` has never
fired in its 14 days of history. The two SES alarms watch rates computed from the mail SES
counted (`scenario.ses`): the bounce rate creeps toward 5 % without reaching it (a bad
mailing-list import), the complaint rate crossed 0.1 % for about a day five days ago, and
crosses it again live when the newsletter goes out to that list (`moments.NEWSLETTER`).

The REST API `hitori-contact-api` (stage `prod`) has the fixed id `API_ID`, so its execution
log group is `API-Gateway-Execution-Logs_k7q2x9hitori/prod`; `SAVED_QUERIES` are the team's
saved Logs Insights queries (query definitions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from montui_world.scenario import moments
from montui_world.scenario.spec import (
    ALARM,
    NO_DATA,
    OK,
    AlarmSpec,
    CompositeSpec,
    MetricId,
    Response,
    Signal,
    Step,
    alarm_spec,
    lambda_error_rate,
    minutes,
)

TOKYO = "ap-northeast-1"
VIRGINIA = "us-east-1"
TOPICS = "hitori-infra"
RUNBOOK = "https://wiki.hitori-infra.example.jp/runbooks"

_WEB_CHECK = (("HealthCheckId", "5f0c3a7e-2b1d-4c8e-9a6f-1d2e3f4a5b6c"),)
_DISTRIBUTION = (("DistributionId", "E2HITORI7EXAMPLE"), ("Region", "Global"))
_API = (("ApiName", "hitori-contact-api"), ("Stage", "prod"))
_FUNCTION = (("FunctionName", "hitori-contact-form"),)

FUNCTION_NAME = "hitori-contact-form"
API_NAME = "hitori-contact-api"
NEVER_FIRED = "hitori-web-health-latency"
DRIFTED = "hitori-lambda-duration-p95"
"""Deployed with a threshold of 5000 ms where the design says 3000 (see the docstring)."""


@dataclass(frozen=True, slots=True)
class Incident:
    """A scripted stretch in which the named alarms' metrics breach: it starts `starts_after`
    the world's start (rounded down to the minute; negative: it began before the start, so
    the backfill holds its first minutes) and lasts `lasts`."""

    alarms: tuple[str, ...]
    starts_after: timedelta
    lasts: timedelta
    cause: str


INCIDENT = Incident(
    alarms=("hitori-lambda-error-rate", "hitori-api-5xx"),
    starts_after=moments.CONTACT_FORM.starts_after,
    lasts=moments.CONTACT_FORM.lasts,
    cause="SES throttling: Maximum sending rate exceeded",
)


_alarm = partial(alarm_spec, topic_prefix=TOPICS)
"""A hitori alarm; its condition reads like the table above: `Minimum < 1 3/3 1m`."""


ALARMS: tuple[AlarmSpec, ...] = (
    _alarm(
        "hitori-web-health-status",
        VIRGINIA,
        "Flow 1 browser → CloudFront+S3: /health.html did not answer 200 for 3 of 3 minutes "
        f"(AWS-side trouble). Act now. Runbook: {RUNBOOK}/web-health",
        MetricId("AWS/Route53", "HealthCheckStatus", _WEB_CHECK),
        "Minimum < 1 3/3 1m",
        Signal(ok=(1, 1), breach=(0, 0), integer=True),
        missing="breaching",
    ),
    _alarm(
        "hitori-web-health-latency",
        VIRGINIA,
        "Flow 1: /health.html took 1000 ms or more to first byte for 3 of 3 minutes. "
        f"Act now. Runbook: {RUNBOOK}/web-health",
        MetricId("AWS/Route53", "TimeToFirstByte", _WEB_CHECK, "Milliseconds"),
        "Average >= 1000 3/3 1m",
        Signal(ok=(85, 340), breach=(1200, 2600), digits=1),
        story=(Step(OK, minutes(days=40), after=NO_DATA),),
    ),
    _alarm(
        "hitori-cloudfront-requests",
        VIRGINIA,
        "Flow 1 EDoS: 3000 or more CloudFront requests in one minute (normal: under 100). "
        f"Act now: check WAF and the bill. Runbook: {RUNBOOK}/edos",
        MetricId("AWS/CloudFront", "Requests", _DISTRIBUTION, "None"),
        "Sum >= 3000 1/1 1m",
        Signal(ok=(12, 95), breach=(3200, 9000), integer=True),
        missing="notBreaching",
    ),
    _alarm(
        "hitori-api-5xx",
        TOKYO,
        "Flow 2 browser → API Gateway: 5xx answers in 3 of 3 minutes. Act now. "
        f"Runbook: {RUNBOOK}/contact-form-down",
        MetricId("AWS/ApiGateway", "5XXError", _API, "Count"),
        "Sum >= 1 3/3 1m",
        Signal(ok=(0, 0), breach=(1, 6), integer=True),
        story=(Step(OK, minutes(days=23), after=ALARM),),
        missing="notBreaching",
    ),
    _alarm(
        "hitori-api-latency",
        TOKYO,
        "Flow 2: API Gateway latency 2000 ms or more for 3 of 3 minutes. Act now. "
        f"Runbook: {RUNBOOK}/contact-form-slow",
        MetricId("AWS/ApiGateway", "Latency", _API, "Milliseconds"),
        "Average >= 2000 3/3 1m",
        Signal(ok=(140, 620), breach=(2100, 5200), digits=1),
    ),
    _alarm(
        "hitori-api-requests",
        TOKYO,
        "Flow 2 EDoS: 300 or more API requests in one minute (normal: about 20, most of them "
        f"health checks). Act now. Runbook: {RUNBOOK}/edos",
        MetricId("AWS/ApiGateway", "Count", _API, "Count"),
        "Sum >= 300 1/1 1m",
        Signal(ok=(14, 31), breach=(320, 2400), integer=True),
    ),
    _alarm(
        "hitori-lambda-error-rate",
        TOKYO,
        "Flow 3 code defect: 10 % or more of hitori-contact-form invocations failed in one "
        f"minute. Act now: read its failures in the logs. Runbook: {RUNBOOK}/contact-form-down",
        lambda_error_rate(FUNCTION_NAME, (1, 5), "Error rate (%)"),
        "Sum >= 10 1/1 1m",
        Signal(ok=(0, 9), breach=(40, 90)),
        story=(Step(OK, minutes(days=23), after=ALARM),),
    ),
    _alarm(
        "hitori-lambda-duration-p95",
        TOKYO,
        "Flow 3 slower responses: hitori-contact-form p95 duration 3000 ms or more in 3 of 5 "
        f"minutes (timeout 23 s). Next business day. Runbook: {RUNBOOK}/contact-form-slow",
        MetricId("AWS/Lambda", "Duration", _FUNCTION, "Milliseconds"),
        "p95 >= 5000 3/5 1m",  # DRIFTED: the design says 3000
        Signal(ok=(380, 960), breach=(5100, 9800), digits=1),
        response=Response.NEXT_DAY,
    ),
    _alarm(
        "hitori-ses-bounce-rate",
        TOKYO,
        "Flow 5: SES bounce rate 5 % or more (AWS reviews the account at 5 %, may pause "
        f"sending at 10 %). Act now. Runbook: {RUNBOOK}/ses-reputation",
        MetricId("AWS/SES", "Reputation.BounceRate"),
        "Average >= 0.05 1/1 1m",
        Signal(ok=(0.004, 0.013), breach=(0.051, 0.09), digits=4),
        story=(Step(OK, minutes(days=40), after=NO_DATA),),  # data: `scenario.ses`
    ),
    _alarm(
        "hitori-ses-complaint-rate",
        TOKYO,
        "Flow 5: SES complaint rate 0.1 % or more (AWS reviews the account at 0.1 %, may "
        f"pause sending at 0.5 %). Act now. Runbook: {RUNBOOK}/ses-reputation",
        MetricId("AWS/SES", "Reputation.ComplaintRate"),
        "Average >= 0.001 1/1 1m",
        Signal(ok=(0.0, 0.0004), breach=(0.0012, 0.004), digits=5),
        story=(Step(OK, minutes(days=40), after=NO_DATA),),  # data: `scenario.ses`
    ),
)

NOT_DEPLOYED: tuple[AlarmSpec, ...] = (
    _alarm(
        "hitori-lambda-memory",
        TOKYO,
        "Flow 3 capacity: hitori-contact-form used 90 % or more of its memory in 3 of 5 "
        f"minutes (sized for 60-70 %). Next business day. Runbook: {RUNBOOK}/lambda-memory",
        MetricId(
            "LambdaInsights",
            "memory_utilization",
            (("function_name", "hitori-contact-form"),),
            "Percent",
        ),
        "Maximum >= 90 3/5 1m",
        Signal(ok=(54, 73), breach=(91, 99), digits=1),
        response=Response.NEXT_DAY,
    ),
)
"""Designed (config/design/hitori.toml) but never deployed: Lambda Insights, which publishes
memory_utilization, was never enabled on the function. The world seeds neither the alarm nor
its metric; `montui design check` reports it missing."""

COMPOSITES: tuple[CompositeSpec, ...] = (
    CompositeSpec(
        "hitori-contact-form-down",
        TOKYO,
        "Customers cannot send the contact form: Lambda errors or API Gateway 5xx. Act now: "
        f"pages the on-call engineer. Runbook: {RUNBOOK}/contact-form-down",
        'ALARM("hitori-lambda-error-rate") OR ALARM("hitori-api-5xx")',
        Response.ACT_NOW,
        TOPICS,
    ),
    CompositeSpec(
        "hitori-contact-form-slow",
        TOKYO,
        "The form works but slowly (p95 duration or API latency), and is not already down. "
        f"Next business day. Runbook: {RUNBOOK}/contact-form-slow",
        "(ALARM(hitori-lambda-duration-p95) OR ALARM(hitori-api-latency))"
        " AND NOT ALARM(hitori-contact-form-down)",
        Response.NEXT_DAY,
        TOPICS,
    ),
)


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A Logs Insights query saved in the account (PutQueryDefinition), in Tokyo."""

    name: str
    query: str
    log_groups: tuple[str, ...]


API_ID = "k7q2x9hitori"
"""The REST API's id: fixed, so its execution log group has a stable name."""
API_STAGE = "prod"

SAVED_QUERIES: tuple[SavedQuery, ...] = (
    SavedQuery(
        "hitori/errors by request",
        "fields @timestamp, function_request_id, exception_name, message\n"
        '| filter level = "ERROR"\n'
        "| sort @timestamp desc\n"
        "| limit 100",
        (f"/aws/lambda/{FUNCTION_NAME}",),
    ),
    SavedQuery(
        "hitori/slow invocations (REPORT)",
        'filter @type = "REPORT" and @duration > 1000\n'
        "| fields @timestamp, @requestId, @duration, @maxMemoryUsed / 1000 / 1000 as max_mem_mb\n"
        "| sort @duration desc\n"
        "| limit 50",
        (f"/aws/lambda/{FUNCTION_NAME}",),
    ),
    SavedQuery(
        "api 5xx by minute",
        "filter status >= 500\n| stats count(*) as errors by bin(1m)",
        (f"/aws/apigateway/{API_NAME}/access",),
    ),
)
