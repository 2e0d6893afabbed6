"""The knob machine (pages/0_Knob_machine.py, opened via app.py) in AppTest: what a learner sees."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.testing.v1 import AppTest

import ui.chart_component as live
from calculus import parse_function
from tests.charts import LAYERED_CHART, LIVE_CHART, live_texts, trace_named
from tests.conftest import open_hostile_link, open_page
from tests.fragments import fragment_ids, run_all, turn_knob_in_fragment
from tests.knobs import knob_slider, knob_sliders, turn_knob
from ui.knob_slider import KNOB_SLIDERS
from ui.quote import unquote

APP = "app.py"
RTOL = 1e-12


def run_app(**query: str) -> AppTest:
    return open_page(APP, **query)


def heatmap(at: AppTest) -> np.ndarray:
    """The z values of the trace named 'jacobian' (nan where the page shows no number)."""
    return np.array(trace_named(at, "jacobian")["z"], dtype=float)


def heatmap_texts(at: AppTest) -> list[list[str]]:
    return trace_named(at, "jacobian")["text"]


def knob_values(at: AppTest, names: list[str]) -> list[float]:
    return [knob_slider(at, f"knob_slider_{name}").value for name in names]


def page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + live_texts(at))


def test_default_is_the_chapter_exercise_with_its_heatmap() -> None:
    at = run_app()
    f = parse_function(at.text_area(key="knob_text").value)
    assert f.variables == ("x1", "x2", "x3")
    assert [s.label for s in knob_sliders(at)] == ["x₁", "x₂", "x₃"]
    point = knob_values(at, ["x1", "x2", "x3"])
    np.testing.assert_allclose(heatmap(at), f.jacobian_at(point), rtol=RTOL)
    assert "3 × 3" in page_text(at)


def test_typing_a_function_and_moving_a_knob_updates_outputs_and_heatmap() -> None:
    at = run_app()
    at.text_area(key="knob_text").set_value("x^2 y, sin(x) + y^3").run()
    assert [s.label for s in knob_sliders(at)] == ["x", "y"]
    turn_knob(at, "knob_slider_x", 2.0)
    turn_knob(at, "knob_slider_y", -0.5)
    assert not at.exception
    f = parse_function("x^2 y, sin(x) + y^3")
    expected = f.jacobian_at([2.0, -0.5])
    np.testing.assert_allclose(heatmap(at), expected, rtol=RTOL)
    text = page_text(at)
    assert "y₁ = **−2**" in text  # x^2 y at (2, -0.5)
    assert f"y₂ = **{np.sin(2.0) - 0.125:.4g}**" in text
    assert "2 × 2" in text


def test_a_knob_move_is_one_run_that_redraws_heatmap_outputs_and_readings() -> None:
    """A knob move reruns one fragment, once, and that run draws all that moves with the knobs
    (a second run for the outputs cost the server ~3.5 ms and 1.5 KB a move: bench/load.py)."""
    at = run_app()
    at.text_area(key="knob_text").set_value("x^2 y, sin(x) + y^3").run()
    assert len(fragment_ids(at)) == 1, "one fragment moves with the knobs"
    turn_knob_in_fragment(at, "knob_slider_x", 2.0)
    assert not at.exception
    f = parse_function("x^2 y, sin(x) + y^3")
    np.testing.assert_allclose(heatmap(at), f.jacobian_at([2.0, 1.0]), rtol=RTOL)
    text = page_text(at)
    assert "y₁ = **4**" in text, "the outputs moved in the knob's own run"
    assert "y₁ is equally sensitive to x and y (a tie)" in text, "and so did the readings"


def test_a_knob_move_leaves_the_sliders_to_the_browser_and_they_rerun_only_the_panel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sliders are drawn by the page's run, not by a knob move's (redrawing them was the
    dearest part of a move, ui/live.py); their element names the panel's fragment, so the
    browser reruns only the panel when they move, and their state outlives its reruns."""
    sent: list[ForwardMsg] = []
    enqueue = ForwardMsgQueue.enqueue

    def record(queue: ForwardMsgQueue, msg: ForwardMsg) -> None:
        sent.append(msg)
        enqueue(queue, msg)

    monkeypatch.setattr(ForwardMsgQueue, "enqueue", record)
    at = run_app()
    at.text_area(key="knob_text").set_value("x^2 y, sin(x) + y^3").run()
    (panel,) = fragment_ids(at)
    sliders = [m for m in sent if _component_name(m) == KNOB_SLIDERS]
    assert sliders, "the page's run draws the sliders"
    assert {m.delta.fragment_id for m in sliders} == {panel}, "a move reruns only the panel"
    sent.clear()
    turn_knob_in_fragment(at, "knob_slider_x", 2.0)
    turn_knob_in_fragment(at, "knob_slider_y", -0.5)  # the sliders' state kept by the reruns
    assert not at.exception
    assert not [m for m in sent if _component_name(m) == KNOB_SLIDERS], "no slider redrawn"
    f = parse_function("x^2 y, sin(x) + y^3")
    np.testing.assert_allclose(heatmap(at), f.jacobian_at([2.0, -0.5]), rtol=RTOL)
    assert "y₁ = **−2**" in page_text(at)
    run_all(at)  # the page's next run draws the sliders where the moves left them
    assert knob_values(at, ["x", "y"]) == [2.0, -0.5]
    np.testing.assert_allclose(heatmap(at), f.jacobian_at([2.0, -0.5]), rtol=RTOL)


