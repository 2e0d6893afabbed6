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


def _sized(value: float) -> str:
    """A step or an error on a log axis: 3 significant digits, never rounded to 0."""
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10^{int(exponent)}"
    return text.replace("-", "−")


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


def error_curve_description(
    what: str, steps: Sequence[float], errors: Sequence[float], chosen: float | None = None
) -> str:
    """A log-log error curve: the steps it spans, its smallest error, exact and undefined
    points, and the chosen step (its error only when the chosen step is one of the steps)."""
    pairs = [(float(h), float(e)) for h, e in zip(steps, errors, strict=True)]
    parts = [
        f"Log-log plot of {what} against the step h, from h = {_sized(min(h for h, _ in pairs))} "
        f"to {_sized(max(h for h, _ in pairs))}."
    ]
    drawn = [(h, e) for h, e in pairs if math.isfinite(e) and e > 0]
    if drawn:
        h, e = min(drawn, key=lambda pair: pair[1])
        parts.append(f"The smallest error drawn is {_sized(e)}, at h = {_sized(h)}.")
    exact = sum(1 for _, e in pairs if e == 0)
    if exact:
        parts.append(f"For {exact} of the {len(pairs)} steps the error is exactly 0 (not drawn).")
    undefined = sum(1 for _, e in pairs if not math.isfinite(e))
    if undefined:
        parts.append(f"For {undefined} of the {len(pairs)} steps the error is undefined.")
    if chosen is not None and math.isfinite(chosen):
        same = [e for h, e in pairs if math.isclose(h, chosen, rel_tol=1e-9)]
        if same and math.isfinite(same[0]):
            parts.append(f"At the chosen step h = {_sized(chosen)} the error is {_sized(same[0])}.")
        else:
            parts.append(f"The chosen step h = {_sized(chosen)} is marked.")
    return " ".join(parts)


def slices_description(slices: Sequence[tuple[str, str, float, float, float]]) -> str:
    """The landscape's slices, each (knob, what is held, the knob's value, f there, the
    partial derivative there): f along each knob with its tangent at the point."""
    parts = []
    for knob, held, at, value, slope in slices:
        lead = f"f along {knob}" + (f" ({held})" if held else "")
        if not math.isfinite(value):
            parts.append(f"{lead}: at {knob} = {_n(at)} f is undefined.")
        elif not math.isfinite(slope):
            parts.append(f"{lead}: at {knob} = {_n(at)}, f = {_n(value)}, no tangent there.")
        else:
            parts.append(
                f"{lead}: at {knob} = {_n(at)}, f = {_n(value)} and the tangent's slope "
                f"∂f/∂{knob} = {_n(slope)} ({_way(slope)})."
            )
    return " ".join(parts)


def path_shares_description(
    labels: Sequence[str], values: Sequence[float], on: Sequence[bool], direct: float
) -> str:
    """The chain rule's waterfall: each path's product (or off), their sum, the entry."""
    shares = [
        f"{label} = {_n(value) if math.isfinite(value) else 'undefined'}"
        if flag
        else f"{label} off"
        for label, value, flag in zip(labels, values, on, strict=True)
    ]
    total = math.fsum(value for value, flag in zip(values, on, strict=True) if flag)
    return (
        f"Bars, one per path, added up: {_listed(shares)}. The sum of the paths switched on is "
        f"{_n(total)}; the Jacobian entry computed "
        f"directly is {_n(direct)}."
    )


def descent_description(name: str, iterates: Sequence[float], values: Sequence[float]) -> str:
    """Gradient descent's steps: where it starts and ends, f there, and f's lowest."""
    steps = len(values) - 1
    parts = [f"Gradient descent, {steps} {'step' if steps == 1 else 'steps'}."]
    if len(iterates):
        parts.append(
            f"{name}₀ = {_n(iterates[0])}; after the last step {name} = {_n(iterates[-1])}."
        )
    parts.append(f"f starts at {_n(values[0])} and ends at {_n(values[-1])}.")
    finite = [(v, k) for k, v in enumerate(values) if math.isfinite(v)]
    if finite:
        low, at = min(finite)
        parts.append(f"Its lowest value is {_n(low)}, at step {at}.")
    return " ".join(parts)


def directional_description(
    value: float,
    slope: float,
    angles: Sequence[float] | None = None,
    slopes: Sequence[float] | None = None,
    angle: float | None = None,
) -> str:
    """The landscape's directional derivative: f along the direction u through the point (its
    slope there is D_u f) and, when given, D_u f for every direction (angles in degrees)."""
    if not math.isfinite(value):
        parts = ["Left: f along the direction u through the point; f is undefined there."]
    elif not math.isfinite(slope):
        parts = [f"Left: f along the direction u through the point, f = {_n(value)}; no slope."]
    else:
        parts = [
            f"Left: f along the direction u through the point, f = {_n(value)}; its slope there, "
            f"D_u f = {_n(slope)} ({_way(slope)})."
        ]
    if angles is not None and slopes is not None:
        finite = [(s, a) for a, s in zip(angles, slopes, strict=True) if math.isfinite(s)]
        chosen = f", the chosen direction at {_n(angle)}°" if angle is not None else ""
        if finite:
            top, at = max(finite)
            parts.append(
                f"Right: D_u f for every direction{chosen}; largest {_n(top)} at {_n(at)}°."
            )
        else:
            parts.append(f"Right: D_u f for every direction{chosen}; undefined here.")
    return " ".join(parts)
