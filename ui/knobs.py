"""One slider per knob, with editable ranges, a reset, and values that survive formula edits.

A knob's value is kept in the session state under a page-prefixed key derived from the variable's
name (``{page}_knob_{name}``), so a knob keeps its value while the formula is edited or another
page is open, and the variable comes back with its value when it comes back in the formula.
The URL holds the values too (``k_{name}``, ranges in ``r_{name}``). Each knob's slider
(``ui/knob_slider.py``) shows that value and sets it when moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from calculus.export import look_alike_names, plain_symbol, symbol_latex
from calculus.numbers import MAX_NUMBER_TEXT, NumberError, parse_number
from ui import moves_route
from ui.knob_slider import SliderKnob, knob_slider_panel, latest_moves
from ui.moves_route import Parts
from ui.quote import quote
from ui.url_state import (
    MAX_URL_NUMBER,
    number_text,
    parse_float,
    query_float,
    query_text,
    refuse_link,
)

DEFAULT_VALUE = 1.0


@dataclass(frozen=True)
class KnobRange:
    """A slider's range and step."""

    low: float = -3.0
    high: float = 3.0
    step: float = 0.01

    def clamp(self, value: float) -> float:
        return min(max(value, self.low), self.high)

    def to_text(self) -> str:
        return ",".join(number_text(v) for v in (self.low, self.high, self.step))

    @staticmethod
    def from_text(text: str | None) -> KnobRange | None:
        parts = (text or "").split(",")
        if len(parts) != 3:
            return None
        low, high, step = (parse_float(part) for part in parts)
        if low is None or high is None or step is None:
            return None
        return KnobRange(low, high, step) if _range_problem(low, high, step) is None else None


#: The narrowest range a knob may have, relative to the size of its ends (and at least this
#: wide near 0): narrower, the slider's positions and the pictures' axes run out of digits.
MIN_RELATIVE_WIDTH = 1e-6
#: A slider has at most this many positions.
MAX_POSITIONS = 1e6


def _range_problem(low: float, high: float, step: float) -> str | None:
    """Why (low, high, step) cannot be a knob's range, or None."""
    if not all(math.isfinite(v) and abs(v) <= MAX_URL_NUMBER for v in (low, high, step)):
        return f"numbers must be finite and at most {MAX_URL_NUMBER:g} in size"
    if low >= high:
        return "the lowest value must be below the highest"
    narrowest = MIN_RELATIVE_WIDTH * max(1.0, abs(low), abs(high))
    if high - low < narrowest:
        return f"the range is too narrow: make it at least {narrowest:g} wide"
    if not narrowest * 1e-6 <= step <= high - low:
        return "the step must be positive and fit in the range"
    if (high - low) / step > MAX_POSITIONS:
        return "the step is too fine for this range (at most a million positions)"
    return None


def knob_range(page: str, name: str, default: KnobRange | None = None) -> KnobRange:
    """The knob's range: set in the editor, else from the link (``r_{name}``), else ``default``
    (a page's own, given where the page first asks; else -3 to 3)."""
    key = f"{page}_range_{name}"
    kept = st.session_state.get(key)  # one read: read on every knob move
    if kept is not None:
        return kept
    linked = query_text(f"r_{name}")
    rng = KnobRange.from_text(linked)
    if linked is not None and rng is None:
        st.session_state[f"{page}_range_problem_{name}"] = (
            f"the link's range for {plain_symbol(name)}, {quote(linked[:60])}, was not "
            f"used: {_link_problem(linked)}"
        )
    st.session_state[key] = rng = rng or default or KnobRange()
    return rng


def _link_problem(text: str) -> str:
    parts = [parse_float(part) for part in text.split(",")]
    if len(parts) != 3 or None in parts:
        return "it must be three finite numbers: lowest, highest, step"
    low, high, step = (float(part) for part in parts if part is not None)
    return _range_problem(low, high, step) or "it is not a range"


#: The range editor's fields: (part, label after the knob's name).
_FIELDS = (("low", "from"), ("high", "to"), ("step", "step"))


def _apply_range(page: str, name: str) -> None:
    """Take the three texts of a knob's range, or say which is wrong and keep the old range.

    The texts stay as typed either way: a refused or empty entry never becomes 0.
    """
    problem_key = f"{page}_range_problem_{name}"
    values = []
    try:
        for part, label in _FIELDS:
            text = st.session_state.get(f"{page}_{part}_{name}", "")
            values.append(parse_number(text, f"{plain_symbol(name)} {label}"))
    except NumberError as refused:
        st.session_state[problem_key] = refused.message
        return
    if problem := _range_problem(*values):
        st.session_state[problem_key] = f"{plain_symbol(name)}: {problem}"
        return
    st.session_state.pop(problem_key, None)
    new = KnobRange(*values)
    st.session_state[f"{page}_range_{name}"] = new
    key = _knob_key(page, name)
    if key in st.session_state:
        st.session_state[key] = new.clamp(st.session_state[key])


