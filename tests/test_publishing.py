"""The files that publish the book agree with each other.

Binder reads requirements.txt, runtime.txt and postBuild; pip reads pyproject.toml; Jupyter Book reads _config.yml,
_toc.yml and references.bib. These tests check that the pins satisfy the package's ranges, that the Python versions
agree, that the launch buttons come out of Jupyter Book's own configuration machinery derived from the one
``repository.url`` setting, that every page in the table of contents exists and is either an executed notebook or a
plain page, that every chapter has exercises with solutions and a Checks section, and that every citation resolves.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from _bookfiles import REFERENCE_PAGES, front_matter, is_notebook, page_source, toc_pages
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
PAGES = toc_pages(REPO / "_toc.yml")
CHAPTERS = [page for page in PAGES if page not in REFERENCE_PAGES]


def _requirement_lines() -> list[str]:
    lines = []
    for raw in (REPO / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _pins() -> dict[str, Version]:
    pins = {}
    for line in _requirement_lines():
        req = Requirement(line)
        (spec,) = req.specifier
        pins[canonicalize_name(req.name)] = Version(spec.version)
    return pins


def _source(page: str) -> str:
    path = page_source(REPO, page)
    assert path is not None, f"{page} is listed in _toc.yml but neither {page}.md nor {page}.ipynb exists"
    return path.read_text(encoding="utf-8")


# --- Binder and pip --------------------------------------------------------------------------------------------


def test_requirements_pin_every_line_exactly_once():
    names = []
    for line in _requirement_lines():
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"requirements.txt: {line!r} is not pinned with =="
        assert "*" not in specs[0].version, f"requirements.txt: {line!r} pins a wildcard"
        names.append(canonicalize_name(req.name))
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"requirements.txt pins these more than once: {duplicates}"


def test_pins_satisfy_the_package_dependencies():
    """Every dependency of nrqb (and of its extras) is pinned, at a version its range allows."""
    pins = _pins()
    project = PYPROJECT["project"]
    dependencies = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        dependencies += extra
    problems = []
    for line in dependencies:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} (pyproject: {line}) is not pinned in requirements.txt")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name}=={pins[name]} (requirements.txt) violates {line} (pyproject.toml)")
    assert not problems, "\n".join(problems)


def test_book_toolchain_is_pinned():
    """Binder builds the same toolchain as `make book`: Jupyter Book 1 and the extensions _config.yml loads."""
    pins = _pins()
    assert pins["jupyter-book"] < Version("2"), "Jupyter Book 2 ignores _config.yml/_toc.yml (toolchain.md)"
    for name in ("jupytext", "sphinx-exercise", "sphinxcontrib-bibtex", "sphinx-thebe", "ipywidgets", "myst-nb"):
        assert name in pins, f"{name} is used by the book but not pinned in requirements.txt"


def test_runtime_matches_requires_python():
    runtime = (REPO / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"runtime.txt must read python-X.Y, not {runtime!r}"
    version = f"{match.group(1)}.{match.group(2)}"
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert requires.contains(version), f"runtime.txt {runtime} violates requires-python {requires}"
    assert f'target-version = "py{match.group(1)}{match.group(2)}"' in (REPO / "pyproject.toml").read_text(), (
        f"runtime.txt {runtime} differs from ruff's target-version in pyproject.toml"
    )


def test_postbuild_installs_package_and_opens_md_as_notebooks():
    path = REPO / "postBuild"
    text = path.read_text()
    assert os.access(path, os.X_OK), "postBuild must be executable (repo2docker runs it directly)"
    assert text.startswith("#!/bin/bash") or text.startswith("#!/usr/bin/env bash")
    commands = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert any(re.search(r"pip install\b.*\s-e \.$", cmd) for cmd in commands), "postBuild must `pip install -e .`"
    viewer = [cmd for cmd in commands if cmd.startswith("jupytext-config set-default-viewer")]
    assert viewer and {"markdown", "myst"} <= set(viewer[0].split()[2:]), (
        "postBuild must make .md (markdown, myst) open as notebooks: jupytext-config set-default-viewer markdown myst"
    )
    assert "jupytext" in _pins(), "postBuild calls jupytext-config, so requirements.txt must pin jupytext"
    subprocess.run(["bash", "-n", str(path)], check=True)


# --- Jupyter Book configuration ---------------------------------------------------------------------------------


def test_launch_buttons_derive_from_repository_url():
    """Jupyter Book turns _config.yml into Sphinx options; the launch buttons and Thebe must come out of it."""
    from jupyter_book.config import get_final_config

    url = CONFIG["repository"]["url"]
    parsed = urlparse(url)
    assert parsed.scheme == "https" and parsed.netloc == "github.com" and len(parsed.path.strip("/").split("/")) == 2
    sphinx_config, _ = get_final_config(
        user_yaml=REPO / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=REPO
    )
    theme = sphinx_config["html_theme_options"]
    launch = theme.get("launch_buttons", {})
    assert launch.get("binderhub_url") == "https://mybinder.org", f"no Binder button in {theme}"
    assert launch.get("colab_url") == "https://colab.research.google.com", f"no Colab button in {theme}"
    assert launch.get("thebe") is True, f"no Thebe button in {theme}"
    assert theme.get("repository_url") == url
    assert theme.get("repository_branch") == CONFIG["repository"]["branch"]
    # the repository appears once in the configuration: everything else is derived from it
    owner_repo = parsed.path.strip("/")
    assert (REPO / "_config.yml").read_text().count(owner_repo) == 1


def test_solutions_shown_in_the_normal_build():
    assert CONFIG["sphinx"]["config"].get("hide_solutions", False) is False
    assert "sphinx_exercise" in CONFIG["sphinx"]["extra_extensions"]


def test_exclude_patterns_keep_non_book_files_out():
    patterns = set(CONFIG["exclude_patterns"])
    for name in ("README.md", "_build", ".venv", "tools", "tests"):
        assert name in patterns, f"exclude_patterns must list {name}"
    assert CONFIG["only_build_toc_files"] is True


# --- pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_toc_page_is_a_notebook_or_a_plain_page(page):
    text = _source(page)
    if is_notebook(text):
        return
    meta = front_matter(text) or {}
    assert "kernelspec" not in meta, f"{page}: kernelspec must be named python3 (with jupytext front matter)"
    assert "{code-cell}" not in text, f"{page}: has code cells but no jupytext/kernelspec front matter, so never runs"


def _directive_args(text: str, name: str) -> list[str]:
    """Arguments of every ```{name} / ````{name} / :::{name} directive in a MyST text."""
    return re.findall(rf"^(?:`{{3,}}|:{{3,}})\{{{re.escape(name)}\}}[ \t]*(.*)$", text, re.MULTILINE)


