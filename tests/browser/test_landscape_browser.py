"""The gradient-landscape page in a real browser: move a knob, read the gradient arrow.

The arrow is read from the page's plotly data: the trace named "gradient" of the light overlay
figure holds two points, [a, a + s gx] and [b, b + s gy], and its ``meta`` the scale s it is drawn
at. Its plotted components divided by s are compared with the engine's ∇f at the knob values the
page shows (the sliders' range inputs). The heavy contour map under it must not be redrawn by a
knob move: a mark left on its plotly element survives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calculus.landscape import parse_landscape
from tests.browser.actions import (
    UPDATE_TIMEOUT_MS,
    knob_value,
    open_lesson,
    reading_plotly,
    screenshot_whole_page,
    turn,
)
from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready

#: The plot holds the engine's floats; only the arrow's two-point arithmetic may differ.
TOLERANCE = 1e-9

#: [a, b, gx, gy] of the gradient arrow as plotted (scale divided out), or null.
_ARROW = reading_plotly("""
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    for (const trace of graph.data || []) {
      if (trace.name !== 'gradient') continue;
      const xs = values(trace.x), ys = values(trace.y), s = trace.meta.scale;
      return [xs[0], ys[0], (xs[1] - xs[0]) / s, (ys[1] - ys[0]) / s];
    }
  }
  return null;
""")

# Marks the heavy map's plotly element; a redraw from scratch would replace the element.
_MARK_MAP = """
() => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    if ((graph.data || []).some((t) => t.name === 'f' && t.type === 'contour')) {
      graph.__knobsMark = true;
      return true;
    }
  }
  return false;
}
"""
_MAP_MARKED = """
() => [...document.querySelectorAll('.js-plotly-plot')].some((g) => g.__knobsMark === true)
"""


def arrow(page: Page) -> list[float]:
    found = page.evaluate(_ARROW)
    assert found is not None, "no gradient arrow on the page"
    return [float(v) for v in found]


def wait_for_arrow_at(page: Page, a: float, b: float) -> None:
    page.wait_for_function(
        f"([a, b]) => {{ const t = ({_ARROW})(); "
        "return t !== null && Math.abs(t[0] - a) < 1e-12 && Math.abs(t[1] - b) < 1e-12; }",
        arg=[a, b],
        timeout=UPDATE_TIMEOUT_MS,
    )


@pytest.fixture
def landscape_page(page: Page, streamlit_server: Callable[..., str]) -> Iterator[Page]:
    """The page opened at x1 x2^2 on the contour map, idle, with its arrow drawn."""
    yield open_lesson(page, f"{streamlit_server()}/Gradient_landscape", _ARROW)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)


def test_moving_a_knob_moves_the_arrow_to_the_gradient_there(landscape_page: Page) -> None:
    page = landscape_page
    landscape = parse_landscape("x1 x2^2")
    a, b, gx, gy = arrow(page)
    assert (a, b) == (1.0, 1.0)
    assert [gx, gy] == pytest.approx([1.0, 2.0], abs=TOLERANCE)
    assert page.evaluate(_MARK_MAP), "no contour map on the page"

    turn(page, "x1", 4)
    turn(page, "x2", -7)

    a, b = knob_value(page, "x1"), knob_value(page, "x2")
    assert (a, b) == pytest.approx((1.04, 0.93), abs=1e-12)
    wait_for_arrow_at(page, a, b)
    expected = landscape.gradient_at([a, b])  # [x2², 2 x1 x2]
    shown = arrow(page)
    assert shown[:2] == [a, b]
    assert shown[2:] == pytest.approx(list(expected), abs=TOLERANCE), f"∇f at ({a}, {b})"
    assert page.evaluate(_MAP_MARKED), "the contour map was redrawn by a knob move"


def test_pictures_and_screenshots(landscape_page: Page, screenshot_dir: Path) -> None:
    page = landscape_page
    screenshot_whole_page(page, screenshot_dir / "landscape_1280.png", layout_ms=500)
    page.get_by_text("Both", exact=True).click()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    expect(page.locator(".js-plotly-plot")).to_have_count(5, timeout=UPDATE_TIMEOUT_MS)
    screenshot_whole_page(page, screenshot_dir / "landscape_both_1280.png", layout_ms=500)
    page.set_viewport_size({"width": 420, "height": 900})
    screenshot_whole_page(page, screenshot_dir / "landscape_420.png", layout_ms=500)


def test_surface_then_a_knob_move_and_a_section_change(landscape_page: Page) -> None:
    # Once a KeyError on every move: the field checkbox, not drawn in Surface view, lost its key
    # and the knob's fragment rerun read it.
    page = landscape_page
    show = page.get_by_role("radiogroup", name="Show")
    show.get_by_text("Surface", exact=True).click()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    turn(page, "x1", 2)
    page.get_by_role("radiogroup", name="Look closer").get_by_text("Gradient", exact=True).click()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    expect(page.get_by_text("orange tangent plane", exact=False)).to_have_count(1)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    show.get_by_text("Contour map", exact=True).click()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    turn(page, "x2", 1)
    wait_for_arrow_at(page, knob_value(page, "x1"), knob_value(page, "x2"))


_MAP_TRACES = """
() => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    const names = (graph.data || []).map((t) => t.name);
    if (names.includes('gradient')) return names;
  }
  return null;
}
"""


def test_a_section_chosen_below_draws_its_marks_on_the_map(landscape_page: Page) -> None:
    """The section is chosen under the map, its marks are drawn on the map: the panel's one
    fragment redraws both without a knob move."""
    page = landscape_page
    assert "descent" not in page.evaluate(_MAP_TRACES)
    look = page.get_by_role("radiogroup", name="Look closer")
    look.get_by_text("Gradient descent", exact=True).click()
    page.wait_for_function(
        f"() => (({_MAP_TRACES})() || []).includes('descent')", timeout=UPDATE_TIMEOUT_MS
    )
    look.get_by_text("Directional derivative", exact=True).click()
    page.wait_for_function(
        f"() => {{ const n = ({_MAP_TRACES})() || []; "
        "return n.includes('direction u') && !n.includes('descent'); }",
        timeout=UPDATE_TIMEOUT_MS,
    )
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
