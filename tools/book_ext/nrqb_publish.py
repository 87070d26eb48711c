"""Sphinx extension for the nrqb book: executed notebooks, launch links, the book's version and the PDF build.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``.

* **Notebooks.** After an HTML build (except the student build, whose notebooks would carry the solutions), every executed chapter that myst-nb wrote to
  ``_build/jupyter_execute/<docname>.ipynb``, with the outputs its page was rendered from (the build's execution or
  its cache, never a second run), is copied to
  ``<html>/_notebooks/<docname>.ipynb`` with one cell put first that installs nrqb where it is missing (on Colab,
  say). The page's download menu links it as "notebook (.ipynb)", and its ".pdf" entry (the browser's print dialog)
  becomes a link to the book's PDF (``make pdf`` copies it to ``<html>/nrqb-book.pdf``).
* **Launch links.** Colab and Binder open that notebook from the branch the publishing workflow pushes the
  notebooks to (``launch_buttons: notebooks_branch``), so Colab gets an ``.ipynb`` and Binder a notebook.
  Every link derives from ``repository: url`` (and ``branch``); the environment variables
  ``NRQB_REPOSITORY_URL`` / ``NRQB_REPOSITORY_BRANCH`` override them, which is how the workflow publishes a fork
  with its own links.
* **Version.** ``version``/``release`` come from ``pyproject.toml`` (the one place the version is written); in
  ``html: extra_footer``, ``{version}``, ``{repository_url}`` and ``{branch}`` are filled in.
* **Single page.** myst-nb registers its "hide code" node for the ``html`` translator only; the ``singlehtml``
  build the PDF is printed from (tools/pdf/build_pdf.py) gets the same visitors.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

NOTEBOOK_DIR = "_notebooks"
PDF_NAME = "nrqb-book.pdf"
INSTALL_TAG = "nrqb-install"
COLAB = "https://colab.research.google.com"


# --- configuration ----------------------------------------------------------------------------------------------


def repository_parts(url: str) -> tuple[str, str]:
    """``(owner, name)`` of a GitHub repository URL; ValueError for anything else."""
    parsed = urlparse(url)
    parts = parsed.path.strip("/").removesuffix(".git").split("/")
    if parsed.scheme != "https" or parsed.netloc != "github.com" or len(parts) != 2 or not all(parts):
        raise ValueError(f"repository url must look like https://github.com/OWNER/NAME, not {url!r}")
    return parts[0], parts[1]


def project_version(root: Path) -> str:
    """The version in ``pyproject.toml`` (the only place it is written), else that of the installed nrqb."""
    pyproject = Path(root) / "pyproject.toml"
    if pyproject.is_file():
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    from importlib.metadata import version

    return version("nrqb")  # a copy of the book without the package's files (the student build's tests)


def apply_environment(theme: dict, environ: dict) -> None:
    """Let ``NRQB_REPOSITORY_URL`` / ``NRQB_REPOSITORY_BRANCH`` replace ``repository: url / branch``."""
    if environ.get("NRQB_REPOSITORY_URL"):
        url = environ["NRQB_REPOSITORY_URL"].rstrip("/").removesuffix(".git")
        repository_parts(url)
        theme["repository_url"] = url
    if environ.get("NRQB_REPOSITORY_BRANCH"):
        theme["repository_branch"] = environ["NRQB_REPOSITORY_BRANCH"]


def configure(app: Any, config: Any) -> None:
    """``config-inited``: repository override, version and footer (before the theme reads them)."""
    theme = config.html_theme_options
    apply_environment(theme, dict(os.environ))
    version = project_version(app.srcdir)
    config.version = config.release = version
    fields = {
        "{version}": version,
        "{repository_url}": theme.get("repository_url", ""),
        "{branch}": theme.get("repository_branch", "main"),
    }
    footer = theme.get("extra_footer") or ""
    for placeholder, value in fields.items():
        footer = footer.replace(placeholder, value)
    theme["extra_footer"] = footer


def _source_ref(root: Path, branch: str) -> str:
    """The commit the book is built from (so a notebook installs the nrqb it was executed with), else the branch."""
    if re.fullmatch(r"[0-9a-f]{40}", os.environ.get("GITHUB_SHA", "")):
        return os.environ["GITHUB_SHA"]  # GitHub Actions (git may refuse a checkout owned by another user there)
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return branch
    return result.stdout.strip() or branch


# --- notebooks --------------------------------------------------------------------------------------------------


def install_cell_source(repository_url: str, ref: str) -> str:
    """The first cell of every downloaded notebook: install nrqb where it is missing, otherwise do nothing."""
    return (
        "# This notebook is a chapter of the nrqb book. It needs the nrqb package and the packages its\n"
        "# chapters use. Where nrqb is missing (Colab, a fresh environment), this cell installs them;\n"
        "# elsewhere it does nothing. To install by hand instead:\n"
        f"#     pip install 'nrqb[book] @ git+{repository_url}@{ref}'\n"
        "try:\n"
        "    import nrqb\n"
        "except ImportError:\n"
        f"    %pip install --quiet 'nrqb[book] @ git+{repository_url}@{ref}'\n"
    )


def with_install_cell(notebook: dict, repository_url: str, ref: str) -> dict:
    """A copy of an executed notebook (nbformat 4 JSON) with the install cell first (replacing an older one)."""
    notebook = copy.deepcopy(notebook)
    cells = [c for c in notebook["cells"] if INSTALL_TAG not in c.get("metadata", {}).get("tags", [])]
    install = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [INSTALL_TAG]},
        "outputs": [],
        "source": install_cell_source(repository_url, ref).splitlines(keepends=True),
    }
    if notebook.get("nbformat", 4) >= 4 and notebook.get("nbformat_minor", 0) >= 5:
        install["id"] = INSTALL_TAG
    notebook["cells"] = [install, *cells]
    return notebook


def _is_notebook(app: Any, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})


def _solutions_removed(app: Any) -> bool:
    """The student build (tools/build_student.py): its notebooks would carry the solutions, so it has none."""
    return bool(getattr(app.config, "nrqb_remove_solutions", False))


def _with_cached_outputs(app: Any, text: str) -> dict | None:
    """The executed notebook myst-nb wrote for a page, as nbformat JSON, with its outputs.

    In ``cache`` mode (tools/book_ext/nrqb_exec.py) myst-nb writes ``jupyter_execute/<page>.ipynb`` *without*
    outputs (its cache client merges them into a copy), so they are taken from the same jupyter-cache record the
    page was rendered from. None if that record is missing.
    """
    import nbformat

    notebook = nbformat.reads(text, as_version=4)
    config = app.env.mystnb_config
    if config.execution_mode == "cache" and not any(c.get("outputs") for c in notebook.cells):
        from jupyter_cache import get_cache

        try:
            _, notebook = get_cache(config.execution_cache_path).merge_match_into_notebook(notebook)
        except KeyError:
            return None
    return json.loads(nbformat.writes(notebook))


def export_notebooks(app: Any, exception: Exception | None) -> None:
    """``build-finished`` (HTML builder): copy each executed notebook into ``<html>/_notebooks/``."""
    if exception is not None or app.builder.name != "html" or _solutions_removed(app):
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    theme = app.config.html_theme_options
    url = theme["repository_url"]
    ref = _source_ref(Path(app.srcdir), theme.get("repository_branch", "main"))
    executed = Path(app.outdir).parent / "jupyter_execute"
    for docname in sorted(d for d in app.env.found_docs if _is_notebook(app, d)):
        source = executed / f"{docname}.ipynb"
        if not source.is_file():
            logger.warning(f"nrqb_publish: no executed notebook {source} for {docname}; not exported")
            continue
        executed_notebook = _with_cached_outputs(app, source.read_text(encoding="utf-8"))
        if executed_notebook is None:
            logger.warning(f"nrqb_publish: {docname} has no outputs in the execution cache; not exported")
            continue
        notebook = with_install_cell(executed_notebook, url, ref)
        target = Path(app.outdir) / NOTEBOOK_DIR / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- header buttons ---------------------------------------------------------------------------------------------


def launch_urls(theme: dict, docname: str) -> dict[str, str]:
    """Colab and Binder URLs that open ``<docname>.ipynb`` from the notebooks branch of the repository."""
    owner, name = repository_parts(theme["repository_url"])
    launch = theme.get("launch_buttons", {})
    branch = launch.get("notebooks_branch", "notebooks")
    path = f"{docname}.ipynb"
    urls = {}
    if launch.get("colab_url"):
        urls["Colab"] = f"{launch['colab_url'].rstrip('/')}/github/{owner}/{name}/blob/{branch}/{path}"
    if launch.get("binderhub_url"):
        ui = {"jupyterlab": "lab/tree", "classic": "tree"}[launch.get("notebook_interface", "classic")]
        urls["Binder"] = f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner}/{name}/{branch}?urlpath={ui}/{path}"
    return urls


def _group(buttons: list[dict], label: str) -> dict | None:
    return next((b for b in buttons if b.get("label") == label), None)


def adjust_header_buttons(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``, after sphinx-book-theme: notebook and PDF downloads, launch links on notebooks."""
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    pathto = context["pathto"]
    notebook = _is_notebook(app, pagename) and not _solutions_removed(app)
    download = _group(buttons, "download-buttons")
    if download is not None:
        entries = [
            b for b in download["buttons"] if b.get("label") not in ("download-notebook-button", "download-pdf-button")
        ]
        if notebook:
            entries.insert(
                0,
                {
                    "type": "link",
                    "url": pathto(f"{NOTEBOOK_DIR}/{pagename}.ipynb", 1),
                    "text": "notebook (.ipynb)",
                    "tooltip": "Download this chapter as an executed Jupyter notebook",
                    "icon": "fas fa-code",
                    "label": "download-notebook-button",
                },
            )
        entries.append(
            {
                "type": "link",
                "url": pathto(PDF_NAME, 1),
                "text": "book (.pdf)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-pdf-button",
            }
        )
        download["buttons"] = entries
    launch = _group(buttons, "launch-buttons")
    if launch is not None and _is_notebook(app, pagename):
        urls = launch_urls(app.config.html_theme_options, pagename)
        for button in launch["buttons"]:
            if button.get("text") in urls:
                button["url"] = urls[button["text"]]


# --- single page ------------------------------------------------------------------------------------------------


def register_singlehtml_nodes(app: Any) -> None:
    """``builder-inited``: myst-nb's HideCodeCellNode has only ``html`` visitors; singlehtml needs them too."""
    if app.builder.name != "singlehtml":
        return
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

    app.registry.add_translation_handlers(HideCodeCellNode, singlehtml=(visit_HideCellInput, depart_HideCellInput))


def setup(app: Any) -> dict:
    app.connect("config-inited", configure, priority=100)
    app.connect("builder-inited", register_singlehtml_nodes)
    # sphinx-book-theme builds the header buttons at priority 501.
    app.connect("html-page-context", adjust_header_buttons, priority=600)
    app.connect("build-finished", export_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
