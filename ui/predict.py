"""Predict, then check: one mechanism for every page (questions from ``calculus.predict``).

A page calls :func:`predict_toggle` near its title and, once it knows the function,
:func:`question_card`. While the learner has not answered, ``question_card`` returns False and
the page draws nothing that gives the answer away (no heatmap, readings or formulas: the answer
is not in the page, its charts, hovers or URL); it draws the knobs. Once the learner commits,
the card shows their answer beside the truth with a sentence about the gap, and returns True:
the page draws everything as usual. "Next question" asks again at a new knob setting.

State: the switch is the URL's ``predict`` (bound), the question's kind, output and knob are
``q``, ``qi``, ``qj`` (so a teacher's link opens the same question; they name the question, not
its answer); the committed answer and the per-session tally live in session state.
"""

from __future__ import annotations

import functools
import html
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import streamlit as st

from calculus import ComputationGraph, VectorFunction, rate
from calculus.errors import ExpressionError
from calculus.examples import (
    CHAIN_FAMILY,
    KNOB_FAMILY,
    LANDSCAPE_FAMILY,
    RATE_FAMILY,
    SENSIBLE,
    TRIES,
    draw_member,
    layer_member,
    variant,
)
from calculus.export import plain_symbol
from calculus.graph import graph_from_steps
from calculus.layers import Layer, layer_function, make_layer
from calculus.predict import (
    IDEAS,
    KINDS,
    MAX_ANSWER_CHARS,
    TOLERANCE_WORDS,
    AnswerError,
    Ask,
    Kind,
    Question,
    Verdict,
    angle_question,
    check,
    critical_question,
    descent_question,
    draw_question,
    make_question,
    orientation_question,
    paths_question,
    product_question,
    setting_words,
    shape_question,
    sum_question,
)
from ui.chain import edit_as_steps
from ui.knobs import knob_query, knob_range, knob_sliders, knob_values, set_knobs
from ui.layers import install_layer
from ui.page import let_the_browser_paint
from ui.quote import quote
from ui.url_state import write_query


@dataclass
class Tally:
    """Attempts and right answers this session, per idea of the chapter."""

    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, idea: str, correct: bool) -> None:
        attempts, right = self.counts.get(idea, [0, 0])
        self.counts[idea] = [attempts + 1, right + int(correct)]

    def words(self) -> str:
        if not self.counts:
            return "No answers yet this session."
        total = sum(a for a, _ in self.counts.values())
        right = sum(r for _, r in self.counts.values())
        ideas = "; ".join(f"{idea}: {r} of {a}" for idea, (a, r) in self.counts.items())
        return f"This session: {right} of {total} right ({ideas})."


def predict_toggle() -> bool:
    """The Predict switch (in the URL as ``predict``): True while the page asks first."""
    on = st.toggle(
        "Predict first",
        key="predict",
        bind="query-params",
        help="The page asks you a question about the function at the knobs, and shows the "
        "answer (and everything that gives it away) only once you have answered.",
    )
    if not on:
        write_query({"q": None, "qi": None, "qj": None})
    return on


@dataclass(frozen=True)
class Quiz:
    """What a page can ask: questions named by (kind, output, knob), asked at a knob setting.

    ``ask(kind, output, knob, point)`` builds the question at the knobs ``point`` (values of
    ``variables``), or None where it has no answer. ``pairs`` limits the (output, knob) pairs a
    new question is drawn from. ``identity`` names what is asked about (the function's text):
    a new one starts afresh. A quiz about a typed function has its text (``function``, the
    URL's ``f``), the page's ``family`` of examples (``calculus.examples``) and ``renew``, the
    same quiz about another function, so Next question can offer a new function.
    """

    identity: str
    kinds: tuple[Kind, ...]
    outputs: int
    variables: tuple[str, ...]
    ask: Ask
    pairs: tuple[tuple[int, int], ...] = ()
    function: str = ""
    family: tuple[str, ...] = ()
    renew: Callable[[VectorFunction], Quiz] | None = None
    #: A page whose examples are not one typed function (a graph, a layer): from a seed, a new
    #: quiz and how to show it (set the page's state, in a callback), or None.
    draw_new: Callable[[int], tuple[Quiz, Callable[[], None]] | None] | None = None
    #: What Next question's new example is called ("new function", "new layer").
    new_label: str = "new function"


