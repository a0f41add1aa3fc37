"""GuardDuty in the world: detectors and findings over GuardDuty's REST-JSON protocol.

`GuardDutyApi` is a WSGI middleware in front of moto's server (`World.start`): a request
signed for GuardDuty (SigV4 credential scope `…/<region>/guardduty/aws4_request`) is answered
here from `guardduty_store.STORE`; moto's GuardDuty backend is never loaded. Served, with the
request URIs, member names (camelCase `locationName`s) and errors of botocore's model
`guardduty/2017-11-28`:

- `ListDetectors` (GET /detector, maxResults 1..50, nextToken), `CreateDetector` (POST
  /detector; one detector per region, as AWS), `GetDetector` (GET /detector/{id}: status,
  publishing frequency, dataSources and features), `UpdateDetector` (POST /detector/{id}:
  enable, findingPublishingFrequency), `DeleteDetector` (DELETE /detector/{id});
- `ListFindings` (POST …/findings: findingCriteria, sortCriteria, maxResults 1..50, nextToken:
  see `guardduty_query`), `GetFindings` (…/findings/get, at most 50 ids; a well-formed id the
  detector does not have is left out, as AWS does; an id that cannot be a finding id is a
  BadRequestException), `GetFindingsStatistics` (…/findings/statistics: COUNT_BY_SEVERITY, or
  groupBy SEVERITY / FINDING_TYPE with orderBy and maxResults 1..100);
- `CreateSampleFindings` (…/findings/create: one new sample finding per type named, every
  type of `guardduty_catalog.CATALOG` when none is), `ArchiveFindings` and
  `UnarchiveFindings` (…/findings/archive, …/unarchive).

Errors are AWS's: HTTP 400 `BadRequestException` (`x-amzn-ErrorType` header; the body has
`message` and GuardDuty's inner `__type`, `InvalidInputException`) for bad input, an unknown
detector ("… detectorId is not owned by the current account.") and operations the world does
not serve. Findings are as of the world clock (`WORLD_CLOCK`). `install()` makes moto's reset
(`/moto-api/reset`) clear the store too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.guardduty_catalog import CATALOG
from montui_world.ext.guardduty_query import (
    GuardDutyError,
    bad_request,
    check_criteria,
    matches,
    max_results,
    page,
    sort,
    statistics,
)
from montui_world.ext.guardduty_shapes import Subject, finding_body
from montui_world.ext.guardduty_store import (
    STORE,
    Detector,
    Sightings,
    StoredFinding,
    aws_time,
    new_id,
)
from montui_world.ext.patching import clear_on_reset
from montui_world.ext.requester import requester_account

__all__ = ["GuardDutyApi", "answer", "install"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/guardduty/aws4_request")
_FINDING_ID = re.compile(r"^[a-z0-9]{1,300}$")
_MARK = "_montui_guardduty_reset"
_REASONS = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}
_FEATURES = ("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "RDS_LOGIN_EVENTS")


def install() -> None:
    """Make moto's reset clear the GuardDuty store too (calling it again changes nothing)."""
    clear_on_reset(_MARK, STORE.clear)


