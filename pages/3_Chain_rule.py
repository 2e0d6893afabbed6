"""The chain rule as paths: the computation as a graph, every path from a knob to an output with
its product of local derivatives, and their sum beside the Jacobian entry computed directly."""

from __future__ import annotations

import numpy as np
import streamlit as st

from calculus import ComputationGraph, ExpressionError, VectorFunction, graph_from_formula
from calculus.export import plain_symbol
from calculus.graph import (
    LEVELS,
    MAX_DRAWN_NODES,
    MAX_PATHS,
    GraphTooLarge,
    Level,
    Path,
    likely_typos,
)
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
    PRESETS,
    R3_STEPS,
    ChainView,
    Preset,
    cached_steps_graph,
    chain_view,
    edge_texts,
    graph_depth,
    graph_dot,
    numeric_chain_view,
    partial,
    path_shares_figure,
    preset_by_label,
    steps_box,
    steps_latex,
)
from ui.knobs import knob_range
from ui.url_state import query_text

PAGE = "chain"
#: The knobs and the choice of entry on the left, the graph on the right (shallow graphs).
COLUMNS = [1.4, 2.4]
DEFAULT_FORMULA = "exp(sin x)"
#: Longest path (in edges) of a graph drawn beside the knobs; deeper ones get the full width.
SIDE_BY_SIDE_DEPTH = 3
#: A path sum and the directly computed entry agree to rounding when within this.
SAME_RTOL = 1e-9


# --- state ---------------------------------------------------------------------------------------


def apply_preset(preset: Preset) -> None:
    """Load a chapter example: its input, where to look, and its knob setting."""
    state = st.session_state
    state[f"{PAGE}_mode"] = preset.mode
    if preset.mode == "steps":
        state[f"{PAGE}_steps"] = preset.text
    else:
        state[f"{PAGE}_text"] = preset.text
        state[f"{PAGE}_level"] = state[f"{PAGE}_level_saved"] = preset.level
    for key, value in ((f"{PAGE}_of", preset.output), (f"{PAGE}_wrt", preset.knob)):
        if value is not None:
            state[key] = value
    for name, value in preset.knobs.items():
        clamped = knob_range(PAGE, name).clamp(value)
        state[f"{PAGE}_knob_{name}"] = clamped
    state[f"{PAGE}_notice"] = preset


def load_preset() -> None:
    preset = preset_by_label(st.session_state.get(f"{PAGE}_preset"))
    if preset is not None:
        apply_preset(preset)
    st.session_state[f"{PAGE}_preset"] = None


def edit_as_steps(text: str) -> None:
    st.session_state[f"{PAGE}_mode"] = "steps"
    st.session_state[f"{PAGE}_steps"] = text


def first_visit() -> None:
    """Read the URL once per visit; with no link state, open on the chapter's big exercise."""
    state = st.session_state
    if f"{PAGE}_started" in state:
        return
    state[f"{PAGE}_started"] = True
    mode = query_text("mode")
    if mode not in MODES:
        if query_text("steps") is None and query_text("f") is None:
            apply_preset(PRESETS[0])
            state.pop(f"{PAGE}_notice", None)  # the idea above already says it
            return
        mode = "formula" if query_text("steps") is None else "steps"
    state[f"{PAGE}_mode"] = mode
    level = query_text("level")
    state[f"{PAGE}_level_saved"] = level if level in LEVELS else "operations"
    for key, param in ((f"{PAGE}_of", "out"), (f"{PAGE}_wrt", "wrt")):
        if (value := query_text(param)) is not None:
            state[key] = value


# --- caches --------------------------------------------------------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_formula_graph(text: str, level: Level) -> ComputationGraph:
    return graph_from_formula(text, level)


def graph_of(mode: str, text: str, level: Level) -> ComputationGraph:
    return cached_steps_graph(text) if mode == "steps" else cached_formula_graph(text, level)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_edge_texts(mode: str, text: str, level: Level) -> dict[tuple[str, str], str]:
    return edge_texts(graph_of(mode, text, level))


@st.cache_resource(max_entries=256, show_spinner="Multiplying along the paths…")
def cached_chain(mode: str, text: str, level: Level, output: str, knob: str) -> ChainView:
    graph = graph_of(mode, text, level)
    return chain_view(graph, graph.chain_rule(output, knob))


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
        st.error(problem.message, icon=":material/error:")
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
            st.warning(note, icon=":material/spellcheck:")
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
        st.info(
            f"{problem.message}. Here are its totals only: the Jacobian.",
            icon=":material/account_tree:",
        )
        knob_controls(PAGE, f.variables)
        heatmap_key()
        totals_only(f)
        return None
    except ExpressionError as problem:  # a step too large to compile in time
        st.error(problem.message, icon=":material/error:")
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


def roles_caption(graph: ComputationGraph) -> str:
    """'Knobs (used, never defined): x₁, x₂ · values: u, v · outputs: y₁, y₂'."""

    def names(items: tuple[str, ...] | list[str]) -> str:
        return ", ".join(plain_symbol(n) for n in items) or "none"

    inner = [s.name for s in graph.steps if s.name not in graph.outputs]
    return (
        f"Knobs (used, never defined): {names(graph.knobs)} · intermediate values: "
        f"{names(inner)} · outputs: {names(graph.outputs)}"
    )


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


