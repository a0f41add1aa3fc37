"""The clients montui talks to AWS through (the target they reach, its profile, regions and
endpoint, is decided in `sources.target`). `AwsClients` keeps one aiobotocore session and
one long-lived client per (account, region, service), closed together on exit; a second one,
without botocore's automatic retry, for a request that must not be sent twice (StartQuery).

aiobotocore is imported lazily inside `AwsClients`: importing this module must stay cheap.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any

from montui.model.place import Place
from montui.sources.assume_role import role_credentials
from montui.sources.error_mapping import source_errors
from montui.sources.limiter import RateLimiter, install
from montui.sources.readonly import guard
from montui.sources.target import READ_TIMEOUT, AwsTarget
from montui.startup_log import mark

log = logging.getLogger(__name__)


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

    `hold`, when given, is awaited once before the AWS stack is imported (the first client):
    after a start-up prefetch, that import (~0.3 s of CPU in a thread, under the GIL) waits
    until the prefetched rows are on screen (`feeds.session`).

    Use as `async with AwsClients(target) as clients:`; `client()` raises only `SourceError`.
    """

    def __init__(
        self,
        target: AwsTarget,
        *,
        limiter: RateLimiter | None = None,
        hold: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.target = target
        self.limiter = limiter or RateLimiter()
        self._hold = hold
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
                        hold, self._hold = self._hold, None
                        if hold is not None:
                            await hold()
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
