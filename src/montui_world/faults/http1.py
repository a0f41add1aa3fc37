"""Just enough HTTP/1.1 for a reverse proxy on loopback: read a request or a response (body
by Content-Length, chunked, or to end of stream), write one with its own Content-Length."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "expect",
    }
)
"""Headers that belong to one connection; the proxy writes its own (and answers `Expect:
100-continue` itself)."""

MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Message:
    """A request (`start` is `METHOD target HTTP/1.1`) or a response (`HTTP/1.1 200 OK`)."""

    start: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str:
        """The first header called `name` (any case), or ""."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")

    @property
    def lower_headers(self) -> dict[str, str]:
        """The headers by lower-case name (the first of each)."""
        found: dict[str, str] = {}
        for key, value in self.headers:
            found.setdefault(key.lower(), value)
        return found

    def keep_alive(self) -> bool:
        """Whether the connection may carry another message after this one."""
        connection = self.header("connection").lower()
        if self.start.endswith("HTTP/1.0") or self.start.startswith("HTTP/1.0"):
            return connection == "keep-alive"
        return connection != "close"


async def read_message(
    reader: asyncio.StreamReader, *, response: bool = False, head_only: bool = False
) -> Message | None:
    """The next message, or None at a clean end of stream. A response without length runs
    to the end of the stream; `head_only` (a response to HEAD) has no body."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise
    if len(head) > MAX_HEAD:
        raise ValueError("headers too large")
    lines = head.decode("latin-1").split("\r\n")
    headers = tuple(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    )
    message = Message(lines[0], headers, b"")
    if head_only or (response and _bodiless(lines[0])):
        return message
    if "chunked" in message.header("transfer-encoding").lower():
        body = await _read_chunked(reader)
    elif message.header("content-length"):
        body = await reader.readexactly(int(message.header("content-length")))
    elif response:
        body = await reader.read()
    else:
        body = b""
    return Message(message.start, headers, body)


def _bodiless(status_line: str) -> bool:
    parts = status_line.split(" ", 2)
    code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 200
    return code < 200 or code in (204, 304)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def encode(start: str, headers: tuple[tuple[str, str], ...], body: bytes, **extra: str) -> bytes:
    """The message on the wire: hop-by-hop headers replaced by Content-Length and `extra`
    (`Connection="close"`)."""
    lines = [start]
    lines += [f"{k}: {v}" for k, v in headers if k.lower() not in HOP_BY_HOP]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in extra.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def status_line(status: int) -> str:
    """`HTTP/1.1 429 Too Many Requests`."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    return f"HTTP/1.1 {status} {reason}"
