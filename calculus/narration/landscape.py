"""The sentences of the Gradient landscape page, generated from the numbers shown with them.

Pure functions: numbers and names in, markdown text out (no streamlit). Each sentence must be
true at the knobs it describes, including the edge cases: a zero or undefined gradient, ties,
a flat Hessian, a line or curve of critical points.

Names are plain text as the page shows them (``x₁``); numbers go through ``format_number``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from calculus.landscape import GRADIENT_ZERO_TOLERANCE, LANDSCAPE_EXAMPLES, CriticalPoint
from calculus.reading import format_number

#: (menu label, text typed, what to notice) for the page's example menu.
EXAMPLES = (
    ("The chapter's y = x1 x2²", LANDSCAPE_EXAMPLES["chapter"],
     "Turn x1 with x2 held: y changes at rate x2² (∂y/∂x1). Turn x2 with x1 held: at rate "
     "2 x1 x2. Together they are the gradient [x2², 2 x1 x2]. Every point of the line "
     "x2 = 0 is critical, and there the Hessian cannot decide."),
    ("A quadratic bowl", LANDSCAPE_EXAMPLES["bowl"],
     "One minimum at (0, 0). The level curves are ellipses, and the gradient arrow is "
     "perpendicular to them — so it does not point at the minimum."),
    ("The saddle x² − y²", LANDSCAPE_EXAMPLES["saddle"],
     "Up along x, down along y: at (0, 0) the Hessian has one positive and one negative "
     "eigenvalue, a saddle point. The gradient is zero there, yet it is no minimum."),
    ("Rosenbrock's banana", LANDSCAPE_EXAMPLES["rosenbrock"],
     "A long, narrow, curved valley with its minimum at (1, 1). Gradient descent "
     "zig-zags across the valley and crawls along it: open Gradient descent below."),
    ("sin(x) cos(y)", LANDSCAPE_EXAMPLES["egg crate"],
     "An egg crate: maxima, minima and saddles side by side. Open the Hessian below and "
     "jump to the nearest critical point to classify it."),
    ("A two-weight logistic loss", LANDSCAPE_EXAMPLES["logistic loss"],
     "The loss of a logistic model with weights w1, w2 on two data points, plus a small "
     "weight penalty: a smooth bowl with one minimum, the kind of landscape training "
     "walks down."),
    ("Three knobs: x y² + sin z", "x y^2 + sin(z)",
     "With three knobs the map shows two of them and holds the third at its slider. "
     "Pick which two to map above the knobs."),
)  # fmt: skip

# --- the gradient ---------------------------------------------------------------------------------


def direction_words(gx: float, gy: float, x_name: str, y_name: str) -> str:
    """'towards larger x₁ and smaller x₂, at −63.4° from the x₁ axis' for a plane vector."""
    parts = []
    tiny = 1e-12 * max(abs(gx), abs(gy), 1e-300)
    if abs(gx) > tiny:
        parts.append(f"{'larger' if gx > 0 else 'smaller'} {x_name}")
    if abs(gy) > tiny:
        parts.append(f"{'larger' if gy > 0 else 'smaller'} {y_name}")
    angle = math.degrees(math.atan2(gy, gx))
    return f"towards {' and '.join(parts)}, at {format_number(angle, 3)}° from the {x_name} axis"


def scale_text(scale: float) -> str:
    """'at its true length' or 'at 1/20 of its length'."""
    if scale >= 1:
        return "at its true length"
    return f"at 1/{format_number(1 / scale)} of its length"


def gradient_lines(
    gradient: Sequence[float],
    plotted: tuple[int, int],
    names: Sequence[str],
    view: str,
    scale: float,
) -> list[str]:
    """What the Gradient section says about ∇f (m,), as markdown bullet lines, about the marks
    drawn in ``view`` ("Contour map", "Surface" or "Both"). Empty when ∇f is undefined or 0
    (the page says so in one sentence of its own)."""
    g = np.asarray(gradient, dtype=float)
    i, j = plotted
    length = float(np.linalg.norm(g))
    map_shown = view != "Surface"
    lines = [
        "- **Length:** |∇f| = "
        f"{format_number(length)}: a small step of length ε along it raises f by about "
        f"{format_number(length)} ε, more than a step of that length in any other direction.",
    ]
    plane = math.hypot(float(g[i]), float(g[j]))
    if plane > 0:
        words = direction_words(float(g[i]), float(g[j]), names[i], names[j])
        lines.insert(
            0,
            f"- **Direction:** {words}. This is the direction of **steepest ascent**: of all "
            "directions, f rises fastest this way; −∇f, the opposite, is steepest descent.",
        )
    else:
        lines.insert(
            0,
            f"- **Direction:** ∇f has no {names[i]} or {names[j]} part here: it points out of "
            "the pictured plane, along the held knobs.",
        )
    if map_shown and plane > 0:
        lines.append(
            "- **Perpendicular to the level curve** through the point (the dark segment on the "
            "map): along a level curve f does not change, so the slope there, ∇f · u, is 0."
        )
        lines.append(
            f"- The red arrow on the map is drawn {scale_text(scale)}. Turn on the gradient "
            "field under the map to see ∇f everywhere at once."
        )
    elif map_shown:
        lines.append("- The map has no arrow here: ∇f has no part in its plane.")
    if view != "Contour map":
        lines.append(
            "- **On the surface:** the orange tangent plane touches f at the point; it is "
            "steepest in the direction of ∇f, rising |∇f| per unit step"
            + (", and level along the level curve." if plane > 0 else ".")
        )
    if view == "Surface":
        lines.append(
            "- Choose **Contour map** or **Both** above to see the arrow of ∇f and the level "
            "curve it crosses at a right angle."
        )
    if len(g) > 2 and map_shown and plane > 0:
        lines.append(
            f"- The map shows the arrow's {names[i]} and {names[j]} parts; the others point "
            "out of the map's plane."
        )
    return lines


# --- checks --------------------------------------------------------------------------------------


def agreement_words(difference: float) -> str:
    """How a measured value agrees with the exact one: 'exactly', 'to within 3×10^−9'."""
    if not math.isfinite(difference):
        return "not at all (the measurement is undefined here)"
    if difference == 0:
        return "exactly"
    # One digit, never rounded to 0 (format_number shows values below 1e-9 as 0).
    mantissa, exponent = f"{difference:.0e}".split("e")
    return f"to within {mantissa}×10^{int(exponent)}".replace("-", "−")


def plane_check_sentence(step: float, predicted: float, actual: float) -> str:
    """The tangent plane's prediction a step away against f there."""
    error = actual - predicted
    text = (
        f"Check a step of {format_number(step)} along both knobs: the plane predicts "
        f"{format_number(predicted)}, f is {format_number(actual)} — "
    )
    if not (math.isfinite(predicted) and math.isfinite(actual)):
        return text + "f is undefined there, so the plane cannot be checked at that step."
    if error == 0:
        return text + (
            "exactly the same: f has no curvature along that step (it is flat to second order "
            "there, as a plane is)."
        )
    return text + (
        f"off by {format_number(error, 2)}. Halve the step and the error drops about "
        "fourfold when f curves smoothly: the plane is the best flat fit, wrong only to "
        "second order."
    )


