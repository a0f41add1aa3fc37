"""Issue 11: `montui alarms` and `montui query` behind the fault proxy (`fault_proxy`): under
30 % faults they exit 0 or 1, a failure said on stderr in one `montui: …` line (and a hint),
never a traceback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from montui.cli import main
from montui_world.faults.plan import TRANSIENT, Fault, Rule
from montui_world.faults.proxy import FaultProxy
from tests.conftest import SCENARIO_START, ScenarioWorld

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
GROUP = "/aws/lambda/hitori-contact-form"


def check_said(rc: int, err: str) -> None:
    """Exit 0 or 1; on 1 the reason in a `montui:` line; never a traceback."""
    assert rc in (0, 1), err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert all(line.startswith(("montui: ", "  ")) for line in lines), err
    if rc == 1:
        assert any(line.startswith("montui: ") for line in lines), err


def test_alarms_under_faults_exit_0_or_1_with_a_reason(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["alarms", "--output", "json", "--endpoint-url", fault_proxy.endpoint]
    args += ["--region", f"{TOKYO},{VIRGINIA}"]
    fault_proxy.plan.set_rules([Rule(0.3, TRANSIENT)])
    for _ in range(3):
        rc = main(args)
        out, err = capsys.readouterr()
        check_said(rc, err)
        assert out.startswith("[")  # the regions that answered, as JSON
    fault_proxy.plan.set_rules([Rule(1.0, (Fault.ERROR_503, Fault.RESET), region=VIRGINIA)])
    rc = main(args)
    out, err = capsys.readouterr()
    check_said(rc, err)
    assert rc == 1
    assert err.startswith(f"montui: cloudwatch {VIRGINIA}: ")
    assert TOKYO in out


def test_query_under_faults_exits_0_or_1_with_a_reason(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    start = (SCENARIO_START - timedelta(minutes=30)).isoformat()
    args = ["query", "--endpoint-url", fault_proxy.endpoint, "--region", TOKYO, "-g", GROUP]
    args += ["--start", start, "--end", SCENARIO_START.isoformat(), "--output", "jsonl"]
    args += ["fields @timestamp, @message | limit 20"]
    fault_proxy.plan.set_rules([Rule(0.3, TRANSIENT)])
    for _ in range(3):
        check_said(main(args), capsys.readouterr().err)
    fault_proxy.plan.set_rules([Rule(1.0, (Fault.THROTTLE,), operation="StartQuery")])
    rc = main(args)
    err = capsys.readouterr().err
    check_said(rc, err)
    assert rc == 1
    assert err.startswith(f"montui: logs {TOKYO}: throttled by AWS (ThrottlingException)")
    assert fault_proxy.plan.total_injected > 0
