"""Where what was typed is defined: the domain conditions the parser records as it builds.

sympy simplifies as it builds: ``sqrt(x)^2`` becomes ``x``, ``x/x`` becomes ``1``, ``exp(ln x)``
becomes ``x`` and ``0 ln(x)`` becomes ``0``, so the built formula forgets where the typed one is
undefined. The parser therefore records a :class:`Condition` for every piece that needs one (the
argument of a root or a logarithm, a denominator, ...) at the moment it builds that piece, before
any simplification can lose it. The compiled numpy code returns nan wherever a condition of an
output fails (:func:`guarded`), and :func:`narrower` tells which conditions the simplified formula
alone would not show.

Conditions are sympy objects built from validated trees, never from text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp

# The relation an argument must satisfy.
NONNEGATIVE, POSITIVE, NONZERO, UNIT_INTERVAL, WHOLE = (
    ">= 0", "> 0", "!= 0", "in [-1, 1]", "whole",
)  # fmt: skip
# Why, for the words: a root, a logarithm, a division, a negative power, a fractional power,
# a power with a variable exponent, an arcsine or arccosine.
ROOT, LOG, DIVISION, NEGATIVE_POWER, FRACTIONAL_POWER, VARIABLE_POWER, ARC = (
    "root", "log", "division", "negative power", "fractional power", "variable power", "arc",
)  # fmt: skip

_LOGS = ("log", "ln", "log2", "log10")
_ARCS = ("asin", "acos", "arcsin", "arccos")


@dataclass(frozen=True)
class Condition:
    """``argument`` must satisfy ``relation`` for ``piece``, a part of what was typed, to exist.

    ``role`` says why (a root, a logarithm, a division, ...), for the words.

    >>> x = sp.Symbol("x", real=True)
    >>> Condition(NONNEGATIVE, x, sp.sqrt(x), ROOT).holds()
    x >= 0
    """

    relation: str
    argument: sp.Expr
    piece: sp.Expr
    role: str

    def holds(self) -> sp.Basic:
        """Where the condition holds, as a sympy boolean (``true`` when it always does)."""
        a = self.argument
        if self.relation == NONNEGATIVE:
            return sp.Ge(a, 0)
        if self.relation == POSITIVE:
            return sp.Gt(a, 0)
        if self.relation == NONZERO:
            return sp.Ne(a, 0)
        if self.relation == WHOLE:
            return sp.Eq(a, sp.floor(a))
        return sp.And(sp.Ge(a, -1), sp.Le(a, 1))


def _kept(conditions: Iterable[Condition]) -> list[Condition]:
    """Without repeats and without conditions that always hold (``x^2 >= 0``)."""
    kept: dict[sp.Basic, Condition] = {}
    for condition in conditions:
        holds = condition.holds()
        if holds is not sp.true and holds not in kept:
            kept[holds] = condition
    return list(kept.values())


def for_function(name: str, argument: sp.Expr, result: sp.Expr) -> list[Condition]:
    """The conditions of a function the learner called by ``name`` on ``argument``."""
    if name == "sqrt":
        return _kept([Condition(NONNEGATIVE, argument, result, ROOT)])
    if name in _LOGS:
        # log10(x) is built as log(x)/log(10): the words name what was typed
        piece = result if name in ("log", "ln") else sp.Function(name)(argument)
        return _kept([Condition(POSITIVE, argument, piece, LOG)])
    if name in _ARCS:
        return _kept([Condition(UNIT_INTERVAL, argument, result, ARC)])
    return []  # cbrt is the real cube root: defined everywhere


def for_division(denominator: sp.Expr) -> list[Condition]:
    """Dividing by ``denominator`` needs it to be nonzero."""
    return _kept([Condition(NONZERO, denominator, denominator, DIVISION)])


def is_whole(number: sp.Expr) -> bool:
    """2 and 2.0 are whole numbers (sympy's Float(2.0).is_integer is None)."""
    if number.is_integer:
        return True
    return bool(number.is_Float and float(number).is_integer())


def for_power(base: sp.Expr, exponent: sp.Expr, piece: sp.Expr) -> list[Condition]:
    """``base ^ exponent`` over the reals.

    A negative whole exponent divides by the base; a fractional one is a root of the base, taken
    as the principal root (as numpy and sympy do), so the base must not be negative; a variable
    exponent is ``exp(exponent ln base)``, defined for a positive base; ``0^p`` needs p > 0 and
    a negative number to a variable power, ``(-2)^p``, a whole p.
    """
    if exponent.is_number:
        if is_whole(exponent):
            if exponent.is_negative:
                return _kept([Condition(NONZERO, base, piece, NEGATIVE_POWER)])
            return []
        relation = POSITIVE if exponent.is_negative else NONNEGATIVE
        role = ROOT if exponent == sp.S.Half else FRACTIONAL_POWER
        return _kept([Condition(relation, base, piece, role)])
    if base.is_zero:
        return _kept([Condition(POSITIVE, exponent, piece, VARIABLE_POWER)])
    if base.is_number and base.is_negative:
        return _kept([Condition(WHOLE, exponent, piece, VARIABLE_POWER)])
    return _kept([Condition(POSITIVE, base, piece, VARIABLE_POWER)])


def natural_conditions(expr: sp.Expr) -> list[Condition]:
    """The conditions a formula shows by itself: what its own roots, logs, divisions need."""
    found: list[Condition] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            found += for_power(node.base, node.exp, node)
        elif isinstance(node, sp.log):
            found += for_function("log", node.args[0], node)
        elif isinstance(node, sp.asin | sp.acos):
            found += for_function("asin", node.args[0], node)
    return _kept(found)


def _nonzero_factors(expr: sp.Expr) -> set[sp.Expr]:
    """x*y^2 is nonzero where x and y are: its factors' bases, without numbers."""
    factors = sp.Mul.make_args(expr)
    bases = {factor.as_base_exp()[0] for factor in factors if not factor.is_number}
    return {base for base in bases if not (base.is_number and base != 0)}


def narrower(typed: Sequence[Condition], formula: sp.Expr) -> tuple[Condition, ...]:
    """The typed conditions the simplified ``formula`` does not show by itself.

    Non-empty when the typed function's domain is smaller than the formula's: ``sqrt(x)^2`` is
    built as ``x``, which is defined everywhere, but as typed needs ``x >= 0``.
    """
    natural = natural_conditions(formula)
    relations = {condition.holds() for condition in natural}
    nonzero = {  # a denominator x*y^2 of the formula shows x != 0 and y != 0
        base
        for condition in natural
        if condition.relation in (NONZERO, POSITIVE)
        for base in _nonzero_factors(condition.argument)
    }

    def shown(condition: Condition) -> bool:
        if condition.holds() in relations:
            return True
        if condition.relation == NONNEGATIVE and sp.Gt(condition.argument, 0) in relations:
            return True
        return condition.relation == NONZERO and _nonzero_factors(condition.argument) <= nonzero

    return tuple(condition for condition in typed if not shown(condition))


def guarded(output: sp.Expr, conditions: Sequence[Condition]) -> sp.Expr:
    """``output`` where every condition holds, nan elsewhere (printed as numpy ``where``)."""
    holds = sp.And(*(condition.holds() for condition in conditions))
    if holds is sp.true:
        return output
    return sp.Piecewise((output, holds), (sp.nan, True))
