"""The parser reads maths as people type it, and refuses everything else with a useful message.

Tables of text -> expected sympy expression (built independently with real symbols), of texts ->
the order of the knobs, and of refusals -> what the message says and at which column.
"""

from __future__ import annotations

import pytest
import sympy as sp

from calculus import ExpressionError, limits, parse_function
from calculus.syntax import parse_text


def real(names: str) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(name, real=True) for name in names.split())


x, y, z = real("x y z")
x1, x2, x3, x10 = real("x1 x2 x3 x10")
theta, alpha, lam, beta, gamma = real("theta alpha lambda beta gamma")
N, S, Q, O = real("N S Q O")

# --- what is accepted ---------------------------------------------------------------------------

SYNTAX = [
    # powers
    ("x^2", x**2),
    ("x**2", x**2),
    ("2^3^2", sp.Integer(512)),  # right-associative, as in maths
    ("-x^2", -(x**2)),  # the power binds tighter than the sign
    ("x^-1", 1 / x),
    ("e^x", sp.exp(x)),
    # implicit multiplication
    ("2x", 2 * x),
    ("3 x y", 3 * x * y),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x1 x2^2", x1 * x2**2),
    ("2sin(x)cos(x)", 2 * sp.sin(x) * sp.cos(x)),
    ("2 sin x cos x", 2 * sp.sin(x) * sp.cos(x)),
    ("x^2 + 4x - 2", x**2 + 4 * x - 2),
    ("1/2x", x / 2),  # left to right, as calculators read it
    # function application with or without brackets
    ("sin(x)", sp.sin(x)),
    ("sin x", sp.sin(x)),
    ("sin 2x", sp.sin(2 * x)),
    ("sin^2 x", sp.sin(x) ** 2),
    ("√x", sp.sqrt(x)),
    ("√(x y)", sp.sqrt(x * y)),
    ("sqrt(x2 x3)", sp.sqrt(x2 * x3)),
    # unicode as typed or pasted
    ("x × y", x * y),
    ("x · y", x * y),
    ("x ÷ y", x / y),
    ("x − y", x - y),
    ("x²", x**2),
    ("x³ + y²", x**3 + y**2),
    ("x⁻¹", 1 / x),
    ("x₁ x₂", x1 * x2),
    ("π x", sp.pi * x),
    ("θ", theta),
    ("α + λ", alpha + lam),
    ("theta + alpha + lambda", theta + alpha + lam),
    # constants, and every other name is a variable
    ("pi", sp.pi),
    ("e", sp.E),
    ("2 e x", 2 * sp.E * x),
    ("N + S + Q + O", N + S + Q + O),
    ("beta gamma", beta * gamma),
    # every function of the list
    ("tan(x) + asin(x) + acos(x) + atan(x)", sp.tan(x) + sp.asin(x) + sp.acos(x) + sp.atan(x)),
    ("sinh(x) + cosh(x) + tanh(x)", sp.sinh(x) + sp.cosh(x) + sp.tanh(x)),
    ("exp(x) + log(x) + ln(y)", sp.exp(x) + sp.log(x) + sp.log(y)),
    ("log10(x)", sp.log(x) / sp.log(10)),
    ("log2(x)", sp.log(x) / sp.log(2)),
    ("abs(x) sign(y)", sp.Abs(x) * sp.sign(y)),
    ("min(x, y)", sp.Min(x, y)),
    ("max(x, y, z)", sp.Max(x, y, z)),
]


@pytest.mark.parametrize(("text", "expected"), SYNTAX, ids=[t for t, _ in SYNTAX])
def test_syntax_reads_as_maths(text: str, expected: sp.Expr) -> None:
    (output,) = parse_text(text).outputs
    assert output == expected, f"{text!r} read as {output}, expected {expected}"


ML_AND_ROOT_FUNCTIONS = [
    ("cbrt(x)", "cbrt", -8.0, -2.0),  # the real cube root
    ("sigmoid(x)", "sigmoid", 0.0, 0.5),
    ("relu(x)", "relu", -3.0, 0.0),
    ("softplus(x)", "softplus", 0.0, float(sp.log(2))),
]


@pytest.mark.parametrize(("text", "name", "at", "value"), ML_AND_ROOT_FUNCTIONS)
def test_machine_learning_functions_are_known(
    text: str, name: str, at: float, value: float
) -> None:
    (output,) = parse_text(text).outputs
    assert type(output).__name__ == name
    assert parse_function(text).value_at([at])[0] == pytest.approx(value, abs=1e-15)


