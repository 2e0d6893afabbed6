"""Figures for the "Rate of change" page: pure functions, arrays and labels in, plotly Figure out.

Trace names are part of the contract (tests and the browser benchmark read them): ``f``,
``f'``, ``tangent``, ``point``, ``slope``, ``critical points``, ``secant``, ``secant points``,
``error``, ``current h``, ``descent``.

Colours follow the heatmap of the knob page: blue where f' < 0 (f falls), red where f' > 0 (f
rises).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.figures import FONT

CURVE = "#1f2937"
DERIVATIVE = "#7c3aed"
TANGENT = "#ea580c"
SECANT = "#0891b2"
FALLS = "rgba(37, 99, 235, 0.14)"  # blue: f' < 0
RISES = "rgba(220, 38, 38, 0.12)"  # red: f' > 0
KIND_COLOURS = {"minimum": "#16a34a", "maximum": "#dc2626", "neither": "#6b7280"}
GRID = "#e5e7eb"
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


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


def _layout(figure: go.Figure, height: int, revision: str) -> None:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        hovermode="closest",
        uirevision=revision,
    )
    figure.update_xaxes(gridcolor=GRID, zerolinecolor="#9ca3af")
    figure.update_yaxes(gridcolor=GRID, zerolinecolor="#9ca3af")


def tangent_figure(
    t: np.ndarray,
    values: np.ndarray,
    slopes: np.ndarray,
    x: float,
    value: float,
    slope: float,
    markers: Sequence[Marker] = (),
    variable: str = "x",
) -> go.Figure:
    """f with the tangent at (x, f(x)) on top; f' with the point (x, f'(x)) below; shared x axis.

    ``t``, ``values``, ``slopes`` have shape (N,): the grid, f and f' on it. The bands where
    f' < 0 (blue) and f' > 0 (red) are shaded on both plots. The trace ``tangent`` holds two
    points at the ends of the grid, so its slope is (y1 - y0) / (x1 - x0).
    """
    values, slopes = finite_or_nan(values), finite_or_nan(slopes)
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.6, 0.4]
    )
    for start, end, sign in sign_bands(t, slopes):
        figure.add_vrect(
            x0=start,
            x1=end,
            fillcolor=RISES if sign > 0 else FALLS,
            line_width=0,
            layer="below",
            row="all",
            col=1,
            exclude_empty_subplots=False,  # the bands go in before the curves
        )
    name = variable
    figure.add_trace(
        go.Scatter(
            x=t,
            y=values,
            name="f",
            mode="lines",
            line={"color": CURVE, "width": 2.5},
            hovertemplate=f"{name} = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=t,
            y=slopes,
            name="f'",
            mode="lines",
            line={"color": DERIVATIVE, "width": 2.5},
            hovertemplate=f"{name} = %{{x:.4g}}<br>f' = %{{y:.4g}}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    ends = np.array([t[0], t[-1]])
    if np.isfinite(value) and np.isfinite(slope):
        tangent_y = value + slope * (ends - x)
    else:
        tangent_y = np.array([np.nan, np.nan])
    figure.add_trace(
        go.Scatter(
            x=ends,
            y=tangent_y,
            name="tangent",
            mode="lines",
            line={"color": TANGENT, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    if markers:
        figure.add_trace(
            go.Scatter(
                x=[m.x for m in markers],
                y=[m.y for m in markers],
                name="critical points",
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 11,
                    "color": [KIND_COLOURS.get(m.kind, "#6b7280") for m in markers],
                    "line": {"color": "white", "width": 1},
                },
                text=[m.label for m in markers],
                hovertemplate="%{text}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=[x],
            y=[value if np.isfinite(value) else None],
            name="point",
            mode="markers",
            marker={"color": TANGENT, "size": 12, "line": {"color": "white", "width": 2}},
            hovertemplate=f"({name}, f({name})) = (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=[x],
            y=[slope if np.isfinite(slope) else None],
            name="slope",
            mode="markers",
            marker={"color": TANGENT, "size": 11, "line": {"color": "white", "width": 2}},
            hovertemplate="f'(%{x:.4g}) = %{y:.4g}<extra></extra>",
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    figure.add_hline(y=0, line={"color": "#6b7280", "width": 1}, row=2, col=1)
    marker_values = [m.y for m in markers if t[0] <= m.x <= t[-1]]
    figure.update_yaxes(
        range=robust_range(values, marker_values), title_text=f"f({name})", row=1, col=1
    )
    figure.update_yaxes(range=robust_range(slopes, [0.0]), title_text=f"f'({name})", row=2, col=1)
    figure.update_xaxes(range=[float(t[0]), float(t[-1])], row=1, col=1)
    figure.update_xaxes(range=[float(t[0]), float(t[-1])], title_text=name, row=2, col=1)
    _layout(figure, 560, "rate-tangent")
    return figure


def secant_figure(
    t: np.ndarray,
    values: np.ndarray,
    x: float,
    h: float,
    value: float,
    value_h: float,
    slope: float,
    variable: str = "x",
) -> go.Figure:
    """A close-up of f around x with the secant through x and x + h, and the tangent at x.

    ``t`` and ``values`` (shape (N,)) should cover the window around x (see ``secant_window``).
    """
    values = finite_or_nan(values)
    figure = go.Figure(
        go.Scatter(
            x=t,
            y=values,
            name="f",
            mode="lines",
            line={"color": CURVE, "width": 2.5},
            hovertemplate=f"{variable} = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>",
        )
    )
    ends = np.array([t[0], t[-1]])
    secant = (value_h - value) / h if h else np.nan
    defined = np.isfinite(value) and np.isfinite(value_h) and np.isfinite(secant)
    figure.add_trace(
        go.Scatter(
            x=ends,
            y=value + secant * (ends - x) if defined else [None, None],
            name="secant",
            mode="lines",
            line={"color": SECANT, "width": 2},
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=ends,
            y=value + slope * (ends - x) if np.isfinite(slope) else [None, None],
            name="tangent",
            mode="lines",
            line={"color": TANGENT, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[x, x + h],
            y=[value if np.isfinite(value) else None, value_h if np.isfinite(value_h) else None],
            name="secant points",
            mode="markers+text",
            text=[variable, f"{variable}+h"],
            textposition="top left",
            marker={"color": SECANT, "size": 10, "line": {"color": "white", "width": 2}},
            hovertemplate="(%{x:.6g}, %{y:.6g})<extra></extra>",
            showlegend=False,
        )
    )
    figure.update_yaxes(range=robust_range(values))
    figure.update_xaxes(range=[float(t[0]), float(t[-1])], title_text=variable)
    _layout(figure, 340, "rate-secant")
    return figure


def secant_window(x: float, h: float, low: float, high: float) -> tuple[float, float]:
    """The close-up around x: wide enough to show x + h, at least a sixth of the range."""
    half = max(1.6 * abs(h), (high - low) / 12)
    return x - half, x + half


def secant_error_figure(steps: np.ndarray, errors: np.ndarray, current: float) -> go.Figure:
    """Log-log plot of |secant slope - f'(x)| against h, with the chosen h marked.

    Zero errors (exact for that h) cannot be drawn on a log axis and are left out.
    """
    steps = np.asarray(steps, dtype=float)
    shown = np.where(np.isfinite(errors) & (np.asarray(errors) > 0), errors, np.nan)
    figure = go.Figure(
        go.Scatter(
            x=steps,
            y=shown,
            name="error",
            mode="lines+markers",
            line={"color": SECANT, "width": 2},
            marker={"size": 6},
            hovertemplate="h = %{x:.0e}<br>error %{y:.2e}<extra></extra>",
        )
    )
    index = int(np.argmin(np.abs(np.log10(steps) - np.log10(current))))
    figure.add_trace(
        go.Scatter(
            x=[steps[index]],
            y=[shown[index] if np.isfinite(shown[index]) else None],
            name="current h",
            mode="markers",
            marker={"color": TANGENT, "size": 13, "symbol": "circle-open", "line": {"width": 3}},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.update_xaxes(
        type="log", title_text="step h (log scale)", exponentformat="power", autorange="reversed"
    )
    figure.update_yaxes(type="log", title_text="error of the secant slope", exponentformat="power")
    _layout(figure, 340, "rate-error")
    return figure


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
    figure = go.Figure(
        go.Scatter(
            x=t,
            y=values,
            name="f",
            mode="lines",
            line={"color": CURVE, "width": 2.5},
            hovertemplate=f"{variable} = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>",
        )
    )
    if markers:
        figure.add_trace(
            go.Scatter(
                x=[m.x for m in markers],
                y=[m.y for m in markers],
                name="critical points",
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 10,
                    "color": [KIND_COLOURS.get(m.kind, "#6b7280") for m in markers],
                },
                text=[m.label for m in markers],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    k = np.arange(len(iterates))
    count = max(len(iterates) - 1, 1)
    figure.add_trace(
        go.Scatter(
            x=finite_or_nan(iterates),
            y=finite_or_nan(iterate_values),
            name="descent",
            mode="lines+markers",
            line={"color": TANGENT, "width": 1.5},
            marker={
                "size": 9,
                "color": k,
                "colorscale": [[0, "#fdba74"], [1, "#9a3412"]],
                "cmin": 0,
                "cmax": count,
                "line": {"color": "white", "width": 1},
            },
            customdata=k,
            hovertemplate=f"step %{{customdata}}: {variable} = %{{x:.4g}}, f = %{{y:.4g}}"
            "<extra></extra>",
        )
    )
    figure.update_yaxes(range=robust_range(values), title_text=f"f({variable})")
    figure.update_xaxes(range=[float(t[0]), float(t[-1])], title_text=variable)
    _layout(figure, 380, "rate-descent")
    return figure
