"""Imported once by the workers' fork server, before it forks any worker.

sympy and its code generation are imported and used there once, so every worker forked from it
starts warm: a new pool (after an idle one stopped, ``POOL_IDLE_S``) answers its first job in
tens of milliseconds instead of about 0.2 s, and a worker replaced after an overrun is ready at
once.
"""

from calculus.symbolic import warm_up

warm_up()
