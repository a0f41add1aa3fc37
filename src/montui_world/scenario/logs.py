"""Log lines that agree with the scenario's metrics: Lambda functions and the shop database.

Each function below writes, per invocation, what Lambda's Python runtime and the function
itself write to `/aws/lambda/<function>`:

    START RequestId: 9c4e... Version: $LATEST
    {"level":"INFO","location":"handler:38","message":"mail sent ...",...}    (success)
    {"level":"ERROR",...,"exception":"Traceback ..."}                          (failure)
    [ERROR] ClientError: An error occurred (Throttling) when calling the SendEmail ...
    Traceback (most recent call last):
      File "/var/task/app.py", line 52, in handler
    ...
    END RequestId: 9c4e...
    REPORT RequestId: 9c4e...	Duration: 412.37 ms	Billed Duration: 413 ms	Memory Size: ...

The number of invocations and failures in a minute are the function's `Invocations` and
`Errors` datapoints for that minute (`series`), so a Logs Insights count over the alarm's
window finds exactly the failures the alarm saw. Application lines are JSON (AWS Lambda
Powertools' shape, `function_request_id` included). Log streams change every few hours, as
execution environments are recycled; each stream's first invocation reports an Init Duration.

`/aws/rds/cluster/shop-prod-aurora/slowquery` and `/error` get a slow query every few minutes
(more during the nightly export) and the odd warning. The contact API's access log
(`/aws/apigateway/hitori-contact-api/access`, JSON) has a line per request counted by its
`Count` metric, 502 for as many posts as its `5XXError` metric counts; its execution log
(`API-Gateway-Execution-Logs_<id>/prod`) tells the same requests' story in API Gateway's
words. Deterministic per (seed, minute).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from montui_world.scenario import hitori, shop

Event = tuple[str, int, str]  # (log stream, timestamp ms, message)


@dataclass(frozen=True, slots=True)
class FunctionLogs:
    """What one Lambda function logs: its alarm gives the counts, the rest the words."""

    name: str
    alarm: str
    memory_mb: int
    duration_ms: tuple[float, float]
    done: str
    error_class: str
    error_text: str
    frames: tuple[tuple[str, int, str, str], ...]
    calls_per_minute: tuple[int, int] = (0, 0)  # when the alarm has no Invocations metric


_SES_ERROR = (
    "An error occurred (Throttling) when calling the SendEmail operation (reached max "
    "retries: 4): Maximum sending rate exceeded."
)

FUNCTIONS: tuple[FunctionLogs, ...] = (
    FunctionLogs(
        "hitori-contact-form",
        "hitori-lambda-error-rate",
        256,
        (180.0, 820.0),
        "mail sent to staff and customer",
        "botocore.errorfactory.ClientError",
        _SES_ERROR,
        (
            ("/var/task/app.py", 52, "handler", "send_mail(form)"),
            ("/var/task/app.py", 81, "send_mail", "ses.send_email(**message)"),
            (
                "/var/lang/lib/python3.12/site-packages/botocore/client.py",
                1023,
                "_make_api_call",
                "raise error_class(parsed_response, operation_name)",
            ),
        ),
    ),
    FunctionLogs(
        "shop-payment-webhook",
        "shop-lambda-payment-webhook-error-rate",
        512,
        (90.0, 1400.0),
        "order marked paid",
        "app.errors.SignatureMismatch",
        "webhook signature does not match the payment provider's key",
        (
            ("/var/task/app/handler.py", 27, "handler", "event = verify(request)"),
            ("/var/task/app/verify.py", 44, "verify", "raise SignatureMismatch(detail)"),
        ),
    ),
    FunctionLogs(
        "shop-image-resize",
        "shop-lambda-image-resize-errors",
        1024,
        (350.0, 2400.0),
        "thumbnails written",
        "PIL.UnidentifiedImageError",
        "cannot identify image file <_io.BytesIO object at 0x7f3a5c2e1d50>",
        (
            ("/var/task/resize.py", 31, "handler", "image = Image.open(body)"),
            (
                "/opt/python/PIL/Image.py",
                3498,
                "open",
                'raise UnidentifiedImageError(msg % (filename or "<unknown>"))',
            ),
        ),
        calls_per_minute=(1, 5),
    ),
)

REGION = "ap-northeast-1"  # every function and the database live in Tokyo
LOG_GROUPS = tuple(f"/aws/lambda/{f.name}" for f in FUNCTIONS)
RDS_SLOW = f"/aws/rds/cluster/{shop.AURORA_CLUSTER}/slowquery"
RDS_ERROR = f"/aws/rds/cluster/{shop.AURORA_CLUSTER}/error"
RDS_INSTANCE = shop.AURORA_WRITER


def _request_id(bits: int) -> str:
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def stream_name(function: FunctionLogs, minute: int, seed: int) -> tuple[str, bool]:
    """The log stream an invocation at `minute` (epoch minutes) lands in, and whether the
    minute is the first of that stream's life (a cold start)."""
    life = 180  # execution environments live three hours here
    born = minute - minute % life
    day = datetime.fromtimestamp(born * 60, UTC)
    token = random.Random(f"{seed}|{function.name}|{born}").getrandbits(128)
    return f"{day:%Y/%m/%d}/[$LATEST]{token:032x}", minute == born


