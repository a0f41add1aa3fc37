"""When each of the demo's live moments (`montui_world.scenario.moments`) reaches the triage
screen's act-now section in a real `montui --demo` session, in real seconds.

    .venv/bin/python benchmarks/demo_moments.py [--minutes 8] [--every 5]

Runs the real `montui --demo` in a 100x40 pseudo-terminal (so that act now is never folded),
reads its screen every `--every` seconds for `--minutes`, and prints for each moment the first
and last time one of its rows was under "ACT NOW" (seconds after montui was started, the
world's seeding included). Prints; asserts nothing (the world tests pin the timings:
tests/world/test_moments.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

MOMENTS = {
    "contact form (alarms)": ("hitori-lambda-error-rate", "hitori-api-5xx"),
    "credentials (findings)": ("UnauthorizedAccess:IAMUser/Inst",),
    "lock pile-up (DB load)": ("shop-aurora-writer-dbload-noncpu", "DB load  shop-aurora"),
    "complaint spike (SES)": ("hitori-ses-complaint-rate", "SES sending reputation"),
}


def act_now(screen: str) -> list[str]:
    """The rows under ACT NOW, up to the next section heading."""
    lines = screen.splitlines()
    start = next((i for i, line in enumerate(lines) if "ACT NOW" in line), None)
    if start is None:
        return []
    rows = []
    for line in lines[start + 1 :]:
        if any(h in line for h in ("NEXT BUSINESS DAY", "KNOW ONLY", "UNCLASSIFIED")):
            break
        rows.append(line)
    return rows


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--minutes", type=float, default=8.0)
    options.add_argument("--every", type=float, default=5.0)
    args = options.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST"))}
    env.update(TERM="xterm-256color", MONTUI_CONFIG="/dev/null")
    started = time.monotonic()
    term = Terminal([sys.executable, "-m", "montui", "--demo"], columns=100, lines=40, env=env)
    seen: dict[str, list[float]] = {name: [] for name in MOMENTS}
    try:
        while (elapsed := time.monotonic() - started) < args.minutes * 60:
            term.pump(args.every)
            rows = act_now(term.text())
            for name, needles in MOMENTS.items():
                if any(n in row for row in rows for n in needles):
                    seen[name].append(elapsed)
    finally:
        term.close()
    print(f"montui --demo, act now on the triage screen ({args.minutes:g} real minutes):")
    for name, times in seen.items():
        if times:
            print(f"  {name:<24} {times[0]:6.0f} s .. {times[-1]:6.0f} s")
        else:
            print(f"  {name:<24} not seen")


if __name__ == "__main__":
    main()
