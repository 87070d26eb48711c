"""The executed notebooks the book publishes, and the links that open them (``make book``, then ``-m published``).

Every executed chapter is also ``_build/html/_notebooks/<page>.ipynb``: the notebook myst-nb executed for the build
(``_build/jupyter_execute/<page>.ipynb``) with one install cell put first. Each notebook page's download menu links
it as "notebook (.ipynb)"; its Colab and Binder links open it from the notebooks branch; no page shows a Thebe
button. One notebook is executed again, downloaded-style: copied alone into an empty folder and run top to bottom in
a fresh kernel, it reproduces the numbers the book shows.
"""

from __future__ import annotations

import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest
import yaml
from _published import BOOK_ROOT, BUILD_DIR, NOTEBOOK_DIR, notebook_pages, require_built_html
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

pytestmark = pytest.mark.published

PAGES = notebook_pages()
CONFIG = yaml.safe_load((BOOK_ROOT / "_config.yml").read_text(encoding="utf-8"))
NOTEBOOKS_BRANCH = CONFIG["launch_buttons"]["notebooks_branch"]
INSTALL_TAG = "nrqb-install"
# The chapter executed again from an empty folder: the issue's example, with a widget and many glued numbers.
RERUN_PAGE = "chapters/charging"
GLUE_PREFIX = "application/papermill.record/"
GLUE_MIME = f"{GLUE_PREFIX}text/plain"


