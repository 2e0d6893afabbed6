"""The chain-rule page's builders: presets, plain and LaTeX text, the edges' labels, the paths'
shares as a figure (all pure), and the steps box, the paths' switches and the graph (Streamlit).

The graph is a live plotly chart laid out once per graph (``ui/chain_graph.py``); plotly cannot
typeset LaTeX in a graph's labels, so node and edge labels are plain Unicode (``2x₁x₂²``,
``√(x₂x₃)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import sympy as sp
from streamlit.delta_generator import DeltaGenerator

from calculus import ExpressionError
from calculus.domain_words import plain_formula as plain_expr
from calculus.export import plain_symbol, symbol_latex
from calculus.graph import (
    LEVELS,
    MAX_DRAWN_NODES,
    MAX_PATHS,
    ChainRule,
    ComputationGraph,
    Edge,
    Level,
    Path,
    PathTerm,
    StepsError,
    graph_from_formula,
    graph_from_steps,
    textbook_derivative,
)
from calculus.limits import MAX_TEXT_LENGTH
from calculus.narration.chain import (
    no_path_sentence,
    power_rule_sentence,
    roles_sentence,
    symbol_notes,
    too_many_paths_sentence,
    verdict,
)
from calculus.narration.pictures import path_shares_description
from calculus.numbers import power_of_ten_note
from calculus.reading import format_number
from ui.cache import per_function
from ui.chain_graph import HIGHLIGHT, GraphBase, edge_styles, graph_base
from ui.chart_component import live_chart
from ui.figures import FONT, describe
from ui.function_box import error_excerpt
from ui.knobs import set_knobs
from ui.quote import quote
from ui.url_state import UrlParam, query_text

Mode = str  # "steps" or "formula"
MODES: tuple[str, ...] = ("steps", "formula")
MODE_LABELS = {"steps": "Named steps", "formula": "One formula"}
LEVEL_LABELS = {"functions": "whole functions", "operations": "every operation"}

#: Edge labels up to this long are shown as the derivative is; longer ones name the edge's end
#: value where they repeat it.
SHORT_LABEL = 16
#: Longest plain label on an edge before it is cut with "…" (the graph stays readable).
MAX_EDGE_LABEL = 36
#: Nodes of a local derivative beyond which its edge label is not printed at all.
MAX_LABEL_NODES = 120
#: Longest LaTeX shown for one formula; longer ones are summarised (KaTeX slows on huge input).
MAX_LATEX = 1500
#: Nodes of a formula beyond which it is not even printed (printing costs ~0.1 ms a node).
MAX_LATEX_NODES = 600

# Colours of the paths' shares: red for the Jacobian entry, as for the highlighted path.
POSITIVE, NEGATIVE, TOTAL = "#b2182b", "#2166ac", "#374151"


# --- presets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """An example from the chapter: how it is typed, where to look, and what to notice."""

    label: str
    mode: Mode
    text: str
    notice: str
    level: Level = "operations"
    output: str | None = None
    knob: str | None = None
    knobs: Mapping[str, float] = field(default_factory=dict)


R3_STEPS = "u = x1^2 x2^2\nv = sqrt(x2 x3)\ny1 = u^2\ny2 = u v\ny3 = v^2"
PRESETS: tuple[Preset, ...] = (
    Preset(
        "The R³ → R³ exercise: ∂y2/∂x2",
        "steps",
        R3_STEPS,
        "g = (x1² x2², √(x2 x3)) feeds h(u, v) = (u², u v, v²). From x2 to y2 there are two "
        "paths, through u and through v: ∂y2/∂x2 = v · 2x1²x2 + u · x3/(2√(x2 x3)).",
        output="y2",
        knob="x2",
        knobs={"x1": 1.0, "x2": 2.0, "x3": 2.0},
    ),
    Preset(
        "u = x², v = ln x, y = u v: the product rule",
        "steps",
        "u = x^2\nv = ln(x)\ny = u v",
        "Two paths from x to y: v · 2x through u, and u · 1/x through v. Their sum "
        "2x ln x + x is the product rule (u v)' = u' v + u v'. Below x = 0, ln x is undefined.",
        output="y",
        knob="x",
        knobs={"x": 2.0},
    ),
    Preset(
        "A two-layer network: backpropagation",
        "steps",
        "h = sigmoid(w1 x + b1)\ny = w2 h + b2",
        "Every weight is a knob. ∂y/∂w1 has one path, w1 → h → y: w2 · x σ'(w1 x + b1). "
        "Backpropagation computes exactly these products, starting from the output.",
        output="y",
        knob="w1",
        knobs={"x": 1.0, "w1": 0.5, "b1": 0.0, "w2": 2.0, "b2": 0.0},
    ),
    Preset(
        "y = x²: one path",
        "formula",
        "x^2",
        "One knob, one output, one edge: the whole chain rule is dy/dx = 2x.",
        output="y",
        knob="x",
        knobs={"x": 1.5},
    ),
    Preset(
        "exp(sin x): a path through u = sin x",
        "formula",
        "exp(sin x)",
        "dy/dx = dy/du · du/dx = exp(u) · cos x = exp(sin x) cos x: one path, two factors.",
        level="functions",
        output="y",
        knob="x",
        knobs={"x": 0.5},
    ),
    Preset(
        "x1 x2²: one path per knob",
        "formula",
        "x1 x2^2",
        "Every operation gets its own value: u1 = x2², y = u1 x1. ∂y/∂x2 = x1 · 2x2 along "
        "x2 → u1 → y; ∂y/∂x1 = x2² along the single edge x1 → y.",
        output="y",
        knob="x2",
        knobs={"x1": 1.0, "x2": 2.0},
    ),
    Preset(
        "(x², √x): two outputs",
        "formula",
        "x^2, sqrt(x)",
        "Two outputs, one knob: the Jacobian is the column (2x, 1/(2√x)). Each entry has its "
        "own path. √x has no derivative at 0.",
        output="y2",
        knob="x",
        knobs={"x": 1.0},
    ),
)


def preset_by_label(label: str | None) -> Preset | None:
    return next((preset for preset in PRESETS if preset.label == label), None)


# --- plain text (for the graph) -----------------------------------------------------------------


def shorten(text: str, limit: int = MAX_EDGE_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_label(path: Path) -> str:
    """``('x2', 'u', 'y2')`` -> ``x₂ → u → y₂``."""
    return " → ".join(plain_symbol(name) for name in path)


# --- the graph's labels ----------------------------------------------------------------------


def edge_texts(graph: ComputationGraph) -> dict[tuple[str, str], str]:
    """Each edge's local derivative as plain text (computed once per graph).

    A long label is written with the edge's own end value where the derivative repeats it:
    h = σ(w₁x + b₁) has dh/dw₁ = x·σ(w₁x + b₁)·(1 − σ(w₁x + b₁)), shown as h·x·(1 − h), as
    backpropagation writes it.
    """
    texts = {}
    for edge in graph.edges:
        if _node_count_exceeds(edge.derivative, MAX_LABEL_NODES):
            texts[(edge.source, edge.target)] = "(a long formula)"
            continue
        text = plain_expr(edge.derivative)
        if len(text) > SHORT_LABEL:
            step = graph.step_of[edge.target]
            compact = edge.derivative.xreplace({step.expression: step.symbol})
            text = min(text, plain_expr(compact), key=len)
        texts[(edge.source, edge.target)] = text
    return texts


def graph_depth(graph: ComputationGraph) -> int:
    """The number of edges on the longest path: how many columns the drawing has, minus one."""
    depth = dict.fromkeys(graph.knobs, 0)
    for step in graph.steps:
        depth[step.name] = 1 + max((depth[name] for name in step.inputs), default=-1)
    return max(depth.values(), default=0)


# --- LaTeX ---------------------------------------------------------------------------------------


def _node_count_exceeds(expr: sp.Expr, limit: int) -> bool:
    return next(islice(sp.preorder_traversal(expr), limit, None), None) is not None


def latex(expr: sp.Expr, limit: int = MAX_LATEX) -> str:
    """``sp.latex`` with a guard: a formula too long to read is summarised.

    The size is checked by counting nodes (stopping at the limit) before printing, since printing
    a huge expression would hold the server's interpreter for seconds.
    """
    if _node_count_exceeds(expr, MAX_LATEX_NODES):
        return r"\text{(a formula too long to show)}"
    text = sp.latex(expr, ln_notation=True)  # ln x, as the chapter writes it
    if len(text) > limit:
        return rf"\text{{(a formula of {len(text)} LaTeX characters: too long to show)}}"
    return text


def partial(output: str, knob: str) -> str:
    """``\\frac{\\partial y_{2}}{\\partial x_{2}}``."""
    return rf"\frac{{\partial {symbol_latex(output)}}}{{\partial {symbol_latex(knob)}}}"


def steps_latex(graph: ComputationGraph) -> str:
    """The steps as an aligned block, ``u &= x^{2} \\\\ y &= u v``."""
    rows = [rf"{symbol_latex(s.name)} &= {latex(s.expression)}" for s in graph.steps]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def _factor_latex(expr: sp.Expr) -> str:
    text = latex(expr)
    if isinstance(expr, sp.Add) or (expr.could_extract_minus_sign() and expr != -1):
        return rf"\left({text}\right)"
    return text


def path_latex(path: Path, edges: Sequence[Edge]) -> str:
    """``∂y/∂u · ∂u/∂x = (factor)(factor)``: the chain rule written along one path,
    output side first as the chapter writes it."""
    names = " ".join(partial(e.target, e.source) for e in reversed(edges))
    return f"{names} = {_factors_latex(edges)}"


# --- the paths' shares as a figure --------------------------------------------------------------


def path_shares_figure(
    labels: Sequence[str],
    values: Sequence[float],
    on: Sequence[bool],
    direct: float,
    *,
    title: str | None = None,
) -> go.Figure:
    """A waterfall: each path switched on adds its product to the running sum; paths switched
    off add nothing. The last bar is the sum; a dashed line marks the Jacobian entry computed
    directly, so with every path on the sum ends exactly on it.

    Traces: 'paths' (the waterfall). Undefined values are drawn as 0 and labelled 'undefined'.
    """
    pairs = list(zip(values, on, strict=True))
    shown = [float(v) if flag and np.isfinite(v) else 0.0 for v, flag in pairs]
    text = [format_number(float(v)) if flag else "off" for v, flag in pairs]
    total = float(np.sum([v for v, flag in pairs if flag]))
    waterfall = go.Waterfall(
        name="paths",
        orientation="h",
        y=[*labels, "sum of the paths on"],
        x=[*shown, 0.0],
        measure=[*(["relative"] * len(labels)), "total"],
        text=[*text, format_number(total)],
        textposition="outside",
        cliponaxis=False,
        increasing={"marker": {"color": POSITIVE}},
        decreasing={"marker": {"color": NEGATIVE}},
        totals={"marker": {"color": TOTAL}},
        connector={"line": {"color": "#9ca3af", "dash": "dot", "width": 1}},
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    # The layout goes to the constructor with the line written out as a shape: add_vline and
    # update_layout cost ~40-100 ms a call, and this figure is rebuilt on every knob move.
    shapes, notes = [], []
    if np.isfinite(direct):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": float(direct),
                "x1": float(direct),
                "y0": 0,
                "y1": 1,
                "line": {"color": HIGHLIGHT, "dash": "dash", "width": 2},
            }
        )
        notes.append(
            {
                "x": float(direct),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"Jacobian entry {format_number(float(direct))}",
                "font": {"color": HIGHLIGHT, "size": 12},
            }
        )
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 14}} if title else None,
        "shapes": shapes,
        "annotations": notes,
        "height": 150 + 34 * (len(labels) + 1),
        "margin": {"l": 10, "r": 40, "t": 60 if title else 40, "b": 10},
        "font": FONT,
        "plot_bgcolor": "white",
        "showlegend": False,
        # automargin: room for the path labels, which the margin of 10 px would clip.
        "yaxis": {"autorange": "reversed", "type": "category", "automargin": True},
        "xaxis": {
            "gridcolor": "#e5e7eb",
            "zerolinecolor": "#6b7280",
            "title": {"text": "value"},
            "automargin": True,
        },
    }
    figure = go.Figure(data=[waterfall], layout=layout)
    return describe(figure, path_shares_description(labels, values, on, direct))


# --- the steps box (Streamlit) ------------------------------------------------------------------


def text_index(text: str, line: int | None, column: int | None) -> int | None:
    """The 1-based position in ``text`` of ``column`` on ``line`` (for ``error_excerpt``)."""
    if line is None or column is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    return sum(len(earlier) + 1 for earlier in lines[: line - 1]) + column


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_steps_graph(text: str) -> ComputationGraph:
    """The graph of a steps text, built once per text for the whole server."""
    return graph_from_steps(text)


def steps_box(page: str, default: str) -> tuple[ComputationGraph, str]:
    """A box for steps, one per line, that behaves like the function box: a refused text shows
    the message (with the line) and the last steps that worked stay on screen.

    State: ``{page}_steps`` (the box), ``{page}_good_steps``, URL ``steps``.
    Returns the graph and its text.
    """
    key, good_key = f"{page}_steps", f"{page}_good_steps"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(good_key) or query_text("steps") or default
    text = st.text_area(
        "Your steps, one per line",
        key=key,
        height=140,
        max_chars=MAX_TEXT_LENGTH,
        help="Name each value and say how it is computed, one per line or separated by commas: "
        "u = x^2, v = ln(x), y = u v. "
        "Names used but never defined are the knobs; values no step uses are the outputs "
        "(and every name starting with y).",
    )
    try:
        graph = cached_steps_graph(text or "")
    except ExpressionError as problem:
        st.error(quote(problem.message), icon=":material/error:")
        line = problem.line if isinstance(problem, StepsError) else None
        excerpt = error_excerpt(text or "", text_index(text or "", line, problem.column))
        if excerpt:
            st.code(excerpt, language=None)
        fallback = st.session_state.get(good_key) or default
        try:
            graph = cached_steps_graph(fallback)
        except ExpressionError:  # a stale good text from an older version of the rules
            fallback = default
            graph = cached_steps_graph(default)
        st.caption("Still showing the last steps that worked:")
        return graph, fallback
    st.session_state[good_key] = text
    return graph, text or ""


# --- the page's state (Streamlit) --------------------------------------------------------------

PAGE = "chain"
#: The page's settings in the link. The level's radio is not drawn in steps mode: its value is
#: kept meanwhile (url_state.keep). Output and knob are checked against the graph shown.
MODE = UrlParam("mode", f"{PAGE}_mode", "steps", options=MODES)
LEVEL: UrlParam[Level] = UrlParam("level", f"{PAGE}_level", "operations", options=LEVELS)
NO_SUCH_NAME = "these steps have no such name"
OUTPUT: UrlParam[str | None] = UrlParam("out", f"{PAGE}_of", None, refused=NO_SUCH_NAME)
KNOB: UrlParam[str | None] = UrlParam("wrt", f"{PAGE}_wrt", None, refused=NO_SUCH_NAME)


def apply_preset(preset: Preset) -> None:
    """Load a chapter example: its input, where to look, and its knob setting."""
    state = st.session_state
    MODE.set(preset.mode)
    if preset.mode == "steps":
        state[f"{PAGE}_steps"] = preset.text
    else:
        state[f"{PAGE}_text"] = preset.text
        LEVEL.set(preset.level)
    for param, value in ((OUTPUT, preset.output), (KNOB, preset.knob)):
        if value is not None:
            param.set(value)
    set_knobs(PAGE, preset.knobs)
    state[f"{PAGE}_notice"] = preset


def load_preset() -> None:
    preset = preset_by_label(st.session_state.get(f"{PAGE}_preset"))
    if preset is not None:
        apply_preset(preset)
    st.session_state[f"{PAGE}_preset"] = None


def edit_as_steps(text: str) -> None:
    MODE.set("steps")
    st.session_state[f"{PAGE}_steps"] = text


def first_visit() -> None:
    """Read the URL once per visit; with no link state, open on the chapter's big exercise."""
    state = st.session_state
    if f"{PAGE}_started" in state:
        return
    state[f"{PAGE}_started"] = True
    mode = MODE.from_link()
    if mode is None:
        if query_text("steps") is None and query_text("f") is None:
            apply_preset(PRESETS[0])
            state.pop(f"{PAGE}_notice", None)  # the idea above already says it
            return
        mode = "formula" if query_text("steps") is None else "steps"
    MODE.set(mode)
    LEVEL.current()  # the link's level, kept for when the formula mode is chosen


