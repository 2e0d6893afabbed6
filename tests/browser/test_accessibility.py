"""axe-core (WCAG 2.0/2.1 A and AA rules, through axe-playwright-python, which ships axe-core)
on every page: in its default state, with each "Look closer" section, and in predict mode.
No critical and no serious violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import knob_slider, wait_for_app_ready

PAGES = ["", "/Rate_of_change", "/Gradient_landscape", "/Chain_rule", "/ML_layers"]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
#: A rerun on a loaded machine: generous.
IDLE_TIMEOUT_MS = 60_000
#: Let the charts and formulas settle (plotly and KaTeX draw after Streamlit is idle).
SETTLE_MS = 1500


def _serious(page: Page, where: str) -> list[str]:
    page.wait_for_timeout(SETTLE_MS)
    # A stale element is faded on purpose while a rerun is on its way: judge the settled page.
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=IDLE_TIMEOUT_MS
    )
    result = Axe().run(page, options=RULES)
    return [
        f"{where}: {violation['id']} ({violation['impact']}) at {node['target']}: "
        f"{node.get('failureSummary', '')[:160]}"
        for violation in result.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "Knob_machine" for p in PAGES])
def test_no_serious_violation_in_any_section(page: Page, streamlit_app: str, path: str) -> None:
    page.goto(streamlit_app + path)
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    found = _serious(page, "default")
    sections = page.get_by_role("radiogroup", name="Look closer").get_by_role("radio")
    # Segmented buttons and st.radio's inputs alike: the option's text is its label's.
    label = "e => (e.closest('label') || e).innerText.trim()"
    names = [sections.nth(i).evaluate(label) for i in range(sections.count())]
    for index, name in enumerate(names):
        if sections.nth(index).is_checked():
            continue  # the default, checked above
        sections.nth(index).evaluate("e => (e.closest('label') || e).click()")
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
        found += _serious(page, name)
    assert not found, "\n".join(found)


def test_no_serious_violation_in_predict_mode(page: Page, streamlit_app: str) -> None:
    page.goto(streamlit_app + "/?predict=true&q=value&qi=0&qj=1")
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    found = _serious(page, "question")
    answer = page.get_by_role("textbox", name="Your answer")
    answer.fill("1")
    answer.press("Enter")
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    found += _serious(page, "reveal")
    assert not found, "\n".join(found)


def test_chart_toolbars_leave_only_the_download_button_in_the_tab_order(
    page: Page, streamlit_app: str
) -> None:
    page.goto(streamlit_app + "/?look=Nudge+check")
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    charts = page.locator(".js-plotly-plot").count()
    reachable = page.evaluate(
        """() => [...document.querySelectorAll('.modebar-btn')]
              .filter(b => b.tabIndex >= 0).map(b => b.getAttribute('data-title'))"""
    )
    assert charts >= 2, "the heatmap and the nudge check's error curve"
    assert reachable and all(title.startswith("Download") for title in reachable), reachable
    assert len(reachable) <= charts


def test_the_heatmap_says_what_it_shows_and_follows_the_knobs(
    page: Page, streamlit_app: str
) -> None:
    """A screen reader reads the heatmap's description (its figure's name), kept up to date."""
    page.goto(streamlit_app + "/?f=a b&k_a=0&k_b=2")
    wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
    figure = page.locator('.knobs-live-chart[role="figure"]').first
    expect(figure).to_have_attribute("aria-label", re.compile(r"Largest in size: ∂y/∂a = 2\."))
    expect(figure).to_have_attribute("aria-label", re.compile(r"does not react .*: ∂y/∂b\."))
    knob_slider(page, "a").press("End")  # a = 3: ∂y/∂b = a = 3 is now the largest
    expect(figure).to_have_attribute(
        "aria-label", re.compile(r"Largest in size: ∂y/∂b = 3\.$"), timeout=IDLE_TIMEOUT_MS
    )


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "Knob_machine" for p in PAGES])
def test_no_serious_violation_in_the_dark_theme(
    browser: Browser, streamlit_app: str, path: str
) -> None:
    """The system asks for dark: Streamlit's dark theme, and our CSS follows it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(streamlit_app)  # app.py first: see tests/browser/test_keyboard.py
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
        page.goto(streamlit_app + path)
        wait_for_app_ready(page, timeout_ms=IDLE_TIMEOUT_MS)
        expect(page.locator("html")).to_have_attribute("data-knobs-theme", "dark")
        found = _serious(page, "dark")
        assert not found, "\n".join(found)
    finally:
        context.close()
