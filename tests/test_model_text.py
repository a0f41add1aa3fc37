"""Shortening names to a column with a middle ellipsis that keeps the distinguishing tail."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from montui.model.text import counted, middle_ellipsis


def test_similar_names_keep_their_distinguishing_tails() -> None:
    error = middle_ellipsis("shop-lambda-payment-webhook-error-rate", 25)
    duration = middle_ellipsis("shop-lambda-payment-webhook-duration-p99", 25)
    assert error == "shop-lambda-pa…error-rate"
    assert duration == "shop-lambda-…duration-p99"
    assert error != duration


def test_short_text_is_left_alone_and_tiny_widths_still_fit() -> None:
    assert middle_ellipsis("shop-db-cpu", 25) == "shop-db-cpu"
    assert middle_ellipsis("abcdef", 1) == "…"
    assert middle_ellipsis("abcdef", 0) == ""
    assert middle_ellipsis("abcdefghij", 5) == "ab…ij"


def test_a_tail_without_separators_is_cut_evenly() -> None:
    assert middle_ellipsis("ALARM(a) AND ALARM(bbbbbbbbbbbbbbbbbb)", 11) == "ALARM…bbbb)"


@given(st.text(max_size=80), st.integers(min_value=0, max_value=90))
def test_never_longer_than_the_width_and_marked_when_cut(text: str, width: int) -> None:
    short = middle_ellipsis(text, width)
    assert len(short) <= max(width, 0)
    if len(text) <= width:
        assert short == text
    elif width > 0:
        assert "…" in short


def test_counted_nouns_are_singular_for_one() -> None:
    assert counted(1, "ALARM episode") == "1 ALARM episode"
    assert counted(0, "ALARM episode") == "0 ALARM episodes"
    assert counted(28, "ALARM episode") == "28 ALARM episodes"
