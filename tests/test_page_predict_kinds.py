"""Every kind of question on every page (AppTest), from one table: a right answer is called right
and counted; bad answers (text, empty, huge) are refused with a message naming what is wrong and
nothing is lost; a wrong answer is explained and counted; the tally resets; Next question asks
again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from calculus.predict import COLUMN, IDEAS, MAX_ANSWER_CHARS, ROW
from tests.conftest import assert_no_exception, open_page
from tests.test_page_predict import submit, text

KNOB = ("0_Knob_machine.py", "knob", {"f": "x1 x2^2", "k_x1": "2", "k_x2": "3"})
TWO = ("0_Knob_machine.py", "knob", {"f": "x1 x3, x1 / x3", "k_x1": "1", "k_x3": "2"})
RATE = ("1_Rate_of_change.py", "rate", {"k_x": "1"})  # x^2 + 4x - 2: f'(1) = 6
LANDSCAPE = ("2_Gradient_landscape.py", "landscape", {"k_x1": "1", "k_x2": "1"})  # x1 x2^2
CHAIN = ("3_Chain_rule.py", "chain", {"k_x1": "1", "k_x2": "2", "k_x3": "2"})  # the exercise
LINEAR = ("4_ML_layers.py", "layers", {"layer": "linear", "n": "2", "m": "2"})
DOT = ("4_ML_layers.py", "layers", {"layer": "dot", "m": "3"})

#: (page, kind, output, knob, a right answer, a wrong one), the truths worked by hand.
CASES = [
    (KNOB, "sign", 0, 1, "rises", "falls"),  # dy/dx2 = 2 x1 x2 = 12
    (KNOB, "most", 0, 0, "x₂", "x₁"),  # |dy/dx2| = 12 > |dy/dx1| = x2^2 = 9
    (KNOB, "value", 0, 1, "12", "11"),
    (KNOB, "nudge", 0, 1, "1.2", "5"),  # J dx = 1.2; the actual change 2 (3.1^2 - 9) = 1.22
    (KNOB, "row", 0, 0, "+ +", "-, +"),
    (TWO, "heatmap", 0, 0, "+ +; + -", "+ +; + +"),  # d(x1/x3)/dx3 = -x1/x3^2 < 0
    (RATE, "sign", 0, 0, "rises", "stays flat"),
    (RATE, "value", 0, 0, "6", "-6"),
    (RATE, "critical", 0, 0, "-2", "2"),
    (RATE, "descent", 0, 0, "converges", "diverges"),  # eta 0.4: x -> 0.2 x - 1.6
    (LANDSCAPE, "angle", 0, 0, "63", "-90"),  # grad (1, 2): 63.43 degrees
    (LANDSCAPE, "sign", 0, 1, "rises", "falls"),
    (LANDSCAPE, "value", 0, 1, "2", "1"),
    (CHAIN, "paths", 1, 1, "2", "1"),  # x2 -> u -> y2 and x2 -> v -> y2
    (CHAIN, "product", 1, 1, "8", "4"),  # du/dx2 = 2 x1^2 x2 = 4, dy2/du = v = 2
    (CHAIN, "sum", 1, 1, "10", "8"),  # 8 + u dv/dx2 = 4 x 1/2
    (LINEAR, "shape", 0, 0, "2 × 2", "3x2"),
    (LINEAR, "value", 1, 0, "-1", "1"),  # W's default entry w21 = -1
    (DOT, "orientation", 0, 0, ROW, COLUMN),
]
IDS = [f"{page[1]}-{kind}" for page, kind, *_ in CASES]

#: Sent past the box's 200-character limit (as a hostile client could): the server keeps 200.
LONG = "5" * 5000
#: Bad answers and what the message must name, per form of typed answer.
BAD = {
    "number": [
        ("abc", "cannot contain a variable (abc)"),
        ("", "Type an answer first"),
        ("9^9^9", "the exponent 387420489 is too large"),
        (LONG, "too long for a number (200 characters; at most 64)"),
    ],
    "row": [
        ("abc", "'abc' is not one of them"),
        ("", "Type an answer first"),
        ("9^9^9", "'9^9^9' is not one of them"),
        ("+", "Type 2 signs, one per knob; that was 1"),
        (LONG, f"{'5' * 20!r} is not one of them"),
    ],
    "heatmap": [
        ("abc", "'abc' is not one of them"),
        ("", "Type an answer first"),
        ("9^9^9", "'9^9^9' is not one of them"),
        ("+ +", "Type 2 rows of signs, one per output, separated by ; — that was 1"),
        ("+ + +; + -", "Row 1 needs 2 signs, one per knob; that was 3"),
        (LONG, f"{'5' * 20!r} is not one of them"),
    ],
    "shape": [
        ("abc", "Type a shape as rows × columns"),
        ("", "Type an answer first"),
        ("9^9^9 x 2", "the exponent 387420489 is too large"),
        (LONG, "Type a shape as rows × columns"),
    ],
}
#: A choice question's only bad answer: none chosen.
UNCHOSEN = [(None, "Type an answer first (or choose one)")]


def ask(page: tuple, kind: str, i: int, j: int) -> AppTest:
    name, _, query = page
    return open_page(name, predict="true", q=kind, qi=str(i), qj=str(j), **query)


def answer(at: AppTest, key: str, said: str | None) -> AppTest:
    choices = [r for r in at.radio if r.key == f"{key}_answer"]
    if choices:
        if said is not None:
            choices[0].set_value(said)
    else:
        # set_value, not input: the box stops a learner at 200 characters, a hostile client not.
        at.text_input(key=f"{key}_answer").set_value(said or "")
    return submit(at)


def prompt(at: AppTest) -> str:
    (line,) = [line for line in text(at).splitlines() if "**Predict** ·" in line]
    return text(at).split(line, 1)[1].strip().splitlines()[0]


@pytest.mark.parametrize(("page", "kind", "i", "j", "right", "wrong"), CASES, ids=IDS)
def test_a_right_answer_is_called_right_and_counted(
    page: tuple, kind: str, i: int, j: int, right: str, wrong: str
) -> None:
    at = answer(ask(page, kind, i, j), page[1], right)
    assert_no_exception(at, f"{kind}: {right}")
    assert "You said" in text(at) and "Right: you said" in text(at), text(at)
    assert f"This session: 1 of 1 right ({IDEAS[kind]}: 1 of 1)." in text(at)


@pytest.mark.parametrize(("page", "kind", "i", "j", "right", "wrong"), CASES, ids=IDS)
def test_bad_answers_are_refused_a_wrong_one_explained_the_tally_resets_next_asks_again(
    page: tuple, kind: str, i: int, j: int, right: str, wrong: str
) -> None:
    key = page[1]
    at = ask(page, kind, i, j)
    asked = prompt(at)
    typed = not any(r.key == f"{key}_answer" for r in at.radio)
    form = kind if kind in BAD else "number"
    for bad, says in BAD[form] if typed else UNCHOSEN:
        at = answer(at, key, bad)
        assert_no_exception(at, f"{kind}: {bad[:20] if bad else bad!r}")
        assert [e.value for e in at.error] and says in text(at), (bad, text(at))
        # Nothing lost: the same question, nothing revealed, nothing counted, the text kept.
        assert prompt(at) == asked and "You said" not in text(at)
        assert "No answers yet this session." in text(at)
        if typed:
            assert at.text_input(key=f"{key}_answer").value == bad[:MAX_ANSWER_CHARS]
    at = answer(at, key, wrong)
    assert not at.error and "Not quite: " in text(at) and "You said" in text(at), text(at)
    assert f"This session: 0 of 1 right ({IDEAS[kind]}: 0 of 1)." in text(at)
    at.button(key=f"{key}_reset_tally").click().run()
    assert "No answers yet this session." in text(at)
    at.button(key=f"{key}_next").click().run()
    assert_no_exception(at, f"{kind}: next question")
    assert "**Predict** ·" in text(at) and "You said" not in text(at)


@pytest.mark.parametrize("page", [KNOB, RATE, LANDSCAPE], ids=lambda page: page[1])
def test_a_new_function_from_the_family_goes_into_the_box_and_its_link_asks_it_again(
    page: tuple,
) -> None:
    name, key, _ = page
    at = answer(ask(page, "sign", 0, 0), key, "rises")
    for _ in range(3):
        before = at.query_params["f"]
        at.button(key=f"{key}_next_function").click().run()
        assert_no_exception(at, f"new function after {before}")
        new = at.query_params["f"]
        assert new != before and at.text_area(key=f"{key}_text").value == new
        assert "**Predict** ·" in text(at) and "You said" not in text(at)
        asked = prompt(at)
        # The link (function, knobs, question) opens the same question in a fresh session.
        fresh = open_page(name, **{k: at.query_params[k] for k in at.query_params})
        assert prompt(fresh) == asked and fresh.text_area(key=f"{key}_text").value == new
        choices = [r for r in at.radio if r.key == f"{key}_answer"]
        # A well-formed answer to whatever was drawn: a row of signs, every row, or a number.
        row = " ".join("0" for k in at.query_params if k.startswith("k_"))
        said = {"row": row, "heatmap": "; ".join([row] * (new.count(",") + 1))}.get(
            at.query_params.get("q"), "0"
        )
        at = answer(at, key, choices[0].options[0] if choices else said)
        assert "You said" in text(at), text(at)


@pytest.mark.parametrize(
    ("page", "example"),
    [(CHAIN, lambda at: at.text_area(key="chain_steps").value),
     (LINEAR, lambda at: {k: at.query_params[k] for k in at.query_params if k[:2] in ("la", "g_")}
      | {k: at.query_params.get(k) for k in ("n", "m")})],
    ids=["chain", "layers"],
)  # fmt: skip
def test_a_new_graph_or_layer_from_the_family_is_shown_and_its_link_asks_it_again(
    page: tuple, example: Callable[[AppTest], object]
) -> None:
    name, key, _ = page
    at = ask(page, "paths" if key == "chain" else "shape", 1 if key == "chain" else 0, 1)
    at = answer(at, key, "2" if key == "chain" else "2 x 2")
    for _ in range(3):
        before = example(at)
        at.button(key=f"{key}_next_function").click().run()
        assert_no_exception(at, f"new example after {before}")
        assert example(at) != before
        assert "**Predict** ·" in text(at) and "You said" not in text(at)
        asked = prompt(at)
        fresh = open_page(name, **{k: at.query_params[k] for k in at.query_params})
        assert prompt(fresh) == asked and example(fresh) == example(at)
        choices = [r for r in at.radio if r.key == f"{key}_answer"]
        typed = "1 x 1" if "shape" in asked else "0"
        at = answer(at, key, choices[0].options[0] if choices else typed)
        assert "You said" in text(at), text(at)
