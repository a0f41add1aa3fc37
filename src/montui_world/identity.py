"""Who the local AWS world is: its account, its regions, the fake credentials that reach it,
and the header that dates what a request records.

Plain constants, no moto: the world's modules, its scenario and the tests share them.
"""

from __future__ import annotations

FAKE_ACCESS_KEY = "AKIAMONTUIDEMO000000"
FAKE_SECRET_KEY = "montui-demo-secret-not-a-real-key"
DEMO_ACCOUNT = "123456789012"
DEMO_REGIONS = ("ap-northeast-1", "us-east-1")

CLOCK_HEADER = "X-Montui-Demo-Clock"
"""A CloudWatch request may carry `X-Montui-Demo-Clock: <ISO 8601 time>`: the world then dates
what it records (state and configuration timestamps) at that time instead of now (see
`ext.cloudwatch`). AWS ignores the header."""
