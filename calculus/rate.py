"""Rate of change of f: R -> R: tangent, secant, critical points and gradient descent.

The chapter's running example is the loss ``f(x) = x^2 + 4x - 2`` of a model with one parameter:
its rate of change ``f'(x) = 2x + 4`` is zero at ``x = -2``, where the loss is smallest, and
gradient descent ``x_{k+1} = x_k - eta f'(x_k)`` rolls down to it. Everything here works on a
:class:`Slice`: f as a function of one knob while the other knobs are held fixed, so for a function
of several variables the "derivative" is the partial derivative along that knob.

How it works
------------
- Values, slopes and curvatures are compiled numpy code from the engine (``VectorFunction``); a
  knob move only evaluates them. ``f''`` is the Jacobian of ``build_function([f'])``.
- Critical points: ``f'(x) = 0`` is solved exactly by sympy's ``solveset`` in the bounded worker
  process (``run_symbolic``), first over the reals and, when that answer is an infinite set (``sin``
  has infinitely many zeros), over the plotted range. When sympy cannot solve it, or runs out of
  time, the zeros are found numerically: sign changes of the compiled ``f'`` on a fine grid,
  refined by bisection.
- Each critical point is classified by the second-derivative test; when ``f'' = 0`` there the test
  says nothing, and the first-derivative test (the sign of f' on either side) decides.

Known pitfalls
--------------
- Numeric root finding only sees zeros where f' changes sign: a double zero that touches 0
  without crossing (``3x^2`` at 0) is found only by the exact solver.
- Where f' jumps across 0 without being 0 (``abs(x)`` at 0, ``1/x^2`` at 0) there is no critical
  point in the ``f' = 0`` sense; those places are reported as ``breaks``.
- Near a removable singularity (``sin(x)/x`` at 0) the compiled f' loses digits to cancellation,
  so a numeric critical point there is only good to about 1e-8.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from calculus.errors import ExpressionError, ServerBusy
from calculus.reading import number_latex
from calculus.vector_function import VectorFunction, build_function
from calculus.worker import run_symbolic

#: Seconds sympy may spend solving f'(x) = 0 before the numeric search takes over.
SOLVE_TIME_LIMIT_S = 3.0
#: A derivative larger than this (nodes of its expression tree) is not given to sympy's solver:
#: it would only spend the whole time limit (a link to 38 nested sigmoids, 1711 nodes, took 3 s
#: more to answer); the numeric search finds the critical points.
MAX_SOLVE_NODES = 500
#: The largest f' (nodes of its expression tree) differentiated again for f'': the time grows
#: with its square (38 nested sigmoids, 1711 nodes, took 2.8 s or ran into the 4 s limit).
MAX_DERIVATIVE_NODES = 1000
#: Grid points of the numeric search for sign changes of f' over the plotted range.
ROOT_GRID_POINTS = 4000
#: Bisection halvings of each bracket (2^-60 of a grid step is far below float resolution).
BISECTION_STEPS = 60
#: |f''| below this (relative to the scale of f'' on the range) counts as zero: test inconclusive.
CURVATURE_ZERO_TOLERANCE = 1e-9
#: At most this many critical points are reported (sin x on a wide range has many).
MAX_CRITICAL_POINTS = 40
#: An exact solution whose LaTeX is longer than this is shown by its decimal value instead.
MAX_EXACT_LATEX = 80
#: Gradient descent stops once |x_k| exceeds this: it has run away.
ESCAPE_BOUND = 1e12
#: Step sizes growing or shrinking by less than this factor per step count as steady.
STEADY_RATIO_TOLERANCE = 1e-6
#: "Run until converged" takes at most this many steps (each costs one compiled f' call).
MAX_DESCENT_STEPS = 1000
#: Converged: |f'(x_K)| at most this ...
CONVERGED_SLOPE = 1e-8
#: ... and the last step at most this times (1 + |x_K|).
CONVERGED_STEP = 1e-8
#: Step sizes for the secant table: 1, 0.1, ..., 1e-16.
SECANT_STEPS = tuple(10.0**-k for k in range(17))

MINIMUM, MAXIMUM, NEITHER = "minimum", "maximum", "neither"

CONVERGES = "converges"
OSCILLATES_CONVERGING = "oscillates while converging"
OSCILLATES = "oscillates without settling"
DRIFTS = "keeps going downhill"
DIVERGES = "diverges"
UNDEFINED = "stops: f' is undefined"
STILL = "stands still"


# --- the slice: f along one knob -----------------------------------------------------------------


class _TooLarge(Exception):
    """The derivative is too large to hand to sympy's solver."""


