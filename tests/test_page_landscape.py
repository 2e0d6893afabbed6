"""The gradient-landscape page: its figures as pure functions, then the page through AppTest."""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

import ui.chart_component as live
import ui.landscape as pictures
from calculus.landscape import (
    LANDSCAPE_EXAMPLES,
    gradient_field,
    parse_landscape,
    sample_grid,
    slice_along,
)
from calculus.narration.landscape import critical_story
from tests.charts import chart_specs, layered_data
from tests.conftest import open_hostile_link, open_page
from tests.fragments import click_in_fragment, run_all, set_in_fragment, turn_knob_in_fragment
from tests.knobs import knob_slider, knob_sliders, open_ranges, turn_knob

PAGE = "2_Gradient_landscape.py"
#: The plot holds the engine's floats; only two-point arithmetic may differ.
RTOL = 1e-12
ATOL = 1e-12


# --- reading figures ----------------------------------------------------------------------------


def values(array: Any) -> np.ndarray:
    """A data array as plotted: a typed array ({dtype, bdata, shape}) or a list (None = nan)."""
    if isinstance(array, dict):
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype="<f8")
        if "shape" in array:
            decoded = decoded.reshape([int(n) for n in array["shape"].split(",")])
        return decoded
    return np.array([np.nan if v is None else v for v in array], dtype=float)


def trace(spec: dict, name: str) -> dict:
    found = [t for t in spec["data"] if t.get("name") == name]
    assert found, f"no trace {name!r} among {[t.get('name') for t in spec['data']]}"
    return found[0]


def names(spec: dict) -> list[str]:
    return [t.get("name") for t in spec["data"]]


def validated(figure: go.Figure) -> dict:
    """The figure's spec after plotly validated every property (raises on any mistake)."""
    go.Figure(figure.to_dict())
    return figure.to_dict()


FRAME = pictures.MapFrame((-3.0, 3.0), (-2.0, 2.0), "x₁", "x₂")


def chapter_grid():
    landscape = parse_landscape("x1 x2^2")
    return landscape, sample_grid(landscape, (0, 1), [0.0, 0.0], (-3.0, 3.0), (-2.0, 2.0), 21)


# --- figures ------------------------------------------------------------------------------------


def test_every_figure_is_valid_plotly() -> None:
    landscape, grid = chapter_grid()
    field = gradient_field(landscape, (0, 1), [0.0, 0.0], (-3.0, 3.0), (-2.0, 2.0), 5)
    t = np.linspace(-3, 3, 11)
    frame3d = pictures.SurfaceFrame((-3.0, 3.0), (-2.0, 2.0), pictures.z_range(grid.z), "x₁", "x₂")
    marks = pictures.MapMarks(
        point=(1.0, 1.0),
        gradient=(1.0, 2.0),
        slices=True,
        direction=(0.6, 0.8),
        path=np.array([[1.0, 1.0], [0.9, 0.8], [0.85, 0.6]]),
        critical=(0.5, 0.0, "degenerate"),
    )
    curve = pictures.SliceCurve("x₁", "x₂ = 1 held", t, t, 1.0, 1.0, 1.0)
    figures = [
        pictures.contour_figure(grid, FRAME),
        pictures.contour_figure(grid, FRAME, field, 1.5),
        pictures.map_overlay(FRAME, marks),
        pictures.map_overlay(FRAME, pictures.MapMarks(point=(0.0, 0.0), gradient=(math.nan, 1.0))),
        pictures.surface_figure(grid, frame3d),
        pictures.surface_overlay(
            frame3d, pictures.SurfaceMarks((1.0, 1.0, 1.0), (t, t), (t, t), (1.0, 2.0))
        ),
        pictures.surface_overlay(frame3d, pictures.SurfaceMarks((1.0, 1.0, math.nan))),
        pictures.directional_figure(t, t, 1.0, 2.0, t, t, 45.0, 63.0),
        pictures.directional_figure(t, t * np.nan, math.nan, math.nan),
        pictures.descent_values_figure(np.array([3.0, 2.0, math.nan])),
    ]
    figures.append(pictures.slices_figure([curve, curve]))
    for figure in figures:
        validated(figure)
        assert len(figure.data) == len(figure.to_dict()["data"])  # built when read


