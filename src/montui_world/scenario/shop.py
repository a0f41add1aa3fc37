"""The second application: "shop", an e-commerce site on ECS behind an ALB, with Aurora,
ElastiCache, SQS, DynamoDB, Lambda and Step Functions in ap-northeast-1, and CloudFront,
WAF, Route 53 and ACM (whose metrics live in us-east-1) in front.

This module holds the shared vocabulary, the web and data tiers, and the composite alarms;
`shop_async` the queues, functions and log-metric-filter alarms; `shop_edge` us-east-1.

Its story: quiet, mostly, and one alarm is noise: `shop-aurora-writer-write-iops` (1 of 1
minute at 3000 IOPS) fires every night for two to four minutes while the 02:00 JST order
export runs, and recovers on its own: a stricter M of N (5 of 5) would never fire on it.
The order-events dead-letter queue has held messages since the night batch (ALARM, a
next-business-day ticket); image resizing has been failing for forty minutes (know, no
action); p99 response time spiked an hour and a half ago and recovered;
an Aurora replica lagged this morning. Live: 30 minutes after the start (`moments`),
sessions pile up on the writer behind one inventory UPDATE holding its row lock
(`LOCK_PILEUP`, Lock:transactionid, `scenario.dbload`) for 20 minutes, and
`shop-aurora-writer-dbload-noncpu` fires for it (at `montui --demo`'s 10x: in ALARM about
3.5 real minutes after the world opens, OK again about 2 real minutes later).
Some alarms have no data for reasons an engineer reviewing alarms should question: a
stopped bastion, a decommissioned classic ELB, a daily batch whose hourly alarm is empty
23 hours a day.
"""

from __future__ import annotations

from montui_world.scenario import moments
from montui_world.scenario.hitori import Incident
from montui_world.scenario.spec import (
    ALARM,
    NO_DATA,
    OK,
    AlarmSpec,
    CompositeSpec,
    MetricId,
    Ratio,
    Response,
    Signal,
    Step,
    alarm_spec,
    minutes,
)

TOKYO = "ap-northeast-1"
VIRGINIA = "us-east-1"
TOPICS = "shop-oncall"
RUNBOOK = "https://runbooks.shop.example.com"

ALB = (("LoadBalancer", "app/shop-prod-alb/5f3c1e9a2b7d4c61"),)
CLUSTER = "shop-prod"
AURORA_CLUSTER = "shop-prod-aurora"
"""The Aurora MySQL cluster: its instances log under `/aws/rds/cluster/shop-prod-aurora/`."""
AURORA_WRITER = "shop-prod-aurora-writer"
AURORA_READER = "shop-prod-aurora-reader-1"
WRITER = (("DBInstanceIdentifier", AURORA_WRITER),)
READER = (("DBInstanceIdentifier", AURORA_READER),)
REDIS = (("CacheClusterId", "shop-prod-redis-001"),)
LOCK_PILEUP = Incident(
    alarms=("shop-aurora-writer-dbload-noncpu",),
    starts_after=moments.LOCK_PILEUP.starts_after,
    lasts=moments.LOCK_PILEUP.lasts,
    cause="sessions waiting on Lock:transactionid behind one inventory UPDATE",
)
"""The live lock pile-up on the Aurora writer (its load: `scenario.dbload`)."""
NEXT_DAY = Response.NEXT_DAY
KNOW = Response.KNOW


def alarm(
    name: str,
    description: str,
    metric: MetricId | Ratio,
    condition: str,
    signal: Signal,
    *,
    region: str = TOKYO,
    response: Response = Response.ACT_NOW,
    story: tuple[Step, ...] = (),
    missing: str = "missing",
    nightly: bool = False,
) -> AlarmSpec:
    """A shop alarm (`alarm_spec`); its description ends with its response and runbook."""
    described = f"{description} [{response.value}] Runbook: {RUNBOOK}/{name}"
    return alarm_spec(
        name,
        region,
        described,
        metric,
        condition,
        signal,
        topic_prefix=TOPICS,
        response=response,
        story=story,
        missing=missing,
        nightly=nightly,
    )


