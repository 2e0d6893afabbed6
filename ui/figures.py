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

import bisect
import hashlib
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from calculus.narration.heatmap import jacobian_description
from calculus.narration.pictures import error_curve_description
from calculus.reading import format_number

#: Diverging, colour-blind-safe (ColorBrewer RdBu): blue = negative, white = 0, red = positive.
DIVERGING = "RdBu_r"
UNDEFINED_GREY = "#d1d5db"
FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 14, "color": "#1f2937"}

# plotly.js knows no "RdBu_r": validation expands a named scale to its colours; do it once.
_DIVERGING_SCALE = [list(stop) for stop in go.Heatmap(colorscale=DIVERGING).colorscale]


Spec = dict[str, Any]
FigureT = TypeVar("FigureT", bound=go.Figure)


class SpecFigure(go.Figure):
    """A Figure that keeps its finished spec and hands it out as it is: read-only.

    ``to_dict`` returns the spec itself and ``spec_json`` its JSON, written once; ``data`` and
    ``layout`` are built (validated) only when something reads them, as tests do.
    """

    def __init__(self, spec: Spec) -> None:
        # plotly's own __init__ (an empty shell) waits for __getattr__: it deep-copies the default
        # template, 0.3 ms a figure (about 1 ms inside a busy server), on every knob move.
        self.__dict__["_knobs_spec"] = spec

    def __getattr__(self, name: str) -> Any:
        """Reached only for attributes plotly's __init__ sets: make the shell, once, then read."""
        if name.startswith("__") or "_knobs_shell" in self.__dict__:
            raise AttributeError(name)
        self.__dict__["_knobs_shell"] = True
        super().__init__()
        return getattr(self, name)

    def __reduce__(self) -> tuple[Any, ...]:
        """Copies and pickles keep the spec and the description (plotly's would add its grid
        fields to the spec itself)."""
        said = {k: v for k, v in self.__dict__.items() if k == "_knobs_description"}
        return (self.__class__, (self.__dict__["_knobs_spec"],), said)

    def _built(self) -> go.Figure:
        if "_knobs_built" not in self.__dict__:
            self.__dict__["_knobs_built"] = go.Figure(self.__dict__["_knobs_spec"])
        return self.__dict__["_knobs_built"]

    @property
    def data(self) -> tuple:  # type: ignore[override]
        return self._built().data

    @property
    def layout(self) -> go.Layout:  # type: ignore[override]
        return self._built().layout

    def to_dict(self) -> Spec:
        return self.__dict__["_knobs_spec"]

    @property
    def spec_json(self) -> str:
        """The spec as plotly's JSON (arrays as typed arrays), written on first use."""
        if "_knobs_json" not in self.__dict__:
            self.__dict__["_knobs_json"] = pio.to_json(self.to_dict(), validate=False)
        return self.__dict__["_knobs_json"]

    @property
    def digest(self) -> str:
        """A short hash of :attr:`spec_json`, computed once: names what the figure shows."""
        if "_knobs_digest" not in self.__dict__:
            self.__dict__["_knobs_digest"] = spec_digest(self.spec_json)
        return self.__dict__["_knobs_digest"]


def spec_digest(spec_json: str) -> str:
    """A short hash of a figure's JSON (16 hex digits)."""
    return hashlib.blake2b(spec_json.encode(), digest_size=8).hexdigest()


def describe(figure: FigureT, text: str) -> FigureT:
    """Give ``figure`` (any plotly Figure) ``text``, what it shows in words (see
    :func:`description_of`); plotly's own properties are left alone."""
    figure.__dict__["_knobs_description"] = text
    return figure


def description_of(figure: Any) -> str | None:
    """What ``figure`` shows in words, for screen readers (None: nothing said)."""
    return getattr(figure, "__dict__", {}).get("_knobs_description")


