"""A fixed `CallerIdentity`."""

from __future__ import annotations

from montui.feeds.identity import CallerIdentity
from montui.model.account import Identity


class FakeIdentity:
    """Always the on-call role of account 123456789012."""

    async def identity(self) -> Identity:
        return Identity("123456789012", "arn:aws:sts::123456789012:assumed-role/OnCall/me", "X")


_check: CallerIdentity = FakeIdentity()
