"""The "Rate of change" page in a real browser: turn the knob, read the tangent's slope.

The slope is read from the page's plotly data: the trace named "tangent" in the figure whose
``layout.uirevision`` is "rate-tangent" holds two points, so its slope is rise over run. It is
compared with the engine's f'(x) at the knob value the page shows (the slider's range input).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calculus import parse_function
from calculus.rate import Slice
from calculus.reading import format_number
from tests.browser.actions import (
    UPDATE_TIMEOUT_MS,
    knob,
    knob_value,
    open_lesson,
    reading_plotly,
    screenshot_whole_page,
    turn,
)
from tests.browser.harness import EXCEPTION_SELECTOR, bursts_of_presses, wait_for_app_ready

LOSS = "x^2 + 4x - 2"
#: One ArrowRight/ArrowLeft moves the knob by its step.
STEP = 0.01
START = 1.0
#: The plot holds the engine's floats; only the line's two-point arithmetic may differ.
TOLERANCE = 1e-9

#: [slope, x of the point] of the tangent figure, or null while it is not drawn.
_TANGENT = reading_plotly("""
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    if (!graph.layout || graph.layout.uirevision !== 'rate-tangent') continue;
    let slope = null, x = null;
    for (const trace of graph.data || []) {
      const xs = values(trace.x), ys = values(trace.y);
      if (trace.name === 'tangent' && Number.isFinite(ys[0]) && Number.isFinite(ys[1])) {
        slope = (ys[1] - ys[0]) / (xs[1] - xs[0]);
      }
      if (trace.name === 'point') x = xs[0];
    }
    return slope === null ? null : [slope, x];
  }
  return null;
""")


def tangent(page: Page) -> tuple[float, float]:
    """(slope, x) of the tangent as plotted."""
    found = page.evaluate(_TANGENT)
    assert found is not None, "no tangent drawn on the page"
    return float(found[0]), float(found[1])


def wait_for_tangent_at(page: Page, x: float) -> None:
    page.wait_for_function(
        f"([x]) => {{ const t = ({_TANGENT})(); return t !== null && Math.abs(t[1] - x) < 1e-9; }}",
        arg=[x],
        timeout=UPDATE_TIMEOUT_MS,
    )


def slope_at(text: str, x: float) -> float:
    return float(Slice.along(parse_function(text), "x").slope(x))


@pytest.fixture
def rate_page(page: Page, streamlit_server: Callable[..., str]) -> Iterator[Page]:
    """The page opened at the loss, idle, with its tangent drawn at the knob."""
    yield open_lesson(page, f"{streamlit_server()}/Rate_of_change", _TANGENT)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)


@pytest.mark.parametrize("presses", [5, -3])
def test_turning_the_knob_moves_the_tangent_to_the_slope_f_prime(
    rate_page: Page, presses: int
) -> None:
    page = rate_page
    assert knob_value(page, "x") == pytest.approx(START)
    slope, x = tangent(page)
    assert x == pytest.approx(START)
    assert slope == pytest.approx(slope_at(LOSS, START), abs=TOLERANCE)

    turn(page, "x", presses)

    x = knob_value(page, "x")
    assert x == pytest.approx(START + presses * STEP, abs=1e-12)
    wait_for_tangent_at(page, x)
    slope, shown_x = tangent(page)
    assert shown_x == x
    assert slope == pytest.approx(2 * x + 4, abs=TOLERANCE), f"tangent at x = {x}"


def test_quick_presses_leave_tangent_and_readout_where_the_knob_stopped(rate_page: Page) -> None:
    """Keys pressed faster than the page reruns: once idle, the tangent and the readout beside
    the knob (which follows the drawn tangent in a rerun of its own) show the last setting."""
    page = rate_page
    slider = knob(page, "x")
    for _ in bursts_of_presses(page, slider, timeout_ms=UPDATE_TIMEOUT_MS):
        x = knob_value(page, "x")
        wait_for_tangent_at(page, x)
        assert tangent(page)[0] == pytest.approx(slope_at(LOSS, x), abs=TOLERANCE)
        slope = format_number(slope_at(LOSS, x))
        expect(page.get_by_text(f"changes f by about {slope} ε").first).to_be_visible(
            timeout=UPDATE_TIMEOUT_MS
        )


def test_typed_function_gets_its_tangent_and_screenshots(
    rate_page: Page, screenshot_dir: Path
) -> None:
    page = rate_page
    screenshot_whole_page(page, screenshot_dir / "rate_1280.png")
    box = page.locator('[data-testid="stTextArea"] textarea')
    box.fill("x^3 - 3x")
    box.press("Control+Enter")
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    page.wait_for_function(
        f"() => {{ const t = ({_TANGENT})(); return t !== null && Math.abs(t[0]) < 1e-9; }}",
        timeout=UPDATE_TIMEOUT_MS,
    )  # f'(1) = 3 - 3 = 0: the tangent is flat at the minimum
    turn(page, "x", -20)
    x = knob_value(page, "x")
    wait_for_tangent_at(page, x)
    assert tangent(page)[0] == pytest.approx(slope_at("x^3 - 3x", x), abs=TOLERANCE)
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Critical points").click()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    expect(page.get_by_text("so the curve bends up there").first).to_be_visible()
    page.set_viewport_size({"width": 420, "height": 900})
    screenshot_whole_page(page, screenshot_dir / "rate_420.png")


_SECANT_POINT_X = """
() => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    if (!graph.layout || graph.layout.uirevision !== 'rate-tangent') continue;
    const trace = (graph.data || []).find((t) => t.name === 'secant point');
    return trace ? Number(Array.from(trace.x)[0]) : null;
  }
  return null;
}
"""


def test_changing_h_below_moves_the_secant_on_the_picture(rate_page: Page) -> None:
    """h is set in the section under the picture, the secant is drawn on the picture: the
    panel's one fragment redraws both, and no exception box."""
    page = rate_page
    assert page.evaluate(_SECANT_POINT_X) == pytest.approx(START + 0.5)  # h = 0.5 by default
    step = page.locator('[data-testid="stSlider"]').filter(has_text="Step h").get_by_role("slider")
    step.focus()
    step.press("ArrowRight")  # the next, smaller h: 0.2
    page.wait_for_function(
        f"() => Math.abs(({_SECANT_POINT_X})() - {START + 0.2}) < 1e-9", timeout=UPDATE_TIMEOUT_MS
    )
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    assert page.evaluate(_SECANT_POINT_X) == pytest.approx(START + 0.2)
