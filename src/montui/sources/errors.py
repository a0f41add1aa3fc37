"""The one error family sources raise, and the mapping from botocore's exceptions onto it.

Every public coroutine in `montui.sources` raises only `SourceError` subclasses: the UI shows
`message` and `hint` (a command, which does not retry, `cli_hint`), polls again after
`retryable` errors, and exits with status 2 on a `fatal` one
that happens before any data arrived (credential and profile problems no retry will fix).

botocore is imported lazily, inside `map_error`, so importing this module stays cheap.
"""

from __future__ import annotations

import builtins
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import urlsplit


class SourceError(Exception):
    """Something went wrong talking to AWS, in words an engineer can act on.

    `message` says what happened (short), `hint` what to do about it (may be empty), in the
    words of the console, whose panes retry; `cli_hint` what to do when nothing retries (a
    command such as `montui alarms`, which runs once and exits; `hint` unless given),
    `detail` the service's own words when it gave any. `fatal` errors are credential and
    profile problems no retry will fix; `retryable` ones may pass on the next poll.
    `answered`: AWS answered the request with this error (it was received and refused), as
    opposed to an answer that never came (a timeout, a reset connection), after which a
    request may have been carried out all the same; `status` the answer's HTTP status.
    """

    default_fatal: ClassVar[bool] = False
    retryable: ClassVar[bool] = True
    answered: bool = False
    status: int | None = None

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        service: str | None = None,
        region: str | None = None,
        fatal: bool | None = None,
        detail: str = "",
        cli_hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.cli_hint = hint if cli_hint is None else cli_hint
        self.service = service
        self.region = region
        self.fatal = type(self).default_fatal if fatal is None else fatal
        self.detail = detail

    @property
    def where(self) -> str:
        """`cloudwatch ap-northeast-1`, or as much of it as is known."""
        return " ".join(part for part in (self.service, self.region) if part)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class AccessDenied(SourceError):
    """The credentials work but lack a permission; `hint` names the IAM action to grant."""

    retryable = False


class NotEnabled(SourceError):
    """The service or region is not enabled (opted in, subscribed) for this account."""

    retryable = False


class Throttled(SourceError):
    """AWS asked us to slow down; `retry_after` is its suggested wait in seconds, if any."""

    def __init__(
        self, message: str, hint: str = "", *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, hint, **kwargs)
        self.retry_after = retry_after


class Unfixable(SourceError):
    """A credential, profile or region problem no retry will fix: fatal, not retryable."""

    default_fatal = True
    retryable = False


class CredentialsExpired(Unfixable):
    """The session token or SSO login has expired: log in again."""


class NoCredentials(Unfixable):
    """No credentials were found anywhere in the provider chain."""


class InvalidCredentials(Unfixable):
    """AWS rejected the credentials (unknown key, bad signature, clock skew)."""


class UnknownProfile(Unfixable):
    """The named profile is in neither the AWS config nor the credentials file."""

    def __init__(self, profile: str, available: tuple[str, ...] = (), **kwargs: Any) -> None:
        existing = ", ".join(available) if available else "none"
        super().__init__(
            f"AWS profile {profile!r} not found (profiles: {existing})",
            f"create it with `aws configure --profile {profile}` or `aws configure sso`",
            **kwargs,
        )
        self.profile = profile
        self.available = available


class UnknownRegion(Unfixable):
    """A region name botocore does not know (usually a typo such as `us-esat-1`)."""

    def __init__(self, region: str, suggestions: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(
            f"unknown AWS region {region!r}",
            f"use a region such as {', '.join(suggestions)}" if suggestions else "",
            region=region,
            **kwargs,
        )
        self.suggestions = suggestions


class NoRegion(Unfixable):
    """No region was given and none could be found in the environment or the profile."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            "no AWS region configured",
            "pass --region, set AWS_REGION, or watch several: "
            "`montui --region ap-northeast-1,us-east-1`",
            **kwargs,
        )


class EndpointUnreachable(SourceError):
    """The endpoint could not be reached or did not answer in time (network, DNS, proxy)."""


class BadRequest(SourceError):
    """AWS rejected the request's parameters: a montui bug or a bad value from the user."""

    retryable = False


class MalformedQuery(BadRequest):
    """Logs Insights could not parse the query. `start`/`end` are character offsets into the
    query text where AWS located the problem (None when it did not say)."""

    def __init__(
        self, message: str, *, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, "fix the query and run it again", **kwargs)
        self.start = start
        self.end = end


class NotAllowed(SourceError):
    """montui asked for an operation the IAM policy it ships does not grant (`action`, as IAM
    names it). Refused by the client before anything was built or sent: montui is read-only,
    so this is a montui bug, never retried."""

    retryable = False

    def __init__(self, action: str, **kwargs: Any) -> None:
        super().__init__(
            f"montui is read-only: {action} is not on its allowlist",
            "nothing was sent to AWS; this is a montui bug, please report it",
            **kwargs,
        )
        self.action = action


class ServiceError(SourceError):
    """Anything else: a 5xx, an unexpected response. Retrying may help."""


_ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
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
