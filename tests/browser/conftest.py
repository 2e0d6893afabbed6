"""Fixtures for the real-browser tests: a Streamlit server, Debian's headless Chromium, a page.

Every test under ``tests/browser/`` is marked ``browser`` and runs after all other tests
(``-m "not browser"`` skips them). The reusable machinery lives in ``harness.py``.

Fixtures:

- ``streamlit_server`` (session): a factory ``(script=APP, extra_args=()) -> url``; each
  distinct script/arguments pair is served once per session, on its own free port.
- ``streamlit_app`` (session): the base URL of the app (``asgi.py``), e.g. ``http://127.0.0.1:40123``.
- ``browser`` (session): a Playwright ``Browser`` (sync API) running ``/usr/bin/chromium``.
- ``page`` (function): a fresh context and page, viewport 1280x800; when the test fails, a
  screenshot of the page is saved to ``screenshot_dir`` as ``FAILED-<test>.png``.
- ``screenshot_dir`` (session): a folder for PNGs (``$KNOBS_SCREENSHOT_DIR`` or a temporary
  folder), printed in the terminal summary.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.harness import APP, launch_chromium, start_streamlit

BROWSER_DIR = Path(__file__).resolve().parent
VIEWPORT = {"width": 1280, "height": 800}
_SCREENSHOT_DIR_KEY = pytest.StashKey[Path]()
_REPORT_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ ``browser`` and move them last (they are slowest)."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_is_browser_test)  # stable: keeps the order within each group


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    item.stash.setdefault(_REPORT_KEY, {})[report.when] = report
    return report


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(_SCREENSHOT_DIR_KEY, None)
    if folder is not None:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_sep("-", f"browser screenshots ({count}): {folder}")


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    """A folder for screenshots; its path is printed at the end of the session."""
    wanted = os.environ.get("KNOBS_SCREENSHOT_DIR")
    if wanted:
        folder = Path(wanted).resolve()
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="knobs-screenshots-"))
    pytestconfig.stash[_SCREENSHOT_DIR_KEY] = folder
    return folder


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[Callable[..., str]]:
    """Factory ``(script=APP, extra_args=()) -> base URL``; servers stop at session end."""
    urls: dict[tuple[str, tuple[str, ...]], str] = {}
    with ExitStack() as stack:

        def serve(script: str = APP, extra_args: Sequence[str] = ()) -> str:
            key = (script, tuple(extra_args))
            if key not in urls:
                url, _process = stack.enter_context(start_streamlit(script, key[1]))
                urls[key] = url
            return urls[key]

        yield serve


@pytest.fixture(scope="session")
def streamlit_app(streamlit_server: Callable[..., str]) -> str:
    """Base URL of the app's entry page ``app.py``."""
    return streamlit_server()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, screenshot_dir: Path) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    new_page = context.new_page()
    try:
        yield new_page
        reports = request.node.stash.get(_REPORT_KEY, {})
        if any(report.failed for report in reports.values()):
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            with suppress(Exception):  # a crashed page must not hide the test's own failure
                new_page.screenshot(path=str(screenshot_dir / f"FAILED-{name}.png"), full_page=True)
    finally:
        context.close()
