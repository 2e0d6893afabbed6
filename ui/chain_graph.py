"""The computation graph as a plotly figure, drawn once per graph and updated per knob move.

Why not graphviz: ``st.graphviz_chart`` lays the whole graph out again and redraws it in the
browser on every knob move (~100 ms a move, measured). Here the layout
(``calculus.graph_layout``) and everything that does not move with the knobs (nodes, edges,
arrowheads, the derivatives' formulas, the colours of the paths) are built once per graph and
choice of paths, as :class:`GraphBase`; a knob move only fills in two text traces, the nodes'
values and the local derivatives' values, which ``live_chart`` hands to ``Plotly.react`` to
update in place.

Coordinates are pixels (the axes span the figure's size and are hidden), so boxes fit their
labels and the figure keeps its size on a narrow screen: it scrolls rather than shrinks.
Pure: no Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from calculus.export import plain_symbol
from calculus.graph import ComputationGraph, Path
from calculus.graph_layout import layered_layout
from calculus.narration.pictures import graph_description
from calculus.reading import format_number
from ui.figures import FONT, SpecFigure, describe

# Colours: the knob machine's blue for knobs, amber for outputs; red marks the highlighted path.
KNOB_FILL, OUTPUT_FILL, VALUE_FILL = "#dbeafe", "#fef3c7", "#ffffff"
HIGHLIGHT, ON_PATH, OFF_PATH, FADED = "#dc2626", "#1d4ed8", "#9ca3af", "#d1d5db"
BORDER, TEXT, SOFT_TEXT = "#6b7280", "#1f2937", "#4b5563"

#: Font sizes (px): node names, node values, edge labels (formula and value).
NAME_SIZE, VALUE_SIZE, EDGE_SIZE = 14, 12, 12
#: A node's box (px): wide enough for "−1.23×10^−5" or "undefined" at VALUE_SIZE.
NODE_WIDTH, NODE_HEIGHT = 80, 44
#: Vertical distance between rows (px): two edge labels leaving one node stay apart.
ROW_HEIGHT = 96
#: Horizontal room around an edge label between two columns, and the narrowest gap (px).
GAP_PADDING, MIN_GAP = 24, 72
MARGIN = 8
ARROW_LENGTH, ARROW_HALF_WIDTH = 10.0, 4.5
#: An edge label's height (px): the derivative above its value.
LABEL_HEIGHT = 34
#: Names of the traces a knob move changes (tests and the benchmark watch them).
NODE_VALUES, EDGE_VALUES = "node values", "derivative values"

#: How each kind of edge is drawn: colour, width, dash, label colour.
STYLES = {
    "highlight": (HIGHLIGHT, 3.2, "solid", HIGHLIGHT),
    "on": (ON_PATH, 2.0, "solid", TEXT),
    "off": (OFF_PATH, 1.2, "dash", OFF_PATH),
    "faded": (FADED, 1.0, "solid", OFF_PATH),
    "plain": (BORDER, 1.2, "solid", TEXT),
}


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in px (no browser to measure it here)."""
    return 0.56 * size * len(text)


def edge_styles(
    graph: ComputationGraph,
    paths_on: Sequence[Path] = (),
    paths_off: Sequence[Path] = (),
    highlight: Path | None = None,
) -> dict[tuple[str, str], str]:
    """Each edge's kind: on the highlighted path, on another path switched on, on a path
    switched off, on no path between the chosen pair (faded), or plain when nothing is chosen."""
    on, off = _edges_of(paths_on), _edges_of(paths_off)
    lit = _edges_of([highlight]) if highlight else set()
    styles = {}
    for edge in graph.edges:
        key = (edge.source, edge.target)
        if key in lit:
            styles[key] = "highlight"
        elif key in on:
            styles[key] = "on"
        elif key in off:
            styles[key] = "off"
        else:
            styles[key] = "faded" if paths_on or paths_off else "plain"
    return styles


def _edges_of(paths: Sequence[Path]) -> set[tuple[str, str]]:
    return {(a, b) for path in paths for a, b in pairwise(path)}


@dataclass(frozen=True)
class GraphBase:
    """What does not move with the knobs: the figure without values, and where values go."""

    data: tuple[dict[str, Any], ...]
    layout: dict[str, Any]
    nodes: tuple[str, ...]
    node_xy: tuple[tuple[float, float], ...]
    edges: tuple[tuple[str, str], ...]
    edge_xy: tuple[tuple[float, float], ...]
    width: int
    height: int


