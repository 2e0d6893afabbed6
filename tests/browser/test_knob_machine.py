"""The knob machine (home page) in a real browser: type f, turn a knob, read the heatmap numbers.

The heatmap is read from the page's plotly data (the trace named "jacobian" on a
``.js-plotly-plot`` element: z is a list of rows, None where undefined) and compared with the
engine's Jacobian at the knob values the page shows (each slider's range input).
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from calculus import parse_function
from calculus.reading import format_number
from tests.browser.actions import (
    LOAD_TIMEOUT_MS,
    UPDATE_TIMEOUT_MS,
    knob,
    knob_value,
    open_lesson,
    screenshot_whole_page,
    turn,
)
from tests.browser.harness import EXCEPTION_SELECTOR, bursts_of_presses, wait_for_app_ready
from ui.moves_route import COMMIT_MS, MOVES_PATH

FUNCTION = "x^2 y, sin(x) + y^3"
BAD_FUNCTION = "x^2 +* y"
BAD_COLUMN = 6  # where '*' stands in BAD_FUNCTION
#: One ArrowRight/ArrowLeft moves a knob by its step.
STEP = 0.01
START = 1.0
#: The heatmap shows the engine's numbers: only JSON round-off may differ.
TOLERANCE = 1e-9
WIDTHS = {"wide": {"width": 1280, "height": 800}, "narrow": {"width": 420, "height": 900}}

_FIND_Z = """
() => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    for (const trace of graph.data || []) {
      if (trace.name === 'jacobian') {
        return JSON.stringify({z: trace.z, x: trace.x, y: trace.y});
      }
    }
  }
  return null;
}
"""

# The tallest scrolled height on the page: Streamlit's main area scrolls inside a container.
_HEATMAP_IS = (
    """
([expected, knobs, tolerance]) => {
  const found = ("""
    + _FIND_Z
    + """)();
  if (found === null) return false;
  const {z, x} = JSON.parse(found);
  if (JSON.stringify(x) !== JSON.stringify(knobs) || z.length !== expected.length) return false;
  const close = (shown, value) =>
    value === null ? shown === null : shown !== null && Math.abs(shown - value) <= tolerance;
  return expected.every((row, i) =>
    z[i].length === row.length && row.every((value, j) => close(z[i][j], value)));
}
"""
)


# The plotly graph element holding the jacobian trace, marked, then checked for the mark.
_HEATMAP_GRAPH = """
Array.from(document.querySelectorAll('.js-plotly-plot'))
  .find((graph) => (graph.data || []).some((trace) => trace.name === 'jacobian'))
"""
_MARK_HEATMAP = f"() => {{ ({_HEATMAP_GRAPH}).dataset.knobsMark = 'before'; }}"
_HEATMAP_IS_MARKED = f"() => ({_HEATMAP_GRAPH}).dataset.knobsMark === 'before'"


# --- reading and driving the page --------------------------------------------------------------


def heatmap(page: Page) -> dict[str, Any]:
    """The jacobian trace as the page holds it: {'z': rows, 'x': knob labels, 'y': outputs}."""
    found = page.evaluate(_FIND_Z)
    assert found is not None, "no plotly trace named 'jacobian' on the page"
    return json.loads(found)


def function_box(page: Page) -> Locator:
    return page.locator('[data-testid="stTextArea"] textarea')


def open_app(page: Page, url: str) -> None:
    open_lesson(page, url, _FIND_Z)


def type_function(page: Page, text: str) -> None:
    """Type into the function box and apply it (a text_area applies on Ctrl+Enter)."""
    box = function_box(page)
    box.fill(text)
    box.press("Control+Enter")
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)


def expected_jacobian(text: str, point: list[float]) -> list[list[float | None]]:
    """The engine's Jacobian at ``point`` as the heatmap encodes it (None where undefined)."""
    values = parse_function(text).jacobian_at(point)
    return [[float(v) if np.isfinite(v) else None for v in row] for row in values]


