"""The Rate of change page's sentences (calculus/narration/rate.py), without Streamlit.

Each sentence is checked at the edge cases where a fixed sentence would lie: a zero learning
rate, a start on a minimum, a maximum or a flat stretch, no critical point at all, divergence,
oscillation, an undefined slope, steps below the float spacing, and x + h == x in floats. The
numbers a sentence must contain are recomputed here with plain Python floats.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from calculus import parse_function
from calculus.narration.rate import (
    Line,
    descent_story,
    format_note,
    h_label,
    plain_number,
    readout,
    secant_numbers,
    secant_story,
    steps_table,
    symbol_notes,
)
from calculus.rate import (
    CONVERGED_SLOPE,
    CONVERGED_STEP,
    MAX_DESCENT_STEPS,
    STILL,
    Slice,
    critical_points,
    derivative_forms,
    gradient_descent,
    heading_for,
    secant_table,
)

LOSS = "x^2 + 4x - 2"
SPAN = (-4.0, 4.0)


def along(text: str, point: list[float] | None = None) -> Slice:
    return Slice.along(parse_function(text), "x", point)


def story(
    text: str, x0: float, rate: float, steps: int = 10, until: bool = False,
    point: list[float] | None = None,
) -> tuple[list[Line], str]:  # fmt: skip
    """The descent story of ``text`` from x0 as the page tells it, and all its text joined."""
    g = along(text, point)
    run = gradient_descent(g.slope, x0, rate, MAX_DESCENT_STEPS if until else steps, until)
    found = critical_points(g, *SPAN)
    lines = descent_story(run, found, "x", SPAN, derivative_forms(g)[2], until)
    return lines, "\n".join(line.text for line in lines)


def loss_run(x: float, rate: float, steps: int) -> float:
    for _ in range(steps):
        x -= rate * (2 * x + 4)
    return x


# --- gradient descent: one verdict per edge ------------------------------------------------------

VERDICTS = [
    # text, x0, rate, until, the box, words that must be there, words that must not
    (LOSS, 1.0, 0.0, False, "warning", ["Stands still", "η = 0", "$f'(1) = 6$", "η > 0"],
     ["critical point", "Converge"]),
    (LOSS, -2.0, 0.0, False, "warning", ["Stands still", "$f'(-2) = 0$", "critical point"], []),
    (LOSS, -2.0, 0.3, False, "success", ["Stays put", "the minimum at $x = -2$"], ["Converge"]),
    ("-x^2", 0.0, 0.1, False, "warning", ["Stays put, on a maximum", "rolls away"], []),
    ("x^3", 0.0, 0.1, False, "info", ["Stays put", "neither a minimum nor a maximum"], []),
    ("relu(x)", -1.0, 0.1, False, "info", ["Stays put", "flat here"], ["minimum"]),
    ("relu(x)", 0.0, 0.1, False, "warning", ["Cannot start", "no derivative at x₀ = 0"], []),
    ("exp(x)", 1.0, 0.1, False, "warning",
     ["no critical point ahead", "$f' = 0$ has no real solution", "Run until converged"],
     ["Converge", "minimum at"]),
    ("x", 1.0, 0.1, False, "info", ["Keeps going downhill", "away from any minimum"], []),
    (LOSS, 1.0, 1.0, False, "warning", ["Oscillates without settling", "forever"], []),
    (LOSS, 1.0, 1.1, False, "error", ["Diverges", "Convergence needs $\\eta < 2 / f'' = 1$"], []),
    ("x^2 ln x", 1.0, 2.0, False, "warning", ["f' is undefined", "after 1 step x = −1"], []),
    ("x^4", 1.0, 0.1, True, "info",
     ["Not there yet", "minimum at $x = 0$", f"after {MAX_DESCENT_STEPS} steps", "most allowed"],
     ["Converged"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "x0", "rate", "until", "box", "present", "absent"), VERDICTS)
def test_each_descent_verdict_is_true_at_its_edge(
    text: str, x0: float, rate: float, until: bool, box: str, present: list[str], absent: list[str]
) -> None:
    lines, said = story(text, x0, rate, until=until)
    assert lines[0].kind == box, said
    for words in present:
        assert words in said, f"{words!r} missing from: {said}"
    for words in absent:
        assert words not in said, f"{words!r} should not be in: {said}"


def test_f_prime_zero_everywhere_is_said() -> None:
    # x y with y held at 0: f' = y = 0 for every x.
    _, said = story("x y", 1.0, 0.1, point=[0.0, 0.0])
    assert "$f' = 0$ everywhere" in said and "every point is a critical point" in said


def test_the_default_run_says_how_far_from_the_minimum_it_stopped() -> None:
    lines, said = story(LOSS, 1.0, 0.1)
    last = loss_run(1.0, 0.1, 10)
    assert lines[0].kind == "info" and "Not there yet" in said
    assert f"{plain_number(abs(last + 2))} away after 10 steps" in said
    assert f"|f'(x_{{10}})| = {plain_number(abs(2 * last + 4))}" in said


def test_run_until_converged_says_how_many_steps_it_took() -> None:
    lines, said = story(LOSS, 1.0, 0.1, until=True)
    # Independently: the first k with |f'(x_k)| and the last step within the tolerances.
    x, k, step = 1.0, 0, math.inf
    while not (abs(2 * x + 4) <= CONVERGED_SLOPE and step <= CONVERGED_STEP * (1 + abs(x))):
        new = x - 0.1 * (2 * x + 4)
        x, k, step = new, k + 1, abs(new - x)
    assert lines[0].kind == "success"
    assert f"Converged after {k} steps" in said and "the minimum at $x = -2$" in said


def test_converged_outside_the_searched_range_says_so() -> None:
    # sin(x)/x: the numeric search covers [-4, 4]; from 1 with eta = 0.5 the run settles at 4.49.
    _, said = story("sin(x)/x", 1.0, 0.5, until=True)
    assert "Converged after" in said and "outside the plotted range" in said


def test_oscillating_convergence_keeps_its_name() -> None:
    _, said = story(LOSS, 1.0, 0.9)
    assert "Oscillates while converging, not there yet" in said
    assert "overshoots" in said


def test_steps_below_the_float_spacing_are_stuck_not_converged() -> None:
    # At 1e10 floats are 2e-6 apart: a step of 0.1 * 1e-6 leaves x where it is.
    run = gradient_descent(lambda x: np.float64(1e-6), 1e10, 0.1, 5)
    assert run.behaviour == STILL and not run.converged
    found = critical_points(along("x"), *SPAN)
    said = descent_story(run, found, "x", SPAN)[0].text
    assert "**Stuck**" in said and "not 0" in said


def test_descent_never_heads_for_a_maximum() -> None:
    # x^3 - 3x from 0.5 with a small rate: right, downhill to the minimum at 1, not to -1.
    g = along("x^3 - 3x")
    run = gradient_descent(g.slope, 0.5, 0.05, 5)
    target = heading_for(run, critical_points(g, *SPAN).points)
    assert target is not None and (target.x, target.kind) == (1.0, "minimum")


def test_a_long_run_shows_its_start_and_end_steps() -> None:
    g = along("x^3")
    run = gradient_descent(g.slope, 1.0, 0.1, MAX_DESCENT_STEPS, until_converged=True)
    table = steps_table(run, g.value(run.iterates))[0].text
    rows = table.splitlines()[2:]
    assert rows[0].startswith("| 0 |") and rows[-1].startswith(f"| {run.count} |")
    assert any("…" in row for row in rows) and len(rows) < 50


# --- secant to tangent -------------------------------------------------------------------------


def secant_said(text: str, x: float) -> str:
    g = along(text)
    return "\n".join(line.text for line in secant_story(secant_table(g, x), float(g.curvature(x))))


@pytest.mark.parametrize("x", [1.0, 0.0, -2.0, 1000.0, 0.5])
def test_the_smallest_step_sentence_checks_floats_at_this_x(x: float) -> None:
    said = secant_said(LOSS, x)
    vanish = [h for h in (10.0**-k for k in range(17)) if x + h == x]
    if not vanish:
        assert "x + h is still a different float from x" in said
        secant = ((x + 1e-16) ** 2 + 4 * (x + 1e-16) - 2 - (x * x + 4 * x - 2)) / 1e-16
        assert f"the secant slope is {plain_number(secant)}" in said
    else:
        when = "At h = 10⁻¹⁶" if max(vanish) == 1e-16 else f"From h = {h_label(max(vanish))} on"
        assert f"{when}, x + h is the same float as x" in said
        assert "slope is 0" in said
    if x == -2.0:  # f'(-2) = 0: a secant slope of 0 is no error there
        assert "happens to equal f'(x) = 0" in said


def test_secant_of_a_line_is_exact_at_once_and_claims_no_bending() -> None:
    said = secant_said("2x + 1", 1.0)
    assert "At h = 1 the secant slope already equals f'(x) (error 0)" in said
    assert "bends away" not in said


def test_missing_secants_are_counted_and_tiny_errors_are_not_zero() -> None:
    said = secant_said("log(1 - x)", 0.5)  # h = 1 leaves the domain
    assert "For 1 of the 17 steps f(x + h) is undefined or infinite" in said
    said = secant_said("x^3", 0.0)  # the error at h = 1e-16 is 1e-32, not 0
    assert "to 1×10^−32" in said


def test_undefined_tangent_has_no_secant_story() -> None:
    assert "no tangent" in secant_said("relu(x)", 0.0)


def test_secant_table_has_one_row_per_step() -> None:
    table = secant_numbers(secant_table(along(LOSS), 1.0))[0].text
    assert len(table.splitlines()) == 2 + 17
    assert "| 10⁻¹⁶ | 0 | 6 |" in table


# --- the readout and the symbols ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "words"), [(1.0, "**rises**"), (-3.0, "**falls**"), (-2.0, "**flat**")]
)
def test_the_readout_reads_the_sign_of_the_slope(x: float, words: str) -> None:
    g = along(LOSS)
    general, here, _ = derivative_forms(g)
    lines = readout("x", x, float(g.value(x)), float(g.slope(x)), general, here, {})
    said = "\n".join(line.text for line in lines)
    assert words in said


def test_round_off_slope_is_called_flat_with_its_value() -> None:
    said = "\n".join(line.text for line in readout("x", 0.0, 1.0, 1e-17, "0", "0", {}))
    assert "0 to every digit shown" in said and "1×10^−17" in said


SYMBOLS = [
    # function typed, a note that must appear under its derivative
    ("relu(x)", "θ is the step function"),
    ("max(x, 1)", "θ is the step function"),
    ("abs(x)", "sign(u) is −1 for u < 0"),
    ("sign(x)", "δ(u) is the derivative of a jump"),
    ("sigmoid(x)", "σ(u) = 1 / (1 + e^(−u))"),
    ("relu(x)^2", "relu(u) = max(u, 0)"),
    ("log10(x)", "natural logarithm"),
]


@pytest.mark.parametrize(("text", "note"), SYMBOLS)
def test_symbols_the_chapter_never_explains_get_a_line(text: str, note: str) -> None:
    general, _, _ = derivative_forms(along(text))
    assert note in " ".join(symbol_notes(general))


def test_a_knob_named_theta_or_sigma_is_not_a_step_function() -> None:
    for name in ("theta", "sigma", "delta"):
        f = parse_function(f"{name}^2")
        assert symbol_notes(sp.latex(f.derivative(0, 0))) == [], name


def test_the_number_format_is_explained_only_where_used() -> None:
    assert format_note("an error of 1.1×10^−8") and format_note(r"3 \times 10^{-8}")
    assert format_note("an error of 0.5", "x = 2") == []
