"""One strict reader for numbers a learner types (grid cells, sizes, answers) or a link carries.

``float(text)`` and the browser's number fields are too lenient or too quiet: a browser number
field turned ``1e3`` into 1 and ``1e308`` into 1308 without a word. :func:`parse_number` takes a
constant expression through the same whitelisting parser as functions (``calculus.syntax``:
nothing typed is ever run as code), so ``1/2``, ``-3``, ``2sqrt(2)``, ``1e3``, ``pi/4`` are
accepted, and refuses everything else with a message saying what is wrong. A number is never
changed silently: a plain decimal (``0.30000000000000004``) is read with every digit it has.

Hazards guarded here:

- Hostile or huge text: at most ``MAX_NUMBER_TEXT`` characters; the parser's own bounds (digits,
  exponents, nesting) hold before sympy builds anything.
- Values a float cannot hold honestly: non-finite (``inf``, ``1/0``), beyond the float range
  (``10^300 10^300``), or subnormal (``1e-310``: fewer significant bits than it claims).
- Expressions with variables (``2x``), lists (``1, 2``) and digits split by a space
  (``1 000``, which the parser would read as a product): not a number.

Known pitfall: a decimal *inside* an expression (``0.1/3``) keeps the parser's 15 significant
digits, as it does in a function.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from decimal import Decimal

import sympy as sp

from calculus.errors import ExpressionError
from calculus.reading import superscript
from calculus.syntax import parse_text

#: Characters of one number's text: enough for any double written out, or a short expression.
MAX_NUMBER_TEXT = 64
#: Digits of precision when a constant expression is evaluated (then rounded to a float).
_EVAL_DIGITS = 30
#: A plain decimal literal: read with ``float`` so no digit is lost.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: Digits, a space, digits: "1 000" or "1 2" is one number mistyped, not the product 1 · 2.
_SPACED_DIGITS = re.compile(r"\d\s+\.?\d")


class NumberError(ExpressionError):
    """A number the page refuses; the message names the field (when given) and the problem."""


def _refuse(what: str, problem: str, column: int | None = None) -> NumberError:
    return NumberError(f"{what}: {problem}" if what else problem, column)


def _checked(value: float, what: str) -> float:
    if math.isnan(value):
        raise _refuse(what, "not a real number")
    if math.isinf(value):
        raise _refuse(what, "too large for a number (beyond ±1.8×10^308)")
    if value != 0 and abs(value) < sys.float_info.min:
        raise _refuse(what, "too close to 0 to be stored exactly (below 2.2×10^−308)")
    return value + 0.0  # -0.0 shows as 0


def parse_number(text: str, what: str = "") -> float:
    """``text`` as a finite float, or ``NumberError`` naming ``what`` and the problem.

    >>> [parse_number(t) for t in ("1/2", "-3", "1e3", "2sqrt(2)")]
    [0.5, -3.0, 1000.0, 2.8284271247461903]
    >>> parse_number("2x", "W, row 1, column 1")
    Traceback (most recent call last):
    calculus.numbers.NumberError: W, row 1, column 1: a number cannot contain a variable (x)
    """
    if not isinstance(text, str):
        raise _refuse(what, "not text")
    stripped = text.strip().replace("−", "-")
    if not stripped:
        raise _refuse(what, "empty: type a number")
    if len(stripped) > MAX_NUMBER_TEXT:
        raise _refuse(
            what, f"too long for a number ({len(stripped)} characters; at most {MAX_NUMBER_TEXT})"
        )
    if stripped.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        raise _refuse(what, f"{stripped} is not a finite number")
    if _SPACED_DIGITS.search(stripped):
        raise _refuse(what, "a space between digits: write 1000 or 1*2, not 1 000 or 1 2")
    try:
        parsed = parse_text(stripped)
    except ExpressionError as problem:
        raise _refuse(what, problem.message, problem.column) from None
    if len(parsed.outputs) != 1:
        raise _refuse(what, "one number, not a list")
    if parsed.variables:
        names = ", ".join(parsed.variables)
        which = "variables" if len(parsed.variables) > 1 else "a variable"
        raise _refuse(what, f"a number cannot contain {which} ({names})")
    if _DECIMAL.fullmatch(stripped):
        return _checked(float(stripped), what)
    (expr,) = parsed.outputs
    try:
        value = complex(sp.N(expr, _EVAL_DIGITS))
    except (TypeError, ValueError, OverflowError):
        raise _refuse(what, "not a real number") from None
    if value.imag != 0:
        raise _refuse(what, "not a real number")
    if value.real == 0 and expr.is_zero is False:  # exp(-1000) is not 0, though it rounds to it
        raise _refuse(what, "too close to 0 to be stored exactly (below 2.2×10^−308)")
    return _checked(value.real, what)


def parse_whole_number(text: str, what: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high``, or ``NumberError`` naming ``what``.

    >>> parse_whole_number("6/2", "n", 1, 6)
    3
    """
    value = parse_number(text, what)
    if not value.is_integer():
        raise _refuse(what, f"a whole number from {low} to {high}, not {value:g}")
    if not low <= value <= high:
        raise _refuse(what, f"from {low} to {high}, not {value:g}")
    return int(value)


#: Numbers written with a power of ten (format_number's '4.54×10^−5') are spelled out in full
#: in the note when the exponent is at most this.
_SPELLED_EXPONENT = 8


def power_of_ten_note(shown: Iterable[str]) -> str | None:
    """One line explaining the ×10^ format, with the first such number shown; None if none.

    >>> power_of_ten_note(["1", "4.54×10^−5"])
    '4.54×10^−5 means 4.54 × 10⁻⁵: move the decimal point 5 places to the left, 0.0000454.'
    """
    first = next((text for text in shown if "×10^" in text), None)
    if first is None:
        return None
    mantissa, exponent_text = first.split("×10^")
    exponent = int(exponent_text.replace("−", "-"))
    power = superscript(exponent)
    way = "left" if exponent < 0 else "right"
    note = (
        f"{first} means {mantissa} × 10{power}: move the decimal point {abs(exponent)} "
        f"place{'s' if abs(exponent) != 1 else ''} to the {way}"
    )
    if abs(exponent) <= _SPELLED_EXPONENT:
        value = Decimal(mantissa.replace("−", "-")).scaleb(exponent)
        note += ", " + f"{value:f}".replace("-", "−")
    return note + "."
