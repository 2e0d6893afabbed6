"""ui.figures writes its figures as plain specs: they must be exactly what plotly would validate.

Validating a figure again (``go.Figure(fig.to_dict())``) must change nothing: no unknown
property (validation would raise), no named colour scale left for plotly.js (validation expands
it), no value plotly would coerce differently.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import math
import pickle
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui.figures import (
    MIN_TEXT_CONTRAST,
    UNDEFINED_GREY,
    cell_fill,
    description_of,
    error_curve_figure,
    heatmap_legend_html,
    jacobian_heatmap,
)

NAN = float("nan")
STEPS = np.logspace(-8, 0, 33)

HEATMAPS: dict[str, dict[str, Any]] = {
    "3 x 3 with formulas": {
        "values": np.array([[4.0, 4.0, 0.0], [2.0, 2.5, 0.5], [0.0, 1.0, 1.0]]),
        "output_labels": ["y₁", "y₂", "y₃"],
        "knob_labels": ["x₁", "x₂", "x₃"],
        "formulas": [["4 x1^3", "b", "0"]] * 3,
        "notes": [[""] * 3] * 3,
    },
    "undefined entry with a note and a title": {
        "values": np.array([[NAN, 1.0], [2.0, -3.0]]),
        "output_labels": ["y₁", "y₂"],
        "knob_labels": ["x", "y"],
        "title": "From the engine",
        "notes": [["kink", ""], ["", ""]],
    },
    "nothing defined": {"values": np.array([[NAN]]), "output_labels": ["y"], "knob_labels": ["x"]},
    "all zero": {"values": np.zeros((1, 2)), "output_labels": ["y"], "knob_labels": ["x", "y"]},
    "infinite entry": {
        "values": np.array([[np.inf, -2.0]]),
        "output_labels": ["y"],
        "knob_labels": ["a", "b"],
    },
    "tall": {
        "values": np.arange(12.0).reshape(12, 1) - 5,
        "output_labels": [f"y{i}" for i in range(12)],
        "knob_labels": ["x"],
    },
}

_SOME_ZERO = STEPS**2 * 0.3
_SOME_ZERO[:5] = 0.0
_SOME_ZERO[7] = NAN
ERROR_CURVES: dict[str, tuple[np.ndarray, np.ndarray, float | None]] = {
    "slope 2 with the step marked": (STEPS, STEPS**2 * 0.3, 0.1),
    "no step marked": (STEPS, STEPS**2 * 0.3, None),
    "exact (zero) and undefined errors": (STEPS, _SOME_ZERO, 1e-3),
    "all exact": (STEPS, np.zeros_like(STEPS), 0.5),
    "only tiny steps (no guide)": (STEPS[:5], STEPS[:5] ** 2, None),
}


def revalidated(figure: go.Figure) -> dict[str, Any]:
    """The figure validated by plotly, without the default template (the specs carry none)."""
    validated = go.Figure(figure.to_dict(), layout_template=None).to_dict()
    validated["layout"].pop("template", None)
    return _plain_arrays(json.loads(pio.to_json(validated, validate=False)))


def _plain_arrays(value: Any) -> Any:
    """JSON with plotly's typed arrays ({'dtype', 'bdata'}) written out as lists."""
    if isinstance(value, dict):
        if set(value) == {"dtype", "bdata"}:
            decoded = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return [None if math.isnan(v) else float(v) for v in decoded]
        return {key: _plain_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_arrays(item) for item in value]
    return value


def as_json(figure: go.Figure) -> dict[str, Any]:
    """The figure as the browser gets it."""
    return json.loads(pio.to_json(figure.to_dict(), validate=False))


@pytest.mark.parametrize("case", list(HEATMAPS))
def test_heatmap_spec_is_what_plotly_validates(case: str) -> None:
    figure = jacobian_heatmap(**HEATMAPS[case])
    assert as_json(figure) == revalidated(figure)


@pytest.mark.parametrize("case", list(ERROR_CURVES))
def test_error_curve_spec_is_what_plotly_validates(case: str) -> None:
    figure = error_curve_figure(*ERROR_CURVES[case])
    assert as_json(figure) == revalidated(figure)


