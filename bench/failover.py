"""Failover benchmark: kill one replica of ``scripts/serve.sh --replicas 2`` during a classroom.

    .venv/bin/python bench/failover.py       # 20 learners x 5 moves/s for 20 s, r1 killed at 7 s
    .venv/bin/python bench/failover.py --sessions 20 --kill-after 7 --kill r2 --reconnect

It starts ``scripts/serve.sh --replicas 2`` itself (nginx in front, on a free loopback port),
opens the learners of ``bench/load.py`` through nginx (each with its own cookie jar, so each is
pinned to one replica by the ``knobs_replica`` cookie), lets them drag their knobs, and at
``--kill-after`` seconds kills one replica with SIGKILL (its process, by the pid serve.sh wrote;
serve.sh's supervisor then ends its workers and restarts it). Floors (issue 16), PASS/FAIL each:

1. the learners pinned to the surviving replica see no error (every heatmap they receive is
   checked against the exact Jacobian, as in ``bench/load.py``); what the killed replica's
   learners saw is reported too (they are disconnected; the load generator's learners stop
   there, unless ``--reconnect``: then each does what Streamlit's browser does, asks
   ``/_stcore/health`` (which re-pins its cookie) and opens its websocket again, and the table
   says where it went and when it had a heatmap again);
2. new sessions reach a live replica within 5 s: from the kill on, a fresh session (a new cookie
   jar) loads the page every ``--probe-every`` seconds; the first one's heatmap arrives within
   5 s of the kill, and no session that starts later than that fails;
3. the killed replica is back within 10 s: its port answers ``/_stcore/health``.

Prints a table and a one-line summary; exits 1 if a floor is missed. Bounded as ``load.py``
(loopback only, its session and time limits); it stops serve.sh (SIGTERM to its process group:
the script stops nginx and every replica) and removes its runtime directory at the end. The
load generator runs on the same machine as the replicas, so figures are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import (
    DRAG,
    LOAD_TIMEOUT_S,
    MAX_SECONDS,
    MAX_SESSIONS,
    Move,
    Session,
    _learner,
    _open,
    bounded,
    open_as_a_class,
)
from tests.browser.harness import free_port

#: Floors (issue 16).
FLOOR_ROUTED_S = 5.0
FLOOR_BACK_S = 10.0
#: serve.sh runs setup.sh, then starts two replicas (the first start imports sympy).
START_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 60.0
#: Fresh sessions: at most one every MIN_PROBE_EVERY_S, and MAX_SESSIONS in all.
MIN_PROBE_EVERY_S = 0.25
#: A fresh session that has no heatmap this long after it started has failed.
PROBE_TIMEOUT_S = 10.0
#: How long to wait for the killed replica to answer again before calling it lost.
BACK_TIMEOUT_S = 60.0
#: Streamlit's browser waits a moment before it opens its websocket again.
RECONNECT_AFTER_S = 0.5
GRACE_S = 3.0


class PinnedSession(Session):
    """A ``load.py`` learner that remembers its cookie jar (the replica it is pinned to), when
    it lost its websocket and when its first heatmap arrived."""

    def __init__(self, *args: Any, jar: http.cookiejar.CookieJar | None = None) -> None:
        super().__init__(*args)
        self.jar = jar
        self.lost_at: float | None = None
        self.heatmap_at: float | None = None
        self.reader: asyncio.Task[None] | None = None  # a reconnected session's, to cancel

    def _get_page(self) -> http.cookiejar.CookieJar:
        if self.jar is None:
            self.jar = super()._get_page()
        return self.jar  # a reconnecting browser does not load the page again: same cookies

    def ping(self) -> None:
        """What Streamlit's browser asks before it opens its websocket again: the answer re-pins
        the cookie jar to the replica that gave it (checked in Chromium: a killed replica's
        browser asks ``/_stcore/health`` and ``/_stcore/host-config``, then moves to the other)."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with opener.open(f"{self.base_url}/_stcore/health", timeout=10) as response:
            response.read()

    @property
    def replica(self) -> str:
        """The replica holding the session: the one that answered the websocket (the page may
        have come from another, e.g. while nginx still skips a restarted replica for a
        websocket), else the one the cookie names."""
        if self.ws is not None and self.ws.response is not None:
            answered = self.ws.response.headers.get("X-Knobs-Replica")
            if answered:
                return answered
        return next((c.value or "" for c in self.jar or () if c.name == "knobs_replica"), "?")

    async def read(self) -> None:
        await super().read()
        if not self.closed:  # the server went away: the learner stops where a browser would wait
            self.lost_at = time.perf_counter()
            self.closed = True

    def answer(self, version: str, spec: str) -> None:
        if self.heatmap_at is None:
            self.heatmap_at = time.perf_counter()
            if self.knob is None:  # a fresh session's first heatmap: check it too
                text, _, at = version.rpartition("@")
                f = self.function(text.split("|", 1)[0])  # "function|settings@point" on some pages
                try:
                    point = tuple(float(v) for v in at.split(","))
                except ValueError:
                    point = None
                if f is not None and point is not None:
                    self.check(f, point, spec)
        super().answer(version, spec)


