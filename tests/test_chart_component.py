"""The live chart (ui/chart_component.py): plotly.js served from static/, the spec handed over
intact, and the fallback to st.plotly_chart when static/ cannot be written. The browser side
(updating in place with Plotly.react) is checked in tests/browser/."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

import ui.chart_component as live
from tests.charts import ask_for_the_base, chart_specs
from ui.knob_slider import KNOB_SLIDERS
from ui.knob_slider import _component as knob_slider_component

SCRIPT = """
import plotly.graph_objects as go
from ui.chart_component import live_chart

figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[4, 5, 6], name="line"), layout={"height": 321})
live_chart(figure, key="line_chart", config={"staticPlot": True})
"""


@pytest.fixture
def static_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh static folder, and the once-per-process check forgotten."""
    folder = tmp_path / "static"
    monkeypatch.setattr(live, "STATIC_DIR", folder)
    monkeypatch.setattr(live, "_plotly_js_served", {})
    return folder


@pytest.fixture
def unwritable_static(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A static folder that cannot be made (a file stands in its way), nothing served yet."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(live, "STATIC_DIR", blocker / "static")
    monkeypatch.setattr(live, "_plotly_js_served", {})


def test_plotly_js_is_copied_from_the_pinned_package(static_dir: Path) -> None:
    assert live.plotly_js_served()
    copy = static_dir / live.PLOTLY_JS
    assert copy.read_bytes() == live._PLOTLY_JS_SOURCE.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o644, "the server must be able to read it"
    assert [p.name for p in static_dir.iterdir()] == [live.PLOTLY_JS], "no partial file left"


def test_a_stale_copy_is_replaced(static_dir: Path) -> None:
    static_dir.mkdir()
    (static_dir / live.PLOTLY_JS).write_text("half a file")
    assert live.plotly_js_served()
    assert (static_dir / live.PLOTLY_JS).read_bytes() == live._PLOTLY_JS_SOURCE.read_bytes()


def test_a_live_chart_hands_the_figure_to_the_browser_intact(static_dir: Path) -> None:
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception
    assert not at.get("plotly_chart"), "drawn by the live chart, not st.plotly_chart"
    (element,) = at.get("bidi_component")
    data = json.loads(element.proto.json)
    assert data["height"] == 321, "the space is kept while plotly.js loads"
    assert data["plotly"] == f"/app/static/{live.PLOTLY_JS}"
    assert json.loads(data["config"]) == {"displaylogo": False, "staticPlot": True}
    spec = chart_specs(at)["line_chart"]
    assert spec["data"][0]["y"] == [4, 5, 6]
    assert spec["layout"]["height"] == 321


def test_the_plotly_url_follows_the_base_path(static_dir: Path) -> None:
    config.set_option("server.baseUrlPath", "/knobs/")
    try:
        assert live._plotly_js_url() == f"/knobs/app/static/{live.PLOTLY_JS}"
    finally:
        config.set_option("server.baseUrlPath", "")


@pytest.mark.usefixtures("unwritable_static")
def test_without_a_writable_static_folder_charts_fall_back_to_plotly_chart() -> None:
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception
    assert not at.get("bidi_component")
    assert chart_specs(at)["line_chart"]["data"][0]["y"] == [4, 5, 6]


def test_plotly_js_goes_beside_the_script_being_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit serves static/ beside the main script: app.py's for the app, bench/ for a
    # benchmark page.
    monkeypatch.setattr(live, "STATIC_DIR", None)
    monkeypatch.setattr(live, "_plotly_js_served", {})
    script = tmp_path / "page.py"
    script.write_text(SCRIPT)
    at = AppTest.from_file(str(script)).run()
    assert not at.exception
    assert (tmp_path / "static" / live.PLOTLY_JS).is_file()
    assert chart_specs(at)["line_chart"]["data"][0]["y"] == [4, 5, 6]


def test_a_components_code_travels_once_not_in_every_element(static_dir: Path) -> None:
    """The chart's (and each knob slider's) JavaScript is served from static/; every element
    carries only a small loader that imports it (bench/load.py: ~5 KB less per element)."""
    at = AppTest.from_string(SCRIPT).run()
    (element,) = at.get("bidi_component")
    loader = element.proto.js_content
    assert len(loader) < 300, f"the element carries {len(loader)} characters of code"
    assert f"/app/static/{live._component.file}" in loader
    module = (static_dir / live._component.file).read_text()
    assert "Plotly.react" in module, "the chart's code is in the served module"
    assert stat.S_IMODE((static_dir / live._component.file).stat().st_mode) == 0o644


@pytest.mark.usefixtures("unwritable_static")
def test_without_a_writable_static_folder_components_are_sent_inline() -> None:
    assert not knob_slider_component.served()
    at = AppTest.from_string(
        "from ui.knob_slider import SliderKnob, knob_slider_panel\n"
        "knob_slider_panel([SliderKnob('x', -1.0, 1.0, 0.1, 0.5)], key='k')\n"
    ).run()
    (element,) = at.get("bidi_component")
    assert element.proto.component_name == f"{KNOB_SLIDERS}_inline"
    assert "setStateValue" in element.proto.js_content


def test_without_static_serving_components_are_sent_inline(
    static_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module written to static/ but not served would leave the component blank."""
    serving = config.get_option("server.enableStaticServing")
    assert serving, "the app serves static/ (.streamlit/config.toml)"
    assert knob_slider_component.served()
    monkeypatch.setattr(
        live.st,
        "get_option",
        lambda name: False if name == "server.enableStaticServing" else config.get_option(name),
    )
    assert not knob_slider_component.served()


HEATMAP_SCRIPT = """
import numpy as np
from ui.chart_component import live_chart
from ui.figures import jacobian_heatmap

live_chart(jacobian_heatmap(np.array([[0.0, 3.2]]), ["y"], ["a", "b"]), key="heatmap")
"""


def test_a_live_chart_sends_what_its_figure_shows_in_words(static_dir: Path) -> None:
    """The accessible name of the chart (a figure role, set in the browser)."""
    at = AppTest.from_string(HEATMAP_SCRIPT).run()
    (element,) = at.get("bidi_component")
    said = json.loads(element.proto.json)["description"]
    assert "Largest in size: ∂y/∂b = 3.2." in said
    assert "does not react to that knob here: ∂y/∂a." in said
    at = AppTest.from_string(SCRIPT).run()
    (element,) = at.get("bidi_component")
    assert json.loads(element.proto.json)["description"] is None  # a plain plotly figure


# --- the layered chart: a light overlay on a heavy base, the base's bytes sent once ----------

LAYERED_SCRIPT = """
import streamlit as st
from ui.chart_component import layered_chart
from ui.figures import SpecFigure, describe

top = st.session_state.get("top", 1.0)
base = SpecFigure({"data": [{"type": "scatter", "x": [0, 1], "y": [0, top], "name": "curve"}],
                   "layout": {"height": 300}})
at = st.session_state.get("x", 0.5)
overlay = SpecFigure({"data": [{"type": "scatter", "x": [at], "y": [at], "name": "point"}],
                      "layout": {"height": 300, "paper_bgcolor": "rgba(0,0,0,0)"}})
layered_chart(base, describe(overlay, f"A point at {at}."), key="picture", version=f"v{at}",
              base_config={"staticPlot": True}, overlay_config={"displayModeBar": False})
"""


def layered(at: AppTest) -> dict:
    (element,) = at.get("bidi_component")
    assert element.proto.component_name == live.LAYERED_CHART_COMPONENT
    return json.loads(element.proto.json)


def rerun_with(at: AppTest, **state: float) -> dict:
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return layered(at)


def test_a_layered_chart_sends_its_base_once_and_the_overlay_every_time(static_dir: Path) -> None:
    at = AppTest.from_string(LAYERED_SCRIPT).run()
    assert not at.exception
    first = layered(at)
    assert json.loads(first["base"])["data"][0]["name"] == "curve"
    assert json.loads(first["base_config"]) == {"displaylogo": False, "staticPlot": True}
    assert json.loads(first["spec"])["data"][0]["x"] == [0.5]
    assert json.loads(first["config"]) == {"displaylogo": False, "displayModeBar": False}
    assert (first["height"], first["key"], first["version"]) == (300, "picture", "v0.5")
    assert first["description"] == "A point at 0.5.", "the watched chart's accessible name"
    moved = rerun_with(at, x=0.7)  # a knob move: a new overlay on the same base
    assert moved["base"] is None and moved["base_config"] is None, "the base's bytes again"
    assert moved["base_version"] == first["base_version"]
    assert json.loads(moved["spec"])["data"][0]["x"] == [0.7]
    assert moved["version"] == "v0.7" and moved["description"] == "A point at 0.7."


def test_a_new_base_is_sent_and_one_sent_before_is_not(static_dir: Path) -> None:
    at = AppTest.from_string(LAYERED_SCRIPT).run()
    first = layered(at)
    changed = rerun_with(at, top=2.0)  # a held knob moved: the heavy figure changed
    assert changed["base_version"] != first["base_version"]
    assert json.loads(changed["base"])["data"][0]["y"] == [0, 2.0]
    back = rerun_with(at, top=1.0)  # the browser keeps recent bases: only the version
    assert back["base"] is None and back["base_version"] == first["base_version"]


def test_the_base_is_sent_again_when_the_browser_asks(static_dir: Path) -> None:
    """A remount after the browser's cache dropped the base, or a message replaced before it
    was drawn: the browser asks, and the next drawing carries the base, with one answer more."""
    at = AppTest.from_string(LAYERED_SCRIPT).run()
    rerun_with(at, x=0.7)
    assert layered(at)["base"] is None
    answered = layered(ask_for_the_base(at, "picture"))
    assert not at.exception, [e.message for e in at.exception]
    assert json.loads(answered["base"])["data"][0]["name"] == "curve"
    assert answered["asks"] == layered(at)["asks"] == 1
    assert rerun_with(at, x=0.8)["base"] is None, "sent again once, not on every move"


@pytest.mark.usefixtures("unwritable_static")
def test_without_live_charts_a_layered_chart_is_one_plotly_chart() -> None:
    at = AppTest.from_string(LAYERED_SCRIPT).run()
    assert not at.exception
    assert not at.get("bidi_component")
    spec = chart_specs(at)["picture"]
    assert [trace["name"] for trace in spec["data"]] == ["curve", "point"]
    assert spec["data"][1]["showlegend"] is False
    assert spec["layout"]["height"] == 300
