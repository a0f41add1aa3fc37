"""Logs' own error codes in words an engineer can act on, and which errors may pass.

`logs_errors` is `error_mapping.source_errors` for CloudWatch Logs: a malformed query keeps AWS's
location of the problem, the concurrent-query quota and an unknown log group get errors of
their own; anything else goes through `error_mapping.map_error`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from montui.sources.error_mapping import map_error, mark_answered
from montui.sources.errors import (
    BadRequest,
    EndpointUnreachable,
    MalformedQuery,
    ServiceError,
    SourceError,
    Throttled,
)
from montui.sources.session import AwsClients


class QueryLimitExceeded(SourceError):
    """The account runs as many Logs Insights queries as its quota allows."""

    retryable = True


class LogGroupNotFound(BadRequest):
    """A log group named in the query does not exist (or is not visible to these credentials)."""


@contextlib.contextmanager
def logs_errors(
    clients: AwsClients, region: str, action: str, groups: Sequence[str] = ()
) -> Iterator[None]:
    """Like `source_errors`, with Logs' own codes turned into words an engineer can act on."""
    where: dict[str, Any] = {"service": "logs", "region": region}
    try:
        yield
    except SourceError:
        raise
    except Exception as exc:
        response: Mapping[str, Any] = getattr(exc, "response", None) or {}
        error: Mapping[str, Any] = response.get("Error", {})
        code = str(error.get("Code", ""))
        aws_message = str(error.get("Message", "")) or str(exc)
        if code == "MalformedQueryException":
            compile_error: Mapping[str, Any] = response.get("queryCompileError") or {}
            location: Mapping[str, Any] = compile_error.get("location") or {}
            message = str(compile_error.get("message") or aws_message)
            raised: SourceError = MalformedQuery(
                message,
                start=_int_or_none(location.get("startCharOffset")),
                end=_int_or_none(location.get("endCharOffset")),
                detail=aws_message,
                **where,
            )
            raise mark_answered(raised, exc) from exc
        if code == "LimitExceededException":
            raised = QueryLimitExceeded(
                "the account's limit of concurrent Logs Insights queries is reached",
                "wait for running queries to finish, or stop some "
                "(aws logs describe-queries --status Running)",
                detail=aws_message,
                **where,
            )
            raise mark_answered(raised, exc) from exc
        if code == "ResourceNotFoundException" and groups:
            named = re.findall(r"'([^']+)'", aws_message)
            missing = [g for g in named if g in groups] or list(groups)
            which = ", ".join(missing)
            noun = "log group" if len(missing) == 1 else "one of the log groups"
            raised = LogGroupNotFound(
                f"{noun} {which} does not exist",
                "check the name and the region (montui lists groups by prefix)",
                detail=aws_message,
                **where,
            )
            raise mark_answered(raised, exc) from exc
        raise map_error(
            exc, service="logs", region=region, profile=clients.target.profile, action=action
        ) from exc


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def passing(exc: SourceError) -> bool:
    """Whether a later call may not meet `exc`: throttling, a 5xx answer, or no answer (the
    endpoint unreachable, a timeout, a reset connection, a broken response)."""
    if isinstance(exc, Throttled | EndpointUnreachable):
        return True
    return isinstance(exc, ServiceError) and (exc.status is None or exc.status >= 500)


def unsent(exc: SourceError) -> bool:
    """Whether the request behind `exc` never left: the connection to the endpoint could not
    be made (so nothing was carried out)."""
    from botocore import exceptions as bx

    return isinstance(exc.__cause__, bx.EndpointConnectionError | bx.ConnectTimeoutError)
