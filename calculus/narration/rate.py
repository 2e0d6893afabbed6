"""What the Rate of change page says, generated from the numbers it shows.

Every sentence here is a pure function of numbers (no Streamlit), so each can be tested where a
fixed sentence would lie: a zero learning rate, a start exactly at a critical point, a function
with no critical point, a maximum, a flat function, an undefined value, a step h too small to
change x in floating point. Text is Markdown with LaTeX between dollar signs.

Known pitfall: "the steps shrink" is not "it arrived". A verdict of convergence is only given when
the tolerances of :func:`calculus.rate.gradient_descent` are met; otherwise the page says how far
from the critical point the run stopped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calculus.export import plain_symbol, symbol_latex
from calculus.rate import (
    CONVERGED_SLOPE,
    DIVERGES,
    DRIFTS,
    MAXIMUM,
    MINIMUM,
    OSCILLATES,
    OSCILLATES_CONVERGING,
    STILL,
    UNDEFINED,
    CriticalPoint,
    CriticalPoints,
    Descent,
    SecantTable,
    critical_point_at,
    heading_for,
    step_factor,
)
from calculus.reading import format_number, number_latex, superscript
from calculus.vector_function import VectorFunction

#: (menu label, text typed, what to notice) for the page's example menu.
EXAMPLES = (
    ("The loss x² + 4x − 2", "x^2 + 4x - 2",
     "f'(x) = 2x + 4 is negative left of −2 (the loss falls as x grows), zero at the "
     "minimum x = −2, positive right of it. Gradient descent converges for η < 1."),
    ("exp(sin x)", "exp(sin x)",
     "A chain: f'(x) = e^(sin x) cos x is zero wherever cos x is: maxima and minima "
     "take turns every π."),
    ("x² ln x", "x^2 ln x",
     "f'(x) = 2x ln x + x = 0 at x = e^(−1/2) ≈ 0.61, a minimum. Undefined for x ≤ 0: "
     "the curve stops there."),
    ("sigmoid(x)", "sigmoid(x)",
     "Always rising: f' = σ(1 − σ) > 0, largest at 0 and fading far out, so gradient "
     "descent slows to a crawl there."),
    ("relu(x)", "relu(x)",
     "Flat (f' = 0) for x < 0, slope 1 for x > 0, and no derivative at the kink x = 0."),
    ("x³ − 3x", "x^3 - 3x",
     "f'(x) = 3x² − 3: a maximum at −1 (f'' = −6) and a minimum at 1 (f'' = 6)."),
    ("sin(x)/x", "sin(x)/x",
     "f' = 0 means tan x = x: sympy has no closed form, so the zeros are found "
     "numerically. At 0 the formula is 0/0, yet the curve has a maximum there."),
)  # fmt: skip

IDEA = (
    "The derivative f'(x) is how fast f changes as the knob x turns: the slope of the "
    "tangent at x. In machine learning f is a model's error and x its parameter; the error "
    "is smallest where its rate of change is zero. For the chapter's loss "
    "f(x) = x² + 4x − 2 that is f'(x) = 2x + 4 = 0, at x = −2."
)
PICTURE = (
    "Top: f, its tangent at the knob (dashed) and the secant through x and x + h. Bottom: "
    "the derivative f', the tangent's slope at every point. Shaded blue where f' < 0 "
    "(f falls), red where f' > 0 (f rises). The plotted range is the knob's range: change "
    "it under *Ranges*."
)
SECANT_INTRO = (
    "The secant through x and x + h (blue in the plot above) has the slope "
    "(f(x + h) − f(x)) / h. Shrink h and the secant turns into the tangent."
)
DESCENT_INTRO = (
    "Start at the knob (x₀ = the knob's value) and step against the slope: where f' > 0 go "
    "left, where f' < 0 go right, by η times the slope."
)

#: LaTeX a derivative may contain that the chapter never explains, and the line explaining it.
#: Matched with the opening bracket, so a knob named theta or sigma does not trigger them.
SYMBOL_NOTES = (
    (r"\theta\left(", "θ is the step function: θ(u) = 0 for u < 0 and 1 for u > 0, undefined "
                      "at u = 0 (where max, min or relu has a kink)."),
    (r"\operatorname{sign}", "sign(u) is −1 for u < 0 and 1 for u > 0: the slope of |u|, which "
                             "has no derivative at u = 0."),
    (r"\delta\left(", "δ(u) is the derivative of a jump: 0 wherever u ≠ 0, undefined at u = 0."),
    (r"\sigma\left(", "σ(u) = 1 / (1 + e^(−u)) is the sigmoid."),
    (r"\operatorname{relu}", "relu(u) = max(u, 0)."),
    (r"\log{", "log is the natural logarithm ln (so log(10) ≈ 2.303)."),
)  # fmt: skip
NUMBER_FORMAT_NOTE = (
    "a×10^k means a times 10 to the power k: 2.5×10^−3 = 0.0025 and 1.2×10^5 = 120000."
)


@dataclass(frozen=True)
class Line:
    """One piece of text and how to show it.

    ``kind`` is "markdown", "latex", "caption", or a box: "success", "info", "warning", "error"
    (boxes may carry a Material ``icon``).
    """

    kind: str
    text: str
    icon: str | None = None


def h_label(h: float) -> str:
    """'0.5', '0.01', '10⁻⁸': a step as people write it."""
    if h >= 0.01:
        return repr(float(h)).removesuffix(".0")
    exponent = round(math.log10(h))
    if 10.0**exponent == h:
        return "10" + superscript(exponent)
    return repr(float(h))


def plain_number(value: float, digits: int = 4) -> str:
    """format_number, except that a tiny number that is not 0 is never written as 0."""
    text = format_number(value, digits)
    if text == "0" and value != 0 and math.isfinite(value):
        mantissa, exponent = f"{value:.{max(digits - 1, 0)}e}".split("e")
        text = f"{float(mantissa):g}×10^{int(exponent)}".replace("-", "−")
    return text


def symbol_notes(*latex: str) -> list[str]:
    """One line for each unexplained symbol (θ, sign, δ, σ, relu, log) in these formulas."""
    return [note for marker, note in SYMBOL_NOTES if any(marker in text for text in latex)]


def format_note(*texts: str) -> list[Line]:
    """The caption explaining a×10^k, when any of these texts uses it."""
    used = any("×10^" in text or r"\times 10^" in text for text in texts)
    return [Line("caption", NUMBER_FORMAT_NOTE)] if used else []


def markdown_table(columns: dict[str, Sequence[str]]) -> str:
    """A Markdown table from columns of text (all of one length), numbers right-aligned.

    Why not a dataframe widget: a plain table costs the browser far less to redraw on every knob
    move, and these tables are read, not sorted.
    """
    header = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join("---:" for _ in columns) + "|"
    rows = ["| " + " | ".join(cells) + " |" for cells in zip(*columns.values(), strict=True)]
    return "\n".join([header, rule, *rows])


def one_output(f: VectorFunction) -> str | None:
    """Why the page refuses ``f`` (it studies one output), or None."""
    if f.n_outputs != 1:
        return (
            f"this page studies one output, and f has {f.n_outputs}: type a single expression "
            "(the knob machine handles several)"
        )
    return None


# --- the readout beside the knob -----------------------------------------------------------------


def readout(
    variable: str, x: float, value: float, slope: float, general: str, here: str,
    fixed: dict[str, float],
) -> list[Line]:  # fmt: skip
    """f'(x) in general and at the knobs, f(x) and f'(x), and what the sign of f'(x) means.

    ``general`` is f' in LaTeX, ``here`` f' with the held knobs ``fixed`` put in.
    """
    v, name, at = symbol_latex(variable), plain_symbol(variable), number_latex(x)
    lines: list[Line] = []
    if fixed:
        held = ", ".join(f"{plain_symbol(n)} = {format_number(val)}" for n, val in fixed.items())
        verb = "is" if len(fixed) == 1 else "are"
        lines.append(Line(
            "info",
            f"f has several knobs; {held} {verb} held fixed, so the rate of change along {name} "
            f"is the **partial derivative** ∂f/∂{name}.",
            ":material/push_pin:",
        ))  # fmt: skip
        lines.append(Line("latex", rf"\frac{{\partial f}}{{\partial {v}}} = {general}"))
        if here != general:
            at_held = ", ".join(f"{symbol_latex(n)} = {number_latex(c)}" for n, c in fixed.items())
            partial = rf"\left.\frac{{\partial f}}{{\partial {v}}}\right|_{{{at_held}}}"
            lines.append(Line("latex", f"{partial} = {here}"))
    else:
        lines.append(Line("latex", rf"f'({v}) = {general}"))
    lines += [Line("caption", note) for note in symbol_notes(general, here)]
    if not math.isfinite(value):
        return [*lines, Line(
            "warning",
            f"f is undefined at {name} = {format_number(x)}: no point, no tangent. Move the knob.",
            ":material/block:",
        )]  # fmt: skip
    if not math.isfinite(slope):
        return [*lines, Line(
            "warning",
            f"f({format_number(x)}) = {format_number(value)}, but f has no derivative at "
            f"{name} = {format_number(x)} (a kink or a break): no tangent there.",
            ":material/block:",
        )]  # fmt: skip
    numbers = rf"f({at}) = {number_latex(value)}, \qquad f'({at}) = {number_latex(slope)}"
    lines.append(Line("latex", numbers))
    if slope == 0:
        lines.append(Line(
            "markdown",
            "f is **flat** here: the tangent is level, so this is a critical point. A small "
            "turn of the knob barely changes f.",
        ))  # fmt: skip
    elif format_number(slope) == "0":
        lines.append(Line(
            "markdown",
            f"f' is 0 to every digit shown (it is {plain_number(slope, 2)}, round-off): f is "
            "**flat** here to within rounding, a critical point.",
        ))  # fmt: skip
    else:
        trend = "**rises**" if slope > 0 else "**falls**"
        lines.append(Line(
            "markdown",
            f"f {trend} as the knob turns up: turning it by a small ε changes f by about "
            f"{format_number(slope)} ε. That is the tangent's rise over run.",
        ))  # fmt: skip
    return lines + format_note(numbers, lines[-1].text)


# --- secant to tangent ---------------------------------------------------------------------------


def secant_story(table: SecantTable, curvature: float) -> list[Line]:
    """How the secant's error behaves as h shrinks, read off ``table`` (steps largest first),
    then what a×10^k means (the table of :func:`secant_numbers` always uses it).

    ``curvature`` is f''(x) (nan if unknown): it explains the first, falling part. The last
    sentence checks in floating point whether x + h == x at the smallest step.
    """
    story = _secant_story(table, curvature)
    return [Line("markdown", story), *format_note(story, secant_numbers(table)[0].text)]


def _secant_story(table: SecantTable, curvature: float) -> str:
    x, slope = table.x, table.slope
    steps, secants, errors = table.steps, table.secants, table.errors
    if not math.isfinite(slope):
        return "f'(x) is undefined here, so there is no tangent for the secants to approach."
    finite = np.isfinite(errors)
    if not finite.any():
        return "Every secant is undefined here (f(x + h) is undefined for each h): move the knob."
    parts = [
        "The plot shows the error |secant slope − f'(x)| as h shrinks (left to right, both "
        "axes logarithmic)."
    ]
    if not finite.all():
        parts.append(
            f"For {int((~finite).sum())} of the {len(steps)} steps f(x + h) is undefined or "
            "infinite: those secants are missing."
        )
    indices = np.flatnonzero(finite)
    first, last = int(indices[0]), int(indices[-1])
    best = int(indices[np.argmin(errors[indices])])  # the largest h of a tie
    e = {i: plain_number(errors[i], 2) for i in (first, best, last)}
    h = {i: h_label(steps[i]) for i in (first, best, last)}
    if best > first:
        falls = (
            f"From h = {h[first]} down to h = {h[best]} the error falls, from {e[first]} to "
            f"{e[best]}"
        )
        if math.isfinite(curvature) and format_number(curvature) != "0":
            falls += (
                ": the curve bends away from the secant by about |f''(x)| h / 2, here "
                f"{plain_number(abs(curvature) / 2)} × h"
            )
        parts.append(falls + ".")
    elif errors[best] == 0:
        parts.append(f"At h = {h[best]} the secant slope already equals f'(x) (error 0).")
    if last > best and errors[last] > errors[best]:
        parts.append(
            f"Below h = {h[best]} it rises again, to {e[last]} at h = {h[last]}: f(x + h) and "
            "f(x) agree in almost all their digits, so their difference is mostly "
            "floating-point round-off, magnified by 1/h."
        )
    elif last > best:
        parts.append(f"It does not rise again down to h = {h[last]}.")
    parts.append(_smallest_step(x, slope, steps, secants))
    return " ".join(parts)


def _smallest_step(x: float, slope: float, steps: np.ndarray, secants: np.ndarray) -> str:
    """Whether x + h == x in floats at the table's smallest steps, and what that does."""
    vanish = [float(h) for h in steps if x + float(h) == x]
    smallest = float(steps[-1])
    if vanish:
        h = max(vanish)
        when = f"At h = {h_label(h)}" if h == smallest else f"From h = {h_label(h)} on"
        why = f"(which here happens to equal f'(x) = {format_number(slope)})" if slope == 0 else (
            f"(an error of |f'(x)| = {plain_number(abs(slope))})"
        )  # fmt: skip
        return (
            f"{when}, x + h is the same float as x, so f(x + h) − f(x) = 0 and the secant "
            f"slope is 0 {why}."
        )
    return (
        f"At h = {h_label(smallest)}, x + h is still a different float from x (floats near "
        f"x = {format_number(x)} are spaced more finely than that), and the secant slope is "
        f"{plain_number(float(secants[-1]))} against f'(x) = {plain_number(slope)}."
    )


