"""A knob's slider: a native range input that sends every move at once, and while dragging.

Why not ``st.slider``: Streamlit's slider does its own React work before it sends a key press
to the server (about 10 ms per press on our 2-core machines), and it sends a drag only when the
pointer is let go. This one is a Streamlit v2 component (no iframe, in the page's own document)
around ``<input type="range">``: the browser's own slider, operable by keyboard (arrows,
Page Up/Down, Home/End) and announced by screen readers with its name and value.

What it sends is ``{"value": v, "n": ...}`` under the state key ``move``; ``n`` is new for every
move, so that turning back to a value the server saw before is a move as well; the server reads
it with ``latest_move``. While a move is on its way, newer ones wait and only the newest is
sent, once the server has taken the first: its rerun shows the slider at that value, or a live
chart announces it has drawn a rerun (``ui/chart_component.py``), or after ``RELEASE_MS``. A
drag thus updates the page as fast as the server answers, never queueing stale positions.

The value the server holds is the one shown, except while the learner's own moves are on their
way: a rerun that began before them cannot drag the slider back.
"""

from __future__ import annotations

import decimal
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from calculus.export import plain_symbol
from ui.chart_component import LIVE_CHART_DRAWN, LeanComponent

#: How long a move may go unanswered before a waiting one is sent anyway (ms).
RELEASE_MS = 250
#: A move's name is short ('<page load>-<count>'); anything longer is not from our page.
MAX_MOVE_NAME = 64

_JS = """
const DRAWN = '__DRAWN__';
const RELEASE_MS = __RELEASE_MS__;
const sliders = new WeakMap();
// Tells moves (and sliders' ids) apart across page loads: the server compares state values.
const LOAD = Math.random().toString(36).slice(2);
let moves = 0;
let sliderIds = 0;

const text = (value, decimals) => Number(value).toFixed(decimals).replace('-', '\\u2212');

function build(parentElement, setStateValue) {
  const root = document.createElement('div');
  root.className = 'knobs-slider';
  root.innerHTML =
    '<div class="knobs-slider-head"><label></label><output></output></div>' +
    '<input type="range">' +
    '<div class="knobs-slider-ends" aria-hidden="true"><span></span><span></span></div>';
  parentElement.appendChild(root);
  const [label, output] = root.firstElementChild.children;
  const input = root.querySelector('input');
  const [low, high] = root.lastElementChild.children;
  input.id = 'knobs-slider-' + LOAD + '-' + (++sliderIds);
  label.htmlFor = input.id;
  output.htmlFor = input.id;

  const knob = { data: null, onItsWay: null, waiting: null, timer: null };
  const show = (value) => {
    const shown = text(value, knob.data.decimals);
    output.textContent = shown;
    input.setAttribute('aria-valuetext', shown);
  };
  const send = (value) => {
    if (knob.onItsWay !== null) {  // one move at a time: the newest waits its turn
      knob.waiting = value;
      return;
    }
    knob.onItsWay = value;
    knob.waiting = null;
    setStateValue('move', { value, n: LOAD + '-' + (++moves) });
    clearTimeout(knob.timer);
    knob.timer = setTimeout(taken, RELEASE_MS);
  };
  const taken = () => {
    clearTimeout(knob.timer);
    knob.onItsWay = null;
    if (knob.waiting !== null) send(knob.waiting);
  };
  input.addEventListener('input', () => {
    const value = Number(input.value);
    show(value);
    send(value);
  });
  // The chart announces a drawing from inside its own render: the next move goes a task later.
  const drawn = () => setTimeout(() => {
    if (knob.onItsWay !== null) taken();
  });
  window.addEventListener(DRAWN, drawn);

  knob.update = (data) => {
    knob.data = data;
    root.style.setProperty('--knobs-primary', data.colour);
    label.innerHTML = data.name;  // built and escaped on the server (name_html)
    input.setAttribute('aria-label', data.label);
    input.min = data.low;
    input.max = data.high;
    input.step = data.step;
    low.textContent = text(data.low, data.decimals);
    high.textContent = text(data.high, data.decimals);
    if (data.value === knob.onItsWay) taken();
    if (knob.onItsWay === null && knob.waiting === null) {
      input.value = data.value;
      show(data.value);
    }
  };
  knob.cleanup = () => {
    if (parentElement.isConnected) return;  // still on the page
    window.removeEventListener(DRAWN, drawn);
    clearTimeout(knob.timer);
    sliders.delete(parentElement);
  };
  return knob;
}

export default function ({ data, parentElement, setStateValue }) {
  let knob = sliders.get(parentElement);
  if (!knob) {
    knob = build(parentElement, setStateValue);
    sliders.set(parentElement, knob);
  }
  knob.update(data);
  return knob.cleanup;
}
"""

