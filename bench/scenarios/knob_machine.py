"""The knob machine (``app.py``): move knob x₁ of the default function, time the heatmap.

The function is the app's default, the chapter's R³ → R³ exercise
``(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2``; every ArrowRight moves x₁ by 0.01,
which changes the first column of the Jacobian. The naive baseline serves the same knobs and
heatmap from ``bench/naive_knob_machine.py`` with Streamlit's default settings; the reference
``bench/heatmap_alone.py`` serves the sliders and the live heatmap and nothing else.
"""

from __future__ import annotations

from bench.scenarios import knob_presses

NAME = "knob machine"
SCRIPT = "asgi.py"  # what scripts/start.sh serves: app.py and its moves route
URL_PATH = "/"
FLOOR_P50_MS = 80.0
FLOOR_P95_MS = 150.0

#: The same page written naively, measured in the same run with the same ``measure``.
BASELINE_SCRIPT = "bench/naive_knob_machine.py"
#: Streamlit's default (the repo's .streamlit/config.toml turns it off, and it is read from the
#: working directory, which is the repo root for both servers).
BASELINE_ARGS = ("--runner.postScriptGC", "true")
#: The optimised page must be at least this many times faster than the baseline (p50).
MIN_SPEEDUP = 2.0
#: Measured in the same run for reference, no floor: the sliders and heatmap alone, what any
#: Streamlit page costs here to move a slider and redraw this heatmap.
REFERENCE_SCRIPT = "bench/heatmap_alone.py"

measure = knob_presses(URL_PATH, "x₁")
