"""A small pool of worker processes for symbolic work, with time and memory limits.

Why: Streamlit runs every session as a thread of one server process. CPU-bound sympy work done in
that process holds the GIL and freezes every other learner's page, and a thread cannot be stopped.
A worker process can: a job that overruns its wall-clock limit is killed (and the worker replaced)
by ``pebble``, and each worker's address space is capped so a blow-up ends in MemoryError there,
not in the server. Workers start from a fork server that has already imported sympy, so replacing
one takes milliseconds, not a sympy import.

The pool is shared by all sessions of the server on purpose: it holds no learner's state.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing import spawn
from typing import TypeVar

from pebble import ProcessExpired, ProcessPool
from pebble.pool.process import WORKERS_NAME

from calculus import limits
from calculus.errors import ExpressionError

T = TypeVar("T")

_pool: ProcessPool | None = None
_pool_lock = threading.Lock()


def _preparation_data_without_main(name: str) -> dict[str, object]:
    """Start our workers without re-running the ``__main__`` module in them.

    Hazard: a forkserver child re-imports the parent's ``__main__`` by default, and under Streamlit
    ``__main__`` is the page script itself, so every new worker would run the whole app (and
    start workers of its own). Our jobs live in importable modules and need no ``__main__``.
    """
    data = _original_preparation_data(name)
    if name == WORKERS_NAME:
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


_original_preparation_data = spawn.get_preparation_data
if getattr(spawn.get_preparation_data, "__name__", "") != _preparation_data_without_main.__name__:
    spawn.get_preparation_data = _preparation_data_without_main


def _limit_worker(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.nice(5)  # the server's own threads come first
    from calculus.symbolic import warm_up

    warm_up()


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["calculus.symbolic"])
            _pool = ProcessPool(
                max_workers=limits.WORKER_PROCESSES,
                max_tasks=500,  # recycle now and then: sympy's caches only grow
                initializer=_limit_worker,
                initargs=(limits.WORKER_MEMORY_LIMIT_BYTES,),
                context=context,
            )
            atexit.register(_stop, _pool)
        return _pool


def _stop(pool: ProcessPool) -> None:
    # Join too: after a job overran, stop() alone left a worker that multiprocessing's own exit
    # handler then waited for forever, so the server (or a test run) never exited.
    pool.stop()
    pool.join(timeout=5)


def start_workers() -> None:
    """Start the pool ahead of the first request (the first start imports sympy: about 1 s)."""
    _get_pool().schedule(os.getpid).result()


def run_symbolic(
    job: Callable[..., T],
    *args: object,
    what: str = "differentiate",
    timeout: float = limits.SYMBOLIC_TIME_LIMIT_S,
) -> T:
    """Run ``job(*args)`` in a worker; ``ExpressionError`` if it overruns time or memory.

    ``job`` must be a module-level function of a module the worker can import, and its arguments
    and result must pickle. ``what`` completes the message "too large to ... in N s".
    """
    future = _get_pool().schedule(job, args=args, timeout=timeout)
    try:
        return future.result()
    except ExpressionError:
        raise
    except FutureTimeout as exc:
        raise ExpressionError(
            f"this function is too large to {what} in {timeout:g} s — try a smaller one"
        ) from exc
    except MemoryError as exc:
        raise ExpressionError(
            f"this function is too large to {what}: it needs too much memory"
        ) from exc
    except RecursionError as exc:
        raise ExpressionError(f"this function is nested too deeply to {what}") from exc
    except ProcessExpired as exc:
        raise ExpressionError(f"this function is too large to {what} (the worker stopped)") from exc
