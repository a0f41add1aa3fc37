"""Issue 11 part 5: a command runs once and exits, so its error hints never say that montui
backs off and retries (the TUI's words); they say what to do: try again in a minute."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import exceptions as bx

from montui.cli import main
from montui.commands.common import PlaceError
from montui.sources.error_mapping import map_error
from montui.sources.errors import ServiceError, SourceError, Throttled
from montui.sources.paging import every_page

UNREACHABLE = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]


def client_error(code: str, status: int) -> bx.ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": "boom"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
    }
    return bx.ClientError(response, "DescribeAlarms")


def mapped(code: str, status: int) -> SourceError:
    return map_error(
        client_error(code, status), service="cloudwatch", region="us-east-1", profile=None
    )


@pytest.mark.parametrize(("code", "status"), [("Throttling", 400), ("InternalFailure", 500)])
def test_retryable_errors_have_a_hint_for_a_command_that_does_not_retry(
    code: str, status: int
) -> None:
    error = mapped(code, status)
    assert "retries" in error.hint  # the TUI keeps its wording
    assert "montui" not in error.cli_hint and "retr" not in error.cli_hint
    assert "try again in a minute" in error.cli_hint


async def test_a_paging_loop_hint_for_a_command_says_try_again() -> None:
    async def same_token(**_: Any) -> dict[str, Any]:
        return {"NextToken": "t"}

    pages = every_page(same_token, {}, action="DescribeAlarms", service="cloudwatch", region="x")
    with pytest.raises(ServiceError) as caught:
        async for _ in pages:
            pass
    assert "retries" in caught.value.hint
    assert "try again in a minute" in caught.value.cli_hint


def test_other_errors_say_the_same_to_a_command() -> None:
    denied = mapped("AccessDenied", 403)
    assert denied.cli_hint == denied.hint
    assert SourceError("x", "do y").cli_hint == "do y"


THROTTLED = Throttled(
    "throttled by AWS (Throttling)",
    "montui backs off and retries; lower the refresh rate if this persists",
    cli_hint="AWS is limiting the request rate: try again in a minute",
    service="cloudwatch",
    region="us-east-1",
)


def test_montui_alarms_prints_the_command_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from montui.commands import alarms

    async def throttled(*_: Any) -> tuple[list[Any], list[Any]]:
        return [], [PlaceError("", THROTTLED)]

    monkeypatch.setattr(alarms, "_fetch", throttled)
    code = main(["alarms", *UNREACHABLE])
    err = capsys.readouterr().err
    assert code == 1
    assert "try again in a minute" in err and "backs off" not in err


def test_montui_query_prints_the_command_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from montui.commands import query

    async def throttled(*_: Any) -> None:
        raise THROTTLED

    monkeypatch.setattr(query, "_run", throttled)
    code = main(["query", *UNREACHABLE, "-g", "/aws/lambda/a", "fields @message"])
    err = capsys.readouterr().err
    assert code == 1
    assert "try again in a minute" in err and "backs off" not in err
