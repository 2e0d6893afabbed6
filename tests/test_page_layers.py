"""The "Jacobians of ML layers" page in AppTest: every layer renders, the engine's heatmap equals
the closed form, edits, fillers, sizes and the URL drive it, bad cells are named, and a knob move
leaves a linear layer's heatmaps untouched but moves the sigmoid layer's."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from calculus.layers import LAYER_KINDS
from tests.charts import chart_specs
from tests.conftest import assert_no_exception, open_page
from tests.knobs import knob_slider, turn_knob
from ui.quote import unquote

PAGE_FILE = "4_ML_layers.py"
#: The engine's Jacobian against the closed form on the page (both computed in floats).
ATOL = 1e-12


def _app(**query: str) -> AppTest:
    return open_page(PAGE_FILE, **query)


def _heatmaps(at: AppTest) -> dict[str, dict]:
    """The page's plotly charts by key, as JSON specs."""
    return chart_specs(at)


def _z(at: AppTest, which: str = "engine") -> np.ndarray:
    spec = _heatmaps(at)[f"layers_heatmap_{which}"]
    trace = next(t for t in spec["data"] if t.get("name") == "jacobian")
    return np.array(trace["z"], dtype=float)


def _text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def _edit(at: AppTest, name: str, rows: dict[int, dict[str, object]]) -> AppTest:
    """Type into P's grid: AppTest applies data_editor edits through its session state."""
    editor = next(e for e in at.data_editor if e.key and e.key.startswith(f"layers_grid_{name}_"))
    at.session_state[editor.key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_default_page_shows_w_and_its_jacobian() -> None:
    at = _app()
    assert_no_exception(at)
    w = np.array([[2, -1, 0.5], [-1, 3, 1]])
    assert np.array_equal(_z(at, "engine"), w)
    assert np.array_equal(_z(at, "closed"), w)
    text = _text(at)
    assert "J − W = 0" in text
    assert "a linear map's derivative is the map itself" in "\n".join(c.value for c in at.caption)
    assert at.query_params["layer"] == "linear"
    assert at.query_params["g_W"] == "2,-1,0.5;-1,3,1"
    assert any("y_{1} &= 2 x_{1} - x_{2} + 0.5 x_{3}" in latex.value for latex in at.latex)


@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_every_layer_renders_with_equal_heatmaps_of_the_right_shape(kind: str) -> None:
    at = _app(layer=kind, n="3", m="4", inner="2")
    assert_no_exception(at)
    engine, closed = _z(at, "engine"), _z(at, "closed")
    expected = (1, 4) if LAYER_KINDS[kind].scalar_output else (3, 4)
    assert engine.shape == closed.shape == expected
    assert np.allclose(engine, closed, rtol=0, atol=ATOL)
    assert f"{expected[0]} × {expected[1]}" in _text(at)


def test_dot_layer_says_the_jacobian_is_a_row() -> None:
    at = _app(layer="dot", m="4", g_a="1,2,3,4")
    assert_no_exception(at)
    assert at.data_editor[0].value.shape == (4, 1), "a is shown as a column"
    assert _z(at).tolist() == [[1, 2, 3, 4]]
    assert "**one row**: 1 × 4" in _text(at)


def _send_as_the_browser(at: AppTest, key: str, label: str) -> AppTest:
    """Rerun with select box ``key`` sending ``label``, as the browser does: it sends the label
    it shows, which after a change of layer may be no option of the new one."""
    states = at._tree.get_widget_states()
    (state,) = [w for w in states.widgets if w.id.endswith(f"-{key}")]
    state.string_value = label
    return at._run(states)


def test_an_edit_of_w_shows_up_in_both_heatmaps() -> None:
    at = _app()
    at = _edit(at, "W", {1: {"2": "7.25"}})
    assert_no_exception(at)
    assert _z(at, "engine")[1, 1] == 7.25
    assert _z(at, "closed")[1, 1] == 7.25
    assert at.query_params["g_W"] == "2,-1,0.5;-1,7.25,1"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "W, row 1, column 3 is empty"),
        ("", "W, row 1, column 3 is empty"),
        ("2e6", "W, row 1, column 3: 2e+06 is too large"),
        ("1e308", "W, row 1, column 3: '1e308' is not a number — the number 1e308 is too large"),
        ("1e-320", "W, row 1, column 3: '1e-320' is not a number — the number 1e-320 is too"),
    ],
)
def test_a_bad_cell_is_named_and_no_jacobian_is_shown(value: object, message: str) -> None:
    at = _edit(_app(), "W", {0: {"3": value}})
    assert_no_exception(at)
    shown = [unquote(error.value) for error in at.error]
    assert any(message in error for error in shown), shown
    assert not chart_specs(at)
    assert at.query_params["g_W"] == "2,-1,0.5;-1,3,1", "the link keeps the last good W"


