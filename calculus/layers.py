"""The layers machine learning is built from, as ordinary functions R^m -> R^n.

A learner fills the matrices and vectors of a layer with numbers. :func:`layer_function` writes the
layer out entry by entry (``y_i = sum_j w_ij x_j`` with those numbers as coefficients) and hands
it to the same engine as every other page (:func:`calculus.build_function`), so its Jacobian comes
from the general machinery. :func:`closed_form_jacobian` is the chapter's answer (``W``, ``a^T``,
``y^T A``, ``A B + C``, ``diag(sigmoid'(z)) W``) computed with numpy, for comparison, and
:func:`index_walkthrough` is the "index method": one entry ``dy_i/dx_j`` as a sum over ``k`` whose
Kronecker delta ``delta_kj`` keeps one term.

Shapes: every parameter is a 2-D float array; vectors are columns (``a`` is m x 1, ``y`` and
``b`` are n x 1). The Jacobian is (outputs x m): row = output, column = knob, so ``a^T x`` has a
1 x m Jacobian, the row ``a^T``.

Hazards guarded here:

- The numbers come from a learner's grid or from the URL: :func:`parse_entries` reads text with
  the strict number parser, accepts only finite numbers of magnitude at most
  ``MAX_ENTRY_MAGNITUDE`` and names the cell that is wrong. Numbers reach sympy as numbers
  (``sp.Integer``/``sp.Float``), never as text.
- A coefficient must survive code generation exactly (the Jacobian of ``W x`` must show the very
  numbers typed into ``W``). ``sp.Float(v)`` keeps 53 bits but prints 15 digits, which does not
  round-trip every double, so non-integers are given 60 bits: the value is still exactly the
  double, and it prints with 17 digits, which always round-trips.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from calculus.functions import sigmoid
from calculus.numbers import NumberError, parse_number
from calculus.reading import subscript
from calculus.vector_function import VectorFunction, build_function

#: Sizes n, m (and the inner size k of A B + C) a learner may choose.
MIN_LAYER_SIZE = 1
MAX_LAYER_SIZE = 6
#: Largest |entry| accepted in a grid: bounded so sums of products stay far from overflow.
MAX_ENTRY_MAGNITUDE = 1e6
#: Characters of one grid entry's text (a number, or a short expression such as 2sqrt(2)/3).
MAX_ENTRY_TEXT = 40
#: Bits of a coefficient that is not an integer (see the module docstring: 17 printed digits).
_COEFFICIENT_PRECISION = 60


@dataclass(frozen=True)
class LayerKind:
    """One kind of layer: its formula, its parameters, and the closed form of its Jacobian.

    ``parameters`` are the names of its matrices/vectors, in the order a page shows them; as in
    the chapter, a lower-case name is a column vector (m x 1 or n x 1), an upper-case one a
    matrix. ``linear`` says whether the layer is linear in its input, so that its Jacobian does
    not depend on where it is taken.
    """

    key: str
    label: str
    formula: str
    closed_form: str
    parameters: tuple[str, ...]
    input_name: str = "x"
    linear: bool = True
    uses_inner_size: bool = False
    scalar_output: bool = False

    @property
    def vectors(self) -> tuple[str, ...]:
        """The parameters that are columns: the lower-case names."""
        return tuple(name for name in self.parameters if name.islower())


#: key, label in the menu, formula, closed form of the Jacobian, parameters; then what differs.
LAYER_KINDS: dict[str, LayerKind] = {
    kind.key: kind
    for kind in (
        LayerKind("linear", "linear  y = W x", r"y = W x", r"W", ("W",)),
        LayerKind("dot", "aᵀ x", r"y = a^{\top} x", r"a^{\top}", ("a",), scalar_output=True),
        LayerKind(
            "bilinear", "yᵀ A x", r"s = y^{\top} A x", r"y^{\top} A", ("y", "A"), scalar_output=True
        ),
        LayerKind(
            "affine",
            "(A B + C) v",
            r"y = (A B + C)\, v",
            r"A B + C",
            ("A", "B", "C"),
            input_name="v",
            uses_inner_size=True,
        ),
        LayerKind(
            "sigmoid",
            "sigmoid layer  σ(W x + b)",
            r"y = \sigma(W x + b)",
            r"\operatorname{diag}\big(\sigma'(z)\big)\, W",
            ("W", "b"),
            linear=False,
        ),
    )
}


#: The parameter whose shape is (n, m) (for a^T x: the column a, m x 1).
_MAIN_PARAMETER = {"linear": "W", "dot": "a", "bilinear": "A", "affine": "C", "sigmoid": "W"}


class EntryError(ValueError):
    """A grid entry the page refuses, with a message naming the cell (1-based row and column)."""

    def __init__(self, message: str, name: str = "", row: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.row = row
        self.column = column


def _kind(key: str) -> LayerKind:
    try:
        return LAYER_KINDS[key]
    except KeyError:
        raise ValueError(f"unknown layer {key!r}; choose one of {', '.join(LAYER_KINDS)}") from None


def check_size(size: int, what: str = "size") -> int:
    """``size`` as an int if it is a whole number from MIN_LAYER_SIZE to MAX_LAYER_SIZE."""
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise ValueError(f"{what} must be a whole number")
    if not MIN_LAYER_SIZE <= size <= MAX_LAYER_SIZE:
        raise ValueError(f"{what} must be from {MIN_LAYER_SIZE} to {MAX_LAYER_SIZE}, not {size}")
    return int(size)


def parameter_shapes(kind: str, n: int, m: int, k: int = 1) -> dict[str, tuple[int, int]]:
    """The shape of every parameter of ``kind`` for n outputs, m inputs and inner size k.

    ``n`` is ignored by ``a^T x`` (one output); for ``y^T A x`` it is the length of ``y``.

    >>> parameter_shapes("affine", 2, 3, 4)
    {'A': (2, 4), 'B': (4, 3), 'C': (2, 3)}
    """
    n, m, k = check_size(n, "n"), check_size(m, "m"), check_size(k, "k")
    shapes = {
        "linear": {"W": (n, m)},
        "dot": {"a": (m, 1)},
        "bilinear": {"y": (n, 1), "A": (n, m)},
        "affine": {"A": (n, k), "B": (k, m), "C": (n, m)},
        "sigmoid": {"W": (n, m), "b": (n, 1)},
    }
    return shapes[_kind(kind).key]


def parse_entries(name: str, cells: Sequence[Sequence[Any]]) -> np.ndarray:
    """The grid ``cells`` (rows of numbers or number text) as a float array (rows, columns).

    Raises ``EntryError`` naming the first wrong cell (1-based): an empty cell, text that is not a
    number, nan/inf, or a magnitude above MAX_ENTRY_MAGNITUDE. Text is read by the strict
    :func:`calculus.numbers.parse_number` (``1/2``, ``1e3``, ``2sqrt(2)``; never ``eval``).

    >>> parse_entries("W", [[1, "2.5"], [3, -4]]).tolist()
    [[1.0, 2.5], [3.0, -4.0]]
    """
    rows = [list(row) for row in cells]
    if not rows or not rows[0]:
        raise EntryError(f"{name} has no entries", name)
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise EntryError(f"the rows of {name} have different lengths", name)
    values = np.empty((len(rows), width))
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            values[r - 1, c - 1] = _parse_cell(name, r, c, cell)
    return values


def _parse_cell(name: str, row: int, column: int, cell: Any) -> float:
    where = f"{name}, row {row}, column {column}"
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise EntryError(f"{where} is empty: type a number", name, row, column)
    if isinstance(cell, bool):
        raise EntryError(f"{where}: {cell!r} is not a number", name, row, column)
    if isinstance(cell, str):
        text = cell.strip()
        if len(text) > MAX_ENTRY_TEXT:  # never a sensible entry
            raise EntryError(f"{where}: that text is too long for a number", name, row, column)
        try:
            value = parse_number(text)
        except NumberError as problem:
            raise EntryError(
                f"{where}: '{text}' is not a number — {problem.message}", name, row, column
            ) from None
    else:
        try:
            value = float(cell)
        except (TypeError, ValueError):
            raise EntryError(f"{where}: {cell!r} is not a number", name, row, column) from None
    if math.isnan(value):
        raise EntryError(f"{where} is empty: type a number", name, row, column)
    if not math.isfinite(value) or abs(value) > MAX_ENTRY_MAGNITUDE:
        raise EntryError(
            f"{where}: {value:g} is too large (entries must lie between "
            f"-{MAX_ENTRY_MAGNITUDE:g} and {MAX_ENTRY_MAGNITUDE:g})",
            name,
            row,
            column,
        )
    return value + 0.0  # -0.0 shows as 0


@dataclass(frozen=True, eq=False)
class Layer:
    """A layer of one kind with its numbers: ``parameters`` maps each name to a 2-D array.

    Build it with :func:`make_layer`, which checks every shape and number. ``n_inputs`` is m,
    ``n_outputs`` is the number of outputs (1 for ``a^T x`` and ``y^T A x``).
    """

    kind: str
    parameters: Mapping[str, np.ndarray]

    @property
    def spec(self) -> LayerKind:
        return LAYER_KINDS[self.kind]

    @property
    def n_inputs(self) -> int:
        main = self.parameters[_MAIN_PARAMETER[self.kind]]
        return main.shape[0] if self.kind == "dot" else main.shape[1]

    @property
    def n_outputs(self) -> int:
        if self.spec.scalar_output:
            return 1
        return self.parameters[_MAIN_PARAMETER[self.kind]].shape[0]

    @property
    def variables(self) -> tuple[str, ...]:
        """The knob names: x1..xm (v1..vm for (A B + C) v)."""
        return tuple(f"{self.spec.input_name}{j}" for j in range(1, self.n_inputs + 1))

    def key(self) -> tuple[Any, ...]:
        """A hashable key of the kind and every number (for caches)."""
        return (
            self.kind,
            tuple(
                (name, self.parameters[name].shape, self.parameters[name].tobytes())
                for name in self.spec.parameters
            ),
        )


def make_layer(kind: str, parameters: Mapping[str, Any]) -> Layer:
    """A checked ``Layer``: the right parameters, consistent shapes, finite bounded numbers.

    Vectors may be given flat (length m or n); they are stored as columns. Raises ``ValueError``
    (``EntryError`` for a bad number) with a message for the learner.

    >>> make_layer("linear", {"W": [[1, 2, 3], [4, 5, 6]]}).n_inputs
    3
    """
    spec = _kind(kind)
    missing = [name for name in spec.parameters if name not in parameters]
    if missing:
        raise ValueError(f"the layer {spec.label} needs {', '.join(missing)}")
    arrays: dict[str, np.ndarray] = {}
    for name in spec.parameters:
        value = parameters[name]
        if isinstance(value, np.ndarray):
            grid = value.reshape(-1, 1) if value.ndim == 1 else value
            values = parse_entries(name, grid.tolist())
        else:
            rows = [row if isinstance(row, Sequence) and not isinstance(row, str) else [row]
                    for row in value]  # fmt: skip
            values = parse_entries(name, rows)
        if name in spec.vectors and values.shape[1] != 1:
            values = values.reshape(-1, 1) if values.shape[0] == 1 else values
        values.setflags(write=False)
        arrays[name] = values
    main = arrays[_MAIN_PARAMETER[spec.key]]  # the parameter whose shape is (n, m)
    n, m = (1, main.shape[0]) if spec.key == "dot" else main.shape
    k = arrays["A"].shape[1] if spec.key == "affine" else 1
    expected = parameter_shapes(kind, n, m, k) if _sizes_ok(n, m, k) else None
    for name in spec.parameters:
        if expected is None or arrays[name].shape != expected[name]:
            described = ", ".join(
                f"{p} is {arrays[p].shape[0]} x {arrays[p].shape[1]}" for p in spec.parameters
            )
            raise ValueError(
                f"the sizes of {spec.label} do not fit together ({described}); "
                f"sizes go from {MIN_LAYER_SIZE} to {MAX_LAYER_SIZE}"
            )
    return Layer(kind=spec.key, parameters=arrays)


def _sizes_ok(*sizes: int) -> bool:
    return all(MIN_LAYER_SIZE <= size <= MAX_LAYER_SIZE for size in sizes)


def coefficient(value: float) -> sp.Expr:
    """``value`` as an exact sympy number: an Integer when whole, else a 60-bit Float.

    >>> coefficient(3.0), coefficient(0.1)
    (3, 0.10000000000000001)
    """
    if float(value).is_integer():
        return sp.Integer(int(value))
    return sp.Float(float(value), precision=_COEFFICIENT_PRECISION)


def layer_outputs(layer: Layer) -> tuple[sp.Expr, ...]:
    """The layer written out entry by entry: one sympy expression per output, in real x1..xm.

    ``W x`` gives ``y_i = sum_j w_ij x_j``; ``a^T x`` gives ``sum_j a_j x_j``; ``y^T A x`` gives
    ``sum_i sum_j y_i a_ij x_j``; ``(A B + C) v`` gives ``sum_j (sum_k a_ik b_kj + c_ij) v_j``;
    ``sigmoid(W x + b)`` gives ``sigmoid(sum_j w_ij x_j + b_i)``.
    """
    x = [sp.Symbol(name, real=True) for name in layer.variables]
    p = {name: [[coefficient(v) for v in row] for row in array.tolist()]
         for name, array in layer.parameters.items()}  # fmt: skip

    def linear_rows(matrix: list[list[sp.Expr]]) -> list[sp.Expr]:
        return [sp.Add(*(w * xj for w, xj in zip(row, x, strict=True))) for row in matrix]

    if layer.kind == "linear":
        return tuple(linear_rows(p["W"]))
    if layer.kind == "dot":
        return (sp.Add(*(row[0] * xj for row, xj in zip(p["a"], x, strict=True))),)
    if layer.kind == "bilinear":
        terms = (
            yi[0] * aij * xj
            for yi, a_row in zip(p["y"], p["A"], strict=True)
            for aij, xj in zip(a_row, x, strict=True)
        )
        return (sp.Add(*terms),)
    if layer.kind == "affine":
        a, b, c = p["A"], p["B"], p["C"]
        inner = range(len(b))
        return tuple(
            sp.Add(
                *(a[i][k] * b[k][j] * x[j] for k in inner for j in range(len(x))),
                *(c[i][j] * x[j] for j in range(len(x))),
            )
            for i in range(len(c))
        )
    pre_activations = [
        z + b[0] for z, b in zip(linear_rows(p["W"]), p["b"], strict=True)
    ]  # sigmoid layer
    return tuple(sigmoid(z) for z in pre_activations)


@lru_cache(maxsize=64)
def _layer_function_cached(key: tuple[Any, ...]) -> VectorFunction:
    kind, parameters = key
    layer = Layer(
        kind=kind,
        parameters={
            name: np.frombuffer(data, dtype=float).reshape(shape)
            for name, shape, data in parameters
        },
    )
    return build_function(layer_outputs(layer), layer.variables, text=layer.spec.label)


def layer_function(layer: Layer) -> VectorFunction:
    """The layer as a ``VectorFunction`` from the general engine (cached per kind and numbers).

    Its ``jacobian_at(x)`` is the (outputs x m) Jacobian found by differentiating the written-out
    entries; nothing in it knows the closed form.
    """
    return _layer_function_cached(layer.key())


def pre_activation(layer: Layer, point: Sequence[float]) -> np.ndarray:
    """z = W x + b of a sigmoid layer at ``point`` (m floats): shape (n,)."""
    if layer.kind != "sigmoid":
        raise ValueError("only the sigmoid layer has a pre-activation z")
    x = _point(layer, point)
    return layer.parameters["W"] @ x + layer.parameters["b"][:, 0]


def sigmoid_slope(z: np.ndarray) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z)) = e / (1 + e)^2 with e = exp(-|z|).

    The second form neither overflows nor loses the tiny slopes of a saturated unit (for z = 40,
    sigma(z) rounds to 1 and sigma (1 - sigma) to 0, but the slope is 4e-18).
    """
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def _point(layer: Layer, point: Sequence[float]) -> np.ndarray:
    x = np.asarray(point, dtype=float).reshape(-1)
    if x.shape != (layer.n_inputs,):
        raise ValueError(f"expected {layer.n_inputs} knob values, got {x.size}")
    return x


