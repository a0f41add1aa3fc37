"""What the first frame does not wait for: Textual parsing every stylesheet again (and
restyling every widget) when the home screen is pushed, since its stylesheet is read with the
app's (`MontuiApp.CSS_PATH`)."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet

from montui.ui.screens.triage import TriageScreen
from tests.fakes import frozen_clock
from tests.triage_data import demo_app


async def test_pushing_the_home_screen_parses_no_stylesheet_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reparsed: list[str] = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append("reparse")
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert reparsed == []
        assert str(app.screen.query_one("#triage-title").styles.height) == "1"  # triage.tcss
