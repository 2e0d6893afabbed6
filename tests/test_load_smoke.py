"""A short classroom on a live server: 10 learners drag knobs for 10 s (bench/load.py).

What a learner would notice: every move is answered, every heatmap shows the exact Jacobian at
the knobs' setting, and nobody sees an exception or loses the connection. Timings are printed,
not asserted (they belong to ``bench/load.py`` and depend on what else runs on the machine).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from bench.load import cpu_seconds, run_load, server_pids
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


#: A parent that, after a moment, starts a child burning about half a second of CPU, waits for it
#: and lingers: as a server whose idle worker pool stops (or whose overrun worker is replaced).
_PARENT = """
import subprocess, sys, time
time.sleep(0.5)
subprocess.run([sys.executable, "-c", "x = 0\\nfor i in range(10**7): x += i"], check=True)
time.sleep(30)
"""


def test_the_cpu_of_a_worker_that_ends_during_a_run_is_counted() -> None:
    """The benchmark's CPU per move includes workers that end mid-run (else it reads low)."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT])
    try:
        before = cpu_seconds(server_pids(0, [parent.pid]))
        deadline = time.monotonic() + 30
        while len(server_pids(0, [parent.pid])) < 2:  # the child has started
            assert time.monotonic() < deadline
            time.sleep(0.01)
        while len(server_pids(0, [parent.pid])) > 1:  # ... and ended, waited for by its parent
            assert time.monotonic() < deadline
            time.sleep(0.01)
        spent = cpu_seconds(server_pids(0, [parent.pid])) - before
        assert spent >= 0.2, f"only {spent:.2f} s of the child's CPU counted"
    finally:
        parent.kill()
        parent.wait()