def stacked(base: go.Figure, overlay: go.Figure) -> SpecFigure:
    """``overlay``'s traces drawn on ``base``, as one figure (a layered chart without live
    charts, ``ui/chart_component.py``). The two share their geometry, so the base's layout
    holds: the overlay adds its traces (kept out of the legend, as on the overlay) and any
    shapes and annotations of its own; the description is the overlay's."""
    base_spec, overlay_spec = base.to_dict(), overlay.to_dict()
    layout = dict(base_spec.get("layout", {}))
    for name in ("shapes", "annotations"):
        if overlay_spec.get("layout", {}).get(name):
            layout[name] = [*layout.get(name, []), *overlay_spec["layout"][name]]
    marks = [{**trace, "showlegend": False} for trace in overlay_spec.get("data", [])]
    figure = SpecFigure({"data": [*base_spec.get("data", []), *marks], "layout": layout})
    said = description_of(overlay)
    return describe(figure, said) if said else figure


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


#: The two text colours a heatmap cell can get: whichever contrasts more with the cell's fill.
#: Pure black, not the page's #1f2937: on the scale's mid reds and blues (relative luminance
#: near 0.18) neither #1f2937 nor white reaches 4.5:1, black always does (at worst 4.58:1).
TEXT_DARK, TEXT_LIGHT = "#000000", "#ffffff"
#: WCAG 2.1 AA for normal-size text.
MIN_TEXT_CONTRAST = 4.5

# The scale's stops as Python floats: a heatmap's cells are coloured one by one in plain Python
# (numpy's calls on a few cells cost more than the arithmetic, on every knob move).
_SCALE_AT = [float(at) for at, _ in _DIVERGING_SCALE]
_SCALE_RGB = [tuple(float(c) for c in colour[4:-1].split(",")) for _, colour in _DIVERGING_SCALE]


_GREY_RGB = tuple(float(int(UNDEFINED_GREY[i : i + 2], 16)) for i in (1, 3, 5))


def _luminance(rgb: Sequence[float]) -> float:
    """WCAG 2.1 relative luminance of one sRGB colour (0-255 channels)."""
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255.0 for channel in rgb)
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def cell_fill(value: float, bound: float) -> tuple[float, ...]:
    """The colour plotly.js paints a cell of ``value`` (0-255 RGB), grey where undefined.

    As plotly.js does: the value's place between -bound and +bound (clamped), interpolated
    linearly in RGB between the scale's stops (as ``np.interp``, to the bit), channels rounded.
    """
    if not math.isfinite(value):
        return _GREY_RGB
    if math.isfinite(value + bound) and math.isfinite(2 * bound):
        at = (value + bound) / (2 * bound)  # plotly.js's own arithmetic
    else:  # near a float's largest (±1e308) that overflows: scaled first
        at = (value / bound + 1) / 2
    at = min(max(at, 0.0), 1.0)
    if at >= _SCALE_AT[-1]:
        return _SCALE_RGB[-1]
    k = bisect.bisect_right(_SCALE_AT, at) - 1  # _SCALE_AT[k] <= at < _SCALE_AT[k + 1]
    if at == _SCALE_AT[k]:
        return _SCALE_RGB[k]
    low, high = _SCALE_AT[k], _SCALE_AT[k + 1]
    return tuple(
        float(round((right - left) / (high - low) * (at - low) + left))
        for left, right in zip(_SCALE_RGB[k], _SCALE_RGB[k + 1], strict=True)
    )


def _text_colour(fill: Sequence[float]) -> str:
    """Black or white, whichever contrasts more with ``fill``: against black the ratio is
    (L + 0.05) / 0.05, against white 1.05 / (L + 0.05), for the fill's luminance L."""
    return TEXT_DARK if (_luminance(fill) + 0.05) ** 2 >= 0.05 * 1.05 else TEXT_LIGHT


