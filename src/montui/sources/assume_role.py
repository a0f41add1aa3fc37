"""Credentials of a role assumed with the base credentials (sts:AssumeRole), refreshed before
they expire: how `AwsClients` reaches an `[[account]]` with `role_arn`.

aiobotocore's own `AioAssumeRoleCredentialFetcher` asks STS and caches the answer;
`AioDeferredRefreshableCredentials` calls it on first use and again before the credentials
expire. The STS client it asks through is one of montui's (the endpoint, the config and the
read-only guard of the other clients; `sts:AssumeRole` is on the allowlist: it changes nothing
in any account). A refusal (AccessDenied from the trust policy, a wrong external id, expired
base credentials) becomes `AssumeRoleFailed`: not fatal, retried on the poll schedule, shown in
place of that account's rows.

aiobotocore is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from msgspec import Struct

from montui.sources.errors import SourceError
from montui.sources.readonly import guard

EXPIRY_WINDOW = 15 * 60
"""Seconds before expiry at which fresh credentials are asked for (botocore's default)."""


class AssumedRole(Struct, frozen=True):
    """What to assume: the role, and AssumeRole's session name, external id and duration."""

    role_arn: str
    session_name: str = "montui"
    external_id: str | None = None
    duration: int = 3600

    def assume_role_args(self) -> dict[str, Any]:
        """AssumeRole's parameters besides RoleArn."""
        args: dict[str, Any] = {
            "RoleSessionName": self.session_name,
            "DurationSeconds": self.duration,
        }
        if self.external_id is not None:
            args["ExternalId"] = self.external_id
        return args


class AssumeRoleFailed(SourceError):
    """STS refused the role (trust policy, external id, the base credentials): that account
    alone is unreachable; retried on the poll schedule."""

    default_fatal = False
    retryable = True


def role_credentials(
    role: AssumedRole,
    base: Any,
    client_args: Callable[[], dict[str, Any]],
    static: tuple[str, str] | None = None,
) -> Any:
    """Refreshable credentials for `role`, assumed with `base` (an AioSession: its profile
    or default chain) or the `static` (key, secret) of the demo world. `client_args()`: the
    endpoint, region and config of the STS client. Nothing is sent before first use."""
    from aiobotocore.credentials import (
        AioAssumeRoleCredentialFetcher,
        AioCredentials,
        AioDeferredRefreshableCredentials,
    )

    @contextlib.asynccontextmanager
    async def sts_client(service: str, **kwargs: Any) -> AsyncIterator[Any]:
        async with base.create_client(service, **{**client_args(), **kwargs}) as client:
            guard(client)
            yield client

    fetcher: list[Any] = []

    async def refresh() -> dict[str, Any]:
        if not fetcher:
            source = AioCredentials(*static) if static else await base.get_credentials()
            if source is None:
                raise AssumeRoleFailed(
                    f"cannot assume {role.role_arn}: no base credentials",
                    "configure the base credentials (the top-level profile or the default "
                    "chain): the role is assumed with them",
                    service="sts",
                )
            fetcher.append(
                AioAssumeRoleCredentialFetcher(
                    sts_client, source, role.role_arn, extra_args=role.assume_role_args(),
                    expiry_window_seconds=min(EXPIRY_WINDOW, role.duration // 3),
                )
            )  # fmt: skip
        try:
            found: dict[str, Any] = await fetcher[0].fetch_credentials()
        except Exception as exc:
            raise assume_role_error(role, exc) from exc
        expires = datetime.fromisoformat(str(found["expiry_time"]).replace("Z", "+00:00"))
        if expires <= datetime.now(UTC):  # botocore would say only "still expired"
            raise AssumeRoleFailed(
                f"the credentials of {role.role_arn} expire at {expires:%Y-%m-%d %H:%M} UTC, "
                "already past by this machine's clock",
                "check the system clock (it must agree with AWS's)",
                service="sts",
            )
        return found

    return AioDeferredRefreshableCredentials(refresh_using=refresh, method="assume-role")


def assume_role_error(role: AssumedRole, exc: BaseException) -> AssumeRoleFailed:
    """What went wrong assuming `role`, in words an engineer can act on."""
    from montui.sources.error_mapping import map_error

    mapped = map_error(exc, service="sts", region=None, profile=None, action="sts:AssumeRole")
    code = ""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
    words = mapped.detail or mapped.message
    message = f"{code or type(mapped).__name__}: {words}"
    hint = (
        "check the role's trust policy (it must trust the base account, and ask for the "
        "external id configured) and that the base credentials may call sts:AssumeRole on it"
    )
    if code in ("ExpiredToken", "ExpiredTokenException") or "expired" in words.lower():
        hint = "the base credentials have expired: refresh them (aws sso login / aws configure)"
    failed = AssumeRoleFailed(message, hint, service="sts", detail=mapped.detail)
    failed.answered, failed.status = mapped.answered, mapped.status
    return failed
