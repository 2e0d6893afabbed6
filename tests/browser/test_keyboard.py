"""Keyboard first: a learner who only presses Tab reaches every knob before any chart, sees where
the focus is on every stop, and is never trapped.

Each page is tabbed through from the top, one press at a time, until the focus leaves the page
(back to the document's body), with a cap on the presses: more presses than the cap means the
focus went round in a loop, a keyboard trap; so does an element that keeps the focus for more
than a few presses (a data grid may keep it while Tab walks its cells).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.harness import wait_for_app_ready

PAGES = ["", "/Rate_of_change", "/Gradient_landscape", "/Chain_rule", "/ML_layers"]
#: The most tab stops any page should need (the ML layers page has about 70 at 1280 px).
MAX_PRESSES = 150
#: Presses an element may keep the focus (st.data_editor's grid: Tab moves between its cells).
MAX_INSIDE = 12
IDLE_TIMEOUT_MS = 60_000
SETTLE_MS = 1500

#: The focused element: a stable id (stored on the element), what it is, and whether a focus
#: indicator is drawn: an outline or a box shadow, on the element or, for a native input that
#: is visually hidden (radios, checkboxes, toggles), on the label around it.
_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  window.__knobsTabIds ??= 0;
  if (!e.dataset.knobsTab) e.dataset.knobsTab = String(++window.__knobsTabIds);
  const hidden = e.matches('input[type="radio"], input[type="checkbox"]');
  const shown = hidden ? (e.closest('label') || e) : e;
  const style = getComputedStyle(shown);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    id: e.dataset.knobsTab,
    what: (e.getAttribute('aria-label') || e.innerText || e.tagName).trim().slice(0, 50),
    tag: e.tagName,
    role: e.getAttribute('role') || e.type || '',
    knob: !!e.closest('.knobs-slider'),
    chart: !!e.closest('.js-plotly-plot'),
    textField: e.matches('textarea, input[type="text"], input:not([type])'),
    ring: outline || style.boxShadow !== 'none',
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
  };
}"""


def tab_through(page: Page) -> list[dict[str, Any]]:
    """Every stop from the top of the page until the focus leaves it (AssertionError if never)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops: list[dict[str, Any]] = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop is None:
            return stops
        if stops and stop["id"] == stops[-1]["id"]:  # a grid moves from cell to cell inside
            stops[-1]["presses"] += 1
            assert stops[-1]["presses"] <= MAX_INSIDE, f"Tab stays on {stop['what']!r}"
            continue
        stops.append({**stop, "presses": 1})
    seen = [s["what"] for s in stops[-10:]]
    raise AssertionError(f"still on the page after {MAX_PRESSES} presses (a trap?): {seen}")


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "Knob_machine" for p in PAGES])
def test_tab_reaches_every_knob_before_any_chart_with_visible_focus_and_no_trap(
    page: Page, streamlit_app: str, path: str
) -> None:
    # The home page first: a fresh server that is asked for a lesson before app.py ever ran
    # serves the lesson alone, without the frame (Streamlit reads pages/ until st.navigation).
    page.goto(streamlit_app)
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    if path:
        page.goto(streamlit_app + path)
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    knobs = page.locator(".knobs-slider input[type=range]").count()
    assert knobs >= 1
    stops = tab_through(page)
    print(f"{path or '/'}: {len(stops)} tab stops, {knobs} knobs")

    # (a) every knob slider is reached, each once
    reached = [s for s in stops if s["knob"]]
    assert len(reached) == knobs, [s["what"] for s in reached]
    assert len({s["id"] for s in stops}) == len(stops), "an element was reached twice"
    # (b) all knobs before the first stop inside a chart
    charts = [i for i, s in enumerate(stops) if s["chart"]]
    last_knob = max(i for i, s in enumerate(stops) if s["knob"])
    assert not charts or last_knob < charts[0], [s["what"] for s in stops[: last_knob + 1]]
    # (d) every stop shows where the focus is (text fields: by their border, not checked here)
    unseen = [
        f"{s['what']} ({s['tag']} {s['role']})"
        for s in stops
        if not s["ring"] and not s["textField"]
    ]
    assert not unseen, unseen


def test_a_focused_radio_and_segmented_control_show_a_solid_outline(
    page: Page, streamlit_app: str
) -> None:
    """st.radio (the landscape's view) and st.segmented_control ("Look closer"), by keyboard."""
    page.goto(streamlit_app)
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.goto(streamlit_app + "/Gradient_landscape")
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    stops = tab_through(page)
    radios = [s for s in stops if s["role"] == "radio"]
    assert radios, "no radio reached by Tab"
    for stop in radios:
        assert stop["outline"].startswith("solid 2px"), stop
    page.goto(streamlit_app)
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    segmented = [s for s in tab_through(page) if s["role"] == "radio" and s["tag"] == "BUTTON"]
    assert segmented, "the 'Look closer' segmented control was not reached"
    for stop in segmented:
        assert stop["outline"].startswith("solid 2px"), stop
