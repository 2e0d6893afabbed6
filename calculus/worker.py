"""A small pool of worker processes for symbolic work, with time and memory limits.

Why: Streamlit runs every session as a thread of one server process. CPU-bound sympy work done in
that process holds the GIL and freezes every other learner's page, and a thread cannot be stopped.
A worker process can: a job that overruns its wall-clock limit is killed (and the worker replaced)
by ``pebble``, and each worker's address space is capped so a blow-up ends in MemoryError there,
not in the server. Workers start from a fork server that has already imported sympy and run its
code generation once (``calculus/worker_preload.py``), so replacing one, or starting a new pool
after an idle one stopped, takes tens of milliseconds, not a sympy import.

The pool is shared by all sessions of the server on purpose: it holds no learner's state. What
keeps one learner's heavy work from starving the others is here too: workers run at a lower CPU
priority, each session has one job in flight (the newest), a global cap bounds the jobs running at
once, and recently refused inputs are refused again without a worker (``run_symbolic``).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from multiprocessing import spawn
from typing import NoReturn, TypeVar

from pebble import CONSTS, ProcessExpired, ProcessFuture, ProcessPool
from pebble.pool.process import WORKERS_NAME

from calculus import limits
from calculus.errors import ExpressionError, ServerBusy, Superseded

T = TypeVar("T")

_pool: ProcessPool | None = None
_pool_lock = threading.Lock()  # guards _pool and the two below
_jobs_in_pool = 0  # scheduled and not yet ended
_idle_timer: threading.Timer | None = None  # armed when the last job ends, cancelled by a new one


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
    os.nice(limits.WORKER_NICENESS)  # the server's own threads (knob moves) come first
    from calculus.symbolic import warm_up

    warm_up()  # milliseconds when the fork server is warm; the fork server skips a failed preload


def _get_pool() -> ProcessPool:
    """The running pool, started if there is none (call with ``_pool_lock`` held)."""
    global _pool
    if _pool is None or not _pool.active:
        CONSTS.sleep_unit = limits.POOL_POLL_S  # the pool threads' polling (pebble's own)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["calculus.worker_preload"])
        _pool = ProcessPool(
            max_workers=limits.WORKER_PROCESSES,
            max_tasks=500,  # recycle now and then: sympy's caches only grow
            initializer=_limit_worker,
            initargs=(limits.WORKER_MEMORY_LIMIT_BYTES,),
            context=context,
        )
    return _pool


def _submit(job: Callable[..., T], args: tuple[object, ...], timeout: float) -> ProcessFuture:
    """Schedule ``job`` on the pool (started if idle-stopped) and keep the pool up until it ends."""
    global _jobs_in_pool, _idle_timer
    with _pool_lock:
        future = _get_pool().schedule(job, args=args, timeout=timeout)
        _jobs_in_pool += 1
        if _idle_timer is not None:
            _idle_timer.cancel()
            _idle_timer = None
    # Outside the lock: a job already done runs its callback here, at once.
    future.add_done_callback(_job_ended)
    return future


def _job_ended(_: ProcessFuture) -> None:
    global _jobs_in_pool, _idle_timer
    with _pool_lock:
        _jobs_in_pool -= 1
        if _jobs_in_pool == 0:
            if _idle_timer is not None:
                _idle_timer.cancel()
            _idle_timer = threading.Timer(limits.POOL_IDLE_S, _stop_if_idle)
            _idle_timer.daemon = True
            _idle_timer.start()


def _stop_if_idle() -> None:
    """Stop the pool if no job has run for ``POOL_IDLE_S`` (the timer's own thread)."""
    global _pool
    with _pool_lock:
        # Still the armed timer: a job since then would have cancelled or replaced it.
        idle = _jobs_in_pool == 0 and _idle_timer is threading.current_thread()
        pool, _pool = (_pool, None) if idle else (None, _pool)
    if pool is not None:
        _stop(pool)


@atexit.register
def _stop_at_exit() -> None:
    # Whoever takes the pool stops it: the idle timer can fire during exit, and two stops of one
    # pool at once fail inside pebble.
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
        if _idle_timer is not None:
            _idle_timer.cancel()
    if pool is not None:
        _stop(pool)


def pool_running() -> bool:
    """Whether the worker pool is up (it is started by a job and stopped when idle)."""
    with _pool_lock:
        return _pool is not None and _pool.active


def _stop(pool: ProcessPool) -> None:
    # Join too: after a job overran, stop() alone left a worker that multiprocessing's own exit
    # handler then waited for forever, so the server (or a test run) never exited.
    pool.stop()
    pool.join(timeout=5)


def start_workers() -> None:
    """Start the pool ahead of the first request (the first start imports sympy: about 1 s)."""
    _submit(os.getpid, (), limits.SYMBOLIC_TIME_LIMIT_S).result()


@dataclass(frozen=True)
class JobStats:
    """Counts since start-up (or ``reset_isolation``), for tests and benchmarks."""

    scheduled: int = 0  # jobs handed to a worker
    refused_from_cache: int = 0  # refusals answered from the cache, no worker involved
    superseded: int = 0  # jobs given up because their session asked for a newer one
    busy: int = 0  # jobs refused because every slot stayed taken for BUSY_WAIT_S
    refused_remembered: int = 0  # refusals in the cache now


@dataclass
class _Flight:
    """One session's job in flight: waiting for a slot (``future`` None) or running."""

    key: Hashable
    future: ProcessFuture | None = None
    waiters: int = 1
    superseded: threading.Event = field(default_factory=threading.Event)


class _RefusedCache:
    """The messages of recently refused jobs: a small LRU whose entries expire."""

    def __init__(self, size: int, seconds: float) -> None:
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()

    def get(self, key: Hashable) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > self.seconds:  # a refusal on a busy day is not forever
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, message: str) -> None:
        self._entries[key] = (time.monotonic(), message)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _default_session() -> Hashable | None:
    return None


