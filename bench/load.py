"""Load benchmark: N simulated learners turning knobs at once, over Streamlit's own websocket
and the page's moves route.

    .venv/bin/python bench/load.py --sessions 10 --rate 5 --seconds 20      # starts its own server
    .venv/bin/python bench/load.py --sessions 1 10 30 --no-route            # every move a run
    .venv/bin/python bench/load.py --url http://127.0.0.1:8501 --sessions 30
    .venv/bin/python bench/load.py --sessions 10 --hostile      # + one session typing heavy input
    .venv/bin/python bench/load.py --churn 200                  # memory: open and close sessions

Each simulated learner is one websocket session speaking Streamlit's protocol with its own
protobuf messages (``BackMsg`` / ``ForwardMsg`` from ``streamlit.proto``), no browser: it GETs
the page first with a cookie jar of its own (so a proxy's sticky-session cookie is kept), opens
``/_stcore/stream`` with the same cookies and the subprotocols the browser sends (``streamlit``,
the XSRF cookie), asks for the page's run, and then drags one knob. Messages the browser would
cache (``ForwardMsg.metadata.cacheable``) are cached and their hashes reported, as the browser
does. The server started here serves ``asgi.py`` (Streamlit with the moves route beside it).

A move goes as the knob's slider (``ui/knob_slider.py``, one component for the page's knobs)
sends it. Where the sliders' data offers a moves route (``"route": {"url", "token"}``,
``ui/moves_route.py``), the learner opens that websocket too (same cookies and Origin) and sends
each move over it as a text frame ``{"t": token, "n": n, "p": [every knob's value, in the
sliders' order]}``, one on its way: newer moves wait, and when the reply ``{"n", "parts"}``
arrives the knobs' values as they are then go. Once the knob has rested ``COMMIT_MS`` after its
last move, its value is committed to Streamlit as every move was before: one script run (the
URL, the session's state, the same drawing). Where no route is offered (``streamlit run
app.py``), or with ``--no-route``, or if the route closes, every move goes to Streamlit: a new
``moves`` state holding each knob's newest move ``{value, n}`` for the sliders' fragment, paced
as the slider paces it (one move on its way; the newest waits and replaces older waiting ones;
it goes when a chart announces a new drawing, the slider's rerun shows it, or after
``RELEASE_MS``).

The learner drags in bursts: ``--drag`` moves (10) ``--rate`` a second (5), then rests
``COMMIT_MS`` + ``REST_MARGIN_MS`` (450 ms, from its last move to the next drag's first) so that
the commit goes in between, and drags again; each learner starts at a random place in its cycle
(learners do not rest in step). At 5 moves a second that is 10 moves every 2.25 s, about 4.4
moves a second on average, whether the route is used or not: the two compare the same drags.

Per move: the time from sending it (to the route or to Streamlit) to the heatmap's new values
arriving (p50, p95); the values are checked against the exact Jacobian (``calculus``), so a
wrong or stale heatmap is an error, never a fast answer. A move replaced by a newer one counts
as answered when a newer one's values arrive. The route's replies are checked the same way (and
must answer the move on its way, at the point sent), and so is each commit's heatmap, drawn by
its run. Errors: exception elements, wrong values, unexpected charts, disconnects of either
socket. The server's CPU (the process listening on the port and its children, from ``/proc``)
and the bytes received on both sockets are divided by the learner's moves sent (the route's or
Streamlit's; commits are not moves: their CPU and bytes are in the numerator only). Also shown:
moves made, sent (the others were replaced while waiting) and drawn (heatmaps of a new setting
received: under overload Streamlit folds queued runs); replies over the route; commits shown by
a run / sent; "felt p95", from the learner's move (not its sending) to its answer; "rest p50",
from sending to Streamlit (a move, or with the route a commit) to the end of the run that drew
it (the whole page, URL included, updated); the server's RSS before and after. Prints a table
and a one-line summary against the floors; exits 1 if one is missed.

Bounded: only loopback targets, at most ``MAX_SESSIONS`` sessions for ``MAX_SECONDS``; it stops
by itself. The load generator runs on the same machine as the server (2 cores here): its own
CPU competes with the server's, so figures are pessimistic. Neither socket asks for
permessage-deflate; the server (uvicorn, as ``streamlit run`` starts it) grants it to no client,
a browser included, so nothing is left out by that.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import math
import os
import random
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.protocol import State

from calculus import ExpressionError, parse_function
from tests.browser.harness import start_streamlit
from ui.chart_component import LAYERED_CHART_COMPONENT, LIVE_CHART_COMPONENT
from ui.knob_slider import KNOB_SLIDERS, RELEASE_MS
from ui.moves_route import COMMIT_MS, UNKNOWN

MAX_SESSIONS = 100
MAX_SECONDS = 120.0
MAX_RATE = 20.0
MIN_RATE = 0.1
MAX_CHURN = 1000
MAX_DRAG = 1000
#: Moves per drag, by default: 2 s at 5 moves a second.
DRAG = 10
#: A learner's rest between drags, from its last move to the next drag's first: long enough for
#: the slider to commit the resting value (``COMMIT_MS``), and a little more.
REST_MARGIN_MS = 150
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Floors (issue 16).
FLOOR_P95_MS = 300.0
FLOOR_ANSWERED = 0.99
FLOOR_CPU_MS = 8.0
FLOOR_BYTES = 8 * 1024
FLOOR_CHURN_MB = 50.0
#: How long a session may take to load its page, and to get its last answers after the run.
LOAD_TIMEOUT_S = 90.0
#: --churn: sessions opened and closed before the first RSS reading.
WARM_UP_SESSIONS = 5
GRACE_S = 3.0
#: Heavy inputs of tests/ (test_hostile_input.py, browser/test_hostile_browser.py): the hostile
#: session types one of these into the function box every HOSTILE_EVERY_S.
HEAVY_INPUTS = (
    "sigmoid(" * 38 + "x" + ")" * 38,
    "sin(" * 60 + "x" + ")" * 60,
    "x+" * 5_000 + "x",
    "((9^9)^9999)^9999",
    "2^2^2^2^2^2",
)
HOSTILE_EVERY_S = 2.0


# --- the server's processes ----------------------------------------------------------------------


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def server_pids(port: int, given: list[int] | None = None) -> list[int]:
    """The process listening on ``port`` (or the ``given`` ones) and all their descendants."""
    roots = list(given or [])
    if not roots:
        sockets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or not sockets:
                continue
            try:
                if any(os.readlink(fd) in sockets for fd in (entry / "fd").iterdir()):
                    roots.append(int(entry.name))
            except OSError:
                continue
    tree, found, todo = _children(), [], list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo.extend(tree.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """CPU used by ``pids`` and by their children that have ended (and been waited for).

    Take ``pids`` from ``server_pids`` at each reading, not once: a worker that ends during a
    run (an idle pool stopped, an overrun worker replaced) then moves into its parent's children's
    time instead of dropping out of the sum, and a worker started during the run is counted.
    """
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


# --- one simulated learner -----------------------------------------------------------------------


@dataclass
class Move:
    """One move of the knob: made by the learner; sent, unless a newer one replaced it first
    (over the moves route if ``route``, else to Streamlit). Also a commit: the resting value sent
    to Streamlit after a drag over the route (``answered``: a run showed it)."""

    value: float
    point: tuple[float, ...]
    made: float
    sent: float | None = None
    answered: float | None = None
    route: bool = False


@dataclass
class Slider:
    """A knob slider as the page shows it, and its pacing (ui/knob_slider.py's JavaScript)."""

    id: str  # the sliders' component (one for the page's knobs)
    name: str  # the knob's
    fragment_id: str
    data: dict[str, Any]
    on_its_way: float | None = None
    waiting: Move | None = None
    timer: asyncio.TimerHandle | None = None
    resting: float | None = None  # a drag over the route left it here, for Streamlit


@dataclass
class Route:
    """The page's moves route as the sliders use it (``openRoute``, ``sendByRoute``): its socket
    and pacing, one move on its way."""

    url: str
    token: str
    ws: ClientConnection | None = None
    opened: asyncio.Event = field(default_factory=asyncio.Event)  # open, or failed to
    on_its_way: bool = False
    waiting: bool = False
    n: int = 0
    point: tuple[float, ...] = ()  # what move ``n`` sent
    old: int = 0  # replies up to this move came after a commit: not drawn
    closing: bool = False  # closed by the learner (a new token, the end), not by the server


@dataclass
class Stats:
    """What one session saw."""

    moves: list[Move] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    felt_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bytes: int = 0
    checked: int = 0
    drawn: int = 0  # heatmaps of a new setting received while counting
    rest_ms: list[float] = field(default_factory=list)  # send -> the rest shows the move too
    route_replies: int = 0  # replies received over the moves route while counting
    commits: list[Move] = field(default_factory=list)  # resting values sent to Streamlit
    #: Commits that waited for the route's reply (one slower than ``COMMIT_MS``), as the slider's
    #: wait (``rested``): a commit never goes before the route's last reply.
    late_commits: int = 0


class Session:
    """One learner's tab: page load, websocket, the knob slider and its moves route.

    ``no_route``: the sliders ignore a route the page offers (every move goes to Streamlit).
    """

    def __init__(
        self, base_url: str, page: str, query: str, name: str, *, no_route: bool = False
    ) -> None:
        self.base_url, self.page, self.query, self.name = base_url, page, query, name
        self.no_route = no_route
        self.stats = Stats()
        self.ws: ClientConnection | None = None
        self.headers: dict[str, str] = {}  # the page's cookies and Origin, for both sockets
        self.page_script_hash = ""
        self.sliders: dict[tuple[str, str], Slider] = {}  # (component id, knob) -> slider
        self.sent_moves: dict[str, dict[str, Any]] = {}  # component id -> each knob's newest
        self.versions: dict[str, str] = {}  # chart key -> version a run sent last
        self.announced: dict[str, str] = {}  # chart key -> version drawn and announced
        self.text_inputs: dict[str, str] = {}  # label -> widget id
        self.max_chars: dict[str, int] = {}  # widget id -> its max_chars (0: none)
        self.states: dict[str, WidgetState] = {}  # what this tab's widgets hold now
        self.cache: dict[str, tuple[bytes, int, str]] = {}  # hash -> (message, run, fragment)
        self.runs = 0
        self.max_age = 2
        self.fragments_this_run: list[str] = []
        self.loaded = asyncio.Event()
        self.finished_runs = 0
        self.counting = False
        self.closed = False
        self.moves_n = 0
        self.load_id = f"{name}{random.getrandbits(32):x}"
        self.functions: dict[str, Any] = {}
        self.point: list[float] = []
        self.variables: tuple[str, ...] = ()
        self.knob: Slider | None = None
        self.sending: set[asyncio.Task[None]] = set()
        self.drawn_this_run: str | None = None  # the chart version the running run drew
        self.typed = 0  # heavy inputs typed (--hostile)
        self.order: list[str] = []  # the sliders' knobs, in their order (a route move's "p")
        self.route: Route | None = None
        self.refused: set[str] = set()  # tokens the route closed as unknown
        self.route_tasks: set[asyncio.Task[None]] = set()
        self.route_ahead = False  # the route drew newer than Streamlit's runs (ROUTE.ahead)
        self.route_keys: set[str] = set()  # the components the route's last reply fed
        self.commit_timer: asyncio.TimerHandle | None = None
        self.commit_due = False  # the knob rested with a route move on its way: commit on reply

    # -- connection ------------------------------------------------------------------------------

    def _get_page(self) -> http.cookiejar.CookieJar:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        with opener.open(url, timeout=30) as response:
            response.read()
        return jar

    async def open(self) -> None:
        jar = await asyncio.to_thread(self._get_page)
        cookies = {cookie.name: cookie.value or "" for cookie in jar}
        ws_url = "ws" + self.base_url[len("http") :] + "/_stcore/stream"
        headers = self.headers = {"Origin": self.base_url}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        token = cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
        self.ws = await connect(
            ws_url,
            subprotocols=["streamlit", token],  # type: ignore[list-item]
            additional_headers=headers,
            max_size=None,
            compression=None,
            open_timeout=30,
        )
        self.rerun()

    async def close(self) -> None:
        self.closed = True
        for slider in self.sliders.values():
            if slider.timer is not None:
                slider.timer.cancel()
        if self.commit_timer is not None:
            self.commit_timer.cancel()
        self.close_route()
        if self.ws is not None:
            await self.ws.close()
        if self.route_tasks:  # the route's socket closing; cancelled if it hangs
            await asyncio.wait(list(self.route_tasks), timeout=5)
        for task in list(self.route_tasks):
            task.cancel()
        await asyncio.gather(*self.route_tasks, return_exceptions=True)

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                if isinstance(frame, str):
                    self.error("a text frame")
                    continue
                if self.counting:
                    self.stats.bytes += len(frame)
                self.handle(frame)
        except ConnectionClosed as closed:
            if not self.closed:
                self.error(f"disconnected: {closed}")
        if not self.closed:
            self.error("the server closed the websocket")

    def error(self, what: str) -> None:
        self.stats.errors.append(what)

    # -- what the browser sends ------------------------------------------------------------------

    def rerun(self, fragment_id: str = "", triggers: tuple[WidgetState, ...] = ()) -> None:
        """Ask for a run, as the browser does: every widget's value, the cache's hashes."""
        if self.ws is None or self.closed:
            return
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.widget_states.widgets.extend([*self.states.values(), *triggers])
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}"
        task = asyncio.get_running_loop().create_task(self._send(msg.SerializeToString()))
        self.sending.add(task)  # held until sent: the loop keeps only weak references
        task.add_done_callback(self.sending.discard)

    async def _send(self, payload: bytes) -> None:
        try:
            assert self.ws is not None
            await self.ws.send(payload)
        except ConnectionClosed:
            if not self.closed:
                self.error("disconnected while sending")

    def type_text(self, label: str, text: str) -> None:
        """Type ``text`` into the text input labelled ``label`` and press Enter (a full run)."""
        widget_id = self.text_inputs.get(label)
        if widget_id is None:
            self.error(f"no text input {label!r}")
            return
        if self.max_chars.get(widget_id):  # the browser's box takes no more than that
            text = text[: self.max_chars[widget_id]]
        self.states[widget_id] = WidgetState(id=widget_id, string_value=text)
        self.rerun()

    # -- the knob slider's pacing (ui/knob_slider.py) ----------------------------------------------

    def move(self, value: float) -> None:
        """The learner drags the knob to ``value`` (the slider's ``input`` listener)."""
        knob = self.knob
        assert knob is not None
        index = self.variables.index(knob.name)
        self.point[index] = value
        move = Move(value, tuple(self.point), time.perf_counter())
        self.stats.moves.append(move)
        if not self.move_by_route():
            self._send_move(knob, move)
            return
        knob.resting = value
        if self.commit_timer is not None:
            self.commit_timer.cancel()
        loop = asyncio.get_running_loop()
        self.commit_due = False
        self.commit_timer = loop.call_later(COMMIT_MS / 1000, self.rested)

    def _send_move(self, knob: Slider, move: Move) -> None:
        if knob.on_its_way is not None:  # one move at a time: the newest waits its turn
            knob.waiting = move
            return
        knob.on_its_way, knob.waiting = move.value, None
        self.moves_n += 1
        move.sent = time.perf_counter()
        sent = self.sent_moves.setdefault(knob.id, {})
        sent[knob.name] = {"value": move.value, "n": f"{self.load_id}-{self.moves_n}"}
        self.states[knob.id] = WidgetState(id=knob.id, json_value=json.dumps({"moves": sent}))
        self.rerun(knob.fragment_id)
        if knob.timer is not None:
            knob.timer.cancel()
        knob.timer = asyncio.get_running_loop().call_later(RELEASE_MS / 1000, self._taken, knob)

    def _taken(self, knob: Slider) -> None:
        if knob.timer is not None:
            knob.timer.cancel()
        knob.on_its_way = None
        if knob.waiting is not None:
            self._send_move(knob, knob.waiting)

    def rested(self) -> None:
        """The knob rests (``rested``): once the route has nothing on its way, commit."""
        self.commit_timer = None
        way = self.route
        if way is not None and (way.on_its_way or way.waiting):
            self.commit_due = True  # on the reply
            if self.counting:
                self.stats.late_commits += 1
            return
        self.commit()

    def commit(self) -> None:
        """The knob's value goes to Streamlit, as a move without the route does (``commit``); a
        route reply still on its way is older: not drawn."""
        if self.commit_timer is not None:
            self.commit_timer.cancel()
            self.commit_timer = None
        self.commit_due = False
        if not any(knob.resting is not None for knob in self.sliders.values()):
            return
        self.route_ahead = False
        if self.route is not None:
            self.route.waiting = False
            self.route.old = self.route.n
        for knob in self.sliders.values():
            if knob.resting is None or self.closed:
                continue
            value, knob.resting = knob.resting, None
            commit = Move(value, self._point_with(knob.name, value), time.perf_counter())
            self.stats.commits.append(commit)
            self._send_move(knob, commit)

    def _point_with(self, name: str, value: float) -> tuple[float, ...]:
        point = list(self.point)
        point[self.variables.index(name)] = value
        return tuple(point)

    def _drawn(self) -> None:
        """A chart announced a drawing: sliders with a move on its way take it two tasks later."""
        loop = asyncio.get_running_loop()

        def later() -> None:
            for knob in self.sliders.values():
                if knob.on_its_way is not None:
                    self._taken(knob)

        loop.call_soon(loop.call_soon, later)

    # -- the moves route (ui/knob_slider.py's openRoute, moveByRoute, sendByRoute) ----------------

    def offer_route(self, route: Any) -> None:
        """The sliders' data names a route (or None): open its socket, unless it is open."""
        token = route.get("token") if isinstance(route, dict) else None
        if self.route is not None and self.route.token == token:
            return
        self.close_route()
        if not isinstance(token, str) or not token or token in self.refused or self.no_route:
            return
        if self.closed or not isinstance(route.get("url"), str):
            return
        way = self.route = Route(route["url"], token)
        task = asyncio.get_running_loop().create_task(self._route_socket(way))
        self.route_tasks.add(task)
        task.add_done_callback(self.route_tasks.discard)

    def close_route(self) -> None:
        way, self.route = self.route, None
        if way is None:
            return
        way.closing = True
        if way.ws is not None:
            task = asyncio.get_running_loop().create_task(way.ws.close())
            self.route_tasks.add(task)
            task.add_done_callback(self.route_tasks.discard)

    async def route_ready(self, timeout: float) -> None:
        """Wait until the offered route's socket is open (or has failed to open)."""
        if self.route is not None:
            await asyncio.wait_for(self.route.opened.wait(), timeout=max(1.0, timeout))

    async def _route_socket(self, way: Route) -> None:
        url = "ws" + self.base_url[len("http") :] + way.url
        code, reason = None, ""
        try:
            async with connect(
                url,
                additional_headers=self.headers,
                max_size=None,
                compression=None,
                open_timeout=30,
            ) as ws:
                way.ws = ws
                way.opened.set()
                if way.closing:
                    return
                try:
                    async for frame in ws:
                        if self.counting:
                            self.stats.bytes += len(
                                frame.encode() if isinstance(frame, str) else frame
                            )
                        self.route_reply(way, frame)
                except ConnectionClosed:
                    pass
                code, reason = ws.close_code, ws.close_reason
        except (OSError, TimeoutError, InvalidHandshake) as failed:
            reason = f"could not open: {failed!r}"
        finally:
            way.opened.set()
        if way.closing or self.closed:
            return
        # The server closed it (the browser's socket.onclose): Streamlit answers from now on.
        if code == UNKNOWN:
            self.refused.add(way.token)
        self.error(f"the moves route closed: {code} {reason}")
        if self.route is way:
            self.route = None
            self.commit()  # what the route showed goes to Streamlit

    def move_by_route(self) -> bool:
        """Send the knobs' values over the route, if it is open; False: send them to Streamlit."""
        way = self.route
        if way is None or way.ws is None or way.closing or way.ws.state != State.OPEN:
            return False
        self.send_by_route(way)
        return True

    def send_by_route(self, way: Route) -> None:
        if way.on_its_way:  # one move at a time: the newest waits its turn
            way.waiting = True
            return
        way.on_its_way, way.waiting = True, False
        way.n += 1
        way.point = tuple(self.point)
        newest = self.stats.moves[-1] if self.stats.moves else None
        if newest is not None and newest.sent is None and newest.point == way.point:
            newest.sent, newest.route = time.perf_counter(), True
        index = {name: i for i, name in enumerate(self.variables)}
        values = [self.point[index[name]] for name in self.order]
        frame = json.dumps({"t": way.token, "n": way.n, "p": values})
        task = asyncio.get_running_loop().create_task(self._send_route(way, frame))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)
        self.route_ahead = True  # a run's drawing of the route's components is older now

    async def _send_route(self, way: Route, frame: str) -> None:
        try:
            assert way.ws is not None
            await way.ws.send(frame)
        except ConnectionClosed:
            pass  # the reader reports the close

    def route_reply(self, way: Route, frame: str | bytes) -> None:
        """A reply of the route: hand its parts to the components, then send the waiting move."""
        if self.route is not way:
            return  # a socket the sliders have closed
        try:
            reply = json.loads(frame)
            n, parts = reply["n"], reply["parts"]
            if not isinstance(parts, dict):
                raise TypeError(type(parts))
        except (ValueError, KeyError, TypeError):
            self.error(f"a route reply that is not one: {str(frame)[:80]!r}")
            return
        if n != way.n or not way.on_its_way:
            self.error(f"a route reply to move {n}, with move {way.n} on its way")
        if n <= way.old:  # came after the knobs went to Streamlit: the browser does not draw it
            way.on_its_way = False
            self._after_reply(way)
            return
        if self.counting:
            self.stats.route_replies += 1
        self.route_keys = set(parts)
        charts = [d for d in parts.values() if isinstance(d, dict) and "spec" in d]
        if not charts:
            self.error(f"a route reply without a chart: {sorted(parts)}")
        for data in charts:
            version, key = data.get("version"), data.get("key")
            if not isinstance(version, str):
                self.error("a route chart without a version")
                continue
            try:
                point = tuple(float(v) for v in version.rpartition("@")[2].split(","))
            except ValueError:
                point = ()
            if point != way.point:
                self.error(f"a route reply for {point}, to move {n} sent at {way.point}")
            self.answer(version, data.get("spec", ""))
            if self.announced.get(key) != version:
                self.announced[key] = version
                if self.counting:
                    self.stats.drawn += 1
                self._drawn()  # the chart announces its drawing to the sliders
        way.on_its_way = False
        self._after_reply(way)

    def _after_reply(self, way: Route) -> None:
        if way.waiting:
            self.send_by_route(way)
        elif self.commit_due:
            self.commit()

    # -- what the server sends -------------------------------------------------------------------

    def handle(self, frame: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                self.error(f"cached message missing: {msg.ref_hash}")
                return
            self.cache[msg.ref_hash] = (cached[0], self.runs, cached[2])
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.ParseFromString(cached[0])
            msg.metadata.CopyFrom(metadata)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            fragment = msg.delta.fragment_id if kind == "delta" else ""
            self.cache[msg.hash] = (frame, self.runs, fragment)
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self.max_age = msg.new_session.config.max_cached_message_age or 2
            self.fragments_this_run = list(msg.metadata.run.fragment_ids)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.element(msg.delta.new_element, msg.delta.fragment_id)
        elif kind == "script_finished":
            self.script_finished(msg.script_finished)

    def script_finished(self, status: int) -> None:
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.error("the script did not compile")
        self.runs += 1
        if self.drawn_this_run is not None:
            self.rest_shown(self.drawn_this_run)
            self.drawn_this_run = None
        fragments = self.fragments_this_run
        for digest, (_, run, fragment) in list(self.cache.items()):
            if fragments and fragment not in fragments:
                continue
            if self.runs - run > self.max_age:
                del self.cache[digest]
        if status == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished_runs += 1
            self.loaded.set()

    def element(self, element: Any, fragment_id: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.error(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif kind in ("text_input", "text_area"):  # the function box is a text area
            box = getattr(element, kind)
            self.text_inputs[box.label] = box.id
            self.max_chars[box.id] = box.max_chars
        elif kind == "bidi_component":
            component = element.bidi_component
            data = json.loads(component.json) if component.json else {}
            if component.component_name == KNOB_SLIDERS:
                self.order = [str(knob.get("key")) for knob in data.get("knobs", [])]
                for knob in data.get("knobs", []):
                    self.slider(component.id, fragment_id, knob)
                self.offer_route(data.get("route"))
            elif component.component_name in (LIVE_CHART_COMPONENT, LAYERED_CHART_COMPONENT):
                self.chart(data)  # a layered chart's ``spec`` is its overlay

    def slider(self, widget_id: str, fragment_id: str, data: dict[str, Any]) -> None:
        name = str(data.get("key"))
        knob = self.sliders.get((widget_id, name))
        if knob is None:
            knob = self.sliders[widget_id, name] = Slider(widget_id, name, fragment_id, data)
        knob.data, knob.fragment_id = data, fragment_id
        if data.get("value") == knob.on_its_way:
            self._taken(knob)

    def chart(self, data: dict[str, Any]) -> None:
        """A run drew a chart: check it, answer the moves it shows, announce it to the sliders.

        With the route, a commit's run draws what the route drew already (same version): checked
        all the same. A run's drawing of a component the route has fed since the last commit is
        not drawn by the browser (``stale``): checked, but it answers no move.
        """
        version, key = data.get("version"), data.get("key")
        if not isinstance(version, str):
            return
        if self.versions.get(key) == version and self._commit_at(version) is None:
            return  # nothing new to draw or announce
        self.versions[key] = version
        self.drawn_this_run = version
        if self.route_ahead and key in self.route_keys:
            self.answer(version, data.get("spec", ""), answers=False)
            return
        self.answer(version, data.get("spec", ""))
        if self.announced.get(key) != version:
            self.announced[key] = version
            if self.counting:
                self.stats.drawn += 1
            self._drawn()  # the browser draws it, then tells the sliders

    @staticmethod
    def _point(version: str) -> tuple[float, ...] | None:
        try:
            return tuple(float(v) for v in version.rpartition("@")[2].split(","))
        except ValueError:
            return None

    def _commit_at(self, version: str) -> Move | None:
        """The commit, sent and not shown yet, of the setting ``version`` names."""
        point = self._point(version)
        for commit in reversed(self.stats.commits):
            if commit.sent is not None and commit.answered is None and commit.point == point:
                return commit
        return None

    def rest_shown(self, version: str) -> None:
        """The run that drew the chart at ``version`` ended: the whole page shows the move (or
        the commit)."""
        now = time.perf_counter()
        commit = self._commit_at(version)
        if commit is not None:
            commit.answered = now
            if self.counting and commit.sent is not None:
                self.stats.rest_ms.append((now - commit.sent) * 1000)
            return
        point = self._point(version)
        if not self.counting or point is None:
            return
        for move in reversed(self.stats.moves):
            if move.point == point and move.sent is not None and not move.route:
                self.stats.rest_ms.append((now - move.sent) * 1000)
                return

    # -- checking an answer ----------------------------------------------------------------------

    def function(self, text: str) -> Any:
        if text not in self.functions:
            try:
                self.functions[text] = parse_function(text)
            except ExpressionError:
                self.functions[text] = None
        return self.functions[text]

    def answer(self, version: str, spec: str, *, answers: bool = True) -> None:
        """The heatmap of ``version`` arrived: check it, and answer the moves it answers (none,
        if not ``answers``)."""
        now = time.perf_counter()
        # A page's version may name more than the function ("text|settings@point"); a function's
        # text never holds "|" (the parser refuses it: abs(x), not |x|).
        text, _, at = version.rpartition("@")
        text = text.split("|", 1)[0]
        try:
            point = tuple(float(v) for v in at.split(","))
        except ValueError:
            self.error(f"a chart version that names no knob setting: {version[:80]!r}")
            return
        # Only a learner's heatmaps are checked. Reading a text blocks this event loop (every
        # session's): the hostile session's accepted heavy texts took seconds here, which showed
        # as the learners' p50 rising from 9 to 35-43 ms with the server unchanged.
        f = self.function(text) if self.knob is not None else None
        if f is not None:
            self.check(f, point, spec)
        if not self.stats.moves or not answers:
            return
        last = self._last_sent(point)
        if last is None:
            if self.knob is not None and any(m.answered is None for m in self.stats.moves):
                self.error(f"a heatmap for a setting never sent: {point}")
            return
        for move in self.stats.moves[: last + 1]:
            if move.answered is None:
                move.answered = now
                if self.counting:
                    if move.sent is not None:
                        self.stats.latencies_ms.append((now - move.sent) * 1000)
                    self.stats.felt_ms.append((now - move.made) * 1000)

    def _last_sent(self, point: tuple[float, ...]) -> int | None:
        """The index of the newest move sent at ``point``, or else of the newest move made before
        a commit sent at ``point`` (the commit went in its place); None if none was sent."""
        moves = self.stats.moves
        for i in range(len(moves) - 1, -1, -1):
            if moves[i].sent is not None and moves[i].point == point:
                return i
        for commit in reversed(self.stats.commits):
            if commit.sent is not None and commit.point == point:
                made = [i for i, m in enumerate(moves) if m.made <= commit.made]
                return made[-1] if made else None
        return None

    def check(self, f: Any, point: tuple[float, ...], spec: str) -> None:
        try:
            traces = json.loads(spec)["data"]
            if not any(t.get("name") == "jacobian" for t in traces):
                return  # a page's other live chart (a tangent, a gradient arrow): no heatmap
            (trace,) = [t for t in traces if t.get("name") == "jacobian"]
            shown = np.array([[np.nan if v is None else v for v in row] for row in trace["z"]])
        except (ValueError, KeyError, TypeError):
            self.error("a heatmap without its Jacobian values")
            return
        exact = f.jacobian_at(point)
        exact = np.where(np.isfinite(exact), exact, np.nan)
        if shown.shape != exact.shape or not np.allclose(
            shown, exact, rtol=1e-9, atol=1e-12, equal_nan=True
        ):
            self.error(f"wrong heatmap at {point}: {shown.tolist()} != {exact.tolist()}")
        else:
            self.stats.checked += 1

    # -- the learner ----------------------------------------------------------------------------

    def choose_knob(self, index: int) -> None:
        """Take hold of one knob (session ``index`` turns knob ``index % m``)."""
        version = next(iter(self.versions.values()), None)
        if version is None or not self.sliders:
            raise RuntimeError(f"{self.name}: the page shows no live chart or no knob slider")
        text, _, at = version.rpartition("@")
        f = self.function(text.split("|", 1)[0])
        if f is None:
            raise RuntimeError(f"{self.name}: the page's function cannot be read: {text[:80]!r}")
        self.variables, self.point = f.variables, [float(v) for v in at.split(",")]
        knobs = sorted(self.sliders.values(), key=lambda s: self.variables.index(s.name))
        self.knob = knobs[index % len(knobs)]

    def next_value(self, rng: random.Random) -> float:
        """A new position on the knob's grid, a few steps from where it is."""
        assert self.knob is not None
        data = self.knob.data
        low, high, step = float(data["low"]), float(data["high"]), float(data["step"])
        now = self.point[self.variables.index(self.knob.name)]
        while True:
            value = now + step * rng.choice([-5, -3, -2, -1, 1, 2, 3, 5])
            value = round(min(max(value, low), high), int(data.get("decimals", 2)))
            if value != now:
                return value


# --- a run ---------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Result(Stats):
    """What every learner of a run saw together, and what the server spent."""

    sessions: int
    rate: float
    seconds: float
    drag: int = DRAG
    no_route: bool = False
    hostile_errors: list[str] = field(default_factory=list)
    hostile_typed: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    rss_mb: tuple[float, float] = (0.0, 0.0)

    def add(self, name: str, stats: Stats) -> None:
        """Count one learner's ``stats`` in (its errors named after it)."""
        self.moves += stats.moves
        self.latencies_ms += stats.latencies_ms
        self.felt_ms += stats.felt_ms
        self.rest_ms += stats.rest_ms
        self.errors += [f"{name}: {e}" for e in stats.errors]
        self.bytes += stats.bytes
        self.checked += stats.checked
        self.drawn += stats.drawn
        self.route_replies += stats.route_replies
        self.commits += stats.commits
        self.late_commits += stats.late_commits

    @property
    def sent(self) -> int:
        return sum(m.sent is not None for m in self.moves)

    @property
    def answered(self) -> int:
        return sum(m.answered is not None for m in self.moves)

    @property
    def via(self) -> str:
        """How the moves went: over the moves route, or as script runs."""
        return "route" if self.route_replies else "runs"

    @property
    def commits_sent(self) -> int:
        return sum(c.sent is not None for c in self.commits)

    @property
    def commits_shown(self) -> int:
        return sum(c.answered is not None for c in self.commits)

    @property
    def answered_share(self) -> float:
        return self.answered / len(self.moves) if self.moves else 1.0

    @property
    def cpu_ms_per_move(self) -> float:
        return 1000 * self.cpu_s / self.sent if self.sent else math.nan

    @property
    def bytes_per_move(self) -> float:
        return self.bytes / self.sent if self.sent else math.nan

    def p(self, q: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies_ms if values is None else values)
        if not values:
            return math.nan
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    def floors(self) -> list[tuple[str, str, bool]]:
        return [
            ("p95", f"{self.p(0.95):.0f} ms ≤ {FLOOR_P95_MS:.0f}", self.p(0.95) <= FLOOR_P95_MS),
            ("answered", f"{self.answered_share:.1%} ≥ 99%", self.answered_share >= FLOOR_ANSWERED),
            ("errors", f"{len(self.errors)} = 0", not self.errors),
            ("CPU/move", f"{self.cpu_ms_per_move:.1f} ms ≤ 8",
             self.cpu_ms_per_move <= FLOOR_CPU_MS),
            ("bytes/move", f"{self.bytes_per_move / 1024:.1f} KB ≤ 8",
             self.bytes_per_move <= FLOOR_BYTES),
        ]  # fmt: skip

    @property
    def passed(self) -> bool:
        return all(ok for _, _, ok in self.floors())


def check_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SystemExit(f"load.py only loads loopback servers (http://127.0.0.1:PORT): {url!r}")
    return f"http://{parts.netloc}"


async def _open(session: Session, deadline: float) -> asyncio.Task[None]:
    await session.open()
    reader = asyncio.create_task(session.read())
    await asyncio.wait_for(session.loaded.wait(), timeout=max(1.0, deadline - time.monotonic()))
    await session.route_ready(deadline - time.monotonic())  # as a browser's, open by the first drag
    return reader


async def open_as_a_class(sessions: Sequence[Session], deadline: float) -> list[asyncio.Task[None]]:
    """Open the sessions a few at a time, as a class arrives (a page's first run is the heavy
    one); their readers."""
    readers: list[asyncio.Task[None]] = []
    for start in range(0, len(sessions), 5):
        batch = sessions[start : start + 5]
        readers += await asyncio.gather(*(_open(s, deadline) for s in batch))
    return readers


async def _learner(session: Session, rate: float, until: float, seed: int, drag: int) -> None:
    """Drag ``drag`` moves at ``rate`` a second, rest (the slider commits), drag again."""
    rng = random.Random(seed)
    rest = max(1 / rate, (COMMIT_MS + REST_MARGIN_MS) / 1000)
    moved = rng.randrange(drag)  # learners do not drag or rest in step
    await asyncio.sleep(rng.uniform(0, 1 / rate))
    while time.perf_counter() < until and not session.closed:
        session.move(session.next_value(rng))
        moved += 1
        await asyncio.sleep(rest if moved % drag == 0 else 1 / rate)


def _settled(session: Session) -> bool:
    """Every move answered, and the last drag's commit sent and shown."""
    return (
        all(m.answered is not None for m in session.stats.moves)
        and session.commit_timer is None
        and not session.commit_due
        and all(c.answered is not None for c in session.stats.commits)
    )


async def _hostile(session: Session, until: float) -> None:
    texts = iter(HEAVY_INPUTS * 1000)
    while time.perf_counter() < until and not session.closed:
        session.type_text("Your function f", next(texts))
        session.typed += 1
        await asyncio.sleep(HOSTILE_EVERY_S)


def bounded(
    sessions: int, rate: float, seconds: float, *, fewest: int = 1, shortest: float = 1.0
) -> tuple[int, float, float]:
    """A run's learners, moves a second and length within the generator's bounds: the traffic
    it sends (to loopback only) stays bounded whatever it is asked for."""
    return (
        max(fewest, min(sessions, MAX_SESSIONS)),
        max(MIN_RATE, min(rate, MAX_RATE)),
        max(shortest, min(seconds, MAX_SECONDS)),
    )


async def run_load(
    base_url: str,
    *,
    sessions: int,
    rate: float,
    seconds: float,
    page: str = "",
    query: str = "",
    hostile: bool = False,
    pids: list[int] | None = None,
    drag: int = DRAG,
    no_route: bool = False,
) -> Result:
    """Load ``base_url`` with ``sessions`` learners dragging ``drag`` moves at ``rate`` a second
    and resting between drags; over the page's moves route unless ``no_route``."""
    sessions, rate, seconds = bounded(sessions, rate, seconds)
    drag = max(1, min(drag, MAX_DRAG))
    port = urllib.parse.urlsplit(base_url).port or 80
    learners = [Session(base_url, page, query, f"s{i}", no_route=no_route) for i in range(sessions)]
    readers: list[asyncio.Task[None]] = []
    hostile_session: Session | None = None
    result = Result(sessions=sessions, rate=rate, seconds=seconds, drag=drag, no_route=no_route)
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    try:
        readers += await open_as_a_class(learners, deadline)
        if hostile:
            hostile_session = Session(base_url, page, query, "hostile", no_route=no_route)
            readers.append(await _open(hostile_session, deadline))
        # Before the clock starts: a process's first reading of the page's function holds this
        # event loop (every session's) for a second or two.
        for i, session in enumerate(learners):
            session.choose_knob(i)
        watched = server_pids(port, pids)
        await asyncio.sleep(0.5)
        rss_before, cpu_before = rss_mb(watched), cpu_seconds(watched)
        for session in learners:
            session.counting = True
        start = time.perf_counter()
        until = start + seconds
        jobs = [_learner(s, rate, until, seed=i, drag=drag) for i, s in enumerate(learners)] + (
            [_hostile(hostile_session, until)] if hostile_session else []
        )
        await asyncio.gather(*jobs)
        # The last moves' answers, and the last drags' commits (their CPU is counted too).
        grace = time.perf_counter() + GRACE_S + COMMIT_MS / 1000
        while time.perf_counter() < grace and not all(_settled(s) for s in learners):
            await asyncio.sleep(0.05)
        result.wall_s = time.perf_counter() - start
        watched = server_pids(port, pids)  # workers may have ended or started meanwhile
        result.cpu_s = cpu_seconds(watched) - cpu_before
        result.rss_mb = (rss_before, rss_mb(watched))
        for session in learners:
            session.counting = False
            result.add(session.name, session.stats)
        if hostile_session is not None:
            result.hostile_errors = list(hostile_session.stats.errors)
            result.hostile_typed = hostile_session.typed
    finally:
        everyone = learners + ([hostile_session] if hostile_session is not None else [])
        await asyncio.gather(*(s.close() for s in everyone), return_exceptions=True)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return result


async def run_churn(
    base_url: str,
    count: int,
    *,
    page: str = "",
    query: str = "",
    pids: list[int] | None = None,
    settle_s: float = 0.0,
    no_route: bool = False,
) -> dict[str, float]:
    """Open ``count`` sessions one after another (each loads the page and moves its knob once),
    close them, and report the server's RSS before, right after, and ``settle_s`` later."""
    count = max(1, min(count, MAX_CHURN))
    port = urllib.parse.urlsplit(base_url).port or 80
    before = -1.0
    watched: list[int] = []
    for i in range(-WARM_UP_SESSIONS, count):
        if i == 0:  # measured once the page has been served: imports, workers and caches are up
            watched = server_pids(port, pids)
            before = rss_mb(watched)
        session = Session(base_url, page, query, f"c{i}", no_route=no_route)
        reader = await _open(session, time.monotonic() + LOAD_TIMEOUT_S)
        session.choose_knob(i)
        session.move(session.next_value(random.Random(i)))
        for _ in range(100):
            if session.stats.moves[-1].answered is not None:
                break
            await asyncio.sleep(0.02)
        await session.close()
        reader.cancel()
        if session.stats.errors:
            raise RuntimeError(f"churn session {i}: {session.stats.errors[:3]}")
    after = rss_mb(watched)
    await asyncio.sleep(settle_s)
    return {"before": before, "after": after, "settled": rss_mb(watched)}


# --- command line --------------------------------------------------------------------------------


@contextmanager
def server(url: str | None, extra: list[str]) -> Iterator[str]:
    """The target: ``url`` (loopback only), or a server of our own on a free port, serving
    ``asgi.py`` (the app with its moves route, as deployed)."""
    if url:
        yield check_target(url)
        return
    with ExitStack() as stack:
        own, _process = stack.enter_context(start_streamlit("asgi.py", extra))
        yield own


def table(results: list[Result]) -> str:
    head = (f"{'sessions':>8} {'rate/s':>6} {'via':>5} {'moves':>6} {'sent':>6} {'drawn':>6} "
            f"{'route':>6} {'commits':>9} {'answered':>9} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'felt p95':>8} {'rest p50':>8} {'CPU ms/move':>11} "
            f"{'KB/move':>8} {'errors':>6} {'RSS MB':>13}")  # fmt: skip
    rows = [head, "-" * len(head)]
    for r in results:
        commits = f"{r.commits_shown}/{r.commits_sent}"
        rows.append(
            f"{r.sessions:>8} {r.rate:>6g} {r.via:>5} {len(r.moves):>6} {r.sent:>6} {r.drawn:>6} "
            f"{r.route_replies:>6} {commits:>9} {r.answered_share:>9.1%} "
            f"{r.p(0.5):>7.0f} {r.p(0.95):>7.0f} {r.p(0.95, r.felt_ms):>8.0f} "
            f"{r.p(0.5, r.rest_ms):>8.0f} "
            f"{r.cpu_ms_per_move:>11.1f} {r.bytes_per_move / 1024:>8.1f} {len(r.errors):>6} "
            f"{r.rss_mb[0]:>6.0f}→{r.rss_mb[1]:<6.0f}"
        )
    return "\n".join(rows)


def summary(result: Result) -> str:
    parts = [f"{name} {text} {'ok' if ok else 'MISSED'}" for name, text, ok in result.floors()]
    verdict = "PASS" if result.passed else "FAIL"
    how = f"drags of {result.drag} at {result.rate:g}/s via {result.via}"
    return f"{verdict}: {result.sessions} sessions, {how}: " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one")
    parser.add_argument(
        "--sessions",
        type=int,
        nargs="+",
        default=[10],
        help=f"simulated learners (several: one run each; at most {MAX_SESSIONS})",
    )
    parser.add_argument("--rate", type=float, default=5.0, help="knob moves a second per learner")
    parser.add_argument(
        "--drag",
        type=int,
        default=DRAG,
        help=f"moves per drag; the learner then rests {COMMIT_MS + REST_MARGIN_MS} ms (the "
        "slider commits the value to Streamlit) and drags again",
    )
    parser.add_argument(
        "--no-route",
        action="store_true",
        help="ignore the page's moves route: every move goes to Streamlit as a script run",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help=f"at most {MAX_SECONDS:g}")
    parser.add_argument("--page", default="", help="the page's URL path, e.g. Rate_of_change")
    parser.add_argument("--query", default="", help="the page's query string, e.g. f=x%%5E2")
    parser.add_argument(
        "--hostile", action="store_true", help="one more session types a heavy input every 2 s"
    )
    parser.add_argument(
        "--pid",
        type=int,
        action="append",
        help="server processes to measure (default: whoever listens on the port)",
    )
    parser.add_argument(
        "--churn",
        type=int,
        metavar="N",
        help="memory: open and close N sessions, report the server's RSS",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="--churn: seconds to wait before the last RSS reading",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra `streamlit run` argument for the server started here",
    )
    parser.add_argument("--errors", type=int, default=5, help="how many errors to print")
    args = parser.parse_args(argv)
    if args.seconds > MAX_SECONDS or max(args.sessions) > MAX_SESSIONS:
        parser.error(f"at most {MAX_SESSIONS} sessions and {MAX_SECONDS:g} s")
    if not 1 <= args.drag <= MAX_DRAG:
        parser.error(f"--drag: 1 to {MAX_DRAG} moves")
    with server(args.url, args.server_arg) as base_url:
        if args.churn:
            rss = asyncio.run(
                run_churn(
                    base_url,
                    args.churn,
                    page=args.page,
                    query=args.query,
                    pids=args.pid,
                    settle_s=args.settle,
                    no_route=args.no_route,
                )
            )
            grown = rss["settled"] - rss["before"]
            ok = grown <= FLOOR_CHURN_MB
            print(
                f"{'PASS' if ok else 'FAIL'}: {args.churn} sessions opened and closed: server "
                f"RSS {rss['before']:.0f} MB -> {rss['after']:.0f} MB right after -> "
                f"{rss['settled']:.0f} MB after {args.settle:g} s (+{grown:.0f} MB, floor "
                f"{FLOOR_CHURN_MB:.0f})"
            )
            return 0 if ok else 1
        results = []
        for n in args.sessions:
            result = asyncio.run(
                run_load(
                    base_url,
                    sessions=n,
                    rate=args.rate,
                    seconds=args.seconds,
                    page=args.page,
                    query=args.query,
                    hostile=args.hostile,
                    pids=args.pid,
                    drag=args.drag,
                    no_route=args.no_route,
                )
            )
            results.append(result)
            for error in result.errors[: args.errors]:
                print("error:", error)
            if args.hostile:
                print(
                    f"hostile session: {result.hostile_typed} heavy inputs typed, "
                    f"{len(result.hostile_errors)} errors {result.hostile_errors[:1]}"
                )
        print(table(results))
        for result in results:
            print(summary(result))
            if result.late_commits:
                print(
                    f"note: {result.late_commits} commits waited for a route reply slower than "
                    f"{COMMIT_MS} ms (the slider commits once the route has nothing on its way)"
                )
        return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