@lru_cache(maxsize=128)
def _built_derivative(
    derivative: sp.Expr, variables: tuple[str, ...]
) -> VectorFunction | ExpressionError:
    # A refusal is kept too: asking again (the page does, twice a run) would wait out the whole
    # time limit again; a link to a too-large f took two limits, 8.8 s, to answer.
    size = sum(1 for _ in sp.preorder_traversal(derivative))
    if size > MAX_DERIVATIVE_NODES:  # refused at once: it would only wait out the time limit
        return ExpressionError(
            f"this function is too large to differentiate twice (f' has {size} parts; at most "
            f"{MAX_DERIVATIVE_NODES}) — try a smaller one"
        )
    try:
        return build_function([derivative], variables)
    except ServerBusy:
        raise  # busy now, not refused: not kept
    except ExpressionError as refused:
        return refused


def _derivative_function(derivative: sp.Expr, variables: tuple[str, ...]) -> VectorFunction:
    """f' as a VectorFunction of all knobs; its Jacobian column holds f''. Cached per f'."""
    built = _built_derivative(derivative, variables)
    if isinstance(built, ExpressionError):
        raise built.with_traceback(None)
    return built


@dataclass(frozen=True, eq=False)
class Slice:
    """f along one knob, the other knobs held fixed: g(t) = f(x_1, ..., x_knob = t, ..., x_m).

    ``point`` holds all m knob values; its entry at ``knob`` is ignored. ``value``, ``slope`` and
    ``curvature`` take t of any shape G and return g, g' = df/dx_knob and g'' of shape G, nan
    where undefined (the slope also at kinks).

    >>> from calculus import parse_function
    >>> g = Slice.along(parse_function("x^2 + 4x - 2"), "x")
    >>> float(g.slope(1.0)), float(g.curvature(1.0))
    (6.0, 2.0)
    """

    function: VectorFunction
    knob: int
    point: tuple[float, ...]
    #: g' as a function of all knobs (built once per f): its Jacobian column ``knob`` is g''.
    derivative_function: VectorFunction = field(repr=False)
    output: int = 0

    @classmethod
    def along(
        cls,
        function: VectorFunction,
        variable: str,
        point: Sequence[float] | None = None,
        output: int = 0,
    ) -> Slice:
        """The slice of output ``output`` along ``variable`` (others fixed at ``point``, default 0).

        Builds f' as a function in the worker once per f (cached), so that f'' is its Jacobian.
        """
        if variable not in function.variables:
            raise ExpressionError(f"'{variable}' is not a variable of this function")
        knob = function.variables.index(variable)
        values = tuple(0.0 for _ in function.variables) if point is None else tuple(point)
        if len(values) != function.n_inputs:
            raise ValueError(f"expected {function.n_inputs} knob values, got {len(values)}")
        second = _derivative_function(function.derivative(output, knob), function.variables)
        return cls(function, knob, tuple(float(v) for v in values), second, output)

    @property
    def variable(self) -> str:
        return self.function.variables[self.knob]

    @property
    def symbol(self) -> sp.Symbol:
        return self.function.symbols[self.knob]

    @property
    def fixed(self) -> dict[str, float]:
        """The other knobs and the values they are held at."""
        return {
            name: value
            for index, (name, value) in enumerate(
                zip(self.function.variables, self.point, strict=True)
            )
            if index != self.knob
        }

    def _substitutions(self) -> dict[sp.Symbol, sp.Expr]:
        # Fixed knobs enter the exact work as the rationals their decimals spell (0.1 -> 1/10).
        return {
            symbol: sp.Rational(repr(value))
            for index, (symbol, value) in enumerate(
                zip(self.function.symbols, self.point, strict=True)
            )
            if index != self.knob
        }

    @property
    def expression(self) -> sp.Expr:
        """g(t) exactly: f with the fixed knobs substituted."""
        return self.function.outputs[self.output].subs(self._substitutions())

    @property
    def derivative(self) -> sp.Expr:
        """g'(t) exactly: the partial derivative df/dx_knob with the fixed knobs substituted."""
        return self.function.derivative(self.output, self.knob).subs(self._substitutions())

    @property
    def second_derivative(self) -> sp.Expr:
        """g''(t) exactly."""
        return self.derivative_function.derivative(0, self.knob).subs(self._substitutions())

    def _points(self, t: np.ndarray | float) -> list[np.ndarray | float]:
        return [t if index == self.knob else value for index, value in enumerate(self.point)]

    def value(self, t: np.ndarray | float) -> np.ndarray:
        """g(t), shape of t."""
        return self.function.value_at(self._points(t))[self.output]

    def slope(self, t: np.ndarray | float) -> np.ndarray:
        """g'(t) = df/dx_knob, shape of t; nan where it does not exist."""
        return self.function.jacobian_at(self._points(t))[self.output, self.knob]

    def curvature(self, t: np.ndarray | float) -> np.ndarray:
        """g''(t), shape of t; nan where it does not exist."""
        return self.derivative_function.jacobian_at(self._points(t))[0, self.knob]