def closed_form_jacobian(layer: Layer, point: Sequence[float] | None = None) -> np.ndarray:
    """The chapter's closed form of the Jacobian, with numpy: shape (outputs, m).

    ``W``; ``a^T`` (1 x m); ``y^T A`` (1 x m); ``A B + C``; ``diag(sigma'(z)) W`` with
    ``z = W x + b`` (the only one that needs ``point``).
    """
    p = layer.parameters
    if layer.kind == "linear":
        return np.array(p["W"])
    if layer.kind == "dot":
        return p["a"].T.copy()
    if layer.kind == "bilinear":
        return p["y"].T @ p["A"]
    if layer.kind == "affine":
        return p["A"] @ p["B"] + p["C"]
    if point is None:
        raise ValueError("the sigmoid layer's Jacobian depends on x: give the point")
    return sigmoid_slope(pre_activation(layer, point))[:, None] * p["W"]


def layer_value(layer: Layer, point: Sequence[float]) -> np.ndarray:
    """The layer's outputs at ``point`` with numpy (an oracle for the engine's ``value_at``)."""
    x = _point(layer, point)
    p = layer.parameters
    if layer.kind == "sigmoid":
        z = pre_activation(layer, x)
        return np.exp(-np.logaddexp(0.0, -z))
    if layer.kind == "bilinear":
        return (p["y"].T @ p["A"] @ x).reshape(1)
    return closed_form_jacobian(layer) @ x


