"""Predict, then check: the questions are true at the knobs, answers are read strictly, and the
sentence about the gap is generated from the numbers (calculus/predict.py, without Streamlit)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from calculus import parse_function
from calculus.predict import (
    FALLS,
    FLAT,
    KINDS,
    RISES,
    AnswerError,
    check,
    make_question,
    next_question,
)

EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"


def test_the_issues_example_a_wrong_sign_is_explained_from_the_derivative() -> None:
    # y2 = x1 / x3: at (1, 2) it falls with x3, because dy2/dx3 = -x1/x3^2 = -0.25 < 0.
    f = parse_function("x1 x3, x1 / x3")
    question = make_question(f, [1.0, 2.0], "sign", 1, 1)
    assert question is not None and question.truth == FALLS
    verdict = check(question, RISES)
    assert not verdict.correct
    assert verdict.sentence == (
        "Not quite: you said it rises; it falls, because ∂y₂/∂x₃ = −x₁/x₃² = −0.25 here < 0."
    )
    assert check(question, FALLS).correct


@pytest.mark.parametrize(
    ("text", "point", "truth"),
    [("x1 x2^2", [2.0, 3.0], RISES), ("x1 x2^2", [2.0, 0.0], FLAT), ("-x1 + x2", [0, 0], FALLS)],
)
def test_the_sign_is_the_derivatives_sign_flat_at_zero(text: str, point: list, truth: str) -> None:
    question = make_question(parse_function(text), point, "sign", 0, 0)
    assert question is not None and question.truth == truth


def test_a_typed_value_is_read_like_a_function_and_judged_within_the_stated_tolerance() -> None:
    f = parse_function("x1 x2^2")  # dy/dx2 = 2 x1 x2 = 12 at (2, 3)
    question = make_question(f, [2.0, 3.0], "value", 0, 1)
    assert question is not None and question.truth == "12"
    for right in ("12", "24/2", "12.1", "2*6", "4 sqrt(9)"):
        assert check(question, right).correct, right
    for wrong in ("11", "-12", "12.2"):
        assert not check(question, wrong).correct, wrong
    assert "2x₁x₂ = 12" in check(question, "11").sentence


@pytest.mark.parametrize("bad", ["", "   ", "abc", "1e400", "x", "1/0", "nan", "9" * 500])
def test_an_answer_that_cannot_be_read_is_refused_with_a_message(bad: str) -> None:
    question = make_question(parse_function("x^2"), [1.0], "value", 0, 0)
    assert question is not None
    with pytest.raises(AnswerError) as refused:
        check(question, bad)
    assert refused.value.message


def test_the_nudge_accepts_j_dx_and_the_actual_change_and_shows_both() -> None:
    f = parse_function("x1 x2^2")  # at (2, 3), x2 + 0.1: J dx = 1.2, actual = 2 * 3.1^2 - 18 = 1.22
    question = make_question(f, [2.0, 3.0], "nudge", 0, 1)
    assert question is not None
    assert check(question, "1.2").correct and check(question, "1.22").correct
    assert not check(question, "0.12").correct
    sentence = check(question, "0.12").sentence
    assert "J dx predicts ∂y/∂x₂ × 0.1 = 12 × 0.1 = 1.2" in sentence
    assert "f actually changes by 1.22" in sentence and "curvature" in sentence


def test_which_knob_matters_most_only_with_a_clear_leader() -> None:
    f = parse_function("x1 x2^2")
    question = make_question(f, [2.0, 3.0], "most", 0, 0)  # |9| against |12|
    assert question is not None and question.truth == "x₂"
    assert make_question(f, [1.0, 1.0], "most", 0, 0) is not None  # 1 and 2: clear
    assert make_question(parse_function("x1 + x2"), [0.0, 0.0], "most", 0, 0) is None  # a tie


def test_a_row_of_signs_in_several_spellings() -> None:
    f = parse_function("x1 - x2 + 0 x3 + x3^2")  # at x3 = 0: +, −, 0
    question = make_question(f, [1.0, 1.0, 0.0], "row", 0, 0)
    assert question is not None and question.truth == "+, −, 0"
    for right in ("+, -, 0", "+-0", "rises falls flat", "+ − 0"):
        assert check(question, right).correct, right
    assert not check(question, "+, +, 0").correct
    with pytest.raises(AnswerError, match="3 signs"):
        check(question, "+, -")


def test_the_whole_heatmaps_signs_and_which_cells_were_wrong() -> None:
    # The issue's example at (1, 2): y1 = x1 x3 rises with both; y2 = x1 / x3 rises, falls.
    f = parse_function("x1 x3, x1 / x3")
    question = make_question(f, [1.0, 2.0], "heatmap", 0, 0)
    assert question is not None and question.truth == "+, +; +, −"
    for right in ("+ +; + -", "++;+-", "+, +\n+, −", "rises rises / rises falls"):
        assert check(question, right).correct, right
    verdict = check(question, "+ -; - -")
    assert not verdict.correct and verdict.said == "+, −; −, −"
    assert verdict.sentence.startswith(
        "Not quite: 2 of 4 signs differ: ∂y₁/∂x₃ is + (you said −), ∂y₂/∂x₁ is + (you said −). "
        "The cells: ∂y₁/∂x₁ = 2; ∂y₁/∂x₃ = 1; ∂y₂/∂x₁ = 0.5; ∂y₂/∂x₃ = −0.25"
    )
    for bad, says in [("abc", "'abc' is not one of them"), ("+ +", "2 rows of signs"),
                      ("+ + +; + -", "Row 1 needs 2 signs")]:  # fmt: skip
        with pytest.raises(AnswerError, match=re.escape(says)):
            check(question, bad)
    # Flat cells and one output: a 1-row heatmap is the row question; an edge of the domain.
    flat = make_question(parse_function("x1 - x2, x3^2"), [0.0, 0.0, 0.0], "heatmap", 0, 0)
    assert flat is not None and flat.truth == "+, −, 0; 0, 0, 0"
    assert make_question(parse_function("x1 x2"), [1.0, 1.0], "heatmap", 0, 0) is None
    assert make_question(parse_function(EXERCISE), [-2.0, 0.0, -3.0], "heatmap", 0, 0) is None


def test_no_question_where_its_answer_does_not_exist() -> None:
    assert make_question(parse_function("relu(x)"), [0.0], "sign", 0, 0) is None  # a kink
    assert make_question(parse_function(EXERCISE), [1.0, 1.0, -1.0], "value", 2, 1) is None
    assert make_question(parse_function("x^2"), [1.0], "sign", 3, 0) is None  # no such output
    # On the edge of the domain: sqrt(x2 x3) at x2 = 0, x3 < 0 exists for x2 <= 0 only.
    assert make_question(parse_function(EXERCISE), [-2.0, 0.0, -3.0], "sign", 1, 1) is None


@pytest.mark.parametrize("seed", range(20))
def test_next_questions_are_answerable_and_asked_at_nice_settings(seed: int) -> None:
    f = parse_function(EXERCISE)
    found = next_question(f, [(-3.0, 3.0)] * 3, seed)
    assert found is not None
    question, point = found
    assert question.kind in KINDS
    assert all(2 * v == int(2 * v) and abs(v) <= 3 for v in point)
    # The truth is true at that setting: the sign agrees with central differences.
    if question.kind == "sign":
        h, i, j = 1e-6, question.output, question.knob
        step = np.eye(3)[j] * h
        numeric = (f.at(np.add(point, step)).values[i] - f.at(np.subtract(point, step)).values[i])
        numeric /= 2 * h
        assert np.isfinite(numeric), (question, point)
        expected = FLAT if abs(numeric) < 1e-6 else (RISES if numeric > 0 else FALLS)
        assert question.truth == expected


def test_the_other_lessons_questions_read_their_answers() -> None:
    from calculus.predict import (
        angle_question,
        critical_question,
        descent_question,
        orientation_question,
        paths_question,
        product_question,
        shape_question,
        sum_question,
    )

    critical = critical_question([-2.0], ["a minimum"], "x")
    assert critical is not None and check(critical, "-2").correct
    assert not check(critical, "2").correct
    descent = descent_question("diverges", 1.2, 10, 1.0, float("inf"), "x")
    assert descent is not None and check(descent, "diverges").correct
    assert "runs away" in check(descent, "converges").sentence
    assert descent_question("stands still", 0.0, 10, 1.0, 1.0, "x") is None
    angle = angle_question([0.0, -2.0], ["x1", "x2"])  # straight down: 270°
    assert angle is not None and check(angle, "270").correct and check(angle, "-85").correct
    assert not check(angle, "90").correct and "270°" in check(angle, "90").sentence
    assert angle_question([0.0, 0.0], ["x1", "x2"]) is None
    paths = paths_question(2, "x2", "y2")
    assert check(paths, "2").correct and not check(paths, "2.4").correct
    product = product_question([("∂u/∂x₂", 4.0), ("∂y₂/∂u", 0.5)], ["x2", "u", "y2"])
    assert product is not None and check(product, "2").correct
    assert "∂u/∂x₂ = 4 and ∂y₂/∂u = 0.5, so the product is 4 × 0.5 = 2" in check(
        product, "3"
    ).sentence
    total = sum_question([2.0, 3.0], 5.0, "x2", "y2")
    assert total is not None and "∂y₂/∂x₂ = 2 + 3 = 5" in check(total, "5").sentence
    shape = shape_question(3, 2, "W x with W 3 × 2")
    for right in ("3 × 2", "3x2", "(3, 2)", "3 by 2"):
        assert check(shape, right).correct, right
    assert not check(shape, "2 × 3").correct
    with pytest.raises(AnswerError, match="rows × columns"):
        check(shape, "6")
    orientation = orientation_question("aᵀx with 3 inputs", 3)
    assert check(orientation, "a row (1 × m)").correct
