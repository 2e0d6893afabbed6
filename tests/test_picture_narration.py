"""The moving pictures in words (calculus/narration/pictures.py), for screen readers: true at the
knobs, undefined values said in words, and carried by the figures the pages draw."""

from __future__ import annotations

import numpy as np
import pytest

from calculus.narration.pictures import (
    descent_description,
    directional_description,
    error_curve_description,
    graph_description,
    map_description,
    path_shares_description,
    slices_description,
    surface_description,
    tangent_description,
)
from ui.chain import path_shares_figure
from ui.figures import description_of, error_curve_figure
from ui.landscape import MapFrame, MapMarks, descent_values_figure, map_overlay
from ui.rate import TangentFrame, tangent_overlay

NAN = float("nan")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("x", 1.0, 3.0, 6.0, (1.5, 6.25)),
         "Top: the curve f(x) and its tangent at x = 1, where f = 3 and the tangent's slope is 6 "
         "(rising). The secant through x + h = 1.5 has slope 6.5. Bottom: the slope f′(x) at "
         "every point; at x = 1 it is 6."),
        (("x", -2.0, -6.0, 0.0, None),
         "Top: the curve f(x) and its tangent at x = −2, where f = −6 and the tangent's slope is "
         "0 (flat there). Bottom: the slope f′(x) at every point; at x = −2 it is 0."),
        (("x", -1.0, NAN, NAN, (-0.5, NAN)),
         "Top: the curve f(x); at x = −1 f is undefined, so there is no tangent. The secant "
         "through x + h = −0.5 is undefined. Bottom: the slope f′(x) at every point; at x = −1 "
         "it is undefined."),
        (("t", 0.0, 0.0, NAN, (0.5, 0.5)),
         "Top: the curve f(t); at t = 0, f = 0 but f has no slope (no tangent). The secant "
         "through t + h = 0.5 has slope 1. Bottom: the slope f′(t) at every point; at t = 0 it "
         "is undefined."),
        (("x", 1.0, 2.0, -1e-13, None),  # a slope the page writes as 0 is flat in words too
         "Top: the curve f(x) and its tangent at x = 1, where f = 2 and the tangent's slope is 0 "
         "(flat there). Bottom: the slope f′(x) at every point; at x = 1 it is 0."),
    ],
)  # fmt: skip
def test_the_tangent_plot_in_words(args: tuple, said: str) -> None:
    assert tangent_description(*args) == said


@pytest.mark.parametrize(
    ("gradient", "ending"),
    [
        ((1.0, 2.0), "The gradient arrow (∂f/∂x₁, ∂f/∂x₂) = (1, 2), length 2.236, points uphill, "
                     "where f rises fastest."),
        ((0.0, 1e-14), "The gradient is 0 here: no arrow, f is flat to first order."),
        ((NAN, 1.0), "No gradient arrow: the gradient is undefined here."),
        (None, "No gradient arrow: the gradient is undefined here."),
    ],
)  # fmt: skip
def test_the_map_in_words(gradient: tuple[float, float] | None, ending: str) -> None:
    said = map_description(("x₁", "x₂"), (1.0, -0.5), gradient)
    assert said.startswith("Contour map of f over x₁ and x₂, darker where f is higher. ")
    assert "The point (x₁, x₂) = (1, −0.5)." in said
    assert said.endswith(ending)


def test_the_surface_and_the_graph_in_words() -> None:
    assert surface_description(("a", "b"), (1.0, 2.0, NAN)).endswith(
        "The point at (a, b) = (1, 2), where f is undefined."
    )
    said = graph_description(
        ["x", "v", "y"],
        {"x": -1.0, "v": NAN, "y": NAN},
        [("x", "v"), ("v", "y")],
        {("x", "v"): NAN, ("v", "y"): 2.0},
    )
    assert "Values: x = −1, v = undefined, y = undefined." in said
    assert said.endswith("Local derivatives: ∂v/∂x = undefined, ∂y/∂v = 2.")
    nodes = [f"u{i}" for i in range(15)]
    many = graph_description(nodes, dict.fromkeys(nodes, 1.0), [], {})
    assert "u11 = 1 and 3 more." in many


