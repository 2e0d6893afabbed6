"""The one central-difference oracle that every derivative test checks the engine against.

Central differences use only a function's *values*, so they share no code with the exact
derivatives they check. Their error is O(h^2) times the third derivative, plus rounding of
order eps / h: h = 1e-5 balances the two for the functions of this course.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

#: The default step of the central differences.
EPS = 1e-5


def central_derivative(g: Callable[[Any], ArrayLike], t: ArrayLike, h: float = EPS) -> np.ndarray:
    """(g(t + h) - g(t - h)) / 2h: the slope of g at t (t may be an array of points)."""
    with np.errstate(all="ignore"):  # inf - inf where g overflows: nan, left to the caller's mask
        return (np.asarray(g(t + h), float) - np.asarray(g(t - h), float)) / (2 * h)


def central_jacobian(
    f: Callable[[np.ndarray], ArrayLike], point: Sequence[float] | np.ndarray, h: float = EPS
) -> np.ndarray:
    """The Jacobian of f at point from values only: shape f(point).shape + (m,).

    Entry [..., k] nudges knob k alone, so a scalar f gives its gradient (m,), a vector f its
    Jacobian (n, m), and a gradient function its Hessian (m, m).
    """
    p = np.asarray(point, float)
    columns = [central_derivative(lambda s, e=e: f(p + s * e), 0.0, h) for e in np.eye(len(p))]
    return np.stack(columns, axis=-1)


def side_by_side(
    exact: ArrayLike, numeric: ArrayLike, close: np.ndarray | None = None, name: str = "J"
) -> str:
    """One line per cell, exact beside numeric; cells that disagree are marked with a cross."""
    exact, numeric = np.asarray(exact, float), np.asarray(numeric, float)
    lines = []
    for index in np.ndindex(exact.shape):
        mark = "  " if close is None or close[index] else "✗ "
        cell = f"{name}[{','.join(map(str, index))}]" if index else name
        e, n = float(exact[index]), float(numeric[index])
        lines.append(f"{mark}{cell}: exact {e!r:>24}  numeric {n!r:>24}")
    return "\n".join(lines)


def assert_matches(
    exact: ArrayLike,
    numeric: ArrayLike,
    *,
    rtol: float,
    atol: float,
    what: str = "",
    where: np.ndarray | None = None,
) -> None:
    """exact agrees with numeric cell by cell (only where ``where`` is true, when given)."""
    exact, numeric = np.asarray(exact, float), np.asarray(numeric, float)
    assert exact.shape == numeric.shape, f"{what}: exact {exact.shape}, numeric {numeric.shape}"
    close = np.isclose(exact, numeric, rtol=rtol, atol=atol)
    if where is not None:
        close = close | ~np.asarray(where, bool)
    assert np.all(close), f"{what}\n{side_by_side(exact, numeric, close)}"


def assert_matches_central_differences(
    exact: ArrayLike,
    f: Callable[[np.ndarray], ArrayLike],
    point: Sequence[float] | np.ndarray,
    *,
    h: float = EPS,
    rtol: float,
    atol: float,
    what: str = "",
    where: np.ndarray | None = None,
) -> np.ndarray:
    """The exact Jacobian (or gradient, or Hessian) agrees with central differences of f.

    Returns the numeric Jacobian, for tests that check more of it.
    """
    numeric = central_jacobian(f, point, h)
    assert_matches(exact, numeric, rtol=rtol, atol=atol, what=what, where=where)
    return numeric
