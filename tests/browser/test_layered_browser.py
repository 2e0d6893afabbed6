"""The layered chart (``ui/chart_component.py``: a light overlay on a heavy base, one element) in
a real browser: the two graphs stacked exactly, the base drawn again after the browser lost it
(a page switch with its cache emptied), in two tabs and after a reload, and on a white card in
the dark theme.

A layered chart is ``.knobs-layered-chart`` in its element (``.st-key-<key>``): the base's graph
``.knobs-layer-base``, then the overlay's ``.knobs-layer-overlay`` on top of it. The window keeps
the bases it was sent in ``window.__knobsBases`` (by version).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.actions import LOAD_TIMEOUT_MS, UPDATE_TIMEOUT_MS, open_lesson, turn
from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready

#: The layered charts of the pages: the tangent's picture, the landscape's contour map.
TANGENT = ".st-key-rate_tangent .knobs-layered-chart"
MAP = ".st-key-landscape_map .knobs-layered-chart"

#: For the layered chart ``selector``: each layer's trace names, its box on the screen, whether
#: it is shown, its background and whether it takes the pointer, and the chart's role and
#: accessible name; null until both layers are drawn.
_LAYERS = """
(selector) => {
  const charts = document.querySelectorAll(selector);
  if (charts.length !== 1) return null;
  const layer = (name) => {
    const graph = charts[0].querySelector('.knobs-layer-' + name);
    if (!graph || !graph.data || !graph._fullLayout) return null;
    const box = graph.getBoundingClientRect();
    const style = getComputedStyle(graph);
    return {
      names: graph.data.map((t) => t.name),
      box: [box.x, box.y, box.width, box.height],
      shown: style.visibility !== 'hidden' && box.height > 0,
      background: style.backgroundColor,
      pointer: style.pointerEvents,
    };
  };
  const base = layer('base'), overlay = layer('overlay');
  if (!(base && overlay && base.names.length && overlay.names.length)) return null;
  const [role, label] = ['role', 'aria-label'].map((name) => charts[0].getAttribute(name));
  return { base, overlay, role, label };
}
"""


def layers(page: Page, selector: str) -> dict:
    """Both layers of the layered chart ``selector``, once both are drawn."""
    page.wait_for_function(f"() => ({_LAYERS})({selector!r}) !== null", timeout=UPDATE_TIMEOUT_MS)
    return page.evaluate(_LAYERS, selector)


def assert_stacked(found: dict, base_trace: str, overlay_trace: str) -> None:
    base, overlay = found["base"], found["overlay"]
    assert base_trace in base["names"] and overlay_trace in overlay["names"], found
    assert base["shown"] and overlay["shown"], found
    assert overlay["box"] == pytest.approx(base["box"], abs=0.5), "the overlay is off its base"
    assert overlay["pointer"] == "none", "the overlay must let hovers through to the base"


def turn_and_check(page: Page, knob: str, presses: int, selector: str, traces: tuple) -> None:
    """Turn ``knob``: both layers of ``selector`` still drawn and stacked, no exception."""
    turn(page, knob, presses)
    assert_stacked(layers(page, selector), *traces)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)


def open_page_at(page: Page, url: str, selector: str) -> Page:
    return open_lesson(page, url, f"() => ({_LAYERS})({selector!r})")


def navigate(page: Page, title: str) -> None:
    """Another lesson by the sidebar's link: the same session and window (no reload)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)


def test_the_tangent_and_its_curves_are_one_element_stacked_exactly(
    page: Page, streamlit_server: Callable[..., str]
) -> None:
    open_page_at(page, f"{streamlit_server()}/Rate_of_change", TANGENT)
    found = layers(page, TANGENT)
    assert_stacked(found, "f", "tangent")
    assert found["role"] == "figure", "one figure for screen readers, named by what it shows"
    assert found["label"].startswith("Top: the curve f(x) and its tangent at x = 1"), found["label"]
    expect(page.locator('[class*="st-key-"][class*="_overlay"]')).to_have_count(0)
    # The pointer reaches the curves through the overlay (their hovers, f's values).
    page.locator(TANGENT).scroll_into_view_if_needed()
    x, y, width, height = layers(page, TANGENT)["base"]["box"]
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.knobs-layer-base') !== null",
        [x + width / 2, y + height / 4],
    )
    assert hit, "the overlay catches the pointer"
    turn_and_check(page, "x", 3, TANGENT, ("f", "tangent"))


