"""The accounts montui watches, as the config's `[[account]]` tables name them.

An `AccountSpec` says how montui reaches one account: the base credentials themselves (neither
`profile` nor `role_arn`), a profile of the AWS config, or a role assumed from the base
credentials (sts:AssumeRole with a session name, an optional external id and a duration). Its
`alias` is what the account column, the banner and `--account` show and take. Pure values: the
sessions are `feeds.session.AwsSession`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from msgspec import Struct

DEFAULT_SESSION_NAME = "montui"
DEFAULT_DURATION = 3600
MIN_DURATION = 15 * 60
"""AssumeRole's DurationSeconds bounds (the role's MaxSessionDuration may lower the top)."""
MAX_DURATION = 12 * 3600

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
"""An IAM role ARN: partition, a 12-digit account, `role/` and a path-and-name."""
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
"""AssumeRole's RoleSessionName: 2 to 64 of letters, digits and `_+=,.@-`."""
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
"""AssumeRole's ExternalId: 2 to 1224 of letters, digits and `_+=,.@:/-`."""


class AccountSpec(Struct, frozen=True):
    """One watched account: how to reach it and what to call it."""

    alias: str
    """Unique; shown in the account column, the banner and the commands' output."""
    profile: str | None = None
    """An AWS profile whose credentials reach the account."""
    role_arn: str | None = None
    """A role assumed with the base credentials (the top-level profile or the default chain)."""
    session_name: str = DEFAULT_SESSION_NAME
    external_id: str | None = None
    duration: int = DEFAULT_DURATION
    """Seconds the assumed credentials last (they are refreshed before they expire)."""
    regions: tuple[str, ...] = ()
    """Empty: the top-level regions."""

    @property
    def role_account(self) -> str:
        """The account id the role ARN names ("" for a profile or the base account)."""
        found = ROLE_ARN.match(self.role_arn or "")
        return found[1] if found else ""

    @property
    def how(self) -> str:
        """How it is reached, in words: `role arn:…`, `profile prod`, `base credentials`."""
        if self.role_arn:
            return f"role {self.role_arn}"
        return f"profile {self.profile}" if self.profile else "base credentials"


BASE_ACCOUNT = AccountSpec(alias="")
"""Without `[[account]]`: the base credentials' own account, with no alias (no column)."""


class UnknownAccount(ValueError):
    """`--account` named an alias no `[[account]]` has; the message lists the known ones."""


def choose_accounts(
    specs: Sequence[AccountSpec], wanted: Iterable[str] | None
) -> tuple[AccountSpec, ...]:
    """The accounts `--account` chose, in config order: each of `wanted` may hold several
    aliases separated by commas; None or empty means every account. Raises `UnknownAccount`
    for an alias not configured, naming the known ones."""
    names = [n.strip() for value in wanted or () for n in value.split(",") if n.strip()]
    if not names:
        return tuple(specs)
    known = {spec.alias: spec for spec in specs if spec.alias}
    unknown = [n for n in dict.fromkeys(names) if n not in known]
    if unknown:
        listed = ", ".join(known) if known else "none: the config file has no [[account]]"
        noun = "account" if len(unknown) == 1 else "accounts"
        raise UnknownAccount(f"unknown {noun} {', '.join(unknown)} (known: {listed})")
    return tuple(s for s in specs if s.alias in names)


def header_words(aliases: Sequence[str], regions: Sequence[str]) -> str:
    """`3 accounts · 2 regions` for the board's header."""
    accounts = f"{len(aliases)} account{'s' if len(aliases) != 1 else ''}"
    return f"{accounts} · {len(regions)} region{'s' if len(regions) != 1 else ''}"
