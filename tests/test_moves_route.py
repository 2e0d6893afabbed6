"""The moves route (``ui/moves_route.py``): a knob's drag answered without a script run.

What a learner would notice: a drag that shows other numbers than the page's own run would at
the same knobs (the route and the page disagree); a hostile frame that crashes or slows the
server, or reaches another session's function; a session's offer that outlives the bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from streamlit.testing.v1 import AppTest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from calculus import parse_function
from tests.conftest import open_page
from tests.knobs import turn_knob
from tests.oracle import central_jacobian
from ui import moves_route
from ui.knob_machine import HEATMAP_KEY, OUTPUTS_KEY, READINGS_KEY
from ui.knob_slider import KNOB_SLIDERS
from ui.moves_route import (
    MAX_FRAME,
    POLICY,
    UNKNOWN,
    Offer,
    Refused,
    _Offers,
    answer,
    read_move,
)

TOKEN = "t0"


def _offer(parts: Any = None) -> Offer:
    return Offer(((-3.0, 3.0), (0.0, 1.0)), parts or (lambda point: {"k": {"at": point.tolist()}}))


def _frame(**changes: Any) -> str:
    return json.dumps({"t": TOKEN, "n": 1, "p": [0.5, 0.5], **changes})


OFFERS = {TOKEN: _offer()}.get


def test_a_move_is_answered_with_its_number_and_each_knob_clamped_to_its_range() -> None:
    reply = json.loads(answer(_frame(n=7, p=[9.5, -2]), OFFERS))
    assert reply == {"n": 7, "parts": {"k": {"at": [3.0, 0.0]}}}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("x" * (MAX_FRAME + 1), POLICY),
        ("{not json", POLICY),
        ("[1, 2]", POLICY),
        (_frame(extra=1), POLICY),
        (json.dumps({"t": TOKEN, "p": [1, 1]}), POLICY),
        (_frame(t=5), POLICY),
        (_frame(t=""), POLICY),
        (_frame(t="x" * 65), POLICY),
        (_frame(n=True), POLICY),
        (_frame(n=-1), POLICY),
        (_frame(n=2**53), POLICY),
        (_frame(n=1.5), POLICY),
        (_frame(p="0.5,0.5"), POLICY),
        (_frame(p=[]), POLICY),
        (_frame(p=[0.5] * 17), POLICY),
        (_frame(p=[0.5]), POLICY),  # too few for the offer's two knobs
        (_frame(p=[0.5, 0.5, 0.5]), POLICY),
        (_frame(p=[True, 0.5]), POLICY),
        (_frame(p=["1", 0.5]), POLICY),
        (_frame(p=[None, 0.5]), POLICY),
        (_frame(p=[0.5, [1]]), POLICY),
        ('{"t": "t0", "n": 1, "p": [NaN, 0.5]}', POLICY),
        ('{"t": "t0", "n": 1, "p": [Infinity, 0.5]}', POLICY),
        ('{"t": "t0", "n": 1, "p": [1e999, 0.5]}', POLICY),
        (_frame(t="someone-elses"), UNKNOWN),
    ],
)
def test_a_frame_that_is_not_a_move_of_a_known_offer_is_refused(frame: str, code: int) -> None:
    with pytest.raises(Refused) as refused:
        read_move(frame, OFFERS)
    assert refused.value.code == code


def test_a_sessions_page_keeps_its_token_and_its_newest_offer_answers() -> None:
    offers = _Offers(8)
    first = offers.offer("s1", "knob", _offer(lambda p: {"k": {"v": 1}}))
    again = offers.offer("s1", "knob", _offer(lambda p: {"k": {"v": 2}}))
    other = offers.offer("s2", "knob", _offer())
    assert first == again and other != first
    assert len(first) >= 22  # 128 random bits, base64
    assert json.loads(answer(_frame(t=first), offers.get))["parts"] == {"k": {"v": 2}}
    offers.withdraw("s1", "knob")
    with pytest.raises(Refused) as refused:
        answer(_frame(t=first), offers.get)
    assert refused.value.code == UNKNOWN
    assert offers.get(other) is not None


def test_offers_are_bounded_and_the_least_recently_used_goes_first() -> None:
    offers = _Offers(3)
    tokens = [offers.offer(f"s{i}", "knob", _offer()) for i in range(3)]
    assert offers.get(tokens[0]) is not None  # used: now the most recent
    newest = offers.offer("s3", "knob", _offer())
    assert len(offers) == 3
    assert offers.get(tokens[1]) is None  # the least recently used went
    assert all(offers.get(t) is not None for t in (tokens[0], tokens[2], newest))
    # Its session's next offer gets a new token: the old one is not revived.
    assert offers.offer("s1", "knob", _offer()) != tokens[1]


# --- the home page's offer: the route shows what the page's own run shows ----------------------


def _component_data(at: AppTest, key: str) -> dict[str, Any]:
    for element in at.get("bidi_component"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.json)
    raise AssertionError(f"no component {key!r}")


def _token(at: AppTest) -> str | None:
    (sliders,) = [e for e in at.get("bidi_component") if e.proto.component_name == KNOB_SLIDERS]
    route = json.loads(sliders.proto.json)["route"]
    return None if route is None else route["token"]


@pytest.fixture
def mounted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moves_route, "_mounted", True)


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("x1 x2^2, sqrt(x2 x3), x1 + x3", [2.0, -0.5, 1.25]),  # y2 undefined: its reason
        ("relu(x) + abs(y), x y", [0.0, 0.0]),  # kinks
        ("x^2 y, sin(x) + y^3", [-1.5, 2.0]),  # a square Jacobian: det J
    ],
)
def test_the_routes_answer_is_what_the_pages_run_draws_at_the_same_knobs(
    mounted: None, text: str, point: list[float]
) -> None:
    at = open_page("app.py", f=text)
    token = _token(at)
    assert token is not None, "the home page offers its moves to the route"
    reply = json.loads(answer(json.dumps({"t": token, "n": 3, "p": point})))
    assert reply["n"] == 3
    f = parse_function(text)
    for name, value in zip(f.variables, point, strict=True):
        turn_knob(at, f"knob_slider_{name}", value)
    assert not at.exception
    for key in (HEATMAP_KEY, OUTPUTS_KEY, READINGS_KEY):
        assert reply["parts"][key] == _component_data(at, key), key
    assert _token(at) == token  # one token per session and page: the sliders keep theirs


def test_the_routes_heatmap_agrees_with_central_differences(mounted: None) -> None:
    text = "x1 x2^2, sin(x2 x3), exp(x1) / (1 + x3^2)"
    at = open_page("app.py", f=text)
    point = [0.7, -1.3, 2.1]
    reply = json.loads(answer(json.dumps({"t": _token(at), "n": 1, "p": point})))
    spec = json.loads(reply["parts"][HEATMAP_KEY]["spec"])
    (trace,) = [t for t in spec["data"] if t.get("name") == "jacobian"]
    f = parse_function(text)
    numeric = central_jacobian(lambda p: f.at(p).values, point)
    np.testing.assert_allclose(np.array(trace["z"], dtype=float), numeric, rtol=1e-6, atol=1e-8)
    assert reply["parts"][HEATMAP_KEY]["version"].endswith("@0.7,-1.3,2.1")


def test_a_view_that_needs_script_runs_withdraws_the_offer(mounted: None) -> None:
    at = open_page("app.py")
    token = _token(at)
    assert token is not None
    at.segmented_control(key="look").set_value("Nudge check").run()
    assert not at.exception
    assert _token(at) is None, "the nudge check moves with the knobs: every move is a run"
    with pytest.raises(Refused):
        answer(json.dumps({"t": token, "n": 1, "p": [1, 1, 1]}))


def test_without_a_mounted_route_the_sliders_get_no_token() -> None:
    at = open_page("app.py")
    assert _token(at) is None


# --- the websocket itself, served by uvicorn as asgi.py serves it -------------------------------


@contextlib.contextmanager
def _served() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Starlette(routes=[WebSocketRoute(moves_route.MOVES_PATH, moves_route.moves_endpoint)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}{moves_route.MOVES_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def route(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """The route's URL on a server of its own, and a token it knows."""
    offers = _Offers(8)
    token = offers.offer("s", "knob", _offer())
    monkeypatch.setattr(moves_route, "OFFERS", offers)
    with _served() as url:
        yield url, token


