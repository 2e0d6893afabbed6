"""The compiled numbers: exact to float precision, silent about domain problems, shaped as promised.

The oracle for values is sympy itself: the same exact expression evaluated at the same binary
float with 50 digits. Every test here turns warnings into errors, since a RuntimeWarning from
numpy would otherwise leak into the server's log on every knob move.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import calculus
from calculus import parse_function

pytestmark = pytest.mark.filterwarnings("error")

#: Agreement of compiled values and derivatives with sympy's exact ones.
RTOL = 1e-12
#: Below this size, agreement is measured absolutely (values that cancel to about zero).
ATOL = 1e-14


@pytest.fixture(scope="module", autouse=True)
def warm_workers() -> None:
    calculus.start_workers()


def exact(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], point: list[float]) -> float:
    """sympy's value of ``expr`` at the binary floats of ``point``, to 50 digits, as a float."""
    at = {s: sp.Float(p, 50) for s, p in zip(symbols, point, strict=True)}
    return float(sp.N(expr.subs(at), 50))


AGREEMENT = [
    ("x^2 + 4x - 2", [0.3]),
    ("sin(x) + cos(y) + tan(z)", [0.4, -1.1, 0.9]),
    ("asin(x) + acos(x) + atan(y)", [0.35, -7.5]),
    ("sinh(x) cosh(y) tanh(x y)", [0.8, -0.45]),
    ("exp(x) log(y) + ln(x + y)", [1.25, 3.5]),
    ("log10(x) + log2(y)", [123.0, 0.015625]),
    ("sqrt(x) + cbrt(y)", [2.0, -27.5]),  # the real cube root of a negative
    ("abs(x) sign(y)", [-2.5, -0.1]),
    ("min(x, y) + max(x, y, z)", [0.2, -0.3, 0.7]),
    ("sigmoid(x) + softplus(y) + relu(z)", [0.6, -3.2, 1.7]),
    ("sigmoid(x)", [-30.0]),
    ("softplus(x)", [40.0]),
    ("x1 x2^2, sqrt(x2 x3)", [1.5, 2.0, 3.25]),
    ("(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2", [0.9, 1.1, 2.3]),
    ("x^x", [2.5]),
    ("2^60 x + 1/3", [1.0]),  # integers beyond 2^53 are printed as floats
    ("x / (1 + x^2)^(3/2)", [0.77]),
    ("pi x + e^y", [0.5, 0.25]),
    ("sin(sin(sin(sin(sin(x)))))", [1.3]),
    ("exp(-x^2/2) / sqrt(2 pi)", [1.96]),
]


@pytest.mark.parametrize(("text", "point"), AGREEMENT, ids=[a[0] for a in AGREEMENT])
def test_values_and_derivatives_agree_with_sympy(text: str, point: list[float]) -> None:
    f = parse_function(text)
    values = f.value_at(point)
    for i, output in enumerate(f.outputs):
        assert math.isclose(
            values[i], exact(output, f.symbols, point), rel_tol=RTOL, abs_tol=ATOL
        ), f"{text}: y{i + 1} = {values[i]!r}, sympy {exact(output, f.symbols, point)!r}"
    jacobian = f.jacobian_at(point)
    for i in range(f.n_outputs):
        for j in range(f.n_inputs):
            expected = exact(f.derivative(i, j), f.symbols, point)
            assert math.isclose(jacobian[i, j], expected, rel_tol=RTOL, abs_tol=ATOL), (
                f"{text}: J[{i},{j}] = {jacobian[i, j]!r}, sympy {expected!r}"
            )


# text, point, expected values, expected Jacobian (nan = undefined, inf = infinite)
NAN, INF = math.nan, math.inf
DOMAIN = [
    ("log(x)", [-1.0], [NAN], [[NAN]]),
    ("log(x)", [0.0], [NAN], [[NAN]]),  # ln needs x > 0: undefined, not −∞
    ("1/x", [0.0], [NAN], [[NAN]]),  # a division by 0 is undefined, not ∞
    ("sqrt(x)", [-1.0], [NAN], [[NAN]]),
    ("sqrt(x)", [0.0], [0.0], [[INF]]),
    ("asin(x)", [2.0], [NAN], [[NAN]]),
    ("exp(x)", [1000.0], [INF], [[INF]]),
    ("x^2", [1e200], [INF], [[2e200]]),
    ("x^-2", [0.0], [NAN], [[NAN]]),
    ("log(x) + x", [-1.0], [NAN], [[NAN]]),
    ("x sin(1/x)", [0.0], [NAN], [[NAN]]),
    ("exp(x) exp(-x)", [1000.0], [1.0], [[0.0]]),  # sympy simplifies it exactly first
    ("sigmoid(x)", [-1000.0], [0.0], [[0.0]]),  # no overflow in exp(1000)
    ("softplus(x)", [1000.0], [1000.0], [[1.0]]),
    ("x / x", [0.0], [NAN], [[NAN]]),  # sympy cancels it to 1, but as typed it divides by 0
    ("x / x", [2.0], [1.0], [[0.0]]),
]


@pytest.mark.parametrize(("text", "point", "values", "jacobian"), DOMAIN, ids=repr)
def test_domain_problems_give_nan_or_inf_silently(
    text: str, point: list[float], values: list[float], jacobian: list[list[float]]
) -> None:
    f = parse_function(text)
    np.testing.assert_array_equal(f.value_at(point), values)
    np.testing.assert_array_equal(f.jacobian_at(point), jacobian)


