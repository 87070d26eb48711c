"""The student build (``make book-student``, tools/build_student.py) removes every solution; the normal build keeps
them (collapsed).

The slow test builds a two-page book in a temporary folder, with the repository's own ``_config.yml``, both ways
through ``build_student.build`` (the code path of ``make book-student``), and looks for the solutions' text in every
file of each HTML tree.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml
from _bookfiles import FRONT_MATTER

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_student", REPO / "tools" / "build_student.py")
build_student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_student)

EXERCISE_TEXT = "EXERCISE-STATEMENT-7f3a: show that the battery charges."
PROSE_SOLUTION = "PROSE-SOLUTION-91c2"
CODE_SOLUTION = "CODE-SOLUTION-5d08"


EXERCISES_PAGE = f"""{FRONT_MATTER}
# Exercises

```{{exercise}} Prose
:label: ex-fixture-1

{EXERCISE_TEXT}
```

````{{solution}} ex-fixture-1
:class: dropdown

{PROSE_SOLUTION}: the drift matrix is lower triangular.
````

```{{exercise}} Code
:label: ex-fixture-2

Compute a number.
```

```{{solution-start}} ex-fixture-2
:class: dropdown
```

The number is printed below.

```{{code-cell}} ipython3
print("{CODE_SOLUTION}".lower())
```

```{{solution-end}}
```
"""


def _write_book(root: Path) -> Path:
    root.mkdir()
    shutil.copy(REPO / "references.bib", root / "references.bib")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: exercises\n")
    (root / "index.md").write_text("# Fixture book\n\nA page without exercises.\n")
    (root / "exercises.md").write_text(EXERCISES_PAGE)
    return root


def _html_text(html_dir: Path) -> dict[str, str]:
    """Every text file of a built HTML tree, by path relative to it."""
    texts = {}
    for path in html_dir.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".txt", ".md", ".ipynb", ".json", ".inv"}:
            texts[str(path.relative_to(html_dir))] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def test_repository_config_shows_solutions():
    """`make book` keeps the solutions (collapsed); only the student build hides them."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert config["sphinx"]["config"].get("hide_solutions", False) is False
    assert "sphinx_exercise" in config["sphinx"]["extra_extensions"]


def test_student_config_hides_solutions_and_sources():
    normal = build_student.book_config(REPO, student=False)
    student = build_student.book_config(REPO, student=True)
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert student["sphinx"]["config"]["html_copy_source"] is False
    assert student["html"]["use_download_button"] is False
    assert normal["sphinx"]["config"].get("hide_solutions", False) is False
    # everything else is the book's own configuration
    assert student["repository"] == normal["repository"]
    # no launch buttons: Colab and Binder would open the published notebooks, which carry the solutions
    assert normal["launch_buttons"]["colab_url"] and normal["launch_buttons"]["binderhub_url"]
    assert student["launch_buttons"]["colab_url"] == student["launch_buttons"]["binderhub_url"] == ""
    assert {k: v for k, v in student["launch_buttons"].items() if not k.endswith("_url")} == {
        k: v for k, v in normal["launch_buttons"].items() if not k.endswith("_url")
    }
    for config in (normal, student):
        for name, path in config["sphinx"].get("local_extensions", {}).items():
            assert Path(path).is_absolute(), f"local extension {name} path {path} must be absolute in the copy"
            assert (Path(path) / f"{name}.py").is_file(), f"local extension {name} not found in {path}"


@pytest.mark.slow
def test_student_html_contains_no_solution(tmp_path):
    book = _write_book(tmp_path / "book")
    outputs = {}
    for student in (False, True):
        out = tmp_path / ("student" if student else "normal")
        result = build_student.build(book, out, student=student, config_file=REPO / "_config.yml")
        assert result.returncode == 0, (
            f"{'student' if student else 'normal'} build failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
        outputs[student] = _html_text(out / "_build" / "html")

    normal_page = outputs[False]["exercises.html"]
    assert PROSE_SOLUTION in normal_page, "the normal build lost the prose solution"
    assert CODE_SOLUTION.lower() in normal_page, "the normal build lost the code-cell solution's output"
    assert CODE_SOLUTION in normal_page, "the normal build lost the code-cell solution's source"
    assert "dropdown" in normal_page and "Solution to" in normal_page

    student_page = outputs[True]["exercises.html"]
    assert EXERCISE_TEXT in student_page, "the student build lost an exercise statement"
    assert "Solution to" not in student_page
    leaks = [
        f"{name}: {needle}"
        for name, text in outputs[True].items()
        for needle in (PROSE_SOLUTION, CODE_SOLUTION, CODE_SOLUTION.lower())
        if needle in text
    ]
    assert not leaks, f"solution text in the student build: {leaks}"
    # The normal build offers Colab and Binder (they open the published notebooks, solutions included); the
    # student build does not.
    assert "colab.research.google.com" in normal_page and "mybinder.org" in normal_page
    launch = [
        name
        for name, text in outputs[True].items()
        if name.endswith(".html") and ("colab.research.google.com" in text or "mybinder.org" in text)
    ]
    assert not launch, f"launch links to notebooks with solutions in the student build: {launch}"
