"""Time to first frame and to ALARM rows on screen, against the AWS CLI on the same endpoint.

    .venv/bin/python benchmarks/startup.py [--runs 5]

Starts the local AWS world (`montui demo serve`), then for each run starts the real `montui`
executable in an 80x24 pseudo-terminal and reads its screen with a terminal emulator:
  - first frame: process start → the board's header is on screen;
  - ALARM rows: process start → a `✖ ALARM` row is on screen;
  - peak memory: the montui process's VmHWM once the rows are shown.
Beside it, the AWS CLI (installed in .venv-bench, created on first use) lists the same ALARM
alarms of both regions from the same endpoint. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

AWSCLI = "awscli==1.46.3"


def start_world() -> tuple[subprocess.Popen[bytes], dict[str, object]]:
    cmd = [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    info: dict[str, object] = json.loads(proc.stdout.readline())
    return proc, info


def world_env(info: dict[str, object]) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some build machines) would make every run recompile
    # montui's own modules; a user's install has its bytecode cached after the first run.
    skip = ("AWS_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(
        TERM="xterm-256color",
        AWS_ACCESS_KEY_ID=str(info["access_key"]),
        AWS_SECRET_ACCESS_KEY=str(info["secret_key"]),
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_EC2_METADATA_DISABLED="true",
        MONTUI_CONFIG="/dev/null",
    )
    return env


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_montui(info: dict[str, object], regions: str) -> tuple[float, float, float]:
    argv = [str(ROOT / ".venv/bin/montui"), "--endpoint-url", str(info["endpoint"])]
    argv += ["--region", regions]
    start = time.perf_counter()
    term = Terminal(argv, env=world_env(info))
    first = rows = float("nan")
    try:
        deadline = start + 30
        while time.perf_counter() < deadline:
            term.pump(0.005)
            screen = term.text()
            if first != first and "montui" in screen:
                first = time.perf_counter() - start
            if "✖ ALARM" in screen or "‼ alarm " in screen:  # the board, or triage (home)
                rows = time.perf_counter() - start
                break
        memory = peak_rss_mb(term.child.pid)
        term.send("q")
        term.pump(0.5)
    finally:
        term.close()
    return first, rows, memory


def ensure_awscli() -> Path:
    venv = ROOT / ".venv-bench"
    aws = venv / "bin/aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", AWSCLI]
        subprocess.run(pip, check=True)
    return aws


def time_awscli(aws: Path, info: dict[str, object], regions: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    for region in regions:
        argv = [str(aws), "cloudwatch", "describe-alarms", "--state-value", "ALARM"]
        argv += ["--alarm-types", "MetricAlarm", "CompositeAlarm", "--output", "json"]
        argv += ["--endpoint-url", str(info["endpoint"]), "--region", region]
        out = subprocess.run(
            argv,
            env=world_env(info),
            capture_output=True,
            check=True,
        )
        data = json.loads(out.stdout)
        count += len(data.get("MetricAlarms", [])) + len(data.get("CompositeAlarms", []))
    return time.perf_counter() - start, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    world, info = start_world()
    regions = [str(r) for r in info["regions"]]  # type: ignore[attr-defined]
    try:
        aws = ensure_awscli()
        time_montui(info, ",".join(regions))  # warm-up: bytecode cache, page cache
        montui = [time_montui(info, ",".join(regions)) for _ in range(args.runs)]
        time_awscli(aws, info, regions)  # warm-up, likewise
        cli = [time_awscli(aws, info, regions) for _ in range(args.runs)]
    finally:
        world.terminate()
        world.wait()
    first = statistics.median(m[0] for m in montui)
    rows = statistics.median(m[1] for m in montui)
    memory = max(m[2] for m in montui)
    cli_time = statistics.median(c[0] for c in cli)
    print(f"runs: {args.runs}, regions: {', '.join(regions)}, ALARM alarms: {cli[0][1]}")
    print(f"montui first frame      median {first:.3f} s   (target <= 0.3 s)")
    print(f"montui ALARM rows shown median {rows:.3f} s")
    print(f"aws cli, both regions   median {cli_time:.3f} s")
    print(f"ratio montui / aws cli  {rows / cli_time:.2f}      (target <= 1.0)")
    print(f"montui peak memory      {memory:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
