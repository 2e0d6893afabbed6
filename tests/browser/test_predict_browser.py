"""Predict mode in a real browser: before the learner commits, the answer is nowhere in the
page (DOM text, attributes, plotly data) nor in the URL; after, it is shown beside theirs; and
the question's link opens the same question in a fresh browser."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready

#: dy/dx2 of x1 x2^2 at (2, 3) is 2 x1 x2 = 12, and no other number on the page is 12.
QUERY = {"predict": "true", "f": "x1 x2^2", "k_x1": "2", "k_x2": "3", "q": "value", "qi": "0",
         "qj": "1"}  # fmt: skip
TWELVE = re.compile(r"(?<![\d.])12(?![\d.])")
LOAD_TIMEOUT_MS = 120_000
WIDTHS = {"1280": {"width": 1280, "height": 2400}, "420": {"width": 420, "height": 4200}}


def _page_holds(page: Page) -> str:
    """Everything the page carries: its text, its attributes and any plotly data (not icons)."""
    return page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]');
          // What a reader or a screen reader gets: text and content attributes (random ids
          // and icons' drawing commands are not content).
          const content = ['aria-label', 'title', 'alt', 'value', 'placeholder',
                           'aria-valuetext', 'aria-valuenow', 'href', 'src', 'data-value'];
          const attrs = [...main.querySelectorAll('*')].filter(e => !e.closest('svg')).flatMap(
            e => content.map(name => e.getAttribute(name)).filter(v => v !== null));
          const plots = [...document.querySelectorAll('.js-plotly-plot')].map(
            p => JSON.stringify(p.data || []));
          return [main.innerText, ...attrs, ...plots].join('\\n');
        }"""
    )


def test_the_answer_is_absent_until_the_learner_commits_and_the_link_asks_again(
    page: Page, browser: Browser, streamlit_app: str, screenshot_dir: Path
) -> None:
    link = f"{streamlit_app}/?{urllib.parse.urlencode(QUERY)}"
    page.goto(link, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page)
    expect(page.get_by_text("what is ∂y/∂x₂?")).to_be_visible()
    before = _page_holds(page)
    found = TWELVE.search(before)
    assert not found, before[max(0, found.start() - 200) : found.end() + 50]
    assert "2x₁x₂" not in before and not TWELVE.search(urllib.parse.unquote(page.url))
    page.screenshot(path=str(screenshot_dir / "predict-question-1280.png"))
    # One action to answer (type and press Enter), no mouse needed.
    answer = page.get_by_role("textbox", name="Your answer")
    answer.fill("12")
    answer.press("Enter")
    wait_for_app_ready(page)
    expect(page.get_by_text("Right: you said 12; the answer is 12")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Right: you said 12")).to_have_count(1)
    expect(page.locator(".js-plotly-plot")).not_to_have_count(0)  # the heatmap is back
    assert TWELVE.search(_page_holds(page))
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "predict-reveal-1280.png"))
    fresh = browser.new_context(viewport={"width": 420, "height": 4200})
    try:
        other = fresh.new_page()
        other.goto(page.url, timeout=LOAD_TIMEOUT_MS)
        wait_for_app_ready(other)
        expect(other.get_by_text("At x₁ = 2, x₂ = 3: what is ∂y/∂x₂?")).to_be_visible()
        assert not TWELVE.search(_page_holds(other))
        other.screenshot(path=str(screenshot_dir / "predict-question-420.png"))
    finally:
        fresh.close()


#: A question on every other page: (path, link, what it asks, the answer typed, the truth as
#: shown, which must be nowhere in the page before the answer).
OTHER_PAGES = [
    ("/Rate_of_change", {"q": "value", "qi": "0", "qj": "0", "k_x": "1"},
     "At x = 1: what is ∂y/∂x?", "6", "6"),
    ("/Gradient_landscape", {"q": "value", "qi": "0", "qj": "0", "k_x1": "2", "k_x2": "3"},
     "At x₁ = 2, x₂ = 3: what is ∂y/∂x₁?", "9", "9"),
    ("/Chain_rule", {"q": "sum", "qi": "1", "qj": "1", "k_x1": "1", "k_x2": "2", "k_x3": "2"},
     "What is ∂y₂/∂x₂ here", "10", "10"),
    ("/ML_layers", {"q": "shape", "qi": "0", "qj": "0", "layer": "dot", "m": "3"},
     "what is the shape of its Jacobian?", "1 x 3", "1 × 3"),
]  # fmt: skip


def _absent(truth: str, held: str) -> None:
    pattern = re.compile(rf"(?<![\d.]){re.escape(truth)}(?![\d.])")
    found = pattern.search(held)
    assert not found, held[max(0, found.start() - 120) : found.end() + 40]


@pytest.mark.parametrize(
    ("path", "query", "asks", "answer", "truth"),
    OTHER_PAGES,
    ids=[p[0].strip("/") for p in OTHER_PAGES],
)
def test_every_page_keeps_its_answer_out_until_the_learner_commits(
    page: Page, streamlit_app: str, path: str, query: dict, asks: str, answer: str, truth: str
) -> None:
    page.goto(f"{streamlit_app}{path}?{urllib.parse.urlencode({'predict': 'true', **query})}",
              timeout=LOAD_TIMEOUT_MS)  # fmt: skip
    wait_for_app_ready(page)
    expect(page.get_by_text(asks).first).to_be_visible()
    _absent(truth, _page_holds(page))
    _absent(truth, urllib.parse.unquote_plus(page.url).split("?", 1)[1].replace("k_", ""))
    box = page.get_by_role("textbox", name="Your answer")
    box.fill(answer)
    box.press("Enter")
    wait_for_app_ready(page)
    expect(page.get_by_role("alert").filter(has_text=f"the answer is {truth}")).to_have_count(1)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
