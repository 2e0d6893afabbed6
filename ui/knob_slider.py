"""A page's knob sliders: native range inputs, one component for all of them, that send every
move at once, and while dragging.

Why not ``st.slider``: Streamlit's slider does its own React work before it sends a key press
to the server (about 10 ms per press on our 2-core machines), and it sends a drag only when the
pointer is let go. This is a Streamlit v2 component (no iframe, in the page's own document)
around ``<input type="range">``: the browser's own slider, operable by keyboard (arrows,
Page Up/Down, Home/End) and announced by screen readers with its name and value.

Why one component for all of a page's knobs: each component costs the server a widget and a
message every time it is drawn (about 0.6 ms of CPU and 1.2 KB a slider, ``bench/load.py``); a
live panel draws them once per full run of the page, and a knob move does not redraw them
(``moves_rerun``), except where no watched chart moves with the knobs.

What it sends is ``{"moves": {knob: {"value": v, "n": ...}}}``: each knob's newest move, under
the knob's name; ``n`` is new for every move, so that turning back to a value the server saw
before is a move as well; the server reads them with ``latest_moves``. While a knob's move is
on its way, newer ones wait and only the newest is sent, once the server has taken the first:
a live chart announces it has drawn a rerun (``ui/chart_component.py``), or a rerun that draws
the sliders shows the slider at that value, or after ``RELEASE_MS``. A drag thus updates the
page as fast as the server answers, never queueing stale positions.

The value the server holds is the one shown, except while the learner's own moves are on their
way: a rerun that began before them cannot drag the slider back.

With a moves route (``route=``, ``ui/moves_route.py``) a move goes there instead, paced the same
way (one on its way, the newest waiting), and the reply is handed to the components it names;
the knob's value goes to Streamlit as above once it rests (``COMMIT_MS`` after its last move,
and once the route has nothing on its way), or at once when the learner clicks or presses a key
elsewhere on the page (a Reset must come after the move, not before it). A route that closes or
does not answer within 2 s leaves the sliders sending every move to Streamlit.
"""

from __future__ import annotations

import decimal
import html
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from calculus.export import plain_symbol
from ui.chart_component import LIVE_CHART_DRAWN, ROUTE_JS, LeanComponent, served_url
from ui.moves_route import COMMIT_MS, MOVES_PATH, UNKNOWN

#: How long a move may go unanswered before a waiting one is sent anyway (ms).
RELEASE_MS = 250
#: A move's name is short ('<page load>-<count>'); anything longer is not from our page.
MAX_MOVE_NAME = 64

