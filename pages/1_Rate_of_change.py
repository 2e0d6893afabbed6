"""Rate of change: the tangent at the knob, the derivative curve, secants, critical points and
gradient descent on f: R -> R (other knobs held fixed)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st
import sympy as sp
from streamlit.delta_generator import DeltaGenerator

from calculus import ExpressionError, VectorFunction
from calculus.export import plain_symbol, symbol_latex
from calculus.rate import (
    CONVERGES,
    DIVERGES,
    DRIFTS,
    MINIMUM,
    OSCILLATES,
    OSCILLATES_CONVERGING,
    SECANT_STEPS,
    UNDEFINED,
    CriticalPoints,
    Descent,
    SecantTable,
    Slice,
    critical_points,
    explain_descent,
    gradient_descent,
    secant_table,
)
from calculus.reading import format_number
from ui import (
    Example,
    cached_function,
    follow_live_chart,
    function_box,
    idea,
    knob_query,
    knob_version,
    let_the_browser_paint,
    live_chart,
    live_charts_available,
    setup_page,
    write_query,
)
from ui.figures import SpecFigure
from ui.knobs import KnobRange, knob_controls, knob_sliders, knob_values
from ui.rate import (
    CONFIG,
    CURVES_CONFIG,
    OVERLAY_CONFIG,
    Marker,
    TangentFrame,
    curves_figure,
    descent_figure,
    markdown_table,
    secant_error_figure,
    tangent_frame,
    tangent_overlay,
)
from ui.url_state import number_text, query_float, query_text

PAGE = "rate"
KNOB_FRAGMENT = f"{PAGE}_knob"
FOLLOW_FRAGMENT = f"{PAGE}_follow"
TANGENT_KEY = f"{PAGE}_tangent_overlay"
FIXED = "rate_fixed"  # knob prefix of the variables held fixed
LOSS = "x^2 + 4x - 2"
EXAMPLES = [
    Example("The loss x² + 4x − 2", LOSS,
            "f'(x) = 2x + 4 is negative left of −2 (the loss falls as x grows), zero at the "
            "minimum x = −2, positive right of it. Gradient descent converges for η < 1."),
    Example("exp(sin x)", "exp(sin x)",
            "A chain: f'(x) = e^(sin x) cos x is zero wherever cos x is: maxima and minima "
            "take turns every π."),
    Example("x² ln x", "x^2 ln x",
            "f'(x) = 2x ln x + x = 0 at x = e^(−1/2) ≈ 0.61, a minimum. Undefined for x ≤ 0: "
            "the curve stops there."),
    Example("sigmoid(x)", "sigmoid(x)",
            "Always rising: f' = σ(1 − σ) > 0, largest at 0 and fading far out, so gradient "
            "descent slows to a crawl there."),
    Example("relu(x)", "relu(x)",
            "Flat (f' = 0) for x < 0, slope 1 for x > 0, and no derivative at the kink x = 0."),
    Example("x³ − 3x", "x^3 - 3x",
            "f'(x) = 3x² − 3: a maximum at −1 (f'' = −6) and a minimum at 1 (f'' = 6)."),
    Example("sin(x)/x", "sin(x)/x",
            "f' = 0 means tan x = x: sympy has no closed form, so the zeros are found "
            "numerically. At 0 the formula is 0/0, yet the curve has a maximum there."),
]  # fmt: skip
DEFAULT_RANGE = KnobRange(-4.0, 4.0, 0.01)
#: The knob on the left, f'(x) and its words on the right.
COLUMNS = [1.3, 1]
SECANT, CRITICAL, DESCENT = "Secant to tangent", "Critical points", "Gradient descent"
SECTIONS = (SECANT, CRITICAL, DESCENT)
#: The sections' names in the URL (``look=``).
LOOK_NAMES = {SECANT: "secant", CRITICAL: "critical", DESCENT: "descent"}
LOOK_SECTIONS = {name: section for section, name in LOOK_NAMES.items()}
CURVE_POINTS = 601
H_CHOICES = (1.0, 0.5, 0.2, 0.1, 0.05, 0.01, *SECANT_STEPS[3:])
DEFAULT_H = 0.5
DEFAULT_RATE = 0.1
MAX_RATE = 2.0
DEFAULT_STEPS = 10
MAX_STEPS = 100
#: How each behaviour is announced: (box, words, icon); icons are Streamlit's bundled font.
BEHAVIOUR_HEADLINES = {
    CONVERGES: (st.success, "Converges", ":material/check_circle:"),
    OSCILLATES_CONVERGING: (st.success, "Oscillates while converging", ":material/swap_horiz:"),
    OSCILLATES: (st.warning, "Oscillates without settling", ":material/sync:"),
    DRIFTS: (st.info, "Keeps going downhill", ":material/trending_down:"),
    DIVERGES: (st.error, "Diverges", ":material/warning:"),
    UNDEFINED: (st.warning, "Stops: f' is undefined here", ":material/block:"),
}


def tex(value: float, digits: int = 4) -> str:
    """A number inside LaTeX: format_number's digits with an ASCII minus."""
    text = format_number(value, digits).replace("−", "-")
    if text == "undefined":
        return r"\text{undefined}"
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text.replace("∞", r"\infty")