def test_a_base_the_browser_lost_is_sent_again(
    page: Page, streamlit_server: Callable[..., str]
) -> None:
    """Away and back within the session, with the window's bases dropped meanwhile: the
    session had sent the map, the browser no longer has it, asks, and draws it again."""
    open_page_at(page, f"{streamlit_server()}/Gradient_landscape", MAP)
    assert_stacked(layers(page, MAP), "f", "gradient")
    navigate(page, "Rate of change")
    layers(page, TANGENT)
    page.evaluate("() => window.__knobsBases.clear()")
    navigate(page, "Gradient landscape")
    assert_stacked(layers(page, MAP), "f", "gradient")
    turn_and_check(page, "x1", 2, MAP, ("f", "gradient"))


def test_two_tabs_and_a_reload_each_draw_their_base(
    browser: Browser, streamlit_server: Callable[..., str]
) -> None:
    """Each tab is a session of its own with a window of its own; a reload starts afresh."""
    url = f"{streamlit_server()}/Rate_of_change"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        first, second = context.new_page(), context.new_page()
        open_page_at(first, url, TANGENT)
        open_page_at(second, url, TANGENT)
        turn(second, "x", 2)
        for tab in (first, second):
            assert_stacked(layers(tab, TANGENT), "f", "tangent")
        first.reload()
        wait_for_app_ready(first, timeout_ms=LOAD_TIMEOUT_MS)
        assert_stacked(layers(first, TANGENT), "f", "tangent")
        turn_and_check(first, "x", -2, TANGENT, ("f", "tangent"))
    finally:
        context.close()


def test_in_the_dark_theme_both_layers_sit_on_the_white_card(
    browser: Browser, streamlit_server: Callable[..., str]
) -> None:
    app = streamlit_server()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(app)  # app.py first: see tests/browser/test_keyboard.py
        wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
        open_page_at(page, f"{app}/Gradient_landscape?view=Both", MAP)
        expect(page.locator("html")).to_have_attribute("data-knobs-theme", "dark")
        for selector in (MAP, ".st-key-landscape_surface .knobs-layered-chart"):
            found = layers(page, selector)
            assert found["base"]["background"] == "rgb(255, 255, 255)", selector
            assert found["overlay"]["background"] == "rgba(0, 0, 0, 0)", selector
            assert found["overlay"]["box"] == pytest.approx(found["base"]["box"], abs=0.5)
    finally:
        context.close()


#: Records which layer of the map each Plotly.react draws, and in which animation frame.
_RECORD_DRAWS = """
() => {
  const react = window.Plotly.react;
  window.__knobsDraws = [];
  let frame = 0;
  const tick = () => { frame += 1; requestAnimationFrame(tick); };
  tick();
  window.Plotly.react = function (graph, ...rest) {
    if (graph.closest('.st-key-landscape_map')) {
      const layer = graph.classList.contains('knobs-layer-base') ? 'base' : 'overlay';
      window.__knobsDraws.push([layer, frame]);
    }
    return react.call(this, graph, ...rest);
  };
}
"""


def test_when_a_held_knob_changes_both_layers_the_overlay_is_drawn_first(
    page: Page, streamlit_server: Callable[..., str]
) -> None:
    """z is held (the map shows x and y): its move changes the contour map and the marks in one
    run. The marks are drawn at once, the map in a later frame, after they were painted."""
    url = f"{streamlit_server()}/Gradient_landscape?f=x+y%5E2+z&k_z=0.5"
    open_page_at(page, url, MAP)
    page.evaluate(_RECORD_DRAWS)
    turn(page, "z", 1)
    assert_stacked(layers(page, MAP), "f", "gradient")
    draws = page.evaluate("() => window.__knobsDraws")
    assert [layer for layer, _ in draws] == ["overlay", "base"], draws
    assert draws[1][1] > draws[0][1], f"the map was drawn in the marks' frame: {draws}"
