"""What a request asks (service, region, operation, wire protocol) and an error answered as
that service would answer it.

The protocol is the request's own (botocore picks one from the service model's `protocols`:
CloudWatch lists smithy-rpc-v2-cbor, json and query, and botocore 1.43 prefers json), so the
error mirrors it:

- json (Logs, CloudWatch): `{"__type": code, "message": …}` as `application/x-amz-json-1.x`
  and the `x-amzn-ErrorType` header; CloudWatch is `awsQueryCompatible`, so it also sends
  `x-amzn-query-error: Code;Sender`, from which botocore takes the query-era code;
- smithy-rpc-v2-cbor: the same map in CBOR with `smithy-protocol: rpc-v2-cbor`;
- rest-json (API Gateway, GuardDuty and OAM: operations named from their request URIs):
  `{"message": …}` and the code in `x-amzn-ErrorType`;
- query (RDS, STS, CloudWatch over query): `<ErrorResponse><Error><Type>Sender</Type>
  <Code>…</Code><Message>…</Message></Error>…`.

Codes and statuses come from botocore's service models (`botocore/data/<service>/`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape


class Protocol(Enum):
    """A wire protocol, as botocore's service models name it."""

    JSON = "json"
    CBOR = "smithy-rpc-v2-cbor"
    REST_JSON = "rest-json"
    QUERY = "query"


class ErrorKind(Enum):
    """An error the service itself answers (resets and stalls are not answers)."""

    THROTTLED = "throttled"
    INTERNAL = "internal"  # 500
    UNAVAILABLE = "unavailable"  # 503
    EXPIRED = "expired"  # ExpiredToken
    DENIED = "denied"  # AccessDenied


@dataclass(frozen=True)
class Call:
    """One AWS call as read from its request. `service` is the SigV4 signing name mapped to
    botocore's service name (`monitoring` is `cloudwatch`); "" where it could not be read."""

    service: str
    region: str
    operation: str
    protocol: Protocol


_SIGNING_NAMES = {"monitoring": "cloudwatch"}
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")


