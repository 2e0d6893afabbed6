"""Predict, then check: questions about a function at a knob setting, and what an answer shows.

Watching a demonstration teaches little; predicting its outcome first is what makes it teach.
So a page can ask before it shows: a :class:`Question` is built from the numbers at the knobs
(never from a table of canned answers), :func:`check` reads the learner's answer with the same
strict parser as every number field and returns a :class:`Verdict` whose sentence explains the
gap from the numbers ("you said y₂ rises with x₃; it falls, because ∂y₂/∂x₃ = −0.5 < 0 here").

Kinds of question on a function f: ℝᵐ → ℝⁿ at a point (``KINDS``, easiest first):

- ``sign``: as xⱼ turns up a little, does yᵢ rise, fall or stay flat?
- ``most``: which knob moves yᵢ most? (asked only when one knob clearly leads)
- ``value``: the value of ∂yᵢ/∂xⱼ.
- ``nudge``: turn xⱼ up by 0.1; by how much does yᵢ change? (J dx beside the actual change)
- ``row``: the signs of a whole row of the Jacobian, one per knob.
- ``heatmap``: the signs of every cell of the Jacobian, a row per output (the hardest level).

A question is only asked where its answer exists: never at a kink or where f or the derivative
is undefined (``make_question`` returns None, and ``next_question`` looks elsewhere).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp

from calculus.domain_words import plain_formula
from calculus.export import output_names, plain_symbol
from calculus.numbers import NumberError, parse_number
from calculus.reading import format_number
from calculus.vector_function import VectorFunction

Kind = Literal[
    "sign", "most", "value", "nudge", "row", "heatmap",  # the knob machine (and any f)
    "critical", "descent",  # rate of change
    "angle",  # gradient landscape
    "paths", "product", "sum",  # chain rule
    "shape", "orientation",  # ML layers
]  # fmt: skip
KINDS: tuple[Kind, ...] = ("sign", "most", "value", "nudge", "row", "heatmap")
#: The idea of the chapter each kind practises (the tally counts per idea).
IDEAS: dict[Kind, str] = {
    "sign": "the sign of a partial derivative",
    "most": "which knob matters most",
    "value": "the value of a partial derivative",
    "nudge": "J dx predicts the change",
    "row": "a row of the Jacobian",
    "heatmap": "the signs of the whole Jacobian",
    "critical": "where the derivative is zero",
    "descent": "gradient descent and its step size",
    "angle": "the gradient's direction",
    "paths": "paths in the computation graph",
    "product": "the product along a path",
    "sum": "the sum over paths",
    "shape": "the Jacobian's shape",
    "orientation": "a row or a column",
}
RISES, FALLS, FLAT = "rises", "falls", "stays flat"
DIRECTIONS = (RISES, FALLS, FLAT)
#: A number answer is right within 1% of the truth, or within 0.01 when the truth is near 0.
RELATIVE_TOLERANCE = 0.01
ABSOLUTE_TOLERANCE = 0.01
TOLERANCE_WORDS = "within 1% (or 0.01 when it is close to 0)"
#: The nudge question's step.
NUDGE = 0.1
#: A derivative this small (relative to the row's largest, or absolutely) counts as flat.
FLAT_BELOW = 1e-12
#: Kinds that look at every knob of a row.
WHOLE_ROW = ("most", "row")
#: How far either side of the knobs an output must be defined for a question to be asked.
EDGE_STEP = 1e-6
#: "Which knob moves y most" is asked only when the runner-up is below this share of the leader.
CLEAR_LEAD = 0.95
#: A formula longer than this is not quoted in a sentence.
MAX_FORMULA_CHARS = 80
#: How many settings ``next_question`` tries before giving up on one kind.
TRIES = 24


class AnswerError(ValueError):
    """An answer that cannot be read; ``message`` says what is wrong, for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Question:
    """One question at one knob setting. ``options`` empty: the answer is typed."""

    kind: Kind
    output: int
    knob: int
    prompt: str
    options: tuple[str, ...]
    truth: str
    #: For typed numbers: the accepted values (the nudge accepts J dx and the actual change).
    targets: tuple[float, ...] = ()
    #: Why the truth is what it is, from the numbers at the knobs.
    because: str = ""
    #: An absolute tolerance instead of the default one (whole counts: 0; angles: degrees).
    tolerance: float | None = None
    #: Typed answers that are not one number: "shape" (n × m), "angle" (degrees, mod 360).
    form: Literal["number", "shape", "angle"] = "number"

    @property
    def idea(self) -> str:
        return IDEAS[self.kind]

    @property
    def typed(self) -> bool:
        return not self.options