def function_quiz(f: VectorFunction) -> Quiz:
    """Questions about f at the knobs (the knob machine's, and any f: ℝᵐ → ℝⁿ)."""
    return Quiz(
        f.text, KINDS, f.n_outputs, f.variables,
        lambda kind, i, j, point: make_question(f, point, kind, i, j),
        function=f.text, family=KNOB_FAMILY, renew=function_quiz,
    )  # fmt: skip


def _asked(page: str, quiz: Quiz) -> tuple[Kind, int, int]:
    """The question's kind, output and knob: this session's, else the link's, else the first.

    A new function starts afresh: the old question's answer no longer applies.
    """
    key = f"{page}_question"
    if st.session_state.get(f"{page}_question_of") != quiz.identity:
        for stale in ("question", "verdict", "answer", "refused"):
            st.session_state.pop(f"{page}_{stale}", None)
        st.session_state[f"{page}_question_of"] = quiz.identity
    if key not in st.session_state:
        kind, i, j = (st.query_params.get(name, "") for name in ("q", "qi", "qj"))
        chosen: tuple[Kind, int, int] = (quiz.kinds[0], 0, 0)
        if kind in quiz.kinds and _index(i, quiz.outputs) and _index(j, len(quiz.variables)):
            chosen = (kind, int(i), int(j))  # type: ignore[assignment]
        st.session_state[key] = chosen
    return st.session_state[key]


def _index(text: str, count: int) -> bool:
    """Whether a link's ``text`` is an index below ``count`` (short digits only: hostile)."""
    return 0 < len(text) <= 2 and text.isascii() and text.isdigit() and int(text) < count


def _draw(page: str, quiz: Quiz, seed: int) -> tuple[tuple[Kind, int, int], Any] | None:
    """A new question of ``quiz`` (its name) and the knob setting it is asked at."""
    ranges = [(r.low, r.high) for r in (knob_range(page, x) for x in quiz.variables)]
    found = draw_question(quiz.ask, quiz.kinds, quiz.outputs, ranges, seed, quiz.pairs)
    return None if found is None else (found[0], found[2])


def _next(page: str, quiz: Quiz, new_function: bool = False) -> None:
    """Ask again: at a new knob setting, or about a new member of the page's family."""
    for stale in ("verdict", "answer", "refused"):
        st.session_state.pop(f"{page}_{stale}", None)
    seed = secrets.randbits(32)
    if new_function and quiz.renew is not None:
        renew = quiz.renew

        def ask_about(f: VectorFunction, seed: int) -> tuple[Any, Any] | None:
            renewed = renew(f)
            found = _draw(page, renewed, seed)
            return None if found is None else ((renewed, found[0]), found[1])

        drawn = draw_member(quiz.family, seed, ask_about, avoid=quiz.function)
        if drawn is not None:
            f, (renewed, asked), point = drawn
            # Into the function box as if typed; this question belongs to it.
            st.session_state[f"{page}_text"] = f.text
            st.session_state[f"{page}_question_of"] = renewed.identity
            st.session_state[f"{page}_question"] = asked
            set_knobs(page, dict(zip(renewed.variables, point, strict=True)))
            return
    if new_function and quiz.draw_new is not None and _new_example(page, quiz, seed):
        return
    found = _draw(page, quiz, seed)
    if found is not None:
        st.session_state[f"{page}_question"], point = found
        set_knobs(page, dict(zip(quiz.variables, point, strict=True)))


def _new_example(page: str, quiz: Quiz, seed: int) -> bool:
    """Show a new example of the page's family (``quiz.draw_new``) and ask about it: whether
    one was found with a question of a size to work by hand."""
    assert quiz.draw_new is not None
    rng = random.Random(seed)
    for _ in range(TRIES):
        drawn = quiz.draw_new(rng.getrandbits(32))
        if drawn is None or drawn[0].identity == quiz.identity:
            continue
        renewed, show = drawn
        ranges = [(r.low, r.high) for r in (knob_range(page, x) for x in renewed.variables)]
        found = draw_question(
            renewed.ask, renewed.kinds, renewed.outputs, ranges, rng.getrandbits(32),
            renewed.pairs,
        )  # fmt: skip
        if found is None or any(abs(t) > SENSIBLE for t in found[1].targets):
            continue
        show()
        st.session_state[f"{page}_question_of"] = renewed.identity
        st.session_state[f"{page}_question"] = found[0]
        set_knobs(page, dict(zip(renewed.variables, found[2], strict=True)))
        return True
    return False