def _exercise_labels(text: str) -> list[str]:
    labels = []
    for name in ("exercise", "exercise-start"):
        for match in re.finditer(
            rf"^(?:`{{3,}}|:{{3,}})\{{{name}\}}[^\n]*\n((?::[\w-]+:[^\n]*\n)*)", text, re.MULTILINE
        ):
            label = re.search(r"^:label:\s*(\S+)", match.group(1), re.MULTILINE)
            labels.append(label.group(1) if label else "")
    return labels


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_exercises_with_solutions(page):
    text = _source(page)
    labels = _exercise_labels(text)
    assert len(labels) >= 2, f"{page}: {len(labels)} exercises (at least two, written with sphinx-exercise)"
    assert all(labels), f"{page}: every exercise needs a :label: (for its solution)"
    solved = {arg.strip() for name in ("solution", "solution-start") for arg in _directive_args(text, name)}
    unsolved = [label for label in labels if label not in solved]
    assert not unsolved, f"{page}: exercises without a solution: {unsolved}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_a_checks_section(page):
    text = _source(page)
    match = re.search(r"^#{1,6}\s+Checks\s*$", text, re.MULTILINE)
    assert match, f"{page}: no 'Checks' section"
    rest = text[match.end() :]
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", rest, re.MULTILINE | re.DOTALL)
    assert any(re.search(r"^\s*assert\b", cell, re.MULTILINE) for cell in cells), (
        f"{page}: the Checks section has no code cell with an assert"
    )