def test_domain_problems_on_a_grid_are_silent() -> None:
    f = parse_function("log(x) + sqrt(y) + 1/(x y)")
    xs, ys = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    values = f.value_at([xs, ys])
    jacobian = f.jacobian_at([xs, ys])
    assert values.shape == (1, 5, 5) and jacobian.shape == (1, 2, 5, 5)
    defined = (xs > 0) & (ys > 0)
    assert np.all(np.isfinite(values[0][defined]))
    assert np.all(np.isnan(values[0][(xs < 0) | (ys < 0)]))
    assert np.all(np.isnan(jacobian[0][:, (xs < 0) | (ys < 0)]))


# --- shapes -------------------------------------------------------------------------------------

SHAPES = [
    ("x1 x2^2, sqrt(x2 x3)", (2, 3), ()),
    ("x1 x2^2, sqrt(x2 x3)", (2, 3), (7,)),
    ("x1 x2^2, sqrt(x2 x3)", (2, 3), (4, 5)),
    ("x^2", (1, 1), (3, 2, 2)),
    ("1, x, y", (3, 2), (4, 5)),  # a constant output
]


@pytest.mark.parametrize(("text", "shape", "grid"), SHAPES, ids=repr)
def test_vectorised_shapes(text: str, shape: tuple[int, int], grid: tuple[int, ...]) -> None:
    f = parse_function(text)
    n, m = shape
    rng = np.random.default_rng(0)
    point = [rng.uniform(0.5, 2.0, grid) for _ in range(m)]
    values = f.value_at(point)
    jacobian = f.jacobian_at(point)
    assert f.shape == shape
    assert values.shape == (n, *grid)
    assert jacobian.shape == (n, m, *grid)
    assert f.kinks_at(point).shape == (n, m, *grid)
    # every grid point agrees with the same point evaluated alone
    for index in np.ndindex(*grid):
        alone = [float(p[index]) for p in point]
        np.testing.assert_allclose(values[(slice(None), *index)], f.value_at(alone), rtol=1e-15)
        at_index = jacobian[(slice(None), slice(None), *index)]
        np.testing.assert_allclose(at_index, f.jacobian_at(alone), rtol=1e-15)


def test_constant_entries_broadcast_to_the_grid() -> None:
    f = parse_function("1, x, y")
    xs, ys = np.meshgrid(np.arange(3.0), np.arange(4.0))
    values = f.value_at([xs, ys])
    assert values.shape == (3, 4, 3)
    assert np.all(values[0] == 1.0)
    jacobian = f.jacobian_at([xs, ys])
    assert (
        np.all(jacobian[0] == 0.0)
        and np.all(jacobian[1, 0] == 1.0)
        and np.all(jacobian[2, 1] == 1.0)
    )


def test_scalars_and_arrays_mix_by_broadcasting() -> None:
    f = parse_function("x y")
    values = f.value_at([np.array([1.0, 2.0, 3.0]), 2.0])
    assert values.tolist() == [[2.0, 4.0, 6.0]]
    assert f.jacobian_at([np.array([1.0, 2.0, 3.0]), 2.0]).tolist() == [
        [[2.0] * 3, [1.0, 2.0, 3.0]]
    ]


def test_a_function_without_knobs() -> None:
    f = parse_function("5, pi")
    assert f.shape == (2, 0)
    np.testing.assert_array_equal(f.value_at([]), [5.0, math.pi])
    assert f.jacobian_at([]).shape == (2, 0)


@pytest.mark.parametrize("point", [[1, 2], (1.0, 2.0), np.array([1.0, 2.0]), [np.float32(1), 2]])
def test_any_kind_of_point(point: object) -> None:
    f = parse_function("x^2 y")
    assert f.value_at(point).tolist() == [2.0]  # type: ignore[arg-type]
    assert f.jacobian_at(point).tolist() == [[4.0, 1.0]]  # type: ignore[arg-type]


def test_a_wrong_number_of_knob_values_is_explained() -> None:
    f = parse_function("x y")
    with pytest.raises(ValueError, match=r"expected 2 knob values \(x, y\), got 3"):
        f.value_at([1.0, 2.0, 3.0])


# --- knob names that are also names in the generated code ---------------------------------------

NUMPY_NAMES = [
    ("select + 2 where", ["select", "where"], [3.0, 4.0], 11.0),
    ("numpy inf - nan", ["numpy", "inf", "nan"], [2.0, 3.0, 1.0], 5.0),
    ("maximum + heaviside + reduce", None, [1.0, 2.0, 3.0], 6.0),
    ("np sp + math", None, [2.0, 2.0, 3.0], 8.0),  # knobs math, np, sp
    ("x0 x1 + sin(x0 x1)", None, [0.5, 2.0], 1.0 + math.sin(1.0)),  # cse's temporaries are x0, ...
    ("k0 + k1", None, [1.0, 2.0], 3.0),
    ("e x", ["e", "x"], [2.0, 3.0], 6.0),  # e as a knob, not Euler's number
    ("pi r^2", ["pi", "r"], [3.0, 2.0], 12.0),
]


@pytest.mark.parametrize(("text", "variables", "point", "value"), NUMPY_NAMES, ids=repr)
def test_knobs_named_like_numpy_names_evaluate_correctly(
    text: str, variables: list[str] | None, point: list[float], value: float
) -> None:
    f = parse_function(text, variables)
    assert f.value_at(point)[0] == pytest.approx(value, rel=1e-15)
    numeric = [
        (f.value_at(np.add(point, np.eye(len(point))[j] * 1e-6))[0] - f.value_at(point)[0]) / 1e-6
        for j in range(len(point))
    ]
    np.testing.assert_allclose(f.jacobian_at(point)[0], numeric, rtol=1e-4)
