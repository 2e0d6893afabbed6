"""Server settings Streamlit 1.67 has no option for, applied once per server process.

**TCP_NODELAY on the websocket connections.** Streamlit binds its listening socket as
``socket.socket(family)``, so the socket's ``proto`` reads 0, and asyncio turns Nagle's
algorithm off on accepted connections only when ``sock.proto == IPPROTO_TCP``
(``asyncio.base_events._set_nodelay``). Every websocket therefore had Nagle on: a small message
(the end of a rerun, a slider's value) written while an earlier one is still unacknowledged
waited for the browser's delayed ACK, up to 40 ms on Linux. No server option sets it
(``streamlit config show``; uvicorn has none either). So, once per process:

- asyncio's ``_set_nodelay`` is replaced by one that also takes TCP sockets created with proto
  0 (what it does for every connection accepted from then on);
- the TCP sockets already open in the process (the listening socket, whose option accepted
  connections inherit on Linux, and the connections accepted before the first run) get
  TCP_NODELAY directly (Linux: found through ``/proc/self/fd``; elsewhere skipped).

**The theme part of every run's first message, built once.** Every script run, a knob move's
fragment run too, starts with a new-session message carrying the theme; Streamlit rebuilds it
from the config each time, scanning all ~370 options once per theme section (six sections):
about 0.6 ms of the server's event loop a move. ``_populate_theme_msg`` is memoised per section
and forgotten whenever the config is parsed again (``config.on_config_parsed``: an edited
config.toml); theme options cannot be set while running, so nothing else changes it.

**The config files polled every 2 s, not every 0.2 s.** Streamlit watches its config.toml files
by polling from a thread pool, whatever ``server.fileWatcherType`` says: about a third of an
idle server's CPU (one learner connected, between moves). A classroom server's config does not
change; an edited one is still picked up, within 2 s.

**uvicorn's main loop wakes twice a second, not ten times.** uvicorn's ``Server.main_loop``
sleeps 0.1 s between ticks, checking whether to exit and refreshing the HTTP Date header each
tenth tick; it has no option for that period. Ten wakes a second were about half of an idle
server's CPU (2.3 of 4.3 ms/s with one learner connected): 0.4 ms a move with one learner at 5
moves/s, twice that on two replicas. ``uvicorn.server`` sees ``asyncio`` through a module whose
``sleep`` makes main_loop's 0.1 s sleep ``SERVER_TICK_S`` (only that one: the shutdown's own
waits are left at 0.1 s). So a stopping server notices within 0.5 s instead of 0.1 s, and the
Date header is refreshed every 5 s instead of every second (it has one-second resolution and
nothing here reads it).

Idempotent; ``tune_server`` is called from the frame's ``setup_page`` (``ui/page.py``). Checked
by tests/test_server_tuning.py (TCP_NODELAY on a live server, the theme against Streamlit's own,
uvicorn's ticks counted on a real server); measured by ``bench/load.py`` (see the README).
"""

from __future__ import annotations

import asyncio.base_events
import contextlib
import os
import socket
import sys
import threading
import types
from pathlib import Path
from typing import Any

import uvicorn.server
from streamlit import config
from streamlit.runtime import app_session
from streamlit.watcher import polling_path_watcher

#: How often Streamlit's config files are polled for changes (Streamlit's own: 0.2 s).
CONFIG_POLL_S = 2.0
#: How often uvicorn's main loop wakes (uvicorn's own: every 0.1 s).
SERVER_TICK_S = 0.5
#: The sleep between uvicorn's ticks, as its main loop has it.
UVICORN_TICK_S = 0.1

_lock = threading.Lock()


def _is_tcp(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's _set_nodelay, without requiring ``proto == IPPROTO_TCP`` (0 is TCP too)."""
    if _is_tcp(sock):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


_set_nodelay.knobs_patch = True  # type: ignore[attr-defined]


def _open_tcp_sockets_nodelay() -> int:
    """Set TCP_NODELAY on every TCP socket open in this process now; how many were set."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return 0
    count = 0
    for entry in list(fds.iterdir()):
        try:
            if not os.readlink(entry).startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(int(entry.name)))
        except (OSError, ValueError):
            continue
        with sock:  # closes the duplicate only; the option belongs to the shared socket
            if _is_tcp(sock):
                _set_nodelay(sock)
                count += 1
    return count


def tcp_nodelay() -> bool:
    """Turn Nagle's algorithm off for the server's connections; True if it was done just now."""
    with _lock:
        if getattr(asyncio.base_events._set_nodelay, "knobs_patch", False):
            return False
        asyncio.base_events._set_nodelay = _set_nodelay  # type: ignore[assignment]
        _open_tcp_sockets_nodelay()
        return True


_UNBUILT = object()


def _memoised_theme(populate: Any) -> Any:
    """``populate`` (Streamlit's ``_populate_theme_msg``) remembered per section."""
    built: dict[str, Any] = {}

    def populate_theme_msg(msg: Any, section: str = "theme") -> None:
        theme = built.get(section, _UNBUILT)  # one read: forget() may run in another thread
        if theme is _UNBUILT:
            fresh = type(msg)()
            populate(fresh, section)
            theme = built[section] = fresh if fresh.ListFields() else None
        if theme is not None:  # merging even an empty one would mark msg as set
            msg.MergeFrom(theme)  # what populate would set, and nothing else

    populate_theme_msg.knobs_patch = True  # type: ignore[attr-defined]
    populate_theme_msg.original = populate  # type: ignore[attr-defined]
    populate_theme_msg.forget = built.clear  # type: ignore[attr-defined]
    return populate_theme_msg


def theme_built_once() -> bool:
    """Build the new-session message's theme once per config; True if it was done just now."""
    with _lock:
        if getattr(app_session._populate_theme_msg, "knobs_patch", False):
            return False
        memoised = _memoised_theme(app_session._populate_theme_msg)
        app_session._populate_theme_msg = memoised
        config.on_config_parsed(memoised.forget, force_connect=True)
        return True


class _SlowTicks(types.ModuleType):
    """``asyncio`` as ``uvicorn.server`` sees it: everything asyncio's own, except that
    ``Server.main_loop``'s sleep between ticks lasts ``SERVER_TICK_S``."""

    knobs_patch = True

    def __init__(self) -> None:
        super().__init__("asyncio", "asyncio, with uvicorn's main loop ticking slower")

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    def sleep(delay: float, result: Any = None) -> Any:
        # Only main_loop's own call: it is the caller's frame (a coroutine calling sleep).
        if delay == UVICORN_TICK_S and sys._getframe(1).f_code is _MAIN_LOOP_CODE:
            delay = SERVER_TICK_S
        return asyncio.sleep(delay, result)


_MAIN_LOOP_CODE = uvicorn.server.Server.main_loop.__code__


def slow_server_ticks() -> bool:
    """Let uvicorn's main loop tick every ``SERVER_TICK_S``; True if it was done just now.

    Takes effect from the running loop's next tick: it looks ``asyncio`` up in its module's
    globals each time.
    """
    with _lock:
        if getattr(uvicorn.server.asyncio, "knobs_patch", False):
            return False
        uvicorn.server.asyncio = _SlowTicks()  # type: ignore[assignment]
        return True


def tune_server() -> None:
    """Everything above, once per process."""
    tcp_nodelay()
    theme_built_once()
    slow_server_ticks()
    setattr(polling_path_watcher, "_POLLING_PERIOD_SECS", CONFIG_POLL_S)  # noqa: B010 (a Final)
