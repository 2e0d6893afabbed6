"""The families of examples behind "Next question: new function" (calculus/examples.py): every
member is read by our parser, a drawn member is defined and of a sensible size at the knobs its
question is asked at, its question's answer agrees with central differences, and a seed names
one function and one question."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from calculus.examples import (
    BARELY,
    CHAIN_FAMILY,
    KNOB_FAMILY,
    LANDSCAPE_FAMILY,
    RATE_FAMILY,
    SENSIBLE,
    draw_member,
    layer_member,
    variant,
)
from calculus.graph import graph_from_steps
from calculus.layers import LAYER_KINDS, make_layer, parameter_shapes
from calculus.predict import FALLS, FLAT, KINDS, RISES, Question, draw_question, make_question
from calculus.vector_function import VectorFunction, parse_function
from tests.oracle import central_jacobian

FAMILIES = {"knob": KNOB_FAMILY, "rate": RATE_FAMILY, "landscape": LANDSCAPE_FAMILY}
SEEDS = range(25)


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_every_member_is_read_by_our_parser_as_people_type_it(family: tuple[str, ...]) -> None:
    for template in family:
        rng = random.Random(template)
        for _ in range(12):
            text = variant(template, rng)
            assert "{" not in text and "+ -" not in text and " 1x" not in text, text
            f = parse_function(text)
            assert f.variables and f.text == text


def _ask(f: VectorFunction, seed: int) -> tuple[Question, tuple[float, ...]] | None:
    kinds = KINDS if f.n_outputs > 1 or f.n_inputs > 1 else ("sign", "value", "nudge")
    found = draw_question(
        lambda kind, i, j, point: make_question(f, point, kind, i, j),
        kinds, f.n_outputs, [(-3.0, 3.0)] * f.n_inputs, seed,
    )  # fmt: skip
    return None if found is None else (found[1], found[2])


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_a_drawn_members_question_is_true_by_central_differences(family: tuple) -> None:
    texts = set()
    for seed in SEEDS:
        drawn = draw_member(family, seed, _ask)
        assert drawn is not None, seed
        f, question, point = drawn
        texts.add(f.text)
        values = lambda p, f=f: np.asarray(f.at(p).values, float)  # noqa: E731
        numeric = central_jacobian(values, point)
        assert np.all(np.isfinite(values(point))) and np.all(np.isfinite(numeric)), f.text
        assert BARELY * 0.99 <= np.max(np.abs(numeric)) <= SENSIBLE * 1.01, (f.text, point)
        row = numeric[question.output]
        d = float(row[question.knob])
        what = f"{f.text} at {point}: {question.prompt} -> {question.truth}"
        if question.kind == "value":
            assert math.isclose(question.targets[0], d, rel_tol=1e-6, abs_tol=1e-6), what
        elif question.kind == "sign":
            assert question.truth == (FLAT if abs(d) < 1e-9 else RISES if d > 0 else FALLS), what
        elif question.kind == "nudge":
            moved = np.array(point)
            moved[question.knob] += 0.1
            actual = values(moved)[question.output] - values(point)[question.output]
            predicted = 0.1 * d
            assert math.isclose(question.targets[1], actual, rel_tol=1e-9, abs_tol=1e-12), what
            assert math.isclose(question.targets[0], predicted, rel_tol=1e-6, abs_tol=1e-6), what
        elif question.kind == "most":
            assert question.knob == int(np.argmax(np.abs(row))), what
        elif question.kind in ("row", "heatmap"):
            rows = numeric if question.kind == "heatmap" else [row]
            signs = [", ".join("0" if abs(v) < 1e-9 else "+" if v > 0 else "−" for v in r)
                     for r in rows]  # fmt: skip
            assert question.truth == "; ".join(signs), what
        # The same seed: the same function and the same question (a link can be reproduced).
        again = draw_member(family, seed, _ask)
        assert again is not None and (again[0].text, *again[1:]) == (f.text, question, point)
    assert len(texts) >= 8, f"a family of examples, not one: {sorted(texts)}"


def test_the_function_shown_now_is_not_drawn_again() -> None:
    for seed in SEEDS:
        drawn = draw_member(("x^2", "x^3"), seed, _ask, avoid="x^2")
        assert drawn is not None and drawn[0].text == "x^3"


def test_every_chain_graph_parses_and_its_sum_over_paths_is_the_central_difference() -> None:
    for template in CHAIN_FAMILY:
        rng = random.Random(template)
        for _ in range(6):
            graph = graph_from_steps(variant(template, rng))
            assert graph.knobs and graph.outputs
            point = [rng.choice([0.5, 1.0, 1.5, 2.0]) for _ in graph.knobs]  # all defined here

            def outputs(p: np.ndarray, graph=graph) -> np.ndarray:
                values = graph.values_at(list(p))
                return np.array([float(values[name]) for name in graph.outputs])

            numeric = central_jacobian(outputs, point)
            assert np.allclose(graph.totals_at(point), numeric, rtol=1e-5, atol=1e-6), graph.text()


def test_every_layer_is_a_checked_layer_with_small_sizes_and_weights() -> None:
    rng = random.Random(7)
    kinds = set()
    for _ in range(60):
        kind, sizes, parameters = layer_member(rng)
        layer = make_layer(kind, parameters)  # raises on a shape that does not fit
        kinds.add(kind)
        assert 1 <= layer.n_inputs <= 3 and 1 <= layer.n_outputs <= 3
        assert all(np.all(np.abs(p) <= 3) and np.all(p == np.round(p)) for p in parameters.values())
        assert parameter_shapes(kind, **sizes) == {n: p.shape for n, p in parameters.items()}
    assert kinds == set(LAYER_KINDS)
