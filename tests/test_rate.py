"""Rate of change: slices, secants, critical points and gradient descent (calculus/rate.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calculus import parse_function
from calculus.errors import ExpressionError
from calculus.narration.rate import explain_descent
from calculus.rate import (
    CONVERGES,
    DIVERGES,
    DRIFTS,
    MAXIMUM,
    MINIMUM,
    NEITHER,
    OSCILLATES,
    OSCILLATES_CONVERGING,
    UNDEFINED,
    Slice,
    critical_points,
    gradient_descent,
    secant_slope,
    secant_table,
    step_factor,
    tangent_line,
)
from tests.oracle import assert_matches, central_derivative

#: Agreement with central differences (tests.oracle's step), first and second derivatives.
FD_RTOL = 1e-5
FD_ATOL = 1e-6
#: Where a numeric critical point must land (the search is good to far better than this).
ROOT_ATOL = 1e-6

LOSS = "x^2 + 4x - 2"


def along(text: str, variable: str = "x", point: list[float] | None = None) -> Slice:
    return Slice.along(parse_function(text), variable, point)


# --- slices: g, g' and g'' against finite differences -------------------------------------------

SLICE_CASES = [
    # text, variable, point (all knobs), sample t values
    (LOSS, "x", None, [-3.0, -2.0, 0.5, 4.0]),
    ("exp(sin x)", "x", None, [-2.0, 0.0, 1.3]),
    ("x^2 ln x", "x", None, [0.2, 1.0, 2.5]),
    ("sigmoid(x)", "x", None, [-4.0, 0.0, 3.0]),
    ("x^3 - 3x", "x", None, [-1.5, 0.0, 2.0]),
    ("sin(x)/x", "x", None, [-3.0, 0.7, 5.0]),
    ("x y^2 + x^2", "x", [0.0, 0.5], [-1.0, 0.25, 2.0]),
    ("x y^2 + x^2", "y", [1.5, 0.0], [-1.0, 0.25, 2.0]),
]


@pytest.mark.parametrize(("text", "variable", "point", "ts"), SLICE_CASES)
def test_slope_and_curvature_match_central_differences(
    text: str, variable: str, point: list[float] | None, ts: list[float]
) -> None:
    g = along(text, variable, point)
    t = np.array(ts)
    for exact, values, name in ((g.slope, g.value, "g'"), (g.curvature, g.slope, "g''")):
        assert_matches(
            exact(t),
            central_derivative(values, t),
            rtol=FD_RTOL,
            atol=FD_ATOL,
            what=f"{name} of {text} along {variable} at t = {ts}",
        )


def test_slice_of_several_variables_is_the_partial_derivative() -> None:
    g = along("x y^2 + x^2", "x", [0.0, 0.5])
    assert g.fixed == {"y": 0.5}
    assert str(g.derivative) == "2*x + 1/4"
    assert float(g.slope(1.0)) == 2.25
    assert float(g.curvature(1.0)) == 2.0


def test_slice_refuses_an_unknown_variable() -> None:
    with pytest.raises(ExpressionError, match="not a variable"):
        along(LOSS, "y")


def test_tangent_line_touches_and_has_the_slope() -> None:
    g = along(LOSS)
    x0 = 1.0
    line = tangent_line(x0, float(g.value(x0)), float(g.slope(x0)), np.array([0.0, 1.0, 2.0]))
    assert line.tolist() == [-3.0, 3.0, 9.0]  # f(1) = 3, f'(1) = 6


# --- secant to tangent ---------------------------------------------------------------------------


def test_secant_slope_of_the_loss_is_exact_algebra() -> None:
    # (f(x+h) - f(x)) / h = 2x + 4 + h for the loss: the error is exactly h (up to round-off).
    g = along(LOSS)
    slopes = secant_slope(g, 1.0, np.array([1.0, 0.5, 0.25]))
    np.testing.assert_allclose(slopes, [7.0, 6.5, 6.25])


def test_secant_error_shrinks_then_round_off_takes_over() -> None:
    table = secant_table(along(LOSS), 1.0)
    errors = dict(zip(table.steps.tolist(), table.errors.tolist(), strict=True))
    assert table.slope == 6.0
    # Truncation: the error is h for the loss while h is large.
    for h in (1.0, 0.1, 0.01, 1e-3):
        assert errors[h] == pytest.approx(h, rel=1e-6), f"h={h}: error {errors[h]}"
    # The best step sits near sqrt(eps) ~ 1e-8, and far tinier steps are far worse.
    assert 1e-10 <= table.best_step <= 1e-6
    assert errors[1e-14] > 100 * errors[table.best_step]
    # Below eps |x| the step vanishes in x + h, so the secant slope is 0: error = |f'(x)|.
    assert errors[1e-16] == 6.0


def test_secant_with_zero_step_is_undefined() -> None:
    assert math.isnan(float(secant_slope(along(LOSS), 1.0, 0.0)))


# --- critical points ----------------------------------------------------------------------------

CRITICAL_CASES = [
    # text, range, method, expected [(x, exact LaTeX or "", kind)]
    (LOSS, (-6.0, 2.0), "exact", [(-2.0, "-2", MINIMUM)]),
    (LOSS, (0.0, 5.0), "exact", [(-2.0, "-2", MINIMUM)]),  # found, though outside the range
    ("x^3 - 3x", (-3.0, 3.0), "exact", [(-1.0, "-1", MAXIMUM), (1.0, "1", MINIMUM)]),
    ("x^2 ln x", (0.01, 3.0), "exact", [(math.exp(-0.5), "e^{- \\frac{1}{2}}", MINIMUM)]),
    (
        "exp(sin x)",
        (-5.0, 5.0),
        "exact",
        [
            (-3 * math.pi / 2, "- \\frac{3 \\pi}{2}", MAXIMUM),
            (-math.pi / 2, "- \\frac{\\pi}{2}", MINIMUM),
            (math.pi / 2, "\\frac{\\pi}{2}", MAXIMUM),
            (3 * math.pi / 2, "\\frac{3 \\pi}{2}", MINIMUM),
        ],
    ),
    ("x^3", (-2.0, 2.0), "exact", [(0.0, "0", NEITHER)]),
    ("x^4", (-2.0, 2.0), "exact", [(0.0, "0", MINIMUM)]),
    ("sigmoid(x)", (-6.0, 6.0), "numeric", []),
    # tan x = x has no closed form: numeric, and the removable hole at 0 is a maximum.
    (
        "sin(x)/x",
        (-5.0, 5.0),
        "numeric",
        [(-4.493409457909, "", MINIMUM), (0.0, "", MAXIMUM), (4.493409457909, "", MINIMUM)],
    ),
    ("x y^2 + x^2", (-2.0, 2.0), "exact", [(-0.125, "- \\frac{1}{8}", MINIMUM)]),
]


@pytest.mark.parametrize(("text", "bounds", "method", "expected"), CRITICAL_CASES)
def test_critical_points_and_their_classification(
    text: str, bounds: tuple[float, float], method: str, expected: list[tuple[float, str, str]]
) -> None:
    point = [0.0, 0.5] if text.startswith("x y") else None
    found = critical_points(along(text, "x", point), *bounds)
    assert found.method == method, found.note
    got = [(p.x, p.latex, p.kind) for p in found.points]
    assert len(got) == len(expected), f"{text}: got {got}, expected {expected}"
    for (x, latex, kind), (want_x, want_latex, want_kind) in zip(got, expected, strict=True):
        assert x == pytest.approx(want_x, abs=ROOT_ATOL), f"{text}: x={x}, expected {want_x}"
        assert latex == want_latex, f"{text}: exact form {latex!r}, expected {want_latex!r}"
        assert kind == want_kind, f"{text} at {x}: {kind}, expected {want_kind}"


def test_the_loss_has_its_minimum_exactly_at_minus_two() -> None:
    (minimum,) = critical_points(along(LOSS), -6.0, 2.0).points
    assert minimum.x == -2.0 and minimum.exact
    assert minimum.value == -6.0 and minimum.curvature == 2.0
    assert minimum.test == "second derivative"
    assert minimum.reasoning == "$f''(-2) = 2 > 0$, so the curve bends up there: a **minimum**."


def test_outside_the_range_is_flagged() -> None:
    (minimum,) = critical_points(along(LOSS), 0.0, 5.0).points
    assert not minimum.in_range


def test_inconclusive_second_derivative_falls_back_to_the_sign_of_f_prime() -> None:
    (point,) = critical_points(along("x^3"), -2.0, 2.0).points
    assert point.test == "first derivative" and point.curvature == 0.0
    assert "inconclusive" in point.reasoning and "**neither**" in point.reasoning


def test_numeric_search_says_why_it_was_needed() -> None:
    found = critical_points(along("sin(x)/x"), -5.0, 5.0)
    assert "closed form" in found.note and "numerically" in found.note
    assert found.points[1].test == "first derivative"  # f'' is noise next to the hole at 0
    assert found.points[1].value == pytest.approx(1.0)


def test_flat_stretch_of_relu() -> None:
    found = critical_points(along("relu(x)"), -5.0, 5.0)
    assert found.points == ()
    assert found.flat == ((-math.inf, 0.0),)
    assert found.flat_latex == "\\left(-\\infty, 0\\right)"


def test_constant_along_the_knob_is_flat_everywhere() -> None:
    # y^2 + 1 does not depend on x: every x is a critical point.
    found = critical_points(Slice.along(parse_function("y^2 + 1", ["x", "y"]), "x"), -1.0, 1.0)
    assert found.points == () and found.flat == ((-math.inf, math.inf),)


@pytest.mark.parametrize(("text", "where"), [("abs(x)", 0.0), ("1/x^2", 0.0)])
def test_sign_change_without_zero_is_a_break_not_a_critical_point(text: str, where: float) -> None:
    found = critical_points(along(text), -5.0, 5.0)
    assert found.points == ()
    assert found.breaks == pytest.approx((where,), abs=ROOT_ATOL)


def test_critical_points_refuse_a_bad_range() -> None:
    with pytest.raises(ValueError, match="range"):
        critical_points(along(LOSS), 1.0, 1.0)


# --- gradient descent ---------------------------------------------------------------------------

DESCENT_CASES = [
    # rate, behaviour on the loss from x0 = 1 (f'' = 2: it converges iff rate < 1)
    (0.1, CONVERGES),
    (0.5, CONVERGES),  # 1 - 2 eta = 0: lands on -2 in one step
    (0.9, OSCILLATES_CONVERGING),
    (1.0, OSCILLATES),
    (1.1, DIVERGES),
    (3.0, DIVERGES),
]


@pytest.mark.parametrize(("rate", "behaviour"), DESCENT_CASES)
def test_gradient_descent_on_the_loss(rate: float, behaviour: str) -> None:
    g = along(LOSS)
    run = gradient_descent(g.slope, 1.0, rate, 20)
    assert run.behaviour == behaviour
    # For a parabola with f'' = 2: x_k + 2 = (1 - 2 rate)^k (x_0 + 2).
    k = np.arange(len(run.iterates))
    np.testing.assert_allclose(run.iterates, -2 + 3.0 * (1 - 2 * rate) ** k, rtol=1e-9, atol=1e-9)
    if behaviour in (CONVERGES, OSCILLATES_CONVERGING):
        assert run.iterates[-1] == pytest.approx(-2.0, abs=0.1)


def test_runaway_descent_stops_at_the_escape_bound() -> None:
    run = gradient_descent(along(LOSS).slope, 1.0, 10.0, 100)
    assert run.behaviour == DIVERGES
    assert len(run.iterates) < 101
    assert math.isnan(run.slopes[-1])


def test_descent_into_undefined_territory_stops() -> None:
    # x^2 ln x: from 1 with a big step the iterate lands at x < 0, where ln is undefined.
    run = gradient_descent(along("x^2 ln x").slope, 1.0, 2.0, 10)
    assert run.behaviour == UNDEFINED
    assert run.iterates[-1] < 0


def test_descent_on_a_line_drifts() -> None:
    run = gradient_descent(lambda x: np.float64(1.0), 0.0, 0.5, 4)
    assert run.behaviour == DRIFTS
    assert run.iterates.tolist() == [0.0, -0.5, -1.0, -1.5, -2.0]


def test_descent_from_the_minimum_stays() -> None:
    run = gradient_descent(along(LOSS).slope, -2.0, 0.3, 5)
    assert run.behaviour == CONVERGES and set(run.iterates.tolist()) == {-2.0}
    assert "already a critical point" in explain_descent(run, 2.0, True, "-2")


def test_explanation_of_a_run_away_from_every_minimum() -> None:
    # x^3 - 3x from -1.5: f' > 0, so it heads left, away from the minimum at 1, faster and faster.
    run = gradient_descent(along("x^3 - 3x").slope, -1.5, 0.05, 6)
    assert run.behaviour == DRIFTS
    assert "away from any minimum" in explain_descent(run, 6.0, False, "1")


def test_descent_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        gradient_descent(along(LOSS).slope, math.nan, 0.1, 3)
    with pytest.raises(ValueError):
        gradient_descent(along(LOSS).slope, 0.0, 0.1, -1)


@pytest.mark.parametrize(
    ("rate", "factor", "words"),
    [
        (0.1, 0.8, "close in from one side"),
        (0.9, -0.8, "overshoots"),
        (1.0, -1.0, "forever"),
        (1.1, -1.2, "Convergence needs $\\eta < 2 / f'' = 1$"),
    ],
)
def test_explanation_uses_the_step_factor(rate: float, factor: float, words: str) -> None:
    assert step_factor(rate, 2.0) == pytest.approx(factor)
    run = gradient_descent(along(LOSS).slope, 1.0, rate, 10)
    text = explain_descent(run, 2.0, constant=True, minimum="-2")
    assert "$f'' = 2$ everywhere" in text
    assert words in text, text
