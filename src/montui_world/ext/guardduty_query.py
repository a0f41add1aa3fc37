"""GuardDuty's finding queries on rendered findings: FindingCriteria, SortCriteria, paging
tokens and GetFindingsStatistics, as botocore's model (`guardduty/2017-11-28`) describes them.

A criterion names a finding attribute by its JSON path (`severity`, `service.archived`,
`resource.instanceDetails.instanceId`, …): only the attributes the model's documentation of
`FindingCriteria` lists are accepted, anything else is a `BadRequestException`. Conditions:
`Eq`/`Equals` (any of the values), `Neq`/`NotEquals` (none of them), `Matches`/`NotMatches`
(`*` wildcards), `Gt`/`Gte`/`Lt`/`Lte` and their long forms `GreaterThan`/…; on `updatedAt`
the numbers are epoch milliseconds. Paths through lists (network interfaces, tags) match
when any element does. Tokens are opaque to the caller: an offset sealed with a digest of
the query they belong to, so a token from another query or made up is refused
(`BadRequestException`).
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

__all__ = ["FILTERABLE", "GuardDutyError", "bad_request", "matches", "page", "sort", "statistics"]

FILTERABLE = frozenset(
    """accountId region confidence id resource.accessKeyDetails.accessKeyId
    resource.accessKeyDetails.principalId resource.accessKeyDetails.userName
    resource.accessKeyDetails.userType resource.instanceDetails.iamInstanceProfile.id
    resource.instanceDetails.imageId resource.instanceDetails.instanceId
    resource.instanceDetails.networkInterfaces.ipv6Addresses
    resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress
    resource.instanceDetails.networkInterfaces.publicDnsName
    resource.instanceDetails.networkInterfaces.publicIp
    resource.instanceDetails.networkInterfaces.securityGroups.groupId
    resource.instanceDetails.networkInterfaces.securityGroups.groupName
    resource.instanceDetails.networkInterfaces.subnetId
    resource.instanceDetails.networkInterfaces.vpcId resource.instanceDetails.tags.key
    resource.instanceDetails.tags.value resource.resourceType service.action.actionType
    service.action.awsApiCallAction.api service.action.awsApiCallAction.callerType
    service.action.awsApiCallAction.remoteIpDetails.city.cityName
    service.action.awsApiCallAction.remoteIpDetails.country.countryName
    service.action.awsApiCallAction.remoteIpDetails.ipAddressV4
    service.action.awsApiCallAction.remoteIpDetails.organization.asn
    service.action.awsApiCallAction.remoteIpDetails.organization.asnOrg
    service.action.awsApiCallAction.serviceName service.action.dnsRequestAction.domain
    service.action.dnsRequestAction.domainWithSuffix
    service.action.networkConnectionAction.blocked
    service.action.networkConnectionAction.connectionDirection
    service.action.networkConnectionAction.localPortDetails.port
    service.action.networkConnectionAction.protocol
    service.action.networkConnectionAction.remoteIpDetails.country.countryName
    service.action.networkConnectionAction.remoteIpDetails.ipAddressV4
    service.action.networkConnectionAction.remoteIpDetails.organization.asn
    service.action.networkConnectionAction.remoteIpDetails.organization.asnOrg
    service.action.networkConnectionAction.remotePortDetails.port
    service.additionalInfo.threatListName service.archived
    service.ebsVolumeScanDetails.scanId service.resourceRole severity type updatedAt""".split()  # noqa: SIM905
)
"""The attributes a FindingCriteria may name (the model's documentation of FindingCriteria)."""

_EQUAL = ("Eq", "Equals")
_NOT_EQUAL = ("Neq", "NotEquals")
_ORDER = {
    "Gt": "gt", "GreaterThan": "gt", "Gte": "ge", "GreaterThanOrEqual": "ge",
    "Lt": "lt", "LessThan": "lt", "Lte": "le", "LessThanOrEqual": "le",
}  # fmt: skip
_INVALID = (
    "The request is rejected because an invalid or out-of-range value is specified as an "
    "input parameter."
)


class GuardDutyError(Exception):
    """A GuardDuty error answer: HTTP status, the modelled exception (`x-amzn-ErrorType`),
    the service's inner `__type` and the message."""

    def __init__(self, status: int, code: str, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.kind, self.message = status, code, kind, message


def bad_request(message: str = _INVALID) -> GuardDutyError:
    """AWS's answer to invalid input: 400 BadRequestException, `__type` InvalidInputException."""
    return GuardDutyError(400, "BadRequestException", "InvalidInputException", message)


def _values(finding: Any, path: Sequence[str]) -> list[Any]:
    """Every value at `path` in `finding`, through lists."""
    node = finding
    for depth, name in enumerate(path):
        if isinstance(node, list):
            return [v for item in node for v in _values(item, path[depth:])]
        if not isinstance(node, dict) or name not in node:
            return []
        node = node[name]
    return list(node) if isinstance(node, list) else [node]


def _comparable(attribute: str, value: Any) -> Any:
    """A finding value in the form its conditions compare: epoch ms for updatedAt."""
    if attribute == "updatedAt" and isinstance(value, str):
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    return value


def _same(actual: Any, wanted: str) -> bool:
    if isinstance(actual, bool):
        return wanted.lower() == str(actual).lower()
    if isinstance(actual, int | float):
        try:
            return float(wanted) == float(actual)
        except ValueError:
            return False
    return str(actual) == wanted


def _condition_holds(values: list[Any], condition: dict[str, Any]) -> bool:
    for name, operand in condition.items():
        if name in _EQUAL and not any(_same(v, str(w)) for v in values for w in operand):
            return False
        if name in _NOT_EQUAL and any(_same(v, str(w)) for v in values for w in operand):
            return False
        if name == "Matches" and not any(_like(v, str(w)) for v in values for w in operand):
            return False
        if name == "NotMatches" and any(_like(v, str(w)) for v in values for w in operand):
            return False
        if name in _ORDER:
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            if not any(_compare(v, _ORDER[name], float(operand)) for v in numbers):
                return False
    return True


def _like(value: Any, pattern: str) -> bool:
    """`Matches`: the value as text against a pattern where `*` is any run of characters."""
    return fnmatch.fnmatchcase(str(value), pattern.replace("[", "[[]"))


def _compare(value: float, how: str, operand: float) -> bool:
    return {
        "gt": value > operand,
        "ge": value >= operand,
        "lt": value < operand,
        "le": value <= operand,
    }[how]


def check_criteria(criteria: Any) -> dict[str, dict[str, Any]]:
    """The `criterion` map of a `findingCriteria`, validated (BadRequestException if not)."""
    if criteria is None:
        return {}
    if not isinstance(criteria, dict) or not isinstance(criteria.get("criterion", {}), dict):
        raise bad_request()
    criterion: dict[str, dict[str, Any]] = {}
    for attribute, condition in criteria.get("criterion", {}).items():
        if attribute not in FILTERABLE or not isinstance(condition, dict) or not condition:
            raise bad_request()
        for name, operand in condition.items():
            name = name[0].upper() + name[1:]
            listed = name in _EQUAL + _NOT_EQUAL or name in ("Matches", "NotMatches")
            if listed and not (isinstance(operand, list) and operand):
                raise bad_request()
            if name in _ORDER and (
                isinstance(operand, bool) or not isinstance(operand, int | float)
            ):
                raise bad_request()
            if not listed and name not in _ORDER:
                raise bad_request()
            criterion.setdefault(attribute, {})[name] = operand
    return criterion


def matches(finding: dict[str, Any], criterion: dict[str, dict[str, Any]]) -> bool:
    """Whether `finding` (wire form) meets every condition of a checked `criterion`."""
    for attribute, condition in criterion.items():
        values = [_comparable(attribute, v) for v in _values(finding, attribute.split("."))]
        if not _condition_holds(values, condition):
            return False
    return True


def sort(findings: list[dict[str, Any]], sort_criteria: Any) -> list[dict[str, Any]]:
    """`findings` in `sortCriteria` order (attributeName, orderBy ASC by default); ties and
    findings without the attribute keep their stored order (the latter last)."""
    if sort_criteria is None:
        return findings
    if not isinstance(sort_criteria, dict):
        raise bad_request()
    attribute = sort_criteria.get("attributeName")
    order = sort_criteria.get("orderBy", "ASC")
    if order not in ("ASC", "DESC") or (attribute is not None and not isinstance(attribute, str)):
        raise bad_request()
    if not attribute:
        return findings
    path = attribute.split(".")
    keyed = [(_values(item, path), item) for item in findings]
    present = [(_comparable(attribute, values[0]), item) for values, item in keyed if values]
    absent = [item for values, item in keyed if not values]
    present.sort(key=lambda pair: pair[0], reverse=order == "DESC")
    return [item for _, item in present] + absent


def _seal(offset: int, query: str) -> str:
    digest = hashlib.sha256(f"{offset}|{query}".encode()).hexdigest()[:16]
    return base64.urlsafe_b64encode(json.dumps([offset, digest]).encode()).decode()


def page(items: Sequence[Any], token: Any, size: int, query: str) -> tuple[list[Any], str | None]:
    """One page of `items` of at most `size` from `token` (for this `query`), and the next
    page's token, if any."""
    start = 0
    if token:
        try:
            offset, digest = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            if _seal(int(offset), query) != token or not str(digest):
                raise ValueError(token)
            start = int(offset)
        except (ValueError, TypeError):
            raise bad_request("The request is rejected because the nextToken is invalid.") from None
    end = start + size
    return list(items[start:end]), (_seal(end, query) if end < len(items) else None)


def max_results(raw: Any, default: int, most: int) -> int:
    """A validated maxResults (1..`most`; `default` when absent)."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise bad_request() from None
    if isinstance(raw, bool) or not 1 <= value <= most:
        raise bad_request(
            f"The request is rejected because the value {raw} for maxResults is out of range; "
            f"it must be between 1 and {most}."
        )
    return value


def statistics(findings: Iterable[dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
    """The `findingStatistics` of GetFindingsStatistics for `findings` (already filtered)."""
    kinds, group = body.get("findingStatisticTypes"), body.get("groupBy")
    if bool(kinds) == bool(group):
        raise bad_request(
            "The request is rejected because you must provide either findingStatisticTypes "
            "or groupBy, and not both."
        )
    if kinds:
        if not isinstance(kinds, list) or any(k != "COUNT_BY_SEVERITY" for k in kinds):
            raise bad_request()
        counts: dict[str, int] = {}
        for item in findings:
            key = str(float(item["severity"]))
            counts[key] = counts.get(key, 0) + 1
        return {"countBySeverity": counts}
    if group not in _GROUPS:
        raise bad_request(f"The request is rejected because groupBy {group} is not valid.")
    order = body.get("orderBy", "DESC")
    if order not in ("ASC", "DESC"):
        raise bad_request()
    size = max_results(body.get("maxResults"), 25, 100)
    member, keys = _GROUPS[group]
    totals: dict[tuple[Any, ...], list[Any]] = {}
    for item in findings:
        last = datetime.fromisoformat(item["updatedAt"].replace("Z", "+00:00")).timestamp()
        entry = totals.setdefault(keys(item), [0, last, 0.0])
        entry[0] += 1
        entry[1] = max(entry[1], last)
        entry[2] = max(entry[2], float(item["severity"]))
    ranked = sorted(totals.items(), key=lambda kv: (kv[1][0], kv[0]), reverse=order == "DESC")
    rows = []
    for group_key, (total, last, severity) in ranked[:size]:
        row: dict[str, Any] = dict(group_key)
        row.update(totalFindings=total, lastGeneratedAt=last)
        if group == "DATE":
            row["severity"] = severity  # the day's highest
        rows.append(row)
    return {member: rows}


def _resource_id(finding: dict[str, Any]) -> str:
    """The affected resource's identifier, whatever its type."""
    resource = finding.get("resource", {})
    for path in (
        ("instanceDetails", "instanceId"),
        ("accessKeyDetails", "accessKeyId"),
        ("s3BucketDetails", "name"),
        ("eksClusterDetails", "name"),
        ("ecsClusterDetails", "name"),
        ("rdsDbInstanceDetails", "dbInstanceIdentifier"),
        ("lambdaDetails", "functionName"),
    ):
        found = _values(resource, path)
        if found:
            return str(found[0])
    return ""


def _day(finding: dict[str, Any]) -> float:
    moment = datetime.fromisoformat(finding["updatedAt"].replace("Z", "+00:00"))
    return moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


_GROUPS: dict[str, tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = {
    "SEVERITY": ("groupedBySeverity", lambda f: (("severity", float(f["severity"])),)),
    "FINDING_TYPE": ("groupedByFindingType", lambda f: (("findingType", f["type"]),)),
    "ACCOUNT": ("groupedByAccount", lambda f: (("accountId", f["accountId"]),)),
    "DATE": ("groupedByDate", lambda f: (("date", _day(f)),)),
    "RESOURCE": (
        "groupedByResource",
        lambda f: (
            ("accountId", f["accountId"]),
            ("resourceId", _resource_id(f)),
            ("resourceType", f["resource"]["resourceType"]),
        ),
    ),
}
"""GroupBy: the FindingStatistics member and the (field, value) pairs of a group's key."""
