"""The start-up prefetch's child side: the ALARM alarms of every region, asked with plain
botocore (synchronous, no aiobotocore) while the parent is still importing Textual.

`run_prefetch` writes newline-delimited JSON to a file descriptor: first the resolved target
(`{"target": {...}}`, or `{"error": "..."}` and nothing more), then one line per region as each
answers (`{"region": r, "pages": [...], "at": t}` or `{"region": r, "error": "..."}`). `at` is
`time.monotonic()` when the last page arrived (system-wide on Linux, so the parent can age
it). Pages are DescribeAlarms answers as botocore parsed them, timestamps as ISO strings: the
parent parses them with `sources.cloudwatch.alarm_from_api`.

The only operation sent is DescribeAlarms (`StateValue=ALARM`, both alarm types), through a
client carrying the same read-only guard as every other montui client (`readonly.guard`).
Nothing here is shown to the user: a failure is one `error` line, and the parent's normal poll
reports whatever went wrong. Also runnable as `python -m montui.sources.prefetch FD TARGET_JSON`
(for `--demo`, where the world is ready only once Textual runs, and forking is unsafe).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from montui.sources.target import READ_TIMEOUT, AwsTarget
from montui.startup_log import mark

OPERATION = "DescribeAlarms"
PAGE_SIZE = 100
MAX_PAGES = 20
"""ALARM alarms are a page or two; a prefetch stops well before the normal poll's bound."""


def target_to_json(target: AwsTarget) -> dict[str, Any]:
    """The target as one JSON object (the child's first line; argv of the spawned child)."""
    return {
        "profile": target.profile,
        "regions": list(target.regions),
        "endpoint_url": target.endpoint_url,
        "static_credentials": list(target.static_credentials)
        if target.static_credentials
        else None,
    }


def target_from_json(data: dict[str, Any]) -> AwsTarget:
    """The inverse of `target_to_json`; `KeyError`/`TypeError`/`ValueError` when malformed."""
    static = data.get("static_credentials")
    regions = tuple(str(r) for r in data["regions"])
    if not regions:
        raise ValueError("no regions")
    return AwsTarget(
        profile=None if data.get("profile") is None else str(data["profile"]),
        regions=regions,
        endpoint_url=None if data.get("endpoint_url") is None else str(data["endpoint_url"]),
        static_credentials=(str(static[0]), str(static[1])) if static else None,
    )


def make_client(target: AwsTarget, region: str, session: Any = None) -> Any:
    """A synchronous botocore CloudWatch client for `region`, guarded read-only."""
    import botocore.config
    import botocore.session

    from montui.sources.readonly import guard

    if session is None:
        session = botocore.session.Session(profile=target.profile)
    config = botocore.config.Config(
        retries={"mode": "standard", "total_max_attempts": 3},
        connect_timeout=3,
        read_timeout=READ_TIMEOUT,
    )
    args: dict[str, Any] = {"region_name": region, "config": config}
    if target.endpoint_url:
        args["endpoint_url"] = target.endpoint_url
    if target.static_credentials is not None:
        args["aws_access_key_id"], args["aws_secret_access_key"] = target.static_credentials
    client = session.create_client("cloudwatch", **args)
    guard(client)
    return client


def alarm_pages(client: Any) -> list[dict[str, Any]]:
    """Every page of DescribeAlarms StateValue=ALARM (metric and composite alarms)."""
    request: dict[str, Any] = {
        "StateValue": "ALARM",
        "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
        "MaxRecords": PAGE_SIZE,
    }
    pages: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = client.describe_alarms(**request)
        page.pop("ResponseMetadata", None)
        pages.append(page)
        token = page.get("NextToken")
        if not token:
            return pages
        request["NextToken"] = token
    raise RuntimeError("too many pages")


