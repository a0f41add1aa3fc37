"""Start and stop the local AWS world (moto's server plus montui's extensions) on loopback."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

FAKE_ACCESS_KEY = "AKIAMONTUIDEMO000000"
FAKE_SECRET_KEY = "montui-demo-secret-not-a-real-key"
DEMO_ACCOUNT = "123456789012"
DEMO_REGIONS = ("ap-northeast-1", "us-east-1")


def _silence_request_logging() -> None:
    """werkzeug logs every request to stderr; over a TUI that is garbage on screen."""
    for name in ("werkzeug", "moto", "flask"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
        logging.getLogger(name).propagate = False


@dataclass
class World:
    """A running local AWS world. `endpoint` is its URL; `stop()` shuts it down."""

    host: str = "127.0.0.1"
    port: int = 0
    _server: Any = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> World:
        _silence_request_logging()
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.host, self.port = self._server.get_host_and_port()
        return self

    def reset(self) -> None:
        """Forget every resource (between tests)."""
        import urllib.request

        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
