"""The strict number reader: constant expressions accepted with every digit, everything else
refused with a message that names the field and the problem, never a silently changed number."""

from __future__ import annotations

import math

import pytest

from calculus.numbers import MAX_NUMBER_TEXT, NumberError, parse_number, parse_whole_number

ACCEPTED = [
    ("1/2", 0.5),
    ("-3", -3.0),
    ("−3", -3.0),
    (" 2.5 ", 2.5),
    ("1e3", 1000.0),
    ("1E-3", 0.001),
    ("2sqrt(2)", 2 * math.sqrt(2)),
    ("pi/4", math.pi / 4),
    ("e", math.e),
    ("0.30000000000000004", 0.30000000000000004),  # every digit kept
    ("1e300", 1e300),
    ("2^10", 1024.0),
    ("sin(pi)", 0.0),
    ("-0", 0.0),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_constant_expressions_are_read_exactly(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value == expected, f"{text!r}: read {value!r}, expected {expected!r}"
    assert math.copysign(1, value) == 1 or value != 0, "no -0"


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("inf", "not a finite number"),
    ("-Infinity", "not a finite number"),
    ("nan", "not a finite number"),
    ("1/0", "division by zero"),
    ("1e309", "too large"),
    ("1e308", "too large"),  # the parser's digit bound: refused with a message, not changed
    ("10^300*10^300", "too large"),
    ("exp(1000)", "too large"),
    ("1e-320", "too small"),
    ("exp(-1000)", "too close to 0"),
    ("sqrt(-1)", "not a real number"),
    ("asin(2)", "not a real number"),
    ("2x", "cannot contain a variable (x)"),
    ("a b", "cannot contain variables (a, b)"),
    ("1, 2", "one number, not a list"),
    ("1 000", "a space between digits"),
    ("1" * (MAX_NUMBER_TEXT + 1), "too long"),
    ("__import__('os')", "not accepted"),
    ("![](/favicon.png)", "not accepted"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_everything_else_is_refused_with_a_message_naming_the_field(
    text: str, message: str
) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text, "W, row 2, column 3")
    assert caught.value.message.startswith("W, row 2, column 3: "), caught.value.message
    assert message in caught.value.message, caught.value.message


def test_subnormal_results_are_refused() -> None:
    with pytest.raises(NumberError, match="too close to 0"):
        parse_number("2^-600*2^-500")


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("6/2", 3), ("1e0", 1), (" 6 ", 6)])
def test_whole_numbers_within_bounds(text: str, expected: int) -> None:
    assert parse_whole_number(text, "n", 1, 6) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e3", "n: from 1 to 6, not 1000"),
        ("2.5", "n: a whole number from 1 to 6, not 2.5"),
        ("0", "n: from 1 to 6, not 0"),
        ("", "n: empty"),
        ("two", "n: a number cannot contain a variable (two)"),
    ],
)
def test_sizes_out_of_bounds_are_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_whole_number(text, "n", 1, 6)
    assert caught.value.message.startswith(message), caught.value.message
