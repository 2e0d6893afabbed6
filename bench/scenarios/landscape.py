"""Partial derivatives and the gradient (``pages/2_Gradient_landscape.py``): move knob x₁ of the
default ``x1 x2^2`` with the contour map shown, time the gradient arrow.

The page opens on the contour map (its default view) and the Slices section. Every ArrowRight
moves x₁ by 0.01, which moves the point and changes the gradient [x2², 2 x1 x2]: the arrow (the
trace named 'gradient' of the light overlay figure, watched through its ``x`` and ``y``) is
redrawn, while the heavy contour map under it (the same layered chart's base) is neither sent
again nor redrawn. The
arrow is the first figure the knob's fragment draws, so a latency covers the fragment up to the
map, not the read-out and the section below it (they follow in the same rerun).
"""

from __future__ import annotations

from bench.scenarios import knob_presses

NAME = "gradient landscape"
SCRIPT = "asgi.py"  # what scripts/start.sh serves: app.py and its moves route
URL_PATH = "/Gradient_landscape"
FLOOR_P50_MS = 150.0

measure = knob_presses(URL_PATH, "x₁", trace="gradient", watch=("x", "y"))
