"""The book's execution cache (tools/book_ext/nrqb_exec.py) is never stale, never reuses a failure, runs in parallel.

The slow tests build small books in temporary folders with the real ``jupyter-book`` and the extension. Their
chapters import a package ``nrqb`` of their own (``<book>/nrqb``, put first on ``sys.path`` by the chapter) and
append a line to ``<book>/runs.log`` each time they execute, so a test sees exactly which chapters ran. The last
tests hold the repository's own configuration and chapters to the same rules.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from _bookfiles import FRONT_MATTER, is_notebook, page_source, toc_pages
from jupyter_cache import get_cache

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nrqb_exec", REPO / "tools" / "book_ext" / "nrqb_exec.py")
nrqb_exec = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = nrqb_exec  # its dataclasses look their module up
_spec.loader.exec_module(nrqb_exec)

JUPYTER_BOOK = str(Path(sys.executable).with_name("jupyter-book"))
# myst-nb's own message when it executes a notebook itself: in cache mode with this extension it never should.
MYSTNB_EXECUTES = "Executing notebook using"


def chapter(name: str, prose: str, code: str) -> str:
    """A MyST notebook page: a title, ``prose``, then one code cell that logs its run and then runs ``code``."""
    setup = f"""\
import os, sys
sys.path.insert(0, os.path.abspath(".."))
with open("../runs.log", "a") as log:
    log.write("{name}\\n")
"""
    return f"{FRONT_MATTER}\n# {name.title()}\n\n{prose}\n\n```{{code-cell}} ipython3\n{setup}{code}\n```\n"


def make_book(root: Path, pages: dict[str, str], *, nrqb_source: str = "def value():\n    return 41\n") -> Path:
    """Write a book in ``root``: the pages (first is the root page), its own ``nrqb`` package, ``requirements.txt``,
    and a ``_config.yml`` with the repository's execution settings and this extension."""
    repo_config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    (root / "chapters").mkdir(parents=True)
    (root / "nrqb").mkdir()
    (root / "nrqb" / "__init__.py").write_text(nrqb_source)
    (root / "requirements.txt").write_text("numpy==2.4.6\n")
    names = list(pages)
    for name, text in pages.items():
        (root / "chapters" / f"{name}.md").write_text(text)
    toc = {
        "format": "jb-book",
        "root": f"chapters/{names[0]}",
        "chapters": [{"file": f"chapters/{n}"} for n in names[1:]],
    }
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = {
        "title": "Cache fixture",
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "nrqb", "runs.log"],
        "execute": repo_config["execute"],
        "sphinx": {
            "local_extensions": {"nrqb_exec": str(REPO / "tools" / "book_ext")},
            "config": {"nb_execution_raise_on_error": True, "nb_execution_show_tb": True},
        },
    }
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


def build(root: Path, *, jobs: int = 2, fresh: bool = False) -> subprocess.CompletedProcess:
    """``jupyter-book build`` of ``root`` as ``make book`` runs it (incremental unless ``fresh``), warnings as errors."""
    env = {**os.environ, nrqb_exec.JOBS_VARIABLE: str(jobs)}
    command = [JUPYTER_BOOK, "build", str(root), "-W", "-n", "--keep-going", *(["--all"] if fresh else [])]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=600)
    result.log = result.stdout + result.stderr
    assert MYSTNB_EXECUTES not in result.log, "myst-nb executed a notebook itself: the extension's cache missed"
    return result


def runs(root: Path) -> list[str]:
    """The chapters executed so far, in order."""
    log = root / "runs.log"
    return log.read_text().split() if log.exists() else []


