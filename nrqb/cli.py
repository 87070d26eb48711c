"""Command line: ``python -m nrqb {summary,figures,ledger} ...``.

From a shell: ``python -m nrqb summary --Gamma 0.04 --kappa-b 0.03``,
``python -m nrqb figures --outdir figs --format svg``, ``python -m nrqb ledger --json``,
``python -m nrqb ledger --fit --json``.

Examples
--------
:func:`main` takes the arguments as a list and returns the exit status; a bad argument is one line on
stderr and status 2, never a traceback.

>>> from nrqb.cli import main
>>> main(["summary", "--kappa-b", "0.03"])  # doctest: +ELLIPSIS
 E_A_inf = 21.6333
 E_B_inf = 28.2558
 eta_inf = 0.566372
...
0
>>> main(["summary", "--t-max", "-1"])
2
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import sys
import tempfile
import warnings
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from . import __version__
from .params import PAPER_VALUES

__all__ = ["DPI_RANGE", "MEMORY_BUDGET", "build_parser", "main"]

#: Resolutions ``figures --dpi`` accepts (a 6 x 4 inch panel at 1200 dpi is already 35 million pixels).
DPI_RANGE = (20, 1200)
#: Largest estimated working memory (bytes) that ``figures`` starts on; beyond it the run is refused up front.
MEMORY_BUDGET = 2 * 2**30


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit status 2), without the usage block."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {' '.join(message.split())} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def _add_param_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model parameters (units of omega; defaults: the paper's Fig. 2)")
    for name, default in PAPER_VALUES.items():
        group.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float, default=default, metavar="X")
    group.add_argument("--J", dest="J", type=float, default=None, metavar="X", help="default Gamma/2 (nonreciprocal)")


def _cmd_summary(args: argparse.Namespace) -> int:
    from .analysis import charging_summary
    from .dynamics import evolve, steady_state
    from .params import paper_params

    values = {k: getattr(args, k) for k in PAPER_VALUES}
    if args.J is not None:
        values["J"] = args.J
    if not (math.isfinite(args.t_max) and args.t_max > 0):
        raise ValueError(f"--t-max (time window in units of 1/omega) must be finite and > 0; got {args.t_max!r}")
    p = paper_params(**values)
    ss = steady_state(p)
    report = charging_summary(evolve(p, np.linspace(0.0, args.t_max, 4001)), ss)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>8} = {'yes' if value else 'no'}" if isinstance(value, bool) else f"{key:>8} = {value:.6g}")
    return 0


def _writable_directory(outdir: str) -> pathlib.Path:
    """``outdir`` created if missing, after checking that it is (or can be) a directory this process can write."""
    if not outdir.strip():
        raise ValueError("--outdir must name a directory; got an empty string")
    path = pathlib.Path(outdir).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"--outdir {outdir!r} is a file, not a directory")
    ancestor = path
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"--outdir {outdir!r} lies under {str(ancestor)!r}, which is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ValueError(f"--outdir {outdir!r} is not a directory this process can write ({exc.strerror})") from None
    return path


def _check_figure_work(args: argparse.Namespace) -> None:
    """Refuse, before any work, a resolution or a grid whose estimated memory is over :data:`MEMORY_BUDGET`."""
    from .plots.figures import PANELS, working_memory

    lo, hi = DPI_RANGE
    if not lo <= args.dpi <= hi:
        raise ValueError(f"--dpi must be an integer in [{lo}, {hi}]; got {args.dpi}")
    if args.n is None:
        return
    if args.n < 2:
        raise ValueError(f"--n (grid points per axis) must be >= 2; got {args.n}")
    names = args.panel or list(PANELS)
    unknown = [name for name in names if name not in PANELS]
    if unknown:
        raise ValueError(f"unknown panel(s) {unknown}; valid panels are {', '.join(PANELS)}")
    worst = max(names, key=lambda name: working_memory(name, args.n))
    need = working_memory(worst, args.n)
    if need > MEMORY_BUDGET:
        raise ValueError(
            f"--n {args.n} would need about {need / 2**30:.3g} GiB of memory for {worst}, over the budget of "
            f"{MEMORY_BUDGET / 2**30:.3g} GiB; use a smaller --n"
        )


def _cmd_figures(args: argparse.Namespace) -> int:
    from .plots.figures import write_all

    _check_figure_work(args)
    outdir = _writable_directory(args.outdir)
    paths = write_all(outdir, fmt=args.format, panels=args.panel or None, n=args.n, dpi=args.dpi)
    for path in paths:
        print(path)
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from .studies.ledger import as_dicts, as_table, compute_ledger

    if args.fit:
        from .studies import fit

        result = fit.fit_paper_parameters(force=not args.json)
        print(json.dumps(fit.as_json(result), indent=2) if args.json else fit.as_text(result))
        return 0
    rows = compute_ledger()
    if args.json:
        print(json.dumps(as_dicts(rows), indent=2))
    else:
        print(as_table(rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m nrqb``."""
    parser = _Parser(
        prog="python -m nrqb",
        description="Nonreciprocal quantum battery (Lin, Ye, Li, Su, Wu): numbers, figures and the reproduction ledger.",
    )
    parser.add_argument("--version", action="version", version=f"nrqb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{summary,figures,ledger}")

    summary = sub.add_parser("summary", help="steady state and peak charging power for one parameter set")
    _add_param_options(summary)
    summary.add_argument("--t-max", type=float, default=400.0, help="time window in units of 1/omega (default 400)")
    summary.add_argument("--json", action="store_true", help="print JSON instead of a table")
    summary.set_defaults(func=_cmd_summary)

    figures = sub.add_parser("figures", help="write every panel of the paper's Figs. 2-4 (fig2a.png, ...)")
    figures.add_argument("--outdir", required=True, help="directory to write into (created if missing)")
    figures.add_argument("--format", choices=["png", "svg", "pdf"], default="png")
    figures.add_argument("--panel", action="append", help="only this panel, e.g. fig3c (repeatable)")
    figures.add_argument(
        "--n",
        type=int,
        default=None,
        help=f"grid points per axis (default: each panel's own); refused over {MEMORY_BUDGET // 2**30} GiB estimated",
    )
    figures.add_argument(
        "--dpi",
        type=int,
        default=150,
        help=f"resolution of raster formats, {DPI_RANGE[0]}-{DPI_RANGE[1]} (default 150)",
    )
    figures.set_defaults(func=_cmd_figures)

    ledger = sub.add_parser("ledger", help="every number quoted in the paper beside ours")
    ledger.add_argument("--json", action="store_true", help="print a JSON list of rows (with --fit: the fit's object)")
    ledger.add_argument("--fit", action="store_true", help="fit the paper's parameters to its printed numbers")
    ledger.set_defaults(func=_cmd_ledger)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code.

    A bad argument, or a value the package refuses, ends with exactly one line on stderr and status 2 (argparse's
    convention), never a traceback. Warnings raised on the way are shown (one line each) only if the run succeeds.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = int(args.func(args))
        except (ValueError, TypeError, OSError) as exc:
            print(f"nrqb: error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2
    for warning in caught:
        print(f"nrqb: warning: {' '.join(str(warning.message).split())}", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
