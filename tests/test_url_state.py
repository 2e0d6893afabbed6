"""The one state mechanism (ui/url_state.py: UrlParam) on a page of its own under AppTest: the
default, a link's value taken, a refused one said once and replaced by the default, a value kept
while its widget is not drawn, a stale option after the options changed, a typed setting whose
refused text leaves the value in force, and the share into the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_TIMEOUT_S, assert_no_exception
from ui.quote import unquote
from ui.url_state import UrlParam, read_flag, read_number, read_whole


def _settings_page() -> None:
    """A shape (a choice among options that may change) and a size (typed), each shown or not."""
    import streamlit as st

    from calculus.numbers import NumberError, parse_whole_number
    from ui.url_state import UrlParam, write_query

    def read_size(text: str) -> int:
        return parse_whole_number(text, "", 1, 6)

    shape_param = UrlParam("shape", "demo_shape", "circle", options=("circle", "square", "star"))
    size_param = UrlParam("size", "demo_size", 2, read=read_size, typed=True)
    options = st.session_state.get("demo_options", shape_param.options)
    if st.checkbox("Show the shape", value=True, key="demo_show_shape"):
        shape_param.seed(options)
        shape = st.radio("Shape", options, key=shape_param.key)
    else:
        shape = shape_param.current(options)
    size = size_param.current()
    if st.checkbox("Show the size", value=True, key="demo_show_size"):
        size_param.seed()
        text = st.text_input("Size", key=size_param.key)
        try:
            size = size_param.keep(parse_whole_number(text, "The size", 1, 6))
        except NumberError as problem:
            st.error(f"{problem.message}; still using {size}.")
    st.markdown(f"In force: {shape}, {size}")
    write_query(shape_param.query(shape) | size_param.query(size))


def _open(**query: str) -> AppTest:
    at = AppTest.from_function(_settings_page, default_timeout=APP_TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert_no_exception(at, f"settings page with {query}")
    return at


def _in_force(at: AppTest) -> str:
    (line,) = [m.value for m in at.markdown if m.value.startswith("In force: ")]
    return line.removeprefix("In force: ")


def _toasts(at: AppTest) -> list[str]:
    return [unquote(t.value) for t in at.toast]


def test_without_a_link_the_defaults_are_in_force_and_shared() -> None:
    at = _open()
    assert at.radio(key="demo_shape").value == "circle"
    assert at.text_input(key="demo_size").value == "2"
    assert _in_force(at) == "circle, 2"
    assert at.query_params["shape"] == "circle" and at.query_params["size"] == "2"
    assert not at.toast


def test_a_links_allowed_values_are_taken() -> None:
    at = _open(shape="star", size="6/2")
    assert at.radio(key="demo_shape").value == "star"
    assert _in_force(at) == "star, 3"
    assert at.query_params["size"] == "3", "the link is rewritten in the page's own words"
    assert not at.toast


def test_a_refused_value_falls_back_to_the_default_and_is_said_once() -> None:
    at = _open(shape="hexagon", size="7")
    assert _in_force(at) == "circle, 2"
    assert at.text_input(key="demo_size").value == "2"
    toasts = _toasts(at)
    assert "The link's shape (hexagon) was not used: it is not one of the choices offered." in (
        toasts
    )
    assert "The link's size (7) was not used: from 1 to 6, not 7." in toasts
    at.radio(key="demo_shape").set_value("square").run()
    assert _in_force(at) == "square, 2"
    assert not at.toast, "said once a visit, not on every rerun"


def test_a_hostile_link_is_refused_without_raising() -> None:
    payload = "![](/favicon.png)**x** <b>y</b>"
    at = _open(shape=payload, size=payload)
    assert _in_force(at) == "circle, 2"
    assert all(payload not in body for body in [t.value for t in at.toast])  # quoted, as text
    assert len(at.toast) == 2


def test_a_value_is_kept_while_its_widget_is_not_drawn() -> None:
    at = _open()
    at.radio(key="demo_shape").set_value("star").run()
    at.text_input(key="demo_size").input("5").run()
    at.checkbox(key="demo_show_shape").uncheck().run()
    at.checkbox(key="demo_show_size").uncheck().run()
    assert _in_force(at) == "star, 5", "in force while hidden"
    assert at.query_params["shape"] == "star" and at.query_params["size"] == "5"
    at.run()  # a second run without the widgets: Streamlit has dropped their state by now
    at.checkbox(key="demo_show_shape").check().run()
    at.checkbox(key="demo_show_size").check().run()
    assert at.radio(key="demo_shape").value == "star"
    assert at.text_input(key="demo_size").value == "5"
    assert _in_force(at) == "star, 5"


def test_a_link_read_while_the_widget_is_hidden_is_kept_for_when_it_comes_back() -> None:
    at = AppTest.from_function(_settings_page, default_timeout=APP_TIMEOUT_S)
    at.query_params["shape"] = "square"
    at.session_state["demo_show_shape"] = False
    at.run()
    assert _in_force(at) == "square, 2"
    at.checkbox(key="demo_show_shape").check().run()
    assert at.radio(key="demo_shape").value == "square"


def test_a_stale_option_falls_back_to_the_default_or_the_first_option() -> None:
    at = _open(shape="star")
    at.session_state["demo_options"] = ("circle", "square")  # the options change: no star
    at.run()
    assert_no_exception(at, "options without the chosen one")
    assert at.radio(key="demo_shape").value == "circle"
    assert not at.toast, "the learner's own choice going stale is no refused link"
    at.session_state["demo_options"] = ("square", "star")  # not even the default
    at.run()
    assert at.radio(key="demo_shape").value == "square"


def test_a_refused_typed_text_leaves_the_value_in_force() -> None:
    at = _open(size="4")
    at.text_input(key="demo_size").input("1e3").run()
    assert _in_force(at) == "circle, 4"
    assert [e.value for e in at.error] == ["The size: from 1 to 6, not 1000; still using 4."]
    assert at.text_input(key="demo_size").value == "1e3", "the text stays, with its message"
    assert at.query_params["size"] == "4", "the link keeps the last good size"
    at.checkbox(key="demo_show_size").uncheck().run()
    at.checkbox(key="demo_show_size").check().run()
    assert at.text_input(key="demo_size").value == "4", "back with the value in force"


def test_a_numbers_bounds_and_step_allow_only_what_its_slider_shows() -> None:

    turn = UrlParam("az", "demo_az", 0, read=read_whole, bounds=(-180, 180), step=5)
    assert turn.allows(-180) and turn.allows(25) and turn.allows(180)
    assert not turn.allows(27), "between two positions: the slider would move it in silence"
    assert not turn.allows(185) and not turn.allows(True) and not turn.allows("25")
    rate = UrlParam("eta", "demo_eta", 0.1, read=read_number, bounds=(0.0, 2.0))
    assert rate.allows(0.123) and not rate.allows(2.5) and not rate.allows(float("nan"))
    assert read_whole("30.0") == 30 and read_number("5e-324") == 5e-324
    for reader, text in ((read_whole, "30.5"), (read_number, "inf"), (read_flag("1"), "0")):
        with pytest.raises(ValueError):  # said by refuse_link with the reason
            reader(text)
    assert read_flag("1", "0")("0") is False and read_flag("1")("1") is True