@dataclass(frozen=True)
class Verdict:
    """What the learner said beside the truth, and a sentence about the gap."""

    correct: bool
    said: str
    truth: str
    sentence: str


def direction(derivative: float, scale: float = 1.0) -> str:
    """rises / falls / stays flat, for a derivative (flat below ``FLAT_BELOW`` × scale)."""
    if abs(derivative) <= FLAT_BELOW * max(1.0, scale):
        return FLAT
    return RISES if derivative > 0 else FALLS


def _names(f: VectorFunction) -> tuple[list[str], list[str]]:
    return [plain_symbol(y) for y in output_names(f)], [plain_symbol(x) for x in f.variables]


def _partial(f: VectorFunction, i: int, j: int) -> str:
    ys, xs = _names(f)
    return f"∂{ys[i]}/∂{xs[j]}"


def _formula(expr: sp.Expr) -> str | None:
    text = plain_formula(expr)
    return text if len(text) <= MAX_FORMULA_CHARS else None


def _setting(f: VectorFunction, point: Sequence[float]) -> str:
    return setting_words(f.variables, point)


def setting_words(variables: Sequence[str], point: Sequence[float]) -> str:
    """'x₁ = 1, x₂ = 0.5': where the knobs are."""
    return ", ".join(
        f"{plain_symbol(x)} = {format_number(v)}" for x, v in zip(variables, point, strict=True)
    )


def make_question(
    f: VectorFunction, point: Sequence[float], kind: Kind, output: int, knob: int
) -> Question | None:
    """The question ``kind`` about output ``output`` and knob ``knob`` at ``point``, or None
    where its answer does not exist (a kink, an undefined value, no clear leader)."""
    if not (0 <= output < f.n_outputs and 0 <= knob < f.n_inputs):
        return None
    if kind == "heatmap":
        return _heatmap_question(f, point)
    at = f.at(point)
    row, kinks = at.jacobian[output], at.kinks[output]
    if not np.isfinite(at.values[output]) or kinks.any() or not np.all(np.isfinite(row)):
        return None
    if not _defined_around(f, point, output, range(f.n_inputs) if kind in WHOLE_ROW else [knob]):
        return None  # the edge of the domain (√(x₂x₃) at x₂ = 0): only a one-sided derivative
    ys, xs = _names(f)
    y, x, d = ys[output], xs[knob], float(row[knob])
    partial = _partial(f, output, knob)
    scale = float(np.max(np.abs(row)))
    formula = _formula(f.derivatives[output][knob])
    where = f"At {_setting(f, point)}"
    said_formula = f" = {formula}" if formula and formula != format_number(d) else ""
    if kind == "sign":
        truth = direction(d, scale)
        return Question(
            kind, output, knob,
            f"{where}: as {x} turns up a little, does {y} rise, fall or stay flat?",
            DIRECTIONS, truth,
            because=f"{partial}{said_formula} = {format_number(d)} here",
        )  # fmt: skip
    if kind == "value":
        return Question(
            kind, output, knob, f"{where}: what is {partial}?", (), format_number(d), (d,),
            because=f"{partial}{said_formula} = {format_number(d)} here",
        )  # fmt: skip
    if kind == "most":
        if f.n_inputs < 2:
            return None
        sizes = np.abs(row)
        order = np.argsort(-sizes)
        lead, second = float(sizes[order[0]]), float(sizes[order[1]])
        if lead == 0 or second >= CLEAR_LEAD * lead:
            return None  # no clear leader: a tie or nearly one is not a fair question
        best = int(order[0])
        return Question(
            kind, output, best, f"{where}: which knob moves {y} most (per small turn)?",
            tuple(xs), xs[best],
            because=", ".join(
                f"|{_partial(f, output, j)}| = {format_number(abs(float(row[j])))}"
                for j in order[: min(3, f.n_inputs)]
            ),
        )  # fmt: skip
    if kind == "nudge":
        nudged = np.array(point, dtype=float)
        nudged[knob] += NUDGE
        after = float(f.at(nudged).values[output])
        if not math.isfinite(after):
            return None
        predicted, actual = d * NUDGE, after - float(at.values[output])
        return Question(
            kind, output, knob,
            f"{where}: turn {x} up by {NUDGE:g}, the other knobs held. By how much will {y} "
            "change? (a fall is negative)",
            (), format_number(actual), (predicted, actual),
            because=(
                f"J dx predicts {partial} × {NUDGE:g} = {format_number(d)} × {NUDGE:g} = "
                f"{format_number(predicted)}; f actually changes by {format_number(actual)}"
                + (
                    ""
                    if math.isclose(predicted, actual, rel_tol=1e-9, abs_tol=1e-12)
                    else " (the rest is curvature: it shrinks like the step squared)"
                )
            ),
        )  # fmt: skip
    if kind == "row":
        if f.n_inputs < 2:
            return None
        signs = [_sign_symbol(direction(float(v), scale)) for v in row]
        return Question(
            kind, output, 0,
            f"{where}: the signs of {y}'s row of the Jacobian, one per knob in the order "
            f"{', '.join(xs)}: type + (rises), − (falls) or 0 (flat) for each, e.g. "
            f"{', '.join('+' for _ in xs)}",
            (), ", ".join(signs),
            because=", ".join(
                f"{_partial(f, output, j)} = {format_number(float(v))}" for j, v in enumerate(row)
            ),
        )  # fmt: skip
    return None


