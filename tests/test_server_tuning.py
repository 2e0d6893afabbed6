"""Server settings Streamlit has no option for (ui/server_tuning.py).

The theme every run sends, built once per config, must be Streamlit's own and follow an edited
config.toml: a learner would see the wrong colours otherwise.

TCP_NODELAY on the server's websocket connections:

With Nagle's algorithm on, a small message sent while an earlier one is unacknowledged waits
for the browser's delayed ACK (up to 40 ms): a learner would see knob moves answered late.
The live test opens two sessions on a real server and reads the option on the server's own
sockets (Linux ``pidfd_getfd``: the test starts the server, so it may look at its sockets).
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import ctypes
import itertools
import os
import socket
import sys
import time
from pathlib import Path

import pytest
import uvicorn
from streamlit import config
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

from bench.load import Session
from tests.browser.harness import APP, start_streamlit
from ui.server_tuning import SERVER_TICK_S, slow_server_ticks, tcp_nodelay, theme_built_once

SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture (new syscall table)
THEME_SECTIONS = (
    "theme",
    "theme.light",
    "theme.dark",
    "theme.sidebar",
    "theme.light.sidebar",
    "theme.dark.sidebar",
)


def _theme(populate: object) -> CustomThemeConfig:
    """The theme as a new-session message carries it (app_session's order of sections)."""
    theme = CustomThemeConfig()
    targets = (
        theme,
        theme.light,
        theme.dark,
        theme.sidebar,
        theme.light.sidebar,
        theme.dark.sidebar,
    )
    for target, section in zip(targets, THEME_SECTIONS, strict=True):
        populate(target, section)  # type: ignore[operator]
    return theme


def test_the_theme_every_run_sends_is_streamlits_own_and_follows_an_edited_config() -> None:
    theme_built_once()
    assert theme_built_once() is False, "applied once per process"
    memoised = app_session._populate_theme_msg
    original = memoised.original  # type: ignore[attr-defined]
    assert _theme(memoised) == _theme(original)
    assert _theme(memoised).light.primary_color == "#1d4ed8"  # .streamlit/config.toml
    try:
        config._set_option("theme.light.primaryColor", "#b91c1c", "test: an edited config")
        config._on_config_parsed.send()  # what Streamlit does after parsing an edited file
        assert _theme(memoised).light.primary_color == "#b91c1c"
        assert _theme(memoised) == _theme(original)
    finally:
        config.get_config_options(force_reparse=True)
    assert _theme(memoised).light.primary_color == "#1d4ed8"


def test_asyncio_sets_nodelay_on_sockets_made_without_a_protocol_number() -> None:
    tcp_nodelay()
    assert tcp_nodelay() is False, "applied once per process"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # proto 0, as Streamlit's
        asyncio.base_events._set_nodelay(sock)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def _server_sockets(pid: int, port: int) -> dict[int, str]:
    """The server's TCP sockets on ``port``: fd -> 'listen' or 'established'."""
    states = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] in ("0A", "01"):
                states[f"socket:[{parts[9]}]"] = "listen" if parts[3] == "0A" else "established"
    found = {}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link in states:
            found[int(fd.name)] = states[link]
    return found


def _nodelay_of(pid: int, fd: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        mine = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
        if mine < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
        with socket.socket(fileno=mine) as sock:
            return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        os.close(pidfd)


async def _two_sessions_open(url: str) -> tuple[list[Session], list[asyncio.Task[None]]]:
    sessions, readers = [], []
    for name in ("first", "second"):  # the first run applies the tuning; the second is new
        session = Session(url, "", "", name)
        await session.open()
        readers.append(asyncio.create_task(session.read()))
        await asyncio.wait_for(session.loaded.wait(), timeout=90)
        sessions.append(session)
    return sessions, readers


@pytest.mark.live
@pytest.mark.skipif(sys.platform != "linux", reason="reads the server's sockets through /proc")
def test_a_live_servers_websockets_have_nagle_off() -> None:
    with start_streamlit(APP) as (url, process):
        port = int(url.rsplit(":", 1)[1])

        async def check() -> dict[int, tuple[str, int]]:
            sessions, readers = await _two_sessions_open(url)
            try:
                sockets = _server_sockets(process.pid, port)
                return {fd: (state, _nodelay_of(process.pid, fd)) for fd, state in sockets.items()}
            finally:
                for session in sessions:
                    await session.close()
                await asyncio.gather(*readers, return_exceptions=True)

        seen = asyncio.run(check())
    established = [nodelay for state, nodelay in seen.values() if state == "established"]
    assert len(established) >= 2, f"both websockets are open on the server: {seen}"
    assert all(established), f"a websocket with Nagle on (fd: (state, TCP_NODELAY)): {seen}"
    assert all(nodelay for state, nodelay in seen.values() if state == "listen"), seen


async def _hello(scope: dict, receive: object, send: object) -> None:
    """The smallest ASGI app: what a uvicorn server serves here does not matter."""


def test_uvicorns_main_loop_wakes_twice_a_second_and_the_server_still_stops_promptly() -> None:
    """An idle server's CPU went mostly to uvicorn waking ten times a second; a stopping server
    (Ctrl+C, a replica restarted by serve.sh) must still stop within a tick."""
    slow_server_ticks()
    assert not slow_server_ticks(), "applied once"
    ticks: list[float] = []

    class Counted(uvicorn.Server):
        async def on_tick(self, counter: int) -> bool:
            ticks.append(time.monotonic())
            return await super().on_tick(counter)

    server = Counted(uvicorn.Config(_hello, host="127.0.0.1", port=0, lifespan="off"))

    async def serve_then_stop() -> float:
        serving = asyncio.create_task(server.serve())
        await asyncio.sleep(2.2)
        server.should_exit = True
        asked = time.monotonic()
        await asyncio.wait_for(serving, timeout=5)
        return time.monotonic() - asked

    stopped_in = asyncio.run(serve_then_stop())
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert 3 <= len(ticks) <= 6, f"ticks 0.5 s apart, not 0.1 s: {len(ticks)} in 2.2 s"
    assert all(gap >= SERVER_TICK_S * 0.9 for gap in gaps), gaps
    assert stopped_in < SERVER_TICK_S + 1.0, f"stopped {stopped_in:.2f} s after being asked"
    assert asyncio.sleep is not uvicorn.server.asyncio.sleep, "only uvicorn.server's view changed"
