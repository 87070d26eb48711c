"""Print the whole nrqb book as one PDF: ``make pdf`` -> ``_build/pdf/nrqb-book.pdf`` (and a copy in the HTML).

Route (no TeX, no browser download): ``jupyter-book build --builder singlehtml`` writes the book as one page, reusing
the Sphinx environment of the HTML build in ``_build/.doctrees`` and the execution cache of
``tools/book_ext/nrqb_exec.py`` (so no chapter executes a second time; the script reports how many did), and
Debian's Chromium, driven by Playwright, prints it after MathJax has typeset every
equation. ``print.css`` and ``prepare.js`` beside this file add a title page and a contents page, start every
chapter on a new page, wrap code, fit wide equations and tables, print solutions open and replace the interactive
widgets (which need a browser) by a note; each page's static figure stays. Chromium makes the internal links
clickable and the headings a PDF outline. The contents' page numbers come from a first print: each chapter heading
carries an invisible marker, ``pdftotext`` tells on which page each marker landed, and the second print fills them in.

The book is self-contained (MathJax and the widget scripts are in its ``_static``): the page is served on 127.0.0.1
and every request that would leave the machine is refused (``tools/browser/offline.py``, shared with the browser
check).

Usage: ``python tools/pdf/build_pdf.py [--book DIR] [--out FILE] [--no-singlehtml]``. Writes a JSON summary beside
the PDF (``report.json``: pages, bytes, seconds, chapters executed by the single-page build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tools" / "browser"))
import offline  # noqa: E402  (tools/browser/offline.py: the local server and Debian's Chromium, shared)

PDF_NAME = "nrqb-book.pdf"
# A4 with 15 mm side margins leaves 180 mm = 680 CSS px: the layout width the page is measured at before printing.
MARGIN = {"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
PRINT_WIDTH_PX = 680
TIMEOUT_MS = 120_000


def book_outline(book: Path) -> dict:
    """Title, subtitle, metadata lines and the parts of ``_toc.yml`` (root first) for the title and contents pages."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    version = tomllib.loads((book / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    strip = functools.partial(re.sub, r"\.(md|ipynb)$", "")
    parts = [{"caption": None, "chapters": [strip(toc["root"])]}]
    for part in toc.get("parts", []):
        parts.append({"caption": part.get("caption"), "chapters": [strip(c["file"]) for c in part.get("chapters", [])]})
    paper = _bib_entry(book / "references.bib", "lin_nrqb")
    return {
        "root": strip(toc["root"]),
        "rootLabel": "About this book",
        "title": config["title"],
        "subtitle": f"Derived, reproduced and extended: “{paper['title']}” by {_authors(paper['author'])}",
        "meta": [config.get("author", ""), f"Version {version} · {_build_date(book)}", config["repository"]["url"]],
        "parts": parts,
    }


def _bib_entry(bib: Path, key: str) -> dict[str, str]:
    """The ``field = {value}`` pairs of one BibTeX entry (flat values, as references.bib writes them)."""
    text = bib.read_text(encoding="utf-8")
    match = re.search(rf"@\w+\{{{re.escape(key)},(.*?)\n\}}", text, re.DOTALL)
    if match is None:
        raise SystemExit(f"build_pdf: no entry {key!r} in {bib}")
    return {k.lower(): v for k, v in re.findall(r"(\w+)\s*=\s*\{([^{}]*)\}", match.group(1))}