def derivative_forms(g: Slice) -> tuple[str, str, float]:
    """(g' in general as LaTeX, g' with the fixed knobs put in, g'' if constant else nan)."""
    general = sp.latex(g.function.derivative(g.output, g.knob))
    here = sp.latex(g.derivative) if g.fixed else general
    second = g.second_derivative
    constant = float(second) if not second.free_symbols and second.is_real else math.nan
    return general, here, constant


# --- tangent and secant --------------------------------------------------------------------------


def tangent_line(x0: float, value: float, slope: float, t: np.ndarray) -> np.ndarray:
    """The tangent at (x0, value): value + slope (t - x0), shape of t."""
    return value + slope * (np.asarray(t, dtype=float) - x0)


def secant_slope(g: Slice, x: float, h: float | np.ndarray) -> np.ndarray:
    """(g(x + h) - g(x)) / h for each h (shape of h); nan where h is 0 or g is undefined."""
    h = np.asarray(h, dtype=float)
    with np.errstate(all="ignore"):
        return (g.value(x + h) - g.value(np.full(h.shape, x))) / np.where(h == 0, np.nan, h)


@dataclass(frozen=True)
class SecantTable:
    """How the secant slope approaches g'(x) as h shrinks. Arrays have shape (len(steps),).

    ``error`` = |secant - g'(x)|. For large h it falls like |g''| h / 2 (the curve bends away from
    the secant); for tiny h it grows again like eps |g(x)| / h, because g(x + h) - g(x) subtracts
    two nearly equal floats and keeps only their last few digits (at h below eps |x|, x + h == x
    and the secant slope is 0).
    """

    x: float
    slope: float
    steps: np.ndarray
    secants: np.ndarray
    errors: np.ndarray

    @property
    def best_step(self) -> float:
        """The h with the smallest error (near sqrt(eps) ~ 1e-8 for a smooth g)."""
        finite = np.where(np.isfinite(self.errors), self.errors, np.inf)
        return float(self.steps[int(np.argmin(finite))])


def secant_table(g: Slice, x: float, steps: Sequence[float] = SECANT_STEPS) -> SecantTable:
    """Secant slopes through x and x + h and their errors against the exact g'(x)."""
    h = np.asarray(steps, dtype=float)
    slope = float(g.slope(x))
    secants = secant_slope(g, x, h)
    return SecantTable(x, slope, h, secants, np.abs(secants - slope))


# --- critical points ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExactRoot:
    latex: str  # "" when the exact form is too long to show
    x: float


@dataclass(frozen=True)
class _ExactSolution:
    roots: tuple[_ExactRoot, ...] = ()
    flat_latex: str = ""  # LaTeX of a set of intervals where f' = 0, e.g. (-\infty, 0)
    flat: tuple[tuple[float, float], ...] = ()


def _real_value(expr: sp.Expr) -> float | None:
    value = complex(sp.N(expr, 30))
    if not math.isfinite(value.real) or abs(value.imag) > 1e-12 * (1 + abs(value.real)):
        return None
    return value.real


def _finite_candidates(solutions: sp.Set) -> list[sp.Expr] | None:
    """The elements of a finite solution set, or None when it is not (known to be) finite."""
    if isinstance(solutions, sp.FiniteSet):
        return list(solutions.args)
    if isinstance(solutions, sp.Intersection):  # e.g. {messy cubic roots} ∩ Reals
        finite = [arg for arg in solutions.args if isinstance(arg, sp.FiniteSet)]
        if finite:
            return list(finite[0].args)
    return None


