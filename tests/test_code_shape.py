"""The shape of the package's code: short functions, documented public names, raw docstrings for LaTeX.

Read from the source with ``ast`` (nothing is imported), so every module of ``nrqb/`` is covered, the ones that
need optional packages included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nrqb"
SOURCES = sorted(PACKAGE.rglob("*.py"))

#: Longest function allowed, counted from its ``def`` line to its last line (docstring included).
MAX_FUNCTION_LINES = 80

#: TEMPORARY: functions in code being rewritten (the explorer as an anywidget, the solver for precision). Each
#: entry fails the test as soon as its function is short enough or gone, so the list can only shrink: delete an
#: entry when it fails.
BEING_REWRITTEN: set[str] = set()


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def function_lengths(source: str) -> dict[str, int]:
    """``qualified name -> lines from def to end`` for every function, method and nested function in ``source``."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                lengths[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return lengths


def _all_lengths() -> dict[str, int]:
    return {
        f"{_relative(path)}::{name}": n
        for path in SOURCES
        for name, n in function_lengths(path.read_text(encoding="utf-8")).items()
    }


def test_the_length_counter_counts_from_def_to_end():
    source = "class A:\n    @staticmethod\n    def f():\n        def g():\n            pass\n\n        return g\n"
    assert function_lengths(source) == {"A.f": 5, "A.f.g": 2}
    long = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    assert function_lengths(long)["f"] == MAX_FUNCTION_LINES + 1


def test_no_function_is_longer_than_the_limit():
    lengths = _all_lengths()
    too_long = {name: n for name, n in lengths.items() if n > MAX_FUNCTION_LINES and name not in BEING_REWRITTEN}
    assert not too_long, f"functions longer than {MAX_FUNCTION_LINES} lines (split them): {too_long}"
    done = sorted(name for name in BEING_REWRITTEN if lengths.get(name, 0) <= MAX_FUNCTION_LINES)
    assert not done, f"now short enough or gone: remove them from BEING_REWRITTEN: {done}"


def _docstring_owners(tree: ast.Module) -> list[ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef]:
    return [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef))]


def _is_overload(node: ast.AST) -> bool:
    decorators = getattr(node, "decorator_list", [])
    return any(isinstance(d, ast.Name | ast.Attribute) and ast.unparse(d).endswith("overload") for d in decorators)


@pytest.mark.parametrize("path", SOURCES, ids=_relative)
def test_module_and_public_names_have_docstrings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{_relative(path)} has no module docstring"
    public = [n for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef) and not n.name.startswith("_")]
    methods = [
        m
        for cls in public
        if isinstance(cls, ast.ClassDef)
        for m in cls.body
        if isinstance(m, ast.FunctionDef) and not m.name.startswith("_")
    ]
    missing = [n.name for n in public + methods if not _is_overload(n) and not ast.get_docstring(n)]
    assert not missing, f"{_relative(path)}: public names without a docstring: {missing}"


def cooked_docstrings(source: str) -> list[str]:
    """Names of the module, classes and functions in ``source`` whose docstring has a backslash but is not raw."""
    cooked = []
    for owner in _docstring_owners(ast.parse(source)):
        body = owner.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            text = ast.get_source_segment(source, body[0].value) or ""
            if isinstance(body[0].value.value, str) and "\\" in text and text[:1] not in "rR":
                cooked.append(getattr(owner, "name", "<module>"))
    return cooked


def test_the_raw_docstring_check_sees_doubled_backslashes():
    assert cooked_docstrings('def f():\n    """rate \\\\Gamma"""\n') == ["f"]
    assert cooked_docstrings('def f():\n    r"""rate \\Gamma"""\n') == []


@pytest.mark.parametrize("path", SOURCES, ids=_relative)
def test_docstrings_with_backslashes_are_raw(path):
    """LaTeX in a docstring is written once, in a raw string, never with doubled backslashes."""
    cooked = cooked_docstrings(path.read_text(encoding="utf-8"))
    assert not cooked, f"{_relative(path)}: docstrings with backslashes that are not raw strings: {cooked}"
