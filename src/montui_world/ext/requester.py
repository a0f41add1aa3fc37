"""Whose request is it: the account the world answers a signed request for.

moto picks a request's account in this order (`moto.core.responses.BaseResponse.
get_current_account`): the `MOTO_ACCOUNT_ID` environment variable, the `x-moto-account-id`
header, then the SigV4 access key (`moto.iam.models.get_account_id_from`: the account of an
IAM user's key, or of the role whose `sts:AssumeRole` returned it; any other key is the
default account). The world's own APIs (`ext.rds_api`, `ext.ses_api`, `ext.guardduty_api`,
`ext.pi_api`, `ext.sts_trust`) resolve it here the same way, so moto's services and the
world's never disagree on whose data a request reads.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from montui_world.identity import DEMO_ACCOUNT

__all__ = ["access_key_of", "account_of_key", "requester_account"]

_KEY = re.compile(r"Credential=([^/,\s]+)/")


def access_key_of(environ: Mapping[str, Any]) -> str | None:
    """The SigV4 access key of a WSGI request (None: not signed with SigV4)."""
    found = _KEY.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
    return found.group(1) if found else None


def account_of_key(access_key: str) -> str:
    """The account moto gives `access_key` (moto's IAM is loaded by its server already)."""
    override = os.environ.get("MOTO_ACCOUNT_ID")
    if override:
        return override
    try:
        from moto.iam.models import get_account_id_from
    except ImportError:  # pragma: no cover - moto always has IAM
        return DEMO_ACCOUNT
    return str(get_account_id_from(access_key))


def requester_account(environ: Mapping[str, Any], access_key: str) -> str:
    """The account a request signed with `access_key` is answered for, as moto decides it."""
    override = os.environ.get("MOTO_ACCOUNT_ID")
    if override:
        return override
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return str(header)
    return account_of_key(access_key)
