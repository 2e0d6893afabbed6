"""Figures for the "Partial derivatives and the gradient" page: pure functions, arrays in, plotly
Figures out.

How the landscape stays fast
----------------------------
A Streamlit chart whose JSON changes is rebuilt from scratch in the browser (its element id is a
hash of the JSON). The contour map and the surface depend on the function and the ranges only, so
they are *heavy* figures built once and sent byte-identical on every knob move: the browser keeps
them. Everything that moves with the knobs (the point, the gradient arrow, the slices, the
tangent plane, the descent path) is drawn in a *light* overlay figure with the same geometry and
a transparent background, stacked exactly on top of the heavy one by the page's CSS
(``OVERLAY_CSS``). For the stacking to line up both figures share ``MapFrame``/``SurfaceFrame``:
fixed axis ranges, fixed margins that never grow (``autoexpand``), no zoom or rotation by mouse
(the 3D view turns with the page's view controls instead), and the overlay ignores the pointer so
the heavy figure below still answers hovers.

Trace names are part of the contract (tests and the browser benchmark read them): heavy map ``f``
and ``gradient field``; overlay ``slice 1``, ``slice 2``, ``level curve``, ``direction u``,
``descent``, ``critical point``, ``gradient ∇f`` (its ``meta`` holds the gradient and the scale it
is drawn at: x = [a, a + scale gx]), ``point``; heavy surface ``f``; surface overlay
``slice 1``, ``slice 2``, ``tangent plane``, ``drop``, ``point``; slices ``slice`` and
``tangent``; directional ``along u``, ``tangent``, ``D_u f``, ``current``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from calculus.landscape import GRADIENT_ZERO_TOLERANCE, CriticalPoint, GradientField, Grid
from calculus.reading import format_number
from ui.figures import FONT

MAP_HEIGHT = 560
SURFACE_HEIGHT = 520
#: Margins in pixels; ``autoexpand`` off so a colour bar or legend never shifts the plot area
#: of one figure and not the other.
MAP_MARGIN = {"l": 52, "r": 16, "t": 12, "b": 100, "pad": 0, "autoexpand": False}
SURFACE_MARGIN = {"l": 0, "r": 0, "t": 10, "b": 0, "pad": 0, "autoexpand": False}
#: Plotted spans whose ratio is within this factor get equal scales on both axes, so the
#: gradient arrow looks perpendicular to the contour lines, as it is.
EQUAL_ASPECT_MAX_RATIO = 4.0
#: The longest arrow drawn, as a fraction of the smaller plotted span.
ARROW_FRACTION = 0.35

COLOURSCALE = [[0.0, "#f7fbff"], [0.35, "#c6dbef"], [0.7, "#7fa7cf"], [1.0, "#3f5f8f"]]
GRADIENT = "#dc2626"
SLICE_COLOURS = ("#ea580c", "#c026d3")
DIRECTION = "#16a34a"
DESCENT = "#111827"
POINT = "#111827"
LEVEL = "#334155"
PLANE = "#f59e0b"
CRITICAL = "#facc15"
GRID_LINES = "#e5e7eb"

#: Heavy figures: no mode bar and no zoom (the overlay must stay aligned; ranges are edited
#: with the knobs' range editor instead).
HEAVY_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}
#: Overlays: static pictures, the cheapest thing plotly can draw.
LIGHT_CONFIG = {"staticPlot": True, "displayModeBar": False}
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

#: The page's CSS: an overlay chart (key ending in ``_overlay``) sits exactly on the chart
#: before it, in the same container, and lets the pointer through.
OVERLAY_CSS = """
<style>
  [data-testid="stVerticalBlock"]:has(> [class*="_overlay"]) { position: relative; }
  [class*="st-key-"][class*="_overlay"] {
    position: absolute; top: 0; left: 0; right: 0; pointer-events: none; z-index: 1;
  }
