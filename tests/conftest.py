"""Shared fixtures. Real AWS is unreachable from every test (see `_no_real_aws`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from montui.demo.world import FAKE_ACCESS_KEY, FAKE_SECRET_KEY, World


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
def config_dir(tmp_path: Path) -> Path:
    return tmp_path
