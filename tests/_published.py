"""Where the tests of the published book (``-m published``) find it: the HTML, its notebooks and the PDF.

``NRQB_BOOK_ROOT`` (default: the repository) and ``NRQB_HTML_DIR`` (default ``<book root>/_build/html``) point
elsewhere, as for tests/test_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _bookfiles import is_notebook, page_source, toc_pages

REPO = Path(__file__).resolve().parents[1]
BOOK_ROOT = Path(os.environ.get("NRQB_BOOK_ROOT", REPO)).resolve()
BUILD_DIR = BOOK_ROOT / "_build"
HTML_DIR = Path(os.environ.get("NRQB_HTML_DIR", BUILD_DIR / "html")).resolve()
NOTEBOOK_DIR = HTML_DIR / "_notebooks"
PDF = BUILD_DIR / "pdf" / "nrqb-book.pdf"


def notebook_pages() -> list[str]:
    """Document names of the ``_toc.yml`` pages that the build executes (jupytext notebooks)."""
    pages = []
    for page in toc_pages(BOOK_ROOT / "_toc.yml"):
        source = page_source(BOOK_ROOT, page)
        if source is not None and is_notebook(source.read_text(encoding="utf-8")):
            pages.append(page)
    return pages


def require_built_html() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book in {HTML_DIR}: run `make book` first (or set NRQB_HTML_DIR)")
    return HTML_DIR
