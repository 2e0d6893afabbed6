"""The chain rule as paths: a computation as a graph of values joined by operations.

A *computation graph* has the knobs and every intermediate value as nodes. Each value that a step
computes, ``u = x^2``, gets an edge from each of its direct inputs (here ``x -> u``) labelled with
the *local derivative* ``du/dx`` (other direct inputs of the step held still). The chain rule then
reads: the sensitivity of an output to a knob is the **sum over all paths** from the knob to the
output of the **product of the local derivatives** along each path.

>>> g = graph_from_steps("u = x^2\\nv = ln(x)\\ny = u v")
>>> g.knobs, g.outputs, g.paths("x", "y")
(('x',), ('y',), (('x', 'u', 'y'), ('x', 'v', 'y')))

How it works
------------
- **From steps** (``parse_steps``): one ``name = formula`` per line. Each right-hand side goes
  through the engine's whitelisting parser (``calculus.syntax.parse_text``), never through
  ``sympify``. Knobs are the names used but never defined; outputs are the defined names no step
  uses, and every defined name starting with ``y``. Lines may come in any order; cycles,
  redefinitions and bad names are refused with the line number.
- **From a formula** (``decompose``): the parsed sympy tree is cut into steps, intermediate values
  named ``u1, u2, ...``, at one of two levels: ``"functions"`` (each function call such as
  ``sin``, ``exp``, ``sqrt``, ``sigmoid`` is a value; arithmetic stays inside a step) or
  ``"operations"`` (every sum, product, power and function call is a value). Equal subexpressions
  become one node, so ``sin(x) + sin(x)^2`` has two paths through ``sin(x)``.
- ``ComputationGraph`` compiles each step as a function of its direct inputs with
  ``build_function`` (in the bounded worker process); its local derivatives are that function's
  Jacobian. Knob moves only evaluate compiled numpy code, step by step in topological order.
- The Jacobian "computed directly" composes the steps into the outputs as functions of the knobs
  (``xreplace`` substitution, in the worker: composition can grow exponentially) and
  differentiates that with ``build_function``. ``chain_rule`` expands every path product into the
  knobs, in the worker, and checks that their sum equals the direct entry.

Known pitfalls
--------------
- A mistyped name silently becomes a knob (``y = u vv`` makes ``vv`` a knob and ``v`` an output):
  pass ``knobs=`` to refuse unknown names, or show the learner which names are knobs.
- The number of paths can grow exponentially with depth (a ladder of ``k`` diamonds has ``2^k``
  paths): ``count_paths`` counts without listing, ``paths`` refuses beyond ``MAX_PATHS``, and
  ``totals_at`` sums all paths without listing them (forward accumulation, which is forward-mode
  automatic differentiation).
- At a kink (relu, abs at 0) a local derivative is nan, and so is every path through it.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice, pairwise
from typing import Literal

import numpy as np
import sympy as sp

from calculus import limits
from calculus.domain import Condition, natural_conditions
from calculus.errors import ExpressionError, ServerBusy
from calculus.functions import FUNCTION_NAMES
from calculus.syntax import ParsedText, _check_variable_name, natural_order, parse_text
from calculus.vector_function import VectorFunction, build_function
from calculus.worker import run_symbolic

#: Steps (computed values) in one graph: each is compiled on its own, and the direct Jacobian
#: compiles all outputs at once (at most ``limits.MAX_OUTPUTS`` = 64).
MAX_STEPS = 64
#: Nodes (knobs and steps) beyond which the graph is not drawn: it would be unreadable.
MAX_DRAWN_NODES = 40
#: Paths between one knob and one output beyond which they are not listed (totals only).
MAX_PATHS = 64
#: Characters in a whole steps text.
MAX_STEPS_TEXT_LENGTH = limits.MAX_TEXT_LENGTH

Level = Literal["functions", "operations"]
#: How finely ``decompose`` cuts a formula, coarse to fine.
LEVELS: tuple[Level, ...] = ("functions", "operations")

#: A path: node names from a knob to an output, e.g. ("x2", "u", "y2").
Path = tuple[str, ...]


class StepsError(ExpressionError):
    """Steps refused, with the 1-based ``line`` of the problem (``None`` for the whole text)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, column)
        self.line = line

    def __reduce__(self) -> tuple[type[StepsError], tuple[str, int | None, int | None]]:
        return (type(self), (self.message, self.line, self.column))


class GraphTooLarge(ExpressionError):
    """A formula whose graph has more than ``MAX_STEPS`` values: show its totals only."""


