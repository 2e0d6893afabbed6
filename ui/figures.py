"""Figures shared by pages: pure functions, numbers and labels in, plotly Figure out.

Why the figures here are written as plain dicts and wrapped with ``_figure``: building them
from ``go.Heatmap(...)``/``go.Scatter(...)`` and ``update_layout``/``add_vline`` makes plotly
validate every property, 15-50 ms per figure, more than all the maths of a knob move, on every
move. The dicts hold exactly what validation would have produced (named colour scales are
expanded once, below; tests/test_figures.py checks that validating again changes nothing), and
they are still ``go.Figure`` objects (``fig.data[0].z``, ``fig.layout.height`` work as usual).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from calculus.reading import format_number

#: Diverging, colour-blind-safe (ColorBrewer RdBu): blue = negative, white = 0, red = positive.
DIVERGING = "RdBu_r"
UNDEFINED_GREY = "#d1d5db"
FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 14, "color": "#1f2937"}

# plotly.js knows no "RdBu_r": validation expands a named scale to its colours; do it once.
_DIVERGING_SCALE = [list(stop) for stop in go.Heatmap(colorscale=DIVERGING).colorscale]


def _figure(spec: dict[str, Any]) -> go.Figure:
    """A go.Figure from a spec written in this module, without per-property validation.

    The default template is still applied, as in a validated figure.
    """
    return go.Figure(spec, _validate=False)


def jacobian_heatmap(
    values: np.ndarray,
    output_labels: Sequence[str],
    knob_labels: Sequence[str],
    formulas: Sequence[Sequence[str]] | None = None,
    *,
    title: str | None = None,
    notes: Sequence[Sequence[str]] | None = None,
) -> go.Figure:
    """The Jacobian as a heatmap: rows = outputs, columns = knobs, colour centred at 0.

    ``values`` has shape (n, m); nan entries (no derivative there) are grey and say 'undefined'.
    ``formulas[i][j]`` is shown on hover beside the value; ``notes[i][j]``, if not empty,
    replaces the text of an undefined cell (e.g. 'kink'). The trace named 'jacobian' holds the
    values (None where undefined).
    """
    values = np.asarray(values, dtype=float).reshape(len(output_labels), len(knob_labels))
    finite = np.isfinite(values)
    largest = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
    bound = largest if largest > 0 else 1.0
    text = [[format_number(v) for v in row] for row in values]
    if notes is not None:
        text = [
            [
                note if note and not np.isfinite(v) else shown
                for v, shown, note in zip(*cells, strict=True)
            ]
            for cells in zip(values, text, notes, strict=True)
        ]
    hover = formulas or [["" for _ in knob_labels] for _ in output_labels]
    z = [[float(v) if np.isfinite(v) else None for v in row] for row in values]
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "z": z,
            "x": list(knob_labels),
            "y": list(output_labels),
            "name": "jacobian",
            "colorscale": _DIVERGING_SCALE,
            "zmin": -bound,
            "zmax": bound,
            "zmid": 0,
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 15},
            "customdata": hover,
            "hovertemplate": "∂%{y} / ∂%{x} = %{customdata}<br>value here: %{text}<extra></extra>",
            "xgap": 2,
            "ygap": 2,
            "colorbar": {"title": {"text": "∂y/∂x", "side": "right"}, "thickness": 14},
        }
    ]
    if not finite.all():
        grey = [[0.0 if not np.isfinite(v) else None for v in row] for row in values]
        traces.append(
            {
                "type": "heatmap",
                "z": grey,
                "x": list(knob_labels),
                "y": list(output_labels),
                "name": "undefined",
                "colorscale": [[0, UNDEFINED_GREY], [1, UNDEFINED_GREY]],
                "showscale": False,
                "text": text,
                "texttemplate": "%{text}",
                "hoverinfo": "skip",
                "xgap": 2,
                "ygap": 2,
            }
        )
    rows = len(output_labels)
    layout: dict[str, Any] = {
        "height": min(120 + 64 * rows, 720),
        "margin": {"l": 10, "r": 10, "t": 70 if title else 40, "b": 10},
        "font": FONT,
        "plot_bgcolor": "white",
        # automargin: room for the labels (plotly.js's default clips them at these margins).
        "xaxis": {
            "side": "top",
            "title": {"text": "knob (input)"},
            "type": "category",
            "automargin": True,
        },
        "yaxis": {
            "autorange": "reversed",
            "title": {"text": "output"},
            "type": "category",
            "automargin": True,
        },
        "uirevision": "jacobian",
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 15}}
    return _figure({"data": traces, "layout": layout})


def error_curve_figure(
    steps: np.ndarray, errors: np.ndarray, current_step: float | None = None
) -> go.Figure:
    """Log-log plot of the linearisation error against the step, with a slope-2 guide."""
    shown = np.where(np.isfinite(errors) & (errors > 0), errors, np.nan)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": steps,
            "y": shown,
            "mode": "lines+markers",
            "name": "error of J dx",
            "line": {"color": "#2563eb", "width": 2},
            "marker": {"size": 5},
            "hovertemplate": "step %{x:.1e}<br>error %{y:.2e}<extra></extra>",
        }
    ]
    usable = np.isfinite(shown) & (steps >= 1e-3)
    if usable.any():
        anchor = int(np.flatnonzero(usable)[len(np.flatnonzero(usable)) // 2])
        guide = shown[anchor] * (steps / steps[anchor]) ** 2
        traces.append(
            {
                "type": "scatter",
                "x": steps,
                "y": guide,
                "mode": "lines",
                "name": "slope 2 (error ∝ step²)",
                "line": {"color": "#9ca3af", "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
    layout: dict[str, Any] = {
        "height": 300,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "font": FONT,
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "xaxis": {
            "type": "log",
            "title": {"text": "step size h"},
            "gridcolor": "#e5e7eb",
            "exponentformat": "power",
            "automargin": True,
        },
        "yaxis": {
            "type": "log",
            "title": {"text": "error"},
            "gridcolor": "#e5e7eb",
            "exponentformat": "power",
            "automargin": True,
        },
    }
    if current_step is not None:  # what add_vline draws: a line across the whole plot height
        layout["shapes"] = [
            {
                "type": "line",
                "x0": current_step,
                "x1": current_step,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": "#dc2626", "width": 1, "dash": "dot"},
            }
        ]
    return _figure({"data": traces, "layout": layout})
