"""The Gradient landscape page's sentences (calculus/narration/landscape.py) at edge cases: a zero
or undefined gradient, a gradient out of the pictured plane, ties, flat Hessians, lines and curves
of critical points, and the symbols the chapter never explains."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calculus.landscape import CriticalPoint
from calculus.narration.landscape import (
    EIGENVALUE_NOTE,
    agreement_words,
    critical_set_words,
    critical_story,
    direction_words,
    gradient_lines,
    line_words,
    plane_check_sentence,
    scale_text,
    symbol_notes,
    valley_note,
)

NAMES = ["x₁", "x₂"]


def critical(point, kind="degenerate", family="isolated", along=None, eigenvalues=(0.0, 2.0)):
    return CriticalPoint(
        point=np.array(point, dtype=float),
        value=0.0,
        hessian=np.diag(eigenvalues),
        eigenvalues=np.array(eigenvalues),
        kind=kind,
        family=family,
        along=None if along is None else np.array(along, dtype=float),
    )


@pytest.mark.parametrize(
    ("gx", "gy", "words"),
    [
        (1.0, 2.0, "towards larger x and larger y, at 63.4° from the x axis"),
        (-1.0, 0.0, "towards smaller x, at 180° from the x axis"),
        (0.0, -3.0, "towards smaller y, at −90° from the x axis"),
        (1.0, 1.0, "towards larger x and larger y, at 45° from the x axis"),  # a tie
    ],
)
def test_direction_in_words(gx: float, gy: float, words: str) -> None:
    assert direction_words(gx, gy, "x", "y") == words


@pytest.mark.parametrize(
    ("scale", "words"), [(1.0, "at its true length"), (0.05, "at 1/20 of its length")]
)
def test_scale_in_words(scale: float, words: str) -> None:
    assert scale_text(scale) == words


@pytest.mark.parametrize(
    ("view", "present", "absent"),
    [
        ("Contour map", ["dark segment", "red arrow on the map", "gradient field"], ["surface"]),
        ("Surface", ["tangent plane", "Contour map"], ["dark segment", "arrow on the map",
                                                        "gradient field"]),
        ("Both", ["dark segment", "red arrow", "tangent plane"], ["Choose **Contour map**"]),
    ],
)  # fmt: skip
def test_gradient_sentences_speak_only_of_what_the_view_draws(view, present, absent) -> None:
    text = "\n".join(gradient_lines([1.0, 2.0], (0, 1), NAMES, view, 0.5))
    for words in present:
        assert words in text, (view, words)
    for words in absent:
        assert words not in text, (view, words)
    assert "1/2 of its length" in text or view == "Surface"


def test_a_gradient_out_of_the_pictured_plane_has_no_arrow_to_speak_of() -> None:
    text = "\n".join(gradient_lines([0.0, 0.0, 3.0], (0, 1), ["x", "y", "z"], "Both", 1.0))
    assert "out of the pictured plane" in text and "no arrow" in text
    assert "dark segment" not in text and "|∇f| = 3" in text


@pytest.mark.parametrize(
    ("difference", "words"),
    [
        (0.0, "exactly"),
        (3e-9, "to within 3×10^−9"),
        (2.6e-11, "to within 3×10^−11"),  # not "0": that would claim exact agreement
        (0.04, "to within 4×10^−2"),
        (math.nan, "not at all"),
    ],
)
def test_agreement_words(difference: float, words: str) -> None:
    assert agreement_words(difference).startswith(words)


@pytest.mark.parametrize(
    ("predicted", "actual", "words"),
    [(1.0, 1.01, "off by 0.01"), (2.0, 2.0, "exactly the same"), (1.0, math.nan, "undefined")],
)
def test_plane_check_sentence(predicted: float, actual: float, words: str) -> None:
    assert words in plane_check_sentence(0.1, predicted, actual)


@pytest.mark.parametrize(
    ("through", "along", "names", "words"),
    [
        ([2.0, 0.0], [1.0, 0.0], NAMES, "x₂ = 0"),
        ([0.5, 3.0], [0.0, -1.0], NAMES, "x₁ = 0.5"),
        ([1.5, 1.5], [1.0, 1.0], ["x", "y"], "y = x"),
        ([0.0, 1.0], [1.0, -2.0], ["x", "y"], "y = −2 x + 1"),
        ([1.0, -2.0], [1.0, -1.0], ["x", "y"], "y = −x − 1"),
        ([0.0, 0.0, 1.0], [0.0, 1.0, 0.0], ["x", "y", "z"], "x = 0, z = 1"),
    ],
)
def test_lines_of_critical_points_as_equations(through, along, names, words) -> None:
    assert line_words(through, along, names) == words


def test_a_line_of_critical_points_is_named_not_a_single_point() -> None:
    line = critical([2.0, 0.0], family="line", along=[1.0, 0.0])
    story = critical_story(np.array([1.0, 4.0]), line, np.array([2.0, 1.0]), NAMES)
    assert "Every point of the line x₂ = 0 is critical" in story
    assert "x₁ = 2, x₂ = 0" in story and "perpendicular" in story
    assert "cannot decide" in story
    here = critical_story(np.zeros(2), line, np.array([2.0, 0.0]), NAMES)
    assert here.startswith("**The gradient vanishes here") and "line x₂ = 0" in here


def test_a_curve_of_critical_points_is_not_called_the_nearest() -> None:
    curve = critical([0.6, 0.8], family="curve", along=[-0.8, 0.6])
    story = critical_story(np.array([1.0, 1.0]), curve, np.array([2.0, 1.0]), NAMES)
    assert "not isolated" in story and "curve" in story and "nearest" not in story
    assert critical_set_words(critical([0.0, 0.0], kind="minimum"), NAMES) == ""


@pytest.mark.parametrize(
    ("gradient", "nearest", "words"),
    [
        ([math.nan, 1.0], None, "does not exist"),
        ([1.0, 0.0], None, "found no point"),
        ([0.0, 0.0], None, "Hessian is undefined"),
        ([0.0, 0.0], critical([0.0, 0.0], "minimum", eigenvalues=(2.0, 6.0)), "(local) minimum"),
        ([0.0, 0.0], critical([0.0, 0.0], "saddle", eigenvalues=(-2.0, 2.0)), "saddle point"),
        ([0.0, 0.0], critical([0.0, 0.0]), "cannot decide"),
        ([0.5, 0.5], critical([1.0, 1.0], "maximum", eigenvalues=(-1.0, -1.0)), "Not at a"),
    ],
)
def test_critical_story_at_the_edges(gradient, nearest, words) -> None:
    assert words in critical_story(np.array(gradient), nearest, np.zeros(2), NAMES)


def test_valley_note_speaks_of_zig_zag_in_narrow_valleys_only() -> None:
    narrow = valley_note(np.array([[802.0, -400.0], [-400.0, 200.0]]), 0.001, at_minimum=True)
    assert narrow is not None and "zig-zag" in narrow and "κ" in narrow
    round_bowl = valley_note(np.diag([2.0, 6.0]), 0.05, at_minimum=True)
    assert round_bowl is not None and "zig-zag" not in round_bowl
    too_fast = valley_note(np.diag([2.0, 6.0]), 0.5, at_minimum=True)
    assert too_fast is not None and "above" in too_fast
    assert valley_note(np.diag([2.0, -2.0]), 0.1, at_minimum=False) is None
    assert valley_note(np.diag([0.0, 2.0]), 0.1, at_minimum=False) is None  # flat: no κ
    assert valley_note(np.full((2, 2), math.nan), 0.1, at_minimum=False) is None


@pytest.mark.parametrize(
    ("shown", "symbols"),
    [
        (r"2 \theta\left(x - y\right) \max\left(x, y\right)", ["θ(u)"]),
        (r"y \delta\left(x\right) & \theta\left(x\right)", ["θ(u)", "δ(u)"]),
        (r"y \operatorname{sign}{\left(x \right)}", ["sign(u)"]),
        ("agree to within 3×10^−9", ["a×10^k"]),
        (r"x_{2}^{2} = 1.5 \times 10^{7}", ["a×10^k"]),
        (r"\det H", ["det H"]),
        (r"x_{2}^{2}", []),
    ],
)
def test_symbols_get_a_line_where_they_appear(shown: str, symbols: list[str]) -> None:
    notes = symbol_notes([shown])
    assert len(notes) == len(symbols)
    for note, symbol in zip(notes, symbols, strict=True):
        assert note.startswith(symbol)
    assert "H v = λ v" in EIGENVALUE_NOTE
