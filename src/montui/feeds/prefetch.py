"""The start-up prefetch's parent side: the child that asks AWS for the ALARM alarms while
Textual starts, and its answer, read without blocking the event loop.

`start_prefetch(request)` is called by `montui`'s main before Textual is imported: it forks
(nothing threaded runs yet) a child that runs `sources.prefetch.child_main` (plain botocore,
DescribeAlarms `StateValue=ALARM` per region, read-only guarded). `spawn_prefetch(target)`
starts the same child as `python -m montui.sources.prefetch` (for `--demo`, once the world is
ready: by then Textual runs threads, and forking is unsafe). Either gives an `AlarmPrefetch`:
the session reads the resolved target from it (`target()`), the alarms feed takes each
region's answer once (`take(region)`, see `feeds.prefetched_alarms`).

Every failure (no fork, child died, malformed line, an error line, too slow, too old) gives
None, and montui goes the normal way, which reports the errors. The child never outlives
montui: it exits once every region answered, dies with its parent (Linux `PR_SET_PDEATHSIG`),
and `close()` (the session's close) kills and reaps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from msgspec import Struct

if TYPE_CHECKING:
    from montui.early import EarlyChild
    from montui.launch import AwsRequest
    from montui.sources.target import AwsTarget

TARGET_WAIT = 3.0
"""Seconds the session waits for the child's resolved target before resolving on its own."""
ANSWER_WAIT = 5.0
"""Seconds the first ALARM poll of a region waits for the child's answer before asking AWS."""


class RegionAnswer(Struct, frozen=True):
    """A region's prefetched DescribeAlarms pages, and when (monotonic) they arrived."""

    region: str
    pages: tuple[dict[str, Any], ...]
    at: float


