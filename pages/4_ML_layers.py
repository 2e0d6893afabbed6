"""Jacobians of ML layers: fill W, a, y, A, B, C, b with numbers; the general engine finds J."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import ui
from calculus import ExpressionError
from calculus.layers import (
    Layer,
    closed_form_jacobian,
    index_walkthrough,
    layer_function,
    parameter_shapes,
    pre_activation,
    sigmoid_slope,
)
from calculus.narration.layers import (
    CLOSED_FORM_TEXT,
    comparison_sentence,
    entry_sentence,
    saturation_sentence,
    shape_sentences,
    unit_state,
)
from calculus.numbers import power_of_ten_note
from calculus.reading import format_number, superscript
from ui.layers import (
    PAGE,
    engine_formulas,
    entry_choice,
    fill_layer,
    grid_columns,
    knob_labels,
    layer_choice,
    layer_heatmaps,
    output_labels,
    styled_terms_table,
    take_url_problems,
    terms_latex,
    written_out_latex,
)
from ui.predict import layer_quiz, predict_toggle, question_card
from ui.quote import quote

#: The knobs on the left, the outputs on the right.
COLUMNS = [1, 1.6]
#: The heatmap a knob move is about: the engine's Jacobian (the closed form's follows it).
ENGINE_KEY = f"{PAGE}_heatmap_engine"
HEATMAP_CONFIG = {"displaylogo": False}


def main() -> None:
    st.title("Jacobians of ML layers")
    ui.idea(
        "The layers of a neural network are functions ℝᵐ → ℝⁿ like any other. Fill a layer with "
        "numbers: the page writes it out entry by entry, hands it to the same engine as every "
        "other page, and its Jacobian comes out as <b>W</b>, <b>aᵀ</b>, <b>yᵀ A</b>, "
        "<b>A B + C</b> — the chapter's answers, found by the <i>index method</i>: work out one "
        "entry ∂yᵢ/∂xⱼ with the Kronecker delta, then recognise the whole matrix."
    )
    predicting = predict_toggle()
    kind, sizes = layer_choice()
    shapes = parameter_shapes(kind, sizes["n"], sizes["m"], sizes["k"])
    columns, side = grid_columns(shapes)
    layer = fill_layer(kind, sizes, columns)
    for problem in take_url_problems():
        st.warning(quote(problem), icon=":material/link:")
    if layer is None:
        return
    try:
        layer_function(layer)  # differentiate and compile now, once per layer and numbers
    except ExpressionError as problem:  # only if the worker pool is overloaded
        st.error(
            quote(f"The engine could not differentiate this layer: {problem}"),
            icon=":material/error:",
        )
        return
    with side:
        st.markdown(
            f"**What the engine receives.** The layer ${layer.spec.formula}$ written out entry "
            f"by entry from your numbers: an ordinary function ℝ{superscript(layer.n_inputs)} → "
            f"ℝ{superscript(layer.n_outputs)}, like the ones you type on the other pages. The "
            "engine differentiates it without knowing it is a layer."
        )
        st.latex(written_out_latex(layer))
    if predicting and not question_card(PAGE, layer_quiz(layer)):
        ui.knob_sliders(PAGE, layer.variables, controls=False)  # the answer hidden until given
        return
    # Outside the fragments: what does not move with the knobs is not re-sent on every move.
    controls, _ = st.columns(COLUMNS, gap="large")
    with controls:
        ui.knob_controls(PAGE, layer.variables, title=f"Knobs: the input {layer.spec.input_name}")
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py).
    with st.container(key=f"live_{PAGE}"):
        left, right = st.columns(COLUMNS, gap="large")
        sliders, outputs = left.container(), right.container()
        areas = Areas(sliders, outputs, *jacobian_areas(layer.kind))
        if layer.spec.linear:  # a linear map's Jacobian is the same at every x: drawn once
            show_jacobians(layer, None, areas)
            show_walkthrough(layer, None)
            ui.live_panel(PAGE, now=lambda: Now(layer), sliders=areas.sliders_of,
                       rest=lambda now: show_outputs(layer, now.x, areas))  # fmt: skip
            return
        ui.live_panel(
            PAGE,
            now=lambda: Now(layer),
            version=lambda now: now.version,
            chart=lambda now, version: show_heatmap(now, areas.engine, "engine", version),
            base=lambda now: show_heatmap(now, areas.closed, "closed", None),
            sliders=areas.sliders_of,
            rest=lambda now: show_moving(now, areas),
        )


class Now:
    """The knobs as they stand (read before the sliders are drawn) and the Jacobians there,
    computed when first asked for."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.x = ui.knob_values(PAGE, layer.variables)
        self.version = ui.knob_version(f"{layer.kind}#{hash(layer.key()):x}", self.x)

    @functools.cached_property
    def jacobians(self) -> tuple[np.ndarray, np.ndarray]:
        """(from the engine, the closed form) at the knobs, each outputs x m."""
        engine = layer_function(self.layer).jacobian_at(self.x)
        return engine, closed_form_jacobian(self.layer, self.x)

    @functools.cached_property
    def heatmaps(self) -> dict[str, Any]:
        engine, closed = self.jacobians
        formulas = engine_formulas(layer_function(self.layer))
        figures = layer_heatmaps(self.layer, engine, closed, formulas)
        return dict(zip(("engine", "closed"), figures, strict=True))


