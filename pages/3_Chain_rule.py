"""The chain rule as paths: the computation as a graph, every path from a knob to an output with
its product of local derivatives, and their sum beside the Jacobian entry computed directly."""

from __future__ import annotations

import numpy as np
import streamlit as st

from calculus import ComputationGraph, ExpressionError, VectorFunction
from calculus.export import plain_symbol
from calculus.graph import LEVELS, GraphTooLarge, Level, Path, likely_typos
from calculus.narration.chain import verdict
from calculus.numbers import power_of_ten_note
from calculus.reading import format_number
from ui import (
    function_box,
    heatmap_key,
    idea,
    jacobian_heatmap,
    knob_controls,
    knob_query,
    knob_sliders,
    live_chart,
    setup_page,
    write_query,
)
from ui.chain import (
    LEVEL_LABELS,
    MODE_LABELS,
    MODES,
    PAGE,
    PRESETS,
    R3_STEPS,
    ChainView,
    Preset,
    cached_chain,
    cached_formula_graph,
    edit_as_steps,
    first_visit,
    graph_depth,
    graph_drawing,
    graph_of,
    load_preset,
    numeric_chain_view,
    partial,
    path_shares_figure,
    path_value,
    paths_table,
    pick,
    roles_caption,
    steps_box,
    steps_latex,
)
from ui.quote import quote

#: The knobs and the choice of entry on the left, the graph on the right (shallow graphs).
COLUMNS = [1.4, 2.4]
DEFAULT_FORMULA = "exp(sin x)"
#: Longest path (in edges) of a graph drawn beside the knobs; deeper ones get the full width.
SIDE_BY_SIDE_DEPTH = 3


# --- the page ------------------------------------------------------------------------------------


def main() -> None:
    setup_page("The chain rule as paths")
    st.title("The chain rule as paths")
    idea(
        "Draw the computation as a graph: the values are nodes, and each operation joins its "
        "inputs to its result with an edge carrying the <b>local derivative</b>. The "
        "sensitivity of an output to a knob is the <b>sum over all paths</b> from the knob to "
        "the output of the <b>product of the local derivatives</b> along each path."
    )
    first_visit()
    source = read_computation()
    if source is None:
        return
    mode, text, level = source
    try:
        graph = graph_of(mode, text, level)
        _ = graph.direct  # compose and differentiate once, here, to catch a refusal
    except ExpressionError as problem:
        st.error(quote(problem.message), icon=":material/error:")
        return
    if graph.knobs:
        # Outside the fragment: what does not move with the knobs is not re-sent on every move.
        controls, _ = st.columns(COLUMNS, gap="large")
        with controls:
            knob_controls(PAGE, graph.knobs)
    explore(graph, mode, text, level)


