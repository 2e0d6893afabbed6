"""The "Jacobians of ML layers" page's helpers: grids of numbers, figures, and the walkthrough.

Pure parts (testable without Streamlit): grid <-> DataFrame and URL text, the labels, hovers and
heatmaps of a layer's Jacobian, the written-out layer and the index method's terms as LaTeX and
as a table. Streamlit parts: :func:`grid_editor`, a matrix as an editable grid with fillers whose
state survives size changes, switching layers and the URL.

The page's settings (layer, sizes, the entry of the index method) are ``UrlParam``-s
(ui/url_state.py): their values outlive their widgets there. Grid state, per parameter name P
(shared by the layers that use P, e.g. W): the last cells shown, as text (edits included, '' for
an empty cell), are kept with ``url_state.keep`` under ``layers_grid_P``; ``layers_version_P``
is part of the editor's key, bumped to reset the editor when the numbers are replaced (filler,
resize), and ``layers_base_P`` the numbers that editor started from (its edits are relative to
them). A fresh editor (first run, or after a run that did not show it) starts from the kept
cells, so nothing typed is lost when the learner looks at another layer.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import sympy as sp

from calculus import reading
from calculus.layers import (
    LAYER_KINDS,
    MAX_LAYER_SIZE,
    MIN_LAYER_SIZE,
    EntryError,
    Layer,
    Walkthrough,
    identity_grid,
    layer_function,
    make_layer,
    parameter_shapes,
    parse_entries,
    random_integer_grid,
    resize_grid,
)
from calculus.numbers import MAX_NUMBER_TEXT, NumberError, parse_whole_number
from calculus.reading import format_number
from calculus.vector_function import VectorFunction
from ui.figures import jacobian_heatmap
from ui.quote import quote
from ui.url_state import UrlParam, keep, kept, number_text, query_text, write_query

PAGE = "layers"
#: Characters of one grid in the URL: 36 entries of up to 24 characters, with separators.
MAX_GRID_TEXT = 36 * 25
#: Highlight of the term the Kronecker delta keeps (a pale version of the heatmap's red).
SURVIVOR_BACKGROUND = "#fde68a"
#: Pixels of one grid column: six of them and the row labels fit a third of the page.
GRID_COLUMN_WIDTH = 54
#: Digits of a coefficient in the written-out layer (the engine itself keeps every digit).
SHOWN_DIGITS = 4


# ---- grids as DataFrames and as URL text -------------------------------------------------------


def grid_texts(values: np.ndarray) -> np.ndarray:
    """Numbers as the texts a grid shows: '2', '-1', '0.5' (exact, shortest round-trip)."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    return np.array([[number_text(v) for v in row] for row in values], dtype=object)


def grid_frame(cells: np.ndarray) -> pd.DataFrame:
    """A (rows, columns) grid as a DataFrame of texts with 1-based labels '1', '2', ...

    Numbers are written as text: the grid's cells are text columns, so what a learner types
    (``1e3``, ``1/2``) reaches the server as typed and is read by the strict number parser (a
    browser number field turned ``1e3`` into 1 without a word).
    """
    cells = np.asarray(cells)
    texts = cells if cells.dtype == object else grid_texts(cells)
    return pd.DataFrame(
        texts,
        index=[str(r) for r in range(1, texts.shape[0] + 1)],
        columns=[str(c) for c in range(1, texts.shape[1] + 1)],
        dtype=object,
    )


def frame_cells(frame: pd.DataFrame) -> list[list[Any]]:
    """The cells of an edited grid as rows of Python values (None where a cell is empty)."""
    return [[None if _is_missing(cell) else cell for cell in row] for row in frame.to_numpy()]


def _is_missing(cell: Any) -> bool:
    try:
        return bool(pd.isna(cell))
    except (TypeError, ValueError):
        return False


def frame_texts(frame: pd.DataFrame) -> np.ndarray:
    """The grid's cells as texts ('' where empty), to keep exactly what was shown."""
    return np.array(
        [["" if cell is None else str(cell) for cell in row] for row in frame_cells(frame)],
        dtype=object,
    )