def assert_heatmap_shows(page: Page, text: str, knobs: list[str]) -> list[list[float | None]]:
    """Wait until the heatmap equals the Jacobian at the knobs' values on the page; return z."""
    point = [knob_value(page, name) for name in knobs]
    expected = expected_jacobian(text, point)
    with suppress(PlaywrightTimeoutError):  # the assertion below says what differs
        page.wait_for_function(
            _HEATMAP_IS, arg=[expected, knobs, TOLERANCE], timeout=UPDATE_TIMEOUT_MS
        )
    shown = heatmap(page)
    assert shown["x"] == knobs, f"heatmap columns {shown['x']} != knobs {knobs}"
    np.testing.assert_allclose(
        as_array(shown["z"]), as_array(expected), rtol=0, atol=TOLERANCE, equal_nan=True,
        err_msg=f"heatmap of {text!r} at {dict(zip(knobs, point, strict=True))}",
    )  # fmt: skip
    return shown["z"]


def as_array(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


# --- tests --------------------------------------------------------------------------------------


@pytest.fixture
def app_page(page: Page, streamlit_app: str) -> Iterator[Page]:
    """The knob machine opened and idle, with FUNCTION typed in and its knobs x and y shown."""
    open_app(page, streamlit_app)
    type_function(page, FUNCTION)
    expect(knob(page, "x")).to_have_count(1, timeout=UPDATE_TIMEOUT_MS)
    expect(knob(page, "y")).to_have_count(1, timeout=UPDATE_TIMEOUT_MS)
    yield page
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)


@pytest.mark.parametrize("presses", [1, 5])
def test_turning_knob_x_updates_the_heatmap_to_the_jacobian(app_page: Page, presses: int) -> None:
    page = app_page
    assert knob_value(page, "x") == pytest.approx(START)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    page.evaluate(_MARK_HEATMAP)

    turn(page, "x", presses)

    assert knob_value(page, "x") == pytest.approx(START + presses * STEP, abs=1e-12)
    assert knob_value(page, "y") == pytest.approx(START)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    # Updated in place (ui/chart_component.py), not rebuilt: rebuilding costs ~60 ms a move.
    assert page.evaluate(_HEATMAP_IS_MARKED), "the heatmap was drawn anew, not updated"


def test_quick_presses_leave_heatmap_and_outputs_where_the_knob_stopped(app_page: Page) -> None:
    """Keys pressed faster than the page reruns, as when a learner holds an arrow key down.

    The heatmap's rerun and the outputs' rerun (which follows the drawn heatmap) can be asked
    for in the same moment; the browser then sends one request for both. Once the page is
    idle, the heatmap and the outputs must both show the knob where it stopped.
    """
    page = app_page
    slider = knob(page, "x")
    outputs = page.locator('[class*="st-key-live_knob_outputs"]')
    f = parse_function(FUNCTION)
    for _ in bursts_of_presses(page, slider, timeout_ms=UPDATE_TIMEOUT_MS):
        assert_heatmap_shows(page, FUNCTION, ["x", "y"])
        y1 = f.value_at([knob_value(page, "x"), knob_value(page, "y")])[0]
        expect(outputs).to_contain_text(f"y₁ = {format_number(y1)}", timeout=UPDATE_TIMEOUT_MS)


def test_dragging_a_knob_moves_the_heatmap_before_the_mouse_is_let_go(app_page: Page) -> None:
    """A learner drags knob x across its track: the heatmap follows during the drag."""
    page = app_page
    slider = knob(page, "x")
    box = slider.bounding_box()
    assert box is not None
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, middle)
    page.mouse.down()
    try:
        for fraction in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            page.mouse.move(box["x"] + box["width"] * fraction, middle, steps=3)
            page.wait_for_timeout(60)
        page.wait_for_timeout(100)  # the last pointer move has reached the slider
        # Still held: the heatmap shows where the knob is now, well above its start.
        assert knob_value(page, "x") > START + 0.5
        assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    finally:
        page.mouse.up()
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=100)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    expect(page.locator(".knobs-slider output").first).to_have_text(f"{knob_value(page, 'x'):.2f}")


