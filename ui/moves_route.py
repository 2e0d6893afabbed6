"""A knob's drag answered without a script run: the moves route.

Why. A knob move answered by a Streamlit script run costs the server 8 to 11 ms of CPU with
one learner (``bench/load.py``), most of it Streamlit's own (a bare fragment rerun costs 4.6
ms); answered here, with the same heatmap, outputs and readings, it costs 2.5 ms (one commit's
run a drag included: 3.5 to 4 ms a move).
So while a knob is being dragged, the page's sliders send each move over a websocket of our
own, ``MOVES_PATH``, mounted beside Streamlit's by ``asgi.py`` (``st.App(routes=...)``), and
its reply carries exactly the data the page's components would be given by a script run; they
draw it in place. When the knob rests (``COMMIT_MS`` after its last move) the slider sends its
value to Streamlit as before: one script run writes the URL and the session's state and draws
the same data (``ui/knob_slider.py``).

How a page offers it. In its run, a page that can answer a move without Streamlit calls
:func:`offer` with its knobs' ranges and a pure ``parts(point)`` (what each of its route-fed
components shows at ``point``: ``{component key: data}``), and hands the token it gets to its
sliders. The token is random (128 bits), one per session and page, and names the newest offer:
the page's next run replaces it (a new function, new ranges). The registry is bounded
(``MAX_OFFERS``, least recently used dropped first); a dropped or unknown token is refused and
the sliders go back to script runs.

What the route trusts: nothing. A frame is at most ``MAX_FRAME`` characters of JSON,
``{"t": token, "n": move number, "p": [one number per knob]}``; each number must be finite and
is clamped to its knob's range, as ``ui.knobs.knob_values`` clamps a slider's move. Anything
else closes the socket. One move is answered at a time per socket, at most ``MAX_RATE`` a
second, in a worker thread (the server's event loop keeps serving everyone else).
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

#: Where the route is mounted (under ``server.baseUrlPath``, like Streamlit's own).
MOVES_PATH = "/knobs/moves"
#: How long a knob rests before its value goes to Streamlit (the URL, the session's state).
COMMIT_MS = 300
#: A move's frame: a token, a number, a few knobs' values (16 knobs at most, short numbers).
MAX_FRAME = 1024
MAX_KNOBS = 16
MAX_TOKEN = 64
#: Offers kept: a classroom's sessions, each with a page or two open.
MAX_OFFERS = 1024
#: Moves answered per second and socket, at most (a slider sends one at a time anyway).
MAX_RATE = 60.0
#: Close codes: a frame that is not a move; a token this server does not know (any longer).
POLICY = 1008
UNKNOWN = 4404

Parts = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Offer:
    """What a page answers moves with: its knobs' ranges ((low, high), in its sliders' order),
    and what its route-fed components show at a point."""

    ranges: tuple[tuple[float, float], ...]
    parts: Callable[[np.ndarray], Parts]


class Refused(ValueError):
    """A frame the route does not answer; ``code`` closes the socket."""

    def __init__(self, why: str, code: int = POLICY) -> None:
        super().__init__(why)
        self.code = code


class _Offers:
    """Token -> the newest offer of one session's page; bounded, least recently used first out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._offers: OrderedDict[str, Offer] = OrderedDict()
        self._tokens: dict[tuple[str, str], str] = {}  # (session, page) -> token
        self._lock = threading.Lock()

    def offer(self, session: str, page: str, offer: Offer) -> str:
        with self._lock:
            token = self._tokens.get((session, page))
            if token is None or token not in self._offers:
                token = secrets.token_urlsafe(16)
                self._tokens[session, page] = token
            self._offers[token] = offer
            self._offers.move_to_end(token)
            while len(self._offers) > self.size:
                dropped, _ = self._offers.popitem(last=False)
                self._tokens = {k: t for k, t in self._tokens.items() if t != dropped}
            return token

    def get(self, token: str) -> Offer | None:
        with self._lock:
            offer = self._offers.get(token)
            if offer is not None:
                self._offers.move_to_end(token)
            return offer

    def withdraw(self, session: str, page: str) -> None:
        with self._lock:
            token = self._tokens.pop((session, page), None)
            if token is not None:
                self._offers.pop(token, None)

    def __len__(self) -> int:
        return len(self._offers)