def _commit(page: str, question: Question) -> None:
    answer = st.session_state.get(f"{page}_answer")
    try:
        verdict = check(question, None if answer is None else str(answer))
    except AnswerError as refused:
        st.session_state[f"{page}_refused"] = refused.message
        return
    st.session_state.pop(f"{page}_refused", None)
    st.session_state[f"{page}_verdict"] = (question, verdict)
    st.session_state[f"{page}_just_answered"] = True
    tally: Tally = st.session_state.setdefault(f"{page}_tally", Tally())
    tally.add(question.idea, verdict.correct)


def question_card(page: str, quiz: Quiz, sliders: bool = False) -> bool:
    """Ask, take the answer, reveal: True once the learner has answered (show everything).

    ``sliders``: while the answer is hidden, draw the knobs' sliders (no controls) above the
    question, next to the page's knob controls drawn before it.
    """
    kind, i, j = _asked(page, quiz)
    if sliders and st.session_state.get(f"{page}_verdict") is None:
        knob_sliders(page, quiz.variables, controls=False)
    write_query({"q": kind, "qi": str(i), "qj": str(j)})
    # The link names the knobs and the function (the page's own link waits for the answer).
    point = knob_values(page, quiz.variables)
    write_query(
        {
            **({"f": quiz.function} if quiz.function else {}),
            **knob_query(page, quiz.variables, point),
        },
        prefix_owned=("k_", "r_"),
    )
    with st.container(border=True, key=f"{page}_predict"):
        committed: tuple[Question, Verdict] | None = st.session_state.get(f"{page}_verdict")
        if committed is not None:
            _reveal(page, quiz, *committed)
            if st.session_state.pop(f"{page}_just_answered", False):
                # The verdict is painted now, not once the charts it unlocks have arrived.
                let_the_browser_paint()
            return True
        question = quiz.ask(kind, i, j, tuple(knob_values(page, quiz.variables)))
        if question is None:
            st.markdown(
                f"**Predict** · {quote(IDEAS[kind])}\n\nThis question has no answer at this "
                "knob setting (a kink, an undefined value, or no clear leader)."
            )
            _next_buttons(page, quiz)
            return False
        st.markdown(f"**Predict** · {quote(question.idea)}\n\n{quote(question.prompt)}")
        _answer_form(page, question)
        if problem := st.session_state.get(f"{page}_refused"):
            st.error(quote(problem), icon=":material/error:")
        st.caption(_tally(page).words())
    return False


#: What a typed answer looks like, per kind of question (a number unless said here).
PLACEHOLDERS = {
    "number": "a number: 3, -1/2, 2sqrt(2)",
    "row": "one sign per knob: +, −, 0",
    "heatmap": "a row of signs per output: +, −; 0, +",
    "shape": "rows × columns",
    "angle": "degrees: 45, -90, 270",
}


def _answer_form(page: str, question: Question) -> None:
    with st.form(key=f"{page}_answer_form", border=False, enter_to_submit=True):
        if question.options:
            st.radio("Your answer", question.options, index=None, key=f"{page}_answer",
                     horizontal=True)  # fmt: skip
        else:
            st.text_input(
                "Your answer",
                key=f"{page}_answer",
                max_chars=MAX_ANSWER_CHARS,
                placeholder=PLACEHOLDERS.get(question.kind, PLACEHOLDERS["number"]),
                help=f"Numbers are read like the function box (1/2, 2pi, -3); right means "
                f"{TOLERANCE_WORDS}."
                if question.form == "number"
                else None,
            )
        st.form_submit_button("Check my answer", on_click=_commit, args=(page, question))


def _reveal(page: str, quiz: Quiz, question: Question, verdict: Verdict) -> None:
    st.markdown(f"**Predict** · {quote(question.idea)}\n\n{quote(question.prompt)}")
    said, truth = st.columns(2)
    said.metric("You said", verdict.said)
    truth.metric("The answer", verdict.truth)
    # An alert, so a screen reader says the verdict as soon as it appears. The sentence holds
    # the learner's names: escaped as HTML, never read as markup.
    st.markdown(
        f'<div class="knobs-verdict {"right" if verdict.correct else "wrong"}" role="alert">'
        f"{html.escape(verdict.sentence)}</div>",
        unsafe_allow_html=True,
    )
    st.caption(_tally(page).words())
    _next_buttons(page, quiz, reset=True)


