"""Figures for the "Partial derivatives and the gradient" page: pure functions, arrays in, plotly
Figures out, plus numbers in LaTeX (the page's sentences are in calculus/narration/landscape.py).

How the landscape stays fast
----------------------------
The contour map and the surface depend on the function and the ranges only, so they are *heavy*
figures built once (the page caches them) and sent once while only the plotted knobs move: the
browser keeps them as they are. Everything that moves with the knobs (the point, the
gradient arrow, the slices, the tangent plane, the descent path) is drawn in a *light* overlay
figure with the same geometry and a transparent background, stacked exactly on top of the heavy
one in a layered chart (``ui/chart_component.py``). For the stacking to line up both figures share
``MapFrame``/``SurfaceFrame``: fixed axis ranges, fixed margins that never grow (``autoexpand``
off), no zoom or rotation by mouse (the 3D view turns with the page's sliders instead), and the
overlay lets the pointer through, so the heavy figure below still answers hovers.

Every figure is written as a plain spec (dicts of traces and layout) in a ``SpecFigure``
(``ui/figures.py``), which hands the spec to the chart as it is: building plotly's object tree
costs tens of milliseconds per figure, on every knob move. The tests build every figure validated
(reading ``fig.data`` does), so nothing unvalidated reaches a learner. Large arrays (the grids)
travel as plotly's typed arrays (base64 float64): compact, and cheap to encode.

Trace names are part of the contract (tests and the browser benchmark read them): heavy map ``f``
and ``gradient field``; map overlay ``slice 1``, ``slice 2``, ``level curve``, ``direction u``,
``descent``, ``critical point``, ``gradient`` (its ``meta`` holds the gradient and the scale it is
drawn at: x = [a, a + scale gx]) and ``point``; heavy surface ``f``; surface overlay ``slice 1``,
``slice 2``, ``tangent plane``, ``drop``, ``point``; slices ``slice 1``/``slice 2`` with
``tangent 1``/``tangent 2`` and ``point``; directional ``along u``, ``tangent``, ``point``,
``D_u f``, ``maximum``, ``current``; descent ``f along the path``.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from calculus.landscape import GradientField, Grid
from calculus.narration.pictures import (
    descent_description,
    directional_description,
    map_description,
    slices_description,
    surface_description,
)
from calculus.reading import format_number, superscript
from calculus.reading import number_latex as tex
from ui.figures import FONT, Spec, SpecFigure, describe

MAP_HEIGHT = 560
SURFACE_HEIGHT = 560
#: Margins in pixels; ``autoexpand`` off so a colour bar never shifts the plot area of one
#: figure and not the other.
MAP_MARGIN = {"l": 52, "r": 16, "t": 12, "b": 100, "pad": 0, "autoexpand": False}
SURFACE_MARGIN = {"l": 0, "r": 0, "t": 10, "b": 0, "pad": 0, "autoexpand": False}
#: Plotted spans whose ratio is within this factor get equal scales on both axes, so the
#: gradient arrow looks perpendicular to the contour lines, as it is.
EQUAL_ASPECT_MAX_RATIO = 2.0
#: The longest arrow drawn, as a fraction of the smaller plotted span.
ARROW_FRACTION = 0.35
#: Smaller drawing factors are not offered: 1/scale must stay a float a sentence can print.
MIN_ARROW_SCALE = 1e-300

COLOURSCALE = [[0.0, "#f7fbff"], [0.35, "#c6dbef"], [0.7, "#7fa7cf"], [1.0, "#3f5f8f"]]
GRADIENT = "#dc2626"
SLICE_COLOURS = ("#ea580c", "#9333ea")
DIRECTION = "#16a34a"
DESCENT = "#111827"
POINT = "#111827"
LEVEL = "#334155"
PLANE = "#f59e0b"
CRITICAL = "#facc15"
GRID_LINES = "#e5e7eb"
ZERO_LINE = "#9ca3af"
TRANSPARENT = "rgba(0,0,0,0)"

#: Heavy figures: no mode bar and no zoom (the overlay must stay aligned; ranges are edited
#: with the knobs' range editor instead).
HEAVY_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}
#: The map's overlay: a static picture, the cheapest thing plotly can draw.
LIGHT_CONFIG = {"staticPlot": True, "displayModeBar": False}
#: The surface's overlay: plotly does not draw a static 3D scene at all, so it stays a live plot
#: (its scene ignores dragging and the layered chart lets the pointer through).
SURFACE_OVERLAY_CONFIG = {"displayModeBar": False, "scrollZoom": False}
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


# --- spec helpers ------------------------------------------------------------------------------


def typed_array(values: np.ndarray) -> Spec:
    """A float array as plotly's typed-array spec: base64 little-endian float64 with its shape.

    nan stays nan (plotly draws a gap there); a 1D array has no ``shape`` key.
    """
    array = np.ascontiguousarray(values, dtype="<f8")
    spec: Spec = {"dtype": "f8", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


def listed(values: Sequence[float] | np.ndarray) -> list[float | None]:
    """A short array as a JSON list, None where it is not finite (a gap in a line)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _figure(data: list[Spec], layout: Spec) -> SpecFigure:
    """The Figure for a finished spec (see ``SpecFigure`` and the module doc)."""
    return SpecFigure({"data": data, "layout": layout})


