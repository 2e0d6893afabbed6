"""Step programs the chain-rule tests type (one ``name = formula`` a line)."""

from __future__ import annotations


def diamonds(levels: int) -> str:
    """``levels`` diamonds in a row, x -> (sin, cos) -> product: 2^levels paths from x to y."""
    lines, previous = [], "x"
    for k in range(1, levels + 1):
        lines += [f"a{k} = sin({previous})", f"b{k} = cos({previous})", f"c{k} = a{k} b{k}"]
        previous = f"c{k}"
    return "\n".join([*lines, f"y = {previous}"])
