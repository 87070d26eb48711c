"""Helpers for the tests that read the book's own files (_toc.yml, chapter sources, references.bib)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# Pages of the "Teaching and reference" part and the landing page: no exercises or Checks section required.
REFERENCE_PAGES = {
    "chapters/index",
    "chapters/teaching",
    "chapters/paper_map",
    "chapters/notation",
    "chapters/bibliography",
}


#: The jupytext header that makes a small test book's page a notebook the build executes.
FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def toc_pages(toc_file: Path) -> list[str]:
    """Document names (``chapters/charging``) of every file in a jb-book ``_toc.yml``, in reading order."""
    toc = yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([toc])
    return [re.sub(r"\.(md|ipynb)$", "", page) for page in pages]


def page_source(book_root: Path, page: str) -> Path | None:
    """The source file of a toc entry (``.md`` first, then ``.ipynb``), or None if neither exists."""
    for suffix in (".md", ".ipynb"):
        path = Path(book_root) / f"{page}{suffix}"
        if path.is_file():
            return path
    return None


def front_matter(text: str) -> dict | None:
    """The YAML front matter of a MyST markdown file, or None if it has none."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    return yaml.safe_load(match.group(1)) if match else None


def is_notebook(text: str) -> bool:
    """A jupytext MyST notebook: front matter with jupytext and a python3 kernelspec (so the build executes it)."""
    meta = front_matter(text) or {}
    return "jupytext" in meta and (meta.get("kernelspec") or {}).get("name") == "python3"
