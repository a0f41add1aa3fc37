"""The alarm review's cost: time and requests for 1,000 alarms over 14 days, against the world.

    .venv/bin/python benchmarks/review.py [--alarms 1000] [--noisy 100] [--runs 3]

Starts a local AWS world in a child process (as `montui --demo` does), creates `--alarms`
metric alarms with boto3 (a third with no OK action, one in twenty with actions disabled, one
in ten on a metric that never gets data), writes one datapoint for each live metric, and gives
`--noisy` of them an ALARM episode every night for 14 days (SetAlarmState on the world's clock
moved by hand: 28 state updates each). Then runs the review as `montui review` does
(`feeds.review_run.gather_review` over an `AwsSession`), `--runs` times, counting every request
montui's clients send by operation.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import boto3

from montui.feeds.alarms import AwsAlarms
from montui.feeds.metric_data import AwsMetricData
from montui.feeds.review import AwsStateHistory
from montui.feeds.review_run import gather_review
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.review_report import Review
from montui.sources.session import AwsClients
from montui_world.clock import WORLD_CLOCK
from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.world import World

REGION = "ap-northeast-1"
NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
TOPIC = f"arn:aws:sns:{REGION}:123456789012:oncall"


def set_up(endpoint: str, alarms: int, noisy: int) -> None:
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=endpoint)
    moment = [NOW - timedelta(days=15)]
    WORLD_CLOCK.follow(lambda: moment[0])
    for i in range(alarms):
        extra: dict[str, Any] = {"AlarmActions": [TOPIC]}
        if i % 3:
            extra["OKActions"] = [TOPIC]
        if i % 20 == 0:
            extra["ActionsEnabled"] = False
        cw.put_metric_alarm(
            AlarmName=f"bench-{i:04d}", Namespace="Bench/App",
            MetricName="Dead" if i % 10 == 9 else f"Errors{i}", Statistic="Sum",
            Period=60, EvaluationPeriods=1, Threshold=5.0,
            ComparisonOperator="GreaterThanThreshold", **extra,
        )  # fmt: skip
    live = [f"Errors{i}" for i in range(alarms) if i % 10 != 9]
    for start in range(0, len(live), 1000):
        data = [{"MetricName": m, "Value": 1.0, "Timestamp": NOW - timedelta(hours=1)}
                for m in live[start : start + 1000]]  # fmt: skip
        cw.put_metric_data(Namespace="Bench/App", MetricData=data)
    for day in range(14, 0, -1):
        night = NOW - timedelta(days=day)
        for value, offset in (("ALARM", 0), ("OK", 8)):
            moment[0] = night + timedelta(minutes=offset)
            for i in range(noisy):
                cw.set_alarm_state(AlarmName=f"bench-{i * 7 % alarms:04d}", StateValue=value,
                                   StateReason="bench")  # fmt: skip
    moment[0] = NOW


async def review_once(endpoint: str) -> tuple[Review, Counter[str], float]:
    sent: Counter[str] = Counter()
    original = AwsClients.client

    async def counting(self: AwsClients, service: str, place: Any, **kwargs: Any) -> Any:
        client = await original(self, service, place, **kwargs)
        if not getattr(client, "_bench_counted", False):
            client.meta.events.register_first(
                "before-parameter-build", lambda model, **_: sent.update([model.name])
            )
            client._bench_counted = True
        return client

    AwsClients.client = counting  # type: ignore[method-assign]
    session = AwsSession(AwsRequest(regions=(REGION,), endpoint_url=endpoint))
    try:
        started = time.perf_counter()
        await session.connect()
        review = await gather_review(
            (REGION,), alarms=AwsAlarms(session), history=AwsStateHistory(session),
            metrics=AwsMetricData(session), now=NOW,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        await session.close()
        AwsClients.client = original  # type: ignore[method-assign]
    return review, sent, elapsed


def serve(conn: Connection, alarms: int, noisy: int) -> None:
    """The child: the world, set up, serving until the parent says stop."""
    os.environ.update(AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=FAKE_SECRET_KEY)
    world = World().start()
    try:
        started = time.perf_counter()
        set_up(world.endpoint, alarms, noisy)
        conn.send((world.endpoint, time.perf_counter() - started))
        conn.recv()
    finally:
        WORLD_CLOCK.reset()
        world.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=1000)
    parser.add_argument("--noisy", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=FAKE_SECRET_KEY)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    parent, child = multiprocessing.get_context("spawn").Pipe()
    world = multiprocessing.get_context("spawn").Process(
        target=serve, args=(child, args.alarms, args.noisy)
    )
    world.start()
    try:
        endpoint, took = parent.recv()
        print(f"set-up: {args.alarms} alarms, {args.noisy} noisy x 14 nights ({took:.1f} s)")
        times = []
        for _ in range(args.runs):
            review, sent, elapsed = asyncio.run(review_once(endpoint))
            times.append(elapsed)
        counts = review.counts()
        print(f"review of {review.alarms} alarms over {review.days} days, {args.runs} runs:")
        median = statistics.median(times)
        print(f"  time: median {median:.2f} s (best {min(times):.2f}, worst {max(times):.2f}),"
              " session start included")  # fmt: skip
        print(f"  requests: {dict(sorted(sent.items()))} ({sum(sent.values())} in all)")
        print(f"  state updates read: {review.history_items}; GetMetricData metrics requested:"
              f" {review.metrics_requested} ({review.backtest_metrics} back-test)")  # fmt: skip
        print("  lines: " + ", ".join(f"{n} {c.value}" for c, n in counts.items()))
        for p in review.proposals[:3]:
            print(f"  back-test {p.alarm.name}: {p.summary()} ({p.change})")
    finally:
        parent.send("stop")
        world.join(timeout=30)


if __name__ == "__main__":
    main()
