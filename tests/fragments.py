"""Fragment reruns under AppTest: what the browser asks for when a widget inside an
``st.fragment`` changes (a knob move, a section chosen inside the live area).

``AppTest.run`` always reruns the whole script, so a page whose fragment relies on something only
the full script sets up (a session key another run dropped) passes under AppTest and crashes in
the browser. ``run_fragments`` reruns only the page's fragments, as the browser does. The element
tree afterwards holds only what the fragments drew; ``run_all`` reruns the whole page with every
widget as the browser last had it (inside and outside the fragments).
"""

from __future__ import annotations

import functools
from typing import Any
from unittest import mock

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner

from tests.knobs import keep_sliders, move_state, new_move

_KNOWN = "_knobs_widget_states"


def _remember(at: AppTest) -> dict[str, Any]:
    """Every widget state seen so far, by widget id, the newest tree's states winning."""
    known: dict[str, Any] = at.__dict__.setdefault(_KNOWN, {})
    for state in at._tree.get_widget_states().widgets:
        known[state.id] = state
    return known


def _all_states(at: AppTest) -> WidgetStates:
    states = WidgetStates()
    states.widgets.extend(_remember(at).values())
    return states


def fragment_ids(at: AppTest) -> list[str]:
    """The ids of every fragment the last run registered."""
    return list(at._fragment_storage._fragments)


def run_fragments(at: AppTest) -> AppTest:
    """Rerun only the page's fragments, every widget as it is now."""
    _run_fragments(at, _all_states(at))
    return at


def _run_fragments(at: AppTest, states: WidgetStates) -> None:
    queued = functools.partial(RerunData, fragment_id_queue=fragment_ids(at))

    def run() -> None:
        with mock.patch.object(local_script_runner, "RerunData", queued):
            at._run(states)

    keep_sliders(at, run)
    _remember(at)


def run_all(at: AppTest) -> AppTest:
    """Rerun the whole page with every widget as the browser last had it."""
    at._run(_all_states(at))
    _remember(at)
    return at


def set_in_fragment(at: AppTest, widget: Any, value: Any) -> AppTest:
    """Set a widget inside a fragment to ``value`` and rerun the fragments only."""
    widget.set_value(value)
    return run_fragments(at)


def click_in_fragment(at: AppTest, button: Any) -> AppTest:
    """Click a button inside a fragment and rerun the fragments only."""
    button.click()
    return run_fragments(at)


def turn_knob_in_fragment(at: AppTest, key: str, value: float) -> AppTest:
    """``turn_knob``, but rerunning only the fragments (a knob move in the browser)."""
    states = _all_states(at)
    states.widgets.append(move_state(at, key, new_move(value, by="fragment")))
    _run_fragments(at, states)
    return at