@dataclass(frozen=True)
class Areas:
    """Where the live panel draws: the sliders and the outputs beside them, then the two
    Jacobians' heatmaps (from the engine, the closed form) and the sentences under them."""

    sliders: DeltaGenerator
    outputs: DeltaGenerator
    engine: DeltaGenerator
    closed: DeltaGenerator
    words: DeltaGenerator

    def sliders_of(self, now: Now) -> None:
        with self.sliders:
            ui.knob_sliders(PAGE, now.layer.variables, controls=False, point=now.x)


def show_moving(now: Now, areas: Areas) -> None:
    """What follows the heatmap: the outputs, the Jacobians' sentences, the index method."""
    show_outputs(now.layer, now.x, areas)
    with areas.words:
        jacobian_words(now.layer, now.x, *now.jacobians)
    show_walkthrough(now.layer, now.x)


def show_heatmap(now: Now, area: DeltaGenerator, which: str, version: str | None) -> None:
    with area:
        ui.live_chart(now.heatmaps[which], key=f"{PAGE}_heatmap_{which}", config=HEATMAP_CONFIG,
                   version=version)  # fmt: skip


def show_outputs(layer: Layer, x: np.ndarray, areas: Areas) -> None:
    ui.write_query(ui.knob_query(PAGE, layer.variables, x), prefix_owned=("k_", "r_"))
    with areas.outputs:
        show_output_values(layer, x)


def show_output_values(layer: Layer, x: np.ndarray) -> None:
    values = layer_function(layer).value_at(x)
    names = output_labels(layer)
    st.markdown("**Outputs at these knobs**")
    if layer.kind == "sigmoid":
        z = pre_activation(layer, x)
        rows = {
            "output": names,
            "z = W x + b": [format_number(v) for v in z],
            "y = σ(z)": [format_number(v) for v in values],
            "σ′(z)": [format_number(v) for v in sigmoid_slope(z)],
            "unit": [unit_state(v) for v in z],
        }
        st.dataframe(rows, hide_index=True)
        st.caption(
            "σ′(z) = σ(z)(1 − σ(z)) is at most ¼, at z = 0. When |z| is large the unit is "
            "saturated: σ′(z) ≈ 0, so its whole row of the Jacobian fades to 0 — turn the knobs "
            "and watch the heatmap."
        )
        shown = [text for column in rows.values() for text in column]
    else:
        shown = [format_number(v) for v in values]
        st.markdown("\n".join(f"- {name} = **{v}**" for name, v in zip(names, shown, strict=True)))
        st.caption(
            "The outputs move with the knobs, but the Jacobian below does not: the layer is "
            "linear in its input, and **a linear map's derivative is the map itself**, at every x."
        )
    if note := power_of_ten_note(shown):
        st.caption(note)


def jacobian_areas(kind: str) -> tuple[DeltaGenerator, DeltaGenerator, DeltaGenerator]:
    """The Jacobians' heading and the places of their heatmaps (outside the fragments)."""
    st.subheader("The Jacobian: the general machinery beside the closed form")
    ui.heatmap_key()
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**From the engine**: J = ∂y/∂x, differentiated entry by entry")
        engine = st.container()
    with right:
        st.markdown(f"**The closed form**: {CLOSED_FORM_TEXT[kind]}, from the chapter")
        closed = st.container()
    return engine, closed, st.container()


def show_jacobians(layer: Layer, x: np.ndarray | None, areas: Areas) -> None:
    """The engine's Jacobian beside the closed form, their difference and the shapes."""
    now = Now(layer)
    if x is None:  # linear: the same at every point
        now.x = np.zeros(layer.n_inputs)
    show_heatmap(now, areas.engine, "engine", None)
    show_heatmap(now, areas.closed, "closed", None)
    with areas.words:
        jacobian_words(layer, x, *now.jacobians)


def jacobian_words(
    layer: Layer, x: np.ndarray | None, engine: np.ndarray, closed: np.ndarray
) -> None:
    sentence = comparison_sentence(layer, engine, closed)
    st.markdown(sentence)
    for line in shape_sentences(layer):
        st.markdown(f"- {line}")
    if x is not None and (saturated := saturation_sentence(pre_activation(layer, x))):
        st.markdown(f"- {saturated}")
    if note := power_of_ten_note([sentence]):
        st.caption(note)


def show_walkthrough(layer: Layer, x: np.ndarray | None) -> None:
    """The index method for one entry the learner picks."""
    st.subheader("The index method: one entry, then the whole matrix")
    i, j = entry_choice(layer)
    walk = index_walkthrough(layer, i, j, x)
    knob = layer.spec.input_name
    st.markdown(
        f"Write the output as a sum over an index k. Differentiating {knob}ₖ by {knob}ⱼ gives the "
        "**Kronecker delta** δₖⱼ (1 if k = j, else 0): in the sum, the delta keeps exactly the "
        "terms with k = j."
    )
    for step in walk.steps:
        st.latex(step)
    st.markdown(walk.note)
    st.markdown("**With your numbers** (kept terms boxed):")
    st.latex(terms_latex(walk))
    st.dataframe(styled_terms_table(walk), hide_index=True)
    engine = layer_function(layer).jacobian_at(np.zeros(layer.n_inputs) if x is None else x)
    labels = (output_labels(layer)[i - 1], knob_labels(layer)[j - 1])
    st.markdown(entry_sentence(layer, i, j, walk.value, float(engine[i - 1, j - 1]), labels))


main()
