"""The state-space crawl on every page: no sequence of choices, knob moves or typed functions
shows an exception box (see tests/crawl.py for how the crawl walks a page)."""

from __future__ import annotations

import pytest

from tests.conftest import open_page
from tests.crawl import crawl_choices, crawl_functions, typed_functions

#: (page file, key of its function box or None).
PAGES = [
    ("app.py", "knob_text"),
    ("1_Rate_of_change.py", "rate_text"),
    ("2_Gradient_landscape.py", "landscape_text"),
    ("3_Chain_rule.py", "chain_text"),
    ("4_ML_layers.py", None),
]


@pytest.mark.parametrize("name", [p[0] for p in PAGES])
def test_every_choice_in_sequence_with_a_knob_move_after_each(name: str) -> None:
    crawl = crawl_choices(open_page(name))
    assert crawl.chosen, "the crawl found no control to choose"


@pytest.mark.parametrize(
    ("name", "text_key"), [p for p in PAGES if p[1]], ids=[p[0] for p in PAGES if p[1]]
)
def test_every_readme_function_plain_and_raised_to_a_power(name: str, text_key: str) -> None:
    # The Chain rule page opens on named steps; its formula box is one choice away.
    at = open_page(name, mode="formula") if name == "3_Chain_rule.py" else open_page(name)
    crawl = crawl_functions(at, text_key, typed_functions(powers=(2,)))
    # Then the choices again, with the last function typed: its state meets every control.
    crawl_choices(at, crawl)
