"""The "Jacobians of ML layers" page's helpers: grids of numbers, figures, and the walkthrough.

Pure parts (testable without Streamlit): grid <-> DataFrame and URL text, the labels, hovers and
heatmaps of a layer's Jacobian, the written-out layer and the index method's terms as LaTeX and
as a table. Streamlit parts: :func:`grid_editor`, a matrix as an editable grid with fillers whose
state survives size changes, switching layers and the URL.

Grid state, per parameter name P (shared by the layers that use P, e.g. W):
``layers_saved_P`` holds the last numbers shown (edits included, nan for an empty cell);
``layers_version_P`` is part of the editor's key, bumped to reset the editor when the numbers
are replaced (filler, resize). A fresh editor (first run, or after a run that did not show it)
starts from the saved numbers, so nothing typed is lost when the learner looks at another layer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import sympy as sp

from calculus.layers import (
    MAX_LAYER_SIZE,
    EntryError,
    Layer,
    Walkthrough,
    identity_grid,
    layer_function,
    parse_entries,
    random_integer_grid,
    resize_grid,
)
from calculus.reading import format_number
from calculus.vector_function import VectorFunction
from ui.figures import jacobian_heatmap
from ui.url_state import number_text, query_text

PAGE = "layers"
#: Characters of one grid in the URL: 36 entries of up to 24 characters, with separators.
MAX_GRID_TEXT = 36 * 25
#: Highlight of the term the Kronecker delta keeps (a pale version of the heatmap's red).
SURVIVOR_BACKGROUND = "#fde68a"
#: Pixels of one grid column: six of them and the row labels fit a third of the page.
GRID_COLUMN_WIDTH = 54
#: Digits of a coefficient in the written-out layer (the engine itself keeps every digit).
SHOWN_DIGITS = 4

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# ---- grids as DataFrames and as URL text -------------------------------------------------------


def grid_frame(values: np.ndarray) -> pd.DataFrame:
    """A (rows, columns) array as a DataFrame with 1-based labels '1', '2', ... (float columns)."""
    values = np.asarray(values, dtype=float)
    return pd.DataFrame(
        values,
        index=[str(r) for r in range(1, values.shape[0] + 1)],
        columns=[str(c) for c in range(1, values.shape[1] + 1)],
    )


def frame_cells(frame: pd.DataFrame) -> list[list[Any]]:
    """The cells of an edited grid as rows of Python values (None where a cell is empty)."""
    return [[None if _is_missing(cell) else cell for cell in row] for row in frame.to_numpy()]


def _is_missing(cell: Any) -> bool:
    try:
        return bool(pd.isna(cell))
    except (TypeError, ValueError):
        return False


def frame_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The grid as floats, nan where a cell is empty or not a number (to keep what was shown)."""
    return frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)


def grid_to_text(values: np.ndarray) -> str:
    """'1,2.5;-3,0': rows separated by ';', entries by ','; exact (shortest round-trip) numbers."""
    return ";".join(",".join(number_text(v) for v in row) for row in np.atleast_2d(values))


def grid_from_text(name: str, text: str) -> np.ndarray:
    """The inverse of :func:`grid_to_text` for untrusted text (a URL): ``EntryError`` if bad."""
    if len(text) > MAX_GRID_TEXT:
        raise EntryError(f"{name} in the link is too long", name)
    rows = [row.split(",") for row in text.split(";")]
    if len(rows) > MAX_LAYER_SIZE or any(len(row) > MAX_LAYER_SIZE for row in rows):
        raise EntryError(f"{name} in the link is larger than {MAX_LAYER_SIZE} x {MAX_LAYER_SIZE}")
    return parse_entries(name, rows)


def default_grid(name: str, shape: tuple[int, int]) -> np.ndarray:
    """The numbers a grid starts with: small fixed integers (the same for every learner)."""
    rng = np.random.default_rng(sum(map(ord, name)))  # fixed per name: a link stays short
    full = rng.integers(-3, 4, size=(MAX_LAYER_SIZE, MAX_LAYER_SIZE)).astype(float)
    if name in _DEFAULTS:  # hand-picked numbers for the sizes the page opens with
        chosen = _DEFAULTS[name]
        full[: chosen.shape[0], : chosen.shape[1]] = chosen
    return full[: shape[0], : shape[1]].copy()


_DEFAULTS = {
    "W": np.array([[2.0, -1.0, 0.5], [-1.0, 3.0, 1.0]]),
    "a": np.array([[3.0], [-1.0], [2.0]]),
    "y": np.array([[1.0], [2.0]]),
    "A": np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]]),
    "B": np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]]),
    "C": np.array([[0.0, 1.0, 0.0], [1.0, 0.0, -1.0]]),
    "b": np.array([[0.5], [-1.0]]),
}


# ---- labels, hovers and figures ----------------------------------------------------------------


