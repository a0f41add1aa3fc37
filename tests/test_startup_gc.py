"""The start-up pause of the cyclic garbage collector (`montui.startup_gc`): off while montui
imports and paints, back on (with start-up's objects frozen) once the first frame is painted
or a command that runs no app begins."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from montui import startup_gc


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    startup_gc.resume()
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_pause_turns_the_collector_off_and_resume_back_on_with_startup_frozen() -> None:
    gc.enable()
    gc.unfreeze()
    startup_gc.pause()
    assert not gc.isenabled()
    made_at_start: list[list[int]] = [[] for _ in range(10)]
    startup_gc.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made_at_start)


def test_resume_is_idempotent_and_leaves_alone_a_collector_it_did_not_pause() -> None:
    gc.disable()  # turned off by someone else (an embedding program, a test)
    startup_gc.pause()
    startup_gc.resume()
    assert not gc.isenabled()
    gc.enable()
    startup_gc.pause()
    startup_gc.resume()
    startup_gc.resume()
    assert gc.isenabled()


def test_a_command_resumes_the_collector_before_it_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui import cli

    seen: list[bool] = []

    def run_review(*_args: object, **_kwargs: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, "run_review", run_review)
    monkeypatch.setenv("MONTUI_CONFIG", "/dev/null")
    gc.enable()
    startup_gc.pause()
    assert cli.main(["--region", "us-east-1", "review"]) == 0
    assert seen == [True]


async def test_the_app_resumes_the_collector_once_its_first_frame_is_painted(
    tmp_path: Path,
) -> None:
    from montui.config import Settings
    from montui.ui.app import MontuiApp
    from tests.fakes import FakeFeed, frozen_clock, make_alarm

    feeds = FakeFeed({"ap-northeast-1": [make_alarm("contact-form-error-rate")]}).feeds
    app = MontuiApp(feeds, Settings(), clock=frozen_clock, home="board", data_dir=tmp_path)
    gc.enable()
    startup_gc.pause()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
