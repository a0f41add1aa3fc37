"""CloudWatch cross-account observability (OAM): is the base account a monitoring account in a
region, and which source accounts are linked to it, sharing what.

`observability` asks `oam:ListSinks` (every page; the first sink is the region's, AWS allows
one) then `oam:ListAttachedLinks` on it (every page), and reads each link's account from its
ARN, its label and its resource types. Not being a monitoring account is a state, not an
error: no sink, no permission to ask (AccessDenied, or the read-only guard refusing) and an
endpoint without OAM all give an `Observability` with no linked account and a one-line
`reason`. Other errors (throttling, the network) are raised as `SourceError`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from montui.model.observability import (
    LinkedAccount,
    Observability,
    account_of_link,
    not_monitoring,
)
from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.errors import AccessDenied, NotAllowed, NotEnabled
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients

__all__ = ["observability"]


async def observability(clients: AwsClients, place: Place) -> Observability:
    """The base account's OAM state at `place` (see the module)."""
    profile = clients.target.profile
    asking = "oam:ListSinks"
    try:
        with source_errors(
            service="oam", region=place.region, profile=profile, action="oam:ListSinks"
        ):
            sinks: list[Mapping[str, Any]] = []
            async for page in client_pages(clients, place, "oam", "ListSinks", {}):
                sinks.extend(page.get("Items") or ())
        if not sinks:
            return not_monitoring(place, f"OAM: not a monitoring account in {place.region}")
        sink_arn = str(sinks[0].get("Arn", ""))
        asking = "oam:ListAttachedLinks"
        with source_errors(
            service="oam", region=place.region, profile=profile, action="oam:ListAttachedLinks"
        ):
            links: list[Mapping[str, Any]] = []
            request = {"SinkIdentifier": sink_arn}
            async for page in client_pages(clients, place, "oam", "ListAttachedLinks", request):
                links.extend(page.get("Items") or ())
    except (AccessDenied, NotAllowed):
        return not_monitoring(place, f"OAM: no permission ({asking}) in {place.region}")
    except NotEnabled:
        return not_monitoring(place, f"OAM: not available in {place.region}")
    linked = tuple(
        LinkedAccount(
            account=account,
            label=str(item.get("Label") or account),
            resource_types=frozenset(str(t) for t in item.get("ResourceTypes") or ()),
        )
        for item in links
        if (account := account_of_link(str(item.get("LinkArn", ""))))
    )
    why = "" if linked else f"OAM: no account linked in {place.region}"
    return Observability(place, sink_arn=sink_arn, linked=linked, reason=why)