def subscript(name: str, *indices: int) -> str:
    """'y', 2 -> 'y₂'; 'w', 2, 3 -> 'w₂,₃' (plain text for charts and tables)."""
    return name + ",".join(str(i).translate(_SUBSCRIPT) for i in indices)


def output_labels(layer: Layer) -> list[str]:
    """Row labels of the Jacobian: 's' for yᵀ A x, 'y' for aᵀ x, else y₁ … yₙ."""
    if layer.kind == "bilinear":
        return ["s"]
    if layer.spec.scalar_output:
        return ["y"]
    return [subscript("y", i) for i in range(1, layer.n_outputs + 1)]


def knob_labels(layer: Layer) -> list[str]:
    """Column labels: x₁ … xₘ (v₁ … vₘ for (A B + C) v)."""
    return [subscript(layer.spec.input_name, j) for j in range(1, layer.n_inputs + 1)]


def closed_form_formulas(layer: Layer) -> list[list[str]]:
    """Each closed-form entry in letters, for hovers: 'w₂,₁', 'a₃', '(yᵀA)₂', 'σ′(z₁) w₁,₂'."""
    n, m = layer.n_outputs, layer.n_inputs
    cells = {
        "linear": lambda i, j: subscript("w", i, j),
        "dot": lambda i, j: subscript("a", j),
        "bilinear": lambda i, j: f"(yᵀA){subscript('', j)}",
        "affine": lambda i, j: f"(AB + C){subscript('', i, j)}",
        "sigmoid": lambda i, j: f"σ′({subscript('z', i)}) {subscript('w', i, j)}",
    }[layer.kind]
    return [[cells(i, j) for j in range(1, m + 1)] for i in range(1, n + 1)]


def _rounded(expr: sp.Expr, digits: int = SHOWN_DIGITS) -> sp.Expr:
    """``expr`` with its float coefficients shown to ``digits`` significant digits."""
    return expr.xreplace({f: sp.Float(f, digits) for f in expr.atoms(sp.Float)})


@lru_cache(maxsize=64)
def engine_formulas(function: VectorFunction) -> tuple[tuple[str, ...], ...]:
    """Each entry the engine found, as short text with rounded coefficients, for hovers.

    Cached per function (printing 36 sigmoid entries takes a few hundred ms: not per knob move).
    """
    return tuple(
        tuple(sp.sstr(_rounded(entry)).replace("**", "^") for entry in row)
        for row in function.derivatives
    )


def layer_heatmaps(
    layer: Layer,
    engine: np.ndarray,
    closed: np.ndarray,
    engine_hover: Sequence[Sequence[str]],
) -> tuple[go.Figure, go.Figure]:
    """The engine's Jacobian and the closed form as two heatmaps built the same way.

    ``engine`` and ``closed`` have shape (outputs, m); both use the same labels and colours,
    centred at 0. A linear layer's colours span its own largest entry. The sigmoid layer's span
    the largest its Jacobian can ever be, max|w| / 4 (sigma' <= 1/4), so a saturated unit's row
    fades to white instead of being stretched back to full colour.
    Their titles are left to the page (a title inside the figure would sit on the knob axis).
    """
    rows, columns = output_labels(layer), knob_labels(layer)
    left = jacobian_heatmap(engine, rows, columns, engine_hover)
    right = jacobian_heatmap(closed, rows, columns, closed_form_formulas(layer))
    style = heatmap_text_style(len(columns), fixed_decimals=layer.kind == "sigmoid")
    if layer.kind == "sigmoid":
        bound = float(np.max(np.abs(layer.parameters["W"]))) / 4 or 1.0
        style.update(zmin=-bound, zmax=bound)
    for figure in (left, right):
        figure.update_traces(selector={"name": "jacobian"}, **style)
    return left, right


def heatmap_text_style(knobs: int, *, fixed_decimals: bool = False) -> dict[str, Any]:
    """How the numbers in a half-width heatmap with ``knobs`` columns are written.

    Up to 3 knobs the shared builder's 4 digits fit; beyond, 3 and then 2 significant digits
    (the hover still gives every digit). ``fixed_decimals`` (the sigmoid layer) writes 3, then
    2 decimals instead, so a saturated entry reads 0.000 rather than 3.34×10^−5.
    """
    if knobs <= 3 and not fixed_decimals:
        return {}
    digits, size = (3, 14) if knobs <= 3 else (3, 13) if knobs == 4 else (2, 12)
    kind = "f" if fixed_decimals else "~g"
    return {"texttemplate": f"%{{z:.{digits}{kind}}}", "textfont": {"size": size}}


def closed_form_text(layer: Layer) -> str:
    """The closed form in plain text: 'W', 'aᵀ', 'yᵀ A', 'A B + C', 'diag(σ′(z)) W'."""
    return {
        "linear": "W",
        "dot": "aᵀ",
        "bilinear": "yᵀ A",
        "affine": "A B + C",
        "sigmoid": "diag(σ′(z)) W",
    }[layer.kind]