def _arrow(
    name: str, start: tuple[float, float], end: tuple[float, float], colour: str, **extra: Any
) -> Spec:
    """A line from ``start`` to ``end`` with an arrow head at ``end``."""
    return {
        "type": "scatter",
        "x": [start[0], end[0]],
        "y": [start[1], end[1]],
        "name": name,
        "mode": "lines+markers",
        "line": {"color": colour, "width": 3},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, 15], "color": colour},
        "hoverinfo": "skip",
        **extra,
    }


def _dot(name: str, x: float, y: float | None, size: int = 11, **extra: Any) -> Spec:
    return {
        "type": "scatter",
        "x": [x],
        "y": [y],
        "name": name,
        "mode": "markers",
        "marker": {"color": POINT, "size": size, "line": {"color": "white", "width": 2}},
        "hoverinfo": "skip",
        **extra,
    }


def _plain_axis(title: str, **extra: Any) -> Spec:
    return {
        "title": {"text": title},
        "gridcolor": GRID_LINES,
        "zerolinecolor": ZERO_LINE,
        # Fixed margins instead: automargin makes plotly lay the chart out twice, and these
        # charts are drawn again on every knob move.
        "automargin": False,
        **extra,
    }


def _chart_layout(height: int, **extra: Any) -> Spec:
    return {
        "height": height,
        "margin": {"l": 60, "r": 16, "t": 36, "b": 48},
        "paper_bgcolor": "white",
        "font": FONT,
        "plot_bgcolor": "white",
        "showlegend": False,
        "hovermode": "closest",
        **extra,
    }