# --- the classroom ------------------------------------------------------------------------------


class Room(Protocol):
    """Replicas behind nginx at ``url`` (``tests/test_serve.py``'s classroom is one too)."""

    url: str
    replica_ports: dict[str, int]

    def replica_pid(self, name: str) -> int: ...


@dataclass
class Classroom:
    """A running ``scripts/serve.sh``: nginx at ``url``, its replicas' loopback ports by name."""

    url: str
    runtime: Path
    process: subprocess.Popen[bytes]
    log: Path
    replica_ports: dict[str, int]

    def replica_pid(self, name: str) -> int:
        return int((self.runtime / f"replica-{name[1:]}.pid").read_text())

    def nginx_pid(self) -> int:
        return int((self.runtime / "nginx.pid").read_text())

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else "(no log)"


@contextmanager
def classroom(
    port: int, runtime: Path | None = None, start_timeout: float = START_TIMEOUT_S
) -> Iterator[Classroom]:
    """``scripts/serve.sh --replicas 2`` on 127.0.0.1:``port``, stopped cleanly at the end.

    ``runtime``: where serve.sh keeps its config, pid files and logs (default: a temporary
    folder, removed at the end). RuntimeError, with the log, if it does not start in time.
    """
    owned = runtime is None
    runtime = Path(tempfile.mkdtemp(prefix="knobs-failover.")) if runtime is None else runtime
    log = runtime / "serve.out"
    command = ["bash", "scripts/serve.sh", "--replicas", "2", "--port", str(port)]
    command += ["--address", "127.0.0.1", "--runtime-dir", str(runtime)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for the SIGTERM at the end
        )
    room = Classroom(f"http://127.0.0.1:{port}", runtime, process, log, {})
    try:
        deadline = time.monotonic() + start_timeout
        while len(room.replica_ports) < 2:  # the replica lines follow the "listening" line
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve.sh did not start:\n{room.log_tail()}")
            time.sleep(0.5)
            found = re.findall(r"replica (r\d+): http://127\.0\.0\.1:(\d+)", log.read_text())
            room.replica_ports = {name: int(p) for name, p in found}
        yield room
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # serve.sh ignores SIGINT in the background
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if owned:
            shutil.rmtree(runtime, ignore_errors=True)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


# --- a run --------------------------------------------------------------------------------------


@dataclass
class Probe:
    """A fresh session opened ``started`` s after the kill."""

    started: float
    replica: str = ""
    heatmap: float | None = None  # s after the kill
    error: str = ""


@dataclass
class Group:
    """The learners pinned to one replica."""

    replica: str
    sessions: list[PinnedSession] = field(default_factory=list)
    reconnected: list[PinnedSession] = field(default_factory=list)

    def moves(self) -> list[Move]:
        return [m for s in self.sessions + self.reconnected for m in s.stats.moves]

    def errors(self, sessions: list[PinnedSession] | None = None) -> list[str]:
        every = self.sessions + self.reconnected if sessions is None else sessions
        return [f"{s.name}: {e}" for s in every for e in s.stats.errors]

    def latencies(self) -> list[float]:
        return sorted(v for s in self.sessions + self.reconnected for v in s.stats.latencies_ms)


