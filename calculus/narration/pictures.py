"""The pictures that move with the knobs, in a few words each, for screen readers: what the
tangent plot, the landscape's map and surface and the chain rule's graph show now.

Pure and cheap (written on every knob move). Numbers as the pages write them
(``format_number``); where a value is undefined the words say so instead of a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from calculus.reading import format_number

#: At most this many values are listed in one sentence; the rest are counted.
MAX_LISTED = 12


def _n(value: float | None) -> str:
    return "undefined" if value is None else format_number(float(value))


def _way(slope: float) -> str:
    if not math.isfinite(slope):
        return "no slope there"
    if format_number(slope) == "0":
        return "flat there"
    return "rising" if slope > 0 else "falling"


def tangent_description(
    name: str, x: float, value: float, slope: float, secant: tuple[float, float] | None = None
) -> str:
    """The rate page's plot: f with its tangent at the knob (and the secant), f' below."""
    at = f"{name} = {_n(x)}"
    if not math.isfinite(value):
        top = f"Top: the curve f({name}); at {at} f is undefined, so there is no tangent."
    elif not math.isfinite(slope):
        top = f"Top: the curve f({name}); at {at}, f = {_n(value)} but f has no slope (no tangent)."
    else:
        top = (
            f"Top: the curve f({name}) and its tangent at {at}, where f = {_n(value)} and the "
            f"tangent's slope is {_n(slope)} ({_way(slope)})."
        )
    parts = [top]
    if secant is not None:
        far_x, far_y = secant
        rise = (far_y - value) / (far_x - x) if far_x != x else math.nan
        if math.isfinite(rise):
            parts.append(f"The secant through {name} + h = {_n(far_x)} has slope {_n(rise)}.")
        else:
            parts.append(f"The secant through {name} + h = {_n(far_x)} is undefined.")
    below = _n(slope) if math.isfinite(slope) else "undefined"
    parts.append(f"Bottom: the slope f′({name}) at every point; at {at} it is {below}.")
    return " ".join(parts)


def map_description(
    names: tuple[str, str],
    point: tuple[float, float],
    gradient: tuple[float, float] | None,
    value: float | None = None,
) -> str:
    """The landscape's contour map: where the point is and which way its gradient arrow goes."""
    x, y = names
    where = f"({x}, {y}) = ({_n(point[0])}, {_n(point[1])})"
    lead = f"Contour map of f over {x} and {y}, darker where f is higher. The point {where}"
    lead += f", where f = {_n(value)}." if value is not None and math.isfinite(value) else "."
    if gradient is None or not all(math.isfinite(g) for g in gradient):
        return f"{lead} No gradient arrow: the gradient is undefined here."
    g1, g2 = gradient
    if format_number(g1) == "0" and format_number(g2) == "0":
        return f"{lead} The gradient is 0 here: no arrow, f is flat to first order."
    size = format_number(math.hypot(g1, g2))
    return (
        f"{lead} The gradient arrow (∂f/∂{x}, ∂f/∂{y}) = ({_n(g1)}, {_n(g2)}), length {size}, "
        "points uphill, where f rises fastest."
    )


def surface_description(names: tuple[str, str], point: tuple[float, float, float]) -> str:
    """The landscape's surface: the height f over the plane, and the point on it."""
    x, y = names
    a, b, value = point
    height = f"f = {_n(value)}" if math.isfinite(value) else "f is undefined"
    return (
        f"Surface: the height of f over the plane of {x} and {y}. The point at ({x}, {y}) = "
        f"({_n(a)}, {_n(b)}), where {height}."
    )


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def graph_description(
    nodes: Sequence[str],
    values: Mapping[str, float] | None,
    edges: Sequence[tuple[str, str]],
    edge_values: Mapping[tuple[str, str], float] | None,
) -> str:
    """The chain rule's graph: each node's value and each edge's local derivative (names as
    the graph writes them: plain text)."""
    parts = [
        f"Computation graph with {len(nodes)} nodes, from the knobs on the left to the "
        "outputs on the right; each edge carries a local derivative."
    ]
    if values is not None:
        shown = [f"{node} = {_n(values.get(node))}" for node in nodes if node in values]
        parts.append(f"Values: {_listed(shown)}.")
    if edge_values is not None:
        local = [f"∂{b}/∂{a} = {_n(edge_values[a, b])}" for a, b in edges if (a, b) in edge_values]
        if local:
            parts.append(f"Local derivatives: {_listed(local)}.")
    return " ".join(parts)
