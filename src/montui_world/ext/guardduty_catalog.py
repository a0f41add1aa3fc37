# ruff: noqa: E501  (one finding type per line: the table reads better unwrapped)
"""GuardDuty's finding types, as AWS's "GuardDuty finding types" documentation lists them:
for each, the default severity, the resource type it is about and the action it records.

`CATALOG` is what CreateSampleFindings draws from (all of it when no type is named). Resource
kinds are the `resource.resourceType` values GuardDuty writes (`Instance`, `AccessKey`,
`S3Bucket`, `EKSCluster`, `ECSCluster`, `RDSDBInstance`, `Lambda`); actions are the
`service.action.actionType` values (`NETWORK_CONNECTION`, `AWS_API_CALL`, `DNS_REQUEST`,
`PORT_PROBE`, `KUBERNETES_API_CALL`, `RDS_LOGIN_ATTEMPT`), or none for Runtime Monitoring,
Malware Protection and attack sequences (whose evidence is `service.detection.sequence`).
Severities: Low 1-3.9, Medium 4-6.9, High 7-8.9, Critical 9-10 (attack sequences only).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "FindingKind", "kind_of"]

NET, API, DNS, PROBE, K8S, RDS, NONE = (
    "NETWORK_CONNECTION", "AWS_API_CALL", "DNS_REQUEST", "PORT_PROBE",
    "KUBERNETES_API_CALL", "RDS_LOGIN_ATTEMPT", "",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FindingKind:
    """A finding type: its severity, affected resource type, action type, and title."""

    type: str
    severity: float
    resource: str
    action: str
    title: str


def _kinds(resource: str, rows: str) -> list[FindingKind]:
    """Parse `type | severity | action | title` lines."""
    kinds = []
    for line in rows.strip().splitlines():
        name, severity, action, title = (part.strip() for part in line.split("|"))
        kinds.append(FindingKind(name, float(severity), resource, action, title))
    return kinds


_EC2 = _kinds(
    "Instance",
    f"""
