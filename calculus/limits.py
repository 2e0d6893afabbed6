"""Every bound the engine puts on input, in one place.

The text comes from anyone on the internet, so every dimension of it is bounded *before* any
symbolic work is done: a long or deeply nested text, a huge number or exponent, or a function with
very many knobs could otherwise tie up the server's memory or CPU for everyone.
"""

from __future__ import annotations

#: Characters in one function's text (a 1 MB paste is refused before it is read).
MAX_TEXT_LENGTH = 4000
#: Nesting of brackets, function calls, signs and powers.
MAX_NESTING_DEPTH = 40
#: Operations and atoms in the parsed text, all outputs together.
MAX_NODES = 2000
#: Knobs (input variables) and outputs of one function.
MAX_VARIABLES = 16
MAX_OUTPUTS = 64
#: Characters in one variable name.
MAX_NAME_LENGTH = 24
#: Digits in one number literal, and the largest magnitude of any number (floats end near 1e308).
MAX_LITERAL_DIGITS = 40
MAX_NUMBER_DIGITS = 300
#: Largest |exponent| written as a number: x^1000 is fine, x^(10^6) is refused.
MAX_EXPONENT = 1000
#: Wall-clock seconds for differentiating and compiling one function in the worker process.
SYMBOLIC_TIME_LIMIT_S = 4.0
#: Address space of a symbolic worker process; beyond it the worker gets MemoryError.
WORKER_MEMORY_LIMIT_BYTES = 3 * 1024**3
#: Symbolic worker processes shared by all sessions of one server.
WORKER_PROCESSES = 3
#: Worker niceness: symbolic work yields the CPU to the server's own threads (knob moves) at
#: once; at nice 10 a busy worker gets about a tenth of what a nice-0 thread gets.
WORKER_NICENESS = 10
#: How often the pool's threads look at its workers (pebble's own: 0.1 s): an overrun or a
#: cancelled job's worker is stopped within this (its slot is freed at once). Three threads wake
#: each time, between knob moves too: at 0.2 s that cost 1.3 of an idle server's 4.3 ms a second.
POOL_POLL_S = 0.5
#: Seconds without a symbolic job after which the pool is stopped (its workers and threads): an
#: idle pool's threads still cost the server about 1.2 ms of CPU a second, a quarter of a
#: millisecond per knob move with one learner dragging (bench/load.py). The next job starts a
#: new pool from the fork server, which is warm (calculus/worker_preload.py): about 50 ms once.
POOL_IDLE_S = 30.0
#: Symbolic jobs running at once across all sessions (each session has at most one in flight).
MAX_CONCURRENT_JOBS = WORKER_PROCESSES
#: Seconds a job may wait for one of those slots before the learner is told the server is busy.
BUSY_WAIT_S = SYMBOLIC_TIME_LIMIT_S
#: Refused inputs (those that overran time or memory) remembered, and for how long: the same
#: heavy text is refused again at once without a worker spending seconds on it.
REFUSED_CACHE_SIZE = 256
REFUSED_CACHE_SECONDS = 600.0


def describe_limits() -> str:
    """One paragraph that states the limits, for help text and error messages."""
    return (
        f"A function may have up to {MAX_VARIABLES} knobs and {MAX_OUTPUTS} outputs, "
        f"{MAX_TEXT_LENGTH} characters, {MAX_NESTING_DEPTH} levels of nesting and "
        f"{MAX_NODES} operations; numbers up to {MAX_NUMBER_DIGITS} digits and exponents up to "
        f"{MAX_EXPONENT}; differentiating it may take up to {SYMBOLIC_TIME_LIMIT_S:g} s."
    )