def test_a_drag_is_answered_by_the_moves_route_and_one_run_once_the_knob_rests(
    page: Page, streamlit_app: str
) -> None:
    """While a knob moves, the heatmap and outputs follow it without a script run (the moves
    route, ui/moves_route.py); once it rests, one run writes the knob into the URL."""
    sent = {"stream": 0, "route": 0}

    def watch(socket: Any) -> None:
        for name, path in (("stream", "/_stcore/stream"), ("route", MOVES_PATH)):
            if socket.url.endswith(path):
                socket.on(
                    "framesent", lambda _frame, name=name: sent.update({name: sent[name] + 1})
                )

    page.on("websocket", watch)
    open_app(page, f"{streamlit_app}/?f={urllib.parse.quote(FUNCTION)}")
    outputs = page.locator('[class*="st-key-live_knob_outputs"]')
    f = parse_function(FUNCTION)
    slider = knob(page, "x")
    slider.focus()
    page.wait_for_timeout(COMMIT_MS + 200)  # whatever the page's opening sent has gone
    before = dict(sent)
    for _ in range(6):  # faster than the knob rests
        slider.press("ArrowRight")
        page.wait_for_timeout(80)
    x = knob_value(page, "x")
    assert x == pytest.approx(START + 6 * STEP, abs=1e-12)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    y1 = f.value_at([x, START])[0]
    expect(outputs).to_contain_text(f"y₁ = {format_number(y1)}", timeout=UPDATE_TIMEOUT_MS)
    assert sent["route"] > before["route"], "the moves went over the route"
    assert sent["stream"] == before["stream"], "no script run while the knob moves"
    # At rest: one run sends the knob to Streamlit, which writes it into the URL.
    page.wait_for_function(
        "(x) => new URLSearchParams(location.search).get('k_x') === x",
        arg=f"{x:g}",
        timeout=UPDATE_TIMEOUT_MS,
    )
    assert sent["stream"] > before["stream"]
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    expect(outputs).to_contain_text(f"y₁ = {format_number(y1)}")


def test_a_new_function_brings_its_knobs_in_order_and_a_kept_knob_keeps_its_value(
    app_page: Page,
) -> None:
    """The sliders are one element (ui/knob_slider.py): a function with other knobs must still
    show one slider per knob, in the function's order, each moving its own knob."""
    page = app_page
    turn(page, "y", 5)
    type_function(page, "z y + w")  # x goes, w and z come, y stays
    sliders = page.locator(".knobs-slider input[type=range]")
    expect(sliders).to_have_count(3, timeout=UPDATE_TIMEOUT_MS)
    assert sliders.evaluate_all("inputs => inputs.map(i => i.ariaLabel)") == ["w", "y", "z"]
    assert knob_value(page, "y") == pytest.approx(START + 5 * STEP, abs=1e-12)
    turn(page, "w", 2)
    assert knob_value(page, "w") == pytest.approx(START + 2 * STEP, abs=1e-12)
    assert_heatmap_shows(page, "z y + w", ["w", "y", "z"])


def test_after_reset_the_same_key_press_moves_the_knob_again(app_page: Page) -> None:
    """Reset puts x back at 1; pressing ArrowRight again must reach 1.01 again, on the heatmap
    too (the slider sends a move the server has seen before)."""
    page = app_page
    turn(page, "x", 1)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function(
        "(input) => Number(input.value) === 1", arg=knob(page, "x").element_handle()
    )
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=50)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    turn(page, "x", 1)
    assert knob_value(page, "x") == pytest.approx(START + STEP, abs=1e-12)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])


