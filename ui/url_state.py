"""The page's state in the URL (``st.query_params``), so a link reproduces what a learner sees.

Query parameters are untrusted input like the function box: texts go through the same parser
(by the caller) and numbers through :func:`query_float`, which refuses non-finite or huge values.
A value the page does not take is never dropped in silence: :func:`refuse_link` says which one
and why (a toast, once a visit, with the text quoted), and the page goes on with its default.

A page's settings are declared as :class:`UrlParam` (URL name, widget key, default, the values
allowed or how a link's text is read). One bind (:meth:`UrlParam.seed`, before the widget is
drawn) and one share (:meth:`UrlParam.query`, into :func:`write_query`). A setting's value
outlives its widget in one place, :func:`keep`: Streamlit drops a widget's state in a run that
does not draw it (the level in steps mode, a size the layer does not use, the grids of another
layer), so the value in force is kept there, for the whole session, and restored when the widget
comes back. (Streamlit's own ``persist_state`` does not cover ``st.data_editor``, nor a typed
value whose text was refused; ``bind="query-params"`` ties the session key to the URL name,
drops the parameter while the widget is hidden and would put refused text into the link.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st

from calculus.limits import MAX_TEXT_LENGTH
from ui.quote import quote

#: The largest magnitude a number in the URL (a knob value or range end) may have.
MAX_URL_NUMBER = 1e6
#: Session key: the parameters already refused in this visit (each is said once).
_REFUSED = "_link_refused"
#: Session key: the values kept while their widgets are absent (see :func:`keep`).
KEPT = "_url_kept"
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


def read_number(text: str) -> float:
    """A link's number (a ``UrlParam``'s ``read``): finite, within ±MAX_URL_NUMBER."""
    value = parse_float(text)
    if value is None:
        raise ValueError(NOT_A_NUMBER)
    return value


def read_whole(text: str) -> int:
    """A link's whole number (a ``UrlParam``'s ``read``): '30', '30.0'; not '30.5'."""
    value = read_number(text)
    if value != int(value):
        raise ValueError("it must be a whole number")
    return int(value)


def read_flag(on: str, off: str | None = None) -> Callable[[str], bool]:
    """A ``UrlParam``'s ``read`` for a checkbox written as ``on`` (and ``off``, if it has one)."""

    def read(text: str) -> bool:
        if text in (on, off):
            return text == on
        shown = " or ".join(f"'{word}'" for word in (on, off) if word is not None)
        raise ValueError(f"it must be {shown}")

    return read


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


# --- values that outlive their widgets ---------------------------------------------------------

_ABSENT = object()
T = TypeVar("T")


def keep(key: str, value: T) -> T:
    """Keep ``value`` as the value in force of the setting ``key`` (its widget's key), for the
    session: a run that does not draw the widget drops the widget's state, not this."""
    st.session_state.setdefault(KEPT, {})[key] = value
    return value


def kept(key: str, default: Any = None) -> Any:
    """The value last kept for ``key``, or ``default``."""
    return st.session_state.get(KEPT, {}).get(key, default)


def _same(value: object, option: object) -> bool:
    # 1 == True and 1 == 1.0: an option of another type is another option (a label the
    # browser sent, a bool from an old session) and falls back.
    return value == option and type(value) is type(option)


