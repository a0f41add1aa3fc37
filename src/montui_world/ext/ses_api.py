"""SES's account APIs, which moto 5.2 lacks or answers with its own zero counters.

`SesApi` is a WSGI middleware in front of moto's server (`World.start`). SES v1 and v2 share
the SigV4 credential scope service `ses` (endpoint prefix `email`); they differ on the wire:
v2 is REST-JSON under `/v2/email/…`, v1 the query protocol (`POST /`, `Action=…`). Answered
here, from `ses_store.STORE`:

- v2 `GetAccount` (GET /v2/email/account), `PutAccountDetails` (POST …/details),
  `PutAccountSendingAttributes` (PUT …/sending), `PutAccountSuppressionAttributes`
  (PUT …/suppression), with the model's validation (`BadRequestException`, 400) and
  `ConflictException` (409) for details sent while a review is pending;
- v1 `GetSendStatistics`, `GetSendQuota`, `GetAccountSendingEnabled`,
  `UpdateAccountSendingEnabled` (the same sending switch as v2's).

Everything else goes on to moto's SES (VerifyEmailIdentity, SendEmail, …): a person can
still send mail through the world. Sends are checked against the sending switch first
(v1 `AccountSendingPausedException`, v2 `SendingPausedException`) and, once moto accepted
them, counted in the store (one delivery attempt per recipient), so GetSendStatistics and
SentLast24Hours include them; moto's own counters are never shown.

The test hook `POST /montui-world/ses/account` (unsigned JSON: `Region`, optional
`AccountId`, and any of `EnforcementStatus` HEALTHY / PROBATION / SHUTDOWN,
`ProductionAccessEnabled`, `SendingEnabled`, `ReviewDetails` {Status, CaseId},
`SendQuota` {Max24HourSend, MaxSendRate}) sets what AWS, not the customer, decides, and
answers the region's GetAccount document. `install()` makes moto's reset clear the store.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from montui_world.clock import WORLD_CLOCK
from montui_world.ext import ses_account
from montui_world.ext.patching import clear_on_reset
from montui_world.ext.requester import requester_account
from montui_world.ext.ses_store import STORE
from montui_world.ext.ses_wire import (
    SesError,
    account_json,
    send_points_xml,
    v1_error,
    v1_result,
    v2_error,
)
from montui_world.identity import DEMO_ACCOUNT

__all__ = ["HOOK_PATH", "SesApi", "install"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

HOOK_PATH = "/montui-world/ses/account"
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/ses/aws4_request")
_V2_ACCOUNT = "/v2/email/account"
_V2_ROUTES = {
    ("GET", _V2_ACCOUNT),
    ("POST", f"{_V2_ACCOUNT}/details"),
    ("PUT", f"{_V2_ACCOUNT}/sending"),
    ("PUT", f"{_V2_ACCOUNT}/suppression"),
    ("POST", "/v2/email/outbound-emails"),
}
_V1_SENDS = {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail"}
_MARK = "_montui_ses_reset"
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 409: "Conflict"}


def install() -> None:
    """Make moto's reset clear the SES store too (calling it again changes nothing)."""
    clear_on_reset(_MARK, STORE.clear)


