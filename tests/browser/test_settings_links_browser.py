"""Links written by main's Gradient landscape and Rate of change pages before their settings moved
onto UrlParam (tests/test_settings_links.py) in a real browser: taken without a word about a
refused value, and still in the address bar, unchanged, after the learner turns a knob (the
values the browser's widgets send back are the ones the link gave)."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import Page

from tests.browser.actions import turn
from tests.browser.harness import EXCEPTION_SELECTOR, wait_for_app_ready
from tests.test_settings_links import LANDSCAPE_DESCENT, LANDSCAPE_VECTOR, RATE_DESCENT

LOAD_TIMEOUT_MS = 120_000

CASES = [
    ("/Gradient_landscape", LANDSCAPE_DESCENT, "x"),
    ("/Gradient_landscape", LANDSCAPE_VECTOR, "y"),
    ("/Rate_of_change", RATE_DESCENT, "y"),
]


def _query(page: Page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


@pytest.mark.parametrize(("path", "link", "knob"), CASES, ids=["descent", "vector", "rate"])
def test_a_link_made_before_the_move_is_taken_and_kept_through_a_knob_move(
    page: Page, streamlit_app: str, path: str, link: dict[str, str], knob: str
) -> None:
    page.goto(f"{streamlit_app}{path}?{urllib.parse.urlencode(link)}", timeout=LOAD_TIMEOUT_MS)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    assert page.get_by_text("was not used").count() == 0
    assert _query(page) == link
    turn(page, knob, 1)
    # The link is written by the panel's second fragment, after the chart's: wait for it.
    page.wait_for_function(
        "([key, before]) => new URLSearchParams(location.search).get(key) !== before",
        arg=[f"k_{knob}", link[f"k_{knob}"]],
        timeout=LOAD_TIMEOUT_MS,
    )
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    now = _query(page)
    assert now.pop(f"k_{knob}") != link[f"k_{knob}"], "the knob moved"
    assert now == {key: value for key, value in link.items() if key != f"k_{knob}"}
    assert page.locator(EXCEPTION_SELECTOR).count() == 0
