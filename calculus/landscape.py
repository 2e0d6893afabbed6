"""A function of several knobs and one output, f: R^m -> R, seen as a landscape.

The page "Partial derivatives and the gradient" needs, for such an f: its gradient (the row of
partial derivatives), its Hessian (the gradient's own Jacobian), slices along one knob with the
others held still, directional derivatives, gradient descent, and the critical points where the
gradient vanishes with their classification from the Hessian's eigenvalues.

How it works
------------
``landscape_of(f)`` checks that f has one output and at least two knobs, then asks the engine for
the Jacobian of the gradient (``build_function(gradient, variables)``): its outputs are the partial
derivatives, its Jacobian is the exact Hessian and its compiled code gives the Hessian's numbers.
Everything after that is numpy on compiled code, vectorised over grids.

Shapes: a point is m floats; ``value_at`` gives a float, ``gradient_at`` (m,), ``hessian_at``
(m, m). Given m arrays of one shape G instead (a grid), they give G, (m, *G) and (m, m, *G).

Known pitfalls
--------------
- Where f is undefined (log of a negative, 1/0) or not differentiable (the kink of abs, relu),
  values are nan; every function here passes nan through instead of raising.
- Newton's method finds critical points only near where it starts; ``critical_points`` starts it
  from the knob point and from the local minima of |grad f| on a grid, which finds the critical
  points in view, not every critical point there is.
- At a degenerate critical point (a zero eigenvalue, e.g. every point of the line x2 = 0 for
  ``x1 x2^2``) the second-derivative test is inconclusive and says so.
- Critical points need not be isolated: for ``x1 x2^2`` the whole line x2 = 0 is critical, and
  the point Newton happens to reach is no nearer to the knobs than any other. ``with_families``
  tries Newton a little way along each flat direction of the Hessian: if those points are
  critical too, the point is one of a line (they stay on a straight line) or a curve, and on a
  line the nearest critical point is the foot of the perpendicular from the knobs. Newton from
  off the line may never reach it (for ``x1 x2^2`` it halves both knobs each step), so the
  page also starts from grid points in view, some of which lie on the line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np
import sympy as sp

from calculus.errors import ExpressionError
from calculus.vector_function import VectorFunction, build_function, parse_function

#: The page's examples (the issue's list), by short name: text as a learner would type it.
LANDSCAPE_EXAMPLES: dict[str, str] = {
    "chapter": "x1 x2^2",
    "bowl": "x^2 + 3y^2",
    "saddle": "x^2 - y^2",
    "rosenbrock": "(1 - x)^2 + 100(y - x^2)^2",
    "egg crate": "sin(x) cos(y)",
    "logistic loss": ("log(1 + exp(-(w1 + 2 w2))) + log(1 + exp(2 w1 - w2)) + (w1^2 + w2^2)/10"),
}

#: Largest |value| of a plotting range end, a knob or a learning rate: beyond it floats and
#: pictures stop meaning anything, and a huge grid step could hide the whole landscape.
MAX_COORDINATE = 1e6
#: The largest gradient (nodes of its expressions' trees) whose Hessian is attempted: the time to
#: build grows with its square (38 nested sigmoids, 3728 nodes, ran into the 4 s limit; 25 of
#: them, 1804 nodes, took 2.7 s).
MAX_GRADIENT_NODES = 2000
#: Most gradient-descent steps one request may ask for.
MAX_DESCENT_STEPS = 1000
#: A descent whose point leaves this radius has diverged; it stops there.
DIVERGENCE_RADIUS = 1e8
#: |grad f| at or below this counts as zero: a critical point.
GRADIENT_ZERO_TOLERANCE = 1e-8
#: An eigenvalue within this fraction of the largest |eigenvalue| (or 1) counts as zero. Not
#: tighter: Newton approaches a degenerate critical point only linearly, and stops about 1e-7 off
#: it, where the Hessian's zero eigenvalues read about 1e-7.
EIGENVALUE_ZERO_TOLERANCE = 1e-6
#: Newton iterations per start; quadratic convergence needs far fewer where it converges at all.
NEWTON_ITERATIONS = 60
#: Newton stops once every partial derivative is this small (well inside the tolerance above).
NEWTON_GRADIENT_TOLERANCE = 1e-13
#: How many grid minima of |grad f| Newton starts from, besides the knob point.
NEWTON_GRID_STARTS = 24
#: Two critical points closer than this (relative to the plotted span) are the same point.
SAME_POINT_TOLERANCE = 1e-6

Kind = Literal["minimum", "maximum", "saddle", "degenerate"]


@dataclass(frozen=True, eq=False)
class Landscape:
    """f: R^m -> R (m >= 2) with its exact gradient and Hessian, compiled.

    ``function`` is f itself; ``gradient_function`` is the vector function whose outputs are the m
    partial derivatives, so its Jacobian is the m x m Hessian.
    """

    function: VectorFunction
    gradient_function: VectorFunction

    @property
    def variables(self) -> tuple[str, ...]:
        return self.function.variables

    @property
    def n_inputs(self) -> int:
        """m, the number of knobs."""
        return self.function.n_inputs

    @property
    def expression(self) -> sp.Expr:
        """f as a sympy expression."""
        return self.function.outputs[0]

    def gradient(self) -> tuple[sp.Expr, ...]:
        """The exact partial derivatives (df/dx_1, ..., df/dx_m)."""
        return self.function.derivatives[0]

    def hessian(self) -> sp.Matrix:
        """The exact m x m Hessian, H[i, j] = d^2 f / dx_i dx_j."""
        return self.gradient_function.jacobian()

    def value_at(self, point: Sequence[float] | Sequence[np.ndarray]) -> np.ndarray:
        """f at a point (m floats -> shape ()) or on a grid (m arrays of shape G -> G)."""
        return self.function.value_at(point)[0]

    def gradient_at(self, point: Sequence[float] | Sequence[np.ndarray]) -> np.ndarray:
        """grad f at a point: (m,), or (m, *G) on a grid. nan where a partial does not exist."""
        return self.function.jacobian_at(point)[0]

    def hessian_at(self, point: Sequence[float] | Sequence[np.ndarray]) -> np.ndarray:
        """The Hessian's numbers at a point: (m, m), or (m, m, *G) on a grid."""
        return self.gradient_function.jacobian_at(point)

    def numeric_hessian(self, point: Sequence[float], step: float = 1e-5) -> np.ndarray:
        """The Hessian measured, not derived: central differences of the exact gradient, (m, m).

        Column k is (grad f(p + h e_k) - grad f(p - h e_k)) / 2h with h = step * max(1, |p_k|):
        an independent check of ``hessian_at``, good to about h^2 times the third derivatives.
        """
        p = np.asarray(point, dtype=float)
        columns = []
        for k in range(self.n_inputs):
            h = step * max(1.0, abs(float(p[k])))
            e = np.zeros_like(p)
            e[k] = h
            columns.append(
                (self.gradient_at(list(p + e)) - self.gradient_at(list(p - e))) / (2 * h)
            )
        return np.column_stack(columns)

    def directional_derivative(self, point: Sequence[float], direction: Sequence[float]) -> float:
        """D_u f = grad f . u with u = direction / |direction| (the slope along u)."""
        return float(self.gradient_at(point) @ unit_vector(direction))