class SesApi:
    """WSGI middleware: SES account requests answered here, the rest passed on to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "")
        method = str(environ.get("REQUEST_METHOD") or "GET")
        if path == HOOK_PATH and method == "POST":
            return self._hook(environ, start_response)
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        account, region = requester_account(environ, scope.group(1)), scope.group(2)
        body = _body(environ)
        if path.startswith("/v2/"):
            return self._v2(environ, start_response, account, region, method, path, body)
        params = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
        params.update(parse_qsl(str(environ.get("QUERY_STRING") or "")))
        return self._v1(environ, start_response, account, region, params)

    # ------------------------------------------------------------------ v2

    def _v2(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        account: str,
        region: str,
        method: str,
        path: str,
        body: bytes,
    ) -> Iterable[bytes]:
        route = (method, path.rstrip("/"))
        if route not in _V2_ROUTES:
            return self.app(environ, start_response)
        try:
            document = _json(body) if method in ("POST", "PUT") else {}
            if route == ("GET", _V2_ACCOUNT):
                return _json_answer(start_response, _get_account(account, region))
            if route == ("POST", f"{_V2_ACCOUNT}/details"):
                ses_account.put_details(account, region, document)
                return _json_answer(start_response, {})
            if route == ("PUT", f"{_V2_ACCOUNT}/sending"):
                ses_account.put_sending(account, region, document)
                return _json_answer(start_response, {})
            if route == ("PUT", f"{_V2_ACCOUNT}/suppression"):
                ses_account.put_suppression(account, region, document)
                return _json_answer(start_response, {})
            if route == ("POST", "/v2/email/outbound-emails"):
                if not STORE.account(account, region).sending_enabled:
                    raise SesError(
                        400, "SendingPausedException", "Sending is paused for this account."
                    )
                count = ses_account.v2_recipients(document)
                return self._send(environ, start_response, account, region, count)
        except SesError as error:
            headers, data = v2_error(error)
            return _answer(start_response, error.status, headers, data)
        return self.app(environ, start_response)

    # ------------------------------------------------------------------ v1

    def _v1(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        account: str,
        region: str,
        params: dict[str, str],
    ) -> Iterable[bytes]:
        action = params.get("Action", "")
        now = WORLD_CLOCK.epoch()
        settings = STORE.account(account, region)
        inner: str | None = None
        if action == "GetSendStatistics":
            inner = send_points_xml(STORE.points(account, region, now))
        elif action == "GetSendQuota":
            sent = STORE.sent_last_24_hours(account, region, now)
            inner = (
                f"<Max24HourSend>{settings.max_24_hour_send}</Max24HourSend>"
                f"<MaxSendRate>{settings.max_send_rate}</MaxSendRate>"
                f"<SentLast24Hours>{float(sent)}</SentLast24Hours>"
            )
        elif action == "GetAccountSendingEnabled":
            inner = f"<Enabled>{'true' if settings.sending_enabled else 'false'}</Enabled>"
        elif action == "UpdateAccountSendingEnabled":
            enabled = params.get("Enabled", "false").lower() == "true"
            STORE.change(account, region, sending_enabled=enabled)
            inner = ""
        elif action in _V1_SENDS:
            if not settings.sending_enabled:
                error = SesError(
                    400,
                    "AccountSendingPausedException",
                    "Email sending is disabled for your entire Amazon SES account.",
                )
                data = v1_error(error).encode()
                return _answer(start_response, 400, [("Content-Type", "text/xml")], data)
            count = ses_account.v1_recipients(action, params)
            return self._send(environ, start_response, account, region, count)
        if inner is None:
            return self.app(environ, start_response)
        data = v1_result(action, inner).encode()
        return _answer(start_response, 200, [("Content-Type", "text/xml")], data)

    # ------------------------------------------------------------------ sends

    def _send(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        account: str,
        region: str,
        count: int,
    ) -> Iterable[bytes]:
        """Pass a send on to moto; count its recipients if moto accepted it."""
        seen: list[str] = []

        def capture(status: str, headers: Any, *rest: Any) -> Any:
            seen.append(status)
            return start_response(status, headers, *rest)

        chunks = list(self.app(environ, capture))
        if seen and seen[0].startswith("200"):
            STORE.record_sent(account, region, WORLD_CLOCK.epoch(), count)
        return chunks

    # ------------------------------------------------------------------ hook

    def _hook(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            document = _json(_body(environ))
            account = str(document.get("AccountId") or DEMO_ACCOUNT)
            region = str(document.get("Region") or "")
            if not region:
                raise SesError(400, "BadRequestException", "Region is required.")
            ses_account.apply_hook(account, region, document)
            return _json_answer(start_response, _get_account(account, region))
        except SesError as error:
            headers, data = v2_error(error)
            return _answer(start_response, error.status, headers, data)


def _get_account(account: str, region: str) -> dict[str, Any]:
    sent = STORE.sent_last_24_hours(account, region, WORLD_CLOCK.epoch())
    return account_json(STORE.account(account, region), sent)


def _body(environ: dict[str, Any]) -> bytes:
    """The request body; `wsgi.input` is replaced so that moto can read it again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    data = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(data)
    return bytes(data)


def _json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except ValueError as error:
        raise SesError(400, "BadRequestException", f"Malformed JSON: {error}") from error
    if not isinstance(document, dict):
        raise SesError(400, "BadRequestException", "The request body must be a JSON object.")
    return document


def _json_answer(start_response: StartResponse, document: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(document).encode()
    return _answer(start_response, 200, [("Content-Type", "application/json")], data)


def _answer(
    start_response: StartResponse, status: int, headers: list[tuple[str, str]], data: bytes
) -> Iterable[bytes]:
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [*headers, ("Content-Length", str(len(data)))],
    )
    return [data]
