"""The start-up prefetch child, forked first thing (`montui.start`), before the command line's
own imports: while montui imports its modules and reads its config, the child imports botocore
and loads CloudWatch's service model and endpoint rules; then it waits for the request.

Only standard-library modules are imported here. `fork_early(argv)` forks only when `argv`
plainly asks for the interactive app (global options and nothing else: no command, no
`--demo`, no `--help`); `EarlyChild.send(request)` hands it the `AwsRequest` montui computed
(it resolves that, asks DescribeAlarms `StateValue=ALARM` per region and writes the answers,
see `sources.prefetch`); `stop()` ends it (kill and reap) when montui does not run the app or
exits. A parent that dies closes the request pipe (the child exits at its end) and, on Linux,
kills the child with it (`PR_SET_PDEATHSIG`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from montui.launch import AwsRequest

VALUE_OPTIONS = frozenset({"--profile", "--region", "--endpoint-url", "--config", "--refresh"})
"""The global options that take a value: the only arguments the app-only check accepts."""


def wants_app(argv: Sequence[str]) -> bool:
    """Whether `argv` can only mean the interactive app against AWS: every argument is one of
    `VALUE_OPTIONS` with its value (`--region r` or `--region=r`). Anything else (a command,
    `--demo`, `--help`, an abbreviation) says no: the prefetch is then started later, if at
    all, once the command line is parsed (`feeds.prefetch.start_prefetch`)."""
    args = iter(argv)
    for arg in args:
        name, equals, _ = arg.partition("=")
        if name not in VALUE_OPTIONS:
            return False
        if not equals and next(args, None) is None:
            return False
    return True


def request_to_json(request: AwsRequest) -> str:
    """The request as one JSON line (tuples as lists)."""
    fields = (
        "profile", "regions", "endpoint_url", "config_profile", "config_regions",
        "config_endpoint_url", "demo",
    )  # fmt: skip
    data = {name: getattr(request, name) for name in fields}
    return json.dumps(data) + "\n"


def request_from_json(text: str) -> AwsRequest:
    """The inverse of `request_to_json`."""
    from montui.launch import AwsRequest

    data: dict[str, Any] = json.loads(text)

    def regions(value: Any) -> tuple[str, ...] | None:
        return None if value is None else tuple(str(r) for r in value)

    return AwsRequest(
        profile=data["profile"],
        regions=regions(data["regions"]),
        endpoint_url=data["endpoint_url"],
        config_profile=data["config_profile"],
        config_regions=regions(data["config_regions"]),
        config_endpoint_url=data["config_endpoint_url"],
        demo=bool(data["demo"]),
    )


class EarlyChild:
    """A forked prefetch child waiting for its request on `request_fd`; its answers come on
    `answer_fd` (read by `feeds.prefetch.AlarmPrefetch`)."""

    def __init__(self, pid: int, request_fd: int, answer_fd: int) -> None:
        self.pid = pid
        self.request_fd: int | None = request_fd
        self.answer_fd: int | None = answer_fd
        """The read end of the answers, until its reader takes it (`take_answers`)."""
        self._stopped = False

    def take_answers(self) -> int | None:
        """The answer pipe's read end, now owned (and closed) by the caller."""
        fd, self.answer_fd = self.answer_fd, None
        return fd

    def send(self, request: AwsRequest) -> bool:
        """Hand the child its request (once); False if it is gone."""
        fd, self.request_fd = self.request_fd, None
        if fd is None:
            return False
        try:
            data = request_to_json(request).encode()
            while data:
                data = data[os.write(fd, data) :]
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def stop(self) -> None:
        """Kill and reap the child and close the request pipe (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        if self.request_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.request_fd)
            self.request_fd = None
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done == 0:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)

    def abandon(self) -> None:
        """Stop the child and close the answer pipe unless a reader took it (idempotent)."""
        self.stop()
        fd = self.take_answers()
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def fork_early(argv: Sequence[str]) -> EarlyChild | None:
    """Fork the warming prefetch child when `argv` asks for the app (`wants_app`); None
    otherwise, or where fork is missing or fails. Call before any thread starts."""
    if not hasattr(os, "fork") or not wants_app(argv):
        return None
    try:
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (request_r, request_w, answer_r, answer_w):
            os.close(fd)
        return None
    if pid == 0:  # the child: never returns into montui
        status = 1
        try:
            os.close(request_w)
            os.close(answer_r)
            status = _child(request_r, answer_w)
        finally:
            os._exit(status)
    os.close(request_r)
    os.close(answer_w)
    return EarlyChild(pid, request_w, answer_r)


def _child(request_fd: int, answer_fd: int) -> int:
    from montui.sources.prefetch import child_main, detach, warm_loader

    if not detach():
        return 0
    loader = warm_loader()
    import montui.launch  # noqa: F401  (what `resolve` needs, imported while montui starts)

    text = _read_line(request_fd)
    if not text:
        return 0

    def resolve() -> Any:
        from montui.launch import resolve as resolve_request

        return resolve_request(request_from_json(text))

    child_main(answer_fd, resolve, loader=loader)
    return 0


def _read_line(fd: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return ""
        if not chunk:
            return ""
        data += chunk
    return data.decode()