def _next_buttons(page: str, quiz: Quiz, reset: bool = False) -> None:
    """Next question (same function, new knobs), a new function from the page's family, and
    the tally's reset."""
    renews = bool(quiz.family or quiz.draw_new)
    what = quiz.new_label.split()[-1]
    same = f"Next question: same {what}" if renews else "Next question"
    columns = iter(st.columns(1 + renews + reset))
    next(columns).button(same, key=f"{page}_next", on_click=_next, args=(page, quiz),
                         type="primary")  # fmt: skip
    if renews:
        next(columns).button(
            f"Next question: {quiz.new_label}", key=f"{page}_next_function", on_click=_next,
            args=(page, quiz, True),
            help=f"Another {what} from this lesson's family of examples (the chapter's, with "
            "their numbers varied), shown as if you had typed it.",
        )  # fmt: skip
    if reset:
        next(columns).button("Reset the tally", key=f"{page}_reset_tally",
                             on_click=_reset_tally, args=(page,))  # fmt: skip


def _tally(page: str) -> Tally:
    return st.session_state.get(f"{page}_tally") or Tally()


def _reset_tally(page: str) -> None:
    st.session_state[f"{page}_tally"] = Tally()


def chain_quiz(graph: ComputationGraph) -> Quiz:
    """Questions on a computation graph: how many paths lead from a knob to an output, the
    product along one path (the first listed), and the sum over all of them, at the knobs."""

    def ask(kind: Kind, i: int, j: int, point: tuple[float, ...]) -> Question | None:
        output, knob = graph.outputs[i], graph.knobs[j]
        count = graph.count_paths(knob, output)
        if kind == "paths":
            return paths_question(count, knob, output)
        if count == 0 or count > MAX_LISTED_PATHS:
            return None
        edges = graph.edge_values_at(graph.values_at(point))
        paths = graph.paths(knob, output)
        if kind == "product":
            factors = [
                (f"∂{plain_symbol(b)}/∂{plain_symbol(a)}", float(edges[(a, b)]))
                for a, b in pairwise(paths[0])
            ]
            return product_question(factors, paths[0])
        products = [float(graph.path_value(path, edges)) for path in paths]
        return sum_question(products, float(graph.totals_at(point)[i, j]), knob, output)

    pairs = tuple(
        (i, j)
        for i, output in enumerate(graph.outputs)
        for j, knob in enumerate(graph.knobs)
        if graph.count_paths(knob, output) > 0
    )
    return Quiz(
        graph.text(), CHAIN_KINDS, len(graph.outputs), graph.knobs, ask, pairs,
        draw_new=_new_graph, new_label="new graph",
    )  # fmt: skip


def _new_graph(seed: int) -> tuple[Quiz, Callable[[], None]] | None:
    """A graph of the chain rule's family (the chapter's, varied), typed as steps."""
    rng = random.Random(seed)
    text = variant(rng.choice(CHAIN_FAMILY), rng)
    try:
        graph = graph_from_steps(text)
    except ExpressionError:
        return None  # the tests check that no member is refused
    return chain_quiz(graph), lambda: edit_as_steps(text)


#: The chain rule's questions, easiest first; paths are listed for the product and sum only up
#: to this many (the page lists them too).
CHAIN_KINDS: tuple[Kind, ...] = ("paths", "product", "sum")
MAX_LISTED_PATHS = 8


#: The rate of change's questions: the slope's sign and value, where f' = 0, a descent run.
RATE_KINDS: tuple[Kind, ...] = ("sign", "value", "critical", "descent")
#: Learning rates the descent question asks about (its index is the question's "output").
DESCENT_RATES = (0.4, 0.1, 0.9, 1.1)
DESCENT_STEPS = 10


@functools.lru_cache(maxsize=64)
def _critical_points(
    f: VectorFunction, variable: str, point: tuple[float, ...], low: float, high: float
) -> tuple[tuple[float, ...], tuple[str, ...]] | None:
    """The critical points in [low, high] (x, kind), or None where f' vanishes on a stretch."""
    found = rate.critical_points(rate.Slice.along(f, variable, point), low, high)
    if found.flat or found.breaks:
        return None  # f' = 0 on a whole stretch, or a kink: not a one-number answer
    points = found.in_range()
    return tuple(p.x for p in points), tuple(p.kind for p in points)


