"""Predict mode by keyboard alone on the knob machine: Tab to the switch and press Space, then
at most 3 actions to answer and see the verdict, which a screen reader is told about."""

from __future__ import annotations

import urllib.parse

from playwright.sync_api import Page, expect

from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready

#: dy/dx2 of x1 x2^2 at (2, 3) is 2 x1 x2 = 12.
QUERY = {"f": "x1 x2^2", "k_x1": "2", "k_x2": "3", "q": "value", "qi": "0", "qj": "1"}
LOAD_TIMEOUT_MS = 120_000
#: Tab stops tried before giving up on reaching an element.
MAX_TABS = 60


def _focused(page: Page) -> str:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return `${e.tagName} ${e.getAttribute('role') || ''} `
                     + `${e.getAttribute('aria-label') || ''} ${e.innerText || ''}`
                     + ` ${e.closest('label') ? e.closest('label').innerText : ''}`; }"""
    )


def _tab_to(page: Page, is_it: str) -> list[str]:
    """Press Tab until the focused element matches the JS predicate ``is_it``; the stops."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if page.evaluate(f"() => {{ const e = document.activeElement; return {is_it}; }}"):
            return stops
    raise AssertionError(f"not reached in {MAX_TABS} tabs: {stops}")


def test_a_whole_predict_cycle_by_keyboard_alone(page: Page, streamlit_app: str) -> None:
    page.goto(f"{streamlit_app}/?{urllib.parse.urlencode(QUERY)}", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page)
    switch = page.get_by_role("switch", name="Predict first")
    _tab_to(page, "e.getAttribute('role') === 'switch'")
    expect(switch).to_be_focused()
    page.keyboard.press("Space")
    # The switch asks the first question (the sign of dy/dx1 = x2^2 = 9 at (2, 3): it rises)
    # and hands the focus to its answer: no Tab through the function box needed.
    card = page.locator('[class*="st-key-knob_predict"]')
    asked = "as x₁ turns up a little, does y rise, fall or stay flat?"
    expect(card.get_by_text(asked)).to_be_visible()
    rises = card.get_by_role("radio", name="rises")
    expect(rises).to_be_focused()
    # Three actions: choose, Tab to the Check button, press it.
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name="Check my answer")).to_be_focused()
    page.keyboard.press("Space")
    verdict = page.get_by_role("alert").filter(has_text="Right: you said it rises")
    expect(verdict).to_have_count(1)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    # The focus waits on Next question; Space asks again and the focus is in the new answer.
    next_question = card.get_by_role("button", name="Next question: same function")
    expect(next_question).to_be_focused()
    page.keyboard.press("Space")
    expect(card.get_by_role("button", name="Check my answer")).to_be_visible()
    expect(card.locator('input[type="text"], input[type="radio"]').first).to_be_focused()
    typed = card.locator('input[type="text"]')
    if typed.count():  # a typed answer: type and Enter, two actions
        page.keyboard.type("+ +" if "signs" in card.inner_text() else "0")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert").filter(has_text="you said")).to_have_count(1)
