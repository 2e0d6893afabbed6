"""The heatmap in words (calculus/narration/heatmap.py), for screen readers: every sentence true
of the numbers, in the edge cases too (zeros, ties, undefined and infinite entries), and the
same numbers as the cells show."""

from __future__ import annotations

import re

import numpy as np
import pytest

from calculus.narration.heatmap import jacobian_description
from calculus.reading import format_number
from ui.figures import description_of, jacobian_heatmap

NAN, INF = float("nan"), float("inf")
Y3, X3 = ["y₁", "y₂", "y₃"], ["x₁", "x₂", "x₃"]
LEAD = "Heatmap of the Jacobian at the knobs shown: "


@pytest.mark.parametrize(
    ("values", "outputs", "knobs", "notes", "said"),
    [
        (
            [[4, 4, 0], [2, 2.5, 0.5], [0, 1, 1]], Y3, X3, None,
            "3 outputs (rows) by 3 knobs (columns). Largest in size, a tie of 2: ∂y₁/∂x₁ = 4 "
            "and ∂y₁/∂x₂ = 4. Zero, so that output does not react to that knob here: ∂y₁/∂x₃ "
            "and ∂y₃/∂x₁.",
        ),
        (
            [[NAN, 1], [2, -3]], ["y₁", "y₂"], ["x", "y"], [["kink", ""], ["", ""]],
            "2 outputs (rows) by 2 knobs (columns). Largest in size: ∂y₂/∂y = −3. Negative (the "
            "output falls as the knob turns up): ∂y₂/∂y = −3. No derivative (kink): ∂y₁/∂x.",
        ),
        (
            [[NAN]], ["y"], ["x"], None,
            "1 output (rows) by 1 knob (columns). No entry has a number at this setting. No "
            "derivative (undefined): ∂y/∂x.",
        ),
        (
            [[0, 0]], ["y"], ["x", "z"], None,
            "1 output (rows) by 2 knobs (columns). Every entry with a number is 0: no output "
            "reacts to any knob here.",
        ),
        ([[0.0]], ["y"], ["x"], None,
         "1 output (rows) by 1 knob (columns). ∂y/∂x = 0: y does not react to x here."),
        ([[-2.5]], ["y"], ["x"], None, "1 output (rows) by 1 knob (columns). ∂y/∂x = −2.5."),
        (
            [[INF, -2]], ["y"], ["a", "b"], None,
            "1 output (rows) by 2 knobs (columns). ∂y/∂b = −2. Infinite: ∂y/∂a = ∞.",
        ),
        (
            [[INF, -2, 1]], ["y"], ["a", "b", "c"], None,
            "1 output (rows) by 3 knobs (columns). Largest in size of the finite entries: "
            "∂y/∂b = −2. Negative (the output falls as the knob turns up): ∂y/∂b = −2. "
            "Infinite: ∂y/∂a = ∞.",
        ),
        (  # a tie in size, not in sign; below 1e-12 a cell says 0, and so do the words
            [[-3, 3, 1e-13]], ["y"], ["a", "b", "c"], None,
            "1 output (rows) by 3 knobs (columns). Largest in size, a tie of 2: ∂y/∂a = −3 and "
            "∂y/∂b = 3. Zero, so that output does not react to that knob here: ∂y/∂c. Negative "
            "(the output falls as the knob turns up): ∂y/∂a = −3.",
        ),
        (  # long lists are cut: four named, the rest counted
            [[1, 0, 0, 0, 0, 0, 0]], ["y"], list("abcdefg"), None,
            "1 output (rows) by 7 knobs (columns). Largest in size: ∂y/∂a = 1. Zero, so that "
            "output does not react to that knob here: ∂y/∂b, ∂y/∂c, ∂y/∂d, ∂y/∂e and 2 more.",
        ),
        (  # undefined with and without a note, grouped
            [[NAN, NAN, 1]], ["y"], ["a", "b", "c"], [["kink", "", ""]],
            "1 output (rows) by 3 knobs (columns). ∂y/∂c = 1. No derivative (kink): ∂y/∂a. No "
            "derivative (undefined): ∂y/∂b.",
        ),
    ],
)  # fmt: skip
def test_description_of_edge_cases(
    values: list[list[float]],
    outputs: list[str],
    knobs: list[str],
    notes: list[list[str]] | None,
    said: str,
) -> None:
    assert jacobian_description(np.array(values, dtype=float), outputs, knobs, notes) == LEAD + said


_CLAIM = re.compile(r"∂(\S+?)/∂(\S+?) = (\S+?)(?= and |,|\.(?:\s|$))")


@pytest.mark.parametrize("seed", range(40))
def test_every_number_said_is_the_cells_and_the_largest_is_largest(seed: int) -> None:
    """Random grids from a few values, so that ties, zeros and nan are common."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    values = rng.choice([0.0, 1.0, -1.0, 2.5, -2.5, 1e-13, NAN], size=(n, m))
    outputs, knobs = [f"y{i}" for i in range(n)], [f"x{j}" for j in range(m)]
    said = jacobian_description(values, outputs, knobs)
    for output, knob, number in _CLAIM.findall(said):
        assert number == format_number(values[outputs.index(output), knobs.index(knob)]), said
    sizes = np.abs(values[np.isfinite(values)])
    if sizes.size and sizes.max() >= 1e-12:
        largest = said.split("Largest in size")[1].split(". ")[0] + "."
        tied = [(o, k) for o, k, _ in _CLAIM.findall(largest)]
        expected = [
            (outputs[i], knobs[j])
            for i in range(n)
            for j in range(m)
            if np.isfinite(values[i, j]) and abs(values[i, j]) == sizes.max()
        ]
        assert tied[: len(expected)] == expected[:4], said
    for i, j in zip(*np.nonzero(np.isnan(values)), strict=True):
        assert f"∂{outputs[i]}/∂{knobs[j]}" in said.split("No derivative")[1], said


def test_the_heatmap_figure_carries_its_description() -> None:
    values = np.array([[NAN, 1.0], [2.0, -3.0]])
    figure = jacobian_heatmap(values, ["y₁", "y₂"], ["x", "y"], notes=[["kink", ""], ["", ""]])
    assert description_of(figure) == jacobian_description(
        values, ["y₁", "y₂"], ["x", "y"], [["kink", ""], ["", ""]]
    )