def pick(label: str, options: tuple[str, ...], key: str) -> str:
    # Written back every run: a keyed radio whose options changed (another graph) shows no
    # selection in the browser unless its value is set anew.
    value = st.session_state.get(key)
    st.session_state[key] = value if value in options else options[0]
    return st.radio(label, options, format_func=plain_symbol, horizontal=True, key=key)


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
        st.warning(f"{problem.message}. The numbers below still add up.", icon=":material/timer:")
        chain = numeric_chain_view(graph, output, knob)
    i, j = graph.outputs.index(output), graph.knobs.index(knob)
    direct_value = float(graph.direct.jacobian_at(point)[i, j])

    st.subheader(f"Every path from {plain_symbol(knob)} to {plain_symbol(output)}")
    on, off, highlight = paths_table(chain, edge_values)
    with picture:
        draw(graph, values, edge_values, mode, text, level, knob, output, on, off, highlight)
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


def paths_table(
    chain: ChainView, edge_values: dict[tuple[str, str], float]
) -> tuple[list[Path], list[Path], Path | None]:
    """One row per path: a switch, its chain of local derivatives, its value. Returns the paths
    switched on and off, and the one to highlight."""
    if chain.paths is None:
        st.info(
            f"{chain.path_count} paths lead from {plain_symbol(chain.knob)} to "
            f"{plain_symbol(chain.output)}: too many to list (the limit is {MAX_PATHS}). "
            "Their sum is still computed below, without listing them: each value's sensitivity "
            "is the sum over its incoming edges of local derivative × the sensitivity of the "
            "edge's start (forward-mode differentiation).",
            icon=":material/account_tree:",
        )
        return [], [], None
    if not chain.paths:
        st.markdown(
            f"No path leads from {plain_symbol(chain.knob)} to {plain_symbol(chain.output)}: "
            f"{plain_symbol(chain.output)} does not depend on {plain_symbol(chain.knob)}, so the "
            "sum is empty and the derivative is 0."
        )
        return [], [], None
    # One key per entry and number of paths: a keyed radio whose options change under it shows
    # no selection in the browser, although the server still has one.
    key = f"{PAGE}_highlight_{chain.output}_{chain.knob}_{len(chain.paths)}"
    indices = list(range(len(chain.paths)))
    if st.session_state.get(key) not in indices:
        st.session_state[key] = 0
    chooser = st.radio if len(indices) <= 6 else st.selectbox
    highlighted = chooser(
        "Highlight in the graph",
        indices,
        format_func=lambda k: chain.labels[k],
        key=key,
        **({"horizontal": True} if chooser is st.radio else {}),
    )
    st.caption("Switch a path off to see its share of the total.")
    on: list[Path] = []
    off: list[Path] = []
    for k, path in enumerate(chain.paths):
        switch, number = st.columns([4, 1], vertical_alignment="center")
        with switch:
            kept = st.checkbox(chain.labels[k], value=True, key=f"{PAGE}_on_{'-'.join(path)}")
        with number:
            shown = format_number(_path_value(path, edge_values))
            st.markdown(f"= **{shown}**" if kept else f"= ~~{shown}~~ (off)")
        st.latex(chain.path_formulas[k])
        (on if kept else off).append(path)
    return on, off, chain.paths[highlighted] if highlighted is not None else None


def _path_value(path: Path, edge_values: dict[tuple[str, str], float]) -> float:
    return float(ComputationGraph.path_value(path, edge_values))


def draw(
    graph: ComputationGraph,
    values: dict[str, float],
    edge_values: dict[tuple[str, str], float],
    mode: str,
    text: str,
    level: Level,
    knob: str,
    output: str,
    on: list[Path],
    off: list[Path],
    highlight: Path | None,
) -> None:
    if graph.too_large_to_draw:
        st.info(
            f"This computation has {len(graph.nodes)} values: too many to draw readably (the "
            f"limit is {MAX_DRAWN_NODES}). Its paths and totals are below.",
            icon=":material/account_tree:",
        )
        return
    dot = graph_dot(
        graph,
        values,
        edge_values,
        texts=cached_edge_texts(mode, text, level),
        knob=knob,
        output=output,
        paths_on=on,
        paths_off=off,
        highlight=highlight,
    )
    st.graphviz_chart(dot, width="stretch")
    st.caption(
        "Knobs (blue) on the left, outputs (amber) on the right; each node shows its value, each "
        "edge its local derivative and that derivative's value (a long one names the value it "
        "leads to: h·(1 − h) for σ'). Red: the highlighted path; blue: the other paths switched "
        "on; dashed: paths switched off."
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
        label = f"Sum over all {chain.path_count} paths"
        all_on = True
    else:
        total = float(sum(_path_value(p, edge_values) for p in on))
        label = f"Sum of the {len(on)} path{'s' * (len(on) != 1)} switched on"
        all_on = len(on) == len(chain.paths)
    left, right, verdict = st.columns(3)
    left.metric(label, format_number(total))
    entry = f"∂{plain_symbol(output)}/∂{plain_symbol(knob)}"
    right.metric(f"Jacobian entry {entry}, computed directly", format_number(direct_value))
    with verdict:
        if not (np.isfinite(total) and np.isfinite(direct_value)):
            st.info(
                "**Undefined here**: a value or a local derivative on the way does not exist at "
                "this knob setting (a root or log of a negative, a division by zero, a kink).",
                icon=":material/block:",
            )
        elif abs(total - direct_value) <= SAME_RTOL * max(1.0, abs(direct_value)):
            st.success("**✓ Equal**" + ("" if all_on else ": the paths switched off add 0 here"))
        else:
            st.warning(
                f"**Not equal**: the paths switched off carry "
                f"{format_number(direct_value - total)}. Switch them back on.",
                icon=":material/functions:",
            )
    if chain.paths:
        values = [_path_value(p, edge_values) for p in chain.paths]
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