def _intervals(solutions: sp.Set) -> list[sp.Interval] | None:
    parts = solutions.args if isinstance(solutions, sp.Union) else (solutions,)
    if all(isinstance(part, sp.Interval) for part in parts):
        return list(parts)
    return None


def solve_critical_points(
    derivative: sp.Expr, symbol: sp.Symbol, low: sp.Rational, high: sp.Rational
) -> _ExactSolution | None:
    """Solve derivative = 0 exactly (runs in the worker process): None if sympy cannot.

    Over the reals first; an infinite answer (periodic functions) is retried over [low, high].
    A polynomial f' goes to sympy's real-root isolation instead, which is fast for any degree.
    """
    if derivative.is_zero:
        return _ExactSolution(flat_latex=sp.latex(sp.S.Reals), flat=((-math.inf, math.inf),))
    if derivative.is_polynomial(symbol):
        roots = []
        for candidate in sorted(set(sp.Poly(derivative, symbol).real_roots())):
            latex = "" if isinstance(candidate, sp.CRootOf) else sp.latex(candidate)
            roots.append(
                _ExactRoot(latex if len(latex) <= MAX_EXACT_LATEX else "", float(candidate))
            )
        return _ExactSolution(roots=tuple(roots[: 2 * MAX_CRITICAL_POINTS]))
    for domain in (sp.S.Reals, sp.Interval(low, high)):
        solutions = sp.solveset(sp.Eq(derivative, 0), symbol, domain)
        if solutions is sp.S.EmptySet:  # exp(x): f' = 0 has no solution at all
            return _ExactSolution()
        candidates = _finite_candidates(solutions)
        if candidates is not None:
            roots = []
            for candidate in candidates[: 2 * MAX_CRITICAL_POINTS]:
                value = _real_value(candidate)
                if value is None:
                    continue
                latex = sp.latex(candidate)
                roots.append(_ExactRoot(latex if len(latex) <= MAX_EXACT_LATEX else "", value))
            return _ExactSolution(roots=tuple(sorted(roots, key=lambda root: root.x)))
        intervals = _intervals(solutions)
        if intervals is not None:
            flat = tuple((float(part.start), float(part.end)) for part in intervals)
            return _ExactSolution(flat_latex=sp.latex(solutions), flat=flat)
    return None


@dataclass(frozen=True)
class CriticalPoint:
    """A place where g'(x) = 0, with the verdict of the derivative tests.

    ``latex`` is the exact value when sympy found one (``-2``, ``e^{-1/2}``), else "".
    ``kind`` is ``MINIMUM``, ``MAXIMUM`` or ``NEITHER``; ``reasoning`` says why, in Markdown with
    LaTeX between dollar signs.
    """

    x: float
    latex: str
    value: float
    curvature: float
    kind: str
    test: str  # "second derivative" or "first derivative"
    reasoning: str
    in_range: bool = True

    @property
    def exact(self) -> bool:
        return bool(self.latex)


@dataclass(frozen=True)
class CriticalPoints:
    """All critical points of a slice (sorted by x), and how they were found.

    ``method`` is "exact" or "numeric"; ``note`` says why a numeric search was needed.
    ``flat`` lists intervals (lo, hi) where g' = 0 throughout (``relu`` left of 0), with
    ``flat_latex`` when exact. ``breaks`` lists x where g' changes sign without passing through 0
    (a kink such as ``abs`` at 0, or a pole): no critical point in the g' = 0 sense.
    """

    points: tuple[CriticalPoint, ...]
    method: str
    note: str = ""
    flat: tuple[tuple[float, float], ...] = ()
    flat_latex: str = ""
    breaks: tuple[float, ...] = ()

    def in_range(self) -> tuple[CriticalPoint, ...]:
        return tuple(point for point in self.points if point.in_range)


def _side_signs(g: Slice, x: float, width: float) -> tuple[float, float]:
    """Signs of g' a little to the left and right of x (nan if undefined there)."""
    delta = max(width * 1e-4, abs(x) * 1e-6, 1e-9)
    left, right = g.slope(np.array([x - delta, x + delta]))
    return float(np.sign(left)), float(np.sign(right))


def _sign_word(sign: float) -> str:
    return {1.0: "+", -1.0: "-", 0.0: "0"}.get(sign, "undefined")