# --- caches --------------------------------------------------------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_formula_graph(text: str, level: Level) -> ComputationGraph:
    return graph_from_formula(text, level)


def graph_of(mode: str, text: str, level: Level) -> ComputationGraph:
    return cached_steps_graph(text) if mode == "steps" else cached_formula_graph(text, level)


@per_function(max_entries=64)
def cached_edge_texts(graph: ComputationGraph) -> dict[tuple[str, str], str]:
    return edge_texts(graph)


@per_function(max_entries=256, spinner="Multiplying along the paths…")
def cached_chain(graph: ComputationGraph, output: str, knob: str) -> ChainView:
    return chain_view(graph, graph.chain_rule(output, knob))


def pick(label: str, param: UrlParam[str | None], options: tuple[str, ...]) -> str:
    """A radio over ``options`` (names, shown typeset) for the output or the knob; a stale or
    hostile value falls back to the first option (a link's is said, see UrlParam.seed)."""
    param.seed(options)
    return st.radio(label, options, format_func=plain_symbol, horizontal=True, key=param.key)


def roles_caption(graph: ComputationGraph) -> str:
    """'Knobs (used, never defined): x₁, x₂ · intermediate values: u, v · outputs: y₁, y₂'."""

    def shown(names: Sequence[str]) -> list[str]:
        return [quote(plain_symbol(name)) for name in names]  # the learner's names

    inner = [s.name for s in graph.steps if s.name not in graph.outputs]
    return roles_sentence(shown(graph.knobs), shown(inner), shown(graph.outputs))


