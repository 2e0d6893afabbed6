"""The plotly charts an AppTest page shows, read the same way whichever element draws them.

Moving charts are live charts (``ui/chart_component.py``: a v2 component whose JSON data carries the
figure's spec as a JSON string); a chart falls back to ``st.plotly_chart`` when plotly.js cannot
be served. Both carry their key at the end of the element id (``$$ID-<hash>-<key>``).

A layered chart (light overlay on a heavy base, one element) shows as two charts: ``key``, the
overlay, and ``key/base``. Its element carries the base only the first time this session is sent
that base; later runs carry only its version, and the base is found, as the browser finds it, among
the bases this test has seen (read the page once before moving a knob, as a browser would).
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

LIVE_CHART = "knobs_live_chart"
LAYERED_CHART = "knobs_layered_chart"
#: Per AppTest, the layered charts' bases seen so far, by version (the browser's cache).
_bases: weakref.WeakKeyDictionary[AppTest, dict[str, str]] = weakref.WeakKeyDictionary()


def chart_specs(at: AppTest) -> dict[str, dict[str, Any]]:
    """Every plotly chart on the page, ``{key: spec}``, in page order (a layered chart's base
    as ``key/base``, when it was sent to this session once)."""
    specs: dict[str, dict[str, Any]] = {}
    seen = _bases.setdefault(at, {})
    for element in at.get("bidi_component"):
        name = element.proto.component_name.removesuffix("_inline")
        if name not in (LIVE_CHART, LAYERED_CHART):
            continue
        data = json.loads(element.proto.json)
        key = _key(element.proto.id)
        specs[key] = json.loads(data["spec"])
        if name == LAYERED_CHART:
            if data["base"] is not None:
                seen[data["base_version"]] = data["base"]
            if data["base_version"] in seen:
                specs[f"{key}/base"] = json.loads(seen[data["base_version"]])
    for element in at.get("plotly_chart"):
        specs[_key(element.proto.id)] = json.loads(element.proto.spec)
    return specs


def layered_data(at: AppTest, key: str) -> dict[str, Any]:
    """What the layered chart ``key`` was given this run (``base`` None: only its version)."""
    for element in at.get("bidi_component"):
        name = element.proto.component_name.removesuffix("_inline")
        if name == LAYERED_CHART and _key(element.proto.id) == key:
            return json.loads(element.proto.json)
    raise AssertionError(f"no layered chart {key!r} on the page")


def ask_for_the_base(at: AppTest, key: str) -> AppTest:
    """What the browser does when it lacks the base the layered chart ``key`` is told to draw
    (a remount after its cache dropped it): the trigger ``missing``, then the run it asks for."""
    (element,) = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name.removesuffix("_inline") == LAYERED_CHART
        and _key(e.proto.id) == key
    ] or [None]
    assert element is not None, f"no layered chart {key!r} on the page"
    states = at._tree.get_widget_states()
    ask = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{element.proto.id}__events")
    version = json.loads(element.proto.json)["base_version"]
    ask.json_trigger_value = json.dumps([{"event": "missing", "value": version}])
    states.widgets.append(ask)
    return at._run(states)


def _key(element_id: str) -> str:
    return element_id.split("-", 2)[-1]


def trace_named(at: AppTest, name: str) -> dict[str, Any]:
    """The first trace called ``name`` on any chart of the page (AssertionError if none)."""
    for spec in chart_specs(at).values():
        for trace in spec.get("data", []):
            if trace.get("name") == name:
                return trace
    raise AssertionError(f"no chart on the page has a trace named {name!r}")


LIVE_TEXT = "knobs_live_text"
_STYLE_MARKS = {"": "", "b": "**", "i": "*"}


def live_texts(at: AppTest) -> list[str]:
    """The lines of text that move with the knobs (``ui/live_text.py``), each component's as the
    markdown that would draw it (a bold heading, then a bullet list; bold ``**``, italic ``*``)."""
    texts = []
    for element in at.get("bidi_component"):
        if element.proto.component_name.removesuffix("_inline") != LIVE_TEXT:
            continue
        data = json.loads(element.proto.json)
        lines = [f"**{data['heading']}**", ""] if data["heading"] else []
        for line in json.loads(data["lines"]):
            lines.append("- " + "".join(f"{_STYLE_MARKS[s]}{t}{_STYLE_MARKS[s]}" for t, s in line))
        texts.append("\n".join(lines))
    return texts