def test_a_copied_or_pickled_figure_shows_and_says_the_same_and_leaves_the_original_alone() -> None:
    """Streamlit copies and caches figures: a copy must draw the same picture with the same words,
    and copying must not write plotly's bookkeeping into the spec the browser gets."""
    figure = jacobian_heatmap(**HEATMAPS["undefined entry with a note and a title"])
    before = as_json(figure)
    for copied in (copy.deepcopy(figure), pickle.loads(pickle.dumps(figure))):
        assert as_json(copied) == before
        assert description_of(copied) == description_of(figure)
        assert [trace.name for trace in copied.data] == ["jacobian", "undefined", "values"]
    assert as_json(figure) == before


def test_heatmap_trace_holds_the_values_with_none_where_undefined() -> None:
    figure = jacobian_heatmap(**HEATMAPS["undefined entry with a note and a title"])
    jacobian = next(trace for trace in figure.data if trace.name == "jacobian")
    assert [list(row) for row in jacobian.z] == [[None, 1.0], [2.0, -3.0]]
    assert [list(row) for row in jacobian.text] == [["kink", "1"], ["2", "−3"]]
    assert (jacobian.zmin, jacobian.zmid, jacobian.zmax) == (-3.0, 0, 3.0)
    assert [trace.name for trace in figure.data] == ["jacobian", "undefined", "values"]
    assert figure.layout.title.text == "From the engine"


def test_error_curve_marks_the_chosen_step() -> None:
    figure = error_curve_figure(*ERROR_CURVES["slope 2 with the step marked"])
    (line,) = figure.layout.shapes
    assert (line.x0, line.x1, line.yref) == (0.1, 0.1, "y domain")
    assert [trace.name for trace in figure.data] == ["error of J dx", "slope 2 (error ∝ step²)"]


