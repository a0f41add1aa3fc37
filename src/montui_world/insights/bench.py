"""Time the engine on one day of a Lambda log group at about one event per second.

    python -m montui_world.insights.bench [--repeat N]

prints, per query, the best of N wall-clock runs (parse plus run) and the row count. The
log group has an invocation every 5 seconds, each writing START, two runtime lines (about
3% of them ERROR, some with a JSON payload), END and REPORT: 86,400 events in all.
`lambda_day` is also what the tests use for realistic data.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid

from montui_world.insights.engine import run_query
from montui_world.insights.fields import LogEvent
from montui_world.insights.parser import parse_query

__all__ = ["BENCH_QUERIES", "lambda_day", "main"]

DAY_START_MS = 1_795_219_200_000  # 2026-11-21 00:00:00 UTC
DAY_MS = 86_400_000

BENCH_QUERIES = (
    "stats count(*) by bin(5m)",
    "filter @message like /ERROR/ | fields @timestamp, @message | sort @timestamp desc | limit 100",
    'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)',
    "fields @timestamp, @message | sort @timestamp desc | limit 25",
    'filter @type = "REPORT" | stats pct(@duration, 99) as p99, count(*) by bin(1h)'
    " | sort p99 desc",
    "filter level = 'ERROR' | stats count(*) as errors by path | sort errors desc",
)


def _iso(millis: int) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000))
    return f"{seconds}.{millis % 1000:03d}Z"


def lambda_day(
    start_ms: int = DAY_START_MS, invocations: int = 17_280, seed: int = 7
) -> list[LogEvent]:
    """A day of `/aws/lambda/checkout` logs: `invocations` x 5 events, deterministic."""
    rng = random.Random(seed)
    group = "/aws/lambda/checkout"
    events: list[LogEvent] = []
    step = DAY_MS // invocations
    for number in range(invocations):
        begin = start_ms + number * step
        request = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        stream = f"2026/11/21/[$LATEST]{number // 2000:032x}"
        duration = round(rng.lognormvariate(3.0, 0.6), 2)
        failed = rng.random() < 0.03
        level = "ERROR" if failed else "INFO"
        path = rng.choice(("/cart", "/pay", "/ship", "/refund"))
        payload = json.dumps({"level": level, "path": path, "ms": duration, "user": number % 97})
        lines = [
            f"START RequestId: {request} Version: $LATEST\n",
            f"{_iso(begin + 1)}\t{request}\tINFO\thandling {path}\n",
            f"{_iso(begin + 2)}\t{request}\t{level}\t{payload}\n",
            f"END RequestId: {request}\n",
            f"REPORT RequestId: {request}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {int(duration) + 1} ms\tMemory Size: 256 MB\t"
            f"Max Memory Used: {rng.randint(60, 200)} MB\t\n",
        ]
        for offset, message in enumerate(lines):
            moment = begin + offset * 3
            event_id = f"{number:08d}{offset}"
            events.append(LogEvent(moment, message, group, stream, moment + 40, event_id))
    return events


def main(argv: list[str] | None = None) -> None:
    """Print the timing of each benchmark query."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args(argv)
    events = lambda_day()
    print(f"{len(events)} events, best of {args.repeat} runs (parse + run)")
    for text in BENCH_QUERIES:
        best = float("inf")
        rows = 0
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = run_query(
                parse_query(text), events, start_ms=DAY_START_MS, end_ms=DAY_START_MS + DAY_MS
            )
            best = min(best, time.perf_counter() - began)
            rows = len(result.rows)
        print(f"{best * 1000:8.1f} ms  {rows:6d} rows  {text}")


if __name__ == "__main__":
    main()
