"""The Jacobian as a prediction: f(x + dx) ≈ f(x) + J dx, and how good that prediction is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calculus.vector_function import VectorFunction

#: Step sizes for the error-against-step plot: round-off dominates below about 1e-7.
STEPS = np.logspace(-8, 0, 33)


@dataclass(frozen=True)
class Nudge:
    """One nudge dx of the knobs at x. Arrays have shape (n,), one entry per output."""

    dx: np.ndarray
    predicted: np.ndarray  # J dx
    actual: np.ndarray  # f(x + dx) - f(x)

    @property
    def error(self) -> np.ndarray:
        return np.abs(self.actual - self.predicted)


def direction(f: VectorFunction, knob: int | None) -> np.ndarray:
    """The unit nudge: along one knob, or along every knob at once (``knob=None``)."""
    if knob is None:
        return np.ones(f.n_inputs)
    unit = np.zeros(f.n_inputs)
    unit[knob] = 1.0
    return unit


def nudge(f: VectorFunction, point: Sequence[float], dx: Sequence[float]) -> Nudge:
    """Compare the Jacobian's prediction J dx with the actual change f(x + dx) - f(x)."""
    x = np.asarray(point, dtype=float)
    step = np.asarray(dx, dtype=float)
    predicted = f.jacobian_at(x) @ step
    actual = f.value_at(x + step) - f.value_at(x)
    return Nudge(dx=step, predicted=predicted, actual=actual)


@dataclass(frozen=True)
class ErrorCurve:
    """Linearisation error |f(x + h u) - f(x) - h J u| (largest over outputs) against h."""

    steps: np.ndarray
    errors: np.ndarray
    slope: float | None  # fitted log-log slope where truncation error dominates; ~2 when smooth


def error_curve(
    f: VectorFunction, point: Sequence[float], unit: Sequence[float], steps: np.ndarray = STEPS
) -> ErrorCurve:
    """The error of the linear prediction for each step size, all steps evaluated at once."""
    x = np.asarray(point, dtype=float)
    u = np.asarray(unit, dtype=float)
    shifted = [x[k] + steps * u[k] for k in range(f.n_inputs)]
    with np.errstate(all="ignore"):
        actual = f.value_at(shifted) - f.value_at(x)[:, None]  # (n, len(steps))
        predicted = (f.jacobian_at(x) @ u)[:, None] * steps[None, :]
        errors = np.max(np.abs(actual - predicted), axis=0) if f.n_outputs else steps * 0
    return ErrorCurve(steps=steps, errors=errors, slope=_truncation_slope(steps, errors, x, u))


def _truncation_slope(
    steps: np.ndarray, errors: np.ndarray, x: np.ndarray, u: np.ndarray
) -> float | None:
    # Round-off in f(x + h) - f(x) is about 1e-16 |f| / h-independent; only steps whose error is
    # well above it show the truncation error's true slope.
    scale = 1.0 + float(np.max(np.abs(x))) + float(np.max(np.abs(u)))
    usable = np.isfinite(errors) & (errors > 1e-9 * scale) & (steps >= 1e-4)
    if usable.sum() < 3:
        return None
    slope, _ = np.polyfit(np.log10(steps[usable]), np.log10(errors[usable]), 1)
    return float(slope)
