"""The Jacobians of ML layers: the general engine against the chapter's closed forms, the index
method's terms against the entries, finite differences as an independent oracle, refusals, and
the page's pure helpers (URL text, heatmaps, LaTeX, tables)."""

from __future__ import annotations

import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from calculus import ExpressionError
from calculus.layers import (
    LAYER_KINDS,
    MAX_ENTRY_MAGNITUDE,
    MAX_LAYER_SIZE,
    EntryError,
    closed_form_jacobian,
    coefficient,
    identity_grid,
    index_walkthrough,
    layer_function,
    layer_outputs,
    layer_value,
    make_layer,
    parameter_shapes,
    parse_entries,
    pre_activation,
    random_integer_grid,
    resize_grid,
    sigmoid_slope,
)
from calculus.narration.layers import shape_sentences
from tests.oracle import assert_matches_central_differences
from ui.figures import jacobian_heatmap
from ui.layers import (
    default_grid,
    engine_formulas,
    frame_cells,
    grid_frame,
    grid_from_text,
    grid_to_text,
    heatmap_text_style,
    layer_heatmaps,
    terms_latex,
    terms_table,
    written_out_latex,
)

#: Engine Jacobian against the closed form (both in floats; they differ by rounding only).
ATOL = 1e-12
#: Step and tolerance of the central differences (error O(EPS^2) times the third derivative).
EPS = 1e-5
FD_TOL = 1e-7

SIZES = range(1, MAX_LAYER_SIZE + 1)
ALL_SIZES = list(itertools.product(SIZES, SIZES))


def _random_layer(kind: str, n: int, m: int, rng: np.random.Generator):
    """A layer with normal(0, 2) entries: awkward doubles, not just integers."""
    k = (n + m) % MAX_LAYER_SIZE + 1  # the inner size of A B + C, varied with n and m
    shapes = parameter_shapes(kind, n, m, k)
    return make_layer(kind, {name: rng.normal(0, 2, size=shape) for name, shape in shapes.items()})


def _built(layer, attempts: int = 3):
    """``layer_function(layer)``, tried up to ``attempts`` times: the engine's 4 s limit is
    wall-clock time, and a 6 x 6 sigmoid layer (0.3 s on an idle machine, more in a worker's
    first job) can overrun it on a machine busy with other work."""
    for _ in range(attempts - 1):
        try:
            return layer_function(layer)
        except ExpressionError:
            continue
    return layer_function(layer)


def _expected_shape(kind: str, n: int, m: int) -> tuple[int, int]:
    return (1, m) if LAYER_KINDS[kind].scalar_output else (n, m)


@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_engine_jacobian_equals_closed_form_for_every_size(kind: str) -> None:
    rng = np.random.default_rng(sum(map(ord, kind)))
    cases = [
        (n, m, _random_layer(kind, n, m, rng), rng.normal(0, 1.5, size=m)) for n, m in ALL_SIZES
    ]
    # The engine differentiates in worker processes: keep both cores busy.
    with ThreadPoolExecutor(max_workers=2) as threads:
        functions = list(threads.map(lambda case: _built(case[2]), cases))
    for (n, m, layer, x), function in zip(cases, functions, strict=True):
        engine = function.jacobian_at(x)
        closed = closed_form_jacobian(layer, x)
        shape = _expected_shape(kind, n, m)
        assert engine.shape == closed.shape == shape, (
            f"{kind} n={n} m={m}: engine {engine.shape}, closed form {closed.shape}, "
            f"expected {shape}"
        )
        assert np.allclose(engine, closed, rtol=0, atol=ATOL), (
            f"{kind} n={n} m={m} at x={x}:\nengine\n{engine}\nclosed form\n{closed}"
        )


@pytest.mark.parametrize("m", SIZES)
def test_dot_jacobian_is_the_row_a_transpose(m: int) -> None:
    a = np.arange(1.0, m + 1)
    layer = make_layer("dot", {"a": a})
    assert layer.parameters["a"].shape == (m, 1), "a is a column"
    jacobian = layer_function(layer).jacobian_at(np.zeros(m))
    assert jacobian.shape == (1, m), f"a^T x must give a 1 x {m} row, got {jacobian.shape}"
    assert jacobian[0].tolist() == a.tolist()


