"""The local world's CloudWatch metrics: query latency through boto3, and the store's memory.

    .venv/bin/python benchmarks/world_metrics.py [--runs 30]

1. Starts a local AWS world in a child process (as `montui --demo` does), writes 20 series of
   3 hours at one minute with PutMetricData, then times GetMetricData of those 20 series
   (Period 60; Average, p99, and Average plus a SUM(METRICS()) expression) through boto3:
   median and 90th percentile of `--runs` calls, in all and from request sent to response
   received (the world and the wire; the rest is botocore, mostly parsing timestamps).
2. In this process, backfills 80 metrics x 14 days x 1 minute with `STORE.put_series`
   (1.6 M datapoints): the time it took, the bytes its columns hold, the RSS before and
   after; then times a 3-hour GetMetricData of 20 of those metrics.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.utils import parse_timestamp

from montui_world.ext.metrics import STORE
from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.world import World

REGION = "ap-northeast-1"
SUM_QUERY = {"Id": "total", "Expression": "SUM(METRICS())"}


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def queries(namespace: str, count: int, stat: str) -> list[dict[str, Any]]:
    return [
        {
            "Id": f"m{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Function", "Value": f"fn-{i}"}],
                },
                "Period": 60,
                "Stat": stat,
            },
        }
        for i in range(count)
    ]


class Clock:
    """Splits a boto3 call: request sent -> response received (the world and the wire),
    then botocore parsing the response (timestamps through dateutil's tzlocal)."""

    def __init__(self, client: Any) -> None:
        self.sent = self.received = 0.0
        client.meta.events.register("before-send.cloudwatch", self._send)
        client.meta.events.register("before-parse.cloudwatch", self._receive)

    def _send(self, **_: Any) -> None:
        self.sent = time.perf_counter()

    def _receive(self, **_: Any) -> None:
        self.received = time.perf_counter()


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    return f"median {statistics.median(samples):6.1f} ms  p90 {p90:6.1f} ms"


def timed(clock: Clock, call: Any, runs: int) -> str:
    call()  # warm up
    total, world = [], []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        total.append((time.perf_counter() - started) * 1000)
        world.append((clock.received - clock.sent) * 1000)
    return f"boto3 {summary(total)} | world+wire {summary(world)}"


_CHILD = (
    "import sys; from montui_world.world import World; world = World().start(); "
    "print(world.endpoint, flush=True); sys.stdin.read(); world.stop()"
)


def cloudwatch(endpoint: str) -> Any:
    return boto3.client(
        "cloudwatch",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=FAKE_ACCESS_KEY,
        aws_secret_access_key=FAKE_SECRET_KEY,
    )


def measure(client: Any, namespace: str, runs: int, *, write: bool) -> None:
    """Time GetMetricData of 20 series x the last 3 hours (written first if `write`)."""
    clock = Clock(client)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(hours=3)
    if write:
        items = [
            {
                "MetricName": "Latency",
                "Dimensions": [{"Name": "Function", "Value": f"fn-{i}"}],
                "Timestamp": start + timedelta(minutes=m),
                "Value": float((i * 7 + m * 13) % 97),
            }
            for i in range(20)
            for m in range(180)
        ]
        for first in range(0, len(items), 1000):
            client.put_metric_data(Namespace=namespace, MetricData=items[first : first + 1000])

    def fetch(stat: str, extra: list[dict[str, Any]]) -> None:
        found = client.get_metric_data(
            MetricDataQueries=queries(namespace, 20, stat) + extra, StartTime=start, EndTime=now
        )["MetricDataResults"]
        assert sum(len(r["Values"]) for r in found) >= 20 * 179

    for label, stat, extra in (
        ("Average", "Average", []),
        ("p99", "p99", []),
        ("Average + SUM(METRICS())", "Average", [SUM_QUERY]),
    ):
        print(f"  {label:<26}{timed(clock, lambda: fetch(stat, extra), runs)}")  # noqa: B023


def parse_floor() -> str:
    """What botocore alone spends parsing 3,600 response timestamps (dateutil's tzlocal)."""
    stamps = [1_700_000_000 + 60 * m for m in range(180)] * 20
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        for stamp in stamps:
            parse_timestamp(stamp)
        samples.append((time.perf_counter() - began) * 1000)
    return summary(samples)


def backfill() -> None:
    """80 metrics x 14 days x 1 minute through STORE.put_series: time, bytes, RSS."""
    minutes = 14 * 24 * 60
    first_minute = int(time.time()) // 60 * 60 - minutes * 60
    stamps = list(range(first_minute, first_minute + minutes * 60, 60))
    before_rss = rss_mb()
    seconds = 0.0
    written = 0
    for i in range(80):
        values = [float((i * 7 + m * 13) % 97) for m in range(minutes)]
        started = time.perf_counter()
        written += STORE.put_series(
            REGION, "Bench/Backfill", "Latency", {"Function": f"fn-{i}"}, stamps, values
        )
        seconds += time.perf_counter() - started
    del values
    gc.collect()
    columns = sum(
        column.buffer_info()[1] * column.itemsize
        for key, series in STORE.region(REGION).items()
        if key[0] == "Bench/Backfill"
        for column in (series.times, series.values)
    )
    print(f"  {written:,} datapoints written in {seconds:.2f} s (put_series calls only)")
    print(f"  store columns: {columns / 2**20:.1f} MB ({columns / written:.0f} bytes a datapoint)")
    print(f"  process RSS: {before_rss:.0f} MB before, {rss_mb():.0f} MB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    endpoint = child.stdout.readline().strip()
    print("GetMetricData, 20 series x 3 hours at 1 minute, boto3 -> world in its own process:")
    measure(cloudwatch(endpoint), "Bench/Api", args.runs, write=True)
    print(f"  (botocore parsing 3,600 timestamps alone: {parse_floor()})")
    child.stdin.close()
    child.wait(timeout=30)

    world = World().start()
    print("Backfill 80 metrics x 14 days x 1 minute with STORE.put_series (world in-process):")
    backfill()
    print("GetMetricData, 20 of the backfilled series, last 3 hours (world in-process):")
    measure(cloudwatch(world.endpoint), "Bench/Backfill", args.runs, write=False)
    world.stop()


if __name__ == "__main__":
    main()