</style>
"""


# --- shared geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFrame:
    """What the contour map and its overlay share: ranges, labels, height, aspect."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    x_label: str
    y_label: str
    height: int = MAP_HEIGHT

    @property
    def equal_aspect(self) -> bool:
        ratio = (self.x_range[1] - self.x_range[0]) / (self.y_range[1] - self.y_range[0])
        return 1 / EQUAL_ASPECT_MAX_RATIO <= ratio <= EQUAL_ASPECT_MAX_RATIO

    @property
    def smaller_span(self) -> float:
        return min(self.x_range[1] - self.x_range[0], self.y_range[1] - self.y_range[0])


def _map_layout(frame: MapFrame, *, overlay: bool) -> dict:
    axis = {
        "fixedrange": True,
        "automargin": False,
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "showline": True,
        "linecolor": "#9ca3af",
        "mirror": True,
    }
    x_axis = {**axis, "range": list(frame.x_range), "title": {"text": frame.x_label}}
    y_axis = {**axis, "range": list(frame.y_range), "title": {"text": frame.y_label}}
    if frame.equal_aspect:
        # Equal scales: the plot area shrinks to fit (to the top, centred across); both figures
        # compute the same box from the same width and height.
        y_axis |= {
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            "constraintoward": "top",
        }
        x_axis |= {"constrain": "domain", "constraintoward": "center"}
    if overlay:
        hidden = {"visible": False}
        x_axis, y_axis = x_axis | hidden, y_axis | hidden
    return {
        "height": frame.height,
        "margin": MAP_MARGIN,
        "font": FONT,
        "xaxis": x_axis,
        "yaxis": y_axis,
        "paper_bgcolor": "rgba(0,0,0,0)" if overlay else "white",
        "plot_bgcolor": "rgba(0,0,0,0)" if overlay else "white",
        "showlegend": False,
        "hovermode": "closest",
        "dragmode": False,
        "template": "none" if overlay else None,
    }


# --- the heavy contour map ---------------------------------------------------------------------


@dataclass(frozen=True)
class ColourLevels:
    """How values map to colours: ``shown`` (same shape as z) is z itself, or log-spaced when a
    few values dwarf the rest (Rosenbrock's walls around its flat valley). Monotone, so the
    contour lines are level curves of f either way. ``tick_values``/``tick_texts`` label the
    colour bar in f's own values."""

    shown: np.ndarray
    logarithmic: bool
    tick_values: list[float]
    tick_texts: list[str]