_CSS = """
.knobs-slider { padding: 0.1rem 0 0.35rem; }
.knobs-slider-head {
  display: flex; justify-content: space-between; align-items: baseline; gap: 0.5rem;
}
.knobs-slider-head label {
  font-family: KaTeX_Math, "Times New Roman", serif; font-style: italic; font-size: 1.15rem;
}
.knobs-slider-head label sub {
  font-family: KaTeX_Main, "Times New Roman", serif; font-style: normal; font-size: 0.7em;
}
.knobs-slider-head output {
  font-variant-numeric: tabular-nums; font-weight: 600; color: var(--knobs-primary);
}
.knobs-slider input[type="range"] {
  display: block; width: 100%; margin: 0.3rem 0 0.1rem; height: 1.4rem; cursor: pointer;
  accent-color: var(--knobs-primary);
}
.knobs-slider input[type="range"]:focus-visible {
  outline: 2px solid var(--knobs-primary); outline-offset: 2px; border-radius: 4px;
}
.knobs-slider-ends {
  display: flex; justify-content: space-between; font-size: 0.8rem; color: #6b7280;
  font-variant-numeric: tabular-nums;
}
"""

#: The component's name: tests find knob sliders on a page by it.
KNOB_SLIDER = "knobs_knob_slider"
_component = LeanComponent(
    KNOB_SLIDER,
    js=_JS.replace("__DRAWN__", LIVE_CHART_DRAWN).replace("__RELEASE_MS__", str(RELEASE_MS)),
    css=_CSS,
    isolate_styles=False,
)


def decimals_for(step: float) -> int:
    """How many decimals show a value on a grid of ``step``: 0.01 -> 2, 0.25 -> 2, 2 -> 0."""
    exponent = decimal.Decimal(repr(float(step))).normalize().as_tuple().exponent
    return max(0, min(6, -exponent if isinstance(exponent, int) else 0))


def name_html(name: str) -> str:
    """A variable's name as maths writes it, in HTML: 'x1' -> 'x<sub>1</sub>', 'theta' -> 'θ'."""
    stem = name.rstrip("0123456789")
    digits = name[len(stem) :]
    return html.escape(plain_symbol(stem)) + (f"<sub>{digits}</sub>" if digits else "")


@dataclass(frozen=True)
class Move:
    """One move of a knob slider: where to, and its name (new for every move)."""

    value: float
    n: str


def latest_move(key: str) -> Move | None:
    """The last move the knob slider ``key`` sent, or None (none yet, or not a finite number).

    What the browser sends is untrusted like any other input: it is checked here.
    """
    state: Any = st.session_state.get(key)
    move = state.get("move") if isinstance(state, Mapping) else None
    if not isinstance(move, Mapping):
        return None
    value, n = move.get("value"), move.get("n")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if not isinstance(n, str) or len(n) > MAX_MOVE_NAME:
        return None
    return Move(float(value), n)


def knob_slider(name: str, *, low: float, high: float, step: float, value: float, key: str) -> None:
    """Draw the slider of the knob (variable) ``name``, keyed ``key``, showing ``value``.

    Its moves are read with :func:`latest_move` (the knobs do it in ``knob_values``), not in a
    callback: callbacks of one request run in no set order, and another widget's callback (a
    layered chart asking for its base) must see the knob where the slider has put it.
    The label is the name typeset (``name_html``); screen readers get it as plain text ('x₁').
    """
    _component(
        key=key,
        data={
            "name": name_html(name),
            "label": plain_symbol(name),
            "low": low,
            "high": high,
            "step": step,
            "value": value,
            "decimals": decimals_for(step),
            # The light theme's blue; the dark theme's comes from ui/page.py's CSS.
            "colour": st.get_option("theme.primaryColor")
            or st.get_option("theme.light.primaryColor")
            or "#2563eb",
        },
        default={"move": None},
        on_move_change=_moved,
    )


def _moved() -> None:
    """Streamlit requires a callback for a component's state; the move is read by the knobs."""
