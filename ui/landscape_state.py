"""The Gradient landscape page's settings: declared once, started from the URL, kept across runs.

Each setting is a widget key (``landscape_{name}``), a URL parameter, a default, and how to read
the URL's text (None when it is not allowed: the default is used, nothing raises) and write it.

Why the values are kept: Streamlit drops a widget's value when a run does not draw the widget
(the gradient-field checkbox in Surface view, the learning rate outside Gradient descent). A knob
move reruns only the live panel's fragments (ui/live.py), not the code that set the widgets up, so
every run starts by putting back what was dropped (:func:`restore_settings`) and ends by keeping
what is there (:func:`keep_settings`), all in one session key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from calculus import ExpressionError
from calculus.export import plain_symbol
from calculus.landscape import Landscape, direction_from_angle, unit_vector
from ui.url_state import check_offered, number_text, parse_float, query_text, refuse_link

PAGE = "landscape"
VIEWS = ("Contour map", "Surface", "Both")
SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN = (
    "Slices", "Gradient", "Tangent plane", "Directional derivative", "Gradient descent", "Hessian",
)  # fmt: skip
SECTIONS = (SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN)
RATES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MAX_STEPS = 300
U_MODES = ("angle", "vector")
_KEPT = f"{PAGE}_kept"


def _choice(options: Sequence[Any]) -> Callable[[str | None], Any]:
    return lambda text: text if text in options else None


# A flag in the URL is only ever written as its one value; anything else is refused (said).
def _flag(on: str) -> Callable[[str | None], bool | None]:
    return lambda text: True if text == on else None


def _off(off: str) -> Callable[[str | None], bool | None]:
    return lambda text: False if text == off else None


# The readers take a number only if the widget can show it as it is (never rounded in silence).
def _angle(text: str | None) -> float | None:
    value = parse_float(text)
    return value if value is not None and value == round(value) and 0 <= value <= 360 else None


def _rate(text: str | None) -> float | None:
    value = parse_float(text)
    return value if value in RATES else None


def _steps(text: str | None) -> int | None:
    value = parse_float(text)
    good = value is not None and value == int(value) and 1 <= value <= MAX_STEPS
    return int(value) if good and value else None


def _azimuth(text: str | None) -> int | None:
    value = parse_float(text)  # the URL holds 0..360, the slider -180..180 in steps of 5
    good = value is not None and value % 5 == 0 and 0 <= value <= 360
    return int(value) - 180 if good and value is not None else None


def _elevation(text: str | None) -> int | None:
    value = parse_float(text)
    good = value is not None and value % 5 == 0 and 0 <= value <= 90
    return int(value) if good and value is not None else None


@dataclass(frozen=True)
class Setting:
    """One widget's value: its key is ``landscape_{name}``, its URL parameter ``url``."""

    name: str
    url: str
    default: Any
    read: Callable[[str | None], Any]
    write: Callable[[Any], str | None]

    @property
    def key(self) -> str:
        return f"{PAGE}_{self.name}"


SETTINGS = (
    Setting("view", "view", VIEWS[0], _choice(VIEWS), str),
    Setting("section", "look", SLICES, _choice(SECTIONS), str),
    Setting("field", "field", False, _flag("1"), lambda on: "1" if on else None),
    Setting("path", "path", True, _off("0"), lambda on: None if on else "0"),
    Setting("angle", "angle", 45.0, _angle, number_text),
    Setting("eta", "eta", 0.05, _rate, number_text),
    Setting("steps", "n", 30, _steps, str),
    Setting("azimuth", "az", -60, _azimuth, lambda v: str(int(v) + 180)),
    Setting("elevation", "el", 30, _elevation, lambda v: str(int(v))),
    Setting("u_mode", "umode", "angle", _choice(U_MODES), lambda v: None),  # see page_query
)


def _kept() -> dict[str, Any]:
    return st.session_state.setdefault(_KEPT, {})