def colour_levels(z: np.ndarray) -> ColourLevels:
    """Uniform levels, or logarithmic ones when the median sits in the bottom or top tenth."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return ColourLevels(z, False, [], [])
    low, high = float(finite.min()), float(finite.max())
    median = float(np.median(finite))
    span = high - low
    if span <= 0 or 0.1 * span <= median - low <= 0.9 * span:
        return ColourLevels(z, False, [], [])
    upward = median - low < 0.1 * span  # a floor with steep walls: resolve the low values
    base = low if upward else high
    # The unit of the logarithm: the spread of the smallest tenth (the valley floor).
    edge = float(np.percentile(finite, 10 if upward else 90))
    unit = max(abs(edge - base), span * 1e-6)

    def forward(values: np.ndarray) -> np.ndarray:
        distance = (values - base) if upward else (base - values)
        return np.log10(1 + distance / unit)

    shown = forward(z)
    top = float(np.nanmax(shown))
    ticks = np.linspace(0.0, top, 6)
    originals = (10**ticks - 1) * unit
    originals = base + originals if upward else base - originals
    return ColourLevels(
        shown=shown,
        logarithmic=True,
        tick_values=[float(t) for t in ticks],
        tick_texts=[format_number(float(v), 3) for v in originals],
    )


def arrow_scale(length: float, span: float) -> float:
    """The factor an arrow of ``length`` is drawn at: 1 if it fits in ARROW_FRACTION of
    ``span``, else the largest of 1/2, 1/5, 1/10, 1/20, ... that makes it fit."""
    room = ARROW_FRACTION * span
    if not math.isfinite(length) or length <= room:
        return 1.0
    exponent = math.floor(math.log10(room / length))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10.0**exponent * length <= room:
            return mantissa * 10.0**exponent
    return 10.0 ** (exponent - 1)


def scale_text(scale: float) -> str:
    """'true length' or 'drawn at 1/20 of its length'."""
    if scale >= 1:
        return "true length"
    return f"drawn at 1/{format_number(1 / scale)} of its length"


def field_segments(field: GradientField, spacing: float) -> tuple[list, list, list]:
    """The field as one trace's data: each arrow a segment start -> end followed by a gap.

    Arrows are scaled together so the longest is 0.9 grid spacings. Returns (x, y, marker sizes):
    0 at a start, a head at an end.
    """
    lengths = np.hypot(field.gx, field.gy)
    longest = float(lengths.max()) if lengths.size else 0.0
    factor = 0.9 * spacing / longest if longest > 0 else 0.0
    x: list[float | None] = []
    y: list[float | None] = []
    sizes: list[float] = []
    for x0, y0, gx, gy, length in zip(field.x, field.y, field.gx, field.gy, lengths, strict=True):
        x += [float(x0), float(x0 + factor * gx), None]
        y += [float(y0), float(y0 + factor * gy), None]
        sizes += [0, 7 if length * factor > 0.15 * spacing else 0, 0]
    return x, y, sizes


def contour_figure(
    grid: Grid, frame: MapFrame, field: GradientField | None = None, field_spacing: float = 0.0
) -> go.Figure:
    """The heavy contour map of f over the plotted knobs (rows of ``grid.z`` are y, columns x).

    With ``field``, the gradient field on a coarse grid as ONE scatter trace (``gradient field``)
    of arrows. Nothing in it depends on the knob point: it is built once per function and ranges.
    """
    levels = colour_levels(grid.z)
    # A horizontal colour bar at the bottom of the figure: a vertical one beside a plot area
    # that equal scales shrink would float far from it.
    colourbar: dict = {
        "orientation": "h",
        "xref": "container",
        "yref": "container",
        "x": 0.5,
        "xanchor": "center",
        "y": 0.0,
        "yanchor": "bottom",
        "len": 0.7,
        "thickness": 10,
        "title": {"text": "f", "side": "top"},
    }
    if levels.logarithmic:
        colourbar |= {"tickvals": levels.tick_values, "ticktext": levels.tick_texts}
    contour = go.Contour(
        x=grid.x,
        y=grid.y,
        z=levels.shown,
        name="f",
        colorscale=COLOURSCALE,
        ncontours=18,
        contours={"coloring": "fill", "showlines": True},
        line={"color": "rgba(51,65,85,0.35)", "width": 0.8},
        colorbar=colourbar,
        connectgaps=False,
    )
    label_x, label_y = frame.x_label, frame.y_label
    if levels.logarithmic:
        contour.customdata = grid.z
        contour.hovertemplate = (
            f"{label_x} = %{{x:.3g}}<br>{label_y} = %{{y:.3g}}<br>f = %{{customdata:.4g}}"
            "<extra></extra>"
        )
    else:
        contour.hovertemplate = (
            f"{label_x} = %{{x:.3g}}<br>{label_y} = %{{y:.3g}}<br>f = %{{z:.4g}}<extra></extra>"
        )
    figure = go.Figure(contour)
    if field is not None and field.x.size:
        x, y, sizes = field_segments(field, field_spacing)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name="gradient field",
                mode="lines+markers",
                line={"color": "rgba(185,28,28,0.55)", "width": 1.2},
                marker={
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": sizes,
                    "color": "rgba(185,28,28,0.7)",
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.update_layout(**_map_layout(frame, overlay=False))
    return figure


# --- the light overlay on the map --------------------------------------------------------------


@dataclass(frozen=True)
class MapMarks:
    """What moves on the map. ``point`` and vectors are in the plotted plane: (x, y).

    ``gradient`` is the plotted knobs' partial derivatives; ``gradient_scale`` the factor the
    arrow is drawn at. ``direction`` is a unit vector (or None), ``path`` the descent's plotted
    coordinates (k, 2) or None, ``critical`` the nearest critical point's (x, y, kind) or None.
    """

    point: tuple[float, float]
    gradient: tuple[float, float] | None
    gradient_scale: float = 1.0
    direction: tuple[float, float] | None = None
    path: np.ndarray | None = None
    critical: tuple[float, float, str] | None = None
    slices: bool = True


def map_overlay(frame: MapFrame, marks: MapMarks) -> go.Figure:
    """The light figure stacked on ``contour_figure``: same geometry, transparent, static."""
    a, b = marks.point
    traces: list[go.Scatter] = []
    if marks.slices:
        for index, (xs, ys) in enumerate(
            (([*frame.x_range], [b, b]), ([a, a], [*frame.y_range])), start=1
        ):
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    name=f"slice {index}",
                    mode="lines",
                    line={"color": SLICE_COLOURS[index - 1], "width": 1.5, "dash": "dot"},
                    showlegend=False,
                )
            )
    gradient = marks.gradient
    usable = gradient is not None and all(math.isfinite(g) for g in gradient)
    if usable and gradient is not None and math.hypot(*gradient) > 0:
        gx, gy = gradient
        norm = math.hypot(gx, gy)
        half = 0.12 * frame.smaller_span
        traces.append(
            go.Scatter(
                x=[a - half * gy / norm, a + half * gy / norm],
                y=[b + half * gx / norm, b - half * gx / norm],
                name="level curve",
                mode="lines",
                line={"color": LEVEL, "width": 2.5},
            )
        )
    if marks.path is not None and len(marks.path) > 1:
        traces.append(
            go.Scatter(
                x=marks.path[:, 0],
                y=marks.path[:, 1],
                name="descent",
                mode="lines+markers",
                line={"color": DESCENT, "width": 1.5},
                marker={"size": 5, "color": "white", "line": {"color": DESCENT, "width": 1.2}},
            )
        )
    if marks.direction is not None:
        ux, uy = marks.direction
        reach = 0.22 * frame.smaller_span
        traces.append(
            go.Scatter(
                x=[a, a + reach * ux],
                y=[b, b + reach * uy],
                name="direction u",
                mode="lines+markers",
                line={"color": DIRECTION, "width": 3},
                marker={"symbol": "arrow", "angleref": "previous", "size": [0, 13]},
            )
        )
    if marks.critical is not None:
        cx, cy, kind = marks.critical
        traces.append(
            go.Scatter(
                x=[cx],
                y=[cy],
                name="critical point",
                text=[kind],
                hovertemplate="%{text}<extra></extra>",
                mode="markers",
                marker={
                    "symbol": "star",
                    "size": 15,
                    "color": CRITICAL,
                    "line": {"color": "#111827", "width": 1},
                },
            )
        )
    if usable and gradient is not None:
        gx, gy = gradient
        s = marks.gradient_scale
        traces.append(
            go.Scatter(
                x=[a, a + s * gx],
                y=[b, b + s * gy],
                name="gradient ∇f",
                mode="lines+markers",
                line={"color": GRADIENT, "width": 3.5},
                marker={"symbol": "arrow", "angleref": "previous", "size": [0, 16]},
                meta={"gradient": [gx, gy], "scale": s},
            )
        )
    traces.append(
        go.Scatter(
            x=[a],
            y=[b],
            name="point",
            mode="markers",
            marker={"color": POINT, "size": 11, "line": {"color": "white", "width": 2}},
            showlegend=False,
        )
    )
    figure = go.Figure(traces)
    figure.update_layout(**_map_layout(frame, overlay=True))
    return figure


# --- the surface -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfaceFrame:
    """What the surface and its overlay share: ranges, labels and the camera."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    z_range: tuple[float, float]
    x_label: str
    y_label: str
    azimuth: float = -60.0
    elevation: float = 30.0
    height: int = SURFACE_HEIGHT


