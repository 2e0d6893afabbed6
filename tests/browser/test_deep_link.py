"""A lesson link opened as a fresh server's very first page still gets app.py's frame.

Why: with a ``pages/`` folder beside app.py, Streamlit starts in its old multipage mode and, until
some session has run app.py (whose ``st.navigation`` ends that mode), runs a lesson linked
directly (``/Chain_rule?...``) on its own: no page setup, no look, no accessibility helper, a
different sidebar. A teacher's link sent to a class on a freshly started server is that case.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.harness import APP, start_streamlit, wait_for_app_ready

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["Rate_of_change", "Chain_rule?predict=true"])
def test_a_lesson_opened_first_on_a_fresh_server_is_inside_the_frame(
    browser: Browser, path: str
) -> None:
    # Its own server, started for this test: the shared one has long run app.py.
    with start_streamlit(APP) as (url, _process):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(f"{url.rstrip('/')}/{path}")
            wait_for_app_ready(page)
            page.wait_for_selector(".knobs-idea", timeout=30_000)
            # The frame's look (ui/page.py's CSS) and its title for the lesson.
            frame_css = page.evaluate(
                "() => [...document.querySelectorAll('style')]"
                ".some(s => s.textContent.includes('.knobs-idea'))"
            )
            assert frame_css, "the lesson ran without app.py's frame (no page CSS)"
            assert page.title().endswith("· Knobs"), page.title()
            links = page.locator("[data-testid=stSidebarNavLink]").all_inner_texts()
            assert any("The knob machine" in text for text in links), links
        finally:
            page.close()