def _heatmap_question(f: VectorFunction, point: Sequence[float]) -> Question | None:
    """The sign of every cell of the Jacobian, a row per output ("+, −; 0, +")."""
    if f.n_outputs < 2:
        return None  # one row: that is the row question
    at = f.at(point)
    jacobian = np.asarray(at.jacobian, dtype=float)
    if not (np.all(np.isfinite(at.values)) and np.all(np.isfinite(jacobian))) or at.kinks.any():
        return None
    knobs = range(f.n_inputs)
    if not all(_defined_around(f, point, i, knobs) for i in range(f.n_outputs)):
        return None
    ys, xs = _names(f)
    rows = [
        ", ".join(_sign_symbol(direction(float(v), float(np.max(np.abs(row))))) for v in row)
        for row in jacobian
    ]
    example = "; ".join(", ".join("+" for _ in xs) for _ in ys)
    order = "; ".join(f"{y}’s row" for y in ys)
    return Question(
        "heatmap", 0, 0,
        f"At {_setting(f, point)}: the sign of every cell of the Jacobian heatmap. Type it row "
        f"by row ({order}), one sign per knob ({', '.join(xs)}): "
        f"+ rises, − falls, 0 flat. The form: {example}",
        (), "; ".join(rows),
        because="; ".join(
            f"{_partial(f, i, j)} = {format_number(float(jacobian[i, j]))}"
            for i in range(f.n_outputs)
            for j in knobs
        ),
    )  # fmt: skip


def _defined_around(
    f: VectorFunction, point: Sequence[float], output: int, knobs: Iterable[int]
) -> bool:
    """Whether output ``output`` is defined a small step either side of ``point`` along each
    of ``knobs``: a derivative on the edge of the domain exists from one side only."""
    for j in knobs:
        h = EDGE_STEP * max(1.0, abs(float(point[j])))
        for sign in (1, -1):
            moved = np.array(point, dtype=float)
            moved[j] += sign * h
            if not math.isfinite(float(f.at(moved).values[output])):
                return False
    return True


def _sign_symbol(word: str) -> str:
    return {RISES: "+", FALLS: "−", FLAT: "0"}[word]


_SIGN_WORDS = {
    "+": "+", "plus": "+", "rises": "+", "rise": "+", "up": "+", "positive": "+",
    "-": "−", "−": "−", "minus": "−", "falls": "−", "fall": "−", "down": "−", "negative": "−",
    "0": "0", "flat": "0", "zero": "0", "stays flat": "0",
}  # fmt: skip
#: Longest answer read (a row of 16 signs with separators fits easily).
MAX_ANSWER_CHARS = 200


def check(question: Question, answer: str | None) -> Verdict:
    """The learner's ``answer`` beside the truth; ``AnswerError`` if it cannot be read."""
    text = (answer or "").strip()
    if not text:
        raise AnswerError("Type an answer first (or choose one).")
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(
            f"That answer is {len(text)} characters long; {MAX_ANSWER_CHARS} at most."
        )
    if question.kind == "row":
        return _check_row(question, text)
    if question.kind == "heatmap":
        return _check_heatmap(question, text)
    if question.options:
        if text not in question.options:
            raise AnswerError(f"Choose one of: {', '.join(question.options)}.")
        return _verdict(question, text, text == question.truth)
    if question.form == "shape":
        return _check_shape(question, text)
    value = _number(text)
    if question.form == "angle":
        value %= 360
        right = any(abs((value - t + 180) % 360 - 180) <= (question.tolerance or 0)
                    for t in question.targets)  # fmt: skip
        return _verdict(question, f"{format_number(value)}°", right)
    right = any(_close(value, target, question.tolerance) for target in question.targets)
    return _verdict(question, format_number(value), right)