def _component_name(msg: ForwardMsg) -> str | None:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    return element.bidi_component.component_name if element.HasField("bidi_component") else None


def test_without_live_charts_the_knobs_rerun_draws_outputs_and_readings_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where plotly.js cannot be served, the heatmap is an st.plotly_chart and the knobs'
    fragment still draws the outputs and readings."""
    monkeypatch.setattr(live, "plotly_js_served", lambda: False)
    at = run_app()
    at.text_area(key="knob_text").set_value("x^2 y, sin(x) + y^3").run()
    turn_knob(at, "knob_slider_x", 2.0)
    assert not at.exception
    assert at.get("plotly_chart"), "the heatmap falls back to st.plotly_chart"
    others = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name.removesuffix("_inline") in (LIVE_CHART, LAYERED_CHART)
    ]
    assert not others, "no live chart"
    f = parse_function("x^2 y, sin(x) + y^3")
    np.testing.assert_allclose(heatmap(at), f.jacobian_at([2.0, 1.0]), rtol=RTOL)
    text = page_text(at)
    assert "y₁ = **4**" in text  # x^2 y at (2, 1)
    assert "y₁ is equally sensitive to x and y (a tie)" in text  # 2xy = x² = 4: a tie


def test_bad_input_shows_where_and_keeps_the_last_good_function() -> None:
    at = run_app()
    at.text_area(key="knob_text").set_value("x^2 y, sin(x) + y^3").run()
    turn_knob(at, "knob_slider_x", 0.5)
    before = heatmap(at)
    at.text_area(key="knob_text").set_value("x^2 y, sinn(x)").run()
    assert not at.exception
    assert [unquote(e.value) for e in at.error] == [
        "unknown function 'sinn' at column 8 — did you mean sin?"
    ]
    assert any("x^2 y, sin(x) + y^3" in unquote(c.value) for c in at.caption)
    np.testing.assert_array_equal(heatmap(at), before)
    assert knob_values(at, ["x"]) == [0.5]


def test_a_knob_keeps_its_value_while_the_formula_is_edited() -> None:
    at = run_app()
    at.text_area(key="knob_text").set_value("x y").run()
    turn_knob(at, "knob_slider_y", 2.5)
    at.text_area(key="knob_text").set_value("x y + z").run()
    assert knob_slider(at, "knob_slider_y").value == 2.5
    assert knob_slider(at, "knob_slider_z").value == 1.0


def test_query_parameters_restore_function_knobs_and_ranges() -> None:
    at = run_app(f="x^2 + 4x - 2", k_x="-2.5", r_x="-10,10,0.5")
    slider = knob_slider(at, "knob_slider_x")
    assert (slider.value, slider.min, slider.max, slider.step) == (-2.5, -10.0, 10.0, 0.5)
    np.testing.assert_allclose(heatmap(at), [[2 * -2.5 + 4]])
    assert at.query_params["f"] == "x^2 + 4x - 2"
    assert at.query_params["k_x"] == "-2.5"


def test_state_is_written_to_the_url() -> None:
    at = run_app()
    at.text_area(key="knob_text").set_value("x y").run()
    turn_knob(at, "knob_slider_x", 1.5)
    assert at.query_params["f"] == "x y"
    assert at.query_params["k_x"] == "1.5"
    assert at.query_params["k_y"] == "1"


@pytest.mark.parametrize(
    "query",
    [
        {"f": "__import__('os').system('touch /tmp/knobs-canary-app')"},
        {"f": "x" * 100_000},
        {"f": "9^9^9^9"},
        {"f": "x^2", "k_x": "1e999"},
        {"f": "x^2", "k_x": "nan"},
        {"f": "x^2", "k_x": "__import__('os')"},
        {"f": "x^2", "r_x": "5,1,0"},
        {"f": "x^2", "r_x": "-1e300,1e300,1"},
    ],
)
def test_hostile_query_parameters_are_refused(query: dict[str, str]) -> None:
    at = open_hostile_link("app.py", Path("/tmp/knobs-canary-app"), **query)
    slider = knob_slider(at, "knob_slider_x") if "k_x" in query or "r_x" in query else None
    if slider is not None:  # the bad number is ignored: default value and range
        assert (slider.value, slider.min, slider.max) == (1.0, -3.0, 3.0)
    else:  # the bad text is refused with a message and the default function is shown
        assert at.error, "a refused function must say why"
        assert [s.label for s in knob_sliders(at)] == ["x₁", "x₂", "x₃"]


def test_examples_menu_loads_a_function_with_what_to_notice() -> None:
    at = run_app()
    at.selectbox(key="knob_example").select("The loss x² + 4x − 2").run()
    assert at.text_area(key="knob_text").value == "x^2 + 4x - 2"
    assert any("x = −2" in i.value for i in at.info)
    turn_knob(at, "knob_slider_x", -2.0)
    np.testing.assert_allclose(heatmap(at), [[0.0]], atol=1e-15)


def test_kinks_and_undefined_points_are_said_in_words() -> None:
    at = run_app(f="relu(x), sqrt(y)", k_x="0", k_y="-1")
    texts = heatmap_texts(at)
    assert texts[0][0] == "kink"
    assert texts[1][1] == "undefined"
    text = page_text(at)
    assert "y₂ = **undefined at this setting**" in text
    assert "kink" in text
    assert "nan" not in text.lower()


def test_nudge_check_compares_prediction_with_actual_change() -> None:
    at = run_app(f="x^2 + 4x - 2", k_x="1")
    assert "predicted J dx" not in page_text(at)  # only the chosen section is computed
    at.segmented_control(key="look").set_value("Nudge check").run()
    at.select_slider(key="h").set_value(0.01).run()
    # f(1.01) - f(1) = 0.0601 and J dx = 6 * 0.01 = 0.06: the error is h^2 = 1e-4
    assert "| y | 0.06 | 0.0601 | 0.0001 |" in page_text(at)
    assert "slope **2.0" in page_text(at)


def test_look_closer_shows_one_section_at_a_time() -> None:
    at = run_app(f="x^2 y, sin(x) + y^3")
    assert [h.value for h in at.subheader] == ["The exact Jacobian"]
    assert any("\\cos{\\left(x \\right)}" in e.value for e in at.latex), "J typeset exactly"
    at.segmented_control(key="look").set_value("Nudge check").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Nudge check: does the Jacobian predict the change?"]
    turn_knob(at, "knob_slider_x", 0.5)
    assert [h.value for h in at.subheader] == ["Nudge check: does the Jacobian predict the change?"]
    at.segmented_control(key="look").set_value("The exact Jacobian").run()
    assert [h.value for h in at.subheader] == ["The exact Jacobian"]


def test_a_determinant_beyond_a_float_is_written_not_a_crash() -> None:
    """exp(200 x), exp(200 y) at x = y = 3: entries 200 e^600 ≈ 7.546×10^262, so det J =
    (200 e^600)² ≈ 5.694×10^525, beyond a float (checked in logs: 2 (log₁₀ 200 + 600 / ln 10))."""
    at = run_app(f="exp(200 x), exp(200 y)", k_x="3", k_y="3")
    assert knob_values(at, ["x", "y"]) == [3.0, 3.0]
    text = page_text(at)
    exponent = 2 * (math.log10(200) + 600 / math.log(10))
    expected = f"{10 ** (exponent - math.floor(exponent)):.4g}×10^{math.floor(exponent)}"
    assert expected == "5.694×10^525"
    assert f"det J (the determinant of J) = {expected}: near this point f scales" in text, text


def test_share_and_export_give_link_latex_csv_and_python() -> None:
    at = run_app(f="x1 x2^2", k_x1="2", k_x2="3")
    at.segmented_control(key="look").set_value("Share and export").run()
    codes = [c.value for c in at.code]
    shares = [e for e in at.get("bidi_component") if e.proto.component_name.endswith("share_link")]
    assert len(shares) == 1, "the share link (the address itself, read in the browser)"
    assert dict(at.query_params) | {"f": "x1 x2^2", "k_x1": "2", "k_x2": "3"} == dict(
        at.query_params
    ), "the address holds the function and the knobs"
    assert any(c.startswith("\\left[") and "x_{2}^{2}" in c for c in codes)  # LaTeX
    assert "\\begin{pmatrix}9 & 12\\end{pmatrix}" in codes, "its values at (2, 3)"
    assert any("output,x1,x2\ny,9.0,12.0" in c for c in codes)  # CSV at (2, 3)
    snippet = next(c for c in codes if c.startswith("import numpy"))
    namespace: dict[str, object] = {}
    exec(compile(snippet, "snippet", "exec"), namespace)  # noqa: S102 - our own generated code
    jacobian = namespace["jacobian"](2.0, 3.0)  # type: ignore[operator]
    np.testing.assert_allclose(jacobian, [[9.0, 12.0]])


def test_square_jacobian_reports_its_determinant() -> None:
    at = run_app(f="2x - y, x + 3y")
    assert "det J (the determinant of J) = 7" in page_text(at)


def test_a_link_restores_the_section_and_its_choices() -> None:
    at = run_app(f="x1 x2^2", k_x1="2", k_x2="3", look="Nudge check", nudge="only x₂", h="0.01")
    assert [h.value for h in at.subheader] == ["Nudge check: does the Jacobian predict the change?"]
    assert at.selectbox(key="nudge").value == "x2"
    assert at.select_slider(key="h").value == 0.01
    # only x2 moves by 0.01 at (2, 3): J dx = 2 x1 x2 * 0.01 = 0.12; f changes by 0.1202
    assert "| y | 0.12 | 0.1202 | 0.0002 |" in page_text(at)


@pytest.mark.parametrize(
    "query",
    [
        {"look": "![](/favicon.png)**Session expired**"},
        {"look": "Nudge check", "h": "nan"},
        {"look": "Nudge check", "nudge": "only q"},
        {"look": "Nudge check", "h": "1e308"},
    ],
)
def test_a_hostile_link_falls_back_to_defaults(query: dict[str, str]) -> None:
    at = run_app(f="x1 x2^2", **query)
    assert at.segmented_control(key="look").value in ("The exact Jacobian", "Nudge check")
    if at.segmented_control(key="look").value == "Nudge check":
        assert at.select_slider(key="h").value in (1.0, 0.5, 0.1, 0.05, 0.01, 0.001, 0.0001)
        assert at.selectbox(key="nudge").value in ("every knob", "x1", "x2")


def test_a_formula_too_deep_to_typeset_is_described_and_the_numbers_still_work() -> None:
    text = "sin(" * 20 + "x" + ")" * 20
    at = run_app(f=text, k_x="0.5")
    notes = [i.value for i in at.info if "too large to typeset" in i.value]
    assert len(notes) == 2, "the function and its Jacobian"
    assert all("nested" in note and "levels deep" in note for note in notes), notes
    assert not any("sin" in e.value for e in at.latex), "nothing that deep is sent as LaTeX"
    expected = parse_function(text).jacobian_at([0.5])
    np.testing.assert_allclose(heatmap(at), expected, rtol=RTOL)
