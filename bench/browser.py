"""Browser benchmark: how long from a knob's key press to the plot showing the new values.

    .venv/bin/python bench/browser.py                  # every scenario, 30 timed presses each
    .venv/bin/python bench/browser.py --presses 60 --only knob_machine

For every scenario module in ``bench/scenarios/`` (the knob machine first) this serves the
scenario's script with ``streamlit run`` on 127.0.0.1, opens it in headless Chromium (1280x800)
and lets the scenario press a slider's arrow key repeatedly (once the machine is quiet, after
2 untimed warm-up presses, waiting for the app to be idle after each press). Each latency is
measured in the page (see ``bench/scenarios/__init__.py``): from the keydown to the animation
frame after the plot trace's values changed, never from a sleep. A scenario with a
``BASELINE_SCRIPT`` (the knob machine: ``bench/naive_knob_machine.py``) is measured against it
in the same run, and one with a ``REFERENCE_SCRIPT`` (``bench/heatmap_alone.py``: the sliders
and heatmap and nothing else) is measured beside it, for what the page itself adds to the
framework's own cost.

Prints a table (scenario, p50, p95, floor, PASS/FAIL, the baseline/optimised ratio) and where
the time goes: medians of key -> message sent -> the page handles the plot's new spec -> plot
redrawn -> painted, and the CPU time of a press (server process; page's main thread), which
stays meaningful when other programs load the machine. Exits 1 if any floor is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright

import bench.scenarios as scenarios
from bench.scenarios import PRESSES, Press, discover, percentile
from tests.browser.harness import launch_chromium, start_streamlit

VIEWPORT = {"width": 1280, "height": 800}
#: Below this share of its cores' time in use, the machine counts as quiet (see below).
QUIET_SHARE = 0.15
WHERE_THE_TIME_GOES = """\
Where the time goes (medians, ms): key->sent; sent->the page handles the plot's new spec
(server, plus the page busy with earlier messages); handled->plot redrawn; redrawn->painted;
total = p50. CPU ms per press (means), from the key to idle: the server process, the page's
main thread (CPU time hardly depends on other load on the machine; latency does)."""


@dataclass
class Result:
    """The timed presses of one scenario run (optimised page or baseline)."""

    label: str
    latencies: list[float]
    presses: list[Press] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)


def run(browser: object, scenario: ModuleType, script: str, args: tuple[str, ...], presses: int,
        label: str) -> Result:  # fmt: skip
    """Serve ``script``, measure the scenario on a fresh page, stop the server."""
    started = time.monotonic()
    with start_streamlit(script, args) as (url, process):
        context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
        try:
            page = context.new_page()
            scenarios.work_counters = _cpu_counters(context, page, process.pid)
            scenarios.settle = wait_for_a_quiet_machine
            record: list[Press] = []
            latencies = _measure(scenario, page, url, presses, record)
        finally:
            scenarios.work_counters = None
            scenarios.settle = None
            context.close()
    print(f"  {label}: {len(latencies)} presses in {time.monotonic() - started:.0f} s", flush=True)
    return Result(label, latencies, record)


def _machine_busy_share(seconds: float) -> float:
    """The share of all cores' time spent working over the next ``seconds`` (/proc/stat)."""

    def read() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle + iowait
        return sum(ticks) - idle, sum(ticks)

    busy_before, total_before = read()
    time.sleep(seconds)
    busy, total = read()
    return (busy - busy_before) / max(total - total_before, 1)


def wait_for_a_quiet_machine(share: float = QUIET_SHARE, timeout_s: float = 20.0) -> None:
    """Wait (at most ``timeout_s``) until the machine's cores are busy less than ``share``.

    A server that has just served its first page still starts its worker processes (each
    imports sympy) for a few seconds: timing presses then would time that start-up too, for
    the optimised page and the baseline alike, by chance.
    """
    deadline = time.monotonic() + timeout_s
    while _machine_busy_share(0.3) > share and time.monotonic() < deadline:
        pass


