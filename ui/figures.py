"""Figures shared by pages: pure functions, numbers and labels in, plotly Figure out.

Why the figures here are written as plain dicts in a ``SpecFigure``: building them from
``go.Heatmap(...)``/``go.Scatter(...)`` and ``update_layout``/``add_vline`` makes plotly validate
every property, 15-50 ms per figure, and even ``go.Figure(spec, _validate=False)`` builds plotly's
object tree and copies it again in ``to_dict`` (several ms): more than all the maths of a knob
move, on every move. A ``SpecFigure`` keeps its finished spec and hands it out as it is; its JSON
is written once (``spec_json``), so a cached heavy figure costs nothing on later moves. Reading
``fig.data`` or ``fig.layout`` builds the validated Figure, which is what the tests do: nothing
unvalidated reaches a learner (tests/test_figures.py checks validating again changes nothing).
No plotly template is applied: every look is in the spec.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from calculus.reading import format_number

#: Diverging, colour-blind-safe (ColorBrewer RdBu): blue = negative, white = 0, red = positive.
DIVERGING = "RdBu_r"
UNDEFINED_GREY = "#d1d5db"
FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 14, "color": "#1f2937"}

# plotly.js knows no "RdBu_r": validation expands a named scale to its colours; do it once.
_DIVERGING_SCALE = [list(stop) for stop in go.Heatmap(colorscale=DIVERGING).colorscale]


Spec = dict[str, Any]


class SpecFigure(go.Figure):
    """A Figure that keeps its finished spec and hands it out as it is: read-only.

    ``to_dict`` returns the spec itself and ``spec_json`` its JSON, written once; ``data`` and
    ``layout`` are built (validated) only when something reads them, as tests do.
    """

    def __init__(self, spec: Spec) -> None:
        super().__init__()  # an empty shell: plotly's own machinery reads data/layout meanwhile
        self.__dict__["_knobs_spec"] = spec

    def _built(self) -> go.Figure:
        if "_knobs_built" not in self.__dict__:
            self.__dict__["_knobs_built"] = go.Figure(self.__dict__["_knobs_spec"])
        return self.__dict__["_knobs_built"]

    @property
    def data(self) -> tuple:  # type: ignore[override]
        if "_knobs_spec" not in self.__dict__:
            return super().data
        return self._built().data

    @property
    def layout(self) -> go.Layout:  # type: ignore[override]
        if "_knobs_spec" not in self.__dict__:
            return super().layout
        return self._built().layout

    def to_dict(self) -> Spec:
        return self.__dict__["_knobs_spec"]

    @property
    def spec_json(self) -> str:
        """The spec as plotly's JSON (arrays as typed arrays), written on first use."""
        if "_knobs_json" not in self.__dict__:
            self.__dict__["_knobs_json"] = pio.to_json(self.to_dict(), validate=False)
        return self.__dict__["_knobs_json"]


def _figure(spec: Spec) -> SpecFigure:
    """The Figure for a spec written in this module (see ``SpecFigure``)."""
    return SpecFigure(spec)


def heatmap_legend_html() -> str:
    """What the heatmap's colours say, as a small static key (HTML; CSS in ui/page.py).

    The heatmap's own scale, from blue through white to red, with its meaning in words: the
    numbers themselves are in the cells, so the key never changes with the knobs.
    """
    stops = ", ".join(f"{colour} {float(at) * 100:g}%" for at, colour in _DIVERGING_SCALE)
    return (
        '<span class="knobs-legend" role="img" aria-label="Colour key: blue where the output '
        'falls as the knob turns up, white where it does not react, red where it rises">'
        '<span aria-hidden="true">falls</span>'
        f'<span class="knobs-legend-bar" style="background: linear-gradient(to right, {stops})">'
        "</span>"
        '<span aria-hidden="true">rises</span></span>'
    )


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
            # No colour bar: the cells carry their numbers, and redrawing a bar whose range
            # moves with every knob cost the browser ~5-10 ms a move (bench/browser.py). The
            # page shows the colours' meaning once, beside the heading: heatmap_legend_html().
            "showscale": False,
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