def landscape_of(function: VectorFunction) -> Landscape:
    """The landscape of f, or ``ExpressionError`` saying why f is not R^m -> R with m >= 2.

    Differentiating the gradient runs in the engine's bounded worker process.
    """
    if function.n_outputs != 1:
        raise ExpressionError(
            f"this page draws a function with one output (f: R^m -> R), but this one has "
            f"{function.n_outputs} outputs — remove the commas, or explore several outputs "
            f"on the knob machine"
        )
    if function.n_inputs < 2:
        knobs = "no knob" if function.n_inputs == 0 else f"one knob ({function.variables[0]})"
        raise ExpressionError(
            f"a landscape needs at least two knobs, but this function has {knobs} — "
            f"try x1 x2^2, or explore one knob on the rate-of-change page"
        )
    # The gradient (and so the Hessian) exists only where f as typed does: sqrt(x1)^2 + x2
    # has gradient (1, 1) everywhere once simplified, but no gradient at x1 < 0.
    typed_domain = function.conditions[0] if function.conditions else None
    size = sum(sum(1 for _ in sp.preorder_traversal(e)) for e in function.derivatives[0])
    if size > MAX_GRADIENT_NODES:
        # Refused at once: differentiating it again would only wait out the time limit.
        raise ExpressionError(
            f"this function is too large to differentiate twice (its gradient has {size} "
            f"parts; at most {MAX_GRADIENT_NODES}) — try a smaller one"
        )
    gradient = build_function(
        list(function.derivatives[0]),
        function.variables,
        text=f"grad({function.text})",
        conditions=None if typed_domain is None else [typed_domain] * function.n_inputs,
    )
    return Landscape(function=function, gradient_function=gradient)