def _number(text: str, what: str = "your answer") -> float:
    try:
        return parse_number(text, what)
    except NumberError as refused:
        raise AnswerError(refused.message) from None


def _close(value: float, target: float, tolerance: float | None = None) -> bool:
    if tolerance is not None:
        return abs(value - target) <= tolerance
    return abs(value - target) <= max(RELATIVE_TOLERANCE * abs(target), ABSOLUTE_TOLERANCE)


def _check_shape(question: Question, text: str) -> Verdict:
    parts = [p for p in re.split(r"\s*(?:×|x|\*|by|,)\s*", text.strip("()[] ").lower()) if p]
    if len(parts) != 2:
        raise AnswerError(
            "Type a shape as rows × columns: two whole numbers with × (or x) between them."
        )
    rows, columns = (_number(part, "the shape") for part in parts)
    said = f"{format_number(rows)} × {format_number(columns)}"
    return _verdict(question, said, said == question.truth)


def _signs(text: str, separators: str = r"[,;\s]+") -> list[str]:
    """'+, -, 0', '+ − flat' or '+-0' as signs (+, −, 0); AnswerError for anything else."""
    parts = [p for p in re.split(separators, text.lower()) if p]
    if len(parts) == 1 and set(parts[0]) <= set("+-−0"):
        parts = list(parts[0])  # "+-0" as three signs
    signs = []
    for part in parts:
        if part not in _SIGN_WORDS:
            raise AnswerError(f"Each sign is +, − or 0; {part[:20]!r} is not one of them.")
        signs.append(_SIGN_WORDS[part])
    return signs


def _check_row(question: Question, text: str) -> Verdict:
    truth = question.truth.split(", ")
    signs = _signs(text)
    if len(signs) != len(truth):
        raise AnswerError(f"Type {len(truth)} signs, one per knob; that was {len(signs)}.")
    return _verdict(question, ", ".join(signs), signs == truth)


def _check_heatmap(question: Question, text: str) -> Verdict:
    truth = [row.split(", ") for row in question.truth.split("; ")]
    said = [_signs(line, r"[,\s]+") for line in re.split(r"[;\n/|]", text) if line.strip()]
    if len(said) != len(truth):
        raise AnswerError(
            f"Type {len(truth)} rows of signs, one per output, separated by ; — that was "
            f"{len(said)}."
        )
    for number, (row, right) in enumerate(zip(said, truth, strict=True), start=1):
        if len(row) != len(right):
            raise AnswerError(
                f"Row {number} needs {len(right)} signs, one per knob; that was {len(row)}."
            )
    return _verdict(question, "; ".join(", ".join(row) for row in said), said == truth)


def _verdict(question: Question, said: str, correct: bool) -> Verdict:
    verb = "Right" if correct else "Not quite"
    if question.kind == "sign":
        sentence = (
            f"{verb}: you said it {said}; it {question.truth}, because {question.because}"
            + ("." if question.truth == FLAT else f" {'>' if question.truth == RISES else '<'} 0.")
        )
    elif question.kind == "nudge":
        sentence = f"{verb}: you said {said}. {question.because}."
    elif question.kind == "heatmap" and not correct:
        sentence = f"{verb}: {_wrong_cells(question, said)}. The cells: {question.because}."
    else:
        sentence = f"{verb}: you said {said}; the answer is {question.truth}: {question.because}."
    return Verdict(correct, said, question.truth, sentence)


def _wrong_cells(question: Question, said: str) -> str:
    """'2 of 6 signs differ: ∂y₁/∂x₂ is − (you said +), …', from the question's cells."""
    truth = [sign for row in question.truth.split("; ") for sign in row.split(", ")]
    given = [sign for row in said.split("; ") for sign in row.split(", ")]
    cells = [cell.split(" = ")[0] for cell in question.because.split("; ")]
    wrong = [
        f"{cell} is {right} (you said {guess})"
        for cell, right, guess in zip(cells, truth, given, strict=True)
        if right != guess
    ]
    return f"{len(wrong)} of {len(truth)} signs differ: {', '.join(wrong)}"