def resize_texts(texts: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A grid of texts cut or padded with '0' to ``shape``, keeping the cells that overlap."""
    out = np.full(shape, "0", dtype=object)
    rows, columns = min(texts.shape[0], shape[0]), min(texts.shape[1], shape[1])
    out[:rows, :columns] = texts[:rows, :columns]
    return out


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
    return name + ",".join(reading.subscript(i) for i in indices)


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
    style = heatmap_text_style(len(columns), fixed_decimals=layer.kind == "sigmoid")
    if layer.kind == "sigmoid":
        style["bound"] = float(np.max(np.abs(layer.parameters["W"]))) / 4 or 1.0
    left = jacobian_heatmap(engine, rows, columns, engine_hover, **style)
    right = jacobian_heatmap(closed, rows, columns, closed_form_formulas(layer), **style)
    return left, right


def heatmap_text_style(knobs: int, *, fixed_decimals: bool = False) -> dict[str, Any]:
    """How the numbers in a half-width heatmap with ``knobs`` columns are written: keyword
    arguments of ``jacobian_heatmap``.

    Up to 3 knobs the shared builder's 4 digits fit; beyond, 3 and then 2 significant digits
    (the hover still gives every digit). ``fixed_decimals`` (the sigmoid layer) writes 3, then
    2 decimals instead, so a saturated entry reads 0.000 rather than 3.34×10^−5.
    """
    if knobs <= 3 and not fixed_decimals:
        return {}
    digits, size = (3, 14) if knobs <= 3 else (3, 13) if knobs == 4 else (2, 12)
    if fixed_decimals:
        return {"number": functools.partial(_fixed, digits=digits), "text_size": size}
    return {"number": functools.partial(format_number, digits=digits), "text_size": size}


def _fixed(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, a true minus sign, and no '−0.000'."""
    text = f"{value:.{digits}f}"
    return (text.lstrip("-") if float(text) == 0 else text).replace("-", "−")


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
    text = reading.number_latex(value)
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

    # Dark text on the pale highlight in either theme; the dropped terms' grey at 4.5:1 or more
    # on the table's background (st.context.theme: the dark theme's is near black).
    dark = st.context.theme.type == "dark"
    dropped = "color: #9ca3af" if dark else "color: #6b7280"

    def highlight(row: pd.Series) -> list[str]:
        colour = f"background-color: {SURVIVOR_BACKGROUND}; color: #111827; font-weight: 600"
        return [colour if kept[row.name] else dropped] * len(row)

    return table.style.apply(highlight, axis=1)


# ---- Streamlit: the grids ----------------------------------------------------------------------


def _grid_key(name: str) -> str:
    return f"{PAGE}_grid_{name}"


def _version_key(name: str) -> str:
    return f"{PAGE}_version_{name}"


def editor_key(name: str) -> str:
    """The current key of P's data editor (it changes when the grid is refilled or resized)."""
    return f"{_grid_key(name)}_{st.session_state.get(_version_key(name), 0)}"


def _replace(name: str, texts: np.ndarray) -> None:
    """New cells for P's grid: kept, and a fresh editor (a new key) to show them."""
    keep(_grid_key(name), texts)
    st.session_state[_version_key(name)] = st.session_state.get(_version_key(name), 0) + 1


def install_layer(kind: str, sizes: dict[str, int], parameters: dict[str, np.ndarray]) -> None:
    """Show this layer, as if the learner had chosen its kind and sizes and typed its numbers
    (call in a callback: Next question's new layer)."""
    KIND.set(kind)
    for name, size in sizes.items():
        SIZES[name].set(size)
    for name, values in parameters.items():
        _replace(name, grid_texts(values))


def _fill(name: str, shape: tuple[int, int], how: str) -> None:
    if how == "identity":
        values = identity_grid(shape)
    elif how == "ones":
        values = np.ones(shape)
    else:
        values = random_integer_grid(shape, np.random.default_rng())
    _replace(name, grid_texts(values))


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
    cells = kept(_grid_key(name))
    if cells is None:
        _replace(name, grid_texts(_starting_numbers(name, shape)))
    elif cells.shape != shape:
        _replace(name, resize_texts(cells, shape))
    key = editor_key(name)
    if key not in st.session_state:  # a fresh editor starts from the cells kept
        base = kept(_grid_key(name))
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
            str(c): st.column_config.TextColumn(str(c), width=GRID_COLUMN_WIDTH)
            for c in range(1, columns + 1)
        },
    )
    keep(_grid_key(name), frame_texts(frame))
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


