"""The chain rule as paths: the computation as a graph, every path from a knob to an output with
its product of local derivatives, and their sum beside the Jacobian entry computed directly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import ui
from calculus import ComputationGraph, ExpressionError, VectorFunction
from calculus.export import plain_symbol
from calculus.graph import LEVELS, GraphTooLarge, Level, likely_typos
from ui.chain import (
    GRAPH_CAPTION,
    KNOB,
    LEVEL,
    LEVEL_LABELS,
    MODE,
    MODE_LABELS,
    MODES,
    OUTPUT,
    PAGE,
    PRESETS,
    R3_STEPS,
    PathRows,
    Preset,
    cached_chain,
    cached_formula_graph,
    compare_formulas,
    compare_numbers,
    edit_as_steps,
    first_visit,
    graph_base_for,
    graph_depth,
    graph_of,
    load_preset,
    numeric_chain_view,
    path_switches,
    pick,
    roles_caption,
    show_path_values,
    steps_box,
    steps_latex,
    too_large_to_draw,
)
from ui.chain_graph import graph_figure
from ui.predict import chain_quiz, predict_toggle, question_card
from ui.quote import quote

#: The knobs and the choice of entry on the left, the graph on the right (shallow graphs).
COLUMNS = [1.4, 2.4]
DEFAULT_FORMULA = "exp(sin x)"
#: Longest path (in edges) of a graph drawn beside the knobs; deeper ones get the full width.
SIDE_BY_SIDE_DEPTH = 3
GRAPH_KEY = f"{PAGE}_graph"
#: Charts' modebars without the logo; the graph is a picture (no zoom, no hover: cheaper too).
PLAIN = {"displaylogo": False}
STILL = {**PLAIN, "staticPlot": True}


# --- the page ------------------------------------------------------------------------------------


def main() -> None:
    st.title("The chain rule as paths")
    ui.idea(
        "Draw the computation as a graph: the values are nodes, and each operation joins its "
        "inputs to its result with an edge carrying the <b>local derivative</b>. The "
        "sensitivity of an output to a knob is the <b>sum over all paths</b> from the knob to "
        "the output of the <b>product of the local derivatives</b> along each path."
    )
    first_visit()
    predicting = predict_toggle()
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
    hidden = predicting and not question_card(PAGE, chain_quiz(graph))
    explore(graph, mode, text, level, hidden)


def read_computation() -> tuple[str, str, Level] | None:
    """The mode radio, the examples menu and the box; returns (mode, text, level) to show."""
    mode_column, menu_column = st.columns([2, 1], vertical_alignment="bottom")
    with mode_column:
        MODE.seed()
        mode = st.radio(
            "Type the computation as",
            MODES,
            format_func=MODE_LABELS.get,
            horizontal=True,
            key=MODE.key,
            help="Named steps, as the chapter writes them (u = x^2, v = ln(x), y = u v), or one "
            "formula that the page cuts into steps for you.",
        )
    with menu_column:
        ui.example_menu(
            [preset.label for preset in PRESETS],
            key=f"{PAGE}_preset",
            on_change=load_preset,
            label="Examples from the chapter",
        )
    if mode == "steps":
        graph, text = steps_box(PAGE, default=R3_STEPS)
        show_notice("steps", text)
        st.caption(roles_caption(graph))
        for note in likely_typos(graph.steps):
            st.warning(quote(note), icon=":material/spellcheck:")
        return "steps", text, "operations"
    f = ui.function_box(PAGE, default=DEFAULT_FORMULA, label="Your formula")
    show_notice("formula", f.text)
    LEVEL.seed()
    level: Level = st.radio(
        "Cut it into",
        LEVELS,
        format_func=LEVEL_LABELS.get,
        horizontal=True,
        key=LEVEL.key,
        help="Whole functions: each call such as sin, exp, √, σ is one value and arithmetic "
        "stays inside a step. Every operation: each sum, product, power and call is a value.",
    )
    try:
        graph = cached_formula_graph(f.text, level)
    except GraphTooLarge as problem:
        message = quote(f"{problem.message}. Here are its totals only: the Jacobian.")
        st.info(message, icon=":material/account_tree:")
        ui.knob_controls(PAGE, f.variables)
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


def totals_only(f: VectorFunction) -> None:
    """The Jacobian alone, moving with the knobs (for a formula too large for a graph)."""
    sliders = st.container(key=f"live_{PAGE}_sliders")
    ui.heatmap_key()  # with its heatmap, below the knobs
    heatmap = st.container()
    outputs = ["y"] if f.n_outputs == 1 else [f"y{i + 1}" for i in range(f.n_outputs)]

    def chart(point: np.ndarray, version: str) -> None:
        figure = ui.jacobian_heatmap(
            f.jacobian_at(point),
            [plain_symbol(y) for y in outputs],
            [plain_symbol(x) for x in f.variables],
        )
        ui.live_chart(figure, key=f"{PAGE}_totals_only", version=version, config=PLAIN)

    def knobs(point: np.ndarray) -> None:
        with sliders:
            ui.knob_sliders(PAGE, f.variables, controls=False, point=point)

    with heatmap:  # the panel's own area
        ui.live_panel(
            PAGE,
            now=lambda: ui.knob_values(PAGE, f.variables),
            version=lambda point: ui.knob_version(f.text, point),
            chart=chart,
            sliders=knobs,
            rest=lambda _point: None,
        )


@dataclass(frozen=True)
class Now:
    """The knobs where they are now, and every node's and edge's value there."""

    point: np.ndarray
    values: dict[str, float]
    edge_values: dict[tuple[str, str], float]


def explore(graph: ComputationGraph, mode: str, text: str, level: Level, hidden: bool) -> None:
    """The graph, the paths and their sum: what does not move with the knobs is drawn here,
    once; the live panel fills the rest on every knob move, the graph first."""
    if not graph.knobs:
        st.warning("These steps have no knobs: every value is a constant. Use a variable.")
        return
    # Outside the knobs' reruns: what does not move with the knobs is not re-sent on every move.
    controls, _ = st.columns(COLUMNS, gap="large")
    with controls:
        ui.knob_controls(PAGE, graph.knobs)
    if graph_depth(graph) <= SIDE_BY_SIDE_DEPTH:
        # A shallow graph fits beside the knobs; a deep one needs the whole width to stay legible.
        controls, drawing = st.columns(COLUMNS, gap="large")
        with controls:
            sliders = st.container(key=f"live_{PAGE}_sliders")
            st.markdown("**Which derivative?**")
            output = pick("Output", OUTPUT, graph.outputs)
            knob = pick("Knob", KNOB, graph.knobs)
        with drawing:
            picture = st.container(key=f"live_{PAGE}_graph")
    else:
        sliders = st.container(key=f"live_{PAGE}_sliders")
        left, right = st.columns(2)
        with left:
            output = pick("Which derivative? Output", OUTPUT, graph.outputs)
        with right:
            knob = pick("Knob", KNOB, graph.knobs)
        picture = st.container(key=f"live_{PAGE}_graph")
    try:
        chain = cached_chain(graph, output, knob)
    except ExpressionError as problem:  # the symbolic expansion overran its time limit
        message = quote(f"{problem.message}. The numbers below still add up.")
        st.warning(message, icon=":material/timer:")
        chain = numeric_chain_view(graph, output, knob)

    if hidden:  # predict mode: the graph and the knobs only, until the learner has answered
        rows, sums = PathRows([], [], None, []), None
    else:
        st.subheader(f"Every path from {plain_symbol(knob)} to {plain_symbol(output)}")
        rows = path_switches(chain)
        compare_formulas(graph, chain)
        sums = st.container(key=f"live_{PAGE}_sums")
    i, j = graph.outputs.index(output), graph.knobs.index(knob)
    with picture:
        if graph.too_large_to_draw:
            too_large_to_draw(graph)
            drawing = st.container()
        else:
            drawing = st.container(key=f"live_{PAGE}_drawing_scrolls")
            st.caption(GRAPH_CAPTION)
            base = graph_base_for(graph, chain, rows)
    totals = None
    if not (hidden or graph.too_large_to_draw) and len(graph.outputs) * len(graph.knobs) > 1:
        st.subheader("Every entry is such a sum")
        ui.heatmap_key(
            "The whole Jacobian, computed directly: row = output, column = knob. Pick another "
            "output or knob above to see its paths."
        )
        totals = st.container()
    # What the graph shows besides the knobs: a change of it is a new version of the chart.
    shown = "|".join([mode, text, level, output, knob, repr(rows.on), repr(rows.highlight)])

    def now() -> Now:
        point = ui.knob_values(PAGE, graph.knobs)
        values = graph.values_at(point)
        return Now(point, values, graph.edge_values_at(values))

    def chart(now: Now, version: str) -> None:
        with drawing:
            if graph.too_large_to_draw:  # the Jacobian is the chart that moves first
                all_totals(graph, now.point, version)
            else:
                figure = graph_figure(base, now.values, now.edge_values)
                ui.live_chart(figure, key=GRAPH_KEY, version=version, config=STILL)

    def knobs(now: Now) -> None:
        columns = None if graph_depth(graph) <= SIDE_BY_SIDE_DEPTH else min(len(graph.knobs), 4)
        with sliders:
            ui.knob_sliders(PAGE, graph.knobs, columns=columns, controls=False, point=now.point)

    def rest(now: Now) -> None:
        if sums is not None:
            show_path_values(chain, rows, now.edge_values)
            direct_value = float(graph.direct.jacobian_at(now.point)[i, j])
            with sums:
                compare_numbers(graph, chain, now.point, now.edge_values, rows.on, direct_value)
        if totals is not None:
            with totals:
                all_totals(graph, now.point)
        ui.write_query(
            {
                **MODE.query(mode),
                "steps": text if mode == "steps" else None,
                "f": text if mode == "formula" else None,
                **LEVEL.query(level if mode == "formula" else None),
                **OUTPUT.query(output),
                **KNOB.query(knob),
                **ui.knob_query(PAGE, graph.knobs, now.point),
            },
            prefix_owned=("k_", "r_"),
        )

    ui.live_panel(
        PAGE,
        now=now,
        version=lambda now: ui.knob_version(shown, now.point),
        chart=chart,
        sliders=knobs,
        rest=rest,
    )


def all_totals(graph: ComputationGraph, point: np.ndarray, version: str | None = None) -> None:
    ui.live_chart(
        ui.jacobian_heatmap(
            graph.direct.jacobian_at(list(point)),
            [plain_symbol(y) for y in graph.outputs],
            [plain_symbol(x) for x in graph.knobs],
        ),
        key=f"{PAGE}_jacobian",
        version=version,
        config=PLAIN,
    )


main()