def test_the_heavy_map_does_not_depend_on_the_knob_point() -> None:
    # The page keeps it byte-identical across knob moves: same inputs, same JSON.
    _, grid = chapter_grid()
    first = plotly.io.to_json(pictures.contour_figure(grid, FRAME).to_dict(), validate=False)
    again = plotly.io.to_json(pictures.contour_figure(grid, FRAME).to_dict(), validate=False)
    assert first == again
    assert "point" not in first and "gradient" not in first


def test_overlay_shares_the_heavy_map_geometry() -> None:
    _, grid = chapter_grid()
    heavy = pictures.contour_figure(grid, FRAME).to_dict()["layout"]
    light = pictures.map_overlay(FRAME, pictures.MapMarks((1.0, 1.0), (1.0, 2.0))).to_dict()[
        "layout"
    ]
    for key in ("height", "margin"):
        assert heavy[key] == light[key]
    for axis in ("xaxis", "yaxis"):
        for key in ("range", "scaleanchor", "constrain", "constraintoward", "fixedrange"):
            assert heavy[axis].get(key) == light[axis].get(key), (axis, key)
    assert light["paper_bgcolor"] == light["plot_bgcolor"] == "rgba(0,0,0,0)"


def test_gradient_arrow_and_level_curve() -> None:
    marks = pictures.MapMarks(point=(1.0, 1.0), gradient=(1.0, 2.0), gradient_scale=0.5)
    spec = validated(pictures.map_overlay(FRAME, marks))
    arrow = trace(spec, "gradient")
    np.testing.assert_allclose(values(arrow["x"]), [1.0, 1.5])
    np.testing.assert_allclose(values(arrow["y"]), [1.0, 2.0])
    assert arrow["meta"] == {"gradient": [1.0, 2.0], "scale": 0.5}
    level = trace(spec, "level curve")
    along = np.diff(values(level["x"]))[0], np.diff(values(level["y"]))[0]
    assert abs(along[0] * 1.0 + along[1] * 2.0) < 1e-12  # perpendicular to the gradient
    assert names(spec)[-1] == "point"  # drawn last: on top


def test_no_arrow_where_the_gradient_does_not_exist() -> None:
    spec = validated(pictures.map_overlay(FRAME, pictures.MapMarks((0.0, 0.0), (math.nan, 1.0))))
    assert "gradient" not in names(spec) and "level curve" not in names(spec)


@pytest.mark.parametrize(
    ("length", "span", "scale"),
    [(1.0, 6.0, 1.0), (2.236, 6.0, 0.5), (100.0, 6.0, 0.02), (7.0, 6.0, 0.2), (math.nan, 6, 1.0)],
)
def test_arrow_scale_is_a_round_factor_that_fits(length: float, span: float, scale: float) -> None:
    assert pictures.arrow_scale(length, span) == pytest.approx(scale)


def test_gradient_field_is_one_trace_of_arrows_along_the_gradient() -> None:
    landscape, grid = chapter_grid()
    field = gradient_field(landscape, (0, 1), [0.0, 0.0], (-3.0, 3.0), (-2.0, 2.0), 5)
    spec = validated(pictures.contour_figure(grid, FRAME, field, 1.5))
    assert names(spec) == ["f", "gradient field"]
    arrows = trace(spec, "gradient field")
    x, y = values(arrows["x"]), values(arrows["y"])
    assert len(x) == 3 * field.x.size  # start, end, gap
    dx, dy = x[1::3] - x[0::3], y[1::3] - y[0::3]
    np.testing.assert_allclose(dx * field.gy - dy * field.gx, 0, atol=1e-12)  # parallel


