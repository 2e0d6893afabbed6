"""The Gradient landscape page's settings, declared as ``UrlParam``-s (ui/url_state.py: the one
URL-state mechanism), and the direction u of the directional-derivative section.

URL names and values are those of the links made before the declaration (``look=``, ``n=``, the
camera's ``az`` from 0 to 360, ``field=1``, ``path=0``...). Widgets are drawn in the page's
fragments (ui/live.py), which read every setting first (:func:`setting`, never writing a widget
that may be drawn already in this run) and seed each widget right before drawing it (:func:`seed`):
a setting whose widget a run does not draw (the field in Surface view, the learning rate outside
Gradient descent) keeps its value in url_state's one store.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from calculus import ExpressionError
from calculus.export import plain_symbol
from calculus.landscape import Landscape, direction_from_angle, unit_vector
from ui.url_state import (
    UrlParam,
    keep,
    kept,
    number_text,
    parse_float,
    read_flag,
    read_number,
    read_whole,
)

PAGE = "landscape"
VIEWS = ("Contour map", "Surface", "Both")
SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN = (
    "Slices", "Gradient", "Tangent plane", "Directional derivative", "Gradient descent", "Hessian",
)  # fmt: skip
SECTIONS = (SLICES, GRADIENT, PLANE, DIRECTIONAL, DESCENT, HESSIAN)
RATES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MAX_STEPS = 300
U_MODES = ("angle", "vector")
_UNSET = object()


def _azimuth(text: str) -> int:
    return read_whole(text) - 180  # the URL holds 0..360, the slider -180..180


# A number is taken only if its widget can show it as it is (never rounded in silence).
SETTINGS: dict[str, UrlParam[Any]] = {
    "view": UrlParam("view", f"{PAGE}_view", VIEWS[0], options=VIEWS),
    "section": UrlParam("look", f"{PAGE}_section", SLICES, options=SECTIONS),
    "field": UrlParam(
        "field", f"{PAGE}_field", False, options=(False, True), read=read_flag("1"),
        write=lambda on: "1" if on else None,
    ),
    "path": UrlParam(
        "path", f"{PAGE}_path", True, options=(False, True), read=read_flag("1", "0"),
        write=lambda on: None if on else "0",
    ),
    "angle": UrlParam(
        "angle", f"{PAGE}_angle", 45.0, read=read_number, write=number_text, bounds=(0, 360),
        step=1, refused="it must be a whole number of degrees from 0 to 360",
    ),
    "eta": UrlParam(
        "eta", f"{PAGE}_eta", 0.05, options=RATES, read=read_number, write=number_text,
        refused="it must be one of the learning rates offered",
    ),
    "steps": UrlParam(
        "n", f"{PAGE}_steps", 30, read=read_whole, bounds=(1, MAX_STEPS),
        refused=f"it must be a whole number from 1 to {MAX_STEPS}",
    ),
    "azimuth": UrlParam(
        "az", f"{PAGE}_azimuth", -60, read=_azimuth, write=lambda v: str(v + 180),
        bounds=(-180, 180), step=5, refused="it must be 0, 5, 10, ... or 360 (degrees)",
    ),
    "elevation": UrlParam(
        "el", f"{PAGE}_elevation", 30, read=read_whole, bounds=(0, 90), step=5,
        refused="it must be 0, 5, 10, ... or 90 (degrees)",
    ),
    # Written by page_query only with more than two knobs (the radio is offered only then).
    "u_mode": UrlParam("umode", f"{PAGE}_u_mode", "angle", options=U_MODES),
}  # fmt: skip
#: The knobs on the map's axes (the options are f's knobs): the first ones offered by default.
ACROSS: UrlParam[str | None] = UrlParam("across", f"{PAGE}_across", None)
UP: UrlParam[str | None] = UrlParam("up", f"{PAGE}_up", None)
#: The settings of the pictures' controls, and of the sections' (seeded before they are drawn).
PICTURE_SETTINGS = ("field", "azimuth", "elevation")
SECTION_SETTINGS = ("u_mode", "angle", "eta", "steps", "path")


def setting(name: str) -> Any:
    """The value in force of setting ``name`` (read only: its widget may be drawn already)."""
    return SETTINGS[name].value()


def seed(*names: str) -> None:
    """Seed the widgets of settings ``names``: right before they are drawn in this run."""
    for name in names:
        SETTINGS[name].seed()


def vector_mode(landscape: Landscape) -> bool:
    """Whether u is typed as a vector (only offered with more than two knobs)."""
    return landscape.n_inputs > 2 and setting("u_mode") == "vector"


def u_keys(landscape: Landscape) -> list[str]:
    return [f"{PAGE}_u_{name}" for name in landscape.variables]


def u_param(m: int) -> UrlParam[tuple[float, ...] | None]:
    """The direction u typed as a vector, in the link ('1,0,2'); its components are widgets of
    their own (:func:`u_keys`), kept in url_state's store."""

    def read(text: str) -> tuple[float, ...]:
        values = [parse_float(part) for part in text.split(",")]
        if len(values) != m or any(v is None for v in values):
            raise ValueError(f"it must be {m} finite numbers separated by commas")
        return tuple(float(v) for v in values if v is not None)

    def write(u: tuple[float, ...] | None) -> str | None:
        return None if u is None else ",".join(number_text(v) for v in u)

    return UrlParam("u", f"{PAGE}_u", None, read=read, write=write)


def current_direction(landscape: Landscape, plotted: tuple[int, int]) -> np.ndarray | None:
    """The unit direction u of the directional-derivative section, shape (m,), or None."""
    m = landscape.n_inputs
    if not vector_mode(landscape):
        return direction_from_angle(float(setting("angle")), plotted, m)
    state = st.session_state
    linked: tuple[float, ...] | None = None
    components = []
    for k, key in enumerate(u_keys(landscape)):
        if key not in state:  # a run that did not draw the component dropped it
            start = kept(key, _UNSET)
            if start is _UNSET:  # never set in this session: the link's, else along "across"
                linked = linked or u_param(m).from_link()
                start = linked[k] if linked else float(k == plotted[0])
            state[key] = start
        components.append(float(keep(key, state[key]) or 0.0))
    try:
        return unit_vector(components)
    except ExpressionError:
        return None


def choose_plotted(variables: tuple[str, ...]) -> tuple[int, int]:
    """The two knobs on the map's axes; with m > 2 the learner picks them."""
    left, right = st.columns(2)
    ACROSS.seed(variables)
    across = left.selectbox("Map across", variables, key=ACROSS.key, format_func=plain_symbol)
    others = tuple(name for name in variables if name != across)
    UP.seed(others)
    up = right.selectbox("Map up", others, key=UP.key, format_func=plain_symbol)
    return (variables.index(across), variables.index(up))


def page_query(landscape: Landscape, plotted: tuple[int, int]) -> dict[str, str | None]:
    """The settings as URL parameters (a link made before this module restores the same)."""
    query: dict[str, str | None] = {}
    for name, param in SETTINGS.items():
        query |= param.query(setting(name))
    m, variables = landscape.n_inputs, landscape.variables
    vector = vector_mode(landscape)
    u = tuple(float(st.session_state.get(key) or 0.0) for key in u_keys(landscape))
    return query | {
        **SETTINGS["u_mode"].query("vector" if vector else None),
        **ACROSS.query(variables[plotted[0]] if m > 2 else None),
        **UP.query(variables[plotted[1]] if m > 2 else None),
        **u_param(m).query(u if vector else None),
    }