@dataclass(frozen=True)
class Step:
    """One computed value: ``name = expression`` in the real symbols of its direct ``inputs``.

    ``line`` is the 1-based line it was typed on, or ``None`` when ``decompose`` made it.
    """

    name: str
    expression: sp.Expr
    inputs: tuple[str, ...]
    line: int | None = None

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name, real=True)

    def text(self) -> str:
        """The step as a learner would type it, e.g. ``u1 = sin(x)`` (re-parsable)."""
        return f"{self.name} = {_typed(self.expression)}"


@dataclass(frozen=True)
class Edge:
    """``source -> target`` with its local derivative d target / d source (an expression in the
    symbols of the target's direct inputs)."""

    source: str
    target: str
    derivative: sp.Expr


@dataclass(frozen=True)
class PathTerm:
    """One path's share of a Jacobian entry.

    ``factors`` are the local derivatives along the path, knob side first; ``product`` is their
    product in the names of the nodes; ``in_knobs`` is the same with every intermediate value
    replaced by its formula in the knobs.
    """

    path: Path
    factors: tuple[sp.Expr, ...]
    product: sp.Expr
    in_knobs: sp.Expr


@dataclass(frozen=True)
class ChainRule:
    """d output / d knob as a sum over paths, beside the entry computed directly.

    ``terms`` is ``None`` when there are more than ``MAX_PATHS`` paths (``path_count`` says how
    many); then ``total`` and ``total_in_knobs`` are ``None`` too. ``equal`` is True when the sum
    in the knobs was shown to equal ``direct`` exactly, ``None`` when that could not be decided
    in time (or the paths were not listed).
    """

    output: str
    knob: str
    path_count: int
    terms: tuple[PathTerm, ...] | None
    total: sp.Expr | None
    total_in_knobs: sp.Expr | None
    direct: sp.Expr
    equal: bool | None


# --- steps from text ----------------------------------------------------------------------------

_CONSTANT_NAMES = {"e": "Euler's number e", "pi": "π"}


def _line_error(number: int, message: str, column: int | None = None) -> StepsError:
    return StepsError(f"line {number}: {message}", line=number, column=column)


def parse_steps(text: str, knobs: Sequence[str] | None = None) -> tuple[Step, ...]:
    """Read steps ``name = formula``, one per line (or several on a line, separated by commas or
    semicolons), in dependency order (the typed order kept where it allows).

    ``knobs`` (optional) declares the inputs: any other name that is used but never defined is
    then refused. Raises ``StepsError`` naming the line.

    >>> [s.text() for s in parse_steps("y = u v\\nu = x^2\\nv = ln(x)")]
    ['u = x^2', 'v = log(x)', 'y = u*v']
    """
    if not isinstance(text, str):
        raise StepsError("the steps must be text")
    if len(text) > MAX_STEPS_TEXT_LENGTH:
        raise StepsError(
            f"the steps are too long ({len(text)} characters; the limit is {MAX_STEPS_TEXT_LENGTH})"
        )
    declared = None if knobs is None else tuple(_check_variable_name(str(k)) for k in knobs)
    steps: list[Step] = []
    defined: dict[str, int] = {}  # name -> line
    for number, line in enumerate(text.split("\n"), start=1):
        for start, end in _segments(line):
            step = _read_step(line, start, end, number, declared, defined)
            if step is None:
                continue
            defined[step.name] = number
            steps.append(step)
            if len(steps) > MAX_STEPS:
                raise _line_error(number, f"too many steps (the limit is {MAX_STEPS})")
    if not steps:
        raise StepsError("type at least one step, for example y = x^2")
    used = {name for step in steps for name in step.inputs}
    free = used - set(defined)
    if declared is not None:
        for step in steps:
            for name in step.inputs:
                if name not in defined and name not in declared:
                    known = ", ".join(declared) or "none"
                    raise _line_error(
                        step.line or 0,
                        f"unknown name '{name}': no step defines it and it is not a knob "
                        f"(the knobs are {known})",
                    )
    elif len(free) > limits.MAX_VARIABLES:
        raise StepsError(f"too many knobs (the limit is {limits.MAX_VARIABLES})")
    return _topological(steps)


#: "u = x^2, v = ln x" on one line: a comma or semicolon outside brackets followed by a name
#: and "=" starts a new step (a formula never contains "=", so this cannot split one).
_NEXT_STEP = re.compile(r"\s*[^\W\d]\w*\s*=")