def one_output(f: VectorFunction) -> str | None:
    if f.n_outputs != 1:
        return (
            f"this page studies one output, and f has {f.n_outputs}: type a single expression "
            "(the knob machine handles several)"
        )
    return None


def main() -> None:
    setup_page("Rate of change")
    st.title("Rate of change")
    idea(
        "The derivative f'(x) is how fast f changes as the knob x turns: the slope of the "
        "tangent at x. In machine learning f is a model's error and x its parameter; the error "
        "is smallest where its rate of change is zero. For the chapter's loss "
        "f(x) = x² + 4x − 2 that is f'(x) = 2x + 4 = 0, at x = −2."
    )
    f = function_box(PAGE, default=LOSS, examples=EXAMPLES, check=one_output)
    # Outside the fragment: what does not move with the knob is not re-sent on every move.
    knob, _ = st.columns(COLUMNS, gap="large")
    with knob:
        variable = choose_variable(f)
        ensure_range(variable)
        knob_controls(PAGE, [variable], title="The knob")
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py).
    with st.container(key=f"live_{PAGE}"):
        knobs, readout = st.columns(COLUMNS, gap="large")
        areas = Areas(knobs, readout, st.container())
        if live_charts_available():
            explore(f, variable, areas, follow=True)
            follow_the_tangent(f, variable, areas)
        else:  # no follower without live charts: the knob's rerun draws everything
            explore(f, variable, areas, follow=False)


# --- cached per function, variable and fixed knobs (never per knob move of x) --------------------


def slice_of(f: VectorFunction, variable: str, point: tuple[float, ...]) -> Slice:
    return Slice.along(f, variable, point)


@st.cache_data(max_entries=256, show_spinner="Solving f'(x) = 0…")
def cached_critical_points(
    text: str, variable: str, point: tuple[float, ...], low: float, high: float
) -> CriticalPoints:
    """Critical points for the function typed as ``text`` (the cache key is the text)."""
    return critical_points(Slice.along(cached_function(text), variable, point), low, high)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_curves(
    text: str, variable: str, point: tuple[float, ...], low: float, high: float
) -> tuple[TangentFrame, SpecFigure]:
    """The heavy picture (f, f', the shading, the critical points) and its frame: one object per
    function, variable, fixed knobs and range, so every knob move sends the same bytes."""
    g = Slice.along(cached_function(text), variable, point)
    name = plain_symbol(variable)
    found = cached_critical_points(text, variable, point, low, high)
    markers = [
        Marker(p.x, p.value, p.kind, f"{p.kind} at {name} = {format_number(p.x)}")
        for p in found.in_range()
    ]
    t = np.linspace(low, high, CURVE_POINTS)
    values, slopes = g.value(t), g.slope(t)
    frame = tangent_frame(t, values, slopes, markers, name)
    return frame, curves_figure(t, values, slopes, frame, markers)