OFFERS = _Offers(MAX_OFFERS)
#: Set by ``asgi.py`` when the route is mounted in this server: only then are tokens handed out
#: (under ``streamlit run app.py`` or AppTest the sliders never try the route).
_mounted = False


def mount() -> None:
    global _mounted
    _mounted = True


@dataclass(frozen=True)
class Move:
    """One move as a frame asks for it, checked: its number and the knobs' values, clamped."""

    n: int
    point: np.ndarray


def read_move(frame: str, offer_of: Callable[[str], Offer | None]) -> tuple[Move, Offer]:
    """The move a frame asks for and the offer that answers it; :class:`Refused` otherwise."""
    if len(frame) > MAX_FRAME:
        raise Refused("frame too long")
    try:
        message = json.loads(frame)
    except ValueError as error:
        raise Refused("not JSON") from error
    if not isinstance(message, dict) or set(message) != {"t", "n", "p"}:
        raise Refused("not a move")
    token, n, values = message["t"], message["n"], message["p"]
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        raise Refused("bad token")
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 2**53:
        raise Refused("bad move number")
    if not isinstance(values, list) or not 0 < len(values) <= MAX_KNOBS:
        raise Refused("bad knob values")
    offer = offer_of(token)
    if offer is None:
        raise Refused("unknown token", UNKNOWN)
    if len(values) != len(offer.ranges):
        raise Refused("wrong number of knobs")
    point = []
    for value, (low, high) in zip(values, offer.ranges, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refused("a knob value is not a number")
        if not math.isfinite(value):
            raise Refused("a knob value is not finite")
        point.append(min(max(float(value), low), high))
    return Move(n, np.array(point)), offer


def answer(frame: str, offer_of: Callable[[str], Offer | None] | None = None) -> str:
    """The reply to one frame: ``{"n": n, "parts": {key: data}}`` as JSON (offers looked up in
    ``offer_of``, by default this server's)."""
    move, offer = read_move(frame, offer_of or OFFERS.get)
    return json.dumps({"n": move.n, "parts": offer.parts(move.point)}, separators=(",", ":"))


def _same_origin(websocket: WebSocket) -> bool:
    """A browser names the page's origin; a page of another site may not use the route."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser (bench/load.py): the token is what is checked
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


async def moves_endpoint(websocket: WebSocket) -> None:
    """The route: answer each frame in turn, or close the socket on the first bad one."""
    if not _same_origin(websocket):
        await websocket.close(code=POLICY)
        return
    await websocket.accept()
    last = 0.0
    try:
        while True:
            frame = await websocket.receive_text()
            wait = last + 1 / MAX_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            last = time.monotonic()
            try:
                reply = await asyncio.to_thread(answer, frame)
            except Refused as refused:
                await websocket.close(code=refused.code, reason=str(refused))
                return
            await websocket.send_text(reply)
    except (WebSocketDisconnect, KeyError, RuntimeError):
        return  # gone (KeyError/RuntimeError: a binary frame, or a send after the close)


def offer(session: str, page: str, ranges: Sequence[tuple[float, float]],
          parts: Callable[[np.ndarray], Parts]) -> str | None:  # fmt: skip
    """Offer a page's moves to the route; its token, or None where no route is mounted."""
    if not _mounted:
        return None
    return OFFERS.offer(session, page, Offer(tuple(ranges), parts))


def withdraw(session: str, page: str) -> None:
    """The page answers moves by script runs again (a view the route does not draw)."""
    OFFERS.withdraw(session, page)
