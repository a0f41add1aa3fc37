"""Shared fixtures. Real AWS is unreachable from every test (see `_no_real_aws`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from hypothesis import settings

from montui_world.identity import DEMO_ACCOUNT, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.world import World

# Hypothesis's per-example deadline (200 ms) is a timed assertion: on two loaded cores a
# tokenizer example took 287 ms and failed. Examples are judged by their result only.
settings.register_profile("montui", deadline=None)
settings.load_profile("montui")

CLOCK_AHEAD_VARIABLE = "MONTUI_TEST_CLOCK_AHEAD_DAYS"


def pytest_configure(config: pytest.Config) -> None:
    """With MONTUI_TEST_CLOCK_AHEAD_DAYS=N, the whole run (each xdist worker) sees the wall
    clock N days ahead (`make test` runs the suite once more a year ahead): a test that
    depends on today's date fails there. Monotonic clocks are left alone."""
    days = os.environ.get(CLOCK_AHEAD_VARIABLE)
    if days:
        time_machine.travel(timedelta(days=int(days)), tick=True).start()


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake credentials, empty AWS config files, endpoint forced to a dead loopback port,
    no user config: a test that forgets to point at the local world fails fast, offline."""
    empty = tmp_path_factory.mktemp("awsconfig")
    (empty / "config").write_text("")
    (empty / "credentials").write_text("")
    for var in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "MONTUI_CONFIG",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Port 9 (discard) on loopback: nothing listens, so a stray call fails at once.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(empty / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(empty / "xdg-data"))


@pytest.fixture(autouse=True)
def _outside_tmux(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as outside tmux (a copy would ask the real tmux otherwise); a test that
    wants tmux gives the clipboard its own environment and a fake command runner."""
    monkeypatch.delenv("TMUX", raising=False)


@pytest.fixture(scope="session")
def world_server() -> Iterator[World]:
    """One local AWS world per test process (per xdist worker)."""
    world = World().start()
    yield world
    world.stop()


@pytest.fixture
def world(world_server: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The local AWS world, empty at the start of each test, as the endpoint for boto3."""
    world_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", world_server.endpoint)
    yield world_server
    world_server.reset()


@pytest.fixture
def add_world_account(world: World) -> Callable[..., WorldAccount]:
    """Adds an account to this test's (reset) world with boto3 only, as a person would with
    the AWS CLI (`tests.world.accounts.add_account`): `add_world_account("210987654321",
    external_id=None)` creates the role `montui-readonly` there, trusting the base account,
    and returns the account with sessions acting in it (`.readonly`: through that role)."""
    from tests.world.accounts import add_account, base_session

    base = base_session(world.endpoint)

    def add(account_id: str, *, external_id: str | None = None) -> WorldAccount:
        return add_account(base, account_id, external_id=external_id)

    return add


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path


# --- the living scenario, deterministic --------------------------------------------------------

SCENARIO_START = datetime(2026, 11, 21, 3, 30, 15, tzinfo=UTC)
SCENARIO_SEED = 7
_SENTINEL = "_montui_test_scenario"

if TYPE_CHECKING:
    from montui_world.faults.proxy import FaultProxy
    from montui_world.live import Scenario
    from tests.world.accounts import WorldAccount


class ScenarioWorld:
    """The demo scenario (seed 7, started at SCENARIO_START) in this worker's world, on a
    clock the tests move by hand (`at`). Built once and reused; built again when another
    test reset the world or a test asks for a time before the one reached."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.scenario: Scenario | None = None
        self.builds = 0

    @property
    def endpoint(self) -> str:
        return self.world.endpoint

    def _intact(self) -> bool:
        from moto.cloudwatch.models import cloudwatch_backends

        backend = cloudwatch_backends[DEMO_ACCOUNT]["ap-northeast-1"]
        return self.scenario is not None and backend.__dict__.get(_SENTINEL) is self.scenario

    def ready(self) -> Scenario:
        """The scenario, built if needed, wherever its clock is."""
        if not self._intact():
            self.rebuild()
        assert self.scenario is not None
        return self.scenario

    def rebuild(self) -> Scenario:
        from moto.cloudwatch.models import cloudwatch_backends

        from montui_world.live import Scenario

        self.world.reset()
        scenario = Scenario(seed=SCENARIO_SEED, now=SCENARIO_START)
        scenario.build(self.world.endpoint)
        cloudwatch_backends[DEMO_ACCOUNT]["ap-northeast-1"].__dict__[_SENTINEL] = scenario
        self.scenario = scenario
        self.builds += 1
        return scenario

    def at(self, moment: datetime | timedelta) -> Scenario:
        """The scenario moved to `moment` (a time, or a delta after SCENARIO_START)."""
        target = SCENARIO_START + moment if isinstance(moment, timedelta) else moment
        scenario = self.ready()
        if target < scenario.reached:
            scenario = self.rebuild()
        scenario.advance_to(target)
        return scenario


@pytest.fixture(scope="session")
def scenario_world_server(world_server: World) -> ScenarioWorld:
    """One deterministic scenario per test process (built on first use)."""
    return ScenarioWorld(world_server)


@pytest.fixture
def scenario_world(
    scenario_world_server: ScenarioWorld, monkeypatch: pytest.MonkeyPatch
) -> ScenarioWorld:
    """The deterministic scenario world as the endpoint for boto3. Unlike `world`, it is not
    reset between tests: tests read it, and move its clock forward with `at`."""
    scenario_world_server.ready()
    monkeypatch.setenv("AWS_ENDPOINT_URL", scenario_world_server.endpoint)
    return scenario_world_server


# --- a faulty AWS in front of the scenario world ------------------------------------------------

FAULT_READ_TIMEOUT = 0.5
"""botocore's read timeout behind the fault proxy: a stall costs the client this, not 10 s."""


@pytest.fixture
def fault_proxy(
    scenario_world: ScenarioWorld, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FaultProxy]:
    """A fault proxy (`montui_world.faults`) in front of the scenario world, as the endpoint
    for boto3 and montui. Its plan has no rules until the test sets them (seed 11);
    montui's read timeout is `FAULT_READ_TIMEOUT`. Stalls are released at teardown."""
    from montui_world.faults.plan import FaultPlan
    from montui_world.faults.proxy import FaultProxy

    monkeypatch.setattr("montui.sources.session.READ_TIMEOUT", FAULT_READ_TIMEOUT)
    with FaultProxy(scenario_world.endpoint, FaultPlan(seed=11), stall_seconds=30) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
        yield proxy