def test_a_bad_grid_in_the_link_is_reported_and_replaced() -> None:
    at = _app(g_W="1,x,3;4,5,6")
    assert_no_exception(at)
    shown = [unquote(w.value) for w in at.warning]
    assert any("The link's W could not be read" in w for w in shown)
    assert "'x' is not a number" in shown[0]
    assert _z(at).shape == (2, 3)


def test_the_link_restores_layer_sizes_numbers_and_knobs() -> None:
    at = _app(layer="sigmoid", n="2", m="2", g_W="1,2;3,4", g_b="0;-1", k_x1="0.5", k_x2="-1")
    assert_no_exception(at)
    assert knob_slider(at, "layers_slider_x1").value == 0.5
    z = np.array([[1, 2], [3, 4]]) @ np.array([0.5, -1]) + np.array([0, -1])
    slope = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2
    assert np.allclose(_z(at), slope[:, None] * np.array([[1, 2], [3, 4]]), atol=ATOL)


def test_identity_filler_and_resizing() -> None:
    at = _app()
    at.button(key="layers_identity_W").click().run()
    assert_no_exception(at)
    assert _z(at).tolist() == [[1, 0, 0], [0, 1, 0]]
    at.text_input(key="layers_n").set_value("4").run()
    at.text_input(key="layers_m").set_value("2").run()
    assert_no_exception(at)
    assert _z(at).tolist() == [[1, 0], [0, 1], [0, 0], [0, 0]], "overlap kept, rest zero"
    at.button(key="layers_random_W").click().run()
    random = _z(at)
    assert random.shape == (4, 2)
    assert np.all(random == np.round(random)) and np.all(np.abs(random) <= 5)


def test_edits_survive_looking_at_another_layer() -> None:
    at = _edit(_app(), "W", {0: {"1": "9"}})
    at.selectbox(key="layers_kind").set_value("dot").run()
    at.selectbox(key="layers_kind").set_value("linear").run()
    assert_no_exception(at)
    assert _z(at)[0, 0] == 9.0


def test_a_knob_move_leaves_a_linear_layers_heatmaps_byte_identical() -> None:
    at = _app()
    before = {key: json.dumps(spec, sort_keys=True) for key, spec in _heatmaps(at).items()}
    turn_knob(at, "layers_slider_x2", -2.5)
    assert_no_exception(at)
    after = {key: json.dumps(spec, sort_keys=True) for key, spec in _heatmaps(at).items()}
    assert before == after
    assert "y₁ = **5**" in _text(at)  # 2·1 − 1·(−2.5) + 0.5·1


def test_a_knob_move_changes_the_sigmoid_jacobian_and_shows_saturation() -> None:
    at = _app(layer="sigmoid")
    first = _z(at)
    turn_knob(at, "layers_slider_x1", 3.0)
    turn_knob(at, "layers_slider_x2", -3.0)
    assert_no_exception(at)
    moved = _z(at)
    assert not np.allclose(first, moved)
    assert "saturated" in _text(at)
    assert np.allclose(_z(at, "engine"), _z(at, "closed"), atol=ATOL)


def test_the_walkthrough_follows_the_chosen_entry() -> None:
    at = _app()
    at.selectbox(key="layers_entry_i").set_value(2).run()
    at.selectbox(key="layers_entry_j").set_value(3).run()
    assert_no_exception(at)
    latex = "\n".join(element.value for element in at.latex)
    assert r"\boxed{w_{2,3}\,\delta_{3,3}}" in latex
    assert r"\delta_{k,3}" in latex
    assert "So J[2, 3] = **1**" in _text(at)
    table = at.dataframe[-1].value
    assert list(table["δ keeps it"]) == ["no", "no", "yes"]