def secant_latex(secant: float, slope: float) -> str:
    """The secant slope at the chosen h above f'(x), 8 digits each."""
    return (
        rf"\begin{{aligned}} \frac{{f(x + h) - f(x)}}{{h}} &= {number_latex(secant, 8)} \\"
        rf"f'(x) &= {number_latex(slope, 8)} \end{{aligned}}"
    )


def secant_numbers(table: SecantTable) -> list[Line]:
    """The table behind the error plot: h, the secant slope, its error (a×10^k is explained under
    :func:`secant_story`)."""
    text = markdown_table({
        "h": [h_label(s) for s in table.steps],
        "secant slope": [plain_number(s, 10) for s in table.secants],
        "error": [plain_number(e, 2) for e in table.errors],
    })  # fmt: skip
    return [Line("markdown", text)]


# --- critical points -----------------------------------------------------------------------------


def critical_story(variable: str, found: CriticalPoints) -> list[Line]:
    """How f'(x) = 0 was solved and each critical point, flat stretch and break, as Markdown."""
    v = symbol_latex(variable)
    exact = found.method == "exact"
    lines = [f"Solved exactly: $f'({v}) = 0$ has these real solutions." if exact
             else f"{found.note[:1].upper()}{found.note[1:]}."]  # fmt: skip
    if not found.points:
        lines.append(f"None: $f'({v})$ is never 0 {'anywhere' if exact else 'here'}.")
    for p in found.points:
        where = p.latex or number_latex(p.x)
        approx = "" if p.latex else r"\approx "
        outside = "" if p.in_range else " (outside the plotted range)"
        lines.append(
            f"- ${v} = {approx}{where}$, $f = {number_latex(p.value)}${outside}: {p.reasoning}"
        )
    for start, end in found.flat:
        span = found.flat_latex or rf"[{number_latex(start)}, {number_latex(end)}]"
        lines.append(
            f"- $f'({v}) = 0$ on all of ${span}$: f is constant there, so every point of it is "
            "a critical point, but none is a strict minimum or maximum."
        )
    for x in found.breaks:
        lines.append(
            f"- At ${v} = {number_latex(x)}$, $f'$ changes sign without being 0: f has no "
            "derivative there (a kink or a break), so the test $f' = 0$ does not see it."
        )
    return [Line("markdown", line) for line in lines]


