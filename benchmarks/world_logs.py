"""Logs Insights through the local world: a day of Lambda logs, queried with boto3.

    .venv/bin/python benchmarks/world_logs.py [--runs 5] [--functions 1]

Starts the world in-process, stores a day of `/aws/lambda/checkout`-style logs per function
(86,400 events each: START, two runtime lines, END and REPORT every 5 seconds, about 3%
ERROR) with the bulk `put_events`, then for each query times StartQuery -> a GetQueryResults
with status Complete, through boto3 over loopback, with the query pacing set to zero. Prints
the time to store, the resident memory the events added, and per query the median and best
wall-clock time, the rows and the GetQueryResults calls it took. Asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import boto3  # noqa: E402

from montui_world.ext import logs as logs_ext  # noqa: E402
from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY  # noqa: E402
from montui_world.insights.bench import DAY_MS, DAY_START_MS, lambda_day  # noqa: E402
from montui_world.world import World  # noqa: E402

REGION = "ap-northeast-1"
QUERIES = (
    "stats count(*) by bin(5m)",
    "filter @message like /ERROR/ | fields @timestamp, @message | sort @timestamp desc | limit 100",
)


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def generate_day(functions: int) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """A day of logs per function, as `(timestamp_ms, message)` lists by (group, stream)."""
    batches: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for number in range(functions):
        group = f"/aws/lambda/checkout-{number}"
        for event in lambda_day(seed=7 + number):
            batches[group, event.log_stream].append((event.timestamp_ms, event.message))
    return batches


def store(batches: dict[tuple[str, str], list[tuple[int, str]]]) -> int:
    """Put every batch with the bulk API; the number of events stored."""
    return sum(logs_ext.put_events(REGION, g, s, events) for (g, s), events in batches.items())


def run_once(client: Any, groups: list[str], text: str) -> tuple[float, int, int]:
    """StartQuery until Complete: (seconds, rows, GetQueryResults calls)."""
    began = time.perf_counter()
    query_id = client.start_query(
        logGroupNames=groups,
        startTime=DAY_START_MS // 1000,
        endTime=(DAY_START_MS + DAY_MS) // 1000,
        queryString=text,
    )["queryId"]
    calls = 0
    while True:
        answer = client.get_query_results(queryId=query_id)
        calls += 1
        if answer["status"] not in ("Scheduled", "Running"):
            break
        time.sleep(0.01)
    return time.perf_counter() - began, len(answer["results"]), calls


def main(argv: list[str] | None = None) -> None:
    """Print the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--functions", type=int, default=1)
    args = options.parse_args(argv)
    world = World().start()
    logs_ext.configure(pacing=logs_ext.INSTANT)
    try:
        before = rss_mb()
        began = time.perf_counter()
        batches = generate_day(args.functions)
        generated_s = time.perf_counter() - began
        began = time.perf_counter()
        total = store(batches)
        stored_s = time.perf_counter() - began
        groups = sorted({group for group, _ in batches})
        del batches
        gc.collect()
        grown = rss_mb() - before
        print(
            f"generated in {generated_s:.2f} s; stored {total} events in {len(groups)} log "
            f"group(s) in {stored_s:.2f} s (put_events); resident memory +{grown:.0f} MB "
            f"with the messages ({grown * 2**20 / total:.0f} B/event)"
        )
        client = boto3.client(
            "logs",
            region_name=REGION,
            endpoint_url=world.endpoint,
            aws_access_key_id=FAKE_ACCESS_KEY,
            aws_secret_access_key=FAKE_SECRET_KEY,
        )
        print(f"StartQuery -> Complete through boto3, pacing zero, {args.runs} runs")
        for text in QUERIES:
            timings = [run_once(client, groups, text) for _ in range(args.runs)]
            seconds = [t for t, _, _ in timings]
            _, rows, calls = timings[-1]
            print(
                f"  median {statistics.median(seconds) * 1000:7.1f} ms  "
                f"best {min(seconds) * 1000:7.1f} ms  {rows:4d} rows  "
                f"{calls} GetQueryResults  {text}"
            )
    finally:
        world.stop()


if __name__ == "__main__":
    main()
