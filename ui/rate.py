"""Figures for the "Rate of change" page: pure functions, arrays and labels in, plotly Figure out.

Trace names are part of the contract (tests and the browser benchmark read them): curves ``f``,
``f'``, ``critical points``; overlay ``tangent``, ``secant``, ``secant point``, ``point``,
``slope``; secant error ``error``, ``current h``; descent ``f``, ``critical points``,
``descent``.

The tangent's picture is two figures stacked exactly in one layered chart
(``ui/chart_component.py``, as on the gradient-landscape page): the heavy curves (f, f', bands,
critical points) depend on the function, the held knobs and the range only, so they are sent once
while the knob x moves and the browser keeps them; the light overlay (tangent, secant, points) is
a transparent static picture with the same geometry, the only thing redrawn on a knob move.

Colours follow the heatmap of the knob page: blue where f' < 0 (f falls), red where f' > 0 (f
rises).

Speed: every knob move rebuilds these figures, so they are written as plain specs (dicts of
traces and layout) and wrapped in a Figure without plotly's per-property validation
(``_validate=False``): about 20 times faster than ``make_subplots`` and ``add_vrect``, the
difference between a knob that follows the hand and one that lags. The specs are fixed here, and
tests build every figure, so nothing unvalidated reaches a learner.

At the end, the page's controls with their URL state, and :func:`say`, which shows the
sentences of ``calculus/narration/rate.py``: the only part of this module that uses Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from calculus.export import plain_symbol
from calculus.narration.pictures import (
    descent_description,
    error_curve_description,
    tangent_description,
)
from calculus.narration.rate import Line
from calculus.rate import SECANT_STEPS, CriticalPoints, Descent, Slice, descent_span
from calculus.reading import format_number
from ui.figures import FONT, Spec, SpecFigure, describe
from ui.url_state import UrlParam, number_text, read_flag, read_number, read_whole

#: Grid points of the curves f and f' across the plotted range.
CURVE_POINTS = 601

CURVE = "#1f2937"
DERIVATIVE = "#7c3aed"
TANGENT = "#ea580c"
SECANT = "#0891b2"
FALLS = "rgba(37, 99, 235, 0.14)"  # blue: f' < 0
RISES = "rgba(220, 38, 38, 0.12)"  # red: f' > 0
KIND_COLOURS = {"minimum": "#16a34a", "maximum": "#dc2626", "neither": "#6b7280"}
GRID = "#e5e7eb"
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
#: The tangent's picture is two graphs stacked in a layered chart: no zooming them apart.
CURVES_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}
#: The overlay is a static picture (the cheapest thing plotly draws); hovers reach the curves.
OVERLAY_CONFIG = {"staticPlot": True, "displayModeBar": False}
#: Fixed margins (``autoexpand`` off: a wrapping legend never shifts one plot area) and height.
TANGENT_MARGIN = {"l": 60, "r": 12, "t": 56, "b": 48, "pad": 0, "autoexpand": False}
TANGENT_HEIGHT = 580


@dataclass(frozen=True)
class Marker:
    """A critical point to mark: where, the value there, and its kind ('minimum', ...)."""

    x: float
    y: float
    kind: str
    label: str


def finite_or_nan(values: np.ndarray) -> np.ndarray:
    """inf -> nan, so a pole breaks the curve instead of stretching the axis."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def robust_range(values: np.ndarray, include: Sequence[float] = ()) -> list[float]:
    """A y-range that shows the curve, not a pole: the full range unless a few values dwarf the
    rest (1/x near 0), then the 2nd-98th percentiles. Padded by 8%; always non-empty."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    extra = [v for v in include if np.isfinite(v)]
    if finite.size == 0:
        low, high = (min(extra), max(extra)) if extra else (-1.0, 1.0)
    else:
        low, high = float(finite.min()), float(finite.max())
        inner_low, inner_high = np.percentile(finite, [2, 98])
        inner = float(inner_high - inner_low)
        if inner > 0 and high - low > 8 * inner:
            low, high = float(inner_low), float(inner_high)
        if extra:
            low, high = min(low, *extra), max(high, *extra)
    if high - low < 1e-12:
        pad = max(abs(low), 1.0) * 0.5
    else:
        pad = 0.08 * (high - low)
    return [low - pad, high + pad]


def sign_bands(t: np.ndarray, slopes: np.ndarray) -> list[tuple[float, float, int]]:
    """Runs of t where f' < 0 (-1) or f' > 0 (+1) as (start, end, sign); zero/nan separate them.

    Where f' crosses 0 between two grid points the edge is put where the straight line between
    them crosses 0 (the loss's bands meet at -2, not at a grid point next to it).
    """
    finite = np.isfinite(slopes)
    signs = np.sign(np.where(finite, slopes, 0.0)).astype(int)

    def edge(i: int) -> float:  # the border between grid points i - 1 and i
        a, b = slopes[i - 1], slopes[i]
        if finite[i - 1] and finite[i] and a * b < 0:
            return float(t[i - 1] - a * (t[i] - t[i - 1]) / (b - a))
        return float(0.5 * (t[i - 1] + t[i]))

    bands: list[tuple[float, float, int]] = []
    start = 0
    for index in range(1, len(t) + 1):
        if index == len(t) or signs[index] != signs[start]:
            if signs[start] != 0:
                left = float(t[0]) if start == 0 else edge(start)
                right = float(t[-1]) if index == len(t) else edge(index)
                bands.append((left, right, int(signs[start])))
            start = index
    return bands


def _figure(data: list[Spec], layout: Spec, height: int, revision: str) -> SpecFigure:
    """The Figure for ``data`` and ``layout`` with the page's look (see ``SpecFigure``)."""
    axis = {"gridcolor": GRID, "zerolinecolor": "#9ca3af"}
    for name in [key for key in layout if key.startswith(("xaxis", "yaxis"))] or ["xaxis"]:
        layout[name] = {**axis, **layout.get(name, {})}
    layout.setdefault("yaxis", axis)
    layout.setdefault("margin", {"l": 10, "r": 10, "t": 30, "b": 10})
    layout.update(
        height=height,
        font=FONT,
        plot_bgcolor=layout.pop("plot_bgcolor", "white"),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        hovermode="closest",
        uirevision=revision,
    )
    return SpecFigure({"data": data, "layout": layout})


def _title(text: str) -> Spec:
    return {"text": text}


def _line(name: str, x: Any, y: Any, colour: str, **extra: Any) -> Spec:
    trace = {"type": "scatter", "x": x, "y": y, "name": name, "mode": "lines"}
    trace["line"] = {"color": colour, "width": 2.5}
    return {**trace, **extra}


def _point(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _critical_trace(markers: Sequence[Marker], size: int, **extra: Any) -> Spec:
    return {
        "type": "scatter",
        "x": [m.x for m in markers],
        "y": [_point(m.y) for m in markers],
        "name": "critical points",
        "mode": "markers",
        "marker": {
            "symbol": "diamond",
            "size": size,
            "color": [KIND_COLOURS.get(m.kind, "#6b7280") for m in markers],
            "line": {"color": "white", "width": 1},
        },
        "text": [m.label for m in markers],
        "hovertemplate": "%{text}<extra></extra>",
        **extra,
    }


@dataclass(frozen=True)
class TangentFrame:
    """The geometry the curves figure and its overlay share, so that they line up exactly.

    ``f_range`` and ``slope_range`` are the fixed y-ranges of the top (f) and bottom (f') plots;
    x runs over [low, high] on both.
    """

    low: float
    high: float
    f_range: tuple[float, float]
    slope_range: tuple[float, float]
    variable: str = "x"


def tangent_frame(
    t: np.ndarray, values: np.ndarray, slopes: np.ndarray, markers: Sequence[Marker] = (),
    variable: str = "x",
) -> TangentFrame:  # fmt: skip
    """The frame for f and f' sampled on the grid ``t`` (shape (N,)) with ``markers`` in view."""
    marker_values = [m.y for m in markers if t[0] <= m.x <= t[-1]]
    f_low, f_high = robust_range(finite_or_nan(values), marker_values)
    s_low, s_high = robust_range(finite_or_nan(slopes), [0.0])
    return TangentFrame(float(t[0]), float(t[-1]), (f_low, f_high), (s_low, s_high), variable)


def _frame_layout(frame: TangentFrame, overlay: bool) -> Spec:
    """Axes, domains, margins and size of the tangent's two stacked figures."""
    span = [frame.low, frame.high]
    name = frame.variable
    hidden = {"visible": False} if overlay else {}
    return {
        "xaxis": {"anchor": "y", "domain": [0, 1], "matches": "x2", "showticklabels": False,
                  "range": span, "fixedrange": True, **hidden},
        "yaxis": {"anchor": "x", "domain": [0.43, 1.0], "title": _title(f"f({name})"),
                  "range": list(frame.f_range), "fixedrange": True, **hidden},
        "xaxis2": {"anchor": "y2", "domain": [0, 1], "range": span, "title": _title(name),
                   "fixedrange": True, **hidden},
        "yaxis2": {"anchor": "x2", "domain": [0, 0.37], "title": _title(f"f'({name})"),
                   "range": list(frame.slope_range), "fixedrange": True, **hidden},
        "margin": dict(TANGENT_MARGIN),
    }  # fmt: skip


def curves_figure(
    t: np.ndarray,
    values: np.ndarray,
    slopes: np.ndarray,
    frame: TangentFrame,
    markers: Sequence[Marker] = (),
) -> go.Figure:
    """The heavy half of the tangent's picture: f on top, f' below, shared x axis.

    ``t``, ``values``, ``slopes`` have shape (N,): the grid, f and f' on it. The bands where
    f' < 0 (blue) and f' > 0 (red) are shaded on both plots; critical points are marked. Nothing
    here depends on the knob x, so the figure is sent once while x moves and the browser keeps
    it; the tangent and the points are drawn by :func:`tangent_overlay` on top of it.
    """
    values, slopes = finite_or_nan(values), finite_or_nan(slopes)
    name = frame.variable
    on_f, on_slope = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    data = [
        # f and f' need no legend entry: their axes say f(x) and f'(x).
        _line("f", t, values, CURVE, **on_f, showlegend=False,
              hovertemplate=f"{name} = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>"),
        _line("f'", t, slopes, DERIVATIVE, **on_slope, showlegend=False,
              hovertemplate=f"{name} = %{{x:.4g}}<br>f' = %{{y:.4g}}<extra></extra>"),
        # Legend entries for what the overlay draws (the overlay has no legend of its own).
        _line("tangent at x", [None], [None], TANGENT, **on_f,
              line={"color": TANGENT, "width": 2, "dash": "dash"}),
        _line("secant", [None], [None], SECANT, **on_f,
              line={"color": SECANT, "width": 1.8}),
    ]  # fmt: skip
    if markers:
        data.append(_critical_trace(markers, 11, **on_f))
    shapes: list[Spec] = []
    for start, end, sign in sign_bands(t, slopes):
        colour = RISES if sign > 0 else FALLS
        for axis in ("", "2"):
            shapes.append(
                {"type": "rect", "x0": start, "x1": end, "xref": f"x{axis}", "y0": 0, "y1": 1,
                 "yref": f"y{axis} domain", "fillcolor": colour, "line": {"width": 0},
                 "layer": "below"}
            )  # fmt: skip
    shapes.append(
        {"type": "line", "x0": 0, "x1": 1, "xref": "x2 domain", "y0": 0, "y1": 0, "yref": "y2",
         "line": {"color": "#6b7280", "width": 1}}
    )  # fmt: skip
    layout = {**_frame_layout(frame, overlay=False), "shapes": shapes}
    return _figure(data, layout, TANGENT_HEIGHT, "rate-curves")


def tangent_overlay(
    frame: TangentFrame,
    x: float,
    value: float,
    slope: float,
    secant: tuple[float, float] | None = None,
) -> go.Figure:
    """The light half: the tangent at (x, f(x)), the point, (x, f'(x)) below, and the secant.

    Drawn on a transparent figure with the geometry of ``frame`` and no axes, stacked on
    :func:`curves_figure` (a layered chart). The trace ``tangent`` holds two
    points at the ends of the range, so its slope is (y1 - y0) / (x1 - x0). ``secant`` is
    (x + h, f(x + h)): the
    trace ``secant`` is the line through it and (x, f(x)), ``secant point`` marks it.
    """
    name = frame.variable
    ends = np.array([frame.low, frame.high], dtype=float)
    if np.isfinite(value) and np.isfinite(slope):
        tangent_y = value + slope * (ends - x)
    else:
        tangent_y = np.array([np.nan, np.nan])
    on_f, on_slope = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    data = [
        _line("tangent", ends, tangent_y, TANGENT, **on_f,
              line={"color": TANGENT, "width": 2, "dash": "dash"}),
    ]  # fmt: skip
    if secant is not None:
        far_x, far_y = secant
        rise = (far_y - value) / (far_x - x) if far_x != x else np.nan
        defined = np.isfinite(rise) and np.isfinite(value)
        data.append(
            _line("secant", ends, value + rise * (ends - x) if defined else [None, None], SECANT,
                  **on_f, line={"color": SECANT, "width": 1.8})
        )  # fmt: skip
        data.append(
            {"type": "scatter", "x": [float(far_x)], "y": [_point(far_y)],
             "name": "secant point", "mode": "markers+text", "text": [f"{name}+h"],
             "textposition": "bottom right", **on_f,
             "marker": {"color": SECANT, "size": 9, "line": {"color": "white", "width": 1.5}}}
        )  # fmt: skip
    point_marker = {"color": TANGENT, "size": 12, "line": {"color": "white", "width": 2}}
    data.append(
        {"type": "scatter", "x": [float(x)], "y": [_point(value)], "name": "point",
         "mode": "markers", "marker": point_marker, **on_f}
    )  # fmt: skip
    data.append(
        {"type": "scatter", "x": [float(x)], "y": [_point(slope)], "name": "slope",
         "mode": "markers", "marker": {**point_marker, "size": 11}, **on_slope}
    )  # fmt: skip
    layout = {
        **_frame_layout(frame, overlay=True),
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    words = tangent_description(name, x, value, slope, secant)
    return describe(_figure(data, layout, TANGENT_HEIGHT, "rate-tangent"), words)


def secant_error_figure(steps: np.ndarray, errors: np.ndarray, current: float) -> go.Figure:
    """Log-log plot of |secant slope - f'(x)| against h, with the chosen h marked.

    Zero errors (exact for that h) cannot be drawn on a log axis and are left out.
    """
    steps = np.asarray(steps, dtype=float)
    errors = np.asarray(errors, dtype=float)
    shown = np.where(np.isfinite(errors) & (errors > 0), errors, np.nan)
    index = int(np.argmin(np.abs(np.log10(steps) - np.log10(current))))
    data = [
        {"type": "scatter", "x": steps, "y": shown, "name": "error", "mode": "lines+markers",
         "line": {"color": SECANT, "width": 2}, "marker": {"size": 6},
         "hovertemplate": "h = %{x:.0e}<br>error %{y:.2e}<extra></extra>"},
        {"type": "scatter", "x": [float(steps[index])], "y": [_point(shown[index])],
         "name": "current h", "mode": "markers", "hoverinfo": "skip", "showlegend": False,
         "marker": {"color": TANGENT, "size": 13, "symbol": "circle-open", "line": {"width": 3}}},
    ]  # fmt: skip
    # automargin: room for the labels, which the default margins of 10 px would clip.
    layout = {
        "xaxis": {"type": "log", "title": _title("step h (log scale)"),
                  "exponentformat": "power", "autorange": "reversed", "automargin": True},
        "yaxis": {"type": "log", "title": _title("error of the secant slope"),
                  "exponentformat": "power", "automargin": True},
    }  # fmt: skip
    words = error_curve_description("the error |secant slope − f′(x)|", steps, errors, current)
    return describe(_figure(data, layout, 340, "rate-error"), words)


def descent_figure(
    t: np.ndarray,
    values: np.ndarray,
    iterates: np.ndarray,
    iterate_values: np.ndarray,
    markers: Sequence[Marker] = (),
    variable: str = "x",
) -> go.Figure:
    """f with the gradient-descent iterates x_0, x_1, ... drawn on the curve and joined in order.

    ``iterates`` and ``iterate_values`` have shape (K + 1,). The plot keeps f's own range, so a
    run that escapes leaves the picture instead of squashing the curve.
    """
    values = finite_or_nan(values)
    data = [
        _line("f", t, values, CURVE,
              hovertemplate=f"{variable} = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>"),
    ]  # fmt: skip
    if markers:
        data.append(_critical_trace(markers, 10))
    k = np.arange(len(iterates))
    data.append(
        {"type": "scatter", "x": finite_or_nan(iterates), "y": finite_or_nan(iterate_values),
         "name": "descent", "mode": "lines+markers", "line": {"color": TANGENT, "width": 1.5},
         "marker": {"size": 9, "color": k, "colorscale": [[0, "#fdba74"], [1, "#9a3412"]],
                    "cmin": 0, "cmax": max(len(iterates) - 1, 1),
                    "line": {"color": "white", "width": 1}},
         "customdata": k,
         "hovertemplate": f"step %{{customdata}}: {variable} = %{{x:.4g}}, f = %{{y:.4g}}"
                          "<extra></extra>"}
    )  # fmt: skip
    layout = {
        "xaxis": {"range": [float(t[0]), float(t[-1])], "title": _title(variable),
                  "automargin": True},
        "yaxis": {"range": robust_range(values), "title": _title(f"f({variable})"),
                  "automargin": True},
    }  # fmt: skip
    words = descent_description(variable, iterates, iterate_values)
    return describe(_figure(data, layout, 380, "rate-descent"), words)


def tangent_pictures(
    g: Slice, found: CriticalPoints, low: float, high: float
) -> tuple[TangentFrame, go.Figure]:
    """The heavy half of the tangent's picture for f along ``g`` on [low, high], and its frame.

    The critical points in range are marked; nothing here depends on the knob x.
    """
    name = plain_symbol(g.variable)
    markers = [
        Marker(p.x, p.value, p.kind, f"{p.kind} at {name} = {format_number(p.x)}")
        for p in found.in_range()
    ]
    t = np.linspace(low, high, CURVE_POINTS)
    values, slopes = g.value(t), g.slope(t)
    frame = tangent_frame(t, values, slopes, markers, name)
    return frame, curves_figure(t, values, slopes, frame, markers)


def descent_picture(
    g: Slice, run: Descent, found: CriticalPoints, low: float, high: float
) -> go.Figure:
    """f on [low, high] (widened to the iterates that left it) with the run's iterates on it."""
    span = descent_span(run.iterates, low, high)
    grid = np.linspace(*span, CURVE_POINTS)
    markers = [Marker(p.x, p.value, p.kind, p.kind) for p in found.points]
    markers = [m for m in markers if span[0] <= m.x <= span[1]]
    return descent_figure(
        grid, g.value(grid), run.iterates, g.value(run.iterates), markers, plain_symbol(g.variable)
    )


# --- the page's controls and text (Streamlit) -----------------------------------------------------

PAGE = "rate"
#: The sections under the picture ("Look closer"), and their names in the URL (``look=``).
SECTIONS = ("Secant to tangent", "Critical points", "Gradient descent")
LOOK_NAMES = dict(zip(SECTIONS, ("secant", "critical", "descent"), strict=True))
LOOK_SECTIONS = {name: section for section, name in LOOK_NAMES.items()}
H_CHOICES = (1.0, 0.5, 0.2, 0.1, 0.05, 0.01, *SECANT_STEPS[3:])
DEFAULT_H = 0.5
MAX_RATE = 2.0
MAX_STEPS = 100


def _look(text: str) -> str:
    if text not in LOOK_SECTIONS:
        raise ValueError("it is not one of the sections offered")
    return LOOK_SECTIONS[text]


# The page's settings (ui/url_state.py), with the URL names and values of the links made before
# they were declared. A number is taken only if its widget shows it as it is.
WRT = UrlParam("wrt", f"{PAGE}_wrt", "x")  # the options are f's knobs; x if it has one
LOOK = UrlParam("look", f"{PAGE}_look", SECTIONS[0], options=SECTIONS, read=_look,
                write=LOOK_NAMES.__getitem__)  # fmt: skip
H = UrlParam("h", f"{PAGE}_h", DEFAULT_H, options=H_CHOICES, read=read_number, write=number_text,
             refused="it must be one of the steps offered")  # fmt: skip
ETA = UrlParam("eta", f"{PAGE}_eta", 0.1, read=read_number, write=number_text,
               bounds=(0.0, MAX_RATE), refused=f"it must be from 0 to {MAX_RATE:g}")  # fmt: skip
STEPS = UrlParam("n", f"{PAGE}_steps", 10, read=read_whole, bounds=(1, MAX_STEPS),
                 refused=f"it must be a whole number from 1 to {MAX_STEPS}")  # fmt: skip
UNTIL = UrlParam("until", f"{PAGE}_until", False, options=(False, True),
                 read=read_flag("1", "0"), write=lambda on: "1" if on else None)  # fmt: skip
#: The sections' settings: seeded before the open section draws its widgets.
SECTION_SETTINGS = (H, ETA, STEPS, UNTIL)


def seed_sections() -> None:
    """Seed the sections' widgets (right before the open section draws its own)."""
    for param in SECTION_SETTINGS:
        param.seed()


def settings_query(section: str) -> dict[str, str | None]:
    """The section shown and every section's setting in force, as URL parameters."""
    query = LOOK.query(section)
    for param in SECTION_SETTINGS:
        query |= param.query(param.value())
    return query


def say(lines: Sequence[Line]) -> None:
    """Show generated text: Markdown, LaTeX, captions and boxes (st.success, st.info, ...)."""
    for line in lines:
        if line.kind in ("markdown", "latex", "caption"):
            getattr(st, line.kind)(line.text)
        else:
            getattr(st, line.kind)(line.text, icon=line.icon)
