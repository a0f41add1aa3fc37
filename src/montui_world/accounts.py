"""The world's accounts and regions: who `serve --accounts N --regions M` makes, deterministically.

The first account is the base one, the world's fake credentials' own (`identity.DEMO_ACCOUNT`,
alias `demo`: the contact form and the shop). Each other account has an alias from `ALIASES`,
an id made from its position (`201201201201`, `202202202202`, …: twelve digits, easy to tell
apart on a board), and the role `montui-readonly` that trusts the base account, so montui (or
a person with the AWS CLI) assumes it from the base credentials. One account (the second,
`payments`) also has `montui-readonly-external`, the same role behind an `sts:ExternalId`
condition (`EXTERNAL_ID`), for the "assume-role denied" path.

Plain data, no moto: `serve`, the scenario, the benchmarks and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from montui_world.identity import DEMO_ACCOUNT, DEMO_REGIONS

__all__ = [
    "ALIASES",
    "BASE_ALIAS",
    "EXTERNAL_ID",
    "EXTERNAL_ROLE",
    "READONLY_ROLE",
    "WORLD_REGIONS",
    "WorldAccount",
    "aws_cli_profiles",
    "world_accounts",
    "world_regions",
]

BASE_ALIAS = "demo"
READONLY_ROLE = "montui-readonly"
EXTERNAL_ROLE = "montui-readonly-external"
EXTERNAL_ID = "montui-demo-external-id"
ALIASES = (
    "payments", "data", "edge", "search", "media", "identity", "billing", "mobile", "analytics",
    "platform", "growth", "support", "ledger", "catalog", "notify", "reports", "partners",
    "risk", "labs", "archive",
)  # fmt: skip
MAX_ACCOUNTS = 1 + len(ALIASES)
WORLD_REGIONS = (
    *DEMO_REGIONS,
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "sa-east-1",
    "ca-central-1",
)
"""Real region names, the demo's two first: `--regions N` takes the first N."""


@dataclass(frozen=True, slots=True)
class WorldAccount:
    """One account of the world: its alias, id, and the role montui assumes (None: the base
    account, reached with the world's own credentials)."""

    alias: str
    id: str
    role_arn: str | None

    def as_json(self) -> dict[str, str | None]:
        """The ready line's entry: `{"alias", "id", "role_arn"}`."""
        return {"alias": self.alias, "id": self.id, "role_arn": self.role_arn}


def world_accounts(count: int) -> tuple[WorldAccount, ...]:
    """The first `count` accounts (1..MAX_ACCOUNTS): the base one first."""
    if not 1 <= count <= MAX_ACCOUNTS:
        raise ValueError(f"accounts must be between 1 and {MAX_ACCOUNTS}")
    found = [WorldAccount(BASE_ALIAS, DEMO_ACCOUNT, None)]
    for index, alias in enumerate(ALIASES[: count - 1], start=1):
        account = f"{200 + index:03d}" * 4
        found.append(WorldAccount(alias, account, f"arn:aws:iam::{account}:role/{READONLY_ROLE}"))
    return tuple(found)


def world_regions(count: int) -> tuple[str, ...]:
    """The first `count` of `WORLD_REGIONS` (at least the demo's own two are always served)."""
    if not 1 <= count <= len(WORLD_REGIONS):
        raise ValueError(f"regions must be between 1 and {len(WORLD_REGIONS)}")
    return WORLD_REGIONS[:count]


def aws_cli_profiles(accounts: tuple[WorldAccount, ...], endpoint: str) -> list[str]:
    """Lines telling a person how to reach each account with the AWS CLI: a profile per
    other account (`role_arn` + `source_profile`), the base credentials as the source.
    Nothing for a world of one account."""
    if len(accounts) < 2:
        return []
    base = accounts[0]
    lines = [
        f"Accounts: {', '.join(f'{a.alias} {a.id}' for a in accounts)}. To reach the others",
        "with the AWS CLI, add to ~/.aws/config (the base credentials as source_profile):",
        f"  [profile {base.alias}]",
        f"  endpoint_url = {endpoint}",
        "  region = " + WORLD_REGIONS[0],
        "  (and its keys, as above, in ~/.aws/credentials)",
    ]
    for account in accounts[1:]:
        lines += [
            f"  [profile {account.alias}]",
            f"  role_arn = {account.role_arn}",
            f"  source_profile = {base.alias}",
            f"  endpoint_url = {endpoint}",
        ]
    lines += [
        f"  aws --profile {accounts[1].alias} sts get-caller-identity",
        "",
    ]
    return lines
