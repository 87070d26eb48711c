"""The examples in the README and in the docstrings run and say what they claim; `make help` lists every target."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nrqb

ROOT = Path(__file__).resolve().parents[1]

#: Every module of the package, found on disk (a new module is tested without being listed here).
MODULES = sorted(["nrqb", *(info.name for info in pkgutil.walk_packages(nrqb.__path__, "nrqb."))])

#: Modules whose docstrings are not run, and why.
NOT_IMPORTED = {"nrqb.__main__": "importing it runs the command line (nrqb.cli has the examples)"}

#: Modules without docstring examples, and why; every other module must have some.
WITHOUT_EXAMPLES = {
    "nrqb.plots": "a package docstring only; its modules carry the examples",
    "nrqb.studies": "a package docstring only; its modules carry the examples",
    "nrqb.widgets": "a package docstring only; nrqb.widgets.explorer carries the examples",
}

#: A numpydoc section heading "Examples" underlined with dashes.
_EXAMPLES_HEADING = re.compile(r"^\s*Examples\s*\n\s*-{3,}\s*$", flags=re.M)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_on_disk_is_discovered():
    on_disk = sorted(_module_name(path) for path in (ROOT / "nrqb").rglob("*.py"))
    assert MODULES == on_disk, "a module is not importable as part of the package (missing __init__.py?)"
    stale = (set(NOT_IMPORTED) | set(WITHOUT_EXAMPLES)) - set(MODULES)
    assert not stale, f"listed modules that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", [m for m in MODULES if m not in NOT_IMPORTED])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder(exclude_empty=False).find(module)
    unrun = [t.name for t in tests if t.docstring and _EXAMPLES_HEADING.search(t.docstring) and not t.examples]
    assert not unrun, f"an Examples section without a single >>> example (doctest would skip it): {unrun}"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (printed above)"
    if name in WITHOUT_EXAMPLES:
        assert result.attempted == 0, f"{name} has examples now: remove it from WITHOUT_EXAMPLES"
    else:
        assert result.attempted > 0, f"{name} has no docstring examples: add one (or say why in WITHOUT_EXAMPLES)"


def test_readme_python_block_runs_and_matches_the_api():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    p, tr, ss = namespace["p"], namespace["tr"], namespace["ss"]
    assert p == nrqb.paper_params()
    assert tr.E_B.shape == (501,)
    assert ss.E_B == pytest.approx(float(nrqb.steady_state(p).E_B))
    assert np.isfinite(namespace["J_ep"])


def test_readme_names_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert "make book" in text and "make test" in text
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^book:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _makefile_targets() -> list[str]:
    """Every explicit rule of the Makefile (not variables, not file targets such as $(STAMP))."""
    text = (ROOT / "Makefile").read_text()
    return re.findall(r"^([A-Za-z][A-Za-z0-9_.-]*):(?!=)", text, flags=re.M)


def test_make_help_lists_every_target_with_a_description():
    targets = _makefile_targets()
    assert {"help", "book", "test", "typecheck"} <= set(targets)
    out = subprocess.run(["make", "-s", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    listed = dict(re.findall(r"^  make (\S+) +(\S.*)$", out.stdout, flags=re.M))
    missing = [t for t in targets if t not in listed]
    assert not missing, f"targets without a `## name: description` line above them: {missing}"
    unknown = sorted(set(listed) - set(targets))
    assert not unknown, f"make help lists targets that do not exist: {unknown}"
    phony = re.findall(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), flags=re.M)
    not_phony = set(targets) - {name for line in phony for name in line.split()}
    assert not not_phony, f"targets not declared .PHONY (none of them makes a file): {sorted(not_phony)}"


def test_make_without_a_target_prints_the_help():
    out = subprocess.run(["make", "-s", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "make help" in out.stdout and "make test" in out.stdout