def z_range(z: np.ndarray) -> tuple[float, float]:
    """The surface's height range: everything, unless a few values (a pole) dwarf the rest,
    then the 2nd-98th percentiles. Padded by 5%; never empty."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return (-1.0, 1.0)
    low, high = float(finite.min()), float(finite.max())
    inner_low, inner_high = (float(v) for v in np.percentile(finite, [2, 98]))
    if inner_high > inner_low and high - low > 8 * (inner_high - inner_low):
        low, high = inner_low, inner_high
    pad = 0.05 * (high - low) if high > low else max(abs(low), 1.0) * 0.5
    return (low - pad, high + pad)


def _scene(frame: SurfaceFrame, *, overlay: bool) -> dict:
    elevation = math.radians(frame.elevation)
    azimuth = math.radians(frame.azimuth)
    distance = 2.1
    eye = {
        "x": distance * math.cos(elevation) * math.cos(azimuth),
        "y": distance * math.cos(elevation) * math.sin(azimuth),
        "z": distance * math.sin(elevation),
    }
    axis = {"showspikes": False, "backgroundcolor": "#f8fafc", "gridcolor": GRID_LINES}
    if overlay:
        axis = {"visible": False, "showspikes": False}
    return {
        "xaxis": {**axis, "range": list(frame.x_range), "title": {"text": frame.x_label}},
        "yaxis": {**axis, "range": list(frame.y_range), "title": {"text": frame.y_label}},
        "zaxis": {**axis, "range": list(frame.z_range), "title": {"text": "f"}},
        "aspectmode": "manual",
        "aspectratio": {"x": 1, "y": 1, "z": 0.7},
        "camera": {"eye": eye, "center": {"x": 0, "y": 0, "z": 0}, "up": {"x": 0, "y": 0, "z": 1}},
        "dragmode": False,
        "domain": {"x": [0, 1], "y": [0, 1]},
    }


def surface_figure(grid: Grid, frame: SurfaceFrame) -> go.Figure:
    """The heavy 3D surface of f over the plotted knobs, cut to ``frame.z_range``."""
    low, high = frame.z_range
    z = np.where((grid.z >= low) & (grid.z <= high), grid.z, np.nan)
    figure = go.Figure(
        go.Surface(
            x=grid.x,
            y=grid.y,
            z=z,
            name="f",
            colorscale=COLOURSCALE,
            showscale=False,
            opacity=0.92,
            contours={"z": {"show": True, "usecolormap": True, "width": 1, "project": {"z": True}}},
            hovertemplate=(
                f"{frame.x_label} = %{{x:.3g}}<br>{frame.y_label} = %{{y:.3g}}<br>"
                "f = %{z:.4g}<extra></extra>"
            ),
        )
    )
    figure.update_layout(
        height=frame.height,
        margin=SURFACE_MARGIN,
        font=FONT,
        scene=_scene(frame, overlay=False),
        paper_bgcolor="white",
        showlegend=False,
    )
    return figure


@dataclass(frozen=True)
class SurfaceMarks:
    """What moves on the surface: the point (a, b, f), the two slices (t, f) through it, and the
    tangent plane's value and slopes there (None where f has no tangent plane)."""

    point: tuple[float, float, float]
    slice_x: tuple[np.ndarray, np.ndarray]
    slice_y: tuple[np.ndarray, np.ndarray]
    plane_slopes: tuple[float, float] | None


