"""The plotly charts an AppTest page shows, read the same way whichever element draws them.

Moving charts are live charts (``ui/chart_component.py``: a v2 component whose JSON data carries the
figure's spec as a JSON string); a chart falls back to ``st.plotly_chart`` when plotly.js cannot
be served. Both carry their key at the end of the element id (``$$ID-<hash>-<key>``).
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

LIVE_CHART = "knobs_live_chart"


def chart_specs(at: AppTest) -> dict[str, dict[str, Any]]:
    """Every plotly chart on the page, ``{key: spec}``, in page order."""
    specs: dict[str, dict[str, Any]] = {}
    for element in at.get("bidi_component"):
        if element.proto.component_name == LIVE_CHART:
            specs[_key(element.proto.id)] = json.loads(json.loads(element.proto.json)["spec"])
    for element in at.get("plotly_chart"):
        specs[_key(element.proto.id)] = json.loads(element.proto.spec)
    return specs


def _key(element_id: str) -> str:
    return element_id.split("-", 2)[-1]


def trace_named(at: AppTest, name: str) -> dict[str, Any]:
    """The first trace called ``name`` on any chart of the page (AssertionError if none)."""
    for spec in chart_specs(at).values():
        for trace in spec.get("data", []):
            if trace.get("name") == name:
                return trace
    raise AssertionError(f"no chart on the page has a trace named {name!r}")