def _reset(page: str, names: Sequence[str]) -> None:
    set_knobs(page, dict.fromkeys(names, DEFAULT_VALUE))


def set_knobs(page: str, values: Mapping[str, float]) -> None:
    """Turn knobs to ``values`` (clamped to their ranges), as Reset does: call in a callback.

    The sliders are drawn again to show it: a live panel is drawn by the page's full run, not by
    its own reruns (``ui.live``), so its next run is the whole page's.
    """
    # A slider's move that arrives with this request (a drag's resting value, sent as the
    # learner clicked) is older than what is set here: taken, so it does not undo it.
    moves = latest_moves(sliders_key(page), list(values))
    for name, value in values.items():
        st.session_state[_knob_key(page, name)] = knob_range(page, name).clamp(value)
        if name in moves:
            st.session_state[_taken_key(page, name)] = moves[name].n
    st.session_state[knobs_set_key(page)] = True


def _knob_key(page: str, name: str) -> str:
    """Where the knob ``name``'s value is kept (session state)."""
    return f"{page}_knob_{name}"


def _taken_key(page: str, name: str) -> str:
    """Where the knob ``name``'s newest slider move the server has taken is noted (its ``n``)."""
    return f"{page}_moved_{name}"


def knobs_set_key(page: str) -> str:
    """Where ``set_knobs`` notes that the page's sliders no longer show its knobs."""
    return f"{page}_knobs_set"


def knob_values(page: str, variables: Sequence[str]) -> np.ndarray:
    """The knobs' values now, in ``variables`` order, shape (m,), without drawing the sliders.

    A knob that has no value yet starts from the URL, or 1. A slider's newest move is taken
    here (clamped to the knob's range), so a fragment can draw what moves with the knobs first
    and the sliders after (see :func:`knob_sliders`), and a callback sees it too.
    """
    values = []
    moves = latest_moves(sliders_key(page), variables)
    state = st.session_state  # each read costs the server ~20 µs a move: read once a knob
    for name in variables:
        key = _knob_key(page, name)
        value = state.get(key)
        if value is None:
            start = query_float(f"k_{name}")
            rng = knob_range(page, name)
            if start is not None and rng.clamp(start) != start:
                refuse_link(
                    f"k_{name}", f"it is outside the knob's range, {rng.low:g} to {rng.high:g}"
                )
                start = None
            value = state[key] = rng.clamp(DEFAULT_VALUE if start is None else start)
        # The slider's newest move, once: a Reset or a range change afterwards stays.
        move = moves.get(name)
        if move is not None and state.get(_taken_key(page, name)) != move.n:
            state[_taken_key(page, name)] = move.n
            value = state[key] = knob_range(page, name).clamp(move.value)
        values.append(float(value))
    return np.array(values)


def knob_version(text: str, point: Sequence[float]) -> str:
    """A name for the function and knob setting a chart shows (its ``live_chart`` version)."""
    return text + "@" + ",".join(repr(float(v)) for v in point)


def knob_controls(page: str, variables: Sequence[str], *, title: str = "Knobs") -> None:
    """The knobs' title, a Reset button and the ranges popover, in one row.

    Drawn by :func:`knob_sliders`, or by the page itself outside a fragment (``controls=False``)
    so that a knob move does not re-send them to the browser.
    """
    st.markdown(f"**{title}**")
    for first, second in look_alike_names(variables):
        st.info(
            f"Two different knobs look alike: {plain_symbol(first)} (typed {first}) and "
            f"{plain_symbol(second)} (typed {second}). Rename one if they should differ on screen.",
            icon=":material/visibility:",
        )
    # Icon buttons under the title: words would be cut off in a narrow column.
    reset, ranges = st.columns(2)
    reset.button(
        "Reset",
        icon=":material/restart_alt:",
        key=f"{page}_reset",
        on_click=_reset,
        args=(page, tuple(variables)),
        help=f"Set every knob back to {number_text(DEFAULT_VALUE)}",
        width="stretch",
    )
    with ranges:
        knob_range_editor(page, variables)


