"""The computation graph: path sums against the Jacobian computed directly (exactly and in
numbers), central differences as an independent oracle, decomposition round trips, refusals
with line numbers, and the bounds."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculus import parse_function
from calculus.graph import (
    LEVELS,
    MAX_DRAWN_NODES,
    MAX_PATHS,
    MAX_STEPS,
    ComputationGraph,
    GraphTooLarge,
    StepsError,
    build_graph,
    compose_steps,
    decompose,
    graph_from_formula,
    graph_from_steps,
    likely_typos,
    parse_steps,
)
from calculus.syntax import parse_text
from tests.oracle import assert_matches_central_differences
from tests.steps import diamonds
from ui.chain import PRESETS

#: Path sums and the direct Jacobian are both floats from compiled code: rounding only.
RTOL = 1e-9
ATOL = 1e-12
#: Agreement with central differences (tests.oracle's step).
FD_RTOL = 1e-6
FD_ATOL = 1e-7


def S(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def preset_graph(preset) -> ComputationGraph:
    if preset.mode == "steps":
        return graph_from_steps(preset.text)
    return graph_from_formula(preset.text, preset.level)


def preset_point(graph: ComputationGraph, preset) -> list[float]:
    return [preset.knobs.get(name, 1.0) for name in graph.knobs]


def path_sum(graph: ComputationGraph, output: str, knob: str, point) -> float:
    edge_values = graph.edge_values_at(graph.values_at(point))
    return sum(graph.path_value(p, edge_values) for p in graph.paths(knob, output))


def graph_outputs(graph: ComputationGraph):
    """The graph's outputs at a point, as one vector: the function central differences nudge."""
    return lambda p: [graph.values_at(list(p))[output] for output in graph.outputs]


def assert_close(actual: float, expected: float, what: str, rtol=RTOL, atol=ATOL) -> None:
    assert math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol), (
        f"{what}: {actual!r} (path sum) != {expected!r} (expected)"
    )


# --- the chapter's examples ----------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.label)
def test_every_path_sum_equals_the_direct_jacobian_exactly(preset) -> None:
    graph = preset_graph(preset)
    for output, knob in itertools.product(graph.outputs, graph.knobs):
        chain = graph.chain_rule(output, knob)
        assert chain.equal is True, (
            f"d{output}/d{knob}: paths give {chain.total_in_knobs}, direct gives {chain.direct}"
        )
        assert chain.path_count == len(chain.terms or ())


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.label)
def test_every_path_sum_equals_the_direct_jacobian_in_numbers(preset) -> None:
    graph = preset_graph(preset)
    point = preset_point(graph, preset)
    direct = graph.direct.jacobian_at(point)
    totals = graph.totals_at(point)
    for (i, output), (j, knob) in itertools.product(
        enumerate(graph.outputs), enumerate(graph.knobs)
    ):
        what = f"{preset.label}: d{output}/d{knob} at {point}"
        assert_close(path_sum(graph, output, knob, point), direct[i, j], what)
        assert_close(totals[i, j], direct[i, j], what + " (forward accumulation)")
    assert_matches_central_differences(
        direct, graph_outputs(graph), point, rtol=FD_RTOL, atol=FD_ATOL, what=preset.label
    )


def test_the_r3_exercise_has_two_paths_whose_sum_is_the_chapters_answer() -> None:
    graph = graph_from_steps(PRESETS[0].text)
    assert graph.knobs == ("x1", "x2", "x3")
    assert graph.outputs == ("y1", "y2", "y3")
    chain = graph.chain_rule("y2", "x2")
    assert chain.terms is not None
    assert [term.path for term in chain.terms] == [("x2", "u", "y2"), ("x2", "v", "y2")]
    x1, x2, x3, u, v = (S(n) for n in ("x1", "x2", "x3", "u", "v"))
    assert chain.terms[0].product == v * 2 * x1**2 * x2
    assert sp.simplify(chain.terms[1].product - u * x3 / (2 * sp.sqrt(x2 * x3))) == 0
    chapter = 2 * x1**2 * x2 * sp.sqrt(x2 * x3) + x1**2 * x2**2 * x3 / (2 * sp.sqrt(x2 * x3))
    assert sp.simplify(chain.total_in_knobs - chapter) == 0
    # At x = (1, 2, 2): u = 4, v = 2; the paths give 2 * 4 = 8 and 4 * 0.5 = 2.
    edge_values = graph.edge_values_at(graph.values_at([1.0, 2.0, 2.0]))
    values = [graph.path_value(term.path, edge_values) for term in chain.terms]
    assert values == pytest.approx([8.0, 2.0], rel=RTOL)