# --- the paths and the graph (Streamlit) ---------------------------------------------------------


@dataclass(frozen=True)
class PathRows:
    """The paths' switches as chosen (drawn once per choice) and where each path's value goes."""

    on: list[Path]
    off: list[Path]
    highlight: Path | None
    values: list[DeltaGenerator]


def path_switches(chain: ChainView) -> PathRows:
    """One row per path: a switch, its chain of local derivatives, and a place for its value
    (:func:`show_path_values` fills it, as the knobs move). Outside the knobs' reruns: a switch
    or the highlight redraws the whole page, graph included."""
    if chain.paths is None:
        knob, output = plain_symbol(chain.knob), plain_symbol(chain.output)
        sentence = too_many_paths_sentence(knob, output, chain.path_count, MAX_PATHS)
        st.info(sentence, icon=":material/account_tree:")
        return PathRows([], [], None, [])
    if not chain.paths:
        st.markdown(no_path_sentence(plain_symbol(chain.knob), plain_symbol(chain.output)))
        return PathRows([], [], None, [])
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
    rows = PathRows([], [], chain.paths[highlighted] if highlighted is not None else None, [])
    for k, path in enumerate(chain.paths):
        switch, number = st.columns([4, 1], vertical_alignment="center")
        with switch:
            kept = st.checkbox(chain.labels[k], value=True, key=f"{PAGE}_on_{'-'.join(path)}")
        rows.values.append(number.container(key=f"live_{PAGE}_path_{k}"))
        st.latex(chain.path_formulas[k])
        (rows.on if kept else rows.off).append(path)
    for note in chain.notes:
        st.caption(note)
    return rows