def test_linear_jacobian_is_w_exactly_even_for_awkward_doubles() -> None:
    # 1/3 and 0.1 do not round-trip through 15 printed digits; the heatmap must show W itself.
    w = np.array([[0.1, 1 / 3, -2.0], [1.2345678901234567e-5, 123456.78901234567, -0.0]])
    layer = make_layer("linear", {"W": w})
    jacobian = layer_function(layer).jacobian_at([0.3, -1.0, 2.0])
    assert jacobian.tolist() == (w + 0.0).tolist()


def test_linear_jacobian_equals_random_w_exactly() -> None:
    rng = np.random.default_rng(7)
    for n, m in [(1, 1), (3, 4), (6, 6)]:
        w = rng.normal(0, 10, size=(n, m))
        jacobian = layer_function(make_layer("linear", {"W": w})).jacobian_at(np.ones(m))
        assert np.array_equal(jacobian, w), f"n={n} m={m}:\n{jacobian}\n!=\n{w}"


@pytest.mark.parametrize("kind", [k for k, spec in LAYER_KINDS.items() if spec.linear])
def test_linear_layers_jacobian_does_not_move_with_x(kind: str) -> None:
    rng = np.random.default_rng(3)
    layer = _random_layer(kind, 3, 4, rng)
    function = layer_function(layer)
    at_zero = function.jacobian_at(np.zeros(4))
    for _ in range(5):
        assert np.array_equal(function.jacobian_at(rng.normal(0, 5, size=4)), at_zero)


def test_sigmoid_jacobian_moves_with_x_and_saturates() -> None:
    layer = make_layer("sigmoid", {"W": [[1.0, -2.0], [0.5, 3.0]], "b": [0.0, 1.0]})
    function = layer_function(layer)
    near = function.jacobian_at([0.0, 0.0])
    moved = function.jacobian_at([1.0, 0.5])
    assert not np.allclose(near, moved), "the sigmoid layer's Jacobian should change with x"
    # At z = 0 the slope sigma'(0) = 1/4 is the largest; far out it nearly vanishes.
    assert near[0].tolist() == pytest.approx([0.25, -0.5])
    saturated = function.jacobian_at([40.0, 40.0])
    assert np.all(np.abs(saturated) < 1e-12), f"expected saturation, got\n{saturated}"
    z = pre_activation(layer, [40.0, 40.0])
    assert np.all(np.abs(z) > 30)


def test_sigmoid_slope_has_no_overflow() -> None:
    with np.errstate(over="raise", invalid="raise"):
        slopes = sigmoid_slope(np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0]))
    assert slopes[2] == 0.25
    assert 0.0 <= slopes[0] == slopes[-1] < 1e-300
    assert slopes[1] == pytest.approx(slopes[3])


@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_engine_against_central_differences(kind: str) -> None:
    # An oracle that knows neither sympy nor the closed form: numpy values, nudged knobs.
    rng = np.random.default_rng(11)
    layer = _random_layer(kind, 3, 4, rng)
    x = rng.normal(0, 1, size=4)
    assert_matches_central_differences(
        layer_function(layer).jacobian_at(x),
        lambda p: layer_value(layer, p),
        x,
        h=EPS,
        rtol=FD_TOL,
        atol=FD_TOL,
        what=kind,
    )


@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_engine_values_equal_numpy_values(kind: str) -> None:
    rng = np.random.default_rng(5)
    layer = _random_layer(kind, 4, 3, rng)
    x = rng.normal(0, 1, size=3)
    assert np.allclose(layer_function(layer).value_at(x), layer_value(layer, x), atol=ATOL)


