"""Partial derivatives and the gradient: f: R^m -> R as a landscape over two of its knobs, with
slices, the gradient arrow, the tangent plane, directional derivatives, gradient descent and the
Hessian's verdict on critical points.

Thin: read the knobs and settings, compute once at the knobs, hand over to
``ui/landscape_sections.py`` (pictures, sections), ``ui/landscape_state.py`` (settings, URL).
"""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

import ui
from calculus.landscape import (
    LANDSCAPE_EXAMPLES,
    Landscape,
    gradient_descent,
    nearest_critical_point,
)
from calculus.narration import landscape as words
from calculus.reading import format_number
from ui.knobs import knob_controls, knob_range, knob_sliders, knob_values, knob_version
from ui.landscape_sections import (
    Boxes,
    Here,
    Marks,
    cached_critical_points,
    cached_landscape,
    landscape_problem,
    picture_controls,
    show_beside,
    show_caption,
    show_readout,
    show_section,
    show_watched,
    view_scale,
)
from ui.landscape_state import (
    DESCENT,
    DIRECTIONAL,
    HESSIAN,
    PAGE,
    PICTURE_SETTINGS,
    SECTION_SETTINGS,
    SECTIONS,
    VIEWS,
    choose_plotted,
    current_direction,
    page_query,
    seed,
    setting,
)
from ui.predict import landscape_quiz, predict_toggle, question_card

DEFAULT = LANDSCAPE_EXAMPLES["chapter"]
EXAMPLES = [ui.Example(*example) for example in words.EXAMPLES]

#: The knobs on the left, the picture and the readout on the right.
COLUMNS = [1.5, 2.3]
#: Held knob values are rounded to this many significant digits in cache keys.
KEY_DIGITS = 12


def main() -> None:
    st.title("Partial derivatives and the gradient")
    ui.idea(
        "With several knobs, a <b>partial derivative</b> is the effect of turning one knob while "
        "holding the others still: for y = x₁ x₂², ∂y/∂x₁ = x₂² and ∂y/∂x₂ = 2 x₁ x₂. The "
        "<b>gradient</b> collects them, ∇y = [x₂², 2 x₁ x₂]: an arrow on the map of f that "
        "points uphill, steepest. Type a function of two or more knobs and explore its landscape."
    )
    predicting = predict_toggle()
    f = ui.function_box(PAGE, default=DEFAULT, examples=EXAMPLES, check=landscape_problem)
    landscape = cached_landscape(f)
    variables = landscape.variables
    # Outside the fragments: what does not move with the knobs is not re-sent on every move;
    # choosing the view or the plotted knobs redraws the page.
    controls, side = st.columns(COLUMNS, gap="large")
    with controls:
        knob_controls(PAGE, variables)
        if len(variables) > 2:
            choose_plotted(variables)
    if predicting and not question_card(PAGE, landscape_quiz(PAGE, f), sliders=True):
        return  # the answer hidden until given; the sliders are above the question
    with side:
        seed("view")
        st.radio("Show", VIEWS, key=f"{PAGE}_view", horizontal=True, label_visibility="collapsed")
    boxes = make_boxes(setting("view"))
    ui.live_panel(
        PAGE,
        now=lambda: Now(landscape),
        version=lambda now: now.version,
        chart=lambda now, version: show_watched(now.here, now.marks, boxes, version),
        base=lambda now: show_beside(now.here, now.marks, boxes),
        sliders=lambda now: draw_sliders(now, boxes),
        rest=lambda now: show_rest(now, boxes),
    )


def make_boxes(view: str) -> Boxes:
    """The live panel's containers for ``view``: one picture beside the knobs, or both side by
    side in the full width below them (the read-out then beside the knobs)."""
    both = view == "Both"
    # Keyed "live_...": no fading while a knob's rerun is on its way (ui/page.py).
    with st.container(key=f"live_{PAGE}"):
        controls, side = st.columns(COLUMNS, gap="large")
        sliders = controls.container()
        readout = (side if both else controls).container()
        pictures = st.container() if both else side.container()
        with pictures:
            columns = st.columns(2, gap="small") if both else [st.container(), st.container()]
            map_box = field = surface = camera = None
            if view in ("Contour map", "Both"):
                map_box, field = columns[0].container(), columns[0].container()
            if view in ("Surface", "Both"):
                surface, camera = columns[-1].container(), columns[-1].container()
            caption = st.container()
    return Boxes(sliders, readout, map_box, field, surface, camera, caption, 520 if both else 560)


def held_key(point: np.ndarray, plotted: tuple[int, int]) -> tuple[float, ...]:
    """The values of the knobs that are not plotted, rounded: what the heavy figures depend on."""
    return tuple(
        float(f"{value:.{KEY_DIGITS}g}") for k, value in enumerate(point) if k not in plotted
    )


