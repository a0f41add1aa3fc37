"""Another team's account: the small living scenario of every world account but the base one.

Each account `serve --accounts N` adds (`montui_world.accounts`) gets, in the world's first two
regions, a dozen alarms over its own services, named after its alias (`payments-api-5xx`):

- first region: the API's 5XX count (in ALARM: the API has been failing for hours), its
  latency (OK), the worker's errors (flapping: errors for 10 minutes in every 40, so the
  state moves while you watch), the job queue's age and the database's CPU (OK), a legacy
  heartbeat nobody sends any more (INSUFFICIENT_DATA), and the composite
  `<alias>-customer-impact` (5XX or latency: in ALARM with the 5XX alarm);
- second region: the worker's errors (flapping out of phase), the errors counted by the
  metric filter on the worker's log group, the edge's 4xx rate, the cache's evictions and
  the queue's age (OK).

It also gets the role `montui-readonly` trusting the base account (and, for `payments`,
`montui-readonly-external` behind an external id), the log group `/aws/lambda/<alias>-worker`
in both regions with a line a minute (an ERROR line for each of the worker's errors) and the
metric filter `worker-errors` on it, a GuardDuty detector with three findings in the first
region, and an SES account out of the sandbox there.

Metrics and log lines are deterministic functions of time and the seed (`unit_noise`): three
hours of history are written at build, then one minute per boundary as the scenario moves
(`Scenario._write`); the world's live evaluator moves these alarms as it moves the base
account's (it evaluates every account). All of it in process, no HTTP: about 4,000
datapoints and 400 log lines per account, a few milliseconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from montui_world.accounts import EXTERNAL_ID, EXTERNAL_ROLE, READONLY_ROLE, WorldAccount
from montui_world.ext import alarm_state
from montui_world.ext.alarm_store import LOCK
from montui_world.ext.evaluation import evaluate_all
from montui_world.ext.guardduty_catalog import CATALOG
from montui_world.ext.guardduty_shapes import Subject, finding_body
from montui_world.ext.guardduty_store import STORE as FINDINGS
from montui_world.ext.guardduty_store import Sightings, StoredFinding, create_detector, new_id
from montui_world.ext.logs_store import put_events
from montui_world.ext.ses_store import STORE as SES
from montui_world.ext.ses_store import SesAccount
from montui_world.identity import DEMO_ACCOUNT
from montui_world.metricstore import STORE as METRICS
from montui_world.scenario.signals import unit_noise
from montui_world.wording import moto_time

__all__ = ["HISTORY", "TeamScenario", "team_alarms"]

HISTORY = timedelta(hours=3)
FLAP_MINUTES = 10
"""The worker errs for FLAP_MINUTES in every 4 * FLAP_MINUTES minutes."""


@dataclass(frozen=True, slots=True)
class TeamAlarm:
    """One metric alarm of a team's account and the shape of the metric behind it."""

    name: str
    region: str
    namespace: str
    metric: str
    dimension: tuple[str, str] | None
    statistic: str
    threshold: float
    comparison: str
    level: float
    """Typical value; `shape` says how it moves."""
    shape: str
    """steady | breaching | flapping | logged (1 per ERROR log line) | silent (no data)."""
    periods: int = 3
    unit: str = "Count"


def team_alarms(alias: str, regions: tuple[str, str]) -> tuple[TeamAlarm, ...]:
    """The metric alarms of the account `alias`, in its two regions."""
    first, second = regions
    gt, ge = "GreaterThanThreshold", "GreaterThanOrEqualToThreshold"
    worker = ("FunctionName", f"{alias}-worker")
    queue = ("QueueName", f"{alias}-jobs")
    log_metric = f"Montui/{alias}"
    return (
        TeamAlarm(f"{alias}-api-5xx", first, "AWS/ApiGateway", "5XXError",
                  ("ApiName", f"{alias}-api"), "Sum", 5.0, gt, 14.0, "breaching"),
        TeamAlarm(f"{alias}-api-latency", first, "AWS/ApiGateway", "Latency",
                  ("ApiName", f"{alias}-api"), "Average", 1500.0, gt, 310.0, "steady",
                  unit="Milliseconds"),
        TeamAlarm(f"{alias}-worker-errors", first, "AWS/Lambda", "Errors", worker, "Sum",
                  1.0, ge, 3.0, "flapping", periods=1),
        TeamAlarm(f"{alias}-queue-age", first, "AWS/SQS", "ApproximateAgeOfOldestMessage",
                  queue, "Maximum", 600.0, gt, 40.0, "steady", unit="Seconds"),
        TeamAlarm(f"{alias}-db-cpu", first, "AWS/RDS", "CPUUtilization",
                  ("DBInstanceIdentifier", f"{alias}-db"), "Average", 80.0, gt, 35.0,
                  "steady", unit="Percent"),
        TeamAlarm(f"{alias}-legacy-heartbeat", first, f"Montui/{alias}", "Heartbeat", None,
                  "Sum", 1.0, "LessThanThreshold", 1.0, "silent"),
        TeamAlarm(f"{alias}-worker-errors", second, "AWS/Lambda", "Errors", worker, "Sum",
                  1.0, ge, 3.0, "flapping", periods=1),
        TeamAlarm(f"{alias}-worker-log-errors", second, log_metric, "WorkerLogErrors", None,
                  "Sum", 0.0, gt, 1.0, "logged", periods=2),
        TeamAlarm(f"{alias}-edge-4xx-rate", second, "AWS/CloudFront", "4xxErrorRate",
                  ("DistributionId", f"E{alias.upper()[:6]}2X7Q"), "Average", 15.0, gt, 2.5,
                  "steady", unit="Percent"),
        TeamAlarm(f"{alias}-cache-evictions", second, "AWS/ElastiCache", "Evictions",
                  ("CacheClusterId", f"{alias}-cache"), "Sum", 500.0, gt, 20.0, "steady"),
        TeamAlarm(f"{alias}-queue-age", second, "AWS/SQS", "ApproximateAgeOfOldestMessage",
                  queue, "Maximum", 600.0, gt, 40.0, "steady", unit="Seconds"),
    )  # fmt: skip