class _Links(HTMLParser):
    """Every ``<a>`` of a page: (href, its text, its class)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            link = {"href": dict(attrs).get("href") or "", "class": dict(attrs).get("class") or "", "text": ""}
            self.links.append(link)
            self._open.append(link)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for link in self._open:
            link["text"] += data


def page_links(page: str) -> list[dict]:
    parser = _Links()
    parser.feed((require_built_html() / f"{page}.html").read_text(encoding="utf-8"))
    return parser.links


def _glued(notebook: dict) -> dict[str, str]:
    """``{name: text/plain}`` of every value a notebook ``glue``s (myst-nb moves them out of the build's copy)."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in output.get("data", {}):
                values[name] = output["data"][GLUE_MIME]
    return values


def _shown_text(notebook: dict) -> list[str]:
    """The text a reader sees in the outputs: streams and text/plain results (object addresses excepted)."""
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain")
            if text and "metadata" in output and output["metadata"].get("scrapbook"):
                continue
            if text:
                text = "".join(text) if isinstance(text, list) else text
                if not re.search(r" at 0x[0-9a-f]+", text):
                    texts.append(text)
    return texts


def _image_outputs(notebook: dict) -> int:
    """How many outputs show an image (a figure, a glued one included) in the notebook's code cells."""
    return sum(
        any(mime.startswith("image/") for mime in output.get("data", {}))
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


def _executed(page: str) -> nbformat.NotebookNode:
    """The notebook the build executed for ``page``: myst-nb's copy, with the outputs from the execution cache.

    (In ``cache`` mode myst-nb writes ``jupyter_execute/<page>.ipynb`` without outputs; the page is rendered from the
    jupyter-cache record that matches it.)
    """
    notebook = nbformat.read(BUILD_DIR / "jupyter_execute" / f"{page}.ipynb", as_version=4)
    if not any(c.get("outputs") for c in notebook.cells):
        from jupyter_cache import get_cache

        cache_dir = (CONFIG.get("execute") or {}).get("cache") or BUILD_DIR / ".jupyter_cache"
        _, notebook = get_cache(str(cache_dir)).merge_match_into_notebook(notebook)
    return notebook


def _displayed(outputs: list) -> list:
    """The outputs with each image glued with ``display=False`` as ``glue(..., display=True)`` writes it."""
    shown = []
    for output in outputs:
        output = dict(output)
        record = output.get("metadata", {}).get("scrapbook")
        data = output.get("data", {})
        if record and record.get("mime_prefix") and any(k.startswith(f"{GLUE_PREFIX}image/") for k in data):
            output["data"] = {k.removeprefix(GLUE_PREFIX): v for k, v in data.items()}
            output["metadata"] = {**output["metadata"], "scrapbook": {**record, "mime_prefix": ""}}
        shown.append(output)
    return shown


def test_every_executed_chapter_is_published_as_a_notebook():
    require_built_html()
    assert PAGES, "no notebook pages in _toc.yml"
    n_outputs = 0
    missing = [p for p in PAGES if not (NOTEBOOK_DIR / f"{p}.ipynb").is_file()]
    assert not missing, f"no _build/html/_notebooks/<page>.ipynb for {missing}"
    for page in PAGES:
        published = nbformat.read(NOTEBOOK_DIR / f"{page}.ipynb", as_version=4)
        nbformat.validate(published)
        executed = _executed(page)
        first, *rest = published.cells
        assert first.cell_type == "code" and INSTALL_TAG in first.metadata.get("tags", []), f"{page}: no install cell"
        assert "import nrqb" in first.source and "%pip install" in first.source
        # The build's own execution, outputs included: the same code cells as myst-nb's executed notebook, with
        # the figures glued for the text shown where they are computed (the text's copy is an attachment).
        code, built = [c for c in rest if c.cell_type == "code"], [c for c in executed.cells if c.cell_type == "code"]
        assert [c.source for c in code] == [c.source for c in built], f"{page}: not the build's notebook"
        for ours, theirs in zip(code, built, strict=True):
            assert ours.outputs == _displayed(theirs.outputs), f"{page}: outputs differ from the build's execution"
        n_outputs += sum(len(c.get("outputs", [])) for c in rest)
    assert n_outputs > 10 * len(PAGES), f"only {n_outputs} outputs in {len(PAGES)} notebooks: were they executed?"


def _markdown(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.cell_type == "markdown"]


# MyST that Jupyter, Colab and Binder would show as literal text: roles, directive fences, targets, comments.
MYST_LEFT_OVER = {
    "a role": re.compile(r"\{[A-Za-z][\w:+.-]*\}`"),
    "a directive fence": re.compile(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*\{", re.M),
    "a target": re.compile(r"^[ \t]*\([\w:.-]+\)=[ \t]*$", re.M),
    "a comment": re.compile(r"^%", re.M),
    "a labelled equation": re.compile(r"\$\$[ \t]*\([\w:.-]+\)[ \t]*$", re.M),
}


@pytest.mark.parametrize("page", PAGES)
def test_notebook_text_is_markdown_that_jupyter_renders(page):
    """No MyST construct left as literal text; every image the text names is attached; glued numbers pasted in."""
    published = nbformat.read(NOTEBOOK_DIR / f"{page}.ipynb", as_version=4)
    source = (BOOK_ROOT / f"{page}.md").read_text(encoding="utf-8")
    problems = []
    n_images = 0
    for cell in _markdown(published):
        for what, pattern in MYST_LEFT_OVER.items():
            problems += [f"{what}: {m.group(0)!r}" for m in pattern.finditer(cell.source)]
        for name in re.findall(r"\(attachment:([^)\s]+)\)", cell.source):
            attached = cell.get("attachments", {}).get(name, {})
            n_images += 1
            if not any(mime.startswith("image/") and data for mime, data in attached.items()):
                problems.append(f"image {name} is not attached to its cell")
    assert not problems, f"{page}: {problems[:10]}"
    # Every figure the HTML places in the text ({glue:figure}, {glue} of an image) is an image in the notebook.
    placed = len(re.findall(r"^[ \t]*(?:`{3,}|:{3,})\{glue:figure\}", source, re.M))
    assert n_images >= placed, f"{page}: {placed} glued figures in the text, {n_images} images in the notebook"
    # The glued numbers are pasted in with the format the HTML uses, not left as keys.
    text = "\n".join(c.source for c in _markdown(published))
    for key in re.findall(r"\{glue:text\}`([\w.-]+)(?::[^`]*)?`", source):
        assert f"`{key}" not in text, f"{page}: the glued value {key} is not pasted in"


@pytest.mark.parametrize("page", PAGES)
def test_every_solution_is_folded_in_the_notebook_as_in_the_html(page):
    """A prose solution is a ``<details>``; a gated one (with code cells) a heading alone in its cell, marked for
    JupyterLab to open folded, with every cell of the solution below it, up to the next heading."""
    published = nbformat.read(NOTEBOOK_DIR / f"{page}.ipynb", as_version=4)
    source = (BOOK_ROOT / f"{page}.md").read_text(encoding="utf-8")
    cells = published.cells
    prose = len(re.findall(r"^`{3,}\{solution\}", source, re.M))
    gated = len(re.findall(r"^`{3,}\{solution-start\}", source, re.M))
    details = sum(c.source.count("<summary>Solution to") for c in _markdown(published))
    headings = [
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and "Solution to" in c.source.split("\n")[0]
    ]
    assert details == prose, f"{page}: {prose} prose solutions, {details} folded as <details>"
    assert len(headings) == gated, f"{page}: {gated} gated solutions, {len(headings)} solution headings"
    for i in headings:
        assert cells[i].metadata.get("jp-MarkdownHeadingCollapsed") is True, f"{page}: cell {i} is not folded"
        assert "\n" not in cells[i].source.strip(), f"{page}: the solution heading shares its cell with its text"
        following = cells[i + 1] if i + 1 < len(cells) else None
        assert following is not None and not following.source.startswith("#"), f"{page}: nothing folded under {i}"


def test_notebook_numbers_figures_and_exercises_as_the_html_does():
    """The charging notebook: Fig. 7.1's caption, the resonant E_B(inf) as the HTML prints it, exercise headings."""
    import nrqb

    page = "chapters/charging"
    text = "\n".join(c.source for c in _markdown(nbformat.read(NOTEBOOK_DIR / f"{page}.ipynb", as_version=4)))
    html = (require_built_html() / f"{page}.html").read_text(encoding="utf-8")
    figure = re.search(r'<span class="caption-number">(Fig\. [\d.]+) </span>', html)
    assert figure and f"**{figure.group(1)}**" in text, "the first figure's number is not the HTML's"
    assert f"{float(nrqb.steady_state(nrqb.paper_params()).E_B):.2f}" in text
    exercise = re.search(r"Exercise (\d+\.\d+)", html)
    assert f"[Exercise {exercise.group(1)}](#" in text, "a reference to an exercise does not show its number"
    assert exercise and re.search(rf"^#+ (?:<a id=[^>]*></a>)?Exercise {re.escape(exercise.group(1))}\b", text, re.M), (
        "no exercise heading"
    )


@pytest.mark.parametrize("page", PAGES)
def test_download_menu_offers_the_notebook_and_the_book_pdf(page):
    page_url = f"http://book.invalid/{page}.html"
    links = page_links(page)
    notebook = [a for a in links if "download-notebook-button" in a["class"]]
    assert len(notebook) == 1, f"{page}: {len(notebook)} notebook entries in the download menu"
    assert notebook[0]["text"].strip() == "notebook (.ipynb)"
    target = urlparse(urljoin(page_url, notebook[0]["href"])).path.lstrip("/")
    assert target == f"_notebooks/{page}.ipynb", f"{page}: the notebook entry points at {target}"
    pdf = [a for a in links if "download-pdf-button" in a["class"]]
    assert len(pdf) == 1 and urlparse(urljoin(page_url, pdf[0]["href"])).path == "/nrqb-book.pdf", pdf
    assert not any("print" in a["href"] for a in links if "download" in a["class"]), "a print dialog, not a PDF"


@pytest.mark.parametrize("page", PAGES)
def test_colab_and_binder_open_a_notebook_the_build_produced(page):
    slug = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    links = [a["href"] for a in page_links(page)]
    colab = [u for u in links if urlparse(u).netloc == "colab.research.google.com"]
    binder = [u for u in links if urlparse(u).netloc == "mybinder.org" and urlparse(u).path.startswith("/v2/")]
    assert colab and binder, f"{page}: Colab links {colab}, Binder links {binder}"
    prefix = f"https://colab.research.google.com/github/{slug}/blob/{NOTEBOOKS_BRANCH}/"
    for url in colab:
        assert url.endswith(".ipynb") and url.startswith(prefix), f"{page}: Colab link {url}"
        assert (NOTEBOOK_DIR / unquote(url[len(prefix) :])).is_file(), f"{page}: {url} names no built notebook"
    for url in binder:
        parsed = urlparse(url)
        assert parsed.path == f"/v2/gh/{slug}/{NOTEBOOKS_BRANCH}", f"{page}: Binder link {url}"
        (path,) = re.findall(r"urlpath=lab/tree/([^&]+)", parsed.query)
        assert path.endswith(".ipynb") and (NOTEBOOK_DIR / unquote(path)).is_file(), f"{page}: Binder link {url}"


def test_no_page_shows_a_thebe_button_and_every_page_can_report_an_issue():
    html = require_built_html()
    slug = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    for page in notebook_pages():
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert "launch-thebe" not in text and "initThebe" not in text, f"{page} shows a Thebe button"
        assert f"https://github.com/{slug}/issues/new" in text, f"{page} has no issues button"


def test_footer_shows_the_version_from_pyproject():
    import tomllib

    version = tomllib.loads((BOOK_ROOT / "pyproject.toml").read_text())["project"]["version"]
    for page in notebook_pages():
        text = (require_built_html() / f"{page}.html").read_text(encoding="utf-8")
        assert f"nrqb version {version}" in text, f"{page}: the footer does not show version {version}"


def _execute(notebook: nbformat.NotebookNode, folder: Path, retries: int = 1) -> None:
    """Run top to bottom in a fresh kernel in ``folder``; retry once on a timeout only (a known nbclient flake)."""
    for attempt in range(retries + 1):
        client = NotebookClient(
            notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        try:
            client.execute(cwd=str(folder))
            return
        except CellTimeoutError:
            if attempt == retries:
                raise


def test_a_downloaded_notebook_runs_alone_in_an_empty_folder_and_reproduces_the_book(tmp_path):
    published = NOTEBOOK_DIR / f"{RERUN_PAGE}.ipynb"
    assert published.is_file(), f"{published} was not built"
    downloaded = tmp_path / published.name
    shutil.copy2(published, downloaded)
    stored = nbformat.read(downloaded, as_version=4)
    notebook = nbformat.read(downloaded, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    _execute(notebook, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [published.name], "the notebook needs or leaves files"
    install = notebook.cells[0]
    assert INSTALL_TAG in install.metadata.tags and install.outputs == [], "nrqb is installed: the cell must be silent"
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    # What the book shows (the build's outputs) is what the downloaded notebook shows.
    shown, reproduced = _shown_text(stored), _shown_text(notebook)
    assert len(shown) >= 3 and shown == reproduced, "the downloaded notebook's outputs differ from the book's"
    # Re-running shows each glued figure where it is computed, as the saved notebook does.
    images = [_image_outputs(nb) for nb in (stored, notebook)]
    assert images[0] >= 3 and images[0] == images[1], f"figures shown: {images[0]} saved, {images[1]} re-run"
    # And its headline number is nrqb's: E_B(inf) at resonance, the paper's parameters (Eq. (10)).
    import nrqb

    glued = _glued(notebook)
    expected = float(nrqb.steady_state(nrqb.paper_params()).E_B)
    assert math.isclose(float(glued["charging_EB0"]), expected, rel_tol=1e-12), (glued.get("charging_EB0"), expected)
