"""Knobs' maths engine: text -> exact derivatives -> fast numbers. Never imports streamlit.

>>> from calculus import parse_function
>>> f = parse_function("x1 x2^2, sqrt(x2 x3)")
>>> f.variables, f.shape
(('x1', 'x2', 'x3'), (2, 3))
"""

from calculus.domain import Condition
from calculus.errors import ExpressionError
from calculus.graph import ComputationGraph, graph_from_formula, graph_from_steps
from calculus.landscape import Landscape, landscape_of, parse_landscape
from calculus.layers import (
    Layer,
    closed_form_jacobian,
    index_walkthrough,
    layer_function,
    make_layer,
)
from calculus.limits import describe_limits
from calculus.rate import Slice, secant_table
from calculus.vector_function import Evaluation, VectorFunction, build_function, parse_function
from calculus.worker import run_symbolic, start_workers

__all__ = [
    "ComputationGraph",
    "Condition",
    "Evaluation",
    "ExpressionError",
    "Landscape",
    "Layer",
    "Slice",
    "VectorFunction",
    "build_function",
    "closed_form_jacobian",
    "describe_limits",
    "graph_from_formula",
    "graph_from_steps",
    "index_walkthrough",
    "landscape_of",
    "layer_function",
    "make_layer",
    "parse_function",
    "parse_landscape",
    "run_symbolic",
    "secant_table",
    "start_workers",
]