class AlarmPrefetch:
    """A running (or finished) prefetch child and what it has written so far.

    `fd` is the read end of the child's pipe; `stop` ends the child (kill and reap) and is
    called once by `close`. `max_age`: an answer older than this (seconds, normally one
    refresh interval) is dropped. `clock` is `time.monotonic` (tests pass their own)."""

    def __init__(
        self,
        fd: int,
        stop: Callable[[], None],
        *,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
        target_wait: float = TARGET_WAIT,
        answer_wait: float = ANSWER_WAIT,
    ) -> None:
        self._fd: int | None = fd
        self._stop: Callable[[], None] | None = stop
        self.max_age = max_age
        self.clock = clock
        self.target_wait = target_wait
        self.answer_wait = answer_wait
        self._buffer = b""
        self._lines: list[dict[str, Any]] = []
        self._changed: asyncio.Event | None = None
        self._ended = False
        self._taken: set[str] = set()
        self.handed_over: set[str] = set()
        """The regions whose first ALARM answer came from the prefetch (for tests, benchmarks)."""

    async def target(self) -> AwsTarget | None:
        """The child's resolved target, or None (it failed, or took over `target_wait`)."""
        return _target_of(await self._first(_resolved, self.target_wait))

    def target_now(self) -> AwsTarget | None:
        """The child's resolved target if it has written it already (no wait), else None."""
        return _target_of(self._first_now(_resolved))

    async def take(self, region: str) -> RegionAnswer | None:
        """`region`'s answer, once: None if already taken, failed, too slow or too old."""
        if region in self._taken:
            return None
        self._taken.add(region)
        line = await self._first(lambda d: d.get("region") == region, self.answer_wait)
        return self._answer(region, line)

    def take_now(self, region: str) -> RegionAnswer | None:
        """`region`'s answer if the child has written it already (taken then, as by `take`);
        None, and nothing taken, if it has not (yet), was taken, failed or is too old."""
        if region in self._taken:
            return None
        line = self._first_now(lambda d: d.get("region") == region)
        if line is None:
            return None
        self._taken.add(region)
        return self._answer(region, line)

    def _answer(self, region: str, line: dict[str, Any] | None) -> RegionAnswer | None:
        if line is None or "pages" not in line:
            return None
        try:
            answer = RegionAnswer(region, tuple(line["pages"]), float(line["at"]))
        except (KeyError, TypeError, ValueError):
            return None
        if self.clock() - answer.at > self.max_age:
            return None
        self.handed_over.add(region)
        return answer

    def close(self) -> None:
        """Stop reading and end the child (idempotent)."""
        self._end()
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()

    # -- reading ---------------------------------------------------------------------------

    async def _first(
        self, wanted: Callable[[dict[str, Any]], bool], wait: float
    ) -> dict[str, Any] | None:
        self._listen()
        self._readable()  # what the child has written already: no wait for the loop's reader
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            found = next((d for d in self._lines if wanted(d)), None)
            if found is not None or self._ended:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self._changed is None:
                return None
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def _first_now(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        self._listen()
        self._readable()
        return next((d for d in self._lines if wanted(d)), None)

    def _listen(self) -> None:
        if self._changed is not None or self._ended or self._fd is None:
            return
        self._changed = asyncio.Event()
        try:
            os.set_blocking(self._fd, False)
            asyncio.get_running_loop().add_reader(self._fd, self._readable)
        except (NotImplementedError, OSError, ValueError):
            self._end()

    def _readable(self) -> None:
        if self._fd is None:
            return
        try:
            chunk = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._end()
        else:
            self._buffer += chunk
            *complete, self._buffer = self._buffer.split(b"\n")
            for raw in complete:
                try:
                    data = json.loads(raw)
                except ValueError:
                    self._end()
                    return
                if isinstance(data, dict):
                    self._lines.append(data)
        if self._changed is not None:
            self._changed.set()

    def _end(self) -> None:
        self._ended = True
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._changed is not None:
            self._changed.set()


def _resolved(line: dict[str, Any]) -> bool:
    return "target" in line or "error" in line


def _target_of(line: dict[str, Any] | None) -> AwsTarget | None:
    """The target of the child's first line, or None (an error line, or malformed)."""
    from montui.sources.prefetch import target_from_json

    if line is None or "target" not in line:
        return None
    try:
        return target_from_json(line["target"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def prefetching(session: object) -> bool:
    """Whether `session` has a start-up prefetch: connecting then imports no AWS stack, so a
    screen may connect before its first frame is painted."""
    return getattr(session, "prefetch", None) is not None


def start_prefetch(
    request: AwsRequest, *, max_age: float, early: EarlyChild | None = None
) -> AlarmPrefetch | None:
    """The prefetch for `request` (not `--demo`: see `spawn_prefetch`): the `early` child
    forked at start (`montui.early`) handed the request, else a child forked now; None where
    fork is missing or fails. Call before any thread starts (before Textual is imported)."""
    if early is not None:
        answers = early.take_answers() if not request.demo and early.send(request) else None
        if answers is not None:
            return AlarmPrefetch(answers, early.stop, max_age=max_age)
        early.abandon()
    if not hasattr(os, "fork") or request.demo:
        return None
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns into montui
        status = 0
        try:
            os.close(read_fd)
            from montui.launch import resolve
            from montui.sources.prefetch import child_main, detach

            if detach():
                child_main(write_fd, lambda: resolve(request))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    return AlarmPrefetch(read_fd, lambda: _stop_pid(pid), max_age=max_age)


def spawn_prefetch(target: AwsTarget, *, max_age: float) -> AlarmPrefetch | None:
    """The prefetch child as a new process (`python -m montui.sources.prefetch`) for an
    already resolved target; None if it cannot start."""
    from montui.sources.prefetch import target_to_json

    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    argv = [sys.executable, "-m", "montui.sources.prefetch", str(write_fd)]
    argv.append(json.dumps(target_to_json(target)))
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
        )
    except (OSError, ValueError):  # ValueError: no pass_fds (Windows)
        os.close(read_fd)
        return None
    finally:
        os.close(write_fd)
    return AlarmPrefetch(read_fd, lambda: _stop_process(proc), max_age=max_age)


def _stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(5)