def test_colour_levels_are_logarithmic_only_for_steep_walls() -> None:
    rosenbrock = parse_landscape("(1 - x)^2 + 100(y - x^2)^2")
    grid = sample_grid(rosenbrock, (0, 1), [0.0, 0.0], (-2.0, 2.0), (-1.0, 3.0), 41)
    levels = pictures.colour_levels(grid.z)
    assert levels.logarithmic and levels.tick_texts[0] == "0"
    order = np.argsort(grid.z.ravel())  # monotone: the level curves are those of f
    assert np.all(np.diff(levels.shown.ravel()[order]) >= 0)
    _, chapter = chapter_grid()
    assert not pictures.colour_levels(chapter.z).logarithmic
    cliff = sample_grid(
        parse_landscape("-exp(x^2 + y^2)"), (0, 1), [0.0, 0.0], (-3, 3), (-3, 3), 21
    )
    downward = pictures.colour_levels(cliff.z)
    assert downward.logarithmic
    order = np.argsort(cliff.z.ravel())
    assert np.all(np.diff(downward.shown.ravel()[order]) >= 0)  # still increasing with f


def test_surface_overlay_plane_passes_through_the_point_with_the_partials_as_slopes() -> None:
    frame = pictures.SurfaceFrame((-3.0, 3.0), (-3.0, 3.0), (-50.0, 50.0), "x", "y")
    spec = validated(
        pictures.surface_overlay(
            frame, pictures.SurfaceMarks((1.0, 2.0, 5.0), None, None, (3.0, -1.0))
        )
    )
    plane = trace(spec, "tangent plane")
    px, py = values(plane["x"]), values(plane["y"])
    pz = np.array([values(row) for row in plane["z"]])
    np.testing.assert_allclose(pz, 5.0 + 3.0 * (px[None, :] - 1.0) - (py[:, None] - 2.0))
    assert names(spec) == ["tangent plane", "drop", "point"]


def test_directional_maximum_is_the_gradient_length_in_its_direction() -> None:
    angles = np.linspace(0, 360, 361)
    g = np.array([1.0, 2.0])
    slopes = g[0] * np.cos(np.radians(angles)) + g[1] * np.sin(np.radians(angles))
    spec = validated(
        pictures.directional_figure(angles, angles, 0.0, 1.0, angles, slopes, 10.0, 63.43494882)
    )
    peak = trace(spec, "maximum")
    assert values(peak["y"])[0] == pytest.approx(math.hypot(1, 2), rel=1e-4)


def test_typed_arrays_round_trip_with_gaps() -> None:
    z = np.array([[1.0, np.nan], [3.0, 4.0]])
    np.testing.assert_array_equal(values(pictures.typed_array(z)), z)


def test_critical_story_without_a_gradient() -> None:
    story = critical_story(np.array([np.nan, 1.0]), None, np.zeros(2), ["x", "y"])
    assert "does not exist" in story


# --- the page through AppTest -------------------------------------------------------------------


def run_page(**query: str) -> AppTest:
    return open_page(PAGE, **query)


def chart(at: AppTest, key: str) -> dict:
    specs = chart_specs(at)
    assert key in specs, f"no chart with key {key!r}"
    return specs[key]


def arrow(at: AppTest) -> tuple[np.ndarray, np.ndarray, dict]:
    spec = chart(at, "landscape_map")
    found = trace(spec, "gradient")
    return values(found["x"]), values(found["y"]), found["meta"]


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts)


def latex(at: AppTest) -> str:
    return "\n".join(block.value for block in at.latex)


def set_knobs(at: AppTest, **knobs: float) -> None:
    for name, value in knobs.items():
        turn_knob(at, f"landscape_slider_{name}", value)
        assert not at.exception, [e.message for e in at.exception]


def test_default_is_the_chapter_example_with_its_gradient() -> None:
    at = run_page()
    assert at.text_area(key="landscape_text").value == "x1 x2^2"
    assert [s.label for s in knob_sliders(at)] == ["x₁", "x₂"]
    x, y, meta = arrow(at)
    assert meta["gradient"] == [1.0, 2.0]  # [x2^2, 2 x1 x2] at (1, 1)
    np.testing.assert_allclose((x[1] - x[0], y[1] - y[0]), np.array([1.0, 2.0]) * meta["scale"])
    assert r"\frac{\partial f}{\partial x_{1}} &= x_{2}^{2} = 1" in latex(at)
    assert r"\frac{\partial f}{\partial x_{2}} &= 2 x_{1} x_{2} = 2" in latex(at)
    assert r"\nabla f &= \begin{bmatrix}1 & 2\end{bmatrix}" in latex(at)


