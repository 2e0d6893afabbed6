"""Screenshots of every page at desktop and phone width, to look at what a learner sees.

    .venv/bin/python scripts/screenshots.py [OUT_DIR] [--path /Rate_of_change?f=x^3 ...]

Starts the app on a free loopback port, opens each page in Debian's headless Chromium with a tall
viewport (Streamlit scrolls inside its own container, so a full-page shot would cut it off) and
writes ``OUT_DIR/<page>-<width>.png`` (default OUT_DIR: screenshots/, which git ignores).

A predict link (``--path "/?predict=true&q=value"``) shows the question; ``--answer 12`` also
types (or chooses) that answer, presses Check and writes the reveal as ``...-reveal-<width>``;
either way the question card alone is written too, as ``...-card-<width>``, to read it closely.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import APP, launch_chromium, start_streamlit, wait_for_app_ready  # noqa: E402

PAGES = ["/", "/Rate_of_change", "/Gradient_landscape", "/Chain_rule", "/ML_layers"]
#: (width, height): desktop and phone; tall, to see the whole page in one shot.
SIZES = [(1280, 2400), (420, 4200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="screenshots")
    parser.add_argument("--path", action="append", help="page paths (default: every page)")
    parser.add_argument("--answer", help="in predict mode: answer this and show the reveal")
    args = parser.parse_args()
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    with start_streamlit(APP) as (url, _process), sync_playwright() as pw:
        browser = launch_chromium(pw)
        for path in args.path or PAGES:
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url + path)
                wait_for_app_ready(page)
                _wait_for_lazy_widgets(page)
                page.wait_for_timeout(1500)  # charts draw after the app is ready
                name = path.strip("/").split("?")[0] or "Knob_machine"
                suffix = "" if "?" not in path else f"-{abs(hash(path)) % 10_000}"
                if args.answer is not None:
                    _answer(page, args.answer)
                    suffix += "-reveal"
                target = out / f"{name}{suffix}-{width}.png"
                page.screenshot(path=str(target))
                print(target)
                card = page.locator('[class*="st-key-"][class*="_predict"]')
                if card.count():
                    card.first.screenshot(path=str(out / f"{name}{suffix}-card-{width}.png"))
                    print(out / f"{name}{suffix}-card-{width}.png")
                page.close()
        browser.close()


#: Streamlit loads some widgets' code (st.slider's) on first use and shows a grey skeleton until
#: then; a shot taken earlier shows the skeleton instead of the widget.
_SKELETONS = '[data-testid="stSkeleton"]'


def _wait_for_lazy_widgets(page, timeout_ms: int = 15_000) -> None:
    """Wait until no widget is a skeleton any more (at most ``timeout_ms``; then shoot anyway)."""
    try:
        page.wait_for_function(
            f"() => !document.querySelector('{_SKELETONS}')", timeout=timeout_ms
        )
    except PlaywrightTimeoutError:
        print("skeletons still shown after", timeout_ms, "ms", file=sys.stderr)


def _answer(page, answer: str) -> None:
    """Type (or choose) ``answer`` in the question card and press Check; wait for the reveal."""
    choice = page.get_by_role("radio", name=answer, exact=True)
    if choice.count():
        choice.first.check(force=True)
    else:
        page.get_by_role("textbox", name="Your answer").fill(answer)
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_role("alert").first.wait_for()
    wait_for_app_ready(page, settle_ms=100)
    page.wait_for_timeout(1500)  # the charts the answer unlocks


if __name__ == "__main__":
    main()