# ---- Streamlit: the layer and its sizes --------------------------------------------------------

#: Sizes a page opens with: a 2 x 3 layer (inner size 2 for A B + C).
DEFAULT_SIZES = {"n": 2, "m": 3, "k": 2}
#: Each size's name in the link (k was called "inner" there from the start).
SIZE_PARAMETERS = {"n": "n", "m": "m", "k": "inner"}
#: The parameters shown under each grid, in the chapter's words.
CAPTIONS = {
    ("linear", "W"): "Row i holds the weights of output yᵢ; column j multiplies knob xⱼ.",
    ("dot", "a"): "A column of m numbers; aᵀ x = a₁x₁ + … + aₘxₘ is one number.",
    ("bilinear", "y"): "A fixed column: s = yᵀ A x is linear in x.",
    ("bilinear", "A"): "n × m: yᵀ A is a 1 × m row.",
    ("affine", "A"): "n × k.",
    ("affine", "B"): "k × m.",
    ("affine", "C"): "n × m, the same shape as A B.",
    ("sigmoid", "W"): "The weights: z = W x + b.",
    ("sigmoid", "b"): "The biases, one per output.",
}
#: Room for the grids beside the layer written out, in grid columns (row labels count as one).
SIDE_BY_SIDE_COLUMNS = 7


def _read_size(text: str) -> int:
    return parse_whole_number(text, "", MIN_LAYER_SIZE, MAX_LAYER_SIZE)


#: The page's settings in the link: the layer and its sizes (typed as text and read by the
#: strict parser; n is not drawn for aᵀ x, k only for A B + C: their values are kept meanwhile).
KIND = UrlParam("layer", f"{PAGE}_kind", "linear", options=tuple(LAYER_KINDS))
SIZES = {
    name: UrlParam(SIZE_PARAMETERS[name], f"{PAGE}_{name}", default, read=_read_size, typed=True)
    for name, default in DEFAULT_SIZES.items()
}
#: The entry of the index method (not in the link); a stale one falls back to the first.
ENTRY_I = UrlParam(None, f"{PAGE}_entry_i", 1)
ENTRY_J = UrlParam(None, f"{PAGE}_entry_j", 1)


def layer_choice() -> tuple[str, dict[str, int]]:
    """The layer kind and its sizes n, m, k from the widgets (first from the URL).

    A size that cannot be taken is refused with a message and the last good size stays.
    """
    kind_column, *size_columns = st.columns([2.2, 1, 1, 1], vertical_alignment="bottom")
    KIND.seed()
    kind = kind_column.selectbox(
        "Layer", list(LAYER_KINDS), format_func=lambda key: LAYER_KINDS[key].label,
        key=KIND.key,
    )  # fmt: skip
    spec = LAYER_KINDS[kind]
    labels = {
        "n": "n: length of y" if kind == "bilinear" else "n: outputs",
        "m": f"m: inputs ({spec.input_name})",
        "k": "k: inner size",
    }
    shown = [name for name in ("n", "m", "k") if not (name == "n" and kind == "dot")]
    shown = [name for name in shown if name != "k" or spec.uses_inner_size]
    refused = []
    for column, name in zip(size_columns, shown, strict=False):
        size = SIZES[name]
        size.seed()
        text = column.text_input(
            labels[name], key=size.key, max_chars=MAX_NUMBER_TEXT,
            help=f"A whole number from {MIN_LAYER_SIZE} to {MAX_LAYER_SIZE}",
        )  # fmt: skip
        try:
            good = parse_whole_number(text, f"The size {name}", MIN_LAYER_SIZE, MAX_LAYER_SIZE)
        except NumberError as problem:
            refused.append(f"{problem.message}; still using {name} = {size.current()}.")
        else:
            size.keep(good)
    for message in refused:
        st.error(quote(message), icon=":material/error:")
    return kind, {name: int(size.current()) for name, size in SIZES.items()}


