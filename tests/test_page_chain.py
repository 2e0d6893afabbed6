"""The chain-rule page under AppTest: presets, typing steps and formulas, bad input, undefined
points, switching paths off, the bounds, and the state in the URL."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from calculus.graph import graph_from_formula, graph_from_steps
from calculus.graph_layout import crossings, layered_layout
from calculus.syntax import parse_text
from tests.charts import chart_specs
from tests.conftest import open_page
from tests.knobs import knob_slider, turn_knob
from tests.steps import diamonds
from ui.chain import (
    PRESETS,
    edge_texts,
    graph_depth,
    numeric_chain_view,
    path_shares_figure,
    plain_expr,
    text_index,
)
from ui.chain_graph import (
    EDGE_SIZE,
    EDGE_VALUES,
    HIGHLIGHT,
    LABEL_HEIGHT,
    NODE_HEIGHT,
    NODE_VALUES,
    NODE_WIDTH,
    edge_styles,
    graph_base,
    graph_figure,
    text_width,
)
from ui.quote import unquote

PAGE_FILE = "3_Chain_rule.py"
#: Shown numbers have 4 significant digits.
SHOWN_RTOL = 2e-3


def run_page(**query: str) -> AppTest:
    return open_page(PAGE_FILE, **query)


def number(text: str) -> float:
    text = text.replace("−", "-")
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        return float(mantissa) * 10 ** int(exponent)
    return float(text)


def metric(at: AppTest, starts: str) -> str:
    found = [m for m in at.metric if m.label.startswith(starts)]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0].value


def path_labels(at: AppTest) -> list[str]:
    return [c.label for c in at.checkbox if c.key and c.key.startswith("chain_on_")]


def assert_sum_equals_entry(at: AppTest) -> None:
    total = number(metric(at, "Sum of the"))
    direct = number(metric(at, "Jacobian entry"))
    assert abs(total - direct) <= SHOWN_RTOL * max(1.0, abs(direct)), (total, direct)
    assert any("Equal" in s.value for s in at.success)


def drawn_graph(at: AppTest) -> dict:
    """The graph's figure as the page sends it (a live chart keyed chain_graph)."""
    specs = chart_specs(at)
    assert "chain_graph" in specs, list(specs)
    return specs["chain_graph"]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t["name"] == name)


def edge_labels(spec: dict, colour: str | None = None) -> list[str]:
    """The local derivatives written on the graph's edges (those written in ``colour``)."""
    labels = trace(spec, "derivatives")
    colours = labels["textfont"]["color"]
    return [t for t, c in zip(labels["text"], colours, strict=True) if colour in (None, c)]


def drawn(spec: dict, shape: str) -> int:
    """How many edges (or nodes) the graph draws as ``shape`` ('edges off', 'nodes'...)."""
    return sum(s["path"].count("M") for s in spec["layout"]["shapes"] if s["name"] == shape)


def dashed_edges(spec: dict) -> int:
    shapes = spec["layout"]["shapes"]
    return sum(s["path"].count("M") for s in shapes if s["line"]["dash"] == "dash")


def texts(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.markdown]
        + [e.value for e in at.caption]
        + [e.value for e in at.info]
        + [unquote(e.value) for e in at.error]
        + [e.value for e in at.latex]
    )


def errors(at: AppTest) -> list[str]:
    """The error messages as the learner reads them (they quote the learner's text)."""
    return [unquote(e.value) for e in at.error]


def load(at: AppTest, label: str) -> AppTest:
    at.selectbox(key="chain_preset").set_value(label).run()
    assert not at.exception, at.exception
    return at


def test_opens_on_the_r3_exercise_with_two_paths_that_add_up() -> None:
    at = run_page()
    assert at.radio(key="chain_mode").value == "steps"
    assert at.radio(key="chain_of").value == "y2" and at.radio(key="chain_wrt").value == "x2"
    assert path_labels(at) == ["x₂ → u → y₂", "x₂ → v → y₂"]
    assert metric(at, "Sum of the 2 paths") == "10"  # 8 through u, 2 through v at (1, 2, 2)
    assert metric(at, "Jacobian entry ∂y₂/∂x₂") == "10"
    assert_sum_equals_entry(at)
    graph = drawn_graph(at)
    assert drawn(graph, "nodes") + drawn(graph, "chosen nodes") == 8
    assert drawn(graph, "chosen nodes") == 2  # x2 and y2
    assert len(edge_labels(graph)) == 8
    assert "10" in trace(graph, EDGE_VALUES)["text"] or trace(graph, NODE_VALUES)["text"]
    assert "sympy confirms" in texts(at)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.label)