def test_moving_a_knob_moves_the_arrow_and_never_resends_the_map() -> None:
    at = run_page()
    sent = layered_data(at, "landscape_map")
    assert sent["base"] is not None, "the contour map travels with the first drawing"
    assert trace(chart(at, "landscape_map/base"), "f")["type"] == "contour"
    set_knobs(at, x1=-0.5, x2=1.5)
    moved = layered_data(at, "landscape_map")
    assert moved["base"] is None, "a plotted knob's move re-sent the contour map's bytes"
    assert moved["base_version"] == sent["base_version"], "the map under the arrow changed"
    landscape = parse_landscape("x1 x2^2")
    x, y, meta = arrow(at)
    expected = landscape.gradient_at([-0.5, 1.5])
    np.testing.assert_allclose(meta["gradient"], expected, rtol=RTOL)
    np.testing.assert_allclose(x, [-0.5, -0.5 + meta["scale"] * expected[0]], rtol=RTOL)
    np.testing.assert_allclose(y, [1.5, 1.5 + meta["scale"] * expected[1]], rtol=RTOL)
    slices = chart(at, "landscape_slices")
    for k, knob in enumerate(("x1", "x2"), start=1):
        tangent = trace(slices, f"tangent {k}")
        tx, ty = values(tangent["x"]), values(tangent["y"])
        slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
        assert slope == pytest.approx(expected[k - 1], rel=1e-9), knob


@pytest.mark.parametrize(
    ("text", "knobs", "kind"),
    [
        ("x^2 + 3y^2", {"x": 0.0, "y": 0.0}, "(local) minimum"),
        ("x^2 - y^2", {"x": 0.0, "y": 0.0}, "saddle point"),
        ("-(x^2 + y^2)", {"x": 0.0, "y": 0.0}, "(local) maximum"),
        ("(1 - x)^2 + 100(y - x^2)^2", {"x": 1.0, "y": 1.0}, "(local) minimum"),
        ("x1 x2^2", {"x1": 0.5, "x2": 0.0}, "cannot decide"),
    ],
)
def test_hessian_classifies_a_critical_point_at_the_knobs(
    text: str, knobs: dict[str, float], kind: str
) -> None:
    query = {f"k_{name}": str(value) for name, value in knobs.items()}
    at = run_page(f=text, look="Hessian", **query)
    story = page_text(at)
    assert "The gradient vanishes here: a critical point." in story
    assert kind in story


def test_hessian_finds_the_nearest_critical_point_and_moves_the_knobs_there() -> None:
    at = run_page(f="sin(x) cos(y)", look="Hessian", k_x="1.2", k_y="0.3")
    assert "Not at a critical point" in page_text(at)
    assert "(local) maximum" in page_text(at)  # (π/2, 0)
    at.button(key="landscape_go_critical").click().run()
    assert not at.exception
    assert knob_slider(at, "landscape_slider_x").value == pytest.approx(math.pi / 2)
    assert knob_slider(at, "landscape_slider_y").value == pytest.approx(0.0, abs=1e-9)
    assert "The gradient vanishes here" in page_text(at)
    assert r"H = \begin{bmatrix}-1 & 0 \\ 0 & -1\end{bmatrix}" in latex(at)


def test_moving_the_knobs_from_inside_the_panel_reruns_the_page_so_the_sliders_show_it() -> None:
    """The button is drawn by the live panel, so a click reruns only the panel; the sliders,
    drawn by the page's run, would go on showing the old knobs: the page reruns instead."""
    at = run_page(f="sin(x) cos(y)", look="Hessian", k_x="1.2", k_y="0.3")
    click_in_fragment(at, at.button(key="landscape_go_critical"))
    assert not at.exception
    assert knob_slider(at, "landscape_slider_x").value == pytest.approx(math.pi / 2)
    assert knob_slider(at, "landscape_slider_y").value == pytest.approx(0.0, abs=1e-9)
    assert "The gradient vanishes here" in page_text(at)


def test_hessian_shows_exact_formula_values_and_a_numeric_check() -> None:
    at = run_page(look="Hessian")
    text = latex(at)
    assert r"H = \left[\begin{matrix}0 & 2 x_{2}\\2 x_{2} & 2 x_{1}\end{matrix}\right]" in text
    assert r"H = \begin{bmatrix}0 & 2 \\ 2 & 2\end{bmatrix}" in text
    assert "central differences" in page_text(at)


