"""One cache for what the pages derive from a function: landscapes, pictures, typeset formulas.

Each cached helper takes the function object itself (a ``VectorFunction``, the ``Landscape`` or
``Slice`` made from one, a chain rule's ``ComputationGraph``), never its text: nothing is
fetched again by text, and one key says which function an entry belongs to. The functions
themselves come from one cache too, ``calculus.parse_function`` (per text and knobs, bounded),
which is why a typed function is named by that pair here. Entries are shared by every session
of the server and bounded per helper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from calculus import ComputationGraph, VectorFunction
from calculus.landscape import Landscape
from calculus.rate import Slice

F = TypeVar("F", bound=Callable[..., Any])


def function_key(f: VectorFunction) -> tuple[object, ...]:
    """What names a function: as typed, its text and knobs; built from formulas (a gradient),
    its knobs, formulas and the conditions of its domain."""
    if f.text:
        return ("typed", f.text, f.variables)
    return ("built", f.variables, tuple(map(str, f.outputs)), str(f.conditions))


_KEYS: dict[type, Callable[[Any], object]] = {
    VectorFunction: function_key,
    Landscape: lambda landscape: function_key(landscape.function),
    ComputationGraph: lambda graph: graph.identity,
    Slice: lambda g: (function_key(g.function), g.knob, g.point, g.output),
}


def per_function(*, max_entries: int, spinner: str | bool = False) -> Callable[[F], F]:
    """Cache a helper whose arguments are a function object and plain values (ranges, knobs)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=spinner, hash_funcs=_KEYS)
