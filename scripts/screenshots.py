"""Screenshots of every page at desktop and phone width, to look at what a learner sees.

    .venv/bin/python scripts/screenshots.py [OUT_DIR] [--path /Rate_of_change?f=x^3 ...]

Starts the app on a free loopback port, opens each page in Debian's headless Chromium with a tall
viewport (Streamlit scrolls inside its own container, so a full-page shot would cut it off) and
writes ``OUT_DIR/<page>-<width>.png`` (default OUT_DIR: screenshots/, which git ignores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import launch_chromium, start_streamlit, wait_for_app_ready  # noqa: E402

PAGES = ["/", "/Rate_of_change", "/Gradient_landscape", "/Chain_rule", "/ML_layers"]
#: (width, height): desktop and phone; tall, to see the whole page in one shot.
SIZES = [(1280, 2400), (420, 4200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="screenshots")
    parser.add_argument("--path", action="append", help="page paths (default: every page)")
    args = parser.parse_args()
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    with start_streamlit("app.py") as (url, _process), sync_playwright() as pw:
        browser = launch_chromium(pw)
        for path in args.path or PAGES:
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url + path)
                wait_for_app_ready(page)
                page.wait_for_timeout(1500)  # charts draw after the app is ready
                name = path.strip("/").split("?")[0] or "Knob_machine"
                suffix = "" if "?" not in path else f"-{abs(hash(path)) % 10_000}"
                target = out / f"{name}{suffix}-{width}.png"
                page.screenshot(path=str(target))
                print(target)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
