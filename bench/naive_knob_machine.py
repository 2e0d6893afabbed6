"""The benchmark's baseline: the knob machine's knobs and heatmap written the naive way.

Deliberately slow, for ``bench/browser.py`` only (never linked from the app): every knob move
reruns the whole script, which parses the text again (with the same safe parser as the app:
nothing typed is ever eval'd), differentiates again with sympy in-process, and gets numbers with
``Matrix.subs(...).evalf()``. No caching, no fragment, no garbage-collector tuning; the benchmark
serves it with ``--runner.postScriptGC true`` (Streamlit's default, which the repo's config turns
off). What it shows matches the app's knob/heatmap part: a text box labelled "Your function f",
one slider per knob labelled ``$<latex name>$`` (-3..3, step 0.01, starting at 1), the outputs,
and a plotly heatmap whose trace is named "jacobian" (z: rows of floats, None where undefined).

Run by hand: ``.venv/bin/streamlit run bench/naive_knob_machine.py --runner.postScriptGC true``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import plotly.graph_objects as go
import streamlit as st
import sympy as sp

from calculus.errors import ExpressionError
from calculus.export import plain_symbol
from calculus.syntax import parse_text

#: The app's default function: the chapter's R³ → R³ exercise.
EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"


def number_or_none(value: sp.Expr) -> float | None:
    """A sympy number as a float, None where it is not a finite real (zoo, nan, complex)."""
    try:
        number = float(value)
    except TypeError:
        return None
    return number if math.isfinite(number) else None


def heatmap(values: list[list[float | None]], outputs: list[str], knobs: list[str]) -> go.Figure:
    """The Jacobian heatmap, as a first version would build it: a validated go.Figure."""
    finite = [abs(v) for row in values for v in row if v is not None]
    bound = max(finite) if finite and max(finite) > 0 else 1.0
    text = [["undefined" if v is None else f"{v:.4g}" for v in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=knobs,
            y=outputs,
            name="jacobian",
            colorscale="RdBu_r",
            zmin=-bound,
            zmax=bound,
            zmid=0,
            text=text,
            texttemplate="%{text}",
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(
        height=min(120 + 64 * len(outputs), 720),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
        xaxis={"side": "top", "title": {"text": "knob (input)"}, "type": "category"},
        yaxis={"autorange": "reversed", "title": {"text": "output"}, "type": "category"},
    )
    return figure


def main() -> None:
    st.set_page_config(page_title="Naive knob machine · Knobs", layout="wide")
    st.title("The knob machine (naive baseline)")
    text = st.text_area("Your function f", EXERCISE, height=80, key="naive_text")
    try:
        parsed = parse_text(text or "")
        st.session_state["naive_good_text"] = text
    except ExpressionError as problem:
        st.error(problem.message, icon="✋")
        parsed = parse_text(st.session_state.get("naive_good_text", EXERCISE))
    if not parsed.variables:
        st.error("f has no knobs: use a variable, for example x")
        return
    symbols = [sp.Symbol(name, real=True) for name in parsed.variables]
    outputs = sp.Matrix(parsed.outputs)
    jacobian = outputs.jacobian(symbols)  # differentiated again on every run, on purpose

    left, right = st.columns([1, 1.7], gap="large")
    with left:
        st.markdown("**Knobs**")
        point = {
            symbol: st.slider(plain_symbol(name), -3.0, 3.0, 1.0, 0.01, key=f"naive_knob_{name}")
            for symbol, name in zip(symbols, parsed.variables, strict=True)
        }
        values = outputs.subs(point).evalf()
        names = ["y"] if len(parsed.outputs) == 1 else [f"y{i + 1}" for i in range(len(values))]
        st.markdown("**Outputs**")
        st.markdown(
            "\n".join(
                f"- {name} = **{value:.4g}**"
                if (value := number_or_none(v)) is not None
                else f"- {name} = **undefined at this setting**"
                for name, v in zip(names, values, strict=True)
            )
        )
    numbers = jacobian.subs(point).evalf()
    rows = [
        [number_or_none(numbers[i, j]) for j in range(numbers.cols)] for i in range(numbers.rows)
    ]
    with right:
        st.markdown("**Jacobian heatmap**")
        st.plotly_chart(heatmap(rows, names, list(parsed.variables)), key="naive_heatmap")


main()
