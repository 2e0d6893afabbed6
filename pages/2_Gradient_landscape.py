"""Partial derivatives and the gradient: f: R^m -> R as a landscape over two of its knobs, with
slices, the gradient arrow, the tangent plane, directional derivatives, gradient descent and the
Hessian's verdict on critical points."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st
import sympy as sp

from calculus import ExpressionError, VectorFunction
from calculus.export import plain_symbol, symbol_latex
from calculus.landscape import (
    LANDSCAPE_EXAMPLES,
    CriticalPoint,
    DescentPath,
    Landscape,
    critical_points,
    direction_from_angle,
    gradient_descent,
    gradient_field,
    grid_starts,
    landscape_of,
    nearest_critical_point,
    sample_grid,
    slice_along,
    unit_vector,
    values_along,
)
from calculus.reading import format_number
from ui import (
    Example,
    cached_function,
    function_box,
    idea,
    knob_query,
    let_the_browser_paint,
    live_chart,
    setup_page,
    write_query,
)
from ui.knobs import knob_controls, knob_range, knob_sliders
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
    critical_story,
    descent_values_figure,
    direction_words,
    directional_figure,
    map_overlay,
    matrix_tex,
    scale_text,
    slices_figure,
    surface_figure,
    surface_overlay,
    tex,
    valley_note,
    vector_tex,
    z_range,
)
from ui.url_state import number_text, parse_float, query_float, query_text

PAGE = "landscape"
DEFAULT = LANDSCAPE_EXAMPLES["chapter"]
EXAMPLES = [
    Example("The chapter's y = x1 x2²", DEFAULT,
            "Turn x1 with x2 held: y changes at rate x2² (∂y/∂x1). Turn x2 with x1 held: at rate "
            "2 x1 x2. Together they are the gradient [x2², 2 x1 x2]. Every point of the line "
            "x2 = 0 is critical, and there the Hessian cannot decide."),
    Example("A quadratic bowl", LANDSCAPE_EXAMPLES["bowl"],
            "One minimum at (0, 0). The level curves are ellipses, and the gradient arrow is "
            "perpendicular to them — so it does not point at the minimum."),
    Example("The saddle x² − y²", LANDSCAPE_EXAMPLES["saddle"],
            "Up along x, down along y: at (0, 0) the Hessian has one positive and one negative "
            "eigenvalue, a saddle point. The gradient is zero there, yet it is no minimum."),
    Example("Rosenbrock's banana", LANDSCAPE_EXAMPLES["rosenbrock"],
            "A long, narrow, curved valley with its minimum at (1, 1). Gradient descent "
            "zig-zags across the valley and crawls along it: open Gradient descent below."),
    Example("sin(x) cos(y)", LANDSCAPE_EXAMPLES["egg crate"],
            "An egg crate: maxima, minima and saddles side by side. Open the Hessian below and "
            "jump to the nearest critical point to classify it."),
    Example("A two-weight logistic loss", LANDSCAPE_EXAMPLES["logistic loss"],
            "The loss of a logistic model with weights w1, w2 on two data points, plus a small "
            "weight penalty: a smooth bowl with one minimum, the kind of landscape training "
            "walks down."),
    Example("Three knobs: x y² + sin z", "x y^2 + sin(z)",
            "With three knobs the map shows two of them and holds the third at its slider. "
            "Pick which two to map above the knobs."),
]  # fmt: skip

VIEWS = ("Contour map", "Surface", "Both")
#: The knobs on the left, the picture and the readout on the right.
COLUMNS = [1.5, 2.3]
SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN = (
    "Slices", "Gradient", "Tangent plane", "Directional derivative", "Gradient descent", "Hessian",
)  # fmt: skip
SECTIONS = (SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN)
MAP_RESOLUTION = 81
SURFACE_RESOLUTION = 61
FIELD_RESOLUTION = 15
CRITICAL_RESOLUTION = 41
SLICE_POINTS = 201
RATES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
DEFAULT_RATE = 0.05
DEFAULT_STEPS = 30
MAX_STEPS = 300
DEFAULT_ANGLE = 45.0
#: Held knob values are rounded to this many significant digits in cache keys.
KEY_DIGITS = 12
#: Central-difference step for the numeric checks shown on the page.
CHECK_STEP = 1e-5


# --- cached per function and ranges (never per move of a plotted knob) ---------------------------


@st.cache_resource(max_entries=64, show_spinner="Differentiating the gradient…")
def cached_landscape(text: str) -> Landscape:
    """The landscape of the function typed as ``text``: its gradient and Hessian, compiled."""
    return landscape_of(cached_function(text))


def landscape_problem(f: VectorFunction) -> str | None:
    """The function box's rule for this page: one output, two knobs or more, a Hessian."""
    try:
        cached_landscape(f.text)
    except ExpressionError as problem:
        return problem.message
    return None


