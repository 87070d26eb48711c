"""Sphinx extension for the nrqb book: small fixes to the HTML that Jupyter Book 1 writes, and its own scripts.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``. Each fix removes an error that a reader's browser
console shows (tests/test_browser.py fails on any console error):

1. Sphinx 7.4 emits inline scripts registered with ``app.add_js_file(None, body=...)`` twice (once as ``None``, once
   as ``''``), so sphinx-thebe's ``const THEBE_JS_URL = ...`` is declared twice: a SyntaxError on every page.
   Identical scripts are emitted once.

Self-contained pages (no file from another host): after every HTML build it copies into ``_static/nrqb-js/``

* ``anywidget-static.js`` (beside this file), which ``nb_ipywidgets_js`` in ``_config.yml`` loads, deferred, on the
  pages that carry widget state: it renders the book's anywidgets from that state, with no kernel, instead of
  require.js and the 3.6 MB ipywidgets html-manager from a CDN;
* MathJax 3 from the pinned npm package in ``tools/js/node_modules`` (``make js-deps``), which ``mathjax_path``
  points at: the combined ``tex-mml-chtml.js`` and the components and fonts it loads on demand, with its licence.

They go in a subfolder of ``_static`` because Jupyter Book 1 adds every ``.js`` file of the book's own ``_static``
folder to every page; these are copied into the output only, so each page loads only what it names.

It also makes ``hide_solutions: true`` (the student build, tools/build_student.py) work for gated solutions:
sphinx-exercise 1.2.1 then drops only the ``{solution-start}`` marker, leaves the solution's content (code cells
included) in the page and crashes on the orphaned ``{solution-end}``. Here sphinx-exercise keeps building every
solution and this extension removes the merged solution nodes, whole, once the doctree is read.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: Where the book's own scripts go in the output (a subfolder: see the module notes).
STATIC_SUBDIR = "nrqb-js"
MATHJAX = HERE.parents[1] / "tools" / "js" / "node_modules" / "mathjax"
# The combined component the pages load, and what it loads on demand (TeX extensions, menu, accessibility, fonts).
MATHJAX_FILES = ("es5/tex-mml-chtml.js",)
MATHJAX_DIRS = ("es5/input/tex/extensions", "es5/input/mml", "es5/output/chtml", "es5/ui", "es5/a11y", "es5/sre")


def _key(script: Any) -> tuple:
    attributes = tuple(sorted((k, v) for k, v in script.attributes.items() if v is not None))
    return (str(script.filename or ""), attributes)


def fix_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context`` handler: emit each script once."""
    scripts = context.get("script_files")
    if not scripts:
        return
    unique, seen = [], set()
    for script in scripts:
        if _key(script) not in seen:
            seen.add(_key(script))
            unique.append(script)
    scripts[:] = unique


def require_mathjax(app: Any) -> None:
    """``builder-inited``: fail early, with the fix, when the pinned MathJax is not installed."""
    if app.builder.format == "html" and not (MATHJAX / MATHJAX_FILES[0]).is_file():
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"MathJax is not installed at {MATHJAX}: run `make js-deps` (tools/js/install.sh)")


def copy_book_scripts(app: Any, exception: BaseException | None) -> None:
    """``build-finished``: copy the widget loader and MathJax into ``_static/nrqb-js/`` of an HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / STATIC_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "anywidget_static.js", target / "anywidget-static.js")
    mathjax = target / "mathjax"
    for name in MATHJAX_FILES:
        (mathjax / Path(name).relative_to("es5")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MATHJAX / name, mathjax / Path(name).relative_to("es5"))
    for name in MATHJAX_DIRS:
        shutil.copytree(MATHJAX / name, mathjax / Path(name).relative_to("es5"), dirs_exist_ok=True)
    shutil.copyfile(MATHJAX / "LICENSE", mathjax / "LICENSE")


def take_over_hide_solutions(app: Any, config: Any) -> None:
    """``config-inited``: remember ``hide_solutions`` and stop sphinx-exercise from acting on it."""
    config.nrqb_remove_solutions = bool(config.nrqb_remove_solutions or config.hide_solutions)
    config.hide_solutions = False


def remove_solutions(app: Any, doctree: Any) -> None:
    """``doctree-read``, after sphinx-exercise has merged gated solutions: drop every solution node."""
    if not app.config.nrqb_remove_solutions:
        return
    from sphinx_exercise.nodes import solution_node

    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def setup(app: Any) -> dict:
    app.setup_extension("sphinx_exercise")
    app.add_config_value("nrqb_remove_solutions", False, "env")
    app.connect("config-inited", take_over_hide_solutions, priority=900)
    app.connect("doctree-read", remove_solutions, priority=900)
    # After myst-nb (priority 500) has added the page's widget scripts.
    app.connect("html-page-context", fix_scripts, priority=900)
    app.connect("builder-inited", require_mathjax)
    app.connect("build-finished", copy_book_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