def test_directional_derivative_is_the_gradient_dotted_with_u() -> None:
    at = run_page(look="Directional derivative")
    at.slider(key="landscape_angle").set_value(90.0).run()
    assert r"D_u f = \nabla f \cdot u = 2" in latex(at)  # u = (0, 1): ∂f/∂x2 = 2
    at.button(key="landscape_along_gradient").click().run()
    assert at.slider(key="landscape_angle").value == 63.0  # atan2(2, 1), rounded
    overlay = chart(at, "landscape_map")
    assert "direction u" in names(overlay)


def test_descent_path_is_drawn_and_narrow_valleys_get_a_note() -> None:
    at = run_page(f="(1 - x)^2 + 100(y - x^2)^2", look="Gradient descent", k_x="-1", k_y="1")
    at.select_slider(key="landscape_eta").set_value(0.001).run()
    at.slider(key="landscape_steps").set_value(50).run()
    assert not at.exception
    path = trace(chart(at, "landscape_map"), "descent")
    assert len(values(path["x"])) == 51
    assert "narrow valley" in page_text(at).lower() and "zig-zag" in page_text(at)
    at.select_slider(key="landscape_eta").set_value(0.1).run()
    assert "Stopped early" in page_text(at) or "above that" in page_text(at)


def test_three_knobs_plot_two_and_hold_the_third() -> None:
    at = run_page(f="x y^2 + sin(z)", k_z="0.5")
    assert "held fixed" in page_text(at) and "z = 0.5" in page_text(at)
    at.selectbox(key="landscape_up").select("z").run()
    assert not at.exception
    overlay = chart(at, "landscape_map")
    _, _, meta = arrow(at)
    landscape = parse_landscape("x y^2 + sin(z)")
    full = landscape.gradient_at([1.0, 1.0, 0.5])
    np.testing.assert_allclose(meta["gradient"], [full[0], full[2]], rtol=RTOL)
    assert overlay["layout"]["height"] > 0
    assert at.query_params["up"] == "z"


def test_direction_as_a_vector_with_three_knobs() -> None:
    at = run_page(f="x y^2 + sin(z)", look="Directional derivative", umode="vector", u="0,0,2")
    assert r"u = \begin{bmatrix}0 & 0 & 1\end{bmatrix}" in latex(at)
    assert rf"D_u f = \nabla f \cdot u = {math.cos(1.0):.4g}" in latex(at)
    at.number_input(key="landscape_u_z").set_value(0.0).run()
    assert any("needs a length" in w.value for w in at.warning)


