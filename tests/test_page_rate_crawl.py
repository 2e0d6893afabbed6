"""A crawl of the Rate of change page: every option of every control, in sequence, a knob move
after each, and the README's functions raised to powers. A learner must never see Streamlit's
exception box, whatever order they click in (issue 13, item 5).

The state one choice leaves behind meets the next choice: the crawl never starts afresh between
steps, so a stale value (an h from the secant section, a learning rate of 0, a range of 0.1
wide, a held knob that stops existing) meets every later control.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calculus.narration.rate import EXAMPLES
from tests.knobs import knob_sliders, open_ranges, turn_knob
from ui.rate import H_CHOICES, SECTIONS

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "1_Rate_of_change.py")
TIMEOUT = 120  # the first run imports sympy and starts the worker pool
#: Knob values the crawl cycles through: kinks and holes at 0, the range's edges, in between.
KNOB_VALUES = (0.0, -1.5, 2.5, -3.99, 0.01, 1.0)
#: The README's functions, each raised to a power (min and max take a second argument).
FUNCTIONS = (
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "ln",
    "log10", "log2", "sqrt", "cbrt", "abs", "sign", "sigmoid", "relu", "softplus",
)  # fmt: skip
POWERS = [f"{name}(x)^2" for name in FUNCTIONS] + [
    "min(x, 1)^2", "max(x, 0)^3", "abs(x)^3", "sqrt(x)^3", "(x^2 ln x)^2",
]  # fmt: skip


class Crawl:
    """An AppTest page and a record of what was done to it, for the failure message."""

    def __init__(self, **query: str) -> None:
        self.at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
        for key, value in query.items():
            self.at.query_params[key] = value
        self.done: list[str] = []
        self.values = itertools.cycle(KNOB_VALUES)
        self.do("open", self.at.run)

    def do(self, what: str, action: Callable[[], object]) -> None:
        self.done.append(what)
        action()
        problems = [e.message for e in self.at.exception]
        assert not problems, f"after {' → '.join(self.done[-6:])}: {problems}"

    def move(self) -> None:
        """Move the first knob slider on the page (the turning knob), then the others."""
        for slider in knob_sliders(self.at):
            value = min(max(next(self.values), slider.min), slider.max)
            self.do(f"{slider.key}={value}", lambda s=slider, v=value: turn_knob(self.at, s.key, v))

    def set(self, kind: str, key: str, value: object) -> None:
        widget = getattr(self.at, kind)(key=key)
        self.do(f"{key}={value!r}", lambda: widget.set_value(value).run())
        self.move()


def test_every_control_in_sequence_with_a_knob_move_after_each() -> None:
    crawl = Crawl()
    for section in SECTIONS:
        crawl.set("segmented_control", "rate_look", section)
        if section == SECTIONS[0]:
            for h in H_CHOICES:
                crawl.set("select_slider", "rate_h", h)
        if section == SECTIONS[2]:
            for until in (False, True):
                crawl.set("checkbox", "rate_until", until)
                for rate in (0.0, 0.01, 0.5, 0.99, 1.0, 1.5, 2.0):
                    crawl.set("slider", "rate_eta", rate)
            crawl.set("checkbox", "rate_until", False)
            for steps in (1, 100, 10):
                crawl.set("slider", "rate_steps", steps)
    # Every example of the menu, each meeting the section and controls the last one left.
    for index, (label, _, _) in enumerate(EXAMPLES):
        crawl.set("selectbox", "rate_example", label)
        crawl.set("segmented_control", "rate_look", SECTIONS[index % len(SECTIONS)])
    # Ranges: a narrow one, a wide one, a refused one, then Reset.
    crawl.do("open the ranges", lambda: open_ranges(crawl.at, "rate"))
    for low, high in ((0.5, 0.6), (-100.0, 100.0), (3.0, -3.0)):
        crawl.set("text_input", "rate_low_x", f"{low:g}")
        crawl.set("text_input", "rate_high_x", f"{high:g}")
    crawl.do("reset", lambda: crawl.at.button(key="rate_reset").click().run())
    crawl.move()


def test_several_knobs_every_turning_knob_and_back() -> None:
    crawl = Crawl(look="descent", eta="1.5", until="1")
    crawl.set("text_area", "rate_text", "x y^2 + sin(y) + z")
    for variable in ("y", "z", "x", "y"):
        crawl.set("selectbox", "rate_wrt", variable)
        for section in SECTIONS:
            crawl.set("segmented_control", "rate_look", section)
    # The held knobs go away: one knob again, and back to two.
    crawl.set("text_area", "rate_text", "y^2")
    crawl.set("text_area", "rate_text", "x y")


@pytest.mark.parametrize("text", POWERS)
def test_functions_raised_to_powers_in_every_section(text: str) -> None:
    crawl = Crawl(look="descent", until="1", eta="0.3")
    crawl.set("text_area", "rate_text", text)
    for section in (*SECTIONS[1:], SECTIONS[0]):
        crawl.set("segmented_control", "rate_look", section)
