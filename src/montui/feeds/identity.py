"""Who the credentials belong to (STS GetCallerIdentity): the board header's account and role."""

from __future__ import annotations

from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.account import Identity


class CallerIdentity(Protocol):
    """The account and IAM identity behind the credentials."""

    async def identity(self) -> Identity: ...


class AwsCallerIdentity:
    """GetCallerIdentity through the session (asked once, shared with the session's account)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def identity(self) -> Identity:
        return await self.session.identity()
