"""Run the local AWS world until told to stop: `montui demo serve` and `python -m montui_world`.

    montui demo serve [--port N] [--speed X] [--seed S] [--ready-json] [--alarms-per-region N]
        [--accounts N] [--regions N]
    python -m montui_world serve [--port N] [--speed X] [--seed S] [--ready-json]
        [--alarms-per-region N] [--accounts N] [--regions N]

`--accounts N` (default 1): the base account (the scenario below) and N-1 other accounts
(`montui_world.accounts`: `payments`, `data`, `edge`, …), each with the role
`montui-readonly` trusting the base account and a small living scenario of its own
(`scenario.team`). `--regions N` (default 2): the world's regions are the first N of
`accounts.WORLD_REGIONS` (the scenario itself lives in the first two); bulk alarms
(`--alarms-per-region`) go into every account and region.

The world is seeded with the scenario (`montui_world.live`): 14 days of metrics, alarm
history and a day of logs, then it lives: a ticker writes each new minute of metrics and log
lines and evaluates the alarms, on a simulated clock running `--speed` times real time (a
faster world starts in the past, by `live.lead_for(speed)`, and never runs ahead of the wall
clock, see `live.CatchUpClock`). The contact form's incident is under way when the world
opens and lasts about 24 simulated minutes (2.4 real minutes at 10x); the other live moments
follow (`scenario.moments`: a GuardDuty finding, the DB lock pile-up, the SES complaint
spike, about 65 simulated minutes in all), all of it played at `--speed`; the instructions
list them in real time at that speed. Logs Insights queries take realistic time (`DEMO_PACING`).

Ready means ready: the port is bound at once (a busy port fails at once), but until the world
is seeded every request gets HTTP 503 `ServiceUnavailable` (`Retry-After: 1`, which AWS
clients retry), so nobody ever sees a half-seeded world (`montui_world.gate`).

Without `--ready-json` it prints the endpoint and the shell lines that point the AWS CLI and
montui at it, then serves until Ctrl-C (or SIGTERM), exiting 0 without a traceback.

With `--ready-json` (what `montui --demo` runs as a subprocess) stdout carries exactly one
line, once the world is seeded and answering:

    {"endpoint": "http://127.0.0.1:PORT", "access_key": "...", "secret_key": "...",
     "regions": ["ap-northeast-1", "us-east-1"]}

and the world stops by itself when its parent goes away, whichever way that shows first:

- stdin is a pipe and reaches end of file: the parent closed it or died (its end of the pipe
  closes with it, even on SIGKILL). Start the child with `stdin=subprocess.PIPE` and keep the
  pipe open for as long as the world should live. A stdin that is not a pipe or socket (a
  terminal, /dev/null) is not watched.
- the parent process id changes (the child was re-parented to init or a subreaper), checked
  every second: this covers a parent that handed its stdin elsewhere.

Nothing is written to stderr in normal operation: request logging is silenced
(`montui_world.ext.quiet`) and Python warnings are ignored in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import sys
import threading
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from montui_world.accounts import (
    MAX_ACCOUNTS,
    WORLD_REGIONS,
    aws_cli_profiles,
    world_accounts,
    world_regions,
)
from montui_world.bulk import add_bulk_alarms
from montui_world.ext import logs
from montui_world.identity import DEMO_REGIONS, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.live import CatchUpClock, Scenario, Ticker, lead_for
from montui_world.scenario import moments
from montui_world.scenario.team import TeamScenario
from montui_world.world import World

PARENT_POLL_SECONDS = 1.0
TEAM_REGIONS = (DEMO_REGIONS[0], DEMO_REGIONS[1])


def serve(
    port: int = 0,
    *,
    seed: int = 7,
    speed: float = 1.0,
    ready: Callable[[World], None] | None = None,
    stop: threading.Event | None = None,
    alarms_per_region: int = 0,
    accounts: int = 1,
    regions: int = len(DEMO_REGIONS),
) -> None:
    """Start the world on 127.0.0.1:`port`, seed it, open it, call `ready`, and serve (the
    scenario moving at `speed`) until SIGINT, SIGTERM or `stop` is set. `alarms_per_region`:
    that many bulk alarms (`montui_world.bulk`) in every account and region of the world
    (`accounts`, `regions`: see the module docstring), added after the scenario. The port
    is bound first, but until the world is seeded it answers only the seeder (HTTP 503 to
    anyone else, see `montui_world.gate`).
    Signal handlers are installed only when called from the main thread (and restored on
    return)."""
    stop = stop if stop is not None else threading.Event()
    restore = _handle_signals(stop)
    world = World(port=port, gated=True).start()
    pacing = logs.configure(pacing=logs.DEMO_PACING)
    ticker: Ticker | None = None
    try:
        start = datetime.now(UTC) - lead_for(speed)
        scenario = Scenario(seed=seed, now=start)
        scenario.build(world.endpoint, world.seeder_headers)
        for account in world_accounts(accounts)[1:]:
            scenario.add_team(TeamScenario(account, TEAM_REGIONS, seed=seed, now=scenario.now()))
        for account in world_accounts(accounts) if alarms_per_region else ():
            for region in world_regions(regions):
                add_bulk_alarms(account.id, region, alarms_per_region, seed=seed)
        ticker = Ticker(scenario, CatchUpClock(start, speed)).start()
        world.open()  # ready means ready: until now everyone else got HTTP 503 (see `gate`)
        if ready is not None:
            ready(world)
        while not stop.wait(0.25):
            pass
    finally:
        if ticker is not None:
            ticker.stop()
        world.stop()
        logs.restore(pacing)
        restore()


def _handle_signals(stop: threading.Event) -> Callable[[], None]:
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def watch_parent(stop: threading.Event, *, stdin: bool) -> None:
    """Set `stop` when the parent goes away (see the module docstring); daemon threads."""
    parent = os.getppid()

    def poll_parent() -> None:
        while not stop.wait(PARENT_POLL_SECONDS):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=poll_parent, name="montui-demo-parent", daemon=True).start()
    if stdin and _is_pipe(sys.stdin.fileno()):
        threading.Thread(
            target=_wait_for_eof, args=(stop,), name="montui-demo-stdin", daemon=True
        ).start()


def _is_pipe(fd: int) -> bool:
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _wait_for_eof(stop: threading.Event) -> None:
    try:
        while os.read(sys.stdin.fileno(), 65536):
            pass
    except OSError:
        pass
    stop.set()


def ready_line(world: World, accounts: int = 1, regions: int = len(DEMO_REGIONS)) -> str:
    """The one JSON line `--ready-json` prints (`accounts`: base first, its role_arn null)."""
    return json.dumps(
        {
            "endpoint": world.endpoint,
            "access_key": FAKE_ACCESS_KEY,
            "secret_key": FAKE_SECRET_KEY,
            "regions": list(world_regions(regions)),
            "accounts": [a.as_json() for a in world_accounts(accounts)],
        }
    )


def instructions(world: World, seed: int, speed: float = 1.0, accounts: int = 1) -> str:
    """What a person sees: the endpoint and the lines to paste into a shell (and, with
    several accounts, the AWS CLI profiles that reach each)."""
    url = world.endpoint
    regions = ",".join(DEMO_REGIONS)
    return "\n".join(
        [
            f"montui demo world (seed {seed}, speed {speed:g}x) serving at {url}",
            "",
            "Point a shell at it:",
            f"  export AWS_ENDPOINT_URL={url}",
            f"  export AWS_ACCESS_KEY_ID={FAKE_ACCESS_KEY}",
            f"  export AWS_SECRET_ACCESS_KEY={FAKE_SECRET_KEY}",
            f"  export AWS_REGION={DEMO_REGIONS[0]}",
            "",
            "Then:",
            f"  montui --endpoint-url {url} --region {regions}",
            f"  aws --endpoint-url {url} cloudwatch describe-alarms"
            " --alarm-types MetricAlarm CompositeAlarm",
            "",
            *aws_cli_profiles(world_accounts(accounts), url),
            "Live moments (real time after now, act-now in the pane):",
            *(f"  {line}" for line in moments.schedule(speed)),
            "",
            "Ctrl-C stops it.",
        ]
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="montui demo serve",
        description="Serve the local AWS world montui's demo runs against, seeded, on "
        "127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="simulated time per real second (default 1; montui --demo uses 10, so the "
        "scripted incident, under way at the start, recovers after about 2.4 minutes)",
    )
    parser.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    parser.add_argument(
        "--alarms-per-region",
        type=_count,
        default=0,
        metavar="N",
        help="add N per-resource metric alarms (1 in 100 in ALARM) to every region, "
        "after the scenario (default 0)",
    )
    parser.add_argument(
        "--ready-json",
        action="store_true",
        help="print one JSON line when ready, nothing else; stop when the parent goes away",
    )
    parser.add_argument(
        "--accounts",
        type=_bounded("accounts", 1, MAX_ACCOUNTS),
        default=1,
        metavar="N",
        help="N accounts (default 1): the base one, then payments, data, edge, ... each with "
        "a role montui-readonly trusting the base account and alarms, findings and logs of "
        "its own; the ready line lists them (alias, id, role_arn)",
    )
    parser.add_argument(
        "--regions",
        type=_bounded("regions", 1, len(WORLD_REGIONS)),
        default=len(DEMO_REGIONS),
        metavar="N",
        help=f"the first N of {', '.join(WORLD_REGIONS)} (default 2)",
    )
    return parser


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.1 <= value <= 10000:
        raise argparse.ArgumentTypeError("speed must be between 0.1 and 10000")
    return value


def _bounded(what: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be between {low} and {high}")
        return value

    return parse


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("alarms per region must be between 0 and 1000000")
    return value


def main(argv: list[str] | None = None) -> int:
    """`montui demo serve [--port N] [--speed X] [--seed S] [--ready-json]`.

    `argv` is what follows `serve` (`montui.cli` passes that); a leading `serve` is accepted
    too, so `python -m montui_world serve ...` can hand over its arguments unchanged. None
    means `sys.argv[1:]`."""
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["serve"]:
        raw = raw[1:]
    args = _parser().parse_args(raw)
    warnings.simplefilter("ignore")
    stop = threading.Event()

    def announce(world: World) -> None:
        text = (
            ready_line(world, args.accounts, args.regions)
            if args.ready_json
            else instructions(world, args.seed, args.speed, args.accounts)
        )
        try:
            print(text, flush=True)
        except BrokenPipeError:
            stop.set()

    if args.ready_json:
        watch_parent(stop, stdin=True)
    try:
        serve(
            args.port,
            seed=args.seed,
            speed=args.speed,
            ready=announce,
            stop=stop,
            alarms_per_region=args.alarms_per_region,
            accounts=args.accounts,
            regions=args.regions,
        )
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"montui demo: cannot serve on port {args.port}: {error}", file=sys.stderr)
        return 1
    return 0