def test_every_preset_loads_and_its_paths_add_up_to_the_entry(preset) -> None:
    at = load(run_page(mode="formula", f="x^2"), preset.label)
    assert at.radio(key="chain_mode").value == preset.mode
    assert at.radio(key="chain_of").value == preset.output
    assert at.radio(key="chain_wrt").value == preset.knob
    assert any(preset.label in i.value for i in at.info), "the preset's notice is shown"
    for name, value in preset.knobs.items():
        assert knob_slider(at, f"chain_slider_{name}").value == pytest.approx(value)
    assert path_labels(at)
    assert_sum_equals_entry(at)


def test_the_network_preset_is_one_path_per_weight() -> None:
    at = load(run_page(), PRESETS[2].label)
    assert path_labels(at) == ["w₁ → h → y"]
    for knob, paths in (("b2", ["b₂ → y"]), ("x", ["x → h → y"])):
        at.radio(key="chain_wrt").set_value(knob).run()
        assert path_labels(at) == paths
        assert_sum_equals_entry(at)


def test_typed_steps_show_their_graph_and_roles() -> None:
    at = run_page()
    at.text_area(key="chain_steps").set_value("a = sin(t)\nb = a t\ny = a + b").run()
    assert not at.exception
    assert "Knobs (used, never defined): t" in texts(at)
    assert path_labels(at) == ["t → a → b → y", "t → a → y", "t → b → y"]
    assert_sum_equals_entry(at)


def test_bad_steps_are_refused_with_the_line_and_the_last_good_graph_stays() -> None:
    at = run_page()
    at.text_area(key="chain_steps").set_value("u = x^2\nv = u +\ny = u v").run()
    assert not at.exception
    assert errors(at) == ["line 2: the text ends too early: a value is missing at column 8"]
    assert at.code[0].value == "v = u +\n       ^"
    assert "Still showing the last steps that worked" in texts(at)
    assert path_labels(at) == ["x₂ → u → y₂", "x₂ → v → y₂"]  # the R³ exercise stays

    for steps, message in [
        ("u = x^2\nu = x", "line 2: 'u' is already defined on line 1"),
        ("u = v\nv = u", "line 1: 'u' depends on itself"),
        ("import os", "line 1: a step looks like u = x^2"),
        ("y = __import__('os')", "line 1: character"),
    ]:
        at.text_area(key="chain_steps").set_value(steps).run()
        assert not at.exception
        assert at.error and errors(at)[0].startswith(message), errors(at)


def test_an_undefined_point_says_undefined() -> None:
    at = load(run_page(), PRESETS[1].label)  # u = x^2, v = ln x, y = u v
    turn_knob(at, "chain_slider_x", -1.0)
    assert not at.exception
    assert metric(at, "Jacobian entry") == "undefined"
    assert metric(at, "Sum of the") == "undefined"
    assert any("Undefined here" in i.value for i in at.info)
    assert "undefined" in trace(drawn_graph(at), NODE_VALUES)["text"]  # v = ln x


def test_switching_a_path_off_leaves_its_share_out() -> None:
    at = run_page()
    at.checkbox(key="chain_on_x2-v-y2").uncheck().run()
    assert not at.exception
    assert metric(at, "Sum of the 1 path") == "8"
    assert any("Not equal" in w.value and "carries 2" in w.value for w in at.warning)
    assert dashed_edges(drawn_graph(at)) == 2  # x2 -> v and v -> y2
    waterfall = json.dumps(chart_specs(at)["chain_shares"])
    assert '"off"' in waterfall


def test_highlighting_a_path_colours_it_in_the_graph() -> None:
    at = run_page()
    first = edge_labels(drawn_graph(at), HIGHLIGHT)
    at.radio(key="chain_highlight_y2_x2_2").set_value(1).run()
    second = edge_labels(drawn_graph(at), HIGHLIGHT)
    assert first == ["2x₁²x₂", "v"]  # x2 -> u -> y2 in red
    assert second == ["√(x₂x₃)/(2x₂)", "u"]  # x2 -> v -> y2


