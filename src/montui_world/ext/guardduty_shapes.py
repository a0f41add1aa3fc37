"""A GuardDuty finding's JSON body in AWS's wire form, built from its type (`FindingKind`) and
what it is about (`Subject`): the `resource` the type implies (instanceDetails, accessKeyDetails,
s3BucketDetails, eksClusterDetails + kubernetesDetails, ecsClusterDetails, rdsDbInstanceDetails,
lambdaDetails) and the `service.action` it records (networkConnectionAction, awsApiCallAction,
dnsRequestAction, portProbeAction, kubernetesApiCallAction, rdsLoginAttemptAction); attack
sequences carry `service.detection.sequence`. Every field name is the `locationName` of
botocore's `guardduty/2017-11-28` model. Time fields are filled by `StoredFinding.render`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from montui_world.ext.guardduty_catalog import API, DNS, K8S, NET, PROBE, RDS, FindingKind

__all__ = ["Subject", "finding_body"]


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding is about and who did it (AWS's sample values by default)."""

    instance_id: str = "i-99999999"
    instance_name: str = "GeneratedFindingInstanceName"
    private_ip: str = "10.0.0.1"
    public_ip: str = "198.51.100.0"
    access_key_id: str = "GeneratedFindingAccessKeyId"
    principal_id: str = "GeneratedFindingPrincipalId"
    user_name: str = "GeneratedFindingUserName"
    user_type: str = "IAMUser"
    bucket: str = "generatedfindingbucketname"
    cluster: str = "GeneratedFindingEKSClusterName"
    db_instance: str = "generatedfindingdbinstance"
    function: str = "GeneratedFindingFunctionName"
    remote_ip: str = "198.51.100.5"
    country: tuple[str, str] = ("GB", "GeneratedFindingCountryName")
    city: str = "GeneratedFindingCityName"
    org: str = "GeneratedFindingORG"
    asn: str = "-1"
    local_port: tuple[int, str] = (22, "SSH")
    remote_port: tuple[int, str] = (39677, "Unknown")
    direction: str = "INBOUND"
    domain: str = "GeneratedFindingDomainName"
    api: str = "GeneratedFindingAPIName"
    service_name: str = "GeneratedFindingAPIServiceName"
    user_agent: str = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1"
    trail: str = "GeneratedFindingTrailName"
    resource_role: str = "TARGET"
    security_group: str = "GeneratedFindingSecurityGroupName"
    signals: tuple[str, ...] = (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    )
    sample: bool = True

    def label(self, resource: str) -> str:
        """The resource named in titles."""
        return {
            "Instance": self.instance_id,
            "AccessKey": self.user_name,
            "S3Bucket": self.bucket,
            "EKSCluster": self.cluster,
            "ECSCluster": self.cluster,
            "RDSDBInstance": self.db_instance,
            "Lambda": self.function,
        }.get(resource, resource)


def _remote(s: Subject) -> dict[str, Any]:
    lat, lon = 51.5, -0.1
    return {
        "city": {"cityName": s.city},
        "country": {"countryCode": s.country[0], "countryName": s.country[1]},
        "geoLocation": {"lat": lat, "lon": lon},
        "ipAddressV4": s.remote_ip,
        "organization": {"asn": s.asn, "asnOrg": s.org, "isp": s.org, "org": s.org},
    }


def _dns_name(ip: str, region: str) -> str:
    return f"ip-{ip.replace('.', '-')}.{region}.compute.internal"