_JS = """
const DRAWN = '__DRAWN__';
const RELEASE_MS = __RELEASE_MS__;
const COMMIT_MS = __COMMIT_MS__;
const GONE = __GONE__;  // the route's close code for a token it does not know
const ROUTE_WAIT_MS = 2000;
const panels = new WeakMap();
// Tells moves (and sliders' ids) apart across page loads: the server compares state values.
const LOAD = Math.random().toString(36).slice(2);
let moves = 0;
let sliderIds = 0;

__ROUTE__

const text = (value, decimals) => Number(value).toFixed(decimals).replace('-', '\\u2212');

function buildKnob(panel, name) {
  const root = document.createElement('div');
  root.className = 'knobs-slider';
  root.innerHTML =
    '<div class="knobs-slider-head"><label></label><output></output></div>' +
    '<input type="range">' +
    '<div class="knobs-slider-ends" aria-hidden="true"><span></span><span></span></div>';
  const [label, output] = root.firstElementChild.children;
  const input = root.querySelector('input');
  const [low, high] = root.lastElementChild.children;
  input.id = 'knobs-slider-' + LOAD + '-' + (++sliderIds);
  label.htmlFor = input.id;
  output.htmlFor = input.id;

  // `resting`: the value a drag over the moves route left, for Streamlit once the knob rests.
  const knob = { root, input, data: null, onItsWay: null, waiting: null, timer: null,
    resting: null };
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
    panel.sent[name] = { value, n: LOAD + '-' + (++moves) };
    panel.setStateValue('moves', { ...panel.sent });
    clearTimeout(knob.timer);
    knob.timer = setTimeout(knob.taken, RELEASE_MS);
  };
  knob.taken = () => {
    clearTimeout(knob.timer);
    knob.onItsWay = null;
    if (knob.waiting !== null) send(knob.waiting);
  };
  knob.send = send;
  input.addEventListener('input', () => {
    const value = Number(input.value);
    show(value);
    if (!moveByRoute(panel)) {
      send(value);
      return;
    }
    knob.resting = value;
    panel.commitDue = false;
    clearTimeout(panel.commitTimer);
    panel.commitTimer = setTimeout(() => rested(panel), COMMIT_MS);
  });
  knob.update = (data) => {
    knob.data = data;
    label.innerHTML = data.name;  // built and escaped on the server (name_html)
    input.setAttribute('aria-label', data.label);
    input.min = data.low;
    input.max = data.high;
    input.step = data.step;
    low.textContent = text(data.low, data.decimals);
    high.textContent = text(data.high, data.decimals);
    if (data.value === knob.onItsWay) knob.taken();
    if (knob.onItsWay === null && knob.waiting === null && knob.resting === null) {
      input.value = data.value;
      show(data.value);
    }
  };
  knob.remove = () => {
    clearTimeout(knob.timer);
    knob.resting = null;
    root.remove();
  };
  return knob;
}

// The moves route (ui/moves_route.py): while a knob is dragged, its moves go over a websocket of
// the server's, answered without a script run, and the reply is handed to the components it
// names (charts, texts) by a window event. One move on its way; the newest waits. A reply that
// does not come within ROUTE_WAIT_MS closes the route: Streamlit answers from then on.
function openRoute(panel, route) {
  const token = route && route.token;
  if (panel.route && panel.route.token === token) return;
  closeRoute(panel);
  if (!token || panel.refused.has(token) || !('WebSocket' in window)) return;
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const socket = new WebSocket(scheme + location.host + route.url);
  // `old`: replies up to this move number came after the knobs went to Streamlit: not drawn.
  const way = { socket, token, onItsWay: false, waiting: false, n: 0, old: 0, timer: null };
  socket.onmessage = (event) => {
    clearTimeout(way.timer);
    way.onItsWay = false;
    let reply;
    try {
      reply = JSON.parse(event.data);
    } catch {
      return;
    }
    if (reply.n > way.old) {
      ROUTE.keys = new Set(Object.keys(reply.parts || {}));
      window.dispatchEvent(new CustomEvent(MOVED, { detail: reply }));
    }
    if (way.waiting) sendByRoute(panel);
    else if (panel.commitDue) commit(panel);
  };
  socket.onclose = (event) => {
    clearTimeout(way.timer);
    if (event.code === GONE) panel.refused.add(token);
    if (panel.route !== way) return;
    panel.route = null;
    commit(panel);  // what the route showed goes to Streamlit, which answers from now on
  };
  panel.route = way;
}

function closeRoute(panel) {
  const way = panel.route;
  panel.route = null;
  if (way) {
    clearTimeout(way.timer);
    way.socket.close();
  }
}

// Sends the knobs' values over the route, if it is open; false: send them to Streamlit.
function moveByRoute(panel) {
  if (!panel.route || panel.route.socket.readyState !== WebSocket.OPEN) return false;
  sendByRoute(panel);
  return true;
}

function sendByRoute(panel) {
  const way = panel.route;
  if (way.onItsWay) {
    way.waiting = true;
    return;
  }
  way.onItsWay = true;
  way.waiting = false;
  const point = panel.order.map((name) => Number(panel.knobs.get(name).input.value));
  way.socket.send(JSON.stringify({ t: way.token, n: ++way.n, p: point }));
  way.timer = setTimeout(() => way.socket.close(), ROUTE_WAIT_MS);
  ROUTE.ahead = true;  // a script run's drawing of the route's components is older now
}

// The knob rests (COMMIT_MS after its last move): once the route has nothing on its way, its
// value goes to Streamlit.
function rested(panel) {
  const way = panel.route;
  if (way && (way.onItsWay || way.waiting)) panel.commitDue = true;  // on the reply
  else commit(panel);
}

// The knobs' values go to Streamlit (the URL, the session's state): one script run, which
// draws what the route drew. A route reply still on its way is older: not drawn.
function commit(panel) {
  clearTimeout(panel.commitTimer);
  panel.commitDue = false;
  if (![...panel.knobs.values()].some((knob) => knob.resting !== null)) return;
  ROUTE.ahead = false;
  if (panel.route) {
    panel.route.waiting = false;
    panel.route.old = panel.route.n;
  }
  for (const knob of panel.knobs.values()) {
    if (knob.resting === null) continue;
    const value = knob.resting;
    knob.resting = null;
    knob.send(value);
  }
}

function build(parentElement, setStateValue) {
  const grid = document.createElement('div');
  grid.className = 'knobs-sliders';
  parentElement.appendChild(grid);
  const panel = { grid, setStateValue, knobs: new Map(), sent: {}, order: [], route: null,
    refused: new Set(), commitTimer: null, commitDue: false };
  // The chart announces a drawing from inside its own render: the next move goes a task later.
  const drawn = () => setTimeout(() => {
    for (const knob of panel.knobs.values()) if (knob.onItsWay !== null) knob.taken();
  });
  window.addEventListener(DRAWN, drawn);
  // Whatever else the learner does (a click, a key) sends a knob moved over the route to
  // Streamlit first: a Reset or a new function comes after the knob's move, never before it.
  const elsewhere = (event) => {
    if (!grid.contains(event.target)) commit(panel);
  };
  document.addEventListener('pointerdown', elsewhere, true);
  document.addEventListener('keydown', elsewhere, true);
  panel.update = (data) => {
    grid.style.setProperty('--knobs-primary', data.colour);
    grid.style.setProperty('--knobs-columns', data.columns);
    panel.order = data.knobs.map((k) => k.key);
    const names = new Set(panel.order);
    for (const [name, knob] of panel.knobs) {
      if (!names.has(name)) {
        knob.remove();
        panel.knobs.delete(name);
      }
    }
    data.knobs.forEach((knobData, i) => {
      let knob = panel.knobs.get(knobData.key);
      if (!knob) {
        knob = buildKnob(panel, knobData.key);
        panel.knobs.set(knobData.key, knob);
      }
      // In the page's order; a slider already in place is left alone: moving its node, even to
      // where it is, would end a drag in progress.
      const there = grid.children[i] || null;
      if (there !== knob.root) grid.insertBefore(knob.root, there);
      knob.update(knobData);
    });
    openRoute(panel, data.route);
  };
  panel.cleanup = () => {
    if (parentElement.isConnected) return;  // still on the page
    window.removeEventListener(DRAWN, drawn);
    document.removeEventListener('pointerdown', elsewhere, true);
    document.removeEventListener('keydown', elsewhere, true);
    clearTimeout(panel.commitTimer);
    ROUTE.ahead = false;
    closeRoute(panel);
    for (const knob of panel.knobs.values()) clearTimeout(knob.timer);
    panels.delete(parentElement);
  };
  return panel;
}

export default function ({ data, parentElement, setStateValue }) {
  let panel = panels.get(parentElement);
  if (!panel) {
    panel = build(parentElement, setStateValue);
    panels.set(parentElement, panel);
  }
  panel.update(data);
  return panel.cleanup;
}
"""