def show_path_values(
    chain: ChainView, rows: PathRows, edge_values: dict[tuple[str, str], float]
) -> None:
    """Each path's product of local derivatives at the knobs, struck through when off."""
    for path, place in zip(chain.paths or (), rows.values, strict=False):
        shown = format_number(path_value(path, edge_values))
        place.markdown(f"= **{shown}**" if path in rows.on else f"= ~~{shown}~~ (off)")


def path_value(path: Path, edge_values: dict[tuple[str, str], float]) -> float:
    return float(ComputationGraph.path_value(path, edge_values))


@per_function(max_entries=64)
def cached_graph_base(graph: ComputationGraph, knob: str, output: str, styles: tuple) -> GraphBase:
    """The graph's layout and all it shows but the values: once per graph and choice of paths."""
    texts = cached_edge_texts(graph)
    return graph_base(graph, texts, knob=knob, output=output, styles=dict(styles))


def graph_base_for(graph: ComputationGraph, chain: ChainView, rows: PathRows) -> GraphBase:
    """The cached drawing of ``graph`` with ``rows``' paths coloured."""
    styles = edge_styles(graph, rows.on, rows.off, rows.highlight)
    return cached_graph_base(graph, chain.knob, chain.output, tuple(sorted(styles.items())))


def too_large_to_draw(graph: ComputationGraph) -> None:
    st.info(
        f"This computation has {len(graph.nodes)} values: too many to draw readably (the "
        f"limit is {MAX_DRAWN_NODES}). Here is its whole Jacobian; its paths are below.",
        icon=":material/account_tree:",
    )


