"""Jacobians of ML layers: fill W, a, y, A, B, C, b with numbers; the general engine finds J."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import streamlit as st

from calculus import ExpressionError
from calculus.layers import (
    LAYER_KINDS,
    MAX_LAYER_SIZE,
    MIN_LAYER_SIZE,
    Layer,
    closed_form_jacobian,
    index_walkthrough,
    layer_function,
    make_layer,
    parameter_shapes,
    pre_activation,
    sigmoid_slope,
)
from calculus.reading import format_number
from ui import (
    heatmap_key,
    idea,
    knob_controls,
    knob_query,
    knob_sliders,
    live_chart,
    setup_page,
    write_query,
)
from ui.layers import (
    PAGE,
    closed_form_text,
    engine_formulas,
    grid_editor,
    grid_to_text,
    knob_labels,
    layer_heatmaps,
    output_labels,
    shape_sentences,
    styled_terms_table,
    take_url_problems,
    terms_latex,
    written_out_latex,
)

#: Sizes a page opens with: a 2 x 3 layer (inner size 2 for A B + C).
DEFAULT_SIZES = {"n": 2, "m": 3, "k": 2}
#: The knobs on the left, the outputs on the right.
COLUMNS = [1, 1.6]
#: |z| above which a sigmoid unit counts as saturated (sigma'(z) < 0.007).
SATURATED_Z = 5.0
#: The parameters shown under each grid, in the chapter's words.
CAPTIONS = {
    ("linear", "W"): "Row i holds the weights of output yᵢ; column j multiplies knob xⱼ.",
    ("dot", "a"): "A column of m numbers; aᵀ x = a₁x₁ + … + aₘxₘ is one number.",
    ("bilinear", "y"): "A fixed column: s = yᵀ A x is linear in x.",
    ("bilinear", "A"): "n × m: yᵀ A is a 1 × m row.",
    ("affine", "A"): "n × k.",
    ("affine", "B"): "k × m.",
    ("affine", "C"): "n × m, the same shape as A B.",
    ("sigmoid", "W"): "The weights: z = W x + b.",
    ("sigmoid", "b"): "The biases, one per output.",
}


def main() -> None:
    setup_page("Jacobians of ML layers")
    st.title("Jacobians of ML layers")
    idea(
        "The layers of a neural network are functions ℝᵐ → ℝⁿ like any other. Fill a layer with "
        "numbers: the page writes it out entry by entry, hands it to the same engine as every "
        "other page, and its Jacobian comes out as <b>W</b>, <b>aᵀ</b>, <b>yᵀ A</b>, "
        "<b>A B + C</b> — the chapter's answers, found by the <i>index method</i>: work out one "
        "entry ∂yᵢ/∂xⱼ with the Kronecker delta, then recognise the whole matrix."
    )
    kind, sizes = choose_layer()
    shapes = parameter_shapes(kind, sizes["n"], sizes["m"], sizes["k"])
    columns, side = grid_columns(shapes)
    layer = fill_layer(kind, sizes, columns)
    for problem in take_url_problems():
        st.warning(problem, icon=":material/link:")
    if layer is None:
        return
    try:
        layer_function(layer)  # differentiate and compile now, once per layer and numbers
    except ExpressionError as problem:  # only if the worker pool is overloaded
        st.error(
            f"The engine could not differentiate this layer: {problem}", icon=":material/error:"
        )
        return
    with side:
        st.markdown(
            f"**What the engine receives.** The layer ${layer.spec.formula}$ written out entry "
            f"by entry from your numbers: an ordinary function ℝ{_sup(layer.n_inputs)} → "
            f"ℝ{_sup(layer.n_outputs)}, like the ones you type on the other pages. The engine "
            "differentiates it without knowing it is a layer."
        )
        st.latex(written_out_latex(layer))
    # Outside the fragment: what does not move with the knobs is not re-sent on every move.
    controls, _ = st.columns(COLUMNS, gap="large")
    with controls:
        knob_controls(PAGE, layer.variables, title=f"Knobs: the input {layer.spec.input_name}")
    moving(layer)
    if layer.spec.linear:
        show_jacobians(layer, None)
        show_walkthrough(layer, None)


#: Room for the grids beside the layer written out, in grid columns (row labels count as one).
SIDE_BY_SIDE_COLUMNS = 7


def grid_columns(shapes: dict[str, tuple[int, int]]) -> tuple[list[Any], Any]:
    """A page column per grid, each as wide as its grid, and one for the layer written out.

    Grids with more columns than SIDE_BY_SIDE_COLUMNS together put the written-out layer below
    them; A B + C puts A and B in one row, C and the written-out layer in the next.
    """
    weights = [shape[1] + 1.2 for shape in shapes.values()]
    if len(shapes) == 3:
        first = st.columns(weights[:2], gap="medium")
        *last, side = st.columns([weights[2], 6], gap="medium")
        return [*first, *last], side
    if sum(shape[1] + 1 for shape in shapes.values()) <= SIDE_BY_SIDE_COLUMNS:
        *grids, side = st.columns([*weights, 6], gap="medium")
        return grids, side
    return st.columns(weights, gap="medium"), st.container()


def _sup(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _size_from_url(name: str, default: int) -> int:
    text = st.query_params.get(name, "")
    if text.isdigit() and MIN_LAYER_SIZE <= int(text) <= MAX_LAYER_SIZE:
        return int(text)
    return default


def choose_layer() -> tuple[str, dict[str, int]]:
    """The layer kind and its sizes n, m (and k), from the widgets (first from the URL)."""
    # Sizes live in shadow keys too: a widget's state is dropped in a run that does not show it
    # (n is hidden for aᵀ x, k for all but A B + C).
    if f"{PAGE}_kind" not in st.session_state:
        wanted = st.query_params.get("layer", "linear")
        st.session_state[f"{PAGE}_kind"] = wanted if wanted in LAYER_KINDS else "linear"
        for name, default in DEFAULT_SIZES.items():
            url_name = "inner" if name == "k" else name
            st.session_state[f"{PAGE}_size_{name}"] = _size_from_url(url_name, default)
    for name in DEFAULT_SIZES:
        if f"{PAGE}_{name}" not in st.session_state:
            st.session_state[f"{PAGE}_{name}"] = st.session_state[f"{PAGE}_size_{name}"]
    kind_column, *size_columns = st.columns([2.2, 1, 1, 1], vertical_alignment="bottom")
    kind = kind_column.selectbox(
        "Layer",
        list(LAYER_KINDS),
        format_func=lambda key: LAYER_KINDS[key].label,
        key=f"{PAGE}_kind",
    )
    spec = LAYER_KINDS[kind]
    labels = {
        "n": "n: length of y" if kind == "bilinear" else "n: outputs",
        "m": f"m: inputs ({spec.input_name})",
        "k": "k: inner size",
    }
    shown = [name for name in ("n", "m", "k") if not (name == "n" and kind == "dot")]
    shown = [name for name in shown if name != "k" or spec.uses_inner_size]
    sizes = {name: int(st.session_state[f"{PAGE}_size_{name}"]) for name in DEFAULT_SIZES}
    for column, name in zip(size_columns, shown, strict=False):
        sizes[name] = int(
            column.number_input(
                labels[name],
                min_value=MIN_LAYER_SIZE,
                max_value=MAX_LAYER_SIZE,
                step=1,
                key=f"{PAGE}_{name}",
            )
        )
        st.session_state[f"{PAGE}_size_{name}"] = sizes[name]
    return kind, sizes


def fill_layer(kind: str, sizes: dict[str, int], columns: Sequence[Any]) -> Layer | None:
    """The grids of the layer's parameters, one per column; the checked layer, or None after
    saying which cell is wrong. Writes the sizes and the numbers to the URL."""
    spec = LAYER_KINDS[kind]
    shapes = parameter_shapes(kind, sizes["n"], sizes["m"], sizes["k"])
    values: dict[str, np.ndarray] = {}
    problems = []
    for column, (name, shape) in zip(columns, shapes.items(), strict=True):
        with column:
            grid, problem = grid_editor(
                name, shape, vector=name in spec.vectors, caption=CAPTIONS.get((kind, name), "")
            )
        if problem is not None:
            problems.append(problem)
        elif grid is not None:
            values[name] = grid
    # A grid with a bad cell keeps its last good numbers in the link.
    kept = {f"g_{p.name}": st.query_params.get(f"g_{p.name}") for p in problems}
    query = {
        "layer": kind,
        "n": str(sizes["n"]),
        "m": str(sizes["m"]),
        "inner": str(sizes["k"]),
        **kept,
        **{f"g_{name}": grid_to_text(grid) for name, grid in values.items()},
    }
    write_query(query, prefix_owned=("g_",))
    if problems:
        for problem in problems:
            st.error(f"{problem.message}.", icon=":material/error:")
        cells = "cell" if len(problems) == 1 else "cells"
        st.info(f"Fix the {cells} above to see the layer's Jacobian.", icon=":material/info:")
        return None
    return make_layer(kind, values)


@st.fragment
def moving(layer: Layer) -> None:
    """The knobs and what moves with them: a knob move reruns only this."""
    left, right = st.columns(COLUMNS, gap="large")
    with left:
        x = knob_sliders(PAGE, layer.variables, controls=False)
    write_query(knob_query(PAGE, layer.variables, x), prefix_owned=("k_", "r_"))
    with right:
        show_outputs(layer, x)
    if not layer.spec.linear:
        show_jacobians(layer, x)
        show_walkthrough(layer, x)


def show_outputs(layer: Layer, x: np.ndarray) -> None:
    values = layer_function(layer).value_at(x)
    names = output_labels(layer)
    st.markdown("**Outputs at these knobs**")
    if layer.kind == "sigmoid":
        z = pre_activation(layer, x)
        slopes = sigmoid_slope(z)
        rows = {
            "output": names,
            "z = W x + b": [format_number(v) for v in z],
            "y = σ(z)": [format_number(v) for v in values],
            "σ′(z)": [format_number(v) for v in slopes],
            "unit": ["saturated" if abs(v) > SATURATED_Z else "active" for v in z],
        }
        st.dataframe(rows, hide_index=True)
        st.caption(
            "σ′(z) = σ(z)(1 − σ(z)) is at most ¼, at z = 0. When |z| is large the unit is "
            "saturated: σ′(z) ≈ 0, so its whole row of the Jacobian fades to 0 — turn the knobs "
            "and watch the heatmap."
        )
    else:
        st.markdown(
            "\n".join(
                f"- {name} = **{format_number(v)}**" for name, v in zip(names, values, strict=True)
            )
        )
        st.caption(
            "The outputs move with the knobs, but the Jacobian below does not: the layer is "
            "linear in its input, and **a linear map's derivative is the map itself**, at every x."
        )


def show_jacobians(layer: Layer, x: np.ndarray | None) -> None:
    """The engine's Jacobian beside the closed form, their difference and the shapes."""
    function = layer_function(layer)
    point = np.zeros(layer.n_inputs) if x is None else x  # linear: the same at every point
    engine = function.jacobian_at(point)
    closed = closed_form_jacobian(layer, point)
    st.subheader("The Jacobian: the general machinery beside the closed form")
    heatmap_key()
    left, right = st.columns(2, gap="medium")
    engine_figure, closed_figure = layer_heatmaps(layer, engine, closed, engine_formulas(function))
    config = {"displaylogo": False}
    with left:
        st.markdown("**From the engine**: J = ∂y/∂x, differentiated entry by entry")
        live_chart(engine_figure, key=f"{PAGE}_heatmap_engine", config=config)
    with right:
        st.markdown(f"**The closed form**: {closed_form_text(layer)}, from the chapter")
        live_chart(closed_figure, key=f"{PAGE}_heatmap_closed", config=config)
    difference = float(np.max(np.abs(engine - closed)))
    n, m = engine.shape
    closed_name = closed_form_text(layer)
    if " " in closed_name:
        closed_name = f"({closed_name})"
    st.markdown(
        f"**J − {closed_name} = 0**: the largest difference between the two is "
        f"**{format_number(difference, 2)}**"
        + (" (rounding only)." if difference else ", exactly.")
        + f" Both are **{n} × {m}**: {n} output{'s' if n > 1 else ''} "
        f"(rows) × {m} knob{'s' if m > 1 else ''} (columns)."
    )
    for sentence in shape_sentences(layer):
        st.markdown(f"- {sentence}")
    if x is not None:
        saturated = int(np.sum(np.abs(pre_activation(layer, x)) > SATURATED_Z))
        if saturated:
            st.markdown(
                f"- {saturated} of {n} unit{'s are' if saturated > 1 else ' is'} saturated "
                f"(|z| > {SATURATED_Z:g}): {'their rows' if saturated > 1 else 'its row'} of J "
                "are nearly 0 — a saturated unit barely passes a gradient back."
            )