@lru_cache(maxsize=64)
def parse_landscape(text: str) -> Landscape:
    """Parse ``text`` (see ``parse_function``) and build its landscape; cached per text."""
    return landscape_of(parse_function(text))


# --- checking numbers that come from widgets ---------------------------------------------------


def check_number(value: float, what: str, limit: float = MAX_COORDINATE) -> float:
    """``value`` as a float if it is finite and |value| <= limit, else ``ExpressionError``."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ExpressionError(f"{what} must be a number") from exc
    if not math.isfinite(number) or abs(number) > limit:
        raise ExpressionError(f"{what} must be a finite number between -{limit:g} and {limit:g}")
    return number


def check_range(low: float, high: float, what: str = "the range") -> tuple[float, float]:
    """(low, high) as floats if finite, bounded and low < high, else ``ExpressionError``."""
    low = check_number(low, f"the start of {what}")
    high = check_number(high, f"the end of {what}")
    if not low < high:
        raise ExpressionError(f"{what} must start below where it ends (got {low:g} to {high:g})")
    return low, high


def unit_vector(direction: Sequence[float]) -> np.ndarray:
    """direction / |direction|, shape (m,); ``ExpressionError`` for a zero or non-finite vector."""
    vector = np.asarray(direction, dtype=float)
    norm = float(np.linalg.norm(vector))
    if not math.isfinite(norm) or norm == 0.0:
        raise ExpressionError("a direction needs a non-zero length: set at least one component")
    return vector / norm


def direction_from_angle(angle_degrees: float, plotted: tuple[int, int], m: int) -> np.ndarray:
    """The unit vector at ``angle_degrees`` in the plane of the two plotted knobs: shape (m,).

    0° points along the first plotted knob, 90° along the second.
    """
    angle = math.radians(angle_degrees)
    u = np.zeros(m)
    u[plotted[0]] = math.cos(angle)
    u[plotted[1]] = math.sin(angle)
    return u


# --- pictures' data: grids, slices, arrows -----------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """f sampled over the plane of two plotted knobs, the other knobs held at ``held``.

    ``x`` has shape (nx,), ``y`` shape (ny,), ``z`` shape (ny, nx): z[row, col] = f(x[col], y[row]),
    the layout plotly's contour and surface traces expect. nan where f is undefined.
    """

    plotted: tuple[int, int]
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    held: tuple[float, ...]


def grid_point(
    held: Sequence[float], plotted: tuple[int, int], x: np.ndarray, y: np.ndarray
) -> list[np.ndarray | float]:
    """The m coordinates of points whose plotted knobs are (x, y), the others at ``held``."""
    coordinates: list[np.ndarray | float] = [float(value) for value in held]
    coordinates[plotted[0]] = x
    coordinates[plotted[1]] = y
    return coordinates


def _plane(
    held: Sequence[float],
    plotted: tuple[int, int],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[np.ndarray | float]]:
    """The grid's axes x, y, its meshes xx, yy, and the m coordinates of its points."""
    x = np.linspace(*x_range, resolution)
    y = np.linspace(*y_range, resolution)
    xx, yy = np.meshgrid(x, y)
    return x, y, xx, yy, grid_point(held, plotted, xx, yy)


def sample_grid(
    landscape: Landscape,
    plotted: tuple[int, int],
    held: Sequence[float],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int = 81,
) -> Grid:
    """f on a resolution x resolution grid over the plotted knobs (the others at ``held``)."""
    x, y, xx, _, points = _plane(held, plotted, x_range, y_range, resolution)
    z = np.asarray(landscape.value_at(points), dtype=float)
    z = np.broadcast_to(z, xx.shape).copy()
    z[~np.isfinite(z)] = np.nan  # inf is as undrawable as nan
    return Grid(plotted=plotted, x=x, y=y, z=z, held=tuple(float(v) for v in held))


def slice_along(
    landscape: Landscape, point: Sequence[float], knob: int, t: np.ndarray
) -> np.ndarray:
    """f along one knob through ``point``, the others held still: f(..., t, ...), shape t.shape."""
    coordinates: list[np.ndarray | float] = [float(value) for value in point]
    coordinates[knob] = np.asarray(t, dtype=float)
    return np.broadcast_to(landscape.value_at(coordinates), np.shape(t)).astype(float)


