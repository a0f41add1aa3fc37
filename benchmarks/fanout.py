"""The fan-out: 10 accounts × 4 regions × 1,000 alarms on montui's board, and what it costs.

    .venv/bin/python benchmarks/fanout.py [--accounts 10] [--regions 4] [--alarms-per-region 1000]
        [--refresh 15] [--size 160x50] [--rounds 3] [--feeds]

1. Starts the world in a child process (`python -m montui_world serve --ready-json --accounts
   N --regions M --alarms-per-region K`): spawn → ready, and its RSS once ready.
2. Writes a montui config with one `[[account]]` per world account (the base one without a
   role, the others with the `role_arn` of the ready line), the world's regions and endpoint.
3. Runs montui's board headless (Textual pilot, `home="board"`, `--size`) in another child
   process, over the real AWS feeds (`ui.app.aws_accounts`), and times start → every
   (account, region) has its ALARM alarms on the board (`first ALARM rows`), and start →
   every alarm of every account and region listed (`complete board`). `--feeds`: the
   board's own poll (`ui.screens.board_poll.BoardPoll`, every (account, region) loop) without
   Textual, to see the fan-out apart from the table's rendering.
4. Counts the requests that reached the world (`GET /montui-world/requests`, by account,
   region and operation) for the start, for one refresh on its own (the poll's next round),
   and for `r` (every place listed again), and compares them with the fewest the APIs allow:
   per (account, region) one DescribeAlarms StateValue=ALARM (ceil(in ALARM/100) pages) and
   ceil(alarms/100) DescribeAlarms pages for the full listing, plus one AssumeRole per role
   account per session.
5. Prints peak RSS (VmHWM) of montui's process and of the world's.

Asserts nothing. Needs montui's `[[account]]` support (`montui.ui.app.aws_accounts`); without
it the world figures are printed and the board part says what is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
LOG = "/montui-world/requests"


# --- the world ---------------------------------------------------------------------------


def peak_mb(pid: int | str) -> float:
    """Peak resident memory (VmHWM) of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_world(args: argparse.Namespace) -> tuple[subprocess.Popen[str], float, dict[str, Any]]:
    command = [
        sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json",
        "--accounts", str(args.accounts), "--regions", str(args.regions),
        "--alarms-per-region", str(args.alarms_per_region), "--speed", "1",
    ]  # fmt: skip
    began = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the world did not start")
    return proc, time.perf_counter() - began, json.loads(line)


def world_log(endpoint: str, reset: bool = False) -> dict[str, Any]:
    request = urllib.request.Request(endpoint + LOG, method="DELETE" if reset else "GET")
    with urllib.request.urlopen(request, timeout=30) as answer:
        found: dict[str, Any] = json.loads(answer.read())
    return found


def config_text(ready: dict[str, Any], refresh: float) -> str:
    lines = [
        f"regions = {json.dumps(ready['regions'])}",
        f'endpoint_url = "{ready["endpoint"]}"',
        f"refresh = {int(refresh)}",
    ]
    for account in ready["accounts"]:
        lines += ["", "[[account]]", f'alias = "{account["alias"]}"']
        if account["role_arn"]:
            lines.append(f'role_arn = "{account["role_arn"]}"')
    return "\n".join(lines) + "\n"


def fewest(log: dict[str, Any], ready: dict[str, Any]) -> tuple[int, int, int]:
    """(ALARM queries, listing pages, AssumeRole) the APIs allow for one full round."""
    ids = {a["id"] for a in ready["accounts"]}
    places = {(a["account"], a["region"]): a for a in log["alarms"]}
    alarm_queries = pages = 0
    for account in ids:
        for region in ready["regions"]:
            found = places.get((account, region), {"metric": 0, "composite": 0, "in_alarm": 0})
            alarm_queries += max(1, math.ceil(found["in_alarm"] / 100))
            pages += max(1, math.ceil((found["metric"] + found["composite"]) / 100))
    roles = sum(1 for a in ready["accounts"] if a["role_arn"])
    return alarm_queries, pages, roles


