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
import sys
from collections.abc import Sequence

import numpy as np

from .params import PAPER_VALUES

__all__ = ["build_parser", "main"]


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
    p = paper_params(**values)
    if not args.t_max > 0:
        raise ValueError(f"--t-max (time window in units of 1/omega) must be > 0; got {args.t_max!r}")
    ss = steady_state(p)
    report = charging_summary(evolve(p, np.linspace(0.0, args.t_max, 4001)), ss)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>8} = {'yes' if value else 'no'}" if isinstance(value, bool) else f"{key:>8} = {value:.6g}")
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from .plots.figures import write_all

    paths = write_all(args.outdir, fmt=args.format, panels=args.panel or None, n=args.n, dpi=args.dpi)
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
    parser = argparse.ArgumentParser(
        prog="python -m nrqb",
        description="Nonreciprocal quantum battery (Lin, Ye, Li, Su, Wu): numbers, figures and the reproduction ledger.",
    )
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
    figures.add_argument("--n", type=int, default=None, help="grid points per axis (default: each panel's own)")
    figures.add_argument("--dpi", type=int, default=150, help="resolution of raster formats (default 150)")
    figures.set_defaults(func=_cmd_figures)

    ledger = sub.add_parser("ledger", help="every number quoted in the paper beside ours")
    ledger.add_argument("--json", action="store_true", help="print a JSON list of rows (with --fit: the fit's object)")
    ledger.add_argument("--fit", action="store_true", help="fit the paper's parameters to its printed numbers")
    ledger.set_defaults(func=_cmd_ledger)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:
        print(f"nrqb: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