def values_along(
    landscape: Landscape, point: Sequence[float], direction: Sequence[float], t: np.ndarray
) -> np.ndarray:
    """f(point + t u) for each t, u = direction / |direction|: shape t.shape."""
    u = unit_vector(direction)
    t = np.asarray(t, dtype=float)
    coordinates = [float(p) + t * float(c) for p, c in zip(point, u, strict=True)]
    return np.broadcast_to(landscape.value_at(coordinates), t.shape).astype(float)


@dataclass(frozen=True)
class GradientField:
    """grad f on a coarse grid of the plotted plane: arrows from (x, y) along (gx, gy).

    All four arrays have shape (k,), only points where both partials are finite.
    """

    x: np.ndarray
    y: np.ndarray
    gx: np.ndarray
    gy: np.ndarray


def gradient_field(
    landscape: Landscape,
    plotted: tuple[int, int],
    held: Sequence[float],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int = 15,
) -> GradientField:
    """The plotted knobs' partial derivatives on a resolution x resolution grid."""
    _, _, xx, yy, points = _plane(held, plotted, x_range, y_range, resolution)
    gradient = landscape.gradient_at(points)
    gx = np.broadcast_to(gradient[plotted[0]], xx.shape).ravel()
    gy = np.broadcast_to(gradient[plotted[1]], xx.shape).ravel()
    finite = np.isfinite(gx) & np.isfinite(gy)
    return GradientField(x=xx.ravel()[finite], y=yy.ravel()[finite], gx=gx[finite], gy=gy[finite])


# --- gradient descent ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DescentPath:
    """The points of gradient descent x_{k+1} = x_k - rate * grad f(x_k): shape (steps + 1, m).

    ``values`` has shape (steps + 1,). ``stopped`` says why it ended early ("" if it did not).
    """

    points: np.ndarray
    values: np.ndarray
    stopped: str


def gradient_descent(
    landscape: Landscape, start: Sequence[float], learning_rate: float, steps: int
) -> DescentPath:
    """Run ``steps`` steps of gradient descent on all knobs from ``start``.

    Stops early where the gradient does not exist (nan) or the point runs away (diverges).
    """
    rate = check_number(learning_rate, "the learning rate")
    if not 0 <= int(steps) <= MAX_DESCENT_STEPS:
        raise ExpressionError(f"the number of steps must be 0 to {MAX_DESCENT_STEPS}")
    x = np.asarray(start, dtype=float)
    points = [x]
    stopped = ""
    for _ in range(int(steps)):
        g = landscape.gradient_at(x)
        if not np.all(np.isfinite(g)):
            stopped = "the gradient does not exist at the last point"
            break
        x = x - rate * g
        if not np.all(np.isfinite(x)) or float(np.linalg.norm(x)) > DIVERGENCE_RADIUS:
            stopped = "the steps ran away (diverged): try a smaller learning rate"
            break
        points.append(x)
    path = np.array(points)
    values = np.array([float(landscape.value_at(p)) for p in path])
    return DescentPath(points=path, values=values, stopped=stopped)


# --- critical points ----------------------------------------------------------------------------


def classify(hessian: np.ndarray) -> tuple[Kind, np.ndarray]:
    """The second-derivative test: the kind of critical point a Hessian (m, m) says, and its
    eigenvalues (m,), ascending.

    All eigenvalues > 0: minimum; all < 0: maximum; some of each sign: saddle; otherwise (a zero
    eigenvalue and no sign change) the test is inconclusive: "degenerate".
    """
    symmetric = (np.asarray(hessian, dtype=float) + np.asarray(hessian, dtype=float).T) / 2
    eigenvalues = np.linalg.eigvalsh(symmetric)
    tolerance = EIGENVALUE_ZERO_TOLERANCE * max(1.0, float(np.max(np.abs(eigenvalues))))
    if np.any(eigenvalues > tolerance) and np.any(eigenvalues < -tolerance):
        return "saddle", eigenvalues
    if np.all(eigenvalues > tolerance):
        return "minimum", eigenvalues
    if np.all(eigenvalues < -tolerance):
        return "maximum", eigenvalues
    return "degenerate", eigenvalues