def rate_quiz(page: str, f: VectorFunction, variable: str) -> Quiz:
    """Questions about f along ``variable`` at the page's knobs (the others held)."""
    j = f.variables.index(variable)

    def ask(kind: Kind, i: int, _j: int, point: tuple[float, ...]) -> Question | None:
        if kind in ("sign", "value"):
            return make_question(f, point, kind, 0, j)
        knob = knob_range(page, variable)
        held = tuple(float(v) for v in point)
        if kind == "critical":
            found = _critical_points(f, variable, held, knob.low, knob.high)
            return None if found is None else critical_question(*found, variable)
        eta = DESCENT_RATES[i % len(DESCENT_RATES)]
        run = rate.gradient_descent(
            rate.Slice.along(f, variable, held).slope, float(point[j]), eta, DESCENT_STEPS
        )
        return descent_question(
            run.behaviour, eta, DESCENT_STEPS, float(point[j]), float(run.iterates[-1]), variable
        )

    # Always about the turning knob: the other knobs are held.
    pairs = tuple((i, j) for i in range(len(DESCENT_RATES)))
    return Quiz(
        f.text, RATE_KINDS, len(DESCENT_RATES), f.variables, ask, pairs, function=f.text,
        family=RATE_FAMILY, renew=lambda g: rate_quiz(page, g, g.variables[0]),
    )  # fmt: skip


#: The gradient landscape's questions: the gradient's direction on the map, a partial's sign
#: and value (what the slice along one knob shows).
LANDSCAPE_KINDS: tuple[Kind, ...] = ("angle", "sign", "value")


def landscape_quiz(page: str, f: VectorFunction) -> Quiz:
    """Questions about f: ℝᵐ → ℝ at the page's knobs, on the map of its two plotted knobs."""

    def plotted() -> tuple[int, int]:
        across = st.session_state.get(f"{page}_across", f.variables[0])
        up = st.session_state.get(f"{page}_up", f.variables[1])
        if across not in f.variables or up not in f.variables or across == up:
            return 0, 1
        return f.variables.index(across), f.variables.index(up)

    def ask(kind: Kind, _i: int, j: int, point: tuple[float, ...]) -> Question | None:
        if kind != "angle":
            return make_question(f, point, kind, 0, j)
        a, b = plotted()
        at = f.at(point)
        if at.kinks[0].any():
            return None
        row = at.jacobian[0]
        return angle_question(
            [row[a], row[b]], [f.variables[a], f.variables[b]], setting_words(f.variables, point)
        )

    return Quiz(
        f.text, LANDSCAPE_KINDS, 1, f.variables, ask, function=f.text,
        family=LANDSCAPE_FAMILY, renew=lambda g: landscape_quiz(page, g),
    )  # fmt: skip


def layer_quiz(layer: Layer) -> Quiz:
    """Questions about an ML layer with the learner's numbers: its Jacobian's shape, whether a
    one-output layer's Jacobian is a row or a column, and one entry ∂yᵢ/∂xⱼ at the knobs."""
    f = layer_function(layer)
    what = f"The layer {layer.spec.label.split('  ')[-1]} with the sizes above"
    kinds: tuple[Kind, ...] = ("shape", "value") + (("orientation",) if f.n_outputs == 1 else ())

    def ask(kind: Kind, i: int, j: int, point: tuple[float, ...]) -> Question | None:
        if kind == "shape":
            return shape_question(f.n_outputs, f.n_inputs, what)
        if kind == "orientation":
            return orientation_question(what, f.n_inputs)
        return make_question(f, point, "value", i, j)

    return Quiz(
        f"{layer.kind}#{hash(layer.key()):x}", kinds, f.n_outputs, layer.variables, ask,
        draw_new=_new_layer, new_label="new layer",
    )  # fmt: skip


def _new_layer(seed: int) -> tuple[Quiz, Callable[[], None]]:
    """A layer of the page's kinds with small sizes and integer weights."""
    kind, sizes, parameters = layer_member(random.Random(seed))
    return layer_quiz(make_layer(kind, parameters)), lambda: install_layer(kind, sizes, parameters)
