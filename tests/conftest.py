"""Shared test set-up: the AppTest launcher every page test uses.

``open_page("app.py", f="x^2")`` runs a page as a fresh session would, with the given URL query,
and fails at once if the first run shows an exception box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
#: The first run of a page imports sympy and starts the worker pool: give it time.
APP_TIMEOUT_S = 120


def page_file(name: str) -> str:
    """The path of ``app.py`` or a lesson under ``pages/`` ('1_Rate_of_change.py')."""
    path = ROOT / name if name == "app.py" else ROOT / "pages" / name
    assert path.is_file(), f"no page {path}"
    return str(path)


def assert_no_exception(at: AppTest, what: str = "") -> None:
    """No exception box on the page; ``what`` names the path of actions that led here."""
    assert not at.exception, f"{what}: {[e.message for e in at.exception]}"


def open_page(name: str, **query: str) -> AppTest:
    """Run page ``name`` once with ``query`` as its URL parameters; no exception allowed."""
    at = AppTest.from_file(page_file(name), default_timeout=APP_TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert_no_exception(at, f"{name} opened with {query}")
    return at


def open_hostile_link(name: str, canary: Path, **query: str) -> AppTest:
    """Open page ``name`` with a hostile link: no exception, and nothing the link names runs (the
    file ``canary``, which a payload would create, stays absent)."""
    canary.unlink(missing_ok=True)
    at = open_page(name, **query)
    assert not canary.exists(), f"{query} ran code"
    return at


@pytest.fixture
def page() -> Callable[..., AppTest]:
    """The launcher as a fixture: ``page("app.py", f="x^2")``."""
    return open_page
