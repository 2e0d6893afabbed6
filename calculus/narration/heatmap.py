"""A Jacobian heatmap in one short paragraph, for screen readers: what the picture shows now.

Pure and cheap (a few microseconds for a small Jacobian): it is written on every knob move.
Every number is written as the heatmap's cells write it (``format_number``), and an entry is
called zero exactly when its cell says 0, so the words never disagree with the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from calculus.reading import TIE_RTOL, format_number, word_list

#: At most this many entries are named in one list; the rest are counted.
MAX_NAMED = 4


def partial_name(output: str, knob: str) -> str:
    """'∂y₁/∂x₂' from plain names."""
    return f"∂{output}/∂{knob}"


def _listed(items: Sequence[str]) -> str:
    if len(items) <= MAX_NAMED:
        return word_list(list(items))
    return f"{', '.join(items[:MAX_NAMED])} and {len(items) - MAX_NAMED} more"


def jacobian_description(
    values: np.ndarray,
    outputs: Sequence[str],
    knobs: Sequence[str],
    notes: Sequence[Sequence[str]] | None = None,
) -> str:
    """What the heatmap of ``values`` (outputs x knobs) shows: its size, the largest entries
    (all of a tie), the zeros, the negative entries, and the cells with no number.

    ``notes[i][j]`` names why an undefined entry has no number (e.g. 'kink'), as on the cell.
    """
    rows = np.asarray(values, dtype=float).reshape(len(outputs), len(knobs)).tolist()
    cells = [(i, j) for i in range(len(outputs)) for j in range(len(knobs))]
    # Python floats, not numpy scalars (~1 µs a call): this is written on every knob move.
    value = {(i, j): rows[i][j] for i, j in cells}
    name = {(i, j): partial_name(outputs[i], knobs[j]) for i, j in cells}
    text = {cell: format_number(value[cell]) for cell in cells}
    parts = [
        f"Heatmap of the Jacobian at the knobs shown: {len(outputs)} "
        f"{'output' if len(outputs) == 1 else 'outputs'} (rows) by {len(knobs)} "
        f"{'knob' if len(knobs) == 1 else 'knobs'} (columns)."
    ]
    finite = [cell for cell in cells if math.isfinite(value[cell])]
    zeros = [cell for cell in finite if text[cell] == "0"]
    moving = [cell for cell in finite if text[cell] != "0"]
    if not finite:
        parts.append("No entry has a number at this setting.")
    elif not moving:
        parts.append(
            "Every entry with a number is 0: no output reacts to any knob here."
            if len(finite) > 1
            else f"{name[finite[0]]} = 0: {outputs[finite[0][0]]} does not react to "
            f"{knobs[finite[0][1]]} here."
        )
    elif len(finite) == 1:
        parts.append(f"{name[moving[0]]} = {text[moving[0]]}.")
    else:
        top = max(abs(value[cell]) for cell in moving)
        tied = [cell for cell in moving if abs(value[cell]) >= top * (1 - TIE_RTOL)]
        largest = _listed([f"{name[cell]} = {text[cell]}" for cell in tied])
        infinite_too = any(math.isinf(v) for v in value.values())
        lead = "Largest in size" + (" of the finite entries" if infinite_too else "")
        lead += f", a tie of {len(tied)}" if len(tied) > 1 else ""
        parts.append(f"{lead}: {largest}.")
        if zeros:
            listed = _listed([name[cell] for cell in zeros])
            parts.append(f"Zero, so that output does not react to that knob here: {listed}.")
        negative = [cell for cell in moving if value[cell] < 0]
        if negative and len(moving) > 1:
            listed = _listed([f"{name[cell]} = {text[cell]}" for cell in negative])
            parts.append(f"Negative (the output falls as the knob turns up): {listed}.")
    infinite = [cell for cell in cells if math.isinf(value[cell])]
    if infinite:
        parts.append(f"Infinite: {_listed([f'{name[c]} = {text[c]}' for c in infinite])}.")
    undefined = [cell for cell in cells if math.isnan(value[cell])]
    by_note: dict[str, list[str]] = {}
    for i, j in undefined:
        note = notes[i][j] if notes is not None and notes[i][j] else "undefined"
        by_note.setdefault(note, []).append(name[i, j])
    for note, names in by_note.items():
        what = "No derivative (undefined)" if note == "undefined" else f"No derivative ({note})"
        parts.append(f"{what}: {_listed(names)}.")
    return " ".join(parts)