@pytest.mark.parametrize("view", ["Contour map", "Both"])
def test_without_live_charts_each_picture_is_one_plotly_chart(
    monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    """Where plotly.js cannot be served, the heavy figure and its marks are one figure."""
    monkeypatch.setattr(live, "plotly_js_served", lambda: False)
    at = run_page(view=view)
    assert not at.get("bidi_component") or all(
        e.proto.component_name != "knobs_layered_chart" for e in at.get("bidi_component")
    )
    set_knobs(at, x1=-0.5)
    spec = chart(at, "landscape_map")
    assert trace(spec, "f")["type"] == "contour" and trace(spec, "gradient")
    _, _, meta = arrow(at)
    np.testing.assert_allclose(meta["gradient"], [1.0, -1.0], rtol=RTOL)  # [x2², 2 x1 x2]
    if view == "Both":
        assert {"f", "point"} <= set(names(chart(at, "landscape_surface")))


def test_editing_a_knob_range_changes_the_mapped_range() -> None:
    at = open_ranges(run_page(), "landscape")
    at.text_input(key="landscape_low_x1").input("-1").run()
    at.text_input(key="landscape_high_x1").input("2").run()
    assert not at.exception
    for key in ("landscape_map/base", "landscape_map"):
        assert chart(at, key)["layout"]["xaxis"]["range"] == [-1.0, 2.0]
    assert chart(at, "landscape_map/base")["layout"]["yaxis"]["range"] == [-3.0, 3.0]
    assert at.query_params["r_x1"] == "-1,2,0.01"


def test_several_outputs_are_refused_with_a_pointer_to_the_knob_machine() -> None:
    at = run_page()
    at.text_area(key="landscape_text").set_value("x1 x2^2, sqrt(x2 x3)").run()
    assert not at.exception
    assert any("knob machine" in e.value for e in at.error)
    _, _, meta = arrow(at)  # still the last good function
    assert meta["gradient"] == [1.0, 2.0]


def test_one_knob_is_refused() -> None:
    at = run_page()
    at.text_area(key="landscape_text").set_value("x^2 + 4x - 2").run()
    assert any("at least two knobs" in e.value for e in at.error)


def test_undefined_point_is_said_in_words() -> None:
    at = run_page(f="log(x) + y", k_x="-1")
    assert any("undefined" in w.value for w in at.warning)
    assert "nan" not in page_text(at).lower()
    assert "gradient" not in names(chart(at, "landscape_map"))


def test_kink_has_no_gradient() -> None:
    at = run_page(f="abs(x) + y^2", k_x="0")
    assert any("no gradient" in w.value for w in at.warning)


def test_state_is_written_to_and_restored_from_the_url() -> None:
    at = run_page()
    set_knobs(at, x1=0.25)
    at.radio(key="landscape_section").set_value("Gradient descent").run()
    at.select_slider(key="landscape_eta").set_value(0.01).run()
    params = dict(at.query_params)
    assert params["k_x1"] == "0.25" and params["look"] == "Gradient descent"
    assert params["eta"] == "0.01"
    again = run_page(**params)
    assert knob_slider(again, "landscape_slider_x1").value == 0.25
    assert again.radio(key="landscape_section").value == "Gradient descent"
    assert again.select_slider(key="landscape_eta").value == 0.01


@pytest.mark.parametrize(
    "query",
    [
        {"view": "<script>", "look": "nothing", "angle": "nan", "eta": "1e9", "n": "-5"},
        {"az": "1e300", "el": "-7", "umode": "sideways", "u": "1,2"},
        {"f": "x y^2 + z", "across": "q", "up": "x", "umode": "vector", "u": "a,b,c"},
        {"f": "__import__('os').system('touch /tmp/knobs-canary-landscape')"},
        {"k_x1": "inf", "r_x1": "5,1,0"},
    ],
)
def test_hostile_query_parameters_fall_back_to_defaults(query: dict[str, str]) -> None:
    at = open_hostile_link(PAGE, Path("/tmp/knobs-canary-landscape"), **query)
    assert at.radio(key="landscape_view").value in ("Contour map", "Surface", "Both")
    assert arrow(at)[2]["scale"] > 0


@pytest.mark.parametrize("label", list(LANDSCAPE_EXAMPLES))
def test_every_example_and_section_renders(label: str) -> None:
    text = LANDSCAPE_EXAMPLES[label]
    at = run_page(f=text, view="Both")
    for section in ("Slices", "Gradient", "Tangent plane", "Directional derivative",
                    "Gradient descent", "Hessian"):  # fmt: skip
        at.radio(key="landscape_section").set_value(section).run()
        assert not at.exception, (section, [e.message for e in at.exception])
    landscape = parse_landscape(text)
    _, _, meta = arrow(at)
    np.testing.assert_allclose(meta["gradient"], landscape.gradient_at([1.0, 1.0]), rtol=RTOL)
    t = np.array([0.0, 1.0])
    assert np.all(np.isfinite(slice_along(landscape, [1.0, 1.0], 0, t)))


# --- crashes found by hand (issue 13, issue 18 item 3) -------------------------------------------


@pytest.mark.parametrize("then", ["knob", "section"])
def test_surface_view_survives_a_knob_move_or_a_section_change(then: str) -> None:
    at = run_page()
    at.radio(key="landscape_view").set_value("Surface").run()
    assert not at.exception, [e.message for e in at.exception]
    # In the browser both rerun only the page's fragment (the live area).
    if then == "knob":
        turn_knob_in_fragment(at, "landscape_slider_x1", 0.5)
    else:
        set_in_fragment(at, at.radio(key="landscape_section"), "Gradient")
    assert not at.exception, [e.message for e in at.exception]
    run_all(at)
    at.radio(key="landscape_view").set_value("Contour map")
    run_all(at)
    set_knobs(at, x2=-0.5)
    assert chart(at, "landscape_map")


@pytest.mark.parametrize("view", ["Contour map", "Surface", "Both"])
def test_a_subnormal_range_draws_without_a_crash(view: str) -> None:
    at = run_page(r_x1="0,5e-324,5e-324", view=view, look="Gradient")
    assert "Gradient" in page_text(at) or at.markdown


@pytest.mark.parametrize(
    ("length", "span"),
    [(1.0, 5e-324), (1e10, 1e-320), (1e300, 1e-300), (1.0, 0.0), (math.inf, 1.0), (1e-320, 1.0)],
)
def test_arrow_scale_survives_tiny_and_huge_numbers(length: float, span: float) -> None:
    scale = pictures.arrow_scale(length, span)
    assert 0 < scale <= 1 and math.isfinite(1 / scale)


@pytest.mark.parametrize(
    ("x_range", "y_range"),
    [((0.0, 5e-324), (-3.0, 3.0)), ((0.0, 5e-324), (0.0, 5e-324)), ((1e-300, 2e-300), (-1e6, 1e6))],
)
def test_every_figure_survives_a_degenerate_range(x_range, y_range) -> None:
    landscape = parse_landscape("x1 x2^2 + exp(x1)")
    grid = sample_grid(landscape, (0, 1), [0.0, 0.0], x_range, y_range, 11)
    field = gradient_field(landscape, (0, 1), [0.0, 0.0], x_range, y_range, 5)
    frame = pictures.MapFrame(x_range, y_range, "x₁", "x₂")
    low, high = pictures.z_range(grid.z)
    assert low < high
    frame3d = pictures.SurfaceFrame(x_range, y_range, (low, high), "x₁", "x₂")
    a, b = x_range[0], y_range[0]
    marks = pictures.MapMarks(
        (a, b), (1.0, 2.0), pictures.arrow_scale(math.hypot(1, 2), frame.smaller_span), True
    )
    for figure in (
        pictures.contour_figure(grid, frame, field, frame.smaller_span / 4),
        pictures.map_overlay(frame, marks),
        pictures.surface_figure(grid, frame3d),
        pictures.surface_overlay(
            frame3d, pictures.SurfaceMarks((a, b, 1.0), None, None, (1.0, 2.0))
        ),
    ):
        validated(figure)
    pictures.colour_levels(grid.z)


# --- sentences true at the knobs (issue 14) ----------------------------------------------------


@pytest.mark.parametrize(
    ("k_x1", "k_x2", "foot"), [("2", "1", "x₁ = 2, x₂ = 0"), ("1", "1", "x₁ = 1, x₂ = 0")]
)
def test_hessian_names_the_line_of_critical_points(k_x1: str, k_x2: str, foot: str) -> None:
    at = run_page(look="Hessian", k_x1=k_x1, k_x2=k_x2)
    story = page_text(at)
    assert "Every point of the line x₂ = 0 is critical" in story
    assert "The nearest critical point found (the foot of the perpendicular" in story
    assert foot in story and "0.45" not in story
    at.button(key="landscape_go_critical").click().run()
    assert knob_slider(at, "landscape_slider_x2").value == 0.0
    assert knob_slider(at, "landscape_slider_x1").value == float(k_x1)
    assert "The gradient vanishes here" in page_text(at)


@pytest.mark.parametrize(
    ("view", "present", "absent"),
    [
        ("Contour map", ["dark segment", "arrow on the map"], ["orange tangent plane"]),
        ("Surface", ["orange tangent plane", "Choose **Contour map**"],
         ["dark segment", "arrow on the map", "gradient field"]),
        ("Both", ["dark segment", "arrow on the map", "orange tangent plane"], []),
    ],
)  # fmt: skip
def test_gradient_section_speaks_of_what_the_view_draws(view, present, absent) -> None:
    at = run_page(look="Gradient", view=view)
    text = "\n".join(m.value for m in at.markdown if "**Length:**" in m.value)  # the section
    for words in present:
        assert words in text, (view, words)
    for words in absent:
        assert words not in text, (view, words)
    pictures = set(chart_specs(at))
    assert ("landscape_map" in pictures) == (view != "Surface")
    if view != "Contour map":
        assert "tangent plane" in names(chart(at, "landscape_surface"))


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ({"f": "max(x, y)^2", "look": "Slices"}, "θ(u) is the step function"),
        ({"f": "abs(x) y", "look": "Slices"}, "sign(u) is 1 for u > 0"),
        ({"f": "relu(x) y", "look": "Hessian", "k_x": "0.5"}, "δ(u), the Dirac delta"),
        ({"look": "Hessian"}, "Eigenvalues of H: the numbers λ with H v = λ v"),
        ({"f": "sin(x) exp(y)", "look": "Hessian"}, "a×10^k means"),
    ],
)
def test_unexplained_symbols_get_a_line_where_they_appear(query: dict[str, str], note: str) -> None:
    at = run_page(**query)
    assert note in page_text(at)


