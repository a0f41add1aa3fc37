"""Counting what reaches the world: requests per (account, region, service, operation).

`RequestLog` is a WSGI middleware (the outermost of `World.start`, inside the seeding gate, so
requests refused with 503 before the world opens are not counted) that counts every signed
request by the requester's account (`ext.requester`, as moto resolves it), the SigV4 scope's
region and service, and the operation: the `X-Amz-Target` header (JSON protocol), the
`/operation/<Name>` path (Smithy RPC v2 CBOR), the `Action` form field (query protocol), or
the method and path (REST protocols). Benchmarks read it over HTTP, unsigned:

- `GET /montui-world/requests`: `{"requests": [{"account", "region", "service", "operation",
  "count"}, …], "alarms": [{"account", "region", "metric", "composite"}, …]}` (the alarms
  every CloudWatch backend holds, to compare requests with the fewest the APIs allow);
- `DELETE /montui-world/requests`: start counting from zero.

A counter increment under a lock per request: cheap enough to be always on.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from montui_world.ext.requester import requester_account

__all__ = ["LOG_PATH", "RequestLog"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

LOG_PATH = "/montui-world/requests"
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_OPERATION = re.compile(r"/operation/([A-Za-z0-9]+)")
Key = tuple[str, str, str, str]


class RequestLog:
    """WSGI middleware: counts each signed request, then passes it on to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.counts: Counter[Key] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "")
        if path == LOG_PATH:
            return self._answer(environ, start_response)
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is not None:
            key, region, service = scope.groups()
            account = requester_account(environ, key)
            with self._lock:
                self.counts[(account, region, service, _operation(environ, path))] += 1
        return self.app(environ, start_response)

    def snapshot(self) -> list[dict[str, Any]]:
        """The counts so far, one entry per (account, region, service, operation)."""
        with self._lock:
            items = sorted(self.counts.items())
        return [
            {"account": a, "region": r, "service": s, "operation": o, "count": n}
            for (a, r, s, o), n in items
        ]

    def _answer(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "DELETE":
            with self._lock:
                self.counts.clear()
        body = json.dumps({"requests": self.snapshot(), "alarms": _alarms()}).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]


def _operation(environ: dict[str, Any], path: str) -> str:
    target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
    if target:
        return target.rsplit(".", 1)[-1]
    found = _OPERATION.search(path)
    if found is not None:
        return found.group(1)
    content_type = str(environ.get("CONTENT_TYPE") or "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        data = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(data)  # moto reads it again
        action = dict(parse_qsl(data.decode(errors="replace"))).get("Action")
        if action:
            return str(action)
    query = dict(parse_qsl(str(environ.get("QUERY_STRING") or "")))
    if "Action" in query:
        return str(query["Action"])
    return f"{environ.get('REQUEST_METHOD', 'GET')} {path}"


def _alarms() -> list[dict[str, Any]]:
    from montui_world.ext.alarm_store import LOCK, all_backends, is_composite

    with LOCK:
        found = [
            (b.account_id, b.region_name, [is_composite(a) for a in b.alarms.values()])
            for b in all_backends()
        ]
    return [
        {"account": a, "region": r, "metric": kinds.count(False), "composite": kinds.count(True)}
        for a, r, kinds in sorted(found)
        if kinds
    ]