def test_a_formula_is_cut_into_steps_at_the_chosen_level() -> None:
    at = run_page(mode="formula", f="w2 sigmoid(w1 x + b1) + b2", out="y", wrt="w1")
    assert at.radio(key="chain_level").value == "operations"
    fine = len(edge_labels(drawn_graph(at)))
    assert path_labels(at) == ["w₁ → u₁ → u₂ → u₃ → u₄ → y"]
    at.radio(key="chain_level").set_value("functions").run()
    assert not at.exception
    assert len(edge_labels(drawn_graph(at))) < fine
    assert path_labels(at) == ["w₁ → u₁ → y"]
    assert_sum_equals_entry(at)
    at.button(key="chain_edit").click().run()
    assert at.radio(key="chain_mode").value == "steps"
    assert at.text_area(key="chain_steps").value == "u1 = sigmoid(b1 + w1*x)\ny = b2 + u1*w2"
    assert path_labels(at) == ["w₁ → u₁ → y"]


def test_a_bad_formula_keeps_the_last_good_one() -> None:
    at = run_page(mode="formula", f="exp(sin x)")
    at.text_area(key="chain_text").set_value("exp(sin x").run()
    assert not at.exception
    assert at.error
    assert path_labels(at) == ["x → u₁ → y"]


def test_the_state_lives_in_the_url() -> None:
    at = run_page()
    turn_knob(at, "chain_slider_x3", 0.5)
    params = at.query_params
    assert params["mode"] == ["steps"] or params["mode"] == "steps"
    assert "y2 = u v" in str(params["steps"])
    assert str(params["k_x3"]).strip("[]'") == "0.5"

    again = run_page(
        mode="formula", f="x1 x2^2", level="functions", out="y", wrt="x1", k_x1="2", k_x2="3"
    )
    assert at.radio is not None
    assert again.radio(key="chain_level").value == "functions"
    assert again.radio(key="chain_wrt").value == "x1"
    assert knob_slider(again, "chain_slider_x2").value == 3.0
    assert path_labels(again) == ["x₁ → y"]
    assert metric(again, "Jacobian entry") == "9"


def test_hostile_links_are_refused_politely() -> None:
    at = run_page(mode="steps", steps="y = __import__('os').system('ls')", out="y2", wrt="x2")
    assert at.error and errors(at)[0].startswith("line 1: character")
    assert path_labels(at) == ["x₂ → u → y₂", "x₂ → v → y₂"]  # the default steps instead
    at = run_page(mode="nonsense", steps="y = x^2", out="zz", wrt="__class__", k_x="1e308")
    assert at.radio(key="chain_mode").value == "steps"
    assert at.radio(key="chain_of").value == "y" and at.radio(key="chain_wrt").value == "x"
    assert knob_slider(at, "chain_slider_x").value == 1.0  # a huge knob value is not taken


def test_too_many_paths_show_the_totals_only() -> None:
    at = run_page(mode="steps", steps=diamonds(7), k_x="0.7")
    assert any("128 paths lead from x to y" in i.value for i in at.info)
    assert path_labels(at) == []
    total = number(metric(at, "Sum over all 128 paths"))
    assert total == pytest.approx(number(metric(at, "Jacobian entry")), rel=SHOWN_RTOL)
    assert drawn_graph(at)  # 23 values: still drawn


def test_a_graph_too_large_to_draw_says_so() -> None:
    steps = "u0 = sin(x)\n" + "\n".join(f"u{k} = u{k - 1} + x/{k}" for k in range(1, 45))
    at = run_page(mode="steps", steps=steps, out="u44", wrt="x")
    assert any("46 values: too many to draw" in i.value for i in at.info)
    assert "chain_graph" not in chart_specs(at)
    assert "chain_jacobian" in chart_specs(at)  # the whole Jacobian instead, moving with x
    assert len(path_labels(at)) == 45
    assert_sum_equals_entry(at)


def test_a_formula_too_large_for_a_graph_shows_its_totals_only() -> None:
    text = " + ".join(f"sin({k} x)" for k in range(1, 70))
    at = run_page(mode="formula", f=text, level="operations")
    assert any("more than 64" in i.value and "totals only" in i.value for i in at.info)
    assert len(chart_specs(at)) == 1  # the Jacobian heatmap


