"""CloudWatch Observability Access Manager (OAM) in the world, over its REST-JSON protocol.

moto 5.2.5 has no `oam` service. `OamApi` is a WSGI middleware in front of moto's server
(`World.start`): a request signed for OAM (SigV4 credential scope `…/<region>/oam/aws4_request`)
is answered here from `oam_store.OAM_STORE`, the requester's account being the one moto gives
its access key. Served, with botocore's model `oam/2022-06-10` (POST /<Operation>, JSON bodies,
member names as modelled):

- `CreateSink` (Name `^[a-zA-Z0-9_.-]{1,255}$`; one sink per account and region: a second one
  is a `ServiceQuotaExceededException`, the same name again a `ConflictException`), `GetSink`,
  `ListSinks` (MaxResults 1..100), `DeleteSink` (a `ConflictException` while links are
  attached), `PutSinkPolicy` / `GetSinkPolicy`;
- `CreateLink` from the source account (SinkIdentifier a sink ARN; ResourceTypes 1..50 of the
  modelled enum; LabelTemplate 1..64 characters): the sink must exist and its policy must admit
  the account and the types (else `AccessDeniedException`, 403, as IAM answers), one link per
  source account and sink (`ConflictException`), not to one's own sink
  (`InvalidParameterException`); `GetLink`, `ListLinks` (MaxResults 1..5), `DeleteLink`;
- `ListAttachedLinks` for the sink's owner (MaxResults 1..1000; another account's sink is a
  `ResourceNotFoundException`).

Identifiers are ARNs (or the bare id of one's own resource). Errors carry the code in
`x-amzn-ErrorType` and `message`/`Message` in the body, as modelled. Tagging and UpdateLink
are not served (`InvalidParameterException` naming the operation). `install()` makes moto's
reset clear the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from montui_world.ext.oam_store import (
    OAM_STORE,
    RESOURCE_TYPES,
    Link,
    Sink,
    policy_allows,
    sink_owner,
)
from montui_world.ext.patching import clear_on_reset
from montui_world.ext.requester import requester_account

__all__ = ["OamApi", "OamError", "answer", "install"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/oam/aws4_request")
_SINK_NAME = re.compile(r"^[a-zA-Z0-9_.\-]{1,255}$")
_IDENTIFIER = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_:.\-/]{0,2047}$")
_MARK = "_montui_oam_reset"
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}
_REASONS.update({429: "Too Many Requests"})
_LOWER_MESSAGE = {"InvalidParameterException", "MissingRequiredParameterException"}


class OamError(Exception):
    """An OAM error answer: HTTP status, code (`x-amzn-ErrorType`) and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _invalid(message: str) -> OamError:
    return OamError(400, "InvalidParameterException", message)


def _not_found(message: str) -> OamError:
    return OamError(404, "ResourceNotFoundException", message)


def install() -> None:
    """Make moto's reset clear the OAM store too (calling it again changes nothing)."""
    clear_on_reset(_MARK, OAM_STORE.clear)


