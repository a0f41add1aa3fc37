"""The one error family sources raise.

Every public coroutine in `montui.sources` raises only `SourceError` subclasses: the UI shows
`message` and `hint` (a command, which does not retry, `cli_hint`), polls again after
`retryable` errors, and exits with status 2 on a `fatal` one
that happens before any data arrived (credential and profile problems no retry will fix).
The mapping from botocore's exceptions onto them is `sources.error_mapping`; this module
imports nothing of the AWS stack, so screens can `isinstance` against it cheaply.
"""

from __future__ import annotations

from typing import Any, ClassVar


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
