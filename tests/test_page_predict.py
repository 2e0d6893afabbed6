"""Predict mode on the knob machine (AppTest): the page asks before it shows, keeps the answer
out of the page until the learner commits, reveals it beside theirs, counts, and asks again."""

from __future__ import annotations

import html
import re

from streamlit.testing.v1 import AppTest

from calculus import parse_function
from calculus.reading import format_number
from tests.charts import chart_specs, live_texts
from tests.conftest import open_page
from tests.knobs import knob_sliders, turn_knob
from ui.quote import unquote

PAGE = "0_Knob_machine.py"


def ask(**query: str) -> AppTest:
    return open_page(PAGE, predict="true", **query)


def submit(at: AppTest) -> AppTest:
    (button,) = [b for b in at.button if b.label == "Check my answer"]
    return button.click().run()


def text(at: AppTest) -> str:
    # The verdict is an HTML block (an alert for screen readers): read as its text.
    parts = [
        html.unescape(re.sub(r"<[^>]+>", "", m.value))
        for m in at.markdown
        if not m.value.startswith("<style")
    ]
    parts += live_texts(at)
    parts += [c.value for c in at.caption] + [h.value for h in at.subheader]
    parts += [a.value for a in at.error]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return unquote("\n".join(parts))


def test_the_link_opens_a_question_and_nothing_on_the_page_gives_the_answer_away() -> None:
    # dy/dx2 = 2 x1 x2 = 12 at (2, 3): the value must appear nowhere before the answer.
    at = ask(f="x1 x2^2", k_x1="2", k_x2="3", q="value", qi="0", qj="1")
    assert "what is ∂y/∂x₂?" in text(at)
    assert not chart_specs(at), "no chart before the answer: the heatmap holds the values"
    assert not re.search(r"(?<![\d.])12(?![\d.])", text(at)) and "2x₁x₂" not in text(at)
    # The function is typeset (y = x1 x2^2), no derivative is.
    assert [e.value for e in at.latex if "partial" in e.value or "J" in e.value] == []
    assert at.query_params["q"] == "value"  # the question is in the URL, its answer is not
    at.text_input(key="knob_answer").input("12")
    at = submit(at)
    assert not at.exception
    assert "You said: 12" in text(at) and "The answer: 12" in text(at)
    assert "Right: you said 12; the answer is 12: ∂y/∂x₂ = 2x₁x₂ = 12 here." in text(at)
    assert "heatmap" in " ".join(chart_specs(at)), "the page shows everything once answered"


def test_a_wrong_sign_is_explained_and_counted() -> None:
    at = ask(f="x1 x3, x1 / x3", k_x1="1", k_x3="2", q="sign", qi="1", qj="1")
    at.radio(key="knob_answer").set_value("rises")
    at = submit(at)
    assert (
        "Not quite: you said it rises; it falls, because ∂y₂/∂x₃ = −x₁/x₃² = −0.25 here < 0."
        in text(at)
    )
    assert "This session: 0 of 1 right (the sign of a partial derivative: 0 of 1)." in text(at)


def test_a_bad_answer_is_refused_with_a_message_and_nothing_is_lost() -> None:
    at = ask(f="x^2", k_x="1", q="value", qi="0", qj="0")
    for bad, says in [("abc", "abc"), ("", "Type an answer"), ("1" * 150, "")]:
        at.text_input(key="knob_answer").input(bad)
        at = submit(at)
        assert not at.exception
        assert at.error and says in unquote(at.error[0].value)
        assert "what is ∂y/∂x?" in text(at) and not chart_specs(at)
        assert at.text_input(key="knob_answer").value == bad  # the typed text stays
    at.text_input(key="knob_answer").input("2")
    at = submit(at)
    assert not at.error and "Right: you said 2" in text(at)


def test_next_question_asks_again_and_the_tally_counts_and_resets() -> None:
    at = ask(f="x1 x2^2", k_x1="2", k_x2="3", q="sign", qi="0", qj="0")
    at.radio(key="knob_answer").set_value("rises")
    at = submit(at)
    assert "1 of 1 right" in text(at)
    for _ in range(3):  # each next question is answerable at its new setting
        at.button(key="knob_next").click().run()
        assert not at.exception and "Predict" in text(at) and not chart_specs(at)
        answer = at.radio(key="knob_answer") if at.radio else None
        if answer is not None:
            answer.set_value(answer.options[0])
        else:  # a number, or a row of two signs
            at.text_input(key="knob_answer").input("+, +" if "signs" in text(at) else "0")
        at = submit(at)
        assert "You said" in text(at)
    assert "of 4 right" in text(at)
    at.button(key="knob_reset_tally").click().run()
    assert "No answers yet this session." in text(at)


def test_moving_a_knob_before_answering_asks_at_the_new_setting() -> None:
    at = ask(f="x1 x2^2", k_x1="2", k_x2="3", q="value", qi="0", qj="1")
    at = turn_knob(at, "knob_slider_x1", 1.0)
    assert "At x₁ = 1, x₂ = 3: what is ∂y/∂x₂?" in text(at)
    at.text_input(key="knob_answer").input("6")
    assert "Right" in text(submit(at))


def test_hostile_question_links_fall_back_to_the_first_question() -> None:
    for q, qi, qj in [("value", "9" * 5000, "0"), ("<b>x</b>", "0", "0"), ("sign", "-1", "٣")]:
        at = ask(f="x^2", q=q, qi=qi, qj=qj)
        assert "does y rise, fall or stay flat?" in text(at)


