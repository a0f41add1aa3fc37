"""shop in us-east-1: the edge services whose metrics CloudWatch keeps only in N. Virginia
(CloudFront, WAF for CloudFront, Route 53 health checks, ACM certificates used by CloudFront)
and the account's billing estimate."""

from __future__ import annotations

from montui_world.scenario.shop import KNOW, NEXT_DAY, VIRGINIA, alarm
from montui_world.scenario.spec import AlarmSpec, MetricId, Signal

_CDN = (("DistributionId", "E3SHOPSTORE9EXMP"), ("Region", "Global"))
_ACL = (("WebACL", "shop-prod-cloudfront"), ("Rule", "ALL"))
_WWW_CHECK = (("HealthCheckId", "a3c9e1f7-64b2-4d08-b5e3-7f9a0c2d4e61"),)
_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b7c6f1e-3a2d-4e59-8c71-5d4f3e2a1b09"

ALARMS: tuple[AlarmSpec, ...] = (
    alarm(
        "shop-cloudfront-5xx-rate",
        "5 % or more of storefront requests answered 5xx at the edge in 3 of 5 minutes.",
        MetricId("AWS/CloudFront", "5xxErrorRate", _CDN, "Percent"),
        "Average >= 5 3/5 1m",
        Signal(ok=(0.0, 0.6), breach=(5.5, 31.0)),
        region=VIRGINIA,
    ),
    alarm(
        "shop-cloudfront-4xx-rate",
        "15 % or more 4xx at the edge for 15 minutes (broken links, bots).",
        MetricId("AWS/CloudFront", "4xxErrorRate", _CDN, "Percent"),
        "Average >= 15 3/3 5m",
        Signal(ok=(1.2, 6.5), breach=(16.0, 44.0)),
        region=VIRGINIA,
        response=KNOW,
    ),
    alarm(
        "shop-cloudfront-origin-latency-p90",
        "p90 origin latency 2 s or more in 3 of 5 minutes.",
        MetricId("AWS/CloudFront", "OriginLatency", _CDN, "Milliseconds"),
        "p90 >= 2000 3/5 1m",
        Signal(ok=(90, 640), breach=(2100, 7200), digits=1),
        region=VIRGINIA,
        response=NEXT_DAY,
    ),
    alarm(
        "shop-cloudfront-requests-spike",
        "50,000 or more storefront requests in 5 minutes (about 10x the evening peak).",
        MetricId("AWS/CloudFront", "Requests", _CDN, "None"),
        "Sum >= 50000 1/1 5m",
        Signal(ok=(1800, 5200), breach=(52000, 180000), integer=True),
        region=VIRGINIA,
        response=KNOW,
    ),
    alarm(
        "shop-waf-blocked-requests",
        "WAF blocked 1,000 or more requests in 5 minutes.",
        MetricId("AWS/WAFV2", "BlockedRequests", _ACL, "Count"),
        "Sum >= 1000 1/1 5m",
        Signal(ok=(5, 320), breach=(1100, 26000), integer=True),
        region=VIRGINIA,
        response=KNOW,
        missing="notBreaching",
    ),
    alarm(
        "shop-route53-health-www",
        "The www.shop.example.com health check failed for 3 of 3 minutes.",
        MetricId("AWS/Route53", "HealthCheckStatus", _WWW_CHECK, "None"),
        "Minimum < 1 3/3 1m",
        Signal(ok=(1, 1), breach=(0, 0), integer=True),
        region=VIRGINIA,
        missing="breaching",
    ),
    alarm(
        "shop-acm-certificate-expiry",
        "The storefront certificate expires in less than 30 days (ACM renews it; if not, "
        "check DNS validation).",
        MetricId("AWS/CertificateManager", "DaysToExpiry", (("CertificateArn", _CERT),), "None"),
        "Minimum < 30 1/1 1d",
        Signal(ok=(41, 41), breach=(3, 29), integer=True),
        region=VIRGINIA,
        response=NEXT_DAY,
    ),
    alarm(
        "account-billing-estimated-charges",
        "The month's estimated charges reached 2,000 USD.",
        MetricId("AWS/Billing", "EstimatedCharges", (("Currency", "USD"),), "None"),
        "Maximum >= 2000 1/1 6h",
        Signal(ok=(1210.0, 1385.0), breach=(2010, 2600)),
        region=VIRGINIA,
        response=NEXT_DAY,
    ),
)
