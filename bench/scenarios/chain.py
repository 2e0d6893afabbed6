"""The chain rule as paths (``pages/3_Chain_rule.py``): move knob x₁ of the R³ → R³ exercise.

The page opens on the chapter's exercise as steps (u = x1² x2², v = √(x2 x3), y = (u², u v,
v²)) with ∂y2/∂x2 selected. Every ArrowRight moves x₁ by 0.01: the values on the graph's nodes
and edges, the two path products, their sum and the Jacobian heatmap at the bottom of the page
all change. The timed trace is the graph's node values (the trace named 'node values', watched
through its ``text``): the graph is the chart the knob's rerun draws first, as on the other
pages, so a latency covers the knobs' run up to the graph; the paths, sums and heatmap follow
in the same run, after the paint pause (``ui/live.py``).
"""

from __future__ import annotations

from bench.scenarios import knob_presses

NAME = "chain rule"
SCRIPT = "asgi.py"  # what scripts/start.sh serves: app.py and its moves route
URL_PATH = "/Chain_rule"
FLOOR_P50_MS = 150.0
FLOOR_P95_MS = 300.0
TRACE = "node values"

measure = knob_presses(URL_PATH, "x₁", trace=TRACE, watch=("text",))