@st.cache_data(max_entries=256, show_spinner=False)
def derivative_latex(text: str, variable: str, point: tuple[float, ...]) -> tuple[str, str, float]:
    """(f' in general, f' with the fixed knobs put in, f'' if constant else nan)."""
    g = Slice.along(cached_function(text), variable, point)
    general = sp.latex(g.function.derivative(0, g.knob))
    here = sp.latex(g.derivative) if g.fixed else general
    second = g.second_derivative
    constant = float(second) if not second.free_symbols and second.is_real else math.nan
    return general, here, constant


# --- the page ------------------------------------------------------------------------------------


def choose_variable(f: VectorFunction) -> str:
    if f.n_inputs == 1:
        return f.variables[0]
    key = f"{PAGE}_wrt"
    if st.session_state.get(key) not in f.variables:
        wanted = query_text("wrt")
        st.session_state[key] = (
            wanted if wanted in f.variables else "x" if "x" in f.variables else f.variables[0]
        )
    return st.selectbox(
        "Rate of change along",
        f.variables,
        key=key,
        format_func=plain_symbol,
        help="The knob that turns; every other knob is held fixed.",
    )


def ensure_range(variable: str) -> None:
    """This page's default range for the turning knob (the plotted range), unless one is set."""
    key = f"{PAGE}_range_{variable}"
    if key not in st.session_state:
        from_url = KnobRange.from_text(query_text(f"r_{variable}"))
        st.session_state[key] = from_url or DEFAULT_RANGE


def remember(key: str, default: float, url_key: str) -> None:
    """Start a widget from the URL (validated) or its default, once per session."""
    if key not in st.session_state:
        value = query_float(url_key)
        st.session_state[key] = default if value is None else value


@dataclass(frozen=True)
class Areas:
    """Where each fragment draws: the knobs' column, the readout beside it, the picture below."""

    knobs: DeltaGenerator
    readout: DeltaGenerator
    picture: DeltaGenerator


@dataclass(frozen=True)
class Here:
    """What both fragments compute from the knobs, the same way."""

    g: Slice
    x: float
    fixed: np.ndarray
    others: list[str]
    key_point: tuple[float, ...]
    low: float
    high: float
    h: float

    @property
    def version(self) -> str:
        """What the tangent's picture shows: the function, the knobs and the step h."""
        return picture_version(self.g.function, self.g.variable, self.x, self.fixed, self.h)


def picture_version(f: VectorFunction, variable: str, x: float, fixed: np.ndarray, h: float) -> str:
    return knob_version(f"{f.text}|{variable}|h={h!r}", [x, *fixed.tolist()])


def held_knobs(f: VectorFunction, variable: str) -> list[str]:
    """The other variables: knobs held fixed while ``variable`` turns."""
    return [name for name in f.variables if name != variable]


def knob_setting(f: VectorFunction, variable: str) -> tuple[float, np.ndarray]:
    """x and the held knobs' values, as they stand (before their sliders are drawn)."""
    others = held_knobs(f, variable)
    x = float(knob_values(PAGE, [variable])[0])
    return x, knob_values(FIXED, others) if others else np.array([])


def knobs_now(f: VectorFunction, variable: str) -> str:
    """The picture's version for the knobs as they stand (read in the follower's callback)."""
    x, fixed = knob_setting(f, variable)
    return picture_version(f, variable, x, fixed, step_h())


def here(f: VectorFunction, variable: str) -> Here:
    """The knobs' values now (before their sliders are drawn) and the slice of f along x.

    Raises ExpressionError when f'' could not be built in time.
    """
    start_state()
    others = held_knobs(f, variable)
    x, fixed = knob_setting(f, variable)
    fixed_values = iter(fixed.tolist())
    key_point = tuple(0.0 if name == variable else next(fixed_values) for name in f.variables)
    g = slice_of(f, variable, key_point)
    rng = st.session_state[f"{PAGE}_range_{variable}"]
    return Here(g, x, fixed, others, key_point, rng.low, rng.high, step_h())