Family = Literal["isolated", "line", "curve"]


@dataclass(frozen=True)
class CriticalPoint:
    """A point (m,) where grad f = 0, with the Hessian (m, m) there and what it says.

    ``family`` says whether it is alone ("isolated") or one point of a continuum of critical
    points: a straight "line" or a "curve" through it, with unit tangent ``along`` (m,) there.
    """

    point: np.ndarray
    value: float
    hessian: np.ndarray
    eigenvalues: np.ndarray
    kind: Kind
    family: Family = "isolated"
    along: np.ndarray | None = None


def _newton(landscape: Landscape, starts: np.ndarray) -> np.ndarray:
    """Newton's method on grad f = 0 from each row of ``starts`` (k, m), all at once: (k, m).

    A singular Hessian (degenerate points) gets the least-squares step (pseudo-inverse).
    """
    x = np.array(starts, dtype=float)
    for _ in range(NEWTON_ITERATIONS):
        columns = list(x.T)
        g = landscape.gradient_at(columns).T  # (k, m)
        h = np.moveaxis(landscape.hessian_at(columns), -1, 0)  # (k, m, m)
        usable = np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(h), axis=(1, 2))
        if not np.any(usable) or np.all(np.abs(g[usable]) <= NEWTON_GRADIENT_TOLERANCE):
            break
        step = np.zeros_like(x)
        step[usable] = np.einsum("kij,kj->ki", np.linalg.pinv(h[usable]), g[usable])
        x = np.where(usable[:, None], x - step, np.nan)
        if np.all(np.abs(step[usable]) <= 1e-14 * (1 + np.abs(x[usable]))):
            break
    return x


def grid_starts(grid: Grid, landscape: Landscape, count: int = NEWTON_GRID_STARTS) -> np.ndarray:
    """Up to ``count`` grid points (k, m) where |grad f| is a local minimum, smallest first."""
    xx, yy = np.meshgrid(grid.x, grid.y)
    gradient = landscape.gradient_at(grid_point(grid.held, grid.plotted, xx, yy))
    norm = np.sqrt(
        sum(np.broadcast_to(gradient[k], xx.shape) ** 2 for k in range(landscape.n_inputs))
    )
    norm = np.where(np.isfinite(norm), norm, np.inf)
    padded = np.pad(norm, 1, constant_values=np.inf)
    neighbours = [
        padded[1 + dr : 1 + dr + norm.shape[0], 1 + dc : 1 + dc + norm.shape[1]]
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if (dr, dc) != (0, 0)
    ]
    is_minimum = np.isfinite(norm) & np.all([norm <= n for n in neighbours], axis=0)
    rows, cols = np.nonzero(is_minimum)
    order = np.argsort(norm[rows, cols])[:count]
    starts = np.tile(np.asarray(grid.held, dtype=float), (len(order), 1))
    starts[:, grid.plotted[0]] = grid.x[cols[order]]
    starts[:, grid.plotted[1]] = grid.y[rows[order]]
    return starts


def critical_points(landscape: Landscape, starts: np.ndarray) -> list[CriticalPoint]:
    """The distinct critical points Newton's method reaches from ``starts`` (k, m), classified."""
    if len(starts) == 0:
        return []
    ends = _newton(landscape, starts)
    found: list[CriticalPoint] = []
    for x in ends:
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > MAX_COORDINATE:
            continue
        g = landscape.gradient_at(list(x))
        if not np.all(np.isfinite(g)) or np.linalg.norm(g) > GRADIENT_ZERO_TOLERANCE:
            continue
        scale = SAME_POINT_TOLERANCE * (1 + float(np.max(np.abs(x))))
        if any(np.max(np.abs(x - c.point)) <= scale for c in found):
            continue
        hessian = landscape.hessian_at(list(x))
        if not np.all(np.isfinite(hessian)):
            continue
        kind, eigenvalues = classify(hessian)
        found.append(
            CriticalPoint(
                point=x,
                value=float(landscape.value_at(list(x))),
                hessian=hessian,
                eigenvalues=eigenvalues,
                kind=kind,
            )
        )
    return found


#: Newton starts around the knob point, as fractions of the scale (the plotted span or 1).
NEARBY_STARTS = (0.05, 0.2)
#: Steps along a flat direction of the Hessian (fractions of the scale) where a continuum of
#: critical points is looked for.
CONTINUUM_STEPS = (-0.1, -0.05, 0.05, 0.1)
#: A continuum whose points stray from the straight line by less than this (relative to the
#: scale) is a line. Newton leaves a point of a critical line exactly where it is (the gradient
#: is 0 there), so a real line passes a far tighter test than this.
LINE_TOLERANCE = 1e-9


