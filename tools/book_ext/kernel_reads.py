"""Run in each kernel that tools/book_ext/nrqb_exec.py starts, before the first cell: note every book file read.

The kernel is started with ``--IPKernelApp.exec_lines`` running this file (``runpy.run_path`` with
``init_globals={"READS_ROOT": <the book's folder>, "READS_LOG": <a log file>}``, so no name lands in the notebook's
namespace). It installs an audit hook (PEP 578) that appends the absolute path of every file the kernel opens for
reading under ``READS_ROOT`` to ``READS_LOG``, once per path.
nrqb_exec then keys the chapter's cached outputs on those files: a chapter that reads its own text, a data file or
``_toc.yml`` executes again when that file changes. Reads by other processes the chapter starts are not seen.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def install(root: str, log_path: str) -> None:
    """Append to ``log_path`` every file under ``root`` this process opens for reading from now on."""
    root = os.path.join(os.path.abspath(root), "")
    # the interpreter's own files (a virtual environment inside the book) are covered by requirements.txt
    installed = tuple(os.path.join(os.path.abspath(p), "") for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # opened before the hook exists: not an event
    seen: set[str] = set()

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "open":
            return
        try:  # an audit hook that raises would break the audited call: never raise
            path, mode, flags = (*args, None, None)[:3]
            if isinstance(path, int) or path is None:
                return
            if mode is not None:
                if any(c in str(mode) for c in "wax+"):
                    return
            elif flags is not None and flags & (os.O_WRONLY | os.O_RDWR):
                return
            full = os.path.abspath(os.fsdecode(path))
            if full.startswith(root) and not full.startswith(installed) and full not in seen:
                seen.add(full)
                log.write(full + "\n")
        except Exception:
            return

    sys.addaudithook(hook)


if globals().get("READS_ROOT") and globals().get("READS_LOG"):
    install(globals()["READS_ROOT"], globals()["READS_LOG"])
