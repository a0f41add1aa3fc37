"""`FaultProxy`: a reverse proxy on 127.0.0.1 in front of the local AWS world that answers
some requests with faults (`FaultPlan`) and forwards the rest unchanged.

It serves from an event loop in a thread of its own, so a synchronous test, a Textual pilot
and a benchmark use it alike:

    with FaultProxy(world.endpoint, FaultPlan([Rule(0.3)], seed=1)) as proxy:
        ...  # point AWS_ENDPOINT_URL (or --endpoint-url) at proxy.endpoint

A stall holds the request unanswered until `release_stalls()` (called by `stop()`) or
`stall_seconds`, whichever comes first, then drops the connection; the client gives up at
its own read timeout. A reset drops the connection at once. Each forwarded request goes to
the world on a connection of its own; the client's connection is kept alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from types import TracebackType
from urllib.parse import urlsplit

from montui_world.faults.http1 import Message, encode, read_message, status_line
from montui_world.faults.plan import Fault, FaultPlan
from montui_world.faults.wire import error_answer, read_call


class FaultProxy:
    """Forwards to `upstream` (`http://127.0.0.1:PORT`), injecting `plan`'s faults."""

    def __init__(
        self,
        upstream: str,
        plan: FaultPlan | None = None,
        *,
        stall_seconds: float | None = 60.0,
        port: int = 0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan = plan if plan is not None else FaultPlan()
        self.stall_seconds = stall_seconds
        self.host = "127.0.0.1"
        self.port = port
        self.stalled = 0
        """Requests held by a stall right now."""
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._release: asyncio.Event | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> FaultProxy:
        """Bind and serve in a daemon thread; returns once the port is bound."""
        self._thread = threading.Thread(target=self._run, name="montui-fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def release_stalls(self) -> None:
        """Let every stalled request go (their connections are dropped)."""
        loop, release = self._loop, self._release
        if loop is not None and release is not None and not loop.is_closed():
            loop.call_soon_threadsafe(release.set)

    def stop(self) -> None:
        """Release stalls, stop serving, join the thread (idempotent)."""
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            self.release_stalls()
            loop.call_soon_threadsafe(stopped.set)
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start(), which re-raises it
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        self._release = asyncio.Event()
        self._stopped = asyncio.Event()
        server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        async with server:
            await self._stopped.wait()
            server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await read_message(reader)
                if request is None:
                    return
                if request.header("expect").lower() == "100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                answer = await self._answer(request)
                if answer is None:  # a reset or a stall: no answer, the connection drops
                    writer.transport.abort()
                    return
                writer.write(answer)
                await writer.drain()
                if not request.keep_alive():
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, OSError):
            writer.transport.abort()
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, request: Message) -> bytes | None:
        method, _, rest = request.start.partition(" ")
        target = rest.rpartition(" ")[0]
        call = read_call(method, target, request.lower_headers, request.body)
        fault = self.plan.decide(call)
        if fault is Fault.RESET:
            return None
        if fault is Fault.STALL:
            await self._stall()
            return None
        kind = fault.error if fault is not None else None
        if kind is not None:
            answer = error_answer(call, kind, f"montui-fault-{next(self._ids):08d}")
            return encode(status_line(answer.status), answer.headers, answer.body)
        return await self._forward(request, head=method == "HEAD")

    async def _stall(self) -> None:
        assert self._release is not None
        self.stalled += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), self.stall_seconds)
        finally:
            self.stalled -= 1

    async def _forward(self, request: Message, *, head: bool) -> bytes | None:
        try:
            reader, writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            return None  # the world is gone: the client sees a dropped connection
        try:
            writer.write(encode(request.start, request.headers, request.body, Connection="close"))
            await writer.drain()
            response = await read_message(reader, response=True, head_only=head)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, OSError):
            return None
        finally:
            writer.close()
        if response is None:
            return None
        start = response.start.replace("HTTP/1.0", "HTTP/1.1", 1)
        return encode(start, response.headers, response.body)