def read_call(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Call:
    """The call a request makes. `headers` has lower-case names."""
    scope = _SCOPE.search(headers.get("authorization", ""))
    region, signing = (scope.group(1), scope.group(2)) if scope else ("", "")
    service = _SIGNING_NAMES.get(signing, signing)
    path = urlsplit(target).path
    amz_target = headers.get("x-amz-target", "")
    content_type = headers.get("content-type", "")
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        found = _CBOR_PATH.search(path)
        return Call(service, region, found.group(1) if found else "", Protocol.CBOR)
    if amz_target:
        return Call(service, region, amz_target.rpartition(".")[2], Protocol.JSON)
    if "x-www-form-urlencoded" in content_type or "Action=" in urlsplit(target).query:
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        form.update(parse_qs(urlsplit(target).query))
        return Call(service, region, form.get("Action", [""])[0], Protocol.QUERY)
    if service == "ses":  # SES v2 shares v1's signing name; botocore calls it sesv2
        service = "sesv2"
    operation = _rest_operation(service, method, path) or f"{method} {path}"
    return Call(service, region, operation, Protocol.REST_JSON)


_GUARDDUTY_OPERATIONS = (
    ("GET", re.compile(r"/detector/?"), "ListDetectors"),
    ("POST", re.compile(r"/detector/?"), "CreateDetector"),
    ("GET", re.compile(r"/detector/[^/]+"), "GetDetector"),
    ("POST", re.compile(r"/detector/[^/]+"), "UpdateDetector"),
    ("DELETE", re.compile(r"/detector/[^/]+"), "DeleteDetector"),
    ("POST", re.compile(r"/detector/[^/]+/findings"), "ListFindings"),
    ("POST", re.compile(r"/detector/[^/]+/findings/get"), "GetFindings"),
    ("POST", re.compile(r"/detector/[^/]+/findings/statistics"), "GetFindingsStatistics"),
    ("POST", re.compile(r"/detector/[^/]+/findings/create"), "CreateSampleFindings"),
    ("POST", re.compile(r"/detector/[^/]+/findings/archive"), "ArchiveFindings"),
    ("POST", re.compile(r"/detector/[^/]+/findings/unarchive"), "UnarchiveFindings"),
)
"""GuardDuty's REST request URIs (botocore's model) by operation, so that a fault rule can
name `ListFindings` instead of a path with a detector id in it."""


def _rest_operation(service: str, method: str, path: str) -> str:
    if service == "oam" and method == "POST":  # OAM: POST /<Operation> (botocore's model)
        return path.strip("/")
    if service != "guardduty":
        return ""
    return next(
        (
            name
            for verb, uri, name in _GUARDDUTY_OPERATIONS
            if verb == method and uri.fullmatch(path)
        ),
        "",
    )


# (code, HTTP status) of each error kind, per protocol family, then per service.
_QUERY_CODES = {
    ErrorKind.THROTTLED: ("Throttling", 400),
    ErrorKind.INTERNAL: ("InternalFailure", 500),
    ErrorKind.UNAVAILABLE: ("ServiceUnavailable", 503),
    ErrorKind.EXPIRED: ("ExpiredToken", 403),
    ErrorKind.DENIED: ("AccessDenied", 403),
}
_JSON_CODES = {
    ErrorKind.THROTTLED: ("ThrottlingException", 400),
    ErrorKind.INTERNAL: ("InternalFailure", 500),
    ErrorKind.UNAVAILABLE: ("ServiceUnavailableException", 503),
    ErrorKind.EXPIRED: ("ExpiredTokenException", 400),
    ErrorKind.DENIED: ("AccessDeniedException", 400),
}
_SERVICE_CODES: dict[str, dict[ErrorKind, tuple[str, int]]] = {
    # CloudWatch's model: InternalServiceFault is code InternalServiceError, HTTP 500.
    "cloudwatch": {ErrorKind.INTERNAL: ("InternalServiceError", 500)},
    # API Gateway's model: TooManyRequestsException, HTTP 429.
    "apigateway": {
        ErrorKind.THROTTLED: ("TooManyRequestsException", 429),
        ErrorKind.EXPIRED: ("ExpiredTokenException", 403),
        ErrorKind.DENIED: ("AccessDeniedException", 403),
    },
    # GuardDuty's model has InternalServerErrorException (500); throttling and access are
    # answered as its REST siblings do: TooManyRequestsException 429, AccessDeniedException 403.
    "guardduty": {
        ErrorKind.THROTTLED: ("TooManyRequestsException", 429),
        ErrorKind.INTERNAL: ("InternalServerErrorException", 500),
        ErrorKind.EXPIRED: ("ExpiredTokenException", 403),
        ErrorKind.DENIED: ("AccessDeniedException", 403),
    },
    # SES v2's model: TooManyRequestsException, HTTP 429 (v1, query: Throttling, 400).
    "sesv2": {
        ErrorKind.THROTTLED: ("TooManyRequestsException", 429),
        ErrorKind.EXPIRED: ("ExpiredTokenException", 403),
        ErrorKind.DENIED: ("AccessDeniedException", 403),
    },
    # STS's model: ExpiredTokenException is code ExpiredTokenException, HTTP 400.
    "sts": {ErrorKind.EXPIRED: ("ExpiredTokenException", 400)},
    # Performance Insights' model: its fault is InternalServiceError, HTTP 500.
    "pi": {ErrorKind.INTERNAL: ("InternalServiceError", 500)},
}
_QUERY_COMPATIBLE = {"cloudwatch"}  # `awsQueryCompatible` in the service model's metadata
_MESSAGES = {
    ErrorKind.THROTTLED: "Rate exceeded",
    ErrorKind.INTERNAL: "An internal error occurred (injected by montui's fault proxy)",
    ErrorKind.UNAVAILABLE: "Service unavailable (injected by montui's fault proxy)",
    ErrorKind.EXPIRED: "The security token included in the request is expired",
    ErrorKind.DENIED: "User is not authorized to perform this operation",
}


@dataclass(frozen=True)
class Answer:
    """An HTTP response to send: status, headers (in order), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def error_code(call: Call, kind: ErrorKind) -> tuple[str, int]:
    """The error code and HTTP status the call's service answers `kind` with."""
    family = _QUERY_CODES if call.protocol is Protocol.QUERY else _JSON_CODES
    if call.service in _QUERY_COMPATIBLE:
        family = _QUERY_CODES
    return _SERVICE_CODES.get(call.service, {}).get(kind) or family[kind]


def error_answer(call: Call, kind: ErrorKind, request_id: str) -> Answer:
    """The error `kind` as the call's service answers it, in the call's protocol."""
    code, status = error_code(call, kind)
    message = _MESSAGES[kind]
    fault = "Receiver" if status >= 500 else "Sender"
    headers: list[tuple[str, str]] = [("x-amzn-RequestId", request_id)]
    if call.protocol is Protocol.QUERY:
        body = (
            "<ErrorResponse><Error>"
            f"<Type>{fault}</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return Answer(status, (*headers, ("Content-Type", "text/xml")), body)
    if call.service in _QUERY_COMPATIBLE:
        headers.append(("x-amzn-query-error", f"{code};{fault}"))
    if call.protocol is Protocol.CBOR:
        headers += [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
        return Answer(status, tuple(headers), cbor_text_map({"__type": code, "message": message}))
    headers.append(("x-amzn-ErrorType", code))
    if call.protocol is Protocol.REST_JSON:
        headers.append(("Content-Type", "application/json"))
        return Answer(status, tuple(headers), json.dumps({"message": message}).encode())
    headers.append(("Content-Type", "application/x-amz-json-1.1"))
    return Answer(status, tuple(headers), json.dumps({"__type": code, "message": message}).encode())


def cbor_text_map(items: Mapping[str, str]) -> bytes:
    """A CBOR map of text strings to text strings (RFC 8949: major types 5 and 3)."""
    if len(items) >= 24:
        raise ValueError("a short map only")
    out = bytearray([0xA0 | len(items)])
    for key, value in items.items():
        out += _cbor_text(key) + _cbor_text(value)
    return bytes(out)


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    size = len(data)
    if size < 24:
        return bytes([0x60 | size]) + data
    if size < 0x100:
        return bytes([0x78, size]) + data
    if size < 0x10000:
        return bytes([0x79]) + size.to_bytes(2, "big") + data
    return bytes([0x7A]) + size.to_bytes(4, "big") + data