@dataclass
class Failover:
    sessions: int
    rate: float
    seconds: float
    killed: str
    surviving: str
    kill_after: float
    probe_every: float
    groups: dict[str, Group] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    killed_at: float = 0.0  # time.perf_counter()
    back_s: float | None = None
    lost_s: list[float] = field(default_factory=list)  # disconnects, s after the kill
    back_again_s: list[float] = field(default_factory=list)  # reconnected: heatmap after kill

    def routed_s(self) -> float | None:
        return min((p.heatmap for p in self.probes if p.heatmap is not None), default=None)

    def slowest_s(self) -> float | None:
        """The longest a fresh session that got its heatmap waited for it."""
        waits = [p.heatmap - p.started for p in self.probes if p.heatmap is not None]
        return max(waits, default=None)

    def late_failures(self) -> list[Probe]:
        return [p for p in self.probes if p.error and p.started > FLOOR_ROUTED_S]

    def floors(self) -> list[tuple[str, str, bool]]:
        surviving = self.groups[self.surviving]
        errors = surviving.errors()
        routed, back = self.routed_s(), self.back_s
        failed = sum(bool(p.error) for p in self.probes)
        return [
            (f"{self.surviving} errors",
             f"{len(errors)} = 0 ({len(surviving.sessions)} sessions)",
             not errors and bool(surviving.sessions)),
            ("new sessions",
             f"first heatmap +{_s(routed)} ≤ {FLOOR_ROUTED_S:g} s, {failed} of "
             f"{len(self.probes)} failed, {len(self.late_failures())} after 5 s, the slowest "
             f"waited {_s(self.slowest_s())} s",
             routed is not None and routed <= FLOOR_ROUTED_S and not self.late_failures()),
            (f"{self.killed} back", f"{_s(back)} ≤ {FLOOR_BACK_S:g} s",
             back is not None and back <= FLOOR_BACK_S),
        ]  # fmt: skip

    @property
    def passed(self) -> bool:
        return all(ok for _, _, ok in self.floors())


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.1f}"


async def _probe(url: str, page: str, query: str, probe: Probe, killed_at: float) -> None:
    session = PinnedSession(url, page, query, f"p{probe.started:.1f}")
    started = time.perf_counter()
    reader: asyncio.Task[None] | None = None
    try:
        reader = await asyncio.wait_for(_open(session, time.monotonic() + PROBE_TIMEOUT_S),
                                        timeout=PROBE_TIMEOUT_S)  # fmt: skip
        probe.replica = session.replica
        while session.heatmap_at is None and time.perf_counter() < started + PROBE_TIMEOUT_S:
            await asyncio.sleep(0.05)
        if session.stats.errors:
            probe.error = session.stats.errors[0][:120]
        elif session.heatmap_at is None:
            probe.error = f"no heatmap within {PROBE_TIMEOUT_S:g} s"
        elif not session.stats.checked:
            probe.error = "its heatmap shows no Jacobian to check"
        else:
            probe.heatmap = session.heatmap_at - killed_at
    except Exception as failure:  # a refused connection, a timeout: what a learner would see
        probe.replica = probe.replica or session.replica
        probe.error = f"{type(failure).__name__}: {failure or 'no answer in time'}"[:120]
    finally:
        await session.close()
        if reader is not None:
            reader.cancel()


async def _reconnect(
    lost: PinnedSession, group: Group, index: int, rate: float, until: float, killed_at: float,
    result: Failover,
) -> None:  # fmt: skip
    """What Streamlit's browser does when its websocket closes: open it again, same cookies."""
    while lost.lost_at is None and time.perf_counter() < until:
        await asyncio.sleep(0.05)
    if lost.lost_at is None:
        return
    await asyncio.sleep(RECONNECT_AFTER_S)
    again = PinnedSession(lost.base_url, lost.page, lost.query, f"{lost.name}'", jar=lost.jar)
    group.reconnected.append(again)
    try:
        await asyncio.to_thread(again.ping)
        again.reader = await _open(again, time.monotonic() + PROBE_TIMEOUT_S)
    except Exception as failure:
        again.error(f"reconnecting: {type(failure).__name__}: {failure or 'no answer in time'}")
        return
    if again.heatmap_at is not None:
        result.back_again_s.append(again.heatmap_at - killed_at)
    again.counting = True
    again.choose_knob(index)
    await _learner(again, rate, until, seed=1000 + index, drag=DRAG)


