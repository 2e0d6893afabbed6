"""Figures shared by pages: pure functions, numbers and labels in, plotly Figure out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from calculus.reading import format_number

#: Diverging, colour-blind-safe (ColorBrewer RdBu): blue = negative, white = 0, red = positive.
DIVERGING = "RdBu_r"
UNDEFINED_GREY = "#d1d5db"
FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 14, "color": "#1f2937"}


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
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=list(knob_labels),
            y=list(output_labels),
            name="jacobian",
            colorscale=DIVERGING,
            zmin=-bound,
            zmax=bound,
            zmid=0,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 15},
            customdata=hover,
            hovertemplate="∂%{y} / ∂%{x} = %{customdata}<br>value here: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "∂y/∂x", "side": "right"}, "thickness": 14},
        )
    )
    if not finite.all():
        grey = [[0.0 if not np.isfinite(v) else None for v in row] for row in values]
        figure.add_trace(
            go.Heatmap(
                z=grey,
                x=list(knob_labels),
                y=list(output_labels),
                name="undefined",
                colorscale=[[0, UNDEFINED_GREY], [1, UNDEFINED_GREY]],
                showscale=False,
                text=text,
                texttemplate="%{text}",
                hoverinfo="skip",
                xgap=2,
                ygap=2,
            )
        )
    rows = len(output_labels)
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}} if title else None,
        height=min(120 + 64 * rows, 720),
        margin={"l": 10, "r": 10, "t": 70 if title else 40, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        xaxis={"side": "top", "title": {"text": "knob (input)"}, "type": "category"},
        yaxis={"autorange": "reversed", "title": {"text": "output"}, "type": "category"},
        uirevision="jacobian",
    )
    return figure


def error_curve_figure(
    steps: np.ndarray, errors: np.ndarray, current_step: float | None = None
) -> go.Figure:
    """Log-log plot of the linearisation error against the step, with a slope-2 guide."""
    shown = np.where(np.isfinite(errors) & (errors > 0), errors, np.nan)
    figure = go.Figure(
        go.Scatter(
            x=steps,
            y=shown,
            mode="lines+markers",
            name="error of J dx",
            line={"color": "#2563eb", "width": 2},
            marker={"size": 5},
            hovertemplate="step %{x:.1e}<br>error %{y:.2e}<extra></extra>",
        )
    )
    usable = np.isfinite(shown) & (steps >= 1e-3)
    if usable.any():
        anchor = int(np.flatnonzero(usable)[len(np.flatnonzero(usable)) // 2])
        guide = shown[anchor] * (steps / steps[anchor]) ** 2
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=guide,
                mode="lines",
                name="slope 2 (error ∝ step²)",
                line={"color": "#9ca3af", "dash": "dash"},
                hoverinfo="skip",
            )
        )
    if current_step is not None:
        figure.add_vline(x=current_step, line={"color": "#dc2626", "width": 1, "dash": "dot"})
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.12, "x": 0},
        xaxis={
            "type": "log",
            "title": {"text": "step size h"},
            "gridcolor": "#e5e7eb",
            "exponentformat": "power",
        },
        yaxis={
            "type": "log",
            "title": {"text": "error"},
            "gridcolor": "#e5e7eb",
            "exponentformat": "power",
        },
    )
    return figure