def test_the_websocket_answers_moves_in_turn_and_closes_on_a_bad_frame(
    route: tuple[str, str],
) -> None:
    url, token = route

    async def talk() -> tuple[list[Any], int | None]:
        replies = []
        async with connect(url) as ws:
            for n, x in enumerate([0.25, -7.0, 2.5], start=1):
                await ws.send(json.dumps({"t": token, "n": n, "p": [x, 0.5]}))
                replies.append(json.loads(await ws.recv()))
            await ws.send(json.dumps({"t": token, "n": 4, "p": ["x", 0.5]}))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            return replies, closed.value.rcvd.code if closed.value.rcvd else None

    replies, code = asyncio.run(talk())
    assert [r["n"] for r in replies] == [1, 2, 3]
    assert [r["parts"]["k"]["at"][0] for r in replies] == [0.25, -3.0, 2.5]
    assert code == POLICY


def test_the_websocket_refuses_an_unknown_token_and_another_sites_page(
    route: tuple[str, str],
) -> None:
    url, _token = route

    async def unknown() -> int | None:
        async with connect(url) as ws:
            await ws.send(json.dumps({"t": "guessed", "n": 1, "p": [0.5, 0.5]}))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            return closed.value.rcvd.code if closed.value.rcvd else None

    async def cross_site() -> None:
        async with connect(url, additional_headers={"Origin": "https://elsewhere.example"}):
            pass

    assert asyncio.run(unknown()) == UNKNOWN
    with pytest.raises(Exception):  # noqa: B017 (refused at the handshake: 403 from the server)
        asyncio.run(cross_site())


def test_the_sliders_reach_the_route_under_the_servers_base_path(
    mounted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Served at /class/a (``server.baseUrlPath``), the route is at /class/a/knobs/moves."""
    import ui.chart_component as live

    get_option = live.st.get_option
    monkeypatch.setattr(
        live.st,
        "get_option",
        lambda key: "/class/a/" if key == "server.baseUrlPath" else get_option(key),
    )
    at = open_page("app.py")
    (sliders,) = [e for e in at.get("bidi_component") if e.proto.component_name == KNOB_SLIDERS]
    assert json.loads(sliders.proto.json)["route"]["url"] == "/class/a/knobs/moves"
