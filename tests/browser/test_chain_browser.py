"""The chain-rule page in a real browser: the R³ → R³ exercise draws its graph, and the two
paths from x2 to y2 add up to the Jacobian entry shown beside them."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.harness import (
    APP_SELECTOR,
    EXCEPTION_SELECTOR,
    knob_slider,
    wait_for_app_ready,
)

#: Shown numbers have 4 significant digits: the sum of two rounded paths is this close.
SHOWN_RTOL = 2e-3
PATH_ROWS = '[data-testid="stHorizontalBlock"]:has([data-testid="stCheckbox"])'


def shown_number(text: str) -> float:
    """'−12.25' or '8' as a float (format_number writes a real minus sign)."""
    match = re.search(r"[−-]?\d+(?:\.\d+)?(?:×10\^[−-]?\d+)?", text)
    assert match, f"no number in {text!r}"
    number = match.group().replace("−", "-")
    if "×10^" in number:
        mantissa, exponent = number.split("×10^")
        return float(mantissa) * 10 ** int(exponent)
    return float(number)


GRAPH = ".st-key-chain_graph .js-plotly-plot"
# The graph as the browser holds it: each node's name, where it sits and the value it shows.
_GRAPH_NODES = """() => {
  const graph = document.querySelector('.st-key-chain_graph .js-plotly-plot');
  const names = graph.data.find((t) => t.name === 'node names');
  const values = graph.data.find((t) => t.name === 'node values');
  return names.text.map((name, k) => [name.replace(/<[^>]*>/g, ''), names.x[k], names.y[k],
                                      values.text[k]]);
}"""


def graph_nodes(page: Page) -> dict[str, tuple[float, float, str]]:
    """The drawn graph's nodes: ``{name: (x, y, value shown)}``."""
    return {name: (x, y, value) for name, x, y, value in page.evaluate(_GRAPH_NODES)}


def test_a_knob_press_updates_the_values_on_the_graph(page: Page, streamlit_server) -> None:
    """The R³ exercise opens at (1, 2, 2): x₁ → 1.01 shows u = 1.01² · 2² = 4.0804 on the
    graph (and y₂ = u v with it) while the nodes stay where they were; and back."""
    page.goto(f"{streamlit_server()}/Chain_rule")
    wait_for_app_ready(page)
    expect(page.locator(GRAPH)).to_be_visible(timeout=60_000)
    before = graph_nodes(page)
    assert before["u"][2] == "4" and before["y₂"][2] == "8"
    x1 = knob_slider(page, "x₁")
    x1.focus()
    x1.press("ArrowRight")
    # u, ∂y₂/∂v = u and ∂u/∂x₂ = 2x₁²x₂ all show 4.08 now.
    expect(page.locator(GRAPH).locator("text").filter(has_text="4.08")).to_have_count(3)
    wait_for_app_ready(page, settle_ms=150)
    after = graph_nodes(page)
    assert after["u"][2] == "4.08" and after["y₂"][2] == "8.16"  # u v = 4.0804 · 2
    assert {n: xy[:2] for n, xy in after.items()} == {n: xy[:2] for n, xy in before.items()}
    x1.press("ArrowLeft")  # back to x1 = 1
    expect(page.locator(GRAPH).locator("text").filter(has_text="4.08")).to_have_count(0)
    wait_for_app_ready(page, settle_ms=150)
    assert graph_nodes(page)["u"][2] == "4"


def choose_radio(page: Page, group: str, option: str) -> None:
    radio = page.locator('[data-testid="stRadio"]').filter(has_text=group)
    radio.locator("label").filter(has_text=re.compile(f"^{option}$")).click()
    wait_for_app_ready(page, settle_ms=150)


