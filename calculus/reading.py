"""Plain words generated from a Jacobian's numbers: what a learner should read off the heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Below this, a sensitivity or determinant is reported as zero.
ZERO = 1e-12


def format_number(value: float, digits: int = 4) -> str:
    """A number for people: 4 significant digits, 'undefined' for nan, '∞' for inf, no '-0'."""
    if value is None or np.isnan(value):
        return "undefined"
    if np.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) < 10 ** (-(digits + 8)):
        value = 0.0
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10^{int(exponent)}"
    return text.replace("-", "−")


def sensitivity_sentences(
    jacobian: np.ndarray, outputs: Sequence[str], knobs: Sequence[str]
) -> list[str]:
    """For each output, the knob it reacts to most right now, and in which direction.

    ``jacobian`` has shape (n, m); names are plain text (e.g. 'y1', 'x2').
    """
    sentences = []
    for i, output in enumerate(outputs):
        row = jacobian[i]
        undefined = [knobs[j] for j in range(len(knobs)) if not np.isfinite(row[j])]
        defined = np.where(np.isfinite(row), np.abs(row), -1.0)
        j = int(np.argmax(defined))
        if defined[j] < 0:
            sentences.append(f"{output}: no derivative exists at this setting.")
            continue
        if defined[j] <= ZERO:
            sentence = f"{output} does not react to any knob here: all its derivatives are 0."
        else:
            rate = row[j]
            way = "rises" if rate > 0 else "falls"
            sentence = (
                f"{output} is most sensitive to {knobs[j]}: turning {knobs[j]} up by a small "
                f"step ε, {output} {way} by about {format_number(abs(rate))} ε."
            )
        if undefined:
            sentence += f" Its derivative by {', '.join(undefined)} does not exist here."
        sentences.append(sentence)
    return sentences


def determinant_sentence(jacobian: np.ndarray) -> str | None:
    """For a square Jacobian: its determinant, read as the local scaling of volume."""
    n, m = jacobian.shape
    if n != m or not np.all(np.isfinite(jacobian)):
        return None
    det = float(np.linalg.det(jacobian))
    what = {1: "lengths", 2: "areas"}.get(n, "volumes")
    if abs(det) <= ZERO * max(1.0, float(np.max(np.abs(jacobian))) ** n):
        return (
            f"det J = 0: near this point f flattens at least one direction "
            f"(it squashes {what} to nothing, so it cannot be undone locally)."
        )
    flip = " and flips orientation" if det < 0 else ""
    return (
        f"det J = {format_number(det)}: near this point f scales small {what} "
        f"by {format_number(abs(det))}{flip}."
    )
