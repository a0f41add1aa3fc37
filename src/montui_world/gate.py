"""Ready means ready: a served world answers nobody but its seeder until it is seeded.

`montui demo serve --port 4566` binds the port first (a busy port fails at once) and seeds the
scenario over that same port. Until `open()`, every request without the seeder's header gets
HTTP 503 with `Retry-After: 1` and AWS's `ServiceUnavailable` error, which AWS clients retry:
a script polling the port sees either no answer or the whole seeded world, never 3 of its 79
alarms. The header's value is a random token known only to this process.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from typing import Any

SEEDER_HEADER = "X-Montui-World-Seeder"
_ENVIRON_KEY = "HTTP_" + SEEDER_HEADER.upper().replace("-", "_")
_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>"
    b"<Message>The local AWS world is still being seeded; retry in a second.</Message>"
    b"</Error></ErrorResponse>"
)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SeedingGate:
    """WSGI middleware: HTTP 503 to everyone but the seeder until `open()`, then a pass-through."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.token = secrets.token_hex(16)
        self._open = threading.Event()

    @property
    def seeder_headers(self) -> dict[str, str]:
        """The header the seeding clients send to get through while the gate is closed."""
        return {SEEDER_HEADER: self.token}

    @property
    def is_open(self) -> bool:
        """Whether everyone is answered."""
        return self._open.is_set()

    def open(self) -> None:
        """Answer everyone from now on."""
        self._open.set()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._open.is_set() or environ.get(_ENVIRON_KEY) == self.token:
            return self.app(environ, start_response)
        start_response(
            "503 Service Unavailable",
            [
                ("Content-Type", "text/xml"),
                ("Content-Length", str(len(_BODY))),
                ("Retry-After", "1"),
                # Where the JSON and CBOR protocols (and query-compatible ones) read the code.
                ("x-amzn-ErrorType", "ServiceUnavailable"),
                ("x-amzn-query-error", "ServiceUnavailable;Receiver"),
            ],
        )
        return [_BODY]
