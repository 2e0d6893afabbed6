"""The Gradient landscape's and Rate of change's settings on the one state mechanism (UrlParam):
links written by these pages on main before the move (5d3aa48, copied from ``st.query_params``
after choosing the settings under AppTest) reopen the same view and are written back unchanged;
a setting whose widget is hidden (another section, another view) keeps its value, in the page and
in the link; a refused value falls back to the default and is said once."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import open_page
from tests.fragments import run_all, set_in_fragment
from ui.quote import unquote

LANDSCAPE = "2_Gradient_landscape.py"
RATE = "1_Rate_of_change.py"
KNOBS = {"f": "x y^2 + z", "k_x": "1", "k_y": "1", "k_z": "1"}

#: Main's landscape page, opened on x y^2 + z and left as it was.
LANDSCAPE_PLAIN = {**KNOBS, "across": "x", "angle": "45", "az": "120", "el": "30", "eta": "0.05",
                   "look": "Slices", "n": "30", "up": "y", "view": "Contour map"}  # fmt: skip
#: ... after Both, Gradient descent, η 0.2, 50 steps, no path, the field, the camera turned to
#: 25° and tilted to 60°, z across and x up.
LANDSCAPE_DESCENT = {**KNOBS, "across": "z", "angle": "45", "az": "205", "el": "60", "eta": "0.2",
                     "field": "1", "look": "Gradient descent", "n": "50", "path": "0", "up": "x",
                     "view": "Both"}  # fmt: skip
#: ... then the directional derivative with u typed as a vector, u_y = 2.
LANDSCAPE_VECTOR = {**KNOBS, "across": "z", "angle": "45", "az": "205", "el": "60", "eta": "0.05",
                    "field": "1", "look": "Directional derivative", "n": "30", "u": "0,2,1",
                    "umode": "vector", "up": "x", "view": "Both"}  # fmt: skip
#: Main's rate page on x y^2 + z, left as it was.
RATE_PLAIN = {**KNOBS, "eta": "0.1", "h": "0.5", "look": "secant", "n": "10",
              "r_x": "-4,4,0.01", "wrt": "x"}  # fmt: skip
#: ... after y chosen, h = 0.1, Gradient descent with η 0.3, 20 steps, until converged.
RATE_DESCENT = {**KNOBS, "eta": "0.3", "h": "0.1", "look": "descent", "n": "20", "r_x": "-4,4,0.01",
                "r_y": "-4,4,0.01", "until": "1", "wrt": "y"}  # fmt: skip


def _link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def _toasts(at: AppTest) -> list[str]:
    return [unquote(t.value) for t in at.toast]


def test_main_landscape_links_are_written_back_unchanged() -> None:
    for link in (LANDSCAPE_PLAIN, LANDSCAPE_DESCENT, LANDSCAPE_VECTOR):
        at = open_page(LANDSCAPE, **link)
        assert _link(at) == link
        assert not at.toast, _toasts(at)


def test_a_main_landscape_descent_link_reopens_the_same_view() -> None:
    at = open_page(LANDSCAPE, **LANDSCAPE_DESCENT)
    assert at.radio(key="landscape_view").value == "Both"
    assert at.radio(key="landscape_section").value == "Gradient descent"
    assert at.select_slider(key="landscape_eta").value == 0.2
    assert at.slider(key="landscape_steps").value == 50
    assert at.checkbox(key="landscape_path").value is False
    assert at.checkbox(key="landscape_field").value is True
    assert at.slider(key="landscape_azimuth").value == 25
    assert at.slider(key="landscape_elevation").value == 60
    assert at.selectbox(key="landscape_across").value == "z"
    assert at.selectbox(key="landscape_up").value == "x"


def test_a_main_landscape_vector_link_reopens_u_as_typed() -> None:
    at = open_page(LANDSCAPE, **LANDSCAPE_VECTOR)
    assert at.radio(key="landscape_u_mode").value == "vector"
    u = [at.number_input(key=f"landscape_u_{name}").value for name in "xyz"]
    assert u == [0.0, 2.0, 1.0]
    assert any("u = " in element.value for element in at.latex)


def test_landscape_settings_are_kept_while_their_widgets_are_hidden() -> None:
    at = open_page(LANDSCAPE, **LANDSCAPE_DESCENT)
    set_in_fragment(at, at.radio(key="landscape_section"), "Hessian")
    assert _link(at)["eta"] == "0.2" and _link(at)["n"] == "50" and _link(at)["path"] == "0"
    run_all(at)
    at.radio(key="landscape_view").set_value("Surface").run()  # no map: no field checkbox
    assert "landscape_field" not in [box.key for box in at.checkbox]
    assert _link(at)["field"] == "1"
    at.radio(key="landscape_view").set_value("Contour map").run()
    assert at.checkbox(key="landscape_field").value is True
    set_in_fragment(at, at.radio(key="landscape_section"), "Gradient descent")
    run_all(at)
    assert at.select_slider(key="landscape_eta").value == 0.2
    assert at.slider(key="landscape_steps").value == 50
    assert at.checkbox(key="landscape_path").value is False


def test_a_refused_landscape_setting_falls_back_and_is_said_once() -> None:
    at = open_page(LANDSCAPE, az="7", n="0.5", look="Slices", view="Surface")
    assert at.slider(key="landscape_azimuth").value == -60
    assert _link(at)["az"] == "120" and _link(at)["n"] == "30"
    toasts = _toasts(at)
    assert "The link's az (7) was not used: it must be 0, 5, 10, ... or 360 (degrees)." in toasts
    assert "The link's n (0.5) was not used: it must be a whole number." in toasts
    at.radio(key="landscape_section").set_value("Gradient descent").run()
    assert at.slider(key="landscape_steps").value == 30
    assert not at.toast, "said once"


def test_main_rate_links_reopen_the_same_view_and_are_written_back_unchanged() -> None:
    at = open_page(RATE, **RATE_PLAIN)
    assert _link(at) == RATE_PLAIN
    assert at.select_slider(key="rate_h").value == 0.5
    at = open_page(RATE, **RATE_DESCENT)
    assert _link(at) == RATE_DESCENT
    assert not at.toast, _toasts(at)
    assert at.selectbox(key="rate_wrt").value == "y"
    assert at.segmented_control(key="rate_look").value == "Gradient descent"
    assert at.slider(key="rate_eta").value == 0.3
    assert at.slider(key="rate_steps").value == 20
    assert at.checkbox(key="rate_until").value is True


def test_rate_settings_are_kept_while_their_section_is_hidden() -> None:
    at = open_page(RATE, **RATE_DESCENT)
    set_in_fragment(at, at.segmented_control(key="rate_look"), "Secant to tangent")
    assert at.select_slider(key="rate_h").value == 0.1
    set_in_fragment(at, at.select_slider(key="rate_h"), 0.01)
    link = _link(at)
    assert (link["h"], link["eta"], link["n"], link["until"]) == ("0.01", "0.3", "20", "1")
    set_in_fragment(at, at.segmented_control(key="rate_look"), "Gradient descent")
    run_all(at)
    assert at.slider(key="rate_eta").value == 0.3
    assert at.checkbox(key="rate_until").value is True
    assert _link(at)["h"] == "0.01"


def test_a_refused_rate_setting_falls_back_and_is_said_once() -> None:
    at = open_page(RATE, h="0.3", until="yes", look="descent")
    assert at.checkbox(key="rate_until").value is False
    assert _link(at)["h"] == "0.5" and "until" not in _link(at)
    toasts = _toasts(at)
    assert "The link's h (0.3) was not used: it must be one of the steps offered." in toasts
    assert "The link's until (yes) was not used: it must be '1' or '0'." in toasts
    at.slider(key="rate_steps").set_value(12).run()
    assert not at.toast, "said once"


def test_landscape_settings_are_kept_through_full_reruns_of_another_section() -> None:
    # Main's own table lost these (η, steps, path, angle back to their defaults) when the run
    # that hid them was a full rerun of the page.
    at = open_page(LANDSCAPE, **LANDSCAPE_PLAIN)
    at.radio(key="landscape_section").set_value("Gradient descent").run()
    at.select_slider(key="landscape_eta").set_value(0.2).run()
    at.slider(key="landscape_steps").set_value(50).run()
    at.checkbox(key="landscape_path").uncheck().run()
    at.radio(key="landscape_section").set_value("Directional derivative").run()
    at.slider(key="landscape_angle").set_value(120.0).run()
    link = _link(at)
    assert (link["eta"], link["n"], link["path"]) == ("0.2", "50", "0")
    at.radio(key="landscape_u_mode").set_value("vector").run()
    at.radio(key="landscape_section").set_value("Gradient descent").run()
    assert at.select_slider(key="landscape_eta").value == 0.2
    assert at.slider(key="landscape_steps").value == 50
    assert at.checkbox(key="landscape_path").value is False
    at.radio(key="landscape_section").set_value("Directional derivative").run()
    at.radio(key="landscape_u_mode").set_value("angle").run()
    assert at.slider(key="landscape_angle").value == 120.0
