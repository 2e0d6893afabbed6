"""A short classroom on a live server: 10 learners drag knobs for 10 s (bench/load.py).

What a learner would notice: every move is answered, every heatmap shows the exact Jacobian at
the knobs' setting, and nobody sees an exception or loses the connection: over the moves route
with its commits to Streamlit (``asgi.py``), and with every move a script run (``--no-route``,
and ``app.py``, which offers no route). Timings are printed, not asserted (they belong to
``bench/load.py`` and depend on what else runs on the machine).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bench.load import Result, cpu_seconds, run_load, server_pids
from tests.browser.harness import start_streamlit

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The app as deployed: ``asgi.py``, with the moves route."""
    with start_streamlit("asgi.py") as (url, _process):
        yield url


def _print(what: str, result: Result) -> None:
    print(
        f"\n{what}, via {result.via}: p50 {result.p(0.5):.0f} ms, "
        f"p95 {result.p(0.95):.0f} ms, CPU {result.cpu_ms_per_move:.1f} ms/move, "
        f"{result.bytes_per_move / 1024:.1f} KB/move, {result.route_replies} route replies, "
        f"{result.commits_shown}/{result.commits_sent} commits shown"
    )


def _all_answered_correctly(result: Result, least: int) -> None:
    assert result.errors == [], result.errors[:5]
    made = len(result.moves)
    assert made >= least, f"only {made} moves made"
    assert result.answered == made, f"{made - result.answered} moves unanswered"
    assert result.checked >= result.sessions, "heatmaps were checked against the exact Jacobian"


def test_ten_learners_moving_knobs_all_get_correct_answers(served: str) -> None:
    result = asyncio.run(run_load(served, sessions=10, rate=5.0, seconds=10.0))
    _print("10 sessions dragging 10 moves at 5/s for 10 s", result)
    # About 4.4 moves a second each (drags of 2 s, rests of 0.45 s).
    _all_answered_correctly(result, least=10 * 35)
    assert result.via == "route"
    assert result.route_replies == result.sent, "every move sent went over the route, answered"
    assert result.checked >= result.route_replies, "every reply checked against the Jacobian"
    assert result.commits_sent >= 10 * 3, "each rest committed the knob's value to Streamlit"
    assert result.commits_shown == result.commits_sent, "each commit's run drew its setting"


def test_without_the_route_every_move_is_a_script_run(served: str) -> None:
    result = asyncio.run(run_load(served, sessions=5, rate=5.0, seconds=5.0, no_route=True))
    _print("--no-route: 5 sessions at 5/s for 5 s", result)
    _all_answered_correctly(result, least=5 * 15)
    assert result.via == "runs" and result.route_replies == 0 and result.commits == []


def test_a_page_served_without_the_route_gets_every_move_as_a_script_run() -> None:
    with start_streamlit("app.py") as (url, _process):
        result = asyncio.run(run_load(url, sessions=3, rate=5.0, seconds=4.0))
    _print("app.py: 3 sessions at 5/s for 4 s", result)
    _all_answered_correctly(result, least=3 * 12)
    assert result.via == "runs" and result.route_replies == 0 and result.commits == []


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
