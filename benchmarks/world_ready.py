"""How fast the demo world is ready, how much memory it holds, how fast its logs answer.

    .venv/bin/python benchmarks/world_ready.py [--runs 3] [--serve "--accounts 3"] [--ready-only]

Prints, asserting nothing:

1. spawn -> ready line of `python -m montui_world serve --port 0 --ready-json` (the 14-day
   backfill included), and the serve process's resident memory once ready;
2. the same process at `--speed 600` (a simulated hour every six seconds): resident memory
   after one simulated hour of live metrics, logs and evaluation;
3. in this process: the scenario's build time (configuration over HTTP, metrics, history
   replay, logs), and `stats count(*) by bin(5m)` over the last day of the scenario's Lambda
   log groups through boto3, StartQuery to Complete, query pacing zero.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import boto3  # noqa: E402

from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY  # noqa: E402
from montui_world.world import World  # noqa: E402

SERVE = [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json"]
REGION = "ap-northeast-1"


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=FAKE_ACCESS_KEY,
        aws_secret_access_key=FAKE_SECRET_KEY,
    )


def spawn(extra: list[str]) -> tuple[subprocess.Popen[str], float, dict[str, Any]]:
    """Start serve; (process, seconds to the ready line, the ready line)."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [*SERVE, *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, time.perf_counter() - began, json.loads(line)


def close(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(10)


def newest_minute(endpoint: str) -> datetime:
    """The newest contact-form Invocations datapoint the world holds."""
    stat = {
        "Metric": {
            "Namespace": "AWS/Lambda",
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "FunctionName", "Value": "hitori-contact-form"}],
        },
        "Period": 60,
        "Stat": "Sum",
    }
    found = client("cloudwatch", endpoint).get_metric_data(
        MetricDataQueries=[{"Id": "i", "MetricStat": stat}],
        StartTime=datetime.now(UTC) - timedelta(days=3),
        EndTime=datetime.now(UTC) + timedelta(minutes=5),
        ScanBy="TimestampDescending",
    )["MetricDataResults"][0]
    stamp: datetime = found["Timestamps"][0]
    return stamp


def ready_figures(runs: int, extra: list[str] | None = None) -> None:
    times, memory = [], []
    for _ in range(runs):
        proc, seconds, _ = spawn(list(extra or []))
        times.append(seconds)
        memory.append(rss_mb(proc.pid))
        close(proc)
    print(
        f"serve --ready-json {' '.join(extra or [])}".rstrip()
        + f", spawn to ready: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s, worst {max(times):.2f} s ({runs} runs)"
    )
    print(f"serve RSS once ready:             median {statistics.median(memory):.0f} MB")


def live_figures() -> None:
    proc, _, ready = spawn(["--speed", "600"])
    try:
        first = newest_minute(ready["endpoint"])
        after_ready = rss_mb(proc.pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and newest_minute(ready["endpoint"]) < first + timedelta(
            hours=1
        ):
            time.sleep(0.5)
        moved = newest_minute(ready["endpoint"]) - first
        print(
            f"serve --speed 600: RSS {after_ready:.0f} MB once ready, {rss_mb(proc.pid):.0f} MB "
            f"after {moved.total_seconds() / 3600:.2f} simulated hours of live data"
        )
    finally:
        close(proc)


def in_process_figures() -> None:
    from montui_world.live import Scenario
    from montui_world.scenario.logs import LOG_GROUPS

    world = World().start()
    try:
        before = rss_mb()
        scenario = Scenario(seed=7)
        summary = scenario.build(world.endpoint)
        print(
            f"in-process build: {summary.seconds:.2f} s ({summary.alarms} alarms, "
            f"{summary.datapoints:,} datapoints, {summary.transitions} replayed transitions, "
            f"{summary.log_events:,} log events), +{rss_mb() - before:.0f} MB RSS"
        )
        logs = client("logs", world.endpoint)
        end = scenario.plan.now
        timings = []
        rows = 0
        for _ in range(3):
            began = time.perf_counter()
            query_id = logs.start_query(
                logGroupNames=list(LOG_GROUPS),
                startTime=int((end - timedelta(days=1)).timestamp()),
                endTime=int(end.timestamp()),
                queryString="stats count(*) by bin(5m)",
            )["queryId"]
            while True:
                answer = logs.get_query_results(queryId=query_id)
                if answer["status"] not in ("Scheduled", "Running"):
                    break
            timings.append(time.perf_counter() - began)
            rows = len(answer["results"])
            matched = answer["statistics"]["recordsMatched"]
        print(
            f"stats count(*) by bin(5m) over a day of {len(LOG_GROUPS)} Lambda log groups "
            f"({matched:,.0f} events, {rows} rows): median {statistics.median(timings):.2f} s, "
            f"best {min(timings):.2f} s"
        )
    finally:
        world.stop()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--serve", default="", help="more serve arguments: '--accounts 3'")
    options.add_argument("--ready-only", action="store_true", help="the ready figures only")
    args = options.parse_args()
    ready_figures(args.runs, args.serve.split())
    if args.ready_only:
        return
    live_figures()
    in_process_figures()


if __name__ == "__main__":
    main()
