"""Bytes montui writes to the terminal per minute while idle (what SSH carries).

    .venv/bin/python benchmarks/idle_bytes.py [--seconds 60] [--screen both|triage|board|detail]

Starts the demo world (`--speed`, default 1: the incident under way), runs the real
`montui` in an 80x24 pseudo-terminal, waits `--settle` seconds, and counts the
bytes written during `--seconds` of idling on each screen asked for: the triage screen (the
home, no key pressed; measured once every source has answered) and the alarm board (`b`,
measured once an ALARM row shows); `--screen detail`: the first ALARM alarm's detail (`b`,
then enter), over the board that keeps polling under it. A poll every `--refresh` seconds
repaints only what changed; the ages shown tick at their own step.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

from benchmarks.startup import start_world, world_env  # noqa: E402


def idle(term: Terminal, name: str, seconds: float, refresh: str) -> None:
    """Count the bytes written in the next `seconds`, and print them per minute; say when
    the demo's story moved meanwhile (an act-now notice: an alarm fired, a finding came)."""
    start_bytes, start = term.bytes_read, time.perf_counter()
    notices = 0
    shown = "Act now" in term.text()  # one still shown from before is not counted
    while (left := seconds - (time.perf_counter() - start)) > 0:
        term.pump(min(1.0, left))
        now_shown = "Act now" in term.text()
        notices += now_shown and not shown
        shown = now_shown
    written = term.bytes_read - start_bytes
    elapsed = time.perf_counter() - start
    moved = f", {notices} act-now notice(s) raised meanwhile" if notices else ""
    print(f"{name}: idle for {elapsed:.0f} s with refresh {refresh}: {written} bytes written")
    print(f"{name}: = {written / elapsed * 60:.0f} bytes per minute{moved}")


def triage_ready(screen: str) -> bool:
    """Every source has answered (no 'waiting for', no 'connecting')."""
    return "triage" in screen and "waiting for" not in screen and "onnecting" not in screen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--refresh", default="60")
    parser.add_argument("--screen", choices=("both", "triage", "board", "detail"), default="both")
    parser.add_argument("--speed", default="1", help="the world's simulated seconds per second")
    parser.add_argument(
        "--settle", type=float, default=0, help="seconds to wait before measuring (at --speed "
        "10 the demo's incident has recovered after about 150 s)"
    )  # fmt: skip
    args = parser.parse_args()
    world, info = start_world(["--speed", args.speed])
    regions = ",".join(str(r) for r in info["regions"])  # type: ignore[attr-defined]
    argv = [str(ROOT / ".venv/bin/montui"), "--endpoint-url", str(info["endpoint"])]
    argv += ["--region", regions, "--refresh", args.refresh]
    term = Terminal(argv, env=world_env(info))
    try:
        if args.screen in ("both", "triage"):
            if not term.wait_for(triage_ready, timeout=60):
                print("the triage screen never had every source's answer", file=sys.stderr)
                return 1
            term.pump(3 + args.settle)  # the identity and the second region land
            idle(term, "triage", args.seconds, args.refresh)
        elif args.settle:
            term.pump(args.settle)
        if args.screen in ("both", "board", "detail"):
            # `b` opens the alarm board from the home (the triage screen).
            deadline = time.monotonic() + 60
            while "✖ ALARM" not in term.text() and time.monotonic() < deadline:
                if "triage" in term.text():
                    term.send("b")
                term.wait_for(lambda s: "✖ ALARM" in s, timeout=2)
            if "✖ ALARM" not in term.text():
                print("the board never showed an ALARM row", file=sys.stderr)
                return 1
            term.pump(3)
        if args.screen in ("both", "board"):
            idle(term, "board", args.seconds, args.refresh)
        if args.screen == "detail":
            term.send("\r")  # the cursor is on the first row: an ALARM alarm
            if not term.wait_for(lambda s: "Condition:" in s, timeout=30):
                print("the alarm detail never showed", file=sys.stderr)
                return 1
            term.pump(5)  # its chart and history land
            idle(term, "detail", args.seconds, args.refresh)
        term.send("q")
        term.pump(0.5)
    finally:
        term.close()
        world.terminate()
        world.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