def graph_base(
    graph: ComputationGraph,
    texts: Mapping[tuple[str, str], str],
    *,
    knob: str | None = None,
    output: str | None = None,
    styles: Mapping[tuple[str, str], str] | None = None,
) -> GraphBase:
    """Lay the graph out (knobs left, outputs right) and draw all but the values.

    ``texts`` are the edges' local derivatives as plain text; ``styles`` each edge's kind
    (:func:`edge_styles`); the chosen ``knob`` and ``output`` get a blue border.
    """
    edges = [(e.source, e.target) for e in graph.edges]
    styles = styles or {}
    place = layered_layout(graph.nodes, edges, sources=graph.knobs, sinks=graph.outputs)
    # Each gap between two columns is as wide as the widest label drawn in it.
    # A label is as wide as its derivative or its value ("= −1.23×10^5"), whichever is wider.
    value_width = text_width("= −1.23×10^5", EDGE_SIZE)
    label_width = {key: max(text_width(texts[key], EDGE_SIZE), value_width) for key in edges}
    gaps = [float(MIN_GAP)] * max(place.columns - 1, 0)
    for source, target in edges:
        gap = place.column[source]
        gaps[gap] = max(gaps[gap], label_width[(source, target)] + GAP_PADDING)
    lefts = [float(MARGIN)]
    for gap in gaps:
        lefts.append(lefts[-1] + NODE_WIDTH + gap)
    width = int(lefts[-1] + NODE_WIDTH + MARGIN)
    height = int(max(place.rows, 1) * ROW_HEIGHT)
    centre = {
        name: (lefts[place.column[name]] + NODE_WIDTH / 2, (place.row[name] + 0.5) * ROW_HEIGHT)
        for name in graph.nodes
    }

    # Shapes of one look are one path each (a handful in all, however many edges): plotly.js
    # re-reads every shape on every update, and 32 shapes cost ~15 ms a knob move (measured).
    lines: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    label_colours: list[str] = []
    ends = {}
    for source, target in edges:
        kind = styles.get((source, target), "plain")
        start = _boundary(centre[source], centre[target], source in graph.knobs)
        end = _boundary(centre[target], centre[source], target in graph.knobs)
        ends[(source, target)] = (start, end)
        lines.setdefault(kind, []).append(_line(start, end))
        heads.setdefault(STYLES[kind][0], []).append(_arrowhead(start, end))
        label_colours.append(STYLES[kind][3])
    label_xy = _place_labels(edges, ends, label_width, place.column, lefts, gaps, centre)
    shapes = [
        _path(f"edges {kind}", segments, line=STYLES[kind][:3]) for kind, segments in lines.items()
    ]
    shapes += [
        _path("arrowheads", segments, fill=colour, line=(colour, 1.0, "solid"))
        for colour, segments in heads.items()
    ]
    backs = [
        _rect(
            x - label_width[key] / 2 - 4,
            y - LABEL_HEIGHT / 2,
            x + label_width[key] / 2 + 4,
            y + LABEL_HEIGHT / 2,
        )
        for (x, y), key in zip(label_xy, edges, strict=True)
    ]
    shapes.append(_path("label backgrounds", backs, fill="rgba(255,255,255,0.8)"))
    outputs = set(graph.outputs)
    nodes: dict[tuple[str, bool], list[str]] = {}
    for name in graph.nodes:
        fill = KNOB_FILL if name in graph.knobs else OUTPUT_FILL if name in outputs else VALUE_FILL
        x, y = centre[name]
        x0, y0 = x - NODE_WIDTH / 2, y - NODE_HEIGHT / 2
        x1, y1 = x + NODE_WIDTH / 2, y + NODE_HEIGHT / 2
        # Knobs are ellipses, as graphviz drew them; the other values boxes.
        outline = _ellipse(x, y) if name in graph.knobs else _rect(x0, y0, x1, y1)
        nodes.setdefault((fill, name in (knob, output)), []).append(outline)
    shapes += [
        _path(
            "chosen nodes" if chosen else "nodes",
            outlines,
            fill=fill,
            line=(ON_PATH, 2.2, "solid") if chosen else (BORDER, 1.0, "solid"),
        )
        for (fill, chosen), outlines in nodes.items()
    ]

    node_xy = tuple(centre[name] for name in graph.nodes)
    data = (
        _texts(
            "node names",
            [(x, y - 9) for x, y in node_xy],
            [f"<b>{_escaped(plain_symbol(n))}</b>" for n in graph.nodes],
            NAME_SIZE,
            TEXT,
        ),
        _texts(
            "derivatives",
            [(x, y - 8) for x, y in label_xy],
            [_escaped(texts[key]) for key in edges],
            EDGE_SIZE,
            label_colours,
        ),
    )
    axis = {"visible": False, "fixedrange": True}
    layout = {
        "width": width,
        "height": height,
        "autosize": False,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {**axis, "range": [0, width]},
        "yaxis": {**axis, "range": [height, 0]},  # rows go down, as on the page
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
        "shapes": shapes,
    }
    return GraphBase(
        data=data,
        layout=layout,
        nodes=tuple(graph.nodes),
        node_xy=node_xy,
        edges=tuple(edges),
        edge_xy=tuple(label_xy),
        width=width,
        height=height,
    )


