"""Execute MyST-markdown chapters top to bottom, as the book build does, and report failures.

Usage: ``python tools/run_chapter.py [-j N] [chapters/model.md ...]`` (default: every chapter). Exit code 1 on any
error. Used by authors while writing a chapter. The notebook is read and executed exactly as the build executes it
(tools/book_ext/nrqb_exec.py: myst-nb's reader, a fresh kernel in the chapter's folder, the book's timeout, one
retry only on a timeout or a kernel that died at start), in ``N`` kernels at a time (default: one per CPU, or
``$NRQB_EXECUTION_JOBS``). Nothing is cached: ``make book`` executes what changed itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import nbformat
import yaml
from myst_nb.core.config import NbParserConfig
from myst_parser.config.main import MdParserConfig

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nrqb_exec", ROOT / "tools" / "book_ext" / "nrqb_exec.py")
nrqb_exec = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = nrqb_exec  # its dataclasses look their module up
_spec.loader.exec_module(nrqb_exec)


def book_timeout() -> int:
    """The per-cell timeout of the book build (``execute: timeout`` in ``_config.yml``)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return int(config.get("execute", {}).get("timeout", 30))


def job(path: Path, timeout: int) -> nrqb_exec.Job | None:
    """The execution job of one chapter, or None if it is a plain page (no notebook front matter)."""
    notebook = nrqb_exec.read_notebook(path, MdParserConfig(), NbParserConfig())
    if notebook is None:
        return None
    return nrqb_exec.Job(str(path.relative_to(ROOT)), str(path), nbformat.writes(notebook), timeout, False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter files (default: chapters/*.md)")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="kernels at a time (default: one per CPU)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.chapters] or sorted((ROOT / "chapters").glob("*.md"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such chapter: {', '.join(missing)}")
    timeout = book_timeout()
    jobs = []
    for path in paths:
        found = job(path, timeout)
        if found is None:
            print(f"skip   {path.relative_to(ROOT)}  (a plain page, nothing to execute)")
        else:
            jobs.append(found)
    failed = 0

    def report(outcome: nrqb_exec.Outcome) -> None:
        nonlocal failed
        if outcome.error is None:
            print(f"ok     {outcome.docname}  ({outcome.seconds:.1f} s)", flush=True)
        else:
            failed += 1
            print(f"FAILED {outcome.docname}  ({outcome.error})\n{outcome.traceback}", flush=True)

    nrqb_exec.execute_all(jobs, nrqb_exec.execution_jobs(args.jobs), report)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
