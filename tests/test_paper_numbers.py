"""No chapter types a number the paper prints: prose shows it through glue from nrqb.paper, code reads it there.

A number counts when it is distinctive enough to be recognised in a text: two or more significant digits as the
paper prints it ("75.9", "0.486", "87"; not "0.1" or "10", which are also ordinary numbers). It may still appear
inside a longer number ("175.9", "0.7590") or as part of a name; the search looks for it standing alone.

Alt text (``:alt:`` lines) is left out: it describes the curves a figure shows. Scope: every page in _toc.yml except those in UNCLEAN_PAGES, and every module of nrqb/ except paper.py (the one
record) and those in UNCLEAN_MODULES, which are being rewritten and join the check as they are cleaned.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _bookfiles import page_source, toc_pages

from nrqb import paper

REPO = Path(__file__).resolve().parents[1]
PAGES = toc_pages(REPO / "_toc.yml")
# Being rewritten by the science-fidelity work (issue 12) when this test landed; they join as they are cleaned.
UNCLEAN_PAGES: set[str] = set()
UNCLEAN_MODULES: set[str] = set()


def significant_digits(text: str) -> int:
    """Significant digits of a printed decimal ("0.486" -> 3, "87" -> 2, "100" -> 1, "0.04" -> 1)."""
    digits = text.replace(".", "").lstrip("0")
    if "." not in text:
        digits = digits.rstrip("0")
    return len(digits)


# Ranges, ratios and detunings the paper quotes are parameters ("Jt from 0.5 to 3.5"), not results.
PARAMETER_KEY = re.compile(r"\.(Jt|r|Delta)(\.|$)")
DISTINCTIVE = sorted(
    {
        q.printed_digits
        for q in paper.QUOTES.values()
        if significant_digits(q.printed_digits) >= 2 and not PARAMETER_KEY.search(q.key)
    },
    key=float,
)


def _pattern(number: str) -> re.Pattern:
    return re.compile(rf"(?<![\w.]){re.escape(number)}(?![\w]|\.\d)")


def typed_numbers(text: str) -> list[str]:
    """``line: number`` for every distinctive paper number standing alone in ``text``."""
    hits = []
    for number in DISTINCTIVE:
        pattern = _pattern(number)
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith(":alt:"):  # alt text describes the plotted curves, as it stands
                continue
            if pattern.search(line):
                hits.append(f"line {lineno}: {number} in {line.strip()[:90]!r}")
    return hits


def test_the_distinctive_numbers_are_the_papers_headline_numbers():
    assert {"75.9", "62.2", "0.486", "0.52", "0.78", "14.8", "87"} <= set(DISTINCTIVE)
    assert "0.1" not in DISTINCTIVE and "10" not in DISTINCTIVE


def test_the_search_finds_a_typed_number_and_ignores_longer_ones():
    assert typed_numbers("the paper reports 75.9 at resonance") != []
    assert typed_numbers("assert abs(x - 0.486) < 1e-3") != []
    assert typed_numbers("E = 175.9, r = 0.7590, t = 62.25, {glue:md}`charging_paper_EB0`") == []


@pytest.mark.parametrize("page", [p for p in PAGES if p not in UNCLEAN_PAGES])
def test_no_chapter_types_a_paper_number(page):
    hits = typed_numbers(page_source(REPO, page).read_text(encoding="utf-8"))
    assert not hits, f"{page} types the paper's numbers (glue them from nrqb.paper):\n  " + "\n  ".join(hits)


MODULES = sorted(
    str(path.relative_to(REPO))
    for path in (REPO / "nrqb").rglob("*.py")
    if path.name != "paper.py" and str(path.relative_to(REPO)) not in UNCLEAN_MODULES
)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_types_a_paper_number(module):
    hits = typed_numbers((REPO / module).read_text(encoding="utf-8"))
    assert not hits, f"{module} types the paper's numbers (read them from nrqb.paper):\n  " + "\n  ".join(hits)