def _default_superseded() -> NoReturn:
    raise Superseded


_session_of: Callable[[], Hashable | None] = _default_session
_on_superseded: Callable[[], NoReturn] = _default_superseded
_lock = threading.Lock()  # guards everything below
_flights: dict[Hashable, _Flight] = {}
_slots = threading.BoundedSemaphore(limits.MAX_CONCURRENT_JOBS)
_refused = _RefusedCache(limits.REFUSED_CACHE_SIZE, limits.REFUSED_CACHE_SECONDS)
_stats = JobStats()


def set_session_hooks(
    identity: Callable[[], Hashable | None],
    on_superseded: Callable[[], NoReturn] | None = None,
) -> None:
    """Tell the engine which session is calling, so each session has one job in flight.

    ``identity()`` names the calling session (``None``: no session, no per-session rule); the
    UI passes it in, the engine knows nothing of Streamlit. ``on_superseded()`` ends a caller
    whose job was replaced by a newer one of the same session (by default: raise
    ``Superseded``); the UI ends the abandoned script run quietly instead.
    """
    global _session_of, _on_superseded
    _session_of = identity
    _on_superseded = on_superseded or _default_superseded


def reset_isolation(
    max_jobs: int = limits.MAX_CONCURRENT_JOBS, refused_size: int = limits.REFUSED_CACHE_SIZE
) -> None:
    """Forget refusals and counts and set the cap (tests; nothing may be in flight)."""
    global _slots, _refused, _stats
    with _lock:
        _slots = threading.BoundedSemaphore(max_jobs)
        _refused = _RefusedCache(refused_size, limits.REFUSED_CACHE_SECONDS)
        _stats = JobStats()
        _flights.clear()


def job_stats() -> JobStats:
    with _lock:
        return replace(_stats, refused_remembered=len(_refused))


def _count(**increments: int) -> None:
    global _stats
    with _lock:
        _stats = replace(
            _stats, **{name: getattr(_stats, name) + n for name, n in increments.items()}
        )


def _job_key(
    job: Callable[..., object], args: tuple[object, ...], what: str, timeout: float
) -> Hashable | None:
    key = (job.__module__, job.__qualname__, args, what, timeout)
    try:
        hash(key)
    except TypeError:  # arguments that cannot be a key: no cache, no sharing
        return None
    return key