def _inside(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where((values >= bounds[0]) & (values <= bounds[1]), values, np.nan)


def surface_overlay(frame: SurfaceFrame, marks: SurfaceMarks) -> go.Figure:
    """The light 3D figure stacked on ``surface_figure``: same scene and camera, transparent.

    Being a separate WebGL scene it is drawn on top of the surface, never hidden behind it.
    """
    a, b, value = marks.point
    traces: list = []
    (tx, fx), (ty, fy) = marks.slice_x, marks.slice_y
    for index, (xs, ys, zs) in enumerate(
        ((tx, np.full_like(tx, b), fx), (np.full_like(ty, a), ty, fy)), start=1
    ):
        traces.append(
            go.Scatter3d(
                x=xs,
                y=ys,
                z=_inside(zs, frame.z_range),
                name=f"slice {index}",
                mode="lines",
                line={"color": SLICE_COLOURS[index - 1], "width": 6},
            )
        )
    finite_point = math.isfinite(value)
    if marks.plane_slopes is not None and finite_point:
        sx, sy = marks.plane_slopes
        half_x = 0.2 * (frame.x_range[1] - frame.x_range[0])
        half_y = 0.2 * (frame.y_range[1] - frame.y_range[0])
        px = np.linspace(a - half_x, a + half_x, 2)
        py = np.linspace(b - half_y, b + half_y, 2)
        xx, yy = np.meshgrid(px, py)
        plane = value + sx * (xx - a) + sy * (yy - b)
        traces.append(
            go.Surface(
                x=px,
                y=py,
                z=_inside(plane, frame.z_range),
                name="tangent plane",
                colorscale=[[0, PLANE], [1, PLANE]],
                showscale=False,
                opacity=0.55,
            )
        )
    if finite_point:
        traces.append(
            go.Scatter3d(
                x=[a, a],
                y=[b, b],
                z=[frame.z_range[0], min(max(value, frame.z_range[0]), frame.z_range[1])],
                name="drop",
                mode="lines",
                line={"color": POINT, "width": 2, "dash": "dash"},
            )
        )
        traces.append(
            go.Scatter3d(
                x=[a],
                y=[b],
                z=[value],
                name="point",
                mode="markers",
                marker={"color": POINT, "size": 5, "line": {"color": "white", "width": 1}},
            )
        )
    figure = go.Figure(traces)
    figure.update_layout(
        height=frame.height,
        margin=SURFACE_MARGIN,
        font=FONT,
        scene=_scene(frame, overlay=True),
        paper_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        template="none",
    )
    return figure


# --- slices, directional derivative, descent ---------------------------------------------------


@dataclass(frozen=True)
class SliceCurve:
    """f along one knob through the point: t (N,), values (N,), the point (t0, f0) and the
    partial derivative there (the tangent's slope, nan if it does not exist)."""

    label: str
    held: str
    t: np.ndarray
    values: np.ndarray
    at: float
    value: float
    slope: float


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _tangent_window(curve_t: np.ndarray, at: float, fraction: float = 0.3) -> np.ndarray:
    half = fraction * float(curve_t[-1] - curve_t[0])
    return np.array([at - half, at + half])


def slices_figure(curves: Sequence[SliceCurve]) -> go.Figure:
    """One panel per slice: f along that knob (others held) and its tangent at the point, whose
    slope is the partial derivative. Traces per panel: ``slice``, ``tangent``, ``point``."""
    figure = make_subplots(
        rows=1,
        cols=len(curves),
        subplot_titles=[f"along {c.label} ({c.held})" for c in curves],
        horizontal_spacing=0.1,
    )
    for column, (curve, colour) in enumerate(zip(curves, SLICE_COLOURS, strict=False), start=1):
        figure.add_trace(
            go.Scatter(
                x=curve.t,
                y=_finite(curve.values),
                name="slice",
                mode="lines",
                line={"color": colour, "width": 2.5},
                hovertemplate=f"{curve.label} = %{{x:.3g}}<br>f = %{{y:.4g}}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=column,
        )
        if math.isfinite(curve.slope) and math.isfinite(curve.value):
            ends = _tangent_window(curve.t, curve.at)
            figure.add_trace(
                go.Scatter(
                    x=ends,
                    y=curve.value + curve.slope * (ends - curve.at),
                    name="tangent",
                    mode="lines",
                    line={"color": "#111827", "width": 2, "dash": "dash"},
                    hovertemplate=f"slope {format_number(curve.slope)}<extra></extra>",
                    showlegend=False,
                ),
                row=1,
                col=column,
            )
        figure.add_trace(
            go.Scatter(
                x=[curve.at],
                y=[curve.value if math.isfinite(curve.value) else None],
                name="point",
                mode="markers",
                marker={"color": POINT, "size": 10, "line": {"color": "white", "width": 2}},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=column,
        )
        figure.update_xaxes(title_text=curve.label, row=1, col=column)
    figure.update_yaxes(title_text="f", row=1, col=1)
    figure.update_xaxes(gridcolor=GRID_LINES, zerolinecolor="#9ca3af")
    figure.update_yaxes(gridcolor=GRID_LINES, zerolinecolor="#9ca3af")
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        font=FONT,
        plot_bgcolor="white",
    )
    figure.update_annotations(font={"size": 13})
    return figure


def directional_figure(
    t: np.ndarray,
    values: np.ndarray,
    value: float,
    slope: float,
    angles: np.ndarray | None = None,
    slopes: np.ndarray | None = None,
    angle: float | None = None,
    gradient_angle: float | None = None,
) -> go.Figure:
    """Left: f(p + t u) against t with its tangent at t = 0 (slope D_u f). Right, when
    ``angles`` (degrees) and ``slopes`` are given: D_u f for every direction of the plotted
    plane, a cosine that peaks at |∇f| in the gradient's direction (``gradient_angle``, marked
    by the trace ``maximum``), with the current ``angle``.
    """
    two = angles is not None and slopes is not None
    figure = make_subplots(
        rows=1,
        cols=2 if two else 1,
        subplot_titles=(["f along u through the point", "slope D_u f for each direction"])
        if two
        else ["f along u through the point"],
        horizontal_spacing=0.12,
    )
    figure.add_trace(
        go.Scatter(
            x=t,
            y=_finite(values),
            name="along u",
            mode="lines",
            line={"color": DIRECTION, "width": 2.5},
            hovertemplate="t = %{x:.3g}<br>f(p + t u) = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    if math.isfinite(slope) and math.isfinite(value):
        ends = _tangent_window(t, 0.0)
        figure.add_trace(
            go.Scatter(
                x=ends,
                y=value + slope * ends,
                name="tangent",
                mode="lines",
                line={"color": "#111827", "width": 2, "dash": "dash"},
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=[0.0],
            y=[value if math.isfinite(value) else None],
            name="point",
            mode="markers",
            marker={"color": POINT, "size": 10, "line": {"color": "white", "width": 2}},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    figure.update_xaxes(title_text="t (distance along u)", row=1, col=1)
    figure.update_yaxes(title_text="f", row=1, col=1)
    if two and angles is not None and slopes is not None:
        figure.add_trace(
            go.Scatter(
                x=angles,
                y=_finite(slopes),
                name="D_u f",
                mode="lines",
                line={"color": GRADIENT, "width": 2.5},
                hovertemplate="angle %{x:.0f}°<br>D_u f = %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=2,
        )
        if angle is not None:
            figure.add_trace(
                go.Scatter(
                    x=[angle],
                    y=[slope if math.isfinite(slope) else None],
                    name="current",
                    mode="markers",
                    marker={"color": DIRECTION, "size": 11, "line": {"color": "white", "width": 2}},
                    hoverinfo="skip",
                ),
                row=1,
                col=2,
            )
        if gradient_angle is not None:
            peak = float(np.nanmax(slopes)) if np.any(np.isfinite(slopes)) else None
            figure.add_trace(
                go.Scatter(
                    x=[gradient_angle],
                    y=[peak],
                    name="maximum",
                    mode="markers+text",
                    marker={"color": GRADIENT, "size": 9, "symbol": "diamond"},
                    text=["along ∇f: |∇f|"],
                    textposition="top center",
                    textfont={"size": 12, "color": GRADIENT},
                    hoverinfo="skip",
                ),
                row=1,
                col=2,
            )
        figure.update_xaxes(
            title_text="direction angle (degrees)",
            tickvals=[0, 90, 180, 270, 360],
            range=[0, 360],
            row=1,
            col=2,
        )
        figure.update_yaxes(title_text="D_u f", row=1, col=2)
    figure.update_xaxes(gridcolor=GRID_LINES, zerolinecolor="#9ca3af")
    figure.update_yaxes(gridcolor=GRID_LINES, zerolinecolor="#9ca3af")
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        showlegend=False,
    )
    figure.update_annotations(font={"size": 13})
    return figure


def descent_values_figure(values: np.ndarray) -> go.Figure:
    """f at each step of gradient descent (trace ``f along the path``)."""
    figure = go.Figure(
        go.Scatter(
            x=np.arange(len(values)),
            y=_finite(values),
            name="f along the path",
            mode="lines+markers",
            line={"color": DESCENT, "width": 2},
            marker={"size": 5},
            hovertemplate="step %{x}<br>f = %{y:.6g}<extra></extra>",
        )
    )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        xaxis={"title": {"text": "step k"}, "gridcolor": GRID_LINES},
        yaxis={"title": {"text": "f(x_k)"}, "gridcolor": GRID_LINES},
    )
    return figure


# --- numbers and words for the page ------------------------------------------------------------


def tex(value: float, digits: int = 4) -> str:
    """A number inside LaTeX: format_number's digits, an ASCII minus, 'undefined' as text."""
    text = format_number(value, digits).replace("−", "-")
    if text == "undefined":
        return r"\text{undefined}"
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text.replace("∞", r"\infty")


def vector_tex(values: Sequence[float] | np.ndarray, digits: int = 4) -> str:
    """A row vector [a, b, ...] in LaTeX (the gradient is a row: one output, m knobs)."""
    return r"\begin{bmatrix}" + " & ".join(tex(float(v), digits) for v in values) + r"\end{bmatrix}"


def matrix_tex(values: np.ndarray, digits: int = 4) -> str:
    """A matrix (rows, columns) of numbers in LaTeX."""
    rows = [" & ".join(tex(float(v), digits) for v in row) for row in np.atleast_2d(values)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def direction_words(gx: float, gy: float, x_name: str, y_name: str) -> str:
    """'towards larger x₁ and smaller x₂, 63° below the x₁ axis' for a plane vector (gx, gy)."""
    parts = []
    tiny = 1e-12 * max(abs(gx), abs(gy), 1e-300)
    if abs(gx) > tiny:
        parts.append(f"{'larger' if gx > 0 else 'smaller'} {x_name}")
    if abs(gy) > tiny:
        parts.append(f"{'larger' if gy > 0 else 'smaller'} {y_name}")
    angle = math.degrees(math.atan2(gy, gx))
    return f"towards {' and '.join(parts)}, at {format_number(angle, 3)}° from the {x_name} axis"


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
    eigen = ""
    if nearest is not None:
        eigen = ", ".join(format_number(e) for e in nearest.eigenvalues)
    here = nearest is not None and bool(np.allclose(nearest.point, point, atol=1e-9))
    if length <= GRADIENT_ZERO_TOLERANCE and here and nearest is not None:
        return (
            f"**The gradient vanishes here: a critical point.** Hessian eigenvalues {eigen}: "
            f"{KIND_WORDS[nearest.kind]}."
        )
    story = f"**Not at a critical point:** |∇f| = {format_number(length)} ≠ 0."
    if nearest is None:
        return story + (
            " Newton's method found no point where ∇f = 0 near the knobs or in the mapped range."
        )
    where = ", ".join(
        f"{name} = {format_number(value)}" for name, value in zip(names, nearest.point, strict=True)
    )
    return story + (
        f" The nearest critical point found (Newton's method on ∇f = 0): {where}, with "
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
        f"{format_number(high)}: κ = λ_max / λ_min ≈ {format_number(kappa, 3)}. Descent is "
        f"stable only for η < 2 / λ_max ≈ {format_number(limit, 3)}"
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
            "across the valley and crawls along it — try Rosenbrock's banana with η = 0.002 "
            "and 300 steps. Momentum and adaptive methods such as Adam were invented for this."
        )
    elif rate < limit:
        text += " The bowl is round enough (κ small) for descent to head almost straight down."
    return text
