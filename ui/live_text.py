"""Lines of text that move with the knobs (a page's outputs, a chart's readings), drawn by one
small component so that a knob's drag can redraw them without a script run.

Why not ``st.markdown``: a knob move answered by the moves route (``ui/moves_route.py``) never
reaches Streamlit, so what it changes must be drawn by our own JavaScript; a component also
sends its lines as data, never as markup. A line is a list of runs, ``(text, style)``, style
``""`` (plain), ``"b"`` (bold) or ``"i"`` (italic); the browser sets each run's text with
``textContent``: a name or a reason that comes from the learner's formula is never markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ui.chart_component import ROUTE_JS, LeanComponent

Run = tuple[str, str]
Line = Sequence[Run]

_JS = """
const texts = new WeakMap();

__ROUTE__

function runs(line) {
  return line.map(([text, style]) => {
    if (!style) return document.createTextNode(text);
    const node = document.createElement(style === 'b' ? 'strong' : 'em');
    node.textContent = text;
    return node;
  });
}

function draw(text, data) {
  const drawing = (data.heading || '') + '\\n' + data.lines;
  if (text.drawn === drawing) return;
  text.drawn = drawing;
  text.heading.hidden = !data.heading;
  text.heading.firstChild.textContent = data.heading || '';
  text.list.replaceChildren(...JSON.parse(data.lines).map((line) => {
    const item = document.createElement('li');
    item.append(...runs(line));
    return item;
  }));
}

export default function ({ data, parentElement }) {
  let text = texts.get(parentElement);
  if (!text) {
    const root = document.createElement('div');
    root.className = 'knobs-live-text';
    root.innerHTML = '<p><strong></strong></p><ul></ul>';
    parentElement.appendChild(root);
    text = { heading: root.firstChild, list: root.lastChild, drawn: null };
    text.unlisten = routed(data.key, (moved) => draw(text, moved));
    text.cleanup = () => {
      if (parentElement.isConnected) return;
      text.unlisten();
      texts.delete(parentElement);
    };
    texts.set(parentElement, text);
  }
  if (!stale(data)) draw(text, data);
  return text.cleanup;
}
"""

_CSS = """
.knobs-live-text p { margin: 0 0 0.5rem; }
.knobs-live-text ul { margin: 0 0 0.5rem; padding-left: 1.4rem; }
.knobs-live-text li { margin: 0.15rem 0; line-height: 1.6; }
"""

#: The component's name: tests read a page's lines by it.
LIVE_TEXT_COMPONENT = "knobs_live_text"
_component = LeanComponent(
    LIVE_TEXT_COMPONENT, js=_JS.replace("__ROUTE__", ROUTE_JS), css=_CSS, isolate_styles=False
)


def text_data(lines: Sequence[Line], *, key: str, heading: str | None = None) -> dict[str, Any]:
    """What the component ``key`` shows: an optional bold ``heading``, then ``lines`` as a list.

    The lines travel as one JSON string: Streamlit looks for dataframes in every list or dict of a
    component's data (about 0.5 ms a call on a knob move), never in a string.
    """
    runs = [[[text, style] for text, style in line] for line in lines]
    return {"key": key, "heading": heading, "lines": json.dumps(runs, ensure_ascii=False)}


def live_text(data: dict[str, Any]) -> None:
    """Draw ``text_data(...)``; the moves route redraws it in place while a knob is dragged."""
    _component(key=data["key"], data=data)