SEVERAL_OUTPUTS = [
    ("x, y", (x, y)),
    ("x; y", (x, y)),
    ("x\ny", (x, y)),
    ("x\r\ny", (x, y)),
    ("[x, y]", (x, y)),
    ("(x, y)", (x, y)),
    ("[x^2, sqrt(x)]", (x**2, sp.sqrt(x))),
    ("min(x, y), max(x, y)", (sp.Min(x, y), sp.Max(x, y))),  # the call's commas stay inside
    ("(x+1)(x-1), x", ((x + 1) * (x - 1), x)),  # not mistaken for a tuple in ( )
    (
        "x1 x2^2\nsqrt(x2 x3)",
        (x1 * x2**2, sp.sqrt(x2 * x3)),
    ),
    ("(x1 +\n x2), x3", (x1 + x2, x3)),  # a new line inside brackets is only white space
]


@pytest.mark.parametrize(("text", "expected"), SEVERAL_OUTPUTS, ids=repr)
def test_several_outputs(text: str, expected: tuple[sp.Expr, ...]) -> None:
    assert parse_text(text).outputs == expected


# --- the knobs and their order ------------------------------------------------------------------

VARIABLE_ORDER = [
    ("z + y + x", ("x", "y", "z")),
    ("x10 + x2 + x1", ("x1", "x2", "x10")),
    ("b a c", ("a", "b", "c")),
    ("theta + alpha", ("alpha", "theta")),
    ("y x2 x1", ("x1", "x2", "y")),
    ("sin(pi t) e", ("t",)),  # pi and e are constants
    ("5", ()),
]


@pytest.mark.parametrize(("text", "variables"), VARIABLE_ORDER, ids=repr)
def test_variables_in_natural_order(text: str, variables: tuple[str, ...]) -> None:
    assert parse_text(text).variables == variables
    assert parse_function(text).variables == variables


def test_given_variables_fix_order_and_make_e_a_variable() -> None:
    e = sp.Symbol("e", real=True)
    f = parse_function("e x", ["x", "e"])
    assert f.variables == ("x", "e")
    assert f.outputs == (e * x,)
    assert f.jacobian_at([2.0, 3.0]).tolist() == [[3.0, 2.0]]


def test_given_variables_may_include_unused_knobs() -> None:
    f = parse_function("x", ["x", "y"])
    assert f.shape == (1, 2)
    assert f.jacobian_at([1.0, 1.0]).tolist() == [[1.0, 0.0]]


def test_greek_variable_given_as_letter_is_spelled_out() -> None:
    assert parse_text("2θ", ["θ"]).variables == ("theta",)


@pytest.mark.parametrize(
    ("text", "latex"),
    [("θ", r"\theta"), ("theta x", r"\theta"), ("α", r"\alpha"), ("lambda", r"\lambda")],
)
def test_greek_shows_as_greek_in_latex(text: str, latex: str) -> None:
    (output,) = parse_text(text).outputs
    assert latex in sp.latex(output)


# --- limits -------------------------------------------------------------------------------------


