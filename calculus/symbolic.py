"""The symbolic work that can run long: it runs in a worker process (see ``worker.py``).

Everything here takes and returns picklable sympy objects and strings, since it crosses a process
boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from calculus.codegen import numpy_source
from calculus.functions import kink_arguments


@dataclass(frozen=True)
class Differentiated:
    """The exact Jacobian of some outputs, and numpy source for evaluating everything.

    ``kink_entries`` lists ``(k, i, j)``: Jacobian entry (i, j) does not exist where kink
    argument ``k`` is zero (e.g. ``d relu(x - y) / dy`` at ``x = y``).
    """

    jacobian: tuple[tuple[sp.Expr, ...], ...]
    value_source: str
    jacobian_source: str
    kink_source: str
    kink_entries: tuple[tuple[int, int, int], ...]


def differentiate(outputs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> Differentiated:
    """Differentiate every output by every knob and generate numpy code for all of it."""
    jacobian = tuple(tuple(sp.diff(output, symbol) for symbol in symbols) for output in outputs)
    kinks: list[sp.Expr] = []
    entries: list[tuple[int, int, int]] = []
    for i, output in enumerate(outputs):
        for argument in sorted(kink_arguments(output), key=sp.default_sort_key):
            if argument not in kinks:
                kinks.append(argument)
            k = kinks.index(argument)
            entries.extend((k, i, j) for j, s in enumerate(symbols) if argument.has(s))
    flat = [entry for row in jacobian for entry in row]
    return Differentiated(
        jacobian=jacobian,
        value_source=numpy_source(outputs, symbols),
        jacobian_source=numpy_source(flat, symbols),
        kink_source=numpy_source(kinks, symbols),
        kink_entries=tuple(entries),
    )
