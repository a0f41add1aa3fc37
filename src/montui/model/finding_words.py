"""A GuardDuty finding in an on-call engineer's words: the threat purpose, the affected
resource (`i-0abc… (web-1)`, `AKIA… user/deploy`, `s3://bucket`) with its identifying
fields, and the action (network connection, API call, DNS request, port probe) with its
evidence. Pure functions over the finding JSON in AWS's shape (botocore's field names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import Struct

__all__ = ["THREAT_PURPOSES", "ResourceWords", "action_lines", "purpose_words", "resource_words"]

THREAT_PURPOSES: Mapping[str, str] = {
    "AttackSequence": "a sequence of related activities that together look like an attack",
    "Backdoor": "a resource compromised to be controlled from outside",
    "Behavior": "activity that differs from the resource's established baseline",
    "CredentialAccess": "an attempt to steal credentials (account names, passwords, keys)",
    "CryptoCurrency": "software associated with cryptocurrencies (for example mining)",
    "DefenseEvasion": "an attempt to avoid being detected",
    "Discovery": "an attempt to learn about the account and its network",
    "Execution": "code run by an adversary on a resource",
    "Exfiltration": "an attempt to take data out of the network",
    "Impact": "an attempt to manipulate, interrupt or destroy systems and data",
    "InitialAccess": "an attempt to get a first foothold in the network",
    "PenTest": "activity of tools used for penetration testing",
    "Persistence": "an attempt to keep access across restarts and changed credentials",
    "Policy": "behaviour against security best practice",
    "PrivilegeEscalation": "an attempt to gain higher permissions",
    "Recon": "reconnaissance: probing the network or the account before an attack",
    "Stealth": "an attempt to hide actions and tracks",
    "Trojan": "a trojan program silently carrying out malicious activity",
    "UnauthorizedAccess": "suspicious activity or access by someone who should not have it",
}
"""What each threat purpose means (GuardDuty's finding-type format documentation)."""


def purpose_words(purpose: str) -> str:
    """The threat purpose in words; an unknown one as it is written."""
    return THREAT_PURPOSES.get(purpose, purpose or "unknown")


class ResourceWords(Struct, frozen=True):
    """The affected resource: `text` for a row, `kind` in words, its identifying fields
    (label, value), and `ids`: the identifiers an alarm's dimensions may name."""

    text: str
    kind: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    ids: frozenset[str] = frozenset()


def _tag(tags: Any, key: str) -> str:
    for tag in tags or ():
        if isinstance(tag, Mapping) and tag.get("Key") == key:
            return str(tag.get("Value") or "")
    return ""


def _short(identifier: str, keep: int) -> str:
    return identifier if len(identifier) <= keep + 1 else identifier[:keep] + "…"


def _present(pairs: Sequence[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple((label, str(value)) for label, value in pairs if value not in (None, "", []))


def _instance(details: Mapping[str, Any]) -> ResourceWords:
    instance_id = str(details.get("InstanceId") or "")
    name = _tag(details.get("Tags"), "Name")
    text = _short(instance_id, 6) + (f" ({name})" if name else "")
    nics = details.get("NetworkInterfaces") or [{}]
    nic = nics[0] if isinstance(nics[0], Mapping) else {}
    profile = details.get("IamInstanceProfile") or {}
    fields = _present([
        ("Instance", instance_id), ("Name", name), ("Type", details.get("InstanceType")),
        ("State", details.get("InstanceState")), ("Zone", details.get("AvailabilityZone")),
        ("Image", details.get("ImageId")), ("Private IP", nic.get("PrivateIpAddress")),
        ("Public IP", nic.get("PublicIp")), ("VPC", nic.get("VpcId")),
        ("Instance profile", profile.get("Arn")),
    ])  # fmt: skip
    return ResourceWords(text, "EC2 instance", fields, frozenset(filter(None, [instance_id])))


def _access_key(details: Mapping[str, Any]) -> ResourceWords:
    key = str(details.get("AccessKeyId") or "")
    user = str(details.get("UserName") or "")
    user_type = str(details.get("UserType") or "")
    who = {"IAMUser": "user/", "AssumedRole": "role/", "Role": "role/", "Root": "root"}.get(
        user_type, f"{user_type.lower()}/" if user_type else ""
    )
    principal = "root" if user_type == "Root" else f"{who}{user}"
    text = " ".join(filter(None, [_short(key, 4) if key else "", principal]))
    fields = _present([
        ("Access key", key), ("User", user), ("User type", user_type),
        ("Principal", details.get("PrincipalId")),
    ])  # fmt: skip
    # An assumed role's principal is `ROLEID:session`; a Lambda function's session is named
    # after the function, which its alarms name (FunctionName).
    principal_id = str(details.get("PrincipalId") or "")
    session = (
        principal_id.split(":", 1)[1] if user_type == "AssumedRole" and ":" in principal_id else ""
    )
    ids = frozenset([user, session]) - {""}
    return ResourceWords(text or "access key", "IAM access key", fields, ids)


def _buckets(resource: Mapping[str, Any]) -> ResourceWords:
    buckets = [b for b in resource.get("S3BucketDetails") or () if isinstance(b, Mapping)]
    names = [str(b.get("Name") or "") for b in buckets]
    text = ", ".join(f"s3://{n}" for n in names if n) or "S3 bucket"
    fields: list[tuple[str, str]] = []
    for bucket in buckets:
        access = (bucket.get("PublicAccess") or {}).get("EffectivePermission")
        fields += _present([
            ("Bucket", bucket.get("Name")), ("ARN", bucket.get("Arn")),
            ("Bucket type", bucket.get("Type")), ("Public access", access),
        ])  # fmt: skip
    return ResourceWords(text, "S3 bucket", tuple(fields), frozenset(n for n in names if n))


def _named(kind: str, prefix: str, details: Mapping[str, Any], *keys: str) -> ResourceWords:
    name = str(details.get(keys[0]) or "")
    fields = _present([(k, details.get(k)) for k in keys])
    return ResourceWords(
        f"{prefix}{name}" if name else kind, kind, fields, frozenset([name]) - {""}
    )


def resource_words(resource: Mapping[str, Any]) -> ResourceWords:
    """The `Resource` of a finding in words."""
    kind = str(resource.get("ResourceType") or "")
    if resource.get("InstanceDetails") and kind in ("Instance", ""):
        return _instance(resource["InstanceDetails"])
    if resource.get("S3BucketDetails"):
        return _buckets(resource)
    if details := resource.get("EksClusterDetails"):
        return _named("EKS cluster", "eks:", details, "Name", "Arn", "VpcId", "Status")
    if details := resource.get("EcsClusterDetails"):
        return _named("ECS cluster", "ecs:", details, "Name", "Arn", "Status")
    if details := resource.get("LambdaDetails"):
        return _named("Lambda function", "λ ", details, "FunctionName", "FunctionArn", "Role")
    if details := resource.get("RdsDbInstanceDetails"):
        keys = ("DbInstanceIdentifier", "DbClusterIdentifier", "Engine", "DbInstanceArn")
        return _named("RDS DB instance", "rds:", details, *keys)
    if details := resource.get("AccessKeyDetails"):
        return _access_key(details)
    if details := resource.get("InstanceDetails"):
        return _instance(details)
    return ResourceWords(kind or "unknown resource", kind)


def _remote(ip: Mapping[str, Any]) -> str:
    address = str(ip.get("IpAddressV4") or ip.get("IpAddressV6") or "")
    country = (ip.get("Country") or {}).get("CountryName")
    organization = ip.get("Organization") or {}
    org = organization.get("AsnOrg") or organization.get("Org")
    extra = ", ".join(str(x) for x in (country, org) if x)
    return f"{address} ({extra})" if extra else address


def _port(details: Mapping[str, Any] | None) -> str:
    if not details:
        return ""
    port, name = details.get("Port"), details.get("PortName")
    return f"{port} ({name})" if name and name != "Unknown" else str(port or "")


def action_lines(action: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The action of a finding as (label, value) lines, the kind first."""
    kind = str(action.get("ActionType") or "")
    if net := action.get("NetworkConnectionAction"):
        return (("Action", "network connection"), *_present([
            ("Direction", net.get("ConnectionDirection")), ("Protocol", net.get("Protocol")),
            ("Remote IP", _remote(net.get("RemoteIpDetails") or {})),
            ("Remote port", _port(net.get("RemotePortDetails"))),
            ("Local port", _port(net.get("LocalPortDetails"))),
            ("Blocked", net.get("Blocked")),
        ]))  # fmt: skip
    if api := action.get("AwsApiCallAction"):
        account = (api.get("RemoteAccountDetails") or {}).get("AccountId")
        return (("Action", "AWS API call"), *_present([
            ("API", api.get("Api")), ("Service", api.get("ServiceName")),
            ("Caller", api.get("CallerType")),
            ("Remote IP", _remote(api.get("RemoteIpDetails") or {})),
            ("Remote account", account), ("Error", api.get("ErrorCode")),
            ("User agent", api.get("UserAgent")),
        ]))  # fmt: skip
    if dns := action.get("DnsRequestAction"):
        return (("Action", "DNS request"), *_present([
            ("Domain", dns.get("Domain")), ("Protocol", dns.get("Protocol")),
            ("Blocked", dns.get("Blocked")),
        ]))  # fmt: skip
    if probe := action.get("PortProbeAction"):
        lines: list[tuple[str, str]] = [("Action", "port probe")]
        for detail in probe.get("PortProbeDetails") or ():
            lines += _present([
                ("Probed port", _port(detail.get("LocalPortDetails"))),
                ("From", _remote(detail.get("RemoteIpDetails") or {})),
            ])  # fmt: skip
        lines += _present([("Blocked", probe.get("Blocked"))])
        return tuple(lines)
    return (("Action", kind.replace("_", " ").lower()),) if kind else ()


def evidence_lines(service: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The threat intelligence behind a finding (`Service.Evidence`)."""
    lines: list[tuple[str, str]] = []
    evidence = service.get("Evidence") or {}
    for detail in evidence.get("ThreatIntelligenceDetails") or ():
        names = ", ".join(str(n) for n in detail.get("ThreatNames") or ())
        lines += _present([("Threat list", detail.get("ThreatListName")), ("Threats", names)])
    return tuple(lines)