_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_HIDING = re.compile(r"^:tags:\s*\[([^\]]*)\]", re.MULTILINE)


def _cells(text: str) -> list[tuple[set[str], str]]:
    """(tags, body) of every code cell of a MyST notebook."""
    cells = []
    for body in _CELL.findall(text):
        match = _HIDING.search(body.split("\n\n", 1)[0])
        tags = {t.strip().strip("'\"") for t in match.group(1).split(",")} if match else set()
        cells.append((tags, body))
    return cells


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_shows_its_setup_cell(page):
    """The first code cell (the imports a reader needs to run the page) is shown, not hidden or removed."""
    tags, body = _cells(_source(page))[0]
    assert "import" in body, f"{page}: the first code cell is not the setup cell (no imports)"
    hidden = tags & {"remove-input", "remove-cell", "hide-input", "hide-cell"}
    assert not hidden, f"{page}: the setup cell is hidden ({sorted(hidden)}); a reader needs it to run the page"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_folds_its_checks_and_ends_with_versions(page):
    """Checks cells are folded, and the last section, 'Versions', shows nrqb.about() with its output folded."""
    text = _source(page)
    checks = re.search(r"^#{1,6}\s+Checks\s*$", text, re.MULTILINE)
    versions = re.search(r"^## Versions\s*$", text, re.MULTILINE)
    assert checks and versions and versions.start() > checks.start(), f"{page}: no 'Versions' section after Checks"
    assert not re.search(r"^#{1,2} ", text[versions.end() :], re.MULTILINE), f"{page}: 'Versions' is not last"
    unfolded = [
        body.strip().splitlines()[-1]
        for tags, body in _cells(text[checks.end() : versions.start()])
        if not tags & {"hide-input", "hide-cell", "remove-input", "remove-cell"}
    ]
    assert not unfolded, f"{page}: Checks cells shown unfolded (tag them hide-input): {unfolded}"
    (last,) = _cells(text[versions.end() :])
    assert last[1].strip().endswith("nrqb.about()"), f"{page}: the Versions cell must end with nrqb.about()"
    assert last[0] & {"hide-output", "hide-cell"}, f"{page}: fold the versions (tag hide-output)"


# --- citations --------------------------------------------------------------------------------------------------


def _bib_keys() -> list[str]:
    return re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", (REPO / "references.bib").read_text(), re.MULTILINE)


def test_bibliography_keys_are_unique():
    keys = _bib_keys()
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"references.bib defines these keys more than once: {duplicates}"


def test_every_citation_is_in_references_bib():
    keys = set(_bib_keys())
    missing = []
    for page in PAGES:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", _source(page)):
            missing += [f"{page}: {key.strip()}" for key in group.split(",") if key.strip() not in keys]
    assert not missing, "citations not in references.bib:\n" + "\n".join(missing)


def test_the_paper_is_cited_and_there_is_one_bibliography_page():
    pages_with_bibliography = [p for p in PAGES if "{bibliography}" in _source(p)]
    assert pages_with_bibliography == ["chapters/bibliography"], pages_with_bibliography
    assert any("lin_nrqb" in _source(p) for p in PAGES if p != "chapters/bibliography")


def test_every_glued_figure_has_alt_text():
    """A ``{glue:figure}`` without ``:alt:`` gets its PNG's file name as alt text in the HTML (caught here, early)."""
    missing = []
    for page in CHAPTERS:
        text = _source(page)
        for match in re.finditer(r"```\{glue:figure\}[^\n]*\n((?::[^\n]*\n)*)", text):
            if not re.search(r"^:alt: \S", match.group(1), flags=re.M):
                missing.append(f"{page}:{text[: match.start()].count(chr(10)) + 1}")
    assert not missing, f"glue:figure without :alt: at {missing}"