def graph_figure(
    base: GraphBase,
    values: Mapping[str, float] | None,
    edge_values: Mapping[tuple[str, str], float] | None,
) -> SpecFigure:
    """The graph with the nodes' values and the local derivatives' values at the knobs
    (``undefined`` in words where a value is nan)."""

    def shown(value: float | None) -> str:
        return "" if value is None else format_number(float(value), 3)

    node_texts = [shown(None if values is None else values.get(n)) for n in base.nodes]
    edge_texts = [
        "" if edge_values is None or key not in edge_values else "= " + shown(edge_values[key])
        for key in base.edges
    ]
    data = [
        *base.data,
        _texts(NODE_VALUES, [(x, y + 10) for x, y in base.node_xy], node_texts, VALUE_SIZE,
               SOFT_TEXT),
        _texts(EDGE_VALUES, [(x, y + 8) for x, y in base.edge_xy], edge_texts, EDGE_SIZE,
               SOFT_TEXT),
    ]  # fmt: skip
    words = graph_description(
        [plain_symbol(n) for n in base.nodes],
        None if values is None else {plain_symbol(n): v for n, v in values.items()},
        [(plain_symbol(a), plain_symbol(b)) for a, b in base.edges],
        None
        if edge_values is None
        else {(plain_symbol(a), plain_symbol(b)): v for (a, b), v in edge_values.items()},
    )
    return describe(SpecFigure({"data": data, "layout": base.layout}), words)


#: Where along a gap (as a share of its width) a label may sit, best first.
_ALONG = (0.5, 0.3, 0.7, 0.15, 0.85)


def _place_labels(
    edges: Sequence[tuple[str, str]],
    ends: Mapping[tuple[str, str], tuple[tuple[float, float], tuple[float, float]]],
    widths: Mapping[tuple[str, str], float],
    column: Mapping[str, int],
    lefts: Sequence[float],
    gaps: Sequence[float],
    centre: Mapping[str, tuple[float, float]],
) -> list[tuple[float, float]]:
    """Each edge's label centre: over the edge, in a gap it crosses, clear of the nodes and of
    the labels placed before it where possible (short edges first: they have fewer places);
    else in the middle of the gap after its source."""
    half_h = LABEL_HEIGHT / 2
    taken = [
        (x - NODE_WIDTH / 2, y - NODE_HEIGHT / 2, x + NODE_WIDTH / 2, y + NODE_HEIGHT / 2)
        for x, y in centre.values()
    ]
    placed: dict[tuple[str, str], tuple[float, float]] = {}
    for key in sorted(edges, key=lambda e: column[e[1]] - column[e[0]]):
        (x0, y0), (x1, y1) = ends[key]
        half_w = widths[key] / 2 + 4
        candidates = []
        for gap in range(column[key[0]], column[key[1]]):
            for share in _ALONG:
                x = lefts[gap] + NODE_WIDTH + gaps[gap] * share
                # Within the gap: a label beside a node's column would cover a node's edge.
                if share != 0.5 and gaps[gap] * min(share, 1 - share) < half_w:
                    continue
                t = (x - x0) / (x1 - x0) if x1 != x0 else 0.5
                # Just above the edge, as graphviz writes them: the edge itself stays in view.
                candidates.append((x, y0 + t * (y1 - y0) - half_h - 1))
        if not candidates:  # an edge within one column: not drawn by our layouts, but safe
            candidates = [((x0 + x1) / 2, (y0 + y1) / 2)]

        def clear(xy: tuple[float, float], half_w: float = half_w) -> bool:
            box = (xy[0] - half_w, xy[1] - half_h, xy[0] + half_w, xy[1] + half_h)
            return not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
            )

        x, y = next((xy for xy in candidates if clear(xy)), candidates[0])
        placed[key] = (x, y)
        taken.append((x - half_w, y - half_h, x + half_w, y + half_h))
    return [placed[key] for key in edges]


