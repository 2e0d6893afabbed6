"""Hostile links in a real browser (issue 18): markup in every URL parameter of a page at once,
and the heaviest accepted function on every page that takes one.

What the learner would notice: no image, link or bold text from the payload anywhere on the page
(the messages quote it), no exception box, and the page answers within 6 s (or, on a machine too
busy to open even a plain link that fast, at most 1.5 s later than the plain link).
"""

from __future__ import annotations

import time
import urllib.parse

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready
from tests.test_hostile_links import ALL_MARKUP, PAGES

LOAD_TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1280, "height": 800}
ANSWER_BUDGET_S = 6.0
#: On a busy machine: how much longer than the plain link a hostile one may take.
ANSWER_EXTRA_S = 1.5
#: Each page's path in the navigation (app.py).
PATHS = {
    "knob": "/",
    "rate": "/Rate_of_change",
    "landscape": "/Gradient_landscape",
    "chain": "/Chain_rule",
    "layers": "/ML_layers",
}
#: Elements a payload could inject, and how to tell one came from the payload: its text, or an
#: address (href, src) or handler written in the payload.
_INJECTED = """() => {
    const markers = ["Session expired", "Log in again", "bold", "favicon.png", "127.0.0.1:9",
                     "onerror"];
    const addresses = ["x", "/favicon.png", "//127.0.0.1:9/login"];
    const found = [];
    for (const el of document.querySelectorAll("img, a, b, strong, em, script, iframe")) {
        const html = el.outerHTML;
        const text = el.textContent || "";
        const href = el.getAttribute("href") || "";
        const src = el.getAttribute("src") || "";
        if (markers.some((m) => html.includes(m) || text.includes(m))
            || addresses.includes(href) || addresses.includes(src)) {
            found.push(html.slice(0, 200));
        }
    }
    return found;
}"""
#: The heaviest accepted functions: KaTeX once froze the tab for 30 to 51 s on them.
HEAVY = "sigmoid(" * 38 + "x" + ")" * 38


def _seconds_to_answer(page: Page, url: str) -> float:
    """From the link opened to the page drawn and idle."""
    started = time.monotonic()
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    return time.monotonic() - started


def _answer(browser: Browser, base: str, path: str, query: dict[str, str]) -> tuple[Page, float]:
    """Open the plain page, then the hostile link, in one context; check the time; both pages."""
    context = browser.new_context(viewport=VIEWPORT)
    warm = context.new_page()  # the server's first page starts its workers: not this test
    _seconds_to_answer(warm, base + path)
    plain = _seconds_to_answer(context.new_page(), base + path)
    page = context.new_page()
    hostile = _seconds_to_answer(page, f"{base}{path}?{urllib.parse.urlencode(query)}")
    print(f"{path}: answered in {hostile:.1f} s (the plain page: {plain:.1f} s)")
    assert hostile <= max(ANSWER_BUDGET_S, plain + ANSWER_EXTRA_S), (
        f"{path}: {hostile:.1f} s to answer; the plain page took {plain:.1f} s"
    )
    return page, hostile


@pytest.mark.parametrize("name", list(PATHS))
def test_markup_in_every_parameter_injects_nothing(
    browser: Browser, streamlit_app: str, name: str
) -> None:
    query = {key: ALL_MARKUP for key in PAGES[name].params}
    page, _ = _answer(browser, streamlit_app, PATHS[name], query)
    try:
        assert page.locator(EXCEPTION_SELECTOR).count() == 0
        injected = page.evaluate(_INJECTED)
        assert injected == [], f"{name}: elements from the payload: {injected}"
        shown = page.locator('[data-testid="stAlert"], [data-testid="stToast"]').count()
        assert shown, f"{name}: the hostile link was refused without a message"
    finally:
        page.context.close()


#: Pages with a function in the link (the knob machine's is tested in test_knob_machine.py).
HEAVY_LINKS = {
    "rate": {"f": HEAVY},
    "landscape": {"f": "sigmoid(" * 38 + "x y" + ")" * 38},
    "chain": {"mode": "formula", "f": HEAVY},
}


#: Slow only on a very busy machine (issue 18, watch): the Chain rule page with a 39-step path
#: answered in 2.3 s at a load of 6 on 2 cores but 7.2 to 11.7 s at loads of 9 to 17, while the
#: plain page stayed at 3 to 6 s. It lays out 11k elements (the path's 39 factors in KaTeX and
#: the graph; no long task over 0.9 s); its server run takes about 1 s in AppTest.
_SLOW = {"chain"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(reason="issue 18: slow in the browser", strict=False)
            if name in _SLOW
            else (),
        )
        for name in HEAVY_LINKS
    ],
)
def test_the_heaviest_accepted_function_answers_within_six_seconds(
    browser: Browser, streamlit_app: str, name: str
) -> None:
    page, _ = _answer(browser, streamlit_app, PATHS[name], HEAVY_LINKS[name])
    try:
        assert page.locator(EXCEPTION_SELECTOR).count() == 0
    finally:
        page.context.close()


def test_a_link_the_page_wrote_itself_is_not_refused(page: Page, streamlit_app: str) -> None:
    """The knob machine's choices are in the URL as the browser writes them (the label shown,
    'only x₂'): such a link is taken without a word about a refused value."""
    query = {"f": "x1 x2", "look": "Nudge check", "nudge": "only x\u2082", "h": "1.0"}
    page.goto(f"{streamlit_app}/?{urllib.parse.urlencode(query)}", timeout=LOAD_TIMEOUT_MS)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    assert page.get_by_text("was not used").count() == 0
    assert "nudge=only+x%E2%82%82" in page.url, page.url  # kept: the widget took it