class Now:
    """The knobs and settings as they stand (read once per fragment run, before any widget is
    drawn); f and ∇f there and the open section's marks, computed when first asked for."""

    def __init__(self, landscape: Landscape) -> None:
        self.landscape = landscape
        self.point = knob_values(PAGE, landscape.variables)
        self.plotted = plotted_now(landscape.variables)
        self.section = setting("section")
        open_u = self.section == DIRECTIONAL
        self.direction = direction = current_direction(landscape, self.plotted) if open_u else None
        shown = [setting(name) for name in ("view", "field", "path", "eta", "steps", "azimuth",
                                            "elevation")]  # fmt: skip
        u = "" if direction is None else ",".join(repr(float(v)) for v in direction)
        self.version = knob_version(
            f"{landscape.function.text}|{self.plotted}|{self.section}|{shown}|{u}", self.point
        )

    @functools.cached_property
    def here(self) -> Here:
        return at_knobs(self.landscape, self.point, self.plotted)

    @functools.cached_property
    def marks(self) -> Marks:
        return section_marks(self.here, self.section, self.direction)


def plotted_now(variables: tuple[str, ...]) -> tuple[int, int]:
    """The two knobs on the map's axes, as chosen above the knobs (drawn by main)."""
    if len(variables) <= 2:
        return (0, 1)
    across = st.session_state.get(f"{PAGE}_across")
    up = st.session_state.get(f"{PAGE}_up")
    if across not in variables or up not in variables or across == up:
        return (0, 1)
    return (variables.index(across), variables.index(up))


def draw_sliders(now: Now, boxes: Boxes) -> None:
    with boxes.sliders:
        knob_sliders(PAGE, now.landscape.variables, columns=1, controls=False, point=now.point)


def show_rest(now: Now, boxes: Boxes) -> None:
    """The pictures' controls, the read-out, the pictures' caption, and the chosen section: after
    the map is drawn."""
    seed(*PICTURE_SETTINGS)
    picture_controls(boxes)  # in the panel: a turn of the camera reruns only the panel
    here, view = now.here, setting("view")
    variables = now.landscape.variables
    with boxes.readout:
        if len(variables) > 2:
            i, j = here.plotted
            fixed = ", ".join(
                f"{here.names[k]} = {format_number(here.point[k])}"
                for k in range(len(variables))
                if k not in here.plotted
            )
            st.info(
                f"f has {len(variables)} knobs: the pictures show {here.names[i]} (across) and "
                f"{here.names[j]} (up), with {fixed} held fixed at the slider.",
                icon=":material/explore:",
            )
        show_readout(here)
    show_caption(here, now.marks, view, boxes)
    seed("section")
    st.radio(
        "Look closer",
        SECTIONS,
        key=f"{PAGE}_section",
        horizontal=True,
        help="Each part draws its own marks on the map: slices, direction, descent path, "
        "critical point.",
    )
    seed(*SECTION_SETTINGS)
    show_section(here, now.marks, view)
    share(now.landscape, here.point, here.plotted)


def at_knobs(landscape: Landscape, point: np.ndarray, plotted: tuple[int, int]) -> Here:
    ranges = [knob_range(PAGE, landscape.variables[k]) for k in plotted]
    return Here(
        landscape=landscape,
        point=point,
        plotted=plotted,
        x_range=(ranges[0].low, ranges[0].high),
        y_range=(ranges[1].low, ranges[1].high),
        held=held_key(point, plotted),
        value=float(landscape.value_at(point)),
        gradient=landscape.gradient_at(point),
    )


def section_marks(here: Here, section: str, direction: np.ndarray | None) -> Marks:
    """What the open section needs at the knobs, computed only for that section."""
    landscape = here.landscape
    path = None
    if section == DESCENT:
        rate, steps = float(setting("eta")), int(setting("steps"))
        path = gradient_descent(landscape, here.point, rate, steps)
    nearest = None
    if section in (HESSIAN, DESCENT):
        known = cached_critical_points(
            here.landscape, here.plotted, here.held, here.x_range, here.y_range
        )
        scale = view_scale(here.x_range, here.y_range)
        nearest = nearest_critical_point(landscape, here.point, known, scale=scale)
    return Marks(section=section, direction=direction, path=path, nearest=nearest)


def share(landscape: Landscape, point: np.ndarray, plotted: tuple[int, int]) -> None:
    """The page's state in the URL: a link reproduces what the learner sees."""
    text = st.session_state.get(f"{PAGE}_good_text", landscape.function.text)
    ui.write_query(
        {
            "f": text,
            **ui.knob_query(PAGE, landscape.variables, point.tolist()),
            **page_query(landscape, plotted),
        },
        prefix_owned=("k_", "r_"),
    )


main()
