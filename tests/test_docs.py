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


# --- CONTRIBUTING.md -------------------------------------------------------------------------------------------

#: A glue name defined in code (``glue("x", ...)``, ``style.glue_figure("x", ...)``, an f-string's fixed start) ...
_GLUE_CALL = re.compile(r"\bglue\w*\(\s*f?[\"']([^\"'{]*)")
#: ... or used in prose (``{glue:text}`x:.2f` ``, a ``{glue:figure} x`` directive).
_GLUE_USE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)|^(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]*(\S+)", flags=re.M)


def _glue_prefixes() -> dict[str, str]:
    """Chapter -> glue prefix, from the table in CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    return dict(re.findall(r"^\| `(chapters/[\w-]+\.md)` \| `(\w+_)` \|$", text, flags=re.M))


def _glue_names(text: str) -> set[str]:
    names = set(_GLUE_CALL.findall(text))
    names |= {a or b for a, b in _GLUE_USE.findall(text)}
    return {n for n in names if n and "::" not in n and "<" not in n}


#: The one shared glue namespace: the paper's printed numbers, ``paper.<key>`` (nrqb.plots.style.glue_paper_quotes).
_PAPER_GLUE = "paper."


def test_contributing_glue_prefixes_match_the_chapters():
    prefixes = _glue_prefixes()
    assert len(prefixes) >= 10, "CONTRIBUTING.md lost its table of glue prefixes"
    assert len(set(prefixes.values())) == len(prefixes), "two chapters share a glue prefix"
    problems = []
    for path in sorted((ROOT / "chapters").glob("*.md")):
        name = path.relative_to(ROOT).as_posix()
        glued = _glue_names(path.read_text())
        if not glued:
            continue
        prefix = prefixes.get(name)
        if prefix is None:
            problems.append(f"{name} glues values but has no prefix in CONTRIBUTING.md's table")
            continue
        stray = sorted(n for n in glued if not n.startswith((prefix, _PAPER_GLUE)))
        if stray:
            problems.append(f"{name}: glue names without the prefix {prefix!r}: {stray}")
        unknown = sorted(
            n for n in glued if n.startswith(_PAPER_GLUE) and n[len(_PAPER_GLUE) :] not in nrqb.paper.QUOTES
        )
        if unknown:
            problems.append(f"{name}: {_PAPER_GLUE}<key> names with no such key in nrqb.paper.QUOTES: {unknown}")
    missing = sorted(c for c in prefixes if not (ROOT / c).is_file())
    problems += [f"CONTRIBUTING.md lists a chapter that does not exist: {c}" for c in missing]
    assert not problems, "\n".join(problems)


def test_the_glue_name_reader_sees_calls_and_uses():
    text = 'glue("ab_x", 1)\nstyle.glue_figure(f"ab_fig{i}", fig)\n{glue:text}`ab_y:.2f` and\n```{glue:figure} ab_z\n'
    assert _glue_names(text) == {"ab_x", "ab_fig", "ab_y", "ab_z"}


def test_contributing_names_the_targets_and_files_it_describes():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for target in re.findall(r"`make (\w[\w-]*)", text):
        assert target in _makefile_targets(), f"CONTRIBUTING.md names make {target}, which does not exist"
    for path in set(re.findall(r"\b((?:tests|tools|nrqb|chapters)/[\w/.-]+\.(?:py|md|mjs|yml))\b", text)):
        if "<" not in path:
            assert (ROOT / path).exists(), f"CONTRIBUTING.md names {path}, which does not exist"


def test_pre_commit_hooks_are_local_and_run_the_pinned_tools():
    """The hooks download nothing (every repo is local) and call ruff and mypy from .venv, pinned in requirements."""
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"]), "a hook repository would be downloaded"
    entries = {hook["id"]: hook["entry"] for hook in hooks}
    assert entries["ruff-check"].startswith(".venv/bin/ruff check")
    assert entries["ruff-format"].startswith(".venv/bin/ruff format")
    assert entries["mypy"] == ".venv/bin/mypy", "the mypy hook runs what `make typecheck` runs"
    assert "$(VENV)/bin/mypy" in (ROOT / "Makefile").read_text()
    pins = (ROOT / "requirements.txt").read_text()
    for tool in ("ruff", "mypy"):
        assert re.search(rf"^{tool}==\S+", pins, flags=re.M), f"{tool} is not pinned in requirements.txt"


def test_readme_layout_names_every_module_and_tool():
    """The README's layout table stays current: every Python module of nrqb and every entry of tools/ is named."""
    text = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([\w./-]+)` \| (.*) \|$", text, flags=re.M))
    named = set(re.findall(r"`([\w.]+)", rows["nrqb/"]))
    modules = {p.stem for p in (ROOT / "nrqb").rglob("*.py") if p.stem not in {"__init__", "__main__"}}
    assert not modules - named, f"README's nrqb/ row does not name: {sorted(modules - named)}"
    tools = {p.name + ("/" if p.is_dir() else "") for p in (ROOT / "tools").iterdir() if not p.name.startswith(".")}
    tools -= {"__pycache__/"}
    missing = sorted(t for t in tools if f"`{t}`" not in rows["tools/"])
    assert not missing, f"README's tools/ row does not name: {missing}"


def test_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in text and re.search(r"^## \[Unreleased\]$", text, flags=re.M)
    headings = re.findall(r"^### (.+)$", text, flags=re.M)
    allowed = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    assert headings and set(headings) <= allowed, f"sections must be among {sorted(allowed)}: {headings}"
    versions = re.findall(r"^## \[([^\]]+)\](.*)$", text, flags=re.M)
    assert versions[0][0] == "Unreleased"
    for version, rest in versions[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version) and re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest), version