Backdoor:EC2/C&CActivity.B | 8 | {NET} | EC2 instance {{r}} is querying an IP address associated with a known command and control server.
Backdoor:EC2/C&CActivity.B!DNS | 8 | {DNS} | EC2 instance {{r}} is querying a domain name associated with a known command and control server.
Backdoor:EC2/DenialOfService.Dns | 8 | {NET} | EC2 instance {{r}} is behaving in a manner that may indicate it is being used to perform a DoS attack using DNS.
Backdoor:EC2/DenialOfService.Tcp | 8 | {NET} | EC2 instance {{r}} is behaving in a manner that may indicate it is being used to perform a DoS attack using TCP.
Backdoor:EC2/DenialOfService.Udp | 8 | {NET} | EC2 instance {{r}} is behaving in a manner that may indicate it is being used to perform a DoS attack using UDP.
Backdoor:EC2/DenialOfService.UdpOnTcpPorts | 8 | {NET} | EC2 instance {{r}} is behaving in a manner that may indicate it is being used to perform a DoS attack using UDP on TCP ports.
Backdoor:EC2/DenialOfService.UnusualProtocol | 8 | {NET} | EC2 instance {{r}} is behaving in a manner that may indicate it is being used to perform a DoS attack using an unusual protocol.
Backdoor:EC2/Spambot | 5 | {NET} | EC2 instance {{r}} is communicating with a remote host on port 25.
Behavior:EC2/NetworkPortUnusual | 5 | {NET} | EC2 instance {{r}} is communicating with a remote host on an unusual server port.
Behavior:EC2/TrafficVolumeUnusual | 5 | {NET} | EC2 instance {{r}} is generating unusually large volumes of network traffic.
CryptoCurrency:EC2/BitcoinTool.B | 8 | {NET} | EC2 instance {{r}} is querying an IP address associated with cryptocurrency-related activity.
CryptoCurrency:EC2/BitcoinTool.B!DNS | 8 | {DNS} | EC2 instance {{r}} is querying a domain name associated with cryptocurrency-related activity.
DefenseEvasion:EC2/UnusualDNSResolver | 5 | {NET} | EC2 instance {{r}} is communicating with an unusual public DNS resolver.
DefenseEvasion:EC2/UnusualDoHActivity | 5 | {NET} | EC2 instance {{r}} is performing unusual DNS over HTTPS communication.
DefenseEvasion:EC2/UnusualDoTActivity | 5 | {NET} | EC2 instance {{r}} is performing unusual DNS over TLS communication.
Impact:EC2/AbusedDomainRequest.Reputation | 5 | {DNS} | EC2 instance {{r}} is querying a low reputation domain name associated with known abused domains.
Impact:EC2/BitcoinDomainRequest.Reputation | 8 | {DNS} | EC2 instance {{r}} is querying a low reputation domain name associated with cryptocurrency-related activity.
Impact:EC2/MaliciousDomainRequest.Reputation | 8 | {DNS} | EC2 instance {{r}} is querying a low reputation domain name associated with known malicious domains.
Impact:EC2/PortSweep | 8 | {PROBE} | EC2 instance {{r}} is probing a port on a large number of IP addresses.
Impact:EC2/SuspiciousDomainRequest.Reputation | 2 | {DNS} | EC2 instance {{r}} is querying a low reputation domain name that is suspicious in nature.
Impact:EC2/WinRMBruteForce | 8 | {NET} | EC2 instance {{r}} is performing an outbound Windows Remote Management brute force attack.
Recon:EC2/PortProbeEMRUnprotectedPort | 8 | {PROBE} | EC2 instance {{r}} has an unprotected EMR-related port which is being probed by a known malicious host.
Recon:EC2/PortProbeUnprotectedPort | 2 | {PROBE} | Unprotected port on EC2 instance {{r}} is being probed.
Recon:EC2/Portscan | 5 | {NET} | EC2 instance {{r}} is performing outbound port scans against remote hosts.
Trojan:EC2/BlackholeTraffic | 5 | {NET} | EC2 instance {{r}} is attempting to communicate with an IP address of a remote host that is a known black hole.
Trojan:EC2/BlackholeTraffic!DNS | 5 | {DNS} | EC2 instance {{r}} is querying a domain name that is being redirected to a black hole IP address.
Trojan:EC2/DGADomainRequest.B | 8 | {DNS} | EC2 instance {{r}} is querying algorithmically generated domains.
Trojan:EC2/DGADomainRequest.C!DNS | 8 | {DNS} | EC2 instance {{r}} is querying algorithmically generated domains.
Trojan:EC2/DNSDataExfiltration | 8 | {DNS} | EC2 instance {{r}} is exfiltrating data through DNS queries.
Trojan:EC2/DriveBySourceTraffic!DNS | 5 | {DNS} | EC2 instance {{r}} is querying a domain name of a remote host that is a known source of drive-by download attacks.
Trojan:EC2/DropPoint | 5 | {NET} | EC2 instance {{r}} is attempting to communicate with an IP address of a remote host that is known to hold credentials captured by malware.
Trojan:EC2/DropPoint!DNS | 5 | {DNS} | EC2 instance {{r}} is querying a domain name of a remote host that is known to hold credentials captured by malware.
Trojan:EC2/PhishingDomainRequest!DNS | 8 | {DNS} | EC2 instance {{r}} is querying domains involved in phishing attacks.
UnauthorizedAccess:EC2/MaliciousIPCaller.Custom | 5 | {NET} | EC2 instance {{r}} is making connections to an IP address on a custom threat list.
UnauthorizedAccess:EC2/MetadataDNSRebind | 8 | {DNS} | EC2 instance {{r}} is performing DNS lookups that resolve to the instance metadata service.
UnauthorizedAccess:EC2/RDPBruteForce | 2 | {NET} | RDP brute force attacks against EC2 instance {{r}}.
UnauthorizedAccess:EC2/SSHBruteForce | 2 | {NET} | SSH brute force attacks against EC2 instance {{r}}.
UnauthorizedAccess:EC2/TorClient | 8 | {NET} | EC2 instance {{r}} is making connections to a Tor Guard or an Authority node.
UnauthorizedAccess:EC2/TorRelay | 8 | {NET} | EC2 instance {{r}} is making connections to a Tor network as a Tor relay.
CryptoCurrency:Runtime/BitcoinTool.B | 8 | {NONE} | A process on EC2 instance {{r}} is querying an IP address associated with cryptocurrency-related activity.
Execution:Runtime/NewBinaryExecuted | 5 | {NONE} | A newly created or recently modified binary file was executed on EC2 instance {{r}}.
Execution:Runtime/ReverseShell | 8 | {NONE} | A process on EC2 instance {{r}} has created a reverse shell.
PrivilegeEscalation:Runtime/DockerSocketAccessed | 5 | {NONE} | A process inside a container on EC2 instance {{r}} is communicating with the Docker socket.
DefenseEvasion:Runtime/ProcessInjection.Ptrace | 8 | {NONE} | A process on EC2 instance {{r}} was injected with code through the ptrace system call.
Execution:EC2/MaliciousFile | 8 | {NONE} | Malicious file found on EC2 instance {{r}}.
""",
)

_IAM = _kinds(
    "AccessKey",
    f"""
