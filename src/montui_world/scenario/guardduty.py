"""The demo's GuardDuty: on in ap-northeast-1 (one detector), off in us-east-1 (none).

Twenty-six findings over the 14 days before the start, in every band, about the scenario's
own resources, and one more that appears live:

- Low: port probes (`Recon:EC2/PortProbeUnprotectedPort`, port 22, every ~47 minutes, still
  going) and SSH brute force (every 2 hours, still going) against the shop's bastion
  `i-0f1e2d3c4b5a69788` (the instance of the `shop-bastion-status-check` alarm), an older
  probe on shop-web-1 and an archived one on shop-web-2; root credential usage; CloudTrail
  logging disabled by `ci-runner`; S3 Block Public Access turned off on `shop-exports`;
  failed logins on the Aurora writer; a weakened password policy, suspicious DNS lookups…
- Medium: recon from a known malicious IP with `deploy`'s key, a Kali Linux caller, an
  unusual console login, shop-web-2 talking IRC, port-scanning and calling a black hole
  after it was compromised, malicious-IP login attempts on Aurora, an unusual DNS resolver;
- High: shop-web-2 looking up a Monero mining pool (`CryptoCurrency:EC2/BitcoinTool.B!DNS`,
  every 10 minutes for 6 hours) and a command-and-control domain; `deploy`'s key reading
  data from outside AWS in an anomalous way (`Exfiltration:IAMUser/AnomalousBehavior`);
  `shop-exports` made public (`Policy:S3/BucketPublicAccessGranted`);
- Critical: `AttackSequence:IAM/CompromisedCredentials` on `deploy`, tying those together.

Repeated findings (`Sightings.every`) grow their Count and UpdatedAt as the world lives.
Live: `LIVE_AFTER` (`moments.CREDENTIALS`: 10 simulated minutes, a real minute at 10x) after
the start, the contact form's Lambda role credentials are used from outside AWS to call SES
`SendEmail` — the spam run behind the contact form's SES throttling incident
(`hitori.INCIDENT`) — `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`,
High (8), seen again every 5 minutes for 15 minutes. Times are jittered by the seed
(`unit_noise`), all relative to the scenario's start: deterministic, never the machine clock.
Written in process to `ext.guardduty_store` (cheap: 27 records, nothing per minute).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from montui_world.ext.guardduty_catalog import CATALOG
from montui_world.ext.guardduty_shapes import Subject, finding_body
from montui_world.ext.guardduty_store import (
    STORE,
    Sightings,
    StoredFinding,
    create_detector,
    new_id,
)
from montui_world.identity import DEMO_ACCOUNT
from montui_world.scenario import hitori, moments, shop
from montui_world.scenario.signals import unit_noise

__all__ = ["FINDINGS", "LIVE", "LIVE_AFTER", "OFF_REGION", "REGION", "ScenarioFinding", "seed"]

REGION = "ap-northeast-1"
OFF_REGION = "us-east-1"
LIVE_AFTER = moments.CREDENTIALS.starts_after
_MIN, _HOUR, _DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ScenarioFinding:
    """One finding of the story: its type, subject, when first seen (relative to the start),
    how often again and until when (relative too), severity override and archive state."""

    key: str
    type: str
    subject: Subject
    first: timedelta
    every: timedelta | None = None
    until: timedelta | None = None
    severity: float | None = None
    archived: bool = False
    description: str = ""
    jitter: bool = field(default=True)
    title: str = ""


_ATTACKER = Subject(
    remote_ip="198.51.100.23",
    country=("RU", "Russia"),
    city="Moscow",
    org="Example Hosting LLC",
    asn="64501",
    sample=False,
)
BASTION = replace(
    _ATTACKER,
    instance_id="i-0f1e2d3c4b5a69788",
    instance_name="shop-bastion",
    private_ip="10.20.0.10",
    public_ip="203.0.113.10",
    security_group="shop-bastion-ssh",
)
WEB_1 = replace(BASTION, instance_id="i-0a1b2c3d4e5f60711", instance_name="shop-web-1",
                private_ip="10.20.1.11", public_ip="", security_group="shop-web")  # fmt: skip
WEB_2 = replace(WEB_1, instance_id="i-0a1b2c3d4e5f60722", instance_name="shop-web-2",
                private_ip="10.20.1.22")  # fmt: skip


def _outbound(subject: Subject, port: int, name: str) -> Subject:
    """`subject` (an instance) connecting out to `port`: the instance is the actor."""
    return replace(subject, remote_port=(port, name), direction="OUTBOUND", resource_role="ACTOR")


DEPLOY = Subject(
    access_key_id="AKIAEXAMPLEDEPLOY001",
    principal_id="AIDAEXAMPLEDEPLOY0001",
    user_name="deploy",
    user_type="IAMUser",
    remote_ip="192.0.2.77",
    country=("BR", "Brazil"),
    city="Sao Paulo",
    org="Example Broadband SA",
    asn="64502",
    api="ListBuckets",
    service_name="s3.amazonaws.com",
    sample=False,
)
CI_RUNNER = replace(DEPLOY, access_key_id="AKIAEXAMPLECIRUNNER1",
                    principal_id="AIDAEXAMPLECIRUNNER1", user_name="ci-runner",
                    remote_ip="203.0.113.200", country=("JP", "Japan"),
                    city="Tokyo", org="Example Cloud KK", asn="64503")  # fmt: skip
ROOT = replace(DEPLOY, access_key_id="ASIAEXAMPLEROOT00001", principal_id=DEMO_ACCOUNT,
               user_name="Root", user_type="Root", remote_ip="203.0.113.5",
               country=("JP", "Japan"), city="Tokyo", org="Example ISP KK",
               api="GetAccountSummary", service_name="iam.amazonaws.com")  # fmt: skip
EXPORTS = replace(CI_RUNNER, bucket="shop-exports", api="PutBucketPolicy",
                  service_name="s3.amazonaws.com")  # fmt: skip
AURORA = replace(BASTION, db_instance=shop.AURORA_WRITER, remote_ip="198.51.100.61")
CONTACT_FORM = Subject(
    access_key_id="ASIAEXAMPLEHITORI001",
    principal_id=f"AROAEXAMPLEHITORIROLE:{hitori.FUNCTION_NAME}",
    user_name=f"{hitori.FUNCTION_NAME}-role",
    user_type="AssumedRole",
    remote_ip="198.51.100.140",
    country=("NL", "Netherlands"),
    city="Amsterdam",
    org="Example VPS BV",
    asn="64504",
    api="SendEmail",
    service_name="ses.amazonaws.com",
    user_agent="python-requests/2.31.0",
    sample=False,
)

F = ScenarioFinding
FINDINGS: tuple[ScenarioFinding, ...] = (
    # Low
    F("probe-bastion", "Recon:EC2/PortProbeUnprotectedPort", BASTION, -13 * _DAY, 47 * _MIN),
    F("ssh-bastion", "UnauthorizedAccess:EC2/SSHBruteForce", BASTION, -12 * _DAY, 2 * _HOUR),
    F("probe-web-1", "Recon:EC2/PortProbeUnprotectedPort",
      replace(WEB_1, local_port=(8080, "Unknown")), -6 * _DAY, 3 * _HOUR, -1 * _DAY),
    F("probe-web-2-old", "Recon:EC2/PortProbeUnprotectedPort",
      replace(WEB_2, local_port=(8080, "Unknown")), -14 * _DAY + 2 * _HOUR, archived=True),
    F("root-usage", "Policy:IAMUser/RootCredentialUsage", ROOT, -9 * _DAY, _DAY, -7 * _DAY),
    F("trail-off", "Stealth:IAMUser/CloudTrailLoggingDisabled",
      replace(CI_RUNNER, api="StopLogging", service_name="cloudtrail.amazonaws.com",
              trail="shop-org-trail"), -4 * _DAY),
    F("bpa-off", "Policy:S3/BucketBlockPublicAccessDisabled",
      replace(EXPORTS, api="PutBucketPublicAccessBlock"), -3 * _DAY - 2 * _HOUR),
    F("s3-discovery", "Discovery:S3/AnomalousBehavior", replace(EXPORTS, api="ListObjects"),
      -2 * _DAY - 5 * _HOUR),
    F("aurora-failed", "CredentialAccess:RDS/AnomalousBehavior.FailedLogin", AURORA,
      -5 * _DAY, 6 * _HOUR, -4 * _DAY),
    F("dns-suspicious", "Impact:EC2/SuspiciousDomainRequest.Reputation",
      replace(WEB_1, domain="cdn-update.example-suspicious.top"), -10 * _DAY, _DAY, -3 * _DAY),
    F("password-policy", "Stealth:IAMUser/PasswordPolicyChange",
      replace(ROOT, api="UpdateAccountPasswordPolicy"), -11 * _DAY),
    F("iam-discovery", "Discovery:IAMUser/AnomalousBehavior",
      replace(CI_RUNNER, api="ListRoles", service_name="iam.amazonaws.com"), -8 * _DAY),
    # Medium
    F("deploy-recon", "Recon:IAMUser/MaliciousIPCaller",
      replace(DEPLOY, api="DescribeInstances", service_name="ec2.amazonaws.com"),
      -8 * _DAY + 3 * _HOUR),
    F("console-login", "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
      replace(DEPLOY, user_name="kenji", access_key_id="ASIAEXAMPLEKENJI0001",
              api="ConsoleLogin", service_name="signin.amazonaws.com"), -6 * _DAY),
    F("kali", "PenTest:IAMUser/KaliLinux",
      replace(DEPLOY, user_agent="aws-cli/1.29.0 Python/3.11 Linux/6.5.0-kali3-amd64"),
      -7 * _DAY),
    F("irc-web-2", "Behavior:EC2/NetworkPortUnusual",
      _outbound(WEB_2, 6667, "IRC"),
      -4 * _DAY + 30 * _MIN, 30 * _MIN, -4 * _DAY + 4 * _HOUR),
    F("portscan-web-2", "Recon:EC2/Portscan",
      _outbound(WEB_2, 22, "SSH"), -4 * _DAY + _HOUR),
    F("blackhole-web-2", "Trojan:EC2/BlackholeTraffic",
      _outbound(WEB_2, 443, "HTTPS"), -4 * _DAY + 2 * _HOUR),
    F("aurora-malicious", "CredentialAccess:RDS/MaliciousIPCaller.FailedLogin", AURORA,
      -2 * _DAY, 20 * _MIN, -2 * _DAY + 3 * _HOUR),
    F("dns-resolver", "DefenseEvasion:EC2/UnusualDNSResolver",
      _outbound(BASTION, 53, "DNS"), -1 * _DAY),
    F("droppoint-web-1", "Trojan:EC2/DropPoint!DNS",
      replace(WEB_1, domain="drop.example-stealer.xyz"), -3 * _DAY),
    # High
    F("miner-web-2", "CryptoCurrency:EC2/BitcoinTool.B!DNS",
      replace(WEB_2, domain="pool.supportxmr.com"), -4 * _DAY, 10 * _MIN, -4 * _DAY + 6 * _HOUR),
    F("cnc-web-2", "Backdoor:EC2/C&CActivity.B!DNS",
      replace(WEB_2, domain="c2.example-botnet.net"), -4 * _DAY + 5 * _MIN),
    F("deploy-exfil", "Exfiltration:IAMUser/AnomalousBehavior",
      replace(DEPLOY, api="GetObject"), -2 * _DAY, 3 * _HOUR, -1 * _DAY),
    F("exports-public", "Policy:S3/BucketPublicAccessGranted", EXPORTS, -3 * _DAY),
    # Critical
    F("deploy-sequence", "AttackSequence:IAM/CompromisedCredentials",
      replace(DEPLOY, signals=("Recon:IAMUser/MaliciousIPCaller", "PenTest:IAMUser/KaliLinux",
                               "Exfiltration:IAMUser/AnomalousBehavior")),
      -1 * _DAY + 2 * _HOUR),
)  # fmt: skip

LIVE = ScenarioFinding(
    "contact-form-credentials",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    CONTACT_FORM,
    LIVE_AFTER,
    5 * _MIN,
    moments.CREDENTIALS.ends_after,
    description=(
        f"Credentials of the Lambda function {hitori.FUNCTION_NAME}'s role were used from "
        "198.51.100.140 (Amsterdam, outside AWS) to call SES SendEmail; the contact form's "
        "SES sending rate was exceeded at the same time."
    ),
    jitter=False,
    title=(
        f"Credentials of Lambda role {hitori.FUNCTION_NAME}-role were used from an external "
        "IP address."
    ),
)


def _at(start: datetime, offset: timedelta, seed_value: int, key: str, what: str) -> datetime:
    jitter = timedelta(minutes=int(40 * unit_noise(seed_value, "guardduty", key, what)))
    return start + offset - jitter


def seed(start: datetime, seed_value: int) -> str:
    """Write the detector and every finding (the live one too: it shows from its first
    sighting on) for a scenario started at `start`; returns the detector id."""
    account = DEMO_ACCOUNT
    detector = create_detector(
        account, REGION, created_at=start - timedelta(days=90), seed=seed_value
    )
    for item in (*FINDINGS, LIVE):
        kind = CATALOG[item.type]
        first = (
            _at(start, item.first, seed_value, item.key, "first")
            if item.jitter
            else start + item.first
        )
        until = None if item.until is None else start + item.until
        finding_id = new_id("scenario", seed_value, item.key)
        body = finding_body(
            kind,
            item.subject,
            account=account,
            region=REGION,
            detector_id=detector.id,
            finding_id=finding_id,
            severity=item.severity,
            description=item.description,
            title=item.title,
        )
        stored = StoredFinding(body, Sightings(first, item.every, until), item.archived)
        STORE.put_finding(account, REGION, detector.id, stored)
    return detector.id
