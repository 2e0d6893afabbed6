"""The knob machine (home lesson): type f, turn the knobs, watch the outputs and Jacobian answer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from calculus import Evaluation, VectorFunction
from calculus.domain_words import undefined_reasons
from calculus.export import (
    derivative_texts,
    output_names,
    plain_symbol,
)
from calculus.reading import determinant_sentence, format_number, sensitivity_sentences
from ui import (
    Example,
    check_offered,
    function_box,
    heatmap_legend_html,
    idea,
    jacobian_heatmap,
    knob_controls,
    knob_query,
    knob_sliders,
    knob_values,
    knob_version,
    live_chart,
    live_panel,
    write_query,
)
from ui.knob_machine import (
    PAGE,
    show_exact_jacobian,
    show_nudge_check,
    show_share_and_export,
)
from ui.predict import function_quiz, predict_toggle, question_card

HEATMAP_KEY = f"{PAGE}_heatmap"
EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"
EXAMPLES = [
    Example("The chapter's R³ → R³ exercise", EXERCISE,
            "f = h(g(x)) with g = (x1² x2², √(x2 x3)) and h(u, v) = (u², u v, v²). Find ∂y2/∂x2 "
            "in the heatmap: it adds two paths, through u and through v."),
    Example("The loss x² + 4x − 2", "x^2 + 4x - 2",
            "f'(x) = 2x + 4: negative left of x = −2, zero at the minimum x = −2, positive right "
            "of it. Drag x across −2 and watch the cell change colour."),
    Example("y = x²", "x^2", "One knob, one output, one path: dy/dx = 2x."),
    Example("exp(sin x)", "exp(sin x)",
            "A chain through u = sin x: dy/dx = e^(sin x) · cos x. It is 0 where cos x is."),
    Example("x² ln x (two paths)", "x^2 ln x",
            "u = x², v = ln x, y = u v: two paths give v·2x + u·(1/x) = 2x ln x + x, the "
            "product rule. Undefined for x ≤ 0."),
    Example("x1 x2² (partials)", "x1 x2^2",
            "Turn one knob, hold the other: ∂y/∂x1 = x2², ∂y/∂x2 = 2 x1 x2. Together: the "
            "gradient."),
    Example("(x², √x): a 2 × 1 Jacobian", "x^2, sqrt(x)",
            "Two outputs, one knob: J is a column [2x, 1/(2√x)]ᵀ. √x has no derivative at 0."),
    Example("A linear layer W x", "2x1 - x2 + 0.5x3, -x1 + 3x2, x1 + x2 - x3",
            "J = W, the matrix of coefficients, at every knob setting: a linear map is its own "
            "derivative."),
    Example("A neuron sigmoid(w x + b)", "sigmoid(w x + b)",
            "∂y/∂w = x σ'(z): how a network learns w. Push w x + b far from 0 and every "
            "derivative fades: the neuron saturates."),
    Example("A two-output model (softplus, relu)", "softplus(2x - y), relu(x + y - 1)",
            "relu bends where x + y = 1: there its derivatives do not exist, and the heatmap "
            "says so."),
]  # fmt: skip
VIEWS = ["The exact Jacobian", "Nudge check", "Share and export"]
#: The knobs and outputs on the left, the heatmap on the right.
COLUMNS = [1, 1.7]


def main() -> None:
    st.title("The knob machine")
    idea(
        "A function is a machine with knobs: f: ℝᵐ → ℝⁿ has m knobs (inputs) and n outputs. "
        "Its derivatives — m × n of them, the <b>Jacobian</b> — say how strongly each output "
        "reacts to a small turn of each knob, right where the knobs are set. Type a function, "
        "turn the knobs, and watch."
    )
    predicting = predict_toggle()
    f = function_box(PAGE, default=EXERCISE, examples=EXAMPLES)
    if predicting and not question_card(PAGE, function_quiz(f)):  # the answer hidden
        knob_sliders(PAGE, f.variables)
        return
    # Outside the fragment: what does not move with the knobs is not re-sent on every move.
    controls, heading = st.columns(COLUMNS, gap="large")
    with controls:
        knob_controls(PAGE, f.variables)
    with heading:
        n, m = f.shape
        st.markdown(
            f"**Jacobian heatmap** · {n} × {m}: a row per output, a column per knob. As a "
            f"knob turns up, its output {heatmap_legend_html()}",
            unsafe_allow_html=True,
        )
    left, right = st.columns(COLUMNS, gap="large")
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py).
    with left:
        sliders = st.container(key=f"live_{PAGE}_sliders")
        outputs = st.container(key=f"live_{PAGE}_outputs")
    with right:
        heatmap = st.container(key=f"live_{PAGE}_heatmap")
        readings = st.container(key=f"live_{PAGE}_readings")
    # One section at a time, chosen by the learner: hidden sections would still be computed
    # and re-sent to the browser on every knob move. Outside the fragments, so a knob move
    # does not redraw the choice; choosing redraws the page.
    check_offered("look", VIEWS)
    view = st.segmented_control(
        "Look closer", VIEWS, default=VIEWS[0], key="look", bind="query-params", width="stretch"
    )
    section = st.container(key=f"live_{PAGE}_section")
    if view == VIEWS[0]:
        with section:  # the formulas do not move with the knobs: drawn once, here
            show_exact_jacobian(f)
    readout = Readout(outputs, readings, section, view)

    def chart(now: Setting, version: str) -> None:
        with heatmap:
            show_heatmap(f, now.at.jacobian, now.at.kinks, version)

    def knobs(_now: Setting) -> None:
        with sliders:
            knob_sliders(PAGE, f.variables, controls=False)

    live_panel(
        PAGE,
        chart_key=HEATMAP_KEY,
        now=lambda: setting(f),
        version=lambda now: knob_version(f.text, now.point),
        chart=chart,
        sliders=knobs,
        rest=lambda now: show_readout(f, readout, now.point, now.at),
    )


@dataclass(frozen=True)
class Readout:
    """Where what moves with the knobs, besides the heatmap, is drawn; and the chosen view."""

    outputs: DeltaGenerator
    readings: DeltaGenerator
    section: DeltaGenerator
    view: str | None


@dataclass(frozen=True)
class Setting:
    """The knobs where they are now, and f there (values, Jacobian n x m, kink mask)."""

    point: np.ndarray
    at: Evaluation


def setting(f: VectorFunction) -> Setting:
    point = knob_values(PAGE, f.variables)
    return Setting(point, f.at(point))


def show_readout(f: VectorFunction, readout: Readout, point: np.ndarray, at: Evaluation) -> None:
    jacobian = at.jacobian
    # Why an output has no value (√(x₂x₃) needs x₂x₃ ≥ 0): asked only when one has none.
    reasons = undefined_reasons(f, point) if np.isnan(at.values).any() else ()
    with readout.outputs:
        show_outputs(output_names(f), at.values, reasons)
    with readout.readings:
        show_readings(f, jacobian, at.kinks, reasons)
    text = st.session_state.get(f"{PAGE}_good_text", f.text)
    write_query({"f": text, **knob_query(PAGE, f.variables, point)}, prefix_owned=("k_", "r_"))
    if readout.view == VIEWS[1]:
        with readout.section:
            show_nudge_check(f, point)
    elif readout.view == VIEWS[2]:
        with readout.section:
            show_share_and_export(f, point, jacobian)


def show_outputs(
    outputs: list[str], values: np.ndarray, reasons: tuple[str | None, ...] = ()
) -> None:
    lines = ["**Outputs**", ""]  # one element: each element costs the browser a redraw per move
    for i, (name, value) in enumerate(zip(outputs, values, strict=True)):
        if np.isnan(value):
            reason = reasons[i] if i < len(reasons) else None
            why = f": {reason}" if reason else ""
            lines.append(f"- {plain_symbol(name)} = **undefined at this setting**{why}")
            continue
        lines.append(f"- {plain_symbol(name)} = **{format_number(value)}**")
    st.markdown("\n".join(lines))


def show_heatmap(f: VectorFunction, jacobian: np.ndarray, kinks: np.ndarray, version: str) -> None:
    n, m = f.shape
    notes = [["kink" if kinks[i, j] else "" for j in range(m)] for i in range(n)]
    figure = jacobian_heatmap(
        jacobian,
        [plain_symbol(y) for y in output_names(f)],
        [plain_symbol(x) for x in f.variables],
        derivative_texts(f),
        notes=notes,
    )
    live_chart(figure, key=HEATMAP_KEY, version=version)


def show_readings(
    f: VectorFunction, jacobian: np.ndarray, kinks: np.ndarray, reasons: tuple[str | None, ...]
) -> None:
    """The heatmap in words: the text equivalent of the chart."""
    names = [plain_symbol(y) for y in output_names(f)]
    sentences = sensitivity_sentences(jacobian, names, [plain_symbol(x) for x in f.variables])
    undefined = [f"{names[i]}: {reason}" for i, reason in enumerate(reasons) if reason]
    if undefined:
        sentences.append(
            "Grey rows: an output that is undefined here has no derivatives either ("
            + "; ".join(undefined)
            + ")."
        )
    if kinks.any():
        sentences.append(
            "Grey cells marked *kink*: the function bends sharply here (relu, abs, max at a tie), "
            "so that derivative does not exist — nudge the knob off the kink."
        )
    elif not undefined and not np.all(np.isfinite(jacobian)):
        sentences.append(
            "Grey cells: that derivative is undefined at this setting (for example √ or ln at 0, "
            "or a division by zero)."
        )
    if (det := determinant_sentence(jacobian)) is not None:
        sentences.append(det)
    st.markdown("\n".join(f"- {s}" for s in sentences))


main()
