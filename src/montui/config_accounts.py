"""The `[[account]]` tables of the config file: the accounts montui watches.

[[account]]
alias = "prod"                 # required, unique, shown in the account column
profile = "prod-readonly"      # either a profile...
role_arn = "arn:aws:iam::111111111111:role/montui-readonly"   # ...or a role to assume
session_name = "montui"        # optional (default "montui")
external_id = "x"              # optional
duration = "1h"                # optional, 15m..12h (default 1h)
regions = ["us-east-1"]        # optional (default: the top-level regions)

An `[[account]]` with neither `profile` nor `role_arn` is the base credentials' own account.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from montui.config_errors import ConfigSource, show
from montui.model.accounts import (
    DEFAULT_DURATION,
    DEFAULT_SESSION_NAME,
    EXTERNAL_ID,
    MAX_DURATION,
    MIN_DURATION,
    ROLE_ARN,
    SESSION_NAME,
    AccountSpec,
)
from montui.model.duration import parse_duration

_ALIAS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class AccountTable(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """`[[account]]` as written."""

    alias: str
    profile: str | None = None
    role_arn: str | None = None
    session_name: str = DEFAULT_SESSION_NAME
    external_id: str | None = None
    duration: int | str = DEFAULT_DURATION
    regions: list[str] | None = None


EXPECTED = {
    "account": "[[account]] tables (an array of tables)",
    "account[]": "a table",
    "account[].alias": 'a short unique name like "prod" (letters, digits, _ . -; at most 32)',
    "account[].profile": "an AWS profile name (a string)",
    "account[].role_arn": 'a role ARN like "arn:aws:iam::111111111111:role/montui-readonly"',
    "account[].session_name": "2 to 64 letters, digits or _+=,.@- (AssumeRole's session name)",
    "account[].external_id": "2 to 1224 letters, digits or _+=,.@:/- (the role's external id)",
    "account[].duration": 'a duration from 15m to 12h like "1h", or a number of seconds',
    "account[].regions": 'an array of region names like ["us-east-1"]',
    "account[].regions[]": 'a region name like "us-east-1"',
}


def account_specs(
    tables: list[AccountTable],
    src: ConfigSource,
    check_region: Callable[[str, str, ConfigSource], None],
) -> tuple[AccountSpec, ...]:
    """Check every `[[account]]` (errors name the file, line and key path) and build its spec.
    `check_region(region, key, src)` is the top-level regions' check."""
    seen: dict[str, str] = {}
    specs = []
    for i, table in enumerate(tables, 1):
        key = f"account[{i}]"
        spec = _spec(table, key, src, check_region)
        if spec.alias in seen:
            problem = f"{show(spec.alias)} is already the alias of {seen[spec.alias]}"
            raise src.error(f"{key}.alias", f"{problem} (aliases must be unique)")
        seen[spec.alias] = key
        specs.append(spec)
    return tuple(specs)


def _expected(key: str, name: str, got: object, src: ConfigSource) -> Exception:
    return src.error(f"{key}.{name}", f"expected {EXPECTED[f'account[].{name}']}, got {show(got)}")


def _spec(
    table: AccountTable,
    key: str,
    src: ConfigSource,
    check_region: Callable[[str, str, ConfigSource], None],
) -> AccountSpec:
    if not _ALIAS.match(table.alias):
        raise _expected(key, "alias", table.alias, src)
    if table.profile is not None and not table.profile.strip():
        raise _expected(key, "profile", table.profile, src)
    if table.role_arn is not None:
        if table.profile is not None:
            problem = "give either profile or role_arn, not both (the role is assumed with the "
            raise src.error(f"{key}.role_arn", problem + "base credentials)")
        if not ROLE_ARN.match(table.role_arn):
            raise _expected(key, "role_arn", table.role_arn, src)
    elif table.session_name != DEFAULT_SESSION_NAME or table.external_id is not None:
        name = "external_id" if table.external_id is not None else "session_name"
        raise src.error(f"{key}.{name}", "only applies with role_arn (the role to assume)")
    if not SESSION_NAME.match(table.session_name):
        raise _expected(key, "session_name", table.session_name, src)
    if table.external_id is not None and not EXTERNAL_ID.match(table.external_id):
        raise _expected(key, "external_id", table.external_id, src)
    duration = _duration(table.duration, key, src)
    regions: tuple[str, ...] = ()
    if table.regions is not None:
        if not table.regions:
            hint = "leave regions out to use the top-level regions"
            raise src.error(f"{key}.regions", f"expected at least one region name ({hint})")
        for n, region in enumerate(table.regions, 1):
            check_region(region, f"{key}.regions[{n}]", src)
        regions = tuple(dict.fromkeys(table.regions))
    return AccountSpec(
        alias=table.alias, profile=table.profile, role_arn=table.role_arn,
        session_name=table.session_name, external_id=table.external_id, duration=duration,
        regions=regions,
    )  # fmt: skip


def _duration(value: int | str, key: str, src: ConfigSource) -> int:
    try:
        seconds = parse_duration(value) if isinstance(value, str) else value
    except ValueError:
        raise _expected(key, "duration", value, src) from None
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise _expected(key, "duration", value, src)
    return seconds