# --- the Hessian and critical points -------------------------------------------------------------

KIND_WORDS = {
    "minimum": "every eigenvalue is positive: f curves up in every direction, so this is a "
    "**(local) minimum**",
    "maximum": "every eigenvalue is negative: f curves down in every direction, so this is a "
    "**(local) maximum**",
    "saddle": "the eigenvalues have both signs: f curves up in some directions and down in "
    "others, so this is a **saddle point** — the gradient vanishes, yet it is no minimum",
    "degenerate": "an eigenvalue is 0 and none has the opposite sign: the second-derivative "
    "test **cannot decide** (f is flat to second order along some direction; higher "
    "derivatives would tell)",
}

EIGENVALUE_NOTE = (
    "Eigenvalues of H: the numbers λ with H v = λ v for a direction v ≠ 0; each is the "
    "curvature of f (its second derivative) along its own direction v."
)


def _number(value: float) -> str:
    return format_number(0.0 if abs(value) < 1e-12 else value)


def point_words(point: Sequence[float], names: Sequence[str]) -> str:
    """'x₁ = 2, x₂ = 0'."""
    return ", ".join(f"{n} = {_number(float(v))}" for n, v in zip(names, point, strict=True))


def line_words(through: Sequence[float], along: Sequence[float], names: Sequence[str]) -> str:
    """The line through ``through`` along ``along`` as equations: 'x₂ = 0' (along x₁),
    'y = 1.5 x − 2' in a plane, or 'x₂ = 0, x₃ = 1' along an axis of three knobs."""
    p = np.asarray(through, dtype=float)
    v = np.asarray(along, dtype=float)
    v = v / float(np.linalg.norm(v))
    moving = [k for k in range(len(v)) if abs(v[k]) > 1e-9]
    fixed = [f"{names[k]} = {_number(float(p[k]))}" for k in range(len(v)) if k not in moving]
    if len(moving) == 1:
        return ", ".join(fixed)
    if len(moving) == 2:
        a, b = moving
        slope = float(v[b] / v[a])
        intercept = float(p[b] - slope * p[a])
        if abs(slope - 1) < 1e-12:
            coefficient = ""
        elif abs(slope + 1) < 1e-12:
            coefficient = "−"
        else:
            coefficient = f"{_number(slope)} "
        equation = f"{names[b]} = {coefficient}{names[a]}"
        if abs(intercept) > 1e-12:
            equation += f" {'+' if intercept > 0 else '−'} {_number(abs(intercept))}"
        return ", ".join([equation, *fixed])
    direction = ", ".join(_number(float(c)) for c in v)
    return f"through ({', '.join(_number(float(c)) for c in p)}) along ({direction})"


