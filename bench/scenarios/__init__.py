"""Browser benchmark scenarios: one module per page, plus the shared measuring helpers.

A scenario is a module ``bench/scenarios/<name>.py`` exposing::

    NAME: str             # shown in the table, e.g. "knob machine"
    SCRIPT: str           # the script to serve, relative to the repo root, e.g. "app.py"
    URL_PATH: str         # where the page opens, "/" or e.g. "/Rate_of_change"
    FLOOR_P50_MS: float   # the floor the median latency must meet
    FLOOR_P95_MS: float   # optional
    BASELINE_SCRIPT: str  # optional: a naive page measured in the same run (MIN_SPEEDUP, ...)
    REFERENCE_SCRIPT: str # optional: a page measured beside it for reference, no floor
    def measure(page, base_url: str, presses: int) -> list[float]   # latencies in ms

A typical ``measure`` presses one knob and times one trace::

    measure = knob_presses(URL_PATH, "x₁", trace="gradient", watch=("x", "y"))

``bench/browser.py`` serves ``SCRIPT``, opens a fresh 1280x800 page and calls ``measure``.

How a latency is measured (all in the page, on the page's own clock, no sleeps):

1. Before a key press, a script in the page remembers the plot trace's current ``z`` (as JSON),
   arms a capturing ``keydown`` listener that notes ``performance.now()`` when the key arrives,
   and a ``MutationObserver`` that, on every DOM change, compares the trace's ``z`` again.
2. The key is pressed on the focused slider: Streamlit sends the new value, the server reruns,
   the frontend redraws the plot with Plotly.
3. When the observer sees a different ``z`` it notes the time the new plot is in the DOM
   (``changed``) and asks for the next animation frame: the frame that paints it (``painted``).
   The latency is ``painted - pressed``.

Between presses the helpers wait until the app is idle (the script run has finished) and the
page is quiet (its main thread idle), so one press never overlaps the previous rerun.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from tests.browser.harness import knob_slider, wait_for_app_ready

#: How long one press may take before the scenario fails (generous: a cold naive page parses).
PRESS_TIMEOUT_MS = 30_000
#: How long the first load may take: the server starts its worker processes and compiles f.
LOAD_TIMEOUT_MS = 120_000
#: The knob machine runs first; every other scenario follows in name order.
FIRST = "knob_machine"

PLOT_SELECTOR = ".js-plotly-plot"

# Finds the trace named `trace` on any plotly graph div of the page; returns the watched fields
# (default: its z) as JSON, or null when there is no such trace.
_FIND_Z = """
(trace, fields = ['z']) => {
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    for (const t of graph.data || []) {
      if (t.name === trace) {
        const values = fields.map((field) => (t[field] === undefined ? null : t[field]));
        return JSON.stringify(fields.length === 1 ? values[0] : values);
      }
    }
  }
  return null;
}
"""

# Installed before the page loads: notes when the websocket sends (the widget's new value) and
# when messages arrive, and whether a message carries the plot trace (its JSON spec names it).
_WEBSOCKET_LOG = """
(() => {
  const log = {marker: null, sent: [], received: []};
  window.__knobsWebSocket = log;
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  class TimedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      // Registered before the app's own handler, so the time is the arrival, not the handling.
      this.addEventListener('message', (event) => {
        const now = performance.now();
        let carries = false;
        // Streamlit's messages are binary; the moves route's replies are text.
        const text = typeof event.data === 'string' ? event.data
          : event.data instanceof ArrayBuffer ? decoder.decode(event.data) : null;
        if (log.marker !== null && text !== null) {
          carries = log.marker.some((marker) => text.includes(marker));
        }
        log.received.push([now, carries]);
      });
    }
    send(data) {
      log.sent.push(performance.now());
      return super.send(data);
    }
  }
  window.WebSocket = TimedWebSocket;
})();
"""

# Arms the measurement described in the module docstring; the state lives in window.__knobsBench.
_ARM = (
    """
