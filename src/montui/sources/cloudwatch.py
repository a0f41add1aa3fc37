"""CloudWatch alarms: DescribeAlarms, every page, metric and composite, parsed into `Alarm`.

`alarm_from_api` is pure (a dict in, an `Alarm` out) so it is unit-tested without a server;
`describe_alarms` does the paging and maps errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery, MetricRef
from montui.model.place import Place, account_of_arn
from montui.sources.error_mapping import source_errors
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients
from montui.sources.timestamps import utc_or_none

ACTION = "cloudwatch:DescribeAlarms"
PAGE_SIZE = 100
# 100 alarms a page: 2,000 pages is far beyond any account's alarm quota, and bounds a server
# that keeps handing out fresh tokens for empty pages.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def describe_alarms(
    clients: AwsClients, place: Place, *, state: AlarmState | None = None
) -> tuple[Alarm, ...]:
    """Every metric and composite alarm in `region` (only those in `state` when given).

    Follows NextToken to the last page. Raises only `SourceError` subclasses; a server that
    repeats a token is reported as a `ServiceError` rather than looping forever.
    """
    profile = clients.target.profile
    with source_errors(service="cloudwatch", region=place.region, profile=profile, action=ACTION):
        request: dict[str, Any] = {
            "AlarmTypes": [AlarmKind.METRIC.value, AlarmKind.COMPOSITE.value],
            "MaxRecords": PAGE_SIZE,
        }
        if state is not None:
            request["StateValue"] = state.value
        alarms: list[Alarm] = []
        async for page in client_pages(clients, place, "cloudwatch", "DescribeAlarms", request):
            alarms.extend(_alarms_in_page(page, place))
        return tuple(alarms)


def _alarms_in_page(page: Mapping[str, Any], place: Place) -> Iterable[Alarm]:
    for data in page.get("MetricAlarms") or ():
        yield alarm_from_api(data, place.region, AlarmKind.METRIC, account=place.account)
    for data in page.get("CompositeAlarms") or ():
        yield alarm_from_api(data, place.region, AlarmKind.COMPOSITE, account=place.account)


def alarm_from_api(
    data: Mapping[str, Any], region: str, kind: AlarmKind, *, account: str = ""
) -> Alarm:
    """One entry of DescribeAlarms' `MetricAlarms` or `CompositeAlarms` as an `Alarm`.

    Pure. Timestamps become timezone-aware UTC (naive ones are taken as UTC; ISO strings and
    epoch seconds are accepted for hand-written data). A state AWS might add later is shown
    as INSUFFICIENT_DATA rather than dropping the alarm.
    """
    configuration_updated = utc_or_none(data.get("AlarmConfigurationUpdatedTimestamp"))
    state_updated = utc_or_none(data.get("StateUpdatedTimestamp"))
    metric = None
    if data.get("MetricName"):
        metric = MetricRef(
            namespace=str(data.get("Namespace", "")),
            name=str(data["MetricName"]),
            dimensions=_dimensions(data.get("Dimensions")),
        )
    arn = str(data.get("AlarmArn") or "")
    return Alarm(
        name=str(data["AlarmName"]),
        region=region,
        account=account_of_arn(arn) or account,
        kind=kind,
        state=_state(data.get("StateValue")),
        state_updated=state_updated or configuration_updated or _EPOCH,
        state_reason=str(data.get("StateReason") or ""),
        state_reason_data=str(data.get("StateReasonData") or ""),
        arn=arn,
        description=str(data.get("AlarmDescription") or ""),
        actions_enabled=bool(data.get("ActionsEnabled", True)),
        alarm_actions=_strings(data.get("AlarmActions")),
        ok_actions=_strings(data.get("OKActions")),
        insufficient_data_actions=_strings(data.get("InsufficientDataActions")),
        configuration_updated=configuration_updated,
        metric=metric,
        statistic=_str_or_none(data.get("Statistic")),
        extended_statistic=_str_or_none(data.get("ExtendedStatistic")),
        unit=_str_or_none(data.get("Unit")),
        metrics=tuple(_metric_query(q) for q in data.get("Metrics") or ()),
        threshold_metric_id=_str_or_none(data.get("ThresholdMetricId")),
        period=_int_or_none(data.get("Period")),
        evaluation_periods=_int_or_none(data.get("EvaluationPeriods")),
        datapoints_to_alarm=_int_or_none(data.get("DatapointsToAlarm")),
        threshold=_float_or_none(data.get("Threshold")),
        comparison=_str_or_none(data.get("ComparisonOperator")),
        treat_missing_data=_str_or_none(data.get("TreatMissingData")),
        evaluate_low_sample_count_percentile=_str_or_none(
            data.get("EvaluateLowSampleCountPercentile")
        ),
        alarm_rule=_str_or_none(data.get("AlarmRule")),
        actions_suppressor=_str_or_none(data.get("ActionsSuppressor")),
        actions_suppressed_by=_str_or_none(data.get("ActionsSuppressedBy")),
        actions_suppressed_reason=str(data.get("ActionsSuppressedReason") or ""),
        state_transitioned=utc_or_none(data.get("StateTransitionedTimestamp")),
    )


def _metric_query(data: Mapping[str, Any]) -> MetricQuery:
    """A MetricDataQuery: either MetricStat (metric, stat, period) or an Expression."""
    stat: Mapping[str, Any] = data.get("MetricStat") or {}
    metric_data: Mapping[str, Any] = stat.get("Metric") or {}
    metric = None
    if metric_data:
        metric = MetricRef(
            namespace=str(metric_data.get("Namespace", "")),
            name=str(metric_data.get("MetricName", "")),
            dimensions=_dimensions(metric_data.get("Dimensions")),
        )
    return MetricQuery(
        id=str(data["Id"]),
        expression=_str_or_none(data.get("Expression")),
        metric=metric,
        stat=_str_or_none(stat.get("Stat")),
        period=_int_or_none(stat.get("Period", data.get("Period"))),
        label=_str_or_none(data.get("Label")),
        # AWS treats a query without ReturnData as returning its data.
        return_data=bool(data.get("ReturnData", True)),
        unit=_str_or_none(stat.get("Unit")),
        account_id=_str_or_none(data.get("AccountId")),
    )


def _state(value: Any) -> AlarmState:
    try:
        return AlarmState(str(value))
    except ValueError:
        return AlarmState.INSUFFICIENT_DATA


def _dimensions(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(d.get("Name", "")), str(d.get("Value", ""))) for d in value or ())


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


async def alarm_tags(clients: AwsClients, place: Place, arn: str) -> dict[str, str]:
    """An alarm's tags (ListTagsForResource on its ARN): key → value. Raises only
    `SourceError` subclasses."""
    profile = clients.target.profile
    action = "cloudwatch:ListTagsForResource"
    with source_errors(service="cloudwatch", region=place.region, profile=profile, action=action):
        client = await clients.client("cloudwatch", place)
        response = await client.list_tags_for_resource(ResourceARN=arn)
        return {str(t["Key"]): str(t.get("Value", "")) for t in response.get("Tags") or ()}