def _starts_around(point: np.ndarray, scale: float) -> np.ndarray:
    """The point, and points around it along each knob's axis: (1 + 4m, m)."""
    starts = [point]
    for fraction in NEARBY_STARTS:
        for k in range(point.size):
            for sign in (-1.0, 1.0):
                start = point.copy()
                start[k] += sign * fraction * scale
                starts.append(start)
    return np.array(starts)


def _flat_directions(critical: CriticalPoint) -> list[np.ndarray]:
    """Unit directions (m,) along which the Hessian is flat (eigenvalue ~ 0); when more than one
    is flat, the knobs' axes too (the eigenvectors of a repeated 0 are any basis of it)."""
    if critical.kind not in ("degenerate", "saddle"):
        return []
    symmetric = (critical.hessian + critical.hessian.T) / 2
    eigenvalues, vectors = np.linalg.eigh(symmetric)
    tolerance = EIGENVALUE_ZERO_TOLERANCE * max(1.0, float(np.max(np.abs(eigenvalues))))
    flat = [vectors[:, k] for k in np.nonzero(np.abs(eigenvalues) <= tolerance)[0]]
    if len(flat) > 1:
        flat += list(np.eye(critical.point.size))
    return flat


def with_families(
    landscape: Landscape, found: Sequence[CriticalPoint], scale: float
) -> list[CriticalPoint]:
    """``found`` with each point's family: Newton (one batch for all) from points a little way
    along each flat direction of its Hessian; if every one ends on another critical point, they
    form a continuum, a line when they lie on the straight line through the point."""
    trials = [(index, v) for index, c in enumerate(found) for v in _flat_directions(c)]
    if not trials:
        return list(found)
    steps = np.array(CONTINUUM_STEPS) * scale
    starts = np.concatenate([found[index].point + steps[:, None] * v for index, v in trials])
    ends = _newton(landscape, starts).reshape(len(trials), len(steps), -1)
    gradients = np.moveaxis(landscape.gradient_at(list(np.moveaxis(ends, -1, 0))), 0, -1)
    result = list(found)
    for (index, _), end, gradient in zip(trials, ends, gradients, strict=True):
        critical = result[index]
        if critical.family != "isolated" or not np.all(np.isfinite(end)):
            continue
        offsets = end - critical.point
        on_set = np.linalg.norm(gradient, axis=1) <= GRADIENT_ZERO_TOLERANCE
        moved = np.linalg.norm(offsets, axis=1) >= 0.5 * np.abs(steps)
        if not np.all(on_set & moved):
            continue
        tangent = offsets[-1] / float(np.linalg.norm(offsets[-1]))
        off_line = offsets - np.outer(offsets @ tangent, tangent)
        straight = float(np.max(np.linalg.norm(off_line, axis=1))) <= LINE_TOLERANCE * scale
        result[index] = replace(
            critical,
            family="line" if straight else "curve",
            along=tangent * (1.0 if tangent[np.argmax(np.abs(tangent))] > 0 else -1.0),
        )
    return result


def _closest_on_line(
    landscape: Landscape, critical: CriticalPoint, here: np.ndarray
) -> CriticalPoint:
    """The point of a critical line nearest to ``here`` (the foot of the perpendicular), if the
    line goes on that far (grad f = 0 there too); else ``critical`` itself."""
    if critical.along is None:
        return critical
    foot = critical.point + float((here - critical.point) @ critical.along) * critical.along
    gradient = landscape.gradient_at(list(foot))
    hessian = landscape.hessian_at(list(foot))
    if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
        return critical
    if float(np.linalg.norm(gradient)) > GRADIENT_ZERO_TOLERANCE:
        return critical
    kind, eigenvalues = classify(hessian)
    return CriticalPoint(
        point=foot,
        value=float(landscape.value_at(list(foot))),
        hessian=hessian,
        eigenvalues=eigenvalues,
        kind=kind,
        family="line",
        along=critical.along,
    )


