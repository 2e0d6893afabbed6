"""The benchmark's reference: the knob machine's knobs and live heatmap, and nothing else.

For ``bench/browser.py`` only (never linked from the app). The same engine, the same heatmap
figure and the same live chart as ``app.py``, in a fragment that holds just the three sliders
and the heatmap: no function box, outputs, readings or sections. What a key press costs here is
what any Streamlit page costs on this machine to move a slider and redraw this heatmap (the
slider's own handling, the websocket round trip, a fragment rerun, Plotly.react), so the gap
between the knob machine and this page is the share of the page itself.

Run by hand: ``.venv/bin/streamlit run bench/heatmap_alone.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st

from calculus.export import derivative_texts, output_names, plain_symbol
from ui import cached_function, jacobian_heatmap, knob_sliders, live_chart, setup_page

#: The app's default function: the chapter's R³ → R³ exercise.
EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"
PAGE = "alone"


@st.fragment
def heatmap_alone() -> None:
    f = cached_function(EXERCISE)
    point = knob_sliders(PAGE, f.variables, controls=False)
    figure = jacobian_heatmap(
        f.jacobian_at(point),
        [plain_symbol(y) for y in output_names(f)],
        [plain_symbol(x) for x in f.variables],
        derivative_texts(f),
    )
    live_chart(figure, key=f"{PAGE}_heatmap")


setup_page("The heatmap alone")
heatmap_alone()
