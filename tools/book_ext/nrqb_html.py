"""Sphinx extension for the nrqb book: small fixes to the HTML that Jupyter Book 1 writes.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``. Each fix removes an error that a reader's browser
console shows (tests/test_browser.py fails on any console error):

1. Sphinx 7.4 emits inline scripts registered with ``app.add_js_file(None, body=...)`` twice (once as ``None``, once
   as ``''``), so sphinx-thebe's ``const THEBE_JS_URL = ...`` is declared twice: a SyntaxError on every page.
   Identical scripts are emitted once.
2. On widget pages, ``@jupyter-widgets/html-manager`` (loaded by require.js) computes its public path from its AMD
   module id, i.e. relative to the page, so its fonts 404. A ``require.config`` before it maps the id to the CDN
   folder it really comes from (taken from ``nb_ipywidgets_js``, so the URL is written once).
3. The widget controls typeset their labels through the MathJax 2 API (``MathJax.Hub.Queue``); the book loads
   MathJax 3, so every label raised a TypeError. A small shim forwards to ``MathJax.typesetPromise``.

It also makes ``hide_solutions: true`` (the student build, tools/build_student.py) work for gated solutions:
sphinx-exercise 1.2.1 then drops only the ``{solution-start}`` marker, leaves the solution's content (code cells
included) in the page and crashes on the orphaned ``{solution-end}``. Here sphinx-exercise keeps building every
solution and this extension removes the merged solution nodes, whole, once the doctree is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EMBED_SCRIPT = "/embed-amd.js"
COMPAT_JS = Path(__file__).with_name("widgets_compat.js")


def _key(script: Any) -> tuple:
    attributes = tuple(sorted((k, v) for k, v in script.attributes.items() if v is not None))
    return (str(script.filename or ""), attributes)


def fix_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context`` handler: drop duplicate scripts, prepare require.js/MathJax for widget pages."""
    scripts = context.get("script_files")
    if not scripts:
        return
    unique, seen = [], set()
    for script in scripts:
        if _key(script) not in seen:
            seen.add(_key(script))
            unique.append(script)
    for index, script in enumerate(unique):
        filename = str(script.filename or "")
        if filename.endswith(EMBED_SCRIPT) and "://" in filename:
            dist = filename[: -len(EMBED_SCRIPT)]
            body = COMPAT_JS.read_text(encoding="utf-8").replace("__HTML_MANAGER_DIST__", json.dumps(dist))
            unique.insert(index, type(script)("", priority=script.priority, body=body))
            break
    scripts[:] = unique


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