def _cpu_counters(context: Any, page: Any, server_pid: int) -> Callable[[], dict[str, float]]:
    """CPU ms so far of the server process (all threads) and of the page's main thread.

    CPU time, unlike latency, hardly changes when other programs share the machine: it says how
    much work a press costs each side, which is what the latency is made of on an idle machine.
    """
    session = context.new_cdp_session(page)
    session.send("Performance.enable")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> dict[str, float]:
        with open(f"/proc/{server_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) * 1000 / ticks  # utime + stime
        metrics = session.send("Performance.getMetrics")["metrics"]
        # ThreadTime is the main thread's CPU time; TaskDuration would count waiting for a core.
        browser = next(m["value"] for m in metrics if m["name"] == "ThreadTime") * 1000
        return {"server": server, "browser": browser}

    return read


def _measure(
    scenario: ModuleType, page: object, url: str, presses: int, record: list[Press]
) -> list[float]:
    """Call the scenario's ``measure``; put its timed presses (no warm-up) in ``record``."""
    PRESSES.clear()
    latencies = scenario.measure(page, url, presses)
    record.extend(PRESSES[len(PRESSES) - len(latencies) :])
    return latencies


def _module_name(scenario: ModuleType) -> str:
    return scenario.__name__.rsplit(".", 1)[-1]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def breakdown(result: Result) -> list[str]:
    """Medians of the phases of a press, in ms."""
    presses = result.presses

    def phase(start: str, end: str) -> float | None:
        spans = [
            getattr(p, end) - getattr(p, start)
            for p in presses
            if getattr(p, start) is not None and getattr(p, end) is not None
        ]
        return _median_or_none(spans)

    def work(side: str) -> float | None:
        # The mean: /proc counts the server's CPU in 10 ms ticks, and a press answered by the
        # moves route costs about 3 ms (a median of ticks would read 0).
        spent = [p.work[side] for p in presses if p.work and side in p.work]
        return statistics.fmean(spent) if spent else None

    return [
        result.label,
        _ms(phase("pressed", "sent")),
        _ms(phase("sent", "arrived")),
        _ms(phase("arrived", "changed")),
        _ms(phase("changed", "painted")),
        _ms(result.p50),
        _ms(work("server")),
        _ms(work("browser")),
    ]


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30, help="timed presses per page (30)")
    parser.add_argument("--only", help="run one scenario: its module name or NAME")
    options = parser.parse_args(argv)
    if options.presses < 1:
        parser.error("--presses must be at least 1")

    scenarios = discover()
    if options.only:
        scenarios = [s for s in scenarios if options.only in (_module_name(s), s.NAME)]
        if not scenarios:
            parser.error(f"no scenario named {options.only!r}")

    rows: list[list[str]] = []
    phases: list[list[str]] = []
    failed = False
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for scenario in scenarios:
                summary = " ".join((scenario.__doc__ or "").strip().split("\n\n")[0].split())
                print(f"{scenario.NAME} ({scenario.SCRIPT}): {summary}", flush=True)
                result = run(browser, scenario, scenario.SCRIPT, (), options.presses,
                             scenario.NAME)  # fmt: skip
                floor_p95 = getattr(scenario, "FLOOR_P95_MS", None)
                ok = result.p50 <= scenario.FLOOR_P50_MS and (
                    floor_p95 is None or result.p95 <= floor_p95
                )
                floor = f"p50 ≤ {scenario.FLOOR_P50_MS:g}" + (
                    f", p95 ≤ {floor_p95:g}" if floor_p95 is not None else ""
                )
                rows.append([scenario.NAME, _ms(result.p50), _ms(result.p95), floor,
                             "PASS" if ok else "FAIL"])  # fmt: skip
                phases.append(breakdown(result))
                failed |= not ok
                reference_script = getattr(scenario, "REFERENCE_SCRIPT", None)
                if reference_script is not None:
                    label = f"{scenario.NAME} (reference: heatmap alone)"
                    reference = run(browser, scenario, reference_script, (), options.presses,
                                    label)  # fmt: skip
                    rows.append([label, _ms(reference.p50), _ms(reference.p95), "-", "-"])
                    phases.append(breakdown(reference))
                baseline_script = getattr(scenario, "BASELINE_SCRIPT", None)
                if baseline_script is None:
                    continue
                label = f"{scenario.NAME} (naive)"
                baseline = run(browser, scenario, baseline_script,
                               tuple(getattr(scenario, "BASELINE_ARGS", ())), options.presses,
                               label)  # fmt: skip
                rows.append([label, _ms(baseline.p50), _ms(baseline.p95), "-", "-"])
                phases.append(breakdown(baseline))
                speedup = baseline.p50 / result.p50
                wanted = getattr(scenario, "MIN_SPEEDUP", 2.0)
                fast_enough = speedup >= wanted
                rows.append([f"{scenario.NAME}: naive/optimised", f"{speedup:.1f}x",
                             f"{baseline.p95 / result.p95:.1f}x", f"≥ {wanted:g}x at p50",
                             "PASS" if fast_enough else "FAIL"])  # fmt: skip
                failed |= not fast_enough
        finally:
            browser.close()

    print()
    print(f"Key press -> heatmap showing the new values, {options.presses} presses, ms:")
    print(table(rows, ["scenario", "p50", "p95", "floor", "result"]))
    print()
    print(WHERE_THE_TIME_GOES)
    header = ["page", "key→sent", "→spec", "→redrawn", "→painted", "total", "CPU srv", "CPU page"]
    print(table(phases, header))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
