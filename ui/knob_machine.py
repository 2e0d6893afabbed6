"""The knob machine's sections under "Look closer": the exact Jacobian, the nudge check and
share and export (the lesson itself is ``pages/0_Knob_machine.py``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from calculus import Evaluation, VectorFunction
from calculus.domain_words import domain_notes, undefined_reasons
from calculus.export import (
    derivative_latex,
    derivative_texts,
    jacobian_csv,
    jacobian_latex,
    output_names,
    partial_latex,
    plain_symbol,
    python_snippet,
    values_latex,
)
from calculus.linearisation import direction, error_curve, nudge
from calculus.reading import determinant_sentence, format_number, sensitivity_sentences
from ui.cache import per_function
from ui.chart_component import chart_data, live_chart
from ui.figures import error_curve_figure, jacobian_heatmap
from ui.knobs import knob_version
from ui.live_text import Run, text_data
from ui.moves_route import Parts
from ui.page import formula
from ui.share import share_link
from ui.url_state import check_offered

PAGE = "knob"
#: The components a knob move redraws (by a script run, or by the moves route).
HEATMAP_KEY = f"{PAGE}_heatmap"
OUTPUTS_KEY = f"{PAGE}_outputs"
READINGS_KEY = f"{PAGE}_readings"
STEPS = [1.0, 0.5, 0.1, 0.05, 0.01, 0.001, 0.0001]


def show_exact_jacobian(f: VectorFunction) -> None:
    st.subheader("The exact Jacobian")
    st.caption(
        "Each entry J[i, j] = ∂yᵢ/∂xⱼ, differentiated exactly. Its values at the knob setting "
        "are in the heatmap's cells (and under Share and export, as LaTeX and CSV)."
    )
    formula(
        lambda: exact_jacobian_latex(f),
        [d for row in f.derivatives for d in row],
        what="This Jacobian",
    )
    for note in domain_notes(f):  # sqrt(x2 x3)^2 is shown as x2 x3: say where that holds
        if note:
            st.caption(note)


@per_function(max_entries=64)
def exact_jacobian_latex(f: VectorFunction) -> str:
    """J typeset, and for at most 4 entries each entry as its own equation: once per function."""
    lines = [rf"J &= {jacobian_latex(f)}"]
    if f.n_outputs * f.n_inputs <= 4:
        lines += [
            rf"{partial_latex(f, i, j)} &= {derivative_latex(f, i, j)}"
            for i in range(f.n_outputs)
            for j in range(f.n_inputs)
        ]
    return r"\begin{aligned}" + r" \\[1.2em] ".join(lines) + r"\end{aligned}"


def show_nudge_check(f: VectorFunction, point: np.ndarray) -> None:
    st.subheader("Nudge check: does the Jacobian predict the change?")
    st.caption(
        "Turn the knobs by a small step dx. The Jacobian predicts each output changes by "
        "J dx; compare with what f actually does."
    )
    choose, size = st.columns(2)
    options = ["every knob", *f.variables]

    def label(option: str) -> str:
        return option if option == "every knob" else f"only {plain_symbol(option)}"

    # The URL holds what the widget shows: the label, not the option.
    check_offered("nudge", [label(option) for option in options])
    check_offered("h", STEPS)
    which = choose.selectbox("Nudge", options, key="nudge", bind="query-params", format_func=label)
    step = size.select_slider("by a step of h =", STEPS, value=0.1, key="h", bind="query-params")
    knob = None if which == "every knob" or which not in f.variables else f.variables.index(which)
    unit = direction(f, knob)
    result = nudge(f, point, step * unit)
    rows = [
        "| output | predicted J dx | actual f(x+dx) − f(x) | error |",
        "| --- | ---: | ---: | ---: |",
    ] + [
        f"| {plain_symbol(y)} | {format_number(p)} | {format_number(a)} | {format_number(e, 2)} |"
        for y, p, a, e in zip(
            output_names(f), result.predicted, result.actual, result.error, strict=True
        )
    ]
    table, plot = st.columns([2, 3], gap="large")
    with table:
        st.markdown("\n".join(rows))
    curve = error_curve(f, point, unit)
    with plot:
        live_chart(error_curve_figure(curve.steps, curve.errors, step), key=f"{PAGE}_error_curve")
    if curve.slope is None:
        st.markdown(
            "The prediction is exact here (errors are round-off only): f changes linearly in "
            "this direction."
        )
    else:
        st.markdown(
            f"On the log-log plot the error falls along a line of slope **{curve.slope:.2f}**: "
            "make the step 10× smaller and the error gets about 100× smaller (error ∝ h²). "
            "That is what it means for J to be the best linear approximation of f."
        )


def show_share_and_export(f: VectorFunction, point: np.ndarray, jacobian: np.ndarray) -> None:
    st.subheader("Share and export")
    link, export = st.columns([2, 3], gap="large")
    with link:
        st.caption("Send this link to open the page exactly as you see it now.")
        share_link(key=f"{PAGE}_share")
    with export:
        latex_tab, csv_tab, python_tab = st.tabs(["LaTeX", "CSV", "Python"])
        with latex_tab:
            st.caption("J, exactly:")
            st.code(jacobian_latex(f), language="latex", wrap_lines=True)
            st.caption("Its values at the knob setting:")
            st.code(values_latex(jacobian), language="latex", wrap_lines=True)
        with csv_tab:
            csv_text = jacobian_csv(f, jacobian)
            st.code(csv_text, language=None)
            st.download_button(
                "Download the values as CSV",
                csv_text,
                file_name="jacobian.csv",
                mime="text/csv",
                key=f"{PAGE}_csv",
            )
        with python_tab:
            st.code(python_snippet(f, point), language="python")


# --- what moves with the knobs: one builder per component, for the page's run and the route ---


def moved_parts(f: VectorFunction, point: np.ndarray) -> Parts:
    """What the heatmap, the outputs and the readings show with the knobs at ``point``: the
    moves route's answer (``ui/moves_route.py``), built as the page's run builds it."""
    at = f.at(point)
    reasons = reasons_at(f, point, at)
    figure = heatmap_figure(f, at)
    return {
        HEATMAP_KEY: chart_data(figure, key=HEATMAP_KEY, version=knob_version(f.text, point)),
        OUTPUTS_KEY: outputs_text(f, at.values, reasons),
        READINGS_KEY: readings_text(f, at.jacobian, at.kinks, reasons),
    }


def reasons_at(f: VectorFunction, point: np.ndarray, at: Evaluation) -> tuple[str | None, ...]:
    """Why each output has no value (√(x₂x₃) needs x₂x₃ ≥ 0): asked only when one has none."""
    return undefined_reasons(f, point) if np.isnan(at.values).any() else ()


def heatmap_figure(f: VectorFunction, at: Evaluation) -> go.Figure:
    n, m = f.shape
    notes = [["kink" if at.kinks[i, j] else "" for j in range(m)] for i in range(n)]
    return jacobian_heatmap(
        at.jacobian,
        [plain_symbol(y) for y in output_names(f)],
        [plain_symbol(x) for x in f.variables],
        derivative_texts(f),
        notes=notes,
    )


def outputs_text(
    f: VectorFunction, values: np.ndarray, reasons: tuple[str | None, ...] = ()
) -> dict[str, Any]:
    lines: list[list[Run]] = []
    for i, (name, value) in enumerate(zip(output_names(f), values.tolist(), strict=True)):
        if math.isnan(value):
            reason = reasons[i] if i < len(reasons) else None
            why = f": {reason}" if reason else ""
            lines.append([(f"{plain_symbol(name)} = ", ""), ("undefined at this setting", "b"),
                          (why, "")])  # fmt: skip
            continue
        lines.append([(f"{plain_symbol(name)} = ", ""), (format_number(value), "b")])
    return text_data(lines, key=OUTPUTS_KEY, heading="Outputs")


def readings_text(
    f: VectorFunction, jacobian: np.ndarray, kinks: np.ndarray, reasons: tuple[str | None, ...]
) -> dict[str, Any]:
    """The heatmap in words: the text equivalent of the chart."""
    names = [plain_symbol(y) for y in output_names(f)]
    sentences = sensitivity_sentences(jacobian, names, [plain_symbol(x) for x in f.variables])
    lines: list[list[Run]] = [[(sentence, "")] for sentence in sentences]
    undefined = [f"{names[i]}: {reason}" for i, reason in enumerate(reasons) if reason]
    if undefined:
        lines.append([(
            "Grey rows: an output that is undefined here has no derivatives either ("
            + "; ".join(undefined)
            + ").", ""
        )])  # fmt: skip
    if kinks.any():
        lines.append([
            ("Grey cells marked ", ""),
            ("kink", "i"),
            (": the function bends sharply here (relu, abs, max at a tie), so that derivative "
             "does not exist — nudge the knob off the kink.", ""),
        ])  # fmt: skip
    elif not undefined and not np.all(np.isfinite(jacobian)):
        lines.append([(
            "Grey cells: that derivative is undefined at this setting (for example √ or ln at 0, "
            "or a division by zero).", ""
        )])  # fmt: skip
    if (det := determinant_sentence(jacobian)) is not None:
        lines.append([(det, "")])
    return text_data(lines, key=READINGS_KEY)
