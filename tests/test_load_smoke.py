"""A short classroom on a live server: 10 learners drag knobs for 10 s (bench/load.py).

What a learner would notice: every move is answered, every heatmap shows the exact Jacobian at
the knobs' setting, and nobody sees an exception or loses the connection. Timings are printed,
not asserted (they belong to ``bench/load.py`` and depend on what else runs on the machine).
"""

from __future__ import annotations

import asyncio

import pytest

from bench.load import run_load
from tests.browser.harness import start_streamlit

pytestmark = pytest.mark.live


def test_ten_learners_moving_knobs_all_get_correct_answers() -> None:
    with start_streamlit("app.py") as (url, _process):
        result = asyncio.run(run_load(url, sessions=10, rate=2.0, seconds=10.0))
    print(
        f"\n10 sessions x 2 moves/s for 10 s: p50 {result.p(0.5):.0f} ms, "
        f"p95 {result.p(0.95):.0f} ms, CPU {result.cpu_ms_per_move:.1f} ms/move, "
        f"{result.bytes_per_move / 1024:.1f} KB/move"
    )
    assert result.errors == [], result.errors[:5]
    made = len(result.moves)
    assert made >= 10 * 10, "every learner moved its knob about twice a second"
    assert result.answered == made, f"{made - result.answered} moves unanswered"
    assert result.checked >= result.sessions, "heatmaps were checked against the exact Jacobian"