def full_point(held: tuple[float, ...], m: int, plotted: tuple[int, int]) -> list[float]:
    """The m knob values of a grid: ``held`` lists the knobs that are not plotted, in order."""
    values = iter(held)
    return [0.0 if k in plotted else next(values) for k in range(m)]


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_contour(
    text: str, plotted: tuple[int, int], held: tuple[float, ...], frame: MapFrame, field: bool
):
    """The heavy contour map: the same object (so the same bytes) for every knob move."""
    landscape = cached_landscape(text)
    point = full_point(held, landscape.n_inputs, plotted)
    grid = sample_grid(landscape, plotted, point, frame.x_range, frame.y_range, MAP_RESOLUTION)
    arrows, spacing = None, 0.0
    if field:
        arrows = gradient_field(
            landscape, plotted, point, frame.x_range, frame.y_range, FIELD_RESOLUTION
        )
        spacing = frame.smaller_span / (FIELD_RESOLUTION - 1)
    return contour_figure(grid, frame, arrows, spacing)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_surface_grid(
    text: str,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
):
    landscape = cached_landscape(text)
    point = full_point(held, landscape.n_inputs, plotted)
    return sample_grid(landscape, plotted, point, x_range, y_range, SURFACE_RESOLUTION)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_surface(text: str, plotted: tuple[int, int], held: tuple[float, ...], frame):
    """The heavy surface, per function, ranges and camera (never per knob move)."""
    grid = cached_surface_grid(text, plotted, held, frame.x_range, frame.y_range)
    return surface_figure(grid, frame)


