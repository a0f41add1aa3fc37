"""Bytes montui writes to the terminal per minute while idle (what SSH carries).

    .venv/bin/python benchmarks/idle_bytes.py [--seconds 60]

Starts the demo world, runs the real `montui` in an 80x24 pseudo-terminal, waits for the
board, then counts the bytes written during the next `--seconds` of idling (the clock label
ticks; a poll every `--refresh` seconds may repaint rows whose age changed).
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--refresh", default="60")
    args = parser.parse_args()
    world, info = start_world()
    regions = ",".join(str(r) for r in info["regions"])  # type: ignore[attr-defined]
    argv = [str(ROOT / ".venv/bin/montui"), "--endpoint-url", str(info["endpoint"])]
    argv += ["--region", regions, "--refresh", args.refresh]
    term = Terminal(argv, env=world_env(info))
    try:
        # The home is the triage screen: `b` opens the alarm board, whose idle bytes count.
        deadline = time.monotonic() + 60
        while "✖ ALARM" not in term.text() and time.monotonic() < deadline:
            if "triage" in term.text():
                term.send("b")
            term.wait_for(lambda s: "✖ ALARM" in s, timeout=2)
        if "✖ ALARM" not in term.text():
            print("the board never showed an ALARM row", file=sys.stderr)
            return 1
        term.pump(3)  # let the identity and the second region land
        start_bytes, start = term.bytes_read, time.perf_counter()
        term.pump(args.seconds)
        written = term.bytes_read - start_bytes
        elapsed = time.perf_counter() - start
        print(f"idle for {elapsed:.0f} s with refresh {args.refresh}: {written} bytes written")
        print(f"= {written / elapsed * 60:.0f} bytes per minute")
        term.send("q")
        term.pump(0.5)
    finally:
        term.close()
        world.terminate()
        world.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