def test_a_likely_typo_is_pointed_out() -> None:
    at = run_page(mode="steps", steps="v = x^2\ny = x vv")
    assert [unquote(w.value) for w in at.warning] == [
        "line 2: vv is never defined, so it is a knob — did you mean v?"
    ]


# --- the pure builders ---------------------------------------------------------------------------

PLAIN = [
    ("2 x1 x2^2", "2x₁·x₂²"),
    ("sqrt(x2 x3)/(2 x2)", "√(x₂x₃)/(2x₂)"),
    ("-x", "−x"),
    ("ln(x) + exp(-x)", "ln(x) + exp(−x)"),
    ("abs(x - 1)", "|x − 1|"),
    ("u (3x + 3)", "u·(3x + 3)"),
    ("theta2^3", "θ₂³"),
    ("sigmoid(w x) (1 - sigmoid(w x))", "(1 − σ(w·x))·σ(w·x)"),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN)
def test_plain_expr(text: str, expected: str) -> None:
    (expr,) = parse_text(text).outputs
    assert plain_expr(expr) == expected


def test_the_graph_places_knobs_left_outputs_right_and_colours_the_paths() -> None:
    graph = graph_from_steps(PRESETS[0].text)
    values = graph.values_at([1.0, 2.0, 2.0])
    values["v"] = float("nan")
    on, off = [("x2", "u", "y2")], [("x2", "v", "y2")]
    styles = edge_styles(graph, on, off, on[0])
    base = graph_base(graph, edge_texts(graph), knob="x2", output="y2", styles=styles)
    spec = graph_figure(base, values, graph.edge_values_at(values)).to_dict()
    names = trace(spec, "node names")
    x = dict(zip(names["text"], names["x"], strict=True))
    assert x["<b>x₁</b>"] == x["<b>x₂</b>"] == x["<b>x₃</b>"] < x["<b>u</b>"] == x["<b>v</b>"]
    assert x["<b>v</b>"] < x["<b>y₁</b>"] == x["<b>y₂</b>"] == x["<b>y₃</b>"]
    assert len(edge_labels(spec)) == len(graph.edges)
    assert edge_labels(spec, HIGHLIGHT) == ["2x₁²x₂", "v"]
    assert dashed_edges(spec) == 2
    assert drawn(spec, "edges faded") == 4  # on no path between x2 and y2
    assert drawn(spec, "edges highlight") == drawn(spec, "edges off") == 2
    assert drawn(spec, "arrowheads") == len(graph.edges)
    assert "undefined" in trace(spec, NODE_VALUES)["text"]  # the value of v
    assert "2x₁·x₂²" in edge_labels(spec)  # du/dx1 in plain text
    assert min(t["textfont"]["size"] for t in spec["data"]) >= 11  # readable labels


def test_the_layout_orders_rows_to_avoid_crossings() -> None:
    steps = "a = x2\nb = x1\ny1 = b\ny2 = a"  # drawn in the given order, every edge crosses
    graph = graph_from_steps(steps)
    edges = [(e.source, e.target) for e in graph.edges]
    place = layered_layout(graph.nodes, edges, sources=graph.knobs, sinks=graph.outputs)
    assert crossings(place, edges) == 0
    assert place.columns == 3 and place.rows == 2


def test_path_shares_figure_adds_the_paths_on_and_marks_the_entry() -> None:
    figure = path_shares_figure(["a", "b", "c"], [8.0, 2.0, -1.0], [True, False, True], 9.0)
    (waterfall,) = figure.data
    assert waterfall.name == "paths"
    assert list(waterfall.x) == [8.0, 0.0, -1.0, 0.0]
    assert list(waterfall.measure) == ["relative"] * 3 + ["total"]
    assert list(waterfall.text) == ["8", "off", "−1", "7"]
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 9.0
    assert not path_shares_figure(["a"], [1.0], [True], float("nan")).layout.shapes


def test_text_index_and_depth() -> None:
    assert text_index("u = x\nv = u +", 2, 8) == 14
    assert text_index("u = x", 3, 1) is None
    assert graph_depth(graph_from_steps(PRESETS[0].text)) == 2
    assert graph_depth(graph_from_formula("w2 sigmoid(w1 x + b1) + b2", "operations")) == 5