#: How a page asks: (kind, output, knob, knob setting) -> the question, or None.
Ask = Callable[[Kind, int, int, tuple[float, ...]], Question | None]


def draw_question(
    ask: Ask,
    kinds: Sequence[Kind],
    outputs: int,
    ranges: Sequence[tuple[float, float]],
    seed: int,
    pairs: Sequence[tuple[int, int]] = (),
) -> tuple[tuple[Kind, int, int], Question, tuple[float, ...]] | None:
    """A new question, what names it (kind, output, knob), and the knob setting it is asked at.

    Settings are "nice" numbers a learner can work with by hand (whole and half numbers inside
    each knob's range); a draw where the question has no answer is skipped. ``pairs`` limits
    the (output, knob) pairs asked about (e.g. those joined by a path).
    """
    rng = random.Random(seed)
    knobs = len(ranges)
    for _ in range(TRIES * len(kinds)):
        kind = rng.choice(list(kinds))
        i, j = rng.choice(list(pairs)) if pairs else (rng.randrange(outputs), rng.randrange(knobs))
        point = tuple(nice_value(rng, low, high) for low, high in ranges)
        question = ask(kind, i, j, point)
        if question is not None:
            return (kind, i, j), question, point
    return None


def next_question(
    f: VectorFunction, ranges: Sequence[tuple[float, float]], seed: int
) -> tuple[Question, tuple[float, ...]] | None:
    """A new question about f (any kind of ``KINDS``) and the setting it is asked at."""
    found = draw_question(
        lambda kind, i, j, point: make_question(f, point, kind, i, j),
        KINDS, f.n_outputs, ranges, seed,
    )  # fmt: skip
    return None if found is None else (found[1], found[2])


def nice_value(rng: random.Random, low: float, high: float) -> float:
    """A whole or half number in [low, high] (within ±3 when the range allows), else the middle."""
    candidates = [v / 2 for v in range(math.ceil(2 * low), math.floor(2 * high) + 1)]
    candidates = [v for v in candidates if abs(v) <= 3] or candidates
    return float(rng.choice(candidates)) if candidates else (low + high) / 2


# --- questions of the other lessons ----------------------------------------------------------


def critical_question(xs: Sequence[float], kinds: Sequence[str], variable: str) -> Question | None:
    """"Where is f′ = 0?" given the critical points in the range shown (x and their kind)."""
    if not xs:
        return None
    x = plain_symbol(variable)
    found = ", ".join(
        f"{x} = {format_number(v)} ({kind})" for v, kind in zip(xs, kinds, strict=True)
    )
    return Question(
        "critical", 0, 0,
        f"Where in the range shown is f′({x}) = 0? Type one {x}"
        + (" (there are several)" if len(xs) > 1 else ""),
        (), ", ".join(format_number(v) for v in xs), tuple(float(v) for v in xs),
        because=f"f′ = 0 at {found}",
    )  # fmt: skip


#: Gradient descent verdicts a learner can predict (rate.py's behaviours, in plain words).
DESCENT_WORDS = {
    "converges": "converges",
    "oscillates while converging": "converges, flipping sides",
    "oscillates without settling": "oscillates",
    "diverges": "diverges",
}


def descent_question(
    behaviour: str, rate: float, steps: int, start: float, end: float, variable: str
) -> Question | None:
    """"With η = 0.4, 10 steps from x = 1: converge, oscillate or diverge?" (rate.py's run)."""
    if behaviour not in DESCENT_WORDS:
        return None  # drifting, standing still or undefined: not a fair three-way question
    x = plain_symbol(variable)
    truth = DESCENT_WORDS[behaviour]
    where = "runs away" if not math.isfinite(end) else f"ends at {x} = {format_number(end)}"
    return Question(
        "descent", 0, 0,
        f"Gradient descent with η = {format_number(rate)}, {steps} steps from {x} = "
        f"{format_number(start)}: does it converge, oscillate or diverge?",
        tuple(dict.fromkeys(DESCENT_WORDS.values())), truth,
        because=f"each step is −η f′({x}); this run {truth} and {where}",
    )  # fmt: skip


#: An arrow within this many degrees of the gradient's direction counts as right.
ANGLE_TOLERANCE = 10.0