def test_the_walkthrough_of_y_a_x_lists_every_term() -> None:
    at = _app(layer="bilinear", n="2", m="3", g_y="1;2", g_A="1,2,3;4,5,6")
    at.selectbox(key="layers_entry_j").set_value(2).run()
    assert_no_exception(at)
    table = at.dataframe[-1].value
    assert len(table) == 6
    assert list(table["δ keeps it"]).count("yes") == 2
    assert "So J[1, 2] = **12**" in _text(at)  # y1 a12 + y2 a22 = 2 + 10


# --- crashes and refusals (issues 13 and 18) -----------------------------------------------------


def test_a_stale_entry_after_a_change_of_layer_falls_back_to_the_first() -> None:
    # (A B + C) v, then yᵀ A x: the browser still sends the knob box's label 'v₁', which is no
    # option of yᵀ A x (its knobs are x₁ …). This raised under "The index method", for good.
    at = _app()
    at.selectbox(key="layers_kind").set_value("affine").run()
    at.selectbox(key="layers_entry_j").set_value(3).run()
    at.selectbox(key="layers_kind").set_value("bilinear").run()
    at = _send_as_the_browser(at, "layers_entry_j", "v₃")
    assert_no_exception(at)
    assert at.selectbox(key="layers_entry_j").value == 1
    assert "So J[1, 1]" in _text(at)
    at.selectbox(key="layers_kind").set_value("affine").run()
    at = _send_as_the_browser(at, "layers_entry_i", "s")  # the other way: the stale row box
    assert_no_exception(at)
    assert at.selectbox(key="layers_entry_i").value == 1
    assert at.selectbox(key="layers_entry_i").options == ["y₁", "y₂"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e3", "The size n: from 1 to 6, not 1000; still using n = 2."),
        ("2.5", "The size n: a whole number from 1 to 6, not 2.5; still using n = 2."),
        ("", "The size n: empty: type a number; still using n = 2."),
        ("![](/favicon.png)**x**", "The size n: character '!'"),
    ],
)
def test_a_size_that_cannot_be_taken_is_refused_and_named(typed: str, message: str) -> None:
    at = _app()
    at.text_input(key="layers_n").set_value(typed).run()
    assert_no_exception(at)
    shown = [unquote(e.value) for e in at.error]
    assert any(e.startswith(message) for e in shown), shown
    assert _z(at).shape == (2, 3), "the last good size stays"
    at.text_input(key="layers_n").set_value("6/2").run()
    assert not at.error and _z(at).shape == (3, 3)


@pytest.mark.parametrize(
    ("typed", "value"), [("1e3", 1000.0), ("1/2", 0.5), ("2sqrt(4)", 4.0), ("-pi", -np.pi)]
)
def test_a_cell_takes_the_number_typed_and_never_another(typed: str, value: float) -> None:
    at = _edit(_app(), "W", {0: {"1": typed}})
    assert_no_exception(at)
    assert _z(at)[0, 0] == value
    assert at.query_params["g_W"].startswith(repr(value).removesuffix(".0") + ",")


def test_a_bad_size_in_the_link_is_reported_and_replaced() -> None:
    at = _app(n="1e3", m="3", inner="zz")
    assert_no_exception(at)
    shown = [unquote(t.value) for t in at.toast]
    assert "The link's n (1e3) was not used: from 1 to 6, not 1000." in shown, shown
    assert any(t.startswith("The link's inner (zz) was not used: ") for t in shown), shown
    assert _z(at).shape == (2, 3)
    assert at.text_input(key="layers_n").value == "2", "the default size, in its box"


def test_a_saturated_units_tiny_slope_and_its_number_format_are_explained() -> None:
    at = _app(layer="sigmoid", n="1", m="1", g_W="10", g_b="0", k_x1="2")  # z = 20
    assert_no_exception(at)
    (table,) = [d.value for d in at.dataframe if "unit" in getattr(d.value, "columns", [])]
    assert list(table["unit"]) == ["saturated"]
    slope = table["σ′(z)"][0]
    assert "×10^" in slope
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"{slope} means ") for c in captions), captions
    assert "1 of 1 unit is saturated (|z| > 5): its row of J is nearly 0" in _text(at)


def test_the_engine_and_the_closed_form_agree_and_the_page_says_how() -> None:
    at = _app(layer="sigmoid")
    assert_no_exception(at)
    text = _text(at)
    assert "J − (diag(σ′(z)) W) = 0" in text
    engine, closed = _z(at, "engine"), _z(at, "closed")
    if np.array_equal(engine, closed):
        assert "the two are equal, entry by entry" in text
    else:
        assert "up to rounding" in text