def test_numeric_chain_view_lists_the_paths_without_symbols() -> None:
    view = numeric_chain_view(graph_from_steps(PRESETS[0].text), "y2", "x2")
    assert view.labels == ("x₂ → u → y₂", "x₂ → v → y₂")
    assert view.total is None and view.equal is None


def test_a_long_edge_label_names_the_value_it_leads_to() -> None:
    texts = edge_texts(graph_from_steps(PRESETS[2].text))  # h = sigmoid(w1 x + b1), ...
    assert texts[("w1", "h")] == "h·x·(1 − h)"
    assert texts[("h", "y")] == "w₂"
    short = edge_texts(graph_from_formula("exp(sin x)", "functions"))
    assert short[("u1", "y")] == "exp(u₁)"  # short labels stay as the derivative is written


# --- sentences (issue 14) ------------------------------------------------------------------------


def test_the_chapters_form_of_a_path_term_is_shown_beside_sympys() -> None:
    at = run_page()  # the R³ exercise at (1, 2, 2), ∂y₂/∂x₂
    latex = "\n".join(e.value for e in at.latex)
    chapter = r"u \cdot \frac{x_{3}}{2 \sqrt{x_{2} x_{3}}}"
    sympys = r"u \cdot \frac{\sqrt{x_{2} x_{3}}}{2 x_{2}}"
    assert f"{chapter} = {sympys}" in latex, latex
    captions = [unquote(c.value) for c in at.caption]
    (note,) = [c for c in captions if "power rule" in c]
    assert "∂v/∂x₂ = x₃/(2√(x₂x₃)), written √(x₂x₃)/(2x₂)" in note
    assert "equal wherever both are defined" in note
    # True at the knobs shown: both forms give the path's value, 2 at (1, 2, 2).
    x2, x3, u = 2.0, 2.0, 4.0
    assert u * x3 / (2 * (x2 * x3) ** 0.5) == u * (x2 * x3) ** 0.5 / (2 * x2) == 2.0


@pytest.mark.parametrize(
    ("steps", "note"),
    [
        ("h = relu(x - 1)\ny = h^2", "θ(z) (H(z) on the graph's edges) is the step function"),
        ("y = max(x, z) + x", "θ(z) (H(z) on the graph's edges) is the step function"),
        ("y = abs(x) z", "sign(z) is 1 where z > 0"),
    ],
)
def test_a_symbol_the_chapter_never_explains_gets_a_line(steps: str, note: str) -> None:
    at = run_page(mode="steps", steps=steps, out="y", wrt="x")
    assert any(c.value.startswith(note) for c in at.caption), [c.value for c in at.caption]


def test_no_note_where_there_is_nothing_to_explain() -> None:
    at = run_page(mode="steps", steps="u = x^2\ny = sin(u)", out="y", wrt="x")
    captions = " ".join(c.value for c in at.caption)
    assert "θ(z)" not in captions and "sign(z)" not in captions and "power rule" not in captions
    assert "×10^" not in captions


def test_a_number_in_powers_of_ten_is_explained() -> None:
    at = run_page(mode="steps", steps="y = exp(x)", out="y", wrt="x", k_x="-3")
    assert metric(at, "Jacobian entry") == "0.04979"
    at = run_page(mode="steps", steps="y = x^2 / 100000", out="y", wrt="x", k_x="2")
    assert metric(at, "Jacobian entry") == "4×10^−5"
    assert any(
        c.value == "4×10^−5 means 4 × 10⁻⁵: move the decimal point 5 places to the left, 0.00004."
        for c in at.caption
    ), [c.value for c in at.caption]