async def _watch_restart(classroom: Room, name: str, old_pid: int, killed_at: float) -> float:
    port = classroom.replica_ports[name]
    while time.perf_counter() - killed_at < BACK_TIMEOUT_S:
        try:
            new = classroom.replica_pid(name) != old_pid
        except (OSError, ValueError):
            new = False
        if new and await asyncio.to_thread(healthy, port):
            return time.perf_counter() - killed_at
        await asyncio.sleep(0.2)
    return float("inf")


async def run_failover(
    room: Room,
    *,
    sessions: int,
    rate: float,
    seconds: float,
    kill_after: float,
    kill: str,
    probe_every: float,
    reconnect: bool,
    page: str = "",
    query: str = "",
) -> Failover:
    sessions, rate, seconds = bounded(sessions, rate, seconds, fewest=2, shortest=kill_after + 1)
    probe_every = max(probe_every, MIN_PROBE_EVERY_S)
    (surviving,) = set(room.replica_ports) - {kill}
    result = Failover(sessions, rate, seconds, kill, surviving, kill_after, probe_every)
    result.groups = {name: Group(name) for name in room.replica_ports}
    learners = [PinnedSession(room.url, page, query, f"s{i}") for i in range(sessions)]
    readers: list[asyncio.Task[None]] = []
    tasks: list[asyncio.Task[Any]] = []  # the learners, the fresh sessions, the reconnections
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    try:
        readers += await open_as_a_class(learners, deadline)
        for session in learners:
            result.groups.setdefault(session.replica, Group(session.replica))
            result.groups[session.replica].sessions.append(session)
            session.counting = True
        for i, session in enumerate(learners):
            session.choose_knob(i)
        start = time.perf_counter()
        until = start + seconds
        moving = [
            asyncio.create_task(_learner(s, rate, until, seed=i, drag=DRAG))
            for i, s in enumerate(learners)
        ]
        tasks += moving
        await asyncio.sleep(kill_after)
        old_pid = room.replica_pid(kill)
        os.kill(old_pid, signal.SIGKILL)
        killed_at = result.killed_at = time.perf_counter()
        watching = asyncio.create_task(_watch_restart(room, kill, old_pid, killed_at))
        tasks.append(watching)
        if reconnect:
            group = result.groups[kill]
            for i, session in enumerate(learners):
                if session.replica == kill:
                    tasks.append(asyncio.create_task(
                        _reconnect(session, group, i, rate, until, killed_at, result)))  # fmt: skip
        while time.perf_counter() < until and len(result.probes) < MAX_SESSIONS:
            probe = Probe(round(time.perf_counter() - killed_at, 1))
            result.probes.append(probe)
            tasks.append(asyncio.create_task(_probe(room.url, page, query, probe, killed_at)))
            await asyncio.sleep(probe_every)
        await asyncio.gather(*moving)
        grace = time.perf_counter() + GRACE_S
        every = [s for g in result.groups.values() for s in g.sessions + g.reconnected]
        while time.perf_counter() < grace and any(
            m.answered is None for s in every if not s.closed for m in s.stats.moves
        ):
            await asyncio.sleep(0.05)
        await asyncio.gather(*tasks, return_exceptions=True)
        back = await watching
        result.back_s = back if back != float("inf") else None
        result.lost_s = sorted(s.lost_at - killed_at for s in learners if s.lost_at is not None)
    finally:
        for task in tasks:  # only left running when the run failed
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        extra = [s for g in result.groups.values() for s in g.reconnected]
        everyone = learners + extra
        await asyncio.gather(*(s.close() for s in everyone), return_exceptions=True)
        readers += [s.reader for s in extra if s.reader is not None]
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return result


# --- report -------------------------------------------------------------------------------------


