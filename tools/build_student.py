"""Build the book for students: every exercise kept, every solution removed from the HTML.

``make book-student`` runs ``python tools/build_student.py``: it writes a copy of ``_config.yml`` with
sphinx-exercise's ``hide_solutions: true`` (which drops every ``{solution}`` and gated ``{solution-start}`` block,
code cells included, before the HTML is written), without the page-source downloads (``_sources/`` would hold the
full ``.md`` and ``.ipynb`` files, solutions and all) and without the Colab and Binder buttons (they open the
published notebooks, solutions and all), and runs

    jupyter-book build <book> --config <that copy> --path-output _build/student --all -W -n --keep-going

so the student book is ``_build/student/_build/html``. The copy lives in a temporary folder, so every path in it
that Jupyter Book resolves against the config file's folder (``local_extensions``) is made absolute.
``tests/test_student_build.py`` builds a small book both ways through :func:`build` and checks that the solutions'
text is in the normal HTML and nowhere in the student HTML.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
STRICT_FLAGS = ("-W", "-n", "--keep-going")


def book_config(book_dir: Path, *, student: bool, config_file: Path | None = None) -> dict:
    """The book's ``_config.yml`` as a dict, made usable from any folder, with solutions hidden if ``student``.

    Parameters
    ----------
    book_dir : Path
        Folder of the book (holds ``_toc.yml``; sources are resolved against it).
    student : bool
        True: ``hide_solutions: true`` and no page-source downloads. False: the configuration as it is
        (apart from absolute ``local_extensions`` paths).
    config_file : Path, optional
        Configuration to start from; default ``book_dir/_config.yml``.

    Returns
    -------
    dict
        The configuration, ready for :func:`yaml.safe_dump`.
    """
    book_dir = Path(book_dir).resolve()
    config_file = Path(config_file) if config_file is not None else book_dir / "_config.yml"
    config = copy.deepcopy(yaml.safe_load(config_file.read_text(encoding="utf-8")))
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {
        name: str((config_file.resolve().parent / path).resolve()) for name, path in extensions.items()
    } or None
    if sphinx["local_extensions"] is None:
        del sphinx["local_extensions"]
    if student:
        sphinx_config = sphinx.setdefault("config", {})
        sphinx_config["hide_solutions"] = True
        sphinx_config["html_copy_source"] = False
        config.setdefault("html", {})["use_download_button"] = False
        # Colab and Binder would open the published notebooks, which carry the solutions.
        launch = config.setdefault("launch_buttons", {})
        launch["colab_url"] = launch["binderhub_url"] = ""
        config["title"] = f"{config.get('title', 'Book')} (student edition)"
    return config


def build(
    book_dir: Path,
    path_output: Path,
    *,
    student: bool,
    config_file: Path | None = None,
    strict: bool = True,
    capture: bool = True,
    jupyter_book: str | None = None,
) -> subprocess.CompletedProcess:
    """Build the HTML of ``book_dir`` into ``path_output/_build/html``, with solutions (``student=False``) or not.

    Parameters
    ----------
    book_dir : Path
        The book (``_config.yml``, ``_toc.yml``).
    path_output : Path
        Jupyter Book's ``--path-output``.
    student : bool
        Remove every solution (see :func:`book_config`).
    config_file : Path, optional
        Configuration to start from; default ``book_dir/_config.yml``.
    strict : bool
        Warnings are errors, nitpicky references (``-W -n --keep-going``), as in CI.
    capture : bool
        Capture the build's output (else it goes to this process's stdout/stderr).
    jupyter_book : str, optional
        The ``jupyter-book`` executable; default: the one beside this Python interpreter.

    Returns
    -------
    subprocess.CompletedProcess
        With ``returncode``, and ``stdout`` and ``stderr`` (text) if ``capture``.
    """
    book_dir = Path(book_dir).resolve()
    if jupyter_book is None:
        beside = Path(sys.executable).with_name("jupyter-book")
        jupyter_book = str(beside) if beside.exists() else "jupyter-book"
    with tempfile.TemporaryDirectory(prefix="nrqb-config-") as tmp:
        config_path = Path(tmp) / "_config.yml"
        config_path.write_text(
            yaml.safe_dump(book_config(book_dir, student=student, config_file=config_file), sort_keys=False)
        )
        command = [
            jupyter_book,
            "build",
            str(book_dir),
            "--config",
            str(config_path),
            "--path-output",
            str(Path(path_output).resolve()),
            "--all",
            *(STRICT_FLAGS if strict else ()),
        ]
        return subprocess.run(command, capture_output=capture, text=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=REPO, help="book folder (default: the repository)")
    parser.add_argument("--path-output", type=Path, default=REPO / "_build" / "student", help="output folder")
    parser.add_argument("--no-strict", action="store_true", help="do not treat warnings as errors")
    args = parser.parse_args(argv)
    result = build(args.book, args.path_output, student=True, strict=not args.no_strict, capture=False)
    if result.returncode == 0:
        print(f"Student book (no solutions): {args.path_output.resolve() / '_build' / 'html' / 'index.html'}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
