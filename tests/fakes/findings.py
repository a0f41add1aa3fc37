"""A scripted `Findings` feed, and findings made to order in GetFindings' shape.

`aws_finding` builds one element of GetFindings' `Findings` with botocore's field names
(`Service.Action.NetworkConnectionAction.RemoteIpDetails.IpAddressV4`, …); `make_finding`
parses it with the model's own `finding_from_aws`, so fakes and AWS take the same path.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from montui.feeds.findings import Findings, FindingsQuery
from montui.model.findings import Detector, Finding, RegionFindings, finding_from_aws
from montui.model.findings import band_counts as count_bands
from tests.fakes.data import NOW

ACCOUNT = "123456789012"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def network_action(ip: str = "198.51.100.7", port: int = 22) -> dict[str, Any]:
    return {
        "ActionType": "NETWORK_CONNECTION",
        "NetworkConnectionAction": {
            "Blocked": False,
            "ConnectionDirection": "INBOUND",
            "Protocol": "TCP",
            "LocalPortDetails": {"Port": port, "PortName": "SSH"},
            "RemoteIpDetails": {
                "IpAddressV4": ip,
                "Country": {"CountryName": "Netherlands"},
                "Organization": {"AsnOrg": "Example Hosting"},
            },
            "RemotePortDetails": {"Port": 40312, "PortName": "Unknown"},
        },
    }


def api_action(api: str = "ListBuckets", service: str = "s3.amazonaws.com") -> dict[str, Any]:
    return {
        "ActionType": "AWS_API_CALL",
        "AwsApiCallAction": {
            "Api": api,
            "CallerType": "Remote IP",
            "ServiceName": service,
            "RemoteIpDetails": {"IpAddressV4": "203.0.113.9", "Country": {"CountryName": "Brazil"}},
        },
    }


def dns_action(domain: str = "pool.minexmr.example") -> dict[str, Any]:
    return {
        "ActionType": "DNS_REQUEST",
        "DnsRequestAction": {"Domain": domain, "Protocol": "UDP", "Blocked": False},
    }


def instance_resource(instance_id: str = "i-0abc1234def567890", name: str = "web-1") -> Any:
    return {
        "ResourceType": "Instance",
        "InstanceDetails": {
            "InstanceId": instance_id,
            "InstanceType": "t3.micro",
            "Tags": [{"Key": "Name", "Value": name}],
            "NetworkInterfaces": [{"PrivateIpAddress": "10.0.1.5", "VpcId": "vpc-1"}],
        },
    }


def key_resource(
    key: str = "AKIAIOSFODNN7EXAMPLE", user: str = "deploy", user_type: str = "IAMUser"
) -> Any:
    return {
        "ResourceType": "AccessKey",
        "AccessKeyDetails": {"AccessKeyId": key, "UserName": user, "UserType": user_type},
    }


def aws_finding(
    finding_id: str,
    severity: float,
    finding_type: str = "UnauthorizedAccess:EC2/SSHBruteForce",
    *,
    region: str = "ap-northeast-1",
    minutes_ago: float = 10,
    count: int = 1,
    archived: bool = False,
    title: str = "",
    resource: Any = None,
    action: Any = None,
    account: str = ACCOUNT,
) -> dict[str, Any]:
    """One finding in GetFindings' shape (`account`: the id it was found in)."""
    last = NOW - timedelta(minutes=minutes_ago)
    first = last - timedelta(hours=2)
    return {
        "AccountId": account,
        "Arn": f"arn:aws:guardduty:{region}:{account}:detector/d1/finding/{finding_id}",
        "CreatedAt": _iso(first),
        "Description": f"Description of {finding_type}.",
        "Id": finding_id,
        "Partition": "aws",
        "Region": region,
        "Resource": resource or instance_resource(),
        "SchemaVersion": "2.0",
        "Service": {
            "Action": action or network_action(),
            "Archived": archived,
            "Count": count,
            "DetectorId": "d1",
            "EventFirstSeen": _iso(first),
            "EventLastSeen": _iso(last),
            "ResourceRole": "TARGET",
            "ServiceName": "guardduty",
        },
        "Severity": severity,
        "Title": title or f"{finding_type} seen",
        "Type": finding_type,
        "UpdatedAt": _iso(last),
    }


def make_finding(finding_id: str, severity: float, finding_type: str = "", **kw: Any) -> Finding:
    if finding_type:
        kw["finding_type"] = finding_type
    return finding_from_aws(aws_finding(finding_id, severity, **kw))


class FakeFindings:
    """`data[region]` per poll (None: GuardDuty off there); `fail[region]` raised instead
    while set. `polls` counts calls; `in_flight`/`max_in_flight` track overlap; `queries`
    records what each poll asked."""

    def __init__(self, data: dict[str, list[Finding] | None] | None = None) -> None:
        self.data: dict[str, list[Finding] | None] = data or {}
        self.fail: dict[str, Exception] = {}
        self.polls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.queries: list[FindingsQuery] = []
        self.gate: asyncio.Event | None = None

    async def findings(self, region: str, query: FindingsQuery) -> RegionFindings:
        self.polls += 1
        self.queries.append(query)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                await self.gate.wait()
            if region in self.fail:
                raise self.fail[region]
            found = self.data.get(region, [])
            if found is None:
                return RegionFindings(region, None)
            listed = [
                f for f in found
                if (query.archived or not f.archived) and f.band >= query.min_band
            ]  # fmt: skip
            return RegionFindings(
                region, Detector("d1", "ENABLED"), tuple(listed), count_bands(listed)
            )
        finally:
            self.in_flight -= 1


_check: Findings = FakeFindings()