def _resource(kind: FindingKind, s: Subject, account: str, region: str) -> dict[str, Any]:
    tags = [{"key": "Name", "value": s.instance_name}]
    if kind.resource == "Instance":
        return {
            "resourceType": "Instance",
            "instanceDetails": {
                "availabilityZone": f"{region}a",
                "iamInstanceProfile": {
                    "arn": f"arn:aws:iam::{account}:instance-profile/{s.instance_name}",
                    "id": "AIPAGENERATEDINSTANCEPROF",
                },
                "imageDescription": "Amazon Linux 2023 AMI",
                "imageId": "ami-0abcdef1234567890",
                "instanceId": s.instance_id,
                "instanceState": "running",
                "instanceType": "t3.micro",
                "launchTime": "2026-01-15T02:02:49.000Z",
                "networkInterfaces": [
                    {
                        "ipv6Addresses": [],
                        "networkInterfaceId": "eni-0bfcffe0b1a2c3d4e",
                        "privateDnsName": _dns_name(s.private_ip, region),
                        "privateIpAddress": s.private_ip,
                        "privateIpAddresses": [{"privateIpAddress": s.private_ip}],
                        "publicIp": s.public_ip,
                        "securityGroups": [
                            {"groupId": "sg-0a1b2c3d", "groupName": s.security_group}
                        ],
                        "subnetId": "subnet-0a1b2c3d",
                        "vpcId": "vpc-0a1b2c3d",
                    }
                ],
                "platform": "Linux",
                "productCodes": [],
                "tags": tags,
            },
        }
    if kind.resource == "AccessKey":
        return {
            "resourceType": "AccessKey",
            "accessKeyDetails": {
                "accessKeyId": s.access_key_id,
                "principalId": s.principal_id,
                "userName": s.user_name,
                "userType": s.user_type,
            },
        }
    if kind.resource == "S3Bucket":
        return {
            "resourceType": "S3Bucket",
            "s3BucketDetails": [
                {
                    "arn": f"arn:aws:s3:::{s.bucket}",
                    "name": s.bucket,
                    "type": "Destination",
                    "owner": {"id": "CanonicalId of Owner"},
                    "defaultServerSideEncryption": {"encryptionType": "SSEAlgorithm"},
                    "publicAccess": {
                        "effectivePermission": "PUBLIC" if "Public" in kind.type else "NOT_PUBLIC"
                    },
                    "tags": [],
                }
            ],
        }
    if kind.resource == "EKSCluster":
        return {
            "resourceType": "EKSCluster",
            "eksClusterDetails": {
                "name": s.cluster,
                "arn": f"arn:aws:eks:{region}:{account}:cluster/{s.cluster}",
                "vpcId": "vpc-0a1b2c3d",
                "status": "ACTIVE",
                "tags": [],
            },
            "kubernetesDetails": {
                "kubernetesUserDetails": {"username": "system:anonymous", "uid": "", "groups": []},
                "kubernetesWorkloadDetails": {
                    "name": "generatedfinding-pod",
                    "type": "pods",
                    "namespace": "kube-system",
                },
            },
        }
    if kind.resource == "ECSCluster":
        return {
            "resourceType": "ECSCluster",
            "ecsClusterDetails": {
                "name": s.cluster,
                "arn": f"arn:aws:ecs:{region}:{account}:cluster/{s.cluster}",
                "status": "ACTIVE",
            },
        }
    if kind.resource == "RDSDBInstance":
        return {
            "resourceType": "RDSDBInstance",
            "rdsDbInstanceDetails": {
                "dbInstanceIdentifier": s.db_instance,
                "engine": "aurora-mysql",
                "engineVersion": "8.0.mysql_aurora.3.05.2",
                "dbInstanceArn": f"arn:aws:rds:{region}:{account}:db:{s.db_instance}",
            },
        }
    return {
        "resourceType": "Lambda",
        "lambdaDetails": {
            "functionArn": f"arn:aws:lambda:{region}:{account}:function:{s.function}",
            "functionName": s.function,
            "functionVersion": "$LATEST",
            "role": f"arn:aws:iam::{account}:role/{s.function}-role",
            "tags": [],
        },
    }