def read_computation() -> tuple[str, str, Level] | None:
    """The mode radio, the examples menu and the box; returns (mode, text, level) to show."""
    mode_column, menu_column = st.columns([2, 1], vertical_alignment="bottom")
    with mode_column:
        mode = st.radio(
            "Type the computation as",
            MODES,
            format_func=MODE_LABELS.get,
            horizontal=True,
            key=f"{PAGE}_mode",
            help="Named steps, as the chapter writes them (u = x^2, v = ln(x), y = u v), or one "
            "formula that the page cuts into steps for you.",
        )
    with menu_column:
        st.selectbox(
            "Examples from the chapter",
            [preset.label for preset in PRESETS],
            index=None,
            placeholder="Load an example…",
            key=f"{PAGE}_preset",
            on_change=load_preset,
        )
    if mode == "steps":
        graph, text = steps_box(PAGE, default=R3_STEPS)
        show_notice("steps", text)
        st.caption(roles_caption(graph))
        for note in likely_typos(graph.steps):
            st.warning(quote(note), icon=":material/spellcheck:")
        return "steps", text, "operations"
    f = function_box(PAGE, default=DEFAULT_FORMULA, label="Your formula")
    show_notice("formula", f.text)
    state = st.session_state
    if f"{PAGE}_level" not in state:
        state[f"{PAGE}_level"] = state.get(f"{PAGE}_level_saved", "operations")
    level: Level = st.radio(
        "Cut it into",
        LEVELS,
        format_func=LEVEL_LABELS.get,
        horizontal=True,
        key=f"{PAGE}_level",
        help="Whole functions: each call such as sin, exp, √, σ is one value and arithmetic "
        "stays inside a step. Every operation: each sum, product, power and call is a value.",
    )
    state[f"{PAGE}_level_saved"] = level
    try:
        graph = cached_formula_graph(f.text, level)
    except GraphTooLarge as problem:
        message = quote(f"{problem.message}. Here are its totals only: the Jacobian.")
        st.info(message, icon=":material/account_tree:")
        knob_controls(PAGE, f.variables)
        heatmap_key()
        totals_only(f)
        return None
    except ExpressionError as problem:  # a step too large to compile in time
        st.error(quote(problem.message), icon=":material/error:")
        return None
    shown, button = st.columns([4, 1], vertical_alignment="center")
    with shown:
        st.latex(steps_latex(graph))
    with button:
        st.button(
            "Edit these steps",
            key=f"{PAGE}_edit",
            on_click=edit_as_steps,
            args=(graph.text(),),
            help="Copy the steps into the steps box, to rename or change them.",
        )
    st.caption(roles_caption(graph))
    return "formula", f.text, level


def show_notice(mode: str, text: str) -> None:
    notice: Preset | None = st.session_state.get(f"{PAGE}_notice")
    if notice is not None and notice.mode == mode and notice.text == text:
        st.info(f"**{notice.label}.** {notice.notice}", icon=":material/lightbulb:")


@st.fragment
def totals_only(f: VectorFunction) -> None:
    point = knob_sliders(PAGE, f.variables, controls=False)
    outputs = ["y"] if f.n_outputs == 1 else [f"y{i + 1}" for i in range(f.n_outputs)]
    live_chart(
        jacobian_heatmap(
            f.jacobian_at(point),
            [plain_symbol(y) for y in outputs],
            [plain_symbol(x) for x in f.variables],
        ),
        key=f"{PAGE}_totals_only",
        config={"displaylogo": False},
    )


@st.fragment
def explore(graph: ComputationGraph, mode: str, text: str, level: Level) -> None:
    """Everything that moves with the knobs and the choice of entry: only this reruns."""
    if not graph.knobs:
        st.warning("These steps have no knobs: every value is a constant. Use a variable.")
        return
    if graph_depth(graph) <= SIDE_BY_SIDE_DEPTH:
        # A shallow graph fits beside the knobs; a deep one needs the whole width to stay legible.
        controls, drawing = st.columns(COLUMNS, gap="large")
        with controls:
            point = knob_sliders(PAGE, graph.knobs, controls=False)
            st.markdown("**Which derivative?**")
            output = pick("Output", graph.outputs, f"{PAGE}_of")
            knob = pick("Knob", graph.knobs, f"{PAGE}_wrt")
        with drawing:
            picture = st.container()
    else:
        point = knob_sliders(PAGE, graph.knobs, columns=min(len(graph.knobs), 4), controls=False)
        left, right = st.columns(2)
        with left:
            output = pick("Which derivative? Output", graph.outputs, f"{PAGE}_of")
        with right:
            knob = pick("Knob", graph.knobs, f"{PAGE}_wrt")
        picture = st.container()
    values = graph.values_at(point)
    edge_values = graph.edge_values_at(values)
    try:
        chain = cached_chain(mode, text, level, output, knob)
    except ExpressionError as problem:  # the symbolic expansion overran its time limit
        message = quote(f"{problem.message}. The numbers below still add up.")
        st.warning(message, icon=":material/timer:")
        chain = numeric_chain_view(graph, output, knob)
    i, j = graph.outputs.index(output), graph.knobs.index(knob)
    direct_value = float(graph.direct.jacobian_at(point)[i, j])

    st.subheader(f"Every path from {plain_symbol(knob)} to {plain_symbol(output)}")
    on, off, highlight = paths_table(chain, edge_values)
    with picture:
        texts = (mode, text, level)
        graph_drawing(graph, values, edge_values, *texts, knob, output, on, off, highlight)
    compare(graph, chain, point, edge_values, on, direct_value)
    all_totals(graph, point, output, knob)
    write_query(
        {
            "mode": mode,
            "steps": text if mode == "steps" else None,
            "f": text if mode == "formula" else None,
            "level": level if mode == "formula" else None,
            "out": output,
            "wrt": knob,
            **knob_query(PAGE, graph.knobs, point),
        },
        prefix_owned=("k_", "r_"),
    )