def _trusted_curvature(g: Slice, x: float, width: float, scale: float) -> float:
    """g''(x) from the compiled code, or nan when it cannot be trusted there.

    Near a removable singularity (sin(x)/x at 0) the compiled g'' subtracts huge, nearly equal
    terms and returns noise; a central difference of g' over a modest step does not. When the two
    disagree, the compiled value is noise.
    """
    curvature = float(g.curvature(x))
    delta = max(width * 1e-4, abs(x) * 1e-6)
    left, right = (float(v) for v in g.slope(np.array([x - delta, x + delta])))
    estimate = (right - left) / (2 * delta)
    if not math.isfinite(curvature):
        return math.nan
    if math.isfinite(estimate) and abs(curvature - estimate) > 1e-3 * scale + 1e-2 * abs(estimate):
        return math.nan
    return curvature


def classify(
    g: Slice, x: float, width: float, name: str = "", curvature_scale: float = 1.0
) -> tuple[str, str, str, float]:
    """(kind, test, reasoning, g''(x)) for a critical point x of g.

    The second-derivative test: g'' > 0 bends up (minimum), g'' < 0 bends down (maximum). When
    g''(x) is 0, undefined or numerically unreliable, that test says nothing, and the sign of g'
    on either side decides: - then + is a minimum, + then - a maximum, the same sign on both sides
    neither. ``width`` is the plotted range (sets how far "either side" is), ``name`` is how x is
    written, ``curvature_scale`` the size of g'' on the range (sets what counts as 0).
    """
    name = name or number_latex(x)
    var = g.variable
    scale = max(curvature_scale, 1e-300)
    curvature = _trusted_curvature(g, x, width, scale)
    left, right = _side_signs(g, x, width)
    is_zero = math.isfinite(curvature) and abs(curvature) <= CURVATURE_ZERO_TOLERANCE * scale
    if math.isfinite(curvature) and not is_zero:
        said = f"$f''({name}) = {number_latex(curvature)}"
        if curvature > 0:
            reasoning = f"{said} > 0$, so the curve bends up there: a **minimum**."
            return MINIMUM, "second derivative", reasoning, curvature
        reasoning = f"{said} < 0$, so the curve bends down there: a **maximum**."
        return MAXIMUM, "second derivative", reasoning, curvature
    if is_zero:
        opening = f"$f''({name}) = 0$, so the second-derivative test is inconclusive"
        curvature = 0.0
    else:
        opening = (
            f"$f''({name})$ cannot be computed reliably here, so the second-derivative test is "
            "skipped"
        )
    signs = (
        f"$f'$ is {_sign_word(left)} just left of ${var} = {name}$ "
        f"and {_sign_word(right)} just right"
    )
    if left < 0 < right:
        verdict = "f falls, then rises: a **minimum**"
        kind = MINIMUM
    elif left > 0 > right:
        verdict = "f rises, then falls: a **maximum**"
        kind = MAXIMUM
    else:
        direction = "rises" if left > 0 else "falls" if left < 0 else "is flat"
        verdict = f"f {direction} on both sides: **neither** a minimum nor a maximum"
        kind = NEITHER
    return kind, "first derivative", f"{opening}; {signs}, so {verdict}.", curvature