GRAPH_CAPTION = (
    "Knobs (blue) on the left, outputs (amber) on the right; each node shows its value, each "
    "edge its local derivative and that derivative's value (a long one names the value it "
    "leads to: h·(1 − h) for σ'). Red: the highlighted path; blue: the other paths switched "
    "on; dashed: paths switched off. Wide graphs scroll sideways."
)


# --- their sum (Streamlit) ----------------------------------------------------------------------


def compare_formulas(graph: ComputationGraph, chain: ChainView) -> None:
    """The sum of the paths as a formula, beside the Jacobian entry computed directly."""
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


def compare_numbers(
    graph: ComputationGraph,
    chain: ChainView,
    point: np.ndarray,
    edge_values: dict[tuple[str, str], float],
    on: list[Path],
    direct_value: float,
) -> None:
    """The sum of the paths switched on, beside the Jacobian entry, at the knobs."""
    output, knob = chain.output, chain.knob
    i, j = graph.outputs.index(output), graph.knobs.index(knob)
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


# --- one entry's chain rule, ready to show ------------------------------------------------------


@dataclass(frozen=True)
class ChainView:
    """What the page shows for d output / d knob, as text (built once per graph and pair).

    ``paths`` is None when there are too many to list (``path_count`` says how many).
    """

    output: str
    knob: str
    path_count: int
    paths: tuple[Path, ...] | None
    labels: tuple[str, ...]
    path_formulas: tuple[str, ...]
    total: str | None
    direct: str
    equal: bool | None
    notes: tuple[str, ...] = ()


