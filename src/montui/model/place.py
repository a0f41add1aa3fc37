"""Where something lives in AWS: an account and a region."""

from __future__ import annotations

from msgspec import Struct


class Place(Struct, frozen=True):
    """An (account, region) pair: what the source layer addresses and every object from AWS
    carries. `account` is "" only for the credentials' own account before its id is known
    (the first DescribeAlarms does not wait for GetCallerIdentity)."""

    account: str
    region: str

    def __str__(self) -> str:
        return f"{self.account}/{self.region}" if self.account else self.region


def account_of_arn(arn: str) -> str:
    """The account id in an ARN (`arn:aws:cloudwatch:us-east-1:123456789012:alarm:x` →
    `123456789012`); "" when it has none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) >= 5 and parts[0] == "arn" else ""