@st.fragment(key=KNOB_FRAGMENT)
def explore(f: VectorFunction, variable: str, areas: Areas, follow: bool) -> None:
    """What a knob move reruns: the tangent's picture first, then the sliders.

    The picture is drawn from the knobs' values, before their sliders: the browser gets it
    alone and draws it while the rest is on its way. The readout and the sections below follow
    in a rerun of their own once the picture is drawn (:func:`follow_the_tangent`), or here,
    after the sliders, when ``follow`` is False.
    """
    others = held_knobs(f, variable)

    def draw_sliders() -> None:
        with areas.knobs:
            knob_sliders(PAGE, [variable], controls=False)
            if others:
                knob_sliders(FIXED, others, title="Held fixed")

    try:
        now = here(f, variable)
    except ExpressionError as problem:  # f'' could not be built in time
        draw_sliders()
        areas.readout.error(problem.message, icon=":material/block:")
        return
    g, x = now.g, now.x
    value, slope = float(g.value(x)), float(g.slope(x))
    far = (x + now.h, float(g.value(x + now.h)))
    frame, curves = cached_curves(f.text, variable, now.key_point, now.low, now.high)
    # The overlay CSS (ui/page.py) stacks the overlay exactly on the curves. The overlay goes
    # first: it is what a knob move changes, and the curves' spec (same bytes, unless a held
    # knob moved) would hold it up by its size.
    with areas.picture, st.container():
        live_chart(
            tangent_overlay(frame, x, value, slope, far),
            key=TANGENT_KEY,
            config=OVERLAY_CONFIG,
            version=now.version,
        )
        let_the_browser_paint()
        live_chart(curves, key=f"{PAGE}_curves", config=CURVES_CONFIG)
    draw_sliders()
    if not follow:
        show_below(f, variable, areas, now)


@st.fragment(key=FOLLOW_FRAGMENT)
def follow_the_tangent(f: VectorFunction, variable: str, areas: Areas) -> None:
    """The readout and the chosen section: rerun as soon as the tangent shows new knobs."""
    try:
        now = here(f, variable)
    except ExpressionError:  # said beside the sliders
        return
    show_below(f, variable, areas, now)
    follow_live_chart(
        TANGENT_KEY,
        now.version,
        key=f"{PAGE}_follower",
        current=lambda: knobs_now(f, variable),
        fragments=(KNOB_FRAGMENT, FOLLOW_FRAGMENT),
    )


def show_below(f: VectorFunction, variable: str, areas: Areas, now: Here) -> None:
    """The readout beside the knobs, and under the picture its caption and one section."""
    g, x = now.g, now.x
    value, slope = float(g.value(x)), float(g.slope(x))
    general, here_latex, constant_curvature = derivative_latex(f.text, variable, now.key_point)
    with areas.readout:
        show_readout(g, x, value, slope, general, here_latex, now.others)
    st.caption(
        "Top: f, its tangent at the knob (dashed) and the secant through x and x + h. Bottom: "
        "the derivative f', the tangent's slope at every point. Shaded blue where f' < 0 "
        "(f falls), red where f' > 0 (f rises). The plotted range is the knob's range: change "
        "it under *Ranges*."
    )
    # One section at a time, chosen by the learner: every section shown would be computed and
    # re-sent to the browser on every knob move.
    section = st.segmented_control(
        "Look closer", SECTIONS, key=f"{PAGE}_look", width="stretch", required=True
    )
    found = cached_critical_points(f.text, variable, now.key_point, now.low, now.high)
    if section == SECANT:
        show_secant(g, x, value, slope, float(g.value(x + now.h)))
    elif section == CRITICAL:
        show_critical_points(g, found)
    elif section == DESCENT:
        t = np.linspace(now.low, now.high, CURVE_POINTS)
        show_descent(g, x, found, constant_curvature, t)
    share(f, variable, now.others, x, now.fixed, section)


