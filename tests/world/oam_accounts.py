"""Clients of another account of the world, as a person gets them: STS AssumeRole (moto maps
the assumed role's keys to the role's account)."""

from __future__ import annotations

from typing import Any

import boto3

from montui_world.world import World

SOURCE = "222222222222"
OTHER = "333333333333"


def account_session(world: World, account: str, region: str) -> boto3.Session:
    """A boto3 session whose credentials belong to `account` (the base one for 123456789012)."""
    if account == "123456789012":
        return boto3.Session(region_name=region)
    sts = boto3.client("sts", region_name=region, endpoint_url=world.endpoint)
    # every world account has it, trusting the base account (`ext.sts_trust`)
    role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
    found = sts.assume_role(RoleArn=role, RoleSessionName="montui-test")["Credentials"]
    return boto3.Session(
        aws_access_key_id=found["AccessKeyId"],
        aws_secret_access_key=found["SecretAccessKey"],
        aws_session_token=found["SessionToken"],
        region_name=region,
    )


def client(world: World, service: str, account: str, region: str) -> Any:
    """A boto3 client of `service` for `account` in `region` against the world."""
    return account_session(world, account, region).client(service, endpoint_url=world.endpoint)
