"""Start and stop the local AWS world (moto's server plus montui's extensions) on loopback."""

from __future__ import annotations

import threading
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from montui_world import ext
from montui_world.ext.guardduty_api import GuardDutyApi
from montui_world.ext.pi_api import PiApi
from montui_world.ext.rds_api import RdsApi
from montui_world.ext.request_log import RequestLog
from montui_world.ext.ses_api import SesApi
from montui_world.ext.sts_trust import StsTrust
from montui_world.gate import SeedingGate


@dataclass
class World:
    """A running local AWS world. `endpoint` is its URL; `stop()` shuts it down.

    `start()` installs montui's moto extensions (`montui_world.ext`) before serving, so every
    world, the tests' included, speaks the same dialect of CloudWatch. It serves moto's WSGI
    application the way moto's `ThreadedMotoServer` does, except that binding happens in the
    caller (a busy port raises OSError here instead of hanging), the socket is closed on stop,
    and socketserver's last-resort error printing to stderr is silenced.

    `gated=True` (what `serve` uses): the world answers only requests carrying
    `seeder_headers` until `open()`, everyone else gets HTTP 503 (see `gate`).
    """

    host: str = "127.0.0.1"
    port: int = 0
    gated: bool = False
    _gate: SeedingGate | None = field(default=None, repr=False)
    requests: RequestLog | None = field(default=None, repr=False)
    """What reached the world (`ext.request_log`; also `GET /montui-world/requests`)."""
    _server: Any = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:PORT`: what AWS_ENDPOINT_URL / --endpoint-url should be."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> World:
        """Install the extensions and serve on `host:port` (port 0: any free port)."""
        ext.install()
        # RDS's read APIs are the world's own (`ext.rds_api`): moto's RDS is never loaded.
        app: Any = RdsApi(DomainDispatcherApplication(create_backend_app))
        app = GuardDutyApi(app)  # GuardDuty too (`ext.guardduty_api`): moto's is never loaded
        # SES's account APIs and statistics are the world's own (`ext.ses_api`); the rest
        # of SES (SendEmail, identities) is moto's.
        app = SesApi(app)
        app = PiApi(app)  # Performance Insights (`ext.pi_api`): moto has none
        app = StsTrust(app)  # AssumeRole checks trust policies (`ext.sts_trust`); moto does not
        app = self.requests = RequestLog(app)  # counts per account, region, operation
        if self.gated:
            app = self._gate = SeedingGate(app)
        server = make_server(
            self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler
        )
        setattr(server, "handle_error", _ignore_error)  # noqa: B010 (mypy: method-assign)
        self._server = server
        host, port = server.server_address[:2]
        self.host, self.port = str(host), int(port)
        self._thread = threading.Thread(
            target=server.serve_forever, name="montui-demo-world", daemon=True
        )
        self._thread.start()
        return self

    @property
    def seeder_headers(self) -> dict[str, str]:
        """What the seeding clients send to be answered while the world is not open yet."""
        return self._gate.seeder_headers if self._gate is not None else {}

    def open(self) -> None:
        """Answer every request from now on (a world that is not gated always does)."""
        if self._gate is not None:
            self._gate.open()

    def reset(self) -> None:
        """Forget every resource (between tests)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


def _ignore_error(request: Any, client_address: Any) -> None:
    """socketserver prints a traceback on stderr for errors outside the application (a
    client gone mid-request); the world runs under a TUI, so it says nothing."""
