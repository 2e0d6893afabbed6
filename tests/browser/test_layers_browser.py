"""The ML layers page in a real browser: type a number into one cell of W and the same cell of
the engine's Jacobian heatmap (and of the closed form's) becomes exactly that number."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.harness import APP_SELECTOR, EXCEPTION_SELECTOR, wait_for_app_ready
from ui.layers import GRID_COLUMN_WIDTH

PAGE_PATH = "/ML_layers"
#: The data editor's default header and row heights (Streamlit 1.67, glide-data-grid).
GRID_ROW_HEIGHT = 35
#: The first run imports sympy and starts the symbolic workers: be patient once.
FIRST_RUN_TIMEOUT_MS = 120_000
UPDATE_TIMEOUT_MS = 30_000
#: Pause between the steps of typing into a grid cell, as a person would (see _type_into_cell).
STEP_PAUSE_MS = 500


def _heatmap_z(page: Page, key: str) -> list[list[float]]:
    """The values of the heatmap trace of the chart with this widget key, as the page holds them."""
    return page.evaluate(
        """key => {
            const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            return plot.data.find(trace => trace.name === 'jacobian').z;
        }""",
        key,
    )


def _screenshot_whole_page(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main area, so ``full_page`` sees one screen: grow the window
    to the page's height (at most 8000 px) first."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height, 8000)})
    page.wait_for_timeout(500)  # let plotly redraw at the new size
    page.screenshot(path=str(path))


def _open(page: Page, url: str) -> None:
    page.goto(url + PAGE_PATH)
    wait_for_app_ready(page, timeout_ms=FIRST_RUN_TIMEOUT_MS)
    page.wait_for_selector(".st-key-layers_heatmap_engine .js-plotly-plot", timeout=30_000)


def _type_into_cell(page: Page, name: str, row: int, column: int, columns: int, text: str) -> str:
    """Double-click cell (row, column) of grid ``name`` (1-based), type ``text``, press Enter.

    The grid is drawn on a canvas, so the cell is found by geometry: the row labels take what
    the ``columns`` number columns leave of the grid's width. Returns the text the cell held when
    its editor opened (a check that the right cell was hit).
    """
    grid = page.locator(f'[class*="st-key-layers_grid_{name}_"] [data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None, f"grid {name} is not on the page"
    labels = box["width"] - columns * GRID_COLUMN_WIDTH
    x = box["x"] + labels + (column - 0.5) * GRID_COLUMN_WIDTH
    y = box["y"] + GRID_ROW_HEIGHT * row + GRID_ROW_HEIGHT / 2
    # Select the cell first and give the grid a moment between steps: a double-click straight
    # after a rerun, or an Enter right after typing, is sometimes dropped by the grid.
    page.mouse.click(x, y)
    page.wait_for_timeout(STEP_PAUSE_MS)
    page.mouse.dblclick(x, y)
    editor = page.locator("input.gdg-input, textarea.gdg-input")
    expect(editor).to_be_visible(timeout=5_000)
    before = editor.input_value()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.wait_for_timeout(STEP_PAUSE_MS)
    page.keyboard.press("Enter")
    return before


def test_editing_one_entry_of_w_changes_that_cell_of_the_heatmap(
    page: Page, streamlit_server: Callable[..., str], screenshot_dir: Path
) -> None:
    _open(page, streamlit_server())
    engine = _heatmap_z(page, "layers_heatmap_engine")
    assert engine == [[2, -1, 0.5], [-1, 3, 1]], f"the page opens with the default W: {engine}"

    held = _type_into_cell(page, "W", row=2, column=3, columns=3, text="-4.75")
    assert held == "1", f"expected to open W[2][3] (holding 1), the editor held {held!r}"
    page.wait_for_function(
        """() => {
            const plot = document.querySelector('.st-key-layers_heatmap_engine .js-plotly-plot');
            return plot && plot.data[0].z[1][2] === -4.75;
        }""",
        timeout=UPDATE_TIMEOUT_MS,
    )
    wait_for_app_ready(page, settle_ms=100)

    engine = _heatmap_z(page, "layers_heatmap_engine")
    closed = _heatmap_z(page, "layers_heatmap_closed")
    assert engine[1][2] == -4.75, f"engine heatmap after the edit: {engine}"
    assert engine == closed == [[2, -1, 0.5], [-1, 3, -4.75]]
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    expect(page.locator(APP_SELECTOR)).to_have_attribute("data-test-script-state", "notRunning")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query.get("g_W") == ["2,-1,0.5;-1,3,-4.75"], f"the link keeps the edit: {page.url}"

    _screenshot_whole_page(page, screenshot_dir / "layers-after-edit.png")


def test_sigmoid_layer_in_a_narrow_window(
    page: Page, streamlit_server: Callable[..., str], screenshot_dir: Path
) -> None:
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(streamlit_server() + PAGE_PATH + "?layer=sigmoid&n=3&m=4")
    wait_for_app_ready(page, timeout_ms=FIRST_RUN_TIMEOUT_MS)
    page.wait_for_selector(".st-key-layers_heatmap_engine .js-plotly-plot", timeout=30_000)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    engine = _heatmap_z(page, "layers_heatmap_engine")
    closed = _heatmap_z(page, "layers_heatmap_closed")
    assert len(engine) == 3 and all(len(row) == 4 for row in engine)
    differences = [abs(a - b) for row_a, row_b in zip(engine, closed, strict=True)
                   for a, b in zip(row_a, row_b, strict=True)]  # fmt: skip
    assert max(differences) < 1e-12, f"engine {engine}\nclosed form {closed}"
    _screenshot_whole_page(page, screenshot_dir / "layers-sigmoid-420.png")


def test_a_hostile_grid_in_a_link_shows_as_plain_text(
    page: Page, streamlit_server: Callable[..., str]
) -> None:
    payload = "![](/favicon.png)**Bold**[a](//h/x)\\"
    page.goto(streamlit_server() + PAGE_PATH + "?g_W=" + urllib.parse.quote(payload))
    wait_for_app_ready(page, timeout_ms=FIRST_RUN_TIMEOUT_MS)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    warning = page.locator('[data-testid="stAlertContentWarning"]').first
    expect(warning).to_be_visible()
    for tag in ("img", "a", "strong", "em"):
        assert warning.locator(tag).count() == 0, f"{tag} rendered from the payload"
    text = warning.inner_text().replace("\u2060", "")
    assert f"'{payload}' is not a number" in text, text
