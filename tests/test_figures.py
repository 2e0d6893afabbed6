"""ui.figures writes its figures as plain specs: they must be exactly what plotly would validate.

Validating a figure again (``go.Figure(fig.to_dict())``) must change nothing: no unknown
property (validation would raise), no named colour scale left for plotly.js (validation expands
it), no value plotly would coerce differently.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui.figures import error_curve_figure, heatmap_legend_html, jacobian_heatmap

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


def test_heatmap_trace_holds_the_values_with_none_where_undefined() -> None:
    figure = jacobian_heatmap(**HEATMAPS["undefined entry with a note and a title"])
    jacobian = next(trace for trace in figure.data if trace.name == "jacobian")
    assert [list(row) for row in jacobian.z] == [[None, 1.0], [2.0, -3.0]]
    assert [list(row) for row in jacobian.text] == [["kink", "1"], ["2", "−3"]]
    assert (jacobian.zmin, jacobian.zmid, jacobian.zmax) == (-3.0, 0, 3.0)
    assert [trace.name for trace in figure.data] == ["jacobian", "undefined"]
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