def _numeric_roots(g: Slice, low: float, high: float) -> tuple[list[float], list[float], list]:
    """(roots, breaks, flat intervals) of g' on [low, high] from sign changes on a fine grid."""
    # A grid of cell midpoints misses "nice" points such as 0, where a removable singularity
    # (sin(x)/x) makes the compiled g' nan.
    n = ROOT_GRID_POINTS
    t = low + (high - low) * (np.arange(n) + 0.5) / n
    s = g.slope(t)
    sign = np.sign(s)
    finite = np.isfinite(s)
    flat: list[tuple[float, float]] = []
    zero = finite & (s == 0)
    roots: list[float] = []
    # Runs of exact zeros: one point is a root, a longer run is a flat stretch.
    index = 0
    while index < n:
        if zero[index]:
            end = index
            while end + 1 < n and zero[end + 1]:
                end += 1
            if end == index:
                roots.append(float(t[index]))
            else:
                flat.append((float(t[index]), float(t[end])))
            index = end + 1
        else:
            index += 1
    brackets = np.nonzero(finite[:-1] & finite[1:] & (sign[:-1] * sign[1:] < 0))[0]
    a, b = t[brackets].copy(), t[brackets + 1].copy()
    sa = sign[brackets].copy()
    start = np.minimum(np.abs(s[brackets]), np.abs(s[brackets + 1]))
    for _ in range(BISECTION_STEPS):
        m = 0.5 * (a + b)
        sm = np.sign(g.slope(m))
        # A midpoint where g' is undefined is nudged aside (the bracket stays valid).
        nudged = ~np.isfinite(sm)
        if nudged.any():
            m = np.where(nudged, a + 0.51 * (b - a), m)
            sm = np.sign(g.slope(m))
        left = sm == sa
        a = np.where(left, m, a)
        b = np.where(left, b, m)
        done = sm == 0
        a = np.where(done, m, a)
        b = np.where(done, m, b)
    end = np.minimum(np.abs(g.slope(a)), np.abs(g.slope(b)))
    breaks: list[float] = []
    for x_a, x_b, size, before in zip(a, b, end, start, strict=True):
        x = float(0.5 * (x_a + x_b))
        # A continuous g' shrinks towards 0 in the bracket; a jump (kink, pole) does not.
        if np.isfinite(size) and size <= 1e-3 * before:
            roots.append(x)
        else:
            breaks.append(x)
    return sorted(roots), sorted(breaks), flat


def _tidy(x: float, width: float) -> float:
    """Round a numeric root to 7 significant digits of the range: 2.4e-9 on [-10, 10] -> 0."""
    digits = 7 - math.ceil(math.log10(width))
    rounded = round(x, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return rounded


def critical_points(g: Slice, low: float, high: float) -> CriticalPoints:
    """The points where g'(x) = 0: exact where sympy can solve it, else numeric on [low, high].

    Exact solutions outside [low, high] are kept with ``in_range=False``. Each point is
    classified by :func:`classify`.

    >>> from calculus import parse_function
    >>> found = critical_points(Slice.along(parse_function("x^2 + 4x - 2"), "x"), -6.0, 2.0)
    >>> [(p.latex, p.kind) for p in found.points], found.method
    ([('-2', 'minimum')], 'exact')
    """
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"the range must be finite with low < high, got [{low}, {high}]")
    width = high - low
    grid = np.linspace(low, high, 401)
    curvatures = np.abs(g.curvature(grid))
    curvatures = curvatures[np.isfinite(curvatures)]
    scale = float(curvatures.max()) if curvatures.size else 1.0
    note = ""
    exact: _ExactSolution | None = None
    size = sum(1 for _ in sp.preorder_traversal(g.derivative))
    try:
        if size > MAX_SOLVE_NODES:
            raise _TooLarge
        exact = run_symbolic(
            solve_critical_points,
            g.derivative,
            g.symbol,
            sp.Rational(repr(low)),
            sp.Rational(repr(high)),
            what="solve f'(x) = 0",
            timeout=SOLVE_TIME_LIMIT_S,
        )
    except _TooLarge:
        note = f"$f'({g.variable})$ is too large for sympy to solve $f'({g.variable}) = 0$ exactly"
    except ServerBusy:
        note = f"the server was too busy to solve $f'({g.variable}) = 0$ exactly"
    except ExpressionError:
        note = f"sympy could not solve $f'({g.variable}) = 0$ within {SOLVE_TIME_LIMIT_S:g} s"
    except Exception:  # any failure inside sympy's solver: the numeric search takes over
        note = f"sympy could not solve $f'({g.variable}) = 0$"
    if exact is None and not note:
        note = f"sympy cannot solve $f'({g.variable}) = 0$ in closed form"

    points: list[CriticalPoint] = []
    breaks: list[float] = []
    if exact is not None:
        method = "exact"
        flat = exact.flat
        for root in exact.roots:
            slope = float(g.slope(root.x))
            if not math.isfinite(slope) or not math.isfinite(float(g.value(root.x))):
                breaks.append(root.x)  # e.g. sign(x) = 0 at the kink of abs(x)
                continue
            points.append(_point(g, root.x, root.latex, width, scale, low <= root.x <= high))
        if not exact.roots and not exact.flat:
            # f' = 0 nowhere (exp x, 1/x^2): a pole or a jump may still flip its sign.
            breaks = [_tidy(x, width) for x in _numeric_roots(g, low, high)[1]]
    else:
        method = "numeric"
        note += "; these were found numerically in the plotted range"
        roots, breaks, flat_list = _numeric_roots(g, low, high)
        flat = tuple(flat_list)
        points = [_point(g, x, "", width, scale, True, shown=_tidy(x, width)) for x in roots]
        breaks = [_tidy(x, width) for x in breaks]
    return CriticalPoints(
        points=tuple(points[:MAX_CRITICAL_POINTS]),
        method=method,
        note=note,
        flat=tuple(flat),
        flat_latex=exact.flat_latex if exact is not None else "",
        breaks=tuple(breaks),
    )