def html(root: Path, name: str) -> str:
    return (root / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def two_chapters(root: Path) -> Path:
    """One page glues a value computed by the book's nrqb into its prose; the other links to it."""
    return make_book(
        root,
        {
            "one": chapter(
                "one",
                "The value is {glue:text}`one_value`.\n\n(sec-one)=\n## A section",
                'import nrqb\nfrom myst_nb import glue\nglue("one_value", nrqb.value(), display=False)',
            ),
            "two": chapter("two", "See {ref}`sec-one` in {doc}`one`.", "print(2 + 2)"),
        },
    )


def glued(page: str) -> list[str]:
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', page)


# --- the key -----------------------------------------------------------------------------------------------------


def test_inputs_digest_follows_sources_not_byte_code(tmp_path):
    (tmp_path / "nrqb" / "sub").mkdir(parents=True)
    (tmp_path / "nrqb" / "a.py").write_text("x = 1\n")
    (tmp_path / "nrqb" / "sub" / "physics.mjs").write_text("export const x = 1;\n")
    (tmp_path / "requirements.txt").write_text("numpy==2.4.6\n")
    first = nrqb_exec.inputs_digest(tmp_path)
    (tmp_path / "nrqb" / "__pycache__").mkdir()
    (tmp_path / "nrqb" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "nrqb" / ".a.py.swp").write_bytes(b"\0")
    (tmp_path / "unrelated.txt").write_text("not an input\n")
    assert nrqb_exec.inputs_digest(tmp_path) == first, "byte-code, hidden files and other folders are not inputs"
    changes = [
        lambda: (tmp_path / "nrqb" / "a.py").write_text("x = 2\n"),
        lambda: (tmp_path / "nrqb" / "sub" / "physics.mjs").write_text("export const x = 2;\n"),
        lambda: (tmp_path / "nrqb" / "b.py").write_text(""),
        lambda: (tmp_path / "requirements.txt").write_text("numpy==2.4.5\n"),
    ]
    seen = {first}
    for change in changes:
        change()
        digest = nrqb_exec.inputs_digest(tmp_path)
        assert digest not in seen, "each change of nrqb/ or requirements.txt must change the digest"
        seen.add(digest)


def test_book_reads_keeps_the_files_a_key_must_cover(tmp_path):
    for name in ("chapters/one.md", "data/table.csv", "nrqb/a.py", "requirements.txt", "_build/html/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "numpy.py").write_text("")
    logged = [str(tmp_path / n) for n in ("chapters/one.md", "data/table.csv", "nrqb/a.py", "requirements.txt")]
    logged += [str(tmp_path / "_build/html/x.html"), str(tmp_path / ".venv/lib/numpy.py"), "/etc/hostname"]
    logged += [str(tmp_path / "deleted.txt")]
    reads = nrqb_exec.book_reads(logged, tmp_path)
    assert sorted(reads) == ["chapters/one.md", "data/table.csv"], "nrqb/, requirements, _build, .venv are not"
    assert nrqb_exec.reads_unchanged(tmp_path, reads)
    (tmp_path / "data/table.csv").write_text("changed")
    assert not nrqb_exec.reads_unchanged(tmp_path, reads)
    (tmp_path / "data/table.csv").unlink()
    assert not nrqb_exec.reads_unchanged(tmp_path, reads), "a file that is gone has changed"


def test_kernel_reads_logs_reads_under_the_root_only(tmp_path):
    """The audit hook, in a fresh interpreter as in a kernel: reads under the root are logged once, writes never."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "data.txt").write_text("1")
    (tmp_path / "outside.txt").write_text("2")
    code = textwrap.dedent(
        """\
        import os, runpy, sys
        runpy.run_path(sys.argv[1], {"READS_ROOT": sys.argv[2], "READS_LOG": sys.argv[3]}, "nrqb_kernel_reads")
        os.chdir(sys.argv[2])
        open("data.txt").read(); open("data.txt", "rb").read(); open("../outside.txt").read()
        open("written.txt", "w").write("3"); open("data.txt", "a").write("4")
        os.close(os.open("data.txt", os.O_RDONLY)); os.close(os.open("made.txt", os.O_WRONLY | os.O_CREAT))
        """
    )
    log = tmp_path / "reads.log"
    script = [sys.executable, "-c", code, str(nrqb_exec.KERNEL_READS), str(tmp_path / "book"), str(log)]
    subprocess.run(script, check=True)
    assert log.read_text().splitlines() == [str(tmp_path / "book" / "data.txt")]


def test_execution_jobs(monkeypatch):
    monkeypatch.delenv(nrqb_exec.JOBS_VARIABLE, raising=False)
    assert nrqb_exec.execution_jobs(3) == 3
    assert nrqb_exec.execution_jobs(0) == len(os.sched_getaffinity(0))
    monkeypatch.setenv(nrqb_exec.JOBS_VARIABLE, "1")
    assert nrqb_exec.execution_jobs(3) == 1
    monkeypatch.setenv(nrqb_exec.JOBS_VARIABLE, "-1")
    with pytest.raises(ValueError, match="NRQB_EXECUTION_JOBS"):
        nrqb_exec.execution_jobs(0)


def _job() -> nrqb_exec.Job:
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
    return nrqb_exec.Job("page", str(REPO / "chapters" / "page.md"), nbformat.writes(notebook), 30, False)


def test_a_kernel_that_dies_at_start_is_retried_once(monkeypatch):
    calls = []

    def flaky(notebook, **kwargs):
        calls.append(kwargs["cwd"])
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        notebook.cells[0].execution_count = 1
        return types.SimpleNamespace(nb=notebook, time=0.1, err=None, exc_string=None)

    monkeypatch.setattr(nrqb_exec, "single_nb_execution", flaky)
    outcome = nrqb_exec.execute_notebook(_job())
    assert outcome.error is None and len(calls) == 2
    assert calls[0] == str(REPO / "chapters"), "executed in the chapter's own folder"


def test_a_kernel_that_dies_after_running_a_cell_is_not_retried(monkeypatch):
    calls = []

    def crash(notebook, **kwargs):
        calls.append(1)
        notebook.cells[0].execution_count = 1  # a cell ran, then the kernel died: the chapter's fault, reported
        raise RuntimeError("Kernel died")

    monkeypatch.setattr(nrqb_exec, "single_nb_execution", crash)
    outcome = nrqb_exec.execute_notebook(_job())
    assert outcome.error == "RuntimeError" and "Kernel died" in outcome.traceback and calls == [1]


# --- building ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_chapter_executes_when_its_inputs_change_and_only_then(tmp_path):
    root = two_chapters(tmp_path / "book")
    first = build(root)
    assert first.returncode == 0, first.log
    assert sorted(runs(root)) == ["one", "two"]
    assert glued(html(root, "one")) == ["41"]

    again = build(root)
    assert again.returncode == 0, again.log
    assert sorted(runs(root)) == ["one", "two"], "an unchanged book must not execute again"
    assert "no targets are out of date" in again.log

    fresh = build(root, fresh=True)  # a fresh Sphinx environment (--all) still takes every output from the cache
    assert fresh.returncode == 0, fresh.log
    assert sorted(runs(root)) == ["one", "two"]
    assert glued(html(root, "one")) == ["41"]

    edit(root / "chapters" / "two.md", "See {ref}", "Now see {ref}")  # prose that no code reads
    prose = build(root)
    assert prose.returncode == 0, prose.log
    assert sorted(runs(root)) == ["one", "two"], "a prose edit changes no output: nothing executes"
    assert "Now see" in html(root, "two")

    edit(root / "chapters" / "two.md", "print(2 + 2)", "print(2 + 3)")  # its code
    code = build(root)
    assert code.returncode == 0, code.log
    assert sorted(runs(root)) == ["one", "two", "two"], "a chapter's code change executes that chapter only"
    assert ">5<" in html(root, "two").replace("\n", "<")

    edit(root / "nrqb" / "__init__.py", "return 41", "return 42")  # a function the first chapter uses
    package = build(root)
    assert package.returncode == 0, package.log
    assert sorted(runs(root)) == ["one", "one", "two", "two", "two"], "any chapter may use nrqb: all execute"
    assert glued(html(root, "one")) == ["42"], "the page shows the value of the changed function"

    (root / "requirements.txt").write_text("numpy==2.4.5\n")
    pins = build(root)
    assert pins.returncode == 0, pins.log
    assert sorted(runs(root)) == ["one"] * 3 + ["two"] * 4


@pytest.mark.slow
def test_a_chapter_executes_when_a_file_it_reads_changes(tmp_path):
    """A chapter that reads a data file and its own text: either change executes it (and only it)."""
    root = two_chapters(tmp_path / "book")
    (root / "data.txt").write_text("7")
    (root / "chapters" / "reader.md").write_text(
        chapter(
            "reader",
            "Data {glue:text}`reader_data`, {glue:text}`reader_words` words of text.",
            "from pathlib import Path\nfrom myst_nb import glue\n"
            'glue("reader_data", Path("../data.txt").read_text().strip(), display=False)\n'
            'glue("reader_words", len(Path("reader.md").read_text().split()), display=False)',
        )
    )
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    toc["chapters"].append({"file": "chapters/reader"})
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    assert build(root).returncode == 0
    assert sorted(runs(root)) == ["one", "reader", "two"]
    words = int(glued(html(root, "reader"))[1])

    (root / "data.txt").write_text("8")  # no page changed, a file a chapter read did
    data = build(root)
    assert data.returncode == 0, data.log
    assert sorted(runs(root)) == ["one", "reader", "reader", "two"]
    assert glued(html(root, "reader"))[0] == "8"

    edit(root / "chapters" / "reader.md", "words of text.", "words of text, and more.")  # prose it reads
    prose = build(root)
    assert prose.returncode == 0, prose.log
    assert sorted(runs(root)) == ["one", "reader", "reader", "reader", "two"]
    assert int(glued(html(root, "reader"))[1]) == words + 2


@pytest.mark.slow
def test_a_failing_cell_fails_the_build_and_is_never_cached(tmp_path):
    root = two_chapters(tmp_path / "book")
    edit(root / "chapters" / "two.md", "print(2 + 2)", 'raise RuntimeError("FAILS-3c9e")')
    for attempt in (1, 2):
        result = build(root)
        assert result.returncode != 0, "a failing cell must fail the build"
        assert "FAILS-3c9e" in result.log, "the traceback must be shown"
        assert "chapters/two" in result.log
        assert runs(root).count("two") == attempt, "a failure is never cached: the next build executes it again"
        assert runs(root).count("one") == 1, "the chapter that passed was cached and is not executed again"
    assert (root / "_build" / "html" / "reports" / "chapters" / "two.err.log").is_file()


@pytest.mark.slow
def test_outputs_are_not_cached_if_nrqb_changes_during_the_build(tmp_path):
    root = two_chapters(tmp_path / "book")
    edit(root / "chapters" / "two.md", "print(2 + 2)", 'open("../nrqb/__init__.py", "a").write("# edited\\n")')
    result = build(root)
    assert result.returncode != 0 and "changed while this chapter executed" in result.log, result.log
    cached = {Path(record.uri).stem for record in get_cache(root / "_build" / ".jupyter_cache").list_cache_records()}
    assert "two" not in cached, "outputs computed while nrqb/ changed were cached"


@pytest.mark.slow
def test_an_incremental_build_warns_like_a_fresh_one(tmp_path):
    root = two_chapters(tmp_path / "book")
    assert build(root).returncode == 0
    # a label removed from one page breaks a reference in the other, unchanged page
    edit(root / "chapters" / "one.md", "(sec-one)=\n", "")
    broken = build(root)
    assert broken.returncode != 0 and "sec-one" in broken.log, broken.log
    # the last build was not clean: the same warning again, although nothing changed since
    again = build(root)
    assert again.returncode != 0 and "sec-one" in again.log, again.log


@pytest.mark.slow
def test_chapters_execute_in_parallel(tmp_path):
    """Each chapter waits (up to a minute) until the other one has started: executed one after the other, the
    first would time out; in two workers they meet."""
    wait = textwrap.dedent(
        """\
        import pathlib, time
        pathlib.Path("../started-{me}").touch()
        deadline = time.monotonic() + 60
        while not pathlib.Path("../started-{other}").exists():
            assert time.monotonic() < deadline, "the other chapter never started: not executed in parallel"
            time.sleep(0.05)"""
    )
    root = make_book(
        tmp_path / "book",
        {
            "left": chapter("left", "Left.", wait.format(me="left", other="right")),
            "right": chapter("right", "Right.", wait.format(me="right", other="left")),
        },
    )
    result = build(root, jobs=2)
    assert result.returncode == 0, result.log
    assert "with 2 worker(s)" in result.log
    assert sorted(runs(root)) == ["left", "right"]


# --- the repository ----------------------------------------------------------------------------------------------


def test_book_config_uses_the_cache_and_this_extension():
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "cache", "'force' executes everything on every build"
    assert config["execute"].get("allow_errors", False) is False
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True, "a failing cell must fail the build"
    assert config["sphinx"]["local_extensions"].get("nrqb_exec") == "tools/book_ext"


def test_import_nrqb_loads_no_heavy_library():
    """Every chapter's kernel imports nrqb: SciPy, SymPy, QuTiP, Matplotlib and the widgets load only where used."""
    heavy = ("scipy", "sympy", "qutip", "matplotlib", "ipywidgets", "PIL")
    probe = f"import sys, nrqb; print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import nrqb loads {out.strip()}"


def _imported_names(tree: ast.Module) -> dict[str, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


@pytest.mark.parametrize("page", [p for p in toc_pages(REPO / "_toc.yml") if page_source(REPO, p)])
def test_chapters_import_only_what_they_use(page):
    """A kernel imports what the chapter names: every import in a chapter is used in its code (SymPy, QuTiP and
    the widgets cost 0.2-0.9 s each to import)."""
    path = page_source(REPO, page)
    if not is_notebook(path.read_text(encoding="utf-8")):
        return
    cells = [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]
    code = "\n".join(
        "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith("%")) for cell in cells
    )
    tree = ast.parse(code)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    # IPython.display is loaded in every kernel before the first cell: an unused name from it costs nothing.
    unused = {
        name: module
        for name, module in _imported_names(tree).items()
        if name not in used and not module.startswith("IPython.")
    }
    assert not unused, f"{page} imports but never uses: {unused}"