def jacobian_heatmap(
    values: np.ndarray,
    output_labels: Sequence[str],
    knob_labels: Sequence[str],
    formulas: Sequence[Sequence[str]] | None = None,
    *,
    title: str | None = None,
    notes: Sequence[Sequence[str]] | None = None,
    bound: float | None = None,
    number: Callable[[float], str] = format_number,
    text_size: int = 15,
) -> go.Figure:
    """The Jacobian as a heatmap: rows = outputs, columns = knobs, colour centred at 0.

    ``values`` has shape (n, m); nan entries (no derivative there) are grey and say 'undefined'.
    ``formulas[i][j]`` is shown on hover beside the value; ``notes[i][j]``, if not empty,
    replaces the text of an undefined cell (e.g. 'kink'). The trace named 'jacobian' holds the
    values (None where undefined). Colours span -``bound``..``bound`` (default: the largest
    |entry|); ``number`` writes a cell's value, at ``text_size`` px (the hover: 4 digits).

    The numbers are one text layer (a scatter trace named 'values' over the cells), each in
    black or white, whichever contrasts more with its own cell's colour (>= 4.58:1 on this
    scale): plotly.js's heatmap text has one colour per trace.
    """
    values = np.asarray(values, dtype=float).reshape(len(output_labels), len(knob_labels))
    finite = np.isfinite(values)
    if bound is None:
        largest = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
        bound = largest if largest > 0 else 1.0
    # Cell by cell in Python floats: numpy's per-scalar calls cost ~1 µs each, on every knob move.
    cells = values.tolist()
    text = [[format_number(v) for v in row] for row in cells]  # on hover: 4 digits
    if notes is not None:
        text = [
            [
                note if note and not math.isfinite(v) else shown
                for v, shown, note in zip(*row, strict=True)
            ]
            for row in zip(cells, text, notes, strict=True)
        ]
    in_cells = [  # a finite cell's hover text is already format_number's
        (shown if number is format_number else number(v)) if math.isfinite(v) else shown
        for row, shown_row in zip(cells, text, strict=True)
        for v, shown in zip(row, shown_row, strict=True)
    ]
    hover = formulas or [["" for _ in knob_labels] for _ in output_labels]
    z = [[v if math.isfinite(v) else None for v in row] for row in cells]
    rows, columns = len(output_labels), len(knob_labels)
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
        grey = [[None if math.isfinite(v) else 0.0 for v in row] for row in cells]
        traces.append(
            {
                "type": "heatmap",
                "z": grey,
                "x": list(knob_labels),
                "y": list(output_labels),
                "name": "undefined",
                "colorscale": [[0, UNDEFINED_GREY], [1, UNDEFINED_GREY]],
                "showscale": False,
                "hoverinfo": "skip",
                "xgap": 2,
                "ygap": 2,
            }
        )
    colours = [_text_colour(cell_fill(v, bound)) for row in cells for v in row]
    traces.append(
        {
            "type": "scatter",
            "mode": "text",
            "x": [label for _ in output_labels for label in knob_labels],
            "y": [label for label in output_labels for _ in knob_labels],
            "text": in_cells,
            "textfont": {"size": text_size, "color": colours},
            "name": "values",
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    layout: dict[str, Any] = {
        "height": min(120 + 64 * rows, 720),
        "margin": {"l": 10, "r": 10, "t": 70 if title else 40, "b": 10},
        "font": FONT,
        "plot_bgcolor": "white",
        # automargin: room for the labels (plotly.js's default clips them at these margins).
        # Ranges fixed to the cells: the text layer would otherwise pad them with white bands.
        "xaxis": {
            "side": "top",
            "title": {"text": "knob (input)"},
            "type": "category",
            "range": [-0.5, columns - 0.5],
            "automargin": True,
        },
        "yaxis": {
            "range": [rows - 0.5, -0.5],  # first output on top
            "title": {"text": "output"},
            "type": "category",
            "automargin": True,
        },
        "uirevision": "jacobian",
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 15}}
    words = jacobian_description(values, output_labels, knob_labels, notes)
    return describe(_figure({"data": traces, "layout": layout}), words)


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
    words = error_curve_description("the error of J dx", steps, errors, current_step)
    return describe(_figure({"data": traces, "layout": layout}), words)
