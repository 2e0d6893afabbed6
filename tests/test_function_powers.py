"""Every built-in function raised to a power: typeset, differentiated, and smooth where it is.

A learner types ``sigmoid(x)^2`` or ``cbrt(x)^2``; sympy's LaTeX printer then calls the
function's ``_latex`` with an ``exp`` argument. Each function of the README's list is raised to a
power here and put through what the pages show: f, its Jacobian, each derivative.
"""

from __future__ import annotations

import numpy as np
import pytest

from calculus import parse_function
from calculus.export import derivative_latex, function_latex, jacobian_latex
from calculus.functions import UNARY_FUNCTIONS, VARIADIC_FUNCTIONS

CALLS = [f"{name}(x)" for name in sorted(UNARY_FUNCTIONS)] + [
    f"{name}(x, y)" for name in sorted(VARIADIC_FUNCTIONS)
]
POWERS = ["2", "3", "-1"]


@pytest.mark.parametrize("power", POWERS)
@pytest.mark.parametrize("call", CALLS)
def test_every_function_to_a_power_is_typeset(call: str, power: str) -> None:
    f = parse_function(f"{call}^{power}, {call}^{power} + y")
    assert function_latex(f)
    assert jacobian_latex(f)
    for i in range(f.n_outputs):
        for j in range(f.n_inputs):
            assert derivative_latex(f, i, j) is not None


# text, point: a bend whose value is 0 at the kink, squared, has a derivative (0) there
SMOOTH_AT_THE_BEND = [
    ("relu(x)^2", [0.0]),
    ("relu(x)^3", [0.0]),
    ("relu(x - 1)^2", [1.0]),
    ("abs(x)^3", [0.0]),  # sympy writes it x² |x|
    ("x relu(x)", [0.0]),
]


@pytest.mark.parametrize(("text", "point"), SMOOTH_AT_THE_BEND)
def test_a_bend_raised_to_a_power_above_one_is_no_kink(text: str, point: list[float]) -> None:
    f = parse_function(text)
    assert not f.kinks_at(point).any(), f"{text} is differentiable at {point}"
    assert f.jacobian_at(point).tolist() == [[0.0]]


# a power of one or below keeps the kink (relu(x)^0.5 is not even differentiable beside it)
STILL_KINKS = [("relu(x)^1", [0.0]), ("abs(x)", [0.0]), ("max(x, 1)^2", [1.0])]


@pytest.mark.parametrize(("text", "point"), STILL_KINKS)
def test_other_bends_stay_kinks(text: str, point: list[float]) -> None:
    f = parse_function(text)
    assert f.kinks_at(point).all()
    assert np.isnan(f.jacobian_at(point)).all()