def warm_loader() -> Any:
    """botocore imported and CloudWatch's service model, endpoint rules and partitions loaded
    into a data loader, before the target is known (the early child, `montui.early`): the
    loader, to share with the session `run_prefetch` makes; None if warming failed."""
    try:
        import botocore.session

        from montui.sources.readonly import allowlist
        from montui.sources.regions import data_loader, known_regions

        allowlist()
        known_regions()  # the region check `resolve` makes: botocore's endpoint data
        session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
        loader = data_loader()  # the endpoint data it loaded, not parsed again
        session.register_component("data_loader", loader)
    except Exception:
        return None
    # A client that is never used: it loads what every CloudWatch client needs.
    with contextlib.suppress(Exception):
        session.create_client(
            "cloudwatch", region_name="us-east-1", aws_access_key_id="warm",
            aws_secret_access_key="warm", endpoint_url="http://127.0.0.1:9",
        )  # fmt: skip
    mark("child: botocore warmed")
    return loader


def run_prefetch(
    resolve: Callable[[], AwsTarget],
    write: Callable[[dict[str, Any]], None],
    *,
    client_for: Callable[[AwsTarget, str, Any], Any] = make_client,
    loader: Any = None,
) -> None:
    """Resolve the target, then ask every region concurrently (one thread each) and `write`
    each answer as it comes. Never raises: every failure is written as an `error` line.
    `loader`: a warmed botocore data loader (`warm_loader`) to reuse."""
    try:
        target = resolve()
    except Exception as exc:
        write({"error": f"{type(exc).__name__}: {exc}"})
        return
    mark("child: target resolved (botocore imported)")
    write({"target": target_to_json(target)})
    lock = threading.Lock()
    session: Any = None
    try:
        import botocore.session

        # One session (credentials resolved once), shared by the region threads.
        session = botocore.session.Session(profile=target.profile)
        if loader is not None:
            session.register_component("data_loader", loader)
    except Exception as exc:
        write({"error": f"{type(exc).__name__}: {exc}"})
        return

    def one(region: str) -> None:
        try:
            with lock:  # botocore sessions are not safe to create clients from concurrently
                client = client_for(target, region, session)
            mark(f"child: client made {region}")
            line: dict[str, Any] = {"region": region, "pages": alarm_pages(client)}
            line["at"] = time.monotonic()
            mark(f"child: answered {region}")
        except Exception as exc:
            line = {"region": region, "error": f"{type(exc).__name__}: {exc}"}
        with lock:
            write(line)

    threads = [threading.Thread(target=one, args=(r,), daemon=True) for r in target.regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def line_writer(fd: int) -> Callable[[dict[str, Any]], None]:
    """Write one JSON object per line to `fd` (datetimes as ISO strings)."""

    def write(data: dict[str, Any]) -> None:
        raw = (json.dumps(data, default=_iso, separators=(",", ":")) + "\n").encode()
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view) :]

    return write


def _iso(value: Any) -> str:
    iso = getattr(value, "isoformat", None)
    if iso is None:
        raise TypeError(f"not JSON: {type(value).__name__}")
    return str(iso())


def die_with_parent() -> None:
    """Linux: SIGKILL this process when the parent dies (crash, SIGKILL included)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except Exception:  # best effort; the child is short-lived and bounded anyway
        return


def detach() -> bool:
    """A prefetch child's first step: killed with its parent, off the terminal (its standard
    streams on /dev/null). False if the parent is already gone."""
    parent = os.getppid()
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the death signal was set
        return False
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(null, std)
    return True


def child_main(fd: int, resolve: Callable[[], AwsTarget], *, loader: Any = None) -> None:
    """The rest of a (detached) prefetch child's life: it exits when every region has
    answered (or the parent stopped reading)."""
    try:
        run_prefetch(resolve, line_writer(fd), loader=loader)
    except Exception:  # BrokenPipeError: the parent is gone or done
        return


def main(argv: list[str]) -> int:
    """`python -m montui.sources.prefetch FD TARGET_JSON` (the spawned child)."""
    fd, text = int(argv[0]), argv[1]
    if detach():
        child_main(fd, lambda: target_from_json(json.loads(text)))
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1:]))
