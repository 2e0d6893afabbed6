"""How fast the engine is, against floors and against the naive approach of tutorial apps.

Run: ``.venv/bin/python bench/engine.py``. For four functions (2 -> 1, the chapter's 3 -> 3
exercise, a 10 -> 10 function using all ten knobs, and sin/exp nested ten levels deep) it measures,
in one process and after that process's first call (which imports code generation in the workers):

- parse + differentiate + compile: ``parse_function`` with the engine's cache cleared each time;
- ``jacobian_at`` at one point;
- ``jacobian_at`` on a 20 x 20 grid, against the naive loop many tutorial apps use
  (``f.jacobian().subs(point).evalf()`` at every point), timed on a subset of the grid and scaled;
- ``jacobian_at`` on a 100 x 100 grid;
- and, for the exercise, parse + differentiate + compile when the worker pool had stopped for
  being idle (``POOL_IDLE_S``): the first function typed after a while starts a new pool.

Each figure is the median of several repeats; a PASS/FAIL column compares it with its floor for
this 2-core machine. The exit code is 0 either way: this is a report, not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

import calculus
from calculus import VectorFunction, limits, parse_function, worker
from calculus.vector_function import _parse_function_cached

#: Floors: parse + differentiate + compile, one point, the 20 x 20 speed-up, 100 x 100 grids.
PARSE_FLOOR_S = 0.150
POINT_FLOOR_S = 50e-6
GRID_SPEEDUP_FLOOR = 1000.0
GRID100_FLOORS_S = {"3 -> 3 exercise": 5e-3, "10 -> 10": 20e-3}

#: Repeats behind each median, and how many grid points the naive loop is timed on.
PARSE_REPEATS = 9
POINT_CALLS = 2000
GRID_REPEATS = 15
NAIVE_POINTS = 12


def _ten_by_ten() -> str:
    return ", ".join(f"x{i} x{i % 10 + 1} + sin(x{i})" for i in range(1, 11))


def _nested(levels: int) -> str:
    text = "x y"
    for level in range(levels):
        text = f"{'sin' if level % 2 == 0 else 'exp'}({text})"
    return text


FUNCTIONS = {
    "2 -> 1": "x^2 y + sin(x y)",
    "3 -> 3 exercise": "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2",
    "10 -> 10": _ten_by_ten(),
    "nested 10 levels": _nested(10),
}


@dataclass
class Row:
    """One figure; ``floor`` is an upper bound for times, a lower bound for the speed-up."""

    function: str
    figure: str
    value: float
    floor: float | None = None
    note: str = ""
    cpu: float | None = None  # this process's CPU time, where the work is all in this process

    @property
    def is_speedup(self) -> bool:
        return self.figure.startswith("speed-up")

    @property
    def passed(self) -> bool | None:
        if self.floor is None:
            return None
        return self.value >= self.floor if self.is_speedup else self.value < self.floor

    @property
    def ratio(self) -> float | None:
        """How many times inside the floor (above 1 passes)."""
        if self.floor is None:
            return None
        return self.value / self.floor if self.is_speedup else self.floor / self.value


def median_seconds(
    call: Callable[[], object], repeats: int, number: int = 1
) -> tuple[float, float]:
    """Medians over ``repeats`` of the wall-clock and CPU time of one call (mean of ``number``).

    The CPU time is this process's only: it shows the cost of in-process work even when other
    programs load the machine, but misses the time spent in the symbolic worker processes.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(number):
            call()
        wall.append((time.perf_counter() - start) / number)
        cpu.append((time.process_time() - start_cpu) / number)
    return statistics.median(wall), statistics.median(cpu)


def grid(f: VectorFunction, size: int) -> list[np.ndarray]:
    """m arrays of shape (size, size): knobs in [0.5, 1.5], where every function is defined."""
    rng = np.random.default_rng(size)
    return [rng.uniform(0.5, 1.5, (size, size)) for _ in range(f.n_inputs)]