def angle_question(
    gradient: Sequence[float], names: Sequence[str], setting: str = ""
) -> Question | None:
    """"Which way does the gradient arrow point?" as an angle from the first knob's axis;
    ``setting`` says where ("x₁ = 1, x₂ = 1"): the map is hidden until the learner answers."""
    g1, g2 = float(gradient[0]), float(gradient[1])
    if not (math.isfinite(g1) and math.isfinite(g2)) or math.hypot(g1, g2) == 0:
        return None  # no arrow: a critical point or an undefined gradient
    a, b = (plain_symbol(name) for name in names[:2])
    angle = math.degrees(math.atan2(g2, g1)) % 360
    return Question(
        "angle", 0, 0,
        (f"At {setting}: " if setting else "")
        + f"which way does the gradient arrow point on the contour map of {a} and {b}? Type "
        f"the angle in degrees, counterclockwise from the {a} axis (0 = +{a}, 90 = +{b}); "
        "the map and its arrow appear once you answer",
        (), f"{format_number(angle)}°", (angle,),
        because=(
            f"∇f = ({format_number(g1)}, {format_number(g2)}) points at "
            f"atan2({format_number(g2)}, {format_number(g1)}) = {format_number(angle)}°; "
            f"right means within {ANGLE_TOLERANCE:g}°"
        ),
        tolerance=ANGLE_TOLERANCE, form="angle",
    )  # fmt: skip


def paths_question(count: int, knob: str, output: str) -> Question:
    """"How many paths lead from xⱼ to yᵢ?" (graph.count_paths)."""
    x, y = plain_symbol(knob), plain_symbol(output)
    return Question(
        "paths", 0, 0, f"How many paths lead from {x} to {y} in the graph?",
        (), str(count), (float(count),),
        because=f"d{y}/d{x} adds one product per path, and there are {count}",
        tolerance=0.0,
    )  # fmt: skip


def product_question(factors: Sequence[tuple[str, float]], path: Sequence[str]) -> Question | None:
    """"The product along this path?" from its local derivatives' names and values."""
    values = [value for _, value in factors]
    if not all(math.isfinite(v) for v in values):
        return None
    product = math.prod(values)
    route = " → ".join(plain_symbol(node) for node in path)
    shown = " and ".join(f"{name} = {format_number(v)}" for name, v in factors)
    times = " × ".join(format_number(v) for v in values)
    return Question(
        "product", 0, 0, f"The path {route}: what is the product of its local derivatives here?",
        (), format_number(product), (product,),
        because=f"{shown}, so the product is {times} = {format_number(product)}",
    )  # fmt: skip


def sum_question(
    products: Sequence[float], total: float, knob: str, output: str
) -> Question | None:
    """"d output / d knob = the sum over paths?" given each path's product at the knobs."""
    if not (math.isfinite(total) and all(math.isfinite(p) for p in products)):
        return None
    x, y = plain_symbol(knob), plain_symbol(output)
    terms = " + ".join(format_number(p) for p in products) or "0 (no path)"
    return Question(
        "sum", 0, 0, f"What is ∂{y}/∂{x} here, the sum over every path from {x} to {y}?",
        (), format_number(total), (total,),
        because=f"∂{y}/∂{x} = {terms} = {format_number(total)}",
    )  # fmt: skip


def shape_question(outputs: int, knobs: int, what: str) -> Question:
    """"What shape is the Jacobian?" for a layer with ``outputs`` outputs and ``knobs`` inputs."""
    return Question(
        "shape", 0, 0,
        f"{what}: what is the shape of its Jacobian? Type rows × columns, like "
        f"{_shape_example(outputs, knobs)}",
        (), f"{outputs} × {knobs}", (),
        because=f"one row per output ({outputs}) and one column per input ({knobs})",
        form="shape",
    )  # fmt: skip


def _shape_example(outputs: int, knobs: int) -> str:
    """A shape to show the form of an answer: never the answer, nor its transpose."""
    for rows, columns in ((5, 4), (4, 5), (6, 3)):
        if {rows, columns} != {outputs, knobs}:
            return f"{rows} × {columns}"
    return "7 × 2"


ROW, COLUMN = "a row (1 × m)", "a column (m × 1)"


def orientation_question(what: str, knobs: int) -> Question:
    """"Is the Jacobian of aᵀx a row or a column?" (one output, ``knobs`` inputs: a row)."""
    return Question(
        "orientation", 0, 0, f"{what}: is its Jacobian a row or a column?",
        (ROW, COLUMN), ROW,
        because=f"one output and {knobs} inputs: J is 1 × {knobs}, one row (aᵀ itself)",
    )  # fmt: skip
