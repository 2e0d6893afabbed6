"""A crawl of the ML layers page under AppTest: every layer in turn and back again, every entry
of the index method after each (with the stale labels a browser still sends), a knob move after
each choice, and hostile links and typing. No exception anywhere; no payload rendered as markup."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from calculus.layers import LAYER_KINDS
from tests.conftest import assert_no_exception, open_page
from tests.knobs import knob_sliders, turn_knob
from tests.test_quote import _unescaped_markup
from ui.quote import unquote

PAGE = "4_ML_layers.py"
KINDS = list(LAYER_KINDS)
#: Payloads for every text a link or the learner can put on the page.
PAYLOADS = [
    "![](/favicon.png)**Session expired**",
    "[Log in again](//127.0.0.1:9/login)",
    "<img src=x onerror=alert(1)>",
    "$\\frac{1}{2}$ \\",
    ":red[alarm] :material/home: `x`",
]


def _send_labels(at: AppTest, labels: dict[str, str]) -> AppTest:
    """Rerun with the select boxes sending these labels, as a browser that still shows them."""
    states = at._tree.get_widget_states()
    for state in states.widgets:
        for key, label in labels.items():
            if state.id.endswith(f"-{key}"):
                state.string_value = label
    return at._run(states)


def _move_a_knob(at: AppTest, what: str) -> None:
    slider = knob_sliders(at)[-1]
    turn_knob(at, slider.key, slider.max if slider.value != slider.max else slider.min)
    assert_no_exception(at, f"{what}, then a knob move")


def _every_entry(at: AppTest, what: str) -> None:
    for key in ("layers_entry_i", "layers_entry_j"):
        if at.selectbox(key=key).disabled:  # one output: nothing to choose
            continue
        for option in range(1, len(at.selectbox(key=key).options) + 1):
            at.selectbox(key=key).set_value(option).run()
            assert_no_exception(at, f"{what}, {key} = {option}")
    _move_a_knob(at, f"{what}, last entry")


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_every_layer_in_sequence_with_every_entry_and_a_knob_move(order: str) -> None:
    at = open_page(PAGE)
    kinds = KINDS if order == "forward" else KINDS[::-1]
    for kind in [*kinds, kinds[0]]:
        at.selectbox(key="layers_kind").set_value(kind).run()
        assert_no_exception(at, f"layer {kind}")
        # The browser still shows the last layer's labels until the new ones arrive.
        at = _send_labels(at, {"layers_entry_i": "y₆", "layers_entry_j": "v₆"})
        assert_no_exception(at, f"layer {kind} with stale entry labels")
        assert at.selectbox(key="layers_entry_i").value == 1
        _move_a_knob(at, f"layer {kind}")
        _every_entry(at, f"layer {kind}")


@pytest.mark.parametrize("kind", KINDS)
def test_the_smallest_and_largest_sizes_of_every_layer(kind: str) -> None:
    at = open_page(PAGE, layer=kind)
    for size in ("1", "6", "2"):
        for name in ("layers_n", "layers_m", "layers_k"):
            boxes = [box for box in at.text_input if box.key == name]
            if boxes:
                boxes[0].set_value(size).run()
                assert_no_exception(at, f"{kind}, {name} = {size}")
        _move_a_knob(at, f"{kind}, sizes {size}")
    for key, label in (("layers_random_", "random"), ("layers_identity_", "identity")):
        for button in [b for b in at.button if b.key and b.key.startswith(key)]:
            button.click().run()
            assert_no_exception(at, f"{kind}, {label} filler")


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("parameter", ["g_W", "g_a", "n", "layer"])
def test_a_hostile_link_shows_the_payload_as_text_only(parameter: str, payload: str) -> None:
    query = {parameter: payload, "layer": "dot" if parameter == "g_a" else "linear"}
    if parameter == "layer":
        query = {"layer": payload}
    at = open_page(PAGE, **query)
    assert_no_exception(at, f"?{parameter}={payload}")
    messages = [m.value for m in [*at.warning, *at.error, *at.info, *at.toast]]
    for body in messages:
        assert _unescaped_markup(body) == [], body
    said = ("could not be read", f"The link's {parameter} (")
    assert any(s in unquote(body) for body in messages for s in said), messages
    assert at.selectbox(key="layers_kind").value in LAYER_KINDS


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_payloads_in_a_cell_and_a_size_show_as_text_only(payload: str) -> None:
    at = open_page(PAGE)
    editor = next(e for e in at.data_editor if e.key and e.key.startswith("layers_grid_W_"))
    at.session_state[editor.key] = {
        "edited_rows": {0: {"1": payload}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.text_input(key="layers_m").set_value(payload).run()
    assert_no_exception(at, f"typed {payload}")
    bodies = [e.value for e in at.error]
    assert len(bodies) == 2, bodies
    for body in bodies:
        assert _unescaped_markup(body) == [], body
    shown = [unquote(body) for body in bodies]
    assert any(f"W, row 1, column 1: '{payload}'" in text for text in shown), shown
    assert any(text.startswith("The size m: ") for text in shown), shown
