"""What the Gradient landscape page draws: the cached heavy figures, the pictures with their
moving marks, the read-out and the six sections ("Look closer").

The page reads the knobs and settings, computes the maths once (:class:`Here`, :class:`Marks`)
and hands them to these functions; figures come from ``ui/landscape.py`` (pure), sentences from
``calculus/narration/landscape.py``, maths from ``calculus/landscape.py``. Widget keys are
``landscape_...`` (``ui/landscape_state.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st
import sympy as sp
from streamlit.delta_generator import DeltaGenerator

from calculus import ExpressionError, VectorFunction
from calculus.export import plain_symbol, symbol_latex
from calculus.landscape import (
    MAX_TYPESET_NODES,
    CriticalPoint,
    DescentPath,
    Landscape,
    critical_points,
    directional_check,
    formula_size,
    gradient_field,
    grid_starts,
    hessian_check,
    landscape_of,
    sample_grid,
    slice_along,
    tangent_plane_check,
    values_along,
    with_families,
)
from calculus.narration.landscape import (
    EIGENVALUE_NOTE,
    agreement_words,
    critical_story,
    gradient_lines,
    plane_check_sentence,
    symbol_notes,
    valley_note,
)
from calculus.reading import format_number
from ui.cache import per_function
from ui.chart_component import layered_chart, live_chart
from ui.knobs import set_knobs
from ui.landscape import (
    CHART_CONFIG,
    HEAVY_CONFIG,
    LIGHT_CONFIG,
    SURFACE_OVERLAY_CONFIG,
    MapFrame,
    MapMarks,
    SliceCurve,
    SurfaceFrame,
    SurfaceMarks,
    arrow_scale,
    contour_figure,
    descent_values_figure,
    directional_figure,
    map_overlay,
    matrix_tex,
    slices_figure,
    surface_figure,
    surface_overlay,
    tex,
    vector_tex,
    z_range,
)
from ui.landscape_state import (
    DESCENT,
    DIRECTIONAL,
    GRADIENT,
    HESSIAN,
    MAX_STEPS,
    PAGE,
    PLANE,
    RATES,
    SLICES,
    U_MODES,
    setting,
    u_keys,
    vector_mode,
)
from ui.url_state import number_text

MAP_RESOLUTION = 81
SURFACE_RESOLUTION = 61
FIELD_RESOLUTION = 15
CRITICAL_RESOLUTION = 41
SLICE_POINTS = 201
#: The pictures' keys: layered charts, heavy figure and light marks in one element.
MAP_CHART = f"{PAGE}_map"
SURFACE_CHART = f"{PAGE}_surface"

# --- cached per function and ranges (never per move of a plotted knob) ---------------------------


@per_function(max_entries=64, spinner="Differentiating the gradient…")
def _landscape_or_refusal(f: VectorFunction) -> Landscape | ExpressionError:
    # A refusal is kept too: every run of the page asks, and a function too large for the
    # Hessian would wait out the whole time limit (4 s) on each.
    try:
        return landscape_of(f)
    except ExpressionError as refused:
        return refused


def cached_landscape(f: VectorFunction) -> Landscape:
    """The landscape of f: its gradient and Hessian, compiled."""
    built = _landscape_or_refusal(f)
    if isinstance(built, ExpressionError):
        raise built.with_traceback(None)
    return built


def landscape_problem(f: VectorFunction) -> str | None:
    """The function box's rule for this page: one output, two knobs or more, a Hessian."""
    try:
        cached_landscape(f)
    except ExpressionError as problem:
        return problem.message
    return None


def full_point(held: tuple[float, ...], m: int, plotted: tuple[int, int]) -> list[float]:
    """The m knob values of a grid: ``held`` lists the knobs that are not plotted, in order."""
    values = iter(held)
    return [0.0 if k in plotted else next(values) for k in range(m)]


