"""Rate of change: the tangent at the knob, the derivative curve, secants, critical points and
gradient descent on f: R -> R (other knobs held fixed).

Thin on purpose: the maths is in ``calculus/rate.py``, every sentence generated from numbers in
``calculus/narration/rate.py``, the figures in ``ui/rate.py``. Here: read widgets, call, render.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import ui
from calculus import ExpressionError, VectorFunction
from calculus import rate as maths
from calculus.export import plain_symbol
from calculus.narration import rate as words
from calculus.reading import format_number
from ui import rate as pictures
from ui.predict import predict_toggle, question_card, rate_quiz

PAGE = "rate"
TANGENT_KEY = f"{PAGE}_tangent"
FIXED = "rate_fixed"  # knob prefix of the variables held fixed
LOSS = "x^2 + 4x - 2"
DEFAULT_RANGE = ui.KnobRange(-4.0, 4.0, 0.01)
#: The knob on the left, f'(x) and its words on the right.
COLUMNS = [1.3, 1]
SECANT, CRITICAL, DESCENT = pictures.SECTIONS


def main() -> None:
    st.title("Rate of change")
    ui.idea(words.IDEA)
    examples = [ui.Example(*example) for example in words.EXAMPLES]
    predicting = predict_toggle()
    f = ui.function_box(PAGE, default=LOSS, examples=examples, check=words.one_output)
    # Outside the fragment: what does not move with the knob is not re-sent on every move.
    knob, _ = st.columns(COLUMNS, gap="large")
    with knob:
        variable = choose_variable(f)
        ui.knob_range(PAGE, variable, default=DEFAULT_RANGE)  # the plotted range, -4 to 4
        ui.knob_controls(PAGE, [variable], title="The knob")
    if predicting and not question_card(PAGE, rate_quiz(PAGE, f, variable), sliders=True):
        return  # the answer hidden until given; the slider is above the question
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py).
    with st.container(key=f"live_{PAGE}"):
        knobs, readout = st.columns(COLUMNS, gap="large")
        areas = Areas(knobs.container(), readout.container())
        ui.live_panel(  # its own area, under the columns: the picture, then what is below it
            PAGE,
            now=lambda: here(f, variable),
            version=lambda now: now.version,
            chart=lambda now, version: show_tangent(now),
            sliders=lambda now: draw_sliders(areas, now),
            rest=lambda now: show_below(f, areas, now),
        )


# --- cached per function, variable and fixed knobs (never per knob move of x) --------------------


@ui.per_function(max_entries=64, spinner="Solving f'(x) = 0…")
def analysis(
    g: maths.Slice, low: float, high: float
) -> tuple[maths.CriticalPoints, pictures.TangentFrame, ui.figures.SpecFigure]:
    """The critical points, and the heavy picture (f, f', shading, critical points) with its
    frame: one object per function, variable, held knobs and range, so that every knob move of x
    finds it here and sends the curves' same bytes."""
    found = maths.critical_points(g, low, high)
    return found, *pictures.tangent_pictures(g, found, low, high)


@ui.per_function(max_entries=256)
def derivative_latex(g: maths.Slice) -> tuple[str, str, float]:
    """(f' in general, f' with the fixed knobs put in, f'' if constant else nan)."""
    return maths.derivative_forms(g)


# --- the state: knobs, controls and the URL ------------------------------------------------------


def choose_variable(f: VectorFunction) -> str:
    if f.n_inputs == 1:
        return f.variables[0]
    pictures.WRT.seed(f.variables)
    return st.selectbox(
        "Rate of change along", f.variables, key=pictures.WRT.key, format_func=plain_symbol,
        help="The knob that turns; every other knob is held fixed.",
    )  # fmt: skip


@dataclass(frozen=True)
class Areas:
    """Where the panel draws besides its own area (the picture and what is below it): the
    knobs' column and the readout beside it."""

    knobs: DeltaGenerator
    readout: DeltaGenerator


@dataclass(frozen=True)
class Here:
    """What a knob move's run computes from the knobs, once, for every part it draws."""

    variable: str
    g: maths.Slice | None  # None when f'' could not be built in time (then ``problem`` says so)
    x: float
    fixed: np.ndarray
    others: list[str]
    key_point: tuple[float, ...]
    range: ui.KnobRange
    h: float
    version: str  # what the tangent's picture shows: function, knobs and h (picture_version)
    problem: str | None = None

    @property
    def span(self) -> tuple[float, float]:
        return self.range.low, self.range.high


def picture_version(f: VectorFunction, variable: str, x: float, fixed: np.ndarray, h: float) -> str:
    return ui.knob_version(f"{f.text}|{variable}|h={h!r}", [x, *fixed.tolist()])


def knob_setting(f: VectorFunction, variable: str) -> tuple[float, np.ndarray, list[str]]:
    """x, the held knobs' values and their names, as they stand (before the sliders are drawn)."""
    others = [name for name in f.variables if name != variable]
    x = float(ui.knob_values(PAGE, [variable])[0])
    return x, ui.knob_values(FIXED, others) if others else np.array([]), others


def here(f: VectorFunction, variable: str) -> Here:
    """The knobs' values now (before their sliders are drawn) and the slice of f along x (or,
    when f'' could not be built in time, the problem with f's slice left unbuilt)."""
    x, fixed, others = knob_setting(f, variable)
    fixed_values = iter(fixed.tolist())
    key_point = tuple(0.0 if name == variable else next(fixed_values) for name in f.variables)
    rng = st.session_state[f"{PAGE}_range_{variable}"]
    h = float(pictures.H.value())
    version = picture_version(f, variable, x, fixed, h)
    try:
        g: maths.Slice | None = maths.Slice.along(f, variable, key_point)
    except ExpressionError as problem:  # said beside the sliders (show_below)
        return Here(variable, None, x, fixed, others, key_point, rng, h, version,
                    problem.message)  # fmt: skip
    return Here(variable, g, x, fixed, others, key_point, rng, h, version)


def share(f: VectorFunction, now: Here, section: str) -> None:
    ui.write_query(
        {
            "f": st.session_state.get(f"{PAGE}_good_text", f.text),
            **pictures.WRT.query(now.g.variable if now.others else None),
            **ui.knob_query(PAGE, [now.g.variable], [now.x]),
            **(ui.knob_query(FIXED, now.others, now.fixed.tolist()) if now.others else {}),
            **pictures.settings_query(section),
        },
        prefix_owned=("k_", "r_"),
    )


# --- what a knob move reruns ---------------------------------------------------------------------


def draw_sliders(areas: Areas, now: Here) -> None:
    with areas.knobs:
        ui.knob_sliders(PAGE, [now.variable], controls=False, point=[now.x])
        if now.others:
            ui.knob_sliders(FIXED, now.others, title="Held fixed", point=now.fixed)


def show_tangent(now: Here) -> None:
    """The tangent's picture: the light overlay (tangent, secant, points), what a knob move
    changes, on the heavy curves (f, f', bands, critical points), which travel once while only
    x moves (a layered chart)."""
    g, x, h = now.g, now.x, now.h
    if g is None:
        return
    value, slope = float(g.value(x)), float(g.slope(x))
    _, frame, curves = analysis(g, *now.span)
    secant = (x + h, float(g.value(x + h)))
    overlay = pictures.tangent_overlay(frame, x, value, slope, secant)
    ui.layered_chart(
        curves, overlay, key=TANGENT_KEY, version=now.version,
        base_config=pictures.CURVES_CONFIG, overlay_config=pictures.OVERLAY_CONFIG,
    )  # fmt: skip


def show_below(f: VectorFunction, areas: Areas, now: Here) -> None:
    """The readout beside the knobs, and under the picture its caption and one section."""
    g, x, low, high = now.g, now.x, now.range.low, now.range.high
    if g is None:
        areas.readout.error(now.problem, icon=":material/block:")
        return
    value, slope = float(g.value(x)), float(g.slope(x))
    found, _, _ = analysis(g, low, high)
    general, here_latex, constant_curvature = derivative_latex(g)
    with areas.readout:
        pictures.say(words.readout(g.variable, x, value, slope, general, here_latex, g.fixed))
    st.caption(words.PICTURE)
    # One section at a time, chosen by the learner: every section shown would be computed and
    # re-sent to the browser on every knob move.
    pictures.LOOK.seed()
    section = st.segmented_control(
        "Look closer", pictures.SECTIONS, key=pictures.LOOK.key, width="stretch", required=True
    )
    pictures.seed_sections()
    if section == SECANT:
        show_secant(g, x, value, slope, float(g.value(x + now.h)))
    elif section == CRITICAL:
        st.subheader(f"Critical points: f'({plain_symbol(g.variable)}) = 0")
        pictures.say(words.critical_story(g.variable, found))
    elif section == DESCENT:
        show_descent(g, x, found, constant_curvature, now.range)
    share(f, now, section)


def show_secant(g: maths.Slice, x: float, value: float, slope: float, value_h: float) -> None:
    st.subheader("Secant to tangent")
    st.markdown(words.SECANT_INTRO)
    control, numbers = st.columns([1.3, 1], gap="large")
    h = control.select_slider(
        "Step h", pictures.H_CHOICES, key=f"{PAGE}_h", format_func=words.h_label
    )  # h moves the secant on the picture: the live panel redraws it (ui/live.py)
    numbers.latex(words.secant_latex((value_h - value) / h, slope))
    table = maths.secant_table(g, x, tuple(sorted({*maths.SECANT_STEPS, h}, reverse=True)))
    errors, story = st.columns([3, 2], gap="large")
    with errors:
        figure = pictures.secant_error_figure(table.steps, table.errors, h)
        ui.live_chart(figure, key=f"{PAGE}_error", config=pictures.CONFIG)
    with story:
        pictures.say(words.secant_story(table, float(g.curvature(x))))
        with st.expander("The numbers"):
            pictures.say(words.secant_numbers(table))


def show_descent(
    g: maths.Slice, x: float, found: maths.CriticalPoints, curvature: float, rng: ui.KnobRange
) -> None:
    """Gradient descent from the knob; ``curvature`` is f'' when constant (nan otherwise)."""
    st.subheader("Gradient descent: roll downhill")
    st.markdown(words.DESCENT_INTRO)
    st.latex(r"x_{k+1} = x_k - \eta\, f'(x_k)")
    left, right = st.columns(2)
    rate = left.slider(
        "Learning rate η", 0.0, pictures.MAX_RATE, step=0.01, key=f"{PAGE}_eta", format="%.2f"
    )
    until = right.checkbox(
        "Run until converged", key=f"{PAGE}_until",
        help=f"Up to {maths.MAX_DESCENT_STEPS} steps, until |f'| ≤ "
        f"{format_number(maths.CONVERGED_SLOPE)} and the last step is as small.",
    )  # fmt: skip
    steps = right.slider(
        "Number of steps", 1, pictures.MAX_STEPS, key=f"{PAGE}_steps", disabled=until
    )
    bound = maths.MAX_DESCENT_STEPS if until else steps
    run = maths.gradient_descent(g.slope, x, rate, bound, until_converged=until)
    curve, story = st.columns([3, 2], gap="large")
    with curve:
        figure = pictures.descent_picture(g, run, found, rng.low, rng.high)
        ui.live_chart(figure, key=f"{PAGE}_descent", config=pictures.CONFIG)
    with story:
        span = (rng.low, rng.high)
        pictures.say(words.descent_story(run, found, g.variable, span, curvature, until))
    st.markdown("**The steps**")
    table = words.steps_table(run, g.value(run.iterates))
    with st.container(height=280, border=False):
        pictures.say(table[:1])
    pictures.say(table[1:])


main()