def test_sixteen_knobs_and_sixty_four_outputs_are_accepted() -> None:
    knobs = [f"x{i}" for i in range(1, limits.MAX_VARIABLES + 1)]
    outputs = [f"{k % 7 + 1} {knobs[k % len(knobs)]}" for k in range(limits.MAX_OUTPUTS)]
    outputs[0] = " + ".join(knobs)
    f = parse_function(", ".join(outputs))
    assert f.shape == (limits.MAX_OUTPUTS, limits.MAX_VARIABLES)
    assert f.variables == tuple(knobs)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" + ".join(f"x{i}" for i in range(1, limits.MAX_VARIABLES + 2)), "16 knobs"),
        (", ".join(["x"] * (limits.MAX_OUTPUTS + 1)), "the limit is 64"),
    ],
    ids=["17 knobs", "65 outputs"],
)
def test_beyond_the_limits_the_message_states_them(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_function(text)


def test_too_many_given_variables_are_refused() -> None:
    with pytest.raises(ExpressionError, match="16 knobs"):
        parse_function("x", [f"x{i}" for i in range(17)])


# --- refusals -----------------------------------------------------------------------------------

# text -> a piece of the message, and the 1-based column where the problem is (None: not at one
# place). Each message says what is wrong; the column lets the page point at it.
REFUSALS = [
    ("sinn(x)", "unknown function 'sinn' at column 1 — did you mean sin?", 1),
    ("x + foo(y)", "unknown function 'foo'", 5),
    ("'x'", "quotes are not maths", 1),
    ('"x"', "quotes are not maths", 1),
    ("x.real", "'.' (U+002E full stop) is not accepted", 2),
    ("lambda x: x", "':' (U+003A colon) is not accepted", 9),
    ("[c for c in x]", "'for' is a Python word", 4),
    ("x if y else z", "'if' is a Python word", 3),
    ("not x", "'not' is a Python word", 1),
    ("x < y", "'<' (U+003C less-than sign)", 3),
    ("x == y", "write only the right-hand side", 3),
    ("y = x^2", "write only the right-hand side", 3),
    ("x[0]", "'[' here is not maths", 2),
    ("x # comment", "comments are not supported", 3),
    ("x\u200by", "U+200B zero width space", 2),
    ("\ufeffx", "U+FEFF", 1),
    ("x\x00", "U+0000", 2),
    ("ｘ^2", "it looks like 'x'", 1),
    ("а + 1", "U+0430 cyrillic small letter a", 1),
    ("|x|", "write abs(x)", 1),
    ("x!", "factorials are not supported", 2),
    ("{x}", "use ( ) for grouping", 1),
    ("sinx", "write sin x or sin(x)", 1),
    ("sin", "sin needs an argument", 1),
    ("sin(x, y)", "sin takes one argument, not 2", 1),
    ("max(x)", "max needs at least two arguments", 1),
    ("max x", "max needs brackets", 1),
    ("(x + 1", "this '(' is never closed", 1),
    ("x + 1)", "unexpected ')'", 6),
    ("x +", "the text ends too early", 4),
    ("* x", "expected a number, a variable or '('", 1),
    ("", "type a function", None),
    ("   ", "type a function", None),
    ("2..3", "second decimal point", 3),
    ("1.2.3", "second decimal point", 4),
    # undefined everywhere
    ("1/0", "division by zero", 2),
    ("x/0", "division by zero", 2),
    ("x/(2 - 2)", "division by zero", 2),
    ("0^-1", "division by zero", 2),
    ("log(0)", "log(0) is undefined", 1),
    ("log(-1)", "not a real number", 1),
    ("sqrt(-1)", "not a real number", 1),
    ("asin(2)", "not a real number", 1),
    ("(-8)^(1/3)", "write cbrt", 5),
    ("(-1)^0.5", "not a real number", 5),
    # bounded sizes
    ("9^9^9^9", "the exponent 387420489 is too large", 4),
    ("2^10^10", "the exponent 10000000000 is too large", 2),
    ("((9^9)^9999)^9999", "the exponent 9999 is too large", 7),
    ("10^400", "more than 300 digits", 3),
    ("1e999999", "is too large", 1),
    ("1e-999999 x", "is too small", 1),
    ("x^1001", "the limit is 1000", 2),
    ("1" * 41, "too many digits", 1),
    ("x" * (limits.MAX_TEXT_LENGTH + 1), "too long", None),
    ("(" * 41 + "x" + ")" * 41, "nested too deeply", 41),
    ("-" * 41 + "x", "nested too deeply", 41),
    ("+".join(["x"] * 1001), "too many operations", None),
    ("a" * 25, "is too long", 1),
]


@pytest.mark.parametrize(("text", "message", "column"), REFUSALS, ids=[r[0][:30] for r in REFUSALS])
def test_refusal_says_what_and_where(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    error = caught.value
    assert message in str(error), f"{text!r}: message {str(error)!r} lacks {message!r}"
    if column is not None:
        assert error.column == column, f"{text!r}: column {error.column} in {str(error)!r}"
        assert f"column {column}" in str(error)


def test_error_on_a_later_line_names_line_and_column() -> None:
    with pytest.raises(ExpressionError, match="line 2, column 3"):
        parse_function("x^2\nx $ y")


@pytest.mark.parametrize("name", ["sin", "max", "for", "x y", "", "2x", "x'"])
def test_bad_variable_names_are_refused(name: str) -> None:
    with pytest.raises(ExpressionError):
        parse_function("x", ["x", name] if name != "x" else [name])


def test_a_variable_named_twice_is_refused() -> None:
    with pytest.raises(ExpressionError, match="named twice"):
        parse_function("x", ["x", "x"])


def test_undeclared_variable_names_the_knobs() -> None:
    with pytest.raises(ExpressionError, match=r"unknown variable 'y' \(the knobs are x\)"):
        parse_function("x y", ["x"])


def test_non_text_is_refused() -> None:
    with pytest.raises(ExpressionError, match="must be text"):
        parse_function(42)  # type: ignore[arg-type]


# --- hints that do not refuse -------------------------------------------------------------------

# text -> the hint shown beside the function (None: no hint); the text is always accepted
HINTS = [
    ("xy", "'xy' (column 1) is read as one knob named xy; for the product of x and y, write x y"),
    ("2 + abc", "'abc' (column 5) is read as one knob named abc; for the product of a, b and c"),
    ("x y", None),
    ("x1 x2", None),
    ("theta x", None),  # a Greek name is a word
    ("eta + mu", None),
    ("w x + b", None),
    ("lambda", None),
]


@pytest.mark.parametrize(("text", "hint"), HINTS, ids=repr)
def test_names_that_may_be_products_get_a_hint_not_a_refusal(text: str, hint: str | None) -> None:
    parsed = parse_text(text)
    if hint is None:
        assert parsed.hints == ()
    else:
        (shown,) = parsed.hints
        assert shown.startswith(hint)
    assert parse_function(text).hints == parsed.hints


def test_a_knob_declared_as_xy_gets_no_hint() -> None:
    assert parse_text("xy + 1", ["xy"]).hints == ()


def test_a_name_repeated_gets_one_hint() -> None:
    assert len(parse_text("xy + xy^2").hints) == 1