class OamApi:
    """WSGI middleware: OAM requests answered here, the rest passed on to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        headers = [("Content-Type", "application/json")]
        try:
            body = _body(environ)
            operation = str(environ.get("PATH_INFO") or "/").strip("/")
            status, result = (
                200,
                answer(requester_account(environ, scope.group(1)), scope.group(2), operation, body),
            )
        except OamError as error:
            status = error.status
            key = "message" if error.code in _LOWER_MESSAGE else "Message"
            result = {key: error.message}
            headers.append(("x-amzn-ErrorType", error.code))
        data = json.dumps(result).encode()
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [data]


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise _invalid("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise _invalid("The request body must be a JSON object.")
    return parsed


def answer(account: str, region: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """The JSON answer to one OAM request; raises `OamError`."""
    handler = _HANDLERS.get(operation)
    if handler is None:
        raise _invalid(f"The operation {operation or '/'} is not served by the local world.")
    return handler(account, region, body)


def _required(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None or value == "" or value == []:
        raise OamError(400, "MissingRequiredParameterException", f"Missing required field {name}")
    return value


def _identifier(body: dict[str, Any], name: str) -> str:
    value = str(_required(body, name))
    if not _IDENTIFIER.match(value):
        raise _invalid(f"Invalid {name}: {value}")
    return value


def _max_results(body: dict[str, Any], top: int) -> int:
    value = body.get("MaxResults")
    if value is None:
        return top
    if not isinstance(value, int) or not 1 <= value <= top:
        raise _invalid(f"MaxResults must be between 1 and {top}")
    return value


def _page(items: list[dict[str, Any]], body: dict[str, Any], top: int) -> dict[str, Any]:
    size = _max_results(body, top)
    token = body.get("NextToken")
    try:
        first = int(token) if token else 0
    except ValueError:
        raise _invalid("Invalid NextToken") from None
    if not 0 <= first <= len(items):
        raise _invalid("Invalid NextToken")
    found: dict[str, Any] = {"Items": items[first : first + size]}
    if first + size < len(items):
        found["NextToken"] = str(first + size)
    return found


def _tags(body: dict[str, Any]) -> dict[str, str]:
    tags = body.get("Tags") or {}
    if not isinstance(tags, dict) or len(tags) > 50:
        raise _invalid("Tags must be a map of at most 50 tags")
    return {str(k): str(v) for k, v in tags.items()}


def _own_sink(account: str, region: str, identifier: str) -> Sink:
    with OAM_STORE.lock:
        sink = OAM_STORE.sinks.get(identifier)
        if sink is None:
            sink = next(
                (s for s in OAM_STORE.sinks_of(account, region) if s.id == identifier), None
            )
    if sink is None or (sink.account, sink.region) != (account, region):
        raise _not_found(f"Sink {identifier} does not exist.")
    return sink


def _own_link(account: str, region: str, identifier: str) -> Link:
    with OAM_STORE.lock:
        link = OAM_STORE.links.get(identifier)
        if link is None:
            link = next(
                (k for k in OAM_STORE.links_of(account, region) if k.id == identifier), None
            )
    if link is None or (link.account, link.region) != (account, region):
        raise _not_found(f"Link {identifier} does not exist.")
    return link


def _sink_body(sink: Sink, *, tags: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {"Arn": sink.arn, "Id": sink.id, "Name": sink.name}
    if tags:
        found["Tags"] = dict(sink.tags)
    return found


def _link_body(link: Link, *, tags: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {
        "Arn": link.arn,
        "Id": link.id,
        "Label": link.label,
        "LabelTemplate": link.label_template,
        "ResourceTypes": list(link.resource_types),
        "SinkArn": link.sink_arn,
    }
    if link.configuration:
        found["LinkConfiguration"] = link.configuration
    if tags:
        found["Tags"] = dict(link.tags)
    return found


def _create_sink(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    name = str(_required(body, "Name"))
    if not _SINK_NAME.match(name):
        raise _invalid(f"Invalid sink name: {name}")
    tags = _tags(body)
    with OAM_STORE.lock:
        existing = OAM_STORE.sinks_of(account, region)
        if any(s.name == name for s in existing):
            raise OamError(409, "ConflictException", f"A sink named {name} already exists.")
        if existing:
            raise OamError(
                429, "ServiceQuotaExceededException", "An account can own one sink per Region."
            )
        sink = Sink(account, region, name, tags=tags)
        OAM_STORE.sinks[sink.arn] = sink
    return _sink_body(sink)


def _get_sink(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    sink = _own_sink(account, region, _identifier(body, "Identifier"))
    return _sink_body(sink, tags=bool(body.get("IncludeTags")))


def _list_sinks(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    items = [_sink_body(s, tags=False) for s in OAM_STORE.sinks_of(account, region)]
    return _page(items, body, 100)


def _delete_sink(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    sink = _own_sink(account, region, _identifier(body, "Identifier"))
    with OAM_STORE.lock:
        if OAM_STORE.attached(sink.arn):
            raise OamError(
                409, "ConflictException", "Delete every link to the sink before the sink."
            )
        OAM_STORE.sinks.pop(sink.arn, None)
    return {}


def _put_sink_policy(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    sink = _own_sink(account, region, _identifier(body, "SinkIdentifier"))
    policy = str(_required(body, "Policy"))
    try:
        document = json.loads(policy)
    except ValueError:
        raise _invalid("The policy is not valid JSON.") from None
    if not isinstance(document, dict) or not document.get("Statement"):
        raise _invalid("The policy must hold a Statement.")
    with OAM_STORE.lock:
        sink.policy = policy
    return {"Policy": policy, "SinkArn": sink.arn, "SinkId": sink.id}


def _get_sink_policy(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    sink = _own_sink(account, region, _identifier(body, "SinkIdentifier"))
    found: dict[str, Any] = {"SinkArn": sink.arn, "SinkId": sink.id}
    if sink.policy is not None:
        found["Policy"] = sink.policy
    return found


def _resource_types(body: dict[str, Any]) -> tuple[str, ...]:
    types = _required(body, "ResourceTypes")
    if not isinstance(types, list) or not 1 <= len(types) <= 50:
        raise _invalid("ResourceTypes must list 1 to 50 resource types")
    for kind in types:
        if kind not in RESOURCE_TYPES:
            raise _invalid(f"Invalid resource type: {kind}")
    return tuple(dict.fromkeys(str(t) for t in types))


def _create_link(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    template = str(_required(body, "LabelTemplate"))
    if not 1 <= len(template) <= 64:
        raise _invalid("LabelTemplate must be 1 to 64 characters long")
    types = _resource_types(body)
    sink_arn = _identifier(body, "SinkIdentifier")
    owner = sink_owner(sink_arn)
    if owner is None:
        raise _invalid(f"Invalid SinkIdentifier: {sink_arn}")
    if owner[0] != region:
        raise _invalid("The sink must be in the same Region as the link.")
    if owner[1] == account:
        raise _invalid("A monitoring account cannot link to its own sink.")
    configuration = body.get("LinkConfiguration") or {}
    with OAM_STORE.lock:
        sink = OAM_STORE.sinks.get(sink_arn)
        if sink is None:
            raise _invalid(f"Sink {sink_arn} does not exist.")
        if not policy_allows(sink.policy, account, types):
            raise OamError(
                403,
                "AccessDeniedException",
                f"Account {account} is not authorized to perform oam:CreateLink on {sink_arn}"
                " (the sink policy does not allow it).",
            )
        if any(k.account == account for k in OAM_STORE.attached(sink_arn)):
            raise OamError(409, "ConflictException", "This account is already linked to the sink.")
        link = Link(account, region, template, types, sink_arn, tags=_tags(body))
        link.configuration = dict(configuration) if isinstance(configuration, dict) else {}
        OAM_STORE.links[link.arn] = link
    return _link_body(link)


def _get_link(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    link = _own_link(account, region, _identifier(body, "Identifier"))
    return _link_body(link, tags=bool(body.get("IncludeTags")))


def _list_links(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    items = [
        {
            "Arn": k.arn,
            "Id": k.id,
            "Label": k.label,
            "ResourceTypes": list(k.resource_types),
            "SinkArn": k.sink_arn,
        }
        for k in OAM_STORE.links_of(account, region)
    ]
    return _page(items, body, 5)


def _delete_link(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    link = _own_link(account, region, _identifier(body, "Identifier"))
    with OAM_STORE.lock:
        OAM_STORE.links.pop(link.arn, None)
    return {}


def _list_attached_links(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    sink = _own_sink(account, region, _identifier(body, "SinkIdentifier"))
    items = [
        {"Label": k.label, "LinkArn": k.arn, "ResourceTypes": list(k.resource_types)}
        for k in OAM_STORE.attached(sink.arn)
    ]
    return _page(items, body, 1000)


_HANDLERS: dict[str, Callable[[str, str, dict[str, Any]], dict[str, Any]]] = {
    "CreateSink": _create_sink,
    "GetSink": _get_sink,
    "ListSinks": _list_sinks,
    "DeleteSink": _delete_sink,
    "PutSinkPolicy": _put_sink_policy,
    "GetSinkPolicy": _get_sink_policy,
    "CreateLink": _create_link,
    "GetLink": _get_link,
    "ListLinks": _list_links,
    "DeleteLink": _delete_link,
    "ListAttachedLinks": _list_attached_links,
}