@per_function(max_entries=32)
def cached_contour(
    landscape: Landscape,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    frame: MapFrame,
    field: bool,
):
    """The heavy contour map: the same object (so the same bytes) for every knob move."""
    point = full_point(held, landscape.n_inputs, plotted)
    grid = sample_grid(landscape, plotted, point, frame.x_range, frame.y_range, MAP_RESOLUTION)
    arrows, spacing = None, 0.0
    if field:
        arrows = gradient_field(
            landscape, plotted, point, frame.x_range, frame.y_range, FIELD_RESOLUTION
        )
        spacing = frame.smaller_span / (FIELD_RESOLUTION - 1)
    return contour_figure(grid, frame, arrows, spacing)


@per_function(max_entries=32)
def cached_surface_grid(
    landscape: Landscape,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
):
    point = full_point(held, landscape.n_inputs, plotted)
    return sample_grid(landscape, plotted, point, x_range, y_range, SURFACE_RESOLUTION)


@per_function(max_entries=32)
def cached_surface(landscape: Landscape, plotted: tuple[int, int], held: tuple[float, ...], frame):
    """The heavy surface, per function, ranges and camera (never per knob move)."""
    grid = cached_surface_grid(landscape, plotted, held, frame.x_range, frame.y_range)
    return surface_figure(grid, frame)