def knob_sliders(
    page: str,
    variables: Sequence[str],
    *,
    columns: int | None = None,
    title: str = "Knobs",
    controls: bool = True,
    point: Sequence[float] | None = None,
    route: str | None = None,
) -> np.ndarray:
    """Render the knobs and return their values in ``variables`` order, shape (m,).

    With ``controls=False`` only the sliders are drawn; the caller renders
    :func:`knob_controls` elsewhere, outside a fragment. ``point``: the knobs' values as
    :func:`knob_values` read them earlier in this run (a live panel's state), not read again.
    ``route``: the token :func:`knob_route` gave (a drag answered by the moves route).
    """
    if controls:
        knob_controls(page, variables, title=title)
    # Every knob has a value before its slider is drawn.
    point = knob_values(page, variables) if point is None else np.asarray(point, dtype=float)
    count = columns or (1 if len(variables) <= 4 else 2)
    shown = []
    for name, value in zip(variables, point, strict=True):
        rng = knob_range(page, name)
        taken = st.session_state.get(_taken_key(page, name))
        shown.append(SliderKnob(name, rng.low, rng.high, rng.step, float(value), taken))
    knob_slider_panel(shown, key=sliders_key(page), columns=count, route=route)
    return point


def knob_route(
    page: str, variables: Sequence[str], parts: Callable[[np.ndarray], Parts] | None
) -> str | None:
    """Offer the page's knob moves to the moves route (``ui/moves_route.py``): ``parts(point)``
    is what its route-fed components show with the knobs at ``point`` (``{key: data}``, the data
    a script run gives them). The token for :func:`knob_sliders`; None where there is no route,
    or ``parts`` is None (what the page shows now needs script runs: the offer is withdrawn).
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    if parts is None:
        moves_route.withdraw(ctx.session_id, page)
        return None
    ranges = [(r.low, r.high) for r in (knob_range(page, name) for name in variables)]
    return moves_route.offer(ctx.session_id, page, ranges, parts)


def sliders_key(page: str) -> str:
    """The key of a page's knob sliders (one component for all of them)."""
    return f"{page}_sliders"


def knob_range_editor(page: str, variables: Sequence[str], label: str = "Ranges") -> None:
    """A popover to set each knob's lowest and highest value and step; refusals said below it.

    Its fields are drawn only while it is open (opening it reruns the page): drawn always, they
    were three widgets a knob that every knob move's run processed for nothing.
    """
    editor = st.popover(
        label, icon=":material/tune:", width="stretch", key=ranges_key(page), on_change="rerun"
    )
    if editor.open:
        with editor:
            _range_editor(page, variables)
    for name in variables:
        knob_range(page, name)  # a link's refused range is found when first read: say it here
        if problem := st.session_state.get(f"{page}_range_problem_{name}"):
            st.warning(f"Range not changed — {problem}.", icon=":material/warning:")


def ranges_key(page: str) -> str:
    """The key of a page's range editor (its popover: open or not)."""
    return f"{page}_ranges"


def _range_editor(page: str, variables: Sequence[str]) -> None:
    st.caption(
        "Lowest, highest value and step of each knob. Numbers or short expressions "
        "(1/2, 2pi); a range is taken once all three are right."
    )
    for name in variables:
        rng = knob_range(page, name)
        for (part, _label), value in zip(_FIELDS, (rng.low, rng.high, rng.step), strict=True):
            key = f"{page}_{part}_{name}"
            if key not in st.session_state:
                st.session_state[key] = number_text(value)
        cells = st.columns(3)
        for cell, (part, label) in zip(cells, _FIELDS, strict=True):
            cell.text_input(
                f"${symbol_latex(name)}$ {label}" if part == "low" else label,
                key=f"{page}_{part}_{name}",
                on_change=_apply_range,
                args=(page, name),
                max_chars=MAX_NUMBER_TEXT,
            )
        if st.session_state.get(f"{page}_range_problem_{name}"):
            st.caption(
                f"{plain_symbol(name)} still uses {number_text(rng.low)} to "
                f"{number_text(rng.high)}, step {number_text(rng.step)}."
            )


def knob_query(page: str, variables: Sequence[str], point: Sequence[float]) -> dict[str, str]:
    """URL parameters for the knobs: values, and ranges that differ from the default."""
    values: dict[str, str] = {}
    for name, value in zip(variables, point, strict=True):
        values[f"k_{name}"] = number_text(value)
        rng = knob_range(page, name)
        if rng != KnobRange():
            values[f"r_{name}"] = rng.to_text()
    return values