def shape_sentences(layer: Layer) -> list[str]:
    """What shape everything has, and why the Jacobian comes out that way (Markdown)."""
    n, m = layer.n_outputs, layer.n_inputs
    p = {name: array.shape for name, array in layer.parameters.items()}
    x = layer.spec.input_name
    if layer.kind == "linear":
        return [
            f"W is {n} × {m} and x has {m} entries, so y = W x has {n}: J is {n} × {m}, "
            "one row per output, one column per knob — the shape of W itself."
        ]
    if layer.kind == "dot":
        return [
            f"a is a column ({m} × 1), and aᵀ x is one number. The Jacobian of one output is "
            f"**one row**: 1 × {m}. So the answer is aᵀ, a row — not the column a, though "
            "the entries are the same numbers. Row or column? Count outputs: one output, one row."
        ]
    if layer.kind == "bilinear":
        return [
            f"y is {p['y'][0]} × 1, A is {p['A'][0]} × {m}, x has {m} entries: s = yᵀ A x is "
            f"one number, so J is a row, 1 × {m}.",
            "Write yᵀ A = vᵀ (a 1 × "
            f"{m} row): s = vᵀ x, and the rule for aᵀ x gives J = vᵀ = yᵀ A.",
        ]
    if layer.kind == "affine":
        k = p["A"][1]
        return [
            f"A is {n} × {k}, B is {k} × {m}, C is {n} × {m}: A B + C is {n} × {m}, and so is J. "
            f"The inner size {k} disappears in the product.",
            f"(A B + C) {x} is linear in {x}: its Jacobian is the matrix A B + C itself.",
        ]
    return [
        f"W is {n} × {m}, b has {n} entries: z = W x + b and y = σ(z) have {n}, so J is "
        f"{n} × {m}. Row i of W is scaled by σ′(zᵢ): J = diag(σ′(z)) W.",
    ]


# ---- the layer written out, and the index method -----------------------------------------------


def written_out_latex(layer: Layer) -> str:
    """The outputs the engine receives, one per line (coefficients rounded for reading)."""
    if layer.spec.scalar_output:
        names = ("s" if layer.kind == "bilinear" else "y",)
    else:
        names = tuple(f"y_{{{i}}}" for i in range(1, layer.n_outputs + 1))
    return _written_out(layer_function(layer), names)


@lru_cache(maxsize=64)
def _written_out(function: VectorFunction, names: tuple[str, ...]) -> str:
    symbols = {s: sp.Symbol(f"{s.name[0]}_{{{s.name[1:]}}}") for s in function.symbols}
    lines = [
        rf"{name} &= {sp.latex(_rounded(output).xreplace(symbols))}"
        for name, output in zip(names, function.outputs, strict=True)
    ]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def _number_latex(value: float) -> str:
    text = format_number(value).replace("−", "-")
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        text = rf"{mantissa} \cdot 10^{{{exponent}}}"
    return f"({text})" if text.startswith("-") else text


#: Terms shown one by one in the LaTeX sum; more than this, and only the kept ones are written.
MAX_TERMS_WRITTEN = 6
_GREY = r"\color{#9ca3af}"


def terms_latex(walk: Walkthrough) -> str:
    """The sum over k written out: kept terms boxed, the others grey; then the numbers.

    Three aligned lines, e.g. ``w_{2,1} δ_{1,1} + w_{2,2} δ_{2,1}``, ``= 4 · 1 + 5 · 0``, ``= 4``.
    """
    terms = walk.terms
    shown = terms if len(terms) <= MAX_TERMS_WRITTEN else [t for t in terms if t.survives]

    def styled(body: str, survives: bool) -> str:
        return rf"\boxed{{{body}}}" if survives else rf"{{{_GREY} {body}}}"

    letters = " + ".join(styled(t.symbols, t.survives) for t in shown)
    numbers = " + ".join(
        styled(r" \cdot ".join(_number_latex(f) for f in t.factors), t.survives) for t in shown
    )
    total = _number_latex(math.fsum(t.value for t in terms))
    note = "" if shown is terms else rf"\quad \text{{(the {len(terms) - len(shown)} others are 0)}}"
    value = _number_latex(walk.value)
    if walk.factor_symbols:
        factor = _number_latex(walk.factor)
        lines = [
            rf"{walk.entry} &= {walk.factor_symbols} \left( {letters} \right){note}",
            rf"&= {factor} \left( {numbers} \right)",
            rf"&= {factor} \cdot {total} = {value}",
        ]
    else:
        lines = [rf"{walk.entry} &= {letters}{note}", rf"&= {numbers}", rf"&= {value}"]
    return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"