def test_without_the_switch_the_page_is_as_before() -> None:
    at = open_page(PAGE, f="x1 x2^2", q="value", qi="0", qj="1")
    assert "heatmap" in " ".join(chart_specs(at)) and "**Predict** ·" not in text(at)


CHAIN = "3_Chain_rule.py"


def test_the_chain_rule_asks_how_many_paths_with_the_graph_but_not_the_path_list() -> None:
    # The R3 exercise as steps: x2 reaches y2 through u and through v: 2 paths.
    at = open_page(CHAIN, predict="true", q="paths", qi="1", qj="1")
    assert "How many paths lead from x₂ to y₂ in the graph?" in text(at)
    assert "chain_graph" in " ".join(chart_specs(at)), "the graph is there to count on"
    assert "Every path from" not in text(at) and "chain_jacobian" not in chart_specs(at)
    at.text_input(key="chain_answer").input("1")
    at = submit(at)
    assert "Not quite: you said 1; the answer is 2" in text(at)
    assert "Every path from x₂ to y₂" in text(at)


def test_the_chain_rule_asks_the_sum_over_paths_and_checks_it_against_the_jacobian() -> None:
    at = open_page(CHAIN, predict="true", q="sum", qi="1", qj="1")
    assert "What is ∂y₂/∂x₂ here, the sum over every path from x₂ to y₂?" in text(at)
    point = [slider.value for slider in knob_sliders(at)]
    f = parse_function("x1^2 x2^2 sqrt(x2 x3)")  # y2 of the exercise
    expected = format_number(float(f.at(point).jacobian[0, 1]))
    at.text_input(key="chain_answer").input(expected)
    at = submit(at)
    assert f"Right: you said {expected}; the answer is {expected}: ∂y₂/∂x₂ = " in text(at)


def test_the_chain_rules_next_question_is_answerable() -> None:
    at = open_page(CHAIN, predict="true", q="product", qi="0", qj="0")
    for _ in range(4):
        at.text_input(key="chain_answer").input("0")
        at = submit(at)
        assert not at.exception and "You said: 0" in text(at)
        at.button(key="chain_next").click().run()
        assert not at.exception and "**Predict** ·" in text(at)


RATE = "1_Rate_of_change.py"


def test_rate_of_change_asks_the_slope_and_hides_the_tangent() -> None:
    # The loss x^2 + 4x - 2 at x = 1: f'(1) = 6.
    at = open_page(RATE, predict="true", q="value", qi="0", qj="0", k_x="1")
    assert "At x = 1: what is ∂y/∂x?" in text(at) and not chart_specs(at)
    at.text_input(key="rate_answer").input("6")
    at = submit(at)
    assert "Right: you said 6" in text(at) and chart_specs(at)


def test_rate_of_change_asks_where_the_slope_is_zero_and_how_descent_goes() -> None:
    at = open_page(RATE, predict="true", q="critical", qi="0", qj="0")
    assert "Where in the range shown is f′(x) = 0?" in text(at)
    at.text_input(key="rate_answer").input("-2")
    assert "Right: you said −2; the answer is −2: f′ = 0 at x = −2 (minimum)." in text(submit(at))
    # eta = 0.4 from x = 1: x - 0.4 (2x + 4) = 0.2 x - 1.6, converging one way to -2.
    at = open_page(RATE, predict="true", q="descent", qi="0", qj="0", k_x="1")
    assert "Gradient descent with η = 0.4, 10 steps from x = 1" in text(at)
    at.radio(key="rate_answer").set_value("diverges")
    assert "Not quite: you said diverges; the answer is converges" in text(submit(at))


LANDSCAPE = "2_Gradient_landscape.py"


def test_the_landscape_asks_where_the_gradient_points_and_shows_both_arrows_after() -> None:
    # x1 x2^2 at (1, 1): gradient (1, 2), at atan2(2, 1) = 63.43 degrees.
    at = open_page(LANDSCAPE, predict="true", q="angle", qi="0", qj="0", k_x1="1", k_x2="1")
    assert "At x₁ = 1, x₂ = 1: which way does the gradient arrow point on the contour map" in text(
        at
    ) and not chart_specs(at)
    at.text_input(key="landscape_answer").input("60")
    at = submit(at)
    assert "Right: you said 60°; the answer is 63.43°: ∇f = (1, 2) points at" in text(at)
    assert chart_specs(at), "the map, with the true arrow, once answered"
    at = open_page(LANDSCAPE, predict="true", q="angle", qi="0", qj="0", k_x1="1", k_x2="1")
    at.text_input(key="landscape_answer").input("-90")
    assert "Not quite: you said 270°" in text(submit(at))


LAYERS = "4_ML_layers.py"


def test_ml_layers_ask_the_jacobians_shape_and_whether_at_x_is_a_row() -> None:
    at = open_page(LAYERS, predict="true", q="shape", qi="0", qj="0", layer="linear", n="3", m="2")
    assert "what is the shape of its Jacobian?" in text(at) and not chart_specs(at)
    assert at.text_input(key="layers_answer").placeholder == "rows × columns"
    assert "Type rows × columns, like 5 × 4" in text(at), "an example, never the answer"
    at.text_input(key="layers_answer").input("2 x 3")
    at = submit(at)
    assert "Not quite: you said 2 × 3; the answer is 3 × 2: one row per output (3)" in text(at)
    at = open_page(LAYERS, predict="true", q="orientation", qi="0", qj="0", layer="dot")
    at.radio(key="layers_answer").set_value("a row (1 × m)")
    assert "Right: you said a row (1 × m)" in text(submit(at))