def _ecs(service: str) -> tuple[AlarmSpec, ...]:
    dims = (("ClusterName", CLUSTER), ("ServiceName", f"shop-{service}"))
    return (
        alarm(
            f"shop-ecs-{service}-cpu",
            f"shop-{service} tasks average 80 % CPU or more for 15 minutes.",
            MetricId("AWS/ECS", "CPUUtilization", dims, "Percent"),
            "Average >= 80 3/3 5m",
            Signal(ok=(18, 61), breach=(82, 97), digits=1),
            response=NEXT_DAY,
        ),
        alarm(
            f"shop-ecs-{service}-memory",
            f"shop-{service} tasks average 85 % memory or more for 15 minutes.",
            MetricId("AWS/ECS", "MemoryUtilization", dims, "Percent"),
            "Average >= 85 3/3 5m",
            Signal(ok=(41, 70), breach=(86, 98), digits=1),
            response=NEXT_DAY,
        ),
    )


def _running_tasks(service: str, desired: int) -> AlarmSpec:
    dims = (("ClusterName", CLUSTER), ("ServiceName", f"shop-{service}"))
    return alarm(
        f"shop-ecs-{service}-running-tasks",
        f"Fewer than 2 shop-{service} tasks running for 3 minutes (desired {desired}).",
        MetricId("ECS/ContainerInsights", "RunningTaskCount", dims, "Count"),
        "Minimum < 2 3/3 1m",
        Signal(ok=(desired, desired), breach=(0, 1), integer=True),
    )


def _unhealthy_hosts(tier: str, suffix: str) -> AlarmSpec:
    group = (("TargetGroup", f"targetgroup/shop-{tier}-tg/{suffix}"), *ALB)
    return alarm(
        f"shop-alb-unhealthy-{tier}",
        f"At least one unhealthy shop-{tier} target for 3 minutes.",
        MetricId("AWS/ApplicationELB", "UnHealthyHostCount", group, "Count"),
        "Maximum >= 1 3/3 1m",
        Signal(ok=(0, 0), breach=(1, 3), integer=True),
    )


