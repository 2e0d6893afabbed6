"""What a learner can take away: the Jacobian as LaTeX and CSV, and a runnable numpy snippet."""

from __future__ import annotations

import csv
import io
import keyword
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from calculus.reading import number_latex, subscript
from calculus.vector_function import VectorFunction

_HELPERS = {
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "softplus": "def softplus(z):\n    return np.logaddexp(0, z)\n",
    "relu": "def relu(z):\n    return np.maximum(z, 0)\n",
    "cbrt": "def cbrt(z):\n    return np.cbrt(z)\n",
    "DiracDelta": "def DiracDelta(z):\n    return np.zeros_like(z)\n",
}


_GREEK_NAMES = (  # noqa: SIM905 - names read better as one string
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega"
).split()
_GREEK_LETTERS = dict(zip(_GREEK_NAMES, "αβγδεζηθικλμνξοπρστυφχψω", strict=True))


#: Letters for the outputs, in order of preference: the chapter's y, unless a knob is named so.
#: The last, "y′", is no name the parser accepts, so it is always free.
OUTPUT_STEMS = ("y", "f", "g", "z", "u", "y′")


def output_names(f: VectorFunction) -> list[str]:
    """'y' for one output, else 'y1', 'y2', ...: how outputs are named everywhere.

    When a knob already has one of those names (``sin(x) cos(y)`` has a knob y), the outputs
    take the next free letter (f, g, ...): "∂y/∂y" or "y is most sensitive to y" would be nonsense.
    """
    for stem in OUTPUT_STEMS:
        names = [stem] if f.n_outputs == 1 else [f"{stem}{i + 1}" for i in range(f.n_outputs)]
        if not set(names) & set(f.variables):
            break
    return names


def plain_symbol(name: str) -> str:
    """A name as plain text for charts: 'x1' -> 'x₁', 'theta' -> 'θ', 'theta2' -> 'θ₂'."""
    stem = name.rstrip("0123456789")
    digits = name[len(stem) :]
    if stem in _GREEK_LETTERS:
        stem = _GREEK_LETTERS[stem]
    elif stem.lower() in _GREEK_LETTERS:  # 'Delta' -> 'Δ'
        stem = _GREEK_LETTERS[stem.lower()].upper()
    return stem + subscript(digits)


#: Greek letters that a reader takes for Latin ones (as shown by :func:`plain_symbol`).
_LOOKS_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧονκρχι", "ABEZHIKMNOPTYXovkpxi")


