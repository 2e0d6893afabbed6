"""The knob machine says where the typed function is undefined, and why, although sympy
simplified it (``sqrt(x)^2`` is built as ``x``, ``x/x`` as ``1``)."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.charts import live_texts, trace_named
from tests.conftest import open_page
from tests.knobs import turn_knob

APP = "app.py"


def run_app(**query: str) -> AppTest:
    return open_page(APP, **query)


def page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + live_texts(at))


def heatmap(at: AppTest) -> np.ndarray:
    return np.array(trace_named(at, "jacobian")["z"], dtype=float)


def test_sqrt_squared_is_undefined_left_of_zero_with_the_reason() -> None:
    at = run_app(f="sqrt(x)^2", k_x="1")
    assert "y = **1**" in page_text(at)
    captions = "\n".join(c.value for c in at.caption)
    assert "y = x holds where x ≥ 0 (as typed, √(x)² is undefined elsewhere)" in captions
    turn_knob(at, "knob_slider_x", -1.0)
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    assert "y = **undefined at this setting**: √x needs x ≥ 0" in text
    assert "Grey rows" in text and "√x needs x ≥ 0" in text
    assert np.isnan(heatmap(at)).all()


def test_x_over_x_is_undefined_at_zero() -> None:
    at = run_app(f="x/x", k_x="0")
    text = page_text(at)
    assert "y = **undefined at this setting**: dividing by x needs x ≠ 0" in text
    assert "nan" not in text.lower()
    turn_knob(at, "knob_slider_x", 2.0)
    assert "y = **1**" in page_text(at)


def test_the_chapter_exercise_at_x3_negative() -> None:
    at = run_app(k_x1="1", k_x2="1", k_x3="-1")
    text = page_text(at)
    assert "y₁ = **1**" in text
    assert "y₃ = **undefined at this setting**: √(x₂x₃) needs x₂x₃ ≥ 0" in text
    assert np.isnan(heatmap(at)[2]).all() and np.isnan(heatmap(at)[1]).all()
    captions = "\n".join(c.value for c in at.caption)
    assert "y₃ = x₂x₃ holds where x₂x₃ ≥ 0" in captions


def test_a_name_that_may_be_a_product_gets_a_hint_not_a_refusal() -> None:
    at = run_app(f="xy + 1")
    assert not at.error
    captions = "\n".join(c.value for c in at.caption)
    assert "'xy' (column 1) is read as one knob named xy; for the product of x and y" in captions
