"""RDS's read APIs, DescribeDBInstances and DescribeDBClusters, without moto's RDS backend.

`RdsApi` is a WSGI middleware in front of moto's server (`World.start`): a request signed for
RDS (SigV4 credential scope `…/<region>/rds/aws4_request`) is answered here from
`rds_store.STORE`, everything else goes on to moto, which therefore never imports
`moto.rds`. RDS speaks the `query` protocol (form-encoded `Action=…&Version=2014-10-31`,
XML answers); shapes and error codes follow botocore's model (`rds/2014-10-31`):
`DBInstanceNotFound` and `DBClusterNotFoundFault` (404) for an identifier that names nothing,
`InvalidParameterValue` (400, AWS's common error) for a MaxRecords outside 20..100, an
unknown filter or a marker this world did not give, and `InvalidAction` (400, AWS's common
error) for every other RDS action: the world does not serve them. `install()` makes moto's
reset (`/moto-api/reset`) clear the store too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from montui_world.ext.patching import clear_on_reset
from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.rds_store import STORE, DbCluster, DbInstance, resource_id
from montui_world.ext.requester import account_of_key, requester_account

__all__ = ["RdsApi", "RdsError", "account_of", "install"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_NAMESPACE = "http://rds.amazonaws.com/doc/2014-10-31/"
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/rds/aws4_request")
_MARK = "_montui_rds_reset"
_T = TypeVar("_T", DbCluster, DbInstance)


class RdsError(Exception):
    """An RDS error answer: HTTP status, code and message (AWS's `Sender` fault)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def install() -> None:
    """Make moto's reset clear the RDS store too (calling it again changes nothing)."""
    clear_on_reset(_MARK, STORE.clear, PI_STORE.clear)


class RdsApi:
    """WSGI middleware: RDS requests answered here, the rest passed on to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        if scope is None:
            return self.app(environ, start_response)
        params = _params(environ)
        try:
            status, body = (
                200,
                answer(requester_account(environ, scope.group(1)), scope.group(2), params),
            )
        except RdsError as error:
            status, body = error.status, _error_body(error)
        data = body.encode()
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))],
        )
        return [data]


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found"}


def answer(account: str, region: str, params: dict[str, str]) -> str:
    """The XML answer to one RDS request (its form parameters); raises `RdsError`."""
    action = params.get("Action", "")
    if action == "DescribeDBInstances":
        return _describe_instances(account, region, params)
    if action == "DescribeDBClusters":
        return _describe_clusters(account, region, params)
    raise RdsError(400, "InvalidAction", f"The action {action} is not valid for this web service.")


def _describe_instances(account: str, region: str, params: dict[str, str]) -> str:
    items = STORE.instances(account, region)
    wanted = params.get("DBInstanceIdentifier")
    if wanted is not None:
        items = [i for i in items if i.identifier == _name(wanted)]
        if not items:
            raise RdsError(404, "DBInstanceNotFound", f"DBInstance {wanted} not found.")
    for name, values in _filters(params):
        if name == "db-instance-id":
            items = [i for i in items if i.identifier in values]
        elif name == "db-cluster-id":
            items = [i for i in items if i.cluster and i.cluster in values]
        elif name == "engine":
            items = [i for i in items if i.engine in values]
        else:
            raise RdsError(400, "InvalidParameterValue", f"Unrecognized filter name: {name}")
    page, marker = _page(items, params)
    members = "".join(_instance_xml(account, region, i) for i in page)
    return _result(
        "DescribeDBInstances", f"<DBInstances>{members}</DBInstances>{_marker_xml(marker)}"
    )


def _describe_clusters(account: str, region: str, params: dict[str, str]) -> str:
    items = STORE.clusters(account, region)
    wanted = params.get("DBClusterIdentifier")
    if wanted is not None:
        items = [c for c in items if c.identifier == _name(wanted)]
        if not items:
            raise RdsError(404, "DBClusterNotFoundFault", f"DBCluster {wanted} not found.")
    for name, values in _filters(params):
        if name == "db-cluster-id":
            items = [c for c in items if c.identifier in values]
        elif name == "engine":
            items = [c for c in items if c.engine in values]
        else:
            raise RdsError(400, "InvalidParameterValue", f"Unrecognized filter name: {name}")
    page, marker = _page(items, params)
    instances = STORE.instances(account, region)
    members = "".join(_cluster_xml(account, region, c, instances) for c in page)
    return _result("DescribeDBClusters", f"<DBClusters>{members}</DBClusters>{_marker_xml(marker)}")


# ---------------------------------------------------------------- request


def _params(environ: dict[str, Any]) -> dict[str, str]:
    """The form parameters of a query-protocol request (body, else query string)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length).decode() if length > 0 else ""
    pairs = parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True)
    pairs += parse_qsl(body, keep_blank_values=True)
    return dict(pairs)


def account_of(access_key: str) -> str:
    """The account of a request's access key, as moto resolves it (`ext.requester`)."""
    return account_of_key(access_key)


def _name(identifier: str) -> str:
    """An identifier or an ARN (`arn:aws:rds:…:db:NAME`, `…:cluster:NAME`), lower-cased."""
    if identifier.startswith("arn:"):
        identifier = identifier.rsplit(":", 1)[-1]
    return identifier.lower()


