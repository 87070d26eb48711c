"""The package's layering: the core never imports the studies, the plots or the widgets.

The core is the numerics every other part builds on (parameters, drift matrix, closed forms, observables,
dynamics, exceptional points, the three-mode model, trajectory analysis and the paper's printed numbers). The
independent routes (SymPy, Fock space) may use the core only. Imports are read from the source with ``ast``, so a
lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nrqb"
CORE = sorted(p for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py", "cli.py"})
UPPER = ("studies", "plots", "widgets")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the nrqb modules that ``path`` imports (relative imports resolved)."""
    package = "nrqb" if path.parent == PACKAGE else f"nrqb.{path.parent.name}"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {n for n in names if n == "nrqb" or n.startswith("nrqb.")}


def test_the_upper_layers_exist():
    for name in UPPER:
        assert (PACKAGE / name / "__init__.py").is_file(), f"nrqb/{name}/ is not a package"
    assert len(CORE) >= 8


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_imports_no_upper_layer(path):
    bad = sorted(m for m in imported_modules(path) if any(m.startswith(f"nrqb.{u}") for u in UPPER))
    assert not bad, f"nrqb/{path.name} (core) imports {bad}"


def test_the_resolver_sees_upper_imports():
    """The check above can fail: a module of the plots layer is seen importing the core."""
    figures = imported_modules(PACKAGE / "plots" / "figures.py")
    assert "nrqb.dynamics" in figures
