"""The mapping from botocore's and the network's exceptions onto `sources.errors`.

botocore is imported lazily, inside `map_error`, so importing this module stays cheap.
"""

from __future__ import annotations

import builtins
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from montui.sources.errors import (
    AccessDenied,
    BadRequest,
    CredentialsExpired,
    EndpointUnreachable,
    InvalidCredentials,
    NoCredentials,
    NoRegion,
    NotEnabled,
    ServiceError,
    SourceError,
    Throttled,
    UnknownProfile,
    UnknownRegion,
)

_ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "NotAuthorizedException",  # Performance Insights
}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
_INVALID = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AuthFailure",
}
_NOT_ENABLED = {"OptInRequired", "SubscriptionRequiredException"}
_BAD_REQUEST = {
    "InvalidParameterValue",
    "ValidationError",
    "InvalidParameterCombination",
    "MalformedQueryException",
    "BadRequestException",
    "InvalidArgumentException",  # Performance Insights
}

_KNOWN_CODES = _ACCESS_DENIED | _THROTTLED | _EXPIRED | _INVALID | _NOT_ENABLED | _BAD_REQUEST

_GENERIC_REFRESH = "refresh your credentials (aws configure / aws sso login)"

TRY_AGAIN = "try again in a minute"
"""The hint of a passing fault to a command, which does not retry (the console does)."""
TRY_AGAIN_THROTTLED = "AWS is limiting the request rate: try again in a minute"


def map_error(
    exc: BaseException,
    *,
    service: str,
    region: str | None,
    profile: str | None,
    action: str | None = None,
) -> SourceError:
    """Turn any exception raised while talking to AWS into the matching `SourceError`.

    `action` is the IAM action the call needed (`cloudwatch:DescribeAlarms`), named in the
    hint when access is denied. A `SourceError` is returned unchanged.
    """
    if isinstance(exc, SourceError):
        return exc
    from botocore import exceptions as bx

    where: dict[str, Any] = {"service": service, "region": region}
    if isinstance(exc, bx.ClientError):
        return _from_client_error(exc, where, profile, action)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        whose = f" for profile {profile!r}" if profile else ""
        return NoCredentials(
            f"no AWS credentials found{whose}",
            "configure credentials for this profile, or run `montui --demo` to try montui "
            "without AWS",
            detail=str(exc),
            **where,
        )
    if isinstance(exc, bx.LoginError):
        return CredentialsExpired(
            "the `aws login` session has expired",
            f"run `aws login{_profile_flag(profile)}`",
            detail=str(exc),
            **where,
        )
    sso = (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError)
    if isinstance(exc, sso) or (isinstance(exc, bx.SSOError) and "expired" in str(exc).lower()):
        return _expired(profile, where, sso=True, detail=str(exc))
    if isinstance(exc, bx.SSOError):
        return InvalidCredentials(
            "could not obtain credentials through SSO",
            f"run `aws sso login{_profile_flag(profile)}`",
            detail=str(exc),
            **where,
        )
    if isinstance(exc, bx.CredentialRetrievalError):
        if "expired" in str(exc).lower():
            return _expired(profile, where, sso=None, detail=str(exc))
        return InvalidCredentials(
            "could not obtain credentials", _GENERIC_REFRESH, detail=str(exc), **where
        )
    if isinstance(exc, bx.ProfileNotFound):
        name = str(exc.kwargs.get("profile", profile or ""))
        return UnknownProfile(name, available_profiles(), **where)
    if isinstance(exc, bx.NoRegionError):
        return NoRegion(**where)
    if isinstance(exc, bx.UnknownRegionError | bx.InvalidRegionError):
        return UnknownRegion(str(exc.kwargs.get("region_name", region or "")), service=service)
    if isinstance(exc, bx.ParamValidationError):
        return BadRequest("montui sent an invalid request", detail=str(exc), **where)
    if _is_network_error(exc, bx):
        return _unreachable(exc, where)
    if isinstance(exc, bx.BotoCoreError):
        return ServiceError(str(exc), detail=type(exc).__name__, **where)
    return ServiceError(f"unexpected {type(exc).__name__}: {exc}", **where)


@contextmanager
def source_errors(
    *, service: str, region: str | None, profile: str | None, action: str | None = None
) -> Iterator[None]:
    """`with source_errors(...)`: re-raise anything but a `SourceError` through `map_error`.

    Cancellation (`BaseException`) passes through untouched.
    """
    try:
        yield
    except SourceError:
        raise
    except Exception as exc:
        raise map_error(
            exc, service=service, region=region, profile=profile, action=action
        ) from exc


