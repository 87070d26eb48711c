"""Benchmark: how long the book takes to build and execute, cold and incrementally, and each chapter's fixed cost.

In a copy of the repository's files (``git ls-files``: the working tree's ``_build`` is never touched) it measures,
in one run so the ratios compare like with like on a shared machine:

1. **kernel start + imports** of every chapter: a fresh kernel executes only the chapter's ``import`` lines (and
   ``%matplotlib``), the way the build executes a chapter (tools/book_ext/nrqb_exec.py), stop included; and
   ``python -X importtime -c "import nrqb"``;
2. a **cold build** (no ``_build``) with 1 worker, then with ``--jobs`` workers (``NRQB_EXECUTION_JOBS``);
3. a **rebuild with nothing changed**;
4. a **rebuild after a prose edit** of one chapter (a sentence appended; that chapter executes again), for the
   quickest, the median and the slowest chapter of the cold build.

Usage: ``python benchmarks/bench_build.py [--jobs 2] [--repeat 1] [--json out.json] [--skip-cold]``. Timing is reported, never
asserted (the machine may be shared: the load average is printed beside the figures). Targets (issue 14): cold with
two workers <= 60 % of cold with one; kernel start + imports <= 2 s per chapter; no-op rebuild <= 10 % and a prose
edit <= 25 % of a cold build.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nrqb_exec", REPO / "tools" / "book_ext" / "nrqb_exec.py")
nrqb_exec = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = nrqb_exec  # its dataclasses look their module up
_spec.loader.exec_module(nrqb_exec)
JUPYTER_BOOK = str(Path(sys.executable).with_name("jupyter-book"))
EXECUTED = re.compile(r"(\S+\.md): executed in ([0-9.]+) s(?: \(read [^)]*\))? \[nrqb_exec\]")
EXECUTION_WALL = re.compile(r"\[nrqb_exec\] executed \d+ notebook\(s\) in ([0-9.]+) s")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# Installed, not tracked, and needed by the build: linked into the copy.
INSTALLED = ("tools/js/node_modules",)


def copy_book(target: Path) -> Path:
    """The repository's tracked and untracked-but-not-ignored files, copied to ``target``; installed folders the
    build reads (``INSTALLED``) linked."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in INSTALLED:
        if (REPO / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to(REPO / name)
    return target


def build(root: Path, jobs: int) -> tuple[float, dict[str, float], float]:
    """Wall time of ``jupyter-book build root -W -n --keep-going``, the chapters it executed (seconds each) and the
    wall time of its execution phase."""
    env = {**os.environ, nrqb_exec.JOBS_VARIABLE: str(jobs), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    result = subprocess.run(
        [JUPYTER_BOOK, "build", str(root), "-W", "-n", "--keep-going"], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    log = result.stdout + result.stderr
    executed = {Path(path).stem: float(s) for path, s in EXECUTED.findall(log)}
    phase = sum(float(s) for s in EXECUTION_WALL.findall(log))
    return seconds, executed, phase


def import_lines(path: Path) -> str:
    """The chapter's ``%matplotlib`` magics and every ``import`` statement of its code cells, as one cell."""
    import jupytext

    lines = []
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "code":
            continue
        lines += [line for line in cell.source.splitlines() if line.startswith("%matplotlib")]
        code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(dict.fromkeys(lines))


def kernel_and_imports(root: Path) -> dict[str, dict[str, float]]:
    """Per notebook chapter: ``wall``, the seconds from kernel start to the end of the chapter's imports (kernel
    stopped), and ``cpu``, the CPU seconds the kernel process used for its start and those imports (it does not grow
    with the machine's load as the wall time does)."""
    seconds = {}
    for path in sorted((root / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "kernelspec:" not in text.split("\n---", 1)[0] + "\n":
            continue
        notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
        notebook.cells = [
            nbformat.v4.new_code_cell(import_lines(path)),
            nbformat.v4.new_code_cell("import time as _t\nprint(_t.process_time())"),
        ]
        job = nrqb_exec.Job(path.stem, str(path), nbformat.writes(notebook), 120, False)
        start = time.perf_counter()
        outcome = nrqb_exec.execute_notebook(job)
        wall = time.perf_counter() - start
        if outcome.error:
            sys.exit(f"{path.name}: imports failed\n{outcome.traceback}")
        cpu = float(nbformat.reads(outcome.notebook, as_version=4).cells[-1].outputs[0]["text"])
        seconds[path.stem] = {"wall": wall, "cpu": cpu}
    return seconds


def import_nrqb() -> float:
    """Seconds ``import nrqb`` takes, from ``-X importtime`` (the cumulative figure of the package itself)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import nrqb"], capture_output=True, text=True, check=True
    )
    line = next(line for line in result.stderr.splitlines()[::-1] if line.rstrip().endswith("| nrqb"))
    return int(line.split("|")[1]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="workers of the parallel cold build (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--skip-cold", action="store_true", help="only the kernel-start and import figures")
    parser.add_argument("--repeat", type=int, default=1, help="pairs of cold builds, alternating the order (ABBA)")
    args = parser.parse_args()
    figures: dict[str, object] = {"cpus": len(os.sched_getaffinity(0)), "load_before": load()}
    print(f"load average {figures['load_before']} on {figures['cpus']} CPUs")

    figures["import_nrqb_s"] = import_nrqb()
    print(f"import nrqb (-X importtime): {figures['import_nrqb_s']:.3f} s")
    with tempfile.TemporaryDirectory(prefix="nrqb-bench-") as tmp:
        root = copy_book(Path(tmp))
        kernel = kernel_and_imports(root)
        figures["kernel_and_imports_s"] = kernel
        print("kernel start + imports per chapter, wall s (kernel CPU s):")
        print("  " + ", ".join(f"{k} {v['wall']:.2f} ({v['cpu']:.2f})" for k, v in kernel.items()))
        for kind in ("wall", "cpu"):
            values = [v[kind] for v in kernel.values()]
            print(f"  {kind}: median {statistics.median(values):.2f} s, max {max(values):.2f} s (target <= 2 s)")
        if args.skip_cold:
            return finish(figures, args.json)

        cold: dict[int, list[float]] = {1: [], args.jobs: []}
        phases: dict[int, list[float]] = {1: [], args.jobs: []}
        for repeat in range(args.repeat):
            for jobs in (1, args.jobs) if repeat % 2 == 0 else (args.jobs, 1):  # ABBA: load drifts cancel
                shutil.rmtree(root / "_build", ignore_errors=True)
                seconds, executed, phase = build(root, jobs)
                cold[jobs].append(seconds)
                phases[jobs].append(phase)
                figures[f"cold_{jobs}_workers_executed"] = executed
                longest = max(executed, key=executed.__getitem__)
                print(
                    f"cold build, {jobs} worker(s): {seconds:.1f} s, of which executing {phase:.1f} s"
                    f" ({len(executed)} chapters, {sum(executed.values()):.1f} s in all, the longest {longest}"
                    f" {executed[longest]:.1f} s; load {load()})"
                )
        for jobs in cold:
            figures[f"cold_{jobs}_workers_s"], figures[f"cold_{jobs}_workers_execution_s"] = cold[jobs], phases[jobs]
        base = statistics.median(cold[args.jobs])
        figures["parallel_ratio"] = base / statistics.median(cold[1])
        print(f"  {args.jobs} workers / 1 worker = {figures['parallel_ratio']:.0%} (median of each; target <= 60 %)")
        # the incremental rebuilds below start from the book the last cold build left (either count: same book)

        noop, executed, _ = build(root, args.jobs)
        figures["noop_s"], figures["noop_ratio"] = noop, noop / base
        print(
            f"rebuild, nothing changed: {noop:.1f} s = {noop / base:.0%} of cold (target <= 10 %), {len(executed)} executed"
        )

        by_time = sorted(figures[f"cold_{args.jobs}_workers_executed"].items(), key=lambda item: item[1])
        picks = dict.fromkeys([by_time[0][0], by_time[len(by_time) // 2][0], by_time[-1][0]])
        figures["prose_edit"] = {}
        for name in picks:
            path = root / "chapters" / f"{name}.md"
            path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")
            seconds, executed, _ = build(root, args.jobs)
            figures["prose_edit"][name] = {"s": seconds, "ratio": seconds / base, "executed": sorted(executed)}
            print(
                f"rebuild after a prose edit of {name}: {seconds:.1f} s = {seconds / base:.0%} of cold "
                f"(target <= 25 %), executed {sorted(executed)}"
            )
    figures["load_after"] = load()
    finish(figures, args.json)


def finish(figures: dict, out: Path | None) -> None:
    print(f"load average now {load()}")
    if out is not None:
        out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
