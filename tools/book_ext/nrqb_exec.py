"""Sphinx extension for the nrqb book: execute the notebooks in parallel, from a cache that is never stale.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``, with ``execute: execute_notebooks: cache``. myst-nb
alone executes one notebook after another while Sphinx reads them, and its jupyter-cache key is the notebook's code
cells only, so a chapter kept its old outputs after a change in ``nrqb/``. This extension runs first:

* **Key.** A chapter's cached outputs are reused only if they were made from the same code cells (jupyter-cache's
  own match), the same files under ``nrqb/`` and the same ``requirements.txt`` (:func:`inputs_digest` of the
  folders and files named by ``nrqb_execution_inputs``, with the Python version), and the same contents of every
  other file of the book the kernel read while executing (its own text, a data file, ``_toc.yml`` ...: recorded by
  an audit hook, ``kernel_reads.py``). The digest and the files read are stored with each cached notebook
  (``data["nrqb_digest"]``, ``data["nrqb_reads"]``). So a chapter executes again when anything its outputs
  depend on changed, and only then: editing prose that no code reads executes nothing.
* **What is read again.** Sphinx re-reads a page whose file changed; this extension also makes it re-read a chapter
  when a file its code read changed, and every page when the inputs' digest changed or when the previous build was
  not clean (an error, or any warning), so a warning is never hidden by an incremental build. Whenever any page was
  read, every page is written again, so cross-references into a changed page are resolved (and checked by ``-n``)
  everywhere.
* **Execution.** Before Sphinx reads, every chapter about to be read whose cached outputs are missing or stale is
  executed in a pool of ``nrqb_execution_jobs`` processes (0: one per available CPU; the environment variable
  ``NRQB_EXECUTION_JOBS`` overrides both), longest first, each in its own kernel in the chapter's folder, exactly as
  myst-nb would (``jupyter_cache``'s ``single_nb_execution``, the same notebook reader, timeout and
  ``allow_errors``), retried once only on a timeout or on a kernel that died before running a cell. The executed
  notebooks go into myst-nb's jupyter-cache, where myst-nb finds them when it reads the page.
* **Failures.** A failed notebook is never cached: the traceback is reported (and written to
  ``<outdir>/reports/<docname>.err.log``, as myst-nb does) and, with ``nb_execution_raise_on_error``, the build
  stops with an error naming every failed chapter. The next build executes it again. Outputs are not cached either
  if ``nrqb/`` or ``requirements.txt`` changed while the chapter executed (a warning says so).

The cache lives in ``<book>/_build/.jupyter_cache`` (or ``execute: cache:``), next to the sources, so the student
build and a single-page build (for the PDF) share it and execute nothing the HTML build executed. Old versions of
a chapter's outputs are pruned (the newest ``KEEP_PER_CHAPTER`` are kept, for switching branches).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.cache.db import NbCacheRecord
from jupyter_cache.cache.main import JupyterCacheBase
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.execute.base import ExecutionError
from myst_nb.core.read import create_nb_reader
from nbclient.exceptions import CellTimeoutError
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

CLEAN_MARKER = "nrqb-clean-build"
KEEP_PER_CHAPTER = 3
DEFAULT_INPUTS = ("nrqb", "requirements.txt")
JOBS_VARIABLE = "NRQB_EXECUTION_JOBS"
# Set in the worker processes (so in the kernels they start) unless the caller chose: parallel kernels each
# starting BLAS threads on a 2-core machine only contend.
SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
KERNEL_READS = Path(__file__).with_name("kernel_reads.py")


# --- the key ------------------------------------------------------------------------------------------------


def _input_files(root: Path, names: tuple[str, ...]) -> list[Path]:
    """Every file under the named folders and files of ``root``, sorted; byte-code, caches and hidden files left
    out (they change without the sources changing)."""
    files = []
    for name in names:
        path = root / name
        if path.is_file():
            files.append(path)
        for found in sorted(path.rglob("*")) if path.is_dir() else ():
            parts = found.relative_to(root).parts
            if found.is_file() and found.suffix not in {".pyc", ".pyo"}:
                if not any(part == "__pycache__" or part.startswith(".") for part in parts):
                    files.append(found)
    return sorted(set(files))


def inputs_digest(root: Path, names: tuple[str, ...] = DEFAULT_INPUTS) -> str:
    """SHA-256 of everything every chapter's outputs depend on besides the chapter itself.

    Parameters
    ----------
    root : Path
        The book's folder.
    names : tuple of str
        Folders and files, relative to ``root``, whose contents are hashed (default: ``nrqb`` and
        ``requirements.txt``); a missing one counts as empty.

    Returns
    -------
    str
        Hex digest of the Python version, and of each file's path relative to ``root`` and its bytes.
    """
    root = Path(root).resolve()
    digest = hashlib.sha256(f"python {sys.version_info.major}.{sys.version_info.minor}\n".encode())
    for path in _input_files(root, tuple(names)):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if it is not a file (any more)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def book_reads(paths: list[str], root: Path, names: tuple[str, ...] = DEFAULT_INPUTS) -> dict[str, str]:
    """The files a kernel read (absolute ``paths``) that a chapter's key must cover, with their SHA-256.

    Parameters
    ----------
    paths : list of str
        What ``kernel_reads.py`` logged.
    root : Path
        The book's folder.
    names : tuple of str
        The inputs :func:`inputs_digest` covers already (left out here).

    Returns
    -------
    dict
        Path relative to ``root`` (posix) -> hex digest, for every existing file outside the inputs, ``_build``,
        hidden folders (``.venv``) and byte-code caches.
    """
    root = Path(root).resolve()
    reads = {}
    for name in paths:
        path = Path(name)
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        if not parts or parts[0] in names or parts[0] == "_build" or any(p.startswith(".") for p in parts):
            continue
        if "__pycache__" in parts:
            continue
        digest = file_sha256(path)
        if digest is not None:
            reads[path.relative_to(root).as_posix()] = digest
    return reads


def reads_unchanged(root: Path, reads: dict[str, str]) -> bool:
    """Every file in ``reads`` (relative path -> SHA-256, from :func:`book_reads`) still has those contents."""
    return all(file_sha256(Path(root) / name) == digest for name, digest in reads.items())


def cache_path(srcdir: Path, configured: str = "") -> Path:
    """The jupyter-cache folder: ``configured`` (relative to the book's folder) or ``<book>/_build/.jupyter_cache``."""
    return (Path(srcdir) / (configured or "_build/.jupyter_cache")).resolve()


def execution_jobs(configured: int) -> int:
    """Worker processes: ``$NRQB_EXECUTION_JOBS`` if set, else ``configured`` if positive, else the CPUs available."""
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    jobs = int(value) if value else int(configured)
    if jobs < 0:
        raise ValueError(f"{JOBS_VARIABLE} / nrqb_execution_jobs must be >= 0 (0: one per CPU), got {jobs}")
    return jobs or len(os.sched_getaffinity(0))


# --- executing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One notebook to execute: everything a worker process needs, picklable."""

    docname: str
    path: str
    notebook: str  # nbformat JSON
    timeout: int | None
    allow_errors: bool
    in_temp: bool = False  # nb_execution_in_temp: run in an empty temporary folder instead
    root: str = ""  # the book's folder: log the files of it the kernel reads ("": do not)


@dataclass(frozen=True)
class Outcome:
    """What a worker returns: the executed notebook (JSON) or the error, and the execution's wall time."""

    docname: str
    notebook: str | None
    seconds: float
    error: str | None = None
    traceback: str | None = None
    reads: tuple[str, ...] = ()  # absolute paths of the book's files the kernel opened for reading


def _reads_arguments(job: Job, log: Path) -> list[str]:
    """Kernel arguments that run ``kernel_reads.py`` before the first cell (nothing if ``job.root`` is empty)."""
    if not job.root:
        return []
    where = {"READS_ROOT": job.root, "READS_LOG": str(log)}
    line = f"__import__('runpy').run_path({str(KERNEL_READS)!r}, {where!r}, 'nrqb_kernel_reads');"
    return [f"--IPKernelApp.exec_lines={line}"]


def execute_notebook(job: Job, retries: int = 1) -> Outcome:
    """Execute ``job``'s notebook top to bottom in a fresh kernel in the notebook's folder.

    As myst-nb's own execution (``jupyter_cache.executors.utils.single_nb_execution``: the same timeout and
    ``allow_errors``, notebook-level ``execution`` metadata honoured), except that the kernel is stopped at once
    when the last cell has answered instead of being asked to shut down, and two flakes of the machinery are
    retried ``retries`` times: a cell timeout (the known, rare kernel stall) and a kernel that dies before any
    cell ran (two kernels started at the same moment can be handed the same TCP port). Any other error is final.
    """

    with tempfile.TemporaryDirectory(prefix="nrqb-exec-") as tmp:
        return _execute(job, retries, Path(tmp) / "reads.log")


def _execute(job: Job, retries: int, log: Path) -> Outcome:
    for attempt in range(retries + 1):
        notebook = nbformat.reads(job.notebook, as_version=4)
        log.write_text("")
        start = time.perf_counter()
        try:
            with tempfile.TemporaryDirectory() if job.in_temp else nullcontext(str(Path(job.path).parent)) as cwd:
                result = single_nb_execution(
                    notebook,
                    cwd=cwd,
                    timeout=job.timeout,
                    allow_errors=job.allow_errors,
                    shutdown_kernel="immediate",
                    extra_arguments=_reads_arguments(job, log),
                )
        except Exception as exc:  # the kernel died or never started: report it, never hang the pool
            started = any(cell.get("execution_count") for cell in notebook.cells if cell.cell_type == "code")
            if started or attempt == retries:
                seconds = time.perf_counter() - start
                return Outcome(job.docname, None, seconds, type(exc).__name__, traceback.format_exc())
            continue
        if result.err is None:
            reads = tuple(log.read_text(encoding="utf-8").split("\n")[:-1])
            return Outcome(job.docname, nbformat.writes(result.nb), result.time, reads=reads)
        if not isinstance(result.err, CellTimeoutError) or attempt == retries:
            return Outcome(job.docname, None, result.time, type(result.err).__name__, result.exc_string)
    raise AssertionError("unreachable")


def _single_threaded_worker() -> None:
    for name in SINGLE_THREAD:
        os.environ.setdefault(name, "1")


def execute_all(jobs: list[Job], workers: int, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Execute ``jobs`` (longest first is the caller's order) in ``workers`` processes; ``on_done(outcome)`` is
    called as each finishes. Returns the outcomes in completion order."""
    if not jobs:
        return []
    outcomes = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context, initializer=_single_threaded_worker) as pool:
        futures = [pool.submit(execute_notebook, job) for job in jobs]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    return outcomes


# --- the cache ----------------------------------------------------------------------------------------------


def read_notebook(path: Path, md_config: Any, nb_config: Any, text: str | None = None) -> nbformat.NotebookNode | None:
    """The notebook myst-nb makes of ``path`` (or of its ``text``, if given): the same reader, so the same
    jupyter-cache hash. None if the file is a plain page."""
    text = Path(path).read_text(encoding="utf-8") if text is None else text
    reader = create_nb_reader(str(path), md_config, nb_config, text)
    return None if reader is None else reader.read(text)


def cached_record(cache: JupyterCacheBase, notebook: nbformat.NotebookNode) -> NbCacheRecord | None:
    """The jupyter-cache record matching ``notebook``'s code cells, or None."""
    try:
        return cache.match_cache_notebook(notebook)
    except KeyError:
        return None


def is_fresh(record: NbCacheRecord | None, digest: str, root: Path) -> bool:
    """A cached notebook made from the current inputs (``digest``) and current contents of every file it read."""
    data = (record.data or {}) if record is not None else {}
    return data.get("nrqb_digest") == digest and reads_unchanged(root, data.get("nrqb_reads", {}))


def store(
    cache: JupyterCacheBase,
    path: Path,
    executed: nbformat.NotebookNode,
    seconds: float,
    digest: str,
    reads: dict[str, str],
) -> None:
    """Cache an executed notebook with its inputs' digest and the files it read; keep only the newest
    ``KEEP_PER_CHAPTER`` records of ``path``."""
    data = {"execution_seconds": seconds, "nrqb_digest": digest, "nrqb_reads": reads}
    bundle = CacheBundleIn(executed, str(path), data=data)
    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    # newest first: a record is replaced, never updated, so its primary key orders the records by age
    mine = sorted((r for r in cache.list_cache_records() if r.uri == str(path)), key=lambda r: r.pk, reverse=True)
    for record in mine[KEEP_PER_CHAPTER:]:
        try:
            cache.remove_cache(record.pk)
        except KeyError:  # its folder is already gone
            pass


def previous_seconds(cache: JupyterCacheBase) -> dict[str, float]:
    """The last recorded execution time of each notebook path in ``cache`` (for scheduling the longest first)."""
    seconds = {}
    for record in sorted(cache.list_cache_records(), key=lambda r: r.pk):
        value = (record.data or {}).get("execution_seconds")
        if value is not None:
            seconds[record.uri] = float(value)
    return seconds


# --- Sphinx events ------------------------------------------------------------------------------------------


def _logger() -> logging.SphinxLoggerAdapter:
    return logging.getLogger(__name__)


def _marker(app: Sphinx) -> Path:
    return Path(app.doctreedir) / CLEAN_MARKER


def configure(app: Sphinx, config: Config) -> None:
    """``config-inited``: an absolute cache folder beside the sources; the inputs' digest of this build."""
    if config.nb_execution_mode != "cache":
        return
    config.nb_execution_cache_path = str(cache_path(Path(app.srcdir), config.nb_execution_cache_path))
    app.nrqb_inputs_digest = inputs_digest(Path(app.srcdir), tuple(config.nrqb_execution_inputs))


def forget_clean_build(app: Sphinx) -> None:
    """``builder-inited``: note whether the last build was clean, and un-mark it until this one ends clean."""
    marker = _marker(app)
    app.nrqb_previous_build_clean = marker.is_file()
    marker.unlink(missing_ok=True)


def reread(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``: every page, if the inputs changed or the last build was not clean; else each chapter
    one of whose read files changed."""
    digest = getattr(app, "nrqb_inputs_digest", None)
    if digest is None:
        return []
    previous = getattr(env, "nrqb_inputs_digest", None)
    env.nrqb_inputs_digest = digest
    unchanged = env.found_docs - added - changed - removed
    if previous != digest or not app.nrqb_previous_build_clean:
        reason = "the last build was not clean" if previous == digest else "nrqb/ or requirements.txt changed"
        if previous is not None:
            _logger().info(f"[nrqb_exec] {reason}: reading every page again")
        return sorted(unchanged)
    reads = getattr(env, "nrqb_reads", {})
    again = sorted(doc for doc in unchanged if not reads_unchanged(Path(app.srcdir), reads.get(doc, {})))
    if again:
        _logger().info(f"[nrqb_exec] a file these chapters read changed: {', '.join(again)}")
    return again


def _excluded(path: Path, patterns: list[str] | None) -> bool:
    posix = PurePosixPath(path.as_posix())
    return any(posix.match(pattern) for pattern in patterns or ())


def execute_stale(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: execute, in parallel, each notebook about to be read whose outputs are stale."""
    app.nrqb_pages_read = bool(docnames)
    if app.config.nb_execution_mode != "cache" or not docnames:
        return
    nb_config = env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)
    digest = app.nrqb_inputs_digest
    inputs = tuple(app.config.nrqb_execution_inputs)
    root = Path(app.srcdir).resolve()
    known = previous_seconds(cache)
    if not hasattr(env, "nrqb_reads"):
        env.nrqb_reads = {}  # docname -> the files its code read (relative path -> SHA-256), for `reread`
    stale: list[Job] = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if not path.is_file() or _excluded(path, nb_config.execution_excludepatterns):
            continue
        notebook = read_notebook(path, env.myst_config, nb_config)
        if notebook is None:
            continue
        record = cached_record(cache, notebook)
        if is_fresh(record, digest, root):
            env.nrqb_reads[docname] = record.data.get("nrqb_reads", {})
            continue
        job = Job(
            docname,
            str(path),
            nbformat.writes(notebook),
            nb_config.execution_timeout,
            nb_config.execution_allow_errors,
            nb_config.execution_in_temp,
            str(root),
        )
        stale.append(job)
    if not stale:
        return

    def expected(job: Job) -> tuple[float, int]:
        return (known.get(job.path, float("inf")), len(job.notebook))  # the last run's time; never run: first

    stale.sort(key=expected, reverse=True)
    workers = execution_jobs(app.config.nrqb_execution_jobs)
    logger = _logger()
    logger.info(f"[nrqb_exec] executing {len(stale)} notebook(s) with {min(workers, len(stale))} worker(s)")
    by_name = {job.docname: job for job in stale}
    failed = []

    def finished(outcome: Outcome) -> None:
        job = by_name[outcome.docname]
        if outcome.error is None and inputs_digest(root, inputs) != digest:
            logger.warning(
                "nrqb/ or requirements.txt changed while this chapter executed: its outputs are not cached",
                location=outcome.docname,
                type="nrqb_exec",
            )
        elif outcome.error is None:
            reads = book_reads(list(outcome.reads), root, inputs)
            executed = nbformat.reads(outcome.notebook, as_version=4)
            store(cache, Path(job.path), executed, outcome.seconds, digest, reads)
            env.nrqb_reads[outcome.docname] = reads
            also = f" (read {', '.join(sorted(reads))})" if reads else ""
            logger.info(f"{job.path}: executed in {outcome.seconds:.2f} s{also} [nrqb_exec]")
            return
        failed.append(outcome.docname)
        report = Path(app.outdir).joinpath("reports", *(outcome.docname + ".err.log").split("/"))
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(outcome.traceback or "", encoding="utf8")
        message = f"Executing notebook failed: {outcome.error}"
        if nb_config.execution_show_tb:
            message += f"\n{outcome.traceback}"
        logger.warning(message, location=outcome.docname, type="mystnb", subtype="exec")

    start = time.perf_counter()
    execute_all(stale, workers, finished)
    logger.info(f"[nrqb_exec] executed {len(stale) - len(failed)} notebook(s) in {time.perf_counter() - start:.1f} s")
    if failed and nb_config.execution_raise_on_error:
        names = ", ".join(sorted(failed))
        raise ExecutionError(
            f"executing {names} failed (traceback above); nothing of it was cached, the next build executes it again"
        )


def write_everything(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: if any page was read, write every page (its links into the changed pages are checked)."""
    return sorted(env.found_docs) if getattr(app, "nrqb_pages_read", True) else []


def mark_clean(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: mark the build clean if it raised nothing and warned nothing."""
    if exception is None and getattr(app, "_warncount", 1) == 0:
        _marker(app).parent.mkdir(parents=True, exist_ok=True)
        _marker(app).touch()


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_config_value("nrqb_execution_jobs", 0, "", int)
    app.add_config_value("nrqb_execution_inputs", list(DEFAULT_INPUTS), "env", list)
    app.connect("config-inited", configure)
    app.connect("builder-inited", forget_clean_build)
    app.connect("env-get-outdated", reread)
    app.connect("env-before-read-docs", execute_stale)
    app.connect("env-updated", write_everything)
    app.connect("build-finished", mark_clean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