WEB_TIER: tuple[AlarmSpec, ...] = (
    alarm(
        "shop-alb-5xx",
        "The load balancer itself answered 10 or more 5xx in 3 of 5 minutes.",
        MetricId("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ALB, "Count"),
        "Sum >= 10 3/5 1m",
        Signal(ok=(0, 2), breach=(12, 80), integer=True),
        missing="notBreaching",
    ),
    alarm(
        "shop-alb-target-5xx",
        "Targets answered 20 or more 5xx in 3 of 5 minutes.",
        MetricId("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ALB, "Count"),
        "Sum >= 20 3/5 1m",
        Signal(ok=(0, 6), breach=(25, 140), integer=True),
        missing="notBreaching",
    ),
    alarm(
        "shop-alb-target-response-time-p99",
        "p99 target response time 1.5 s or more in 3 of 5 minutes.",
        MetricId("AWS/ApplicationELB", "TargetResponseTime", ALB, "Seconds"),
        "p99 >= 1.5 3/5 1m",
        Signal(ok=(0.21, 0.74), breach=(1.6, 4.2), digits=3),
        story=(Step(OK, minutes(days=12), after=ALARM), Step(ALARM, 95), Step(OK, 25)),
    ),
    _unhealthy_hosts("web", "3a7b9c1d2e4f5a6b"),
    _unhealthy_hosts("api", "8c2d4e6f1a3b5c7d"),
    alarm(
        "shop-alb-rejected-connections",
        "The load balancer rejected connections (at its connection limit).",
        MetricId("AWS/ApplicationELB", "RejectedConnectionCount", ALB, "Count"),
        "Sum > 0 1/1 1m",
        Signal(ok=(0, 0), breach=(1, 40), integer=True),
        response=KNOW,
        missing="notBreaching",
    ),
    *_ecs("web"),
    *_ecs("api"),
    *_ecs("worker"),
    _running_tasks("web", 4),
    _running_tasks("api", 6),
)

DATA_TIER: tuple[AlarmSpec, ...] = (
    alarm(
        "shop-aurora-writer-cpu",
        "Aurora writer CPU 80 % or more for 15 minutes.",
        MetricId("AWS/RDS", "CPUUtilization", WRITER, "Percent"),
        "Average >= 80 3/3 5m",
        Signal(ok=(22, 58), breach=(83, 99), digits=1),
    ),
    alarm(
        "shop-aurora-reader-cpu",
        "Aurora reader CPU 80 % or more for 15 minutes.",
        MetricId("AWS/RDS", "CPUUtilization", READER, "Percent"),
        "Average >= 80 3/3 5m",
        Signal(ok=(12, 47), breach=(83, 99), digits=1),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-aurora-freeable-memory",
        "Aurora writer below 512 MiB freeable memory for 15 minutes.",
        MetricId("AWS/RDS", "FreeableMemory", WRITER, "Bytes"),
        "Minimum < 536870912 3/3 5m",
        Signal(ok=(2.1e9, 3.4e9), breach=(1.2e8, 4.9e8), integer=True),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-aurora-connections",
        "800 or more database connections on the writer for 5 of 5 minutes (max 1000).",
        MetricId("AWS/RDS", "DatabaseConnections", WRITER, "Count"),
        "Maximum >= 800 5/5 1m",
        Signal(ok=(140, 390), breach=(810, 990), integer=True),
    ),
    alarm(
        "shop-aurora-dbload",
        "Database load of 8 or more average active sessions (the writer's vCPUs) for 5 of 5 "
        "minutes: open Performance Insights.",
        MetricId("AWS/RDS", "DBLoad", WRITER, "None"),
        "Average >= 8 5/5 1m",
        Signal(ok=(0.4, 3.1), breach=(8.5, 21.0)),
    ),
    alarm(
        "shop-aurora-writer-dbload-noncpu",
        "8 or more sessions (the writer's vCPUs) waiting on something other than CPU for 3 of "
        "3 minutes: locks or I/O; open Performance Insights.",
        MetricId("AWS/RDS", "DBLoadNonCPU", WRITER, "None"),
        "Average >= 8 3/3 1m",
        Signal(ok=(0.2, 2.2), breach=(12.5, 16.5), digits=2),
    ),
    alarm(
        "shop-aurora-writer-write-iops",
        "Aurora writer write IOPS 3000 or more in a minute (provisioned for 3000 sustained).",
        MetricId("AWS/RDS", "WriteIOPS", WRITER, "Count/Second"),
        "Maximum >= 3000 1/1 1m",
        Signal(ok=(140, 1350), breach=(3150, 5400), digits=1),
        response=NEXT_DAY,
        nightly=True,
    ),
    alarm(
        "shop-aurora-replica-lag",
        "Aurora reader 1000 ms or more behind the writer in 3 of 5 minutes.",
        MetricId("AWS/RDS", "AuroraReplicaLag", READER, "Milliseconds"),
        "Maximum >= 1000 3/5 1m",
        Signal(ok=(8, 40), breach=(1100, 5400), digits=1),
        response=NEXT_DAY,
        story=(
            Step(OK, minutes(days=17)),
            Step(ALARM, minutes(hours=6)),
            Step(OK, minutes(hours=5, mins=31)),
        ),
    ),
    alarm(
        "shop-aurora-deadlocks",
        "Deadlocks on the writer.",
        MetricId("AWS/RDS", "Deadlocks", WRITER, "Count/Second"),
        "Sum > 0 1/1 1m",
        Signal(ok=(0, 0), breach=(0.02, 0.3), digits=3),
        response=KNOW,
        missing="notBreaching",
    ),
    alarm(
        "shop-redis-engine-cpu",
        "Redis engine CPU 75 % or more for 15 minutes (Redis is single-threaded).",
        MetricId("AWS/ElastiCache", "EngineCPUUtilization", REDIS, "Percent"),
        "Average >= 75 3/3 5m",
        Signal(ok=(6, 31), breach=(77, 96), digits=1),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-redis-memory",
        "Redis memory 80 % or more of maxmemory for 15 minutes.",
        MetricId("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", REDIS, "Percent"),
        "Maximum >= 80 3/3 5m",
        Signal(ok=(38, 64), breach=(81, 97), digits=1),
        response=NEXT_DAY,
    ),
    alarm(
        "shop-redis-evictions",
        "Redis evicted 100 or more keys in two consecutive 5-minute periods.",
        MetricId("AWS/ElastiCache", "Evictions", REDIS, "Count"),
        "Sum >= 100 2/2 5m",
        Signal(ok=(0, 0), breach=(140, 900), integer=True),
        response=KNOW,
    ),
    alarm(
        "shop-nat-port-allocation-errors",
        "The NAT gateway could not allocate source ports (too many connections to one host).",
        MetricId(
            "AWS/NATGateway", "ErrorPortAllocation", (("NatGatewayId", "nat-0a1b2c3d4e5f60718"),)
        ),
        "Sum > 0 1/1 5m",
        Signal(ok=(0, 0), breach=(1, 30), integer=True),
        response=NEXT_DAY,
        missing="notBreaching",
    ),
    alarm(
        "shop-bastion-status-check",
        "The bastion host failed its status checks for 2 minutes.",
        MetricId("AWS/EC2", "StatusCheckFailed", (("InstanceId", "i-0f1e2d3c4b5a69788"),), "Count"),
        "Maximum >= 1 2/2 1m",
        Signal(ok=(0, 0), breach=(1, 1), integer=True),
        response=NEXT_DAY,
        story=(Step(OK, minutes(days=29)), Step(NO_DATA, minutes(days=11, hours=4))),
    ),
    alarm(
        "shop-legacy-elb-backend-5xx",
        "Backend 5xx on the classic ELB of the old API (migrated to the ALB).",
        MetricId("AWS/ELB", "HTTPCode_Backend_5XX", (("LoadBalancerName", "shop-legacy-elb"),)),
        "Sum >= 10 2/3 5m",
        Signal(ok=(0, 3), breach=(12, 60), integer=True),
        story=(Step(OK, minutes(days=83)), Step(NO_DATA, minutes(days=34, hours=7))),
    ),
)

COMPOSITES: tuple[CompositeSpec, ...] = (
    CompositeSpec(
        "shop-checkout-impaired",
        TOKYO,
        "Checkout is failing: target 5xx, checkout errors or payment gateway timeouts. "
        "Actions suppressed while shop-deploy-in-progress is in ALARM.",
        "ALARM(shop-alb-target-5xx) OR ALARM(shop-log-checkout-errors)"
        " OR ALARM(shop-log-payment-gateway-timeouts)",
        Response.ACT_NOW,
        TOPICS,
        suppressor="shop-deploy-in-progress",
    ),
    CompositeSpec(
        "shop-database-pressure",
        TOKYO,
        "The Aurora writer is saturated: CPU high and sessions piling up.",
        "ALARM(shop-aurora-writer-cpu) AND "
        "(ALARM(shop-aurora-connections) OR ALARM(shop-aurora-dbload))",
        Response.ACT_NOW,
        TOPICS,
    ),
    CompositeSpec(
        "shop-order-pipeline-stuck",
        TOKYO,
        "Orders are not being fulfilled: order events are ageing or fulfilment fails.",
        "ALARM(shop-sqs-order-events-age) OR ALARM(shop-sfn-order-fulfilment-failed)",
        Response.ACT_NOW,
        TOPICS,
    ),
    CompositeSpec(
        "shop-customer-impact",
        TOKYO,
        "Customers are affected: checkout impaired or orders stuck.",
        "ALARM(shop-checkout-impaired) OR ALARM(shop-order-pipeline-stuck)",
        Response.ACT_NOW,
        TOPICS,
    ),
    CompositeSpec(
        "shop-edge-unhealthy",
        VIRGINIA,
        "The storefront is unreachable at the edge: CloudFront 5xx or the www health check.",
        "ALARM(shop-cloudfront-5xx-rate) OR ALARM(shop-route53-health-www)",
        Response.ACT_NOW,
        TOPICS,
    ),
)
