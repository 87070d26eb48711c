"""Execute MyST-markdown chapters top to bottom, as the book build does, and report failures.

Usage: ``python tools/run_chapter.py chapters/model.md [more.md ...]``. Exit code 1 on any error.
Used by authors while writing a chapter (faster than a full build).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 240, retries: int = 1) -> float:
    """Execute one chapter in its own directory; return seconds taken. Retries once on a timeout only."""
    for attempt in range(retries + 1):
        nb = jupytext.read(path)
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        start = time.perf_counter()
        try:
            client.execute()
            return time.perf_counter() - start
        except CellTimeoutError:
            if attempt == retries:
                raise
    raise AssertionError("unreachable")


def main(argv: list[str]) -> int:
    failed = 0
    for name in argv or sorted(str(p) for p in (ROOT / "chapters").glob("*.md")):
        path = Path(name).resolve()
        try:
            seconds = execute(path)
            print(f"ok     {path.relative_to(ROOT)}  ({seconds:.1f} s)")
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED {path.relative_to(ROOT)}\n{exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
