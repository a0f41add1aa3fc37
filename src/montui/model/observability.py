"""CloudWatch cross-account observability (OAM), as montui uses it: which accounts a
monitoring account reads, and how a linked account's log group is named in a request.

A *monitoring account* owns a sink in a region; *source accounts* link to it, each link
sharing some resource types. Only links sharing `AWS::Logs::LogGroup` count for logs and only
those sharing `AWS::CloudWatch::Metric` for metrics. Not being a monitoring account (no sink,
or no permission to ask) is a state, not an error: `Observability.reason` says why, in one line.

Log groups: montui keeps the base account's own groups by name and a linked account's group by
its ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`, no `:*`, as StartQuery wants it).
A query over groups of more than one account is sent with `logGroupIdentifiers` = every group's
ARN (AWS requires ARNs for linked groups); a query over the base account's groups alone keeps
`logGroupNames`, as before. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from msgspec import Struct

from montui.model.place import Place

LOG_GROUP = "AWS::Logs::LogGroup"
METRIC = "AWS::CloudWatch::Metric"

_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$")
_LINK_ARN = re.compile(r"^arn:aws[a-z-]*:oam:([a-z0-9-]+):(\d{12}):link/")


class LinkedAccount(Struct, frozen=True):
    """A source account linked to the monitoring account's sink in one region."""

    account: str
    label: str
    resource_types: frozenset[str]

    @property
    def shares_logs(self) -> bool:
        """Whether its log groups are readable from the monitoring account."""
        return LOG_GROUP in self.resource_types

    @property
    def shares_metrics(self) -> bool:
        """Whether its metrics are readable from the monitoring account."""
        return METRIC in self.resource_types


class Observability(Struct, frozen=True):
    """What the base account reads through OAM at `place` (its account and region)."""

    place: Place
    sink_arn: str = ""
    linked: tuple[LinkedAccount, ...] = ()
    reason: str = ""
    """Why nothing is linked, in one line ("" when something is)."""

    @property
    def monitoring(self) -> bool:
        """Whether the base account is a monitoring account in this region (owns a sink)."""
        return bool(self.sink_arn)

    def log_accounts(self) -> dict[str, str]:
        """Linked account id → label, for the links sharing log groups."""
        return {a.account: a.label for a in self.linked if a.shares_logs}

    def metric_accounts(self) -> dict[str, str]:
        """Linked account id → label, for the links sharing metrics."""
        return {a.account: a.label for a in self.linked if a.shares_metrics}

    def notice(self) -> str:
        """One line for the workbench: whose log groups it lists, or why only the base's."""
        logs = self.log_accounts()
        if logs:
            count = len(logs)
            return f"OAM: {count} linked account{'s' if count != 1 else ''} in {self.place.region}"
        return self.reason or f"OAM: no account shares its log groups in {self.place.region}"


def not_monitoring(place: Place, why: str) -> Observability:
    """The state of an account that reads no other account here, and why."""
    return Observability(place, reason=why)


def account_of_link(link_arn: str) -> str:
    """The source account of a link ARN (`arn:aws:oam:<region>:<account>:link/<id>`), or ""."""
    found = _LINK_ARN.match(link_arn)
    return found.group(2) if found else ""


def log_group_arn(region: str, account: str, name: str) -> str:
    """A log group's ARN as StartQuery takes it (no trailing `:*`)."""
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def split_log_group(group: str) -> tuple[str, str] | None:
    """(account, name) of a log group named by its ARN; None for a plain name."""
    found = _GROUP_ARN.match(group)
    return (found.group(2), found.group(3)) if found else None


def listed_group(name: str, arn: str, own: str) -> str:
    """How montui keeps a group DescribeLogGroups listed: its name when it is `own`'s (or its
    ARN says nothing), its ARN (no `:*`) when it is a linked account's."""
    split = split_log_group(arn)
    if split is None or not own or split[0] == own:
        return name
    return log_group_arn(arn.split(":")[3], split[0], split[1])


def group_name(group: str) -> str:
    """A log group's name, whether `group` is its name or its ARN."""
    split = split_log_group(group)
    return split[1] if split else group


def group_account(group: str, base: str) -> str:
    """The account a log group lives in: the ARN's, or `base` for a plain name."""
    split = split_log_group(group)
    return split[0] if split else base


def query_groups(groups: Sequence[str], place: Place) -> tuple[str, list[str]]:
    """The StartQuery member and its value for `groups` queried from `place`: `logGroupNames`
    when every group is the base account's, else `logGroupIdentifiers` with every group's ARN
    (the base account's named from `place`)."""
    accounts = {group_account(g, place.account) for g in groups}
    if accounts <= {place.account} and not any(split_log_group(g) for g in groups):
        return "logGroupNames", list(groups)
    return "logGroupIdentifiers", [
        g if split_log_group(g) else log_group_arn(place.region, place.account, g) for g in groups
    ]


def log_account(log_field: str) -> str:
    """The account of a result row's `@log` (`<account>:<group>`), or ""."""
    account, sep, _ = log_field.partition(":")
    return account if sep and account.isdigit() and len(account) == 12 else ""


def account_label(account: str, aliases: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """How an account is shown: its alias in montui's config, else its OAM link label, else
    its id."""
    return aliases.get(account) or labels.get(account) or account


def spans_accounts(groups: Sequence[str], base: str) -> bool:
    """Whether a query over `groups` reads another account than `base` (a linked group)."""
    return any(group_account(g, base) != base for g in groups)


def with_log_field(query: str) -> str:
    """`query` with `| fields @log` appended when its rows would not say which account (and
    log group) they come from: a query over several accounts' groups needs `@log`
    (`<account>:<group>`) to tell them apart. Left as written when it names `@log` already,
    or aggregates (`stats`) or picks its columns (`display`): those rows are the query's own."""
    words = set(re.findall(r"[@\w]+", query))
    if "@log" in words or "stats" in words or "display" in words:
        return query
    return f"{query.rstrip()}\n| fields @log"


def label_rows(
    rows: Sequence[Mapping[str, str]], base: str, labels: Mapping[str, str]
) -> tuple[dict[str, str], ...]:
    """Rows with an `account` field first (from `@log`: the account's label, `labels`
    giving aliases and link labels; the base account's too), for a query over several
    accounts; rows without `@log` are left as they are."""
    found: list[dict[str, str]] = []
    for row in rows:
        account = log_account(row.get("@log", ""))
        if not account:
            found.append(dict(row))
            continue
        found.append({"account": labels.get(account) or account, **row})
    return tuple(found)


def group_display(group: str, labels: Mapping[str, str]) -> str:
    """A log group as the picker and the workbench show it: its name, and for a linked
    account's group the account's label after it (`/aws/lambda/x @ shop-prod`)."""
    split = split_log_group(group)
    if split is None:
        return group
    account, name = split
    return f"{name} @ {labels.get(account) or account}"