class GuardDutyApi:
    """WSGI middleware: GuardDuty requests answered here, the rest passed on to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        headers = [("Content-Type", "application/json")]
        try:
            body = _body(environ)
            query = {k: v[-1] for k, v in parse_qs(str(environ.get("QUERY_STRING") or "")).items()}
            method = str(environ.get("REQUEST_METHOD", "GET"))
            path = unquote(str(environ.get("PATH_INFO") or "/"))
            status, result = (
                200,
                answer(
                    requester_account(environ, scope.group(1)),
                    scope.group(2),
                    method,
                    path,
                    query,
                    body,
                ),
            )
        except GuardDutyError as error:
            status = error.status
            result = {"message": error.message, "__type": error.kind}
            headers.append(("x-amzn-ErrorType", error.code))
        data = json.dumps(result).encode()
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [data]


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise bad_request("The request is rejected because the JSON could not be parsed.") from None
    if not isinstance(parsed, dict):
        raise bad_request()
    return parsed


def answer(
    account: str, region: str, method: str, path: str, query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """The JSON answer to one GuardDuty request; raises `GuardDutyError`."""
    parts = [p for p in path.split("/") if p]
    if parts == ["detector"] and method == "GET":
        return _list_detectors(account, region, query)
    if parts == ["detector"] and method == "POST":
        return _create_detector(account, region, body)
    if len(parts) < 2 or parts[0] != "detector":
        raise _unserved(method, path)
    detector = STORE.detector(account, region, parts[1])
    if detector is None:
        raise bad_request(
            "The request is rejected because the input detectorId is not owned by the current "
            "account."
        )
    rest = tuple(parts[2:])
    if rest == () and method == "GET":
        return _detector_json(account, detector)
    if rest == () and method == "POST":
        return _update_detector(detector, body)
    if rest == () and method == "DELETE":
        STORE.delete_detector(account, region, detector.id)
        return {}
    if method != "POST" or not rest or rest[0] != "findings" or len(rest) > 2:
        raise _unserved(method, path)
    action = rest[1] if len(rest) == 2 else "list"
    operations: dict[str, Callable[[str, str, Detector, dict[str, Any]], dict[str, Any]]] = {
        "list": _list_findings,
        "get": _get_findings,
        "statistics": _statistics,
        "create": _create_samples,
        "archive": _archive,
        "unarchive": _unarchive,
    }
    if action not in operations:
        raise _unserved(method, path)
    return operations[action](account, region, detector, body)


def _unserved(method: str, path: str) -> GuardDutyError:
    return bad_request(f"montui's local AWS world does not serve GuardDuty's {method} {path}.")


# ---------------------------------------------------------------- detectors


def _list_detectors(account: str, region: str, query: dict[str, str]) -> dict[str, Any]:
    size = max_results(query.get("maxResults"), 50, 50)
    ids = [d.id for d in STORE.detectors(account, region)]
    found, token = page(ids, query.get("nextToken"), size, f"detectors|{account}|{region}")
    return {"detectorIds": found, **({"nextToken": token} if token else {})}


def _create_detector(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    enable = body.get("enable")
    if not isinstance(enable, bool):
        raise bad_request("The request is rejected because enable is required.")
    frequency = body.get("findingPublishingFrequency", "SIX_HOURS")
    if frequency not in ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"):
        raise bad_request()
    tags = body.get("tags") or {}
    if not isinstance(tags, dict):
        raise bad_request()
    with STORE.lock:
        if STORE.detectors(account, region):
            raise bad_request(
                "The request failed because a detector already exists for the current account."
            )
        now = WORLD_CLOCK.now()
        detector = Detector(
            id=new_id("detector", account, region, now.isoformat()),
            created_at=now,
            status="ENABLED" if enable else "DISABLED",
            publishing_frequency=str(frequency),
            tags={str(k): str(v) for k, v in tags.items()},
        )
        STORE.add_detector(account, region, detector)
    return {"detectorId": detector.id, "unprocessedDataSources": {}}


def _update_detector(detector: Detector, body: dict[str, Any]) -> dict[str, Any]:
    enable = body.get("enable")
    frequency = body.get("findingPublishingFrequency")
    if (enable is not None and not isinstance(enable, bool)) or frequency not in (
        None,
        "FIFTEEN_MINUTES",
        "ONE_HOUR",
        "SIX_HOURS",
    ):
        raise bad_request()
    with STORE.lock:
        if enable is not None:
            detector.status = "ENABLED" if enable else "DISABLED"
        if frequency is not None:
            detector.publishing_frequency = str(frequency)
        detector.updated_at = WORLD_CLOCK.now()
    return {}


def _detector_json(account: str, detector: Detector) -> dict[str, Any]:
    status = "ENABLED" if detector.status == "ENABLED" else "DISABLED"
    created = aws_time(detector.created_at)
    updated = aws_time(detector.updated_at or detector.created_at)
    return {
        "createdAt": created,
        "findingPublishingFrequency": detector.publishing_frequency,
        "serviceRole": f"arn:aws:iam::{account}:role/aws-service-role/guardduty.amazonaws.com/"
        "AWSServiceRoleForAmazonGuardDuty",
        "status": detector.status,
        "updatedAt": updated,
        "dataSources": {
            "cloudTrail": {"status": status},
            "dnsLogs": {"status": status},
            "flowLogs": {"status": status},
            "s3Logs": {"status": status},
            "kubernetes": {"auditLogs": {"status": "DISABLED"}},
        },
        "tags": dict(detector.tags),
        "features": [
            {"name": name, "status": status, "updatedAt": detector.created_at.timestamp()}
            for name in _FEATURES
        ],
    }


# ---------------------------------------------------------------- findings


def _visible(detector: Detector) -> list[dict[str, Any]]:
    """The detector's findings as of the world clock, in creation order."""
    now = WORLD_CLOCK.now()
    with STORE.lock:
        stored = list(detector.findings.values())
    return [body for body in (f.render(now) for f in stored) if body is not None]


