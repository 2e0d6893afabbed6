"""The knob machine (home lesson): type f, turn the knobs, watch the outputs and Jacobian answer."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import ui
from calculus import Evaluation, VectorFunction
from calculus.narration import knob_machine as words
from ui.knob_machine import (
    HEATMAP_KEY,
    PAGE,
    heatmap_figure,
    moved_parts,
    outputs_text,
    readings_text,
    reasons_at,
    show_exact_jacobian,
    show_nudge_check,
    show_share_and_export,
)
from ui.predict import function_quiz, predict_toggle, question_card

EXAMPLES = [ui.Example(*example) for example in words.EXAMPLES]
VIEWS = ["The exact Jacobian", "Nudge check", "Share and export"]
#: The knobs and outputs on the left, the heatmap on the right.
COLUMNS = [1, 1.7]


def main() -> None:
    st.title("The knob machine")
    ui.idea(
        "A function is a machine with knobs: f: ℝᵐ → ℝⁿ has m knobs (inputs) and n outputs. "
        "Its derivatives — m × n of them, the <b>Jacobian</b> — say how strongly each output "
        "reacts to a small turn of each knob, right where the knobs are set. Type a function, "
        "turn the knobs, and watch."
    )
    predicting = predict_toggle()
    f = ui.function_box(PAGE, default=words.EXERCISE, examples=EXAMPLES)
    if predicting and not question_card(PAGE, function_quiz(f)):  # the answer hidden
        ui.knob_route(PAGE, f.variables, None)  # nothing drawn from the knobs yet
        ui.knob_sliders(PAGE, f.variables)
        return
    # Outside the fragment: what does not move with the knobs is not re-sent on every move.
    # One row, so that on a phone the heading and colour key stay on top of their heatmap.
    left, right = st.columns(COLUMNS, gap="large")
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py). Each area
    # outside the panel's own that a knob's run writes into is one more message on every move:
    # the outputs, on the left, under the sliders (drawn by the page's run, not the knob's);
    # the panel itself, on the right, draws the heatmap, then its readings.
    with left:
        ui.knob_controls(PAGE, f.variables)
        slider_area = st.container(key=f"live_{PAGE}_sliders")
        outputs = st.container(key=f"live_{PAGE}_outputs")
    with right:
        n, m = f.shape
        st.markdown(
            f"**Jacobian heatmap** · {n} × {m}: a row per output, a column per knob. As a "
            f"knob turns up, its output {ui.heatmap_legend_html()}",
            unsafe_allow_html=True,
        )
        heatmap = st.container(key=f"live_{PAGE}_heatmap")
    # One section at a time, chosen by the learner: hidden sections would still be computed
    # and re-sent to the browser on every knob move. Outside the fragments, so a knob move
    # does not redraw the choice; choosing redraws the page.
    ui.check_offered("look", VIEWS)
    view = st.segmented_control(
        "Look closer", VIEWS, default=VIEWS[0], key="look", bind="query-params", width="stretch"
    )
    section = st.container(key=f"live_{PAGE}_section")
    if view == VIEWS[0]:
        with section:  # the formulas do not move with the knobs: drawn once, here
            show_exact_jacobian(f)
    readout = Readout(outputs, section, view)
    # A drag answered without a script run, where all that moves with the knobs is the route's:
    # the heatmap, the outputs and the readings (the nudge check and export need runs).
    moves = functools.partial(moved_parts, f) if view == VIEWS[0] else None
    route = ui.knob_route(PAGE, f.variables, moves if ui.live_charts_available() else None)

    def sliders(now: Setting) -> None:
        with slider_area:
            ui.knob_sliders(PAGE, f.variables, controls=False, point=now.point, route=route)

    with heatmap:  # the panel's own area
        ui.live_panel(
            PAGE,
            now=lambda: setting(f),
            version=lambda now: ui.knob_version(f.text, now.point),
            chart=lambda now, version: ui.live_chart(
                heatmap_figure(f, now.at), key=HEATMAP_KEY, version=version
            ),
            sliders=sliders,
            rest=lambda now: show_readout(f, readout, now.point, now.at),
        )


@dataclass(frozen=True)
class Readout:
    """Where what moves with the knobs is drawn outside the panel's own area (which holds the
    heatmap and its readings): the outputs and the chosen view's section; and that view."""

    outputs: DeltaGenerator
    section: DeltaGenerator
    view: str | None


@dataclass(frozen=True)
class Setting:
    """The knobs where they are now, and f there (values, Jacobian n x m, kink mask)."""

    point: np.ndarray
    at: Evaluation


def setting(f: VectorFunction) -> Setting:
    point = ui.knob_values(PAGE, f.variables)
    return Setting(point, f.at(point))


def show_readout(f: VectorFunction, readout: Readout, point: np.ndarray, at: Evaluation) -> None:
    reasons = reasons_at(f, point, at)
    with readout.outputs:
        ui.live_text(outputs_text(f, at.values, reasons))
    ui.live_text(readings_text(f, at.jacobian, at.kinks, reasons))  # under the heatmap
    text = st.session_state.get(f"{PAGE}_good_text", f.text)
    ui.write_query(
        {"f": text, **ui.knob_query(PAGE, f.variables, point)}, prefix_owned=("k_", "r_")
    )
    if readout.view == VIEWS[1]:
        with readout.section:
            show_nudge_check(f, point)
    elif readout.view == VIEWS[2]:
        with readout.section:
            show_share_and_export(f, point, at.jacobian)


main()