def _panel_title(text: str, x_domain: tuple[float, float]) -> Spec:
    """A subplot title above a panel spanning ``x_domain`` of the figure's width."""
    return {
        "text": text,
        "x": (x_domain[0] + x_domain[1]) / 2,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


# --- shared geometry of the map and its overlay ------------------------------------------------


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


def _map_layout(frame: MapFrame, *, overlay: bool) -> Spec:
    axis: Spec = {
        "fixedrange": True,
        "automargin": False,
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "showline": True,
        "linecolor": ZERO_LINE,
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
        x_axis["visible"] = y_axis["visible"] = False
    return {
        "height": frame.height,
        "margin": MAP_MARGIN,
        "font": FONT,
        "xaxis": x_axis,
        "yaxis": y_axis,
        "paper_bgcolor": TRANSPARENT if overlay else "white",
        "plot_bgcolor": TRANSPARENT if overlay else "white",
        "showlegend": False,
        "hovermode": "closest",
        "dragmode": False,
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
    if not unit > 0:  # a span of a few subnormal floats: no logarithmic scale to speak of
        return ColourLevels(z, False, [], [])
    # Increasing with f either way, so dark still means high.
    sign = 1.0 if upward else -1.0
    with np.errstate(invalid="ignore"):
        shown = sign * np.log10(1 + np.abs(z - base) / unit)
    # Label round values of f: 0 (if in view) and the powers of ten between the extremes.
    candidates = [0.0] + [sign * 10.0**k for k in range(-6, 16) for sign in (1, -1)]
    top = float(np.nanmax(np.abs(shown)))
    ticks: list[float] = []
    texts: list[str] = []
    for v in sorted((v for v in candidates if low <= v <= high), key=lambda v: abs(v - base)):
        position = sign * float(np.log10(1 + abs(v - base) / unit))
        if not ticks or abs(position - ticks[-1]) >= 0.08 * top:  # labels that do not collide
            ticks.append(position)
            texts.append(power_text(v))
    return ColourLevels(shown=shown, logarithmic=True, tick_values=ticks, tick_texts=texts)


def power_text(value: float) -> str:
    """0, 0.01, 1, 100, 10⁴, −10⁶: a round value for a colour bar."""
    if value == 0:
        return "0"
    exponent = round(math.log10(abs(value)))
    sign = "−" if value < 0 else ""
    if -2 <= exponent <= 3:
        return sign + format_number(abs(value))
    return f"{sign}10{superscript(exponent)}"


def arrow_scale(length: float, span: float) -> float:
    """The factor an arrow of ``length`` is drawn at: 1 if it fits in ARROW_FRACTION of
    ``span``, else the largest of 1/2, 1/5, 1/10, 1/20, ... that makes it fit."""
    room = ARROW_FRACTION * span
    if not math.isfinite(length) or length <= room:
        return 1.0
    if not (math.isfinite(room) and room > 0):
        return 1.0  # a range too narrow for floats (it underflows to 0): no factor fits
    # In logarithms: room / length may underflow to 0 although both are positive.
    exponent = math.floor(math.log10(room) - math.log10(length))
    for mantissa in (5.0, 2.0, 1.0):
        scale = mantissa * 10.0**exponent
        if scale * length <= room and scale >= MIN_ARROW_SCALE:
            return scale
    scale = 10.0 ** (exponent - 1)
    return scale if scale >= MIN_ARROW_SCALE else 1.0


def field_segments(field: GradientField, spacing: float) -> tuple[list, list, list]:
    """The field as one trace's data: each arrow a segment start -> end followed by a gap.

    Arrows are scaled together so the longest is 0.9 grid spacings. Returns (x, y, marker sizes):
    0 at a start, a head at an end (none on arrows too short to show one).
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
    of arrows. Nothing in it depends on the knob point: the page builds it once per function and
    ranges, and sends the same bytes on every knob move.
    """
    levels = colour_levels(grid.z)
    # A horizontal colour bar at the bottom of the figure: a vertical one beside a plot area
    # that equal scales shrink would float far from it.
    colour_bar: Spec = {
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
        colour_bar |= {"tickvals": levels.tick_values, "ticktext": levels.tick_texts}
    where = f"{frame.x_label} = %{{x:.3g}}<br>{frame.y_label} = %{{y:.3g}}<br>"
    contour: Spec = {
        "type": "contour",
        "x": typed_array(grid.x),
        "y": typed_array(grid.y),
        "z": typed_array(levels.shown),
        "name": "f",
        "colorscale": COLOURSCALE,
        "ncontours": 18,
        "contours": {"coloring": "fill", "showlines": True},
        "line": {"color": "rgba(51,65,85,0.35)", "width": 0.8},
        "colorbar": colour_bar,
        "connectgaps": False,
        "hovertemplate": where + "f = %{z:.4g}<extra></extra>",
    }
    if levels.logarithmic:  # the colours are log-spaced; the hover tells f itself
        contour["customdata"] = typed_array(grid.z)
        contour["hovertemplate"] = where + "f = %{customdata:.4g}<extra></extra>"
    data = [contour]
    if field is not None and field.x.size:
        x, y, sizes = field_segments(field, field_spacing)
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "name": "gradient field",
                "mode": "lines+markers",
                "line": {"color": "rgba(185,28,28,0.55)", "width": 1.2},
                "marker": {
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": sizes,
                    "color": "rgba(185,28,28,0.7)",
                },
                "hoverinfo": "skip",
            }
        )
    return _figure(data, _map_layout(frame, overlay=False))


# --- the light overlay on the map --------------------------------------------------------------


@dataclass(frozen=True)
class MapMarks:
    """What moves on the map, in the plotted plane (x, y).

    ``gradient`` holds the plotted knobs' partial derivatives (None or nan: no arrow) and
    ``gradient_scale`` the factor the arrow is drawn at. ``slices`` draws the lines through the
    point along each knob; ``direction`` is a unit vector (or None); ``path`` the descent's
    plotted coordinates, shape (k, 2), or None; ``critical`` a critical point (x, y, kind) or
    None.
    """

    point: tuple[float, float]
    gradient: tuple[float, float] | None
    gradient_scale: float = 1.0
    slices: bool = False
    direction: tuple[float, float] | None = None
    path: np.ndarray | None = None
    critical: tuple[float, float, str] | None = None


def map_overlay(frame: MapFrame, marks: MapMarks) -> go.Figure:
    """The light figure stacked on ``contour_figure``: same geometry, transparent, static."""
    a, b = marks.point
    data: list[Spec] = []
    if marks.slices:
        lines = (([*frame.x_range], [b, b]), ([a, a], [*frame.y_range]))
        for index, (xs, ys) in enumerate(lines, start=1):
            data.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": ys,
                    "name": f"slice {index}",
                    "mode": "lines",
                    "line": {"color": SLICE_COLOURS[index - 1], "width": 2, "dash": "dot"},
                    "hoverinfo": "skip",
                }
            )
    gradient = marks.gradient
    usable = gradient is not None and all(math.isfinite(g) for g in gradient)
    if usable and gradient is not None and math.hypot(*gradient) > 0:
        gx, gy = gradient
        norm = math.hypot(gx, gy)
        half = 0.12 * frame.smaller_span
        data.append(
            {
                "type": "scatter",
                "x": [a - half * gy / norm, a + half * gy / norm],
                "y": [b + half * gx / norm, b - half * gx / norm],
                "name": "level curve",
                "mode": "lines",
                "line": {"color": LEVEL, "width": 2.5},
                "hoverinfo": "skip",
            }
        )
    if marks.path is not None and len(marks.path) > 1:
        data.append(
            {
                "type": "scatter",
                "x": listed(marks.path[:, 0]),
                "y": listed(marks.path[:, 1]),
                "name": "descent",
                "mode": "lines+markers",
                "line": {"color": DESCENT, "width": 1.5},
                "marker": {"size": 5, "color": "white", "line": {"color": DESCENT, "width": 1.2}},
                "hoverinfo": "skip",
            }
        )
    if marks.direction is not None:
        ux, uy = marks.direction
        reach = 0.22 * frame.smaller_span
        data.append(_arrow("direction u", (a, b), (a + reach * ux, b + reach * uy), DIRECTION))
    if marks.critical is not None:
        cx, cy, kind = marks.critical
        data.append(
            {
                "type": "scatter",
                "x": [cx],
                "y": [cy],
                "name": "critical point",
                "text": [kind],
                "mode": "markers",
                "marker": {
                    "symbol": "star",
                    "size": 16,
                    "color": CRITICAL,
                    "line": {"color": "#111827", "width": 1},
                },
                "hoverinfo": "skip",
            }
        )
    if usable and gradient is not None:
        gx, gy = gradient
        s = marks.gradient_scale
        data.append(
            _arrow(
                "gradient",
                (a, b),
                (a + s * gx, b + s * gy),
                GRADIENT,
                meta={"gradient": [gx, gy], "scale": s},
            )
        )
    data.append(_dot("point", a, b))
    words = map_description((frame.x_label, frame.y_label), marks.point, marks.gradient)
    return describe(_figure(data, _map_layout(frame, overlay=True)), words)


