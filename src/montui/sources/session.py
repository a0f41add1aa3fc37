"""Where montui talks to AWS (profile, regions, endpoint) and the clients it talks through.

`resolve_target` is synchronous and reads only config files and the environment (the UI runs it
in a thread, CLI subcommands call it directly). `AwsClients` keeps one aiobotocore session and
one long-lived client per (account, region, service), closed together on exit; a second one,
without botocore's automatic retry, for a request that must not be sent twice (StartQuery).

aiobotocore is imported lazily inside `AwsClients`: importing this module must stay cheap.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from montui.model.place import Place
from montui.sources.assume_role import AssumedRole, role_credentials
from montui.sources.error_mapping import source_errors
from montui.sources.errors import NoRegion, SourceError, UnknownProfile
from montui.sources.limiter import RateLimiter, install
from montui.sources.readonly import guard
from montui.sources.regions import check_region
from montui.startup_log import mark

log = logging.getLogger(__name__)

READ_TIMEOUT = 10.0
"""Seconds botocore waits for an answer before it retries (tests behind the fault proxy, whose
stalls outlast it, make it small)."""


@dataclass(frozen=True)
class AwsTarget:
    """The AWS account view montui watches: a profile, its regions, an optional endpoint.

    `profile` None means botocore's default credential chain. `endpoint_url` overrides every
    service's endpoint (the local demo world); when None, botocore still honours
    `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`. `static_credentials` (key, secret)
    are only for the local demo world. `role`: the clients use that role's credentials,
    assumed with the profile's (or the static ones) and refreshed before they expire.
    """

    profile: str | None
    regions: tuple[str, ...]
    endpoint_url: str | None = None
    static_credentials: tuple[str, str] | None = None
    role: AssumedRole | None = None


def resolve_target(
    *,
    profile: str | None,
    regions: Sequence[str] | None,
    endpoint_url: str | None,
    config_profile: str | None = None,
    config_regions: Sequence[str] | None = None,
    config_endpoint_url: str | None = None,
    static_credentials: tuple[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    role: AssumedRole | None = None,
) -> AwsTarget:
    """Decide the profile, regions and endpoint from flags, montui's config and the environment.

    Profile: `profile` > AWS_PROFILE > AWS_DEFAULT_PROFILE > `config_profile` > None (the
    default chain; with `role`, the credentials the role is assumed with). With
    `static_credentials` only an explicit `profile` counts: the
    credentials do not come from a profile. Regions: `regions` > `config_regions` >
    AWS_REGION > AWS_DEFAULT_REGION > the profile's `region`; each entry may hold several
    names separated by commas; duplicates are dropped, order kept. Endpoint: `endpoint_url` >
    `config_endpoint_url` > None.

    Raises `UnknownProfile`, `UnknownRegion` or `NoRegion` (all fatal).
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    if static_credentials is not None:
        chosen = profile or None
    else:
        chosen = (
            profile
            or environ.get("AWS_PROFILE")
            or environ.get("AWS_DEFAULT_PROFILE")
            or config_profile
            or None
        )
    scoped = _profile_config(chosen, environ)
    names = _split_regions(regions) or _split_regions(config_regions)
    if not names:
        fallback = (
            environ.get("AWS_REGION")
            or environ.get("AWS_DEFAULT_REGION")
            or str(scoped.get("region") or "")
        )
        names = _split_regions([fallback])
    if not names:
        raise NoRegion()
    checked = tuple(dict.fromkeys(check_region(name) for name in names))
    return AwsTarget(
        profile=chosen,
        regions=checked,
        endpoint_url=endpoint_url or config_endpoint_url or None,
        static_credentials=static_credentials,
        role=role,
    )


def _split_regions(values: Sequence[str] | None) -> list[str]:
    if not values:
        return []
    return [part for value in values for part in re.split(r"[,\s]+", value) if part]


def _profile_config(profile: str | None, environ: Mapping[str, str]) -> Mapping[str, Any]:
    """The profile's section of the AWS config; `UnknownProfile` if a named one is missing."""
    import botocore.exceptions
    import botocore.session

    session = botocore.session.Session()
    for variable, key in (
        ("AWS_CONFIG_FILE", "config_file"),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials_file"),
    ):
        if environ.get(variable):
            session.set_config_variable(key, environ[variable])
    try:
        profiles: dict[str, Mapping[str, Any]] = session.full_config.get("profiles", {})
    except botocore.exceptions.BotoCoreError as exc:  # ConfigParseError and friends
        hint = "fix the file, or point AWS_CONFIG_FILE elsewhere"
        raise SourceError(f"cannot read the AWS config: {exc}", hint, fatal=True) from exc
    if profile is None:
        return profiles.get("default", {})
    if profile not in profiles:
        raise UnknownProfile(profile, tuple(sorted(profiles)))
    return profiles[profile]


