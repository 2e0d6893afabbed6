"""A phone's width (420 px): Streamlit stacks the columns, and what belongs together must stay
together. Each heatmap's heading and colour key sit right above it; the chain rule's graph keeps
readable labels and scrolls sideways instead of shrinking; a formula wider than the screen can
be scrolled, with the keyboard too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.harness import wait_for_app_ready

PHONE = {"width": 420, "height": 1600}
#: The most space (px) between a heatmap's colour key (in its heading's line) and the heatmap.
MAX_HEADING_GAP = 120
#: The smallest label (px, as drawn) in the chain rule's graph.
MIN_LABEL_PX = 11
IDLE_TIMEOUT_MS = 60_000
SETTLE_MS = 1500

#: For every colour key on the page: the gap (px) from its bottom to the top of the first
#: heatmap below it (null if none below it).
_KEY_TO_HEATMAP_GAPS = """() => {
  const heatmaps = [...document.querySelectorAll('.js-plotly-plot')]
    .filter((plot) => (plot.data || []).some((trace) => trace.type === 'heatmap'))
    .map((plot) => plot.getBoundingClientRect().top);
  return [...document.querySelectorAll('.knobs-legend')].map((key) => {
    const bottom = key.getBoundingClientRect().bottom;
    const below = heatmaps.filter((top) => top >= bottom - 1);
    return below.length ? Math.round(Math.min(...below) - bottom) : null;
  });
}"""

#: The chain rule graph's labels as drawn (font size times the picture's scale), and whether
#: its area scrolls sideways and is a tab stop.
_CHAIN_GRAPH = """() => {
  const area = document.querySelector('[class*="_drawing_scrolls"] > .stElementContainer');
  const svg = area && area.querySelector('.js-plotly-plot svg.main-svg');
  if (!svg) return null;
  const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
  const sizes = [...area.querySelectorAll('.js-plotly-plot text')]
    .filter((t) => t.textContent.trim())
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {
    smallest: Math.min(...sizes), labels: sizes.length,
    scrolls: area.scrollWidth > area.clientWidth, tabStop: area.tabIndex === 0,
  };
}"""

#: Formulas wider than their box: each must be a tab stop (to scroll it with the arrow keys).
_WIDE_FORMULAS = """() => [...document.querySelectorAll('.katex-display')]
  .filter((block) => block.scrollWidth > block.clientWidth + 1)
  .map((block) => ({tabStop: block.tabIndex === 0, text: block.textContent.slice(0, 40)}))"""


def _open(page: Page, streamlit_app: str, path: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(streamlit_app)  # app.py first: see tests/browser/test_keyboard.py
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    if path:
        page.goto(streamlit_app + path)
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


HEATMAP_PAGES = ["", "/Chain_rule", "/ML_layers"]


IDS = [p.strip("/") or "Knob_machine" for p in HEATMAP_PAGES]


@pytest.mark.parametrize("path", HEATMAP_PAGES, ids=IDS)
def test_heatmap_pages_keep_the_key_with_its_heatmap_and_wide_formulas_scroll_on_a_phone(
    page: Page, streamlit_app: str, path: str
) -> None:
    """Each heatmap's colour key sits right above it; a formula wider than the screen is a tab
    stop, so it can be scrolled with the arrow keys."""
    _open(page, streamlit_app, path)
    gaps = page.evaluate(_KEY_TO_HEATMAP_GAPS)
    print(f"{path or '/'} at 420 px: key-to-heatmap gaps {gaps} px")
    assert gaps, "no colour key on the page"
    assert all(gap is not None and gap <= MAX_HEADING_GAP for gap in gaps), gaps
    wide = page.evaluate(_WIDE_FORMULAS)
    assert all(formula["tabStop"] for formula in wide), wide


def test_chain_graph_labels_stay_readable_and_the_graph_scrolls_on_a_phone(
    page: Page, streamlit_app: str
) -> None:
    _open(page, streamlit_app, "/Chain_rule")
    graph = page.evaluate(_CHAIN_GRAPH)
    print(f"chain graph at 420 px: {graph}")
    assert graph is not None and graph["labels"] > 10
    assert graph["smallest"] >= MIN_LABEL_PX, graph
    assert graph["scrolls"] and graph["tabStop"], graph
