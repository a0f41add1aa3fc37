"""sts:AssumeRole as AWS decides it: the role must exist and its trust policy must allow the caller.

moto 5.2.5's AssumeRole hands out credentials for any role ARN, existing or not, whatever its
trust policy says (`moto.sts.models.STSBackend.assume_role`: "the role does not need to
exist"). `StsTrust` is a WSGI middleware in front of moto (`World.start`) that checks an
AssumeRole request (SigV4 scope `…/<region>/sts/aws4_request`, `query` protocol) before
moto answers it, and refuses it the way AWS does:

- HTTP 403, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>…`, message
  "User: <caller ARN> is not authorized to perform: sts:AssumeRole on resource: <role ARN>",
  when the role does not exist in its account, or its trust policy has no `Allow` statement
  for `sts:AssumeRole` whose `Principal.AWS` names the caller (its account id, the account's
  `root` ARN, the caller's own ARN, or `*`) with every condition met (`sts:ExternalId` with
  `StringEquals`/`StringLike`), or a `Deny` statement matches;
- HTTP 400 `ValidationError` when `DurationSeconds` exceeds the role's MaxSessionDuration
  (default 3600), AWS's message.

Accounts made through AWS Organizations come with `OrganizationAccountAccessRole`, trusting
the management account: in the world every account has it, trusting the base account
(`identity.DEMO_ACCOUNT`), until someone creates a role by that name. That is how a person
(or a test) with the base credentials gets into another account to create its roles with
the AWS CLI, as in an organisation.

Everything else (other STS actions, an allowed AssumeRole) goes on to moto unchanged; moto's
credentials then map to the role's account (`ext.requester`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from montui_world.ext.requester import requester_account
from montui_world.identity import DEMO_ACCOUNT

__all__ = ["ORGANIZATION_ROLE", "StsTrust", "refusal"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

ORGANIZATION_ROLE = "OrganizationAccountAccessRole"
DEFAULT_MAX_SESSION = 3600
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/sts/aws4_request")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)$")


class StsTrust:
    """WSGI middleware: AssumeRole checked against the role's trust policy, then moto."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        params = _params(environ)
        if params.get("Action") != "AssumeRole":
            return self.app(environ, start_response)
        key = scope.group(1)
        refused = refusal(requester_account(environ, key), _caller_arn(environ, key), params)
        if refused is None:
            return self.app(environ, start_response)
        status, code, message = refused
        body = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
        ).encode()
        reason = "Forbidden" if status == 403 else "Bad Request"
        start_response(
            f"{status} {reason}",
            [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))],
        )
        return [body]


def refusal(
    caller_account: str, caller_arn: str, params: dict[str, str]
) -> tuple[int, str, str] | None:
    """(status, code, message) when AWS would refuse this AssumeRole, else None."""
    role_arn = params.get("RoleArn", "")
    denied = (
        403,
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
    )
    match = _ROLE_ARN.match(role_arn)
    if match is None:
        return None  # a malformed ARN: moto's own validation answers it
    account, name = match.groups()
    role = _role(account, name)
    if role is None:
        if name == ORGANIZATION_ROLE and caller_account == DEMO_ACCOUNT:
            return None
        return denied
    if not trusts(_policy(role.assume_role_policy_document), caller_account, caller_arn, params):
        return denied
    duration = params.get("DurationSeconds")
    limit = int(getattr(role, "max_session_duration", None) or DEFAULT_MAX_SESSION)
    if duration is not None and duration.isdigit() and int(duration) > limit:
        return (
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )
    return None


def trusts(policy: dict[str, Any], account: str, arn: str, params: dict[str, str]) -> bool:
    """Whether a trust policy lets the caller (`account`, `arn`) assume the role."""
    allowed = False
    for statement in _listed(policy.get("Statement")):
        if not isinstance(statement, dict) or not _matches(statement, account, arn, params):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _matches(statement: dict[str, Any], account: str, arn: str, params: dict[str, str]) -> bool:
    actions = [str(a).lower() for a in _listed(statement.get("Action"))]
    if not any(a in ("sts:assumerole", "sts:*", "*") for a in actions):
        return False
    principal = statement.get("Principal")
    if principal == "*":
        named: list[Any] = ["*"]
    elif isinstance(principal, dict):
        named = _listed(principal.get("AWS"))
    else:
        return False
    names = {str(n) for n in named}
    if not names & {"*", account, f"arn:aws:iam::{account}:root", arn, _role_of(arn)}:
        return False
    return _conditions_met(statement.get("Condition") or {}, params)


def _role_of(arn: str) -> str:
    """The role ARN behind an assumed-role session ARN (what trust policies name)."""
    found = re.match(r"^arn:aws:sts::(\d{12}):assumed-role/([^/]+)/", arn)
    return f"arn:aws:iam::{found.group(1)}:role/{found.group(2)}" if found else arn


def _conditions_met(conditions: Any, params: dict[str, str]) -> bool:
    if not isinstance(conditions, dict):
        return False
    context = {"sts:externalid": params.get("ExternalId")}
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            return False
        for key, wanted in tests.items():
            value = context.get(str(key).lower())
            expected = [str(w) for w in _listed(wanted)]
            if operator in ("StringEquals", "StringLike"):
                if value is None or not any(_like(value, w, operator) for w in expected):
                    return False
            else:
                return False  # an operator the world does not evaluate: not trusted
    return True


def _like(value: str, wanted: str, operator: str) -> bool:
    if operator == "StringEquals":
        return value == wanted
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wanted)
    return re.fullmatch(pattern, value) is not None


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _policy(document: Any) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    text = str(document or "")
    for candidate in (text, unquote(text)):
        try:
            found = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(found, dict):
            return found
    return {}


def _role(account: str, name: str) -> Any:
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    for role in list(backend.roles.values()):
        if role.name == name:
            return role
    return None


def _caller_arn(environ: dict[str, Any], access_key: str) -> str:
    """The caller's ARN as GetCallerIdentity answers it (moto's STS backend)."""
    from moto.sts.models import sts_backends

    account = requester_account(environ, access_key)
    user_id, arn, _ = sts_backends[account]["aws"].get_caller_identity(access_key, "us-east-1")
    del user_id
    return str(arn)


def _params(environ: dict[str, Any]) -> dict[str, str]:
    """The form parameters; `wsgi.input` is replaced so that moto can read them again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    data = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(data)
    pairs = parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True)
    pairs += parse_qsl(data.decode(errors="replace"), keep_blank_values=True)
    return dict(pairs)