# --- gradient descent ----------------------------------------------------------------------------


def _kind_phrase(point: CriticalPoint, v: str) -> str:
    """'the minimum at $x = -2$', or 'the critical point at ... (neither ...)'."""
    where = f"${v} = {point.latex or number_latex(point.x)}$"
    if point.kind in (MINIMUM, MAXIMUM):
        return f"the {point.kind} at {where}"
    return f"the critical point at {where} (neither a minimum nor a maximum)"


def descent_story(
    run: Descent, found: CriticalPoints, variable: str, span: tuple[float, float],
    constant_curvature: float = math.nan, until: bool = False,
) -> list[Line]:  # fmt: skip
    """The verdict on a run (a box) and why it went so (Markdown).

    ``found`` are f's critical points (searched on ``span``, the plotted range, when numeric),
    ``constant_curvature`` f'' when it is the same everywhere (nan otherwise), ``until`` whether
    the run was "run until converged" (its step count is then a bound, not a choice).
    """
    v, name = symbol_latex(variable), plain_symbol(variable)
    width = span[1] - span[0]
    k, x0, last = run.count, float(run.iterates[0]), float(run.iterates[-1])
    s0, s_last = float(run.slopes[0]), float(run.slopes[-1])
    after = f"after {k} step{'s' * (k != 1)} {name} = {format_number(last, 6)}"
    slope_0 = f"$f'({number_latex(x0)}) = {number_latex(s0)}$"
    if run.behaviour == UNDEFINED:
        if k == 0:
            return [Line("warning", f"**Cannot start**: f has no derivative at x₀ = "
                     f"{format_number(x0)} (a kink, a break, or outside its domain), so there is "
                     "no slope to step against. Move the knob.", ":material/block:")]  # fmt: skip
        return [
            Line("warning", f"**Stops: f' is undefined here**: {after}", ":material/block:"),
            Line("markdown", f"The descent stopped at ${number_latex(last)}$: $f'$ is undefined "
                 "there, so the update rule cannot take another step."),
        ]  # fmt: skip
    if run.rate == 0:
        why = (
            f"Here {slope_0} as well, so x₀ is a critical point, but with η = 0 no start would "
            "ever move. Choose a learning rate η > 0."
            if s0 == 0
            else f"{slope_0} here, not 0: x₀ only looks settled. A step size η > 0 is needed to "
            "move."
        )
        return [
            Line("warning", f"**Stands still**: with η = 0 every step −η f'(xₖ) is 0, so x stays "
                 f"at x₀ = {format_number(x0)}.", ":material/pause_circle:"),
            Line("markdown", why),
        ]  # fmt: skip
    if run.behaviour == STILL:
        return [Line(
            "warning",
            f"**Stuck**: {after}, where $f'({number_latex(last)}) = {number_latex(s_last)}$ is not "
            "0, yet the step η f' is smaller than the spacing of floats near x, so x no longer "
            "changes.",
            ":material/pause_circle:",
        )]  # fmt: skip
    if s0 == 0:
        return _starts_at_a_critical_point(run, found, v, width)
    if run.behaviour == DIVERGES:
        return [Line("error", f"**Diverges**: after {k} steps {name} = {format_number(last)}",
                     ":material/warning:"), Line("markdown", _why(run, found, constant_curvature))]
    if run.behaviour == OSCILLATES:
        return [Line("warning", f"**Oscillates without settling**: {after}", ":material/sync:"),
                Line("markdown", _why(run, found, constant_curvature))]  # fmt: skip
    if run.behaviour == DRIFTS:
        return [Line("info", f"**Keeps going downhill**: {after}", ":material/trending_down:"),
                Line("markdown", _why(run, found, constant_curvature))]  # fmt: skip
    slope_k = f"$|f'(x_{{{k}}})| = {number_latex(abs(s_last))}$"
    outside = found.method == "numeric" and not span[0] <= last <= span[1]
    if run.converged:
        # |f'| <= 1e-8 puts a smooth f' within a whisker of its zero, or on a plateau.
        target = min(found.points, key=lambda p: abs(p.x - last), default=None)
        if target is not None and abs(target.x - last) > 1e-3 * width:
            target = None
        if target is not None:
            at = f": at {_kind_phrase(target, v)}"
        elif outside:
            at = ". It is outside the plotted range, where critical points were not searched for"
        else:
            at = ". f is almost flat here, yet no critical point was found near it"
        box = "success" if target is not None and target.kind == MINIMUM else "info"
        return [
            Line(box, f"**Converged after {k} step{'s' * (k != 1)}**: {name} = "
                 f"{format_number(last, 8)}, {slope_k} ≤ {format_number(CONVERGED_SLOPE)}{at}.",
                 ":material/check_circle:"),
            Line("markdown", _why(run, found, constant_curvature)),
        ]  # fmt: skip
    more = (", the most allowed" if until
            else ". Tick *Run until converged* to go on")  # fmt: skip
    target = heading_for(run, found.points)
    if run.behaviour == OSCILLATES_CONVERGING:
        not_yet = "Oscillates while converging, not there yet"
    else:
        not_yet = "Not there yet"
    if target is None:
        if found.method == "exact":
            never = "$f' = 0$ has no real solution" if not found.points else (
                "no solution of $f' = 0$ lies that way")  # fmt: skip
        else:
            never = "no point where $f' = 0$ was found that way in the plotted range"
        return [
            Line("warning", f"**Slowing down, with no critical point ahead**: {after}, "
                 f"{slope_k}{more}.", ":material/trending_down:"),
            Line("markdown", f"The steps shrink because $f'$ fades as f flattens out, not "
                 f"because a minimum is near: {never}."),
        ]  # fmt: skip
    distance = plain_number(abs(last - target.x))
    return [
        Line("info", f"**{not_yet}**: heading for {_kind_phrase(target, v)}, {distance} away "
             f"after {k} steps ({slope_k}){more}.", ":material/trending_flat:"),
        Line("markdown", _why(run, found, constant_curvature)),
    ]  # fmt: skip


