"""Where a function is undefined, in words: why an output has no value at a knob setting, and
where a simplified formula holds when what was typed has a smaller domain.

>>> f = parse_function("x1 x2, sqrt(x2 x3)^2")
>>> undefined_reasons(f, [1.0, 1.0, -1.0])
(None, '√(x₂x₃) needs x₂x₃ ≥ 0')
>>> domain_notes(f)[1]
'y₂ = x₂x₃ holds where x₂x₃ ≥ 0 (as typed, √(x₂ x₃)² is undefined elsewhere).'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

import sympy as sp
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from calculus import domain, syntax
from calculus.domain import Condition
from calculus.export import output_names, plain_symbol
from calculus.functions import FUNCTION_NAMES
from calculus.reading import superscript
from calculus.vector_function import VectorFunction, parse_function  # noqa: F401 (doctest)


class _PlainPrinter(StrPrinter):
    """sympy's text printer with maths typography: x₁², √(x), ∛x, σ(z), H(z), |x|, ln x, e, π."""

    _default_settings: ClassVar[dict[str, object]] = {
        **StrPrinter._default_settings,
        "full_prec": False,
    }

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return plain_symbol(expr.name)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.base, expr.exp
        if exponent is sp.S.Half:
            return f"√{self._print(base)}" if base.is_Atom else f"√({self._print(base)})"
        if exponent.is_Integer and exponent != 1:
            if exponent == -1:
                return f"1/{self.parenthesize(base, precedence(expr), strict=True)}"
            if exponent < 0:
                return f"1/{self._print(sp.Pow(base, -exponent, evaluate=False))}"
            shown = self.parenthesize(base, precedence(expr), strict=True)
            return shown + superscript(exponent)
        return super()._print_Pow(expr, rational)

    def _print_Float(self, expr: sp.Float) -> str:
        return f"{float(expr):.4g}"

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Expr) -> str:
        return "π"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_log(self, expr: sp.log) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Function(self, expr: sp.Function) -> str:
        name = {"sigmoid": "σ"}.get(expr.func.__name__, expr.func.__name__)
        if name == "cbrt":
            return f"∛({self._print(expr.args[0])})"
        return f"{name}({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_Heaviside(self, expr: sp.Expr) -> str:
        # The step θ, as the chain rule graph's edges label it; H(u, 0)'s value at 0 is not shown.
        return f"H({self._print(expr.args[0])})"

    def _print_Max(self, expr: sp.Expr) -> str:
        return f"max({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_Min(self, expr: sp.Expr) -> str:
        return f"min({', '.join(self._print(arg) for arg in expr.args)})"


