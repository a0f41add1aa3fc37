"""What the non-interactive commands share: one request per (account, region), its errors kept
apart, the plain-text table they print, and their JSON and CSV records: with several accounts
every record starts with `account_alias` (the `[[account]]` alias) and `account` (the 12-digit
id), in that order, in every command's JSON and CSV alike."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TextIO, TypeVar

from msgspec import Struct

from montui.model.place import Place

if TYPE_CHECKING:
    from montui.launch import AccountTarget
    from montui.sources.errors import SourceError
    from montui.sources.target import AwsTarget

_T = TypeVar("_T")


async def each_region(
    target: AwsTarget, fetch: Callable[[Any, Place], Awaitable[_T]], *, identify: bool = False
) -> tuple[list[tuple[str, _T]], list[SourceError]]:
    """`fetch(clients, place)` for every region of `target` at once, over one set of clients:
    the (region, answer) of those that answered, in the target's order, and the typed errors
    of those that did not (anything else is raised: a bug, not AWS). `identify`: the places
    carry the account id (a role's from its ARN, else GetCallerIdentity first), for answers
    whose objects have no ARN to learn it from (SES)."""
    from montui.sources.errors import SourceError
    from montui.sources.session import AwsClients

    async with AwsClients(target) as clients:
        account = ""
        if identify:
            try:
                account = await _account_of(target, clients)
            except SourceError as exc:
                return [], [exc]
        results = await asyncio.gather(
            *(fetch(clients, Place(account, region)) for region in target.regions),
            return_exceptions=True,
        )
    answers: list[tuple[str, _T]] = []
    errors: list[SourceError] = []
    for region, result in zip(target.regions, results, strict=True):
        if isinstance(result, SourceError):
            errors.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            answers.append((region, result))
    return answers, errors


class PlaceAnswer(Struct, Generic[_T], frozen=True):
    """One (account, region)'s answer: the account's alias ("" without `[[account]]`)."""

    alias: str
    region: str
    answer: _T


class PlaceError(Struct, frozen=True):
    """One (account, region)'s typed error (region "" when the account itself failed)."""

    alias: str
    error: SourceError

    def __str__(self) -> str:
        return f"{self.alias}: {self.error}" if self.alias else str(self.error)


async def _account_of(target: AwsTarget, clients: Any) -> str:
    from montui.model.accounts import ROLE_ARN
    from montui.sources.identity import caller_identity

    if target.role is not None and (found := ROLE_ARN.match(target.role.role_arn)):
        account = found[1]
    else:
        account = (await caller_identity(clients, Place("", target.regions[0]))).account
    clients.name_account(account)
    return account


async def each_place(
    accounts: Sequence[AccountTarget],
    fetch: Callable[[Any, Place], Awaitable[_T]],
    *,
    identify: bool = False,
) -> tuple[list[PlaceAnswer[_T]], list[PlaceError]]:
    """`each_region` for every account at once, each over its own clients (its profile or
    role): the answers in account then region order, and the errors, each with its alias."""
    from montui.sources.errors import SourceError

    async def account(entry: AccountTarget) -> tuple[list[PlaceAnswer[_T]], list[PlaceError]]:
        if entry.target is None:
            error = entry.error
            wrapped = error if isinstance(error, SourceError) else SourceError(str(error))
            return [], [PlaceError(entry.alias, wrapped)]
        answers, errors = await each_region(entry.target, fetch, identify=identify)
        return (
            [PlaceAnswer(entry.alias, region, answer) for region, answer in answers],
            [PlaceError(entry.alias, e) for e in errors],
        )

    found = await asyncio.gather(*(account(entry) for entry in accounts))
    return [a for answers, _ in found for a in answers], [e for _, errs in found for e in errs]


def write_columns(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """`header` and `rows` as left-aligned columns two spaces apart, trailing spaces cut."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    for row in [header, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


ACCOUNT_FIELDS = ("account_alias", "account")
"""What starts every record with several accounts: the alias, then the account's id."""


def with_account(record: dict[str, Any], alias: str | None, account: str) -> dict[str, Any]:
    """`record` started by `account_alias` (`alias`) and `account` (the id) when `alias` is
    given (several accounts); else `record` as it is."""
    if alias is None:
        return record
    rest = {k: v for k, v in record.items() if k not in ACCOUNT_FIELDS}
    return {"account_alias": alias, "account": account} | rest


def write_records(
    records: list[dict[str, Any]],
    output: str,
    out: TextIO,
    fields: Sequence[str],
    table: Callable[[list[dict[str, Any]], TextIO], None],
) -> None:
    """`records` as JSON (a list), CSV (the columns `fields`, after `ACCOUNT_FIELDS` when the
    records carry an alias: `with_account`) or `table(records, out)`."""
    if output == "json":
        json.dump(records, out, indent=2)
        out.write("\n")
    elif output == "csv":
        if records and "account_alias" in records[0]:
            fields = (*ACCOUNT_FIELDS, *(f for f in fields if f not in ACCOUNT_FIELDS))
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    else:
        table(records, out)


def report_error(exc: Exception, alias: str = "") -> None:
    """A command's error on stderr: `montui: [alias: ]what happened`, then what to do (the
    error's `cli_hint` when it has one, else its hint: a command does not retry)."""
    print(f"montui: {alias + ': ' if alias else ''}{exc}", file=sys.stderr)
    hint = getattr(exc, "cli_hint", getattr(exc, "hint", ""))
    if hint:
        print(f"  {hint}", file=sys.stderr)
