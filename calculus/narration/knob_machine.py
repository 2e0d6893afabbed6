"""The words of the knob machine (home lesson) that do not depend on the knobs: its examples."""

from __future__ import annotations

#: The chapter's exercise, R³ → R³: the page opens on it.
EXERCISE = "(x1^2 x2^2)^2, x1^2 x2^2 sqrt(x2 x3), sqrt(x2 x3)^2"

#: (menu label, text typed, what to notice) for the page's example menu.
EXAMPLES = (
    ("The chapter's R³ → R³ exercise", EXERCISE,
     "f = h(g(x)) with g = (x1² x2², √(x2 x3)) and h(u, v) = (u², u v, v²). Find ∂y2/∂x2 "
     "in the heatmap: it adds two paths, through u and through v."),
    ("The loss x² + 4x − 2", "x^2 + 4x - 2",
     "f'(x) = 2x + 4: negative left of x = −2, zero at the minimum x = −2, positive right "
     "of it. Drag x across −2 and watch the cell change colour."),
    ("y = x²", "x^2", "One knob, one output, one path: dy/dx = 2x."),
    ("exp(sin x)", "exp(sin x)",
     "A chain through u = sin x: dy/dx = e^(sin x) · cos x. It is 0 where cos x is."),
    ("x² ln x (two paths)", "x^2 ln x",
     "u = x², v = ln x, y = u v: two paths give v·2x + u·(1/x) = 2x ln x + x, the "
     "product rule. Undefined for x ≤ 0."),
    ("x1 x2² (partials)", "x1 x2^2",
     "Turn one knob, hold the other: ∂y/∂x1 = x2², ∂y/∂x2 = 2 x1 x2. Together: the "
     "gradient."),
    ("(x², √x): a 2 × 1 Jacobian", "x^2, sqrt(x)",
     "Two outputs, one knob: J is a column [2x, 1/(2√x)]ᵀ. √x has no derivative at 0."),
    ("A linear layer W x", "2x1 - x2 + 0.5x3, -x1 + 3x2, x1 + x2 - x3",
     "J = W, the matrix of coefficients, at every knob setting: a linear map is its own "
     "derivative."),
    ("A neuron sigmoid(w x + b)", "sigmoid(w x + b)",
     "∂y/∂w = x σ'(z): how a network learns w. Push w x + b far from 0 and every "
     "derivative fades: the neuron saturates."),
    ("A two-output model (softplus, relu)", "softplus(2x - y), relu(x + y - 1)",
     "relu bends where x + y = 1: there its derivatives do not exist, and the heatmap "
     "says so."),
)  # fmt: skip