def test_r3_preset_has_two_paths_summing_to_the_jacobian_entry(
    page: Page, streamlit_server, screenshot_dir: Path
) -> None:
    base = streamlit_server()
    page.goto(f"{base}/Chain_rule?mode=formula&f=x%5E2")  # start elsewhere: the preset must load
    wait_for_app_ready(page)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)

    page.locator('[data-testid="stSelectbox"]').filter(has_text="Examples from the chapter").click()
    page.get_by_role("option", name=re.compile("R³ → R³")).click()
    wait_for_app_ready(page, settle_ms=150)
    choose_radio(page, "Output", "y₂")
    choose_radio(page, "Knob", "x₂")

    expect(page.locator(APP_SELECTOR)).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    rows = page.locator(PATH_ROWS)
    expect(rows).to_have_count(2)
    labels = [rows.nth(k).locator('[data-testid="stCheckbox"]').inner_text() for k in range(2)]
    assert [label.strip() for label in labels] == ["x₂ → u → y₂", "x₂ → v → y₂"]
    values = [
        shown_number(rows.nth(k).locator('[data-testid="stMarkdownContainer"]').last.inner_text())
        for k in range(2)
    ]

    metrics = page.locator('[data-testid="stMetric"]')
    entry = metrics.filter(has_text="Jacobian entry ∂y₂/∂x₂")
    expect(entry).to_have_count(1)
    direct = shown_number(entry.locator('[data-testid="stMetricValue"]').inner_text())
    total = shown_number(
        metrics.filter(has_text="Sum of the 2 paths")
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
    )
    assert abs(sum(values) - direct) <= SHOWN_RTOL * max(1.0, abs(direct)), (
        f"paths {values} add to {sum(values)}, the page shows the entry {direct}"
    )
    assert abs(total - direct) <= SHOWN_RTOL * max(1.0, abs(direct))
    expect(page.get_by_text("✓ Equal")).to_be_visible()

    highlight = page.locator('[data-testid="stRadio"]').filter(has_text="Highlight in the graph")
    expect(highlight.locator("input:checked")).to_have_count(1)

    # The graph is drawn in the browser: 8 values, the highlighted path's two edges in red.
    chart = page.locator(GRAPH)
    expect(chart).to_be_visible()
    assert len(graph_nodes(page)) == 8
    red = chart.locator('.shapelayer path[style*="stroke: rgb(220, 38, 38)"]')
    expect(red).to_have_count(2)  # the highlighted path's edges, and their arrowheads
    assert red.first.get_attribute("d").count("M") == 2  # two edges: x₂ → u → y₂
    page.screenshot(path=str(screenshot_dir / "chain-r3-1280.png"), full_page=True)

    # Switch the path through v off: the sum drops to the path through u alone.
    rows.nth(1).locator('[data-testid="stCheckbox"] label').click()
    wait_for_app_ready(page, settle_ms=150)
    expect(page.get_by_text("Not equal")).to_be_visible()
    sum_one = metrics.filter(has_text="Sum of the 1 path").locator('[data-testid="stMetricValue"]')
    assert abs(shown_number(sum_one.inner_text()) - values[0]) <= SHOWN_RTOL * abs(values[0])
    page.screenshot(path=str(screenshot_dir / "chain-r3-one-path-off.png"), full_page=True)

    page.set_viewport_size({"width": 420, "height": 900})
    wait_for_app_ready(page, settle_ms=300)
    page.screenshot(path=str(screenshot_dir / "chain-r3-420.png"), full_page=True)
    # On a phone the graph keeps its size (labels stay legible) and scrolls sideways.
    scrolled = page.locator(GRAPH).evaluate(
        """(plot) => {
          for (let box = plot.parentElement; box; box = box.parentElement) {
            if (getComputedStyle(box).overflowX === 'auto' && box.scrollWidth > box.clientWidth) {
              box.scrollLeft = box.scrollWidth;
              return true;
            }
          }
          return false;
        }"""
    )
    assert scrolled, "the graph is cut off at 420 px instead of scrolling"
    expect(page.locator(GRAPH).locator("text").filter(has_text="y₃")).to_be_in_viewport()


def test_editing_the_steps_keeps_the_chosen_entry_visibly_selected(
    page: Page, streamlit_server, screenshot_dir: Path
) -> None:
    page.goto(f"{streamlit_server()}/Chain_rule")
    wait_for_app_ready(page)
    box = page.locator("textarea").first
    expect(box).to_have_value(re.compile(r"y3 = v\^2$"), timeout=60_000)  # the first run is done
    box.fill(box.input_value() + "\ny4 = u + v")
    box.press("Control+Enter")
    wait_for_app_ready(page, settle_ms=300)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    for group, chosen in (("Output", "y₂"), ("Knob", "x₂")):
        radio = page.locator('[data-testid="stRadio"]').filter(has_text=group).first
        expect(radio.locator("label").filter(has_text="y₄")).to_have_count(int(group == "Output"))
        checked = radio.locator("label:has(input:checked)")
        expect(checked).to_have_count(1)
        expect(checked).to_have_text(chosen)
    expect(page.locator(GRAPH)).to_be_visible()
    assert len(graph_nodes(page)) == 9
    page.screenshot(path=str(screenshot_dir / "chain-edited-steps.png"), full_page=True)


#: A payload for each markup the steps box message once rendered (issue 18): an image, bold, a
#: link, HTML, LaTeX, Streamlit's colour directive and icon, and a backslash.
HOSTILE_STEPS = (
    "![](/favicon.png)**Session expired** [Log in](//127.0.0.1:9/x) <b>b</b> $\\frac{1}{2}$ "
    ":red[alarm] :material/home: \\ = x"
)


def test_hostile_steps_in_a_link_show_as_plain_text(page: Page, streamlit_server) -> None:
    base = streamlit_server()
    page.goto(f"{base}/Chain_rule?mode=steps&steps={urllib.parse.quote(HOSTILE_STEPS)}")
    wait_for_app_ready(page)
    expect(page.locator(EXCEPTION_SELECTOR)).to_have_count(0)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    expect(alert).to_be_visible()
    for tag in ("img", "a", "b", "strong", "em", ".katex", '[data-testid="stIconMaterial"]'):
        assert alert.locator(tag).count() == 0, f"{tag} rendered from the payload"
    text = alert.inner_text().replace("\u2060", "")
    assert "'![](/favicon.png)**Session exp' cannot be a name" in text, text