def test_two_paths_give_the_product_rule() -> None:
    graph = graph_from_steps("u = x^2\nv = ln(x)\ny = u v")
    chain = graph.chain_rule("y", "x")
    x, u, v = S("x"), S("u"), S("v")
    assert [term.product for term in chain.terms] == [2 * v * x, u / x]
    assert sp.expand(chain.total_in_knobs - (2 * x * sp.log(x) + x)) == 0


def test_the_network_is_backpropagation() -> None:
    graph = graph_from_steps("h = sigmoid(w1 x + b1)\ny = w2 h + b2")
    assert graph.knobs == ("b1", "b2", "w1", "w2", "x")
    assert graph.paths("w1", "y") == (("w1", "h", "y"),)
    assert graph.edge("h", "y").derivative == S("w2")
    point = [0.0, 0.0, 0.5, 2.0, 1.0]  # b1, b2, w1, w2, x
    sigma = 1 / (1 + math.exp(-0.5))
    assert_close(path_sum(graph, "y", "w1", point), 2.0 * 1.0 * sigma * (1 - sigma), "dy/dw1")


# --- decomposition -------------------------------------------------------------------------------

DECOMPOSITIONS = [
    ("x^2", "operations", ["y = x^2"]),
    ("exp(sin x)", "functions", ["u1 = sin(x)", "y = exp(u1)"]),
    ("exp(sin x)", "operations", ["u1 = sin(x)", "y = exp(u1)"]),
    ("x1 x2^2", "functions", ["y = x1*x2^2"]),
    ("x1 x2^2", "operations", ["u1 = x2^2", "y = u1*x1"]),
    ("x^2 + 4x - 2", "operations", ["u1 = x^2", "y = u1 + 4*x - 2"]),
    ("x^2, sqrt(x)", "functions", ["y1 = x^2", "y2 = sqrt(x)"]),
    ("sin(x) + sin(x)^2", "operations", ["u1 = sin(x)", "u2 = u1^2", "y = u1 + u2"]),
    ("x y/(x + y)", "operations", ["u1 = x + y", "f = x*y/u1"]),
    (
        "w2 sigmoid(w1 x + b1) + b2",
        "functions",
        ["u1 = sigmoid(b1 + w1*x)", "y = b2 + u1*w2"],
    ),
    (
        "w2 sigmoid(w1 x + b1) + b2",
        "operations",
        ["u1 = w1*x", "u2 = b1 + u1", "u3 = sigmoid(u2)", "u4 = u3*w2", "y = b2 + u4"],
    ),
    ("sin x, exp(sin x)", "functions", ["u1 = sin(x)", "y1 = u1", "y2 = exp(u1)"]),
    ("u1 + sin(u1)", "operations", ["u2 = sin(u1)", "y = u1 + u2"]),  # u1 is a knob here
]


@pytest.mark.parametrize(("text", "level", "expected"), DECOMPOSITIONS)
def test_decompose(text: str, level: str, expected: list[str]) -> None:
    assert [step.text() for step in decompose(text, level)] == expected


FORMULAS = [
    "x^2 + 4x - 2",
    "exp(sin x)",
    "x1 x2^2",
    "x^2, sqrt(x)",
    "x^2 ln x",
    "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2",
    "w2 sigmoid(w1 x + b1) + b2",
    "e^x + 2^x + log10(x) + abs(x - 1) - 3/x",
    "max(x, y) + relu(x - y) / (1 + x^2)",
    "softplus(2x - y), tanh(x y) cbrt(x)",
]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("text", FORMULAS)
def test_recomposing_the_steps_gives_back_the_formula(text: str, level: str) -> None:
    graph = graph_from_formula(text, level)
    composed = compose_steps(graph.steps)
    assert [composed[name] for name in graph.outputs] == list(parse_text(text).outputs)
    # The steps as text read back into the same graph.
    again = graph_from_steps(graph.text())
    assert again.outputs == graph.outputs
    assert compose_steps(again.steps) == composed