@dataclass(frozen=True)
class UrlParam(Generic[T]):
    """A setting of a page, in its widget and in the link.

    ``name`` is the URL parameter (None: kept in the session only, not in the link); ``key`` the
    session key of its widget; ``default`` the value without a link. ``options`` are the values
    allowed (empty: any value ``read`` accepts; a page may pass the options of the moment to
    :meth:`seed`, e.g. the outputs of the graph shown). A number's ``bounds`` (lowest, highest)
    and ``step`` (the values low + k step a slider shows) allow a value the same way. ``read``
    turns a link's text into a value or raises ``ValueError`` saying why not; ``write`` is the
    inverse (None: the value is left out of the link, e.g. a checkbox at its default).
    ``typed``: the widget holds the value's text, which the page reads and then :meth:`keep`-s (a
    refused text leaves the value in force as it was). ``refused`` says why a link's value is not
    allowed.
    """

    name: str | None
    key: str
    default: T
    options: tuple[T, ...] = ()
    read: Callable[[str], T] | None = None
    write: Callable[[T], str | None] = str
    typed: bool = False
    refused: str = "it is not one of the choices offered"
    bounds: tuple[float, float] | None = None
    step: float | None = None

    def allows(self, value: object, options: Sequence[T] | None = None) -> bool:
        options = self.options if options is None else options
        if options and not any(_same(value, option) for option in options):
            return False
        if self.bounds is None:
            return True
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        low, high = self.bounds
        if not low <= value <= high:
            return False
        # On the slider's grid exactly: a value between two positions would be moved in silence.
        return self.step is None or (value - low) / self.step == round((value - low) / self.step)

    def from_link(self, options: Sequence[T] | None = None) -> T | None:
        """The link's value, or None: absent, or refused (said once, see :func:`refuse_link`)."""
        if self.name is None or (text := query_text(self.name)) is None:
            return None
        try:
            value: Any = text if self.read is None else self.read(text)
        except ValueError as problem:
            refuse_link(self.name, str(problem))
            return None
        if not self.allows(value, options):
            refuse_link(self.name, self.refused)
            return None
        return value

    def current(self, options: Sequence[T] | None = None) -> T:
        """The value in force: the one kept last, else the link's, else the default; one that
        ``options`` do not allow (any more) falls back to the default or the first option."""
        options = self.options if options is None else tuple(options)
        value = kept(self.key, _ABSENT)
        if value is _ABSENT:
            value = self.from_link(options)
            value = self.default if value is None else value
        if not self.allows(value, options):
            value = self.default if self.allows(self.default, options) else options[0]
        return keep(self.key, value)

    def seed(self, options: Sequence[T] | None = None) -> T:
        """The one bind: call right before drawing the widget keyed ``key``; returns the value
        in force.

        A choice widget gets the value in force every run: its own (the learner's last choice);
        if it was not drawn in the last run, the one kept meanwhile; else the link's, else the
        default. One that the options do not allow falls back to the default (or the first
        option). Written back every run: a keyed widget whose options changed shows no selection
        in the browser unless its value is set anew. A typed widget keeps its text while shown
        (a refused text stays on screen with its message) and gets the value's text when it
        comes back.
        """
        state = st.session_state
        if self.typed:
            value = self.current(options)
            if not isinstance(state.get(self.key), str):
                state[self.key] = self.write(value)
            return value
        if self.key in state:
            keep(self.key, state[self.key])
        value = self.current(options)
        state[self.key] = value
        return value

    def value(self, options: Sequence[T] | None = None) -> T:
        """The value in force, read without touching the widget (which may be drawn already in
        this run, or in another fragment): the widget's own if it has one that ``options``
        allow, else :meth:`current`."""
        state = st.session_state
        if not self.typed and self.key in state and self.allows(state[self.key], options):
            return self.keep(state[self.key])
        return self.current(options)

    def keep(self, value: T) -> T:
        """Record the value in force (a typed widget's text once read, a callback's choice)."""
        return keep(self.key, value)

    def set(self, value: T) -> None:
        """Put ``value`` in force and in the widget, as if chosen (call in a callback or before
        the widget is drawn: presets, the next question)."""
        keep(self.key, value)
        st.session_state[self.key] = self.write(value) if self.typed else value

    def query(self, value: T | None) -> dict[str, str | None]:
        """The share: ``{name: text}`` for :func:`write_query` (None drops it from the link)."""
        if self.name is None:
            return {}
        return {self.name: None if value is None else self.write(value)}
