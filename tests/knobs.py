"""The knob sliders an AppTest page shows, read and turned the way the browser does.

A knob's slider is a v2 component (``ui/knob_slider.py``): AppTest sees it as a
``bidi_component`` element whose JSON data says what it shows. Turning it sends what the browser
sends, a new ``move`` state, so the slider's callback sets the knob before the rerun, as live.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from ui.knob_slider import KNOB_SLIDER

_moves = itertools.count(1)


@dataclass(frozen=True)
class KnobSlider:
    """What one knob's slider shows: its label, value and range."""

    key: str
    label: str
    value: float
    min: float
    max: float
    step: float


def _elements(at: AppTest) -> list[Any]:
    return [e for e in at.get("bidi_component") if e.proto.component_name == KNOB_SLIDER]


def _key(element: Any) -> str:
    return element.proto.id.split("-", 2)[-1]


def knob_sliders(at: AppTest) -> list[KnobSlider]:
    """Every knob slider on the page, in page order."""
    sliders = []
    for element in _elements(at):
        data = json.loads(element.proto.json)
        sliders.append(
            KnobSlider(
                _key(element),
                data["label"],
                float(data["value"]),
                float(data["low"]),
                float(data["high"]),
                float(data["step"]),
            )
        )
    return sliders


def knob_slider(at: AppTest, key: str) -> KnobSlider:
    """The knob slider keyed ``key`` (``{page}_slider_{name}``); AssertionError if none."""
    for slider in knob_sliders(at):
        if slider.key == key:
            return slider
    keys = [slider.key for slider in knob_sliders(at)]
    raise AssertionError(f"no knob slider {key!r}; the page has {keys}")


def turn_knob(at: AppTest, key: str, value: float) -> AppTest:
    """Move the knob slider ``key`` to ``value`` as the browser does, and run the page."""
    (element,) = [e for e in _elements(at) if _key(e) == key] or [None]
    assert element is not None, f"no knob slider {key!r}"
    states = at._tree.get_widget_states()
    move = WidgetState(id=element.proto.id)
    move.json_value = json.dumps({"move": {"value": value, "n": f"test-{next(_moves)}"}})
    states.widgets.append(move)
    return at._run(states)