@pytest.mark.parametrize("text", FORMULAS)
def test_every_operation_is_at_least_as_fine_as_whole_functions(text: str) -> None:
    coarse = graph_from_formula(text, "functions")
    fine = graph_from_formula(text, "operations")
    assert len(fine.steps) >= len(coarse.steps)
    assert fine.knobs == coarse.knobs == parse_function(text).variables


# --- random compositions (hypothesis) ------------------------------------------------------------

KNOBS = ("x1", "x2", "x3")
_leaves = st.sampled_from([*KNOBS, "2", "0.5"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    unary = st.tuples(st.sampled_from(["sin", "cos", "exp", "tanh", "sigmoid", "sqrt"]), children)
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children)
    return st.one_of(
        unary.map(lambda t: f"{t[0]}({t[1]})"),
        binary.map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        children.map(lambda c: f"({c})^2"),
    )


formulas = st.recursive(_leaves, _combine, max_leaves=8).filter(
    lambda text: any(k in text for k in KNOBS)
)
points = st.lists(st.floats(0.3, 2.0), min_size=3, max_size=3)
HYPOTHESIS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_path_sums(graph: ComputationGraph, point: list[float]) -> None:
    values = [point[KNOBS.index(k)] for k in graph.knobs]
    direct = graph.direct.jacobian_at(values)
    totals = graph.totals_at(values)
    for (i, output), (j, knob) in itertools.product(
        enumerate(graph.outputs), enumerate(graph.knobs)
    ):
        if not np.isfinite(direct[i, j]):
            continue  # e.g. sqrt of a negative: undefined both ways
        what = f"d{output}/d{knob} of {graph.text()!r} at {values}"
        assert_close(totals[i, j], direct[i, j], what, rtol=1e-8, atol=1e-10)
        if graph.count_paths(knob, output) <= MAX_PATHS:
            assert_close(path_sum(graph, output, knob, values), direct[i, j], what, 1e-8, 1e-10)


@HYPOTHESIS
@given(text=formulas, level=st.sampled_from(LEVELS), point=points)
def test_random_formulas_round_trip_and_their_paths_sum_to_the_jacobian(
    text: str, level: str, point: list[float]
) -> None:
    graph = graph_from_formula(text, level)
    composed = compose_steps(graph.steps)
    assert [composed[name] for name in graph.outputs] == list(parse_text(text).outputs)
    _check_path_sums(graph, point)


@st.composite
def step_texts(draw: st.DrawFn) -> str:
    """Random steps u1 = ..., each using knobs and earlier values: a random DAG."""
    names: list[str] = list(KNOBS)
    lines = []
    for index in range(1, draw(st.integers(1, 5)) + 1):
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        template = draw(
            st.sampled_from(["{a} {b}", "{a} + sin({b})", "exp({a}) - {b}^2", "{a}/(1 + {b}^2)"])
        )
        lines.append(f"u{index} = " + template.format(a=a, b=b))
        names.append(f"u{index}")
    return "\n".join(lines)


@HYPOTHESIS
@given(text=step_texts(), point=points)
def test_random_steps_path_sums_equal_the_jacobian(text: str, point: list[float]) -> None:
    graph = graph_from_steps(text)
    _check_path_sums(graph, point)


@settings(max_examples=6, deadline=None)
@given(text=step_texts())
def test_random_steps_path_sums_equal_the_jacobian_exactly(text: str) -> None:
    graph = graph_from_steps(text)
    output = graph.outputs[-1]
    for knob in graph.knobs:
        chain = graph.chain_rule(output, knob)
        assert chain.equal is True, f"{text!r}: d{output}/d{knob}"


# --- reading steps -------------------------------------------------------------------------------


def test_steps_in_any_order_are_sorted_by_dependency() -> None:
    steps = parse_steps("y = u v\n\nu = x^2\nv = ln(x)")
    assert [step.name for step in steps] == ["u", "v", "y"]
    assert [step.line for step in steps] == [3, 4, 1]


def test_knobs_are_used_never_defined_and_outputs_are_never_used_or_named_y() -> None:
    graph = graph_from_steps("a = x + t\nb = a^2\ny1 = b\ny2 = y1 + b\nc = a b")
    assert graph.knobs == ("t", "x")
    assert graph.outputs == ("y1", "y2", "c")


REFUSALS = [
    ("u = x^2\nu = x^3", 2, "'u' is already defined on line 1"),
    ("u = v\nv = w\nw = u + x", 1, "depends on itself"),
    ("u = u + 1", 1, "computed from itself"),
    ("u = x^2\ny = u +", 2, "line 2: the text ends too early"),
    ("u = x^2\ny = u $ 2", 2, "line 2: character '$'"),
    ("u = x^2\ny u", 2, "a name, '=', then a formula"),
    ("u = x\n = x^2", 2, "a name is missing"),
    ("u = x\nsin = x^2", 2, "'sin' cannot be a name: it is a function"),
    ("u = x\n2u = x^2", 2, "cannot be a name"),
    ("e = x^2", 1, "Euler's number"),
    ("y =  ", 1, "nothing after '='"),
    ("y = x = 2", 1, "one '=' per step"),
    ("y = x, x^2", 1, "one value per step"),
    ("y = sinn(x)", 1, "unknown function 'sinn'"),
    ("", None, "type at least one step"),
    ("y = " + " + ".join(f"x{k}" for k in range(17)), 1, "too many inputs in one step"),
]


@pytest.mark.parametrize(("text", "line", "message"), REFUSALS)
def test_malformed_steps_are_refused_naming_the_line(
    text: str, line: int | None, message: str
) -> None:
    with pytest.raises(StepsError) as caught:
        parse_steps(text)
    assert message in str(caught.value)
    assert caught.value.line == line
    if line is not None:
        assert str(caught.value).startswith(f"line {line}: ")


def test_a_parse_error_points_at_the_column_of_the_whole_line() -> None:
    with pytest.raises(StepsError) as caught:
        parse_steps("u = x^2\nyy = u $ 2")
    assert caught.value.column == 8
    assert "column 8" in str(caught.value)


def test_unknown_names_are_refused_when_the_knobs_are_declared() -> None:
    with pytest.raises(StepsError, match=r"line 2: unknown name 'vv'.*the knobs are x"):
        parse_steps("v = x^2\ny = x vv", knobs=["x"])
    with pytest.raises(StepsError, match="'x' is a knob"):
        parse_steps("x = 2", knobs=["x"])
    assert len(parse_steps("v = x^2\ny = x v", knobs=["x"])) == 2


# --- numbers at awkward points ------------------------------------------------------------------


def test_undefined_values_are_nan_along_every_path_through_them() -> None:
    graph = graph_from_steps("u = x^2\nv = ln(x)\ny = u v")
    values = graph.values_at([-1.0])
    assert values["u"] == 1.0 and np.isnan(values["v"]) and np.isnan(values["y"])
    edge_values = graph.edge_values_at(values)
    products = [graph.path_value(p, edge_values) for p in graph.paths("x", "y")]
    assert all(np.isnan(products))
    assert np.isnan(graph.totals_at([-1.0])[0, 0])


def test_a_kink_makes_its_local_derivative_undefined() -> None:
    graph = graph_from_steps("h = relu(w x)\ny = h + x")
    edge_values = graph.edge_values_at(graph.values_at([0.0, 1.0]))  # w x = 0: the kink
    assert np.isnan(edge_values[("w", "h")])  # relu bends at w = 0 for x = 1
    assert edge_values[("h", "y")] == 1.0


def test_values_are_vectorised_over_grids() -> None:
    graph = graph_from_steps(PRESETS[0].text)
    grid = np.meshgrid(np.linspace(0.5, 2, 4), np.linspace(0.5, 2, 3))
    point = [grid[0], grid[1], np.full_like(grid[0], 1.5)]
    totals = graph.totals_at(point)
    assert totals.shape == (3, 3, 3, 4)
    np.testing.assert_allclose(totals, graph.direct.jacobian_at(point), rtol=RTOL, atol=ATOL)


def test_an_undefined_edge_off_every_path_does_not_spoil_another_knobs_total() -> None:
    # relu's kink at x1 = 0 leaves d u / d x1 undefined; d y / d x2 does not go through it.
    graph = graph_from_steps("u = relu(x1)\ny = u + x2^2")
    totals = graph.totals_at([0.0, 3.0])
    assert np.isnan(totals[0, 0]) and totals[0, 1] == 6.0
    np.testing.assert_array_equal(totals, graph.direct.jacobian_at([0.0, 3.0]))


def test_an_undefined_value_makes_the_outputs_after_it_undefined() -> None:
    graph = graph_from_steps("v = ln(x1)\ny = v + x2^2")
    assert np.isnan(graph.totals_at([-1.0, 3.0])).all()
    assert np.isnan(graph.direct.jacobian_at([-1.0, 3.0])).all()


# --- bounds --------------------------------------------------------------------------------------


def test_too_many_paths_are_counted_not_listed_and_the_total_still_holds() -> None:
    graph = graph_from_steps(diamonds(7))  # 2^7 = 128 paths from x to y
    assert graph.count_paths("x", "y") == 2**7 > MAX_PATHS
    with pytest.raises(ValueError, match="128 paths"):
        graph.paths("x", "y")
    chain = graph.chain_rule("y", "x")
    assert chain.terms is None and chain.path_count == 128
    assert graph.too_large_to_draw == (len(graph.nodes) > MAX_DRAWN_NODES)
    point = [0.7]
    assert_close(graph.totals_at(point)[0, 0], graph.direct.jacobian_at(point)[0, 0], "ladder")


def test_a_formula_with_too_many_values_is_refused_as_too_large() -> None:
    text = " + ".join(f"sin({k} x)" for k in range(1, MAX_STEPS + 2))
    with pytest.raises(GraphTooLarge, match="more than 64"):
        decompose(text, "operations")


def test_too_many_steps_are_refused() -> None:
    text = "\n".join(f"u{k} = x + {k}" for k in range(MAX_STEPS + 1))
    with pytest.raises(StepsError, match="too many steps"):
        parse_steps(text)


def test_a_big_graph_is_flagged_as_too_large_to_draw() -> None:
    text = "\n".join(f"u{k} = x + {k}" for k in range(MAX_DRAWN_NODES + 1))
    graph = build_graph(parse_steps(text))
    assert graph.too_large_to_draw


def test_the_engine_never_imports_streamlit() -> None:
    import calculus.graph

    with open(calculus.graph.__file__, encoding="utf-8") as file:
        source = file.read()
    assert "streamlit" not in source.replace("independent of Streamlit", "")


def test_a_name_one_letter_off_a_defined_value_is_flagged_as_a_likely_typo() -> None:
    assert likely_typos(parse_steps("v = x^2\ny = x vv")) == [
        "line 2: vv is never defined, so it is a knob — did you mean v?"
    ]
    assert likely_typos(parse_steps(PRESETS[0].text)) == []
    assert likely_typos(parse_steps(PRESETS[2].text)) == []


def test_steps_may_share_a_line_separated_by_commas_or_semicolons() -> None:
    as_written = graph_from_steps("u = x^2, v = ln x, y = u v")  # as the issue writes it
    assert [step.text() for step in as_written.steps] == ["u = x^2", "v = log(x)", "y = u*v"]
    assert [step.line for step in as_written.steps] == [1, 1, 1]
    # A comma inside brackets, or one not followed by "name =", stays inside the formula.
    assert [s.text() for s in parse_steps("y = max(x, z); w = y^2")] == [
        "y = max(x, z)",
        "w = y^2",
    ]
    with pytest.raises(StepsError, match=r"line 1: character '\$'.* at column 14"):
        parse_steps("u = x, v = x $ 2")
    with pytest.raises(StepsError, match="one '=' per step"):
        parse_steps("y = max(x, z = 1)")


def test_a_path_through_a_zero_and_an_infinite_local_derivative_is_undefined_quietly() -> None:
    """0 · ∞ along a path (a factor 0 before √u at u = 0) is no number: nan, shown as
    undefined, and no RuntimeWarning in the server's log on every knob move."""
    edges = {("x", "u"): np.float64(0.0), ("u", "y"): np.float64(np.inf)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = ComputationGraph.path_value(("x", "u", "y"), edges)
        values = ComputationGraph.path_value(
            ("x", "u", "y"), {("x", "u"): np.array([0.0, 2.0]), ("u", "y"): np.array([np.inf, 3.0])}
        )
    assert np.isnan(value)
    assert np.isnan(values[0]) and values[1] == 6.0
