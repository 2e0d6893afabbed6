"""The home page opens in a real browser, renders its heading and raises nothing."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.harness import APP_SELECTOR, EXCEPTION_SELECTOR, wait_for_app_ready


def test_home_page_renders_without_exception(
    page: Page, streamlit_app: str, screenshot_dir: Path
) -> None:
    page.goto(streamlit_app)
    wait_for_app_ready(page)

    # A syntax error is not an stException: it shows in a dialog and sets this state instead.
    expect(page.locator(APP_SELECTOR)).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)

    heading = page.locator("h1").first
    expect(heading).to_be_visible()
    assert "Knobs" in page.title() or "Knobs" in heading.inner_text(), (
        f"expected 'Knobs' in the page title {page.title()!r} "
        f"or the first heading {heading.inner_text()!r}"
    )

    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)


LESSON_LINKS = [
    ("", "The knob machine"),
    ("/Rate_of_change", "Rate of change"),
    ("/Gradient_landscape", "Partial derivatives and the gradient"),
    ("/Chain_rule", "The chain rule as paths"),
    ("/ML_layers", "Jacobians of ML layers"),
]


def test_navigation_names_every_lesson_and_old_links_still_open(
    page: Page, streamlit_app: str
) -> None:
    page.goto(streamlit_app)
    wait_for_app_ready(page)
    navigation = page.locator('[data-testid="stSidebarNav"]')
    for title in ["The knob machine", "Rate of change", "Gradient landscape", "Chain rule"]:
        expect(navigation.get_by_text(title, exact=True)).to_be_visible()
    for path, heading in LESSON_LINKS:
        page.goto(streamlit_app + path)
        wait_for_app_ready(page)
        expect(page.locator("h1").first).to_contain_text(heading)
        expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