def show_readout(
    g: Slice, x: float, value: float, slope: float, general: str, here: str, others: list[str]
) -> None:
    v = symbol_latex(g.variable)
    at = tex(x)
    if others:
        held = ", ".join(f"{plain_symbol(n)} = {format_number(val)}" for n, val in g.fixed.items())
        st.info(
            f"f has several knobs; {held} {'is' if len(others) == 1 else 'are'} held fixed, so "
            f"the rate of change along {plain_symbol(g.variable)} is the **partial derivative** "
            f"∂f/∂{plain_symbol(g.variable)}.",
            icon=":material/push_pin:",
        )
        st.latex(rf"\frac{{\partial f}}{{\partial {v}}} = {general}")
        if here != general:
            held_latex = ", ".join(f"{symbol_latex(n)} = {tex(val)}" for n, val in g.fixed.items())
            st.latex(rf"\left.\frac{{\partial f}}{{\partial {v}}}\right|_{{{held_latex}}} = {here}")
    else:
        st.latex(rf"f'({v}) = {general}")
    if r"\theta" in general:
        st.caption("θ is the step function: 0 left of 0, 1 right of 0, undefined at 0.")
    if not math.isfinite(value):
        st.warning(
            f"f is undefined at {plain_symbol(g.variable)} = {format_number(x)}: no point, "
            "no tangent. Move the knob.",
            icon=":material/block:",
        )
        return
    if not math.isfinite(slope):
        st.warning(
            f"f({format_number(x)}) = {format_number(value)}, but f has no derivative at "
            f"{plain_symbol(g.variable)} = {format_number(x)} (a kink or a break): no tangent "
            "there.",
            icon=":material/block:",
        )
        return
    st.latex(rf"f({at}) = {tex(value)}, \qquad f'({at}) = {tex(slope)}")
    if slope == 0:
        st.markdown(
            "f is **flat** here: the tangent is level, so this is a critical point. A small "
            "turn of the knob barely changes f."
        )
        return
    trend = "f **rises** as the knob turns up" if slope > 0 else "f **falls** as the knob turns up"
    st.markdown(
        f"{trend}: turning it by a small ε changes f by about {format_number(slope)} ε. "
        "That is the tangent's rise over run."
    )


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def h_label(h: float) -> str:
    """'0.5', '0.01', '10⁻⁸': a step as people write it."""
    if h >= 0.01:
        return number_text(h)
    exponent = round(math.log10(h))
    if 10.0**exponent == h:
        return "10" + str(exponent).translate(_SUPERSCRIPT)
    return number_text(h)


def start_state() -> None:
    """The sections' controls start from the URL or their defaults, and are kept in range.

    Done on every run, before the sections: a slider that is not drawn (its section hidden)
    loses its state, and comes back from the URL the next time.
    """
    if st.session_state.get(f"{PAGE}_look") not in SECTIONS:
        st.session_state[f"{PAGE}_look"] = LOOK_SECTIONS.get(query_text("look") or "", SECANT)
    rate_key, steps_key = f"{PAGE}_eta", f"{PAGE}_steps"
    remember(rate_key, DEFAULT_RATE, "eta")
    remember(steps_key, DEFAULT_STEPS, "n")
    st.session_state[rate_key] = min(max(float(st.session_state[rate_key]), 0.0), MAX_RATE)
    st.session_state[steps_key] = int(min(max(int(st.session_state[steps_key]), 1), MAX_STEPS))


def step_h() -> float:
    """The secant's step h: from the widget's state, the URL, or the default."""
    key = f"{PAGE}_h"
    remember(key, DEFAULT_H, "h")
    if st.session_state[key] not in H_CHOICES:
        st.session_state[key] = DEFAULT_H
    return float(st.session_state[key])


