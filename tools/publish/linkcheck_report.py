"""Summarise Sphinx's link check of the book (``output.json``) for the weekly workflow (.github/workflows/linkcheck.yml).

Usage: ``python tools/publish/linkcheck_report.py _build/linkcheck/output.json --report links.md``. Writes a Markdown
report (the body of the issue the workflow opens or updates) and exits with 1 when a link is broken: the page answered
404, 410 or a server error, or could not be reached at all. Links a site refuses to robots (401, 403, 429) are listed
but do not fail the check: a person can usually open them, and an issue every week about them would be noise.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

REFUSED_TO_ROBOTS = {401, 403, 429}


@dataclass(frozen=True)
class Link:
    page: str
    line: int
    uri: str
    code: int
    info: str


def read_results(path: Path) -> list[dict]:
    """The JSON lines Sphinx's linkcheck builder writes, one per checked link."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def classify(results: list[dict]) -> tuple[list[Link], list[Link]]:
    """``(broken, refused)``: links that fail the check, and links a site refused to a robot."""
    broken, refused = [], []
    for result in results:
        if result.get("status") not in ("broken", "timeout"):
            continue
        link = Link(
            page=str(result.get("filename", "?")),
            line=int(result.get("lineno") or 0),
            uri=str(result.get("uri", "")),
            code=int(result.get("code") or 0),
            info=" ".join(str(result.get("info", "")).split())[:200],
        )
        (refused if link.code in REFUSED_TO_ROBOTS else broken).append(link)
    return broken, refused


def report(broken: list[Link], refused: list[Link], n_checked: int) -> str:
    """The Markdown body of the issue."""
    lines = [f"The weekly check of the book's {n_checked} external links found {len(broken)} broken."]

    def table(links: list[Link]) -> None:
        lines.extend(["", "| page | line | link | answer |", "| --- | --- | --- | --- |"])
        for link in sorted(links, key=lambda x: (x.page, x.line)):
            answer = f"HTTP {link.code}" if link.code else link.info or "no answer"
            lines.append(f"| `{link.page}` | {link.line} | <{link.uri}> | {answer.replace('|', '/')} |")

    if broken:
        lines.extend(["", "## Broken (fix or replace these)"])
        table(broken)
    if refused:
        lines.extend(["", "## Refused to a robot (check by hand; these do not fail the check)"])
        table(refused)
    lines.extend(
        ["", "Rerun: `jupyter-book build . --builder linkcheck`, then this script on `_build/linkcheck/output.json`."]
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="output.json of the linkcheck builder")
    parser.add_argument("--report", type=Path, required=True, help="Markdown file to write")
    args = parser.parse_args(argv)
    if not args.output.is_file():
        args.report.write_text(f"The link check did not run: {args.output} was not written (see the workflow log).\n")
        return 1
    results = read_results(args.output)
    broken, refused = classify(results)
    args.report.write_text(report(broken, refused, len(results)), encoding="utf-8")
    print(f"{len(results)} links checked: {len(broken)} broken, {len(refused)} refused to a robot")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