def _refusal(exc: BaseException, what: str, timeout: float) -> ExpressionError | None:
    """The learner's message for a job that overran time or memory (None: not an overrun)."""
    if isinstance(exc, FutureTimeout):
        message = f"this function is too large to {what} in {timeout:g} s — try a smaller one"
    elif isinstance(exc, MemoryError):
        message = f"this function is too large to {what}: it needs too much memory"
    elif isinstance(exc, RecursionError):
        message = f"this function is nested too deeply to {what}"
    elif isinstance(exc, ProcessExpired):
        message = f"this function is too large to {what} (the worker stopped)"
    else:
        return None
    return ExpressionError(message)


def _join_or_replace(session: Hashable, key: Hashable | None) -> tuple[_Flight, bool]:
    """This session's flight for ``key``: the one in flight if it is the same job, else new.

    An older job of the session with another key is superseded: cancelled, which kills its
    worker if it is running. Returns the flight and whether it was joined.
    """
    with _lock:
        old = _flights.get(session)
        running_same = old is not None and old.future is not None and old.key == key
        if old is not None and running_same and not old.superseded.is_set():
            old.waiters += 1  # the same text again (e.g. a rerun): wait for the same job
            return old, True
        if old is not None:
            old.superseded.set()
            if old.future is not None:
                old.future.cancel()
        flight = _Flight(key=key if key is not None else object())
        _flights[session] = flight
        return flight, False


def _take_slot(slots: threading.BoundedSemaphore, flight: _Flight | None) -> None:
    """Wait for one of the global slots; busy after BUSY_WAIT_S, gone if superseded."""
    deadline = time.monotonic() + limits.BUSY_WAIT_S
    while not slots.acquire(timeout=0.05):
        if flight is not None and flight.superseded.is_set():
            _count(superseded=1)
            _on_superseded()
        if time.monotonic() >= deadline:
            _count(busy=1)
            raise ServerBusy(
                "the server is busy with other learners' functions — try again in a few seconds"
            )


def _schedule(
    job: Callable[..., T], args: tuple[object, ...], timeout: float, flight: _Flight | None
) -> ProcessFuture:
    slots = _slots
    _take_slot(slots, flight)
    try:
        future = _submit(job, args, timeout)
    except BaseException:
        slots.release()
        raise
    # The slot is the worker's, not the caller's: freed when the job ends or is cancelled.
    future.add_done_callback(lambda _: slots.release())
    _count(scheduled=1)
    if flight is not None:
        with _lock:
            flight.future = future
            if flight.superseded.is_set():  # replaced while we were scheduling
                future.cancel()
    return future


def run_symbolic(
    job: Callable[..., T],
    *args: object,
    what: str = "differentiate",
    timeout: float = limits.SYMBOLIC_TIME_LIMIT_S,
) -> T:
    """Run ``job(*args)`` in a worker; ``ExpressionError`` if it overruns time or memory.

    ``job`` must be a module-level function of a module the worker can import, and its arguments
    and result must pickle. ``what`` completes the message "too large to ... in N s".

    Isolation between learners: a session (see ``set_session_hooks``) has at most one job in
    flight, the newest: an older one is cancelled and its caller ended by ``on_superseded``; at
    most ``MAX_CONCURRENT_JOBS`` run at once, and a job that cannot start within
    ``BUSY_WAIT_S`` is refused as "busy"; a job that overran is refused again at once, with the
    same message, for ``REFUSED_CACHE_SECONDS``.
    """
    key = _job_key(job, args, what, timeout)
    if key is not None:
        with _lock:
            known = _refused.get(key)
        if known is not None:
            _count(refused_from_cache=1)
            raise ExpressionError(known)

    session = _session_of()
    flight: _Flight | None = None
    joined = False
    if session is not None:
        flight, joined = _join_or_replace(session, key)
    try:
        if flight is not None and joined:
            with _lock:
                future = flight.future
            assert future is not None
        else:
            future = _schedule(job, args, timeout, flight)
        try:
            return future.result()
        except CancelledError:
            if flight is not None and flight.superseded.is_set():
                _count(superseded=1)
                _on_superseded()
            raise
        except ExpressionError:
            raise
        except BaseException as exc:
            refusal = _refusal(exc, what, timeout)
            if refusal is None:
                raise
            if key is not None:
                with _lock:
                    _refused.put(key, refusal.message)
            raise refusal from exc
    finally:
        if flight is not None:
            with _lock:
                flight.waiters -= 1
                if flight.waiters <= 0 and _flights.get(session) is flight:
                    del _flights[session]
