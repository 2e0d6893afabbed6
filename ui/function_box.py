"""The function box: type f, load an example, see what was understood, never lose good work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from calculus import ExpressionError, VectorFunction, parse_function
from calculus.export import function_latex, output_names, plain_symbol
from calculus.limits import MAX_TEXT_LENGTH
from calculus.reading import superscript
from ui.page import formula
from ui.quote import quote
from ui.url_state import query_text


@dataclass(frozen=True)
class Example:
    """A function from the examples menu, with the one thing to notice about it."""

    label: str
    text: str
    notice: str


def cached_function(text: str) -> VectorFunction:
    """Parse, differentiate and compile once per text for the whole server: the one function
    cache is the engine's own (``parse_function``, bounded); what pages derive from a function is
    cached on the function object (``ui/cache.py``).

    Refused texts raise ExpressionError and are not cached.
    """
    return parse_function(text)


def example_menu(
    labels: list[str],
    *,
    key: str,
    on_change: Callable[..., None],
    args: tuple[object, ...] = (),
    label: str = "Examples",
) -> None:
    """The menu that loads an example (every page's, one look): nothing chosen until asked."""
    st.selectbox(
        label,
        labels,
        index=None,
        placeholder="Load an example…",
        key=key,
        on_change=on_change,
        args=args,
    )


def _load_example(page: str, examples: Sequence[Example]) -> None:
    chosen = st.session_state.get(f"{page}_example")
    for example in examples:
        if example.label == chosen:
            st.session_state[f"{page}_text"] = example.text
            st.session_state[f"{page}_notice"] = example
    st.session_state[f"{page}_example"] = None


def error_excerpt(text: str, column: int | None) -> str | None:
    """The offending line with a caret under the problem, for a code block."""
    if column is None or not 1 <= column <= len(text) + 1:
        return None
    start = text.rfind("\n", 0, column - 1) + 1
    end = text.find("\n", column - 1)
    line = text[start : end if end != -1 else len(text)]
    if len(line) > 120:  # keep the excerpt readable around the problem
        offset = max(0, column - 1 - start - 60)
        line, start = line[offset : offset + 120], start + offset
    return f"{line}\n{' ' * (column - 1 - start)}^"


def function_box(
    page: str,
    *,
    default: str,
    examples: Sequence[Example] = (),
    label: str = "Your function f",
    help: str | None = None,
    check: Callable[[VectorFunction], str | None] | None = None,
) -> VectorFunction:
    """Render the box and return the function to show: the typed one, or the last good one.

    ``check`` adds a page rule (e.g. "one output only"): it returns a message to refuse ``f``.
    State: ``{page}_text`` (the box), ``{page}_good_text`` (last text that worked), URL ``f``.
    """
    text_key, good_key = f"{page}_text", f"{page}_good_text"
    if text_key not in st.session_state:
        linked = st.query_params.get("f")
        if linked is not None and query_text("f") is None:
            st.error(
                f"The function in this link is too long ({len(linked)} characters; the limit is "
                f"{MAX_TEXT_LENGTH}), so the default is shown instead.",
                icon=":material/error:",
            )
        st.session_state[text_key] = st.session_state.get(good_key) or query_text("f") or default

    box, menu = st.columns([3, 1], vertical_alignment="bottom")
    with menu:
        if examples:
            example_menu(
                [example.label for example in examples],
                key=f"{page}_example",
                on_change=_load_example,
                args=(page, examples),
            )
    with box:
        text = st.text_area(
            label,
            key=text_key,
            height=80,
            max_chars=MAX_TEXT_LENGTH,
            help=help
            or "Type maths as you write it: x^2 + 4x - 2, x1 x2^2, sin x, √(x y). "
            "Several outputs: separate them with commas or new lines.",
        )

    function, problem = _understand(text or "", check)
    if problem is not None:
        st.error(quote(problem.message), icon=":material/error:")
        excerpt = error_excerpt(text or "", problem.column)
        if excerpt:
            st.code(excerpt, language=None)
        fallback = st.session_state.get(good_key) or default
        function, _ = _understand(fallback, check)
        if function is None:  # the default always works; this guards a changed check
            function = cached_function(default)
        st.caption(f"Still showing the last function that worked: {quote(fallback)}")
    else:
        st.session_state[good_key] = text
        notice = st.session_state.get(f"{page}_notice")
        if notice is not None and notice.text == text:
            st.info(f"**{notice.label}.** {notice.notice}", icon=":material/lightbulb:")
    assert function is not None
    formula(lambda: function_latex(function), function.outputs, what="This function")
    st.caption(understood_caption(function))
    for hint in function.hints:  # how a name was read, when a learner may have meant a product
        st.caption(f":material/info: {hint}")
    return function


def understood_caption(function: VectorFunction) -> str:
    """'f: ℝ³ → ℝ² · 3 knobs: x₁, x₂, x₃ · 2 outputs: y₁, y₂'."""
    m, n = function.n_inputs, function.n_outputs
    space = "ℝ" if m == 1 else f"ℝ{superscript(m)}"
    image = "ℝ" if n == 1 else f"ℝ{superscript(n)}"
    knobs = ", ".join(plain_symbol(name) for name in function.variables)
    outputs = ", ".join(plain_symbol(name) for name in output_names(function))
    return (
        f"f: {space} → {image} · {m} knob{'s' * (m != 1)}: {knobs} · "
        f"{n} output{'s' * (n != 1)}: {outputs}"
    )


def _understand(
    text: str, check: Callable[[VectorFunction], str | None] | None
) -> tuple[VectorFunction | None, ExpressionError | None]:
    try:
        function = cached_function(text)
    except ExpressionError as problem:
        return None, problem
    refusal = check(function) if check else None
    if refusal:
        return None, ExpressionError(refusal)
    if not function.variables:
        return None, ExpressionError("f has no knobs: use a variable, for example x")
    return function, None
