"""One live panel: what every lesson does when a knob moves.

How it works. A knob move reruns only the panel's fragment, which draws the chart the learner
watches *first*, pauses so the browser paints it (:func:`let_the_browser_paint`), then draws what
may wait (other charts), the sliders and the rest (outputs, readings, the chosen section). One
script run a move: a second fragment for the rest, rerun by
the browser once the chart was drawn, cost the server about 3.5 ms and 1.5 KB more a move
(``bench/load.py``: 15 against 11.5 ms of CPU, 8.7 against 7.2 KB, one learner), while the paint
pause already shows the chart before the rest arrives. Where live charts are not available
(plotly.js could not be served), the same fragment draws the same parts.

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

Where it draws. The panel's own area is where ``live_panel`` is called: a page calls it inside
the container its watched chart goes in, and the chart (and what follows it there) draws
straight into it. Every other container a run writes into (the sliders' column, say) costs
one more message a move (``bench/load.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st

from ui.page import let_the_browser_paint

State = TypeVar("State")


@dataclass(frozen=True)
class _Panel(Generic[State]):
    """The callables of one page's panel (held by the fragment between reruns)."""

    now: Callable[[], State]
    sliders: Callable[[State], None]
    rest: Callable[[State], None]
    chart: Callable[[State, str], None] | None
    version: Callable[[State], str]
    base: Callable[[State], None] | None


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
    knobs' sliders; ``rest`` draws what else moves with the knobs. Each draws into containers
    the page made beforehand, outside the fragment. ``base`` (optional) draws, right after the
    paint pause, what may wait for the watched chart: other charts (a second picture beside it).

    No ``chart``: nothing charted moves with the knobs (a linear layer's outputs); the fragment
    draws the sliders, then the rest, with no pause.
    """
    panel = _Panel(now, sliders, rest, chart, version, base)
    st.fragment(_knob_move, key=panel_fragment(page))(panel)


def _knob_move(panel: _Panel[State]) -> None:
    state = panel.now()
    if panel.chart is not None:
        panel.chart(state, panel.version(state))
        let_the_browser_paint()
    if panel.base is not None:
        panel.base(state)
    panel.sliders(state)
    panel.rest(state)