@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_walkthrough_terms_sum_to_the_entry(kind: str) -> None:
    rng = np.random.default_rng(13)
    for n, m in [(1, 1), (2, 3), (4, 2), (6, 6)]:
        layer = _random_layer(kind, n, m, rng)
        x = rng.normal(0, 1, size=m)
        jacobian = layer_function(layer).jacobian_at(x)
        for i, j in itertools.product(range(1, jacobian.shape[0] + 1), range(1, m + 1)):
            walk = index_walkthrough(layer, i, j, x)
            total = walk.factor * math.fsum(term.value for term in walk.terms)
            assert total == pytest.approx(walk.value, abs=ATOL)
            assert walk.value == pytest.approx(jacobian[i - 1, j - 1], abs=ATOL), (
                f"{kind} n={n} m={m} entry ({i}, {j}): walkthrough {walk.value}, "
                f"engine {jacobian[i - 1, j - 1]}"
            )
            for term in walk.terms:
                assert term.value == pytest.approx(math.prod(term.factors))
                assert term.survives == (term.factors[-1] == 1.0)
                if not term.survives:
                    assert term.value == 0.0


def test_walkthrough_of_w_x_keeps_exactly_the_term_k_equals_j() -> None:
    layer = make_layer("linear", {"W": [[1, 2, 3], [4, 5, 6]]})
    walk = index_walkthrough(layer, 2, 3)
    assert [term.survives for term in walk.terms] == [False, False, True]
    assert [term.factors for term in walk.terms] == [(4.0, 0.0), (5.0, 0.0), (6.0, 1.0)]
    assert walk.value == 6.0
    assert walk.result == "w_{2,3}"
    assert r"\delta_{3,3}" in walk.terms[2].symbols
    assert any(r"\delta_{k,3}" in step for step in walk.steps)
    assert walk.note == "Only the term k = 3 survives."


def test_walkthrough_of_y_a_x_keeps_one_term_per_l() -> None:
    layer = make_layer("bilinear", {"y": [1, 2], "A": [[1, 2, 3], [4, 5, 6]]})
    walk = index_walkthrough(layer, 1, 2)
    assert len(walk.terms) == 6
    survivors = [term for term in walk.terms if term.survives]
    assert [term.factors for term in survivors] == [(1.0, 2.0, 1.0), (2.0, 5.0, 1.0)]
    assert walk.value == 1 * 2 + 2 * 5  # (y^T A)_2


def test_walkthrough_of_sigmoid_needs_the_point_and_carries_the_slope() -> None:
    layer = make_layer("sigmoid", {"W": [[2.0, -1.0]], "b": [0.5]})
    with pytest.raises(ValueError, match="depend on x"):
        index_walkthrough(layer, 1, 1)
    walk = index_walkthrough(layer, 1, 2, [0.0, 0.0])
    assert walk.factor == pytest.approx(float(sigmoid_slope(np.array(0.5))))
    assert walk.value == pytest.approx(-walk.factor)


@pytest.mark.parametrize(("row", "column"), [(0, 1), (3, 1), (1, 0), (1, 4)])
def test_walkthrough_refuses_entries_outside_the_jacobian(row: int, column: int) -> None:
    layer = make_layer("linear", {"W": np.ones((2, 3))})
    with pytest.raises(ValueError, match="choose an entry"):
        index_walkthrough(layer, row, column)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([[1, None]], "W, row 1, column 2 is empty"),
        ([[1, 2], [3, float("nan")]], "W, row 2, column 2 is empty"),
        ([[1, 2], ["", 4]], "W, row 2, column 1 is empty"),
        ([["abc", 2]], "W, row 1, column 1: 'abc' is not a number"),
        ([[1, "2,5"]], "W, row 1, column 2: '2,5' is not a number"),
        ([[1, float("inf")]], "W, row 1, column 2: inf is too large"),
        ([[1, 2e6]], "W, row 1, column 2: 2e\\+06 is too large"),
        ([[1, "-1e7"]], "W, row 1, column 2: -1e\\+07 is too large"),
        ([[1, "1" * 50]], "too long"),
        ([[True, 1]], "not a number"),
        ([[1, [2]]], "not a number"),
        ([[1, 2], [3]], "different lengths"),
        ([], "no entries"),
    ],
)
def test_parse_entries_names_the_wrong_cell(cells: list, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        parse_entries("W", cells)


def test_parse_entries_reads_numbers_and_number_text() -> None:
    cells = [[1, " 2.5 ", "−3"], [np.float64(4), "1e6", -MAX_ENTRY_MAGNITUDE]]
    assert parse_entries("A", cells).tolist() == [[1.0, 2.5, -3.0], [4.0, 1e6, -1e6]]


def test_entry_error_carries_the_cell() -> None:
    with pytest.raises(EntryError) as info:
        parse_entries("B", [[1, 2], [3, "x"]])
    assert (info.value.name, info.value.row, info.value.column) == ("B", 2, 2)


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        ("linear", {}, "needs W"),
        ("linear", {"W": np.ones((7, 2))}, "do not fit"),
        ("bilinear", {"y": np.ones(3), "A": np.ones((2, 2))}, "do not fit"),
        ("affine", {"A": np.ones((2, 3)), "B": np.ones((2, 2)), "C": np.ones((2, 2))}, "fit"),
        ("sigmoid", {"W": np.ones((2, 2)), "b": np.ones(3)}, "do not fit"),
        ("softmax", {}, "unknown layer"),
    ],
)
def test_make_layer_refuses_shapes_that_do_not_fit(kind: str, parameters: dict, message) -> None:
    with pytest.raises(ValueError, match=message):
        make_layer(kind, parameters)