def show_walkthrough(layer: Layer, x: np.ndarray | None) -> None:
    """The index method for one entry the learner picks."""
    st.subheader("The index method: one entry, then the whole matrix")
    n, m = layer.n_outputs, layer.n_inputs
    for name, count in (("i", n), ("j", m)):
        key = f"{PAGE}_entry_{name}"
        if st.session_state.get(key, 1) > count:
            st.session_state[key] = 1  # the layer got smaller: fall back to the first entry
    row_column, knob_column, _ = st.columns([1, 1, 2])
    rows, knobs = output_labels(layer), knob_labels(layer)
    i = row_column.selectbox(
        "Output (row i)",
        range(1, n + 1),
        format_func=lambda r: rows[r - 1],
        key=f"{PAGE}_entry_i",
        disabled=n == 1,
    )
    j = knob_column.selectbox(
        "Knob (column j)",
        range(1, m + 1),
        format_func=lambda c: knobs[c - 1],
        key=f"{PAGE}_entry_j",
    )
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
    engine = layer_function(layer).jacobian_at(np.zeros(m) if x is None else x)
    st.markdown(
        f"So J[{i}, {j}] = **{format_number(walk.value)}**, the cell ({rows[i - 1]}, "
        f"{knobs[j - 1]}) of both heatmaps (the engine found "
        f"{format_number(engine[i - 1, j - 1])}). Every entry works the same way, so the "
        f"whole matrix is **{_recognised(layer)}**."
    )


def _recognised(layer: Layer) -> str:
    return {
        "linear": "W",
        "dot": "the row aᵀ",
        "bilinear": "the row yᵀ A",
        "affine": "A B + C",
        "sigmoid": "diag(σ′(z)) W: row i of W times σ′(zᵢ)",
    }[layer.kind]


main()
