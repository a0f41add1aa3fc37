"""`montui review`'s arguments: bad ones get review's usage and a clear message (exit 2)."""

from __future__ import annotations

import pytest

from montui.cli import main


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--days", "0"], "--days takes a whole number of days from 1 to 30"),
        (["--days", "two"], "--days takes a whole number of days from 1 to 30"),
        (["--fail-on", "loud"], "--fail-on: unknown category 'loud' (one of: unheard,"),
        (["--fail-on", "stuck=many"], "the limit after = must be a whole number"),
        (["--output", "html"], "invalid choice: 'html'"),
    ],
)
def test_bad_arguments(args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["review", *args])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: montui review")
    assert says in err


def test_help_names_the_categories(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["review", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "never-fired" in out and "--fail-on CATEGORY[=N],…" in out