@pytest.mark.parametrize("size", [0, 7, -1, 2.0, True])
def test_sizes_outside_one_to_six_are_refused(size) -> None:
    with pytest.raises(ValueError):
        parameter_shapes("linear", size, 2)


def test_vectors_are_columns_and_sizes_follow_the_parameters() -> None:
    layer = make_layer("affine", {"A": np.ones((2, 4)), "B": np.ones((4, 3)), "C": np.ones((2, 3))})
    assert (layer.n_outputs, layer.n_inputs, layer.variables) == (2, 3, ("v1", "v2", "v3"))
    bilinear = make_layer("bilinear", {"y": [[1, 2]], "A": np.ones((2, 5))})  # y given as a row
    assert bilinear.parameters["y"].shape == (2, 1)
    assert (bilinear.n_outputs, bilinear.n_inputs) == (1, 5)


def test_layer_outputs_are_written_out_entry_by_entry() -> None:
    linear = make_layer("linear", {"W": [[2, 0], [0.5, -1]]})
    assert [str(y) for y in layer_outputs(linear)] == ["2*x1", "0.5*x1 - x2"]
    bilinear = make_layer("bilinear", {"y": [1, 2], "A": [[1, 0], [0.5, -1]]})
    assert [str(s) for s in layer_outputs(bilinear)] == ["2.0*x1 - 2*x2"]
    affine = make_layer("affine", {"A": [[1, 2]], "B": [[1], [3]], "C": [[1]]})
    assert [str(y) for y in layer_outputs(affine)] == ["8*v1"]  # (1*1 + 2*3 + 1) v1
    sigmoid_layer = make_layer("sigmoid", {"W": [[1, 1]], "b": [3]})
    assert [str(y) for y in layer_outputs(sigmoid_layer)] == ["sigmoid(x1 + x2 + 3)"]


def test_layer_function_is_cached_per_numbers() -> None:
    w = [[1.0, 2.0]]
    assert layer_function(make_layer("linear", {"W": w})) is layer_function(
        make_layer("linear", {"W": w})
    )
    assert layer_function(make_layer("linear", {"W": w})) is not layer_function(
        make_layer("linear", {"W": [[1.0, 3.0]]})
    )


@pytest.mark.parametrize(
    ("value", "printed"), [(3.0, "3"), (-0.0, "0"), (0.1, "0.10000000000000001")]
)
def test_coefficients_are_exact_numbers(value: float, printed: str) -> None:
    number = coefficient(value)
    assert str(number) == printed
    assert float(number) == value


def test_fillers() -> None:
    assert identity_grid((2, 3)).tolist() == [[1, 0, 0], [0, 1, 0]]
    grid = random_integer_grid((4, 5), np.random.default_rng(0))
    assert grid.shape == (4, 5)
    assert np.all(grid == np.round(grid)) and np.all(np.abs(grid) <= 5)
    assert resize_grid(np.array([[1.0, 2.0], [3.0, 4.0]]), (3, 1)).tolist() == [[1], [3], [0]]


