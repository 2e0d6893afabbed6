"""Plain words generated from a Jacobian's numbers: what a learner should read off the heatmap."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

import numpy as np

#: Below this, a sensitivity or determinant is reported as zero.
ZERO = 1e-12


def format_number(value: float, digits: int = 4) -> str:
    """A number for people: 4 significant digits, 'undefined' for nan, '∞' for inf, no '-0'."""
    # math, not numpy: numpy's scalar functions cost ~1 µs a call, and a knob move writes dozens.
    if value is None or math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) < 10 ** (-(digits + 8)):
        value = 0.0
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10^{int(exponent)}"
    return text.replace("-", "−")


def number_latex(value: float, digits: int = 4) -> str:
    r"""A number inside LaTeX: format_number's digits, an ASCII minus, a×10^k as a \times 10^{k}.

    >>> number_latex(-0.0000454), number_latex(float("nan")), number_latex(float("inf"))
    ('-4.54 \\times 10^{-5}', '\\text{undefined}', '\\infty')
    """
    text = format_number(value, digits).replace("−", "-")
    if text == "undefined":
        return r"\text{undefined}"
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text.replace("∞", r"\infty")


_SUPERSCRIPT = str.maketrans("0123456789-−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def superscript(value: int | str) -> str:
    """Digits and minus signs raised, for plain text: superscript(-8) == '⁻⁸' (10⁻⁸, x², ℝ³)."""
    return str(value).translate(_SUPERSCRIPT)


def subscript(value: int | str) -> str:
    """Digits lowered, for plain text: subscript(12) == '₁₂' (x₁₂)."""
    return str(value).translate(_SUBSCRIPT)


#: Two sensitivities whose sizes differ by less than this, relative to the larger, are a tie.
TIE_RTOL = 1e-9


def word_list(words: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or with ``last="or"``: 'a, b or c')."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def sensitivity_sentences(
    jacobian: np.ndarray, outputs: Sequence[str], knobs: Sequence[str]
) -> list[str]:
    """For each output, the knob (or the tied knobs) it reacts to most right now, and how.

    ``jacobian`` has shape (n, m); names are plain text (e.g. 'y1', 'x2').
    """
    sentences = []
    rows = np.asarray(jacobian, dtype=float).tolist()  # Python floats: written every knob move
    for output, row in zip(outputs, rows, strict=True):
        undefined = [knob for knob, rate in zip(knobs, row, strict=True) if not math.isfinite(rate)]
        size = [abs(rate) if math.isfinite(rate) else -1.0 for rate in row]
        top = max(size)
        if top < 0:
            sentences.append(f"{output}: no derivative exists at this setting.")
            continue
        if top <= ZERO and not undefined:
            sentence = f"{output} does not react to any knob here: all its derivatives are 0."
        elif top <= ZERO:  # not "all": some do not exist
            flat = [knob for knob, rate in zip(knobs, row, strict=True) if math.isfinite(rate)]
            rates = f"its derivative by {flat[0]} is"
            if len(flat) > 1:
                rates = "its derivatives by them are"
            sentence = f"{output} does not react to {word_list(flat, 'or')} here: {rates} 0."
        else:
            tied = [j for j in range(len(knobs)) if size[j] >= top * (1 - TIE_RTOL)]
            sentence = _most_sensitive(output, [knobs[j] for j in tied], [row[j] for j in tied])
        if undefined:
            sentence += f" Its derivative by {word_list(undefined)} does not exist here."
        sentences.append(sentence)
    return sentences


def _most_sensitive(output: str, knobs: Sequence[str], rates: Sequence[float]) -> str:
    """The sentence for the knobs an output reacts to most (several when their sizes tie)."""
    size = format_number(max(abs(rate) for rate in rates))
    ways = ["rises" if rate > 0 else "falls" for rate in rates]
    if len(knobs) == 1:
        return (
            f"{output} is most sensitive to {knobs[0]}: turning {knobs[0]} up by a small "
            f"step ε, {output} {ways[0]} by about {size} ε."
        )
    lead = f"{output} is equally sensitive to {word_list(knobs)} (a tie)"
    if len(set(ways)) == 1:
        which = "either" if len(knobs) == 2 else "any one of them"
        step = f"turning {which} up by a small step ε"
        return f"{lead}: {step}, {output} {ways[0]} by about {size} ε."
    turns = "; ".join(
        f"turning {knob} up, it {way} by about {size} ε"
        for knob, way in zip(knobs, ways, strict=True)
    )
    return f"{lead} in size, not in direction: for a small step ε, {turns}."


def determinant_sentence(jacobian: np.ndarray) -> str | None:
    """For a square Jacobian: its determinant, read as the local scaling of volume."""
    n, m = jacobian.shape
    if n != m or not np.all(np.isfinite(jacobian)):
        return None
    what = {1: "lengths", 2: "areas"}.get(n, "volumes")
    # Compared in logs: with finite entries, det J and the scale max |entry| ** n can still be
    # beyond a float (exp(200 x), exp(200 y) at x = y = 3: det J is about 5.694×10^525).
    sign, log_size = np.linalg.slogdet(jacobian)
    largest = float(np.max(np.abs(jacobian)))
    if sign == 0 or log_size <= math.log(ZERO) + n * math.log(max(1.0, largest)):
        return (
            f"det J (the determinant of J) = 0: near this point f flattens at least one direction "
            f"(it squashes {what} to nothing, so it cannot be undone locally)."
        )
    # One factorisation: the size from its log, or written from the log when beyond a float.
    beyond = log_size >= math.log(sys.float_info.max)
    size = _power_of_ten(float(log_size)) if beyond else format_number(math.exp(log_size))
    flip = " and flips orientation" if sign < 0 else ""
    return (
        f"det J (the determinant of J) = {'−' if sign < 0 else ''}{size}: near this point f "
        f"scales small {what} by {size}{flip}."
    )


def _power_of_ten(log_size: float) -> str:
    """A size beyond a float, from its natural log, as format_number writes large numbers."""
    exponent = math.floor(log_size / math.log(10))
    mantissa = f"{10 ** (log_size / math.log(10) - exponent):.4g}"
    if mantissa == "10":  # 9.99996 rounds up
        mantissa, exponent = "1", exponent + 1
    return f"{mantissa}×10^{exponent}"
