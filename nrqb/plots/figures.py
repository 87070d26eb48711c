r"""Every panel of the paper's Figs. 2--4, regenerated from :mod:`nrqb` (never copied from the paper).

One function per panel (``fig2a`` ... ``fig4b``, collected in :data:`PANELS`). Each takes a
:class:`~nrqb.Params` (default :func:`nrqb.paper_params`, the paper's Fig. 2 set), the ranges to
plot and a grid resolution ``n``, and returns a :class:`matplotlib.figure.Figure`. All numbers come
from the vectorised core -- :func:`nrqb.evolve`, :func:`nrqb.steady_state` and
:func:`nrqb.exceptional_coupling` -- called once per panel on a broadcast parameter/time grid; this
module never solves an equation itself.

Conventions
-----------
* Time axes are the paper's scaled time :math:`Jt` (:math:`t` in units of :math:`1/\omega`, so
  :math:`Jt = |J|\,t` with :math:`J` in units of :math:`\omega`); energies are in units of
  :math:`\omega` (:math:`\hbar = 1`), powers :math:`P = dE_B/dt` in units of :math:`\omega^2`.
* Lines use the Okabe--Ito palette (:data:`OKABE_ITO`) *and* distinct line styles; colour maps are
  the perceptually uniform, colour-vision-deficiency-safe ``viridis`` and ``cividis``.
* Figures have an opaque white face so they stay legible in the book's dark mode.
* Every figure carries a descriptive alternative text, computed from the plotted data, in
  ``fig._nrqb_alt`` (read it with :func:`alt_text`); :func:`write_all` stores it in the file's
  metadata (PNG/SVG ``Description``, PDF ``Subject``).

Only matplotlib's object API is used (``Figure`` with an Agg canvas attached), so importing
this module neither selects a backend nor touches pyplot's global state.

Examples
--------
>>> import nrqb.plots.figures as nf
>>> fig = nf.fig3c(n=50)
>>> fig.axes[0].get_xscale()
'log'
>>> paths = nf.write_all("figs", fmt="svg", panels=["fig2a"])  # doctest: +SKIP
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from ..analysis import nonreciprocal_coupling
from ..dynamics import SteadyState, Trajectory, evolve, steady_state
from ..exceptional import exceptional_coupling
from ..params import Params, paper_params
from ..validation import require_scalar
from .style import CYCLE as _CYCLE
from .style import LINESTYLES as _STYLES
from .style import (
    OKABE_ITO,
    SEQUENTIAL_CMAPS,
    _metadata,
    alt_text,
    line_style,
    new_figure,
    set_alt_text,
    to_png,
)

__all__ = [
    "FORMATS",
    "OKABE_ITO",
    "PANELS",
    "SEQUENTIAL_CMAPS",
    "alt_text",
    "fig2a",
    "fig2b",
    "fig2c",
    "fig2d",
    "fig3a",
    "fig3b",
    "fig3c",
    "fig3d",
    "fig3e",
    "fig3f",
    "fig4a",
    "fig4b",
    "to_png",
    "working_memory",
    "write_all",
]

#: File formats :func:`write_all` can write.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

# Axis labels (units: hbar = 1, energies in omega, times in 1/omega).
_JT = r"scaled time $Jt$ (dimensionless; $t$ in units of $1/\omega$)"
_EB = r"battery energy $E_B$ (units of $\omega$)"
_EB_INF = r"steady battery energy $E_B(\infty)$ (units of $\omega$)"
_ETA = r"efficiency $\eta = E_B/(E_A+E_B)$"
_ETA_INF = r"steady efficiency $\eta(\infty)$"
_P = r"charging power $P = dE_B/dt$ (units of $\omega^2$)"
_R = r"damping ratio $r = \kappa_b/\kappa_a$"
_DELTA = r"detuning $\Delta = \Delta_b - \Delta_a$ (units of $\omega$)"


# --------------------------------------------------------------------------- helpers


def _scalar(p: Params | None) -> Params:
    return require_scalar(paper_params() if p is None else p, "figures")


def _coupling(p: Params) -> float:
    J = abs(p.J)
    if not J > 0:
        raise ValueError("p.J (coherent coupling) must be nonzero: the time axis is the paper's Jt = |J| t")
    return float(J)


def _count(n: object, name: str = "n", minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(f"{name} (number of grid points) must be an integer >= {minimum}; got {n!r}")
    return int(n)


def _positive(x: float, name: str) -> float:
    x = float(x)
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be finite and > 0; got {x!r}")
    return x


def _r_range(r_range: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in r_range)
    if not (0 < lo < hi and math.isfinite(hi)):
        raise ValueError(f"r_range must be (r_min, r_max) with 0 < r_min < r_max < inf; got {r_range!r}")
    return lo, hi


def _new_figure(figsize: tuple[float, float] = (5.2, 3.6), nrows: int = 1, **gridspec: Any) -> tuple[Figure, Any]:
    return new_figure(figsize, nrows, sharex=nrows > 1, **gridspec)


def _finish(fig: Figure, title: str, alt: str) -> Figure:
    return set_alt_text(fig, alt, title)


_style = line_style


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def _phi_label(phi: float) -> str:
    frac = Fraction(phi / math.pi).limit_denominator(48)
    if abs(float(frac) * math.pi - phi) > 1e-9:
        return f"{phi:.3g}"
    if frac == 0:
        return "0"
    num = "" if frac.numerator == 1 else str(frac.numerator)
    return rf"{num}\pi" if frac.denominator == 1 else rf"{num}\pi/{frac.denominator}"


def _time_lines(
    ax: Axes,
    Jt: NDArray,
    Y: NDArray,
    labels: Sequence[str],
    gids: Sequence[str],
    *,
    steady: NDArray | None = None,
    peaks: bool = False,
) -> None:
    """Plot the rows of ``Y`` against ``Jt``; optionally mark steady values and peaks."""
    for i, (label, gid) in enumerate(zip(labels, gids, strict=True)):
        style = _style(i)
        ax.plot(Jt, Y[i], label=label, gid=gid, **style)
        if steady is not None:
            ax.plot(
                [Jt[-1]], [steady[i]], marker="<", markersize=7, color=style["color"], clip_on=False,
                linestyle="none", gid=f"steady:{gid}", label=r"$t\to\infty$ value" if i == 0 else None,
            )  # fmt: skip
        if peaks:
            k = int(np.argmax(Y[i]))
            ax.plot(
                [Jt[k]], [Y[i, k]], marker="o", markersize=5, color=style["color"], linestyle="none",
                gid=f"peak:{gid}", label="peak" if i == 0 else None,
            )  # fmt: skip
    ax.set_xlim(Jt[0], Jt[-1])
    ax.set_xlabel(_JT)
    _legend(ax)


def _legend(ax: Axes) -> None:
    """Legend with the data lines first and the marker entries (steady value, peak) last."""
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(handles)), key=lambda i: ":" in str(handles[i].get_gid()))
    ax.legend(
        [handles[i] for i in order], [labels[i] for i in order], frameon=True, facecolor="white", framealpha=0.9,
        fontsize="small",
    )  # fmt: skip


def _detuned(p: Params, deltas: Sequence[float]) -> tuple[Params, NDArray]:
    d = np.asarray(deltas, dtype=float).ravel()
    if d.size == 0:
        raise ValueError("deltas must hold at least one detuning (units of omega)")
    return p.replace(Delta_b=p.Delta_a + d[:, None]), d


def _r_axis(r_range: tuple[float, float], n: int) -> NDArray:
    lo, hi = _r_range(r_range)
    return np.logspace(math.log10(lo), math.log10(hi), _count(n, "n_r"))


def _monotone(y: NDArray) -> str:
    d = np.diff(y)
    return (
        "; it decreases monotonically" if np.all(d <= 0) else "; it increases monotonically" if np.all(d >= 0) else ""
    )


def _overshoot(E: NDArray, steady: NDArray, phis: NDArray) -> str:
    """Name the curves that rise above their steady value (energy flowing back to the charger)."""
    over = [_phi_label(x).replace("\\pi", "π") for x, e, s in zip(phis, E, steady, strict=True) if e.max() > 1.001 * s]
    return (
        f"For φ = {', '.join(over)} the energy overshoots its steady value and oscillates (backflow). " if over else ""
    )


def _delta_series(
    p: Params | None, deltas: Sequence[float], Jt_max: float, n: int
) -> tuple[NDArray, NDArray, Trajectory, SteadyState]:
    p = _scalar(p)
    J = _coupling(p)
    Jt = np.linspace(0.0, _positive(Jt_max, "Jt_max"), _count(n))
    grid, d = _detuned(p, deltas)
    return Jt, d, evolve(grid, Jt[None, :] / J), steady_state(grid)


def _delta_labels(d: NDArray, what: str) -> tuple[list[str], list[str]]:
    return [rf"$\Delta = {x:g}\,\omega$" for x in d], [f"{what}[Delta={x:g}]" for x in d]


# --------------------------------------------------------------------------- Fig. 2


def fig2a(
    p: Params | None = None, *, deltas: Sequence[float] = (0.0, 0.01, 0.1), Jt_max: float = 10.0, n: int = 600
) -> Figure:
    r"""Fig. 2(a): battery energy :math:`E_B(t)` for several detunings :math:`\Delta`.

    Parameters
    ----------
    p : Params, optional
        Scalar parameter set (default :func:`nrqb.paper_params`: :math:`\Gamma = 0.04`,
        :math:`\kappa_a=\kappa_b=0.003`, :math:`\varepsilon = 0.1`, :math:`\phi=\pi/2`, :math:`J=\Gamma/2`).
    deltas : sequence of float
        Detunings :math:`\Delta = \Delta_b - \Delta_a` in units of :math:`\omega` (the paper: 0, 0.01, 0.1);
        :math:`\Delta_a` is kept at ``p.Delta_a``.
    Jt_max : float
        End of the time axis in :math:`Jt` (the paper's Fig. 2 shows the approach to the steady state;
        default 10, where :math:`E_B` is within 0.1 % of it at :math:`\Delta = 0`).
    n : int
        Number of time points.

    Returns
    -------
    Figure
        One axes; lines with gid ``"E_B[Delta=<d>]"`` and right-edge markers ``"steady:..."`` at
        :func:`nrqb.steady_state` values (paper Eq. 10).

    Raises
    ------
    ValueError
        For array-valued ``p``, :math:`J = 0`, an empty ``deltas`` or a bad range/resolution.
    """
    Jt, d, tr, ss = _delta_series(p, deltas, Jt_max, n)
    fig, ax = _new_figure()
    labels, gids = _delta_labels(d, "E_B")
    _time_lines(ax, Jt, tr.E_B, labels, gids, steady=ss.E_B[:, 0])
    ax.set_ylabel(_EB)
    ax.set_ylim(bottom=0)
    values = ", ".join(f"{_fmt(e)} at Δ = {x:g}" for e, x in zip(ss.E_B[:, 0], d, strict=True))
    alt = (
        f"Battery energy E_B (units of ω) versus scaled time Jt from 0 to {Jt_max:g}, one line per detuning. "
        f"Each curve rises from zero towards its steady-state energy: {values} (markers on the right edge)."
    )
    return _finish(fig, "Fig. 2(a): battery energy versus time for several detunings", alt)


def fig2b(
    p: Params | None = None, *, deltas: Sequence[float] = (0.0, 0.01, 0.1), Jt_max: float = 10.0, n: int = 600
) -> Figure:
    r"""Fig. 2(b): transfer efficiency :math:`\eta(t) = E_B/(E_A+E_B)` (paper Eq. 11) for several :math:`\Delta`.

    Parameters are those of :func:`fig2a`. Lines have gid ``"eta[Delta=<d>]"``; the right-edge
    markers ``"steady:..."`` sit at ``steady_state(p).eta``.
    """
    Jt, d, tr, ss = _delta_series(p, deltas, Jt_max, n)
    fig, ax = _new_figure()
    labels, gids = _delta_labels(d, "eta")
    _time_lines(ax, Jt, tr.eta, labels, gids, steady=ss.eta[:, 0])
    ax.set_ylabel(_ETA)
    ax.set_ylim(0, 1)
    values = ", ".join(f"{e:.3f} at Δ = {x:g}" for e, x in zip(ss.eta[:, 0], d, strict=True))
    alt = (
        f"Transfer efficiency η = E_B/(E_A+E_B) versus scaled time Jt from 0 to {Jt_max:g}, one line per detuning. "
        f"η starts at zero and climbs to its steady value: {values} (markers on the right edge)."
    )
    return _finish(fig, "Fig. 2(b): transfer efficiency versus time", alt)


def fig2c(
    p: Params | None = None,
    *,
    phis: Sequence[float] = (math.pi / 2, math.pi / 3, math.pi / 4, math.pi / 6),
    Jt_max: float = 20.0,
    n: int = 800,
) -> Figure:
    r"""Fig. 2(c): battery energy :math:`E_B(t)` for several phases :math:`\phi` at fixed :math:`J`.

    Parameters
    ----------
    p : Params, optional
        Scalar parameters (default: the paper's Fig. 2 set, :math:`J = \Gamma/2`).
    phis : sequence of float
        Phases in radians (default :math:`\pi/2, \pi/3, \pi/4, \pi/6`). Only :math:`\phi=\pi/2`
        is nonreciprocal for real :math:`J = \Gamma/2`; :math:`\phi` and :math:`\pi-\phi` give the same :math:`E_B`.
    Jt_max : float
        End of the time axis (default 20: away from :math:`\pi/2` the slow eigenvalue decays at only a
        few :math:`10^{-3}\,\omega`, so the approach to the steady state is long and oscillatory).
    n : int
        Number of time points.

    Returns
    -------
    Figure
        Lines with gid ``"E_B[phi=<value>]"`` and right-edge markers at ``steady_state``.
    """
    p = _scalar(p)
    J = _coupling(p)
    Jt = np.linspace(0.0, _positive(Jt_max, "Jt_max"), _count(n))
    ph = np.asarray(phis, dtype=float).ravel()
    if ph.size == 0:
        raise ValueError("phis must hold at least one phase (radians)")
    grid = p.replace(phi=ph[:, None])
    tr, ss = evolve(grid, Jt[None, :] / J), steady_state(grid)
    fig, ax = _new_figure()
    labels = [rf"$\phi = {_phi_label(x)}$" for x in ph]
    _time_lines(ax, Jt, tr.E_B, labels, [f"E_B[phi={x:.6g}]" for x in ph], steady=ss.E_B[:, 0])
    ax.set_ylabel(_EB)
    ax.set_ylim(bottom=0)
    values = ", ".join(f"{_fmt(e)} at φ = {x:.3g} rad" for e, x in zip(ss.E_B[:, 0], ph, strict=True))
    alt = (
        f"Battery energy E_B (units of ω) versus scaled time Jt from 0 to {Jt_max:g} at J = {_fmt(J)} ω for "
        f"several phases φ. {_overshoot(tr.E_B, ss.E_B[:, 0], ph)}Steady values: {values}."
    )
    return _finish(fig, "Fig. 2(c): battery energy versus time for several phases", alt)


def fig2d(
    p: Params | None = None, *, deltas: Sequence[float] = (0.0, 0.01, 0.1), Jt_max: float = 5.0, n: int = 1000
) -> Figure:
    r"""Fig. 2(d): charging power :math:`P(t) = dE_B/dt` (paper Eq. 12) for several :math:`\Delta`.

    Parameters are those of :func:`fig2a`, but the time axis defaults to the paper's :math:`Jt \le 5`.
    Lines have gid ``"P[Delta=<d>]"``; ``"peak:..."`` markers sit at each line's maximum.
    """
    Jt, d, tr, _ = _delta_series(p, deltas, Jt_max, n)
    fig, ax = _new_figure()
    labels, gids = _delta_labels(d, "P")
    _time_lines(ax, Jt, tr.P, labels, gids, peaks=True)
    ax.set_ylabel(_P)
    k = np.argmax(tr.P, axis=1)
    values = ", ".join(
        f"{tr.P[i, j]:.3g} at Jt = {Jt[j]:.2f} for Δ = {x:g}" for i, (j, x) in enumerate(zip(k, d, strict=True))
    )
    alt = (
        f"Charging power P = dE_B/dt (units of ω²) versus scaled time Jt from 0 to {Jt_max:g}, one line per "
        f"detuning. Each curve rises to a single maximum and decays; peaks (dots): {values}."
    )
    return _finish(fig, "Fig. 2(d): charging power versus time for several detunings", alt)


# --------------------------------------------------------------------------- Fig. 3


def _r_time_grid(
    p: Params | None, r_range: tuple[float, float], Jt_max: float, n_r: int, n_t: int
) -> tuple[Params, NDArray, NDArray, Trajectory]:
    p = _scalar(p)
    J = _coupling(p)
    r = _r_axis(r_range, n_r)
    Jt = np.linspace(0.0, _positive(Jt_max, "Jt_max"), _count(n_t, "n_t"))
    return p, r, Jt, evolve(p.replace(kappa_b=p.kappa_a * r[:, None]), Jt[None, :] / J)


def _r_map(
    r: NDArray,
    Jt: NDArray,
    Z: NDArray,
    cmap: str,
    label: str,
    gid: str,
    vmin: float | None = None,
    vmax: float | None = None,
) -> tuple[Figure, Axes]:
    fig, ax = _new_figure(figsize=(5.4, 3.8))
    ax.grid(False)
    mesh = ax.pcolormesh(Jt, r, Z, cmap=cmap, shading="nearest", vmin=vmin, vmax=vmax, rasterized=True)
    mesh.set_gid(gid)
    ax.set_yscale("log")
    ax.set_xlabel(_JT)
    ax.set_ylabel(_R)
    cbar = fig.colorbar(mesh, ax=ax)
    cbar.set_label(label)
    ax.axhline(1.0, color="white", linewidth=0.8, linestyle="--", gid="r=1")
    return fig, ax


def fig3a(
    p: Params | None = None,
    *,
    r_range: tuple[float, float] = (1e-2, 1e3),
    Jt_max: float = 5.0,
    n_r: int = 121,
    n_t: int = 201,
) -> Figure:
    r"""Fig. 3(a): battery energy :math:`E_B` over damping ratio :math:`r = \kappa_b/\kappa_a` and time :math:`Jt`.

    Parameters
    ----------
    p : Params, optional
        Scalar parameters; :math:`\kappa_a` is fixed at ``p.kappa_a`` and :math:`\kappa_b = r\kappa_a`
        (paper Sec. 3.2); :math:`J` stays ``p.J``.
    r_range : (float, float)
        Logarithmic range of :math:`r` (default :math:`10^{-2}` to :math:`10^3`, as in Figs. 3(c, d)).
    Jt_max : float
        End of the time axis (default 5).
    n_r, n_t : int
        Grid points along :math:`r` (log-spaced) and :math:`Jt`.

    Returns
    -------
    Figure
        A ``pcolormesh`` (gid ``"E_B(r,Jt)"``, colour map ``viridis``) whose array is
        ``evolve(p.replace(kappa_b=kappa_a*r[:, None]), Jt/J).E_B``, rows = r, columns = Jt.
    """
    p, r, Jt, tr = _r_time_grid(p, r_range, Jt_max, n_r, n_t)
    fig, _ = _r_map(r, Jt, tr.E_B, "viridis", _EB, "E_B(r,Jt)", vmin=0.0)
    i, j = np.unravel_index(np.argmax(tr.E_B), tr.E_B.shape)
    alt = (
        f"Colour map of the battery energy E_B (viridis, units of ω) over scaled time Jt from 0 to {Jt_max:g} "
        f"(horizontal) and damping ratio r = κb/κa from {r[0]:g} to {r[-1]:g} (vertical, log scale). At Jt = "
        f"{Jt[-1]:g} the energy is {_fmt(tr.E_B[0, -1])} at r = {r[0]:g} and {_fmt(tr.E_B[-1, -1])} at r = {r[-1]:g}; "
        f"the maximum, {_fmt(tr.E_B[i, j])}, is at r = {r[i]:.3g}, Jt = {Jt[j]:.2f}. A dashed line marks r = 1."
    )
    return _finish(fig, "Fig. 3(a): battery energy over damping ratio and time", alt)


def fig3b(
    p: Params | None = None,
    *,
    r_range: tuple[float, float] = (1e-2, 1e3),
    Jt_max: float = 5.0,
    n_r: int = 121,
    n_t: int = 201,
) -> Figure:
    r"""Fig. 3(b): efficiency :math:`\eta(t)` over :math:`r` and :math:`Jt` (parameters as :func:`fig3a`).

    The paper's caption says :math:`\eta(\infty)`, but a map over :math:`Jt` can only be :math:`\eta(t)`.
    The mesh (gid ``"eta(r,Jt)"``) uses ``cividis`` on the fixed range [0, 1].
    """
    p, r, Jt, tr = _r_time_grid(p, r_range, Jt_max, n_r, n_t)
    fig, _ = _r_map(r, Jt, tr.eta, "cividis", _ETA, "eta(r,Jt)", vmin=0.0, vmax=1.0)
    alt = (
        f"Colour map of the transfer efficiency η (cividis, 0 to 1) over scaled time Jt from 0 to {Jt_max:g} "
        f"(horizontal) and damping ratio r from {r[0]:g} to {r[-1]:g} (vertical, log scale). η rises with time "
        f"and is highest at small r; at Jt = {Jt[-1]:g} it ranges from {tr.eta[-1, -1]:.3f} at r = {r[-1]:g} "
        f"to {tr.eta[0, -1]:.3f} at r = {r[0]:g}. A dashed line marks r = 1."
    )
    return _finish(fig, "Fig. 3(b): transfer efficiency over damping ratio and time", alt)


def _steady_vs_r(p: Params | None, r_range: tuple[float, float], n: int) -> tuple[NDArray, SteadyState]:
    p = _scalar(p)
    r = _r_axis(r_range, n)
    return r, steady_state(p.replace(kappa_b=p.kappa_a * r))


def _r_line(r: NDArray, y: NDArray, ylabel: str, gid: str, label: str) -> tuple[Figure, Axes]:
    fig, ax = _new_figure()
    ax.plot(r, y, gid=gid, label=label, **_style(0))
    ax.axvline(1.0, color="0.4", linewidth=0.9, linestyle=":", gid="r=1", label=r"$r = 1$")
    ax.set_xscale("log")
    ax.set_xlim(r[0], r[-1])
    ax.set_xlabel(_R)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=True, facecolor="white", fontsize="small")
    return fig, ax


def fig3c(p: Params | None = None, *, r_range: tuple[float, float] = (1e-2, 1e3), n: int = 400) -> Figure:
    r"""Fig. 3(c): steady battery energy :math:`E_B(\infty)` versus :math:`r = \kappa_b/\kappa_a` (log axis).

    Parameters
    ----------
    p : Params, optional
        Scalar parameters; :math:`\kappa_b = r\,\kappa_a` with :math:`\kappa_a` = ``p.kappa_a``.
    r_range : (float, float)
        Range of :math:`r` (default :math:`10^{-2}` to :math:`10^3`, log-spaced).
    n : int
        Number of points.

    Returns
    -------
    Figure
        A line (gid ``"E_B_inf(r)"``) equal to ``steady_state(...).E_B`` (paper Eq. 10 at resonance).
    """
    r, ss = _steady_vs_r(p, r_range, n)
    fig, ax = _r_line(r, ss.E_B, _EB_INF, "E_B_inf(r)", r"$E_B(\infty)$")
    ax.set_ylim(bottom=0)
    k = int(np.argmin(np.abs(np.log(r))))
    alt = (
        f"Steady battery energy E_B(∞) (units of ω) versus damping ratio r = κb/κa on a log axis from {r[0]:g} to "
        f"{r[-1]:g}: {_fmt(ss.E_B[0])} at r = {r[0]:g}, {_fmt(ss.E_B[k])} at r = {r[k]:.3g} (dotted line at r = 1) "
        f"and {_fmt(ss.E_B[-1])} at r = {r[-1]:g}{_monotone(ss.E_B)}."
    )
    return _finish(fig, "Fig. 3(c): steady battery energy versus damping ratio", alt)


def fig3d(p: Params | None = None, *, r_range: tuple[float, float] = (1e-2, 1e3), n: int = 400) -> Figure:
    r"""Fig. 3(d): steady efficiency :math:`\eta(\infty)` versus :math:`r` (log axis); see :func:`fig3c`.

    The line has gid ``"eta_inf(r)"`` and equals ``steady_state(...).eta``.
    """
    r, ss = _steady_vs_r(p, r_range, n)
    k = int(np.argmin(np.abs(np.log(r))))
    fig, ax = _r_line(r, ss.eta, _ETA_INF, "eta_inf(r)", r"$\eta(\infty)$")
    ax.set_ylim(0, 1)
    alt = (
        f"Steady efficiency η(∞) versus damping ratio r on a log axis from {r[0]:g} to {r[-1]:g}: {ss.eta[0]:.3f} at "
        f"r = {r[0]:g}, {ss.eta[k]:.3f} at r = {r[k]:.3g} (dotted line at r = 1) and {ss.eta[-1]:.2g} at "
        f"r = {r[-1]:g}{_monotone(ss.eta)}."
    )
    return _finish(fig, "Fig. 3(d): steady efficiency versus damping ratio", alt)


def fig3e(
    p: Params | None = None,
    *,
    r_range: tuple[float, float] = (1e-2, 1e3),
    Jt_max: float = 5.0,
    n_r: int = 121,
    n_t: int = 201,
) -> Figure:
    """Fig. 3(e): charging power :math:`P` over :math:`r` and :math:`Jt` (parameters as :func:`fig3a`).

    The mesh (gid ``"P(r,Jt)"``, ``viridis``) holds ``evolve(...).P``.
    """
    p, r, Jt, tr = _r_time_grid(p, r_range, Jt_max, n_r, n_t)
    fig, _ = _r_map(r, Jt, tr.P, "viridis", _P, "P(r,Jt)")
    i, j = np.unravel_index(np.argmax(tr.P), tr.P.shape)
    alt = (
        f"Colour map of the charging power P (viridis, units of ω²) over scaled time Jt from 0 to {Jt_max:g} "
        f"(horizontal) and damping ratio r from {r[0]:g} to {r[-1]:g} (vertical, log scale). The maximum power, "
        f"{tr.P[i, j]:.3g}, is at "
        f"r = {r[i]:.3g}, Jt = {Jt[j]:.2f}. A dashed line marks r = 1."
    )
    return _finish(fig, "Fig. 3(e): charging power over damping ratio and time", alt)


def fig3f(
    p: Params | None = None, *, rs: Sequence[float] = (0.1, 1.0, 10.0), Jt_max: float = 5.0, n: int = 1000
) -> Figure:
    """Fig. 3(f): charging power :math:`P(t)` for damping ratios :math:`r` (default 0.1, 1, 10).

    Lines have gid ``"P[r=<r>]"`` and ``"peak:..."`` markers at each maximum.
    """
    p = _scalar(p)
    J = _coupling(p)
    rr = np.asarray(rs, dtype=float).ravel()
    if rr.size == 0 or np.any(~np.isfinite(rr) | (rr < 0)):
        raise ValueError(
            f"rs (damping ratios kappa_b/kappa_a) must be a non-empty list of finite values >= 0; got {rs!r}"
        )
    Jt = np.linspace(0.0, _positive(Jt_max, "Jt_max"), _count(n))
    tr = evolve(p.replace(kappa_b=p.kappa_a * rr[:, None]), Jt[None, :] / J)
    fig, ax = _new_figure()
    # The paper's colours: blue solid, red dashed, yellow dot-dashed (Okabe-Ito orange stands in for yellow).
    styles = [("blue", "-"), ("vermillion", "--"), ("orange", "-.")]
    for i, x in enumerate(rr):
        colour, ls = styles[i] if i < len(styles) else (_CYCLE[i % len(_CYCLE)], _STYLES[i % len(_STYLES)])
        ax.plot(
            Jt, tr.P[i], color=OKABE_ITO[colour], linestyle=ls, linewidth=1.8, label=f"$r = {x:g}$", gid=f"P[r={x:g}]"
        )
        k = int(np.argmax(tr.P[i]))
        ax.plot([Jt[k]], [tr.P[i, k]], marker="o", markersize=5, color=OKABE_ITO[colour], linestyle="none",
                gid=f"peak:P[r={x:g}]")  # fmt: skip
    ax.set_xlim(0, Jt[-1])
    ax.set_xlabel(_JT)
    ax.set_ylabel(_P)
    ax.legend(frameon=True, facecolor="white", fontsize="small")
    k = np.argmax(tr.P, axis=1)
    values = ", ".join(
        f"{tr.P[i, j]:.3g} at Jt = {Jt[j]:.2f} for r = {x:g}" for i, (j, x) in enumerate(zip(k, rr, strict=True))
    )
    alt = (
        f"Charging power P (units of ω²) versus scaled time Jt from 0 to {Jt_max:g} for damping ratios r = "
        f"{', '.join(f'{x:g}' for x in rr)}. Each curve rises to a maximum and decays; peaks (dots): {values}."
    )
    return _finish(fig, "Fig. 3(f): charging power versus time for several damping ratios", alt)


# --------------------------------------------------------------------------- Fig. 4


def _compare_axes(x: NDArray, E_nr: NDArray, E_ep: NDArray, xlabel: str, xgid: str) -> tuple[Figure, Axes, Axes]:
    """Top: both steady energies; bottom: their ratio E^EP / E^nor."""
    fig, (top, bottom) = _new_figure(figsize=(5.2, 4.6), nrows=2, height_ratios=(2.2, 1.0))
    top.plot(x, E_nr, label=r"full nonreciprocity $E^{\rm nor}_B$ ($J = \Gamma/2$)", gid=f"E_nor({xgid})", **_style(0))
    top.plot(
        x, E_ep, label=r"exceptional point $E^{\rm EP}_B$ ($J = J_{\rm EP}$)", gid=f"E_EP({xgid})",
        color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.8,
    )  # fmt: skip
    top.set_ylabel(r"$E_B(\infty)$ (units of $\omega$)")
    top.set_ylim(bottom=0)
    top.legend(frameon=True, facecolor="white", fontsize="small")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = E_ep / E_nr
    bottom.plot(x, ratio, color=OKABE_ITO["black"], linewidth=1.4, gid=f"ratio({xgid})")
    bottom.axhline(1.0, color="0.5", linewidth=0.8, linestyle=":")
    bottom.set_ylabel(r"$E^{\rm EP}_B / E^{\rm nor}_B$")
    bottom.set_xlabel(xlabel)
    return fig, top, bottom


def fig4a(p: Params | None = None, *, r_range: tuple[float, float] = (1e-2, 1e3), n: int = 400) -> Figure:
    r"""Fig. 4(a): steady battery energy at full nonreciprocity and at the EP versus :math:`r` (:math:`\Delta = 0`).

    Parameters
    ----------
    p : Params, optional
        Scalar parameters; the detuning is set to zero (:math:`\Delta_b = \Delta_a`) and
        :math:`\kappa_b = r\kappa_a`. ``p.J`` is ignored: the nonreciprocal curve uses
        :func:`nonreciprocal_coupling` (:math:`\Gamma/2` at :math:`\phi = \pi/2`), the EP curve
        :func:`nrqb.exceptional_coupling` (paper Eq. 15), which at :math:`\Delta = 0`, :math:`\phi=\pi/2` is
        :math:`\tfrac12\sqrt{\Gamma^2 + (\kappa_a-\kappa_b)^2/4}`.
    r_range : (float, float)
        Log range of :math:`r` (default :math:`10^{-2}` to :math:`10^3`).
    n : int
        Number of points.

    Returns
    -------
    Figure
        Two axes: top, lines ``"E_nor(r)"`` and ``"E_EP(r)"`` (``steady_state(...).E_B``); bottom, their
        ratio ``"ratio(r)"``.

    Raises
    ------
    ValueError
        When no real exceptional coupling exists
        (e.g. :math:`\phi \neq \pi/2` with :math:`\kappa_a \ne \kappa_b`).
    """
    p = _scalar(p)
    r = _r_axis(r_range, n)
    base = p.replace(Delta_b=p.Delta_a, kappa_b=p.kappa_a * r)
    E_nr = steady_state(base.replace(J=nonreciprocal_coupling(p))).E_B
    E_ep = steady_state(base.replace(J=exceptional_coupling(base))).E_B
    fig, top, bottom = _compare_axes(r, E_nr, E_ep, _R, "r")
    for ax in (top, bottom):
        ax.set_xscale("log")
        ax.set_xlim(r[0], r[-1])
    ratio = E_ep / E_nr
    alt = (
        f"Top: steady battery energy versus damping ratio r (log axis, {r[0]:g} to {r[-1]:g}, Δ = 0) at full "
        f"nonreciprocity (solid: {_fmt(E_nr[0])} at r = {r[0]:g}, {_fmt(E_nr[-1])} at r = {r[-1]:g}) and at the "
        f"exceptional point (dashed: {_fmt(E_ep[0])} and {_fmt(E_ep[-1])}). Bottom: their ratio E_EP/E_nor, between "
        f"{np.min(ratio):.3f} and {np.max(ratio):.3f}."
    )
    return _finish(fig, "Fig. 4(a): nonreciprocal and EP battery energies versus damping ratio", alt)


def fig4b(p: Params | None = None, *, Delta_max: float | None = None, n: int = 401) -> Figure:
    r"""Fig. 4(b): steady battery energy at full nonreciprocity and at the EP versus :math:`\Delta` at :math:`r = 1`.

    Parameters
    ----------
    p : Params, optional
        Scalar parameters; :math:`\kappa_b` is set to :math:`\kappa_a` (:math:`r = 1`) and
        :math:`\Delta_b = \Delta_a + \Delta`. ``p.J`` is ignored (see :func:`fig4a`).
    Delta_max : float, optional
        Half-width of the detuning axis in units of :math:`\omega` (default :math:`1.25\,\Gamma`). At
        :math:`r = 1`, :math:`\phi = \pi/2` the EP exists only for :math:`|\Delta| \le \Gamma`
        (:math:`J_{EP} = \tfrac12\sqrt{\Gamma^2-\Delta^2}`); beyond it the EP curve is left out and the
        region is shaded, with the boundary marked by vertical lines (gid ``"EP boundary"``).
    n : int
        Number of points.

    Returns
    -------
    Figure
        Two axes: top, ``"E_nor(Delta)"`` and ``"E_EP(Delta)"`` (NaN where no EP exists); bottom, the
        ratio ``"ratio(Delta)"``.
    """
    p = _scalar(p)
    if Delta_max is None:
        Delta_max = 1.25 * float(p.Gamma)
    d = np.linspace(-_positive(Delta_max, "Delta_max"), Delta_max, _count(n))
    base = p.replace(kappa_b=p.kappa_a, Delta_b=p.Delta_a + d)
    E_nr = steady_state(base.replace(J=nonreciprocal_coupling(p))).E_B
    J_ep = np.asarray(exceptional_coupling(base, missing="nan"))
    exists = np.isfinite(J_ep)
    E_ep = np.where(exists, steady_state(base.replace(J=np.where(exists, J_ep, 0.0))).E_B, np.nan)
    fig, top, bottom = _compare_axes(d, E_nr, E_ep, _DELTA, "Delta")
    inside = d[exists]
    for ax in (top, bottom):
        ax.set_xlim(d[0], d[-1])
        if inside.size and (inside[0] > d[0] or inside[-1] < d[-1]):
            lo, hi = inside[0], inside[-1]
            for x0, x1 in ((d[0], lo), (hi, d[-1])):
                ax.axvspan(x0, x1, color="0.85", zorder=0, linewidth=0)
            for x in (lo, hi):
                ax.axvline(x, color="0.3", linewidth=0.9, linestyle=":", gid="EP boundary")
    if inside.size:
        for x0, x1 in ((d[0], inside[0]), (inside[-1], d[-1])):
            if x1 > x0:
                top.text(
                    0.5 * (x0 + x1), 0.55, "no real $J_{\\rm EP}$", transform=top.get_xaxis_transform(),
                    rotation=90, ha="center", va="center", fontsize="small", color="0.25",
                )  # fmt: skip
    with np.errstate(invalid="ignore"):
        better = exists & (E_ep > E_nr)
        worse = exists & (E_ep < E_nr) & (np.abs(d) > 0)
    b_txt = f"the EP stores more for 0 < |Δ| < {np.max(np.abs(d[better])):.3g}" if better.any() else "never more"
    w_txt = f", less for {np.min(np.abs(d[worse])):.3g} < |Δ| ≤ Γ" if worse.any() else ""
    alt = (
        f"Top: steady battery energy versus detuning Δ from {-Delta_max:.3g} to {Delta_max:.3g} ω at r = 1, at full "
        f"nonreciprocity (solid) and at the exceptional point (dashed, only where an EP exists, |Δ| ≤ Γ = "
        f"{_fmt(p.Gamma)}; outside is shaded). Both peak at Δ = 0 with {_fmt(np.nanmax(E_nr))} and coincide there. "
        f"Bottom: the ratio E_EP/E_nor; {b_txt}{w_txt}."
    )
    return _finish(fig, "Fig. 4(b): nonreciprocal and EP battery energies versus detuning", alt)


# --------------------------------------------------------------------------- all panels

#: Panel name -> function, in the paper's order.
PANELS: dict[str, Callable[..., Figure]] = {
    "fig2a": fig2a,
    "fig2b": fig2b,
    "fig2c": fig2c,
    "fig2d": fig2d,
    "fig3a": fig3a,
    "fig3b": fig3b,
    "fig3c": fig3c,
    "fig3d": fig3d,
    "fig3e": fig3e,
    "fig3f": fig3f,
    "fig4a": fig4a,
    "fig4b": fig4b,
}

_MAP_PANELS = frozenset({"fig3a", "fig3b", "fig3e"})
# Peak memory per evaluated point, measured with tracemalloc at n = 1e5 (line panels, at most 510 B) and
# 300 x 300 (map panels, 153 B), rounded up.
_BYTES_PER_POINT = {"map": 160, "line": 520}


def working_memory(name: str, n: int) -> int:
    """Estimated peak memory (bytes) of panel ``name`` at resolution ``n`` (see :func:`write_all`'s ``n``).

    A map panel evaluates ``n x n`` points, a line panel ``n`` per curve; the per-point costs were measured.

    Examples
    --------
    >>> working_memory("fig3a", 1000) / 2**20  # doctest: +ELLIPSIS
    152.5...
    """
    if name not in PANELS:
        raise ValueError(f"unknown panel {name!r}; valid panels are {', '.join(PANELS)}")
    return n * n * _BYTES_PER_POINT["map"] if name in _MAP_PANELS else n * _BYTES_PER_POINT["line"]


def write_all(
    outdir: str | pathlib.Path,
    fmt: str = "png",
    panels: Iterable[str] | None = None,
    *,
    p: Params | None = None,
    n: int | None = None,
    dpi: int = 150,
) -> list[pathlib.Path]:
    """Write panels of Figs. 2--4 to ``outdir`` as ``<panel>.<fmt>`` (e.g. ``fig2a.png``).

    Parameters
    ----------
    outdir : str or Path
        Target directory, created with its parents if missing.
    fmt : {"png", "svg", "pdf"}
        File format.
    panels : iterable of str, optional
        Panel names (keys of :data:`PANELS`); default all, in the paper's order.
    p : Params, optional
        Parameters passed to every panel (default: the paper's).
    n : int, optional
        Grid resolution override for quick previews and tests: the number of points of each
        line panel, and of each axis of the map panels. Default: each panel's own.
    dpi : int
        Resolution of PNG output.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``panels``.

    Raises
    ------
    ValueError
        For an unknown format or panel name (before anything is written).

    Notes
    -----
    The alternative text of each panel goes into the file's metadata (PNG and SVG
    ``Description``, PDF ``Subject``); SVG and PDF output is reproducible (no dates, fixed ids).
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    names = list(PANELS) if panels is None else [panels] if isinstance(panels, str) else list(panels)
    unknown = [name for name in names if name not in PANELS]
    if unknown:
        raise ValueError(f"unknown panel(s) {unknown}; valid panels are {', '.join(PANELS)}")
    if n is not None:
        _count(n)
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        kwargs: dict[str, Any] = {"p": p}
        if n is not None:
            kwargs.update({"n_r": n, "n_t": n} if name in _MAP_PANELS else {"n": n})
        fig = PANELS[name](**kwargs)
        path = out / f"{name}.{fmt}"
        with matplotlib.rc_context({"svg.hashsalt": "nrqb"}):
            fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata=_metadata(fmt, fig))
        written.append(path)
    return written
