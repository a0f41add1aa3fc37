"""The NextToken of the world's CloudWatch listings: an opaque cursor after the last item
returned (base64 of compact JSON), so items added or removed between pages cause no duplicates.

DescribeAlarms (`alarm_listing`) pages by alarm name, DescribeAlarmHistory (`history_api`) by
(timestamp, sequence); both refuse a token they never issued as AWS does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, TypeVar

from moto.cloudwatch.exceptions import CloudWatchException

T = TypeVar("T")


class InvalidNextToken(CloudWatchException):
    """A listing was given a NextToken it never issued."""

    code = "InvalidNextToken"


def encode_cursor(cursor: dict[str, Any]) -> str:
    """The token for `cursor` (JSON-serialisable; a version key is added)."""
    raw = json.dumps({"v": 1, **cursor}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(token: str, read: Callable[[dict[str, Any]], T]) -> T:
    """`read(cursor_dict)` of the decoded token; any failure is InvalidNextToken."""
    try:
        return read(json.loads(base64.urlsafe_b64decode(token.encode())))
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidNextToken("The service returned an invalid next token.") from error