def _list_findings(
    account: str, region: str, detector: Detector, body: dict[str, Any]
) -> dict[str, Any]:
    criterion = check_criteria(body.get("findingCriteria"))
    size = max_results(body.get("maxResults"), 50, 50)
    query = json.dumps([detector.id, criterion, body.get("sortCriteria")], sort_keys=True)
    views = _visible(detector)
    # A finding's view is the same object while nothing about it changed, so the views'
    # identities say whether the last answer to this query still holds (paging through
    # thousands of findings then filters and sorts once, not once per page).
    state = tuple(views)  # kept in the cache: held, so no identity is reused meanwhile
    cached = detector.listings.get(query)
    if cached is not None and _same_views(cached[0], state):
        ordered = cached[1]
    else:
        found = sort([f for f in views if matches(f, criterion)], body.get("sortCriteria"))
        ordered = [f["id"] for f in found]
        with STORE.lock:
            if len(detector.listings) >= 8:
                detector.listings.clear()
            detector.listings[query] = (state, ordered)
    ids, token = page(ordered, body.get("nextToken"), size, query)
    return {"findingIds": ids, **({"nextToken": token} if token else {})}


def _same_views(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))


def _finding_ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("findingIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise bad_request("The request is rejected because findingIds is required.")
    if len(ids) > 50:
        raise bad_request(
            "The request is rejected because the number of findingIds exceeds the limit of 50."
        )
    if not all(_FINDING_ID.match(i) for i in ids):
        raise bad_request()
    return ids


def _get_findings(
    account: str, region: str, detector: Detector, body: dict[str, Any]
) -> dict[str, Any]:
    wanted = dict.fromkeys(_finding_ids(body))
    now = WORLD_CLOCK.now()
    with STORE.lock:
        stored = [detector.findings[i] for i in wanted if i in detector.findings]
    found = [f for f in (item.render(now) for item in stored) if f is not None]
    return {"findings": sort(found, body.get("sortCriteria"))}


def _statistics(
    account: str, region: str, detector: Detector, body: dict[str, Any]
) -> dict[str, Any]:
    criterion = check_criteria(body.get("findingCriteria"))
    found = [f for f in _visible(detector) if matches(f, criterion)]
    return {"findingStatistics": statistics(found, body)}


def _create_samples(
    account: str, region: str, detector: Detector, body: dict[str, Any]
) -> dict[str, Any]:
    types = body.get("findingTypes") or list(CATALOG)
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise bad_request()
    if body.get("findingTypes") and len(types) > 50:
        raise bad_request("The request is rejected because findingTypes has more than 50 types.")
    unknown = [t for t in types if t not in CATALOG]
    if unknown:
        raise bad_request(
            f"The request is rejected because an invalid finding type is specified: {unknown[0]}"
        )
    now = WORLD_CLOCK.now()
    with STORE.lock:
        serial = len(detector.findings)
        for number, name in enumerate(types):
            finding_id = new_id("sample", detector.id, serial + number, name, now.isoformat())
            kind = CATALOG[name]
            finding = finding_body(
                kind,
                Subject(),
                account=account,
                region=region,
                detector_id=detector.id,
                finding_id=finding_id,
            )
            detector.findings[finding_id] = StoredFinding(finding, Sightings(now))
    return {}


def _set_archived(detector: Detector, body: dict[str, Any], archived: bool) -> dict[str, Any]:
    ids = _finding_ids(body)
    with STORE.lock:
        for finding_id in ids:
            stored = detector.findings.get(finding_id)
            if stored is not None:
                stored.archived = archived
    return {}


def _archive(account: str, region: str, detector: Detector, body: dict[str, Any]) -> dict[str, Any]:
    return _set_archived(detector, body, True)


def _unarchive(
    account: str, region: str, detector: Detector, body: dict[str, Any]
) -> dict[str, Any]:
    return _set_archived(detector, body, False)
