"""Knob controls: ranges (a refused range is said, never silently changed), look-alike names."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page
from tests.knobs import knob_slider, move_state, new_move, open_ranges, turn_knob
from ui.knobs import KnobRange


def slider(at: AppTest, name: str = "x") -> tuple[float, float, float, float]:
    s = knob_slider(at, f"knob_slider_{name}")
    return s.min, s.max, s.step, s.value


def set_range_field(at: AppTest, part: str, text: str, name: str = "x") -> AppTest:
    key = f"knob_{part}_{name}"
    if key not in [field.key for field in at.text_input]:  # drawn only while Ranges is open
        open_ranges(at, "knob")
    return at.text_input(key=key).set_value(text).run()


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1,2,0.5", KnobRange(-1.0, 2.0, 0.5)),
        ("0,5e-324,5e-324", None),  # subnormal: the arrow_scale crash of issue 18
        ("0,1e-9,1e-10", None),  # too narrow
        ("0,nan,0.1", None),
        ("0,inf,0.1", None),
        ("2,1,0.1", None),
        ("0,1,0", None),
        ("0,1,1e-9", None),  # a billion positions
        ("0,1", None),
        ("a,b,c", None),
    ],
)
def test_range_links_are_taken_only_when_they_make_a_slider(
    text: str, expected: KnobRange | None
) -> None:
    assert KnobRange.from_text(text) == expected


def test_a_refused_range_link_is_said_and_the_default_used() -> None:
    at = open_page("app.py", f="x^2", r_x="0,5e-324,5e-324")
    assert slider(at)[:3] == (-3.0, 3.0, 0.01)
    (warning,) = warnings(at)
    assert "was not used" in warning and "too narrow" in warning, warning


def test_a_valid_edit_takes_the_range_and_clamps_the_knob() -> None:
    at = open_page("app.py", f="x^2", k_x="2.5")
    set_range_field(at, "high", "2")
    assert slider(at) == (-3.0, 2.0, 0.01, 2.0)
    assert not warnings(at)
    set_range_field(at, "low", "-1/2")  # short expressions are numbers too
    assert slider(at)[0] == -0.5


@pytest.mark.parametrize(
    ("part", "text", "says"),
    [
        ("high", "", "x to: empty"),
        ("high", "abc", "x to"),
        ("high", "nan", "not a finite number"),
        ("high", "inf", "not a finite number"),
        ("high", "1e-320", "too small"),
        ("low", "5", "the lowest value must be below the highest"),
        ("step", "0", "the step must be positive"),
        ("high", "-2.9999999999", "too narrow"),
    ],
)
def test_a_refused_entry_is_said_kept_as_typed_and_changes_nothing(
    part: str, text: str, says: str
) -> None:
    at = open_page("app.py", f="x^2", k_x="0.5")
    set_range_field(at, part, text)
    assert slider(at) == (-3.0, 3.0, 0.01, 0.5), "the knob keeps its range and value"
    assert at.text_input(key=f"knob_{part}_x").value == text, "the learner's text stays"
    (warning,) = warnings(at)
    assert says in warning, warning
    assert "x still uses -3 to 3, step 0.01." in [c.value for c in at.caption]
    # A later valid edit is taken, and the stale message goes.
    set_range_field(at, part, {"low": "-3", "high": "3", "step": "0.01"}[part])
    set_range_field(at, "high", "2")
    assert slider(at)[:2] == (-3.0, 2.0)
    assert not warnings(at)


@pytest.mark.parametrize(
    ("text", "pair"),
    [("Alpha + A", ("A", "Alpha")), ("Chi + X", ("Chi", "X")), ("omicron + o", ("o", "omicron"))],
)
def test_look_alike_knobs_are_pointed_out(text: str, pair: tuple[str, str]) -> None:
    at = open_page("app.py", f=text)
    (note,) = [i.value for i in at.info if "look alike" in i.value]
    assert all(f"(typed {name})" in note for name in pair), note


def test_knobs_that_merely_share_a_letter_are_not_flagged() -> None:
    at = open_page("app.py", f="x1 x2 + alpha a")
    assert not [i.value for i in at.info if "look alike" in i.value]


def test_a_reset_sent_with_a_knobs_resting_move_sets_the_knob_back() -> None:
    """A drag over the moves route sends the knob's resting value to Streamlit as the learner
    clicks Reset (ui/knob_slider.py): both reach the server in one request, and Reset wins."""
    at = open_page("app.py")
    at.button(key="knob_reset").click()
    states = at._tree.get_widget_states()
    states.widgets.append(move_state(at, "knob_slider_x1", new_move(2.5)))
    at._run(states)
    assert not at.exception
    assert knob_slider(at, "knob_slider_x1").value == 1.0
    turn_knob(at, "knob_slider_x1", 1.5)  # and the knob turns again
    assert knob_slider(at, "knob_slider_x1").value == 1.5
