"""The knob sliders an AppTest page shows, read and turned the way the browser does.

A page's knob sliders are one v2 component (``ui/knob_slider.py``): AppTest sees it as a
``bidi_component`` element whose JSON data lists the knobs it shows. Here each knob's slider is
named ``{page}_slider_{name}``. Turning one sends what the browser sends, a new ``moves`` state
with the knob's move, so the knob is set before the rerun, as live.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from ui.knob_slider import KNOB_SLIDERS
from ui.knobs import ranges_key, sliders_key

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


#: Where ``keep_sliders`` notes the sliders a fragment-only run left on the page.
_KEPT = "_knobs_kept_sliders"


def _panels(at: AppTest) -> list[Any]:
    drawn = [e for e in at.get("bidi_component") if e.proto.component_name == KNOB_SLIDERS]
    kept = at.__dict__.get(_KEPT)
    if not drawn and kept is not None and kept[0] is at._tree:
        return kept[1]
    return drawn


def keep_sliders(at: AppTest, run: Callable[[], object]) -> None:
    """``run()`` reruns only the page's fragments: the sliders it does not draw stay on the page,
    as in the browser (a live panel's are drawn by the page's full run, ``ui/live.py``)."""
    before = _panels(at)
    run()
    at.__dict__[_KEPT] = (at._tree, before)


def _page(panel: Any) -> str:
    """The page prefix of a panel of sliders (its key is ``{page}_sliders``)."""
    return panel.proto.id.split("-", 2)[-1].removesuffix(sliders_key(""))


def knob_sliders(at: AppTest) -> list[KnobSlider]:
    """Every knob slider on the page, in page order."""
    sliders = []
    for panel in _panels(at):
        for knob in json.loads(panel.proto.json)["knobs"]:
            sliders.append(
                KnobSlider(
                    f"{_page(panel)}_slider_{knob['key']}",
                    knob["label"],
                    float(knob["value"]),
                    float(knob["low"]),
                    float(knob["high"]),
                    float(knob["step"]),
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


def move_state(at: AppTest, key: str, move: Any) -> WidgetState:
    """The state the browser sends when the knob slider ``key`` moves: ``move`` under the knob's
    name (whatever ``move`` is: a browser's page can send anything)."""
    for panel in _panels(at):
        prefix = f"{_page(panel)}_slider_"
        names = [knob["key"] for knob in json.loads(panel.proto.json)["knobs"]]
        if key.startswith(prefix) and key.removeprefix(prefix) in names:
            state = WidgetState(id=panel.proto.id)
            state.json_value = json.dumps({"moves": {key.removeprefix(prefix): move}})
            return state
    raise AssertionError(f"no knob slider {key!r}")


def new_move(value: float, by: str = "test") -> dict[str, Any]:
    """A move to ``value`` with a name not used before."""
    return {"value": value, "n": f"{by}-{next(_moves)}"}


def turn_knob(at: AppTest, key: str, value: float) -> AppTest:
    """Move the knob slider ``key`` to ``value`` as the browser does, and run the page."""
    states = at._tree.get_widget_states()
    states.widgets.append(move_state(at, key, new_move(value)))
    return at._run(states)


def open_ranges(at: AppTest, page: str) -> AppTest:
    """Open a page's Ranges popover as a click on it does, and run: its fields are drawn only
    while it is open."""
    editors = [p for p in at.get("popover") if p.proto.popover.id.endswith(f"-{ranges_key(page)}")]
    assert editors, f"no range editor on the page {page!r}"
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=editors[0].proto.popover.id, bool_value=True))
    return at._run(states)
