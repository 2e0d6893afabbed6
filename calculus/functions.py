"""The functions a learner may call, as sympy objects with their numpy twins.

Each machine-learning function (``sigmoid``, ``relu``, ``softplus``) and the real cube root is a
small sympy ``Function`` class that keeps its derivative rule next to its definition, prints under
its own name, and has a numpy implementation used by the compiled code. Everything else maps to
sympy's own functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import sympy as sp


def _raised(latex: str, exp: str | None) -> str:
    """f(z) to a power: sympy's LaTeX printer passes ``exp`` when it prints f(z)^2 (a crash if
    ``_latex`` does not take it)."""
    return latex if exp is None else rf"\left({latex}\right)^{{{exp}}}"


class _OfOneReal(sp.Function):
    """A function of one argument, real where its argument is, typeset by ``latex_form`` (the
    argument in place of {}): what the four functions below have in common."""

    latex_form = ""

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _raised(self.latex_form.format(printer._print(self.args[0])), exp)


class sigmoid(_OfOneReal):
    """The logistic function 1 / (1 + exp(-z)); sigma' = sigma (1 - sigma)."""

    nargs = 1
    latex_form = r"\sigma\left({}\right)"

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:  # sympy hook; noqa: user-text-safe
        if z.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-z))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        # A number for sigmoid(1), so that max(1, sigmoid(1)) can compare its arguments.
        if not self.args[0].is_number:
            return None
        return self._eval_rewrite_as_exp(*self.args)._eval_evalf(prec)


class softplus(_OfOneReal):
    """log(1 + exp(z)), a smooth relu; its derivative is sigmoid(z)."""

    nargs = 1
    latex_form = r"\operatorname{{softplus}}\left({}\right)"

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:  # sympy hook; noqa: user-text-safe
        if z.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_log(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(z))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        if not self.args[0].is_number:
            return None
        return self._eval_rewrite_as_log(*self.args)._eval_evalf(prec)


class relu(_OfOneReal):
    """max(0, z). Its derivative is the step H(z), which does not exist at the kink z = 0."""

    nargs = 1
    latex_form = r"\operatorname{{relu}}\left({}\right)"

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:  # sympy hook; noqa: user-text-safe
        if z.is_number and z.is_real:
            return sp.Max(0, z)
        return None


class cbrt(_OfOneReal):
    """The real cube root (sympy's own cbrt is the principal, complex root for negative z)."""

    nargs = 1
    latex_form = r"\sqrt[3]{{{}}}"

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:  # sympy hook; noqa: user-text-safe
        if z.is_number and z.is_real:
            return sp.sign(z) * sp.Abs(z) ** sp.Rational(1, 3)
        return None


def _log_base(base: int) -> Callable[[sp.Expr], sp.Expr]:
    return lambda z: sp.log(z, base)


#: Functions of one argument, by every name a learner may type.
UNARY_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
    "arcsin": sp.asin,
    "arccos": sp.acos,
    "arctan": sp.atan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "log10": _log_base(10),
    "log2": _log_base(2),
    "sqrt": sp.sqrt,
    "cbrt": cbrt,
    "abs": sp.Abs,
    "sign": sp.sign,
    "sigmoid": sigmoid,
    "relu": relu,
    "softplus": softplus,
}

#: Functions of two or more arguments.
VARIADIC_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {"min": sp.Min, "max": sp.Max}

FUNCTION_NAMES: frozenset[str] = frozenset(UNARY_FUNCTIONS) | frozenset(VARIADIC_FUNCTIONS)


def _np_sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-logaddexp(0, -z)) never overflows, unlike 1 / (1 + exp(-z)) for z << 0.
    return np.exp(-np.logaddexp(0.0, -z))


def _np_dirac_delta(z: np.ndarray, k: int = 0) -> np.ndarray:
    # A second derivative of relu/abs/max: zero away from the kink, undefined at it.
    return np.where(z == 0, np.nan, 0.0)


def _where_defined(holds: np.ndarray | np.bool_ | bool, value: np.ndarray) -> np.ndarray:
    # A guarded output (domain.guarded): on one point a Python branch is several times faster
    # than numpy's where.
    if isinstance(holds, np.bool_ | bool):
        return value if holds else np.float64(np.nan)
    return np.where(holds, value, np.nan)