def invocations(
    function: FunctionLogs, minute: int, calls: int, failures: int, seed: int
) -> Iterator[Event]:
    """The events of `calls` invocations in one minute, `failures` of them failing: START,
    the function's own JSON line (or, failing, its ERROR line and the runtime's), END and
    REPORT."""
    if calls <= 0:
        return
    draw = random.Random(f"{seed}|{function.name}|{minute}")
    stream, cold = stream_name(function, minute, seed)
    failing = set(draw.sample(range(calls), min(failures, calls)))
    low, high = function.duration_ms
    spacing = 60000 // calls
    clock = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M:")
    name, memory = function.name, function.memory_mb
    for number in range(calls):
        offset = number * spacing + draw.randrange(max(spacing - 4000, 1))
        begin = minute * 60000 + offset
        rid = _request_id(draw.getrandbits(128))
        failed = number in failing
        duration = round(draw.uniform(low, high) * (2.6 if failed else 1.0), 2)
        end = begin + int(duration) + 1
        yield stream, begin, f"START RequestId: {rid} Version: $LATEST"
        stamp = _stamp(clock, offset + int(duration))
        if failed:
            yield stream, end - 1, _error_line(function, rid, stamp)
            yield stream, end, _unhandled(function)
        else:
            yield (
                stream,
                end - 1,
                f'{{"level":"INFO","location":"handler:38","message":"{function.done}",'
                f'"timestamp":"{stamp}","service":"{name}","function_request_id":"{rid}",'
                f'"duration_ms":{duration}}}',
            )
        yield stream, end, f"END RequestId: {rid}"
        init = f"\tInit Duration: {draw.uniform(280, 620):.2f} ms" if cold and number == 0 else ""
        used = draw.randint(memory // 4, memory * 2 // 3)
        yield (
            stream,
            end,
            f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
            f"{int(duration) + 1} ms\tMemory Size: {memory} MB\t"
            f"Max Memory Used: {used} MB{init}\t",
        )


def _stamp(clock: str, offset_ms: int) -> str:
    """`2026-11-21 03:04:05,678+0000` (Powertools' timestamp) for an offset in the minute."""
    seconds, millis = divmod(min(offset_ms, 59999), 1000)
    return f"{clock}{seconds:02d},{millis:03d}+0000"


def _traceback(function: FunctionLogs) -> str:
    lines = ["Traceback (most recent call last):"]
    for path, line, name, code in function.frames:
        lines.append(f'  File "{path}", line {line}, in {name}')
        lines.append(f"    {code}")
    lines.append(f"{function.error_class}: {function.error_text}")
    return "\n".join(lines)


def _error_line(function: FunctionLogs, rid: str, stamp: str) -> str:
    short = function.error_class.rsplit(".", 1)[-1]
    own = [frame for frame in function.frames if frame[0].startswith("/var/task/")]
    return json.dumps(
        {
            "level": "ERROR",
            "location": f"{own[-1][2]}:{own[-1][1]}",
            "message": f"{short}: {function.error_text}",
            "timestamp": stamp,
            "service": function.name,
            "function_request_id": rid,
            "exception_name": short,
            "exception": _traceback(function),
        },
        separators=(",", ":"),
    )


def _unhandled(function: FunctionLogs) -> str:
    short = function.error_class.rsplit(".", 1)[-1]
    return f"[ERROR] {short}: {function.error_text}\n{_traceback(function)}\n"


def rds_minute(minute: int, seed: int, busy: bool) -> Iterator[tuple[str, int, str]]:
    """(log group, timestamp ms, message) for one minute of the shop database's logs."""
    draw = random.Random(f"{seed}|rds|{minute}")
    if draw.random() < (0.9 if busy else 0.12):
        ms = minute * 60000 + draw.randrange(60000)
        seconds = draw.uniform(2.1, 38.0 if busy else 9.0)
        rows = draw.randint(2_000, 4_000_000)
        table = draw.choice(("orders", "order_items", "carts", "inventory", "payments"))
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        yield (
            RDS_SLOW,
            ms,
            f"# Time: {moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}000Z\n"
            f"# User@Host: shop_app[shop_app] @  [10.0.{draw.randint(10, 40)}."
            f"{draw.randint(2, 250)}]  Id: {draw.randint(1000, 99999)}\n"
            f"# Query_time: {seconds:.6f}  Lock_time: 0.000{draw.randint(100, 999)} "
            f"Rows_sent: {draw.randint(1, 500)}  Rows_examined: {rows}\n"
            f"SET timestamp={ms // 1000};\n"
            f"SELECT * FROM {table} WHERE updated_at > NOW() - INTERVAL 1 DAY ORDER BY id;",
        )
    if draw.random() < 0.004:
        ms = minute * 60000 + draw.randrange(60000)
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        yield (
            RDS_ERROR,
            ms,
            f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}000Z {draw.randint(10, 99)} [Warning] "
            f"[MY-010055] [Server] IP address '10.0.{draw.randint(10, 40)}.{draw.randint(2, 250)}'"
            " could not be resolved: Name or service not known",
        )


