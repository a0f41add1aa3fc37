"""map_error: botocore's client errors and exceptions onto montui's SourceError family."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from botocore import exceptions as bx

from montui.sources.error_mapping import map_error, source_errors
from montui.sources.errors import (
    AccessDenied,
    BadRequest,
    CredentialsExpired,
    EndpointUnreachable,
    InvalidCredentials,
    NoCredentials,
    NoRegion,
    NotEnabled,
    ServiceError,
    SourceError,
    Throttled,
    UnknownProfile,
    UnknownRegion,
)


def client_error(
    code: str, status: int = 400, message: str = "boom", headers: dict[str, str] | None = None
) -> bx.ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
    }
    return bx.ClientError(response, "DescribeAlarms")


def mapped(exc: BaseException, **kwargs: Any) -> SourceError:
    args: dict[str, Any] = {"service": "cloudwatch", "region": "us-east-1", "profile": None}
    args.update(kwargs)
    return map_error(exc, **args)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("AccessDenied", AccessDenied),
        ("AccessDeniedException", AccessDenied),
        ("UnauthorizedOperation", AccessDenied),
        ("Throttling", Throttled),
        ("ThrottlingException", Throttled),
        ("TooManyRequestsException", Throttled),
        ("RequestLimitExceeded", Throttled),
        ("ExpiredToken", CredentialsExpired),
        ("ExpiredTokenException", CredentialsExpired),
        ("RequestExpired", CredentialsExpired),
        ("InvalidClientTokenId", InvalidCredentials),
        ("UnrecognizedClientException", InvalidCredentials),
        ("SignatureDoesNotMatch", InvalidCredentials),
        ("AuthFailure", InvalidCredentials),
        ("OptInRequired", NotEnabled),
        ("SubscriptionRequiredException", NotEnabled),
        ("InvalidParameterValue", BadRequest),
        ("ValidationError", BadRequest),
        ("InvalidParameterCombination", BadRequest),
        ("MalformedQueryException", BadRequest),
        ("InternalFailure", ServiceError),
        ("SomethingNew", ServiceError),
    ],
)
def test_client_error_codes(code: str, kind: type[SourceError]) -> None:
    error = mapped(client_error(code))
    assert type(error) is kind
    assert error.service == "cloudwatch"
    assert error.region == "us-east-1"
    assert error.message


def test_access_denied_hint_names_the_action() -> None:
    error = mapped(client_error("AccessDenied", 403), action="cloudwatch:DescribeAlarms")
    assert isinstance(error, AccessDenied)
    assert error.hint == "grant cloudwatch:DescribeAlarms"
    assert not error.fatal and not error.retryable
    assert "cloudwatch us-east-1" in str(error)


def test_access_denied_without_action_derives_it_from_the_operation() -> None:
    error = mapped(client_error("AccessDeniedException", 403))
    assert error.hint == "grant cloudwatch:DescribeAlarms"


def test_unknown_403_and_429_by_status() -> None:
    assert isinstance(mapped(client_error("Forbidden", 403)), AccessDenied)
    assert isinstance(mapped(client_error("SlowDown", 429)), Throttled)


def test_throttled_carries_retry_after() -> None:
    error = mapped(client_error("ThrottlingException", 400, headers={"retry-after": "7"}))
    assert isinstance(error, Throttled)
    assert error.retry_after == 7.0
    assert error.retryable and not error.fatal
    without_header = mapped(client_error("Throttling"))
    assert isinstance(without_header, Throttled) and without_header.retry_after is None


def test_expired_token_hint_for_plain_profile() -> None:
    error = mapped(client_error("ExpiredToken", 403), profile="ops")
    assert isinstance(error, CredentialsExpired)
    assert error.fatal
    assert error.hint == "refresh your credentials (aws configure / aws sso login)"


def test_expired_token_hint_for_sso_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile oncall]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = OnCall\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    error = mapped(client_error("ExpiredTokenException", 400), profile="oncall")
    assert isinstance(error, CredentialsExpired)
    assert error.hint == "run `aws sso login --profile oncall`"


@pytest.mark.parametrize(
    "exc",
    [
        bx.SSOTokenLoadError(error_msg="The SSO session has expired"),
        bx.UnauthorizedSSOTokenError(),
        bx.TokenRetrievalError(provider="sso", error_msg="expired"),
    ],
)
def test_sso_errors_are_expiry(exc: BaseException) -> None:
    error = mapped(exc, profile="oncall")
    assert isinstance(error, CredentialsExpired)
    assert error.fatal
    assert error.hint == "run `aws sso login --profile oncall`"


def test_other_sso_errors_are_fatal_credential_errors() -> None:
    error = mapped(bx.SSOError(), profile="oncall")
    assert isinstance(error, InvalidCredentials)
    assert error.fatal
    assert error.hint == "run `aws sso login --profile oncall`"


def test_login_refresh_required_is_expiry() -> None:
    error = mapped(bx.LoginRefreshRequired(), profile="p")
    assert isinstance(error, CredentialsExpired)
    assert "aws login --profile p" in error.hint


@pytest.mark.parametrize(
    "exc",
    [bx.NoCredentialsError(), bx.PartialCredentialsError(provider="env", cred_var="secret")],
)
def test_no_credentials(exc: BaseException) -> None:
    error = mapped(exc, profile="ops")
    assert isinstance(error, NoCredentials)
    assert error.fatal
    assert "montui --demo" in error.hint
    assert "'ops'" in error.message


def test_profile_not_found_lists_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n[profile prod]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    error = mapped(bx.ProfileNotFound(profile="prdo"), profile="prdo")
    assert isinstance(error, UnknownProfile)
    assert error.fatal
    assert error.available == ("default", "prod")
    assert "default, prod" in error.message
    assert "aws configure --profile prdo" in error.hint
    assert "aws configure sso" in error.hint


def test_region_errors() -> None:
    assert isinstance(mapped(bx.NoRegionError()), NoRegion)
    assert mapped(bx.NoRegionError()).fatal
    error = mapped(bx.InvalidRegionError(region_name="us east"))
    assert isinstance(error, UnknownRegion)
    assert error.fatal


@pytest.mark.parametrize(
    "exc",
    [
        bx.EndpointConnectionError(endpoint_url="https://monitoring.us-east-1.amazonaws.com/"),
        bx.ConnectTimeoutError(endpoint_url="https://monitoring.us-east-1.amazonaws.com/"),
        bx.ReadTimeoutError(endpoint_url="https://monitoring.us-east-1.amazonaws.com/"),
        bx.ConnectionClosedError(endpoint_url="https://monitoring.us-east-1.amazonaws.com/"),
    ],
)
def test_botocore_network_errors_name_the_host(exc: BaseException) -> None:
    error = mapped(exc)
    assert isinstance(error, EndpointUnreachable)
    assert error.retryable and not error.fatal
    assert "monitoring.us-east-1.amazonaws.com" in error.message


@pytest.mark.parametrize(
    "exc",
    [TimeoutError(), aiohttp.ServerDisconnectedError(), ConnectionRefusedError()],
)
def test_other_network_errors(exc: BaseException) -> None:
    assert isinstance(mapped(exc), EndpointUnreachable)


def test_unexpected_exceptions_become_service_errors() -> None:
    error = mapped(KeyError("AlarmName"))
    assert isinstance(error, ServiceError)
    assert error.retryable
    assert isinstance(mapped(bx.ParamValidationError(report="bad")), BadRequest)


def test_source_errors_pass_through_unchanged() -> None:
    original = Throttled("slow down", retry_after=3)
    assert mapped(original) is original


def test_source_errors_context_manager_maps_and_chains() -> None:
    with (
        pytest.raises(AccessDenied) as info,
        source_errors(
            service="cloudwatch",
            region="eu-west-1",
            profile=None,
            action="cloudwatch:DescribeAlarms",
        ),
    ):
        raise client_error("AccessDenied", 403)
    assert isinstance(info.value.__cause__, bx.ClientError)
    assert info.value.region == "eu-west-1"


def test_source_errors_lets_cancellation_through() -> None:
    with (
        pytest.raises(asyncio.CancelledError),
        source_errors(service="cloudwatch", region="eu-west-1", profile=None),
    ):
        raise asyncio.CancelledError