def _action(kind: FindingKind, s: Subject) -> dict[str, Any] | None:
    if kind.action == NET:
        detail: dict[str, Any] = {
            "blocked": False,
            "connectionDirection": s.direction,
            "localPortDetails": {"port": s.local_port[0], "portName": s.local_port[1]},
            "protocol": "TCP",
            "localIpDetails": {"ipAddressV4": s.private_ip},
            "remoteIpDetails": _remote(s),
            "remotePortDetails": {"port": s.remote_port[0], "portName": s.remote_port[1]},
        }
        return {"actionType": NET, "networkConnectionAction": detail}
    if kind.action == API:
        return {
            "actionType": API,
            "awsApiCallAction": {
                "api": s.api,
                "callerType": "Remote IP",
                "userAgent": s.user_agent,
                "remoteIpDetails": _remote(s),
                "serviceName": s.service_name,
            },
        }
    if kind.action == DNS:
        return {
            "actionType": DNS,
            "dnsRequestAction": {"domain": s.domain, "protocol": "UDP", "blocked": False},
        }
    if kind.action == PROBE:
        probe = {
            "localPortDetails": {"port": s.local_port[0], "portName": s.local_port[1]},
            "localIpDetails": {"ipAddressV4": s.private_ip},
            "remoteIpDetails": _remote(s),
        }
        return {
            "actionType": PROBE,
            "portProbeAction": {"blocked": False, "portProbeDetails": [probe]},
        }
    if kind.action == K8S:
        return {
            "actionType": K8S,
            "kubernetesApiCallAction": {
                "requestUri": "/api/v1/namespaces/kube-system/secrets",
                "verb": "list",
                "sourceIPs": [s.remote_ip],
                "userAgent": "kubectl/v1.29.0",
                "remoteIpDetails": _remote(s),
                "statusCode": 200,
            },
        }
    if kind.action == RDS:
        failed = 0 if "Successful" in kind.type else 24
        return {
            "actionType": RDS,
            "rdsLoginAttemptAction": {
                "remoteIpDetails": _remote(s),
                "LoginAttributes": [
                    {
                        "user": "admin",
                        "application": "mysql",
                        "failedLoginAttempts": failed,
                        "successfulLoginAttempts": 1 if "Successful" in kind.type else 0,
                    }
                ],
            },
        }
    return None


def _sequence(
    kind: FindingKind, s: Subject, account: str, region: str, finding_id: str
) -> dict[str, Any]:
    signals = [
        {
            "uid": f"{finding_id}-{number}",
            "type": "FINDING",
            "name": name,
            "createdAt": 0,  # the times are the sequence's own (`StoredFinding.render`)
            "updatedAt": 0,
            "firstSeenAt": 0,
            "lastSeenAt": 0,
            "count": 1,
        }
        for number, name in enumerate(s.signals, start=1)
    ]
    return {
        "sequence": {
            "uid": finding_id,
            "description": kind.title.format(r=s.label(kind.resource), api=s.api, trail=s.trail),
            "actors": [{"id": s.principal_id}],
            "resources": [{"uid": s.label(kind.resource), "accountId": account, "region": region}],
            "signals": signals,
            "sequenceIndicators": [
                {"key": "ATTACK_TACTIC", "values": ["Credential Access", "Exfiltration"]}
            ],
        }
    }


def finding_body(
    kind: FindingKind,
    subject: Subject,
    *,
    account: str,
    region: str,
    detector_id: str,
    finding_id: str,
    severity: float | None = None,
    description: str = "",
    title: str = "",
) -> dict[str, Any]:
    """The wire-form body of a finding of `kind` about `subject` (no time fields); `title`
    and `description` default to the type's title about the subject."""
    label = subject.label(kind.resource)
    title = title or kind.title.format(r=label, api=subject.api, trail=subject.trail)
    service: dict[str, Any] = {
        "detectorId": detector_id,
        "resourceRole": subject.resource_role,
        "serviceName": "guardduty",
        "archived": False,
    }
    action = _action(kind, subject)
    if action is not None:
        service["action"] = action
    if kind.type.startswith("AttackSequence:"):
        service["detection"] = _sequence(kind, subject, account, region, finding_id)
    if subject.sample:
        service["additionalInfo"] = {"value": json.dumps({"sample": True}), "type": "default"}
    return {
        "accountId": account,
        "arn": f"arn:aws:guardduty:{region}:{account}:detector/{detector_id}/finding/{finding_id}",
        "confidence": 0.0,
        "description": description or title,
        "id": finding_id,
        "partition": "aws",
        "region": region,
        "resource": _resource(kind, subject, account, region),
        "schemaVersion": "2.0",
        "service": service,
        "severity": float(severity if severity is not None else kind.severity),
        "title": title,
        "type": kind.type,
    }
