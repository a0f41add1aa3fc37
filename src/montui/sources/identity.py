"""Who the credentials belong to (sts:GetCallerIdentity): the header's account and role."""

from __future__ import annotations

from montui.model.account import Identity
from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.session import AwsClients


async def caller_identity(clients: AwsClients, place: Place) -> Identity:
    """The account, ARN and user id of the caller, asked of STS in `region`.

    Needs no IAM permission, so it is the cheapest way to prove the credentials work.
    Raises only `SourceError` subclasses.
    """
    with source_errors(
        service="sts",
        region=place.region,
        profile=clients.target.profile,
        action="sts:GetCallerIdentity",
    ):
        sts = await clients.client("sts", place)
        response = await sts.get_caller_identity()
        return Identity(
            account=str(response["Account"]),
            arn=str(response["Arn"]),
            user_id=str(response["UserId"]),
            region=place.region,
        )
