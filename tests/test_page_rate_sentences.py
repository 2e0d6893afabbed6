"""The Rate of change page's generated sentences, true at the knobs shown (issue 14), via AppTest.

Each test opens the page at the knobs where a fixed sentence used to lie and checks what a learner
reads against numbers computed here independently (plain Python floats, no engine).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page
from tests.knobs import turn_knob

PAGE = "1_Rate_of_change.py"


def run_page(**query: str) -> AppTest:
    return open_page(PAGE, **query)


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("success", "info", "warning", "error"):
        parts += [element.value for element in at.get(kind)]
    return "\n".join(parts)


def loss_slope(x: float) -> float:
    return 2 * x + 4


def loss_descent(x: float, rate: float, steps: int) -> float:
    for _ in range(steps):
        x -= rate * loss_slope(x)
    return x


def test_with_a_zero_learning_rate_nothing_moves_and_the_page_says_so() -> None:
    at = run_page(look="descent", eta="0")
    shown = text(at)
    assert "Converges" not in shown
    assert "already a critical point" not in shown, "f'(1) = 6, not 0"
    assert "η = 0" in shown and "$f'(1) = 6$" in shown
    assert "η > 0" in shown, "the learner is told what to change"


def test_the_default_descent_says_how_far_it_stopped_from_the_minimum() -> None:
    at = run_page(look="descent")
    shown = text(at)
    last = loss_descent(1.0, 0.1, 10)  # -1.678: not at -2 yet
    assert "Converges" not in shown and "Converged" not in shown
    assert "minimum at $x = -2$" in shown
    assert f"{abs(last + 2):.4f} away after 10 steps" in shown
    assert f"|f'(x_{{10}})| = {abs(loss_slope(last)):.4f}" in shown
    at.checkbox(key="rate_until").check().run()
    assert not at.exception
    shown = text(at)
    # Independently: steps until |f'| <= 1e-8 (the last step is then far below the step bound).
    x, k = 1.0, 0
    while abs(loss_slope(x)) > 1e-8:
        x, k = loss_descent(x, 0.1, 1), k + 1
    assert f"Converged after {k} steps" in shown, shown
    assert at.query_params["until"] == "1"


@pytest.mark.parametrize(
    ("function", "knob", "eta", "words"),
    [
        ("x^2 + 4x - 2", -2.0, "0.3", "Stays put"),  # exactly at the minimum
        ("-x^2", 0.0, "0.1", "maximum"),  # exactly at a maximum: stays, but says it is unstable
        ("exp(x)", 1.0, "0.1", "no critical point"),  # steps shrink, yet no minimum anywhere
        ("x^2 + 4x - 2", 1.0, "1.1", "Diverges"),
        ("x^2 ln x", 1.0, "2", "undefined"),
    ],
)
def test_descent_verdicts_at_the_edges(function: str, knob: float, eta: str, words: str) -> None:
    at = run_page(look="descent", eta=eta, f=function, k_x=repr(knob))
    shown = text(at)
    assert words in shown, shown
    assert "**Converges**" not in shown


def test_the_smallest_step_sentence_follows_the_numbers() -> None:
    at = run_page(look="secant")
    # At x = 1, 1 + 1e-16 == 1 in floats: the secant slope there is 0.
    assert 1.0 + 1e-16 == 1.0
    assert "x + h is the same float as x" in text(at)
    turn_knob(at, "rate_slider_x", 0.0)
    shown = text(at)
    # At x = 0, 0 + 1e-16 != 0: the slope the table shows is f(1e-16) - f(0) over 1e-16.
    assert 0.0 + 1e-16 != 0.0
    secant = ((1e-16**2 + 4e-16 - 2) - (-2.0)) / 1e-16
    assert "x + h is the same float as x" not in shown
    assert f"{secant:.4g}" in shown, shown  # 4.441


@pytest.mark.parametrize(
    ("function", "note"),
    [
        ("relu(x)", "θ is the step function"),
        ("abs(x)", "sign(u) is"),
        ("sigmoid(x)", "σ(u) = 1 / (1 + e^(−u))"),
        ("x^2 + 4x - 2", "×10^k means"),  # the secant errors are written as 1.1×10^−8
    ],
)
def test_symbols_the_chapter_never_explains_are_explained(function: str, note: str) -> None:
    at = run_page(look="secant", f=function)
    assert note in text(at)
