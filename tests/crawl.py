"""A crawl of a page's state space under AppTest: what a learner finds by clicking around.

The designed paths are tested elsewhere; a crawl takes every option of every choice control
(radio, select box, segmented control, pills, select slider, checkbox, toggle; a popover that
draws its content only when open, opened and closed) in turn, in
sequence (so the state one choice leaves meets the next), and moves a knob after each. It also
types each function of the README's list, plain and raised to a power, into the function box.
Any exception box fails the crawl with the path of actions that led to it.

Options are chosen by sending the widget state the browser sends (the option's shown text), so a
control with a ``format_func`` is crawled without knowing its values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from calculus.functions import UNARY_FUNCTIONS, VARIADIC_FUNCTIONS
from tests.knobs import knob_sliders, turn_knob

#: The README's examples of what a learner types ("What you can type").
README_FUNCTIONS = (
    "x^2 + 4x - 2",
    "2x",
    "x1 x2^2",
    "sin x",
    "2sin(x)cos(x)",
    "√(x y)",
    "θ²",
    "x₁ · x₂",
    "x^2 y, sin(x) + y^3",
    "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2",
)
#: Every whitelisted function applied to a knob (two knobs for min and max).
FUNCTION_CALLS = tuple(f"{name}(x)" for name in sorted(UNARY_FUNCTIONS)) + tuple(
    f"{name}(x, y)" for name in sorted(VARIADIC_FUNCTIONS)
)


def typed_functions(powers: tuple[int, ...] = (2, 3)) -> tuple[str, ...]:
    """The README's functions and every whitelisted function, plain and raised to powers."""
    plain = README_FUNCTIONS + FUNCTION_CALLS
    powered = tuple(f"({text})^{p}" for text in plain if "," not in text for p in powers)
    return plain + powered


#: Choice controls and how the browser sends a choice of each.
_CHOICE_KINDS = (
    "radio",
    "selectbox",
    "button_group",
    "select_slider",
    "checkbox",
    "toggle",
    "popover",
)
#: Kinds whose choice is True or False (a popover: open or not).
_TRUE_OR_FALSE = ("checkbox", "toggle", "popover")
#: A bound on a page's crawl: a page whose controls multiply without end still stops.
MAX_CHOICES = 120


@dataclass
class Crawl:
    """What one crawl did: the actions in order (for failure messages) and the choices made."""

    actions: list[str] = field(default_factory=list)
    chosen: set[tuple[str, str, str]] = field(default_factory=set)

    def check(self, at: AppTest) -> None:
        if at.exception:
            path = "\n  ".join(self.actions[-8:])
            messages = [e.message for e in at.exception]
            raise AssertionError(f"exception box after:\n  {path}\n{messages}")


def _controls(at: AppTest) -> Iterator[tuple[str, Any, list[str]]]:
    for kind in _CHOICE_KINDS:
        widgets = at.get(kind) if kind in ("button_group", "popover") else getattr(at, kind)
        if kind == "popover":  # only one that reruns when opened is a control with a state
            widgets = [_Popover(p.proto.popover.id, p.proto.popover.label) for p in widgets]
            widgets = [p for p in widgets if p.id]
        for widget in widgets:
            if kind in _TRUE_OR_FALSE:
                options = ["True", "False"]
            else:
                options = [str(option) for option in widget.options]
            yield kind, widget, options


@dataclass(frozen=True)
class _Popover:
    """A popover that reruns the page when opened or closed (its content drawn only when open)."""

    id: str
    label: str
    key: str | None = None


def _name(widget: Any) -> str:
    return str(widget.key or widget.label or widget.id)


def choose(at: AppTest, kind: str, widget: Any, option: str) -> AppTest:
    """Send the state the browser sends when ``option`` (its shown text) is chosen, and run."""
    state = WidgetState(id=widget.id)
    if kind in ("radio", "selectbox"):
        state.string_value = option
    elif kind in ("button_group", "select_slider"):
        state.string_array_value.data[:] = [option]
    else:
        state.bool_value = option == "True"
    states = at._tree.get_widget_states()
    kept = [s for s in states.widgets if s.id != widget.id]
    del states.widgets[:]
    states.widgets.extend([*kept, state])
    return at._run(states)


def move_a_knob(at: AppTest, crawl: Crawl, turn: int) -> None:
    """Turn the first knob to a new place in its range (a different place each turn)."""
    sliders = knob_sliders(at)
    if not sliders:
        return
    slider = sliders[turn % len(sliders)]
    fraction = (0.15, 0.85, 0.5, 0.3, 0.7)[turn % 5]
    value = slider.min + fraction * (slider.max - slider.min)
    crawl.actions.append(f"knob {slider.label} -> {value:g}")
    turn_knob(at, slider.key, value)
    crawl.check(at)


def crawl_choices(at: AppTest, crawl: Crawl | None = None) -> Crawl:
    """Every option of every choice control in sequence, a knob move after each."""
    crawl = crawl or Crawl()
    crawl.check(at)
    for turn in range(MAX_CHOICES):
        step = next(
            (
                (kind, widget, option)
                for kind, widget, options in _controls(at)
                for option in options
                if (kind, _name(widget), option) not in crawl.chosen
            ),
            None,
        )
        if step is None:
            return crawl
        kind, widget, option = step
        crawl.chosen.add((kind, _name(widget), option))
        crawl.actions.append(f"{kind} {_name(widget)!r} = {option!r}")
        choose(at, kind, widget, option)
        crawl.check(at)
        move_a_knob(at, crawl, turn)
    raise AssertionError(f"the crawl did not end after {MAX_CHOICES} choices: {crawl.actions}")


def crawl_functions(
    at: AppTest, text_key: str, texts: tuple[str, ...], crawl: Crawl | None = None
) -> Crawl:
    """Type each text into the function box ``text_key``, a knob move after each."""
    crawl = crawl or Crawl()
    for turn, text in enumerate(texts):
        crawl.actions.append(f"type {text!r}")
        at.text_area(key=text_key).set_value(text).run()
        crawl.check(at)
        move_a_knob(at, crawl, turn)
    return crawl
