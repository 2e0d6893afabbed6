"""Quote the learner's text: markdown that renders as exactly the characters typed.

Every Streamlit text element (``st.markdown``, ``st.error``, ``st.warning``, ``st.info``,
``st.caption``) renders its body as markdown, so a message that echoes what a learner typed (or
what a link put in a box) would render that text as markup: ``![](/favicon.png)`` shows an
image, ``[Log in](//host/x)`` a working link, ``$\\frac{1}{2}$`` typeset maths, and a typed
backslash disappears. :func:`quote` makes the text inert.

How it works
------------
- Every ASCII punctuation character is backslash-escaped: CommonMark allows that for each of
  them, and an escaped character is always literal text. This stops emphasis, links, images,
  HTML, code spans, headings, lists, block quotes, tables, GFM autolinks and strikethrough, and
  Streamlit's extensions that are parsed as syntax: ``$`` maths and ``:red[…]`` directives.
- Streamlit also rewrites *text* after parsing (so an escape does not help): ``:smile:`` and
  ``:material/home:`` become icons, `` -> `` becomes an arrow, `` -- `` a dash, ``>=`` a sign.
  An invisible word joiner (U+2060) after a ``:`` that a name could follow and between such
  pairs breaks the pattern and changes nothing on screen.
- A new line becomes a hard line break; leading spaces (which would start a code block) become
  ``&#32;``, so the text keeps its lines and no line starts a block.

Known pitfall: the quoted text holds word joiners, so copying it from the page copies them too.
"""

from __future__ import annotations

import string

#: Characters CommonMark lets a backslash escape: all of ASCII punctuation.
_ESCAPABLE = frozenset(string.punctuation)
#: Invisible, zero width: keeps Streamlit's text rewrites from seeing a pattern.
WORD_JOINER = "\u2060"
#: Pairs Streamlit turns into symbols in text (->, <-, <->, --, >=, <=, ~=).
_REWRITTEN_PAIRS = frozenset({"->", "<-", "--", ">=", "<=", "~="})
#: What an empty line becomes (the word joiner as an entity).
BLANK_LINE = "&#8288;"


def _escaped(char: str) -> str:
    return "\\" + char if char in _ESCAPABLE else char


def _line(text: str) -> str:
    body = text.lstrip(" \t")
    indent = text[: len(text) - len(body)].replace(" ", "&#32;").replace("\t", "&#9;")
    out: list[str] = [indent]
    for k, char in enumerate(body):
        out.append(_escaped(char))
        after = body[k + 1 : k + 2]
        if (
            char == ":" and (after.isalnum() or after in "_+-")
        ) or char + after in _REWRITTEN_PAIRS:
            out.append(WORD_JOINER)
    return "".join(out)


def quote(text: str) -> str:
    """Markdown that shows ``text`` as plain characters, safe in any Streamlit text element.

    >>> print(quote("**hi** [x](y)"))
    \\*\\*hi\\*\\* \\[x\\]\\(y\\)
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # A blank line would end the paragraph; an invisible character keeps it a line of its own.
    return "\\\n".join(_line(line) or BLANK_LINE for line in lines)


def unquote(markdown: str) -> str:
    """The characters :func:`quote` renders (for tests): the inverse of :func:`quote`."""
    lines = markdown.split("\\\n")
    out = []
    for line in lines:
        if line == BLANK_LINE:
            out.append("")
            continue
        line = line.replace("&#32;", " ").replace("&#9;", "\t").replace(WORD_JOINER, "")
        chars, k = [], 0
        while k < len(line):
            if line[k] == "\\" and k + 1 < len(line) and line[k + 1] in _ESCAPABLE:
                chars.append(line[k + 1])
                k += 2
            else:
                chars.append(line[k])
                k += 1
        out.append("".join(chars))
    return "\n".join(out)
