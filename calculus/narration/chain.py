"""The chain rule page's generated sentences: true at the knobs shown, unit-tested.

Functions here take numbers, names (plain text, already typeset) or sympy formulas and return
Markdown sentences in the chapter's words; the page only writes what they return.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import sympy as sp

from calculus.reading import format_number

#: A path sum and the directly computed entry agree to rounding when within this.
SAME_RTOL = 1e-9

#: One line for each symbol the chapter never explains, keyed by what sympy builds.
_SYMBOL_NOTES: tuple[tuple[type[sp.Basic], str], ...] = (
    (
        sp.Heaviside,
        "θ(z) (H(z) on the graph's edges) is the step function: 1 where z > 0, 0 where z < 0. "
        "It is the slope of relu(z), and θ(x − y) is the slope of max(x, y) by x; at z = 0 the "
        "kink has no slope, and the page says undefined.",
    ),
    (
        sp.sign,
        "sign(z) is 1 where z > 0 and −1 where z < 0: the slope of |z|, which has none at z = 0 "
        "(a kink), where the page says undefined.",
    ),
    (
        sp.DiracDelta,
        "δ(z) is 0 wherever z ≠ 0: the slope of a jump, which has no slope at the jump z = 0.",
    ),
)


def symbol_notes(formulas: Iterable[sp.Expr]) -> list[str]:
    """A one-line explanation of each unexplained symbol in ``formulas`` (in a fixed order).

    >>> x = sp.Symbol("x", real=True)
    >>> symbol_notes([2 * sp.Heaviside(x), sp.sign(x)])[1][:31]
    'sign(z) is 1 where z > 0 and −1'
    """
    found: set[type[sp.Basic]] = set()
    for formula in formulas:
        for kind, _ in _SYMBOL_NOTES:
            if kind not in found and formula.has(kind):
                found.add(kind)
    return [note for kind, note in _SYMBOL_NOTES if kind in found]


def power_rule_sentence(rewritten: Sequence[tuple[str, str, str]]) -> str | None:
    """Where the engine's local derivative is written differently from the chapter's.

    ``rewritten`` holds (derivative name, chapter's form, engine's form) as plain text, e.g.
    ('∂v/∂x₂', 'x₃/(2√(x₂·x₃))', '√(x₂·x₃)/(2x₂)'). The power rule gives e·bᵉ⁻¹·b′; sympy
    writes it bᵉ·e·b′/b. Both are the same number wherever both exist (b ≠ 0); where b = 0
    the first has no value, and the second may.
    """
    if not rewritten:
        return None
    pairs = "; ".join(
        f"{name} = {chapter}, written {engine}" for name, chapter, engine in rewritten
    )
    return (
        f"The chapter's power rule, e·bᵉ⁻¹·b′, beside sympy's way of writing it, bᵉ·e·b′/b: "
        f"{pairs}. The two forms are equal wherever both are defined."
    )


def roles_sentence(knobs: Sequence[str], values: Sequence[str], outputs: Sequence[str]) -> str:
    """'Knobs (used, never defined): x₁, x₂ · intermediate values: u, v · outputs: y₁, y₂'."""

    def names(items: Sequence[str]) -> str:
        return ", ".join(items) or "none"

    return (
        f"Knobs (used, never defined): {names(knobs)} · intermediate values: {names(values)} · "
        f"outputs: {names(outputs)}"
    )


def no_path_sentence(knob: str, output: str) -> str:
    return (
        f"No path leads from {knob} to {output}: {output} does not depend on {knob}, so the "
        "sum is empty and the derivative is 0."
    )


def too_many_paths_sentence(knob: str, output: str, count: int, limit: int) -> str:
    return (
        f"{count} paths lead from {knob} to {output}: too many to list (the limit is {limit}). "
        "Their sum is still computed below, without listing them: each value's sensitivity "
        "is the sum over its incoming edges of local derivative × the sensitivity of the "
        "edge's start (forward-mode differentiation)."
    )


def verdict(total: float, direct: float, paths_off: int) -> tuple[str, str]:
    """('undefined' | 'equal' | 'not equal', Markdown) for the sum of the paths switched on
    against the Jacobian entry computed directly, at the knobs shown.

    >>> verdict(8.0, 10.0, 1)
    ('not equal', '**Not equal**: the path switched off carries 2. Switch it back on.')
    """
    if not (math.isfinite(total) and math.isfinite(direct)):
        return (
            "undefined",
            "**Undefined here**: a value or a local derivative on the way does not exist at "
            "this knob setting (a root or log of a negative, a division by zero, a kink).",
        )
    if abs(total - direct) <= SAME_RTOL * max(1.0, abs(direct)):
        if not paths_off:
            return "equal", "**✓ Equal**"
        switched = "the path switched off adds" if paths_off == 1 else "the paths switched off add"
        return "equal", f"**✓ Equal**: {switched} 0 here"
    if not paths_off:  # every path is on: a real disagreement, say so rather than blame a path
        return (
            "not equal",
            f"**Not equal**: the paths add up to {format_number(total)}, the entry computed "
            f"directly is {format_number(direct)}.",
        )
    return (
        "not equal",
        f"**Not equal**: the path{'s' if paths_off != 1 else ''} switched off "
        f"carr{'y' if paths_off != 1 else 'ies'} {format_number(direct - total)}. "
        f"Switch {'them' if paths_off != 1 else 'it'} back on.",
    )