def plain_formula(expr: sp.Expr) -> str:
    """A formula as compact plain text: ``2*x1*x2**2`` -> ``2x₁x₂²``, ``-x`` -> ``−x``."""
    text = _PlainPrinter().doprint(expr).replace("**", "^")
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\*(?=[^\d\s(])", r"\1", text)  # 2*x -> 2x
    # x₁*x₂ -> x₁x₂, x²*y -> x²y; but x*y stays x·y (xy would read as one knob)
    text = re.sub(r"(?<=[₀-₉⁰-⁹¹²³)])\*(?=[^\W\d_][₀-₉]*(?![\w(]))", "", text)
    return text.replace("*", "·").replace("-", "−")


_TYPED_FUNCTIONS = {"sqrt": "√", "cbrt": "∛", "log": "ln", "pi": "π"}


def plain_typed(text: str) -> str:
    """What was typed, with the same typography: ``sqrt(x2 x3)^2`` -> ``√(x₂ x₃)²``.

    Spaces are kept where they were typed (``x y`` is a product, ``xy`` one knob).
    """
    tokens = syntax.tokenize(text)
    pieces: list[str] = []
    previous_end = None
    skip = False
    for index, token in enumerate(tokens):
        if skip or token.kind == syntax.END:
            skip = False
            continue
        if previous_end is not None and token.index > previous_end and pieces:
            pieces.append(" ")
        previous_end = token.index + len(token.text)
        following = tokens[index + 1]
        if (
            token.kind == syntax.OP
            and token.text == "^"
            and following.kind == syntax.NUMBER
            and following.text.isdigit()
        ):
            pieces.append(superscript(following.text))
            previous_end = following.index + len(following.text)
            skip = True
            continue
        if token.kind == syntax.NAME:
            shown = _TYPED_FUNCTIONS.get(token.text)
            if shown is None:
                shown = token.text if token.text in FUNCTION_NAMES else plain_symbol(token.text)
            pieces.append(shown)
        elif token.kind == syntax.OP:
            pieces.append({"*": "·", "-": "−"}.get(token.text, token.text))
        elif token.kind == syntax.ROOT:
            pieces.append(_TYPED_FUNCTIONS[token.text])
        else:
            pieces.append(token.text)
    return "".join(pieces)


def relation_text(condition: Condition) -> str:
    """'x₂x₃ ≥ 0', 'x ≠ 0', '−1 ≤ x ≤ 1'."""
    a = plain_formula(condition.argument)
    if condition.relation == domain.NONNEGATIVE:
        return f"{a} ≥ 0"
    if condition.relation == domain.POSITIVE:
        return f"{a} > 0"
    if condition.relation == domain.NONZERO:
        return f"{a} ≠ 0"
    if condition.relation == domain.WHOLE:
        return f"{a} to be a whole number"
    return f"−1 ≤ {a} ≤ 1"


def _piece(condition: Condition) -> str:
    piece = condition.piece
    if condition.role in (domain.FRACTIONAL_POWER, domain.VARIABLE_POWER):
        base, exponent = piece.as_base_exp() if isinstance(piece, sp.Pow) else (piece, None)
        if exponent is not None:
            shown = plain_formula(base)
            shown = shown if base.is_Atom and not base.is_negative else f"({shown})"
            power = plain_formula(exponent)
            simple = exponent.is_Integer or exponent.is_Symbol or exponent.is_Float
            return f"{shown}^{power if simple else f'({power})'}"
    return plain_formula(piece)


def _base(condition: Condition) -> sp.Expr | None:
    piece = condition.piece
    return piece.as_base_exp()[0] if isinstance(piece, sp.Pow) else None


def why_undefined(condition: Condition) -> str:
    """Why a piece of what was typed has no value where ``condition`` fails, in one sentence.

    >>> x = sp.Symbol("x", real=True)
    >>> why_undefined(domain.for_division(x)[0])
    'dividing by x needs x ≠ 0'
    """
    relation = relation_text(condition)
    if condition.role == domain.DIVISION:
        return f"dividing by {plain_formula(condition.argument)} needs {relation}"
    sentence = f"{_piece(condition)} needs {relation}"
    if condition.role == domain.FRACTIONAL_POWER:
        exponent = condition.piece.as_base_exp()[1] if isinstance(condition.piece, sp.Pow) else 0
        cube_root = isinstance(exponent, sp.Rational) and exponent.q == 3
        sentence += (
            ": a fractional power of a negative number is not real here (it is taken as the "
            "principal root, as numpy and sympy do)"
        )
        if cube_root:
            base = plain_formula(condition.argument)
            sentence += f" — for the real cube root write cbrt({base})"
    elif condition.role == domain.VARIABLE_POWER and condition.argument == _base(condition):
        sentence += ": a power with a variable exponent, b^p, is e^(p ln b)"
    return sentence


def undefined_reasons(f: VectorFunction, point: Sequence[float]) -> tuple[str | None, ...]:
    """Per output, why it is undefined at ``point`` (the first condition that fails, innermost
    first), or None where every condition holds (it may still overflow or be a number)."""
    return tuple(
        why_undefined(failed[0]) if failed else None for failed in f.failed_conditions(point)
    )


@lru_cache(maxsize=256)
def domain_notes(f: VectorFunction) -> tuple[str | None, ...]:
    """Per output, where its simplified formula holds when the domain as typed is smaller.

    ``sqrt(x2 x3)^2`` is built as ``x₂x₃``, defined everywhere, but as typed needs x₂x₃ ≥ 0:
    "y₃ = x₂x₃ holds where x₂x₃ ≥ 0 (as typed, √(x₂ x₃)² is undefined elsewhere)." None for an
    output whose formula shows its whole domain.
    """
    names = output_names(f)
    notes: list[str | None] = []
    for i, narrower in enumerate(f.narrower):
        if not narrower:
            notes.append(None)
            continue
        where = " and ".join(dict.fromkeys(relation_text(c) for c in narrower))
        typed = plain_typed(f.typed[i]) if i < len(f.typed) else ""
        as_typed = f" (as typed, {typed} is undefined elsewhere)" if typed else ""
        formula = plain_formula(f.outputs[i])
        notes.append(f"{plain_symbol(names[i])} = {formula} holds where {where}{as_typed}.")
    return tuple(notes)
