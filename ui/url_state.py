"""The page's state in the URL (``st.query_params``), so a link reproduces what a learner sees.

Query parameters are untrusted input like the function box: texts go through the same parser
(by the caller) and numbers through :func:`query_float`, which refuses non-finite or huge values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import streamlit as st

from calculus.limits import MAX_TEXT_LENGTH

#: The largest magnitude a number in the URL (a knob value or range end) may have.
MAX_URL_NUMBER = 1e6


def query_text(key: str) -> str | None:
    """A text parameter, or None when absent or longer than any function may be."""
    value = st.query_params.get(key)
    if value is None or len(value) > MAX_TEXT_LENGTH:
        return None
    return value


def query_float(key: str) -> float | None:
    """A finite number parameter within ±MAX_URL_NUMBER, or None."""
    return parse_float(st.query_params.get(key))


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
