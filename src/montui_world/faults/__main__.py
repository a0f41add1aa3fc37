"""Serve a faulty AWS in front of a local world until Ctrl-C:

    python -m montui_world.faults --upstream http://127.0.0.1:PORT [--port N] [--rate 0.3]
        [--faults throttle,500,503,stall,reset] [--service S] [--region R] [--operation O]
        [--seed 1] [--stall-seconds 60]

Start the world first (`montui demo serve`), then point montui at the proxy:
`montui --endpoint-url http://127.0.0.1:N --region ap-northeast-1,us-east-1` with the
world's credentials in the environment. On exit it prints the faults it injected.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from montui_world.faults.plan import TRANSIENT, FaultPlan, Rule, parse_faults
from montui_world.faults.proxy import FaultProxy


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m montui_world.faults",
        description="A loopback proxy in front of the local AWS world that injects faults.",
    )
    parser.add_argument("--upstream", required=True, help="the world's endpoint URL")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--rate", type=float, default=0.3, help="share of faulty calls (0-1)")
    parser.add_argument(
        "--faults",
        type=parse_faults,
        default=TRANSIENT,
        help="which faults, comma-separated: throttle, 500, 503, stall, reset, expired, "
        "denied (default: the transient ones)",
    )
    parser.add_argument("--service", help="only this service (cloudwatch, logs, sts, …)")
    parser.add_argument("--region", help="only this region")
    parser.add_argument("--operation", help="only this operation (DescribeAlarms, …)")
    parser.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    parser.add_argument(
        "--stall-seconds", type=float, default=60.0, help="how long a stall holds a request"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; print what was injected."""
    args = _parser().parse_args(argv)
    rule = Rule(args.rate, args.faults, args.service, args.region, args.operation)
    plan = FaultPlan([rule], seed=args.seed)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with FaultProxy(args.upstream, plan, stall_seconds=args.stall_seconds, port=args.port) as px:
        print(f"fault proxy at {px.endpoint} → {args.upstream} ({rule})", flush=True)
        while not stop.wait(0.5):
            pass
    injected = ", ".join(f"{f.value} {n}" for f, n in plan.injected.most_common()) or "none"
    print(f"requests {sum(plan.requests.values())}, faults injected: {injected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