def restore(key: str, start: Callable[[], Any]) -> None:
    """Give widget ``key`` its kept value if a run dropped it, else ``start()`` (first time)."""
    if key not in st.session_state:
        kept = _kept()
        st.session_state[key] = kept[key] if key in kept else start()


def restore_settings() -> None:
    """Every setting has its value before any widget is drawn (cheap: a few dict look-ups)."""
    for setting in SETTINGS:
        restore(setting.key, lambda s=setting: _from_url(s))


def _from_url(setting: Setting) -> Any:
    text = query_text(setting.url)
    value = setting.read(text)
    if value is None and text is not None:
        refuse_link(setting.url, "it is not a value this page offers")
    return setting.default if value is None else value


def keep_settings(extra: Sequence[str] = ()) -> None:
    """Keep every setting's value (and the ``extra`` keys) for the runs that will not draw it."""
    kept = _kept()
    for key in [setting.key for setting in SETTINGS] + list(extra):
        if key in st.session_state:
            kept[key] = st.session_state[key]


def setting(name: str) -> Any:
    """The value of setting ``name`` now."""
    return st.session_state[f"{PAGE}_{name}"]


def vector_mode(landscape: Landscape) -> bool:
    """Whether u is typed as a vector (only offered with more than two knobs)."""
    return landscape.n_inputs > 2 and setting("u_mode") == "vector"


def u_keys(landscape: Landscape) -> list[str]:
    return [f"{PAGE}_u_{name}" for name in landscape.variables]


def _vector_from_url(m: int) -> list[float] | None:
    """The direction u from the URL ('1,0,2'): m finite numbers, else None."""
    text = query_text("u")
    values = [parse_float(part) for part in (text or "").split(",")]
    if len(values) != m or any(v is None for v in values):
        if text is not None:
            refuse_link("u", f"it must be {m} finite numbers separated by commas")
        return None
    return [float(v) for v in values if v is not None]


def current_direction(landscape: Landscape, plotted: tuple[int, int]) -> np.ndarray | None:
    """The unit direction u of the directional-derivative section, shape (m,), or None."""
    m = landscape.n_inputs
    if not vector_mode(landscape):
        return direction_from_angle(float(setting("angle")), plotted, m)
    linked = _vector_from_url(m)
    components = []
    for k, key in enumerate(u_keys(landscape)):
        restore(key, lambda k=k: linked[k] if linked else float(k == plotted[0]))
        components.append(float(st.session_state[key] or 0.0))
    try:
        return unit_vector(components)
    except ExpressionError:
        return None


def choose_plotted(variables: tuple[str, ...]) -> tuple[int, int]:
    """The two knobs on the map's axes; with m > 2 the learner picks them."""
    across_key, up_key = f"{PAGE}_across", f"{PAGE}_up"
    if st.session_state.get(across_key) not in variables:
        wanted = query_text("across")
        check_offered("across", variables)
        st.session_state[across_key] = wanted if wanted in variables else variables[0]
    left, right = st.columns(2)
    across = left.selectbox("Map across", variables, key=across_key, format_func=plain_symbol)
    others = [name for name in variables if name != across]
    if st.session_state.get(up_key) not in others:
        wanted = query_text("up")
        check_offered("up", others)
        st.session_state[up_key] = wanted if wanted in others else others[0]
    up = right.selectbox("Map up", others, key=up_key, format_func=plain_symbol)
    return (variables.index(across), variables.index(up))


def page_query(landscape: Landscape, plotted: tuple[int, int]) -> dict[str, str | None]:
    """The settings as URL parameters (a link made before this module restores the same)."""
    query = {s.url: s.write(st.session_state[s.key]) for s in SETTINGS}
    m = landscape.n_inputs
    vector = vector_mode(landscape)
    query |= {
        "across": landscape.variables[plotted[0]] if m > 2 else None,
        "up": landscape.variables[plotted[1]] if m > 2 else None,
        "umode": "vector" if vector else None,
        "u": ",".join(number_text(float(st.session_state.get(k) or 0.0)) for k in u_keys(landscape))
        if vector
        else None,
    }
    return query