# ---- the page's pure helpers (ui/layers.py): URL text, figures, LaTeX, tables ------------------


@pytest.mark.parametrize(
    "grid",
    [
        [[2.0, -1.0, 0.5], [-1.0, 3.0, 1.0]],
        [[1 / 3], [0.1], [-1e6]],
        [[1.2345678901234567e-5, 123456.78901234567]],
    ],
)
def test_grids_survive_the_url_exactly(grid: list[list[float]]) -> None:
    values = np.array(grid)
    text = grid_to_text(values)
    assert np.array_equal(grid_from_text("W", text), values), text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2;3", "different lengths"),
        ("1,x", "'x' is not a number"),
        ("1,,2", "row 1, column 2 is empty"),
        ("1,nan", "not a finite number"),
        ("1," * 7 + "1", "larger than 6 x 6"),
        (";".join(["1"] * 7), "larger than 6 x 6"),
        ("1" * 2000, "too long"),
    ],
)
def test_bad_grid_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        grid_from_text("W", text)


def test_grid_frames_have_one_based_labels_and_report_empty_cells() -> None:
    frame = grid_frame(np.array([[1.0, 2.5], [3.0, 4.0]]))
    assert list(frame.columns) == ["1", "2"] and list(frame.index) == ["1", "2"]
    assert frame_cells(frame) == [["1", "2.5"], ["3", "4"]], "cells are the numbers' exact text"
    frame.iloc[1, 0] = None
    assert frame_cells(frame) == [["1", "2.5"], [None, "4"]]
    with pytest.raises(EntryError, match="row 2, column 1 is empty"):
        parse_entries("W", frame_cells(frame))


def test_default_grids_are_fixed_and_start_with_the_chosen_numbers() -> None:
    assert default_grid("W", (2, 3)).tolist() == [[2, -1, 0.5], [-1, 3, 1]]
    big = default_grid("W", (6, 6))
    assert big[:2, :3].tolist() == [[2, -1, 0.5], [-1, 3, 1]]
    assert np.array_equal(big, default_grid("W", (6, 6)))
    assert np.count_nonzero(big[2:, 3:]) > 0, "larger grids are not padded with zeros only"


@pytest.mark.parametrize(
    ("kind", "rows", "columns", "hover"),
    [
        ("linear", ["y₁", "y₂"], ["x₁", "x₂", "x₃"], "w₂,₃"),
        ("dot", ["y"], ["x₁", "x₂", "x₃"], "a₃"),
        ("bilinear", ["s"], ["x₁", "x₂", "x₃"], "(yᵀA)₃"),
        ("affine", ["y₁", "y₂"], ["v₁", "v₂", "v₃"], "(AB + C)₂,₃"),
        ("sigmoid", ["y₁", "y₂"], ["x₁", "x₂", "x₃"], "σ′(z₂) w₂,₃"),
    ],
)
def test_the_two_heatmaps_share_labels_and_show_the_matrices(
    kind: str, rows: list[str], columns: list[str], hover: str
) -> None:
    rng = np.random.default_rng(17)
    layer = _random_layer(kind, 2, 3, rng)
    x = np.array([0.5, -1.0, 2.0])
    engine = layer_function(layer).jacobian_at(x)
    closed = closed_form_jacobian(layer, x)
    left, right = layer_heatmaps(layer, engine, closed, engine_formulas(layer_function(layer)))
    for figure, values in ((left, engine), (right, closed)):
        trace = next(t for t in figure.data if t.name == "jacobian")
        assert list(trace.y) == rows and list(trace.x) == columns
        assert np.array(trace.z, dtype=float).tolist() == values.tolist()
    closed_trace = next(t for t in right.data if t.name == "jacobian")
    assert closed_trace.customdata[-1][-1] == hover