def _starts_at_a_critical_point(
    run: Descent, found: CriticalPoints, v: str, width: float
) -> list[Line]:
    x0 = float(run.iterates[0])
    zero = f"$f'({number_latex(x0)}) = 0$"
    if (-math.inf, math.inf) in found.flat:
        return [Line("info", f"**Stays put**: $f' = 0$ everywhere: f is constant along ${v}$, so "
                     "no step moves, and every point is a critical point.",
                     ":material/horizontal_rule:")]  # fmt: skip
    point = critical_point_at(x0, found, width)
    if point is None:
        return [Line("info", f"**Stays put**: {zero}: f is flat here, so the update does not "
                     "move. Turn the knob to start somewhere else.", ":material/horizontal_rule:")]
    if point.kind == MINIMUM:
        return [Line("success", f"**Stays put**: {zero}: x₀ is {_kind_phrase(point, v)}, so "
                     "the update does not move.", ":material/check_circle:")]  # fmt: skip
    if point.kind == MAXIMUM:
        return [Line("warning", f"**Stays put, on a maximum**: {zero}, so the update does not "
                     f"move; but x₀ is {_kind_phrase(point, v)}: start a little to either side "
                     "and descent rolls away from it.", ":material/warning:")]  # fmt: skip
    return [Line("info", f"**Stays put**: {zero}: x₀ is {_kind_phrase(point, v)}; start a "
                 "little to one side and descent moves on.", ":material/horizontal_rule:")]