def terms_table(walk: Walkthrough) -> pd.DataFrame:
    """Every term of the sum as a row: the term, its numbers, its value, whether δ keeps it."""
    return pd.DataFrame(
        {
            "term": [" · ".join(t.labels) for t in walk.terms],
            "numbers": [" · ".join(format_number(f) for f in t.factors) for t in walk.terms],
            "value": [format_number(t.value) for t in walk.terms],
            "δ keeps it": ["yes" if t.survives else "no" for t in walk.terms],
        }
    )


def styled_terms_table(walk: Walkthrough) -> Any:
    """:func:`terms_table` with the kept terms highlighted (a pandas Styler)."""
    table = terms_table(walk)
    kept = [t.survives for t in walk.terms]

    def highlight(row: pd.Series) -> list[str]:
        colour = f"background-color: {SURVIVOR_BACKGROUND}; font-weight: 600"
        return [colour if kept[row.name] else "color: #6b7280"] * len(row)

    return table.style.apply(highlight, axis=1)


# ---- Streamlit: the grids ----------------------------------------------------------------------


def _saved_key(name: str) -> str:
    return f"{PAGE}_saved_{name}"


def _version_key(name: str) -> str:
    return f"{PAGE}_version_{name}"


def editor_key(name: str) -> str:
    """The current key of P's data editor (it changes when the grid is refilled or resized)."""
    return f"{PAGE}_grid_{name}_{st.session_state.get(_version_key(name), 0)}"


def _replace(name: str, values: np.ndarray) -> None:
    st.session_state[_saved_key(name)] = np.array(values, dtype=float)
    st.session_state[_version_key(name)] = st.session_state.get(_version_key(name), 0) + 1


def _fill(name: str, shape: tuple[int, int], how: str) -> None:
    if how == "identity":
        values = identity_grid(shape)
    elif how == "ones":
        values = np.ones(shape)
    else:
        values = random_integer_grid(shape, np.random.default_rng())
    _replace(name, values)


def take_url_problems() -> list[str]:
    """Messages about grids in the link that could not be read, once (then they are dropped)."""
    return st.session_state.pop(f"{PAGE}_url_problems", [])


def _starting_numbers(name: str, shape: tuple[int, int]) -> np.ndarray:
    text = query_text(f"g_{name}")
    if text is not None:
        try:
            numbers = grid_from_text(name, text)
            if shape[1] == 1 and numbers.shape[0] == 1:  # a vector written as a row
                numbers = numbers.T
            return resize_grid(numbers, shape)
        except EntryError as problem:
            problems = st.session_state.setdefault(f"{PAGE}_url_problems", [])
            problems.append(f"The link's {name} could not be read ({problem}); using the default.")
    return default_grid(name, shape)


def grid_editor(
    name: str, shape: tuple[int, int], *, vector: bool, caption: str
) -> tuple[np.ndarray | None, EntryError | None]:
    """P as an editable grid with fillers; returns its numbers, or the problem with a cell.

    ``shape`` is (rows, columns); a vector is a column (rows, 1). The numbers kept across runs
    are resized (keeping what overlaps) when the shape changes.
    """
    saved = st.session_state.get(_saved_key(name))
    if saved is None:
        _replace(name, _starting_numbers(name, shape))
    elif saved.shape != shape:
        _replace(name, resize_grid(saved, shape))
    key = editor_key(name)
    if key not in st.session_state:  # a fresh editor starts from the numbers kept
        base = st.session_state[_saved_key(name)]
    else:
        base = st.session_state[f"{PAGE}_base_{name}"]
    st.session_state[f"{PAGE}_base_{name}"] = base
    rows, columns = shape
    st.markdown(f"**{name}** · {rows} × {columns}" + (" (a column)" if vector else ""))
    frame = st.data_editor(
        grid_frame(base),
        key=key,
        num_rows="fixed",
        width="content",
        column_config={
            str(c): st.column_config.NumberColumn(str(c), format="%g", width=GRID_COLUMN_WIDTH)
            for c in range(1, columns + 1)
        },
    )
    st.session_state[_saved_key(name)] = frame_numbers(frame)
    other = "ones" if vector else "identity"
    with st.container(horizontal=True):
        st.button(
            "random integers",
            key=f"{PAGE}_random_{name}",
            on_click=_fill,
            args=(name, shape, "random"),
            help=f"Fill {name} with random integers from −5 to 5",
        )
        st.button(
            other,
            key=f"{PAGE}_{other}_{name}",
            on_click=_fill,
            args=(name, shape, other),
            help=f"Fill {name} with "
            + ("ones" if vector else "ones on the diagonal and zeros elsewhere"),
        )
    if caption:
        st.caption(caption)
    try:
        return parse_entries(name, frame_cells(frame)), None
    except EntryError as problem:
        return None, problem