def compare(
    graph: ComputationGraph,
    chain: ChainView,
    point: np.ndarray,
    edge_values: dict[tuple[str, str], float],
    on: list[Path],
    direct_value: float,
) -> None:
    """The sum of the paths switched on, beside the Jacobian entry computed directly."""
    output, knob = chain.output, chain.knob
    i, j = graph.outputs.index(output), graph.knobs.index(knob)
    st.subheader("Their sum is the Jacobian entry")
    if chain.total is not None:
        st.latex(rf"\sum_{{\text{{paths}}}} \prod \text{{local derivatives}} = {chain.total}")
    st.latex(
        rf"J_{{{i + 1},{j + 1}}} = {partial(output, knob)} = {chain.direct}"
        r" \quad \text{(computed directly)}"
    )
    if chain.equal is True and chain.paths:
        st.caption("✓ sympy confirms: the sum over the paths and the direct entry are one formula.")
    elif chain.equal is None and chain.paths:
        st.caption("sympy could not decide in time whether the two formulas are the same.")

    if chain.paths is None:
        total = float(graph.totals_at(list(point))[i, j])
        label, off = f"Sum over all {chain.path_count} paths", 0
    else:
        total = float(sum(path_value(p, edge_values) for p in on))
        label = f"Sum of the {len(on)} path{'s' * (len(on) != 1)} switched on"
        off = len(chain.paths) - len(on)
    left, right, said = st.columns(3)
    shown = [format_number(total), format_number(direct_value)]
    left.metric(label, shown[0])
    entry = f"∂{plain_symbol(output)}/∂{plain_symbol(knob)}"
    right.metric(f"Jacobian entry {entry}, computed directly", shown[1])
    kind, sentence = verdict(total, direct_value, off)
    with said:
        if kind == "undefined":
            st.info(sentence, icon=":material/block:")
        elif kind == "equal":
            st.success(sentence)
        else:
            st.warning(sentence, icon=":material/functions:")
    values = [path_value(p, edge_values) for p in chain.paths or ()]
    # The path values above and the metrics here: explain ×10^ once, with the first such number.
    if note := power_of_ten_note([*(format_number(v) for v in values), *shown, sentence]):
        st.caption(note)
    if chain.paths:
        figure = path_shares_figure(
            chain.labels,
            values,
            [p in on for p in chain.paths],
            direct_value,
            title=f"Each path's share of ∂{plain_symbol(output)}/∂{plain_symbol(knob)}",
        )
        live_chart(figure, key=f"{PAGE}_shares", config={"displaylogo": False})


def all_totals(graph: ComputationGraph, point: np.ndarray, output: str, knob: str) -> None:
    if len(graph.outputs) * len(graph.knobs) == 1:
        return
    st.subheader("Every entry is such a sum")
    heatmap_key(
        "The whole Jacobian, computed directly: row = output, column = knob. Pick another "
        "output or knob above to see its paths."
    )
    live_chart(
        jacobian_heatmap(
            graph.direct.jacobian_at(list(point)),
            [plain_symbol(y) for y in graph.outputs],
            [plain_symbol(x) for x in graph.knobs],
        ),
        key=f"{PAGE}_jacobian",
        config={"displaylogo": False},
    )


main()