def chapter_factor(graph: ComputationGraph, edge: Edge) -> sp.Expr:
    """The edge's local derivative as the chapter writes it (see ``textbook_derivative``)."""
    step = graph.step_of[edge.target]
    return textbook_derivative(step.expression, sp.Symbol(edge.source, real=True))


def _factors_latex(edges: Sequence[Edge], factors: Sequence[sp.Expr] | None = None) -> str:
    """The local derivatives along a path, output side first: ``v \\cdot 2 x_{1}^{2} x_{2}``."""
    factors = [e.derivative for e in edges] if factors is None else factors
    return r" \cdot ".join(_factor_latex(f) for f in reversed(factors))


def _chain_along(graph: ComputationGraph, term: PathTerm) -> str:
    """``∂y/∂u ∂u/∂x = (the chapter's factors) = (the engine's factors) = (product in the
    knobs)`` for one path; a form equal to the one before it is not repeated."""
    edges = graph.path_edges(term.path)
    names = " ".join(partial(e.target, e.source) for e in reversed(edges))
    chapter = [chapter_factor(graph, e) for e in edges]
    forms = [names, _factors_latex(edges, chapter), _factors_latex(edges), latex(term.in_knobs)]
    return " = ".join(dict.fromkeys(forms))  # drop a repeated form, keep the order