#: Implementations of the names the compiled code calls that numpy does not provide.
NUMPY_IMPLEMENTATIONS: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": _np_sigmoid,
    "softplus": lambda z: np.logaddexp(0.0, z),
    "relu": lambda z: np.maximum(z, 0.0),
    "cbrt": np.cbrt,
    "DiracDelta": _np_dirac_delta,
    "where_defined": _where_defined,
}


@dataclass(frozen=True)
class Kink:
    """A place where an expression may have no derivative: where ``distance`` is zero.

    ``argument`` is what crosses zero there (``u`` in ``abs(u)``, ``a - b`` in ``max(a, b)``).
    ``bends`` is True for a continuous bend (abs, relu, max, min): turning a knob that does not
    move ``argument`` at that point (d argument / d knob = 0, e.g. the dead inner neuron of
    ``relu(relu(x))`` at x = -1) leaves a derivative that exists. False for a jump (sign, step),
    which has no derivative along any knob it depends on.
    """

    argument: sp.Expr
    distance: sp.Expr
    bends: bool


def _nodes_that_may_bend(expr: sp.Expr) -> Iterator[sp.Expr]:
    """Every node of ``expr``, except abs or relu of u times more factors that are 0 at u = 0.

    ``relu(u)^2`` and ``x^2 |x|`` (sympy's form of ``|x|^3``) are 0 with slope 0 on both sides of
    the bend: it is smoothed away there.
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, sp.Pow) and _is_bend(node.base) and _above_one(node.exp):
            stack.extend(node.base.args)  # the bend's argument may bend elsewhere
        elif isinstance(node, sp.Mul):
            for factor in node.args:
                if _is_bend(factor) and _vanishes_with(node, factor):
                    stack.extend(factor.args)
                else:
                    stack.append(factor)
        else:
            stack.extend(node.args)


def _is_bend(expr: sp.Expr) -> bool:
    return isinstance(expr, sp.Abs | relu)


def _above_one(exponent: sp.Expr) -> bool:
    return bool(exponent.is_number and exponent > 1)


def _vanishes_with(product: sp.Mul, bend: sp.Expr) -> bool:
    """Whether another factor of ``product`` is 0 where the bend's argument u is: u^k, |u|^k."""
    u = bend.args[0]
    for factor in product.args:
        if factor is bend:
            continue
        base, exponent = factor.as_base_exp()
        if (base in (u, -u) or (_is_bend(base) and base.args[0] == u)) and exponent.is_positive:
            return True
    return False


def kinks(expr: sp.Expr) -> list[Kink]:
    """Where ``expr`` may have no derivative, in a fixed order.

    ``abs(u)``, ``relu(u)`` bend and ``sign(u)``, the step ``H(u)`` and ``δ(u)`` jump at ``u = 0``;
    ``max(a, b, ...)`` bends where two of its arguments tie *and* are the largest (a tie below
    the maximum is no kink), ``min`` likewise.
    """
    found: dict[tuple[sp.Expr, sp.Expr], bool] = {}
    for node in _nodes_that_may_bend(expr):
        if isinstance(node, sp.Abs | relu):
            argument = node.args[0]
            found.setdefault((argument, sp.Abs(argument)), True)
        elif isinstance(node, sp.sign | sp.Heaviside | sp.DiracDelta):
            argument = node.args[0]
            found[(argument, sp.Abs(argument))] = False
        elif isinstance(node, sp.Max | sp.Min):
            args = node.args
            for i, a in enumerate(args):
                for b in args[i + 1 :]:
                    # Zero where a and b tie at the extreme: |a - b| + (max - max(a, b)).
                    pair = type(node)(a, b)
                    below = node - pair if isinstance(node, sp.Max) else pair - node
                    distance = sp.Abs(a - b) + (below if len(args) > 2 else 0)
                    found.setdefault((a - b, distance), True)
    ordered = sorted(found.items(), key=lambda item: sp.default_sort_key(item[0][1]))
    return [Kink(argument, distance, bends) for (argument, distance), bends in ordered]
