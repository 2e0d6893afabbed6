"""What the browser tests do on a lesson as a learner would: turn a knob, read plotted numbers,
take a picture of the whole page. Shared by the lessons' browser tests (the harness itself stays
free of the app's code, for the benchmark)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page

from calculus.export import plain_symbol
from tests.browser.harness import knob_slider, wait_for_app_ready, wait_for_knobs_at_rest

#: A knob move reruns a fragment: well under a second, but a loaded CI machine is slow.
UPDATE_TIMEOUT_MS = 30_000
#: The first load starts the worker processes and compiles the default function.
LOAD_TIMEOUT_MS = 120_000

# ``values(a)``: a plotly trace's x, y or z as numbers. numpy arrays reach the page as base64
# float64 ({dtype: "f8", bdata}); lists (null where undefined) as they are.
_PLOTLY_VALUES = """
  const values = (a) => {
    if (a && a.bdata) {
      const bytes = Uint8Array.from(atob(a.bdata), (c) => c.charCodeAt(0));
      return Array.from(new Float64Array(bytes.buffer));
    }
    return Array.from(a || [], (v) => (v === null ? NaN : v));
  };
"""


def reading_plotly(body: str) -> str:
    """A JavaScript function of no arguments that runs ``body`` with ``values(a)`` in scope."""
    return "() => {" + _PLOTLY_VALUES + body + "}"


# The height of everything Streamlit shows, including what scrolls inside its own containers.
_CONTENT_HEIGHT = """
() => Math.ceil(Math.max(document.documentElement.scrollHeight,
  ...Array.from(document.querySelectorAll('*'))
    .filter((e) => /auto|scroll/.test(getComputedStyle(e).overflowY))
    .map((e) => e.scrollHeight)))
"""


def open_lesson(page: Page, url: str, drawn: str) -> Page:
    """Open ``url``; wait until the app is idle and the JavaScript function ``drawn`` finds what
    the lesson draws (returns something other than null)."""
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    page.wait_for_function(f"() => ({drawn})() !== null", timeout=LOAD_TIMEOUT_MS)
    return page


def knob(page: Page, name: str) -> Locator:
    """The range input of the knob slider for variable ``name`` (labelled 'x', 'x₁', ...)."""
    return knob_slider(page, plain_symbol(name))


def knob_value(page: Page, name: str) -> float:
    return float(knob(page, name).evaluate("input => input.value"))


def turn(page: Page, name: str, presses: int) -> None:
    """Press ArrowRight (presses > 0) or ArrowLeft on knob ``name``, one at a time, and wait
    until the knob rests (its value in the URL)."""
    slider = knob(page, name)
    key = "ArrowRight" if presses > 0 else "ArrowLeft"
    for _ in range(abs(presses)):
        before = knob_value(page, name)
        slider.focus()
        slider.press(key)
        page.wait_for_function(
            "([input, before]) => Number(input.value) !== before",
            arg=[slider.element_handle(), before],
            timeout=UPDATE_TIMEOUT_MS,
        )
        wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=50)
    wait_for_knobs_at_rest(page, timeout_ms=UPDATE_TIMEOUT_MS)


def screenshot_whole_page(page: Page, path: Path, layout_ms: int = 0) -> None:
    """Save the whole app, not only the viewport.

    Streamlit scrolls inside its own container, so Playwright's full_page shot stops at the
    viewport: the viewport is made as tall as the scrolled content for the shot, then restored.
    ``layout_ms`` waits longer for figures that plotly lays out after the script run ends.
    """
    viewport = page.viewport_size
    assert viewport is not None
    height = page.evaluate(_CONTENT_HEIGHT)
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=300)
        if layout_ms:
            page.wait_for_timeout(layout_ms)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)