def naive_jacobian_at(f: VectorFunction, point: list[float]) -> list[list[float]]:
    """What tutorial apps do at every point: substitute the numbers, evaluate with sympy."""
    values = f.jacobian().subs(dict(zip(f.symbols, point, strict=True))).evalf()
    return [[float(values[i, j]) for j in range(f.n_inputs)] for i in range(f.n_outputs)]


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def measure(name: str, text: str) -> list[Row]:
    rows = []

    def parse_uncached() -> VectorFunction:
        _parse_function_cached.cache_clear()
        return parse_function(text)

    f = parse_uncached()
    parse, _ = median_seconds(parse_uncached, PARSE_REPEATS)  # mostly in the worker: no CPU
    rows.append(Row(name, "parse + differentiate + compile", parse, PARSE_FLOOR_S))

    point = [0.7 + 0.05 * j for j in range(f.n_inputs)]
    one, one_cpu = median_seconds(lambda: f.jacobian_at(point), GRID_REPEATS, POINT_CALLS)
    rows.append(Row(name, "jacobian_at, one point", one, POINT_FLOOR_S, cpu=one_cpu))

    knobs20 = grid(f, 20)
    grid20, grid20_cpu = median_seconds(lambda: f.jacobian_at(knobs20), GRID_REPEATS, 5)
    subset = [[float(k.flat[index]) for k in knobs20] for index in range(NAIVE_POINTS)]
    naive_times = []
    for p in subset:
        start = time.perf_counter()
        naive = naive_jacobian_at(f, p)
        naive_times.append(time.perf_counter() - start)
        assert np.allclose(naive, f.jacobian_at(p), rtol=1e-9), f"{name}: naive differs at {p}"
    naive_grid = statistics.median(naive_times) * 400
    rows.append(Row(name, "jacobian_at, 20 x 20 grid", grid20, cpu=grid20_cpu))
    scaled = f"median of {NAIVE_POINTS} points x 400"
    rows.append(Row(name, "naive subs().evalf() loop, 20 x 20", naive_grid, note=scaled))
    speedup = naive_grid / grid20
    rows.append(Row(name, "speed-up on 20 x 20 (naive / engine)", speedup, GRID_SPEEDUP_FLOOR))

    knobs100 = grid(f, 100)
    grid100, grid100_cpu = median_seconds(lambda: f.jacobian_at(knobs100), GRID_REPEATS)
    floor = GRID100_FLOORS_S.get(name)
    rows.append(Row(name, "jacobian_at, 100 x 100 grid", grid100, floor, cpu=grid100_cpu))
    return rows


def measure_after_idle(name: str, text: str, repeats: int = 5) -> Row:
    """Parse + differentiate + compile when the idle pool has stopped (``POOL_IDLE_S``): the
    first function a learner types after a while starts a new pool from the fork server."""
    idle_s, limits.POOL_IDLE_S = limits.POOL_IDLE_S, 0.2
    times = []
    try:
        for _ in range(repeats):
            calculus.start_workers()  # a job ends: the idle clock starts
            while worker.pool_running():
                time.sleep(0.05)
            _parse_function_cached.cache_clear()
            start = time.perf_counter()
            parse_function(text)
            times.append(time.perf_counter() - start)
    finally:
        limits.POOL_IDLE_S = idle_s
    figure = "parse ... after the idle pool stopped"
    return Row(name, figure, statistics.median(times), PARSE_FLOOR_S)


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'function':<17} {'figure':<37} {'median':>10} {'(cpu)':>10} {'floor':>10} "
        f"{'ratio':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.is_speedup:
            value, floor = f"{row.value:,.0f}x", f">= {row.floor:,.0f}x"
        else:
            value, floor = fmt(row.value), f"< {fmt(row.floor)}" if row.floor else ""
        cpu = f"({fmt(row.cpu)})" if row.cpu is not None else ""
        ratio = f"{row.ratio:.1f}" if row.ratio is not None else ""
        verdict = {True: "PASS", False: "FAIL", None: ""}[row.passed]
        line = (
            f"{row.function:<17} {row.figure:<37} {value:>10} {cpu:>10} {floor:>10} "
            f"{ratio:>6}  {verdict}"
        )
        print(line.rstrip() + (f"   ({row.note})" if row.note else ""))
    print("median: wall clock, judged against the floor; (cpu): this process's CPU time per call.")
    print("ratio: how many times inside the floor (floor / median, or speed-up / floor).")


def main() -> int:
    start = time.perf_counter()
    calculus.start_workers()
    for _ in range(6):  # the first jobs of each worker import code generation: not measured
        _parse_function_cached.cache_clear()
        parse_function("x^2 y + sin(x y) + relu(x)")
    warm = time.perf_counter() - start
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Knobs engine benchmark: numpy {np.__version__}, {os.cpu_count()} CPUs, load {load}")
    print(f"(workers started and warmed in {warm:.1f} s; a loaded machine slows every figure)")
    for name, text in FUNCTIONS.items():
        print(f"  {name:<18} {text if len(text) < 70 else text[:67] + '...'}")
    print()
    rows = [row for name, text in FUNCTIONS.items() for row in measure(name, text)]
    rows.append(measure_after_idle("3 -> 3 exercise", FUNCTIONS["3 -> 3 exercise"]))
    print_table(rows)
    verdicts = [row.passed for row in rows if row.passed is not None]
    failed = [f"{row.function}: {row.figure}" for row in rows if row.passed is False]
    print()
    summary = f"SUMMARY: {verdicts.count(True)}/{len(verdicts)} floors passed"
    print(summary + (f"; FAILED: {'; '.join(failed)}" if failed else ""))
    return 0


if __name__ == "__main__":  # the worker pool's fork server re-imports this file: guard it
    sys.exit(main())