def sent(log: dict[str, Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entry in log["requests"]:
        operation = re.sub(r"/[0-9a-f]{32}", "/{id}", entry["operation"])
        counts[f"{entry['service']}.{operation}"] += entry["count"]
    return counts


def expected_totals(log: dict[str, Any], ready: dict[str, Any]) -> tuple[int, int]:
    """(every alarm, alarms in ALARM) over the watched accounts and regions."""
    ids = {a["id"] for a in ready["accounts"]}
    watched = [a for a in log["alarms"] if a["account"] in ids and a["region"] in ready["regions"]]
    return (
        sum(a["metric"] + a["composite"] for a in watched),
        sum(a["in_alarm"] for a in watched),
    )


# --- montui (the child process) ----------------------------------------------------------


class Watched:
    """What the child watches: the board's `BoardPoll` statuses, a way to wait a moment and
    a way to ask for everything again (`r`)."""

    def __init__(
        self,
        statuses: Callable[[], list[Any]],
        tick: Callable[[float], Awaitable[Any]],
        again: Callable[[], Awaitable[Any]],
    ) -> None:
        self.statuses, self.tick, self.again = statuses, tick, again


async def watch(watched: Watched, began: float, total: int, firing: int, rounds: int) -> None:
    """Say `first`, `complete`, `refreshed`, `reloaded` on stdout as they happen (times from
    `began`), waiting for a line on stdin after each; then the peak RSS."""

    def say(event: str, **extra: Any) -> None:
        print(json.dumps({"event": event, "at": time.perf_counter() - began, **extra}), flush=True)
        sys.stdin.readline()

    statuses = watched.statuses
    deadline = time.perf_counter() + 600

    def listed() -> tuple[int, int]:
        alarms = [a for s in statuses() for a in s.alarms]
        return len(alarms), sum(1 for a in alarms if a.state.value == "ALARM")

    def fetched() -> list[Any]:
        return [s.fetched_at for s in statuses()]

    def listings() -> list[Any]:
        """When each place was last listed in full (ALARM-first polls: `listed_at`)."""
        return [getattr(s, "listed_at", s.fetched_at) for s in statuses()]

    first_seen = False
    while time.perf_counter() < deadline:
        await watched.tick(0.02)
        count, in_alarm = listed()
        if not first_seen and in_alarm >= firing:
            first_seen = True
            say("first", alarms=count, in_alarm=in_alarm)
        if count >= total and first_seen:
            break
    count, in_alarm = listed()
    failing = [str(getattr(s, "error", "")) for s in statuses() if getattr(s, "error", "")]
    say("complete", alarms=count, in_alarm=in_alarm, failing=failing[:3])
    for _ in range(rounds):  # the next rounds of every place, on their own
        done = fetched()
        while time.perf_counter() < deadline:
            await watched.tick(0.05)
            if all(a != b for a, b in zip(fetched(), done, strict=True)):
                break
    say("refreshed", rounds=rounds)
    marks = listings()
    await watched.again()
    while time.perf_counter() < deadline:
        await watched.tick(0.05)
        if all(a != b for a, b in zip(listings(), marks, strict=True)):
            break
    say("reloaded", alarms=listed()[0])
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"event": "rss", "peak_mb": rss}), flush=True)


async def child(config: str, total: int, firing: int, args: argparse.Namespace) -> None:
    """montui over every account of `config`: the board headless (pilot), or with `--feeds`
    the board's own poll (`BoardPoll`: ALARM first, then the listing, per (account,
    region), under the limiter) without Textual's table."""
    began = time.perf_counter()
    from montui.config import load_settings
    from montui.launch import AwsRequest
    from montui.ui import app as app_module

    if not hasattr(app_module, "aws_accounts"):
        print(json.dumps({"missing": "montui.ui.app.aws_accounts ([[account]] support)"}))
        return
    settings = load_settings(config)
    request = AwsRequest(
        config_regions=settings.regions or None,
        config_endpoint_url=settings.endpoint_url,
        config_profile=settings.profile,
    )
    data = Path(tempfile.mkdtemp(prefix="montui-fanout-"))
    accounts = app_module.aws_accounts(request, settings.accounts, data_dir=data)
    if args.feeds:
        await feeds_child(accounts, settings, began, total, firing, args.rounds)
        return
    from montui.ui.screens.board import BoardScreen

    width, height = (int(n) for n in args.size.split("x"))
    app = app_module.MontuiApp(
        accounts.primary, settings, accounts=accounts, home="board", data_dir=data
    )
    async with app.run_test(size=(width, height)) as pilot:

        def statuses() -> list[Any]:
            board = next((s for s in app.screen_stack if isinstance(s, BoardScreen)), None)
            return list(board.poll.statuses.values()) if board is not None else []

        await watch(
            Watched(statuses, pilot.pause, lambda: pilot.press("r")), began, total, firing,
            args.rounds,
        )  # fmt: skip
        await pilot.press("q")