def _segments(line: str) -> list[tuple[int, int]]:
    """Where the steps of one line start and end: [(start, end), ...]."""
    bounds, depth, start = [], 0, 0
    for index, char in enumerate(line):
        depth += char in "(["
        depth -= char in ")]"
        if depth <= 0 and char in ",;" and _NEXT_STEP.match(line, index + 1):
            bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(line)))
    return bounds


def _read_step(
    line: str,
    start: int,
    end: int,
    number: int,
    declared: tuple[str, ...] | None,
    defined: Mapping[str, int],
) -> Step | None:
    """The step written in ``line[start:end]`` (None if blank); columns count from the line."""
    segment = line[start:end]
    if not segment.strip():
        return None
    if "=" not in segment:
        raise _line_error(number, "a step looks like u = x^2: a name, '=', then a formula")
    equals = start + segment.index("=")
    name = _step_name(line[start:equals], number)
    if name in defined:
        raise _line_error(number, f"'{name}' is already defined on line {defined[name]}")
    if declared is not None and name in declared:
        raise _line_error(number, f"'{name}' is a knob: it cannot also be computed by a step")
    right = line[equals + 1 : end]
    if not right.strip():
        raise _line_error(number, f"nothing after '=': what is {name}?")
    if "=" in right:
        column = line.index("=", equals + 1) + 1
        raise _line_error(
            number, "one '=' per step: a name on the left, a formula on the right", column
        )
    # Blank out everything before the formula so that the parser's "column N" counts from the
    # start of the line.
    padded = " " * (equals + 1) + right
    try:
        parsed = _read(padded)
    except ExpressionError as exc:
        if exc.message.startswith("too many variables"):  # the parser counts them as knobs
            raise _line_error(
                number, f"too many inputs in one step (the limit is {limits.MAX_VARIABLES})"
            ) from exc
        raise _line_error(number, exc.message, exc.column) from exc
    if len(parsed.outputs) != 1:
        raise _line_error(
            number,
            f"one value per step, but {len(parsed.outputs)} are given "
            "— write each on its own line with its own name",
        )
    inputs = _inputs_of(parsed.outputs[0])
    if name in inputs:
        raise _line_error(number, f"'{name}' is computed from itself")
    if len(inputs) > limits.MAX_VARIABLES:
        raise _line_error(
            number, f"too many inputs in one step (the limit is {limits.MAX_VARIABLES})"
        )
    return Step(name, parsed.outputs[0], inputs, number)


def _step_name(left: str, number: int) -> str:
    written = left.strip()
    if not written:
        raise _line_error(number, "a name is missing before '='")
    try:
        name = _check_variable_name(written)
    except ExpressionError as exc:
        raise _line_error(
            number, f"'{written[:30]}' cannot be a name: {_why_not_a_name(written)}"
        ) from exc
    if name in _CONSTANT_NAMES:
        raise _line_error(number, f"'{name}' is {_CONSTANT_NAMES[name]}: choose another name")
    return name


def _inputs_of(expression: sp.Expr) -> tuple[str, ...]:
    return tuple(natural_order({symbol.name for symbol in expression.free_symbols}))


def _why_not_a_name(written: str) -> str:
    if written in FUNCTION_NAMES:
        return "it is a function"
    if "=" in written:
        return "a step has one '='"
    return "a name is a letter followed by letters, digits or _"


