"""A crawl of the Gradient landscape page under AppTest: every option of every radio, select box
and checkbox in turn and in sequence (the state one choice leaves meets the next), its buttons,
and a knob move after each, the way the browser sends them (widgets inside the live fragment
rerun only the fragment). Then the README's functions raised to powers. No exception anywhere."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import assert_no_exception, open_page
from tests.fragments import (
    click_in_fragment,
    run_all,
    run_fragments,
    set_in_fragment,
    turn_knob_in_fragment,
)
from tests.knobs import knob_sliders

PAGE = "2_Gradient_landscape.py"
VIEWS = ("Contour map", "Surface", "Both")
SECTIONS = (
    "Slices", "Gradient", "Tangent plane", "Directional derivative", "Gradient descent", "Hessian",
)  # fmt: skip
#: The README's functions of one argument, and those of two.
UNARY = (
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "ln",
    "log10", "log2", "sqrt", "cbrt", "abs", "sign", "sigmoid", "relu", "softplus",
)  # fmt: skip
BINARY = ("min", "max")


def start(**query: str) -> AppTest:
    return open_page(PAGE, **query)


def nudge(at: AppTest, what: str, k: list[int]) -> None:
    """Move the first knob a little (a fragment rerun), a different value each time."""
    k[0] += 1
    slider = knob_sliders(at)[0]
    value = slider.min + (slider.max - slider.min) * ((0.37 * k[0]) % 1.0)
    turn_knob_in_fragment(at, slider.key, value)
    assert_no_exception(at, f"knob move after {what}")


def widget(at: AppTest, kind: str, key: str) -> Any | None:
    found = [w for w in getattr(at, kind) if w.key == key]
    return found[0] if found else None


def crawl_section(at: AppTest, section: str, k: list[int]) -> None:
    """Every control the section draws, each option in turn, a knob move after each."""
    for kind, key in (("checkbox", "landscape_field"), ("checkbox", "landscape_path")):
        if (box := widget(at, kind, key)) is not None:
            for value in (not box.value, box.value):
                set_in_fragment(at, widget(at, kind, key), value)
                nudge(at, f"{section}: {key} = {value}", k)
    for key in ("landscape_across", "landscape_up"):
        if (box := widget(at, "selectbox", key)) is not None:
            for option in box.options:
                set_in_fragment(at, widget(at, "selectbox", key), option)
                nudge(at, f"{section}: {key} = {option}", k)
    if (mode := widget(at, "radio", "landscape_u_mode")) is not None:
        for option in [*mode.options, mode.options[0]]:
            set_in_fragment(at, widget(at, "radio", "landscape_u_mode"), option)
            nudge(at, f"{section}: u mode {option}", k)
    for key in ("landscape_along_gradient", "landscape_go_critical"):
        if (button := widget(at, "button", key)) is not None:
            click_in_fragment(at, button)
            assert_no_exception(at, f"{section}: {key}")
            nudge(at, f"{section}: {key}", k)
    if (rate := widget(at, "select_slider", "landscape_eta")) is not None:
        for value in (rate.options[0], rate.options[-1]):
            set_in_fragment(at, widget(at, "select_slider", "landscape_eta"), float(value))
            nudge(at, f"{section}: η = {value}", k)


def crawl(at: AppTest) -> None:
    k = [0]
    for view in VIEWS:
        at.radio(key="landscape_view").set_value(view)
        run_all(at)
        assert_no_exception(at, f"view {view}")
        nudge(at, f"view {view}", k)
        for section in SECTIONS:
            set_in_fragment(at, at.radio(key="landscape_section"), section)
            assert_no_exception(at, f"{view} / {section}")
            nudge(at, f"{view} / {section}", k)
            crawl_section(at, f"{view} / {section}", k)
        run_all(at)  # a full rerun in the state the crawl left
        assert_no_exception(at, f"full rerun after {view}")


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"f": "x y^2 + sin(z)"},
        {"f": "sin(x) cos(y)", "r_x": "0,5e-324,5e-324"},
        {"f": "log(x) + y", "k_x": "-1"},
    ],
    ids=["chapter", "three knobs", "subnormal range", "undefined"],
)
def test_crawl_every_control_in_sequence(query: dict[str, str]) -> None:
    at = start(**query)
    crawl(at)
    run_fragments(at)
    assert_no_exception(at, "end")


POWERS = [f"{name}(x)^2 + y" for name in UNARY] + [f"{name}(x, y)^2" for name in BINARY]


@pytest.mark.parametrize("text", POWERS)
def test_readme_functions_raised_to_a_power(text: str) -> None:
    at = start(f=text, view="Both", k_x="0.5", k_y="0.25")
    k = [0]
    for section in SECTIONS:
        set_in_fragment(at, at.radio(key="landscape_section"), section)
        assert_no_exception(at, f"{text} / {section}")
        nudge(at, f"{text} / {section}", k)