@per_function(max_entries=64, spinner="Looking for critical points…")
def cached_critical_points(
    landscape: Landscape,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[CriticalPoint, ...]:
    """Critical points reached by Newton's method from the grid minima of |grad f| in view,
    each knowing whether it lies on a line or curve of critical points."""
    point = full_point(held, landscape.n_inputs, plotted)
    grid = sample_grid(landscape, plotted, point, x_range, y_range, CRITICAL_RESOLUTION)
    found = critical_points(landscape, grid_starts(grid, landscape))
    return tuple(with_families(landscape, found, view_scale(x_range, y_range)))


def view_scale(x_range: tuple[float, float], y_range: tuple[float, float]) -> float:
    """The size of the pictured plane: the larger span."""
    return max(x_range[1] - x_range[0], y_range[1] - y_range[0])


@per_function(max_entries=256)
def latex_of(landscape: Landscape, what: str, k: int = 0) -> str | None:
    """LaTeX of the gradient's entry k, the gradient row or the Hessian, once per function;
    None when it is too large to typeset (more than MAX_TYPESET_NODES nodes)."""
    if what == "partial":
        expressions = [landscape.gradient()[k]]
    elif what == "gradient":
        expressions = list(landscape.gradient())
    else:
        expressions = list(landscape.hessian())
    if formula_size(expressions) > MAX_TYPESET_NODES:
        return None
    if what == "partial":
        return sp.latex(expressions[0])
    if what == "gradient":
        return sp.latex(sp.Matrix([expressions]))
    return sp.latex(landscape.hessian())


TOO_LARGE = (
    "too large to typeset here (over {nodes} symbols and operations); the numbers at the "
    "knobs are exact all the same"
)


# --- what the page knows at the knobs ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Here:
    """The knob point (m,) and what the page computes there once per run: f, ∇f (m,), the
    plotted knobs and their ranges, the held knobs' values (the heavy figures' cache key)."""

    landscape: Landscape
    point: np.ndarray
    plotted: tuple[int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    held: tuple[float, ...]
    value: float
    gradient: np.ndarray

    @property
    def names(self) -> list[str]:
        return [plain_symbol(name) for name in self.landscape.variables]

    @property
    def plane_gradient(self) -> tuple[float, float]:
        i, j = self.plotted
        return (float(self.gradient[i]), float(self.gradient[j]))

    @property
    def has_gradient(self) -> bool:
        return bool(np.all(np.isfinite(self.gradient)))


@dataclass(frozen=True, eq=False)
class Marks:
    """What the open section adds at the knobs: the direction u (m,), the descent path, the
    nearest critical point (each None when the section does not draw it)."""

    section: str
    direction: np.ndarray | None = None
    path: DescentPath | None = None
    nearest: CriticalPoint | None = None


# --- the pictures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boxes:
    """Where the live panel draws: containers the page made outside its fragments. ``map`` and
    ``surface`` each hold a layered chart (a heavy cached figure under its light overlay);
    None when the view does not show that picture."""

    sliders: DeltaGenerator
    readout: DeltaGenerator
    map: DeltaGenerator | None
    field: DeltaGenerator | None
    surface: DeltaGenerator | None
    camera: DeltaGenerator | None
    caption: DeltaGenerator
    height: int


def map_frame(here: Here, height: int) -> MapFrame:
    i, j = here.plotted
    return MapFrame(here.x_range, here.y_range, here.names[i], here.names[j], height=height)


def surface_frame(here: Here, height: int) -> SurfaceFrame:
    i, j = here.plotted
    grid = cached_surface_grid(here.landscape, here.plotted, here.held, here.x_range, here.y_range)
    return SurfaceFrame(
        here.x_range,
        here.y_range,
        z_range(grid.z),
        here.names[i],
        here.names[j],
        azimuth=float(setting("azimuth")),
        elevation=float(setting("elevation")),
        height=height,
    )


def show_watched(here: Here, marks: Marks, boxes: Boxes, version: str) -> None:
    """The picture the learner watches, first: the map, or the surface without a map. Each is
    a layered chart: the cached heavy figure (sent once while only the plotted knobs move)
    under the light marks."""
    if boxes.map is not None:
        frame = map_frame(here, boxes.height)
        heavy = cached_contour(here.landscape, here.plotted, here.held, frame, setting("field"))
        overlay = map_overlay(frame, map_marks(here, marks, frame))
        with boxes.map:
            layered_chart(heavy, overlay, key=MAP_CHART, version=version,
                          base_config=HEAVY_CONFIG, overlay_config=LIGHT_CONFIG)  # fmt: skip
    elif boxes.surface is not None:
        show_surface(here, marks, boxes, version)


def show_surface(here: Here, marks: Marks, boxes: Boxes, version: str | None) -> None:
    frame = surface_frame(here, boxes.height)
    heavy = cached_surface(here.landscape, here.plotted, here.held, frame)
    overlay = surface_overlay(frame, surface_marks(here, marks.section))
    with boxes.surface or st.container():
        layered_chart(heavy, overlay, key=SURFACE_CHART, version=version,
                      base_config=HEAVY_CONFIG, overlay_config=SURFACE_OVERLAY_CONFIG)  # fmt: skip


def show_beside(here: Here, marks: Marks, boxes: Boxes) -> None:
    """After the paint pause: the surface beside the map (the Both view), when the map is the
    watched picture."""
    if boxes.map is not None and boxes.surface is not None:
        show_surface(here, marks, boxes, None)


def picture_controls(boxes: Boxes) -> None:
    """The gradient-field checkbox under the map, the camera's sliders under the surface."""
    if boxes.field is not None:
        boxes.field.checkbox(
            "Gradient field: ∇f on a coarse grid",
            key=f"{PAGE}_field",
            help="An arrow of ∇f at each point of a 15 × 15 grid, all scaled together: "
            "each is perpendicular to the level curve through its foot.",
        )
    if boxes.camera is not None:
        turn, tilt = boxes.camera.columns(2)
        turn.slider("Turn the view", -180, 180, step=5, key=f"{PAGE}_azimuth")
        tilt.slider("Tilt", 0, 90, step=5, key=f"{PAGE}_elevation")


def show_caption(here: Here, marks: Marks, view: str, boxes: Boxes) -> None:
    i, j = here.plotted
    drawn = map_marks(here, marks, map_frame(here, boxes.height)) if view != "Surface" else None
    caption = legend(drawn, marks.section, view, here.names[i], here.names[j])
    if view != "Surface" and not MapFrame(here.x_range, here.y_range, "", "").equal_aspect:
        caption += (
            " The two axes have very different scales here, so the arrow does not look "
            "perpendicular to the level curves (it is, at equal scales)."
        )
    boxes.caption.caption(caption)


def legend(drawn: MapMarks | None, section: str, view: str, x_name: str, y_name: str) -> str:
    """The marks on the pictures, in words with their colours: only those drawn now (``drawn``:
    the map's marks, None without a map), so the caption never names a mark that is not there."""
    parts = []
    if drawn is not None:
        gradient = drawn.gradient
        if gradient is None or not all(math.isfinite(g) for g in gradient):
            marks = ["no arrow: the gradient ∇f is undefined at this point"]
        elif math.hypot(*gradient) == 0:
            marks = ["no arrow: the gradient ∇f is zero at this point"]
        else:
            marks = [":red[**red arrow**]: the gradient ∇f", "**dark segment**: the level curve"]
        if drawn.direction is not None:
            marks.append(":green[**green arrow**]: the direction u")
        if drawn.path is not None and len(drawn.path) > 1:
            marks.append("**white dots**: the descent path")
        if drawn.critical is not None:
            marks.append("**★**: the nearest critical point")
        parts.append("Map — " + " · ".join(marks))
    if section == SLICES:
        parts.append(
            f":orange[**orange**] and :violet[**violet**]: the slices along {x_name} and "
            f"{y_name} through the point"
        )
    if view != "Contour map" and section in (PLANE, GRADIENT):
        parts.append(":orange[**orange plane**]: the tangent plane")
    parts.append("The pictures span each knob's range: change it under Ranges")
    return ". ".join(parts) + "."


def map_marks(here: Here, marks: Marks, frame: MapFrame) -> MapMarks:
    i, j = here.plotted
    plane = here.plane_gradient
    length = math.hypot(*plane) if all(map(math.isfinite, plane)) else math.nan
    path = marks.path
    shown_path = None
    if path is not None and setting("path") and len(path.points) > 1:
        shown_path = path.points[:, [i, j]]
    nearest = marks.nearest
    critical = None
    if nearest is not None:
        critical = (float(nearest.point[i]), float(nearest.point[j]), nearest.kind)
    u = marks.direction
    along = None
    if u is not None and math.hypot(u[i], u[j]) > 1e-12:
        norm = math.hypot(u[i], u[j])
        along = (float(u[i]) / norm, float(u[j]) / norm)
    return MapMarks(
        point=(float(here.point[i]), float(here.point[j])),
        gradient=plane,
        gradient_scale=arrow_scale(length, frame.smaller_span),
        slices=marks.section == SLICES,
        direction=along,
        path=shown_path,
        critical=critical,
    )


def surface_marks(here: Here, section: str) -> SurfaceMarks:
    i, j = here.plotted
    slice_x = slice_y = None
    if section == SLICES:
        tx = np.linspace(*here.x_range, SLICE_POINTS)
        ty = np.linspace(*here.y_range, SLICE_POINTS)
        slice_x = (tx, slice_along(here.landscape, here.point, i, tx))
        slice_y = (ty, slice_along(here.landscape, here.point, j, ty))
    slopes = here.plane_gradient if all(map(math.isfinite, here.plane_gradient)) else None
    return SurfaceMarks(
        point=(float(here.point[i]), float(here.point[j]), here.value),
        slice_x=slice_x,
        slice_y=slice_y,
        plane_slopes=slopes if section in (PLANE, GRADIENT) else None,
    )


# --- read-out and sections -----------------------------------------------------------------------


def show_readout(here: Here) -> None:
    if not math.isfinite(here.value):
        st.warning(
            "f is undefined at this point (for example ln or √ of a negative number, or a "
            "division by zero): no value, no slopes. Move the knobs.",
            icon=":material/block:",
        )
        return
    # One LaTeX block, not three: every element redrawn on a knob move costs the browser time.
    lines = [rf"f({', '.join(tex(v) for v in here.point)}) &= {tex(here.value)}"]
    if here.has_gradient:
        lines.append(rf"\nabla f &= {vector_tex(here.gradient)}")
        lines.append(rf"|\nabla f| &= {tex(float(np.linalg.norm(here.gradient)))}")
    st.latex(r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}")
    if not here.has_gradient:
        st.warning(
            "f has no gradient here: at least one partial derivative does not exist (a kink or "
            "an edge of the domain). Move the knobs off it.",
            icon=":material/warning:",
        )


def notes(*shown: str) -> None:
    """One caption line per symbol the chapter does not explain, if any is in ``shown``."""
    if found := symbol_notes(shown):
        st.caption(" ".join(found))


def show_section(here: Here, marks: Marks, view: str) -> None:
    section = marks.section
    if section == SLICES:
        show_slices(here)
    elif section == GRADIENT:
        show_gradient(here, view)
    elif section == PLANE:
        show_tangent_plane(here)
    elif section == DIRECTIONAL:
        show_directional(here, marks.direction)
    elif section == DESCENT and marks.path is not None:
        show_descent(here, marks.path, marks.nearest)
    elif section == HESSIAN:
        show_hessian(here, marks.nearest)


def show_slices(here: Here) -> None:
    names = here.names
    curves = []
    for k, span in zip(here.plotted, (here.x_range, here.y_range), strict=True):
        t = np.linspace(*span, SLICE_POINTS)
        held = ", ".join(
            f"{n} = {format_number(here.point[index])}"
            for index, n in enumerate(names)
            if index != k
        )
        curves.append(
            SliceCurve(
                label=names[k],
                held=f"{held} held",
                t=t,
                values=slice_along(here.landscape, here.point, k, t),
                at=float(here.point[k]),
                value=here.value,
                slope=float(here.gradient[k]),
            )
        )
    text, figure = st.columns([2, 3], gap="large")
    with text:
        st.markdown(
            "Cut the landscape along one knob through the point (the dotted lines on the map): "
            "what is left is an ordinary curve of one variable, the other knobs held still. The "
            "slope of its tangent is the **partial derivative** along that knob:"
        )
        lines = []
        for k in here.plotted:
            v = symbol_latex(here.landscape.variables[k])
            formula = latex_of(here.landscape, "partial", k)
            shown = r"\text{(too large to typeset)}" if formula is None else formula
            value = tex(float(here.gradient[k]))
            lines.append(rf"\frac{{\partial f}}{{\partial {v}}} &= {shown} = {value}")
        block = r"\begin{aligned}" + r" \\[12pt] ".join(lines) + r"\end{aligned}"
        st.latex(block)
        notes(block)
        if here.landscape.n_inputs > 2:
            st.caption("Map other knobs to see the other slices; every partial is in ∇f.")
    with figure:
        live_chart(slices_figure(curves), key=f"{PAGE}_slices", config=CHART_CONFIG)


def show_gradient(here: Here, view: str) -> None:
    formula = latex_of(here.landscape, "gradient")
    exact = "" if formula is None else f"{formula} = "
    st.latex(rf"\nabla f = {exact}{vector_tex(here.gradient)}")
    if formula is None:
        st.caption("The formula of ∇f is " + TOO_LARGE.format(nodes=MAX_TYPESET_NODES) + ".")
    notes(formula or "")
    if not here.has_gradient:
        st.markdown("At this point the gradient does not exist, so there is no arrow.")
        return
    if float(np.linalg.norm(here.gradient)) == 0:
        st.markdown(
            "The gradient is **zero** here: no direction goes up at first order. This is a "
            "**critical point**; open the Hessian to see which kind."
        )
        return
    span = min(here.x_range[1] - here.x_range[0], here.y_range[1] - here.y_range[0])
    scale = arrow_scale(math.hypot(*here.plane_gradient), span)
    text = "\n".join(gradient_lines(here.gradient, here.plotted, here.names, view, scale))
    st.markdown(text)
    notes(text)


def signed(value: float) -> str:
    text = tex(abs(value))
    return f"- {text}" if value < 0 else f"+ {text}"


def show_tangent_plane(here: Here) -> None:
    i, j = here.plotted
    x, y = (symbol_latex(here.landscape.variables[k]) for k in here.plotted)
    a, b = float(here.point[i]), float(here.point[j])
    gx, gy = here.plane_gradient
    if not all(map(math.isfinite, (here.value, gx, gy))):
        st.markdown("No tangent plane here: f or one of its partial derivatives is undefined.")
        return
    st.markdown(
        "Zoom in far enough and the landscape looks flat: near the point, f is almost the plane "
        "through (a, b, f(a, b)) whose slopes along the two knobs are the partial derivatives. "
        "Show the **Surface** to see it (orange)."
    )
    st.latex(
        rf"z = f(a, b) + \frac{{\partial f}}{{\partial {x}}}(a, b)\,({x} - a) "
        rf"+ \frac{{\partial f}}{{\partial {y}}}(a, b)\,({y} - b)"
    )
    plane = (
        rf"z = {tex(here.value)} {signed(gx)}\,({x} {signed(-a)}) {signed(gy)}\,({y} {signed(-b)})"
    )
    st.latex(plane)
    check = tangent_plane_check(here.landscape, here.point, here.plotted)
    sentence = plane_check_sentence(check.step, check.predicted, check.actual)
    st.markdown(sentence)
    notes(sentence, plane)


def set_angle(angle: float) -> None:
    st.session_state[f"{PAGE}_angle"] = float(round(angle))


def show_directional(here: Here, direction: np.ndarray | None) -> None:
    landscape, gradient = here.landscape, here.gradient
    i, j = here.plotted
    names = here.names
    vector = vector_mode(landscape)
    in_plane = here.has_gradient and math.hypot(*here.plane_gradient) > 0
    controls, figure = st.columns([2, 3], gap="large")
    with controls:
        if landscape.n_inputs > 2:
            st.radio(
                "Direction u",
                U_MODES,
                key=f"{PAGE}_u_mode",
                horizontal=True,
                format_func=lambda mode: (
                    "in the map's plane" if mode == "angle" else "any direction (a vector)"
                ),
            )
        if vector:
            cells = st.columns(min(landscape.n_inputs, 4))
            for index, key in enumerate(u_keys(landscape)):
                cells[index % len(cells)].number_input(
                    f"u along {names[index]}", key=key, step=0.1, format="%g"
                )
        else:
            st.slider(
                f"Angle of u from the {names[i]} axis (degrees)",
                0.0,
                360.0,
                step=1.0,
                key=f"{PAGE}_angle",
            )
            if in_plane:
                st.button(
                    "Point u along the gradient",
                    key=f"{PAGE}_along_gradient",
                    on_click=set_angle,
                    args=(math.degrees(math.atan2(gradient[j], gradient[i])) % 360,),
                )
        if direction is None:
            st.warning(
                "u needs a length: set at least one component to a number ≠ 0.",
                icon=":material/warning:",
            )
            return
        check = directional_check(landscape, here.point, direction)
        length = float(np.linalg.norm(gradient))
        st.latex(rf"u = {vector_tex(direction, 3)}")
        st.latex(rf"D_u f = \nabla f \cdot u = {tex(check.exact)}")
        measured = (
            "Measured on the surface instead: (f(p + h u) − f(p − h u)) / 2h with a tiny h gives "
            f"**{format_number(check.measured)}**, the same slope."
        )
        st.markdown(measured)
        if math.isfinite(length) and length > 0 and math.isfinite(check.exact):
            phi = math.degrees(math.acos(max(-1.0, min(1.0, check.exact / length))))
            st.markdown(
                f"D_u f = |∇f| cos φ, where φ = {format_number(phi, 3)}° is the angle between u "
                f"and ∇f: largest, **|∇f| = {format_number(length)}**, when u points along the "
                "gradient (φ = 0), −|∇f| against it, and 0 along the level curve (φ = 90°)."
            )
        notes(measured)
    with figure:
        reach = 0.5 * min(here.x_range[1] - here.x_range[0], here.y_range[1] - here.y_range[0])
        t = np.linspace(-reach, reach, SLICE_POINTS)
        values = values_along(landscape, here.point, direction, t)
        angles = slopes = angle = gradient_angle = None
        if not vector:
            angles = np.linspace(0.0, 360.0, 181)
            radians = np.radians(angles)
            slopes = gradient[i] * np.cos(radians) + gradient[j] * np.sin(radians)
            angle = float(setting("angle"))
            if in_plane:
                gradient_angle = math.degrees(math.atan2(gradient[j], gradient[i])) % 360
        live_chart(
            directional_figure(
                t, values, here.value, check.exact, angles, slopes, angle, gradient_angle
            ),
            key=f"{PAGE}_directional",
            config=CHART_CONFIG,
        )


def show_descent(here: Here, path: DescentPath, nearest: CriticalPoint | None) -> None:
    names = here.names
    controls, figure = st.columns([2, 3], gap="large")
    with controls:
        st.markdown(
            "Start at the knobs and step against the gradient, the way a model's weights are "
            "trained on its loss:"
        )
        st.latex(r"x_{k+1} = x_k - \eta\, \nabla f(x_k)")
        rate_column, steps_column = st.columns(2)
        rate_column.select_slider(
            "Learning rate η", RATES, key=f"{PAGE}_eta", format_func=number_text
        )
        steps_column.slider("Steps", 1, MAX_STEPS, key=f"{PAGE}_steps")
        st.checkbox("Draw the path on the map", key=f"{PAGE}_path")
        last = path.points[-1]
        k = len(path.points) - 1
        where = ", ".join(f"{n} = {format_number(v)}" for n, v in zip(names, last, strict=True))
        after = (
            f"After **{k}** step{'s' * (k != 1)}: {where}, f = **{format_number(path.values[-1])}**"
            f" (it started at {format_number(path.values[0])})."
        )
        st.markdown(after)
        if path.stopped:
            st.warning(f"Stopped early: {path.stopped}.", icon=":material/warning:")
    with figure:
        live_chart(descent_values_figure(path.values), key=f"{PAGE}_descent", config=CHART_CONFIG)
    rate = float(setting("eta"))
    if nearest is not None and nearest.kind == "minimum":
        note = valley_note(nearest.hessian, rate, at_minimum=True)
    elif np.all(np.isfinite(last)):
        note = valley_note(here.landscape.hessian_at(last), rate, at_minimum=False)
    else:
        note = None
    if note:
        st.markdown(note)
    notes(after, note or "")


def show_hessian(here: Here, nearest: CriticalPoint | None) -> None:
    exact, at_knobs = st.columns([3, 2], gap="large")
    check = hessian_check(here.landscape, here.point)
    with exact:
        st.markdown(
            "The second derivatives, H[i, j] = ∂²f / ∂xᵢ∂xⱼ: the Jacobian of the gradient. "
            + EIGENVALUE_NOTE
        )
        formula = latex_of(here.landscape, "hessian")
        if formula is None:
            m = here.landscape.n_inputs
            st.markdown(
                f"The formula of H ({m} × {m} = {m * m} entries) is "
                + TOO_LARGE.format(nodes=MAX_TYPESET_NODES)
                + "."
            )
        else:
            st.latex(rf"H = {formula}")
            notes(formula)
    with at_knobs:
        st.markdown("At the knobs:")
        st.latex(rf"H = {matrix_tex(check.hessian)}")
        if np.all(np.isfinite(check.hessian)):
            st.markdown(
                "Eigenvalues: " + ", ".join(f"**{format_number(e)}**" for e in check.eigenvalues)
            )
            agreement = (
                "Measured instead of derived: central differences of ∇f with a step of 10⁻⁵ "
                f"agree with these values {agreement_words(check.difference)}."
            )
            st.caption(agreement)
            notes(agreement)
    story = critical_story(here.gradient, nearest, here.point, here.names)
    st.markdown(story)
    if nearest is not None and not np.allclose(nearest.point, here.point, atol=1e-9):
        st.button(
            "Move the knobs to this critical point",
            key=f"{PAGE}_go_critical",
            on_click=move_knobs,
            args=(here.landscape.variables, tuple(float(v) for v in nearest.point)),
        )


def move_knobs(variables: tuple[str, ...], target: tuple[float, ...]) -> None:
    """Set the knobs (clamped to their ranges); from a button's callback, before they render."""
    set_knobs(PAGE, dict(zip(variables, target, strict=True)))