# --- the page's settings outlive their widgets (issue 13, item 3) --------------------------------


def test_the_chosen_entry_is_kept_while_predict_mode_hides_it() -> None:
    at = _app()
    at.selectbox(key="layers_entry_i").set_value(2).run()
    at.selectbox(key="layers_entry_j").set_value(3).run()
    at.toggle(key="predict").set_value(True).run()
    assert_no_exception(at)
    assert not [box for box in at.selectbox if box.key == "layers_entry_i"], "hidden"
    at.run()  # a second run without the boxes: Streamlit has dropped their state by now
    at.toggle(key="predict").set_value(False).run()
    assert at.selectbox(key="layers_entry_i").value == 2
    assert at.selectbox(key="layers_entry_j").value == 3
    assert "So J[2, 3] = **1**" in _text(at)


def test_sizes_and_numbers_are_kept_while_another_layer_hides_them() -> None:
    at = _app(layer="affine")
    at.text_input(key="layers_k").set_value("3").run()
    at.text_input(key="layers_n").set_value("3").run()
    at = _edit(at, "C", {0: {"1": "9"}})
    at.selectbox(key="layers_kind").set_value("dot").run()  # no n, no k, no C
    assert_no_exception(at)
    assert not [box for box in at.text_input if box.key in ("layers_n", "layers_k")]
    assert (at.query_params["n"], at.query_params["inner"]) == ("3", "3"), "still in the link"
    at.run()
    at.selectbox(key="layers_kind").set_value("affine").run()
    assert at.text_input(key="layers_k").value == "3"
    assert at.text_input(key="layers_n").value == "3"
    shapes = {e.key.split("_")[2]: e.value.shape for e in at.data_editor}
    assert shapes == {"A": (3, 3), "B": (3, 3), "C": (3, 3)}
    assert _z(at, "closed").shape == (3, 3) and _z(at)[0, 0] != 0
    assert at.query_params["g_C"].startswith("9,")


def test_a_link_the_page_wrote_reopens_the_same_layer() -> None:
    at = _app(layer="sigmoid")
    at.text_input(key="layers_m").set_value("2").run()
    at = _edit(at, "b", {1: {"1": "-2"}})
    turn_knob(at, "layers_slider_x2", 1.5)
    link = {key: at.query_params[key] for key in at.query_params}
    assert {"layer", "n", "m", "inner", "g_W", "g_b", "k_x1", "k_x2"} <= set(link), link
    again = _app(**link)
    assert not again.toast, "nothing in the page's own link is refused"
    assert again.selectbox(key="layers_kind").value == "sigmoid"
    assert again.text_input(key="layers_m").value == "2"
    assert np.array_equal(_z(again), _z(at))
    assert knob_slider(again, "layers_slider_x2").value == 1.5


def test_an_unknown_layer_in_the_link_falls_back_and_is_said_once() -> None:
    at = _app(layer="convolution")
    assert at.selectbox(key="layers_kind").value == "linear"
    toasts = [unquote(t.value) for t in at.toast]
    assert toasts == ["The link's layer (convolution) was not used: it is not one of the choices "
                      "offered."]  # fmt: skip
    turn_knob(at, "layers_slider_x1", 0.5)
    assert not at.toast


def test_a_link_made_before_the_one_state_mechanism_restores_the_same_layer() -> None:
    # Written by the page on main at ad0f1f4: y^T A x with m = 2, after A B + C with k = 3.
    old = {"layer": "bilinear", "inner": "3", "n": "2", "m": "2", "g_A": "1,2;0,-1",
           "g_y": "1;2", "k_x1": "1", "k_x2": "1.5"}  # fmt: skip
    at = _app(**old)
    assert not at.toast
    assert at.selectbox(key="layers_kind").value == "bilinear"
    assert _z(at).tolist() == [[1, 0]]  # yᵀ A = (1, 2) [[1, 2], [0, -1]]
    assert knob_slider(at, "layers_slider_x2").value == 1.5
    assert {key: at.query_params[key] for key in old} == old, "the page writes the same link"
    at.selectbox(key="layers_kind").set_value("affine").run()
    assert at.text_input(key="layers_k").value == "3", "the hidden inner size, from the link"