def critical_set_words(critical: CriticalPoint, names: Sequence[str]) -> str:
    """What is known of the set a critical point belongs to ('' for an isolated point)."""
    if critical.family == "line" and critical.along is not None:
        return (
            f"**Every point of the line {line_words(critical.point, critical.along, names)} is "
            "critical**: ∇f = 0 all along it, so these critical points are not isolated, and "
            "the Hessian is flat (an eigenvalue 0) along the line."
        )
    if critical.family == "curve":
        return (
            "**The critical points here are not isolated**: a curve of them passes through "
            f"{point_words(critical.point, names)}, so the Hessian is flat (an eigenvalue 0) "
            "along the curve."
        )
    return ""


def critical_story(
    gradient: np.ndarray,
    nearest: CriticalPoint | None,
    point: np.ndarray,
    names: Sequence[str],
) -> str:
    """What the Hessian says: at the knob point if the gradient vanishes there, else about the
    nearest critical point found (or that none was found in view)."""
    if not np.all(np.isfinite(gradient)):
        return (
            "The gradient does not exist at the knobs, so the second-derivative test does not "
            "apply here."
        )
    length = float(np.linalg.norm(gradient))
    if nearest is None:
        if length <= GRADIENT_ZERO_TOLERANCE:
            return (
                "**The gradient vanishes here: a critical point**, but the Hessian is undefined "
                "here, so the second-derivative test does not apply."
            )
        return (
            f"**Not at a critical point:** |∇f| = {format_number(length)} ≠ 0. Newton's method "
            "found no point where ∇f = 0 near the knobs or in the mapped range."
        )
    eigen = ", ".join(format_number(e) for e in nearest.eigenvalues)
    family = critical_set_words(nearest, names)
    family = f" {family}" if family else ""
    here = bool(np.allclose(nearest.point, point, atol=1e-9))
    if length <= GRADIENT_ZERO_TOLERANCE and here:
        return (
            f"**The gradient vanishes here: a critical point.** Hessian eigenvalues {eigen}: "
            f"{KIND_WORDS[nearest.kind]}.{family}"
        )
    which = "The nearest critical point" if nearest.family != "curve" else "A critical point"
    how = (
        "the foot of the perpendicular from the knobs to that line"
        if nearest.family == "line"
        else "Newton's method on ∇f = 0"
    )
    return (
        f"**Not at a critical point:** |∇f| = {format_number(length)} ≠ 0.{family} "
        f"{which} found ({how}): {point_words(nearest.point, names)}, with "
        f"f = {format_number(nearest.value)}. Hessian eigenvalues there {eigen}: "
        f"{KIND_WORDS[nearest.kind]}."
    )