API_ACCESS = "/aws/apigateway/hitori-contact-api/access"
API_REQUESTS_ALARM = "hitori-api-requests"
API_5XX_ALARM = "hitori-api-5xx"
API_ID = hitori.API_ID
API_STAGE = hitori.API_STAGE
API_EXECUTION = f"API-Gateway-Execution-Logs_{API_ID}/{API_STAGE}"


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One request to the contact API, as both of its logs see it."""

    ms: int
    request_id: str
    ip: str
    method: str
    path: str
    status: int
    latency_ms: int

    @property
    def failed(self) -> bool:
        """Answered 5xx (the Lambda failed)."""
        return self.status >= 500


def api_requests(minute: int, requests: int, failures: int, seed: int) -> Iterator[ApiRequest]:
    """The contact API's requests in one minute: `requests` of them (Route 53 health checks
    and form posts), `failures` of the posts answered 502 (the Lambda failed)."""
    draw = random.Random(f"{seed}|api|{minute}")
    checks = max(0, min(requests - failures, requests * 2 // 3))
    for number in range(requests):
        ms = minute * 60000 + number * (60000 // max(requests, 1)) + draw.randrange(900)
        check = number < checks
        failed = not check and number >= requests - failures
        rid = _request_id(draw.getrandbits(128))
        first = 54 if check else draw.choice((126, 133, 153, 180, 219))
        ip = f"{first}.{draw.randint(0, 255)}.{draw.randint(0, 255)}.{draw.randint(1, 254)}"
        method, path = ("GET", "/health") if check else ("POST", "/contact")
        latency = draw.randint(4, 30) if check else draw.randint(240, 2400)
        yield ApiRequest(ms, rid, ip, method, path, 502 if failed else 200, latency)


def api_access_minute(minute: int, requests: int, failures: int, seed: int) -> Iterator[Event]:
    """The contact API's access log (JSON, stream `prod`) for one minute's requests."""
    clock = datetime.fromtimestamp(minute * 60, UTC).strftime("%d/%b/%Y:%H:%M:")
    for request in api_requests(minute, requests, failures, seed):
        seconds = (request.ms // 1000) % 60
        yield (
            API_STAGE,
            request.ms,
            f'{{"requestId":"{request.request_id}","ip":"{request.ip}",'
            f'"requestTime":"{clock}{seconds:02d} +0000",'
            f'"httpMethod":"{request.method}","resourcePath":"{request.path}",'
            f'"status":"{request.status}","protocol":"HTTP/1.1",'
            f'"responseLength":"{36 if request.failed else 21}",'
            f'"integrationLatency":"{request.latency_ms}","apiId":"{API_ID}"'
            + (',"integrationError":"Internal server error"' if request.failed else "")
            + "}",
        )


def api_execution_minute(minute: int, requests: int, failures: int, seed: int) -> Iterator[Event]:
    """The contact API's execution log (INFO level, `(<request id>) <what happened>`, as API
    Gateway writes it) for the same requests as `api_access_minute`: a health check is
    mocked, a form post goes to the Lambda, and a failed one is a customer function error
    answered 502. The stream changes every three hours, like the Lambda's."""
    life = 180
    born = minute - minute % life
    stream = f"{random.Random(f'{seed}|api-exec|{born}').getrandbits(128):032x}"
    for request in api_requests(minute, requests, failures, seed):
        rid, ms, took = request.request_id, request.ms, request.latency_ms
        # (offset ms, text): a millisecond apart, so their order survives sorting by time,
        # and the integration's latency before the answer.
        lines = [
            (0, f"Starting execution for request: {rid}"),
            (1, f"HTTP Method: {request.method}, Resource Path: {request.path}"),
        ]
        if request.method == "POST":
            body = '{"name":"…","email":"…","message":"…"}'
            lines.append((2, f"Method request body before transformations: {body}"))
            lines.append((took, f"Received response. Status: 200, Integration latency: {took} ms"))
        if request.failed:
            lambda_rid = _request_id(random.Random(rid).getrandbits(128))
            lines.append(
                (
                    took + 1,
                    "Lambda execution failed with status 200 due to customer function error: "
                    f"{_SES_ERROR}. Lambda request id: {lambda_rid}",
                )
            )
        lines.append((took + 2, f"Method completed with status: {request.status}"))
        for offset, line in lines:
            yield stream, ms + offset, f"({rid}) {line}"