_CSS = """
.knobs-sliders {
  display: grid; grid-template-columns: repeat(var(--knobs-columns, 1), minmax(0, 1fr));
  column-gap: 1rem;
}
@media (max-width: 640px) { .knobs-sliders { grid-template-columns: minmax(0, 1fr); } }
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

#: The component's name: tests find a page's knob sliders by it.
KNOB_SLIDERS = "knobs_knob_sliders"
_component = LeanComponent(
    KNOB_SLIDERS,
    js=_JS.replace("__DRAWN__", LIVE_CHART_DRAWN)
    .replace("__RELEASE_MS__", str(RELEASE_MS))
    .replace("__COMMIT_MS__", str(COMMIT_MS))
    .replace("__GONE__", str(UNKNOWN))
    .replace("__ROUTE__", ROUTE_JS),
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
    """One move of a knob's slider: where to, and its name (new for every move)."""

    value: float
    n: str


@dataclass(frozen=True)
class SliderKnob:
    """What one knob's slider shows: the knob (variable) ``name``, its range and value; ``taken``
    names the knob's newest move the server has taken (None: none yet).

    ``taken`` is how a slider that the learner moved is set again to a value it was drawn with
    before (a Reset after a move): a move's own rerun does not draw the sliders (``moves_rerun``),
    so the page's next drawing could otherwise be the very one the browser already has, which
    it does not render again.
    """

    name: str
    low: float
    high: float
    step: float
    value: float
    taken: str | None = None


