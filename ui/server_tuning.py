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

Idempotent; called from the frame's ``setup_page`` (``ui/page.py``). Checked on a live server by
tests/test_server_tuning.py; measured by ``bench/load.py`` (see the README).
"""

from __future__ import annotations

import asyncio.base_events
import contextlib
import os
import socket
import threading
from pathlib import Path

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