def _point(
    g: Slice,
    x: float,
    latex: str,
    width: float,
    scale: float,
    in_range: bool,
    shown: float | None = None,
) -> CriticalPoint:
    """Classify the critical point x; ``shown`` is x rounded for display (numeric roots)."""
    shown = x if shown is None else shown
    name = latex or number_latex(shown)
    kind, test, reasoning, curvature = classify(g, x, width, name, scale)
    # The value at the unrounded x: rounding may land on a hole such as sin(x)/x at 0.
    value = float(g.value(x))
    return CriticalPoint(shown, latex, value, curvature, kind, test, reasoning, in_range)


# --- gradient descent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Descent:
    """Gradient descent x_{k+1} = x_k - rate g'(x_k) from ``iterates[0]``.

    ``iterates`` and ``slopes`` have shape (K + 1,): x_0..x_K and g'(x_0)..g'(x_K), K <= steps
    (fewer when it ran away past ``ESCAPE_BOUND``, reached a place where g' is undefined, or,
    run until converged, met the tolerances or stopped moving).
    ``behaviour`` is one of CONVERGES (steps shrink, one way), OSCILLATES_CONVERGING (steps
    shrink, flipping sides), OSCILLATES (flipping with steps that stay the same), DIVERGES
    (flipping with growing steps, or past ``ESCAPE_BOUND``), DRIFTS (steps that do not shrink, all
    one way: downhill with no minimum met yet), UNDEFINED (g' undefined at the last iterate) or
    STILL (g' is not 0, yet no step moved x: rate 0, or a step below the float spacing of x).
    "Steps shrink" is not "arrived": :attr:`converged` says whether the tolerances are met.
    """

    rate: float
    iterates: np.ndarray
    slopes: np.ndarray
    behaviour: str
    #: The most steps it was allowed (the run is shorter when it stopped early).
    bound: int = 0

    @property
    def steps(self) -> np.ndarray:
        """x_{k+1} - x_k, shape (K,)."""
        return np.diff(self.iterates)

    @property
    def count(self) -> int:
        """K, the steps taken."""
        return len(self.iterates) - 1

    @property
    def converged(self) -> bool:
        """|g'(x_K)| <= CONVERGED_SLOPE and the last step <= CONVERGED_STEP (1 + |x_K|)."""
        return _converged(self.iterates, self.slopes)


def _converged(iterates: Sequence[float], slopes: Sequence[float]) -> bool:
    last, slope = float(iterates[-1]), float(slopes[-1])
    if not (math.isfinite(last) and math.isfinite(slope)) or abs(slope) > CONVERGED_SLOPE:
        return False
    step = abs(last - float(iterates[-2])) if len(iterates) > 1 else 0.0
    return step <= CONVERGED_STEP * (1.0 + abs(last))


def gradient_descent(
    slope: Callable[[np.ndarray], np.ndarray],
    start: float,
    rate: float,
    steps: int,
    until_converged: bool = False,
) -> Descent:
    """Run ``steps`` steps of x <- x - rate slope(x) from ``start``; classify how it went.

    ``slope`` is g' (e.g. ``Slice.slope``); it is called on one float at a time. With
    ``until_converged``, ``steps`` is a bound: the run stops as soon as it has converged
    (:attr:`Descent.converged`) or a step leaves x where it was (every later step would too).

    >>> run = gradient_descent(lambda x: 2 * x + 4, 0.0, 0.25, 3)
    >>> run.iterates.tolist(), run.behaviour
    ([0.0, -1.0, -1.5, -1.75], 'converges')
    """
    if not (math.isfinite(start) and math.isfinite(rate)):
        raise ValueError("start and rate must be finite numbers")
    if steps < 0:
        raise ValueError("steps must be >= 0")
    iterates = [float(start)]
    slopes = [float(slope(np.float64(start)))]
    while len(iterates) <= steps and math.isfinite(slopes[-1]):
        if until_converged and _converged(iterates, slopes):
            break
        x = iterates[-1] - rate * slopes[-1]
        if not math.isfinite(x) or abs(x) > ESCAPE_BOUND:
            iterates.append(x)
            slopes.append(math.nan)
            break
        if until_converged and x == iterates[-1]:
            break  # a fixed point of the update: more steps change nothing
        iterates.append(x)
        slopes.append(float(slope(np.float64(x))))
    run_iterates, run_slopes = np.array(iterates), np.array(slopes)
    behaviour = _behaviour(run_iterates, run_slopes, rate)
    return Descent(rate, run_iterates, run_slopes, behaviour, steps)


