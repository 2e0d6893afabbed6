"""A whitelisting parser: maths as people type it -> sympy expressions.

Why not ``sympy.sympify`` or ``parse_expr``: both ``eval`` the text as Python, so
``__import__('os').system(...)`` typed into the box would run on the server. This parser reads the
text character by character, accepts only the syntax below, and builds sympy objects directly.
Nothing the learner types is ever executed or looked up as a Python name.

How it works
------------
1. ``_tokenize`` turns characters into tokens, translating what people paste (``×``, ``−``, ``²``,
   ``√``, ``π``, Greek letters, subscript digits) and refusing every other character by name.
2. ``_Parser`` is a recursive-descent parser over the grammar::

       outputs := output ((',' | ';' | newline) output)*     optionally inside [ ] or ( )
       expr    := term (('+' | '-') term)*
       term    := unary (('*' | '/') unary | power)*          # juxtaposition multiplies: 2x, x y
       unary   := ('-' | '+') unary | power
       power   := primary ('^' unary)?                        # right-associative: 2^3^2 = 2^9
       primary := number | name | '(' expr ')' | '√' power | function

   A function is applied with brackets (``sin(x)``, ``min(x, y)``) or without (``sin x``,
   ``sin 2x``: the following product of plain factors). ``sin^2 x`` means ``(sin x)^2``.
3. Every node is counted, the nesting depth is tracked, and numbers and powers are checked
   *before* sympy is asked to build them (``9^9^9`` would otherwise compute a number with
   hundreds of millions of digits).

Known pitfalls
--------------
- ``1/2x`` reads left to right as ``(1/2) x``, as most calculators do.
- A name is a whole word: ``xy`` is one variable; write ``x y`` for a product. Short names of
  plain letters (``xy``, ``abc``) are accepted with a hint (``ParsedText.hints``) saying how
  they were read, since a learner may mean either.
- Domains are recorded as typed, before sympy simplifies (``sqrt(x)^2`` -> ``x``, ``x/x`` -> 1):
  see ``calculus/domain.py``. Each output carries the conditions of every root, logarithm,
  division, negative or fractional power and arcsine/arccosine in it.
- ``x^(1/3)`` (and any fractional power: ``x^(2/3)``, ``x^0.5``) is the principal root, as in
  numpy and sympy: undefined for x < 0, and the words say so and point to ``cbrt(x)``, the real
  cube root (``cbrt(-8) = -2``). Desmos takes odd roots of negatives as real; we keep one rule
  for every fractional power, so that ``x^(1/3)`` and ``x^0.3333`` agree.
- A power with a variable exponent, ``x^y``, is ``e^(y ln x)``: defined for x > 0.
- ``e`` is Euler's number and ``pi`` is π unless they are given as variables.
"""

from __future__ import annotations

import difflib
import keyword
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sympy as sp

from calculus import domain, limits
from calculus.domain import Condition
from calculus.errors import ExpressionError
from calculus.functions import FUNCTION_NAMES, UNARY_FUNCTIONS, VARIADIC_FUNCTIONS

# --- tokens -------------------------------------------------------------------------------------

NUMBER, NAME, OP, OPEN, CLOSE, OPEN_LIST, CLOSE_LIST, COMMA, SEPARATOR, ROOT, END = (
    "number", "name", "operator", "(", ")", "[", "]", ",", "separator", "root", "end",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    index: int  # 0-based position of the token's first character in the original text


_NUMBER_RE = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SIMPLE_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^",
    "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "∕": "/", "−": "-",
}  # fmt: skip
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
                 "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}  # fmt: skip
_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
_ROOTS = {"√": "sqrt", "∛": "cbrt"}
_SPACES = {" ", "\t", "\r", "\u00a0"}
_CONSTANTS = {"pi": sp.pi, "e": sp.E}
# Unicode spells lambda "LAMDA"; everything else is the usual English name.
_GREEK_SPELLING = {"lamda": "lambda"}
_GREEK_NAMES = frozenset(
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
     "lambda", "mu", "nu", "xi", "omicron", "rho", "sigma", "tau", "upsilon", "phi", "chi",
     "psi", "omega"]
)  # fmt: skip