def test_the_ranges_popover_sets_a_knobs_range_and_the_knob_keeps_turning(app_page: Page) -> None:
    """Its fields are drawn when it opens (ui/knobs.py): typing a new highest value for x makes
    the slider end there and pulls the knob inside; the heatmap follows, and x still turns."""
    page = app_page
    page.get_by_role("button", name="Ranges").click()
    highest = page.get_by_role("textbox", name="to").first
    expect(highest).to_have_value("3", timeout=UPDATE_TIMEOUT_MS)
    highest.fill("0.5")
    highest.press("Enter")
    page.wait_for_function(
        "(input) => Number(input.max) === 0.5 && Number(input.value) === 0.5",
        arg=knob(page, "x").element_handle(),
        timeout=UPDATE_TIMEOUT_MS,
    )
    page.keyboard.press("Escape")  # closes the popover
    wait_for_app_ready(page, timeout_ms=UPDATE_TIMEOUT_MS, settle_ms=50)
    expect(page.get_by_role("textbox", name="to")).to_have_count(0)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    turn(page, "x", -1)
    assert knob_value(page, "x") == pytest.approx(0.5 - STEP, abs=1e-12)
    assert_heatmap_shows(page, FUNCTION, ["x", "y"])


def test_bad_input_shows_its_column_and_keeps_the_last_good_heatmap(
    app_page: Page, screenshot_dir: Path
) -> None:
    page = app_page
    turn(page, "x", 2)
    good = assert_heatmap_shows(page, FUNCTION, ["x", "y"])

    type_function(page, BAD_FUNCTION)

    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_have_count(1, timeout=UPDATE_TIMEOUT_MS)
    expect(error).to_contain_text(f"column {BAD_COLUMN}")
    expect(page.get_by_text("Still showing the last function that worked")).to_be_visible()
    expect(function_box(page)).to_have_value(BAD_FUNCTION)  # the learner's text is kept to fix
    assert heatmap(page)["z"] == good
    assert knob_value(page, "x") == pytest.approx(START + 2 * STEP, abs=1e-12)
    screenshot_whole_page(page, screenshot_dir / "knob_machine-bad-input.png")