def _behaviour(iterates: np.ndarray, slopes: np.ndarray, rate: float) -> str:
    last = iterates[-1]
    if not math.isfinite(last) or abs(last) > ESCAPE_BOUND:
        return DIVERGES
    if not math.isfinite(slopes[-1]):
        return UNDEFINED
    # The step each iterate takes (the last one is the step it would take next).
    moves = -rate * slopes
    if slopes[-1] != 0 and iterates[-1] - rate * slopes[-1] == iterates[-1]:
        return STILL  # e.g. rate 0: "converges" would claim an arrival that never happened
    sizes = np.abs(moves)
    tiny = 1e-12 * (1.0 + np.abs(iterates))
    if sizes[-1] <= tiny[-1]:
        return CONVERGES
    window = min(len(moves) - 1, 5)
    if window == 0:
        return DRIFTS if sizes[-1] > 0 else CONVERGES
    recent = moves[-window - 1 :]
    ratio = (sizes[-1] / max(sizes[-window - 1], np.finfo(float).tiny)) ** (1.0 / window)
    flips = bool(np.all(recent[:-1] * recent[1:] < 0))
    if ratio < 1.0 - STEADY_RATIO_TOLERANCE:
        return OSCILLATES_CONVERGING if flips else CONVERGES
    if flips:  # overshooting the bottom by as much or more every time
        return DIVERGES if ratio > 1.0 + STEADY_RATIO_TOLERANCE else OSCILLATES
    # Steps as long or longer, all one way: rolling down a slope that does not flatten
    # (sigmoid far right, a line); it runs away only if it never meets a minimum.
    return DRIFTS


def step_factor(rate: float, curvature: float) -> float:
    """1 - rate c: what one step multiplies the distance to the minimum of a parabola with g'' = c.

    For g(x) = c/2 (x - x*)^2 + const, x_{k+1} - x* = (1 - rate c)(x_k - x*).
    """
    return 1.0 - rate * curvature


def heading_for(run: Descent, points: Sequence[CriticalPoint]) -> CriticalPoint | None:
    """The critical point a run whose steps shrink is closing in on, or None if there is none.

    Descent only ever closes in on a minimum or a flat point (never a maximum: it rolls away from
    one), ahead of it when it moves one way, on either side when it flips: the nearest such point
    to x_K in that direction.
    """
    last = float(run.iterates[-1])
    if not math.isfinite(last):
        return None
    candidates = [p for p in points if p.kind != MAXIMUM]
    steps = run.steps[np.isfinite(run.steps)]
    moving = steps[steps != 0]
    one_way = len(moving) > 0 and bool(np.all(np.sign(moving) == np.sign(moving[-1])))
    if one_way:
        direction = float(np.sign(moving[-1]))
        candidates = [p for p in candidates if (p.x - last) * direction >= 0]
    return min(candidates, key=lambda p: abs(p.x - last), default=None)


def critical_point_at(x: float, found: CriticalPoints, width: float) -> CriticalPoint | None:
    """The critical point at x, if ``found`` lists one (numeric ones are rounded to 1e-7 of the
    range's width, hence the tolerance)."""
    near = [p for p in found.points if abs(p.x - x) <= 1e-6 * max(width, 1.0)]
    return min(near, key=lambda p: abs(p.x - x), default=None)


def descent_span(iterates: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """The plotted range, widened to show iterates that left it (up to 2.5 ranges each way)."""
    finite = iterates[np.isfinite(iterates)]
    width = high - low
    if finite.size == 0:
        return low, high
    start = max(min(low, float(finite.min())), low - 2.5 * width)
    end = min(max(high, float(finite.max())), high + 2.5 * width)
    return start, end
