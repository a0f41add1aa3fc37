"""`BoardView`: the board's filter and order, incremental, agree with `filter_alarms` + the
orders on every sequence of filter texts; the search text is computed once per alarm."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from montui.model.alarm import Alarm, AlarmState
from montui.model.board import board_order, filter_alarms
from montui.model.board_view import ORDERS, BoardView, narrows
from tests.fakes import make_alarm

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK


def many(count: int) -> list[Alarm]:
    states = (A, NODATA, OK, OK)
    return [
        make_alarm(
            f"{('shop', 'form', 'db')[i % 3]}-{('cpu', 'errors')[i % 2]}-{i}",
            states[i % 4],
            region=("ap-northeast-1", "us-east-1")[i % 2],
            minutes_ago=(i * 7) % 50,
            dims=(("FunctionName", f"fn-{i % 5}"),),
        )
        for i in range(count)
    ]


ALARMS = many(60)
WORDS = st.sampled_from(["", "s", "sh", "shop", "shop c", "shop cpu", "fn-3", "db 1", "x", "us"])


def expected(alarms: list[Alarm], text: str, states: frozenset[AlarmState] | None, order: str,
             recovered: frozenset[tuple[str, str, str]]) -> list[Alarm]:  # fmt: skip
    return ORDERS[order](filter_alarms(alarms, text, states), recovered)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(WORDS, st.sampled_from([None, frozenset({A}), frozenset({OK, NODATA})]),
                  st.sampled_from(list(ORDERS))),
        min_size=1, max_size=12,
    ),
    st.booleans(),
)  # fmt: skip
def test_rows_agree_with_filter_then_order(
    steps: list[tuple[str, frozenset[AlarmState] | None, str]], recover: bool
) -> None:
    view = BoardView()
    recovered = frozenset({ALARMS[2].key, ALARMS[6].key}) if recover else frozenset()
    for text, states, order in steps:
        got = view.rows(ALARMS, text=text, states=states, order=order, recovered=recovered)
        assert got == expected(ALARMS, text, states, order, recovered)


def test_typing_narrows_from_the_previous_result_and_deleting_widens_again() -> None:
    view = BoardView()
    typed = ["s", "sh", "sho", "shop", "shop ", "shop c", "shop cp", "shop cpu"]
    for text in typed + typed[::-1] + [""]:
        assert view.rows(ALARMS, text=text) == board_order(filter_alarms(ALARMS, text))


def test_new_alarms_are_sorted_again() -> None:
    view = BoardView()
    assert view.rows(ALARMS, text="shop") == board_order(filter_alarms(ALARMS, "shop"))
    changed = [*ALARMS[:-1], make_alarm("shop-new", A, minutes_ago=0)]
    rows = view.rows(changed, text="shop")
    assert "shop-new" in [a.name for a in rows]
    assert rows == board_order(filter_alarms(changed, "shop"))


def test_narrows_means_every_old_word_is_in_a_new_word() -> None:
    assert narrows(["sho"], ["shop"])
    assert narrows(["shop"], ["shop", "db"])
    assert narrows([], ["x"])
    assert not narrows(["shop"], ["sho"])
    assert not narrows(["shop", "db"], ["shop"])


def test_search_text_is_computed_once_per_alarm_object() -> None:
    alarm = make_alarm("Shop-API", reason="Threshold Crossed")
    first = alarm.search_text()
    assert first is alarm.search_text()
    assert "shop-api" in first and "threshold crossed" in first
    assert alarm == make_alarm("Shop-API", reason="Threshold Crossed")  # cache not compared


def test_ten_thousand_alarms_filter_to_the_right_rows() -> None:
    alarms = many(10_000)
    view = BoardView()
    rows = view.rows(alarms, text="shop cpu-99")
    assert rows == board_order(filter_alarms(alarms, "shop cpu-99"))
    assert rows and all("shop-cpu-99" in a.name for a in rows)
