"""Hostile links and typed text on every page (issue 18): nothing a link or a learner types is
rendered as markup, nothing crashes, and a number is either taken exactly or refused with a
message, never changed without a word.

Table-driven: :data:`PAGES` lists every URL parameter of every page (what it holds, where the
page keeps its value, and the link that makes it matter); :data:`FIELDS` every text field.

Runs are batched where the assertions allow it:
- each markup payload in every parameter of a page at once (one run per page and payload);
- all markup payloads together in one parameter at a time (one run per page and parameter);
- each hostile number in one numeric parameter at a time (to tell which value was refused);
- typed fields reuse one session per page and field, typing one payload after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_TIMEOUT_S, open_page, page_file
from tests.knobs import open_ranges
from ui.quote import unquote
from ui.url_state import KEPT

# --- payloads -------------------------------------------------------------------------------------

#: Markup that would show an image, a link, HTML or LaTeX if a message echoed it unquoted.
MARKUP = {
    "image": "![](/favicon.png)**Session expired**",
    "link": "[Log in again](//127.0.0.1:9/login)",
    "html": "<img src=x onerror=alert(1)>",
    "bold": "<b>bold</b>",
    "latex": "$\\href{x}{y}$",
    "backslash": "a\\\\b\\c",
}
#: All of them in one text: one run checks every kind of markup in one parameter.
ALL_MARKUP = " ".join(MARKUP.values())
#: Raw (unquoted) pieces of the payloads: none may appear in any text element's markdown.
RAW_MARKERS = (
    "**Session expired**",
    "](/favicon.png)",
    "](//127.0.0.1",
    "<img src=x",
    "<b>bold",
    "\\href{x}",
    "a\\\\b\\c",
)
#: Numbers no page can take as they are (and one, subnormal, that some can).
NUMBERS = {
    "1e400": "1e400",
    "nan": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "subnormal": "5e-324",
    "huge": "9" * 10_000,
}
HUGE_TEXT = "x+" * 5_000  # 10k characters
LOOK_ALIKE = "Alpha + A"


# --- the pages' parameters ------------------------------------------------------------------------

#: Kinds of parameter: what a hostile value must do.
TEXT, NUMBER, RANGE, CHOICE, GRID = "text", "number", "range", "choice", "grid"


@dataclass(frozen=True)
class Param:
    kind: str
    #: Where the page keeps the value (session key), for numbers: taken exactly or default.
    key: str | None = None
    #: The link that makes the parameter matter (a section shown, a layer chosen).
    base: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    file: str
    params: dict[str, Param]


MULTI = {"f": "x y^2 + z"}  # a function of three knobs (the choosers of two)
STEPS = {"mode": "steps", "steps": "u = x1 x2\ny = u^2 + x2"}
PAGES = {
    "knob": Page(
        "0_Knob_machine.py",
        {
            "f": Param(TEXT),
            "k_x1": Param(NUMBER, "knob_knob_x1"),
            "r_x1": Param(RANGE, "knob_range_x1"),
            "look": Param(CHOICE),
            "nudge": Param(CHOICE, base={"look": "Nudge check"}),
            "h": Param(NUMBER, "h", base={"look": "Nudge check"}),
        },
    ),
    "rate": Page(
        "1_Rate_of_change.py",
        {
            "f": Param(TEXT),
            "wrt": Param(CHOICE, base=MULTI),
            "k_x": Param(NUMBER, "rate_knob_x"),
            "r_x": Param(RANGE, "rate_range_x"),
            "k_y": Param(NUMBER, "rate_fixed_knob_y", base=MULTI),
            "r_y": Param(RANGE, "rate_fixed_range_y", base=MULTI),
            "h": Param(NUMBER, "rate_h"),
            "eta": Param(NUMBER, "rate_eta"),
            "n": Param(NUMBER, "rate_steps"),
            "until": Param(CHOICE),
            "look": Param(CHOICE),
        },
    ),
    "landscape": Page(
        "2_Gradient_landscape.py",
        {
            "f": Param(TEXT),
            "k_x1": Param(NUMBER, "landscape_knob_x1"),
            "r_x1": Param(RANGE, "landscape_range_x1"),
            "view": Param(CHOICE),
            "look": Param(CHOICE),
            "field": Param(CHOICE),
            "path": Param(CHOICE),
            "angle": Param(NUMBER, "landscape_angle"),
            "eta": Param(NUMBER, "landscape_eta"),
            "n": Param(NUMBER, "landscape_steps"),
            "az": Param(NUMBER, "landscape_azimuth"),
            "el": Param(NUMBER, "landscape_elevation"),
            "umode": Param(CHOICE, base={**MULTI, "look": "Directional derivative"}),
            "u": Param(GRID, base={**MULTI, "look": "Directional derivative", "umode": "vector"}),
            "across": Param(CHOICE, base=MULTI),
            "up": Param(CHOICE, base=MULTI),
        },
    ),
    "chain": Page(
        "3_Chain_rule.py",
        {
            "mode": Param(CHOICE),
            "steps": Param(TEXT, base={"mode": "steps"}),
            "f": Param(TEXT, base={"mode": "formula"}),
            "level": Param(CHOICE, base={"mode": "formula", "f": "sin(x y)"}),
            "out": Param(CHOICE, base=STEPS),
            "wrt": Param(CHOICE, base=STEPS),
            # A link with no steps opens on the chapter's exercise, with its own knobs.
            "k_x1": Param(NUMBER, "chain_knob_x1", base={"mode": "formula", "f": "x1 x2"}),
            "r_x1": Param(RANGE, "chain_range_x1", base={"mode": "formula", "f": "x1 x2"}),
        },
    ),
    "layers": Page(
        "4_ML_layers.py",
        {
            "layer": Param(CHOICE),
            "n": Param(NUMBER, "layers_n"),
            "m": Param(NUMBER, "layers_m"),
            "inner": Param(NUMBER, "layers_k", base={"layer": "affine"}),
            "g_W": Param(GRID),
            "g_a": Param(GRID, base={"layer": "dot"}),
            "g_b": Param(GRID, base={"layer": "sigmoid"}),
            "k_x1": Param(NUMBER, "layers_knob_x1"),
            "r_x1": Param(RANGE, "layers_range_x1"),
        },
    ),
}


def _value_for(kind: str, payload: str) -> str:
    """The payload as the parameter's text (a range gets it as its highest value)."""
    return f"-1,{payload},0.5" if kind == RANGE else payload