@st.cache_resource(max_entries=64, show_spinner="Looking for critical points…")
def cached_critical_points(
    text: str,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[CriticalPoint, ...]:
    """Critical points reached by Newton's method from the grid minima of |grad f| in view."""
    landscape = cached_landscape(text)
    point = full_point(held, landscape.n_inputs, plotted)
    grid = sample_grid(landscape, plotted, point, x_range, y_range, CRITICAL_RESOLUTION)
    return tuple(critical_points(landscape, grid_starts(grid, landscape)))


@st.cache_data(max_entries=256, show_spinner=False)
def latex_of(text: str, what: str, k: int = 0) -> str:
    """LaTeX of the gradient's entry k, the gradient row or the Hessian, once per function."""
    landscape = cached_landscape(text)
    if what == "partial":
        return sp.latex(landscape.gradient()[k])
    if what == "gradient":
        return sp.latex(sp.Matrix([list(landscape.gradient())]))
    return sp.latex(landscape.hessian())


# --- state --------------------------------------------------------------------------------------


def remember(key: str, default: object, url_value: object | None = None) -> None:
    """Start a widget from its saved value, the URL (validated by the caller) or its default.

    A widget's state is dropped while it is not drawn (another section is open), so its value is
    also saved under ``{key}_saved`` each run; it comes back from there.
    """
    if key not in st.session_state:
        saved = st.session_state.get(f"{key}_saved")
        if saved is not None:
            st.session_state[key] = saved
        else:
            st.session_state[key] = default if url_value is None else url_value


#: The page's widgets that are not drawn on every run: their values are kept across runs.
KEPT = ("angle", "eta", "steps", "path", "u_mode", "field", "azimuth", "elevation")


def save(*keys: str) -> None:
    for key in keys:
        st.session_state[f"{key}_saved"] = st.session_state[key]


def start_state() -> None:
    """Every control of the page starts from the URL or its default (once per session)."""
    view, section = query_text("view"), query_text("look")
    remember(f"{PAGE}_view", VIEWS[0], view if view in VIEWS else None)
    remember(f"{PAGE}_section", SLICES, section if section in SECTIONS else None)
    remember(f"{PAGE}_field", False, query_text("field") == "1" if query_text("field") else None)
    remember(f"{PAGE}_path", True, query_text("path") != "0" if query_text("path") else None)
    angle = query_float("angle")
    remember(f"{PAGE}_angle", DEFAULT_ANGLE, None if angle is None else float(round(angle) % 360))
    rate = query_float("eta")
    remember(f"{PAGE}_eta", DEFAULT_RATE, rate if rate in RATES else None)
    steps = query_float("n")
    good_steps = steps is not None and steps == int(steps) and 1 <= steps <= MAX_STEPS
    remember(f"{PAGE}_steps", DEFAULT_STEPS, int(steps) if good_steps and steps else None)
    azimuth, elevation = query_float("az"), query_float("el")
    if azimuth is not None:  # the URL holds 0..360, the slider -180..180 in steps of 5
        azimuth = int(5 * round(azimuth / 5) % 360 - 180)
    if elevation is not None:
        elevation = int(5 * round(min(max(elevation, 0.0), 90.0) / 5))
    remember(f"{PAGE}_azimuth", -60, azimuth)
    remember(f"{PAGE}_elevation", 30, elevation)
    mode = query_text("umode")
    remember(f"{PAGE}_u_mode", "angle", mode if mode in ("angle", "vector") else None)


def held_key(point: np.ndarray, plotted: tuple[int, int]) -> tuple[float, ...]:
    """The values of the knobs that are not plotted, rounded: what the heavy figures depend on."""
    return tuple(
        float(f"{value:.{KEY_DIGITS}g}") for k, value in enumerate(point) if k not in plotted
    )


def vector_from_url(m: int) -> list[float] | None:
    """The direction u from the URL ('1,0,2'): m finite numbers, else None."""
    values = [parse_float(part) for part in (query_text("u") or "").split(",")]
    if len(values) != m or any(v is None for v in values):
        return None
    return [float(v) for v in values if v is not None]


# --- the page ------------------------------------------------------------------------------------


def main() -> None:
    setup_page("Partial derivatives and the gradient")
    st.title("Partial derivatives and the gradient")
    idea(
        "With several knobs, a <b>partial derivative</b> is the effect of turning one knob while "
        "holding the others still: for y = x₁ x₂², ∂y/∂x₁ = x₂² and ∂y/∂x₂ = 2 x₁ x₂. The "
        "<b>gradient</b> collects them, ∇y = [x₂², 2 x₁ x₂]: an arrow on the map of f that "
        "points uphill, steepest. Type a function of two or more knobs and explore its landscape."
    )
    f = function_box(PAGE, default=DEFAULT, examples=EXAMPLES, check=landscape_problem)
    landscape = cached_landscape(f.text)
    start_state()
    # Outside the fragment: what does not move with the knobs is not re-sent on every move.
    controls, side = st.columns(COLUMNS, gap="large")
    with controls:
        knob_controls(PAGE, landscape.variables)
    with side:
        st.radio("Show", VIEWS, key=f"{PAGE}_view", horizontal=True, label_visibility="collapsed")
    explore(landscape)


def choose_plotted(variables: tuple[str, ...]) -> tuple[int, int]:
    """The two knobs on the map's axes; with m > 2 the learner picks them."""
    across_key, up_key = f"{PAGE}_across", f"{PAGE}_up"
    if st.session_state.get(across_key) not in variables:
        wanted = query_text("across")
        st.session_state[across_key] = wanted if wanted in variables else variables[0]
    left, right = st.columns(2)
    across = left.selectbox("Map across", variables, key=across_key, format_func=plain_symbol)
    others = [name for name in variables if name != across]
    if st.session_state.get(up_key) not in others:
        wanted = query_text("up")
        st.session_state[up_key] = wanted if wanted in others else others[0]
    up = right.selectbox("Map up", others, key=up_key, format_func=plain_symbol)
    return (variables.index(across), variables.index(up))


@st.fragment
def explore(landscape: Landscape) -> None:
    """Everything that moves with the knobs: a knob move reruns only this.

    Order matters for speed: the map (with the gradient arrow) is drawn first, right after the
    knobs, and the browser gets a moment to draw it before the sections below arrive.
    """
    # A fragment rerun (a knob move) does not run main(): a widget that the last run did not draw
    # (the field checkbox in Surface view) lost its key and comes back here.
    start_state()
    variables = landscape.variables
    names = [plain_symbol(name) for name in variables]
    m = landscape.n_inputs
    section = st.session_state[f"{PAGE}_section"]
    view = st.session_state[f"{PAGE}_view"]
    controls, side = st.columns(COLUMNS, gap="large")
    # One picture beside the knobs; both pictures side by side in the full width below them.
    both = view == "Both"
    picture = st.container() if both else side
    with controls:
        plotted = choose_plotted(variables) if m > 2 else (0, 1)
        point = knob_sliders(PAGE, variables, columns=1, controls=False)
    i, j = plotted
    ranges = [knob_range(PAGE, variables[k]) for k in plotted]
    x_range, y_range = (ranges[0].low, ranges[0].high), (ranges[1].low, ranges[1].high)
    held = held_key(point, plotted)
    value = float(landscape.value_at(point))
    gradient = landscape.gradient_at(point)
    direction = current_direction(landscape, plotted) if section == DIRECTIONAL else None
    path = descent_path(landscape, point) if section == DESCENT else None
    nearest = None
    if section in (HESSIAN, DESCENT):
        text = landscape.function.text
        known = cached_critical_points(text, plotted, held, x_range, y_range)
        nearest = nearest_critical_point(landscape, point, known)

    with picture:
        show_pictures(
            landscape, point, plotted, held, x_range, y_range, value, gradient, view, section,
            direction, path, nearest,
        )  # fmt: skip
    with side if both else controls:
        if m > 2:
            fixed = ", ".join(
                f"{names[k]} = {format_number(point[k])}" for k in range(m) if k not in plotted
            )
            st.info(
                f"f has {m} knobs: the pictures show {names[i]} (across) and {names[j]} (up), "
                f"with {fixed} held fixed at the slider.",
                icon=":material/explore:",
            )
        show_readout(point, value, gradient)

    st.radio(
        "Look closer",
        SECTIONS,
        key=f"{PAGE}_section",
        horizontal=True,
        help="Each part draws its own marks on the map: slices, direction, descent path, "
        "critical point.",
    )
    if section == SLICES:
        show_slices(landscape, point, plotted, x_range, y_range, value, gradient)
    elif section == GRADIENT:
        show_gradient(landscape, gradient, plotted, x_range, y_range)
    elif section == PLANE:
        show_tangent_plane(landscape, point, plotted, value, gradient)
    elif section == DIRECTIONAL:
        show_directional(landscape, point, gradient, plotted, direction, x_range, y_range)
    elif section == DESCENT and path is not None:
        show_descent(landscape, path, nearest)
    elif section == HESSIAN:
        show_hessian(landscape, point, gradient, nearest)
    save(*(f"{PAGE}_{name}" for name in KEPT))
    share(landscape, point, plotted)


# --- what the knob point needs before the pictures ---------------------------------------------


def current_direction(landscape: Landscape, plotted: tuple[int, int]) -> np.ndarray | None:
    """The unit direction u of the directional-derivative section, shape (m,), or None."""
    m = landscape.n_inputs
    if st.session_state[f"{PAGE}_u_mode"] == "vector" and m > 2:
        linked = vector_from_url(m)
        components = []
        for k, name in enumerate(landscape.variables):
            key = f"{PAGE}_u_{name}"
            remember(key, linked[k] if linked else float(k == plotted[0]))
            components.append(float(st.session_state[key] or 0.0))
        try:
            return unit_vector(components)
        except ExpressionError:
            return None
    return direction_from_angle(float(st.session_state[f"{PAGE}_angle"]), plotted, m)


def descent_path(landscape: Landscape, point: np.ndarray) -> DescentPath:
    rate = float(st.session_state[f"{PAGE}_eta"])
    steps = int(st.session_state[f"{PAGE}_steps"])
    return gradient_descent(landscape, point, rate, steps)


# --- pictures ------------------------------------------------------------------------------------


def show_pictures(
    landscape: Landscape,
    point: np.ndarray,
    plotted: tuple[int, int],
    held: tuple[float, ...],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    value: float,
    gradient: np.ndarray,
    view: str,
    section: str,
    direction: np.ndarray | None,
    path: DescentPath | None,
    nearest: CriticalPoint | None,
) -> None:
    i, j = plotted
    names = [plain_symbol(name) for name in landscape.variables]
    text = landscape.function.text
    both = view == "Both"
    height = 520 if both else 560
    columns = st.columns(2, gap="small") if both else [st.container(), st.container()]
    plane_gradient = (float(gradient[i]), float(gradient[j]))
    if view in ("Contour map", "Both"):
        with columns[0]:
            frame = MapFrame(x_range, y_range, names[i], names[j], height=height)
            field = bool(st.session_state[f"{PAGE}_field"])
            marks = map_marks(point, plotted, plane_gradient, frame, section, direction, path,
                              nearest)  # fmt: skip
            with st.container():  # the overlay's CSS stacks it on the chart before it
                live_chart(
                    cached_contour(text, plotted, held, frame, field),
                    key=f"{PAGE}_map",
                    config=HEAVY_CONFIG,
                )
                live_chart(
                    map_overlay(frame, marks),
                    key=f"{PAGE}_map_overlay",
                    config=LIGHT_CONFIG,
                )
            let_the_browser_paint()
            st.checkbox(
                "Gradient field: ∇f on a coarse grid",
                key=f"{PAGE}_field",
                help="An arrow of ∇f at each point of a 15 × 15 grid, all scaled together: "
                "each is perpendicular to the level curve through its foot.",
            )
    if view in ("Surface", "Both"):
        with columns[1 if both else 0]:
            grid = cached_surface_grid(text, plotted, held, x_range, y_range)
            frame3d = SurfaceFrame(
                x_range,
                y_range,
                z_range(grid.z),
                names[i],
                names[j],
                azimuth=float(st.session_state[f"{PAGE}_azimuth"]),
                elevation=float(st.session_state[f"{PAGE}_elevation"]),
                height=height,
            )
            marks3d = surface_marks(landscape, point, plotted, value, plane_gradient, section,
                                    x_range, y_range)  # fmt: skip
            with st.container():
                live_chart(
                    cached_surface(text, plotted, held, frame3d),
                    key=f"{PAGE}_surface",
                    config=HEAVY_CONFIG,
                )
                live_chart(
                    surface_overlay(frame3d, marks3d),
                    key=f"{PAGE}_surface_overlay",
                    config=SURFACE_OVERLAY_CONFIG,
                )
            turn, tilt = st.columns(2)
            turn.slider("Turn the view", -180, 180, step=5, key=f"{PAGE}_azimuth")
            tilt.slider("Tilt", 0, 90, step=5, key=f"{PAGE}_elevation")
    caption = legend(view, section, names[i], names[j])
    if view != "Surface" and not MapFrame(x_range, y_range, "", "").equal_aspect:
        caption += (
            " The two axes have very different scales here, so the arrow does not look "
            "perpendicular to the level curves (it is, at equal scales)."
        )
    st.caption(caption)


def legend(view: str, section: str, x_name: str, y_name: str) -> str:
    """The marks on the pictures, in words with their colours."""
    parts = []
    if view != "Surface":
        marks = [":red[**red arrow**]: the gradient ∇f", "**dark segment**: the level curve"]
        if section == DIRECTIONAL:
            marks.append(":green[**green arrow**]: the direction u")
        if section == DESCENT:
            marks.append("**white dots**: the descent path")
        if section in (HESSIAN, DESCENT):
            marks.append("**★**: the nearest critical point")
        parts.append("Map — " + " · ".join(marks))
    if section == SLICES:
        parts.append(
            f":orange[**orange**] and :violet[**violet**]: the slices along {x_name} and "
            f"{y_name} through the point"
        )
    if view != "Contour map" and section == PLANE:
        parts.append(":orange[**orange plane**]: the tangent plane")
    parts.append("The pictures span each knob's range: change it under Ranges")
    return ". ".join(parts) + "."


def map_marks(
    point: np.ndarray,
    plotted: tuple[int, int],
    plane_gradient: tuple[float, float],
    frame: MapFrame,
    section: str,
    direction: np.ndarray | None,
    path: DescentPath | None,
    nearest: CriticalPoint | None,
) -> MapMarks:
    i, j = plotted
    length = math.hypot(*plane_gradient) if all(map(math.isfinite, plane_gradient)) else math.nan
    shown_path = None
    if path is not None and st.session_state[f"{PAGE}_path"] and len(path.points) > 1:
        shown_path = path.points[:, [i, j]]
    critical = None
    if nearest is not None:
        critical = (float(nearest.point[i]), float(nearest.point[j]), nearest.kind)
    u = None
    if direction is not None and math.hypot(direction[i], direction[j]) > 1e-12:
        norm = math.hypot(direction[i], direction[j])
        u = (float(direction[i]) / norm, float(direction[j]) / norm)
    return MapMarks(
        point=(float(point[i]), float(point[j])),
        gradient=plane_gradient,
        gradient_scale=arrow_scale(length, frame.smaller_span),
        slices=section == SLICES,
        direction=u,
        path=shown_path,
        critical=critical,
    )


def surface_marks(
    landscape: Landscape,
    point: np.ndarray,
    plotted: tuple[int, int],
    value: float,
    plane_gradient: tuple[float, float],
    section: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> SurfaceMarks:
    i, j = plotted
    slice_x = slice_y = None
    if section == SLICES:
        tx = np.linspace(*x_range, SLICE_POINTS)
        ty = np.linspace(*y_range, SLICE_POINTS)
        slice_x = (tx, slice_along(landscape, point, i, tx))
        slice_y = (ty, slice_along(landscape, point, j, ty))
    slopes = plane_gradient if all(map(math.isfinite, plane_gradient)) else None
    return SurfaceMarks(
        point=(float(point[i]), float(point[j]), value),
        slice_x=slice_x,
        slice_y=slice_y,
        plane_slopes=slopes if section in (PLANE, GRADIENT) else None,
    )


# --- read-out and sections -----------------------------------------------------------------------


def show_readout(point: np.ndarray, value: float, gradient: np.ndarray) -> None:
    if not math.isfinite(value):
        st.warning(
            "f is undefined at this point (for example ln or √ of a negative number, or a "
            "division by zero): no value, no slopes. Move the knobs.",
            icon=":material/block:",
        )
        return
    # One LaTeX block, not three: every element redrawn on a knob move costs the browser time.
    lines = [rf"f({', '.join(tex(v) for v in point)}) &= {tex(value)}"]
    defined = bool(np.all(np.isfinite(gradient)))
    if defined:
        lines.append(rf"\nabla f &= {vector_tex(gradient)}")
        lines.append(rf"|\nabla f| &= {tex(float(np.linalg.norm(gradient)))}")
    st.latex(r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}")
    if not defined:
        st.warning(
            "f has no gradient here: at least one partial derivative does not exist (a kink or "
            "an edge of the domain). Move the knobs off it.",
            icon=":material/warning:",
        )


def symbol(landscape: Landscape, k: int) -> str:
    return symbol_latex(landscape.variables[k])


def show_slices(
    landscape: Landscape,
    point: np.ndarray,
    plotted: tuple[int, int],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    value: float,
    gradient: np.ndarray,
) -> None:
    names = [plain_symbol(name) for name in landscape.variables]
    curves = []
    for k, span in zip(plotted, (x_range, y_range), strict=True):
        t = np.linspace(*span, SLICE_POINTS)
        held = ", ".join(
            f"{n} = {format_number(point[index])}" for index, n in enumerate(names) if index != k
        )
        curves.append(
            SliceCurve(
                label=names[k],
                held=f"{held} held",
                t=t,
                values=slice_along(landscape, point, k, t),
                at=float(point[k]),
                value=value,
                slope=float(gradient[k]),
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
        for k in plotted:
            v = symbol(landscape, k)
            formula = latex_of(landscape.function.text, "partial", k)
            lines.append(
                rf"\frac{{\partial f}}{{\partial {v}}} &= {formula} = {tex(float(gradient[k]))}"
            )
        st.latex(r"\begin{aligned}" + r" \\[12pt] ".join(lines) + r"\end{aligned}")
        if landscape.n_inputs > 2:
            st.caption("Map other knobs to see the other slices; every partial is in ∇f.")
    with figure:
        live_chart(slices_figure(curves), key=f"{PAGE}_slices", config=CHART_CONFIG)


def show_gradient(
    landscape: Landscape,
    gradient: np.ndarray,
    plotted: tuple[int, int],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> None:
    names = [plain_symbol(name) for name in landscape.variables]
    st.latex(
        rf"\nabla f = {latex_of(landscape.function.text, 'gradient')} = {vector_tex(gradient)}"
    )
    if not np.all(np.isfinite(gradient)):
        st.markdown("At this point the gradient does not exist, so there is no arrow.")
        return
    length = float(np.linalg.norm(gradient))
    if length == 0:
        st.markdown(
            "The gradient is **zero** here: no direction goes up at first order. This is a "
            "**critical point**; open the Hessian to see which kind."
        )
        return
    i, j = plotted
    span = min(x_range[1] - x_range[0], y_range[1] - y_range[0])
    scale = arrow_scale(math.hypot(float(gradient[i]), float(gradient[j])), span)
    words = direction_words(float(gradient[i]), float(gradient[j]), names[i], names[j])
    lines = [
        f"- **Direction:** {words}. This is the direction of **steepest ascent**: of all "
        "directions, f rises fastest this way; −∇f, the opposite, is steepest descent.",
        f"- **Length:** |∇f| = {format_number(length)}: a small step of length ε along it "
        f"raises f by about {format_number(length)} ε, more than a step of that length in any "
        "other direction.",
        "- **Perpendicular to the level curve** through the point (the dark segment): along a "
        "level curve f does not change, so the slope there, ∇f · u, is 0.",
        f"- The arrow on the map is drawn {scale_text(scale)}. Turn on the gradient field to "
        "see ∇f everywhere at once.",
    ]
    if landscape.n_inputs > 2:
        lines.append(
            f"- The map shows the arrow's {names[i]} and {names[j]} parts; the others point out "
            "of the map's plane."
        )
    st.markdown("\n".join(lines))


def show_tangent_plane(
    landscape: Landscape,
    point: np.ndarray,
    plotted: tuple[int, int],
    value: float,
    gradient: np.ndarray,
) -> None:
    i, j = plotted
    x, y = symbol(landscape, i), symbol(landscape, j)
    a, b = float(point[i]), float(point[j])
    gx, gy = float(gradient[i]), float(gradient[j])
    if not all(map(math.isfinite, (value, gx, gy))):
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
    st.latex(rf"z = {tex(value)} {signed(gx)}\,({x} {signed(-a)}) {signed(gy)}\,({y} {signed(-b)})")
    step = 0.1
    nearby = np.array(point, dtype=float)
    nearby[i] += step
    nearby[j] += step
    actual = float(landscape.value_at(nearby))
    predicted = value + (gx + gy) * step
    st.markdown(
        f"Check a step of {format_number(step)} along both knobs: the plane predicts "
        f"{format_number(predicted)}, f is {format_number(actual)} — off by "
        f"{format_number(actual - predicted, 2)}. Halve the step and the error drops about "
        "fourfold: the plane is the best flat fit, wrong only to second order."
    )


def signed(value: float) -> str:
    text = tex(abs(value))
    return f"- {text}" if value < 0 else f"+ {text}"


def show_directional(
    landscape: Landscape,
    point: np.ndarray,
    gradient: np.ndarray,
    plotted: tuple[int, int],
    direction: np.ndarray | None,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> None:
    m = landscape.n_inputs
    i, j = plotted
    names = [plain_symbol(name) for name in landscape.variables]
    vector_mode = m > 2 and st.session_state[f"{PAGE}_u_mode"] == "vector"
    controls, figure = st.columns([2, 3], gap="large")
    with controls:
        if m > 2:
            st.radio(
                "Direction u",
                ("angle", "vector"),
                key=f"{PAGE}_u_mode",
                horizontal=True,
                format_func=lambda mode: (
                    "in the map's plane" if mode == "angle" else "any direction (a vector)"
                ),
            )
        if vector_mode:
            cells = st.columns(min(m, 4))
            for index, name in enumerate(landscape.variables):
                cells[index % len(cells)].number_input(
                    f"u along {names[index]}", key=f"{PAGE}_u_{name}", step=0.1, format="%g"
                )
            save(*(f"{PAGE}_u_{name}" for name in landscape.variables))
        else:
            st.slider(
                f"Angle of u from the {names[i]} axis (degrees)",
                0.0,
                360.0,
                step=1.0,
                key=f"{PAGE}_angle",
            )
            if np.all(np.isfinite(gradient)) and math.hypot(gradient[i], gradient[j]) > 0:
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
        slope = float(gradient @ direction)
        length = float(np.linalg.norm(gradient))
        u_text = vector_tex(direction, 3)
        st.latex(rf"u = {u_text}")
        st.latex(rf"D_u f = \nabla f \cdot u = {tex(slope)}")
        h = CHECK_STEP * max(1.0, float(np.max(np.abs(point))))
        ends = values_along(landscape, point, direction, np.array([-h, h]))
        numeric = float((ends[1] - ends[0]) / (2 * h))
        st.markdown(
            "Measured on the surface instead: (f(p + h u) − f(p − h u)) / 2h with a tiny h gives "
            f"**{format_number(numeric)}**, the same slope."
        )
        if math.isfinite(length) and length > 0 and math.isfinite(slope):
            phi = math.degrees(math.acos(max(-1.0, min(1.0, slope / length))))
            st.markdown(
                f"D_u f = |∇f| cos φ, where φ = {format_number(phi, 3)}° is the angle between u "
                f"and ∇f: largest, **|∇f| = {format_number(length)}**, when u points along the "
                "gradient (φ = 0), −|∇f| against it, and 0 along the level curve (φ = 90°)."
            )
    with figure:
        reach = 0.5 * min(x_range[1] - x_range[0], y_range[1] - y_range[0])
        t = np.linspace(-reach, reach, SLICE_POINTS)
        values = values_along(landscape, point, direction, t)
        angles = slopes = angle = gradient_angle = None
        if not vector_mode:
            angles = np.linspace(0.0, 360.0, 181)
            radians = np.radians(angles)
            slopes = gradient[i] * np.cos(radians) + gradient[j] * np.sin(radians)
            angle = float(st.session_state[f"{PAGE}_angle"])
            if np.all(np.isfinite(gradient)) and math.hypot(gradient[i], gradient[j]) > 0:
                gradient_angle = math.degrees(math.atan2(gradient[j], gradient[i])) % 360
        live_chart(
            directional_figure(
                t, values, float(landscape.value_at(point)), float(gradient @ direction),
                angles, slopes, angle, gradient_angle,
            ),
            key=f"{PAGE}_directional",
            config=CHART_CONFIG,
        )  # fmt: skip


def set_angle(angle: float) -> None:
    st.session_state[f"{PAGE}_angle"] = float(round(angle))


def show_descent(landscape: Landscape, path: DescentPath, nearest: CriticalPoint | None) -> None:
    names = [plain_symbol(name) for name in landscape.variables]
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
        st.markdown(
            f"After **{k}** step{'s' * (k != 1)}: {where}, f = **{format_number(path.values[-1])}**"
            f" (it started at {format_number(path.values[0])})."
        )
        if path.stopped:
            st.warning(f"Stopped early: {path.stopped}.", icon=":material/warning:")
    with figure:
        live_chart(
            descent_values_figure(path.values),
            key=f"{PAGE}_descent",
            config=CHART_CONFIG,
        )
    rate = float(st.session_state[f"{PAGE}_eta"])
    if nearest is not None and nearest.kind == "minimum":
        note = valley_note(nearest.hessian, rate, at_minimum=True)
    elif np.all(np.isfinite(last)):
        note = valley_note(landscape.hessian_at(last), rate, at_minimum=False)
    else:
        note = None
    if note:
        st.markdown(note)


def show_hessian(
    landscape: Landscape,
    point: np.ndarray,
    gradient: np.ndarray,
    nearest: CriticalPoint | None,
) -> None:
    names = [plain_symbol(name) for name in landscape.variables]
    exact, here = st.columns([3, 2], gap="large")
    hessian = landscape.hessian_at(point)
    with exact:
        st.markdown(
            "The second derivatives, H[i, j] = ∂²f / ∂xᵢ∂xⱼ: the Jacobian of the gradient. "
            "Its eigenvalues are the curvatures of f along its principal directions."
        )
        st.latex(rf"H = {latex_of(landscape.function.text, 'hessian')}")
    with here:
        st.markdown("At the knobs:")
        st.latex(rf"H = {matrix_tex(hessian)}")
        if np.all(np.isfinite(hessian)):
            eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
            st.markdown("Eigenvalues: " + ", ".join(f"**{format_number(e)}**" for e in eigenvalues))
            difference = float(np.max(np.abs(landscape.numeric_hessian(point) - hessian)))
            agreement = (
                "exactly" if difference == 0 else f"to within {difference:.0e}".replace("e", "×10^")
            )
            st.caption(
                "Measured instead of derived: central differences of ∇f with a step of 10⁻⁵ "
                f"agree with these values {agreement}."
            )
    st.markdown(critical_story(gradient, nearest, point, names))
    if nearest is not None and not np.allclose(nearest.point, point, atol=1e-9):
        st.button(
            "Move the knobs to this critical point",
            key=f"{PAGE}_go_critical",
            on_click=move_knobs,
            args=(landscape.variables, tuple(float(v) for v in nearest.point)),
        )


def move_knobs(variables: tuple[str, ...], target: tuple[float, ...]) -> None:
    """Set the knobs (clamped to their ranges); from a button's callback, before they render."""
    for name, value in zip(variables, target, strict=True):
        st.session_state[f"{PAGE}_knob_{name}"] = knob_range(PAGE, name).clamp(value)


def share(landscape: Landscape, point: np.ndarray, plotted: tuple[int, int]) -> None:
    """The page's state in the URL: a link reproduces what the learner sees."""
    text = st.session_state.get(f"{PAGE}_good_text", landscape.function.text)
    m = landscape.n_inputs
    vector_mode = m > 2 and st.session_state[f"{PAGE}_u_mode"] == "vector"
    state = st.session_state
    write_query(
        {
            "f": text,
            **knob_query(PAGE, landscape.variables, point.tolist()),
            "across": landscape.variables[plotted[0]] if m > 2 else None,
            "up": landscape.variables[plotted[1]] if m > 2 else None,
            "view": state[f"{PAGE}_view"],
            "look": state[f"{PAGE}_section"],
            "field": "1" if state[f"{PAGE}_field"] else None,
            "path": None if state[f"{PAGE}_path"] else "0",
            "angle": number_text(state[f"{PAGE}_angle"]),
            "umode": "vector" if vector_mode else None,
            "u": ",".join(
                number_text(float(state.get(f"{PAGE}_u_{name}") or 0.0))
                for name in landscape.variables
            )
            if vector_mode
            else None,
            "eta": number_text(state[f"{PAGE}_eta"]),
            "n": str(state[f"{PAGE}_steps"]),
            "az": str(int(state[f"{PAGE}_azimuth"]) + 180),
            "el": str(int(state[f"{PAGE}_elevation"])),
        },
        prefix_owned=("k_", "r_"),
    )


main()