def _escaped(text: str) -> str:
    # plotly reads a few HTML tags in text: the learner's names and formulas are shown as typed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(
    name: str,
    xy: Sequence[tuple[float, float]],
    texts: Sequence[str],
    size: int,
    colour: str | Sequence[str],
) -> dict[str, Any]:
    return {
        "type": "scatter",
        "name": name,
        "mode": "text",
        "x": [x for x, _ in xy],
        "y": [y for _, y in xy],
        "text": list(texts),
        "textposition": "middle center",
        "textfont": {"size": size, "color": colour if isinstance(colour, str) else list(colour)},
        "hoverinfo": "skip",
        "cliponaxis": False,
    }


def _boundary(centre: tuple[float, float], towards: tuple[float, float], oval: bool) -> tuple:
    """Where the line from ``centre`` to ``towards`` leaves the node's box (or ellipse)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    a, b = NODE_WIDTH / 2 + 2, NODE_HEIGHT / 2 + 2
    if oval:
        t = 1 / math.hypot(dx / a, dy / b) if (dx or dy) else 0.0
    else:
        t = min(a / abs(dx) if dx else math.inf, b / abs(dy) if dy else math.inf)
    return centre[0] + t * dx, centre[1] + t * dy


def _line(start: tuple, end: tuple) -> str:
    # The line stops at the arrowhead's base, so a thick line does not blunt the arrow's tip.
    length = math.dist(start, end) or 1.0
    back = min(ARROW_LENGTH, length) / length
    x1, y1 = end[0] - back * (end[0] - start[0]), end[1] - back * (end[1] - start[1])
    return f"M{start[0]:.1f},{start[1]:.1f}L{x1:.1f},{y1:.1f}"


def _arrowhead(start: tuple, end: tuple) -> str:
    length = math.dist(start, end) or 1.0
    ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
    bx, by = end[0] - ARROW_LENGTH * ux, end[1] - ARROW_LENGTH * uy
    left = (bx - ARROW_HALF_WIDTH * uy, by + ARROW_HALF_WIDTH * ux)
    right = (bx + ARROW_HALF_WIDTH * uy, by - ARROW_HALF_WIDTH * ux)
    return "M{:.1f},{:.1f}L{:.1f},{:.1f}L{:.1f},{:.1f}Z".format(*end, *left, *right)


def _rect(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"M{x0:.1f},{y0:.1f}H{x1:.1f}V{y1:.1f}H{x0:.1f}Z"


def _ellipse(x: float, y: float) -> str:
    """The node's ellipse as four cubic Béziers (plotly's paths have no arcs)."""
    a, b = NODE_WIDTH / 2, NODE_HEIGHT / 2
    ka, kb = 0.5523 * a, 0.5523 * b  # the usual quarter-circle handle length
    return (
        f"M{x - a:.1f},{y:.1f}"
        f"C{x - a:.1f},{y - kb:.1f} {x - ka:.1f},{y - b:.1f} {x:.1f},{y - b:.1f}"
        f"C{x + ka:.1f},{y - b:.1f} {x + a:.1f},{y - kb:.1f} {x + a:.1f},{y:.1f}"
        f"C{x + a:.1f},{y + kb:.1f} {x + ka:.1f},{y + b:.1f} {x:.1f},{y + b:.1f}"
        f"C{x - ka:.1f},{y + b:.1f} {x - a:.1f},{y + kb:.1f} {x - a:.1f},{y:.1f}Z"
    )


def _path(
    name: str,
    segments: Sequence[str],
    *,
    fill: str = "rgba(0,0,0,0)",
    line: tuple[str, float, str] = ("rgba(0,0,0,0)", 0.0, "solid"),
) -> dict[str, Any]:
    """One shape drawing all ``segments`` (SVG path pieces) alike, under the texts."""
    colour, width, dash = line
    return {
        "type": "path", "name": name, "layer": "below", "path": "".join(segments),
        "fillcolor": fill, "line": {"color": colour, "width": width, "dash": dash},
    }  # fmt: skip