class TeamScenario:
    """One team's account, built in process and moved minute by minute."""

    def __init__(
        self, account: WorldAccount, regions: tuple[str, str], *, seed: int, now: datetime
    ) -> None:
        self.account, self.regions, self.seed = account, regions, seed
        self.alarms = team_alarms(account.alias, regions)
        self.now = now.astimezone(UTC)
        self._written = int(self.now.timestamp()) // 60 * 60 - int(HISTORY.total_seconds())

    # --- the shape of the data ---------------------------------------------------------

    def erring(self, region: str, minute: int) -> bool:
        """Whether the worker errs in `region` during the minute starting at epoch `minute`*60."""
        phase = 0 if region == self.regions[0] else 2 * FLAP_MINUTES
        return (minute + phase) // FLAP_MINUTES % 4 == 0

    def value(self, alarm: TeamAlarm, minute: int) -> float | None:
        """The metric's value for the minute starting at epoch `minute`*60 (None: no data)."""
        if alarm.shape == "silent":
            return None
        noise = unit_noise(self.seed, self.account.id, alarm.region, alarm.name, minute)
        if alarm.shape == "logged":
            return 1.0 if self.erring(alarm.region, minute) else 0.0
        if alarm.shape == "flapping":
            return (
                round(alarm.level * (0.7 + 0.6 * noise), 1)
                if self.erring(alarm.region, minute)
                else 0.0
            )
        wave = math.sin(2 * math.pi * (minute / 90.0 + unit_noise(alarm.name)))
        return round(alarm.level * (1.0 + 0.15 * wave + 0.2 * (noise - 0.5)), 2)

    # --- building and moving -------------------------------------------------------------

    def build(self) -> None:
        """Roles, alarms, history, logs, findings and SES: the account as the world opens."""
        self._roles()
        self._put_alarms()
        self.write_until(int(self.now.timestamp()) // 60 * 60)
        self._put_filters()
        at = datetime.fromtimestamp(int(self.now.timestamp()) // 60 * 60, UTC)
        evaluate_all(at, account=self.account.id)
        self._put_composite(at)
        self._findings()
        SES.put(
            self.account.id,
            self.regions[0],
            SesAccount(production=True, max_24_hour_send=50000.0, max_send_rate=14.0),
        )

    def write_until(self, boundary: int) -> None:
        """Write every minute of metrics and log lines that ended by `boundary` (epoch s)."""
        first, last = self._written // 60, boundary // 60
        if last <= first:
            return
        minutes = range(first, last)
        for alarm in self.alarms:
            pairs = [(m * 60, self.value(alarm, m)) for m in minutes]
            points = [(t, v) for t, v in pairs if v is not None]
            if not points:
                continue
            METRICS.put_series(
                alarm.region,
                alarm.namespace,
                alarm.metric,
                dict([alarm.dimension]) if alarm.dimension else {},
                [t for t, _ in points],
                [v for _, v in points],
                unit=alarm.unit,
                account=self.account.id,
            )
        for region in self.regions:
            put_events(
                region,
                self._log_group,
                "worker/[$LATEST]0f3a9c",
                [(m * 60_000 + 7_000, self._log_line(region, m)) for m in minutes],
                account_id=self.account.id,
            )
        self._written = last * 60

    @property
    def _log_group(self) -> str:
        return f"/aws/lambda/{self.account.alias}-worker"

    def _log_line(self, region: str, minute: int) -> str:
        jobs = 20 + int(30 * unit_noise(self.seed, self.account.id, region, "jobs", minute))
        if self.erring(region, minute):
            return f"ERROR job {minute % 9973} failed: upstream timeout after 30000 ms"
        return f"INFO processed {jobs} jobs"

    def _roles(self) -> None:
        from moto.iam.models import iam_backends

        iam = iam_backends[self.account.id]["aws"]
        roles: list[tuple[str, str | None]] = [(READONLY_ROLE, None)]
        if self.account.alias == "payments":
            roles.append((EXTERNAL_ROLE, EXTERNAL_ID))
        for name, external in roles:
            statement: dict[str, Any] = {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
            if external is not None:
                statement["Condition"] = {"StringEquals": {"sts:ExternalId": external}}
            iam.create_role(
                role_name=name,
                assume_role_policy_document=json.dumps(
                    {"Version": "2012-10-17", "Statement": [statement]}
                ),
                path="/",
                permissions_boundary=None,
                description="montui: read-only monitoring from the base account",
                tags=[],
                max_session_duration="43200",
            )

    def _put_alarms(self) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        configured = moto_time(self.now - timedelta(days=30))
        for alarm in self.alarms:
            backend = cloudwatch_backends[self.account.id][alarm.region]
            topic = f"arn:aws:sns:{alarm.region}:{self.account.id}:{self.account.alias}-oncall"
            words = alarm.comparison.replace("Threshold", "").lower()
            with LOCK:
                made = backend.put_metric_alarm(
                    name=alarm.name,
                    namespace=alarm.namespace,
                    metric_name=alarm.metric,
                    comparison_operator=alarm.comparison,
                    evaluation_periods=alarm.periods,
                    datapoints_to_alarm=alarm.periods,
                    period=60,
                    threshold=alarm.threshold,
                    statistic=alarm.statistic,
                    description=f"{alarm.metric} {words} {alarm.threshold:g} "
                    f"({self.account.alias}, act next business day)",
                    dimensions=(
                        [{"Name": alarm.dimension[0], "Value": alarm.dimension[1]}]
                        if alarm.dimension
                        else []
                    ),
                    alarm_actions=[topic],
                    ok_actions=[topic],
                    unit=alarm.unit,
                    treat_missing_data="missing",
                )
                made.configuration_updated_timestamp = configured

    def _put_composite(self, at: datetime) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        alias, region = self.account.alias, self.regions[0]
        backend = cloudwatch_backends[self.account.id][region]
        rule = f'ALARM("{alias}-api-5xx") OR ALARM("{alias}-api-latency")'
        with LOCK:
            backend.put_metric_alarm(
                name=f"{alias}-customer-impact",
                namespace="",
                metric_name="",
                comparison_operator="",
                evaluation_periods=0,
                period=0,
                threshold=0.0,
                statistic="",
                description=f"{alias}: customers see errors or slow answers (act now)",
                dimensions=[],
                alarm_actions=[f"arn:aws:sns:{region}:{self.account.id}:{alias}-page"],
                rule=rule,
            )
            alarm_state.refresh_parents(backend.alarms, f"{alias}-api-5xx", moto_time(at))

    def _put_filters(self) -> None:
        from moto.logs.models import logs_backends

        for region in self.regions:
            logs_backends[self.account.id][region].put_metric_filter(
                "worker-errors",
                "ERROR",
                self._log_group,
                cast(
                    Any,
                    [  # moto keeps what PutMetricFilter's JSON held (typed as str)
                        {
                            "metricName": "WorkerLogErrors",
                            "metricNamespace": f"Montui/{self.account.alias}",
                            "metricValue": "1",
                        }
                    ],
                ),
            )

    def _findings(self) -> None:
        account, region = self.account.id, self.regions[0]
        detector = create_detector(
            account, region, created_at=self.now - timedelta(days=200), seed=self.seed
        )
        alias = self.account.alias
        subject = Subject(
            instance_id=f"i-0{int(account) % 10**12:012x}"[:19],
            instance_name=f"{alias}-bastion",
            remote_ip="198.51.100.77",
            country=("NL", "Netherlands"),
            city="Amsterdam",
            org="Example Hosting BV",
            asn="64510",
            sample=False,
        )
        findings = (
            ("probe", "Recon:EC2/PortProbeUnprotectedPort", timedelta(days=-6), timedelta(hours=5)),
            ("ssh", "UnauthorizedAccess:EC2/SSHBruteForce", timedelta(days=-2), timedelta(hours=3)),
            ("root", "Policy:IAMUser/RootCredentialUsage", timedelta(hours=-20), None),
        )
        for key, kind, first, every in findings:
            finding_id = new_id("team", account, self.seed, key)
            body = finding_body(
                CATALOG[kind],
                subject,
                account=account,
                region=region,
                detector_id=detector.id,
                finding_id=finding_id,
            )
            FINDINGS.put_finding(
                account,
                region,
                detector.id,
                StoredFinding(body, Sightings(self.now + first, every), False),
            )