@dataclass(frozen=True)
class Term:
    """One term of the index method's sum, e.g. ``w_{2,3} delta_{3,1}``.

    ``symbols`` is its LaTeX in letters and ``labels`` its factors as plain text
    (``("w[2,3]", "δ[3,1]")``); ``factors`` are their numbers (the delta's 0 or 1 last);
    ``value`` is their product; ``survives`` is True when the delta is 1.
    """

    symbols: str
    labels: tuple[str, ...]
    factors: tuple[float, ...]
    value: float
    survives: bool


@dataclass(frozen=True)
class Walkthrough:
    """The index method for one Jacobian entry dy_i/dx_j (``row``, ``column`` are 1-based).

    ``steps`` are LaTeX lines from the layer's i-th output to the entry, in letters;
    ``terms`` are the terms of the final sum over k, each with a Kronecker delta.
    The entry is ``factor * sum(term.value)`` (``factor`` is sigma'(z_i) for the sigmoid layer
    and 1 otherwise), and ``result`` is the closed form's letters for it (``w_{2,1}``);
    ``note`` says in words which terms survive and why.
    """

    row: int
    column: int
    entry: str
    steps: tuple[str, ...]
    terms: tuple[Term, ...]
    result: str
    value: float
    factor: float = 1.0
    factor_symbols: str = ""
    note: str = ""