# --- the surface -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfaceFrame:
    """What the surface and its overlay share: ranges, labels and the camera (degrees)."""

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
    if not low - pad < high + pad:  # a span so small that 5% of it vanishes in the floats
        pad = max(abs(low), abs(high), 1.0) * 0.5
    return (low - pad, high + pad)


def _scene(frame: SurfaceFrame, *, overlay: bool) -> Spec:
    elevation = math.radians(frame.elevation)
    azimuth = math.radians(frame.azimuth)
    distance = 3.0  # far enough that the z axis's title "f" stays inside the frame
    eye = {
        "x": distance * math.cos(elevation) * math.cos(azimuth),
        "y": distance * math.cos(elevation) * math.sin(azimuth),
        "z": distance * math.sin(elevation),
    }
    axis: Spec = {"showspikes": False, "backgroundcolor": "#f8fafc", "gridcolor": GRID_LINES}
    if overlay:
        axis = {"visible": False, "showspikes": False}
    return {
        "xaxis": {**axis, "range": list(frame.x_range), "title": {"text": frame.x_label}},
        "yaxis": {**axis, "range": list(frame.y_range), "title": {"text": frame.y_label}},
        "zaxis": {**axis, "range": list(frame.z_range), "title": {"text": "f"}},
        "aspectmode": "manual",
        "aspectratio": {"x": 1, "y": 1, "z": 0.7},
        # The centre a little low: the surface sits higher in the frame, nearer its controls.
        "camera": {
            "eye": eye,
            "center": {"x": 0, "y": 0, "z": -0.12},
            "up": {"x": 0, "y": 0, "z": 1},
        },
        "dragmode": False,
        "domain": {"x": [0, 1], "y": [0, 1]},
    }