def _filters(params: dict[str, str]) -> list[tuple[str, set[str]]]:
    """`Filters.Filter.N.Name` and `Filters.Filter.N.Values.Value.M`, in N order."""
    found: list[tuple[str, set[str]]] = []
    number = 1
    while (name := params.get(f"Filters.Filter.{number}.Name")) is not None:
        values: set[str] = set()
        index = 1
        while (value := params.get(f"Filters.Filter.{number}.Values.Value.{index}")) is not None:
            values.add(_name(value))
            index += 1
        if not values:
            raise RdsError(
                400, "InvalidParameterValue", f"The filter {name} needs at least one value."
            )
        found.append((name, values))
        number += 1
    return found


def _page(items: Sequence[_T], params: dict[str, str]) -> tuple[list[_T], str | None]:
    """One page of `items` (MaxRecords 20..100, default 100) from `Marker`, and the marker
    of the next page (the identifier it starts at) if there is one."""
    raw = params.get("MaxRecords")
    try:
        size = 100 if raw is None else int(raw)
    except ValueError:
        size = 0
    if not 20 <= size <= 100:
        raise RdsError(
            400,
            "InvalidParameterValue",
            f"Invalid value {raw} for MaxRecords. Must be between 20 and 100",
        )
    start = 0
    marker = params.get("Marker")
    if marker:
        ids = [item.identifier for item in items]
        if marker not in ids:
            raise RdsError(400, "InvalidParameterValue", f"Invalid marker: {marker}")
        start = ids.index(marker)
    page = list(items[start : start + size])
    after = start + size
    return page, (items[after].identifier if after < len(items) else None)


# ---------------------------------------------------------------- response


def _result(action: str, inner: str) -> str:
    return (
        f'<{action}Response xmlns="{_NAMESPACE}"><{action}Result>{inner}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )


def _error_body(error: RdsError) -> str:
    return (
        f'<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>Sender</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )


def _marker_xml(marker: str | None) -> str:
    return "" if marker is None else f"<Marker>{escape(marker)}</Marker>"


def _tags(fields: Iterable[tuple[str, object]]) -> str:
    parts = []
    for name, value in fields:
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"<{name}>{escape(text)}</{name}>")
    return "".join(parts)


def _instance_xml(account: str, region: str, item: DbInstance) -> str:
    fields: list[tuple[str, object]] = [
        ("DBInstanceIdentifier", item.identifier),
        ("DBInstanceClass", item.instance_class),
        ("Engine", item.engine),
        ("EngineVersion", item.engine_version),
        ("DBInstanceStatus", item.status),
        ("AvailabilityZone", item.availability_zone),
        ("MultiAZ", False),
    ]
    if item.cluster:
        fields.append(("DBClusterIdentifier", item.cluster))
    fields += [
        ("DbiResourceId", resource_id("db-", account, region, item.identifier)),
        ("PerformanceInsightsEnabled", item.performance_insights),
    ]
    if item.performance_insights:
        fields += [
            ("PerformanceInsightsKMSKeyId", _pi_key(account, region)),
            ("PerformanceInsightsRetentionPeriod", item.performance_insights_retention),
        ]
    fields += [
        ("DBInstanceArn", f"arn:aws:rds:{region}:{account}:db:{item.identifier}"),
    ]
    return f"<DBInstance>{_tags(fields)}</DBInstance>"


def _pi_key(account: str, region: str) -> str:
    """The AWS-managed `aws/rds` KMS key Performance Insights encrypts with, by default."""
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"kms/{account}/{region}/aws/rds")
    return f"arn:aws:kms:{region}:{account}:key/{key}"


def _cluster_xml(
    account: str, region: str, item: DbCluster, instances: Sequence[DbInstance]
) -> str:
    zones = "".join(
        f"<AvailabilityZone>{escape(z)}</AvailabilityZone>" for z in item.availability_zones
    )
    members = "".join(
        "<DBClusterMember>"
        + _tags(
            (
                ("DBInstanceIdentifier", i.identifier),
                ("IsClusterWriter", i.writer),
                ("DBClusterParameterGroupStatus", "in-sync"),
                ("PromotionTier", 1),
            )
        )
        + "</DBClusterMember>"
        for i in instances
        if i.cluster == item.identifier
    )
    exports = "".join(f"<member>{escape(e)}</member>" for e in item.log_exports)
    head: list[tuple[str, object]] = [("DBClusterIdentifier", item.identifier)]
    if item.database_name:
        head.append(("DatabaseName", item.database_name))
    head += [
        ("Status", item.status),
        ("Engine", item.engine),
        ("EngineVersion", item.engine_version),
    ]
    return (
        f"<DBCluster>{_tags(head)}<AvailabilityZones>{zones}</AvailabilityZones>"
        f"<DBClusterMembers>{members}</DBClusterMembers>"
        f"<EnabledCloudwatchLogsExports>{exports}</EnabledCloudwatchLogsExports>"
        + _tags(
            (
                ("DBClusterArn", f"arn:aws:rds:{region}:{account}:cluster:{item.identifier}"),
                ("DbClusterResourceId", resource_id("cluster-", account, region, item.identifier)),
            )
        )
        + "</DBCluster>"
    )
