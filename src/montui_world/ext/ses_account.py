"""What SES's account writes do to `ses_store.STORE`, with the validation of botocore's
`sesv2/2019-09-27` model (enums, lengths, patterns, required members): a bad value is a
`BadRequestException`, as AWS answers it. Also the test hook's changes (what AWS decides:
enforcement, review, production access) and the recipient count of a send."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from montui_world.ext.ses_store import STORE, AccountDetails
from montui_world.ext.ses_wire import SesError

__all__ = ["apply_hook", "put_details", "put_sending", "put_suppression"]

MAIL_TYPES = ("MARKETING", "TRANSACTIONAL")
LANGUAGES = ("EN", "JA")
REASONS = ("BOUNCE", "COMPLAINT")
ENFORCEMENT = ("HEALTHY", "PROBATION", "SHUTDOWN")
REVIEW = ("PENDING", "FAILED", "GRANTED", "DENIED")
_URL = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?")
_EMAIL = re.compile(r"^(.+)@(.+)$")
PRODUCTION_QUOTA = (50000.0, 14.0)
"""What a granted production access request gives when the hook does not say."""


def _bad(message: str) -> SesError:
    return SesError(400, "BadRequestException", message)


def _enum(document: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = document.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise _bad(f"Invalid value for {name}: {value}. Valid values: {', '.join(allowed)}.")
    return str(value)


def _bool(document: dict[str, Any], name: str) -> bool | None:
    value = document.get(name)
    if value is not None and not isinstance(value, bool):
        raise _bad(f"{name} must be a boolean.")
    return value


def put_details(account: str, region: str, document: dict[str, Any]) -> None:
    """PutAccountDetails: store the details; `ProductionAccessEnabled: true` on a sandbox
    account opens a review (PENDING, a new case id) that AWS, here the hook, decides."""
    mail_type = _enum(document, "MailType", MAIL_TYPES)
    if mail_type is None:
        raise _bad("MailType is required.")
    url = document.get("WebsiteURL")
    if not isinstance(url, str) or not 1 <= len(url) <= 1000 or not _URL.match(url):
        raise _bad("WebsiteURL is required and must be a URL of 1 to 1000 characters.")
    language = _enum(document, "ContactLanguage", LANGUAGES)
    use_case = document.get("UseCaseDescription")
    if use_case is not None and (not isinstance(use_case, str) or len(use_case) > 5000):
        raise _bad("UseCaseDescription must be a string of at most 5000 characters.")
    contacts = document.get("AdditionalContactEmailAddresses")
    if contacts is not None:
        if not isinstance(contacts, list) or not 1 <= len(contacts) <= 4:
            raise _bad("AdditionalContactEmailAddresses must list 1 to 4 addresses.")
        for address in contacts:
            if not isinstance(address, str) or len(address) > 254 or not _EMAIL.match(address):
                raise _bad(f"Invalid email address in AdditionalContactEmailAddresses: {address}")
    wants_production = _bool(document, "ProductionAccessEnabled")
    current = STORE.account(account, region)
    if current.review_status == "PENDING":
        raise SesError(
            409,
            "ConflictException",
            "Your account details are under review. You can't update them until the review "
            "is complete.",
        )
    changes: dict[str, Any] = {
        "details": AccountDetails(
            mail_type, url, language, use_case, tuple(str(c) for c in contacts or ())
        )
    }
    if wants_production and not current.production:
        changes["review_status"] = "PENDING"
        changes["case_id"] = _case_id(account, region, use_case or url)
    STORE.change(account, region, **changes)


def _case_id(account: str, region: str, text: str) -> str:
    digest = hashlib.sha256(f"{account}|{region}|{text}".encode()).hexdigest()
    return str(int(digest[:12], 16) % 10**11).rjust(11, "1")


def put_sending(account: str, region: str, document: dict[str, Any]) -> None:
    """PutAccountSendingAttributes: the region's sending switch (absent: unchanged)."""
    enabled = _bool(document, "SendingEnabled")
    if enabled is not None:
        STORE.change(account, region, sending_enabled=enabled)


def put_suppression(account: str, region: str, document: dict[str, Any]) -> None:
    """PutAccountSuppressionAttributes: the reasons that add an address to the account's
    suppression list (absent: none)."""
    reasons = document.get("SuppressedReasons") or []
    if not isinstance(reasons, list):
        raise _bad("SuppressedReasons must be a list.")
    for reason in reasons:
        if reason not in REASONS:
            raise _bad(
                f"Invalid value for SuppressedReasons: {reason}. Valid values: "
                f"{', '.join(REASONS)}."
            )
    STORE.change(account, region, suppressed_reasons=tuple(dict.fromkeys(reasons)))


def apply_hook(account: str, region: str, document: dict[str, Any]) -> None:
    """The test hook: set what AWS decides. SHUTDOWN pauses sending unless `SendingEnabled`
    says otherwise; a GRANTED review gives production access (quota 50,000 / 14 per second
    unless `SendQuota` says otherwise)."""
    changes: dict[str, Any] = {}
    enforcement = _enum(document, "EnforcementStatus", ENFORCEMENT)
    if enforcement is not None:
        changes["enforcement"] = enforcement
        if enforcement == "SHUTDOWN":
            changes["sending_enabled"] = False
    review = document.get("ReviewDetails")
    if review is not None:
        if not isinstance(review, dict):
            raise _bad("ReviewDetails must be an object.")
        status = _enum(review, "Status", REVIEW)
        changes["review_status"] = status
        changes["case_id"] = str(review["CaseId"]) if review.get("CaseId") else None
        if status == "GRANTED":
            changes["production"] = True
            changes["max_24_hour_send"], changes["max_send_rate"] = PRODUCTION_QUOTA
    for name, field in (
        ("ProductionAccessEnabled", "production"),
        ("SendingEnabled", "sending_enabled"),
    ):
        value = _bool(document, name)
        if value is not None:
            changes[field] = value
    quota = document.get("SendQuota")
    if quota is not None:
        if not isinstance(quota, dict):
            raise _bad("SendQuota must be an object.")
        for name, field in (
            ("Max24HourSend", "max_24_hour_send"),
            ("MaxSendRate", "max_send_rate"),
        ):
            if name in quota:
                changes[field] = float(quota[name])
    STORE.change(account, region, **changes)


def v1_recipients(action: str, params: dict[str, str]) -> int:
    """Delivery attempts a v1 send makes: one per recipient (at least one). SendRawEmail
    names them in `Destinations`, SendBulkTemplatedEmail per destination, the others in
    `Destination`."""
    lists = ("ToAddresses", "CcAddresses", "BccAddresses")
    if action == "SendRawEmail":
        count = sum(1 for key in params if key.startswith("Destinations.member."))
    elif action == "SendBulkTemplatedEmail":
        count = sum(
            1
            for key in params
            if key.startswith("Destinations.member.")
            and any(f".Destination.{name}.member." in key for name in lists)
        )
    else:
        prefixes = tuple(f"Destination.{name}.member." for name in lists)
        count = sum(1 for key in params if key.startswith(prefixes))
    return max(1, count)


def v2_recipients(document: dict[str, Any]) -> int:
    """Delivery attempts a v2 SendEmail makes: one per recipient (at least one)."""
    destination = document.get("Destination") or {}
    if not isinstance(destination, dict):
        return 1
    count = 0
    for name in ("ToAddresses", "CcAddresses", "BccAddresses"):
        value = destination.get(name) or []
        count += len(value) if isinstance(value, list) else 0
    return max(1, count)