def table(result: Failover) -> str:
    head = (f"{'replica':>7} {'role':>9} {'sessions':>8} {'moves':>6} {'answered':>9} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'errors':>6}  what they saw")  # fmt: skip
    rows = [head, "-" * len(head)]
    for name in sorted(result.groups):
        group = result.groups[name]
        moves, latencies = group.moves(), group.latencies()
        answered = sum(m.answered is not None for m in moves) / len(moves) if moves else 1.0

        def p(q: float, values: list[float] = latencies) -> str:
            return f"{values[round(q * (len(values) - 1))]:.0f}" if values else "-"

        if name == result.killed:
            lost = result.lost_s
            saw = (f"{len(lost)} of {len(group.sessions)} disconnected"
                   + (f" at +{lost[0]:.1f} to +{lost[-1]:.1f} s" if lost else ""))  # fmt: skip
            if group.reconnected:
                again = sorted(result.back_again_s)
                to = "/".join(sorted({s.replica for s in group.reconnected}))
                saw += (f"; {len(again)} of {len(group.reconnected)} reconnected (to {to}), "
                        "heatmap at "
                        + (f"+{again[0]:.1f} to +{again[-1]:.1f} s" if again else "never")
                        + f", {len(group.errors(group.reconnected))} errors since")  # fmt: skip
            first = group.errors(group.sessions)[:1]
            saw += f"; first error: {first[0][:70]}" if first else ""
        else:
            first = group.errors()[:1]
            saw = f"first error: {first[0][:90]}" if first else "no error"
        role = "killed" if name == result.killed else "surviving"
        rows.append(
            f"{name:>7} {role:>9} {len(group.sessions):>8} {len(moves):>6} {answered:>9.1%} "
            f"{p(0.5):>7} {p(0.95):>7} {len(group.errors()):>6}  {saw}"
        )
    rows.append("")
    rows.append(
        f"fresh sessions from the kill on (one every {result.probe_every:g} s): started, "
        "replica, first heatmap after the kill (after the session started)"
    )
    for probe in result.probes:
        if probe.error:
            what = f"FAILED: {probe.error}"
        elif probe.heatmap is None:
            what = "no heatmap"
        else:
            what = f"heatmap at +{probe.heatmap:.1f} s ({probe.heatmap - probe.started:.1f} s)"
        rows.append(f"  +{probe.started:>4.1f} s  {probe.replica or '?':>3}  {what}")
    return "\n".join(rows)


def summary(result: Failover) -> str:
    parts = [f"{name} {text} {'ok' if ok else 'MISSED'}" for name, text, ok in result.floors()]
    verdict = "PASS" if result.passed else "FAIL"
    return (f"{verdict}: failover, {result.sessions} sessions x {result.rate:g}/s, "
            f"{result.killed} killed at {result.kill_after:g} s: " + "; ".join(parts))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help=f"at most {MAX_SESSIONS}")
    parser.add_argument("--rate", type=float, default=5.0, help="knob moves a second per learner")
    parser.add_argument("--seconds", type=float, default=20.0, help=f"at most {MAX_SECONDS:g}")
    parser.add_argument("--kill-after", type=float, default=7.0, help="seconds into the run")
    parser.add_argument("--kill", choices=["r1", "r2"], default="r1", help="the replica killed")
    parser.add_argument(
        "--probe-every", type=float, default=0.5, help="a fresh session this often after the kill"
    )
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="the killed replica's learners open their websocket again, as a browser does",
    )
    parser.add_argument("--page", default="", help="the page's URL path, e.g. Rate_of_change")
    parser.add_argument("--query", default="", help="the page's query string, e.g. f=x%%5E2")
    parser.add_argument("--errors", type=int, default=5, help="how many errors to print")
    args = parser.parse_args(argv)
    if args.seconds > MAX_SECONDS or args.sessions > MAX_SESSIONS:
        parser.error(f"at most {MAX_SESSIONS} sessions and {MAX_SECONDS:g} s")
    if not 0 < args.kill_after < args.seconds or args.probe_every < MIN_PROBE_EVERY_S:
        parser.error(
            f"--kill-after must fall inside the run; --probe-every ≥ {MIN_PROBE_EVERY_S} s"
        )
    with classroom(free_port()) as room:
        result = asyncio.run(
            run_failover(
                room,
                sessions=args.sessions,
                rate=args.rate,
                seconds=args.seconds,
                kill_after=args.kill_after,
                kill=args.kill,
                probe_every=args.probe_every,
                reconnect=args.reconnect,
                page=args.page,
                query=args.query,
            )
        )
    for error in result.groups[result.surviving].errors()[: args.errors]:
        print("error:", error)
    print(table(result))
    print(summary(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