class AwsClients:
    """One aiobotocore session per profile; one long-lived client per (account, region,
    service), created on first use, reused, closed by close().

    Its credentials reach one account: a `Place` whose account is "" means that account
    before its id is known; `name_account` gives it its id (the clients keep their keys).

    Every client is read-only (`readonly.guard`): an operation the IAM policy montui ships
    does not grant raises `NotAllowed` before anything is sent.

    `client(..., once=True)` is a separate client of the same service and place that sends
    each request exactly once (no automatic retry, botocore's standard mode allowing one
    attempt): for a request that is not idempotent, such as StartQuery, whose answer lost to
    a read timeout would otherwise have it sent, and carried out, again.

    Every request waits its turn under AWS's per-account, per-region quotas (`limiter`, one
    per `AwsClients` unless one is shared in: `sources.limiter`).

    Use as `async with AwsClients(target) as clients:`; `client()` raises only `SourceError`.
    """

    def __init__(self, target: AwsTarget, *, limiter: RateLimiter | None = None) -> None:
        self.target = target
        self.limiter = limiter or RateLimiter()
        self._session: Any = None
        self._config: Any = None
        self._once_config: Any = None
        self._clients: dict[tuple[str, str, str, bool], Any] = {}
        self._locks: dict[tuple[str, str, str, bool], asyncio.Lock] = {}
        self._stack = AsyncExitStack()
        self._session_lock = asyncio.Lock()
        self.account = ""
        """The credentials' account id, once named (`name_account`)."""

    def name_account(self, account: str) -> None:
        """The credentials' account is `account`: clients made before under "" are its."""
        if self.account:
            return
        self.limiter.rename_account(self.limit_account(), account)
        self.account = account
        for key in [k for k in self._clients if not k[0]]:
            self._clients[(account, *key[1:])] = self._clients.pop(key)
        for key in [k for k in self._locks if not k[0]]:
            self._locks[(account, *key[1:])] = self._locks.pop(key)

    async def client(self, service: str, place: Place, *, once: bool = False) -> Any:
        """The client for `service` at `place`, created once even under concurrent calls;
        `once`: the one that sends each request a single time (no automatic retry)."""
        region = place.region
        key = (place.account or self.account, region, service, once)
        existing = self._clients.get(key)
        if existing is not None:
            return existing
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            existing = self._clients.get(key)
            if existing is not None:
                return existing
            with source_errors(service=service, region=region, profile=self.target.profile):
                if self._session is None:
                    # aiobotocore's import (~0.3 s) off the event loop: after a start-up
                    # prefetch nothing has imported it yet (`feeds.session`).
                    async with self._session_lock:
                        if self._session is None:
                            await asyncio.to_thread(self._new_session)
                            mark("aiobotocore imported")
                args = self._client_args(region, once=once)
                context = self._new_session().create_client(service, **args)
                created = await self._stack.enter_async_context(context)
                guard(created)
                install(created, self.limiter, self.limit_account)
            self._clients[key] = created
            return created

    def limit_account(self) -> str:
        """Whose quotas the requests count against: the account, or the profile until the
        account is named."""
        return self.account or f"profile:{self.target.profile or 'default'}"

    async def close(self) -> None:
        """Close every client. The object can be used again afterwards (clients reopen)."""
        stack, self._stack = self._stack, AsyncExitStack()
        self._clients.clear()
        self._locks.clear()
        try:
            await stack.aclose()
        except Exception:
            log.debug("error while closing AWS clients", exc_info=True)

    async def __aenter__(self) -> AwsClients:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _new_session(self) -> Any:
        if self._session is None:
            from aiobotocore.session import AioSession

            session_vars = None
            if self.target.static_credentials is not None and self.target.profile is None:
                # The demo's credentials come from no profile: an ambient AWS_PROFILE naming
                # a missing profile must not break `montui --demo`.
                session_vars = {"profile": (None, None, None, None)}
            session = AioSession(session_vars=session_vars, profile=self.target.profile)
            if self.target.role is not None:
                session = self._role_session(session)
            self._session = session
        return self._session

    def _role_session(self, base: Any) -> Any:
        """A session whose credentials are the role's, assumed with `base`'s (or the static
        ones): STS is asked on first use, then again before they expire."""
        from aiobotocore.session import AioSession

        assert self.target.role is not None
        session = AioSession(session_vars={"profile": (None, None, None, None)})
        sts_region = self.target.regions[0] if self.target.regions else "us-east-1"
        # botocore has no public setter for a credentials object; `_credentials` is what
        # `get_credentials()` returns once set (the documented assume-role recipe uses it).
        session._credentials = role_credentials(
            self.target.role, base, lambda: self._client_args(sts_region),
            self.target.static_credentials,
        )  # fmt: skip
        return session

    def _client_args(self, region: str, *, once: bool = False) -> dict[str, Any]:
        if self._config is None:
            from aiobotocore.config import AioConfig

            self._config = AioConfig(
                retries={"mode": "standard", "total_max_attempts": 3},
                connect_timeout=3,
                read_timeout=READ_TIMEOUT,
                max_pool_connections=10,
            )
            # One attempt: the caller decides what to do when the answer is lost (StartQuery
            # answers in well under a second; 10 s tells a lost answer from a slow one).
            self._once_config = AioConfig(
                retries={"mode": "standard", "total_max_attempts": 1},
                connect_timeout=3,
                read_timeout=10,
                max_pool_connections=2,
            )
        config = self._once_config if once else self._config
        args: dict[str, Any] = {"region_name": region, "config": config}
        if self.target.endpoint_url:
            args["endpoint_url"] = self.target.endpoint_url
        if self.target.static_credentials is not None and self.target.role is None:
            key, secret = self.target.static_credentials
            args["aws_access_key_id"] = key
            args["aws_secret_access_key"] = secret
        return args
