"""Format the Python code cells of MyST chapters with ruff at the width a reader sees (88 characters).

Usage: ``python tools/format_chapters.py [--check] chapters/x.md [more.md ...]`` (default: every chapter).
Only the code inside ```` ```{code-cell} ```` fences changes; cell options (``:tags:``, ``---`` YAML blocks) and
the prose stay byte for byte. A cell ruff cannot parse (an IPython magic, say) is left as it is and named.
``--check`` changes nothing and exits 1 if a cell would change. The browser check (tests/test_browser.py) fails a
shown code line longer than 88 characters; lines ruff cannot shorten (long strings) are for the author.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 88
CELL = re.compile(r"^(```\{code-cell\}[^\n]*\n)(.*?)(^```[ \t]*$)", re.MULTILINE | re.DOTALL)
RUFF = [str(ROOT / ".venv" / "bin" / "ruff"), "format", f"--line-length={WIDTH}", "--stdin-filename=cell.py", "-"]


def _split_options(body: str) -> tuple[str, str]:
    """(cell options, code) of a code cell body: ``:key: value`` lines or a ``---`` YAML block first."""
    if body.startswith("---\n"):
        end = body.find("\n---\n", 4)
        if end >= 0:
            return body[: end + 5], body[end + 5 :]
    lines = body.splitlines(keepends=True)
    n = 0
    while n < len(lines) and re.match(r"^:[\w-]+:", lines[n]):
        n += 1
    if n and n < len(lines) and lines[n].strip() == "":
        n += 1
    return "".join(lines[:n]), "".join(lines[n:])


def format_code(code: str) -> str | None:
    """``code`` formatted by ruff at :data:`WIDTH`, or None if ruff cannot parse it."""
    if not code.strip():
        return code
    done = subprocess.run(RUFF, input=code, capture_output=True, text=True, cwd=ROOT)
    return done.stdout if done.returncode == 0 else None


def format_chapter(text: str, name: str = "") -> tuple[str, list[str]]:
    """The chapter with every code cell formatted, and the cells that were left alone."""
    skipped: list[str] = []

    def one(match: re.Match) -> str:
        options, code = _split_options(match.group(2))
        formatted = format_code(code)
        if formatted is None:
            line = text[: match.start()].count("\n") + 1
            skipped.append(f"{name}:{line}")
            return match.group(0)
        return match.group(1) + options + formatted + match.group(3)

    return CELL.sub(one, text), skipped


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or sorted((ROOT / "chapters").glob("*.md"))
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new, skipped = format_chapter(text, str(path))
        for where in skipped:
            print(f"not formatted (ruff cannot parse the cell): {where}")
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    verb = "would reformat" if check else "reformatted"
    for path in changed:
        print(f"{verb} {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
