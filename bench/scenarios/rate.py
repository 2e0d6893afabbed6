"""Rate of change (``pages/1_Rate_of_change.py``): move the knob x of the loss, time the tangent.

The page opens on the chapter's loss ``x^2 + 4x - 2`` with x = 1. Every ArrowRight/ArrowLeft
moves x by 0.01, which moves the point and turns the tangent (slope f'(x) = 2x + 4): the trace
named 'tangent' of the first figure. The tangent is the first figure the knob's fragment draws,
so a latency covers the fragment up to it, not the secant, critical-point and descent sections
below it (they follow in the same rerun).

The shared helpers time a trace's ``z``; a tangent has ``x`` and ``y`` instead, so this module
arms the same measurement (keydown -> the DOM holds the new trace -> the next animation frame)
watching ``[x, y]``, as the gradient-landscape scenario does, and records ``Press`` objects like
the helpers do.
"""

from __future__ import annotations

from typing import Any

from bench.scenarios import PRESS_TIMEOUT_MS, PRESSES, Press, knob, open_page
from tests.browser.harness import wait_for_app_ready

NAME = "rate of change"
SCRIPT = "app.py"
URL_PATH = "/Rate_of_change"
FLOOR_P50_MS = 100.0
TRACE = "tangent"

# The first figure's trace named `trace` as [x, y] JSON (the secant close-up further down has a
# 'tangent' too; the main figure comes first in the page). numpy arrays arrive as
# {dtype, bdata}: compared as they are.
_FIND_XY = """
(trace) => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    for (const t of graph.data || []) {
      if (t.name === trace) return JSON.stringify([t.x, t.y]);
    }
  }
  return null;
}
"""

_ARM = (
    """
(trace) => {
  const find = """
    + _FIND_XY
    + """;
  const state = {before: find(trace), pressed: null, changed: null, painted: null};
  window.__knobsBench = state;
  const log = window.__knobsWebSocket;
  if (log) { log.marker = '"name":"' + trace + '"'; log.sent = []; log.received = []; }
  window.addEventListener('keydown', () => { state.pressed = performance.now(); },
                          {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (state.pressed === null || state.changed !== null) return;
    const now = find(trace);
    if (now === null || now === state.before) return;
    state.changed = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { state.painted = performance.now(); });
  });
  observer.observe(document.body,
                   {subtree: true, childList: true, attributes: true, characterData: true});
  state.stop = () => observer.disconnect();
  return state.before;
}
"""
)

_READ = """
() => {
  const s = window.__knobsBench;
  const log = window.__knobsWebSocket;
  const after = (t) => t >= s.pressed;
  const sent = log ? log.sent.find(after) : undefined;
  const arrived = log ? log.received.find(([t, carries]) => carries && after(t)) : undefined;
  return {pressed: s.pressed, changed: s.changed, painted: s.painted,
          sent: sent === undefined ? null : sent,
          arrived: arrived === undefined ? null : arrived[0]};
}
"""


def press_and_wait_for_tangent(page: Any, target: Any, key: str = "ArrowRight") -> Press:
    """Press ``key`` on the focused slider; time it until the tangent's coordinates change."""
    target.focus()
    page.evaluate(_ARM, TRACE)
    target.press(key)
    try:
        page.wait_for_function(
            "() => window.__knobsBench.painted !== null", timeout=PRESS_TIMEOUT_MS, polling=10
        )
    finally:
        page.evaluate("() => window.__knobsBench.stop()")
    press = Press(**page.evaluate(_READ))
    PRESSES.append(press)
    return press


def measure(page: Any, base_url: str, presses: int, warmup: int = 2) -> list[float]:
    open_page(page, base_url.rstrip("/") + URL_PATH, plot_trace=TRACE)
    slider = knob(page, "x")
    latencies: list[float] = []
    for number in range(warmup + presses):
        wait_for_app_ready(page)
        # Alternate right and left: the knob stays near 1, far from the ends of its range.
        key = "ArrowRight" if number % 2 else "ArrowLeft"
        press = press_and_wait_for_tangent(page, slider, key)
        if number >= warmup:
            latencies.append(press.latency_ms)
    wait_for_app_ready(page)
    return latencies
