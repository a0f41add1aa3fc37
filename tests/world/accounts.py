"""Several accounts in the local world, set up with boto3 only, as a person would with the AWS CLI.

    base = base_session(world.endpoint)
    payments = add_account(base, "210987654321")              # role montui-readonly, trusting base
    guarded = add_account(base, "309876543210", external_id="s3cret")
    cw = payments.readonly.client("cloudwatch", region_name="us-east-1")   # acts in 210987654321

`add_account` does what an organisation's administrator does: from the base (management)
account it assumes `OrganizationAccountAccessRole` in the new account (every world account
has it, as accounts made through AWS Organizations do, see `montui_world.ext.sts_trust`),
creates there the role `montui-readonly` whose trust policy allows the base account (with an
`sts:ExternalId` condition when asked), and assumes it. Everything goes over the wire with
boto3: IAM CreateRole, STS AssumeRole, nothing in-process. The product's tests use it to build
worlds of several accounts; `World` fixtures reset it between tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

from montui_world.identity import DEMO_ACCOUNT, FAKE_ACCESS_KEY, FAKE_SECRET_KEY

READONLY_ROLE = "montui-readonly"
ORGANIZATION_ROLE = "OrganizationAccountAccessRole"
REGION = "us-east-1"


@dataclass(frozen=True)
class WorldAccount:
    """One account of the world: its id, montui's role there and sessions acting in it."""

    id: str
    role_arn: str
    admin: boto3.Session
    """Acting as the account's administrator (OrganizationAccountAccessRole)."""
    readonly: boto3.Session
    """Acting through `role_arn`, as montui does (assumed with the external id if any)."""
    external_id: str | None = None


def base_session(endpoint: str) -> boto3.Session:
    """The world's base credentials (its own account, `DEMO_ACCOUNT`), pointed at `endpoint`."""
    session = boto3.Session(
        aws_access_key_id=FAKE_ACCESS_KEY,
        aws_secret_access_key=FAKE_SECRET_KEY,
        region_name=REGION,
    )
    return _pointed(session, endpoint)


def _pointed(session: boto3.Session, endpoint: str) -> boto3.Session:
    # boto3 sessions take no endpoint: every client made from these is given it explicitly.
    setattr(session, "_montui_endpoint", endpoint)  # noqa: B010
    original = session.client

    def client(service: str, **kwargs: Any) -> Any:
        kwargs.setdefault("endpoint_url", endpoint)
        kwargs.setdefault("region_name", session.region_name or REGION)
        return original(service, **kwargs)

    setattr(session, "client", client)  # noqa: B010
    return session


def assume(
    session: boto3.Session,
    role_arn: str,
    *,
    external_id: str | None = None,
    session_name: str = "montui",
) -> boto3.Session:
    """A session acting through `role_arn`, assumed with `session`'s credentials."""
    args: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name}
    if external_id is not None:
        args["ExternalId"] = external_id
    found = session.client("sts").assume_role(**args)["Credentials"]
    assumed = boto3.Session(
        aws_access_key_id=found["AccessKeyId"],
        aws_secret_access_key=found["SecretAccessKey"],
        aws_session_token=found["SessionToken"],
        region_name=session.region_name or REGION,
    )
    return _pointed(assumed, str(getattr(session, "_montui_endpoint")))  # noqa: B009


def trust_policy(trusted: str = DEMO_ACCOUNT, external_id: str | None = None) -> str:
    """A role trust policy letting account `trusted` assume the role (and needing the id)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{trusted}:root"},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def add_account(
    base: boto3.Session,
    account_id: str,
    *,
    external_id: str | None = None,
    trusted: str = DEMO_ACCOUNT,
) -> WorldAccount:
    """Account `account_id` with the role `montui-readonly` trusting `trusted`, over the wire."""
    admin = assume(
        base, f"arn:aws:iam::{account_id}:role/{ORGANIZATION_ROLE}", session_name="admin"
    )
    role = admin.client("iam").create_role(
        RoleName=READONLY_ROLE,
        AssumeRolePolicyDocument=trust_policy(trusted, external_id),
        Description="montui reads alarms, metrics, logs and findings",
    )["Role"]
    readonly = (
        assume(base, role["Arn"], external_id=external_id) if trusted == DEMO_ACCOUNT else admin
    )
    return WorldAccount(account_id, role["Arn"], admin, readonly, external_id)
