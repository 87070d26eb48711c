"""Every internal link of the built HTML resolves (``make book`` and ``make pdf``, then ``-m published``; no network).

Each ``href`` and ``src`` of every page in ``_build/html`` that is not an external URL must name a file of the build
(the notebooks under ``_notebooks/`` and ``nrqb-book.pdf`` included) and, when it has a ``#fragment``, an element
with that id (or name) in the page it points to.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from _published import require_built_html

pytestmark = pytest.mark.published

LINK_ATTRIBUTES = {"href", "src"}
EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "blob:", "tel:")


class _Page(HTMLParser):
    """The ids and the internal links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in LINK_ATTRIBUTES and value is not None:
                if tag == "link" and ("preconnect" in (dict(attrs).get("rel") or "")):
                    continue
                link = value.strip()
                if link and not link.lower().startswith(EXTERNAL) and not link.startswith("//"):
                    self.links.append((tag, link))


@functools.cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _pages(root: Path) -> list[Path]:
    """The pages of the build (not the theme's Jinja macro files under _static, nor the copied sources)."""
    return sorted(p for p in root.rglob("*.html") if not {"_sources", "_static"} & set(p.relative_to(root).parts))


def broken_links(root: Path) -> list[str]:
    """``page: link (why)`` for every internal link of the HTML under ``root`` that does not resolve."""
    problems = []
    for path in _pages(root):
        base = "http://book.invalid/" + path.relative_to(root).as_posix()
        for tag, link in _parse(path).links:
            target = urlparse(urljoin(base, link))
            relative = unquote(target.path).lstrip("/")
            file = root / relative if relative else root / "index.html"
            if target.path.endswith("/"):
                file = file / "index.html"
            where = f"{path.relative_to(root)}: <{tag}> {link}"
            if not file.is_file():
                problems.append(f"{where} (no file {file.relative_to(root)})")
            elif target.fragment and file.suffix == ".html" and unquote(target.fragment) not in _parse(file).ids:
                problems.append(f"{where} (no id {unquote(target.fragment)!r} in {file.relative_to(root)})")
    return problems


def test_every_internal_href_and_src_resolves():
    root = require_built_html()
    pages = _pages(root)
    assert len(pages) >= 10, f"only {len(pages)} pages in {root}"
    n_links = sum(len(_parse(p).links) for p in pages)
    assert n_links > 100 * len(pages) / 10, f"only {n_links} internal links: is the HTML complete?"
    problems = broken_links(root)
    assert not problems, f"{len(problems)} internal links do not resolve:\n" + "\n".join(problems[:40])


def test_the_checker_finds_a_missing_file_and_a_missing_anchor(tmp_path):
    (tmp_path / "index.html").write_text('<a id="top" href="#top">a</a><a href="#nowhere">b</a>')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text(
        '<img src="../missing.png"><a href="../index.html#top">ok</a><a href="https://example.org/x">ext</a>'
    )
    problems = broken_links(tmp_path)
    assert problems == [
        "index.html: <a> #nowhere (no id 'nowhere' in index.html)",
        "sub/page.html: <img> ../missing.png (no file missing.png)",
    ]
