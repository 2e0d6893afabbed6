"""The sentences the chain rule and ML layers pages generate, checked at the numbers they are
about (edges: zero, ties, undefined, one against many), and the chapter's way of writing a
derivative checked against central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from calculus.graph import textbook_derivative
from calculus.layers import make_layer
from calculus.narration.chain import power_rule_sentence, symbol_notes, verdict
from calculus.narration.layers import (
    SATURATED_Z,
    comparison_sentence,
    entry_sentence,
    saturation_sentence,
    unit_state,
)
from calculus.numbers import power_of_ten_note
from calculus.syntax import parse_text
from tests.oracle import assert_matches, central_derivative

#: Central differences: step and tolerance (the oracle for every derivative here).
EPS = 1e-6
RTOL = 1e-6


# --- chain rule: the verdict beside the two numbers ----------------------------------------------

VERDICTS = [
    (10.0, 10.0, 0, "equal", "**✓ Equal**"),
    (10.0, 10.0, 1, "equal", "**✓ Equal**: the path switched off adds 0 here"),
    (10.0, 10.0, 2, "equal", "**✓ Equal**: the paths switched off add 0 here"),
    (8.0, 10.0, 1, "not equal", "the path switched off carries 2. Switch it back on."),
    (0.0, 10.0, 2, "not equal", "the paths switched off carry 10. Switch them back on."),
    (8.0, 10.0, 0, "not equal", "the paths add up to 8, the entry computed directly is 10."),
    (math.nan, 1.0, 0, "undefined", "**Undefined here**"),
    (1.0, math.nan, 0, "undefined", "**Undefined here**"),
    (0.0, 0.0, 0, "equal", "**✓ Equal**"),
    (1e-300, 0.0, 0, "equal", "**✓ Equal**"),
]


@pytest.mark.parametrize(("total", "direct", "off", "kind", "says"), VERDICTS)
def test_the_verdict_is_true_at_the_numbers(
    total: float, direct: float, off: int, kind: str, says: str
) -> None:
    got_kind, sentence = verdict(total, direct, off)
    assert got_kind == kind
    assert says in sentence, sentence


def test_a_disagreement_with_every_path_on_never_blames_a_switched_off_path() -> None:
    _, sentence = verdict(8.0, 10.0, 0)
    assert "switched off" not in sentence


# --- chain rule: symbols the chapter never explains ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("max(x, y)", ["θ(z)"]),
        ("relu(x)", ["θ(z)"]),
        ("min(x, y)", ["θ(z)"]),
        ("abs(x)", ["sign(z)"]),
        ("sign(x)", ["δ(z)"]),
        ("abs(x) relu(x)", ["θ(z)", "sign(z)"]),
        ("x^2 + sin(x)", []),
    ],
)
def test_each_unexplained_symbol_in_a_derivative_gets_one_line(
    text: str, starts: list[str]
) -> None:
    (expr,) = parse_text(text).outputs
    x = next(s for s in expr.free_symbols if s.name == "x")
    notes = symbol_notes([sp.diff(expr, x)])
    assert [note.split(" ")[0] for note in notes] == starts, notes


def test_the_step_note_is_true_either_side_of_the_kink() -> None:
    x = sp.Symbol("x", real=True)
    assert sp.Heaviside(x).subs(x, 2) == 1 and sp.Heaviside(x).subs(x, -2) == 0
    assert sp.sign(x).subs(x, 2) == 1 and sp.sign(x).subs(x, -2) == -1
    (note,) = symbol_notes([sp.Heaviside(x)])
    assert "1 where z > 0, 0 where z < 0" in note


def test_the_power_rule_sentence_names_both_forms() -> None:
    assert power_rule_sentence([]) is None
    sentence = power_rule_sentence([("∂v/∂x₂", "x₃/(2√(x₂·x₃))", "√(x₂·x₃)/(2x₂)")])
    assert sentence is not None
    assert "∂v/∂x₂ = x₃/(2√(x₂·x₃)), written √(x₂·x₃)/(2x₂)" in sentence
    assert "equal wherever both are defined" in sentence


# --- the chapter's way of writing a derivative ---------------------------------------------------

TEXTBOOK = [
    "sqrt(x y)",
    "x^2 y^2",
    "exp(sin(x))",
    "sigmoid(w x + b)",
    "ln(x) + x^3",
    "1/x",
    "x/(1 + x^2)",
    "sqrt(x)",
    "cbrt(x y)",
    "tanh(x)^2",
    "x^x",
    "softplus(x y)",
    "(x^2 + y^2)^(3/2)",
    "abs(x) y",
    "max(x, y) x",
]


@pytest.mark.parametrize("text", TEXTBOOK)
def test_the_chapters_form_matches_central_differences(text: str) -> None:
    (expr,) = parse_text(text).outputs
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    point = {s: 0.7 + 0.3 * k for k, s in enumerate(symbols)}
    for symbol in symbols:
        chapter = textbook_derivative(expr, symbol)
        value = float(chapter.xreplace(point).evalf())

        def f(shift: float, symbol: sp.Symbol = symbol) -> float:
            return float(expr.xreplace({**point, symbol: point[symbol] + shift}).evalf())

        assert_matches(
            value,
            central_derivative(f, 0.0, EPS),
            rtol=RTOL,
            atol=RTOL,
            what=f"d({text})/d{symbol}: chapter's form {chapter}",
        )


def test_the_chapters_form_is_the_power_rule_as_written_in_the_chapter() -> None:
    x2, x3 = sp.symbols("x2 x3", real=True)
    assert textbook_derivative(sp.sqrt(x2 * x3), x2) == x3 / (2 * sp.sqrt(x2 * x3))
    assert sp.diff(sp.sqrt(x2 * x3), x2) == sp.sqrt(x2 * x3) / (2 * x2)  # sympy's form


# --- ML layers -----------------------------------------------------------------------------------

W = make_layer("linear", {"W": [[2, -1, 0.5], [-1, 3, 1]]})


def test_the_comparison_says_equal_only_when_it_is() -> None:
    closed = np.array(W.parameters["W"])
    assert "**J − W = 0**: the two are equal" in comparison_sentence(W, closed, closed)
    nudged = closed + np.array([[1e-15, 0, 0], [0, 0, 0]])
    assert "up to rounding" in comparison_sentence(W, nudged, closed)
    wrong = closed + np.array([[0.5, 0, 0], [0, 0, 0]])
    sentence = comparison_sentence(W, wrong, closed)
    assert sentence.startswith("**J and W differ**: the largest difference is **0.5**")
    undefined = closed.copy()
    undefined[0, 0] = np.nan
    assert "cannot be compared" in comparison_sentence(W, undefined, closed)
    assert "Both are **2 × 3**: 2 outputs (rows) × 3 knobs (columns)." in sentence


def test_the_comparison_counts_one_output_and_one_knob_in_the_singular() -> None:
    dot = make_layer("dot", {"a": [4]})
    sentence = comparison_sentence(dot, np.array([[4.0]]), np.array([[4.0]]))
    assert "**1 × 1**: 1 output (rows) × 1 knob (columns)" in sentence
    assert "J − aᵀ = 0" in sentence


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        ([0.0, 1.0], None),
        ([SATURATED_Z, -SATURATED_Z], None),  # at the threshold: still active
        ([6.0, 0.0], "1 of 2 unit is saturated (|z| > 5): its row of J is nearly 0"),
        ([6.0, -7.0, 0.0], "2 of 3 units are saturated (|z| > 5): their rows of J are nearly 0"),
    ],
)
def test_saturation_is_counted_at_the_knobs(z: list[float], expected: str | None) -> None:
    sentence = saturation_sentence(np.array(z))
    if expected is None:
        assert sentence is None
    else:
        assert sentence is not None and sentence.startswith(expected), sentence
    assert [unit_state(v) for v in z].count("saturated") == sum(abs(v) > SATURATED_Z for v in z)


def test_the_entry_sentence_says_the_same_only_when_it_is() -> None:
    same = entry_sentence(W, 2, 3, 1.0, 1.0, ("y₂", "x₃"))
    assert "So J[2, 3] = **1**, the cell (y₂, x₃)" in same
    assert "the same as the engine's" in same and "whole matrix is **W**" in same
    differs = entry_sentence(W, 2, 3, 1.0, 1.5, ("y₂", "x₃"))
    assert "the engine found 1.5" in differs


# --- the ×10^ number format ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (["1", "2.5"], None),
        (
            ["4.54×10^−5"],
            "4.54×10^−5 means 4.54 × 10⁻⁵: move the decimal point 5 places to the left, 0.0000454.",
        ),
        (
            ["−2×10^6"],
            "−2×10^6 means −2 × 10⁶: move the decimal point 6 places to the right, −2000000.",
        ),
        (
            ["2.2×10^−16"],
            "2.2×10^−16 means 2.2 × 10⁻¹⁶: move the decimal point 16 places to the left.",
        ),
    ],
)
def test_the_power_of_ten_format_is_explained_with_its_own_number(
    shown: list[str], expected: str | None
) -> None:
    assert power_of_ten_note(shown) == expected
