"""The page's state in the URL (``st.query_params``), so a link reproduces what a learner sees.

Query parameters are untrusted input like the function box: texts go through the same parser
(by the caller) and numbers through :func:`query_float`, which refuses non-finite or huge values.
A value the page does not take is never dropped in silence: :func:`refuse_link` says which one
and why (a toast, once a visit, with the text quoted), and the page goes on with its default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import streamlit as st

from calculus.limits import MAX_TEXT_LENGTH
from ui.quote import quote

#: The largest magnitude a number in the URL (a knob value or range end) may have.
MAX_URL_NUMBER = 1e6
#: Session key: the parameters already refused in this visit (each is said once).
_REFUSED = "_link_refused"
#: How much of a refused value the message repeats.
_SHOWN_CHARS = 40
#: Why a number in the link is refused.
NOT_A_NUMBER = f"it must be a number from {-MAX_URL_NUMBER:,.0f} to {MAX_URL_NUMBER:,.0f}"


def refuse_link(key: str, why: str) -> None:
    """Say that the link's value for ``key`` was not used, and why; once a visit per key.

    A toast: it can be raised from anywhere (a fragment, before the page's layout) and does not
    move what is on the page.
    """
    said: set[str] = st.session_state.setdefault(_REFUSED, set())
    text = st.query_params.get(key)
    if key in said or text is None:
        return
    said.add(key)
    shown = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"
    st.toast(
        quote(f"The link's {key} ({shown}) was not used: {why}."),
        icon=":material/link_off:",
        duration="long",
    )


def check_offered(key: str, offered: Iterable[object]) -> None:
    """Say so if the link's ``key`` is not one of ``offered`` (for a widget bound to the URL with
    ``bind="query-params"``, which Streamlit itself drops in silence); as the widget writes it."""
    text = st.query_params.get(key)
    if text is not None and text not in {str(option) for option in offered}:
        refuse_link(key, "it is not one of the choices offered")


def query_text(key: str) -> str | None:
    """A text parameter, or None when absent or longer than any function may be."""
    value = st.query_params.get(key)
    if value is None or len(value) > MAX_TEXT_LENGTH:
        if value is not None:
            refuse_link(key, f"it is longer than {MAX_TEXT_LENGTH} characters")
        return None
    return value


def query_float(key: str) -> float | None:
    """A finite number parameter within ±MAX_URL_NUMBER, or None (said, if one was given)."""
    value = parse_float(st.query_params.get(key))
    if value is None:
        refuse_link(key, NOT_A_NUMBER)
    return value


def parse_float(text: str | None) -> float | None:
    if text is None or len(text) > 32:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_URL_NUMBER else None


def number_text(value: float) -> str:
    """A short exact text for a float: '1.5', '-3', '0.001'."""
    return repr(float(value)).removesuffix(".0")


def write_query(values: Mapping[str, str | None], *, prefix_owned: tuple[str, ...] = ()) -> None:
    """Set parameters that changed; drop None values and stale keys with an owned prefix.

    Only changed keys are written: every write is a message to the browser.
    """
    params = st.query_params
    for key in [k for k in params if k.startswith(prefix_owned) and k not in values]:
        del params[key]
    for key, value in values.items():
        if value is None:
            if key in params:
                del params[key]
        elif params.get(key) != value:
            params[key] = value