def grid_columns(shapes: dict[str, tuple[int, int]]) -> tuple[list[Any], Any]:
    """A page column per grid, each as wide as its grid, and one for the layer written out.

    Grids with more columns than SIDE_BY_SIDE_COLUMNS together put the written-out layer below
    them; A B + C puts A and B in one row, C and the written-out layer in the next.
    """
    weights = [shape[1] + 1.2 for shape in shapes.values()]
    if len(shapes) == 3:
        first = st.columns(weights[:2], gap="medium")
        *last, side = st.columns([weights[2], 6], gap="medium")
        return [*first, *last], side
    if sum(shape[1] + 1 for shape in shapes.values()) <= SIDE_BY_SIDE_COLUMNS:
        *grids, side = st.columns([*weights, 6], gap="medium")
        return grids, side
    return st.columns(weights, gap="medium"), st.container()


def entry_choice(layer: Layer) -> tuple[int, int]:
    """The entry (row i, column j) of the index method, 1-based, from two select boxes.

    The choices are checked against this layer before the boxes are drawn: after a change of
    layer or size a stale choice falls back to the first entry (see UrlParam.seed).
    """
    n, m = layer.n_outputs, layer.n_inputs
    rows, knobs = output_labels(layer), knob_labels(layer)
    ENTRY_I.seed(range(1, n + 1))
    ENTRY_J.seed(range(1, m + 1))
    row_column, knob_column, _ = st.columns([1, 1, 2])
    i = row_column.selectbox(
        "Output (row i)", range(1, n + 1), format_func=lambda r: rows[r - 1],
        key=ENTRY_I.key, disabled=n == 1,
    )  # fmt: skip
    j = knob_column.selectbox(
        "Knob (column j)", range(1, m + 1), format_func=lambda c: knobs[c - 1],
        key=ENTRY_J.key,
    )  # fmt: skip
    return int(i), int(j)


def fill_layer(kind: str, sizes: dict[str, int], columns: Sequence[Any]) -> Layer | None:
    """The grids of the layer's parameters, one per column; the checked layer, or None after
    saying which cell is wrong. Writes the sizes and the numbers to the URL."""
    spec = LAYER_KINDS[kind]
    shapes = parameter_shapes(kind, sizes["n"], sizes["m"], sizes["k"])
    values: dict[str, np.ndarray] = {}
    problems = []
    for column, (name, shape) in zip(columns, shapes.items(), strict=True):
        with column:
            grid, problem = grid_editor(
                name, shape, vector=name in spec.vectors, caption=CAPTIONS.get((kind, name), "")
            )
        if problem is not None:
            problems.append(problem)
        elif grid is not None:
            values[name] = grid
    # A grid with a bad cell keeps its last good numbers in the link.
    query = KIND.query(kind)
    for name, size in SIZES.items():
        query |= size.query(sizes[name])
    query |= {f"g_{p.name}": st.query_params.get(f"g_{p.name}") for p in problems}
    query |= {f"g_{name}": grid_to_text(grid) for name, grid in values.items()}
    write_query(query, prefix_owned=("g_",))
    if problems:
        for problem in problems:
            st.error(quote(f"{problem.message}."), icon=":material/error:")
        cells = "cell" if len(problems) == 1 else "cells"
        st.info(f"Fix the {cells} above to see the layer's Jacobian.", icon=":material/info:")
        return None
    return make_layer(kind, values)
