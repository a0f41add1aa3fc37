"""API Gateway: the REST APIs of a region, name → id (GetRestApis, every page).

The drill-down needs it because REST APIs publish their CloudWatch metrics by `ApiName`,
while their execution log group is named by id (`API-Gateway-Execution-Logs_<id>/<stage>`).
"""

from __future__ import annotations

from typing import Any

from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients

ACTION = "apigateway:GET"
"""GetRestApis is authorized as `apigateway:GET` on `arn:aws:apigateway:<region>::/restapis`."""
PAGE_SIZE = 500
"""GetRestApis' largest page."""

__all__ = ["ACTION", "rest_api_ids"]


async def rest_api_ids(clients: AwsClients, place: Place) -> dict[str, str]:
    """The REST APIs of `region`, name → id.

    API names need not be unique. When several APIs share a name, the one with the smallest
    id is kept: deterministic whatever order AWS lists them in, but the metric (which only
    carries the name) cannot tell them apart, so the plan may point at the wrong API's
    execution logs; its access-log search by name still finds both.
    """
    ids: dict[str, str] = {}
    request: dict[str, Any] = {"limit": PAGE_SIZE}
    with source_errors(
        service="apigateway", region=place.region, profile=clients.target.profile, action=ACTION
    ):
        pages = client_pages(
            clients, place, "apigateway", "GetRestApis", request, token_key="position"
        )
        async for answer in pages:
            for item in answer.get("items", []):
                name, api_id = str(item.get("name", "")), str(item.get("id", ""))
                if name and api_id and (name not in ids or api_id < ids[name]):
                    ids[name] = api_id
    return ids
