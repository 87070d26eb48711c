"""The book as one PDF (``make pdf`` -> ``_build/pdf/nrqb-book.pdf``), read back with poppler-utils.

Checks: a sane page count on A4; a title page with the book's title and version; a contents page listing every page
of ``_toc.yml`` in order, whose page numbers are the pages the chapters start on (PDF named destinations); every
chapter's title and a few numbers the chapters glue (recomputed here by nrqb) in the text; no TeX source outside code
listings; every figure of the single-page build present as an image; clickable internal links and an outline;
widgets replaced by a note; and the single-page build did not execute any chapter again.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tomllib
from functools import cache

import pytest
import yaml
from _bookfiles import toc_pages
from _published import BOOK_ROOT, BUILD_DIR, HTML_DIR, PDF

import nrqb
from nrqb.analysis import peak_power

pytestmark = pytest.mark.published

SINGLE_PAGE = BUILD_DIR / "singlehtml" / "nrqb-book.html"
TOC = toc_pages(BOOK_ROOT / "_toc.yml")
TEX = re.compile(r"\\[A-Za-z]+|\$\$|\\\(|\\\[")


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@cache
def pages() -> list[str]:
    """The text of each page of the PDF."""
    if not PDF.is_file():
        pytest.fail(f"no {PDF}: run `make pdf` (after `make book`)")
    text = _run("pdftotext", str(PDF), "-")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@cache
def destinations() -> dict[str, int]:
    """Named destinations of the PDF (HTML ids) and their pages."""
    dests = {}
    for line in _run("pdfinfo", "-dests", str(PDF)).splitlines()[1:]:
        match = re.match(r"\s*(\d+)\s+\[.*\]\s+\"(.*)\"$", line)
        if match:
            dests.setdefault(match.group(2), int(match.group(1)))
    return dests


def _page_title(page: str) -> str:
    """A page's title as the HTML build shows it."""
    text = (HTML_DIR / f"{page}.html").read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)<", text, re.DOTALL)
    assert match, f"no <h1> in {page}.html"
    return html.unescape(match.group(1)).strip()


def _squash(text: str) -> str:
    """Letters, digits and backslashes only (pdftotext drops some operators of code listings)."""
    return re.sub(r"[^A-Za-z0-9\\]", "", text)


def test_page_count_and_size_are_sane():
    info = _run("pdfinfo", str(PDF))
    n_pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert len(pages()) == n_pages
    assert 4 * len(TOC) <= n_pages <= 40 * len(TOC), f"{n_pages} pages for {len(TOC)} chapters"
    assert "(A4)" in info
    unnumbered = [i for i, text in enumerate(pages(), start=1) if f"{i} / {n_pages}" not in text]
    assert not unnumbered, f"pages without their number in the footer: {unnumbered[:10]}"
    assert 0.3e6 < PDF.stat().st_size < 60e6, PDF.stat().st_size


def test_title_page_and_contents_in_toc_order():
    config = yaml.safe_load((BOOK_ROOT / "_config.yml").read_text())
    version = tomllib.loads((BOOK_ROOT / "pyproject.toml").read_text())["project"]["version"]
    title_page = " ".join(pages()[0].split())
    assert " ".join(config["title"].split()) in title_page and f"Version {version}" in title_page
    contents = pages()[1]
    assert "\nContents\n" in contents, "page 2 is not the contents"
    dests = destinations()
    previous = 0
    for page in TOC:
        start = dests.get(f"document-{page}")
        assert start is not None, f"{page}: no destination in the PDF (the contents cannot link it)"
        assert start > previous, f"{page} starts on page {start}, not after the previous chapter (page {previous})"
        previous = start
        title = _page_title(page)
        label = "About this book" if page == TOC[0] else title  # the landing page's entry (tools/pdf/build_pdf.py)
        # The contents line: the title, dots, the page number the chapter starts on.
        line = re.search(re.escape(label[:40]) + r"\D*?(\d+)", contents)
        assert line, f"{page}: {label!r} is not in the contents"
        assert int(line.group(1)) == start, f"contents say {label!r} starts on page {line.group(1)}, it is {start}"
        assert _squash(title) in _squash(pages()[start - 1]), f"{title!r} is not on its first page {start}"


def test_glued_numbers_are_printed():
    p = nrqb.paper_params()
    steady = nrqb.steady_state(p)
    peak = peak_power(p, t_max=nrqb.paper.value("fig2d.Jt_window") / p.J)
    text = "\n".join(pages())
    for label, shown in (
        ("E_B(inf) at resonance", f"{float(steady.E_B):.2f}"),
        ("eta(inf)", f"{float(steady.eta):.3f}"),
        ("peak charging power", f"{float(peak.P):.3f}"),
    ):
        assert re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text), f"{label} = {shown} is not in the PDF"


def test_no_tex_source_outside_code_listings():
    source = SINGLE_PAGE.read_text(encoding="utf-8")
    code = _squash(html.unescape(re.sub(r"<[^>]+>", "", "".join(re.findall(r"<pre[^>]*>(.*?)</pre>", source, re.S)))))
    leaked = []
    for number, text in enumerate(pages(), start=1):
        for line in text.splitlines():
            if TEX.search(line) and _squash(line) not in code:
                leaked.append(f"page {number}: {line.strip()[:100]}")
    assert not leaked, "TeX source printed as text (MathJax did not typeset it):\n" + "\n".join(leaked[:20])


def test_every_figure_is_printed():
    source = SINGLE_PAGE.read_text(encoding="utf-8")
    article = source[source.index('<article class="bd-article"') :]
    figures = re.findall(r"<img[^>]*\bsrc=\"(_images/[^\"]+\.(?:png|jpe?g)|data:image/(?:png|jpeg);)", article)
    listed = _run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    images = [row.split() for row in listed if row.split()[2] == "image"]
    assert len(figures) >= len(TOC), f"only {len(figures)} figures in the single-page build"
    assert len(images) == len(figures), f"{len(images)} images in the PDF for {len(figures)} figures in the book"
    small = [row for row in images if int(row[3]) < 100 or int(row[4]) < 60]
    assert not small, f"images too small to be figures: {small}"


def test_internal_links_and_outline():
    raw = PDF.read_bytes()
    links = len(re.findall(rb"/Subtype /Link", raw))
    internal = len(re.findall(rb"/Dest /", raw))
    assert internal >= len(TOC), f"{internal} internal links (of {links} links): the contents alone has {len(TOC)}"
    assert b"/Outlines" in raw, "no PDF outline (bookmarks)"


def test_widgets_are_replaced_by_a_note_and_nothing_executed_twice():
    source = SINGLE_PAGE.read_text(encoding="utf-8")
    n_widgets = source.count('type="application/vnd.jupyter.widget-view+json"')
    text = " ".join(" ".join(pages()).split())
    assert text.count("Interactive explorer (it cannot be printed)") == n_widgets
    report = json.loads((PDF.parent / "report.json").read_text())
    assert report["pages"] == len(pages())
    assert report["chapters_executed_by_singlehtml"] == 0, "the single-page build executed chapters a second time"
    assert (HTML_DIR / PDF.name).read_bytes() == PDF.read_bytes(), "the HTML does not carry this PDF"
