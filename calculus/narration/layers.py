"""The ML layers page's generated sentences: true at the numbers shown, unit-tested.

Each function takes numbers (a layer, a difference, a count) and returns Markdown sentences in
the chapter's words. Nothing here reads widgets; the page only writes what these return.
"""

from __future__ import annotations

import numpy as np

from calculus.layers import Layer
from calculus.reading import format_number

#: |z| above which a sigmoid unit counts as saturated (sigma'(z) < 0.007).
SATURATED_Z = 5.0
#: Engine and closed form agree "to rounding" when their largest difference is within this,
#: relative to the largest entry (both are computed in floats, in different orders).
ROUNDING_RTOL = 1e-9

#: How the chapter names the closed form of each layer's Jacobian.
CLOSED_FORM_TEXT = {
    "linear": "W",
    "dot": "aᵀ",
    "bilinear": "yᵀ A",
    "affine": "A B + C",
    "sigmoid": "diag(σ′(z)) W",
}
#: What the whole matrix is recognised as, once one entry is worked out.
RECOGNISED = {
    "linear": "W",
    "dot": "the row aᵀ",
    "bilinear": "the row yᵀ A",
    "affine": "A B + C",
    "sigmoid": "diag(σ′(z)) W: row i of W times σ′(zᵢ)",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


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


def comparison_sentence(layer: Layer, engine: np.ndarray, closed: np.ndarray) -> str:
    """The engine's Jacobian against the closed form: equal, equal to rounding, or not.

    >>> from calculus.layers import make_layer
    >>> w = make_layer("linear", {"W": [[1, 2]]})
    >>> comparison_sentence(w, np.array([[1.0, 2.0]]), np.array([[1.0, 2.0]]))[:49]
    '**J − W = 0**: the two are equal, entry by entry.'
    """
    name = CLOSED_FORM_TEXT[layer.kind]
    name = f"({name})" if " " in name else name
    difference = np.abs(engine - closed)
    largest = float(np.max(difference)) if difference.size else 0.0
    scale = max(1.0, float(np.max(np.abs(closed))) if closed.size else 1.0)
    n, m = engine.shape
    if not np.isfinite(largest):
        verdict = f"**J and {name} cannot be compared here**: an entry is undefined."
    elif largest == 0:
        verdict = f"**J − {name} = 0**: the two are equal, entry by entry."
    elif largest <= ROUNDING_RTOL * scale:
        verdict = (
            f"**J − {name} = 0** up to rounding: the largest difference between the two is "
            f"**{format_number(largest, 2)}**, from computing in floats in a different order."
        )
    else:
        verdict = (
            f"**J and {name} differ**: the largest difference is **{format_number(largest)}**."
        )
    shape = (
        f" Both are **{n} × {m}**: {_plural(n, 'output')} (rows) × {_plural(m, 'knob')} (columns)."
    )
    return verdict + shape


def saturation_sentence(z: np.ndarray) -> str | None:
    """How many sigmoid units are saturated (|z| > SATURATED_Z) and what that does to J."""
    saturated = int(np.sum(np.abs(np.asarray(z, dtype=float)) > SATURATED_Z))
    if not saturated:
        return None
    n = int(np.size(z))
    many = saturated > 1
    return (
        f"{saturated} of {n} unit{'s are' if many else ' is'} saturated "
        f"(|z| > {SATURATED_Z:g}): {'their rows' if many else 'its row'} of J "
        f"{'are' if many else 'is'} nearly 0 — a saturated unit barely passes a gradient back."
    )


def unit_state(z: float) -> str:
    """'saturated' or 'active', by the same threshold as :func:`saturation_sentence`."""
    return "saturated" if abs(z) > SATURATED_Z else "active"


def entry_sentence(
    layer: Layer, row: int, column: int, walked: float, engine: float, labels: tuple[str, str]
) -> str:
    """The index method's conclusion: the entry it found, the engine's, and the whole matrix.

    ``walked`` is the index method's value, ``engine`` the engine's entry; ``labels`` name the
    output and the knob. The sentence says "the same" only when the two are.
    """
    same = walked == engine or abs(walked - engine) <= ROUNDING_RTOL * max(1.0, abs(engine))
    agree = "the same as the engine's" if same else f"the engine found {format_number(engine)}"
    return (
        f"So J[{row}, {column}] = **{format_number(walked)}**, the cell ({labels[0]}, "
        f"{labels[1]}) of both heatmaps ({agree}). Every entry works the same way, so the "
        f"whole matrix is **{RECOGNISED[layer.kind]}**."
    )
