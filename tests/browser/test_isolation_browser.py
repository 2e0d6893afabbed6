"""A learner who replaces a heavy function before it is refused sees only the new one.

The server's newest run of a session wins (``ui/isolation.py``, ``calculus/worker.py``): the old
job is cancelled and the old run ends quietly, so no refusal (or exception box) ever shows for
text the learner has already replaced, and the new function is on show at once.
"""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.actions import UPDATE_TIMEOUT_MS
from tests.browser.harness import EXCEPTION_SELECTOR
from tests.browser.test_knob_machine import function_box, open_app, type_function
from tests.test_worker import PATHOLOGICAL

#: Past the old job's time limit (4 s), when an uncancelled refusal would have arrived.
AFTER_THE_OLD_LIMIT_MS = 6_000


def test_replacing_a_heavy_function_shows_the_new_one_and_no_refusal(
    page: Page, streamlit_app: str
) -> None:
    open_app(page, streamlit_app)
    box = function_box(page)
    box.fill(PATHOLOGICAL)
    box.press("Control+Enter")
    page.wait_for_timeout(800)  # the server is now differentiating it

    type_function(page, "x^2 y")
    page.get_by_text("2 knobs: x, y").first.wait_for(timeout=UPDATE_TIMEOUT_MS)
    page.wait_for_timeout(AFTER_THE_OLD_LIMIT_MS)

    assert page.get_by_text("too large").count() == 0, "a refusal for replaced text"
    assert page.locator(EXCEPTION_SELECTOR).count() == 0
    assert page.get_by_text("2 knobs: x, y").count() >= 1
    assert box.input_value() == "x^2 y"
