"""One cache keyed on the function object (ui/cache.py): an entry belongs to one function."""

from __future__ import annotations

from calculus import parse_function
from calculus.landscape import landscape_of
from calculus.rate import Slice
from ui.cache import function_key
from ui.landscape_sections import cached_landscape


def test_a_function_is_named_by_what_was_typed_not_by_its_simplified_formula() -> None:
    # sqrt(x)^2 y is shown as x y but is undefined for x < 0: its cached pictures must not be x y's.
    assert function_key(parse_function("sqrt(x)^2 y")) != function_key(parse_function("x y"))
    assert function_key(parse_function("x y")) == function_key(parse_function("x y"))


def test_functions_built_from_formulas_keep_their_domain_in_the_key() -> None:
    typed = landscape_of(parse_function("sqrt(x)^2 y")).gradient_function
    plain = landscape_of(parse_function("x y")).gradient_function
    assert typed.outputs == plain.outputs  # the same formulas...
    assert function_key(typed) != function_key(plain)  # ...on different domains


def test_the_landscape_is_built_once_per_function() -> None:
    f = parse_function("x^2 + 3y^2")
    assert cached_landscape(f) is cached_landscape(parse_function("x^2 + 3y^2"))
    assert cached_landscape(f) is not cached_landscape(parse_function("x^2 - y^2"))


def test_slices_of_one_function_at_different_held_knobs_are_different_entries() -> None:
    from ui.cache import _KEYS

    f = parse_function("x y")
    near, far = Slice.along(f, "x", (0.0, 1.0)), Slice.along(f, "x", (0.0, 2.0))
    assert _KEYS[Slice](near) != _KEYS[Slice](far)