def _topological(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Steps ordered so that every value comes after its inputs; the typed order where it can."""
    index = {step.name: i for i, step in enumerate(steps)}
    waiting = {step.name: {name for name in step.inputs if name in index} for step in steps}
    users: dict[str, list[str]] = {name: [] for name in index}
    for step in steps:
        for name in waiting[step.name]:
            users[name].append(step.name)
    ready = [i for i, step in enumerate(steps) if not waiting[step.name]]
    heapq.heapify(ready)
    ordered: list[Step] = []
    while ready:
        step = steps[heapq.heappop(ready)]
        ordered.append(step)
        for user in users[step.name]:
            waiting[user].discard(step.name)
            if not waiting[user]:
                heapq.heappush(ready, index[user])
    if len(ordered) < len(steps):
        raise _cycle_error(steps, {name for name, left in waiting.items() if left})
    return tuple(ordered)


def _cycle_error(steps: Sequence[Step], stuck: set[str]) -> StepsError:
    by_name = {step.name: step for step in steps}
    start = min(stuck, key=lambda name: by_name[name].line or 0)
    # Follow inputs that are stuck too until a name repeats: that is a cycle.
    chain = [start]
    while True:
        following = next(n for n in by_name[chain[-1]].inputs if n in stuck)
        if following in chain:
            cycle = [*chain[chain.index(following) :], following]
            break
        chain.append(following)
    first = by_name[cycle[0]]
    return _line_error(
        first.line or 0,
        f"'{cycle[0]}' depends on itself: " + " ← ".join(cycle) + " (a cycle)",
    )


def likely_typos(steps: Sequence[Step]) -> list[str]:
    """Knobs that look like mistyped values: "line 2: vv is never defined, so it is a knob —
    did you mean v?". A name used but never defined silently becomes a knob; this says so when
    a defined name is one small edit away."""
    defined = [step.name for step in steps]
    notes = []
    seen: set[str] = set()
    for step in sorted(steps, key=lambda s: s.line or 0):
        for name in step.inputs:
            if name in defined or name in seen:
                continue
            seen.add(name)
            close = difflib.get_close_matches(name, defined, n=1, cutoff=0.6)
            if close and close[0] != step.name:
                where = f"line {step.line}: " if step.line else ""
                notes.append(
                    f"{where}{name} is never defined, so it is a knob — did you mean {close[0]}?"
                )
    return notes


# --- steps from a formula -----------------------------------------------------------------------


def _read(text: str) -> ParsedText:
    """Parse in the bounded worker: building sympy objects from hostile text can take seconds."""
    return run_symbolic(parse_text, text, what="read")


def decompose(text: str, level: Level = "operations") -> tuple[Step, ...]:
    """Cut a typed formula into steps; intermediate values are named u1, u2, ...

    Outputs are named ``y`` (or ``y1, y2, ...``), or ``f``/``f1, ...`` when a knob is called y.
    Raises ``ExpressionError`` for text the parser refuses and ``GraphTooLarge`` when there would
    be more than ``MAX_STEPS`` values.

    >>> [s.text() for s in decompose("exp(sin x)")]
    ['u1 = sin(x)', 'y = exp(u1)']
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    parsed = _read(text)
    return _Decomposer(parsed.outputs, parsed.variables, level).steps()


def _is_constant(expr: sp.Expr) -> bool:
    return not expr.free_symbols


def _is_function(expr: sp.Expr) -> bool:
    """A "whole function" at the coarse level: a function call, or a power that is not a whole
    number (sqrt, x^(1/3), 2^x, x^y)."""
    if isinstance(expr, sp.Function):
        return True
    return isinstance(expr, sp.Pow) and not expr.exp.is_Integer


class _Decomposer:
    def __init__(self, outputs: Sequence[sp.Expr], knobs: Sequence[str], level: Level) -> None:
        self.outputs = tuple(outputs)
        self.level = level
        self.taken = set(knobs)
        self.named: dict[sp.Expr, sp.Symbol] = {}
        self.made: list[tuple[str, sp.Expr]] = []
        self.counter = 0
        # Subexpressions that occur inside some output: an output that is also one of these is
        # computed once, as an intermediate value, and the output step just copies it.
        self.inner: set[sp.Expr] = set()
        for output in self.outputs:
            for node in sp.preorder_traversal(output):
                if node is not output:
                    self.inner.add(node)

    def fresh(self) -> sp.Symbol:
        while True:
            self.counter += 1
            name = f"u{self.counter}"
            if name not in self.taken:
                self.taken.add(name)
                return sp.Symbol(name, real=True)

    def output_names(self) -> list[str]:
        n = len(self.outputs)
        for prefix in ("y", "f", "z", "out"):
            names = [prefix] if n == 1 else [f"{prefix}{i}" for i in range(1, n + 1)]
            if not self.taken & set(names):
                self.taken |= set(names)
                return names
        raise ExpressionError("no free names for the outputs")  # pragma: no cover

    def steps(self) -> tuple[Step, ...]:
        names = self.output_names()
        for name, output in zip(names, self.outputs, strict=True):
            if output in self.inner and not _is_constant(output) and not output.is_Symbol:
                expression = self.value(output)
            else:
                expression = self.rebuild(output)
            self.made.append((name, expression))
            if len(self.made) > MAX_STEPS:
                raise GraphTooLarge(
                    f"this formula has more than {MAX_STEPS} intermediate values: "
                    "too many to draw as a graph"
                )
        return tuple(
            Step(name, expression, _inputs_of(expression)) for name, expression in self.made
        )

    def value(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` as it appears inside a step: a knob, a constant, or a named value."""
        if expr.is_Symbol or _is_constant(expr):
            return expr
        if expr in self.named:
            return self.named[expr]
        rebuilt = self.rebuild(expr)
        if self.level == "functions" and not _is_function(expr):
            return rebuilt  # arithmetic stays inside the step that uses it
        symbol = self.fresh()
        self.named[expr] = symbol
        self.made.append((symbol.name, rebuilt))
        if len(self.made) > MAX_STEPS:
            raise GraphTooLarge(
                f"this formula has more than {MAX_STEPS} intermediate values: "
                "too many to draw as a graph"
            )
        return symbol

    def rebuild(self, expr: sp.Expr) -> sp.Expr:
        """``expr``'s own operation applied to its arguments as values."""
        if expr.is_Symbol or _is_constant(expr):
            return expr
        if isinstance(expr, sp.Add):
            # A sum is one operation on weighted terms: 3x - y is one step, not three.
            return sp.Add(*(self.weighted(term) for term in expr.args))
        if isinstance(expr, sp.Mul):
            coefficient, rest = expr.as_coeff_Mul()
            factors = sp.Mul.make_args(rest)
            return coefficient * sp.Mul(*(self.factor(f) for f in factors))
        return expr.func(*(self.value(arg) for arg in expr.args))

    def weighted(self, term: sp.Expr) -> sp.Expr:
        coefficient, rest = term.as_coeff_Mul()
        if coefficient == 1:
            return self.value(term)
        return coefficient * self.value(rest)

    def factor(self, factor: sp.Expr) -> sp.Expr:
        # Dividing is one operation: x/y is a step with inputs x and y, not x * (1/y).
        if isinstance(factor, sp.Pow) and factor.exp == -1:
            return 1 / self.value(factor.base)
        return self.value(factor)


# --- the graph ----------------------------------------------------------------------------------


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


@dataclass(frozen=True, eq=False)
class ComputationGraph:
    """Knobs, steps (topological order) and outputs, with each step compiled on its own.

    Node names are ``knobs + step names``. Shapes: a point is m knob values (floats, or arrays of
    one shape G); ``values_at`` gives {node: value}, ``edge_values_at`` {(source, target): local
    derivative}, ``totals_at`` the (n, m) Jacobian as a sum over paths (or (n, m, *G)).
    """

    knobs: tuple[str, ...]
    steps: tuple[Step, ...]
    outputs: tuple[str, ...]
    local: tuple[VectorFunction, ...] = field(repr=False)

    # structure
    @property
    def nodes(self) -> tuple[str, ...]:
        return (*self.knobs, *(step.name for step in self.steps))

    @cached_property
    def identity(self) -> tuple[str, ...]:
        """What tells this graph from any other (a cache key): knobs, steps as typed, outputs."""
        return (*self.knobs, "|", *(step.text() for step in self.steps), "|", *self.outputs)

    @cached_property
    def step_of(self) -> dict[str, Step]:
        return {step.name: step for step in self.steps}

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every edge, grouped by target in topological order, inputs in each step's order."""
        return tuple(
            Edge(source, step.name, function.derivative(0, j))
            for step, function in zip(self.steps, self.local, strict=True)
            for j, source in enumerate(step.inputs)
        )

    @cached_property
    def _edge(self) -> dict[tuple[str, str], Edge]:
        return {(edge.source, edge.target): edge for edge in self.edges}

    def edge(self, source: str, target: str) -> Edge:
        return self._edge[(source, target)]

    @cached_property
    def _successors(self) -> dict[str, tuple[str, ...]]:
        following: dict[str, list[str]] = {name: [] for name in self.nodes}
        for edge in self.edges:
            following[edge.source].append(edge.target)
        return {name: tuple(targets) for name, targets in following.items()}

    @property
    def too_large_to_draw(self) -> bool:
        return len(self.nodes) > MAX_DRAWN_NODES

    def _check_pair(self, knob: str, output: str) -> None:
        if knob not in self.knobs:
            raise ValueError(f"'{knob}' is not a knob of this graph ({', '.join(self.knobs)})")
        if output not in self.step_of:
            raise ValueError(f"'{output}' is not a value computed by this graph")

    def count_paths(self, knob: str, output: str) -> int:
        """How many paths lead from ``knob`` to ``output`` (counted, not listed)."""
        self._check_pair(knob, output)
        count = {knob: 1}
        for step in self.steps:
            count[step.name] = sum(count.get(name, 0) for name in step.inputs)
        return count[output]

    def paths(self, knob: str, output: str, limit: int = MAX_PATHS) -> tuple[Path, ...]:
        """Every path from ``knob`` to ``output``, in a stable order; ``ExpressionError`` when
        there are more than ``limit``."""
        count = self.count_paths(knob, output)
        if count > limit:
            raise ExpressionError(
                f"{count} paths lead from {knob} to {output}: too many to list "
                f"(the limit is {limit}); the total is still their sum"
            )
        order = {name: i for i, name in enumerate(self.nodes)}
        # Only step onto nodes from which the output can be reached, so that every branch the
        # walk takes ends in a path: the work grows with the paths listed, not the graph.
        leads_to_output = {output}
        for step in reversed(self.steps):
            if step.name in leads_to_output:
                leads_to_output.update(step.inputs)
        found: list[Path] = []

        def walk(path: list[str]) -> None:
            here = path[-1]
            if here == output:
                found.append(tuple(path))
                return
            for target in sorted(self._successors[here], key=order.__getitem__):
                if target in leads_to_output:
                    walk([*path, target])

        walk([knob])
        return tuple(found)

    def path_edges(self, path: Path) -> tuple[Edge, ...]:
        return tuple(self.edge(a, b) for a, b in pairwise(path))

    def path_product(self, path: Path) -> sp.Expr:
        """The product of the local derivatives along ``path``, in the names of the nodes."""
        return sp.Mul(*(edge.derivative for edge in self.path_edges(path)))

    # numbers
    def values_at(self, point: Sequence[float | np.ndarray]) -> dict[str, np.ndarray | float]:
        """Every node's value at the knob setting ``point`` (nan where undefined)."""
        if len(point) != len(self.knobs):
            raise ValueError(f"expected {len(self.knobs)} knob values ({', '.join(self.knobs)})")
        values: dict[str, np.ndarray | float] = dict(zip(self.knobs, point, strict=True))
        for step, function in zip(self.steps, self.local, strict=True):
            result = function.value_at([values[name] for name in step.inputs])[0]
            values[step.name] = _broadcast(result, point)
        return values

    def edge_values_at(
        self, values: Mapping[str, np.ndarray | float]
    ) -> dict[tuple[str, str], np.ndarray | float]:
        """Every local derivative's value, given the nodes' ``values`` (from ``values_at``)."""
        result: dict[tuple[str, str], np.ndarray | float] = {}
        for step, function in zip(self.steps, self.local, strict=True):
            if not step.inputs:
                continue
            jacobian = function.jacobian_at([values[name] for name in step.inputs])[0]
            for j, source in enumerate(step.inputs):
                result[(source, step.name)] = jacobian[j]
        return result

    @staticmethod
    def path_value(
        path: Path, edge_values: Mapping[tuple[str, str], np.ndarray | float]
    ) -> np.ndarray | float:
        """The product of the local derivatives' values along ``path``: undefined (nan) where
        one is 0 and another infinite (√u at u = 0 after a factor 0), as numpy makes it, without
        its warning."""
        value: np.ndarray | float = 1.0
        with np.errstate(invalid="ignore"):
            for a, b in pairwise(path):
                value = value * edge_values[(a, b)]
        return value

    def totals_at(self, point: Sequence[float | np.ndarray]) -> np.ndarray:
        """d output / d knob for every pair as the sum over all paths, without listing them.

        Forward accumulation: d node / d knob is the sum over the node's in-edges of the local
        derivative times d source / d knob, summed only over sources the knob reaches (so an
        undefined local derivative off every path does not spoil the total). Shape (n, m).
        """
        values = self.values_at(point)
        edge_values = self.edge_values_at(values)
        shape = np.broadcast_shapes(*(np.shape(v) for v in point)) if len(point) else ()
        totals = np.zeros((len(self.outputs), len(self.knobs), *shape))
        for j, knob in enumerate(self.knobs):
            sensitivity: dict[str, np.ndarray | float] = {knob: 1.0}
            for step in self.steps:
                reached = [name for name in step.inputs if name in sensitivity]
                if reached:
                    sensitivity[step.name] = sum(
                        (edge_values[(name, step.name)] * sensitivity[name] for name in reached),
                        start=np.zeros(shape),
                    )
            for i, output in enumerate(self.outputs):
                totals[i, j] = sensitivity.get(output, 0.0)
        return totals

    # symbolic
    @cached_property
    def composition(self) -> dict[str, sp.Expr]:
        """Every node as a formula in the knobs (computed in the worker: it can grow large)."""
        return run_symbolic(compose_steps, self.steps, what="compose the steps")

    @cached_property
    def direct(self) -> VectorFunction:
        """The outputs composed as functions of the knobs, differentiated directly."""
        composition = self.composition
        conditions = run_symbolic(
            domain_in_knobs, self.steps, composition, self.outputs, what="compose the domain"
        )
        return build_function(
            [composition[name] for name in self.outputs],
            self.knobs,
            text=self.text(),
            conditions=conditions,
        )

    def chain_rule(self, output: str, knob: str) -> ChainRule:
        """d output / d knob as a sum over paths, expanded into the knobs and compared with the
        direct Jacobian entry (symbolic work in the worker)."""
        self._check_pair(knob, output)
        direct = self.direct.derivative(self.outputs.index(output), self.knobs.index(knob))
        count = self.count_paths(knob, output)
        if count > MAX_PATHS:
            return ChainRule(output, knob, count, None, None, None, direct, None)
        paths = self.paths(knob, output)
        factors = tuple(tuple(edge.derivative for edge in self.path_edges(path)) for path in paths)
        composition = self.composition
        substitution = {_symbol(name): composition[name] for name in self.step_of}
        products, in_knobs = run_symbolic(
            expand_paths, factors, substitution, what="expand the path products"
        )
        terms = tuple(
            PathTerm(path, path_factors, product, expanded)
            for path, path_factors, product, expanded in zip(
                paths, factors, products, in_knobs, strict=True
            )
        )
        total = sp.Add(*products)
        total_in_knobs = sp.Add(*in_knobs)
        try:
            equal = run_symbolic(is_zero, total_in_knobs - direct, what="compare the sums")
        except ServerBusy:
            raise  # busy now: not "could not compare", which the page would keep
        except ExpressionError:
            equal = None
        return ChainRule(output, knob, count, terms, total, total_in_knobs, direct, equal)

    def text(self) -> str:
        """The steps as text, one per line, re-readable by ``graph_from_steps``."""
        return "\n".join(step.text() for step in self.steps)


def _broadcast(value: np.ndarray | float, point: Sequence[float | np.ndarray]) -> np.ndarray:
    shape = np.broadcast_shapes(*(np.shape(v) for v in point)) if len(point) else ()
    return np.broadcast_to(value, shape).copy() if shape else np.float64(value)


def build_graph(steps: Sequence[Step], outputs: Sequence[str] | None = None) -> ComputationGraph:
    """The graph of ``steps`` (in dependency order), compiling each step as a function of its
    direct inputs. ``outputs`` defaults to the steps no other step uses, plus every step whose
    name starts with y."""
    steps = tuple(steps)
    if not steps:
        raise StepsError("type at least one step, for example y = x^2")
    if len(steps) > MAX_STEPS:
        raise GraphTooLarge(f"too many steps (the limit is {MAX_STEPS})")
    defined = {step.name for step in steps}
    used = {name for step in steps for name in step.inputs}
    knobs = tuple(natural_order(used - defined))
    if outputs is None:
        outputs = tuple(
            step.name for step in steps if step.name not in used or step.name.startswith("y")
        )
    local = tuple(_compile_step(step.expression, step.inputs) for step in steps)
    return ComputationGraph(knobs, steps, tuple(outputs), local)


@lru_cache(maxsize=512)
def _compile_step(expression: sp.Expr, inputs: tuple[str, ...]) -> VectorFunction:
    # Cached: editing one line of the steps recompiles only that step.
    return build_function([expression], inputs)


@lru_cache(maxsize=64)
def graph_from_steps(text: str) -> ComputationGraph:
    """``build_graph(parse_steps(text))``, cached per text."""
    return build_graph(parse_steps(text))


@lru_cache(maxsize=64)
def graph_from_formula(text: str, level: Level = "operations") -> ComputationGraph:
    """``build_graph(decompose(text, level))``, cached per text and level; the outputs are the
    formula's outputs in order."""
    # decompose names the outputs so that the default rule finds them: no step uses an output,
    # and the outputs come in the formula's order.
    return build_graph(decompose(text, level))


# --- symbolic jobs (run in the worker process) ---------------------------------------------------


def compose_steps(steps: Sequence[Step]) -> dict[str, sp.Expr]:
    """Every step's value as a formula in the knobs, by substituting earlier steps."""
    composed: dict[str, sp.Expr] = {}
    for step in steps:
        substitution = {_symbol(n): composed[n] for n in step.inputs if n in composed}
        composed[step.name] = step.expression.xreplace(substitution)
    return composed


def domain_in_knobs(
    steps: Sequence[Step], composition: Mapping[str, sp.Expr], outputs: Sequence[str]
) -> tuple[tuple[Condition, ...], ...]:
    """Per output, the conditions of every step it is computed from, in the knobs.

    Composing simplifies (u = sqrt(v), y = u^2 composes to y = v): without the steps' own
    conditions the direct Jacobian would be defined where the steps are not, and the page would
    disagree with itself (and with the knob machine given the same formula).
    """
    step_of = {step.name: step for step in steps}
    substitution = {_symbol(name): composition[name] for name in step_of}
    result = []
    for output in outputs:
        needed: dict[str, Step] = {}
        waiting = [output]
        while waiting:
            name = waiting.pop()
            if name in step_of and name not in needed:
                needed[name] = step_of[name]
                waiting += step_of[name].inputs
        found = [
            Condition(
                c.relation,
                c.argument.xreplace(substitution),
                c.piece.xreplace(substitution),
                c.role,
            )
            for step in needed.values()
            for c in natural_conditions(step.expression)
        ]
        result.append(tuple(c for c in found if c.holds() is not sp.true))
    return tuple(result)


def expand_paths(
    factors: Sequence[Sequence[sp.Expr]], substitution: Mapping[sp.Symbol, sp.Expr]
) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
    """Each path's product of local derivatives, in the node names and in the knobs."""
    products = tuple(sp.Mul(*path) for path in factors)
    return products, tuple(product.xreplace(dict(substitution)) for product in products)


def is_zero(expr: sp.Expr) -> bool | None:
    """True if ``expr`` is identically zero, False if it is not, None if sympy cannot tell."""
    if expr == 0:
        return True
    for rewrite in (sp.expand, sp.simplify):
        if rewrite(expr) == 0:
            return True
    return None


# --- the chapter's way of writing a derivative ---------------------------------------------------

#: Nodes of a formula beyond which its textbook derivative is not worked out (display only).
MAX_TEXTBOOK_NODES = 200


def textbook_derivative(expr: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """d expr / d symbol written as the chapter does, for display beside the engine's.

    The rules are sympy's except the power rule: for a constant exponent e, the chapter writes
    (bᵉ)′ = e·bᵉ⁻¹·b′ (d√(x₂x₃)/dx₂ = x₃/(2√(x₂x₃))), where sympy writes bᵉ·e·b′/b
    (√(x₂x₃)/(2x₂)). The two are equal wherever both are defined (b ≠ 0). A formula larger
    than ``MAX_TEXTBOOK_NODES`` is differentiated by sympy alone.

    >>> x2, x3 = sp.symbols("x2 x3", real=True)
    >>> textbook_derivative(sp.sqrt(x2 * x3), x2)
    x3/(2*sqrt(x2*x3))
    """
    if next(islice(sp.preorder_traversal(expr), MAX_TEXTBOOK_NODES, None), None) is not None:
        return sp.diff(expr, symbol)
    return _textbook(expr, symbol)


def _textbook(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    if not expr.has(x):
        return sp.S.Zero
    if expr == x:
        return sp.S.One
    if expr.is_Add:
        return sp.Add(*(_textbook(term, x) for term in expr.args))
    if expr.is_Mul:
        factors = expr.args
        return sp.Add(
            *(
                sp.Mul(*factors[:k], _textbook(factor, x), *factors[k + 1 :])
                for k, factor in enumerate(factors)
                if factor.has(x)
            )
        )
    if expr.is_Pow and not expr.exp.has(x):
        base, exponent = expr.args
        return exponent * base ** (exponent - 1) * _textbook(base, x)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        t = sp.Dummy("t", real=True)
        outer = sp.diff(expr.func(t), t)
        if not outer.has(sp.Derivative, sp.Subs):
            return outer.xreplace({t: expr.args[0]}) * _textbook(expr.args[0], x)
    return sp.diff(expr, x)


# --- text a learner could type back -------------------------------------------------------------

_SPELLING = {r"\bAbs\(": "abs(", r"\bMax\(": "max(", r"\bMin\(": "min(", r"\bE\b": "e"}


def _typed(expr: sp.Expr) -> str:
    """A formula in the syntax the parser reads back (``x^2``, ``log(x)``, ``abs(x)``, ``e``)."""
    text = sp.sstr(expr).replace("**", "^")
    for pattern, typed in _SPELLING.items():
        text = re.sub(pattern, typed, text)
    return text
