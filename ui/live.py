"""One live panel: what every lesson does when a knob moves.

How it works. A knob move reruns only a fragment that draws the chart the learner watches
*first*, pauses so the browser paints it (:func:`let_the_browser_paint`), then draws the sliders.
What else moves with the knobs (outputs, readings, the chosen section) is a second fragment that
a *follower* reruns as soon as the browser has drawn the chart (``follow_live_chart``): the
chart never waits for the words. Where live charts are not available (plotly.js could not be
served), there is no follower and the first fragment draws everything.

A page describes itself with a few callables and never defines fragment keys, version strings
or followers of its own::

    live_panel(
        "knob",
        chart_key="knob_heatmap",
        now=lambda: f.at(knob_values("knob", f.variables)),
        version=lambda r: knob_version(f.text, r.point),
        chart=lambda r, version: live_chart(heatmap(r), key="knob_heatmap", version=version),
        sliders=lambda r: knob_sliders("knob", f.variables, controls=False),
        rest=show_readout,
    )

A heavy figure under light marks (curves under a tangent, a contour map under the gradient
arrow) is one chart, ``layered_chart(base, overlay, ...)``: it draws the overlay first and the
base after it, and sends the base's bytes once. Optional parts, for pages that need them:
``base`` draws what may wait for the watched chart once it has had its moment to paint (a
second chart beside it); a page with no chart that moves with the knobs (``chart_key=None``) gets
one fragment that draws the sliders, then the rest. A control drawn by ``rest`` that changes
what the chart shows (a step h, a section's marks) needs no callback: when the follower's
fragment finds the chart sent with another version than the knobs and settings now, its
follower asks the browser to rerun both fragments (:func:`rerun_live_panel` does the same from
a page's own callback).

Pitfalls guarded here: ``now`` is called once per fragment run and its result passed to every
callable (the knobs are read once, and every part of a rerun shows the same setting); the
follower compares the knobs *now* with the chart's last version, because Streamlit's browser side
folds a knob move made while the follower asks into the follower's request (see
``follow_live_chart``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import streamlit as st

from ui.chart_component import (
    charts_rerun,
    follow_live_chart,
    live_charts_available,
    sent_version,
)
from ui.page import let_the_browser_paint

State = TypeVar("State")


class _Panel(Generic[State]):
    """The callables of one page's panel (held by the fragments between reruns)."""

    def __init__(
        self,
        page: str,
        chart_key: str,
        now: Callable[[], State],
        version: Callable[[State], str],
        chart: Callable[[State, str], None],
        sliders: Callable[[State], None],
        rest: Callable[[State], None],
        base: Callable[[State], None] | None = None,
    ) -> None:
        self.page, self.chart_key = page, chart_key
        self.now, self.version, self.chart, self.sliders, self.rest = (
            now,
            version,
            chart,
            sliders,
            rest,
        )
        self.base = base

    @property
    def fragments(self) -> tuple[str, str]:
        return panel_fragments(self.page)


def panel_fragments(page: str) -> tuple[str, str]:
    """The keys of a page's two fragments: the knobs' (chart first) and the follower's."""
    return f"{page}_knobs", f"{page}_follow"


def rerun_live_panel(page: str) -> None:
    """Rerun both fragments of ``page``'s panel, e.g. from a control outside it that changes the
    watched chart. Without live charts there is one fragment, which a widget in it reruns."""
    if live_charts_available():
        st.rerun(list(panel_fragments(page)))


def live_panel(
    page: str,
    *,
    chart_key: str | None,
    now: Callable[[], State],
    version: Callable[[State], str] | None = None,
    chart: Callable[[State, str], None] | None = None,
    sliders: Callable[[State], None],
    rest: Callable[[State], None],
    base: Callable[[State], None] | None = None,
) -> None:
    """Run a page's knob-driven part: the watched chart first, then the sliders, then the rest.

    ``now()`` reads the knobs (and whatever else the picture depends on) into one state;
    ``version(state)`` names what the chart shows, the same string ``chart`` must pass to its
    ``live_chart(..., key=chart_key, version=...)``; ``sliders`` draws the knobs' sliders;
    ``rest`` draws what else moves with the knobs. Each draws into containers the page made
    beforehand, outside the fragments. ``base`` (optional) draws, right after the paint pause,
    what may wait for the watched chart: other charts (a second picture beside it).

    ``chart_key=None``: nothing charted moves with the knobs (a linear layer's outputs); one
    fragment draws the sliders, then the rest.
    """
    knobs_key, follow_key = panel_fragments(page)
    if chart_key is None or version is None or chart is None:
        st.fragment(_knobs_and_rest, key=knobs_key)(now, sliders, rest)
        return
    panel = _Panel(page, chart_key, now, version, chart, sliders, rest, base)
    if live_charts_available():
        st.fragment(_knobs_and_chart, key=knobs_key)(panel, with_rest=False)
        st.fragment(_follow_the_chart, key=follow_key)(panel)
    else:  # no follower without live charts: the knobs' rerun draws the rest as well
        st.fragment(_knobs_and_chart, key=knobs_key)(panel, with_rest=True)


def _knobs_and_chart(panel: _Panel[State], *, with_rest: bool) -> None:
    state = panel.now()
    # A chart's own request (a layered chart's missing base) reruns both fragments.
    with charts_rerun(panel.fragments):
        panel.chart(state, panel.version(state))
        let_the_browser_paint()
        if panel.base is not None:
            panel.base(state)
    panel.sliders(state)
    if with_rest:
        panel.rest(state)


def _knobs_and_rest(
    now: Callable[[], State], sliders: Callable[[State], None], rest: Callable[[State], None]
) -> None:
    state = now()
    sliders(state)
    rest(state)


def _follow_the_chart(panel: _Panel[State]) -> None:
    state = panel.now()
    shown = panel.version(state)
    panel.rest(state)
    follow_live_chart(
        panel.chart_key,
        shown,
        key=f"{panel.page}_follower",
        current=lambda: panel.version(panel.now()),
        fragments=panel.fragments,
        # A control of the rest (h, a section's marks) changed what the chart shows: the
        # follower's callback reruns the chart's fragment too.
        stale=shown != sent_version(panel.chart_key),
    )