def latest_moves(key: str, names: Sequence[str]) -> dict[str, Move]:
    """The last move that the sliders ``key`` sent for each knob of ``names`` that has one (a
    knob is missing if it has none yet, or its move is not a finite number).

    What the browser sends is untrusted like any other input: it is checked here, and only the
    knobs asked for are looked up.
    """
    state: Any = st.session_state.get(key)
    moves = state.get("moves") if isinstance(state, Mapping) else None
    if not isinstance(moves, Mapping):
        return {}
    found = {}
    for name in names:
        move = moves.get(name)
        if not isinstance(move, Mapping):
            continue
        value, n = move.get("value"), move.get("n")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not math.isfinite(value) or not isinstance(n, str) or len(n) > MAX_MOVE_NAME:
            continue
        found[name] = Move(float(value), n)
    return found


#: The fragment that sliders drawn now rerun when they move (``moves_rerun``), or None: the
#: fragment they are drawn in, if any, as any widget.
_MOVES_RERUN: ContextVar[str | None] = ContextVar("knobs_moves_rerun", default=None)


@contextmanager
def moves_rerun(fragment_id: str) -> Iterator[None]:
    """Sliders drawn inside, outside any fragment, rerun only the fragment ``fragment_id`` (a
    live panel) when they move.

    Why: a fragment's rerun must draw again every element it drew before, or the browser
    drops it, so sliders drawn in the panel were redrawn on every knob move: the dearest
    element of a move (about 1 ms of the server's CPU; a widget with state and callbacks).
    Drawn by the full run, outside the panel, a slider is registered outside it too, so the
    panel's reruns keep its state and leave the element alone; only the element's message
    names the panel's fragment, which is all the browser reads to choose what a widget's
    change reruns (the fragment its element came from). Streamlit has no option for this: the
    message is tagged on its way to the session's queue (``_tagged``). Whatever changes the
    knobs other than their sliders must then rerun the whole page (``ui.knobs.set_knobs``).
    """
    token = _MOVES_RERUN.set(fragment_id)
    try:
        yield
    finally:
        _MOVES_RERUN.reset(token)


@contextmanager
def _tagged(fragment_id: str | None) -> Iterator[None]:
    """Elements sent inside, from outside any fragment, carry ``fragment_id`` (``moves_rerun``);
    one drawn in a fragment keeps its own (its fragment's reruns draw it again)."""
    ctx = get_script_run_ctx()
    if fragment_id is None or ctx is None:
        yield
        return
    own = vars(ctx).get("enqueue")  # None: the class's method
    send = ctx.enqueue

    def enqueue(msg: ForwardMsg) -> None:
        if msg.WhichOneof("type") == "delta" and not msg.delta.fragment_id:
            msg.delta.fragment_id = fragment_id
        send(msg)

    ctx.enqueue = enqueue  # type: ignore[method-assign]
    try:
        yield
    finally:
        if own is None:
            del ctx.enqueue
        else:
            ctx.enqueue = own  # type: ignore[method-assign]


def knob_slider_panel(
    knobs: Sequence[SliderKnob], *, key: str, columns: int = 1, route: str | None = None
) -> None:
    """Draw a slider for each of ``knobs``, in ``columns`` columns (one on a narrow screen), as one
    component keyed ``key``. ``route``: the page's moves-route token (``ui/moves_route.py``), with
    which a drag goes over the route and the knob's resting value to Streamlit; None: every move
    goes to Streamlit.

    Their moves are read with :func:`latest_moves` (the knobs do it in ``knob_values``), not in a
    callback: callbacks of one request run in no set order, and another widget's callback (a
    layered chart asking for its base) must see the knob where the slider has put it.
    A label is the knob's name typeset (``name_html``); screen readers get it as plain text
    ('x₁').
    """
    with _tagged(_MOVES_RERUN.get()):
        _draw(knobs, key, columns, route)


def _draw(knobs: Sequence[SliderKnob], key: str, columns: int, route: str | None) -> None:
    _component(
        key=key,
        data={
            "knobs": [
                {
                    "key": knob.name,
                    "name": name_html(knob.name),
                    "label": plain_symbol(knob.name),
                    "low": knob.low,
                    "high": knob.high,
                    "step": knob.step,
                    "value": knob.value,
                    "decimals": decimals_for(knob.step),
                    "taken": knob.taken,
                }
                for knob in knobs
            ],
            "columns": max(1, columns),
            "route": None if route is None else {"url": served_url(MOVES_PATH), "token": route},
            # The light theme's blue; the dark theme's comes from ui/page.py's CSS.
            "colour": st.get_option("theme.primaryColor")
            or st.get_option("theme.light.primaryColor")
            or "#2563eb",
        },
        default={"moves": None},
        on_moves_change=_moved,
    )


def _moved() -> None:
    """Streamlit requires a callback for a component's state; the moves are read by the knobs."""
