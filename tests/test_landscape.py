"""The landscape engine: gradient, directional derivative and Hessian against central finite
differences, the critical points of the page's examples, descent, grids and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from calculus import ExpressionError, parse_function
from calculus.landscape import (
    LANDSCAPE_EXAMPLES,
    check_range,
    classify,
    critical_points,
    direction_from_angle,
    directional_check,
    gradient_descent,
    gradient_field,
    grid_starts,
    hessian_check,
    landscape_of,
    nearest_critical_point,
    parse_landscape,
    sample_grid,
    slice_along,
    tangent_plane_check,
    unit_vector,
    values_along,
    with_families,
)
from tests.oracle import assert_matches, assert_matches_central_differences, central_derivative

#: Step of the central differences; their error is O(EPS^2) times the third derivative.
EPS = 1e-5
#: Relative and absolute tolerance between exact derivatives and central differences.
RTOL = 1e-6
ATOL = 1e-6

FUNCTIONS_AND_POINTS = [
    ("x1 x2^2", [1.5, -2.0]),
    ("x^2 + 3y^2", [0.7, -0.4]),
    ("x^2 - y^2", [-1.2, 0.9]),
    ("(1 - x)^2 + 100(y - x^2)^2", [-0.5, 1.3]),
    ("sin(x) cos(y)", [0.4, 2.1]),
    (LANDSCAPE_EXAMPLES["logistic loss"], [0.3, -0.8]),
    ("x y z + exp(x - z) + sqrt(y^2 + 1)", [0.2, -0.7, 1.1]),
    ("sigmoid(a + 2b) log(c^2 + 1) + a^3 d", [0.5, -0.25, 1.5, -1.0]),
]


def _assert_hessian(exact: np.ndarray, landscape, point: list[float], what: str) -> None:
    # Entry [i, k] of the numeric Hessian is the central difference of gradient i along knob k.
    gradient = lambda p: landscape.gradient_at(list(p))  # noqa: E731
    assert_matches_central_differences(
        exact, gradient, point, h=EPS, rtol=RTOL, atol=ATOL, what=what
    )


def _assert_close(exact: np.ndarray, numeric: np.ndarray, what: str) -> None:
    assert_matches(exact, numeric, rtol=RTOL, atol=ATOL, what=what)


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_gradient_matches_central_differences(text: str, point: list[float]) -> None:
    landscape = parse_landscape(text)
    assert_matches_central_differences(
        landscape.gradient_at(point),
        lambda p: float(landscape.value_at(list(p))),
        point,
        h=EPS,
        rtol=RTOL,
        atol=ATOL,
        what=f"grad of {text} at {point}",
    )


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_hessian_matches_central_differences_of_the_gradient(text: str, point: list[float]) -> None:
    landscape = parse_landscape(text)
    exact = landscape.hessian_at(point)
    _assert_hessian(exact, landscape, point, f"Hessian of {text} at {point}")
    _assert_close(exact, exact.T, f"Hessian of {text} is symmetric")


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_directional_derivative_is_the_slope_along_the_direction(
    text: str, point: list[float], seed: int
) -> None:
    landscape = parse_landscape(text)
    direction = np.random.default_rng(seed).normal(size=len(point))
    along = lambda t: float(values_along(landscape, point, direction, np.array(t)))  # noqa: E731
    exact = landscape.directional_derivative(point, direction)
    assert_matches(exact, central_derivative(along, 0.0, EPS), rtol=RTOL, atol=ATOL, what=text)


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_the_largest_directional_derivative_is_the_gradient_length(
    text: str, point: list[float]
) -> None:
    landscape = parse_landscape(text)
    gradient = landscape.gradient_at(point)
    largest = landscape.directional_derivative(point, gradient)
    assert math.isclose(largest, float(np.linalg.norm(gradient)), rel_tol=1e-12)
    directions = np.random.default_rng(7).normal(size=(50, len(point)))
    slopes = [landscape.directional_derivative(point, u) for u in directions]
    assert max(slopes) <= largest + 1e-12


def test_chapter_example_gradient_is_x2_squared_and_2_x1_x2() -> None:
    landscape = parse_landscape("x1 x2^2")
    x1, x2 = landscape.function.symbols
    assert landscape.gradient() == (x2**2, 2 * x1 * x2)
    assert landscape.hessian() == sp.Matrix([[0, 2 * x2], [2 * x2, 2 * x1]])
    assert landscape.gradient_at([1.0, 3.0]).tolist() == [9.0, 6.0]


def test_gradient_and_hessian_on_a_grid_have_the_documented_shapes() -> None:
    landscape = parse_landscape("x^2 - y^2")
    xx, yy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    assert landscape.gradient_at([xx, yy]).shape == (2, 4, 5)
    hessian = landscape.hessian_at([xx, yy])  # constant entries broadcast to the grid
    assert hessian.shape == (2, 2, 4, 5)
    assert np.all(hessian[0, 0] == 2) and np.all(hessian[1, 1] == -2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2 + 3y^2", [([0.0, 0.0], "minimum")]),
        ("x^2 - y^2", [([0.0, 0.0], "saddle")]),
        ("(1 - x)^2 + 100(y - x^2)^2", [([1.0, 1.0], "minimum")]),
        ("-(x^2 + y^2)", [([0.0, 0.0], "maximum")]),
        (
            "sin(x) cos(y)",
            [
                ([math.pi / 2, 0.0], "maximum"),
                ([-math.pi / 2, 0.0], "minimum"),
                ([0.0, math.pi / 2], "saddle"),
                ([0.0, -math.pi / 2], "saddle"),
            ],
        ),
    ],
)
def test_critical_points_of_the_examples_are_found_and_classified(
    text: str, expected: list[tuple[list[float], str]]
) -> None:
    landscape = parse_landscape(text)
    grid = sample_grid(landscape, (0, 1), [0.0, 0.0], (-2.0, 2.0), (-2.0, 2.0))
    found = critical_points(landscape, grid_starts(grid, landscape))
    assert len(found) == len(expected), [(c.point, c.kind) for c in found]
    for point, kind in expected:
        match = [c for c in found if np.allclose(c.point, point, atol=1e-8)]
        assert match, f"no critical point near {point} in {[c.point for c in found]}"
        assert match[0].kind == kind
        assert np.linalg.norm(landscape.gradient_at(list(match[0].point))) <= 1e-8


def test_logistic_loss_has_one_minimum() -> None:
    landscape = parse_landscape(LANDSCAPE_EXAMPLES["logistic loss"])
    grid = sample_grid(landscape, (0, 1), [0.0, 0.0], (-3.0, 3.0), (-3.0, 3.0))
    found = critical_points(landscape, grid_starts(grid, landscape))
    assert [c.kind for c in found] == ["minimum"]


def test_nearest_critical_point_from_the_knob_point_alone() -> None:
    landscape = parse_landscape("(1 - x)^2 + 100(y - x^2)^2")
    nearest = nearest_critical_point(landscape, [-1.2, 1.0])
    assert nearest is not None and nearest.kind == "minimum"
    assert np.allclose(nearest.point, [1.0, 1.0])
    assert nearest_critical_point(parse_landscape("x + y"), [0.0, 0.0]) is None


def test_degenerate_critical_line_of_the_chapter_example() -> None:
    # grad(x1 x2^2) = (x2^2, 2 x1 x2) vanishes on the whole line x2 = 0; the Hessian there,
    # [[0, 0], [0, 2 x1]], has a zero eigenvalue, so the test cannot decide.
    landscape = parse_landscape("x1 x2^2")
    nearest = nearest_critical_point(landscape, [0.8, 0.3])
    assert nearest is not None and nearest.kind == "degenerate"
    assert abs(nearest.point[1]) < 1e-6


@pytest.mark.parametrize(
    ("hessian", "kind"),
    [
        ([[2, 0], [0, 6]], "minimum"),
        ([[-2, 1], [1, -3]], "maximum"),
        ([[2, 0], [0, -2]], "saddle"),
        ([[0, 0], [0, 2]], "degenerate"),
        ([[0, 0], [0, 0]], "degenerate"),
        ([[1, 0, 0], [0, 2, 0], [0, 0, -1e-3]], "saddle"),
    ],
)
def test_second_derivative_test(hessian: list[list[float]], kind: str) -> None:
    assert classify(np.array(hessian, dtype=float))[0] == kind


def test_gradient_descent_steps_downhill_on_the_bowl() -> None:
    landscape = parse_landscape("x^2 + 3y^2")
    path = gradient_descent(landscape, [1.5, 1.0], learning_rate=0.1, steps=40)
    assert path.points.shape == (41, 2) and path.values.shape == (41,)
    assert path.stopped == ""
    # One step by hand: x - 0.1 * (2x, 6y).
    assert np.allclose(path.points[1], [1.5 - 0.1 * 3.0, 1.0 - 0.1 * 6.0])
    assert np.all(np.diff(path.values) <= 0)
    assert np.linalg.norm(path.points[-1]) < 1e-3


def test_gradient_descent_diverges_with_too_large_a_rate() -> None:
    path = gradient_descent(parse_landscape("x^2 + 3y^2"), [1.0, 1.0], learning_rate=1.0, steps=500)
    assert "diverged" in path.stopped
    assert len(path.points) < 501


def test_gradient_descent_stops_where_the_gradient_does_not_exist() -> None:
    path = gradient_descent(parse_landscape("abs(x) + y^2"), [0.0, 1.0], learning_rate=0.1, steps=5)
    assert "does not exist" in path.stopped and len(path.points) == 1


def test_grid_layout_is_rows_y_columns_x() -> None:
    landscape = parse_landscape("x - 10 y")
    grid = sample_grid(landscape, (0, 1), [0.0, 0.0], (0.0, 1.0), (0.0, 2.0), resolution=3)
    assert grid.z.shape == (3, 3)
    assert grid.z[0].tolist() == [0.0, 0.5, 1.0]  # first row: y = 0
    assert grid.z[:, 0].tolist() == [0.0, -10.0, -20.0]  # first column: x = 0


def test_grid_of_three_knobs_holds_the_third() -> None:
    landscape = parse_landscape("x y + z")
    grid = sample_grid(landscape, (0, 2), [0.0, 5.0, 0.0], (0.0, 1.0), (0.0, 1.0), resolution=2)
    # Plotted x (columns) and z (rows), y held at 5: f = 5x + z.
    assert grid.z.tolist() == [[0.0, 5.0], [1.0, 6.0]]


def test_grid_marks_undefined_points_nan() -> None:
    grid = sample_grid(parse_landscape("log(x) + y"), (0, 1), [1.0, 0.0], (-1.0, 1.0), (0.0, 1.0))
    assert np.all(np.isnan(grid.z[:, grid.x < 0]))
    assert np.all(np.isfinite(grid.z[:, grid.x > 0]))


def test_slices_hold_the_other_knobs() -> None:
    landscape = parse_landscape("x1 x2^2")
    t = np.linspace(-1, 1, 5)
    assert np.allclose(slice_along(landscape, [2.0, 3.0], 0, t), 9 * t)
    assert np.allclose(slice_along(landscape, [2.0, 3.0], 1, t), 2 * t**2)
    constant = slice_along(parse_landscape("x + 0 y"), [2.0, 3.0], 1, t)  # constant in y
    assert constant.shape == t.shape and np.all(constant == 2.0)


def test_gradient_field_is_one_arrow_per_grid_point_with_finite_partials() -> None:
    landscape = parse_landscape("sqrt(x) + y")
    field = gradient_field(landscape, (0, 1), [1.0, 0.0], (-1.0, 1.0), (-1.0, 1.0), resolution=5)
    assert field.x.shape == field.gx.shape == (10,)  # x = 0.5 and 1 (x = 0: infinite slope)
    assert np.allclose(field.gx, 0.5 / np.sqrt(field.x)) and np.all(field.gy == 1.0)


def test_direction_from_angle_lies_in_the_plotted_plane() -> None:
    u = direction_from_angle(90.0, (0, 2), 3)
    assert np.allclose(u, [0.0, 0.0, 1.0])
    assert np.allclose(direction_from_angle(45.0, (0, 1), 2), [math.sqrt(0.5)] * 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x, y", "one output"),
        ("x^2 + 4x - 2", "at least two knobs"),
        ("3", "at least two knobs"),
    ],
)
def test_functions_that_are_not_landscapes_are_refused(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        landscape_of(parse_function(text))


def test_refusal_of_several_outputs_points_to_the_knob_machine() -> None:
    with pytest.raises(ExpressionError, match="knob machine"):
        parse_landscape("x1 x2^2, sqrt(x2 x3)")


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (1.0, 1.0, "start below"),
        (2.0, -2.0, "start below"),
        (float("nan"), 1.0, "finite"),
        (0.0, float("inf"), "finite"),
        (-1e9, 1.0, "finite"),
    ],
)
def test_bad_ranges_are_refused(low: float, high: float, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        check_range(low, high)


def test_zero_direction_is_refused() -> None:
    with pytest.raises(ExpressionError, match="non-zero"):
        unit_vector([0.0, 0.0, 0.0])


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_numeric_hessian_agrees_with_the_exact_one(text: str, point: list[float]) -> None:
    landscape = parse_landscape(text)
    _assert_close(landscape.hessian_at(point), landscape.numeric_hessian(point), text)


# --- critical sets, and the checks the page shows beside the exact numbers ----------------------


def _known(landscape, span: tuple[float, float] = (-3.0, 3.0)):
    """The critical points the page finds in view, with their families (as the page does)."""
    grid = sample_grid(landscape, (0, 1), [0.0, 0.0], span, span, 41)
    return with_families(landscape, critical_points(landscape, grid_starts(grid, landscape)), 6.0)


@pytest.mark.parametrize(
    ("knobs", "nearest"),
    [([2.0, 1.0], [2.0, 0.0]), ([1.0, 1.0], [1.0, 0.0]), ([-0.7, -2.5], [-0.7, 0.0])],
)
def test_the_chapter_example_has_a_line_of_critical_points(knobs, nearest) -> None:
    # grad(x1 x2^2) = (x2^2, 2 x1 x2) vanishes exactly where x2 = 0: the nearest critical point
    # is the foot of the perpendicular from the knobs, and it is one point of a line.
    landscape = parse_landscape("x1 x2^2")
    found = nearest_critical_point(landscape, knobs, _known(landscape), scale=6.0)
    assert found is not None and found.family == "line"
    np.testing.assert_allclose(found.point, nearest, atol=1e-12)
    np.testing.assert_allclose(np.abs(found.along), [1.0, 0.0], atol=1e-9)
    assert np.linalg.norm(landscape.gradient_at(found.point)) == 0.0


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("(x - y)^2", "line"),
        ("(x^2 + y^2 - 1)^2", "curve"),
        ("x^4 + y^4", "isolated"),
        ("x^2 - y^2", "isolated"),
        ("x^2 + 3y^2", "isolated"),
        ("sin(x) cos(y)", "isolated"),
    ],
)
def test_critical_points_know_whether_they_are_isolated(text: str, family: str) -> None:
    landscape = parse_landscape(text)
    found = nearest_critical_point(landscape, [2.0, 1.0], _known(landscape), scale=6.0)
    assert found is not None and found.family == family, (found.point, found.family)
    if family == "line":  # the foot of the perpendicular from (2, 1) to y = x
        np.testing.assert_allclose(found.point, [1.5, 1.5], atol=1e-9)


def test_an_isolated_critical_point_is_the_nearest_of_several_starts() -> None:
    # sin(x) cos(y) from (1.2, 0.3): the maximum (π/2, 0) is nearest, not a farther saddle.
    landscape = parse_landscape("sin(x) cos(y)")
    found = nearest_critical_point(landscape, [1.2, 0.3], scale=6.0)
    assert found is not None and found.kind == "maximum"
    np.testing.assert_allclose(found.point, [math.pi / 2, 0.0], atol=1e-9)


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_directional_check_agrees_with_central_differences(text: str, point) -> None:
    landscape = parse_landscape(text)
    direction = np.random.default_rng(3).normal(size=len(point))
    check = directional_check(landscape, point, direction)
    along = lambda t: float(values_along(landscape, point, direction, np.array(t)))  # noqa: E731
    numeric = central_derivative(along, 0.0, EPS)
    assert_matches(check.exact, numeric, rtol=RTOL, atol=ATOL, what=f"D_u of {text}")
    assert math.isclose(check.measured, check.exact, rel_tol=RTOL, abs_tol=ATOL)


def test_tangent_plane_check_is_second_order() -> None:
    landscape = parse_landscape("sin(x) cos(y)")
    errors = [abs(tangent_plane_check(landscape, [0.4, 2.1], (0, 1), h).error) for h in (0.1, 0.05)]
    assert 3.5 < errors[0] / errors[1] < 4.5, errors  # halving the step quarters the error
    plane = tangent_plane_check(parse_landscape("2x - y"), [1.0, 1.0], (0, 1))
    assert plane.error == pytest.approx(0.0, abs=1e-15)  # a plane is its own tangent plane


@pytest.mark.parametrize(("text", "point"), FUNCTIONS_AND_POINTS)
def test_hessian_check_eigenvalues_and_agreement(text: str, point) -> None:
    landscape = parse_landscape(text)
    check = hessian_check(landscape, point)
    _assert_hessian(check.hessian, landscape, point, f"Hessian of {text}")
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(check.hessian).real), check.eigenvalues)
    assert 0 <= check.difference < 1e-5


def test_hessian_check_where_the_hessian_is_undefined() -> None:
    check = hessian_check(parse_landscape("abs(x) + y^2"), [0.0, 1.0])
    assert np.all(np.isnan(check.eigenvalues)) and math.isnan(check.difference)