def _notes(graph: ComputationGraph, chain: ChainRule) -> tuple[str, ...]:
    """The power rule written two ways (where it is) and the symbols the chapter never explains,
    for the edges on the paths and the formulas shown."""
    edges = {edge for term in chain.terms or () for edge in graph.path_edges(term.path)}
    rewritten = []
    for edge in sorted(edges, key=lambda e: (e.target, e.source)):
        chapter = chapter_factor(graph, edge)
        if chapter != edge.derivative:
            name = f"∂{plain_symbol(edge.target)}/∂{plain_symbol(edge.source)}"
            # The names are the learner's: quoted, as every text of theirs in a message.
            chapter_text, engine_text = plain_expr(chapter), plain_expr(edge.derivative)
            rewritten.append((quote(name), quote(chapter_text), quote(engine_text)))
    formulas = [edge.derivative for edge in graph.edges]
    formulas += [chain.direct, *(t.in_knobs for t in chain.terms or ())]
    power = power_rule_sentence(rewritten)
    return (*([power] if power else []), *symbol_notes(formulas))


def chain_view(graph: ComputationGraph, chain: ChainRule) -> ChainView:
    """The LaTeX and labels for one entry: each path's chain of factors and product, the sum
    (as the paths' factors, then in the knobs) and the entry computed directly."""
    terms = chain.terms or ()
    total = None
    if chain.terms is not None and chain.total_in_knobs is not None:
        sums = [
            " + ".join(_wrapped_sum_term(_factors_latex(graph.path_edges(t.path))) for t in terms),
            latex(chain.total_in_knobs),
        ]
        total = " = ".join(dict.fromkeys(s for s in sums if s)) if terms else "0"
    return ChainView(
        output=chain.output,
        knob=chain.knob,
        path_count=chain.path_count,
        paths=None if chain.terms is None else tuple(t.path for t in terms),
        labels=tuple(path_label(t.path) for t in terms),
        path_formulas=tuple(_chain_along(graph, t) for t in terms),
        total=total,
        direct=latex(chain.direct),
        equal=chain.equal,
        notes=_notes(graph, chain),
    )


def _wrapped_sum_term(text: str) -> str:
    # "a + -b" reads badly: a term that starts with a minus goes in brackets.
    return rf"\left({text}\right)" if text.startswith("-") else text


def numeric_chain_view(graph: ComputationGraph, output: str, knob: str) -> ChainView:
    """The paths without their symbolic expansion, for when that overran its time limit: each
    path is written as its chain of partial derivatives only."""
    count = graph.count_paths(knob, output)
    paths = graph.paths(knob, output) if count <= MAX_PATHS else None
    return ChainView(
        output=output,
        knob=knob,
        path_count=count,
        paths=paths,
        labels=tuple(path_label(p) for p in paths or ()),
        path_formulas=tuple(
            " ".join(partial(e.target, e.source) for e in reversed(graph.path_edges(p)))
            for p in paths or ()
        ),
        total=None,
        direct=r"\text{(too large to show)}",
        equal=None,
    )
