"""One learner's heavy symbolic work cannot crowd out the others (calculus/worker.py).

Each session has one job in flight, the newest; a global cap bounds the jobs running at once (a
job that cannot start in time is told the server is busy); an input that overran is refused again
at once with the same message. Slow jobs here are ``time.sleep`` in a worker: the tests assert
what happened (which job ran, which ended, what was scheduled), not how fast.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path

import pytest
import sympy as sp

from calculus import (
    ExpressionError,
    codegen,
    limits,
    parse_function,
    run_symbolic,
    start_workers,
    worker,
)
from calculus.errors import ServerBusy, Superseded
from calculus.rate import Slice
from tests.conftest import open_page
from tests.test_worker import PATHOLOGICAL

#: How long a test waits for something that should happen at once (a generous bound, not a floor).
PATIENCE_S = 20.0
#: A job that would keep a worker busy far longer than any test: only cancelling it ends it early.
FOREVER_S = 600

_who = threading.local()


def _as(session: str | None) -> None:
    _who.session = session


@pytest.fixture(autouse=True)
def isolation() -> Iterator[None]:
    """Fresh counts and refusals; sessions named per thread by ``_as``; hooks restored after."""
    start_workers()
    hooks = (worker._session_of, worker._on_superseded)
    worker.set_session_hooks(lambda: getattr(_who, "session", None))
    worker.reset_isolation()
    _as(None)
    yield
    worker.set_session_hooks(*hooks)
    worker.reset_isolation()


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def _in_background(session: Hashable, job: Callable[..., object], *args: object, **kw: object):
    """Run ``run_symbolic`` as ``session`` in a thread; its outcome lands in the returned dict."""
    outcome: dict[str, object] = {}

    def call() -> None:
        _as(session)
        try:
            outcome["result"] = run_symbolic(job, *args, **kw)
        except (Superseded, ExpressionError) as exc:
            outcome["raised"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def _ended(outcome: dict[str, object]) -> dict[str, object]:
    thread = outcome["thread"]
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=PATIENCE_S)
    assert not thread.is_alive(), "the call never returned"
    return outcome


def test_the_newest_job_of_a_session_wins_and_the_older_one_is_cancelled() -> None:
    old = _in_background("learner", time.sleep, FOREVER_S, timeout=FOREVER_S + 1)
    _wait_until(lambda: worker.job_stats().scheduled == 1, "the old job to start")

    _as("learner")  # the same learner types new text
    assert run_symbolic(len, "new text") == len("new text")

    assert isinstance(_ended(old).get("raised"), Superseded), old
    stats = worker.job_stats()
    assert stats.superseded == 1
    assert stats.refused_remembered == 0, "a replaced job is not a refusal"
    # The cancelled job's worker was killed and replaced: every worker still serves.
    for k in range(limits.WORKER_PROCESSES + 1):
        assert run_symbolic(len, "x" * k) == k


def test_another_session_is_not_cancelled() -> None:
    other = _in_background("other learner", time.sleep, 0.5, timeout=30)
    _wait_until(lambda: worker.job_stats().scheduled == 1, "the other job to start")
    _as("learner")
    assert run_symbolic(len, "abc") == 3
    assert "raised" not in _ended(other), other
    assert worker.job_stats().superseded == 0


def test_the_same_job_again_in_a_session_waits_for_the_one_in_flight() -> None:
    first = _in_background("learner", time.sleep, 1.0, timeout=30)
    _wait_until(lambda: worker.job_stats().scheduled == 1, "the first job to start")
    second = _in_background("learner", time.sleep, 1.0, timeout=30)
    assert "raised" not in _ended(first) and "raised" not in _ended(second)
    stats = worker.job_stats()
    assert (stats.scheduled, stats.superseded) == (1, 0)


def test_a_job_that_cannot_get_a_slot_is_told_the_server_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker.reset_isolation(max_jobs=1)
    monkeypatch.setattr(limits, "BUSY_WAIT_S", 0.3)
    heavy = _in_background("heavy learner", time.sleep, FOREVER_S, timeout=FOREVER_S + 1)
    _wait_until(lambda: worker.job_stats().scheduled == 1, "the heavy job to start")

    _as("learner")
    with pytest.raises(ServerBusy, match=r"server is busy.*try again"):
        run_symbolic(len, "abc")
    stats = worker.job_stats()
    assert (stats.scheduled, stats.busy) == (1, 1), "the busy job never reached a worker"

    # A job waiting for the slot that its own session replaces ends without running.
    monkeypatch.setattr(limits, "BUSY_WAIT_S", PATIENCE_S)
    waiting = _in_background("learner", len, "old text")
    _wait_until(lambda: "learner" in worker._flights, "the job to wait for the slot")
    newest = _in_background("learner", len, "newest text")
    assert isinstance(_ended(waiting).get("raised"), Superseded)
    assert worker.job_stats().scheduled == 1

    # The heavy learner moves on: its job is cancelled, the slot frees, the newest job runs.
    _as("heavy learner")
    assert run_symbolic(len, "light") == 5
    assert isinstance(_ended(heavy).get("raised"), Superseded)
    assert _ended(newest).get("result") == len("newest text")


def test_a_busy_refusal_is_not_kept_where_refusals_are(monkeypatch: pytest.MonkeyPatch) -> None:
    f = parse_function("x^3 + 7x")  # f'' needs f' built in a worker, which keeps refusals
    worker.reset_isolation(max_jobs=1)
    monkeypatch.setattr(limits, "BUSY_WAIT_S", 0.3)
    heavy = _in_background("heavy learner", time.sleep, FOREVER_S, timeout=FOREVER_S + 1)
    _wait_until(lambda: worker.job_stats().scheduled == 1, "the heavy job to start")
    _as("learner")
    with pytest.raises(ServerBusy):
        Slice.along(f, "x")

    _as("heavy learner")
    assert run_symbolic(len, "light") == 5  # frees the slot
    assert isinstance(_ended(heavy).get("raised"), Superseded)
    _as("learner")
    assert Slice.along(f, "x", (2.0,)).curvature(2.0) == pytest.approx(12.0)


def test_a_refused_job_is_refused_again_without_a_worker() -> None:
    with pytest.raises(ExpressionError) as first:
        run_symbolic(time.sleep, 5, what="solve", timeout=0.3)
    assert worker.job_stats().scheduled == 1
    with pytest.raises(ExpressionError) as second:
        run_symbolic(time.sleep, 5, what="solve", timeout=0.3)
    assert str(second.value) == str(first.value)
    assert str(first.value) == "this function is too large to solve in 0.3 s — try a smaller one"
    stats = worker.job_stats()
    assert (stats.scheduled, stats.refused_from_cache) == (1, 1)


def test_the_refused_cache_is_bounded_and_forgets_the_oldest() -> None:
    worker.reset_isolation(refused_size=2)
    for timeout in (0.2, 0.21, 0.22):
        with pytest.raises(ExpressionError):
            run_symbolic(time.sleep, 5, what="solve", timeout=timeout)
    assert worker.job_stats().refused_remembered == 2
    with pytest.raises(ExpressionError):  # the newest two are remembered...
        run_symbolic(time.sleep, 5, what="solve", timeout=0.22)
    assert worker.job_stats().scheduled == 3
    with pytest.raises(ExpressionError):  # ...the oldest was forgotten and runs again
        run_symbolic(time.sleep, 5, what="solve", timeout=0.2)
    assert worker.job_stats().scheduled == 4


def test_a_heavy_function_typed_twice_is_refused_the_second_time_without_work() -> None:
    at = open_page("app.py")
    box = at.text_area(key="knob_text")
    box.set_value(PATHOLOGICAL).run()
    first = [e.value for e in at.error]
    assert any("too large to differentiate" in message for message in first), first

    at.text_area(key="knob_text").set_value("x^2 y").run()
    assert not at.error
    scheduled = worker.job_stats().scheduled
    at.text_area(key="knob_text").set_value(PATHOLOGICAL).run()
    assert [e.value for e in at.error] == first, "the same message the second time"
    stats = worker.job_stats()
    assert stats.refused_from_cache >= 1
    assert stats.scheduled == scheduled, "the second refusal ran no symbolic job"
    # and the last good function is still on show
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Still showing the last function that worked") for c in captions)
    assert any("2 knobs: x, y" in c for c in captions), captions


#: A fresh server process whose first learners all compile at once (a class arriving): sympy's
#: lambdify fills its numpy namespace on first use without a lock.
FRESH_SERVER_SCRIPT = """
import sys
import threading

from calculus import codegen

source = sys.stdin.read()
start = threading.Barrier(16)
failures = []


def learner():
    start.wait()
    try:
        codegen.compile_source(source)(2.0)
    except Exception as exc:
        failures.append(repr(exc))


learners = [threading.Thread(target=learner) for _ in range(16)]
for thread in learners:
    thread.start()
for thread in learners:
    thread.join()
print(failures)
"""


def test_learners_arriving_at_a_fresh_server_at_once_all_get_their_function() -> None:
    x = sp.Symbol("x", real=True)
    source = codegen.numpy_source([sp.sqrt(x) + sp.sin(x)], [x])  # made in a worker, normally
    result = subprocess.run(
        [sys.executable, "-c", FRESH_SERVER_SCRIPT],
        input=source,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", f"failed compiles: {result.stdout[:500]}"
