"""Families of example functions: the chapter's examples and variants of them, for practice.

"Next question: new function" asks about another member of the page's family, never random
nonsense: each family is a few templates taken from the chapter's examples, whose slots are
filled from small integer sets ("x^2 + {b} x + {c}" -> "x^2 - 3x + 2"). A member is drawn from
a seed (so a test, or a bug report, can name it), read by our parser like a typed function, and
kept only where a question about it has an answer of a size a learner can work by hand.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from calculus.errors import ExpressionError
from calculus.layers import LAYER_KINDS, parameter_shapes
from calculus.vector_function import VectorFunction, parse_function

#: The integers a template's slot is filled from (each occurrence drawn on its own).
SLOTS: dict[str, tuple[int, ...]] = {
    "a": (1, 2, 3, -1, -2),  # a coefficient
    "b": (-4, -3, -2, -1, 1, 2, 3, 4),  # a linear term
    "c": (-3, -2, -1, 1, 2, 3),  # a constant or shift
    "n": (1, 2, 3),  # a positive coefficient (inside √, ln or a frequency)
    "p": (2, 3),  # a power
}
#: The knob machine: the chapter's examples of f: ℝᵐ → ℝⁿ (pages/0_Knob_machine.py EXAMPLES).
KNOB_FAMILY = (
    "x^2 + {b} x + {c}",
    "{a} x^{p}",
    "exp(sin({n} x))",
    "x^{p} ln x",
    "{a} x1 x2^{p}",
    "x^{p}, sqrt({n} x)",
    "{a} x1 + {b} x2 + {c} x3, {b} x1 + {a} x2, x1 + {c} x2 - x3",
    "sigmoid({a} w x + {c})",
    "softplus({n} x - y), relu(x + y - {n})",
    "x1 x3, {a} x1 / x3",
    "(x1^2 x2)^2, x1^2 x2 sqrt({n} x2 x3), {n} x2 x3",
)
#: Rate of change: the chapter's one-knob examples (calculus/narration/rate.py EXAMPLES).
RATE_FAMILY = (
    "x^2 + {b} x + {c}",
    "{n} x^2 + {b} x",
    "exp(sin({n} x))",
    "x^{p} ln x",
    "sigmoid({a} x)",
    "relu(x + {c})",
    "x^3 - {n} x",
    "sin({n} x)/x",
)
#: The gradient landscape: the chapter's f: ℝ² → ℝ (calculus/landscape.py LANDSCAPE_EXAMPLES).
LANDSCAPE_FAMILY = (
    "{a} x1 x2^{p}",
    "x^2 + {n} y^2",
    "x^2 - {n} y^2",
    "{n} x^2 + x y + y^2",
    "(1 - x)^2 + {n}(y - x^2)^2",
    "sin({n} x) cos(y)",
    "log(1 + exp(-(w1 + {a} w2))) + log(1 + exp({a} w1 - w2))",
)
#: The chain rule: the chapter's computation graphs as steps (ui/chain.py PRESETS), varied.
CHAIN_FAMILY = (
    "u = x1^2 x2^{p}\nv = sqrt({n} x2 x3)\ny1 = u^2\ny2 = u v\ny3 = v^2",
    "u = x^{p}\nv = ln({n} x)\ny = u v",
    "h = sigmoid({a} w1 x + b1)\ny = w2 h + b2",
    "u = sin({n} x)\ny = exp(u)",
    "u = x1 x2\nv = x1 + {c} x2\ny = u v",
)
#: ML layers: sizes from 1 to this, and weights from -3 to 3 (small enough to work by hand).
LAYER_SIZES = 3
LAYER_WEIGHTS = 3
#: The largest |derivative| a drawn question may be about: a learner works it out by hand.
SENSIBLE = 100.0
#: Below this every derivative is practically 0 (a saturated sigmoid): nothing to predict.
BARELY = 0.01
#: How far either side of the knobs every output must be defined.
EDGE_STEP = 1e-6
#: How many members are drawn before giving up (each family has members that qualify at once).
TRIES = 40

_SLOT = re.compile(r"\{([a-z])\}")


def variant(template: str, rng: random.Random) -> str:
    """``template`` with each slot filled from ``SLOTS``, written as a person would type it."""
    text = _SLOT.sub(lambda m: str(rng.choice(SLOTS[m.group(1)])), template)
    text = text.replace("+ -", "- ").replace("- -", "+ ")
    # A coefficient 1 is not written ("1 x" -> "x", "-1 x" -> "-x"), others touch: "2x".
    text = re.sub(r"(?<![\w.^])1 ?(?=[a-z(])", "", text)
    return re.sub(r"(?<![\w.^])(\d+) (?=[a-z])", r"\1", text)


def member(family: Sequence[str], rng: random.Random) -> VectorFunction | None:
    """A member of ``family`` drawn with ``rng``, parsed like a typed function (None if refused;
    the tests check no template is)."""
    try:
        return parse_function(variant(rng.choice(list(family)), rng))
    except ExpressionError:
        return None


def sensible(f: VectorFunction, point: Sequence[float]) -> bool:
    """Whether f at ``point`` is worth a question: every value and derivative defined, none
    larger than ``SENSIBLE``, not all of them about 0 (a flat function teaches nothing new), no
    kink, and defined a little either side along every knob."""
    at = f.at(point)
    jacobian = np.asarray(at.jacobian, dtype=float)
    if not (np.all(np.isfinite(at.values)) and np.all(np.isfinite(jacobian))):
        return False
    if at.kinks.any() or not BARELY <= float(np.max(np.abs(jacobian))) <= SENSIBLE:
        return False
    # Defined a step either side along every knob: not on the edge of the domain (√(x₂x₃) at
    # x₂ = 0), where the page would show a one-sided derivative.
    for step in np.concatenate([np.eye(len(point)), -np.eye(len(point))]) * EDGE_STEP:
        if not np.all(np.isfinite(f.at(np.asarray(point, dtype=float) + step).values)):
            return False
    return True


T = TypeVar("T")


def draw_member(
    family: Sequence[str],
    seed: int,
    ask_about: Callable[[VectorFunction, int], tuple[T, Sequence[float]] | None],
    avoid: str = "",
) -> tuple[VectorFunction, T, tuple[float, ...]] | None:
    """A new member of ``family``, a question about it and the knob setting it is asked at,
    from ``seed`` (the same seed, the same function and question).

    ``ask_about(f, seed)`` draws a question about f and the knob setting it is asked at, or
    None; a member equal to ``avoid`` (the function shown now), or not ``sensible`` at the
    question's setting, is skipped.
    """
    rng = random.Random(seed)
    for _ in range(TRIES):
        f = member(family, rng)
        question_seed = rng.getrandbits(32)
        if f is None or f.text == avoid:
            continue
        found = ask_about(f, question_seed)
        if found is not None and sensible(f, found[1]):
            return f, found[0], tuple(float(v) for v in found[1])
    return None


def layer_member(
    rng: random.Random,
) -> tuple[str, dict[str, int], dict[str, np.ndarray]]:
    """A layer of the ML layers page: its kind, sizes (n, m, k) and small integer weights."""
    kind = rng.choice(list(LAYER_KINDS))
    sizes = {name: rng.randint(1, LAYER_SIZES) for name in ("n", "m", "k")}
    weights = np.random.default_rng(rng.getrandbits(32))
    parameters = {
        name: weights.integers(-LAYER_WEIGHTS, LAYER_WEIGHTS + 1, size=shape).astype(float)
        for name, shape in parameter_shapes(kind, **sizes).items()
    }
    return kind, sizes, parameters