def test_the_pages_figures_carry_their_words() -> None:
    frame = TangentFrame(-4.0, 4.0, (-10.0, 30.0), (-5.0, 10.0))
    assert description_of(tangent_overlay(frame, 1.0, 3.0, 6.0)) == tangent_description(
        "x", 1.0, 3.0, 6.0
    )
    map_frame = MapFrame((-3.0, 3.0), (-3.0, 3.0), "x₁", "x₂")
    overlay = map_overlay(map_frame, MapMarks(point=(1.0, 1.0), gradient=(1.0, 2.0)))
    assert description_of(overlay) == map_description(("x₁", "x₂"), (1.0, 1.0), (1.0, 2.0))


def test_error_curves_in_words_never_round_a_small_error_to_zero() -> None:
    steps = [1e-8, 1e-6, 1e-4, 1e-2, 1.0]
    said = error_curve_description("the error", steps, [0.0, 3e-13, NAN, 3e-5, 0.3], 1e-4)
    assert said == (
        "Log-log plot of the error against the step h, from h = 1×10^−8 to 1. The smallest "
        "error drawn is 3×10^−13, at h = 1×10^−6. For 1 of the 5 steps the error is exactly 0 "
        "(not drawn). For 1 of the 5 steps the error is undefined. The chosen step h = 0.0001 "
        "is marked."
    )
    assert error_curve_description("e", steps, [1.0] * 5, 0.01).endswith(
        "At the chosen step h = 0.01 the error is 1."
    )
    assert error_curve_description("e", steps, [1.0] * 5, 0.02).endswith(
        "The chosen step h = 0.02 is marked."  # not one of the steps: no error claimed
    )


def test_slices_path_shares_and_descent_in_words() -> None:
    said = slices_description(
        [("x₁", "x₂ = 1 held", 1.0, 1.0, 1.0), ("x₂", "", 0.0, NAN, NAN), ("t", "", 2.0, 4.0, NAN)]
    )
    assert said == (
        "f along x₁ (x₂ = 1 held): at x₁ = 1, f = 1 and the tangent's slope ∂f/∂x₁ = 1 "
        "(rising). f along x₂: at x₂ = 0 f is undefined. f along t: at t = 2, f = 4, no "
        "tangent there."
    )
    assert path_shares_description(["a → y", "b → y"], [8.0, NAN], [True, False], 10.0) == (
        "Bars, one per path, added up: a → y = 8, b → y off. The sum of the paths switched on "
        "is 8; the Jacobian entry computed directly is 10."
    )
    assert "sum of the paths switched on is undefined" in path_shares_description(
        ["a"], [NAN], [True], NAN
    )
    assert descent_description("x", [1.0, 0.5, 0.25], [3.0, 1.0, 2.0]) == (
        "Gradient descent, 2 steps. x₀ = 1; after the last step x = 0.25. f starts at 3 and "
        "ends at 2. Its lowest value is 1, at step 1."
    )
    assert descent_description("x", [], [NAN]) == (
        "Gradient descent, 0 steps. f starts at undefined and ends at undefined."
    )


def test_figures_of_every_kind_carry_words() -> None:
    steps = np.logspace(-8, 0, 9)
    assert description_of(error_curve_figure(steps, steps**2, 1e-4)).startswith("Log-log plot")
    shares = path_shares_figure(["a → y"], [2.0], [True], 2.0)
    assert description_of(shares) == path_shares_description(["a → y"], [2.0], [True], 2.0)
    assert description_of(descent_values_figure(np.array([3.0, 1.0]))).startswith(
        "Gradient descent, 1 step."
    )


def test_the_directional_derivative_in_words() -> None:
    angles = [0.0, 90.0, 180.0, 270.0]
    said = directional_description(1.0, 1.5, angles, [1.0, 2.0, NAN, -2.0], 0.0)
    assert said == (
        "Left: f along the direction u through the point, f = 1; its slope there, D_u f = 1.5 "
        "(rising). Right: D_u f for every direction, the chosen direction at 0°; largest 2 at "
        "90°."
    )
    assert directional_description(NAN, NAN) == (
        "Left: f along the direction u through the point; f is undefined there."
    )