CredentialAccess:IAMUser/AnomalousBehavior | 5 | {API} | An API used to gain access to an AWS environment was invoked in an anomalous way by {{r}}.
DefenseEvasion:IAMUser/AnomalousBehavior | 5 | {API} | An API used to evade defensive measures was invoked in an anomalous way by {{r}}.
Discovery:IAMUser/AnomalousBehavior | 2 | {API} | An API commonly used to discover resources was invoked in an anomalous way by {{r}}.
Exfiltration:IAMUser/AnomalousBehavior | 8 | {API} | An API commonly used to collect data from an AWS environment was invoked in an anomalous way by {{r}}.
Impact:IAMUser/AnomalousBehavior | 8 | {API} | An API commonly used to tamper with data or processes was invoked in an anomalous way by {{r}}.
InitialAccess:IAMUser/AnomalousBehavior | 5 | {API} | An API commonly used to gain unauthorized access was invoked in an anomalous way by {{r}}.
PenTest:IAMUser/KaliLinux | 5 | {API} | An API was invoked by {{r}} from a Kali Linux computer.
PenTest:IAMUser/ParrotLinux | 5 | {API} | An API was invoked by {{r}} from a Parrot Security Linux computer.
PenTest:IAMUser/PentooLinux | 5 | {API} | An API was invoked by {{r}} from a Pentoo Linux computer.
Persistence:IAMUser/AnomalousBehavior | 5 | {API} | An API used to maintain unauthorized access was invoked in an anomalous way by {{r}}.
Policy:IAMUser/RootCredentialUsage | 2 | {API} | API {{api}} was invoked using root credentials.
Policy:IAMUser/ShortTermRootCredentialUsage | 2 | {API} | API {{api}} was invoked using short-term root credentials.
PrivilegeEscalation:IAMUser/AnomalousBehavior | 5 | {API} | An API used to obtain high-level permissions was invoked in an anomalous way by {{r}}.
Recon:IAMUser/MaliciousIPCaller | 5 | {API} | Reconnaissance API {{api}} was invoked from a known malicious IP address.
Recon:IAMUser/MaliciousIPCaller.Custom | 5 | {API} | Reconnaissance API {{api}} was invoked from an IP address on a custom threat list.
Recon:IAMUser/TorIPCaller | 5 | {API} | Reconnaissance API {{api}} was invoked from a Tor exit node IP address.
Stealth:IAMUser/CloudTrailLoggingDisabled | 2 | {API} | AWS CloudTrail trail {{trail}} was disabled.
Stealth:IAMUser/PasswordPolicyChange | 2 | {API} | Account password policy was weakened.
UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B | 5 | {API} | Unusual console login by {{r}} was seen.
UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS | 8 | {API} | Credentials for instance role {{r}} were used from a different AWS account.
UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS | 8 | {API} | Credentials for instance role {{r}} were used from an external IP address.
UnauthorizedAccess:IAMUser/MaliciousIPCaller | 5 | {API} | API {{api}} was invoked from a known malicious IP address.
UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom | 5 | {API} | API {{api}} was invoked from an IP address on a custom threat list.
UnauthorizedAccess:IAMUser/TorIPCaller | 5 | {API} | API {{api}} was invoked from a Tor exit node IP address.
AttackSequence:IAM/CompromisedCredentials | 9.2 | {NONE} | Potential credential compromise of {{r}} indicated by a sequence of actions.
""",
)

_S3 = _kinds(
    "S3Bucket",
    f"""