def show_secant(g: Slice, x: float, value: float, slope: float, value_h: float) -> None:
    st.subheader("Secant to tangent")
    st.markdown(
        "The secant through x and x + h (blue in the plot above) has the slope "
        "(f(x + h) − f(x)) / h. Shrink h and the secant turns into the tangent."
    )
    control, numbers = st.columns([1.3, 1], gap="large")
    h = control.select_slider(
        "Step h", H_CHOICES, key=f"{PAGE}_h", format_func=h_label, on_change=redraw_the_picture
    )
    secant = (value_h - value) / h
    numbers.latex(
        rf"\begin{{aligned}} \frac{{f(x + h) - f(x)}}{{h}} &= {tex(secant, 8)} \\"
        rf"f'(x) &= {tex(slope, 8)} \end{{aligned}}"
    )
    steps = tuple(sorted({*SECANT_STEPS, h}, reverse=True))
    table = secant_table(g, x, steps)
    errors, words = st.columns([3, 2], gap="large")
    with errors:
        live_chart(
            secant_error_figure(table.steps, table.errors, h), key=f"{PAGE}_error", config=CONFIG
        )
    with words:
        explain_secant(table, slope, secant)


def redraw_the_picture() -> None:
    """h moves the secant on the picture, which the knob's fragment draws: rerun both."""
    if live_charts_available():
        st.rerun([KNOB_FRAGMENT, FOLLOW_FRAGMENT])


def explain_secant(table: SecantTable, slope: float, secant: float) -> None:
    if not math.isfinite(slope) or not math.isfinite(secant):
        st.markdown("The secant or the tangent is undefined here: move the knob.")
        return
    st.markdown(
        "The plot shows the error |secant slope − f'(x)| as h shrinks (left to right, both axes "
        "logarithmic). At first it falls in step with h: the curve bends away from the secant "
        f"by about |f''| h / 2. Below h ≈ {h_label(table.best_step)} it rises again: f(x + h) "
        "and f(x) agree in almost all their digits, and their difference is mostly "
        "floating-point round-off, magnified by 1/h. At h = 10⁻¹⁶, x + h is the same float "
        "as x and the secant slope is 0."
    )
    with st.expander("The numbers"):
        st.markdown(
            markdown_table(
                {
                    "h": [h_label(s) for s in table.steps],
                    "secant slope": [format_number(s, 10) for s in table.secants],
                    "error": [format_number(e, 2) for e in table.errors],
                }
            )
        )


def show_critical_points(g: Slice, found: CriticalPoints) -> None:
    v = symbol_latex(g.variable)
    st.subheader(f"Critical points: f'({plain_symbol(g.variable)}) = 0")
    if found.method == "exact":
        st.markdown(f"Solved exactly: $f'({v}) = 0$ has these real solutions.")
    else:
        st.markdown(f"{found.note.capitalize()}.")
    if not found.points:
        st.markdown(
            f"None: $f'({v})$ is never 0 {'anywhere' if found.method == 'exact' else 'here'}."
        )
    for p in found.points:
        where = p.latex or tex(p.x)
        approx = "" if p.latex else r"\approx "
        outside = "" if p.in_range else " (outside the plotted range)"
        st.markdown(f"- ${v} = {approx}{where}$, $f = {tex(p.value)}${outside}: {p.reasoning}")
    for start, end in found.flat:
        span = found.flat_latex or rf"[{tex(start)}, {tex(end)}]"
        st.markdown(
            f"- $f'({v}) = 0$ on all of ${span}$: f is constant there, so every point of it is "
            "a critical point, but none is a strict minimum or maximum."
        )
    for x in found.breaks:
        st.markdown(
            f"- At ${v} = {tex(x)}$, $f'$ changes sign without being 0: f has no "
            "derivative there (a kink or a break), so the test $f' = 0$ does not see it."
        )