@pytest.mark.parametrize(
    ("knobs", "fixed", "written"),
    [
        (3, False, ["0.0003339", "−1.235", "0"]),
        (4, False, ["0.000334", "−1.23", "0"]),
        (6, False, ["0.00033", "−1.2", "0"]),
        (2, True, ["0.000", "−1.235", "0.000"]),
    ],
)
def test_many_knobs_get_shorter_numbers(knobs: int, fixed: bool, written: list[str]) -> None:
    style = heatmap_text_style(knobs, fixed_decimals=fixed)
    values = np.array([[0.00033388, -1.23456, 0.0]])
    figure = jacobian_heatmap(values, ["y"], ["a", "b", "c"], **style)
    text = next(t for t in figure.data if t.name == "values")
    assert list(text.text) == written
    jacobian = next(t for t in figure.data if t.name == "jacobian")
    assert list(jacobian.text[0]) == ["0.0003339", "−1.235", "0"]  # every digit on hover


def test_sigmoid_heatmaps_keep_one_colour_scale_so_saturation_fades() -> None:
    layer = make_layer("sigmoid", {"W": [[2.0, -4.0], [1.0, 1.0]], "b": [0.0, 0.0]})
    function = layer_function(layer)
    for x in ([0.0, 0.0], [30.0, 30.0]):
        jacobian = function.jacobian_at(x)
        for figure in layer_heatmaps(layer, jacobian, jacobian, engine_formulas(function)):
            trace = next(t for t in figure.data if t.name == "jacobian")
            assert (trace.zmin, trace.zmax) == (-1.0, 1.0)  # max|w| / 4, wherever x is
            assert figure.to_dict()["data"][0]["zmax"] == 1.0  # as the browser gets it


def test_terms_latex_boxes_the_kept_term_and_greys_the_rest() -> None:
    walk = index_walkthrough(make_layer("linear", {"W": [[1, 2, 3], [4, -5, 6]]}), 2, 2)
    latex = terms_latex(walk)
    assert r"\boxed{w_{2,2}\,\delta_{2,2}}" in latex
    assert r"\color{#9ca3af} w_{2,1}\,\delta_{1,2}" in latex
    assert r"\boxed{(-5) \cdot 1}" in latex
    assert latex.endswith(r"&= (-5)\end{aligned}")


def test_terms_latex_of_a_long_sum_writes_only_the_kept_terms() -> None:
    layer = make_layer("bilinear", {"y": np.ones(3), "A": np.ones((3, 4))})
    latex = terms_latex(index_walkthrough(layer, 1, 2))
    assert latex.count(r"\boxed") == 6  # 3 letters + 3 numbers
    assert "the 9 others are 0" in latex


def test_sigmoid_terms_latex_carries_the_slope() -> None:
    layer = make_layer("sigmoid", {"W": [[2.0, -1.0]], "b": [0.0]})
    latex = terms_latex(index_walkthrough(layer, 1, 1, [0.0, 0.0]))
    assert r"\sigma'(z_{1}) \left(" in latex
    assert r"0.25 \cdot 2 = 0.5" in latex


def test_terms_table_lists_every_term() -> None:
    walk = index_walkthrough(make_layer("dot", {"a": [3, -1, 2]}), 1, 3)
    table = terms_table(walk)
    assert list(table["term"]) == ["a[1] · δ[1,3]", "a[2] · δ[2,3]", "a[3] · δ[3,3]"]
    assert list(table["value"]) == ["0", "0", "2"]
    assert list(table["δ keeps it"]) == ["no", "no", "yes"]


def test_written_out_latex_rounds_for_reading_only() -> None:
    layer = make_layer("linear", {"W": [[1 / 3, 2.0]]})
    assert (
        written_out_latex(layer) == r"\begin{aligned}y_{1} &= 0.3333 x_{1} + 2 x_{2}\end{aligned}"
    )
    # ... while the engine keeps every digit
    assert layer_function(layer).jacobian_at([0.0, 0.0])[0, 0] == 1 / 3


def test_shape_sentences_insist_on_the_row() -> None:
    sentences = shape_sentences(make_layer("dot", {"a": [1, 2, 3, 4]}))
    assert any("**one row**: 1 × 4" in s for s in sentences)