def test_a_sixteen_knob_hessian_is_not_typeset_but_its_numbers_are_shown() -> None:
    text = " + ".join(f"sin(x{i} x{(i + 1) % 16 + 1})^2" for i in range(1, 17))
    at = run_page(f=text, look="Hessian")
    assert "too large to typeset" in page_text(at)
    assert r"\left[\begin{matrix}" not in latex(at)  # no symbolic matrix
    assert latex(at).count(r"\\") >= 15  # the 16 x 16 numbers at the knobs
    assert "Eigenvalues:" in page_text(at)


def test_a_link_made_before_the_settings_were_declared_restores_the_same_state() -> None:
    at = run_page(
        f="x y^2 + sin(z)", view="Both", look="Directional derivative", field="1", path="0",
        angle="30", eta="0.01", n="50", az="200", el="45", across="z", up="x", umode="vector",
        u="1,0,2", k_x="0.5", r_x="-2,2,0.01",
    )  # fmt: skip
    assert at.radio(key="landscape_view").value == "Both"
    assert at.radio(key="landscape_section").value == "Directional derivative"
    assert at.checkbox(key="landscape_field").value is True
    assert at.slider(key="landscape_azimuth").value == 20
    assert at.slider(key="landscape_elevation").value == 45
    assert at.selectbox(key="landscape_across").value == "z"
    assert at.selectbox(key="landscape_up").value == "x"
    assert at.radio(key="landscape_u_mode").value == "vector"
    assert at.number_input(key="landscape_u_z").value == 2.0
    assert knob_slider(at, "landscape_slider_x").value == 0.5
    params = dict(at.query_params)
    kept = {"field": "1", "path": "0", "angle": "30", "eta": "0.01", "n": "50", "az": "200",
            "el": "45", "u": "1,0,2", "r_x": "-2,2,0.01"}  # fmt: skip
    for key, value in kept.items():
        assert params[key] == value, key
    at.radio(key="landscape_section").set_value("Gradient descent").run()
    assert at.slider(key="landscape_steps").value == 50
    assert at.checkbox(key="landscape_path").value is False
    assert at.select_slider(key="landscape_eta").value == 0.01


def test_the_maps_caption_names_only_the_marks_drawn() -> None:
    """The path switched off, a point where ∇f = 0 or is undefined: the caption says what the map
    shows, never a mark that is not there."""
    at = run_page(f="(1 - x)^2 + 100(y - x^2)^2", look="Gradient descent", k_x="-1", k_y="1")
    assert "white dots" in page_text(at) and trace(chart(at, "landscape_map"), "descent")
    at.checkbox(key="landscape_path").uncheck().run()
    assert not at.exception
    assert not any(t["name"] == "descent" for t in chart(at, "landscape_map")["data"])
    assert "white dots" not in page_text(at), "no path on the map, none in the caption"
    at = run_page(f="x^2 + y^2", k_x="0", k_y="0")  # the minimum: ∇f = 0
    assert "red arrow" not in page_text(at)
    assert "the gradient ∇f is zero at this point" in page_text(at)
    at = run_page(f="sqrt(x) + y", k_x="-1", k_y="0")  # √x is undefined at x = −1
    assert "red arrow" not in page_text(at)
    assert "the gradient ∇f is undefined at this point" in page_text(at)