def look_alike_names(names: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of names that differ but look the same on screen ('Alpha' shows as Α, like A).

    >>> look_alike_names(["A", "Alpha", "x"])
    [('A', 'Alpha')]
    """
    seen: dict[str, str] = {}
    pairs = []
    for name in names:
        skeleton = plain_symbol(name).translate(_LOOKS_LATIN)
        if skeleton in seen:
            pairs.append((seen[skeleton], name))
        else:
            seen[skeleton] = name
    return pairs


#: KaTeX's layout slows down steeply with nesting (each ``\left(`` measures all it holds): the
#: LaTeX of 38 nested sigmoids, only 29 k characters, froze a browser tab for 51 s. Formulas
#: nested deeper or longer than this are described in words instead of typeset.
MAX_TYPESET_DEPTH = 16
MAX_LATEX_CHARS = 20_000


def expression_depth(exprs: Iterable[sp.Expr]) -> int:
    """The deepest nesting of operations in ``exprs`` (a knob or a number is depth 1).

    Counted over the expression graph with a memo: linear in its distinct parts, never in the
    (possibly exponential) size of the tree a printer would walk.
    """
    memo: dict[sp.Basic, int] = {}

    def depth(expr: sp.Basic) -> int:
        if expr not in memo:
            memo[expr] = 1 + max((depth(arg) for arg in expr.args), default=0)
        return memo[expr]

    return max((depth(expr) for expr in exprs), default=0)


def typeset(make_latex: Callable[[], str], exprs: Iterable[sp.Expr]) -> tuple[str | None, str]:
    """``(latex, "")`` for a formula a browser can lay out quickly, else ``(None, why not)``.

    The depth is checked first, so a formula too deep for KaTeX is not even printed.
    """
    depth = expression_depth(exprs)
    if depth > MAX_TYPESET_DEPTH:
        return None, f"nested {depth} levels deep (at most {MAX_TYPESET_DEPTH} are typeset)"
    latex = make_latex()
    if len(latex) > MAX_LATEX_CHARS:
        return None, f"{len(latex):,} characters of LaTeX (at most {MAX_LATEX_CHARS:,} are typeset)"
    return latex, ""


@lru_cache(maxsize=256)
def derivative_texts(f: VectorFunction) -> tuple[tuple[str, ...], ...]:
    """Each Jacobian entry as short plain text ('2*x1*x2^2'), for hovers and tables.

    An entry longer than ``MAX_HOVER_CHARS`` is cut with '…': a hover is a glance, and the
    heatmap's spec travels to the browser whenever it changes.
    """
    return tuple(tuple(_short(sp.sstr(d).replace("**", "^")) for d in row) for row in f.derivatives)


#: The longest plain formula a hover shows.
MAX_HOVER_CHARS = 240


def _short(text: str) -> str:
    return text if len(text) <= MAX_HOVER_CHARS else text[: MAX_HOVER_CHARS - 1] + "…"


@lru_cache(maxsize=1024)
def symbol_latex(name: str) -> str:
    return sp.latex(sp.Symbol(name))


@lru_cache(maxsize=256)
def function_latex(f: VectorFunction) -> str:
    """'f(x_{1}, x_{2}) = \\begin{pmatrix}...\\end{pmatrix}' (a plain right side for one output)."""
    arguments = ", ".join(symbol_latex(name) for name in f.variables)
    if f.n_outputs == 1:
        body = sp.latex(f.outputs[0])
    else:
        body = sp.latex(sp.Matrix(f.outputs))
    return rf"f({arguments}) = {body}"


@lru_cache(maxsize=256)
def jacobian_latex(f: VectorFunction) -> str:
    """The exact Jacobian as a LaTeX pmatrix, rows = outputs, columns = knobs."""
    return sp.latex(f.jacobian())


def partial_latex(f: VectorFunction, output: int, knob: int) -> str:
    """'\\frac{\\partial y_{2}}{\\partial x_{1}}'."""
    y = output_names(f)[output]
    return rf"\frac{{\partial {symbol_latex(y)}}}{{\partial {symbol_latex(f.variables[knob])}}}"


def derivative_latex(f: VectorFunction, output: int, knob: int) -> str:
    """The exact entry d y_output / d x_knob as LaTeX."""
    return sp.latex(f.derivative(output, knob))


def values_latex(values: np.ndarray) -> str:
    """A numeric matrix as LaTeX, 'undefined' entries spelled out."""
    rows = [
        " & ".join(number_latex(v) for v in np.atleast_1d(row)) for row in np.atleast_2d(values)
    ]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def jacobian_csv(f: VectorFunction, values: np.ndarray) -> str:
    """Values of the Jacobian: a header row of knobs, one row per output (empty if undefined)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["output", *f.variables])
    for name, row in zip(output_names(f), values, strict=True):
        writer.writerow([name, *("" if not np.isfinite(v) else repr(float(v)) for v in row)])
    return buffer.getvalue()


def _python_name(name: str) -> str:
    return f"{name}_" if keyword.iskeyword(name) or name in ("np", "f", "jacobian") else name


def python_snippet(f: VectorFunction, point: Sequence[float]) -> str:
    """Runnable Python computing f and its Jacobian with numpy, printed at ``point``.

    Generated from the validated expressions (never from the raw text); names that Python
    reserves (``lambda``) get a trailing underscore.
    """
    point_text = ", ".join(repr(float(v)) for v in point)
    return _snippet_definitions(f) + f"print(f({point_text}))\nprint(jacobian({point_text}))\n"


@lru_cache(maxsize=64)
def _snippet_definitions(f: VectorFunction) -> str:
    renames = {s: sp.Symbol(_python_name(s.name), real=True) for s in f.symbols}
    printer = NumPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": True})

    def code(expr: sp.Expr) -> str:
        return printer.doprint(expr.xreplace(renames)).replace("numpy.", "np.")

    outputs = [code(y) for y in f.outputs]
    rows = ["[" + ", ".join(code(d) for d in row) + "]" for row in f.derivatives]
    arguments = ", ".join(_python_name(name) for name in f.variables)
    used = {
        type(node).__name__
        for y in (*f.outputs, *sum(f.derivatives, ()))
        for node in sp.preorder_traversal(y)
    }
    helpers = "".join(_HELPERS[name] + "\n\n" for name in _HELPERS if name in used)
    return (
        "import numpy as np\n\n\n"
        + helpers
        + f"def f({arguments}):\n"
        + f"    return np.array([{', '.join(outputs)}])\n\n\n"
        + f"def jacobian({arguments}):\n"
        + '    """J[i, j] = d y_i / d x_j: rows are outputs, columns are knobs."""\n'
        + "    return np.array([\n"
        + "".join(f"        {row},\n" for row in rows)
        + "    ])\n\n\n"
    )