def available_profiles() -> tuple[str, ...]:
    """Profile names in the AWS config and credentials files (empty if they can't be read)."""
    try:
        import botocore.session

        return tuple(sorted(botocore.session.Session().available_profiles))
    except Exception:
        return ()


def _from_client_error(
    exc: Any, where: dict[str, Any], profile: str | None, action: str | None
) -> SourceError:
    error = _client_error(exc, where, profile, action)
    mark_answered(error, exc)
    return error


def mark_answered(error: SourceError, exc: BaseException) -> SourceError:
    """`error`, marked as AWS's answer when `exc` (botocore's) carries one."""
    response: Mapping[str, Any] = getattr(exc, "response", None) or {}
    if response.get("Error") or response.get("ResponseMetadata"):
        error.answered = True
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        error.status = status if isinstance(status, int) else None
    return error


def _client_error(
    exc: Any, where: dict[str, Any], profile: str | None, action: str | None
) -> SourceError:
    error: Mapping[str, Any] = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    aws_message = str(error.get("Message", "")) or str(exc)
    metadata: Mapping[str, Any] = exc.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode")
    needed = action or f"{where['service']}:{getattr(exc, 'operation_name', '')}"
    if code in _ACCESS_DENIED or (status == 403 and code not in _KNOWN_CODES):
        return AccessDenied(
            f"not authorized to call {needed}", f"grant {needed}", detail=aws_message, **where
        )
    if code in _THROTTLED or status == 429:
        return Throttled(
            f"throttled by AWS ({code or status})",
            "montui backs off and retries; lower the refresh rate if this persists",
            cli_hint=TRY_AGAIN_THROTTLED,
            retry_after=_retry_after(metadata.get("HTTPHeaders", {})),
            detail=aws_message,
            **where,
        )
    if code in _EXPIRED:
        return _expired(profile, where, sso=None, detail=aws_message)
    if code in _INVALID:
        return InvalidCredentials(
            f"AWS rejected the credentials ({code})",
            "check the access key, or the system clock if the signature is off"
            if code == "SignatureDoesNotMatch"
            else _GENERIC_REFRESH,
            detail=aws_message,
            **where,
        )
    if code in _NOT_ENABLED:
        return NotEnabled(
            f"{where['service']} is not enabled here ({code})",
            "opt in to the region or subscribe to the service, or drop the region",
            detail=aws_message,
            **where,
        )
    if code in _BAD_REQUEST:
        return BadRequest(f"{code}: {aws_message}", detail=aws_message, **where)
    return ServiceError(
        f"{code or status or 'error'}: {aws_message}",
        "montui retries",
        cli_hint=TRY_AGAIN,
        detail=aws_message,
        **where,
    )


def _expired(
    profile: str | None, where: dict[str, Any], *, sso: bool | None, detail: str
) -> CredentialsExpired:
    uses_sso = _profile_uses_sso(profile) if sso is None else sso
    hint = f"run `aws sso login{_profile_flag(profile)}`" if uses_sso else _GENERIC_REFRESH
    return CredentialsExpired("the AWS credentials have expired", hint, detail=detail, **where)


def _profile_flag(profile: str | None) -> str:
    return f" --profile {profile}" if profile else ""


def _profile_uses_sso(profile: str | None) -> bool:
    """Whether the profile logs in through IAM Identity Center (reads the config file)."""
    try:
        import botocore.session

        scoped = botocore.session.Session(profile=profile).get_scoped_config()
    except Exception:
        return False
    return "sso_start_url" in scoped or "sso_session" in scoped


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _is_network_error(exc: BaseException, bx: Any) -> bool:
    """botocore's connection errors, aiohttp's client errors, socket errors and timeouts
    (`asyncio.TimeoutError` is the builtin `TimeoutError` since Python 3.11)."""
    if isinstance(exc, bx.ConnectionError | bx.HTTPClientError):
        return True
    if isinstance(exc, builtins.ConnectionError | socket.gaierror | TimeoutError):
        return True
    try:
        import aiohttp
    except ImportError:  # pragma: no cover - aiobotocore always brings aiohttp
        return False
    return isinstance(exc, aiohttp.ClientError)


def _unreachable(exc: BaseException, where: dict[str, Any]) -> EndpointUnreachable:
    kwargs: Mapping[str, Any] = getattr(exc, "kwargs", {}) or {}
    url = str(kwargs.get("endpoint_url", ""))
    host = urlsplit(url).netloc if url else str(getattr(exc, "host", "") or "")
    target = host or "the AWS endpoint"
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        message = f"{target} did not answer in time"
    else:
        message = f"cannot reach {target}"
    return EndpointUnreachable(
        message,
        "check the network, VPN or proxy",
        detail=str(exc) or type(exc).__name__,
        **where,
    )
