"""``VectorFunction``: f: R^m -> R^n with its exact Jacobian and compiled numpy code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from calculus import limits
from calculus.codegen import compile_source, evaluate, stack
from calculus.domain import Condition
from calculus.errors import ExpressionError
from calculus.symbolic import Differentiated, differentiate, read_and_differentiate
from calculus.syntax import parse_text
from calculus.worker import run_symbolic

#: A Jacobian entry whose kink argument is this close to zero is reported as undefined.
KINK_TOLERANCE = 1e-12


@dataclass(frozen=True)
class _Compiled:
    values: Callable[..., list[Any]]
    jacobian: Callable[..., list[Any]]
    kinks: Callable[..., list[Any]]
    kink_entries: tuple[tuple[int, int, int, int], ...]
    conditions: Callable[..., list[Any]]


@dataclass(frozen=True)
class Evaluation:
    """f at one knob setting (or a grid): the outputs, the Jacobian and where it has kinks.

    Shapes for m knobs and n outputs: ``values`` (n,), ``jacobian`` (n, m) with J[i, j] =
    d y_i / d x_j (a row per output, a column per knob), ``kinks`` bool (n, m); on a grid of
    shape G, (n, *G), (n, m, *G) and (n, m, *G). Undefined entries are nan; a kink's entry too.
    """

    values: np.ndarray
    jacobian: np.ndarray
    kinks: np.ndarray


@dataclass(frozen=True, eq=False)
class VectorFunction:
    """A function f: R^m -> R^n: m knobs (``variables``), n ``outputs``, compiled once.

    Shapes: ``value_at`` gives (n,), ``jacobian_at`` gives (n, m): row = output, column = knob.
    Both are vectorised: given m arrays of one shape G they give (n, *G) and (n, m, *G).

    >>> f = parse_function("x1 x2^2")
    >>> f.jacobian()
    Matrix([[x2**2, 2*x1*x2]])
    >>> f.jacobian_at([1.0, 3.0]).tolist()
    [[9.0, 6.0]]
    """

    variables: tuple[str, ...]
    outputs: tuple[sp.Expr, ...]
    derivatives: tuple[tuple[sp.Expr, ...], ...] = field(repr=False)
    _compiled: _Compiled = field(repr=False)
    text: str = ""
    #: Per output: where it is defined as typed (every condition must hold), and the conditions
    #: its simplified formula does not show (``sqrt(x)^2`` shows ``x`` but needs x >= 0).
    conditions: tuple[tuple[Condition, ...], ...] = field(default=(), repr=False)
    narrower: tuple[tuple[Condition, ...], ...] = field(default=(), repr=False)
    #: Per output, its text as typed (empty for functions built from sympy outputs).
    typed: tuple[str, ...] = field(default=(), repr=False)
    #: Notes that do not refuse the text, e.g. "'xy' is read as one knob named xy".
    hints: tuple[str, ...] = field(default=(), repr=False)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sp.Symbol(name, real=True) for name in self.variables)

    @property
    def n_inputs(self) -> int:
        """m, the number of knobs."""
        return len(self.variables)

    @property
    def n_outputs(self) -> int:
        """n, the number of outputs."""
        return len(self.outputs)

    @property
    def shape(self) -> tuple[int, int]:
        """The Jacobian's shape (n, m)."""
        return (self.n_outputs, self.n_inputs)

    def jacobian(self) -> sp.Matrix:
        """The exact n x m Jacobian, J[i, j] = d y_i / d x_j."""
        return sp.Matrix(self.n_outputs, self.n_inputs, lambda i, j: self.derivatives[i][j])

    def derivative(self, output: int, knob: int) -> sp.Expr:
        """d y_output / d x_knob, exactly."""
        return self.derivatives[output][knob]

    def _check(self, point: Sequence[Any]) -> None:
        if len(point) != self.n_inputs:
            raise ValueError(
                f"expected {self.n_inputs} knob values "
                f"({', '.join(self.variables)}), got {len(point)}"
            )

    def value_at(self, point: Sequence[Any]) -> np.ndarray:
        """The outputs at ``point`` (m floats, or m arrays of one shape G): shape (n,) or (n, *G).

        Where an output as typed is undefined (a condition in ``conditions`` fails: log of a
        negative or of 0, a division by 0, even after sympy simplified it away) it is nan; an
        overflow gives inf.
        """
        self._check(point)
        results, shape = evaluate(self._compiled.values, point)
        return stack(results, shape)

    def jacobian_at(self, point: Sequence[Any]) -> np.ndarray:
        """The Jacobian's values at ``point``: shape (n, m), or (n, m, *G) on a grid.

        Entries that do not exist there (at a kink of abs, relu, max, ...) are nan, and so is
        every entry of an output that is undefined there.
        """
        return self.at(point).jacobian

    def at(self, point: Sequence[Any]) -> Evaluation:
        """Outputs, Jacobian and kinks at ``point`` from one evaluation (shapes: Evaluation).

        >>> e = parse_function("x^2, relu(x)").at([0.0])
        >>> e.values.tolist(), e.jacobian.tolist(), e.kinks.tolist()
        ([0.0, 0.0], [[0.0], [nan]], [[False], [True]])
        """
        self._check(point)
        n, m = self.shape
        results, shape = evaluate(self._compiled.jacobian, point)
        stacked = stack(results, shape)  # n*m entries, then the n outputs
        jacobian = stacked[: n * m].reshape(n, m, *shape)
        values = stacked[n * m :]
        # Cheap tests first (per point, a comparison in Python; on a grid, nan makes the sum nan).
        if any(y != y for y in results[n * m :]) if not shape else np.isnan(values.sum()):
            # log(x) at x = -1: the formula 1/x gives a number there, but f is undefined.
            undefined = np.isnan(values)
            jacobian[np.broadcast_to(undefined[:, None], jacobian.shape)] = np.nan
        kinks = self._kink_mask(point, shape)
        if self._compiled.kink_entries:
            jacobian[kinks] = np.nan
        return Evaluation(values=values, jacobian=jacobian, kinks=kinks)

    def failed_conditions(self, point: Sequence[float]) -> tuple[tuple[Condition, ...], ...]:
        """Per output, the conditions of its domain that fail at ``point`` (m floats), in the
        order the text reads them: innermost first (``sqrt(log(x))`` at x = -1: ``x > 0``)."""
        self._check(point)
        results, _ = evaluate(self._compiled.conditions, point)
        holds = iter(bool(value) for value in results)
        return tuple(
            tuple(c for c, ok in zip(each, holds, strict=False) if not ok)
            for each in self.conditions
        )

    def kinks_at(self, point: Sequence[Any]) -> np.ndarray:
        """Which Jacobian entries do not exist at ``point`` because of a kink: bool (n, m, *G)."""
        self._check(point)
        shape = np.broadcast_shapes(*(np.shape(value) for value in point)) if len(point) else ()
        return self._kink_mask(point, shape)

    def _kink_mask(self, point: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
        mask = np.zeros((self.n_outputs, self.n_inputs, *shape), dtype=bool)
        if not self._compiled.kink_entries:
            return mask
        results, _ = evaluate(self._compiled.kinks, point)
        checks = [np.asarray(value, dtype=float) for value in results]
        for d, slope, i, j in self._compiled.kink_entries:
            at_kink = np.abs(checks[d]) <= KINK_TOLERANCE
            if slope >= 0:  # a knob that does not move a bend's argument turns smoothly
                at_kink &= checks[slope] != 0
            mask[i, j] |= at_kink
        return mask


def build_function(
    outputs: Sequence[sp.Expr],
    variables: Sequence[str],
    text: str = "",
    conditions: Sequence[Sequence[Condition]] | None = None,
) -> VectorFunction:
    """A VectorFunction from sympy outputs built by this package (never from user text).

    ``conditions`` are each output's domain (as recorded by the parser, ``ParsedText``); by
    default, what the outputs' own roots, logarithms and divisions need. Differentiation and
    code generation run in a worker process with a time and memory limit.
    """
    if not 1 <= len(outputs) <= limits.MAX_OUTPUTS:
        raise ExpressionError(f"a function needs 1 to {limits.MAX_OUTPUTS} outputs")
    if len(variables) > limits.MAX_VARIABLES:
        raise ExpressionError(f"too many variables (the limit is {limits.MAX_VARIABLES} knobs)")
    symbols = tuple(sp.Symbol(name, real=True) for name in variables)
    if conditions is not None:
        conditions = tuple(tuple(each) for each in conditions)
    result: Differentiated = run_symbolic(differentiate, tuple(outputs), symbols, conditions)
    return _assemble(tuple(outputs), tuple(variables), result, text)


def _assemble(
    outputs: tuple[sp.Expr, ...],
    variables: tuple[str, ...],
    result: Differentiated,
    text: str,
    typed: tuple[str, ...] = (),
    hints: tuple[str, ...] = (),
) -> VectorFunction:
    compiled = _Compiled(
        values=compile_source(result.value_source),
        jacobian=compile_source(result.jacobian_source),
        kinks=compile_source(result.kink_source),
        kink_entries=result.kink_entries,
        conditions=compile_source(result.condition_source),
    )
    return VectorFunction(
        variables=variables,
        outputs=outputs,
        derivatives=result.jacobian,
        _compiled=compiled,
        text=text,
        conditions=result.conditions,
        narrower=result.narrower,
        typed=typed,
        hints=hints,
    )


@lru_cache(maxsize=256)
def _parse_function_cached(text: str, variables: tuple[str, ...] | None) -> VectorFunction:
    # Reading the text runs in the worker too: sympy takes seconds to build some short texts
    # (max of 16 powers, 400 sines), which in this process would freeze every session.
    parsed, result = run_symbolic(read_and_differentiate, text, variables)
    return _assemble(parsed.outputs, parsed.variables, result, text, parsed.typed, parsed.hints)


def parse_function(text: str, variables: Sequence[str] | None = None) -> VectorFunction:
    """Parse, differentiate and compile ``text`` (cached per text and variables).

    ``variables`` fixes the knobs and their order; by default they are found in the text, in
    natural order (x, y, z; x1, x2, x10; other names alphabetically). Raises ``ExpressionError``
    with a message for the learner on any input it refuses.

    >>> parse_function("x^2 + 4x - 2").jacobian()
    Matrix([[2*x + 4]])
    """
    if not isinstance(text, str):
        raise ExpressionError("the function must be text")
    if len(text) > limits.MAX_TEXT_LENGTH:  # before the cache key keeps a huge string
        parse_text(text)
    key = None if variables is None else tuple(str(name) for name in variables)
    return _parse_function_cached(text, key)
