"""Run a Streamlit script on a free port and drive it with Debian's headless Chromium.

Shared by the browser tests (``tests/browser/conftest.py``) and the browser benchmark, so it
imports neither pytest nor anything of the app. Import it as ``tests.browser.harness``; a script
outside pytest first puts the repo root on ``sys.path``.

Example::

    from playwright.sync_api import sync_playwright

    with start_streamlit(APP) as (url, _process), sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        wait_for_app_ready(page)

Hazards guarded here:

- Playwright's own browser download is never used (it cannot be fetched on our machines):
  ``launch_chromium`` always starts ``/usr/bin/chromium`` (``scripts/setup.sh --dev`` installs it).
- ``streamlit run`` starts helper processes; the server runs in its own process group and the whole
  group is ended, so no server outlives a test session.
- The server's output goes to a log file, not a pipe: a full pipe would stall the server. The tail
  of that log is part of the error when the server does not come up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
#: What ``scripts/start.sh`` serves: app.py with the moves route beside it (``asgi.py``).
APP = "asgi.py"
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
APP_READY_TIMEOUT_MS = 30_000

# What the Streamlit 1.67 frontend renders: the app root carries the script's run state
# ("initial", "running", "notRunning", "rerunRequested", "stopRequested", "compilationError")
# and the websocket state ("CONNECTED", ...) as attributes; the top-right status widget shows
# a running icon while a script runs.
APP_SELECTOR = '[data-testid="stApp"]'
APP_CONNECTED_SELECTOR = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
APP_IDLE_SELECTOR = (
    '[data-testid="stApp"][data-test-script-state="notRunning"], '
    '[data-testid="stApp"][data-test-script-state="compilationError"]'
)
RUNNING_SELECTOR = '[data-testid="stStatusWidgetRunningIcon"]'
EXCEPTION_SELECTOR = '[data-testid="stException"]'


def knob_slider(page: Any, label: str) -> Any:
    """The range input of the knob labelled ``label``, as plain text: 'x₁', 'θ'.

    A knob's slider (``ui/knob_slider.py``) is a native range input named by its label; the
    naive benchmark page's ``st.slider`` uses the same plain labels.
    """
    return page.locator(f'input[type="range"][aria-label="{label}"]')


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python() -> str:
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def _log_tail(log_path: Path, limit: int = 4000) -> str:
    try:
        return log_path.read_text(errors="replace")[-limit:]
    except OSError:
        return "(no server log)"


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    health = f"{url}/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before answering {health}.\n"
                f"Server log ({log_path}):\n{_log_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(
        f"streamlit did not answer {health} with 'ok' within {timeout:.0f} s.\n"
        f"Server log ({log_path}):\n{_log_tail(log_path)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the server's whole process group: SIGTERM, then SIGKILL after STOP_TIMEOUT_S."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT_S)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def start_streamlit(
    script: str = APP,
    extra_args: Sequence[str] = (),
    *,
    port: int | None = None,
    timeout: float = STARTUP_TIMEOUT_S,
    log_path: str | os.PathLike[str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve ``script`` (a path relative to the repo root, or absolute) with ``streamlit run``.

    Yields ``(url, process)`` once ``<url>/_stcore/health`` answers "ok", e.g.
    ``("http://127.0.0.1:40123", <Popen>)``; stops the server's process group on exit.
    ``extra_args`` are appended to the command line (e.g. ``["--server.fileWatcherType", "none"]``).
    The server log goes to ``log_path`` (default: a temporary file that is kept for inspection).
    Raises ``RuntimeError`` if the server exits early and ``TimeoutError`` if it stays silent for
    ``timeout`` seconds; both messages end with the tail of the server log.
    """
    port = free_port() if port is None else port
    url = f"http://127.0.0.1:{port}"
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix=f"knobs-streamlit-{port}-", suffix=".log")
        os.close(fd)
        log_file = Path(name)
    else:
        log_file = Path(log_path)
    command = [
        _python(), "-m", "streamlit", "run", str(script),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        *extra_args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, ended as a whole by _stop
        )
    try:
        _wait_healthy(url, process, log_file, timeout)
        yield url, process
    finally:
        _stop(process)


def launch_chromium(playwright: Any, **launch_kwargs: Any) -> Any:
    """Launch Debian's headless Chromium through Playwright's sync API; returns a ``Browser``.

    ``playwright`` is the object from ``sync_playwright().start()`` (or its ``with`` block).
    Never falls back to Playwright's downloaded browsers.
    """
    if not os.access(CHROMIUM_PATH, os.X_OK):
        raise FileNotFoundError(
            f"{CHROMIUM_PATH} is missing: run `bash scripts/setup.sh --dev` "
            "(it installs Debian's chromium package)."
        )
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH,
        args=list(CHROMIUM_ARGS),
        headless=True,
        **launch_kwargs,
    )


def wait_for_app_ready(
    page: Any, timeout_ms: float = APP_READY_TIMEOUT_MS, settle_ms: int = 0
) -> None:
    """Wait until the Streamlit app in ``page`` is connected and its script run has finished.

    "Finished" means: ``stApp`` exists, its websocket is CONNECTED, its script state is
    ``notRunning`` (or ``compilationError``) and the status widget's running icon is gone.
    After an interaction that triggers a rerun, the state may still read ``notRunning`` for a
    few milliseconds before the rerun starts: pass ``settle_ms`` (e.g. 100) to wait that long
    first, or better wait for the element the rerun is expected to change.
    """
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    page.wait_for_selector(APP_SELECTOR, state="attached", timeout=timeout_ms)
    page.wait_for_selector(APP_CONNECTED_SELECTOR, state="attached", timeout=timeout_ms)
    page.wait_for_selector(APP_IDLE_SELECTOR, state="attached", timeout=timeout_ms)
    page.wait_for_selector(RUNNING_SELECTOR, state="detached", timeout=timeout_ms)


#: True once no knob waits to send the value a drag over the moves route left (ui/knob_slider.py).
_KNOBS_AT_REST = "() => !(window.__knobsRoute && window.__knobsRoute.ahead)"


def wait_for_knobs_at_rest(page: Any, timeout_ms: float = APP_READY_TIMEOUT_MS) -> None:
    """Wait until the knobs moved last have sent their values to Streamlit and its run is done.

    A knob's moves go over the moves route (no script run) while it moves; once it rests
    (``ui.moves_route.COMMIT_MS``), one run writes it into the URL and the session's state.
    """
    page.wait_for_function(_KNOBS_AT_REST, timeout=timeout_ms)
    wait_for_app_ready(page, timeout_ms=timeout_ms, settle_ms=100)


def bursts_of_presses(
    page: Any, slider: Any, *, bursts: int = 6, timeout_ms: int = APP_READY_TIMEOUT_MS
) -> Iterator[int]:
    """Press keys on ``slider`` faster than the page reruns, as when a learner holds a key down.

    Bursts of 2 to 4 presses, PageUp and PageDown in turn, with no wait between the presses of a
    burst; after each burst, waits until the app is idle and yields the burst's number, so the
    caller can check what the page shows.
    """
    for burst in range(bursts):
        slider.focus()
        for _ in range(2 + burst % 3):
            slider.press("PageUp" if burst % 2 == 0 else "PageDown")
        wait_for_knobs_at_rest(page, timeout_ms=timeout_ms)
        yield burst
