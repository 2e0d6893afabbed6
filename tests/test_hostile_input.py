"""Text from anyone on the internet: every attack ends in ExpressionError, fast, and runs nothing.

Each payload refers to a canary file in a temporary folder; if any route executed code, the file
would appear. Each refusal must come back within ``REFUSAL_TIME_S`` (the worker pool is warmed up
first, so the time measured is the engine's, not a process start).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import calculus
from calculus import ExpressionError, limits, parse_function

#: Wall-clock seconds within which any hostile input must be refused.
REFUSAL_TIME_S = 1.0

# "{canary}" is replaced by the canary file's path.
PAYLOADS = [
    # code execution through Python's own routes
    "__import__('os').system('touch {canary}')",
    '__import__("os").system("touch {canary}")',
    "eval(\"open('{canary}', 'w')\")",
    "exec(\"open('{canary}', 'w').write('x')\")",
    "exec(x)",
    "eval(x)",
    "open('{canary}', 'w')",
    "open(x, y)",
    "compile(x, y, z)",
    "lambda: open('{canary}', 'w')",
    "(lambda: __import__('os').system('touch {canary}'))()",
    "[c for c in ().__class__.__bases__[0].__subclasses__()]",
    "(x for x in y)",
    "{c: c for c in x}",
    "x.__class__",
    "().__class__.__bases__",
    "x.__init__.__globals__['os'].system('touch {canary}')",
    "x.real",
    "os.system",
    'f\'{open("{canary}", "w")}\'',
    "'x'",
    "import os",
    "from os import system",
    "x; import os; os.system('touch {canary}')",
    "`touch {canary}`",
    "$(touch {canary})",
    "x = 1; y = 2; x + y",
    "a, b = 1, 2",
    "x := 1",
    "x if x else y",
    "x < y",
    "x == y",
    "x != y",
    "x[0]",
    "x[1:2]",
    "x # open('{canary}', 'w')",
    "x \\\n + y",
    "x @ y",
    "x % y",
    "x & y | z",
    "~x",
    "del x",
    "yield x",
    "await x",
    "assert x",
    "raise x",
    "return x",
    "global x",
    "def f(): pass",
    "class A: pass",
    "not x",
    "x and y",
    "x or y",
    "None",
    "True + x",
    "__builtins__",
    "__import__",
    "globals()",
    "breakpoint()",
    "print(x)",
    "getattr(x, y)",
    # sympy's own eval-based entry points, by name
    "sympify(x)",
    "Symbol(x)",
    "parse_expr('x')",
    "lambdify(x, y)",
    "S('x')",
    # huge numbers and exponents
    "9^9^9^9",
    "2^10^10",
    "((9^9)^9999)^9999",
    "2^2^2^2^2^2",
    "1e999999",
    "x^1e10",
    "(1/3)^100000",
    "10^-400",
    "123456789" * 5,
    # sizes
    "(" * 100_000 + "x" + ")" * 100_000,
    "x+" * 500_000 + "x",  # 1 MB
    "sin(" * 60 + "x" + ")" * 60,
    "-" * 100 + "x",
    " + ".join(f"x{i}" for i in range(limits.MAX_VARIABLES + 1)),
    ", ".join(["x"] * (limits.MAX_OUTPUTS + 1)),
    "+".join(["x"] * (limits.MAX_NODES + 1)),
    # look-alike and invisible characters
    "\u0430 + 1",  # Cyrillic а
    "\u0445^2",  # Cyrillic х
    "\uff58^2",  # fullwidth ｘ
    "x\u200by",  # zero width space
    "\ufeffx",  # byte order mark
    "\u202ex + y",  # right-to-left override
    "x\u200d",  # zero width joiner
    "x\u2028y",  # line separator
    "x\x00",  # NUL
    "x\x1b[2J",  # terminal escape
    "x\u0301",  # combining accent
    "\U0001f600",  # emoji
    "x\ud800",  # lone surrogate
    "x\\x41",  # backslash escape
    "1_000 x",
    "x^\u221e",  # ∞
]


@pytest.fixture(scope="module", autouse=True)
def warm_workers() -> None:
    calculus.start_workers()
    parse_function("x^2 + 1")  # the first job of a process imports code generation


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile") / "CANARY"


def test_there_are_at_least_forty_payloads() -> None:
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p[:40]))
def test_hostile_input_is_refused_fast_and_runs_nothing(payload: str, canary: Path) -> None:
    text = payload.replace("{canary}", str(canary))
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    elapsed = time.perf_counter() - start
    assert elapsed < REFUSAL_TIME_S, f"refusing {text[:60]!r} took {elapsed:.2f} s"
    assert str(caught.value), "a refusal says what is wrong"
    assert not canary.exists(), f"{text[:60]!r} created the canary file"


HOSTILE_VARIABLE_NAMES = [
    "__import__('os').system('touch {canary}')",
    "x.__class__",
    "lambda",  # allowed as a Greek letter: checked separately below
    "sin",
    "exp(x)",
    "x; import os",
    "x\u200b",
    "a" * 100,
    "",
    "1x",
]


@pytest.mark.parametrize(
    "name", [n for n in HOSTILE_VARIABLE_NAMES if n != "lambda"], ids=lambda n: repr(n[:30])
)
def test_hostile_variable_names_are_refused(name: str, canary: Path) -> None:
    with pytest.raises(ExpressionError):
        parse_function("x", ["x", name.replace("{canary}", str(canary))])
    assert not canary.exists()


def test_lambda_is_the_greek_letter_not_python() -> None:
    f = parse_function("2 lambda", ["lambda"])
    assert f.value_at([3.0]).tolist() == [6.0]


def test_non_text_is_refused() -> None:
    for value in (None, 42, b"x^2", ["x"]):
        with pytest.raises(ExpressionError):
            parse_function(value)  # type: ignore[arg-type]


def test_canary_never_appeared(canary: Path) -> None:
    assert not canary.exists()