def _delta(k: int, j: int) -> float:
    """The Kronecker delta delta_kj: 1 if k = j, else 0."""
    return 1.0 if k == j else 0.0


def index_walkthrough(
    layer: Layer, row: int, column: int, point: Sequence[float] | None = None
) -> Walkthrough:
    """Work out one entry dy_row/dx_column by the index method (1-based ``row``, ``column``).

    The derivative of ``x_k`` by ``x_j`` is the Kronecker delta ``delta_kj``, so the sum over ``k``
    keeps exactly the terms with ``k = j``. ``point`` is needed only by the sigmoid layer.

    >>> w = index_walkthrough(make_layer("linear", {"W": [[1, 2], [3, 4]]}), 2, 1)
    >>> [t.value for t in w.terms], w.value
    ([3.0, 0.0], 3.0)
    """
    n, m = layer.n_outputs, layer.n_inputs
    if not (1 <= row <= n and 1 <= column <= m):
        raise ValueError(f"choose an entry with row 1..{n} and column 1..{m}")
    i, j = row, column
    x = layer.spec.input_name
    p = layer.parameters
    out = "s" if layer.kind == "bilinear" else "y"
    entry = (
        rf"\frac{{\partial {out}}}{{\partial {x}_{{{j}}}}}"
        if layer.spec.scalar_output
        else rf"\frac{{\partial y_{{{i}}}}}{{\partial {x}_{{{j}}}}}"
    )
    dx = rf"\frac{{\partial {x}_k}}{{\partial {x}_{{{j}}}}}"
    sum_k = rf"\sum_{{k=1}}^{{{m}}}"
    factor, factor_symbols = 1.0, ""

    def delta_terms(letter: str, coefficients: np.ndarray, indices: str) -> tuple[Term, ...]:
        return tuple(
            Term(
                symbols=rf"{letter}_{{{indices.format(k=k)}}}\,\delta_{{{k},{j}}}",
                labels=(f"{letter}[{indices.format(k=k)}]", f"δ[{k},{j}]"),
                factors=(float(coefficients[k - 1]), _delta(k, j)),
                value=float(coefficients[k - 1]) * _delta(k, j),
                survives=k == j,
            )
            for k in range(1, m + 1)
        )

    if layer.kind in ("linear", "sigmoid"):
        w_row = p["W"][i - 1]
        terms = delta_terms("w", w_row, f"{i},{{k}}")
        result = rf"w_{{{i},{j}}}"
        if layer.kind == "linear":
            steps = (
                rf"y_{{{i}}} = {sum_k} w_{{{i},k}}\, {x}_k",
                rf"{entry} = {sum_k} w_{{{i},k}}\, {dx} = {sum_k} w_{{{i},k}}\, \delta_{{k,{j}}}",
                rf"{entry} = w_{{{i},{j}}}",
            )
            note = f"Only the term k = {j} survives."
        else:
            if point is None:
                raise ValueError("the sigmoid layer's entries depend on x: give the point")
            z = float(pre_activation(layer, point)[i - 1])
            factor = float(sigmoid_slope(np.array(z)))
            factor_symbols = rf"\sigma'(z_{{{i}}})"
            result = rf"\sigma'(z_{{{i}}})\, w_{{{i},{j}}}"
            steps = (
                rf"y_{{{i}}} = \sigma(z_{{{i}}}), \quad z_{{{i}}} = {sum_k} w_{{{i},k}}\, {x}_k"
                rf" + b_{{{i}}}",
                rf"{entry} = \sigma'(z_{{{i}}})\, "
                rf"\frac{{\partial z_{{{i}}}}}{{\partial {x}_{{{j}}}}}"
                rf" = \sigma'(z_{{{i}}}) {sum_k} w_{{{i},k}}\, \delta_{{k,{j}}}",
                rf"{entry} = \sigma'(z_{{{i}}})\, w_{{{i},{j}}}",
            )
            note = (
                f"Only the term k = {j} survives, and b{subscript(i)} does not depend on "
                f"{x}{subscript(j)}: row {i} of W, scaled by σ′(z{subscript(i)})."
            )
    elif layer.kind == "dot":
        terms = delta_terms("a", p["a"][:, 0], "{k}")
        result = rf"a_{{{j}}}"
        steps = (
            rf"y = a^{{\top}} x = {sum_k} a_k\, {x}_k",
            rf"{entry} = {sum_k} a_k\, {dx} = {sum_k} a_k\, \delta_{{k,{j}}}",
            rf"{entry} = a_{{{j}}}",
        )
        note = f"Only the term k = {j} survives. One output: the Jacobian is the row aᵀ, 1 × {m}."
    elif layer.kind == "affine":
        matrix = p["A"] @ p["B"] + p["C"]
        terms = delta_terms("M", matrix[i - 1], f"{i},{{k}}")
        result = rf"M_{{{i},{j}}} = \sum_{{l}} a_{{{i},l}}\, b_{{l,{j}}} + c_{{{i},{j}}}"
        steps = (
            rf"M = A B + C, \quad M_{{{i},k}} = \sum_{{l=1}}^{{{p['B'].shape[0]}}} "
            rf"a_{{{i},l}}\, b_{{l,k}} + c_{{{i},k}}",
            rf"y_{{{i}}} = {sum_k} M_{{{i},k}}\, {x}_k",
            rf"{entry} = {sum_k} M_{{{i},k}}\, {dx} = {sum_k} M_{{{i},k}}\, \delta_{{k,{j}}}",
            rf"{entry} = M_{{{i},{j}}}",
        )
        note = f"Only the term k = {j} survives: the entry of M = A B + C itself."
    else:  # bilinear: s = sum_l sum_k y_l a_lk x_k
        ys, a = p["y"][:, 0], p["A"]
        terms = tuple(
            Term(
                symbols=rf"y_{{{l}}}\, a_{{{l},{k}}}\,\delta_{{{k},{j}}}",
                labels=(f"y[{l}]", f"a[{l},{k}]", f"δ[{k},{j}]"),
                factors=(float(ys[l - 1]), float(a[l - 1, k - 1]), _delta(k, j)),
                value=float(ys[l - 1]) * float(a[l - 1, k - 1]) * _delta(k, j),
                survives=k == j,
            )
            for l in range(1, len(ys) + 1)
            for k in range(1, m + 1)
        )
        n_y = len(ys)
        sum_l = rf"\sum_{{l=1}}^{{{n_y}}}"
        result = rf"(y^{{\top}} A)_{{{j}}} = {sum_l} y_l\, a_{{l,{j}}}"
        steps = (
            rf"s = y^{{\top}} A x = {sum_l} {sum_k} y_l\, a_{{l,k}}\, {x}_k",
            rf"{entry} = {sum_l} {sum_k} y_l\, a_{{l,k}}\, {dx} = {sum_l} {sum_k} y_l\, "
            rf"a_{{l,k}}\, \delta_{{k,{j}}}",
            rf"{entry} = {sum_l} y_l\, a_{{l,{j}}} = (y^{{\top}} A)_{{{j}}}",
        )
        note = (
            f"For each l, only the term k = {j} survives: column {j} of A, weighted by y — "
            f"entry {j} of the row yᵀ A."
        )
    total = math.fsum(term.value for term in terms)
    return Walkthrough(
        row=i,
        column=j,
        entry=entry,
        steps=steps,
        terms=terms,
        result=result,
        value=factor * total,
        factor=factor,
        factor_symbols=factor_symbols,
        note=note,
    )


def identity_grid(shape: tuple[int, int]) -> np.ndarray:
    """Ones on the diagonal, zeros elsewhere (also for a non-square shape)."""
    return np.eye(*shape)


def random_integer_grid(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Small random integers from -5 to 5, as floats."""
    return rng.integers(-5, 6, size=shape).astype(float)


def resize_grid(grid: np.ndarray, shape: tuple[int, int], fill: float = 0.0) -> np.ndarray:
    """``grid`` cut or padded (with ``fill``) to ``shape``, keeping the entries that overlap."""
    out = np.full(shape, fill, dtype=float)
    rows, columns = min(grid.shape[0], shape[0]), min(grid.shape[1], shape[1])
    out[:rows, :columns] = grid[:rows, :columns]
    return out
