"""One live panel: what every lesson does when a knob moves.

How it works. A knob move reruns only the panel's fragment, which draws the chart the learner
watches *first*, pauses so the browser paints it (:func:`let_the_browser_paint`), then draws what
may wait (other charts) and the rest (outputs, readings, the chosen section). One
script run a move: a second fragment for the rest, rerun by
the browser once the chart was drawn, cost the server about 3.5 ms and 1.5 KB more a move
(``bench/load.py``: 15 against 11.5 ms of CPU, 8.7 against 7.2 KB, one learner), while the paint
pause already shows the chart before the rest arrives.

The sliders are drawn by the page's full run, after the fragment, not by a knob move's rerun:
the browser already shows a slider where the learner put it, and redrawing the sliders was the
dearest part of a move (about 1 ms of the server's CPU, ``bench/load.py``).
``ui.knob_slider.moves_rerun`` makes their moves rerun only the panel all the same. So a widget
of the panel that turns the knobs itself (``ui.knobs.set_knobs``: a preset, "move to the critical
point") reruns the whole page, which draws the sliders where it put them. A panel with no watched
chart, or where live charts are not available (plotly.js could not be served), draws the sliders
in the fragment, as before: there, their redraw is what lets a drag's next move go
(``ui/knob_slider.py``); elsewhere the chart's announcement that it has drawn does.

A page describes itself with a few callables and never defines fragment keys or version
strings::

    live_panel(
        "knob",
        now=lambda: f.at(knob_values("knob", f.variables)),
        version=lambda r: knob_version(f.text, r.point),
        chart=lambda r, version: live_chart(heatmap(r), key="knob_heatmap", version=version),
        sliders=lambda r: knob_sliders("knob", f.variables, controls=False),
        rest=show_readout,
    )

A heavy figure under light marks (curves under a tangent, a contour map under the gradient
arrow) is one chart, ``layered_chart(base, overlay, ...)``: it draws the overlay first and the
base once the overlay is painted, and sends the base's bytes once. ``base`` (optional) draws what
may wait for the watched chart (a second chart beside it) once it has had its moment to paint;
a page with no chart that moves with the knobs (no ``chart``) draws the sliders, then
the rest. A control drawn by ``rest`` that changes what the chart shows (a step h,
a section's marks) is a widget of the same fragment: changing it reruns the fragment, chart
first.

``now`` is called once per run and its result passed to every callable: the knobs are read once,
and every part of a run shows the same setting.

Without a script run. A page whose moving parts are all live components built by pure
functions (the home page: heatmap, outputs, readings) also offers them to the moves route
(``ui/moves_route.py``): ``knob_route(page, variables, parts)`` gives the token its sliders take
(``knob_sliders(..., route=token)``), and a drag is then answered by the route, each component
redrawn in place from the same builder the panel's run uses; the panel's run follows once the
knob rests (the URL, the session's state). A page with parts that need a run (a section of
Streamlit elements) offers nothing, and every move is the panel's run, as above.

Where it draws. The panel's own area is where ``live_panel`` is called: a page calls it inside
the container its watched chart goes in, and the chart (and what follows it there) draws
straight into it. Every other container a run writes into (the outputs' column, say) costs
one more message a move (``bench/load.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from ui.chart_component import live_charts_available
from ui.knob_slider import moves_rerun
from ui.knobs import knobs_set_key
from ui.page import let_the_browser_paint

State = TypeVar("State")


@dataclass(frozen=True)
class _Panel(Generic[State]):
    """The callables of one page's panel (held by the fragment between reruns)."""

    page: str
    now: Callable[[], State]
    sliders: Callable[[State], None]
    rest: Callable[[State], None]
    chart: Callable[[State, str], None] | None
    version: Callable[[State], str]
    base: Callable[[State], None] | None
    #: The sliders are drawn by the page's full run, outside the fragment (see ``live_panel``).
    sliders_outside: bool


@dataclass
class _FullRun:
    """What the panel's fragment hands back when the page's full run runs it: its state, and
    the fragment's id (the sliders drawn after it rerun only it)."""

    state: Any = None
    fragment_id: str | None = None


#: Set while the page's full run runs the panel's fragment; None in the fragment's own reruns.
_FULL_RUN: ContextVar[_FullRun | None] = ContextVar("knobs_live_full_run", default=None)


def panel_fragment(page: str) -> str:
    """The key of a page's panel fragment."""
    return f"{page}_knobs"


def live_panel(
    page: str,
    *,
    now: Callable[[], State],
    sliders: Callable[[State], None],
    rest: Callable[[State], None],
    chart: Callable[[State, str], None] | None = None,
    version: Callable[[State], str] = lambda _state: "",
    base: Callable[[State], None] | None = None,
) -> None:
    """Run a page's knob-driven part: the watched chart first, then the sliders, then the rest.

    ``now()`` reads the knobs (and whatever else the picture depends on) into one state;
    ``version(state)`` names what the chart shows, the string ``chart`` passes to its
    ``live_chart(..., version=...)`` (the knob sliders pace a drag by it); ``sliders`` draws the
    knobs' sliders, and nothing else (the page's full run draws them, after the fragment; their
    container must be theirs alone); ``rest`` draws what else moves with the knobs. Each draws
    into containers the page made beforehand, outside the fragment. ``base`` (optional) draws,
    right after the paint pause, what may wait for the watched chart: other charts (a second
    picture beside it).

    No ``chart``: nothing charted moves with the knobs (a linear layer's outputs); the fragment
    draws the sliders, then the rest, with no pause.
    """
    outside = chart is not None and live_charts_available()
    panel = _Panel(page, now, sliders, rest, chart, version, base, outside)
    run = st.fragment(_knob_move, key=panel_fragment(page))
    if not outside:
        run(panel)
        return
    full = _FullRun()
    token = _FULL_RUN.set(full)
    try:
        run(panel)
    finally:
        _FULL_RUN.reset(token)
    st.session_state.pop(knobs_set_key(page), None)  # drawn now
    if full.fragment_id is not None:
        with moves_rerun(full.fragment_id):
            panel.sliders(full.state)


def _knob_move(panel: _Panel[State]) -> None:
    full = _FULL_RUN.get()
    if panel.sliders_outside and full is None and st.session_state.get(knobs_set_key(panel.page)):
        st.rerun()  # knobs turned by a widget of the panel: the page's run draws the sliders
    state = panel.now()
    if full is not None:
        full.state, full.fragment_id = state, ThreadState.get().fragment_id
    if panel.chart is not None:
        panel.chart(state, panel.version(state))
        let_the_browser_paint()
    if panel.base is not None:
        panel.base(state)
    if not panel.sliders_outside:
        panel.sliders(state)
    panel.rest(state)
