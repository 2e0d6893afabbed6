"""Each browser session is one session of the symbolic worker pool (``calculus/worker.py``).

The engine keeps one symbolic job in flight per session, the newest, but knows nothing of
Streamlit, so the identity comes from here. With ``runner.fastReruns`` (the default) a new full
run of a session starts in a new thread while the old run's thread may still wait for its job;
when the new run submits other text, the old job is cancelled and the old thread, whose run
Streamlit has already stopped, ends quietly with ``st.stop()``: no message for text the learner
has since replaced, and the last good function (kept by the function box) stays.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from calculus.errors import Superseded
from calculus.worker import set_session_hooks


def current_session() -> Hashable | None:
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.session_id


def end_replaced_run() -> NoReturn:
    st.stop()  # raises Streamlit's own quiet StopException inside a script run
    raise Superseded  # outside one (no script run context): the engine's own signal


set_session_hooks(current_session, end_replaced_run)
