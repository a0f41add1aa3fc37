"""Every page of a paginated AWS call, with a guard against servers that never finish.

A token repeated, or more than `MAX_PAGES` pages, raises a retryable `ServiceError` rather
than looping forever or returning part of the list as if it were all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from montui.sources.errors import ServiceError

MAX_PAGES = 2000


async def every_page(
    call: Callable[..., Awaitable[Mapping[str, Any]]],
    request: Mapping[str, Any],
    *,
    action: str,
    service: str,
    region: str,
    token_key: str = "NextToken",
) -> AsyncIterator[Mapping[str, Any]]:
    """Yield each page of `call(**request)`, following `token_key` to the last page."""
    params = dict(request)
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page = await call(**params)
        yield page
        token = page.get(token_key)
        if not token:
            return
        if token in seen:
            raise ServiceError(
                f"{action} returned the same {token_key} twice",
                "montui retries",
                service=service,
                region=region,
            )
        seen.add(token)
        params[token_key] = token
    raise ServiceError(
        f"{action} did not finish after {MAX_PAGES} pages",
        "montui retries",
        service=service,
        region=region,
    )
