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
import sys
import time
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# notebook_markdown.py, beside this file (Jupyter Book puts this folder on sys.path; tests load this file by path).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))
import notebook_markdown

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
    """The first cell of every downloaded notebook: install nrqb where it is missing, and show glued figures.

    The book places a figure glued with ``myst_nb.glue(..., display=False)`` in its text (``{glue:figure}``); in
    the notebook that text carries the build's image as an attachment, and this cell makes ``glue`` also show
    an image-like value (a figure, an ``IPython.display.Image``) where it is computed, so that a reader who
    re-runs a cell sees the new figure. Numbers and text glued with ``display=False`` stay silent, as in the book.
    The saved outputs are made the same way (:func:`show_glued_figures`), so re-running changes nothing.
    """
    return (
        "# This notebook is a chapter of the nrqb book. It needs the nrqb package and the packages its\n"
        "# chapters use. Where nrqb is missing (Colab, a fresh environment), this cell installs them;\n"
        "# elsewhere it does nothing. To install by hand instead:\n"
        f"#     pip install 'nrqb[book] @ git+{repository_url}@{ref}'\n"
        "try:\n"
        "    import nrqb\n"
        "except ImportError:\n"
        f"    %pip install --quiet 'nrqb[book] @ git+{repository_url}@{ref}'\n"
        "\n"
        "# The book shows each figure glued with display=False in the text below; here `glue` also shows it\n"
        "# where it is computed, so that re-running a cell shows the new figure. Glued numbers stay silent.\n"
        "def _show_glued_figures():\n"
        "    import functools\n"
        "\n"
        "    import myst_nb\n"
        "    from IPython.core.formatters import format_display_data\n"
        "\n"
        "    glue = myst_nb.glue\n"
        "    if getattr(glue, 'shows_figures', False):\n"
        "        return\n"
        "\n"
        "    @functools.wraps(glue)\n"
        "    def glue_showing_figures(name, variable, display=True):\n"
        "        image = any(mime.startswith('image/') for mime in format_display_data(variable)[0])\n"
        "        return glue(name, variable, display=display or image)\n"
        "\n"
        "    glue_showing_figures.shows_figures = True\n"
        "    myst_nb.glue = glue_showing_figures\n"
        "\n"
        "\n"
        "_show_glued_figures()\n"
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


# --- the notebook a reader opens -----------------------------------------------------------------------------


def glued_data(notebook: dict) -> dict[str, dict]:
    """``{key: MIME bundle}`` of every value a notebook glues (myst-nb's ``scrapbook`` outputs, prefix removed)."""
    glued = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            record = output.get("metadata", {}).get("scrapbook")
            if record and "name" in record:
                prefix = record.get("mime_prefix", "")
                glued[record["name"]] = {k.removeprefix(prefix): v for k, v in output.get("data", {}).items()}
    return glued


def show_glued_figures(cell: dict) -> None:
    """Make each image glued with ``display=False`` in a code cell's outputs a displayed one, in place.

    The output becomes what ``myst_nb.glue(..., display=True)`` writes (the MIME types without myst-nb's
    ``papermill.record`` prefix), which is what the install cell's ``glue`` writes when the cell is re-run.
    """
    for output in cell.get("outputs", []):
        record = output.get("metadata", {}).get("scrapbook")
        prefix = (record or {}).get("mime_prefix", "")
        data = output.get("data", {})
        if prefix and any(k.removeprefix(prefix).startswith("image/") for k in data):
            output["data"] = {k.removeprefix(prefix): v for k, v in data.items()}
            record["mime_prefix"] = ""


# Cell tags of the book (myst-nb) and the Jupyter metadata that folds the same part in JupyterLab and Colab.
_FOLDED = {"remove-input": "source_hidden", "hide-input": "source_hidden", "hide-cell": "source_hidden"}
_FOLDED_OUTPUT = {"remove-output": "outputs_hidden", "hide-output": "outputs_hidden", "hide-cell": "outputs_hidden"}


def fold_hidden_parts(cell: dict) -> None:
    """Fold in Jupyter what the book hides (``remove-input`` / ``hide-input`` ... tags): shown folded, not lost."""
    tags = cell.get("metadata", {}).get("tags", [])
    flags = {_FOLDED.get(t) for t in tags} | {_FOLDED_OUTPUT.get(t) for t in tags if cell.get("outputs")}
    flags.discard(None)
    if flags:
        cell["metadata"].setdefault("jupyter", {}).update(dict.fromkeys(sorted(flags), True))


def book_url(config: Any) -> str:
    """Where the HTML is published: ``html_baseurl``, else the GitHub Pages site of the repository."""
    if getattr(config, "html_baseurl", ""):
        return config.html_baseurl.rstrip("/") + "/"
    owner, name = repository_parts(config.html_theme_options["repository_url"])
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{name.lower()}/"
    return f"https://{owner.lower()}.github.io/{name}/"


class SphinxContext:
    """:class:`notebook_markdown.Context` of one page, from the Sphinx environment of the build that rendered it.

    Cross-references and citations are resolved by the same domains (std, math, sphinxcontrib-bibtex's cite)
    that resolve them for the HTML, so the notebook shows the HTML's text ("Fig. 7.2", "(2.1)", "[Lin et al.,
    2025]"); a link to a page that is also a notebook becomes a link to that notebook (``model.ipynb#anchor``),
    any other to the published HTML.
    """

    def __init__(self, app: Any, docname: str, glued: dict[str, dict], notebooks: set[str], logger: Any) -> None:
        self.app, self.env, self.docname = app, app.env, docname
        self.glued, self.notebooks, self.logger = glued, notebooks, logger
        self.site = book_url(app.config)
        self.problems: list[str] = []

    def glue(self, key: str) -> dict | None:
        return self.glued.get(key)

    def anchor(self, label: str) -> str:
        from docutils.nodes import fully_normalize_name, make_id

        found = self.env.domaindata["std"]["anonlabels"].get(fully_normalize_name(label))
        return found[1] if found else make_id(label)

    def number(self, kind: str, anchor: str) -> str | None:
        numbers = self.env.toc_fignumbers.get(self.docname, {}).get(kind, {}).get(anchor)
        if not numbers:
            return None
        number = ".".join(map(str, numbers))
        if kind == "displaymath":
            return self.app.config.math_numsep.join(number.rsplit(".", 1))
        return self.app.config.numfig_format.get(kind, "%s") % number

    def xref(self, role: str, text: str) -> str | None:
        from docutils import nodes
        from sphinx import addnodes
        from sphinx.util.nodes import split_explicit_title

        if role.startswith("cite"):
            domain, kind, explicit, title, target = "cite", role.split(":", 1)[1] or "p", False, text, text
        else:
            domain, kind = ("math", "eq") if role == "eq" else ("std", role)
            explicit, title, target = split_explicit_title(text)
            if role in ("ref", "numref", "term"):
                target = target.lower()  # as Sphinx's roles do
        node = addnodes.pending_xref(
            text, refdomain=domain, reftype=kind, reftarget=target, refexplicit=explicit, refdoc=self.docname
        )
        content = nodes.inline(title, title)
        node += content
        resolved = self.env.get_domain(domain).resolve_xref(
            self.env, self.docname, self.app.builder, kind, target, node, content
        )
        return None if resolved is None else self.markdown(resolved)

    def markdown(self, node: Any) -> str:
        """A resolved reference (docutils nodes) as Markdown: its text, with links."""
        from docutils import nodes

        escape = notebook_markdown.escape
        if isinstance(node, nodes.Text):
            return escape(str(node))
        if isinstance(node, nodes.reference):
            url = f"#{node['refid']}" if node.get("refid") else self.link(node.get("refuri", ""), html=True)
            # The HTML's tooltip (a citation's full reference); no "$", which Jupyter would read as math.
            title = " ".join(node.get("reftitle", "").split()).replace('"', "'").replace("$", "")
            if title:
                url = f'{url} "{title}"'
            return f"[{escape(node.astext())}]({url})"
        return "".join(self.markdown(child) for child in node.children)

    def link(self, url: str, html: bool = False) -> str:
        """A URL relative to the page (its HTML if ``html``, else its source) as the notebook links it."""
        import posixpath
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            return url
        folder = posixpath.dirname(self.docname)
        path = posixpath.normpath(posixpath.join(folder, parts.path))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        stem, suffix = posixpath.splitext(path)
        if (html and suffix == ".html") or (not html and suffix in (".md", ".ipynb") and stem in self.env.all_docs):
            if stem in self.notebooks:
                return posixpath.relpath(f"{stem}.ipynb", folder or ".") + fragment
            path = f"{stem}.html"
        return self.site + path + fragment

    def warn(self, message: str) -> None:
        self.problems.append(message)
        self.logger.warning(f"nrqb_publish: notebook of {self.docname}: {message}", location=self.docname)


def reader_notebook(notebook: dict, context: Any) -> dict:
    """The executed notebook as its readers open it: MyST markdown converted, glued figures shown, hidden parts
    and solutions folded (tools/book_ext/notebook_markdown.py says what each construct becomes; markdown cells are
    cut at headings so that JupyterLab can fold a solution); outputs otherwise kept."""
    notebook = copy.deepcopy(notebook)
    sources = [notebook_markdown.cell_source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    exercises = notebook_markdown.exercise_titles(sources)
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            converted = notebook_markdown.convert(notebook_markdown.cell_source(cell), context, exercises)
            cell["source"] = converted.source
            if converted.attachments:
                cell["attachments"] = converted.attachments
        elif cell["cell_type"] == "code":
            show_glued_figures(cell)
            fold_hidden_parts(cell)
        cells.append(cell)
    notebook["cells"] = notebook_markdown.fold_gated_solutions(cells)
    return notebook


def export_notebooks(app: Any, exception: Exception | None) -> None:
    """``build-finished`` (HTML builder): each executed notebook, made for readers, into ``<html>/_notebooks/``."""
    if exception is not None or app.builder.name != "html" or _solutions_removed(app):
        return
    import nbformat
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    theme = app.config.html_theme_options
    url = theme["repository_url"]
    ref = _source_ref(Path(app.srcdir), theme.get("repository_branch", "main"))
    executed = Path(app.outdir).parent / "jupyter_execute"
    pages = sorted(d for d in app.env.found_docs if _is_notebook(app, d))
    start = time.perf_counter()
    for docname in pages:
        source = executed / f"{docname}.ipynb"
        if not source.is_file():
            logger.warning(f"nrqb_publish: no executed notebook {source} for {docname}; not exported")
            continue
        executed_notebook = _with_cached_outputs(app, source.read_text(encoding="utf-8"))
        if executed_notebook is None:
            logger.warning(f"nrqb_publish: {docname} has no outputs in the execution cache; not exported")
            continue
        context = SphinxContext(app, docname, glued_data(executed_notebook), set(pages), logger)
        notebook = with_install_cell(reader_notebook(executed_notebook, context), url, ref)
        try:
            nbformat.validate(nbformat.from_dict(notebook))
        except nbformat.ValidationError as error:
            logger.warning(f"nrqb_publish: the notebook of {docname} is not valid nbformat: {error.message}")
            continue
        target = Path(app.outdir) / NOTEBOOK_DIR / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    logger.info(f"nrqb_publish: {len(pages)} notebooks exported in {time.perf_counter() - start:.2f} s")


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