@pytest.mark.parametrize(
    "graph",
    [
        graph_from_steps(PRESETS[0].text),
        graph_from_formula("w2 sigmoid(w1 x + b1) + b2", "operations"),  # edges skip columns
    ],
    ids=["r3", "network"],
)
def test_the_edge_labels_cover_no_node_and_no_other_label(graph) -> None:
    texts = edge_texts(graph)
    base = graph_base(graph, texts)
    half_w = {
        key: max(text_width(texts[key], EDGE_SIZE), text_width("= −1.23×10^5", EDGE_SIZE)) / 2
        for key in base.edges
    }
    labels = [
        (x - half_w[key], y - LABEL_HEIGHT / 2, x + half_w[key], y + LABEL_HEIGHT / 2)
        for (x, y), key in zip(base.edge_xy, base.edges, strict=True)
    ]
    nodes = [
        (x - NODE_WIDTH / 2, y - NODE_HEIGHT / 2, x + NODE_WIDTH / 2, y + NODE_HEIGHT / 2)
        for x, y in base.node_xy
    ]

    def overlap(a: tuple, b: tuple) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for k, label in enumerate(labels):
        assert not any(overlap(label, node) for node in nodes), base.edges[k]
        assert not any(overlap(label, other) for other in labels[k + 1 :]), base.edges[k]


# --- the page's settings outlive their widgets (issue 13, item 3) --------------------------------


def test_the_level_is_kept_while_the_steps_mode_hides_it() -> None:
    at = run_page(mode="formula", f="w2 sigmoid(w1 x + b1) + b2")
    at.radio(key="chain_level").set_value("functions").run()
    fewer = len(edge_labels(drawn_graph(at)))
    at.radio(key="chain_mode").set_value("steps").run()
    assert not [r for r in at.radio if r.key == "chain_level"]
    assert "level" not in at.query_params, "a steps link has no level"
    at.run()  # a second run without the radio: Streamlit has dropped its state by now
    at.radio(key="chain_mode").set_value("formula").run()
    assert at.radio(key="chain_level").value == "functions"
    assert len(edge_labels(drawn_graph(at))) == fewer
    assert at.query_params["level"] == "functions"


def test_a_steps_links_level_is_kept_for_the_formula_mode() -> None:
    at = run_page(mode="steps", steps="y = x^2", level="functions")
    assert not at.toast
    at.radio(key="chain_mode").set_value("formula").run()
    assert at.radio(key="chain_level").value == "functions"


def test_a_link_the_page_wrote_reopens_the_same_state() -> None:
    at = run_page(mode="formula", f="x1 x2^2 + sin(x1)")
    at.radio(key="chain_level").set_value("functions").run()
    at.radio(key="chain_wrt").set_value("x2").run()
    turn_knob(at, "chain_slider_x2", 1.5)
    link = {key: at.query_params[key] for key in at.query_params}
    assert {"mode", "f", "level", "out", "wrt", "k_x1", "k_x2"} <= set(link), link
    again = run_page(**link)
    assert not again.toast, "nothing in the page's own link is refused"
    for key in ("chain_mode", "chain_level", "chain_of", "chain_wrt"):
        assert again.radio(key=key).value == at.radio(key=key).value, key
    assert knob_slider(again, "chain_slider_x2").value == 1.5
    assert path_labels(again) == path_labels(at)
    assert metric(again, "Jacobian entry") == metric(at, "Jacobian entry")


def test_a_link_naming_an_output_the_steps_lack_falls_back_and_says_so_once() -> None:
    at = run_page(mode="steps", steps="y = x^2 + z", out="y9", wrt="z")
    assert at.radio(key="chain_of").value == "y" and at.radio(key="chain_wrt").value == "z"
    toasts = [unquote(t.value) for t in at.toast]
    assert toasts == ["The link's out (y9) was not used: these steps have no such name."]
    turn_knob(at, "chain_slider_z", 0.5)
    assert not at.toast


def test_a_link_made_before_the_one_state_mechanism_restores_the_same_view() -> None:
    # Written by the page on main at ad0f1f4: the R3 exercise, the knob x3 chosen and moved.
    steps = "u = x1^2 x2^2\nv = sqrt(x2 x3)\ny1 = u^2\ny2 = u v\ny3 = v^2"
    old = {"mode": "steps", "steps": steps, "out": "y2", "wrt": "x3"}
    old |= {"k_x1": "1", "k_x2": "2", "k_x3": "0.5"}
    at = run_page(**old)
    assert not at.toast
    assert at.radio(key="chain_of").value == "y2" and at.radio(key="chain_wrt").value == "x3"
    assert knob_slider(at, "chain_slider_x3").value == 0.5
    assert path_labels(at) == ["x₃ → v → y₂"]
    assert {key: at.query_params[key] for key in old} == old, "the page writes the same link"
