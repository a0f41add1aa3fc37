"""Who montui is talking to AWS as: the account and the IAM identity behind the credentials."""

from __future__ import annotations

from msgspec import Struct


class Identity(Struct, frozen=True):
    """The caller, as sts:GetCallerIdentity reports it."""

    account: str
    arn: str
    user_id: str
    region: str = ""
    """The region STS was asked in."""

    @property
    def short(self) -> str:
        """The role or user name from the ARN, for a header: `arn:aws:sts::1:assumed-role/
        OnCall/alice` → `OnCall`, `arn:aws:iam::1:user/ops/bob` → `bob`, `…:root` → `root`.
        Falls back to the whole ARN (or the user id) when it has no recognisable shape."""
        resource = self.arn.split(":", 5)[5] if self.arn.count(":") >= 5 else ""
        kind, _, rest = resource.partition("/")
        if not rest:
            return kind or self.arn or self.user_id
        parts = rest.split("/")
        if kind == "assumed-role":
            return parts[-2] if len(parts) >= 2 else parts[0]
        return parts[-1]
