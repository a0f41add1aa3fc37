"""montui is read-only, enforced: the AWS operations it may send, taken from the IAM policy it
ships, and the client hook that refuses every other one.

The policy is `iam-policy.json` beside this module: the one source of truth, packaged in the
wheel and read with `importlib.resources`, so an installed montui enforces the very file an
admin attaches to a role. `config/iam-policy.json` and the README's block are copies a test keeps
identical. `guard` registers a botocore `before-parameter-build` handler on a client that raises
`NotAllowed` for an operation the policy does not grant, before the request is built, signed
or sent.

Actions map to operations as IAM maps them for the services montui reads: `<service>:<Operation>`
with botocore's service name as the prefix (cloudwatch, logs, rds, sts), except where IAM's
prefix differs (`IAM_PREFIX`: SES v2's `sesv2` is `ses:`); API Gateway's
`apigateway:<HTTP verb>` on `arn:aws:apigateway:<region>::<path>` grants the operations with
that verb whose request path matches. `*` and `?` match as in IAM. `sts:GetCallerIdentity`
needs no policy and is always allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any

from msgspec import Struct

from montui.sources.errors import NotAllowed

POLICY_FILE = "iam-policy.json"
"""The policy's file name inside the `montui.sources` package."""

ALWAYS_ALLOWED = frozenset({"sts:getcalleridentity"})
"""Actions no IAM policy can deny, allowed without being in it (lower case)."""

_STATEMENT_KEYS = {"Sid", "Effect", "Action", "Resource"}

IAM_PREFIX = {"sesv2": "ses"}
"""botocore service names whose IAM actions carry another prefix (SES v2 is `ses:GetAccount`)."""


class Grant(Struct, frozen=True):
    """One Allow statement: action patterns (lower case) on resource patterns."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]


class Allowlist(Struct, frozen=True):
    """The operations an IAM policy grants, as montui checks them before each call."""

    grants: tuple[Grant, ...]

    @classmethod
    def from_policy(cls, document: Mapping[str, Any]) -> Allowlist:
        """The grants of a policy document; `ValueError` for anything but plain Allow
        statements of Action and Resource (a Deny, NotAction or Condition would make the
        allowlist differ from what IAM grants)."""
        grants: list[Grant] = []
        for statement in _listed(document.get("Statement")):
            if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
                raise ValueError(f"only Allow statements are supported: {statement!r}")
            extra = set(statement) - _STATEMENT_KEYS
            if extra:
                raise ValueError(f"unsupported statement keys {sorted(extra)}: {statement!r}")
            actions = tuple(str(a).lower() for a in _listed(statement.get("Action")))
            targets = tuple(str(r) for r in _listed(statement.get("Resource")))
            grants.append(Grant(actions, targets))
        return cls(tuple(grants))

    def permits(self, service: str, operation: str, method: str, request_uri: str) -> bool:
        """Whether `operation` of botocore's `service` (its HTTP `method` and `request_uri`
        from the service model) is granted."""
        if f"{service}:{operation}".lower() in ALWAYS_ALLOWED:
            return True
        action = iam_action(service, operation, method).lower()
        path = request_uri.split("?", 1)[0]
        for grant in self.grants:
            if not any(fnmatchcase(action, pattern) for pattern in grant.actions):
                continue
            if service != "apigateway" or any(_path_matches(path, r) for r in grant.resources):
                return True
        return False


def iam_action(service: str, operation: str, method: str) -> str:
    """The IAM action an operation needs: `logs:StartQuery`; API Gateway's is its verb."""
    if service == "apigateway":
        return f"apigateway:{method}"
    return f"{IAM_PREFIX.get(service, service)}:{operation}"


@cache
def allowlist() -> Allowlist:
    """The allowlist of the policy montui ships (read once)."""
    text = resources.files("montui.sources").joinpath(POLICY_FILE).read_text(encoding="utf-8")
    return Allowlist.from_policy(json.loads(text))


def guard(client: Any, allowed: Allowlist | None = None) -> None:
    """Make `client` (a botocore or aiobotocore client) refuse, with `NotAllowed`, every
    operation `allowed` (default: montui's policy) does not grant, before the request is
    built. Registering twice on one client keeps one handler."""
    rules = allowed or allowlist()
    region = client.meta.region_name

    def refuse_unlisted(model: Any, **_: Any) -> None:
        service = str(model.service_model.service_name)
        method = str(model.http.get("method", "POST"))
        if not rules.permits(service, model.name, method, str(model.http.get("requestUri", "/"))):
            action = iam_action(service, model.name, method)
            if service == "apigateway":
                action += f" on {model.http.get('requestUri', '/')} ({model.name})"
            raise NotAllowed(action, service=service, region=region)

    client.meta.events.register(
        "before-parameter-build", refuse_unlisted, unique_id="montui-read-only"
    )


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _path_matches(path: str, resource: str) -> bool:
    """Whether an API Gateway request path is within `resource` (`*` or
    `arn:aws:apigateway:<region>::<path pattern>`)."""
    if resource == "*":
        return True
    _, separator, pattern = resource.partition("::")
    return bool(separator) and fnmatchcase(path, pattern)