def valley_note(hessian: np.ndarray | None, rate: float, at_minimum: bool) -> str | None:
    """Words on how descent behaves near a minimum with this Hessian (m, m) and learning rate:
    the condition number κ = λ_max / λ_min, the stable rates η < 2 / λ_max, and zig-zagging in
    narrow valleys. None when there is no positive-definite Hessian to talk about."""
    if hessian is None or not np.all(np.isfinite(hessian)):
        return None
    eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    low, high = float(eigenvalues[0]), float(eigenvalues[-1])
    if low <= 0:
        return None
    kappa = high / low
    limit = 2 / high
    where = "At the minimum" if at_minimum else "Where the path ends"
    text = (
        f"{where} the curvatures (Hessian eigenvalues) range from {format_number(low)} to "
        f"{format_number(high)}: κ = λ_max / λ_min ≈ {format_number(round(kappa), 4)}. Descent "
        f"is stable only for η < 2 / λ_max ≈ {format_number(limit, 3)}"
    )
    if rate >= limit:
        text += (
            f", and η = {format_number(rate)} is above that: every step overshoots across "
            "the steepest direction by more than it gains, so the path bounces and grows."
        )
    else:
        text += f"; η = {format_number(rate)} is below it."
    if kappa > 10:
        text += (
            " **A narrow valley** (κ ≫ 1): a learning rate small enough not to bounce between "
            "the steep walls makes only tiny progress along the flat floor, so descent zig-zags "
            "across the valley and crawls along it (on Rosenbrock's banana, compare η = 0.001 "
            "and 0.002 over 300 steps). Momentum and adaptive methods such as Adam were "
            "invented for this."
        )
    elif rate < limit:
        text += " The bowl is round enough (κ small) for descent to head almost straight down."
    return text


# --- symbols the chapter does not explain ---------------------------------------------------------

#: (what to look for in the shown text, LaTeX or plain; its one-line explanation)
SYMBOLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (r"\theta", "θ("),
        "θ(u) is the step function: 1 where u > 0, 0 where u < 0 — the slope of max and relu "
        "jumps there, and at u = 0 the slope does not exist.",
    ),
    (
        (r"\delta", "δ("),
        "δ(u), the Dirac delta, is 0 wherever u ≠ 0: it marks the jump of a step θ(u); at "
        "u = 0 the second derivative does not exist.",
    ),
    (
        (r"\operatorname{sign}", "sign("),
        "sign(u) is 1 for u > 0 and −1 for u < 0: the slope of |u| (at u = 0 |u| has a kink "
        "and no slope).",
    ),
    (
        (r"\det", "det "),
        "det H, the determinant of H, is the product of its eigenvalues.",
    ),
    (
        ("×10^", r"\times 10^"),
        "a×10^k means a times 10 to the power k: 3×10^−9 = 0.000000003.",
    ),
)


def symbol_notes(texts: Iterable[str]) -> list[str]:
    """One line for each unexplained symbol that appears in ``texts`` (what the page shows)."""
    shown = "\n".join(texts)
    return [note for needles, note in SYMBOLS if any(needle in shown for needle in needles)]