def test_shared_link_reproduces_knobs_and_heatmap_in_a_fresh_context(
    app_page: Page, browser: Browser
) -> None:
    page = app_page
    turn(page, "x", 3)
    turn(page, "y", -2)
    shown = assert_heatmap_shows(page, FUNCTION, ["x", "y"])
    knobs = {name: knob_value(page, name) for name in ("x", "y")}

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query.get("f") == [FUNCTION]
    assert float(query["k_x"][0]) == pytest.approx(knobs["x"], abs=1e-12)
    assert float(query["k_y"][0]) == pytest.approx(knobs["y"], abs=1e-12)

    context = browser.new_context(viewport=WIDTHS["wide"])
    try:
        fresh = context.new_page()
        open_app(fresh, page.url)
        expect(function_box(fresh)).to_have_value(FUNCTION)
        for name, value in knobs.items():
            assert knob_value(fresh, name) == pytest.approx(value, abs=1e-12), name
        assert_heatmap_shows(fresh, FUNCTION, ["x", "y"])
        assert heatmap(fresh)["z"] == shown
        expect(fresh.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshot_of_the_knob_machine(
    browser: Browser, streamlit_app: str, screenshot_dir: Path, width: str
) -> None:
    """Saves knob_machine-<width>.png, the whole page, and -top.png, what a visitor sees first.

    Knob x is moved first, so every section shows numbers for a setting the learner chose.
    """
    context = browser.new_context(viewport=WIDTHS[width])
    try:
        page = context.new_page()
        open_app(page, streamlit_app)
        type_function(page, FUNCTION)
        expect(knob(page, "x")).to_have_count(1, timeout=UPDATE_TIMEOUT_MS)
        turn(page, "x", 2)
        assert_heatmap_shows(page, FUNCTION, ["x", "y"])
        expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
        page.screenshot(path=str(screenshot_dir / f"knob_machine-{width}-top.png"))
        screenshot_whole_page(page, screenshot_dir / f"knob_machine-{width}.png")
    finally:
        context.close()


def test_the_share_link_reopens_the_chosen_section_with_the_knobs(
    page: Page, browser: Browser, streamlit_app: str
) -> None:
    query = urllib.parse.urlencode({"f": "x1 x2^2", "k_x1": "2", "k_x2": "3"})
    page.goto(f"{streamlit_app}/?{query}", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page)
    page.get_by_role("radio", name="Nudge check").click()
    expect(page.get_by_text("Nudge check: does the Jacobian predict")).to_be_visible()
    # The second choice once the first one's runs are over: a click while a run of the first
    # is still going is sometimes undone (Streamlit's query-param binding; issue 13's note).
    wait_for_app_ready(page)
    page.get_by_role("radio", name="Share and export").click()
    link = page.get_by_label("Link to exactly this view")
    expect(link).to_have_value(re.compile(r"look=Share"))
    shared = link.input_value()
    assert {"f": ["x1 x2^2"], "k_x1": ["2"], "k_x2": ["3"]}.items() <= urllib.parse.parse_qs(
        urllib.parse.urlsplit(shared).query
    ).items(), shared
    fresh = browser.new_context(viewport=WIDTHS["wide"])
    try:
        other = fresh.new_page()
        other.goto(shared, timeout=LOAD_TIMEOUT_MS)
        wait_for_app_ready(other)
        expect(other.get_by_role("heading", name="Share and export")).to_be_visible()
        expect(other.get_by_text("9", exact=True).first).to_be_visible()  # ∂y/∂x1 = x2² = 9
        expect(other.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    finally:
        fresh.close()


#: Links whose functions are accepted but far too deep to typeset: once, each froze the tab for
#: 30 to 51 s in KaTeX. The page must answer within 6 s, with its heatmap and a word on why the
#: formulas are not typeset.
HEAVY_LINKS = {
    "38 nested sigmoids": "sigmoid(" * 38 + "x" + ")" * 38,
    "38 nested tanh": "tanh(" * 38 + "x" + ")" * 38,
    "two 30-deep sin/cos nests": ", ".join(
        ["sin(cos(" * 15 + "x" + "))" * 15, "cos(sin(" * 15 + "y" + "))" * 15]
    ),
}
HEAVY_LINK_BUDGET_S = 6.0
#: On a machine too busy to open even a plain link within the budget, a huge function may take
#: at most this much longer than the plain one (measured in the same test).
HEAVY_LINK_EXTRA_S = 1.5


def _seconds_to_heatmap(page: Page, url: str) -> float:
    started = time.monotonic()
    page.goto(url)
    page.wait_for_function(f"() => ({_FIND_Z.strip()})() !== null", timeout=30_000)
    return time.monotonic() - started


@pytest.mark.parametrize("text", HEAVY_LINKS.values(), ids=HEAVY_LINKS.keys())
def test_a_link_to_a_huge_function_answers_within_six_seconds(
    browser: Browser, streamlit_app: str, text: str
) -> None:
    context = browser.new_context(viewport=WIDTHS["wide"])
    try:
        warm = context.new_page()  # the server's first page starts its workers: not this test
        warm.goto(streamlit_app, timeout=LOAD_TIMEOUT_MS)
        wait_for_app_ready(warm)
        plain = _seconds_to_heatmap(context.new_page(), f"{streamlit_app}/?f=x%5E2")
        page = context.new_page()
        heavy = _seconds_to_heatmap(page, f"{streamlit_app}/?{urllib.parse.urlencode({'f': text})}")
        expect(page.get_by_text("too large to typeset").first).to_be_visible()
        expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
        print(f"heatmap shown after {heavy:.1f} s (a plain link: {plain:.1f} s)")
        assert heavy <= max(HEAVY_LINK_BUDGET_S, plain + HEAVY_LINK_EXTRA_S), (
            f"{heavy:.1f} s to show the heatmap; a plain link took {plain:.1f} s"
        )
    finally:
        context.close()