def nearest_critical_point(
    landscape: Landscape,
    point: Sequence[float],
    known: Sequence[CriticalPoint] = (),
    scale: float = 1.0,
) -> CriticalPoint | None:
    """The critical point nearest to ``point``: among ``known`` ones (e.g. found from
    ``grid_starts``) and those Newton's method reaches from ``point`` and from points around it
    (``scale`` away, the plotted span); None if none.

    When it is one point of a line or curve of critical points (``family``), it says so, and on
    a line it is the point of the line nearest to ``point``.
    """
    here = np.asarray(point, dtype=float)
    scale = float(scale) if math.isfinite(scale) and scale > 0 else 1.0
    # The known points come with their families (found once per function and view); these few
    # are new on every knob move.
    found = [
        *known,
        *with_families(landscape, critical_points(landscape, _starts_around(here, scale)), scale),
    ]
    found += [_closest_on_line(landscape, c, here) for c in found if c.family == "line"]
    if not found:
        return None
    return min(found, key=lambda c: float(np.linalg.norm(c.point - here)))


# --- checks shown beside the exact numbers ------------------------------------------------------


@dataclass(frozen=True)
class HessianCheck:
    """The Hessian (m, m) at a point, its eigenvalues (m,), ascending, and the largest
    difference from the Hessian measured by central differences of the gradient (nan where
    the Hessian is undefined)."""

    hessian: np.ndarray
    eigenvalues: np.ndarray
    difference: float


def hessian_check(landscape: Landscape, point: Sequence[float]) -> HessianCheck:
    """The Hessian at ``point`` with its eigenvalues and its agreement with ``numeric_hessian``."""
    hessian = landscape.hessian_at(point)
    if not np.all(np.isfinite(hessian)):
        nan = np.full(landscape.n_inputs, np.nan)
        return HessianCheck(hessian, nan, math.nan)
    eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    difference = float(np.max(np.abs(landscape.numeric_hessian(point) - hessian)))
    return HessianCheck(hessian, eigenvalues, difference)


@dataclass(frozen=True)
class SlopeCheck:
    """D_u f at a point: exact (grad f . u), and measured on f itself by the central difference
    (f(p + h u) - f(p - h u)) / 2h with step ``h``."""

    exact: float
    measured: float
    step: float


#: Central-difference step of the checks, relative to max(1, |point|).
CHECK_STEP = 1e-5


def directional_check(
    landscape: Landscape, point: Sequence[float], direction: Sequence[float]
) -> SlopeCheck:
    """The directional derivative along ``direction`` (normalised) and its measured value."""
    p = np.asarray(point, dtype=float)
    h = CHECK_STEP * max(1.0, float(np.max(np.abs(p))))
    ends = values_along(landscape, p, direction, np.array([-h, h]))
    measured = float((ends[1] - ends[0]) / (2 * h))
    return SlopeCheck(landscape.directional_derivative(p, direction), measured, h)


@dataclass(frozen=True)
class PlaneCheck:
    """The tangent plane at a point against f a step away along both plotted knobs."""

    step: float
    predicted: float
    actual: float

    @property
    def error(self) -> float:
        return self.actual - self.predicted


def tangent_plane_check(
    landscape: Landscape, point: Sequence[float], plotted: tuple[int, int], step: float = 0.1
) -> PlaneCheck:
    """f(p) + grad f . (step along both plotted knobs), against f there."""
    p = np.asarray(point, dtype=float)
    i, j = plotted
    gradient = landscape.gradient_at(p)
    nearby = p.copy()
    nearby[i] += step
    nearby[j] += step
    predicted = float(landscape.value_at(p)) + float(gradient[i] + gradient[j]) * step
    return PlaneCheck(step, predicted, float(landscape.value_at(nearby)))


# --- how big a formula is, before anyone typesets it ---------------------------------------------

#: Most sympy nodes (symbols, numbers, operations) a formula shown on the page may have. Beyond
#: it the browser spends seconds typesetting (a 16-knob Hessian took 9 to 13 s) and a learner
#: cannot read it anyway; the numbers at the knobs are shown instead.
MAX_TYPESET_NODES = 1500


def formula_size(expressions: Sequence[sp.Expr], limit: int = MAX_TYPESET_NODES) -> int:
    """How many nodes the expressions have together, counted up to ``limit + 1`` at most (so a
    huge formula costs no more to measure than one just over the limit)."""
    count = 0
    for expression in expressions:
        for _ in sp.preorder_traversal(expression):
            count += 1
            if count > limit:
                return count
    return count
