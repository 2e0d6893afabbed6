# ruff: noqa: E501  (sentence tables read best one case a line)
"""Sentences generated from a Jacobian's numbers, checked at the edge cases: ties, zeros, mixed
signs, undefined entries; and the output names, which must never clash with a knob's name."""

from __future__ import annotations

import numpy as np
import pytest

from calculus import parse_function
from calculus.export import output_names
from calculus.reading import determinant_sentence, sensitivity_sentences

NAN = float("nan")
KNOBS = ["x₁", "x₂", "x₃"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([4.0, 1.0, 0.0], "y is most sensitive to x₁: turning x₁ up by a small step ε, y rises by about 4 ε."),
        ([4.0, 4.0, 1.0], "y is equally sensitive to x₁ and x₂ (a tie): turning either up by a small step ε, y rises by about 4 ε."),
        ([-2.0, -2.0, -2.0], "y is equally sensitive to x₁, x₂ and x₃ (a tie): turning any one of them up by a small step ε, y falls by about 2 ε."),
        ([4.0, -4.0, 0.0], "y is equally sensitive to x₁ and x₂ (a tie) in size, not in direction: for a small step ε, turning x₁ up, it rises by about 4 ε; turning x₂ up, it falls by about 4 ε."),
        ([0.0, 0.0, 0.0], "y does not react to any knob here: all its derivatives are 0."),
        ([NAN, NAN, NAN], "y: no derivative exists at this setting."),
        # Not "all its derivatives are 0": two of them do not exist.
        ([0.0, NAN, NAN], "y does not react to x₁ here: its derivative by x₁ is 0. Its derivative by x₂ and x₃ does not exist here."),
        ([0.0, 0.0, NAN], "y does not react to x₁ or x₂ here: its derivatives by them are 0. Its derivative by x₃ does not exist here."),
        ([NAN, 3.0, 3.0], "y is equally sensitive to x₂ and x₃ (a tie): turning either up by a small step ε, y rises by about 3 ε. Its derivative by x₁ does not exist here."),
        ([1.0 + 1e-6, 1.0, 0.0], "y is most sensitive to x₁: turning x₁ up by a small step ε, y rises by about 1 ε."),
    ],
)  # fmt: skip
def test_sensitivity_sentence(row: list[float], expected: str) -> None:
    assert sensitivity_sentences(np.array([row]), ["y"], KNOBS) == [expected]


@pytest.mark.parametrize(
    ("jacobian", "start"),
    [
        ([[2.0, 0.0], [0.0, 3.0]], "det J (the determinant of J) = 6: near this point f scales small areas by 6."),
        ([[0.0, 1.0], [1.0, 0.0]], "det J (the determinant of J) = −1: near this point f scales small areas by 1 and flips"),
        ([[1.0, 2.0], [2.0, 4.0]], "det J (the determinant of J) = 0: near this point f flattens"),
    ],
)  # fmt: skip
def test_determinant_sentence_names_what_det_means(jacobian: list[list[float]], start: str) -> None:
    sentence = determinant_sentence(np.array(jacobian))
    assert sentence is not None and sentence.startswith(start), sentence


@pytest.mark.parametrize(
    ("jacobian", "start"),
    [
        # exp(200 x), exp(200 y) at x = y = 3: the entries are finite, det J is beyond a float.
        ([[7.0e262, 0.0], [0.0, 7.0e262]], "det J (the determinant of J) = 4.9×10^525: near this point f scales small areas by 4.9×10^525."),
        ([[-7.0e262, 0.0], [0.0, 7.0e262]], "det J (the determinant of J) = −4.9×10^525: near this point f scales small areas by 4.9×10^525 and flips"),
        ([[1e300, 1e300], [1e300, 1e300]], "det J (the determinant of J) = 0: near this point f flattens"),
        ([[1e-300, 0.0], [0.0, 1e-300]], "det J (the determinant of J) = 0: near this point f flattens"),
    ],
)  # fmt: skip
def test_determinant_sentence_of_entries_near_a_floats_ends(
    jacobian: list[list[float]], start: str
) -> None:
    """The scale that tells a determinant from 0 (max |entry| ** n) overflowed and raised."""
    sentence = determinant_sentence(np.array(jacobian))
    assert sentence is not None and sentence.startswith(start), sentence


def test_no_determinant_sentence_when_undefined_or_not_square() -> None:
    assert determinant_sentence(np.array([[1.0, NAN], [0.0, 1.0]])) is None
    assert determinant_sentence(np.array([[1.0, 2.0]])) is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("x^2", ["y"]),
        ("x, x^2", ["y1", "y2"]),
        ("sin(x) cos(y)", ["f"]),
        ("x y, x + y", ["y1", "y2"]),  # knobs x, y: y1 and y2 are free
        ("y1 x, y2", ["f1", "f2"]),
        ("y f", ["g"]),
        ("y f g z u", ["y′"]),
    ],
)
def test_output_names_never_clash_with_a_knob(text: str, names: list[str]) -> None:
    f = parse_function(text)
    assert output_names(f) == names
    assert not set(names) & set(f.variables)