def _why(run: Descent, found: CriticalPoints, constant_curvature: float) -> str:
    """Why the steps shrink, stay or grow: the step factor 1 − η f'' near the minimum ahead."""
    target = heading_for(run, found.points)
    minimum = target if target is not None and target.kind == MINIMUM else None
    constant = math.isfinite(constant_curvature) and constant_curvature > 0
    curvature = constant_curvature if constant else minimum.curvature if minimum else None
    where = (minimum.latex or number_latex(minimum.x)) if minimum else ""
    return explain_descent(run, curvature, constant, where)


def explain_descent(run: Descent, curvature: float | None, constant: bool, minimum: str) -> str:
    """Why the run behaved as it did, in Markdown with LaTeX.

    ``curvature`` is g'' at the minimum the run heads for (None if unknown), ``constant`` says
    whether g'' is the same everywhere (a parabola: the explanation is exact, otherwise it holds
    near the minimum), ``minimum`` is how that minimum is written (e.g. "-2").
    """
    eta = number_latex(run.rate)
    if run.behaviour == UNDEFINED:
        return (
            f"The descent stopped at ${number_latex(run.iterates[-1])}$: $f'$ is undefined "
            "there, so the update rule cannot take another step."
        )
    steps = run.steps[np.isfinite(run.steps)]
    if len(steps) and not np.any(steps):
        x0, s0 = number_latex(run.iterates[0]), number_latex(run.slopes[0])
        if run.slopes[0] == 0:
            return (
                f"$f'({x0}) = 0$: the start is already a critical point, so the update rule "
                "does not move. Turn the knob to start somewhere else."
            )
        return f"$f'({x0}) = {s0}$ is not 0, yet the update rule does not move: η f' is 0."
    one_way = len(steps) > 0 and bool(np.all(np.sign(steps) == np.sign(steps[0])))
    if run.behaviour == DRIFTS:
        return (
            "The slope does not fade along the way, so the steps do not shrink: the iterates "
            "keep going downhill, away from any minimum."
        )
    if run.behaviour == DIVERGES and one_way:
        return "The iterates run downhill and away: f keeps falling in that direction."
    if curvature is None or not math.isfinite(curvature) or curvature <= 0 or not minimum:
        return {
            DIVERGES: "The iterates run away: each step is longer than the one before.",
            OSCILLATES: "The iterates jump back and forth between the same two places.",
        }.get(
            run.behaviour,
            "The steps shrink because the slope $f'$ shrinks as the iterates near a flat place.",
        )
    factor = step_factor(run.rate, curvature)
    c = number_latex(curvature)
    where = (
        f"Here $f'' = {c}$ everywhere"
        if constant
        else f"Near the minimum at ${minimum}$, $f'' \\approx {c}$"
    )
    core = (
        f"{where}, so each step multiplies the distance to ${minimum}$ by "
        f"$1 - \\eta f'' = 1 - {eta} \\cdot {c} = {number_latex(factor)}$"
    )
    limit = f"$\\eta < 2 / f'' = {number_latex(2 / curvature)}$"
    if factor == 1:
        tail = ": exactly 1, so the iterates do not move."
    elif 0 <= factor < 1:
        tail = ": less than 1 and positive, so the iterates close in from one side."
    elif abs(factor) < 1:
        tail = (
            ": negative, so each step overshoots to the other side, but smaller than 1 in size, "
            "so the overshoots shrink."
        )
    elif factor == -1:
        tail = (
            f": exactly $-1$, so the iterates bounce between two points forever "
            f"({limit} is needed)."
        )
    else:
        tail = (
            f": larger than 1 in size, so every step lands farther away than the last. "
            f"Convergence needs {limit}."
        )
    return core + tail


#: A steps table longer than this shows its first and last rows only.
MAX_TABLE_ROWS = 40


def steps_table(run: Descent, values: np.ndarray) -> list[Line]:
    """The iterates, f, f' and the move −η f' at each step (a long run: its start and end), as
    a Markdown table, then what a×10^k means if the table uses it."""
    rows = np.arange(len(run.iterates))
    if len(rows) > MAX_TABLE_ROWS:
        rows = np.concatenate([rows[: MAX_TABLE_ROWS - 10], rows[-10:]])
    moves = -run.rate * run.slopes
    columns = {
        "k": [str(k) for k in rows],
        "xₖ": [plain_number(run.iterates[k], 5) for k in rows],
        "f(xₖ)": [plain_number(values[k], 5) for k in rows],
        "f'(xₖ)": [plain_number(run.slopes[k], 5) for k in rows],
        "−η f'(xₖ)": [plain_number(moves[k], 4) for k in rows],
    }
    if len(rows) < len(run.iterates):  # a row of dots where rows were left out
        for column in columns.values():
            column.insert(MAX_TABLE_ROWS - 10, "…")
    text = markdown_table(columns)
    return [Line("markdown", text), *format_note(text)]
