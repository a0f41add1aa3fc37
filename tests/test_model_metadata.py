"""Team metadata found outside the config: the runbook URL in an alarm's description."""

from __future__ import annotations

from montui.model.metadata import runbook_in


def test_runbook_url_after_the_word_runbook() -> None:
    text = "Errors of the contact form. Act now. Runbook: https://wiki.example.com/rb/cf."
    assert runbook_in(text) == "https://wiki.example.com/rb/cf"
    assert runbook_in("see runbook https://x.example/r1 (page)") == "https://x.example/r1"


def test_a_url_that_names_a_runbook_or_nothing() -> None:
    assert runbook_in("Dashboard https://d.example/x; https://w.example/runbooks/db") == (
        "https://w.example/runbooks/db"
    )
    assert runbook_in("Dashboard: https://d.example/x") is None
    assert runbook_in("") is None
