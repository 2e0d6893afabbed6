"""One sweep of each page's choices in a real browser: every radio option and segmented-control
button (in sequence, as a learner clicks them), a knob key press after each; no exception box.

The AppTest crawl (tests/test_crawl.py) covers every control and many functions quickly; this
sweep checks the same path through the browser's own events and Streamlit's frontend.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready

#: Each page and how many options the sweep must at least find (ML layers' choices are
#: select boxes, which the AppTest crawl covers).
MIN_CHOICES = {
    "": 2,
    "/Rate_of_change": 2,
    "/Gradient_landscape": 2,
    "/Chain_rule": 2,
    "/ML_layers": 0,
}
PAGES = list(MIN_CHOICES)
#: A bound on one page's sweep (options appear as sections open).
MAX_CLICKS = 60
#: A rerun on a loaded machine: generous.
IDLE_TIMEOUT_MS = 60_000

_UNCHOSEN = (
    '[data-testid="stMain"] [role="radio"][aria-checked="false"]:not([disabled]),'
    ' [data-testid="stMain"] input[type="radio"]:not(:checked):not([disabled])'
)


def _press_a_knob(page: Page) -> None:
    knobs = page.locator('[data-testid="stMain"] input[type="range"]')
    if knobs.count():
        knobs.first.press("PageUp")
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "Knob_machine" for p in PAGES])
def test_every_radio_and_segment_in_sequence_with_a_knob_press_after_each(
    page: Page, streamlit_app: str, path: str
) -> None:
    page.goto(streamlit_app + path)
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    # The page is drawn once its knobs are: before that, "idle" may be the frame's first run.
    expect(page.locator('[data-testid="stMain"] input[type="range"]').first).to_be_visible(
        timeout=IDLE_TIMEOUT_MS
    )
    if MIN_CHOICES[path]:  # the choices are drawn after the knobs: wait for them too
        expect(page.locator(_UNCHOSEN).first).to_be_visible(timeout=IDLE_TIMEOUT_MS)
    clicked: set[str] = set()
    for _ in range(MAX_CLICKS):
        candidates = page.locator(_UNCHOSEN)
        target = None
        for index in range(candidates.count()):
            option = candidates.nth(index)
            name = option.get_attribute("aria-label") or option.evaluate(
                "e => (e.closest('label') || e).innerText.trim()"
            )
            if name not in clicked and option.is_visible():
                target, label = option, name
                break
        if target is None:
            break
        clicked.add(label)
        target.evaluate("e => (e.closest('label') || e).click()")
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
        expect(page.locator(EXCEPTION_SELECTOR), f"after choosing {label!r}").to_have_count(0)
        _press_a_knob(page)
        expect(page.locator(EXCEPTION_SELECTOR), f"knob after {label!r}").to_have_count(0)
    _press_a_knob(page)
    expect(page.locator(EXCEPTION_SELECTOR), "after the sweep").to_have_count(0)
    assert len(clicked) >= MIN_CHOICES[path], f"the sweep chose only {sorted(clicked)}"
