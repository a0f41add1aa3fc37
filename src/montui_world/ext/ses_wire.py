"""SES's two wire formats, as botocore's models (`sesv2/2019-09-27`, `ses/2010-12-01`) read
them: SES v2's REST-JSON GetAccount document and errors (`x-amzn-ErrorType`), SES v1's
query-protocol XML results and errors. Pure: `ses_api` decides, this module writes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from montui_world.ext.ses_store import SendPoint, SesAccount

__all__ = ["SesError", "account_json", "send_points_xml", "v1_error", "v1_result", "v2_error"]

V1_NAMESPACE = "http://ses.amazonaws.com/doc/2010-12-01/"


class SesError(Exception):
    """An SES error answer: HTTP status, code (the model's error shape) and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def account_json(settings: SesAccount, sent_last_24_hours: int) -> dict[str, Any]:
    """GetAccountResponse for one region's account."""
    found: dict[str, Any] = {
        "DedicatedIpAutoWarmupEnabled": settings.auto_warmup,
        "EnforcementStatus": settings.enforcement,
        "ProductionAccessEnabled": settings.production,
        "SendQuota": {
            "Max24HourSend": settings.max_24_hour_send,
            "MaxSendRate": settings.max_send_rate,
            "SentLast24Hours": float(sent_last_24_hours),
        },
        "SendingEnabled": settings.sending_enabled,
        "SuppressionAttributes": {"SuppressedReasons": list(settings.suppressed_reasons)},
        "VdmAttributes": {"VdmEnabled": settings.vdm_enabled},
    }
    details: dict[str, Any] = {}
    if settings.details is not None:
        given = settings.details
        details = {"MailType": given.mail_type, "WebsiteURL": given.website_url}
        if given.contact_language is not None:
            details["ContactLanguage"] = given.contact_language
        if given.use_case is not None:
            details["UseCaseDescription"] = given.use_case
        if given.contacts:
            details["AdditionalContactEmailAddresses"] = list(given.contacts)
    if settings.review_status is not None:
        review = {"Status": settings.review_status}
        if settings.case_id is not None:
            review["CaseId"] = settings.case_id
        details["ReviewDetails"] = review
    if details:
        found["Details"] = details
    return found


def v2_error(error: SesError) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a REST-JSON error (botocore reads the code from the header)."""
    body = json.dumps({"message": error.message}).encode()
    return [
        ("Content-Type", "application/json"),
        ("x-amzn-ErrorType", error.code),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ], body


def v1_result(action: str, inner: str) -> str:
    """A query-protocol answer: `<ActionResponse><ActionResult>inner</…>` and metadata."""
    return (
        f'<{action}Response xmlns="{V1_NAMESPACE}"><{action}Result>{inner}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )


def v1_error(error: SesError) -> str:
    """A query-protocol error document (AWS's `Sender` fault)."""
    return (
        f'<ErrorResponse xmlns="{V1_NAMESPACE}"><Error><Type>Sender</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def send_points_xml(points: Iterable[SendPoint]) -> str:
    """GetSendStatistics' `SendDataPoints` list."""
    members = "".join(
        f"<member><Timestamp>{_iso(p.start)}</Timestamp>"
        f"<DeliveryAttempts>{p.attempts}</DeliveryAttempts><Bounces>{p.bounces}</Bounces>"
        f"<Complaints>{p.complaints}</Complaints><Rejects>{p.rejects}</Rejects></member>"
        for p in points
    )
    return f"<SendDataPoints>{members}</SendDataPoints>"
