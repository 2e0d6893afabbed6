"""Rate of change (``pages/1_Rate_of_change.py``): move the knob x of the default loss
``x^2 + 4x - 2``, time the tangent.

The page opens on the chapter's loss with x = 1. Every ArrowRight moves x by 0.01, which moves
the point and turns the tangent (slope f'(x) = 2x + 4): the trace named 'tangent' (there is only
one), watched through its ``x`` and ``y``. The tangent's figure is the first the knob's fragment
draws, so a latency covers the fragment up to it, not the secant-error, critical-point and
descent sections below it (they follow in the same rerun).
"""

from __future__ import annotations

from bench.scenarios import knob_presses

NAME = "rate of change"
SCRIPT = "asgi.py"  # what scripts/start.sh serves: app.py and its moves route
URL_PATH = "/Rate_of_change"
FLOOR_P50_MS = 100.0

measure = knob_presses(URL_PATH, "x", trace="tangent", watch=("x", "y"))
