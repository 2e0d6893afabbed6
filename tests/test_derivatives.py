"""Exact derivatives: the chapter's examples, identities, kinks, and random functions vs numbers.

The oracle for the exact Jacobians is the chapter's own answers (typed here as sympy expressions)
and, for random functions, central finite differences of the engine's *values*, which share no
code with its derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calculus import ExpressionError, parse_function
from tests.oracle import assert_matches, assert_matches_central_differences, central_jacobian

#: Central-difference step, and how close the exact Jacobian and the numbers must be.
EPS = 1e-5
RTOL = 1e-5
ATOL = 1e-6


def real(names: str) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(name, real=True) for name in names.split())


(x,) = real("x")
x1, x2, x3 = real("x1 x2 x3")


def assert_same_expression(actual: sp.Expr, expected: sp.Expr, what: str) -> None:
    assert sp.simplify(actual - expected) == 0, f"{what}: engine {actual}, chapter {expected}"


# --- the chapter's examples (CURRICULUM.md) -----------------------------------------------------

# text -> exact Jacobian as the chapter writes it (rows = outputs, columns = knobs), and a point
CHAPTER = [
    ("x^2 + 4x - 2", [[2 * x + 4]], [-2.0]),  # the error rate; slope 0 at the minimum x = -2
    ("x^2", [[2 * x]], [1.5]),
    ("exp(sin(x))", [[sp.exp(sp.sin(x)) * sp.cos(x)]], [0.7]),  # one path through u = sin x
    ("x^2 ln(x)", [[2 * x * (sp.log(x) + sp.Rational(1, 2))]], [1.3]),  # two paths: product rule
    ("x1 x2^2", [[x2**2, 2 * x1 * x2]], [3.0, -2.0]),  # partials; the gradient
    ("x^2, sqrt(x)", [[2 * x], [1 / (2 * sp.sqrt(x))]], [4.0]),  # a 2 x 1 Jacobian
    ("x1^2 x2^2, sqrt(x2 x3)", None, [1.0, 2.0, 3.0]),  # g of the big exercise (checked below)
]


@pytest.mark.parametrize(("text", "expected", "point"), CHAPTER, ids=[c[0] for c in CHAPTER])
def test_chapter_examples(
    text: str, expected: list[list[sp.Expr]] | None, point: list[float]
) -> None:
    f = parse_function(text)
    if expected is not None:
        assert f.shape == (len(expected), len(expected[0]))
        for i, row in enumerate(expected):
            for j, entry in enumerate(row):
                assert_same_expression(f.derivative(i, j), entry, f"{text}: d y{i + 1}/d knob {j}")
        exact = np.array(
            [[float(e.subs(dict(zip(f.symbols, point, strict=True)))) for e in r] for r in expected]
        )
        np.testing.assert_allclose(f.jacobian_at(point), exact, rtol=1e-13)
    assert_matches_central_differences(
        f.jacobian_at(point), f.value_at, point, h=EPS, rtol=RTOL, atol=ATOL, what=text
    )


def test_error_rate_minimum_and_sign_of_the_slope() -> None:
    f = parse_function("x^2 + 4x - 2")
    slopes = f.jacobian_at([np.array([-3.0, -2.0, -1.0])])[0, 0]
    assert slopes.tolist() == [-2.0, 0.0, 2.0]  # falls left of -2, flat at -2, rises right
    assert f.value_at([-2.0]).tolist() == [-6.0]


# The big exercise: f = h(g(x)), g = (x1^2 x2^2, sqrt(x2 x3)), h(u, v) = (u^2, u v, v^2).
EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"
EXERCISE_DY2_DX2 = 2 * x1**2 * x2 * sp.sqrt(x2 * x3) + x1**2 * x2**2 * x3 / (2 * sp.sqrt(x2 * x3))


def test_exercise_dy2_dx2_is_the_sum_over_both_paths() -> None:
    f = parse_function(EXERCISE)
    assert f.variables == ("x1", "x2", "x3")
    assert f.shape == (3, 3)
    assert_same_expression(f.derivative(1, 1), EXERCISE_DY2_DX2, "d y2 / d x2")
    point = [1.0, 2.0, 3.0]
    exact = float(EXERCISE_DY2_DX2.subs({x1: 1, x2: 2, x3: 3}))
    assert f.jacobian_at(point)[1, 1] == pytest.approx(exact, rel=1e-14)
    assert_matches_central_differences(
        f.jacobian_at(point), f.value_at, point, h=EPS, rtol=RTOL, atol=ATOL, what=EXERCISE
    )


def test_exercise_chain_rule_is_the_product_of_the_jacobians() -> None:
    """J_f(x) = J_h(g(x)) J_g(x): the sum over paths, for every entry at once."""
    g = parse_function("x1^2 x2^2, sqrt(x2 x3)")
    h = parse_function("u^2, u v, v^2")
    f = parse_function(EXERCISE)
    for point in ([1.0, 2.0, 3.0], [-0.5, 1.5, 0.25], [2.0, 0.1, 7.0]):
        u_v = g.value_at(point)
        np.testing.assert_allclose(
            f.jacobian_at(point), h.jacobian_at(u_v) @ g.jacobian_at(point), rtol=1e-12
        )


# --- identities ---------------------------------------------------------------------------------

SCALAR_FUNCTIONS = [
    ("x1 x2^2", [0.5, -1.5]),
    ("sin(x1) exp(x2) + x3^3", [0.3, 0.2, -0.7]),
    ("sigmoid(w x + b)", [0.1, 0.4, -1.2]),
    ("log(1 + x^2 + y^2)", [1.0, 2.0]),
]


@pytest.mark.parametrize(("text", "point"), SCALAR_FUNCTIONS, ids=[s[0] for s in SCALAR_FUNCTIONS])
def test_one_output_jacobian_is_the_gradient(text: str, point: list[float]) -> None:
    f = parse_function(text)
    (output,) = f.outputs
    gradient = sp.Matrix([[sp.diff(output, s) for s in f.symbols]])
    assert f.jacobian().shape == (1, f.n_inputs)  # a row: the Jacobian of a scalar is 1 x m
    assert (f.jacobian() - gradient).applyfunc(sp.simplify) == sp.zeros(1, f.n_inputs)
    assert_matches_central_differences(
        f.jacobian_at(point), f.value_at, point, h=EPS, rtol=RTOL, atol=ATOL, what=text
    )


W = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -4.0]])


def written_out(matrix: np.ndarray, names: Sequence[str]) -> str:
    """'2 x1 + -1 x2 + 0.5 x3, ...': y = W x entry by entry, as a learner would type it."""
    return ", ".join(
        " + ".join(f"({w:g}) {name}" for w, name in zip(row, names, strict=True)) for row in matrix
    )


def test_jacobian_of_w_x_is_w() -> None:
    f = parse_function(written_out(W, ["x1", "x2", "x3"]))
    assert not f.jacobian().free_symbols, "the Jacobian of a linear map is constant"
    np.testing.assert_array_equal(np.array(f.jacobian(), dtype=float), W)
    for point in ([0.0, 0.0, 0.0], [1.0, -2.0, 3.0]):
        np.testing.assert_array_equal(f.jacobian_at(point), W)


def test_jacobian_of_a_dot_x_is_the_row_a() -> None:
    a = np.array([1.5, -2.0, 4.0])
    f = parse_function(written_out(a[None, :], ["x1", "x2", "x3"]))
    assert f.jacobian_at([7.0, 8.0, 9.0]).tolist() == [a.tolist()]  # shape 1 x m, a row


def test_jacobian_of_y_a_x_is_y_transposed_a() -> None:
    y = np.array([1.0, -2.0])
    terms = [f"({y[i] * W[i, j]:g}) x{j + 1}" for i in range(2) for j in range(3)]
    f = parse_function(" + ".join(terms))
    np.testing.assert_allclose(f.jacobian_at([0.3, 0.2, 0.1]), (y @ W)[None, :])


# --- kinks --------------------------------------------------------------------------------------

NAN = math.nan
# text, point, expected Jacobian (nan where it does not exist), expected kinks_at
KINKS = [
    ("relu(x)", [0.0], [[NAN]], [[True]]),
    ("relu(x)", [-1.0], [[0.0]], [[False]]),
    ("relu(x)", [2.0], [[1.0]], [[False]]),
    ("abs(x)", [0.0], [[NAN]], [[True]]),
    ("abs(x)", [-3.0], [[-1.0]], [[False]]),
    ("abs(x - 1)", [1.0], [[NAN]], [[True]]),
    ("sign(x)", [0.0], [[NAN]], [[True]]),
    ("max(x, y)", [1.0, 1.0], [[NAN, NAN]], [[True, True]]),
    ("max(x, y)", [2.0, 1.0], [[1.0, 0.0]], [[False, False]]),
    ("min(x, y)", [2.0, 1.0], [[0.0, 1.0]], [[False, False]]),
    ("max(x, 2x)", [0.0], [[NAN]], [[True]]),
    ("max(x, 2x)", [-1.0], [[1.0]], [[False]]),
    # a tie below the maximum is no kink
    ("max(x, y, z)", [0.0, 0.0, 1.0], [[0.0, 0.0, 1.0]], [[False, False, False]]),
    ("max(x, y, z)", [1.0, 1.0, 0.0], [[NAN, NAN, 0.0]], [[True, True, False]]),
    # a dead inner unit: relu(relu(x)) is flat for x < 0, not undefined
    ("relu(relu(x))", [-1.0], [[0.0]], [[False]]),
    ("relu(relu(x))", [0.0], [[NAN]], [[True]]),
    # two layers, inner unit dead (w1 x + b1 = -1), outer at its kink through b2 only
    (
        "relu(w2 relu(w1 x + b1) + b2)",  # knobs b1, b2, w1, w2, x
        [0.0, 0.0, 1.0, 1.0, -1.0],
        [[0.0, NAN, 0.0, 0.0, 0.0]],
        [[False, True, False, False, False]],
    ),
    ("abs(x) + y", [0.0, 5.0], [[NAN, 1.0]], [[True, False]]),  # only the entry that bends
]


@pytest.mark.parametrize(("text", "point", "jacobian", "kinks"), KINKS, ids=repr)
def test_kinks_are_reported_not_given_a_number(
    text: str, point: list[float], jacobian: list[list[float]], kinks: list[list[bool]]
) -> None:
    f = parse_function(text)
    np.testing.assert_array_equal(f.jacobian_at(point), np.array(jacobian))
    assert f.kinks_at(point).tolist() == kinks


def test_kinks_on_a_grid() -> None:
    f = parse_function("relu(x) + abs(y)")
    xs, ys = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 3))
    kinks = f.kinks_at([xs, ys])
    assert kinks.shape == (1, 2, 3, 5)
    assert kinks[0, 0].tolist() == [[False, False, True, False, False]] * 3
    assert kinks[0, 1].tolist() == [[False] * 5, [True] * 5, [False] * 5]
    jacobian = f.jacobian_at([xs, ys])
    assert np.array_equal(np.isnan(jacobian), kinks)
    np.testing.assert_array_equal(jacobian[0, 0, 0], [0.0, 0.0, NAN, 1.0, 1.0])  # d/dx at y = -1


def test_derivative_does_not_exist_where_the_function_is_undefined() -> None:
    f = parse_function("log(x), x")
    jacobian = f.jacobian_at([-1.0])  # 1/x is -1 there, but log(-1) is undefined
    assert np.isnan(jacobian[0, 0]) and jacobian[1, 0] == 1.0


# --- random functions vs central differences ----------------------------------------------------

UNARY = ["sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "exp", "log", "sqrt", "cbrt",
         "abs", "sigmoid", "relu", "softplus", "asin", "acos", "log2", "log10"]  # fmt: skip


def _leaf() -> st.SearchStrategy[str]:
    numbers = st.sampled_from(["1", "2", "3", "0.5", "1.5", "pi", "e"])
    variables = st.sampled_from(["x", "y", "z", "2x", "3y", "0.5z", "x y", "π z"])
    return numbers | variables


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", " "]), inner).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})" if t[1] != " " else f"({t[0]})({t[2]})"
    )
    power = st.tuples(inner, st.sampled_from(["2", "3", "-1", "-2", "0.5"])).map(
        lambda t: f"({t[0]})^{t[1]}"
    )
    function = st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})")
    extremum = st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})"
    )
    return binary | power | function | extremum


EXPRESSIONS = st.recursive(_leaf(), _grow, max_leaves=6)
COORDINATE = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False).map(lambda v: round(v, 3))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(text=EXPRESSIONS, coordinates=st.tuples(COORDINATE, COORDINATE, COORDINATE))
def test_random_functions_match_central_differences(
    text: str, coordinates: tuple[float, float, float]
) -> None:
    try:
        f = parse_function(text, ["x", "y", "z"])
    except ExpressionError:
        assume(False)  # e.g. a constant divided by zero: refused, which test_parser covers
        raise
    point = np.array(coordinates)
    analytic = f.jacobian_at(point)
    numeric = central_jacobian(f.value_at, point, EPS)
    coarse = central_jacobian(f.value_at, point, 4 * EPS)
    # Compare where both exist and the point is not near a singularity or kink: there the two
    # step sizes agree with each other, and the values are of a sane size.
    smooth = (
        np.isfinite(analytic)
        & np.isfinite(numeric)
        & np.isfinite(coarse)
        & ~f.kinks_at(point)
        & np.isclose(numeric, coarse, rtol=1e-3, atol=1e-4)
        & (np.abs(analytic) < 1e6)
    )
    assume(smooth.any())
    assert_matches(
        analytic,
        numeric,
        rtol=RTOL,
        atol=ATOL,
        what=f"f = {text} at {point.tolist()}",
        where=smooth,
    )