([trace, fields]) => {
  const findZ = """
    + _FIND_Z
    + """;
  const state = {before: findZ(trace, fields), pressed: null, changed: null, painted: null};
  window.__knobsBench = state;
  const log = window.__knobsWebSocket;
  // The trace's name in a plotly spec: as is (st.plotly_chart), or as a JSON string inside
  // the JSON data of a live chart (ui/chart_component.py).
  const named = '"name":"' + trace + '"';
  if (log) {
    log.marker = [named, JSON.stringify(named).slice(1, -1)];
    log.sent = [];
    log.received = [];
  }
  window.addEventListener('keydown', () => { state.pressed = performance.now(); },
                          {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (state.pressed === null || state.changed !== null) return;
    const now = findZ(trace, fields);
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


#: Every press timed in this process, in order: ``bench/browser.py`` reads the phases from it.
PRESSES: list[Press] = []

#: Set by ``bench/browser.py``: waits until the machine is quiet (a server just started is still
#: starting its worker processes); called once before a page's first timed press.
settle: Callable[[], None] | None = None

#: Set by ``bench/browser.py``: CPU time counters in ms that only grow (e.g. the server process
#: and the page's main thread); :func:`measure_presses` records their growth over each press.
work_counters: Callable[[], dict[str, float]] | None = None


@dataclass(frozen=True)
class Press:
    """One timed key press: times in ms on the page's clock (``performance.now()``).

    ``sent``: the first websocket message after the press (the slider's new value);
    ``arrived``: the first message that carries the plot's new spec, when the page handled it
    (a busy page handles messages late: this is not the network arrival). Both are None when
    the websocket log is missing (a page opened without :func:`open_page`). ``work``: CPU ms
    per counter from the press until the app was idle again (see ``work_counters``).
    """

    pressed: float
    changed: float
    painted: float
    sent: float | None = None
    arrived: float | None = None
    work: dict[str, float] | None = None

    @property
    def latency_ms(self) -> float:
        """From the key press to the frame that paints the new plot."""
        return self.painted - self.pressed


def discover() -> list[ModuleType]:
    """Every scenario module in this package, the knob machine first."""
    names = sorted(
        info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
    )
    names.sort(key=lambda name: name != FIRST)
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def open_page(page: Any, url: str, *, plot_trace: str = "jacobian") -> None:
    """Go to ``url``, wait for the first script run to finish and the trace to be drawn.

    Also installs the websocket log that splits a latency into browser and server parts.
    """
    page.add_init_script(_WEBSOCKET_LOG)
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)
    page.wait_for_function(
        f"(trace) => ({_FIND_Z})(trace) !== null", arg=plot_trace, timeout=LOAD_TIMEOUT_MS
    )
    wait_for_app_ready(page, timeout_ms=LOAD_TIMEOUT_MS)


def knob(page: Any, label: str) -> Any:
    """The range input of the knob labelled ``label`` (plain text: 'x₁')."""
    return knob_slider(page, label)


def slider_value(slider: Any) -> float:
    """The slider's current value, as the page holds it."""
    return float(slider.evaluate("input => input.value"))


def plot_z(page: Any, trace: str = "jacobian") -> Any:
    """The ``z`` of the named trace as the page holds it (lists of rows, None where undefined)."""
    found = page.evaluate(f"(trace) => ({_FIND_Z})(trace)", trace)
    return None if found is None else json.loads(found)


def press_and_wait_for_plot_change(
    page: Any,
    target: Any,
    key: str = "ArrowRight",
    *,
    trace: str = "jacobian",
    watch: Sequence[str] = ("z",),
) -> Press:
    """Press ``key`` on ``target`` (focused first); time it until the trace's data changes.

    ``watch`` names the trace's fields compared before and after: ``("z",)`` for a heatmap,
    e.g. ``("x", "y")`` for a moving marker or arrow.
    """
    target.focus()
    page.evaluate(_ARM, [trace, list(watch)])
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


def knob_presses(
    url_path: str, label: str, *, trace: str = "jacobian", watch: Sequence[str] = ("z",)
) -> Callable[[Any, str, int], list[float]]:
    """The usual ``measure``: open the page at ``url_path``, press ArrowRight on the knob
    labelled ``label``, time each press until ``trace`` (its ``watch`` fields) is painted anew."""

    def measure(page: Any, base_url: str, presses: int) -> list[float]:
        open_page(page, base_url.rstrip("/") + url_path, plot_trace=trace)
        return measure_presses(page, knob(page, label), presses, trace=trace, watch=watch)

    return measure


def measure_presses(
    page: Any,
    target: Any,
    presses: int,
    key: str = "ArrowRight",
    *,
    trace: str = "jacobian",
    watch: Sequence[str] = ("z",),
    warmup: int = 2,
) -> list[float]:
    """Time ``presses`` key presses on ``target`` after ``warmup`` untimed ones; ms each.

    Waits for the app to be idle after every press (the rerun can go on after the plot has
    changed: the rest of the page is still being drawn) and for the page to be quiet (see
    :func:`wait_until_quiet`), so presses never overlap. A slider
    that reaches an end of its range is turned back the other way. When ``work_counters`` is
    set, each recorded :class:`Press` also carries the CPU time spent from the press to idle.
    """
    latencies: list[float] = []
    wait_for_app_ready(page)
    if settle is not None:
        settle()
    wait_until_quiet(page)
    for number in range(warmup + presses):
        key = _turn_back_at_the_end(target, key)
        before = work_counters() if work_counters is not None else None
        press = press_and_wait_for_plot_change(page, target, key, trace=trace, watch=watch)
        wait_for_app_ready(page)
        wait_until_quiet(page)
        if before is not None and work_counters is not None:
            after = work_counters()
            press = replace(press, work={k: after[k] - before[k] for k in before})
            PRESSES[-1] = press
        if number >= warmup:
            latencies.append(press.latency_ms)
    return latencies


def wait_until_quiet(page: Any) -> None:
    """Wait until the page's main thread has nothing left to do (or 1 s has passed).

    The script run can be over while the page still draws its last messages; a press then would
    wait behind that work and time it too. A learner turns a knob and looks: each press is timed
    from a settled page, the same for the optimised page and the baseline.
    """
    page.evaluate(
        """() => new Promise((resolve) => requestAnimationFrame(() =>
             requestIdleCallback(() => resolve(), {timeout: 1000})))"""
    )


def _turn_back_at_the_end(slider: Any, key: str) -> str:
    """ArrowLeft at the top of a range input, ArrowRight at the bottom, else ``key``."""
    value, low, high, step = slider.evaluate(
        "input => [input.value, input.min, input.max, input.step].map(Number)"
    )
    if key == "ArrowRight" and value + step > high + 1e-12:
        return "ArrowLeft"
    if key == "ArrowLeft" and value - step < low - 1e-12:
        return "ArrowRight"
    return key


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q) - 1]
