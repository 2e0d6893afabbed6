"""The knob sliders (ui/knob_slider.py) on the knob machine, moved as the browser moves them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

import ui.knob_slider as sliders
from tests.charts import trace_named
from tests.conftest import open_page
from tests.knobs import knob_slider, knob_sliders, move_state, new_move, turn_knob
from ui.knob_slider import KNOB_SLIDERS, decimals_for, name_html


@pytest.fixture
def at() -> AppTest:
    return open_page("app.py", f="x^2 y")


def send_move(at: AppTest, key: str, move: Any) -> AppTest:
    """Send ``move`` as the knob's move, whatever it is (a browser's page can send anything)."""
    states = at._tree.get_widget_states()
    states.widgets.append(move_state(at, key, move))
    return at._run(states)


def send_moves(at: AppTest, moves: Any) -> AppTest:
    """Send ``moves`` as the sliders' whole state, whatever it is."""
    (panel,) = [e for e in at.get("bidi_component") if e.proto.component_name == KNOB_SLIDERS]
    states = at._tree.get_widget_states()
    state = WidgetState(id=panel.proto.id)
    state.json_value = json.dumps({"moves": moves})
    states.widgets.append(state)
    return at._run(states)


def jacobian_row(at: AppTest) -> list[float]:
    return trace_named(at, "jacobian")["z"][0]


def test_each_knob_has_a_slider_with_its_name_range_and_value(at: AppTest) -> None:
    assert [(s.label, s.value, s.min, s.max, s.step) for s in knob_sliders(at)] == [
        ("x", 1.0, -3.0, 3.0, 0.01),
        ("y", 1.0, -3.0, 3.0, 0.01),
    ]


def test_reset_brings_every_knob_back_and_a_knob_can_return_to_where_it_was(at: AppTest) -> None:
    turn_knob(at, "knob_slider_x", 2.0)
    turn_knob(at, "knob_slider_y", -1.5)
    assert jacobian_row(at) == [2 * 2.0 * -1.5, 2.0**2]
    at.button(key="knob_reset").click().run()
    assert [s.value for s in knob_sliders(at)] == [1.0, 1.0]
    assert jacobian_row(at) == [2.0, 1.0]
    # The same value as before the reset is a move like any other.
    turn_knob(at, "knob_slider_x", 2.0)
    assert knob_slider(at, "knob_slider_x").value == 2.0
    assert jacobian_row(at) == [4.0, 4.0]


def test_a_move_beyond_the_range_stops_at_its_end(at: AppTest) -> None:
    turn_knob(at, "knob_slider_x", 1e300)
    assert knob_slider(at, "knob_slider_x").value == 3.0
    turn_knob(at, "knob_slider_x", -7.0)
    assert knob_slider(at, "knob_slider_x").value == -3.0
    assert at.query_params["k_x"] == "-3"


@pytest.mark.parametrize(
    "move",
    [
        {"value": "2", "n": "a"},
        {"value": None, "n": "b"},
        {"value": True, "n": "c"},
        {"value": float("nan"), "n": "d"},
        {"value": float("inf"), "n": "e"},
        {"n": "f"},
        {"value": 2.0, "n": 7},
        {"value": 2.0, "n": "x" * 65},
        "2",
        [2.0],
        None,
    ],
    ids=repr,
)
def test_a_move_that_is_not_a_finite_number_changes_nothing(at: AppTest, move: Any) -> None:
    turn_knob(at, "knob_slider_x", 0.5)
    send_move(at, "knob_slider_x", move)
    assert not at.exception
    assert knob_slider(at, "knob_slider_x").value == 0.5
    assert jacobian_row(at) == [2 * 0.5, 0.25]


@pytest.mark.parametrize(
    "moves",
    ["x", [{"value": 2.0, "n": "a"}], None, 2.0, {"y": "2"}, {"z": {"value": 2.0, "n": "b"}}],
    ids=repr,
)
def test_sliders_state_that_is_not_a_knobs_move_changes_nothing(at: AppTest, moves: Any) -> None:
    turn_knob(at, "knob_slider_x", 0.5)
    send_moves(at, moves)
    assert not at.exception
    assert [s.value for s in knob_sliders(at)] == [0.5, 1.0]
    assert jacobian_row(at) == [2 * 0.5, 0.25]


def test_one_knobs_move_leaves_the_others_where_they_are(at: AppTest) -> None:
    """The browser sends every knob's newest move with each move: each is taken once."""
    y_move = new_move(-2.0)
    send_moves(at, {"y": y_move})
    send_moves(at, {"y": y_move, "x": new_move(0.5)})
    assert [s.value for s in knob_sliders(at)] == [0.5, -2.0]
    at.button(key="knob_reset").click().run()
    send_moves(at, {"y": y_move, "x": new_move(0.25)})
    assert [s.value for s in knob_sliders(at)] == [0.25, 1.0], "y's old move is not taken again"


@pytest.mark.parametrize(
    ("step", "decimals"),
    [(0.01, 2), (0.25, 2), (0.5, 1), (1.0, 0), (5.0, 0), (0.001, 3), (1e-4, 4), (1e-9, 6)],
)
def test_the_value_shows_as_many_decimals_as_the_step_needs(step: float, decimals: int) -> None:
    assert decimals_for(step) == decimals


@pytest.mark.parametrize(
    ("name", "typeset"),
    [("x", "x"), ("x1", "x<sub>1</sub>"), ("x12", "x<sub>12</sub>"), ("theta2", "θ<sub>2</sub>")],
)
def test_a_knob_is_labelled_with_its_name_typeset(name: str, typeset: str) -> None:
    assert name_html(name) == typeset


def test_a_tagged_element_names_the_panel_and_the_run_sends_as_before_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``moves_rerun``'s tagging touches only what is sent inside it, nested too, and leaves the
    script run's sending as it was (a slider drawn after it reruns what it is drawn in)."""

    class Run:
        def __init__(self) -> None:
            self.sent: list[ForwardMsg] = []

        def enqueue(self, msg: ForwardMsg) -> None:
            self.sent.append(msg)

    run = Run()
    monkeypatch.setattr(sliders, "get_script_run_ctx", lambda: run)

    def element() -> ForwardMsg:
        msg = ForwardMsg()
        msg.delta.new_element.markdown.body = "x"
        return msg

    with sliders._tagged("panel"):
        run.enqueue(element())
        with sliders._tagged("inner"):
            run.enqueue(element())
        run.enqueue(element())
    run.enqueue(element())
    assert [m.delta.fragment_id for m in run.sent] == ["panel", "inner", "panel", ""]
    assert "enqueue" not in vars(run), "the run's own enqueue again"