# --- what the learner sees ------------------------------------------------------------------------

_TEXT_ELEMENTS = ("markdown", "caption", "latex", "error", "warning", "info", "success", "toast")
_MESSAGES = ("error", "warning", "info", "success", "toast")


def _bodies(at: AppTest, kinds: tuple[str, ...] = _TEXT_ELEMENTS) -> list[str]:
    return [str(element.value) for kind in kinds for element in getattr(at, kind)]


def _messages(at: AppTest) -> list[str]:
    """The messages shown, as the characters on screen (quoted text unquoted)."""
    return [unquote(body) for body in _bodies(at, _MESSAGES)]


def _assert_no_markup(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.message for e in at.exception])
    for body in _bodies(at):
        raw = [marker for marker in RAW_MARKERS if marker in body]
        assert not raw, f"{where}: {raw} rendered as markup in {body[:300]!r}"


def _run(file: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(page_file(file), default_timeout=APP_TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


@pytest.fixture(scope="module")
def plain() -> Callable[[str, dict[str, str]], AppTest]:
    """The page on a link with no hostile value (one run per page and base link, kept)."""
    runs: dict[tuple[str, str], AppTest] = {}

    def run(file: str, base: dict[str, str]) -> AppTest:
        key = (file, repr(sorted(base.items())))
        if key not in runs:
            runs[key] = open_page(file, **base)
        return runs[key]

    return run


def _new_messages(at: AppTest, plain: AppTest) -> list[str]:
    """The messages ``at`` shows that the plain page does not."""
    baseline = _messages(plain)
    return [message for message in _messages(at) if message not in baseline]


# --- links ----------------------------------------------------------------------------------------

PAGE_PAYLOADS = [(name, label) for name in PAGES for label in [*MARKUP, "huge", "look-alike"]]


@pytest.mark.parametrize(("name", "label"), PAGE_PAYLOADS)
def test_one_payload_in_every_parameter_of_a_page(name: str, label: str) -> None:
    page = PAGES[name]
    payload = {"huge": HUGE_TEXT, "look-alike": LOOK_ALIKE}.get(label) or MARKUP[label]
    query = {key: _value_for(param.kind, payload) for key, param in page.params.items()}
    at = _run(page.file, query)
    _assert_no_markup(at, f"{name} ?*={label}")


PARAM_CASES = [(name, key) for name, page in PAGES.items() for key in page.params]


@pytest.mark.parametrize(("name", "key"), PARAM_CASES)
def test_all_markup_in_one_parameter_is_shown_as_text_or_refused_with_a_message(
    name: str, key: str, plain: Callable[[str, dict[str, str]], AppTest]
) -> None:
    page = PAGES[name]
    param = page.params[key]
    at = _run(page.file, {**param.base, key: _value_for(param.kind, ALL_MARKUP)})
    _assert_no_markup(at, f"{name} ?{key}=<all markup>")
    new = _new_messages(at, plain(page.file, param.base))
    assert new, f"{name}: ?{key}=<markup> was refused without a message"


NUMBER_CASES = [
    (name, key, label)
    for name, page in PAGES.items()
    for key, param in page.params.items()
    if param.kind in (NUMBER, RANGE, GRID)
    for label in NUMBERS
]


def _kept(at: AppTest, key: str | None) -> Any:
    """The value the page uses: a setting's value in force (url_state.keep), else the key's."""
    if key is None:
        return None
    in_force = at.session_state.get(KEPT, {})
    return in_force[key] if key in in_force else at.session_state[key]


def _exactly(value: Any, payload: str) -> bool:
    """Whether ``value`` (a number, a range, or a grid of texts) is exactly ``payload``."""
    try:
        wanted = float(payload)
    except ValueError:
        return False
    if hasattr(value, "high"):  # a KnobRange: the payload is its highest value
        return value.high == wanted and value.low == -1 and value.step == 0.5
    return value is not None and float(value) == wanted


@pytest.mark.parametrize(("name", "key", "label"), NUMBER_CASES)
def test_a_hostile_number_is_taken_exactly_or_refused_with_a_message(
    name: str, key: str, label: str, plain: Callable[[str, dict[str, str]], AppTest]
) -> None:
    page = PAGES[name]
    param = page.params[key]
    payload = NUMBERS[label]
    at = _run(page.file, {**param.base, key: _value_for(param.kind, payload)})
    _assert_no_markup(at, f"{name} ?{key}={label}")
    unchanged = plain(page.file, param.base)
    new = _new_messages(at, unchanged)
    if param.key is None:  # a grid: its numbers are checked by the page's own parser
        assert new or label == "subnormal", f"{name}: ?{key}={label} refused without a message"
        return
    value, default = _kept(at, param.key), _kept(unchanged, param.key)
    if _exactly(value, payload):
        return
    assert value == default, f"{name}: ?{key}={label} became {value!r} (default {default!r})"
    assert new, f"{name}: ?{key}={label} was refused without a message (kept {value!r})"


# --- typed fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    page: str
    key: str
    #: The widget kind in AppTest: text_area or text_input.
    widget: str
    payloads: tuple[str, ...]
    base: dict[str, str] = field(default_factory=dict)


_NUMBER_TEXTS = (*NUMBERS.values(), ALL_MARKUP)
_FUNCTION_TEXTS = (ALL_MARKUP, HUGE_TEXT, LOOK_ALIKE, *MARKUP.values())
FIELDS = [
    Field("0_Knob_machine.py", "knob_text", "text_area", _FUNCTION_TEXTS),
    Field("1_Rate_of_change.py", "rate_text", "text_area", _FUNCTION_TEXTS),
    Field("2_Gradient_landscape.py", "landscape_text", "text_area", _FUNCTION_TEXTS),
    Field("3_Chain_rule.py", "chain_steps", "text_area", _FUNCTION_TEXTS),
    Field("3_Chain_rule.py", "chain_text", "text_area", _FUNCTION_TEXTS, {"mode": "formula"}),
    Field("4_ML_layers.py", "layers_n", "text_input", _NUMBER_TEXTS),
    Field("4_ML_layers.py", "layers_m", "text_input", _NUMBER_TEXTS),
    *[
        Field(file, f"{prefix}_{part}_{knob}", "text_input", _NUMBER_TEXTS)
        for file, prefix, knob in (
            ("0_Knob_machine.py", "knob", "x1"),
            ("1_Rate_of_change.py", "rate", "x"),
            ("2_Gradient_landscape.py", "landscape", "x1"),
            ("3_Chain_rule.py", "chain", "x1"),
            ("4_ML_layers.py", "layers", "x1"),
        )
        for part in ("low", "high", "step")
    ],
]

#: What a typed field must keep: the value the page uses when the text is refused (the value
#: in force of the size typed, see _kept).
_USES: dict[str, Callable[[str], str]] = {
    "layers_n": lambda key: key,
    "layers_m": lambda key: key,
}


def _uses(key: str) -> str | None:
    if key in _USES:
        return _USES[key](key)
    for part in ("low", "high", "step"):
        prefix, _, knob = key.partition(f"_{part}_")
        if knob:
            return f"{prefix}_range_{knob}"
    return None


@pytest.mark.parametrize("typed", FIELDS, ids=lambda f: f"{f.page[:-3]}:{f.key}")
def test_typed_text_is_shown_as_text_and_a_refused_number_changes_nothing(typed: Field) -> None:
    at = open_page(typed.page, **typed.base)
    uses = _uses(typed.key)
    if uses is not None and "_range_" in uses:  # a range field: drawn while its popover is open
        open_ranges(at, uses.partition("_range_")[0])
    for payload in typed.payloads:
        before = _kept(at, uses)
        getattr(at, typed.widget)(key=typed.key).input(payload).run()
        where = f"{typed.page} {typed.key}={payload[:40]!r}"
        _assert_no_markup(at, where)
        if uses is None:
            assert _messages(at), f"{where}: refused without a message"
            continue
        after = _kept(at, uses)
        if after != before:
            assert _exactly(getattr(after, typed.key.split("_")[1], after), payload), (
                f"{where}: {before!r} became {after!r}"
            )
        else:
            assert _messages(at), f"{where}: refused without a message"


RANGE_CASES = [
    (name, key) for name, page in PAGES.items() for key, p in page.params.items() if p.kind == RANGE
]


@pytest.mark.parametrize(("name", "key"), RANGE_CASES)
def test_a_subnormal_range_in_a_link_is_refused_with_a_message(
    name: str, key: str, plain: Callable[[str, dict[str, str]], AppTest]
) -> None:
    """The issue's crash: a range (0, 5e-324) is too narrow for a slider or an arrow."""
    page = PAGES[name]
    param = page.params[key]
    at = _run(page.file, {**param.base, key: "0,5e-324,5e-324"})
    assert not at.exception, [e.message for e in at.exception]
    unchanged = plain(page.file, param.base)
    assert _kept(at, param.key) == _kept(unchanged, param.key)
    assert _new_messages(at, unchanged), f"{name}: ?{key}=0,5e-324,5e-324 refused in silence"
