"""A fixed `CallerIdentity`."""

from __future__ import annotations

from montui.feeds.identity import CallerIdentity
from montui.model.account import Identity


class FakeIdentity:
    """Always the on-call role of `account` (123456789012 unless told)."""

    def __init__(self, account: str = "123456789012") -> None:
        self.account = account

    async def identity(self) -> Identity:
        arn = f"arn:aws:sts::{self.account}:assumed-role/OnCall/me"
        return Identity(self.account, arn, "X")


_check: CallerIdentity = FakeIdentity()