async def feeds_child(
    accounts: Any, settings: Any, began: float, total: int, firing: int, rounds: int
) -> None:
    from datetime import UTC, datetime

    from montui.ui.screens.board_poll import BoardPoll

    def fatal(message: str) -> None:
        print(json.dumps({"missing": f"montui could not start: {message}"}), flush=True)

    poll = BoardPoll(
        accounts.primary, refresh_every=settings.refresh, clock=lambda: datetime.now(UTC),
        changed=lambda: None, polled=lambda region, alarms: None, fatal=fatal,
        accounts=accounts,
    )  # fmt: skip
    await poll.connect()
    loops = [asyncio.create_task(poll.poll_region(r, alias)) for alias, r in poll.places]

    async def again() -> None:
        poll.wake_all()

    try:
        await watch(
            Watched(lambda: list(poll.statuses.values()), asyncio.sleep, again),
            began, total, firing, rounds,
        )  # fmt: skip
    finally:
        for loop in loops:
            loop.cancel()
        for entry in accounts.entries:
            with contextlib.suppress(Exception):
                await entry.feeds.session.close()


# --- the parent --------------------------------------------------------------------------


def run_board(
    ready: dict[str, Any], args: argparse.Namespace, world: subprocess.Popen[str]
) -> None:
    log = world_log(ready["endpoint"])
    total, firing = expected_totals(log, ready)
    queries, pages, roles = fewest(log, ready)
    places = len(ready["accounts"]) * len(ready["regions"])
    print(
        f"watched: {len(ready['accounts'])} accounts × {len(ready['regions'])} regions = "
        f"{places} places, {total:,} alarms ({firing} in ALARM)"
    )
    print(
        f"fewest requests the APIs allow per full round: {queries} ALARM queries + {pages} "
        f"listing pages = {queries + pages}; + {roles} AssumeRole once per session"
    )
    folder = Path(tempfile.mkdtemp(prefix="fanout-config-"))
    config = folder / "config.toml"
    config.write_text(config_text(ready, args.refresh))
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ready["access_key"],
        "AWS_SECRET_ACCESS_KEY": ready["secret_key"],
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name, None)
    world_log(ready["endpoint"], reset=True)
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(config), "--expect", f"{total},{firing}",
         "--size", args.size, "--rounds", str(args.rounds), *(["--feeds"] if args.feeds else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    for line in child.stdout:
        event = json.loads(line)
        if "missing" in event:
            print(f"board: not measured, this checkout lacks {event['missing']}")
            break
        name = event["event"]
        if name == "rss":
            print(f"peak RSS: montui {event['peak_mb']:.0f} MB, world {peak_mb(world.pid):.0f} MB")
            continue
        log = world_log(ready["endpoint"], reset=True)
        counts = sent(log)
        label = {
            "first": "start → first ALARM rows of every place",
            "complete": "start → complete board (every alarm of every place)",
            "refreshed": f"{args.rounds} refreshes on their own (every place polled again)",
            "reloaded": "r (everything listed again)",
        }[name]
        extra = {k: v for k, v in event.items() if k not in ("event", "at")}
        print(f"{label}: {event['at']:.2f} s {extra}")
        describe = counts.get("monitoring.DescribeAlarms", 0)
        print(
            f"  requests since the previous line: {sum(counts.values())} "
            f"(DescribeAlarms {describe}, AssumeRole {counts.get('sts.AssumeRole', 0)}); "
            f"{dict(sorted(counts.items()))}"
        )
        child.stdin.write("go\n")
        child.stdin.flush()
    child.wait(60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--alarms-per-region", type=int, default=1000)
    parser.add_argument("--refresh", type=float, default=15.0)
    parser.add_argument("--size", default="160x50")
    parser.add_argument("--rounds", type=int, default=3, help="refresh rounds to count")
    parser.add_argument(
        "--feeds", action="store_true", help="the board's poll alone, without Textual's table"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--expect", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        total, firing = (int(n) for n in args.expect.split(","))
        asyncio.run(child(args.child, total, firing, args))
        return 0
    world, seconds, ready = start_world(args)
    try:
        print(
            f"world: serve --accounts {args.accounts} --regions {args.regions} "
            f"--alarms-per-region {args.alarms_per_region}: ready in {seconds:.2f} s, "
            f"RSS {peak_mb(world.pid):.0f} MB peak once ready"
        )
        run_board(ready, args, world)
    finally:
        assert world.stdin is not None
        world.stdin.close()
        world.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
