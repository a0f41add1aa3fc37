"""Every page of a paginated AWS call, with a guard against servers that never finish.

A token repeated, or more than `MAX_PAGES` pages, raises a retryable `ServiceError` rather
than looping forever or returning part of the list as if it were all. `client_pages` opens
the service's client at a place first: what every listing of `sources` does.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from montui.model.place import Place
from montui.sources.error_mapping import TRY_AGAIN
from montui.sources.errors import ServiceError
from montui.sources.session import AwsClients

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
                cli_hint=TRY_AGAIN,
                service=service,
                region=region,
            )
        seen.add(token)
        params[token_key] = token
    raise ServiceError(
        f"{action} did not finish after {MAX_PAGES} pages",
        "montui retries",
        cli_hint=TRY_AGAIN,
        service=service,
        region=region,
    )


async def client_pages(
    clients: AwsClients,
    place: Place,
    service: str,
    operation: str,
    request: Mapping[str, Any],
    *,
    token_key: str = "NextToken",
) -> AsyncIterator[Mapping[str, Any]]:
    """`every_page` of `operation` (AWS's name: "DescribeAlarms") on `service`'s client at
    `place`. Errors pass through as raised: the caller maps them (`source_errors`)."""
    client = await clients.client(service, place)
    call = getattr(client, _method_name(operation))
    pages = every_page(
        call, request, action=operation, service=service, region=place.region, token_key=token_key
    )
    async for page in pages:
        yield page


def _method_name(operation: str) -> str:
    """botocore's method name for an operation: `DescribeLogGroups` → `describe_log_groups`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation).lower()
