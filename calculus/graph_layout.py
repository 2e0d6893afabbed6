"""Where to draw a computation graph: columns by depth, rows ordered to cross few edges.

Pure and computed once per graph (never per knob move), so the drawing does not move while a
knob turns. The layout is the usual layered one (Sugiyama's, without dummy nodes): a node's
column is the length of the longest path from a knob to it; outputs that feed nothing share the
last column; within a column the nodes are ordered by the mean row of their neighbours, sweeping
left to right and back a few times, which removes most crossings in the small graphs we draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Left-to-right then right-to-left sweeps of the ordering (small graphs settle in two or three).
SWEEPS = 4


@dataclass(frozen=True)
class Placement:
    """Each node's column (0 = the knobs) and row (0 = top of its column, centred: a column with
    fewer nodes than the tallest one starts lower), and the grid's size."""

    column: dict[str, int]
    row: dict[str, float]
    columns: int
    rows: int


def layered_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    sources: Sequence[str] = (),
    sinks: Sequence[str] = (),
) -> Placement:
    """Place ``nodes`` (in an order where every edge goes forward, as a graph's steps are).

    ``sources`` (the knobs) take column 0; ``sinks`` (the outputs) take the last column when no
    edge leaves any of them, as graphviz's ``rank=sink`` would.
    """
    inputs: dict[str, list[str]] = {name: [] for name in nodes}
    outputs: dict[str, list[str]] = {name: [] for name in nodes}
    for source, target in edges:
        inputs[target].append(source)
        outputs[source].append(target)
    column: dict[str, int] = {}
    for name in nodes:
        feeding = [column[k] for k in inputs[name] if k in column]
        column[name] = 0 if name in sources or not feeding else 1 + max(feeding)
    last = max(column.values(), default=0)
    if sinks and not any(outputs[name] for name in sinks):
        for name in sinks:
            column[name] = last
    columns = [[name for name in nodes if column[name] == c] for c in range(last + 1)]
    position = {name: float(k) for layer in columns for k, name in enumerate(layer)}

    def reorder(layer: list[str], neighbours: dict[str, list[str]]) -> list[str]:
        def barycentre(name: str) -> float:
            rows = [position[n] for n in neighbours[name]]
            return sum(rows) / len(rows) if rows else position[name]

        ordered = sorted(layer, key=lambda name: (barycentre(name), position[name]))
        position.update({name: float(k) for k, name in enumerate(ordered)})
        return ordered

    for sweep in range(SWEEPS):
        if sweep % 2 == 0:
            columns[1:] = [reorder(layer, inputs) for layer in columns[1:]]
        else:
            for c in range(len(columns) - 2, -1, -1):
                columns[c] = reorder(columns[c], outputs)
    tallest = max((len(layer) for layer in columns), default=0)
    row = {
        name: k + (tallest - len(layer)) / 2 for layer in columns for k, name in enumerate(layer)
    }
    return Placement(column=column, row=row, columns=len(columns), rows=tallest)


def crossings(placement: Placement, edges: Sequence[tuple[str, str]]) -> int:
    """How many pairs of edges cross between the same two columns (for tests and tuning)."""
    count = 0
    for k, (a, b) in enumerate(edges):
        for c, d in edges[k + 1 :]:
            same_gap = (placement.column[a], placement.column[b]) == (
                placement.column[c],
                placement.column[d],
            )
            if same_gap:
                before = placement.row[a] - placement.row[c]
                after = placement.row[b] - placement.row[d]
                count += before * after < 0
    return count
