"""Fragment reruns under AppTest: what the browser asks for when a widget inside an
``st.fragment`` changes (a knob move, a section chosen inside the live area).

``AppTest.run`` always reruns the whole script, so a page whose fragment relies on something only
the full script sets up (a session key another run dropped) passes under AppTest and crashes in
the browser. ``run_fragments`` reruns only the page's fragments, as the browser does.
"""

from __future__ import annotations

import functools
from unittest import mock

from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner

from tests.knobs import turn_knob


def fragment_ids(at: AppTest) -> list[str]:
    """The ids of every fragment the last run registered."""
    return list(at._fragment_storage._fragments)


def run_fragments(at: AppTest, states=None) -> AppTest:
    """Rerun only the page's fragments with the widget ``states`` (default: as they are).

    The element tree afterwards holds only what the fragments drew.
    """
    queued = functools.partial(RerunData, fragment_id_queue=fragment_ids(at))
    with mock.patch.object(local_script_runner, "RerunData", queued):
        return at._run(states if states is not None else at._tree.get_widget_states())


def set_in_fragment(at: AppTest, widget, value) -> AppTest:
    """Set a widget inside a fragment to ``value`` and rerun the fragments only."""
    widget.set_value(value)
    return run_fragments(at, at._tree.get_widget_states())


def turn_knob_in_fragment(at: AppTest, key: str, value: float) -> AppTest:
    """``turn_knob``, but rerunning only the fragments (a knob move in the browser)."""
    queued = functools.partial(RerunData, fragment_id_queue=fragment_ids(at))
    with mock.patch.object(local_script_runner, "RerunData", queued):
        return turn_knob(at, key, value)