def _authors(bibtex_authors: str) -> str:
    names = [" ".join(reversed([p.strip() for p in a.split(",")])) for a in bibtex_authors.split(" and ")]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _build_date(book: Path) -> str:
    """The date of the commit the book is built from (the same PDF for the same commit), else today."""
    try:
        out = subprocess.run(
            ["git", "-C", str(book), "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except OSError:
        out = ""
    return out or dt.date.today().isoformat()


def build_singlehtml(book: Path) -> int:
    """Run the single-page build on the HTML build's environment; return how many chapters it executed."""
    if not (book / "_build" / ".doctrees" / "environment.pickle").is_file():
        raise SystemExit("build_pdf: no HTML build in _build/ to reuse (run `make book` first)")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(book), "--builder", "singlehtml", "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-5000:] + result.stderr[-5000:])
        raise SystemExit("build_pdf: the single-page build failed")
    # myst-nb's own execution, or tools/book_ext/nrqb_exec.py's (which executes only what its cache lacks).
    return len(re.findall(r"Executing notebook|: executed in [\d.]+ s \[nrqb_exec\]", result.stdout + result.stderr))


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (``pdftotext``, pages split at form feeds)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def print_book(html: Path, outline: dict, out: Path) -> int:
    """Print ``html`` (the single-page build, at the root of its output folder) to ``out``; return the page count."""
    footer = (
        '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
    )
    header = f'<div style="font-size:7px;width:100%;padding:0 15mm;color:#888">{outline["title"]}</div>'
    options = dict(
        format="A4",
        margin=MARGIN,
        print_background=True,
        display_header_footer=True,
        header_template=header,
        footer_template=footer,
        outline=True,
        tagged=True,
    )
    offsite: list[str] = []
    with offline.serve(html.parent) as base, offline.chromium() as browser:
        page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        offline.refuse_offsite(page.context, base, offsite.append)  # the book is self-contained
        page.emulate_media(media="print", color_scheme="light")
        page.goto(base + html.name, wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        page.add_style_tag(path=str(HERE / "print.css"))
        chapters = page.evaluate((HERE / "prepare.js").read_text(encoding="utf-8"), outline)["chapters"]
        with tempfile.TemporaryDirectory() as tmp:
            first = Path(tmp) / "pass1.pdf"
            page.pdf(path=str(first), **options)
            texts = page_texts(first)
        pages = []
        for chapter in chapters:
            found = [i + 1 for i, text in enumerate(texts) if chapter["marker"] in text]
            if len(found) != 1:
                raise SystemExit(f"build_pdf: {chapter['docname']} found on pages {found} of the first print")
            pages.append(found[0])
        page.evaluate("(pages) => window.nrqbSetPages(pages)", pages)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), **options)
    if offsite:
        print(f"build_pdf: refused {len(offsite)} off-site requests, e.g. {offsite[:3]}", file=sys.stderr)
    final = page_texts(out)
    if len(final) != len(texts):
        raise SystemExit(f"build_pdf: the second print has {len(final)} pages, the first {len(texts)}")
    return len(final)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=REPO, help="book root (with _config.yml, _toc.yml)")
    parser.add_argument("--out", type=Path, default=None, help="PDF to write (default <book>/_build/pdf/nrqb-book.pdf)")
    parser.add_argument("--no-singlehtml", action="store_true", help="print the existing _build/singlehtml as it is")
    args = parser.parse_args(argv)
    book = args.book.resolve()
    out = (args.out or book / "_build" / "pdf" / PDF_NAME).resolve()
    start = time.perf_counter()
    executed = 0 if args.no_singlehtml else build_singlehtml(book)
    singlehtml_seconds = time.perf_counter() - start
    outline = book_outline(book)
    # Sphinx writes the single page at the root document's path (chapters/index.html) but makes its links relative
    # to the output root (_static/, _images/): print a copy that sits at the root.
    singlehtml = book / "_build" / "singlehtml"
    html = singlehtml / "nrqb-book.html"
    shutil.copy2(singlehtml / f"{outline['root']}.html", html)
    n_pages = print_book(html, outline, out)
    seconds = time.perf_counter() - start
    site = book / "_build" / "html"
    if site.is_dir():
        shutil.copy2(out, site / PDF_NAME)
    report = {
        "pdf": str(out.relative_to(book)) if out.is_relative_to(book) else str(out),
        "pages": n_pages,
        "bytes": out.stat().st_size,
        "seconds": round(seconds, 1),
        "singlehtml_seconds": round(singlehtml_seconds, 1),
        "chapters_executed_by_singlehtml": executed,
    }
    (out.parent / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"PDF: {out} ({n_pages} pages, {out.stat().st_size / 1e6:.1f} MB) in {seconds:.0f} s "
        f"(single-page build {singlehtml_seconds:.0f} s, chapters executed again: {executed})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