def _surface_layout(frame: SurfaceFrame, *, overlay: bool) -> Spec:
    return {
        "height": frame.height,
        "margin": SURFACE_MARGIN,
        "font": FONT,
        "scene": _scene(frame, overlay=overlay),
        "paper_bgcolor": TRANSPARENT if overlay else "white",
        "showlegend": False,
    }


def _inside(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where((values >= bounds[0]) & (values <= bounds[1]), values, np.nan)


def surface_figure(grid: Grid, frame: SurfaceFrame) -> go.Figure:
    """The heavy 3D surface of f over the plotted knobs, cut to ``frame.z_range``."""
    surface = {
        "type": "surface",
        "x": typed_array(grid.x),
        "y": typed_array(grid.y),
        "z": typed_array(_inside(grid.z, frame.z_range)),
        "name": "f",
        "colorscale": COLOURSCALE,
        "showscale": False,
        "opacity": 0.92,
        "contours": {"z": {"show": True, "usecolormap": True, "width": 1, "project": {"z": True}}},
        "hovertemplate": (
            f"{frame.x_label} = %{{x:.3g}}<br>{frame.y_label} = %{{y:.3g}}<br>"
            "f = %{z:.4g}<extra></extra>"
        ),
    }
    return _figure([surface], _surface_layout(frame, overlay=False))


@dataclass(frozen=True)
class SurfaceMarks:
    """What moves on the surface: the point (a, b, f); optionally the two slices through it,
    each (t, f along it), and the tangent plane's slopes there (None: no plane)."""

    point: tuple[float, float, float]
    slice_x: tuple[np.ndarray, np.ndarray] | None = None
    slice_y: tuple[np.ndarray, np.ndarray] | None = None
    plane_slopes: tuple[float, float] | None = None


def surface_overlay(frame: SurfaceFrame, marks: SurfaceMarks) -> go.Figure:
    """The light 3D figure stacked on ``surface_figure``: same scene and camera, transparent.

    Being a separate WebGL scene it is drawn on top of the surface, never hidden behind it.
    """
    a, b, value = marks.point
    data: list[Spec] = []
    for index, cut in enumerate((marks.slice_x, marks.slice_y), start=1):
        if cut is None:
            continue
        t, values = cut
        fixed = np.full_like(t, b if index == 1 else a)
        data.append(
            {
                "type": "scatter3d",
                "x": typed_array(t if index == 1 else fixed),
                "y": typed_array(fixed if index == 1 else t),
                "z": typed_array(_inside(values, frame.z_range)),
                "name": f"slice {index}",
                "mode": "lines",
                "line": {"color": SLICE_COLOURS[index - 1], "width": 6},
                "hoverinfo": "skip",
            }
        )
    finite_point = math.isfinite(value)
    if marks.plane_slopes is not None and finite_point:
        sx, sy = marks.plane_slopes
        half_x = 0.2 * (frame.x_range[1] - frame.x_range[0])
        half_y = 0.2 * (frame.y_range[1] - frame.y_range[0])
        px = np.array([a - half_x, a + half_x])
        py = np.array([b - half_y, b + half_y])
        plane = value + sx * (px[None, :] - a) + sy * (py[:, None] - b)
        data.append(
            {
                "type": "surface",
                "x": listed(px),
                "y": listed(py),
                "z": [listed(row) for row in _inside(plane, frame.z_range)],
                "name": "tangent plane",
                "colorscale": [[0, PLANE], [1, PLANE]],
                "showscale": False,
                "opacity": 0.6,
                "hoverinfo": "skip",
            }
        )
    if finite_point:
        top = min(max(value, frame.z_range[0]), frame.z_range[1])
        data.append(
            {
                "type": "scatter3d",
                "x": [a, a],
                "y": [b, b],
                "z": [frame.z_range[0], top],
                "name": "drop",
                "mode": "lines",
                "line": {"color": POINT, "width": 2, "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter3d",
                "x": [a],
                "y": [b],
                "z": [value],
                "name": "point",
                "mode": "markers",
                "marker": {"color": POINT, "size": 5, "line": {"color": "white", "width": 1}},
                "hoverinfo": "skip",
            }
        )
    words = surface_description((frame.x_label, frame.y_label), marks.point)
    return describe(_figure(data, _surface_layout(frame, overlay=True)), words)


# --- slices, directional derivative, descent ---------------------------------------------------


@dataclass(frozen=True)
class SliceCurve:
    """f along one knob through the point: t (N,), values (N,), the point (at, value) and the
    partial derivative there (the tangent's slope; nan if it does not exist)."""

    label: str
    held: str
    t: np.ndarray
    values: np.ndarray
    at: float
    value: float
    slope: float


def _tangent_ends(t: np.ndarray, at: float, fraction: float = 0.3) -> list[float]:
    half = fraction * float(t[-1] - t[0])
    return [at - half, at + half]


def slices_figure(curves: Sequence[SliceCurve]) -> go.Figure:
    """One panel per slice: f along that knob (the others held) and its tangent at the point,
    whose slope is the partial derivative. Traces ``slice k``, ``tangent k`` (two points: its
    slope is rise over run) and ``point``, k = 1, 2 from the left."""
    count = len(curves)
    gap = 0.1
    width = (1 - gap * (count - 1)) / count
    data: list[Spec] = []
    layout = _chart_layout(300, annotations=[])
    for index, (curve, colour) in enumerate(zip(curves, SLICE_COLOURS, strict=False), start=1):
        suffix = "" if index == 1 else str(index)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        domain = (float((index - 1) * (width + gap)), float((index - 1) * (width + gap) + width))
        layout[f"xaxis{suffix}"] = _plain_axis(
            curve.label, domain=list(domain), anchor=f"y{suffix}"
        )
        layout[f"yaxis{suffix}"] = _plain_axis("f" if index == 1 else "", anchor=f"x{suffix}")
        title = f"along {curve.label}" + (f" ({curve.held})" if curve.held else "")
        layout["annotations"].append(_panel_title(title, domain))
        data.append(
            {
                "type": "scatter",
                "x": typed_array(curve.t),
                "y": typed_array(curve.values),
                "name": f"slice {index}",
                "mode": "lines",
                "line": {"color": colour, "width": 2.5},
                "hovertemplate": f"{curve.label} = %{{x:.3g}}<br>f = %{{y:.4g}}<extra></extra>",
                **axes,
            }
        )
        if math.isfinite(curve.slope) and math.isfinite(curve.value):
            ends = _tangent_ends(curve.t, curve.at)
            data.append(
                {
                    "type": "scatter",
                    "x": ends,
                    "y": [curve.value + curve.slope * (e - curve.at) for e in ends],
                    "name": f"tangent {index}",
                    "mode": "lines",
                    "line": {"color": "#111827", "width": 2, "dash": "dash"},
                    "hovertemplate": f"slope {format_number(curve.slope)}<extra></extra>",
                    **axes,
                }
            )
        data.append(_dot("point", curve.at, _finite(curve.value), 10, **axes))
    words = slices_description(
        [(c.label, c.held, c.at, c.value, c.slope) for c in curves]
    )
    return describe(_figure(data, layout), words)


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
    left = (0.0, 0.44) if two else (0.0, 1.0)
    right = (0.56, 1.0)
    layout = _chart_layout(
        300,
        xaxis=_plain_axis("t (distance along u)", domain=list(left), anchor="y"),
        yaxis=_plain_axis("f", anchor="x"),
        annotations=[_panel_title("f along u through the point", left)],
    )
    data: list[Spec] = [
        {
            "type": "scatter",
            "x": typed_array(t),
            "y": typed_array(values),
            "name": "along u",
            "mode": "lines",
            "line": {"color": DIRECTION, "width": 2.5},
            "hovertemplate": "t = %{x:.3g}<br>f(p + t u) = %{y:.4g}<extra></extra>",
        }
    ]
    if math.isfinite(slope) and math.isfinite(value):
        ends = _tangent_ends(t, 0.0)
        data.append(
            {
                "type": "scatter",
                "x": ends,
                "y": [value + slope * e for e in ends],
                "name": "tangent",
                "mode": "lines",
                "line": {"color": "#111827", "width": 2, "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
    data.append(_dot("point", 0.0, _finite(value), 10))
    if two and angles is not None and slopes is not None:
        layout["xaxis2"] = _plain_axis(
            "direction angle (degrees)",
            domain=list(right),
            anchor="y2",
            range=[0, 360],
            tickvals=[0, 90, 180, 270, 360],
        )
        layout["yaxis2"] = _plain_axis("D_u f", anchor="x2")
        layout["annotations"].append(_panel_title("slope D_u f for each direction", right))
        on_right = {"xaxis": "x2", "yaxis": "y2"}
        data.append(
            {
                "type": "scatter",
                "x": typed_array(angles),
                "y": typed_array(slopes),
                "name": "D_u f",
                "mode": "lines",
                "line": {"color": GRADIENT, "width": 2.5},
                "hovertemplate": "angle %{x:.0f}°<br>D_u f = %{y:.4g}<extra></extra>",
                **on_right,
            }
        )
        finite = np.asarray(slopes, dtype=float)
        if gradient_angle is not None and np.any(np.isfinite(finite)):
            data.append(
                {
                    "type": "scatter",
                    "x": [gradient_angle],
                    "y": [float(np.nanmax(finite))],
                    "name": "maximum",
                    "mode": "markers+text",
                    "marker": {"color": GRADIENT, "size": 9, "symbol": "diamond"},
                    "text": ["  |∇f|, along ∇f"],
                    "textposition": "middle right",
                    "textfont": {"size": 12, "color": GRADIENT},
                    "cliponaxis": False,
                    "hoverinfo": "skip",
                    **on_right,
                }
            )
        if angle is not None:
            current = {**_dot("current", angle, _finite(slope), 11), **on_right}
            current["marker"] = {**current["marker"], "color": DIRECTION}
            data.append(current)
    words = directional_description(value, slope, angles, slopes, angle)
    return describe(_figure(data, layout), words)


def descent_values_figure(values: np.ndarray) -> go.Figure:
    """f at each step of gradient descent (trace ``f along the path``)."""
    data = [
        {
            "type": "scatter",
            "x": list(range(len(values))),
            "y": listed(values),
            "name": "f along the path",
            "mode": "lines+markers",
            "line": {"color": DESCENT, "width": 2},
            "marker": {"size": 5},
            "hovertemplate": "step %{x}<br>f = %{y:.6g}<extra></extra>",
        }
    ]
    layout = _chart_layout(
        260,
        margin={"l": 60, "r": 16, "t": 12, "b": 48},
        xaxis=_plain_axis("step k"),
        yaxis=_plain_axis("f(x_k)"),
    )
    words = descent_description("x", [], values)
    return describe(_figure(data, layout), words)


# --- numbers and words for the page ------------------------------------------------------------


def vector_tex(values: Sequence[float] | np.ndarray, digits: int = 4) -> str:
    """A row vector [a, b, ...] in LaTeX (the gradient is a row: one output, m knobs)."""
    return r"\begin{bmatrix}" + " & ".join(tex(float(v), digits) for v in values) + r"\end{bmatrix}"


def matrix_tex(values: np.ndarray, digits: int = 4) -> str:
    """A matrix (rows, columns) of numbers in LaTeX."""
    rows = [" & ".join(tex(float(v), digits) for v in row) for row in np.atleast_2d(values)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
