"""Performance Insights (`pi`) over the wire: a WSGI middleware in front of moto, which has none.

A request signed for `pi` (SigV4 credential scope `…/<region>/pi/aws4_request`) is answered
here; everything else goes on to `app`. botocore's model (`pi/2018-02-27`) lists the
protocols `smithy-rpc-v2-cbor` and `json`, and the world serves both:
CBOR (`POST /service/PerformanceInsightsv20180227/operation/<Op>`, header `smithy-protocol:
rpc-v2-cbor`, timestamps as tag 1), which an SDK that prefers it sends, and JSON 1.1
(`X-Amz-Target: PerformanceInsightsv20180227.<Op>`, `application/x-amz-json-1.1`, timestamps
as epoch seconds), which the pinned botocore 1.43.117 sends (its
`PRIORITY_ORDERED_SUPPORTED_PROTOCOLS` puts json before smithy-rpc-v2-cbor, so aiobotocore and
boto3 pick json), as does the AWS CLI v1, whose model lists json alone. Each request is
answered in its own protocol, errors included (`{"__type": code, "message": …}`, the code
also in `x-amzn-ErrorType`). Operations:
GetResourceMetrics, DescribeDimensionKeys, GetDimensionKeyDetails,
ListAvailableResourceMetrics, ListAvailableResourceDimensions, GetResourceMetadata; any other
is InvalidArgumentException naming the operation (the world serves no PI writes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import cbor2

from montui_world.ext.pi_catalog import (
    available_dimensions,
    available_metrics,
    key_details,
    metadata,
)
from montui_world.ext.pi_query import dimension_keys, resource_metrics
from montui_world.ext.pi_request import PiError, Target
from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.requester import requester_account

__all__ = ["PiApi", "answer"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

TARGET_PREFIX = "PerformanceInsightsv20180227"
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/pi/aws4_request")
_CBOR_PATH = re.compile(rf"/service/{TARGET_PREFIX}/operation/([A-Za-z]+)$")
_OPERATIONS: dict[str, Callable[[Target, Mapping[str, Any]], dict[str, Any]]] = {
    "GetResourceMetrics": resource_metrics,
    "DescribeDimensionKeys": dimension_keys,
    "GetDimensionKeyDetails": key_details,
    "ListAvailableResourceMetrics": available_metrics,
    "ListAvailableResourceDimensions": available_dimensions,
    "GetResourceMetadata": lambda target, _: metadata(target),
}
_REASONS = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}


class PiApi:
    """WSGI middleware: Performance Insights requests answered here, the rest passed on."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        cbor = environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor"
        body = _body(environ)
        try:
            operation, request = _read(environ, body, cbor)
            status, result = (
                200,
                answer(
                    requester_account(environ, scope.group(1)), scope.group(2), operation, request
                ),
            )
        except PiError as error:
            status, result = error.status, {"__type": error.code, "message": error.message}
        headers = [("x-amzn-RequestId", "pi-" + format(abs(hash(body)), "x"))]
        if status != 200:
            headers.append(("x-amzn-ErrorType", str(result["__type"])))
        if cbor:
            data = cbor2.dumps(result, datetime_as_timestamp=True)
            headers += [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
        else:
            data = json.dumps(result, default=_epoch).encode()
            headers.append(("Content-Type", "application/x-amz-json-1.1"))
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [data]


def answer(account: str, region: str, operation: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to one Performance Insights operation; raises `PiError`."""
    handler = _OPERATIONS.get(operation)
    if handler is None:
        raise PiError(
            "InvalidArgumentException", f"The operation {operation} is not supported by this world"
        )
    target = PI_STORE.target(account, region, request.get("ServiceType"), request.get("Identifier"))
    return handler(target, request)


def _body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return bytes(environ["wsgi.input"].read(length)) if length > 0 else b""


def _read(environ: dict[str, Any], body: bytes, cbor: bool) -> tuple[str, dict[str, Any]]:
    """The operation and its input, from either protocol."""
    if cbor:
        found = _CBOR_PATH.search(str(environ.get("PATH_INFO") or ""))
        operation = found.group(1) if found else ""
        try:
            decoded = cbor2.loads(body) if body else {}
        except (cbor2.CBORDecodeError, ValueError) as error:
            raise PiError(
                "InvalidArgumentException", f"The request body is not CBOR: {error}"
            ) from error
    else:
        target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
        operation = (
            target.removeprefix(f"{TARGET_PREFIX}.") if target.startswith(TARGET_PREFIX) else ""
        )
        try:
            decoded = json.loads(body) if body else {}
        except ValueError as error:
            raise PiError(
                "InvalidArgumentException", f"The request body is not JSON: {error}"
            ) from error
    if not isinstance(decoded, dict):
        raise PiError("InvalidArgumentException", "The request body must be a structure")
    return operation, decoded


def _epoch(value: object) -> float:
    """Timestamps as epoch seconds, as awsJson 1.1 writes them (CBOR: tag 1, by cbor2)."""
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"not JSON: {value!r}")
