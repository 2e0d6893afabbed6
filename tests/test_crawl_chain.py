"""A crawl of the chain rule page under AppTest: every example, mode, level, output, knob,
highlighted path and path switch in turn and in sequence, a knob move after each; the README's
functions raised to powers typed as steps and as a formula; hostile steps and links. No
exception anywhere; no learner's text rendered as markup."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from calculus.export import plain_symbol
from tests.conftest import assert_no_exception, open_page
from tests.knobs import knob_sliders, turn_knob
from tests.test_quote import _unescaped_markup
from ui.chain import PRESETS
from ui.quote import unquote

PAGE = "3_Chain_rule.py"
#: The README's functions ("What you can type"), each raised to a power in the crawl.
UNARY = [
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "exp",
    "log",
    "ln",
    "log10",
    "log2",
    "sqrt",
    "cbrt",
    "abs",
    "sign",
    "sigmoid",
    "relu",
    "softplus",
]
BINARY = ("min", "max")
PAYLOADS = [
    "![](/favicon.png)**Session expired** = x",
    "[Log in again](//127.0.0.1:9/login) = x",
    "y = x \\ <img src=x>",
    "$\\frac{1}{2}$ = x",
    ":red[alarm] = :material/home:",
]


def _move_a_knob(at: AppTest, what: str) -> None:
    sliders = knob_sliders(at)
    if not sliders:
        return
    slider = sliders[-1]
    # 0 meets the kinks of abs, relu, sign and the edges of log and sqrt; else the far end.
    value = 0.0 if slider.min < 0 < slider.max and slider.value != 0 else slider.max
    turn_knob(at, slider.key, value)
    assert_no_exception(at, f"{what}, then a knob move to {value}")


def _radio(at: AppTest, key: str):
    found = [r for r in at.radio if r.key == key]
    return found[0] if found else None


def _crawl_entry(at: AppTest, what: str) -> None:
    """Every output, every knob, every highlighted path, every path switch, then a knob move."""
    for key in ("chain_of", "chain_wrt"):
        radio = _radio(at, key)
        for label in list(radio.options) if radio else []:
            _radio(at, key).set_value(_name(label)).run()
            assert_no_exception(at, f"{what}, {key} = {label}")
            _highlights_and_switches(at, f"{what}, {key} = {label}")
    _move_a_knob(at, what)


def _name(label: str) -> str:
    """The node name behind a radio's label: 'x₂' -> 'x2' (the crawl's names are Latin)."""
    name = label.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789"))
    assert plain_symbol(name) == label, f"cannot tell the name behind {label!r}"
    return name


def _highlights_and_switches(at: AppTest, what: str) -> None:
    chooser = [w for w in [*at.radio, *at.selectbox] if (w.key or "").startswith("chain_high")]
    if chooser:
        for index in range(len(chooser[0].options)):
            chooser[0].set_value(index).run()
            assert_no_exception(at, f"{what}, highlight {index}")
    for box in [c for c in at.checkbox if (c.key or "").startswith("chain_on_")][:4]:
        box.uncheck().run()
        assert_no_exception(at, f"{what}, {box.key} off")
    for box in [c for c in at.checkbox if (c.key or "").startswith("chain_on_")][:4]:
        box.check().run()


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.label[:24])
def test_every_example_then_every_choice_on_it(preset) -> None:
    at = open_page(PAGE)
    at.selectbox(key="chain_preset").set_value(preset.label).run()
    assert_no_exception(at, preset.label)
    _crawl_entry(at, preset.label)
    if preset.mode == "formula":
        for level in ("functions", "operations", "functions"):
            at.radio(key="chain_level").set_value(level).run()
            assert_no_exception(at, f"{preset.label}, level {level}")
            _crawl_entry(at, f"{preset.label}, level {level}")
        at.button(key="chain_edit").click().run()
        assert_no_exception(at, f"{preset.label}, edit as steps")
    for mode in ("formula", "steps", "formula"):
        at.radio(key="chain_mode").set_value(mode).run()
        assert_no_exception(at, f"{preset.label}, mode {mode}")
        _move_a_knob(at, f"{preset.label}, mode {mode}")


def test_the_examples_one_after_another_in_one_session() -> None:
    at = open_page(PAGE, mode="formula", f="x^2")
    for preset in [*PRESETS, *PRESETS[::-1]]:
        at.selectbox(key="chain_preset").set_value(preset.label).run()
        assert_no_exception(at, preset.label)
        _move_a_knob(at, preset.label)


def _power_steps() -> list[str]:
    unary = [f"y = {name}(x)^2" for name in UNARY]
    binary = [f"y = {name}(x, z)^2" for name in BINARY]
    return [*unary, *binary, "u = sigmoid(w x + b)\ny = u^2 + relu(u)^3"]


def test_the_readmes_functions_raised_to_powers_as_steps() -> None:
    at = open_page(PAGE)
    for steps in _power_steps():
        at.text_area(key="chain_steps").set_value(steps).run()
        assert_no_exception(at, steps)
        assert not at.error, f"{steps}: {[unquote(e.value) for e in at.error]}"
        _move_a_knob(at, steps)


@pytest.mark.parametrize("level", ["functions", "operations"])
def test_the_readmes_functions_raised_to_powers_as_a_formula(level: str) -> None:
    at = open_page(PAGE, mode="formula", f="x^2", level=level)
    for steps in _power_steps():
        formula = steps.split("=", 1)[1].strip() if "\n" not in steps else "sigmoid(x)^2"
        at.text_area(key="chain_text").set_value(formula).run()
        assert_no_exception(at, formula)
        _move_a_knob(at, formula)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_steps_typed_or_linked_show_as_text_only(payload: str) -> None:
    typed = open_page(PAGE)
    typed.text_area(key="chain_steps").set_value(payload).run()
    for at in (open_page(PAGE, mode="steps", steps=payload), typed):
        assert_no_exception(at, payload)
        bodies = [e.value for e in [*at.error, *at.warning]]
        assert bodies, "the refusal is said"
        for body in bodies:
            assert _unescaped_markup(body) == [], body
        assert unquote(bodies[0]).startswith("line 1: "), "the refusal names the line"


def test_a_typed_backslash_stays_in_the_message() -> None:
    at = open_page(PAGE)
    at.text_area(key="chain_steps").set_value("y = x \\ 2").run()
    assert_no_exception(at, "backslash")
    shown = unquote(at.error[0].value)
    assert "'\\' (U+005C reverse solidus)" in shown, shown
