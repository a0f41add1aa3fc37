"""CloudWatch cross-account observability (OAM) in the world: sinks, links and who sees what.

A *monitoring account* owns a sink (one per region); a *source account* links to it, sharing
some resource types (`AWS::Logs::LogGroup`, `AWS::CloudWatch::Metric`, …). The sink's policy
decides which accounts may link and which types they may share. `OAM_STORE` keeps every sink
and link of the world; `oam_api` serves them over OAM's REST-JSON API, and the Logs and
CloudWatch extensions ask `linked_accounts` whether a monitoring account may read another
account's log groups or metrics (`logs_linked`, `metric_data`).

Plain data behind one lock; `clear()` on the world's reset. `link_accounts` is the seeding
path (no HTTP): the demo makes its base account a monitoring account with it.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LOG_GROUP",
    "METRIC",
    "OAM_STORE",
    "Link",
    "OamStore",
    "Sink",
    "link_accounts",
    "policy_allows",
]

LOG_GROUP = "AWS::Logs::LogGroup"
METRIC = "AWS::CloudWatch::Metric"
RESOURCE_TYPES = (
    "AWS::CloudWatch::Metric",
    "AWS::Logs::LogGroup",
    "AWS::XRay::Trace",
    "AWS::ApplicationInsights::Application",
    "AWS::InternetMonitor::Monitor",
    "AWS::ApplicationSignals::Service",
    "AWS::ApplicationSignals::ServiceLevelObjective",
)
"""botocore's `oam` model, shape `ResourceType`."""


@dataclass
class Sink:
    """A monitoring account's sink in one region."""

    account: str
    region: str
    name: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    tags: dict[str, str] = field(default_factory=dict)
    policy: str | None = None

    @property
    def arn(self) -> str:
        """`arn:aws:oam:<region>:<account>:sink/<id>`."""
        return f"arn:aws:oam:{self.region}:{self.account}:sink/{self.id}"


@dataclass
class Link:
    """A source account's link to a sink, sharing `resource_types`."""

    account: str
    region: str
    label_template: str
    resource_types: tuple[str, ...]
    sink_arn: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    tags: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """`arn:aws:oam:<region>:<account>:link/<id>`."""
        return f"arn:aws:oam:{self.region}:{self.account}:link/{self.id}"

    @property
    def label(self) -> str:
        """The label template with its variables resolved. The world knows no account names
        or e-mails: `$AccountName`, `$AccountEmail` and `$AccountEmailNoDomain` resolve to the
        account id, as AWS documents for the GovCloud regions."""
        text = self.label_template
        for variable in ("$AccountEmailNoDomain", "$AccountEmail", "$AccountName"):
            text = text.replace(variable, self.account)
        return text


def sink_owner(sink_arn: str) -> tuple[str, str] | None:
    """(region, account) of a sink ARN, or None if `sink_arn` is not one."""
    parts = sink_arn.split(":")
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "oam"] or not parts[5].startswith("sink/"):
        return None
    return parts[3], parts[4]


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def policy_allows(policy: str | None, account: str, resource_types: Iterable[str]) -> bool:
    """Whether a sink policy lets `account` create a link sharing `resource_types`.

    Read as AWS documents sink policies: an Allow statement whose `Principal.AWS` names the
    account (its id, `arn:aws:iam::<id>:root`) or `*`, whose `Action` covers `oam:CreateLink`,
    and whose `Condition` `ForAllValues:StringEquals` `oam:ResourceTypes` (when present) holds
    every type asked. Organization conditions are not modelled (the world has none)."""
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    wanted = set(resource_types)
    for statement in _listed(document.get("Statement") or []):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        actions = {str(a).lower() for a in _listed(statement.get("Action") or [])}
        if not actions & {"oam:createlink", "oam:*", "*"}:
            continue
        principal = statement.get("Principal")
        names = _listed(principal.get("AWS")) if isinstance(principal, Mapping) else [principal]
        if not any(str(n) in ("*", account, f"arn:aws:iam::{account}:root") for n in names):
            continue
        condition = statement.get("Condition") or {}
        allowed = (condition.get("ForAllValues:StringEquals") or {}).get("oam:ResourceTypes")
        if allowed is not None and not wanted <= {str(t) for t in _listed(allowed)}:
            continue
        return True
    return False


class OamStore:
    """Every sink and link of the world, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.sinks: dict[str, Sink] = {}
        """By ARN."""
        self.links: dict[str, Link] = {}
        """By ARN."""

    def clear(self) -> None:
        """Forget everything (the world's reset)."""
        with self.lock:
            self.sinks.clear()
            self.links.clear()

    def sinks_of(self, account: str, region: str) -> list[Sink]:
        """The sinks `account` owns in `region`, in creation order."""
        with self.lock:
            return [s for s in self.sinks.values() if (s.account, s.region) == (account, region)]

    def links_of(self, account: str, region: str) -> list[Link]:
        """The links `account` made in `region`, in creation order."""
        with self.lock:
            return [k for k in self.links.values() if (k.account, k.region) == (account, region)]

    def attached(self, sink_arn: str) -> list[Link]:
        """The links attached to a sink, in creation order."""
        with self.lock:
            return [k for k in self.links.values() if k.sink_arn == sink_arn]

    def linked_accounts(self, monitor: str, region: str, resource_type: str) -> dict[str, str]:
        """Source account id → link label, for the accounts linked to a sink of `monitor` in
        `region` that share `resource_type` (what the monitoring account may read)."""
        with self.lock:
            arns = {s.arn for s in self.sinks_of(monitor, region)}
            return {
                k.account: k.label
                for k in self.links.values()
                if k.sink_arn in arns and resource_type in k.resource_types
            }

    def can_read(self, monitor: str, source: str, region: str, resource_type: str) -> bool:
        """Whether `monitor` reads `source`'s `resource_type` in `region` (itself: always)."""
        return monitor == source or source in self.linked_accounts(monitor, region, resource_type)


OAM_STORE = OamStore()


def link_accounts(
    monitor: str,
    sources: Iterable[str],
    region: str,
    resource_types: tuple[str, ...] = (LOG_GROUP, METRIC),
    *,
    sink_name: str = "montui-monitoring",
) -> Sink:
    """Make `monitor` a monitoring account in `region` (its sink, created if missing, with a
    policy admitting `sources`) and link every source to it: the seeding path, no HTTP."""
    chosen = list(dict.fromkeys(sources))
    with OAM_STORE.lock:
        found = OAM_STORE.sinks_of(monitor, region)
        sink = found[0] if found else Sink(monitor, region, sink_name)
        OAM_STORE.sinks[sink.arn] = sink
        sink.policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": chosen},
                        "Action": ["oam:CreateLink", "oam:UpdateLink"],
                        "Resource": "*",
                        "Condition": {
                            "ForAllValues:StringEquals": {"oam:ResourceTypes": list(resource_types)}
                        },
                    }
                ],
            }
        )
        already = {k.account for k in OAM_STORE.attached(sink.arn)}
        for account in chosen:
            if account not in already and account != monitor:
                link = Link(account, region, "$AccountName", resource_types, sink.arn)
                OAM_STORE.links[link.arn] = link
    return sink
