"""shop in ap-northeast-1, asynchronous side: queues, tables, functions, the order workflow,
the nightly batch, and alarms on metrics that CloudWatch Logs metric filters publish from the
ECS services' logs (namespace `Shop/Application`)."""

from __future__ import annotations

from montui_world.scenario.shop import KNOW, NEXT_DAY, TOKYO, alarm
from montui_world.scenario.spec import (
    ALARM,
    NO_DATA,
    OK,
    AlarmSpec,
    LogMetricFilter,
    MetricId,
    Response,
    Signal,
    Step,
    lambda_error_rate,
    minutes,
)

APP = "Shop/Application"
_WEBHOOK = (("FunctionName", "shop-payment-webhook"),)
_FULFILMENT = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:shop-order-fulfilment"


def _queue(name: str, max_age: int, response: Response) -> tuple[AlarmSpec, ...]:
    dims = (("QueueName", f"shop-{name}"),)
    dlq = (("QueueName", f"shop-{name}-dlq"),)
    dlq_story = (
        (Step(OK, minutes(days=15), after=ALARM), Step(ALARM, minutes(hours=9, mins=12)))
        if name == "order-events"
        else ()
    )
    return (
        alarm(
            f"shop-sqs-{name}-age",
            f"The oldest message in shop-{name} is {max_age} s old or more for 5 minutes.",
            MetricId("AWS/SQS", "ApproximateAgeOfOldestMessage", dims, "Seconds"),
            f"Maximum >= {max_age} 5/5 1m",
            Signal(ok=(0, max_age // 6), breach=(max_age * 1.1, max_age * 4), integer=True),
            response=response,
        ),
        alarm(
            f"shop-sqs-{name}-dlq",
            f"Messages are waiting in the dead-letter queue shop-{name}-dlq.",
            MetricId("AWS/SQS", "ApproximateNumberOfMessagesVisible", dlq, "Count"),
            "Maximum >= 1 1/1 1m",
            Signal(ok=(0, 0), breach=(3, 17), integer=True),
            response=NEXT_DAY,
            story=dlq_story,
        ),
    )


def _throttles(table: str, kind: str) -> AlarmSpec:
    return alarm(
        f"shop-ddb-{table}-{kind.lower()}-throttles",
        f"DynamoDB throttled {kind.lower()}s on shop-{table} in 3 of 5 minutes.",
        MetricId("AWS/DynamoDB", f"{kind}ThrottleEvents", (("TableName", f"shop-{table}"),)),
        "Sum > 0 3/5 1m",
        Signal(ok=(0, 0), breach=(2, 60), integer=True),
        response=NEXT_DAY,
        missing="notBreaching",
    )


def _function_errors(function: str, response: Response, story: tuple[Step, ...] = ()) -> AlarmSpec:
    return alarm(
        f"shop-lambda-{function}-errors",
        f"shop-{function} failed 5 times or more a minute in 3 of 5 minutes.",
        MetricId("AWS/Lambda", "Errors", (("FunctionName", f"shop-{function}"),), "Count"),
        "Sum >= 5 3/5 1m",
        Signal(ok=(0, 1), breach=(6, 41), integer=True),
        response=response,
        story=story,
        missing="notBreaching",
    )


def _from_logs(name: str, metric: str, description: str, condition: str, breach: int) -> AlarmSpec:
    """An alarm on a metric filter's count; healthy periods count none."""
    return alarm(
        f"shop-log-{name}",
        description,
        MetricId(APP, metric, (), "Count"),
        condition,
        Signal(ok=(0, 0), breach=(breach, breach * 6), integer=True),
        response=KNOW if name == "login-failures" else Response.ACT_NOW,
        missing="notBreaching",
    )


ALARMS: tuple[AlarmSpec, ...] = (
    *_queue("order-events", 600, Response.ACT_NOW),
    *_queue("email-jobs", 1800, NEXT_DAY),
    _throttles("carts", "Read"),
    _throttles("carts", "Write"),
    _throttles("sessions", "Read"),
    _throttles("sessions", "Write"),
    alarm(
        "shop-ddb-inventory-latency-p99",
        "p99 GetItem latency on shop-inventory 50 ms or more in 3 of 5 minutes.",
        MetricId(
            "AWS/DynamoDB",
            "SuccessfulRequestLatency",
            (("TableName", "shop-inventory"), ("Operation", "GetItem")),
            "Milliseconds",
        ),
        "p99 >= 50 3/5 1m",
        Signal(ok=(3.1, 14.0), breach=(55, 240)),
        response=NEXT_DAY,
    ),
    _function_errors("image-resize", KNOW, (Step(OK, minutes(days=6)), Step(ALARM, 40))),
    _function_errors("order-notifier", Response.ACT_NOW),
    _function_errors("stock-sync", NEXT_DAY),
    alarm(
        "shop-lambda-payment-webhook-error-rate",
        "5 % or more of payment webhook invocations failed in 2 of 3 minutes.",
        lambda_error_rate("shop-payment-webhook", (2, 8), "Payment webhook error rate (%)"),
        "Sum >= 5 2/3 1m",
        Signal(ok=(0, 2.5), breach=(8, 40)),
    ),
    alarm(
        "shop-lambda-payment-webhook-duration-p99",
        "p99 duration of shop-payment-webhook 8 s or more (timeout 10 s) in 3 of 5 minutes.",
        MetricId("AWS/Lambda", "Duration", _WEBHOOK, "Milliseconds"),
        "p99 >= 8000 3/5 1m",
        Signal(ok=(240, 1900), breach=(8200, 9990), digits=1),
    ),
    alarm(
        "shop-lambda-stock-sync-iterator-age",
        "shop-stock-sync is 60 s or more behind its DynamoDB stream for 5 minutes.",
        MetricId(
            "AWS/Lambda", "IteratorAge", (("FunctionName", "shop-stock-sync"),), "Milliseconds"
        ),
        "Maximum >= 60000 5/5 1m",
        Signal(ok=(120, 2400), breach=(61000, 400000), integer=True),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-lambda-throttles",
        "Lambda throttled invocations in this account and region.",
        MetricId("AWS/Lambda", "Throttles", (), "Count"),
        "Sum > 0 2/3 1m",
        Signal(ok=(0, 0), breach=(1, 90), integer=True),
        response=NEXT_DAY,
        missing="notBreaching",
    ),
    alarm(
        "shop-lambda-concurrency",
        "800 or more concurrent Lambda executions (account limit 1000).",
        MetricId("AWS/Lambda", "ConcurrentExecutions", (), "Count"),
        "Maximum >= 800 3/3 1m",
        Signal(ok=(4, 95), breach=(820, 1000), integer=True),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-sfn-order-fulfilment-failed",
        "Order fulfilment executions failed.",
        MetricId("AWS/States", "ExecutionsFailed", (("StateMachineArn", _FULFILMENT),), "Count"),
        "Sum >= 1 1/1 5m",
        Signal(ok=(0, 0), breach=(1, 12), integer=True),
        missing="notBreaching",
    ),
    alarm(
        "shop-batch-daily-report-failed",
        "The nightly sales report job reported a failure (it runs at 02:00 JST; the alarm has "
        "no data the rest of the day).",
        MetricId("Shop/Batch", "JobFailed", (("JobName", "daily-sales-report"),), "Count"),
        "Maximum >= 1 1/1 1h",
        Signal(ok=(0, 0), breach=(1, 1), integer=True),
        response=NEXT_DAY,
        story=(Step(OK, minutes(hours=21, mins=10)), Step(NO_DATA, minutes(hours=20, mins=5))),
    ),
    alarm(
        "shop-deploy-in-progress",
        "A deployment is running (the pipeline publishes 1 while it deploys); suppresses "
        "shop-checkout-impaired's actions.",
        MetricId("Shop/Deploy", "DeploymentInProgress", (("Service", "shop-api"),), "None"),
        "Maximum >= 1 1/1 1m",
        Signal(ok=(0, 0), breach=(1, 1), integer=True),
        response=KNOW,
        missing="notBreaching",
    ),
    _from_logs(
        "checkout-errors",
        "CheckoutErrors",
        "Checkout logged 5 or more errors a minute in 2 of 3 minutes.",
        "Sum >= 5 2/3 1m",
        6,
    ),
    _from_logs(
        "payment-gateway-timeouts",
        "PaymentGatewayTimeouts",
        "The payment gateway timed out 3 or more times a minute in 3 of 5 minutes.",
        "Sum >= 3 3/5 1m",
        4,
    ),
    _from_logs(
        "oversell-detected",
        "OversellDetected",
        "The worker sold stock it did not have.",
        "Sum >= 1 1/1 5m",
        1,
    ),
    _from_logs(
        "login-failures",
        "LoginFailures",
        "200 or more failed logins in 5 minutes (credential stuffing?).",
        "Sum >= 200 1/1 5m",
        260,
    ),
    _from_logs(
        "worker-unhandled-exceptions",
        "WorkerUnhandledExceptions",
        "The worker logged an unhandled exception.",
        "Sum >= 1 1/1 1m",
        1,
    ),
)


def _filter(group: str, name: str, pattern: str, metric: str) -> LogMetricFilter:
    return LogMetricFilter(TOKYO, group, name, pattern, MetricId(APP, metric))


LOG_FILTERS: tuple[LogMetricFilter, ...] = (
    _filter(
        "/ecs/shop-api",
        "checkout-errors",
        '{ $.level = "ERROR" && $.component = "checkout" }',
        "CheckoutErrors",
    ),
    _filter(
        "/ecs/shop-api",
        "payment-gateway-timeouts",
        '"PaymentGatewayTimeout"',
        "PaymentGatewayTimeouts",
    ),
    _filter(
        "/ecs/shop-worker",
        "oversell-detected",
        '{ $.event = "oversell_detected" }',
        "OversellDetected",
    ),
    _filter("/ecs/shop-web", "login-failures", '{ $.event = "login_failed" }', "LoginFailures"),
    _filter(
        "/ecs/shop-worker",
        "worker-unhandled-exceptions",
        '"Unhandled exception"',
        "WorkerUnhandledExceptions",
    ),
)