def _greek_name(char: str) -> str | None:
    """'θ' -> 'theta', 'Δ' -> 'Delta'; None for anything that is not a plain Greek letter."""
    if not ("\u0391" <= char <= "\u03a9" or "\u03b1" <= char <= "\u03c9") or char == "ς":
        return None
    try:
        words = unicodedata.name(char).split()  # e.g. GREEK SMALL LETTER THETA
    except ValueError:
        return None
    name = _GREEK_SPELLING.get(words[-1].lower(), words[-1].lower())
    return name.capitalize() if words[1] == "CAPITAL" else name


def describe_character(char: str) -> str:
    """'U+200B zero width space': how a refused character is named in messages."""
    code = f"U+{ord(char):04X}"
    try:
        name = unicodedata.name(char).lower()
    except ValueError:
        name = "control character" if unicodedata.category(char).startswith("C") else ""
    shown = f"'{char}' " if char.isprintable() and not char.isspace() else ""
    return f"{shown}({code} {name})".replace(" )", ")")


def line_and_column(text: str, index: int) -> str:
    """'column 5', or 'line 2, column 3' in a text of several lines."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}" if "\n" in text else f"column {column}"


def _error(text: str, index: int, message: str, hint: str = "") -> ExpressionError:
    """'unknown function 'sinn' at column 1 — did you mean sin?': what, where, then what to do."""
    where = line_and_column(text, index)
    return ExpressionError(f"{message} at {where}{hint}", column=index + 1)


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    depth = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char in _SPACES:
            i += 1
        elif char == "\n":
            if depth == 0:  # inside brackets a new line is just white space
                tokens.append(Token(SEPARATOR, "\n", i))
            i += 1
        elif (char.isascii() and char.isdigit()) or (char == "." and text[i + 1 : i + 2].isdigit()):
            match = _NUMBER_RE.match(text, i)
            assert match is not None
            tokens.append(Token(NUMBER, match.group(), i))
            i = match.end()
            if text[i : i + 1] == ".":  # 1.2.3 or 2..3 would otherwise read as a product
                raise _error(text, i, "a number has a second decimal point")
        elif char.isascii() and char.isalpha():
            match = _NAME_RE.match(text, i)
            assert match is not None
            name, i = match.group(), match.end()
            while i < len(text) and text[i] in _SUBSCRIPTS:  # x₁ -> x1
                name += _SUBSCRIPTS[text[i]]
                i += 1
            tokens.append(Token(NAME, name, match.start()))
        elif (greek := _greek_name(char)) is not None or char in "πµ":
            start = i
            name = {"π": "pi", "µ": "mu"}.get(char, greek or "")
            i += 1
            while i < len(text) and (
                text[i] in _SUBSCRIPTS or (text[i].isascii() and text[i].isdigit())
            ):
                name += _SUBSCRIPTS.get(text[i], text[i])  # θ1, θ₁ -> theta1
                i += 1
            tokens.append(Token(NAME, name, start))
        elif text.startswith("**", i):
            tokens.append(Token(OP, "^", i))
            i += 2
        elif char in _SIMPLE_OPERATORS:
            tokens.append(Token(OP, _SIMPLE_OPERATORS[char], i))
            i += 1
        elif char in _SUPERSCRIPTS or char == "⁻":
            start = i
            tokens.append(Token(OP, "^", i))
            if char == "⁻":
                tokens.append(Token(OP, "-", i))
                i += 1
            digits = ""
            while i < len(text) and text[i] in _SUPERSCRIPTS:
                digits += _SUPERSCRIPTS[text[i]]
                i += 1
            if not digits:
                raise _error(text, start, "'⁻' must be followed by superscript digits, as in x⁻¹")
            tokens.append(Token(NUMBER, digits, start))
        elif char in _ROOTS:
            tokens.append(Token(ROOT, _ROOTS[char], i))
            i += 1
        elif char in "([":
            depth += 1
            tokens.append(Token(OPEN if char == "(" else OPEN_LIST, char, i))
            i += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
            tokens.append(Token(CLOSE if char == ")" else CLOSE_LIST, char, i))
            i += 1
        elif char == ",":
            tokens.append(Token(COMMA, char, i))
            i += 1
        elif char == ";":
            tokens.append(Token(SEPARATOR, char, i))
            i += 1
        else:
            raise _error(
                text,
                i,
                f"character {describe_character(char)} is not accepted",
                _hint_for_character(char),
            )
    tokens.append(Token(END, "", len(text)))
    return tokens


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (ending with an END token), or ExpressionError: for typesetting
    what was typed, e.g. in the domain notes."""
    return _tokenize(text)


