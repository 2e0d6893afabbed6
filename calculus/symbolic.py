"""The symbolic work that can run long: it runs in a worker process (see ``worker.py``).

Everything here takes and returns picklable sympy objects and strings, since it crosses a process
boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from calculus import domain
from calculus.codegen import numpy_source
from calculus.domain import Condition
from calculus.errors import ExpressionError
from calculus.functions import kinks
from calculus.syntax import ParsedText, parse_text


@dataclass(frozen=True)
class Differentiated:
    """The exact Jacobian of some outputs, and numpy source for evaluating everything.

    ``jacobian_source`` computes the n*m Jacobian entries row by row, then the n outputs (a
    derivative does not exist where its output is undefined). ``kink_source`` computes the
    values listed by ``kink_entries`` ``(d, s, i, j)``: Jacobian entry (i, j) does not exist where
    value ``d`` is zero, unless value ``s`` (the kink argument's slope along knob j) is zero too;
    ``s = -1`` for a jump, which has no derivative either way.

    Both value and Jacobian sources give nan for an output where one of its ``conditions``
    fails (the domain of what was typed). ``condition_source`` computes whether each condition
    holds, all outputs' in order, for saying why an output is undefined; ``narrower[i]`` are the
    conditions of output i that its simplified formula does not show by itself.
    """

    jacobian: tuple[tuple[sp.Expr, ...], ...]
    value_source: str
    jacobian_source: str
    kink_source: str
    kink_entries: tuple[tuple[int, int, int, int], ...]
    conditions: tuple[tuple[Condition, ...], ...]
    condition_source: str
    narrower: tuple[tuple[Condition, ...], ...]


def differentiate(
    outputs: Sequence[sp.Expr],
    symbols: Sequence[sp.Symbol],
    conditions: Sequence[Sequence[Condition]] | None = None,
) -> Differentiated:
    """Differentiate every output by every knob and generate numpy code for all of it.

    ``conditions`` are each output's domain as typed; by default, what the outputs' own roots,
    logarithms and divisions need (for outputs built by this package, not typed).
    """
    if conditions is None:
        conditions = [domain.natural_conditions(output) for output in outputs]
    conditions = tuple(tuple(each) for each in conditions)
    guarded = [domain.guarded(y, c) for y, c in zip(outputs, conditions, strict=True)]
    every = [condition.holds() for each in conditions for condition in each]
    jacobian = tuple(tuple(sp.diff(output, symbol) for symbol in symbols) for output in outputs)
    checks: list[sp.Expr] = []  # the values kink_source computes

    def index(expr: sp.Expr) -> int:
        if expr not in checks:
            checks.append(expr)
        return checks.index(expr)

    entries: list[tuple[int, int, int, int]] = []
    for i, output in enumerate(outputs):
        for kink in kinks(output):
            d = index(kink.distance)
            for j, s in enumerate(symbols):
                if kink.argument.has(s):
                    slope = index(sp.diff(kink.argument, s)) if kink.bends else -1
                    entries.append((d, slope, i, j))
    flat = [entry for row in jacobian for entry in row]
    return Differentiated(
        jacobian=jacobian,
        value_source=numpy_source(guarded, symbols),
        jacobian_source=numpy_source([*flat, *guarded], symbols),
        kink_source=numpy_source(checks, symbols),
        kink_entries=tuple(dict.fromkeys(entries)),
        conditions=conditions,
        condition_source=numpy_source(every, symbols),
        narrower=tuple(domain.narrower(c, y) for y, c in zip(outputs, conditions, strict=True)),
    )


def read_and_differentiate(
    text: str, variables: Sequence[str] | None
) -> tuple[ParsedText, Differentiated]:
    """Parse the learner's text and differentiate it: one worker job under one time limit."""
    try:
        parsed = parse_text(text, variables)
        symbols = [sp.Symbol(name, real=True) for name in parsed.variables]
        return parsed, differentiate(parsed.outputs, symbols, parsed.conditions)
    except (ExpressionError, MemoryError, RecursionError):
        raise
    except Exception as exc:
        # A sympy failure on some corner of the maths (e.g. a comparison it cannot decide) is
        # still the learner's function that cannot be used: say so instead of crashing the page.
        raise ExpressionError(
            f"this function cannot be handled ({type(exc).__name__}: {str(exc)[:80]}) — "
            "try writing it another way"
        ) from exc


def warm_up() -> None:
    """Differentiate and generate code for a tiny function once.

    The first code generation in a process imports about 150 modules (over a second); a worker
    does it when it starts, not in the middle of a learner's request and its time limit.
    """
    x = sp.Symbol("x", real=True)
    differentiate([sp.sin(x) * x**2], [x])
