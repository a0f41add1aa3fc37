"""The fault proxy (`montui_world.faults`): its errors read, through botocore's own parsers,
as the service's codes in each wire protocol; it reads service, region and operation from
requests; every fault reaches a boto3 client as AWS's would; a seeded plan repeats itself."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.parsers import create_parser

from montui_world.faults.plan import Fault, FaultPlan, Rule, parse_faults
from montui_world.faults.proxy import FaultProxy
from montui_world.faults.wire import Call, ErrorKind, Protocol, error_answer, read_call

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


@pytest.mark.parametrize(
    ("service", "protocol", "kind", "code", "status"),
    [
        ("cloudwatch", Protocol.JSON, ErrorKind.THROTTLED, "Throttling", 400),
        ("cloudwatch", Protocol.CBOR, ErrorKind.THROTTLED, "Throttling", 400),
        ("cloudwatch", Protocol.QUERY, ErrorKind.EXPIRED, "ExpiredToken", 403),
        ("cloudwatch", Protocol.JSON, ErrorKind.INTERNAL, "InternalServiceError", 500),
        ("logs", Protocol.JSON, ErrorKind.THROTTLED, "ThrottlingException", 400),
        ("logs", Protocol.JSON, ErrorKind.EXPIRED, "ExpiredTokenException", 400),
        ("logs", Protocol.JSON, ErrorKind.UNAVAILABLE, "ServiceUnavailableException", 503),
        ("apigateway", Protocol.REST_JSON, ErrorKind.THROTTLED, "TooManyRequestsException", 429),
        ("apigateway", Protocol.REST_JSON, ErrorKind.DENIED, "AccessDeniedException", 403),
        ("guardduty", Protocol.REST_JSON, ErrorKind.THROTTLED, "TooManyRequestsException", 429),
        ("guardduty", Protocol.REST_JSON, ErrorKind.INTERNAL, "InternalServerErrorException", 500),
        ("guardduty", Protocol.REST_JSON, ErrorKind.DENIED, "AccessDeniedException", 403),
        ("rds", Protocol.QUERY, ErrorKind.THROTTLED, "Throttling", 400),
        ("rds", Protocol.QUERY, ErrorKind.DENIED, "AccessDenied", 403),
        ("sts", Protocol.QUERY, ErrorKind.EXPIRED, "ExpiredTokenException", 400),
    ],
)
def test_errors_read_as_the_services_codes_through_botocores_parsers(
    service: str, protocol: Protocol, kind: ErrorKind, code: str, status: int
) -> None:
    answer = error_answer(Call(service, TOKYO, "Op", protocol), kind, "req-1")
    assert answer.status == status
    response = {
        "status_code": answer.status,
        "headers": {k.lower(): v for k, v in answer.headers},
        "body": answer.body,
    }
    parsed: dict[str, Any] = create_parser(protocol.value).parse(response, None)
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"]


def test_requests_name_their_service_region_and_operation() -> None:
    scope = "AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/{}/aws4_request, Signed…"
    json_call = read_call(
        "POST",
        "/",
        {
            "authorization": scope.format("monitoring"),
            "x-amz-target": "GraniteServiceVersion20100801.DescribeAlarms",
            "content-type": "application/x-amz-json-1.0",
        },
        b"{}",
    )
    assert json_call == Call("cloudwatch", VIRGINIA, "DescribeAlarms", Protocol.JSON)
    cbor_call = read_call(
        "POST",
        "/service/GraniteServiceVersion20100801/operation/GetMetricData",
        {"authorization": scope.format("monitoring"), "smithy-protocol": "rpc-v2-cbor"},
        b"",
    )
    assert cbor_call == Call("cloudwatch", VIRGINIA, "GetMetricData", Protocol.CBOR)
    query_call = read_call(
        "POST",
        "/",
        {
            "authorization": scope.format("rds"),
            "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        },
        b"Action=DescribeDBInstances&Version=2014-10-31",
    )
    assert query_call == Call("rds", VIRGINIA, "DescribeDBInstances", Protocol.QUERY)
    rest_call = read_call(
        "GET", "/restapis?limit=500", {"authorization": scope.format("apigateway")}, b""
    )
    assert rest_call == Call("apigateway", VIRGINIA, "GET /restapis", Protocol.REST_JSON)


def test_a_seeded_plan_repeats_its_faults_and_rules_match_their_region() -> None:
    call = Call("cloudwatch", TOKYO, "DescribeAlarms", Protocol.JSON)
    other = Call("cloudwatch", VIRGINIA, "DescribeAlarms", Protocol.JSON)

    def draws(seed: int) -> list[Fault | None]:
        plan = FaultPlan([Rule(0.3, region=TOKYO)], seed=seed)
        assert plan.decide(other) is None
        return [plan.decide(call) for _ in range(1000)]

    first = draws(5)
    assert first == draws(5)
    assert first != draws(6)
    assert 250 < sum(f is not None for f in first) < 350
    assert parse_faults("throttle, stall,expired") == (Fault.THROTTLE, Fault.STALL, Fault.EXPIRED)
    with pytest.raises(ValueError, match="unknown fault"):
        parse_faults("throttle,meteor")


def client(service: str, proxy: FaultProxy, region: str = TOKYO) -> Any:
    config = Config(read_timeout=0.5, connect_timeout=1, retries={"total_max_attempts": 1})
    return boto3.client(service, region_name=region, endpoint_url=proxy.endpoint, config=config)


def test_each_fault_reaches_a_boto3_client_as_aws_would_send_it(
    fault_proxy: FaultProxy,
) -> None:
    plan = fault_proxy.plan
    cloudwatch, logs, rds = client("cloudwatch", fault_proxy), client("logs", fault_proxy), None
    assert cloudwatch.describe_alarms()["MetricAlarms"]  # no rules: forwarded
    expected: list[tuple[Fault, str]] = [
        (Fault.THROTTLE, "Throttling"),
        (Fault.ERROR_500, "InternalServiceError"),
        (Fault.ERROR_503, "ServiceUnavailable"),
        (Fault.EXPIRED, "ExpiredToken"),
        (Fault.DENIED, "AccessDenied"),
    ]
    for fault, code in expected:
        plan.set_rules([Rule(1.0, (fault,), service="cloudwatch", region=TOKYO)])
        with pytest.raises(ClientError) as caught:
            cloudwatch.describe_alarms()
        assert caught.value.response["Error"]["Code"] == code
    assert client("cloudwatch", fault_proxy, VIRGINIA).describe_alarms()  # other region
    plan.set_rules([Rule(1.0, (Fault.EXPIRED,), service="logs")])
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups()
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"
    rds = client("rds", fault_proxy)
    plan.set_rules([Rule(1.0, (Fault.THROTTLE,), operation="DescribeDBInstances")])
    with pytest.raises(ClientError) as caught:
        rds.describe_db_instances()
    assert caught.value.response["Error"]["Code"] == "Throttling"
    plan.set_rules([Rule(1.0, (Fault.RESET,))])
    with pytest.raises(ConnectionClosedError):
        cloudwatch.describe_alarms()
    plan.set_rules([Rule(1.0, (Fault.STALL,))])
    with pytest.raises(ReadTimeoutError):
        cloudwatch.describe_alarms()
    plan.clear()
    assert cloudwatch.describe_alarms()["MetricAlarms"]
    assert logs.describe_log_groups()["logGroups"]
    assert plan.seen("cloudwatch", "DescribeAlarms") >= 9
    assert plan.injected[Fault.STALL] == 1


def test_guardduty_calls_are_named_by_operation_and_fault_per_region(
    fault_proxy: FaultProxy,
) -> None:
    scope = "AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/guardduty/aws4_request, S…"
    headers = {"authorization": scope}
    for method, path, operation in (
        ("GET", "/detector", "ListDetectors"),
        ("GET", "/detector/abc", "GetDetector"),
        ("POST", "/detector/abc/findings", "ListFindings"),
        ("POST", "/detector/abc/findings/get", "GetFindings"),
        ("POST", "/detector/abc/findings/statistics", "GetFindingsStatistics"),
    ):
        call = read_call(method, path, headers, b"{}")
        assert call == Call("guardduty", VIRGINIA, operation, Protocol.REST_JSON)
    plan = fault_proxy.plan
    tokyo, virginia = client("guardduty", fault_proxy), client("guardduty", fault_proxy, VIRGINIA)
    (detector,) = tokyo.list_detectors()["DetectorIds"]
    plan.set_rules([Rule(1.0, (Fault.DENIED,), service="guardduty", region=VIRGINIA)])
    with pytest.raises(ClientError) as denied:
        virginia.list_detectors()
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert tokyo.list_findings(DetectorId=detector)["FindingIds"]
    plan.set_rules([Rule(1.0, (Fault.THROTTLE,), operation="ListFindings")])
    with pytest.raises(ClientError) as throttled:
        tokyo.list_findings(DetectorId=detector)
    assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert tokyo.get_detector(DetectorId=detector)["Status"] == "ENABLED"
    assert plan.seen("guardduty", "ListFindings") >= 2