_LOOK_ALIKES = {"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "∙": "*", "•": "*"}


def _hint_for_character(char: str) -> str:
    hints = {
        "=": "write only the right-hand side, e.g. x^2 rather than y = x^2",
        "|": "write abs(x) for |x|",
        "!": "factorials are not supported",
        "'": "quotes are not maths",
        '"': "quotes are not maths",
        "_": "names start with a letter",
        "{": "use ( ) for grouping",
        "}": "use ( ) for grouping",
        "#": "comments are not supported",
    }
    hint = hints.get(char)
    if hint is None:
        plain = _LOOK_ALIKES.get(char) or unicodedata.normalize("NFKC", char)
        if plain != char and plain.isascii() and plain.strip():
            hint = f"it looks like '{plain}': type that instead"
    return f" — {hint}" if hint else ""


# --- parser -------------------------------------------------------------------------------------

_STARTS_FACTOR = {NUMBER, NAME, OPEN, ROOT}


@dataclass(frozen=True)
class ParsedText:
    """What the parser understood: the outputs, and the knob names in order.

    ``conditions[i]`` are where output i, as typed, is defined (recorded before sympy's
    simplification could lose them); ``typed[i]`` is its text as typed; ``hints`` are notes that
    do not refuse the text ("'xy' is read as one knob").
    """

    outputs: tuple[sp.Expr, ...]
    variables: tuple[str, ...]
    conditions: tuple[tuple[Condition, ...], ...] = ()
    typed: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


def natural_order(names: Sequence[str] | set[str]) -> list[str]:
    """x, y, z; x1, x2, x10; other names alphabetically."""

    def key(name: str) -> tuple[str, int, str]:
        match = re.fullmatch(r"(.*?)(\d+)", name)
        if match:
            return (match.group(1).lower(), int(match.group(2)), name)
        return (name.lower(), -1, name)

    return sorted(names, key=key)


def _check_variable_name(name: str) -> str:
    """Normalise a knob name given by the caller ('θ' -> 'theta') or refuse it."""
    tokens = _tokenize(name) if len(name) <= limits.MAX_NAME_LENGTH else []
    if len(tokens) != 2 or tokens[0].kind != NAME:
        raise ExpressionError(f"'{name[:40]}' is not a valid variable name")
    normalised = tokens[0].text
    if normalised in FUNCTION_NAMES or (keyword.iskeyword(normalised) and normalised != "lambda"):
        raise ExpressionError(f"'{name}' cannot be a variable name: it is a reserved word")
    return normalised


class _Parser:
    def __init__(self, text: str, tokens: list[Token], variables: tuple[str, ...] | None) -> None:
        self.text = text
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.nodes = 0
        self.declared = variables
        self.used: set[str] = set()
        self.conditions: list[Condition] = []  # of the output being read
        self.output_conditions: list[tuple[Condition, ...]] = []
        self.typed: list[str] = []
        self.hints: dict[str, str] = {}

    # token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.position + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.token
        self.position += 1
        return token

    def error(self, token: Token, message: str, hint: str = "") -> ExpressionError:
        return _error(self.text, token.index, message, hint)

    def describe(self, token: Token) -> str:
        if token.kind == END:
            return "the end of the text"
        if token.kind == SEPARATOR:
            return "a new line" if token.text == "\n" else "';'"
        return f"'{token.text}'"

    def count(self, token: Token) -> None:
        self.nodes += 1
        if self.nodes > limits.MAX_NODES:
            raise self.error(token, f"too many operations (the limit is {limits.MAX_NODES})")

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > limits.MAX_NESTING_DEPTH:
            raise self.error(
                token,
                f"nested too deeply (the limit is {limits.MAX_NESTING_DEPTH} levels)",
            )

    def leave(self) -> None:
        self.depth -= 1

    # grammar
    def parse_outputs(self) -> list[sp.Expr]:
        closing = self.list_wrapper()
        outputs: list[sp.Expr] = []
        expect_output = True
        while True:
            token = self.token
            if token.kind == END or (token.kind == CLOSE_LIST and closing == CLOSE_LIST):
                break
            if closing == CLOSE and token.kind == CLOSE and self.peek().kind in (END, SEPARATOR):
                break
            if token.kind in (COMMA, SEPARATOR):
                self.advance()
                expect_output = True
                continue
            if not expect_output:
                if token.kind == OPEN_LIST:
                    raise self.error(token, "'[' here is not maths", " — use ( ) to group")
                raise self.error(token, f"unexpected {self.describe(token)}")
            outputs.append(self.parse_output())
            expect_output = False
            if len(outputs) > limits.MAX_OUTPUTS:
                raise self.error(token, f"too many outputs (the limit is {limits.MAX_OUTPUTS})")
        if closing is not None:
            if self.token.kind != closing:
                raise self.error(self.token, f"missing '{closing}' to close the list")
            self.advance()
            while self.token.kind == SEPARATOR:
                self.advance()
            if self.token.kind != END:
                raise self.error(
                    self.token, f"unexpected {self.describe(self.token)} after the list"
                )
        if not outputs:
            raise ExpressionError("type a function, for example x^2 + 4x - 2")
        return outputs

    def list_wrapper(self) -> str | None:
        """Whether the whole text is a list in [ ] or a tuple in ( ) with commas inside."""
        first = self.token
        if first.kind == OPEN_LIST:
            self.advance()
            return CLOSE_LIST
        if first.kind != OPEN:
            return None
        depth, has_comma = 0, False
        for index in range(self.position, len(self.tokens)):
            token = self.tokens[index]
            depth += token.kind in (OPEN, OPEN_LIST)
            depth -= token.kind in (CLOSE, CLOSE_LIST)
            has_comma |= depth == 1 and token.kind in (COMMA, SEPARATOR)
            if depth == 0:
                rest = {t.kind for t in self.tokens[index + 1 :]}
                if has_comma and rest <= {END, SEPARATOR}:
                    self.advance()
                    return CLOSE
                return None
        return None

    def parse_output(self) -> sp.Expr:
        start = self.token
        self.conditions = []
        expr = self.parse_sum()
        end = self.tokens[self.position - 1]
        self.typed.append(self.text[start.index : end.index + len(end.text)])
        self.output_conditions.append(tuple(dict.fromkeys(self.conditions)))
        if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise self.error(start, "this output is undefined everywhere (it divides by zero)")
        if expr.has(sp.I):
            raise self.error(start, "this output is not a real number anywhere")
        return expr

    # Terms and factors are collected and combined once: sympy sorts a sum or product each time
    # it is built, so adding 400 terms one at a time would take seconds.
    def parse_sum(self) -> sp.Expr:
        terms = [self.parse_term()]
        while self.token.kind == OP and self.token.text in "+-":
            op = self.advance()
            self.count(op)
            right = self.parse_term()
            terms.append(right if op.text == "+" else -right)
        return sp.Add(*terms)

    def parse_term(self) -> sp.Expr:
        factors = [self.parse_unary()]
        while True:
            token = self.token
            if token.kind == OP and token.text in "*/":
                self.advance()
                self.count(token)
                right = self.parse_unary()
                factors.append(right if token.text == "*" else self.reciprocal(right, token))
            elif token.kind in _STARTS_FACTOR:
                self.count(token)
                factors.append(self.parse_power())
            else:
                return sp.Mul(*factors)

    def parse_unary(self) -> sp.Expr:
        token = self.token
        if token.kind == OP and token.text in "+-":
            self.advance()
            self.count(token)
            self.enter(token)
            operand = self.parse_unary()
            self.leave()
            return -operand if token.text == "-" else operand
        return self.parse_power()

    def parse_power(self) -> sp.Expr:
        base = self.parse_primary()
        token = self.token
        if token.kind == OP and token.text == "^":
            self.advance()
            self.count(token)
            self.enter(token)
            exponent = self.parse_unary()
            self.leave()
            return self.power(base, exponent, token)
        return base

    def parse_primary(self) -> sp.Expr:
        token = self.token
        self.count(token)
        if token.kind == NUMBER:
            self.advance()
            return self.number(token)
        if token.kind == OPEN:
            self.advance()
            self.enter(token)
            inner = self.parse_sum()
            self.leave()
            if self.token.kind != CLOSE:
                raise self.error(token, "this '(' is never closed")
            self.advance()
            return inner
        if token.kind == ROOT:
            self.advance()
            self.enter(token)
            operand = self.parse_power()
            self.leave()
            result = UNARY_FUNCTIONS[token.text](operand)
            self.conditions += domain.for_function(token.text, operand, result)
            return result
        if token.kind == NAME:
            return self.parse_name()
        if token.kind == OPEN_LIST:
            raise self.error(token, "'[' here is not maths", " — use ( ) to group")
        if token.kind == CLOSE:
            raise self.error(token, "this ')' has no matching '('")
        if token.kind == END:
            raise self.error(token, "the text ends too early: a value is missing")
        raise self.error(
            token,
            f"expected a number, a variable or '(' but found {self.describe(token)}",
        )

    def parse_name(self) -> sp.Expr:
        token = self.advance()
        name = token.text
        declared = self.declared
        if declared is not None and name in declared:
            return self.variable(name)
        if name in FUNCTION_NAMES:
            return self.parse_function(token)
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if (keyword.iskeyword(name) and name != "lambda") or "__" in name:
            raise self.error(token, f"'{name}' is a Python word, not maths")
        if len(name) > limits.MAX_NAME_LENGTH:
            raise self.error(
                token,
                f"the name '{name[:30]}' is too long (the limit is {limits.MAX_NAME_LENGTH})",
            )
        glued = _glued_function(name)
        if glued is not None:
            function, rest = glued
            raise self.error(
                token,
                f"'{name}' reads as one variable name",
                f" — write {function} {rest} or {function}({rest})",
            )
        if (
            self.token.kind == OPEN
            and name.isalpha()
            and len(name) > 1
            and name not in _GREEK_NAMES
        ):
            close = difflib.get_close_matches(name, sorted(FUNCTION_NAMES), n=1, cutoff=0.6)
            hint = (
                f" — did you mean {close[0]}?" if close else f" — to multiply, write {name}*(...)"
            )
            raise self.error(token, f"unknown function '{name}'", hint)
        if declared is not None:
            known = ", ".join(declared) if declared else "none"
            raise self.error(token, f"unknown variable '{name}' (the knobs are {known})")
        if _reads_like_a_product(name) and name not in self.hints:
            factors = ", ".join(name[:-1]) + f" and {name[-1]}"
            self.hints[name] = (
                f"'{name}' ({line_and_column(self.text, token.index)}) is read as one knob "
                f"named {name}; for the product of {factors}, write {' '.join(name)}"
            )
        return self.variable(name)

    def variable(self, name: str) -> sp.Symbol:
        self.used.add(name)
        if len(self.used) > limits.MAX_VARIABLES:
            raise ExpressionError(f"too many variables (the limit is {limits.MAX_VARIABLES} knobs)")
        return sp.Symbol(name, real=True)

    def parse_function(self, token: Token) -> sp.Expr:
        name = token.text
        self.enter(token)
        power: int | None = None
        if self.token.kind == OP and self.token.text == "^":  # sin^2 x = (sin x)^2
            caret = self.advance()
            exponent = self.token
            if exponent.kind != NUMBER or not exponent.text.isdigit() or int(exponent.text) > 9:
                raise self.error(
                    caret, f"after {name}^ write a small whole number, as in {name}^2 x"
                )
            self.advance()
            power = int(exponent.text)
        if self.token.kind == OPEN:
            opening = self.advance()
            arguments = [self.parse_sum()]
            while self.token.kind == COMMA:
                self.advance()
                arguments.append(self.parse_sum())
            if self.token.kind != CLOSE:
                if self.token.kind == END:
                    raise self.error(opening, "this '(' is never closed")
                raise self.error(self.token, f"expected ')' but found {self.describe(self.token)}")
            self.advance()
        elif self.token.kind in _STARTS_FACTOR:
            if name in VARIADIC_FUNCTIONS:
                raise self.error(token, f"{name} needs brackets: {name}(x, y)")
            arguments = [self.parse_plain_product()]
        else:
            raise self.error(token, f"{name} needs an argument, as in {name}(x)")
        self.leave()
        result = self.apply(token, arguments)
        return result if power is None else self.power(result, sp.Integer(power), token)

    def parse_plain_product(self) -> sp.Expr:
        """The argument of a function written without brackets: ``sin 2x y`` is sin(2 x y)."""
        result = self.parse_power()
        while (
            self.token.kind in _STARTS_FACTOR
            and not (self.token.kind == NAME and self.token.text in FUNCTION_NAMES)
            and self.token.kind != ROOT
        ):
            self.count(self.token)
            result = result * self.parse_power()
        return result

    def apply(self, token: Token, arguments: list[sp.Expr]) -> sp.Expr:
        name = token.text
        if name in VARIADIC_FUNCTIONS:
            if len(arguments) < 2:
                raise self.error(token, f"{name} needs at least two arguments, as in {name}(x, y)")
            result = VARIADIC_FUNCTIONS[name](*arguments)
        else:
            if len(arguments) != 1:
                raise self.error(token, f"{name} takes one argument, not {len(arguments)}")
            argument = arguments[0]
            if name in ("log", "ln", "log2", "log10") and argument.is_zero:
                raise self.error(token, f"{name}(0) is undefined")
            result = UNARY_FUNCTIONS[name](argument)
            self.conditions += domain.for_function(name, argument, result)
        # asin(2) stays unevaluated without an I in it, but is no real number either.
        not_real = result.is_number and result.is_extended_real is False
        if result.has(sp.I, sp.zoo, sp.nan) or not_real:
            raise self.error(token, f"{name} is given a value where it is not a real number")
        return result

    # building numbers and powers safely
    def number(self, token: Token) -> sp.Number:
        literal = token.text
        digits = sum(c.isdigit() for c in literal.split("e")[0].split("E")[0])
        if digits > limits.MAX_LITERAL_DIGITS:
            raise self.error(
                token,
                f"this number has too many digits (the limit is {limits.MAX_LITERAL_DIGITS})",
            )
        try:
            value = Decimal(literal)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
            raise self.error(token, f"'{literal}' is not a number") from exc
        if value != 0 and abs(value.adjusted()) > limits.MAX_NUMBER_DIGITS:
            size = "large" if value.adjusted() > 0 else "small"
            raise self.error(
                token,
                f"the number {literal} is too {size} (at most {limits.MAX_NUMBER_DIGITS} digits)",
            )
        if literal.isdigit():
            return sp.Integer(int(literal))
        return sp.Float(literal, 15)

    def reciprocal(self, denominator: sp.Expr, token: Token) -> sp.Expr:
        if denominator.is_zero:
            raise self.error(token, "division by zero")
        self.conditions += domain.for_division(denominator)
        return sp.Pow(denominator, -1)

    def power(self, base: sp.Expr, exponent: sp.Expr, token: Token) -> sp.Expr:
        if exponent.is_number:
            if not exponent.is_real:
                raise self.error(token, "the exponent is not a real number")
            size = abs(float(exponent))
            if size > limits.MAX_EXPONENT:
                raise self.error(
                    token,
                    f"the exponent {sp.sstr(exponent)[:20]} is too large "
                    f"(the limit is {limits.MAX_EXPONENT})",
                )
            if base.is_number:
                if base.is_zero and exponent.is_negative:
                    raise self.error(token, "division by zero (0 to a negative power)")
                magnitude = abs(complex(base.evalf(20)))
                if magnitude > 0 and size * abs(_log10(magnitude)) > limits.MAX_NUMBER_DIGITS:
                    raise self.error(
                        token,
                        "this power is too large a number "
                        f"(more than {limits.MAX_NUMBER_DIGITS} digits)",
                    )
        result = base**exponent
        if base.is_number and exponent.is_number and result.is_extended_real is False:
            # (-8)^(1/3) is sympy's complex principal root, not the real -2.
            cube_root = exponent == sp.Rational(1, 3)
            hint = " — for the real cube root write cbrt(...)" if cube_root else ""
            raise self.error(token, "this power is not a real number", hint)
        self.conditions += domain.for_power(base, exponent, result)
        return result


def _log10(value: float) -> float:
    import math

    return math.log10(value)


def _reads_like_a_product(name: str) -> bool:
    """'xy', 'abc': a short name of plain letters, which may be meant as a product.

    Not refused (a knob may be called xy); Greek names (eta, mu, pi) are words, not products.
    """
    return name.isascii() and name.isalpha() and 2 <= len(name) <= 3 and name not in _GREEK_NAMES


def _glued_function(name: str) -> tuple[str, str] | None:
    """'sinx' -> ('sin', 'x'): a function name glued to a one-letter variable."""
    for function in sorted(FUNCTION_NAMES, key=len, reverse=True):
        rest = name[len(function) :]
        if name.startswith(function) and re.fullmatch(r"[xyz]\d*", rest):
            return function, rest
    return None


def parse_text(text: str, variables: Sequence[str] | None = None) -> ParsedText:
    """Parse ``text`` into sympy outputs and the ordered knob names, or raise ExpressionError.

    >>> parse_text("x1 x2^2, sqrt(x2 x3)").variables
    ('x1', 'x2', 'x3')
    """
    if not isinstance(text, str):
        raise ExpressionError("the function must be text")
    if len(text) > limits.MAX_TEXT_LENGTH:
        raise ExpressionError(
            f"the text is too long ({len(text)} characters; the limit is {limits.MAX_TEXT_LENGTH})"
        )
    declared: tuple[str, ...] | None = None
    if variables is not None:
        if len(variables) > limits.MAX_VARIABLES:
            raise ExpressionError(f"too many variables (the limit is {limits.MAX_VARIABLES} knobs)")
        declared = tuple(_check_variable_name(str(name)) for name in variables)
        if len(set(declared)) != len(declared):
            raise ExpressionError("a variable is named twice")
    parser = _Parser(text, _tokenize(text), declared)
    outputs = parser.parse_outputs()
    names = declared if declared is not None else tuple(natural_order(parser.used))
    return ParsedText(
        outputs=tuple(outputs),
        variables=names,
        conditions=tuple(parser.output_conditions),
        typed=tuple(parser.typed),
        hints=tuple(parser.hints.values()),
    )