Discovery:S3/AnomalousBehavior | 2 | {API} | An API commonly used to discover objects was invoked in an anomalous way on S3 bucket {{r}}.
Discovery:S3/MaliciousIPCaller | 8 | {API} | An S3 API was invoked on bucket {{r}} from a known malicious IP address.
Discovery:S3/MaliciousIPCaller.Custom | 8 | {API} | An S3 API was invoked on bucket {{r}} from an IP address on a custom threat list.
Discovery:S3/TorIPCaller | 5 | {API} | An S3 API was invoked on bucket {{r}} from a Tor exit node IP address.
Exfiltration:S3/AnomalousBehavior | 8 | {API} | Objects in S3 bucket {{r}} were read in an anomalous way.
Exfiltration:S3/MaliciousIPCaller | 8 | {API} | Objects in S3 bucket {{r}} were read from a known malicious IP address.
Impact:S3/AnomalousBehavior.Delete | 8 | {API} | Objects in S3 bucket {{r}} were deleted in an anomalous way.
Impact:S3/AnomalousBehavior.Permission | 8 | {API} | The permissions of S3 bucket {{r}} were changed in an anomalous way.
Impact:S3/AnomalousBehavior.Write | 5 | {API} | Objects in S3 bucket {{r}} were written in an anomalous way.
Impact:S3/MaliciousIPCaller | 8 | {API} | S3 bucket {{r}} was tampered with from a known malicious IP address.
PenTest:S3/KaliLinux | 5 | {API} | An S3 API was invoked on bucket {{r}} from a Kali Linux computer.
PenTest:S3/ParrotLinux | 5 | {API} | An S3 API was invoked on bucket {{r}} from a Parrot Security Linux computer.
PenTest:S3/PentooLinux | 5 | {API} | An S3 API was invoked on bucket {{r}} from a Pentoo Linux computer.
Policy:S3/AccountBlockPublicAccessDisabled | 2 | {API} | Amazon S3 Block Public Access was disabled for the account.
Policy:S3/BucketAnonymousAccessGranted | 8 | {API} | S3 bucket {{r}} was granted access to anonymous users.
Policy:S3/BucketBlockPublicAccessDisabled | 2 | {API} | Amazon S3 Block Public Access was disabled for S3 bucket {{r}}.
Policy:S3/BucketPublicAccessGranted | 8 | {API} | Amazon S3 public access was granted for S3 bucket {{r}}.
Stealth:S3/ServerAccessLoggingDisabled | 2 | {API} | Server access logging was disabled for S3 bucket {{r}}.
UnauthorizedAccess:S3/MaliciousIPCaller.Custom | 8 | {API} | An S3 API was invoked on bucket {{r}} from an IP address on a custom threat list.
UnauthorizedAccess:S3/TorIPCaller | 5 | {API} | An S3 API was invoked on bucket {{r}} from a Tor exit node IP address.
AttackSequence:S3/CompromisedData | 9.4 | {NONE} | Potential data compromise of S3 bucket {{r}} indicated by a sequence of actions.
""",
)

_OTHERS = [
    *_kinds(
        "EKSCluster",
        f"""