def test_the_heatmap_key_shows_the_heatmaps_own_colours_from_falls_to_rises() -> None:
    """No colour bar on the chart (it cost every knob move a redraw): the page's key instead."""
    figure = jacobian_heatmap(**HEATMAPS["undefined entry with a note and a title"])
    jacobian = next(trace for trace in figure.data if trace.name == "jacobian")
    assert jacobian.showscale is False
    legend = heatmap_legend_html()
    scale = [colour for _, colour in jacobian.colorscale]
    assert legend.index(scale[0]) < legend.index(scale[len(scale) // 2]) < legend.index(scale[-1])
    words = [">falls<", "knobs-legend-bar", ">rises<"]
    assert [legend.index(w) for w in words] == sorted(legend.index(w) for w in words)
    assert 'aria-label="Colour key: blue where the output falls' in legend


def _rgb(colour: str) -> np.ndarray:
    if colour.startswith("#"):
        return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return np.array([float(c) for c in colour[colour.index("(") + 1 : -1].split(",")])


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours (last axis: 0-255 channels): the oracle, in
    numpy, for the page's own per-cell version."""
    c = np.asarray(rgb, dtype=float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """WCAG contrast ratio of two relative luminances (1 to 21)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def _plotly_fill(value: float | None, trace: Any) -> np.ndarray:
    """The cell colour as plotly draws it, from the validated trace: scale stops and z range."""
    if value is None:
        return _rgb(UNDEFINED_GREY)
    at = min(max((value - trace.zmin) / (trace.zmax - trace.zmin), 0.0), 1.0)
    stops = [(float(position), _rgb(colour)) for position, colour in trace.colorscale]
    for (a, left), (b, right) in itertools.pairwise(stops):
        if a <= at <= b:
            return np.round(left + (right - left) * (at - a) / (b - a))
    raise AssertionError(at)


#: A grid of z values through the whole scale, with zeros, ties, nan and ±inf.
GRID = np.array(
    [
        [-1.0, -0.9, -0.83, -0.75, -0.66, -0.5, -0.33, -0.2, -0.1, -0.01],
        [0.0, 0.01, 0.1, 0.2, 0.33, 0.5, 0.66, 0.75, 0.83, 1.0],
        [NAN, 0.17, -0.17, 0.831, -0.841, 0.6, -0.6, np.inf, -np.inf, NAN],
    ]
)


@pytest.mark.parametrize("scale", [1.0, 3.2, 1e-6])
def test_every_cell_number_has_at_least_4_5_to_1_contrast_on_its_own_cell(scale: float) -> None:
    values = GRID * scale
    rows, columns = [f"y{i}" for i in range(3)], [f"x{j}" for j in range(10)]
    figure = jacobian_heatmap(values, rows, columns)
    jacobian = next(t for t in figure.data if t.name == "jacobian")
    (text,) = [t for t in figure.data if t.type == "scatter" or getattr(t, "texttemplate", None)]
    assert text.name == "values" and text.mode == "text"  # one text layer, and only one
    colours = list(text.textfont.color)
    ratios = []
    for k, (x, y) in enumerate(zip(text.x, text.y, strict=True)):
        i, j = rows.index(y), columns.index(x)
        fill = _plotly_fill(jacobian.z[i][j], jacobian)
        assert np.array_equal(fill, cell_fill(values[i, j], scale))
        ratios.append(
            float(contrast_ratio(relative_luminance(fill), relative_luminance(_rgb(colours[k]))))
        )
    assert min(ratios) >= MIN_TEXT_CONTRAST, min(ratios)
    words = dict(zip(zip(text.y, text.x, strict=True), text.text, strict=True))
    assert words["y2", "x0"] == words["y2", "x9"] == "undefined"
    assert words["y1", "x0"] == "0"


def test_the_scale_never_leaves_a_cell_below_4_5_to_1() -> None:
    """Every colour the scale can paint, in steps of 1/2000 of its range."""
    values = np.linspace(-1.0, 1.0, 2001).reshape(1, -1)
    columns = [str(j) for j in range(values.size)]
    figure = jacobian_heatmap(values, ["y"], columns)
    text = next(t for t in figure.data if t.name == "values")
    fills = relative_luminance(np.array([cell_fill(v, 1.0) for v in values[0]]))
    texts = relative_luminance(np.array([_rgb(c) for c in text.textfont.color]))
    assert float(np.min(contrast_ratio(fills, texts))) >= 4.58


def test_entries_near_a_floats_largest_get_the_scales_ends() -> None:
    """±1e308: (value + bound) / (2 * bound) overflows; the cells still take the scale's ends."""
    figure = jacobian_heatmap(np.array([[1e308, -1e308, 0.0]]), ["y"], ["a", "b", "c"])
    jacobian = next(t for t in figure.data if t.name == "jacobian")
    text = next(t for t in figure.data if t.name == "values")
    scale = [_rgb(colour) for _, colour in jacobian.colorscale]
    fills = [cell_fill(v, 1e308) for v in (1e308, -1e308, 0.0)]
    assert [list(f) for f in fills] == [
        list(scale[-1]),
        list(scale[0]),
        list(scale[len(scale) // 2]),
    ]
    ratios = [
        float(contrast_ratio(relative_luminance(np.array(f)), relative_luminance(_rgb(c))))
        for f, c in zip(fills, text.textfont.color, strict=True)
    ]
    assert min(ratios) >= MIN_TEXT_CONTRAST, ratios


def test_undefined_cells_are_grey_and_say_so_in_the_one_text_layer() -> None:
    figure = jacobian_heatmap(**HEATMAPS["undefined entry with a note and a title"])
    grey = next(t for t in figure.data if t.name == "undefined")
    assert not grey.texttemplate and grey.hoverinfo == "skip"
    text = next(t for t in figure.data if t.name == "values")
    assert list(text.text) == ["kink", "1", "2", "−3"]
    assert text.textfont.color[0] == "#000000"  # black on the grey cell (14:1)
    # the text layer leaves the axes on the cells: no white band around them
    assert list(figure.layout.xaxis.range) == [-0.5, 1.5]
    assert list(figure.layout.yaxis.range) == [1.5, -0.5]