def show_descent(
    g: Slice, x: float, found: CriticalPoints, constant_curvature: float, t: np.ndarray
) -> None:
    st.subheader("Gradient descent: roll downhill")
    st.markdown(
        "Start at the knob (x₀ = the knob's value) and step against the slope: where f' > 0 go "
        "left, where f' < 0 go right, by η times the slope."
    )
    st.latex(r"x_{k+1} = x_k - \eta\, f'(x_k)")
    rate_key, steps_key = f"{PAGE}_eta", f"{PAGE}_steps"
    left, right = st.columns(2)
    rate = left.slider("Learning rate η", 0.0, MAX_RATE, step=0.01, key=rate_key, format="%.2f")
    steps = right.slider("Number of steps", 1, MAX_STEPS, key=steps_key)
    run = gradient_descent(g.slope, x, rate, steps)
    curve, story = st.columns([3, 2], gap="large")
    with curve:
        values = g.value(run.iterates)
        span = descent_span(run.iterates, float(t[0]), float(t[-1]))
        grid = t if span == (t[0], t[-1]) else np.linspace(*span, len(t))
        markers = [Marker(p.x, p.value, p.kind, p.kind) for p in found.points]
        markers = [m for m in markers if span[0] <= m.x <= span[1]]
        name = plain_symbol(g.variable)
        live_chart(
            descent_figure(grid, g.value(grid), run.iterates, values, markers, name),
            key=f"{PAGE}_descent",
            config=CONFIG,
        )
    with story:
        show_descent_story(g, run, found, constant_curvature)
    st.markdown("**The steps**")
    with st.container(height=280, border=False):
        st.markdown(markdown_table(steps_table(run, values)))


def descent_span(iterates: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """The plotted range, widened to show iterates that left it (up to 2.5 ranges each way)."""
    finite = iterates[np.isfinite(iterates)]
    width = high - low
    start = max(min(low, float(finite.min())), low - 2.5 * width)
    end = min(max(high, float(finite.max())), high + 2.5 * width)
    return start, end


def show_descent_story(
    g: Slice, run: Descent, found: CriticalPoints, constant_curvature: float
) -> None:
    last = run.iterates[-1]
    box, words, icon = BEHAVIOUR_HEADLINES[run.behaviour]
    k = len(run.iterates) - 1
    headline = f"**{words}**"
    if run.behaviour in (CONVERGES, OSCILLATES_CONVERGING):
        headline += f": after {k} steps {plain_symbol(g.variable)} = {format_number(last, 6)}"
    elif run.behaviour == DIVERGES:
        headline += f": after {k} steps {plain_symbol(g.variable)} = {format_number(last)}"
    box(headline, icon=icon)
    minima = [p for p in found.points if p.kind == MINIMUM]
    anchor = last if math.isfinite(last) and abs(last) < 1e6 else run.iterates[0]
    target = min(minima, key=lambda p: abs(p.x - anchor)) if minima else None
    constant = math.isfinite(constant_curvature)
    if constant and constant_curvature > 0 and target is not None:
        curvature: float | None = constant_curvature
    elif target is not None:
        curvature = target.curvature
    else:
        curvature = None
    where = "" if target is None else (target.latex or tex(target.x))
    st.markdown(explain_descent(run, curvature, constant, where))


def steps_table(run: Descent, values: np.ndarray) -> dict[str, list[str]]:
    moves = -run.rate * run.slopes
    return {
        "k": [str(k) for k in range(len(run.iterates))],
        "xₖ": [format_number(v, 5) for v in run.iterates],
        "f(xₖ)": [format_number(v, 5) for v in values],
        "f'(xₖ)": [format_number(v, 5) for v in run.slopes],
        "−η f'(xₖ)": [format_number(v, 4) for v in moves],
    }


def share(
    f: VectorFunction,
    variable: str,
    others: list[str],
    x: float,
    fixed: np.ndarray,
    section: str,
) -> None:
    text = st.session_state.get(f"{PAGE}_good_text", f.text)
    write_query(
        {
            "f": text,
            "wrt": variable if others else None,
            **knob_query(PAGE, [variable], [x]),
            **(knob_query(FIXED, others, fixed.tolist()) if others else {}),
            "h": number_text(st.session_state[f"{PAGE}_h"]),
            "eta": number_text(st.session_state[f"{PAGE}_eta"]),
            "n": str(st.session_state[f"{PAGE}_steps"]),
            "look": LOOK_NAMES[section],
        },
        prefix_owned=("k_", "r_"),
    )


main()