CredentialAccess:Kubernetes/MaliciousIPCaller | 8 | {K8S} | A Kubernetes API commonly used to access credentials was invoked on EKS cluster {{r}} from a known malicious IP address.
Discovery:Kubernetes/SuccessfulAnonymousAccess | 5 | {K8S} | A Kubernetes API was invoked anonymously on EKS cluster {{r}}.
Execution:Kubernetes/ExecInKubeSystemPod | 5 | {K8S} | A command was executed inside a kube-system pod in EKS cluster {{r}}.
Impact:Kubernetes/MaliciousIPCaller | 8 | {K8S} | A Kubernetes API commonly used to tamper with resources was invoked on EKS cluster {{r}} from a known malicious IP address.
Persistence:Kubernetes/ContainerWithSensitiveMount | 5 | {K8S} | A container with a sensitive host path mounted was launched in EKS cluster {{r}}.
Policy:Kubernetes/AdminAccessToDefaultServiceAccount | 8 | {K8S} | The default service account in EKS cluster {{r}} was granted admin privileges.
Policy:Kubernetes/AnonymousAccessGranted | 8 | {K8S} | The system:anonymous user was granted API permission on EKS cluster {{r}}.
PrivilegeEscalation:Kubernetes/PrivilegedContainer | 5 | {K8S} | A privileged container with root level access was launched in EKS cluster {{r}}.
Execution:Kubernetes/MaliciousFile | 8 | {NONE} | Malicious file found in a container of EKS cluster {{r}}.
AttackSequence:EKS/CompromisedCluster | 9.1 | {NONE} | Potential compromise of EKS cluster {{r}} indicated by a sequence of actions.
""",
    ),
    *_kinds(
        "ECSCluster",
        f"""
Execution:ECS/MaliciousFile | 8 | {NONE} | Malicious file found in a task of ECS cluster {{r}}.
AttackSequence:ECS/CompromisedCluster | 9.1 | {NONE} | Potential compromise of ECS cluster {{r}} indicated by a sequence of actions.
""",
    ),
    *_kinds(
        "RDSDBInstance",
        f"""
CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin | 8 | {RDS} | A user logged in to RDS database {{r}} in an anomalous way.
CredentialAccess:RDS/AnomalousBehavior.FailedLogin | 2 | {RDS} | Unusually many failed login attempts were made to RDS database {{r}}.
CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce | 8 | {RDS} | A user logged in to RDS database {{r}} after a brute force attack.
CredentialAccess:RDS/MaliciousIPCaller.SuccessfulLogin | 8 | {RDS} | A user logged in to RDS database {{r}} from a known malicious IP address.
CredentialAccess:RDS/MaliciousIPCaller.FailedLogin | 5 | {RDS} | A known malicious IP address failed to log in to RDS database {{r}}.
CredentialAccess:RDS/TorIPCaller.SuccessfulLogin | 8 | {RDS} | A user logged in to RDS database {{r}} from a Tor exit node IP address.
CredentialAccess:RDS/TorIPCaller.FailedLogin | 5 | {RDS} | A Tor exit node IP address failed to log in to RDS database {{r}}.
Discovery:RDS/MaliciousIPCaller | 5 | {RDS} | A known malicious IP address probed RDS database {{r}}.
Discovery:RDS/TorIPCaller | 5 | {RDS} | A Tor exit node IP address probed RDS database {{r}}.
""",
    ),
    *_kinds(
        "Lambda",
        f"""
Backdoor:Lambda/C&CActivity.B | 8 | {NET} | Lambda function {{r}} is querying an IP address associated with a known command and control server.
CryptoCurrency:Lambda/BitcoinTool.B | 8 | {NET} | Lambda function {{r}} is querying an IP address associated with cryptocurrency-related activity.
Trojan:Lambda/BlackholeTraffic | 5 | {NET} | Lambda function {{r}} is attempting to communicate with a known black hole IP address.
Trojan:Lambda/DropPoint | 5 | {NET} | Lambda function {{r}} is attempting to communicate with a known drop point.
UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom | 5 | {NET} | Lambda function {{r}} is making connections to an IP address on a custom threat list.
UnauthorizedAccess:Lambda/TorClient | 8 | {NET} | Lambda function {{r}} is making connections to a Tor Guard or an Authority node.
UnauthorizedAccess:Lambda/TorRelay | 8 | {NET} | Lambda function {{r}} is making connections to a Tor network as a Tor relay.
""",
    ),
]

CATALOG: dict[str, FindingKind] = {k.type: k for k in (*_EC2, *_IAM, *_S3, *_OTHERS)}
"""Every finding type the world can make, by name."""


def kind_of(finding_type: str) -> FindingKind | None:
    """The catalog's entry for `finding_type`, if it is one."""
    return CATALOG.get(finding_type)
