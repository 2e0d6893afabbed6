"""Quoting the learner's text: what a message echoes renders as exactly the characters typed,
never as markdown, HTML, LaTeX or one of Streamlit's icons, colours or arrows."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.quote import WORD_JOINER, quote, unquote

#: Payloads a hostile link or a curious learner might type.
PAYLOADS = [
    "![](/favicon.png)**Session expired**",
    "[Log in again](//127.0.0.1:9/login)",
    "![](//host/pixel)",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> &amp; <script>alert(1)</script>",
    "$\\frac{1}{2}$ and $$x^2$$",
    "\\frac{a}{b} \\",
    "`code` and ``more``",
    "# heading",
    "> quote",
    "- item\n1. item\n    indented code\n\n=====",
    "| a | b |\n|---|---|",
    ":red[alarm] :material/home: :smile: :streamlit:",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "www.example.com http://example.com a@b.co",
    "~~struck~~ _em_ __strong__",
    "trailing backslash \\",
]

#: Characters that start markup if left unescaped (markdown, HTML, LaTeX, directives).
MARKUP = set("[]()!*_<>$\\`#|~:&{}-+=.")


def _unescaped_markup(markdown: str) -> list[str]:
    """Markup characters in ``markdown`` not preceded by the backslash that makes them text."""
    found, k = [], 0
    while k < len(markdown):
        char = markdown[k]
        if char == "\\" and k + 1 < len(markdown) and markdown[k + 1] in string.punctuation:
            k += 2
            continue
        if char == "\\" and markdown[k + 1 : k + 2] == "\n":  # the hard line break we add
            k += 2
            continue
        if char == "&" and re.match(r"&#(32|9|8288);", markdown[k:]):  # our own entities
            k = markdown.index(";", k) + 1
            continue
        if char in MARKUP:
            found.append(char)
        k += 1
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_renders_as_its_own_characters(payload: str) -> None:
    quoted = quote(payload)
    assert _unescaped_markup(quoted) == [], quoted
    assert unquote(quoted) == payload


@pytest.mark.parametrize(
    ("payload", "broken"),
    [(":smile:", ":" + WORD_JOINER), ("a -> b", "-" + WORD_JOINER), (":material/x:", WORD_JOINER)],
)
def test_streamlits_text_rewrites_cannot_match(payload: str, broken: str) -> None:
    assert broken in quote(payload).replace("\\", "")


def test_no_line_of_a_quote_starts_a_block() -> None:
    quoted = quote("    code\n\n# h\n> q\n- l")
    for line in quoted.split("\n"):
        assert line and line[0] not in " \t#>-+*=|`", repr(line)


@given(st.text(max_size=60))
def test_quote_round_trips_and_escapes_every_markup_character(text: str) -> None:
    quoted = quote(text)
    assert _unescaped_markup(quoted) == []
    assert unquote(quoted) == text.replace("\r\n", "\n").replace("\r", "\n")
