"""The one-way dependencies the project is built on: pages -> ui -> calculus, never back.

``calculus/`` is the pure maths engine: it must import without Streamlit, so it can be tested,
benchmarked and reused with no server.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    """The top-level names of every module a file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("calculus", {"streamlit", "ui", "pages", "plotly"}), ("ui", {"pages"})],
)
def test_dependencies_point_one_way(folder: str, forbidden: set[str]) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & forbidden)
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    assert not {k: v for k, v in offenders.items() if v}, offenders


def test_the_engine_imports_without_streamlit() -> None:
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "calculus").rglob("*.py")
        if path.name != "__init__.py"
    )
    script = (
        "import sys, importlib\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'ui')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout


#: The lessons are thin: what a page does beyond arranging calculus and ui fits in this many lines.
MAX_PAGE_LINES = 350
#: app.py (the navigation frame) and every lesson together.
MAX_PAGES_LINES = 1500


def _page_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", _page_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_is_over_350_lines(path: Path) -> None:
    assert _line_count(path) <= MAX_PAGE_LINES, (
        f"{path.relative_to(ROOT)} has {_line_count(path)} lines: move its maths to calculus/, "
        "its widgets and figures to ui/"
    )


def test_app_and_pages_together_are_at_most_1500_lines() -> None:
    counts = {str(path.relative_to(ROOT)): _line_count(path) for path in _page_files()}
    assert sum(counts.values()) <= MAX_PAGES_LINES, counts


#: Product files that still write numbers in LaTeX or raise digits by hand instead of calling
#: calculus.reading's number_latex, superscript and subscript; they are being restructured (issue
#: 13) and move to the shared helpers then. The list may only shrink.
NOT_YET_SHARED: set[str] = set()


def test_one_number_to_latex_and_one_super_and_subscript_helper() -> None:
    # Four hand-written copies once gave different LaTeX for the same number (\cdot or \times).
    # 10^{{ is an f-string writing LaTeX's braces; the plain-text "×10^k" forms are other words.
    own_copies = re.compile(r'10\^\{\{|maketrans\("[-−]?0123456789')
    product = [*_page_files(), *(ROOT / "calculus").rglob("*.py"), *(ROOT / "ui").glob("*.py")]
    offenders = sorted(
        name
        for path in product
        if (name := str(path.relative_to(ROOT))) != "calculus/reading.py"
        and own_copies.search(path.read_text(encoding="utf-8"))
    )
    assert set(offenders) <= NOT_YET_SHARED, offenders
