r"""Analysis of charging trajectories: the couplings that define the operating points, the peak power and when it
occurs, first crossings of a level, and the one-line summary of a run. Core layer: built on :mod:`nrqb.dynamics`
and :mod:`nrqb.exceptional`, used by the ledger, the studies, the figures, the widgets and the chapters.

Time scales
-----------
From the vacuum, every observable is a finite sum of exponentials :math:`e^{\nu t}` whose exponents are built from
the eigenvalues :math:`\lambda_\pm = \mu \pm \delta` of the drift matrix (paper Eqs. 13, 14): the amplitudes carry
:math:`\lambda_\pm`, the energies and the power :math:`P = dE_B/dt` (paper Eq. 12) carry :math:`\lambda_\pm` and
:math:`\bar\lambda_i + \lambda_j`. :func:`time_grid` therefore resolves the fastest exponent
:math:`\max|\nu|` near :math:`t = 0` and follows the slowest decay :math:`\min(-\mathrm{Re}\,\nu)` to where every
transient is below rounding, with logarithmic spacing in between, so a maximum is found on any window, from
:math:`10^{-3}/\omega` to :math:`10^{300}/\omega`, without a grid of the window's length.

Examples
--------
>>> import nrqb
>>> from nrqb.analysis import nonreciprocal_coupling, peak_power
>>> p = nrqb.paper_params()
>>> nonreciprocal_coupling(p)
0.02
>>> peak = peak_power(p, t_max=5 / p.J)      # the paper's window Jt < 5
>>> round(peak.P, 3), round(peak.Jt, 2)
(0.518, 1.8)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .drift import drift_matrix
from .dynamics import SteadyState, Trajectory, evolve
from .exceptional import eigenvalues
from .params import Params
from .validation import require_scalar

__all__ = [
    "PowerPeak",
    "backward_coupling",
    "charging_summary",
    "closest_exceptional_coupling",
    "first_crossing",
    "maximum_on_grid",
    "nonreciprocal_coupling",
    "peak_power",
    "rate_scales",
    "require_scalar",
    "time_grid",
]

# Transients below exp(-_DECAY_LENGTHS) of their start are rounding noise: the grid stops there.
_DECAY_LENGTHS = 40.0
# Grid points per unit of |nu| t on the resolved (uniform) part and per e-fold on the logarithmic part.
_POINTS_PER_RATE = 12.0
_POINTS_PER_EFOLD = 48.0
#: Largest time grid :func:`time_grid` builds; beyond it the result is flagged as not resolved.
MAX_GRID_POINTS = 200_000


def nonreciprocal_coupling(p: Params) -> float | complex | NDArray:
    r"""The coupling of full nonreciprocity, :math:`J = i(\Gamma/2)e^{-i\phi}` (paper Sec. 2, :math:`J_- = i\frac{\Gamma}{2}e^{-i\phi}`).

    It makes the battery-to-charger element :math:`M_{ab}` of the drift matrix (paper Eq. 13) vanish; at the
    paper's :math:`\phi = \pi/2` it is the real :math:`J = \Gamma/2`. For scalar ``p`` a float is returned when the
    imaginary part is at rounding level (else a complex); for array fields, a complex array of shape ``p.shape``.

    Examples
    --------
    >>> import math, nrqb
    >>> nonreciprocal_coupling(nrqb.paper_params(Gamma=0.1))
    0.05
    >>> nonreciprocal_coupling(nrqb.paper_params(phi=0.0))
    0.02j
    """
    J_array = 0.5j * np.asarray(p.Gamma) * np.exp(-1j * np.asarray(p.phi))
    if np.ndim(J_array):
        return np.broadcast_to(J_array, p.shape)
    J = complex(J_array)
    if abs(J.imag) <= 1e-12 * max(abs(J), 1e-300):
        return J.real
    if abs(J.real) <= 1e-12 * abs(J):
        return complex(0.0, J.imag)
    return J


def backward_coupling(p: Params) -> NDArray:
    r""":math:`|M_{ab}|`, the battery-to-charger element of the drift matrix (paper Eq. 13), units of :math:`\omega`.

    Zero exactly at full nonreciprocity (:func:`nonreciprocal_coupling`); the energy backflow of paper Fig. 2(c)
    grows with it. Shape ``p.shape``.
    """
    return np.abs(drift_matrix(p)[..., 0, 1])


def closest_exceptional_coupling(p: Params) -> tuple[NDArray, NDArray]:
    r"""Real :math:`J \ge 0` that minimises the eigenvalue splitting, and the splitting there.

    Parameters
    ----------
    p : Params
        ``p.J`` is ignored.

    Returns
    -------
    J : ndarray, shape ``p.shape``
        Equal to :func:`nrqb.exceptional_coupling` wherever a real EP exists (paper Eq. 15).
    splitting : ndarray, shape ``p.shape``
        :math:`|\lambda_+ - \lambda_-| = 2|\delta|` at that :math:`J` (zero at an EP).

    Notes
    -----
    For real :math:`J`, :math:`\delta^2(J) = s - J^2 + icJ` with
    :math:`s = (M_{11} - M_{22})^2/4 + \Gamma^2/4` and :math:`c = \Gamma\cos\phi` (paper Eq. 15 with
    the corrected :math:`BC`). The stationary points of :math:`|\delta^2|^2` solve the cubic
    :math:`4J^3 + (2c^2 - 4\,\mathrm{Re}\,s)J + 2c\,\mathrm{Im}\,s = 0`; its roots (Cardano's formula,
    vectorised) and :math:`J = 0` are the candidates, the best one is kept and polished by two Newton
    steps on the cubic.
    """
    M = drift_matrix(p.replace(J=0.0))
    Gamma = np.broadcast_to(p.Gamma, p.shape)
    s = (0.5 * (M[..., 0, 0] - M[..., 1, 1])) ** 2 + 0.25 * Gamma**2
    c = Gamma * np.cos(np.broadcast_to(p.phi, p.shape))
    a = 0.5 * c**2 - s.real
    b = 0.5 * c * s.imag
    root_D = np.sqrt((0.5 * b) ** 2 + (a / 3) ** 3 + 0j)
    u_plus, u_minus = (-0.5 * b + root_D) ** (1 / 3), (-0.5 * b - root_D) ** (1 / 3)
    u = np.where(np.abs(u_plus) >= np.abs(u_minus), u_plus, u_minus)
    safe_u = np.where(u == 0, 1.0, u)
    uk = safe_u[..., None] * np.exp(2j * np.pi * np.arange(3) / 3)
    roots = np.where((u == 0)[..., None], 0.0, uk - a[..., None] / (3 * uk))
    candidates = np.concatenate([np.maximum(roots.real, 0.0), np.zeros((*p.shape, 1))], axis=-1)

    def abs_delta2(J: NDArray, s: NDArray = s, c: NDArray = c) -> NDArray:
        return np.abs(s - J**2 + 1j * c * J)

    best = np.argmin(abs_delta2(candidates, s[..., None], c[..., None]), axis=-1)
    J = np.take_along_axis(candidates, best[..., None], axis=-1)[..., 0]
    for _ in range(2):
        slope = 3 * J**2 + a
        step = np.divide(J**3 + a * J + b, slope, out=np.zeros_like(J), where=np.abs(slope) > 0)
        polished = np.maximum(J - step, 0.0)
        J = np.where(abs_delta2(polished) <= abs_delta2(J), polished, J)
    return J, 2 * np.sqrt(abs_delta2(J))


def rate_scales(p: Params) -> tuple[float, float]:
    r"""Fastest exponent :math:`\max|\nu|` and slowest decay :math:`\min(-\mathrm{Re}\,\nu)` of the transients.

    The exponents are :math:`\lambda_\pm` and :math:`\bar\lambda_i + \lambda_j` (see the module notes), all for
    scalar ``p``. Units of :math:`\omega`. The slowest decay is 0 when the drift matrix has an undamped mode.
    """
    lam = eigenvalues(require_scalar(p, "rate_scales"))
    nus = np.concatenate([lam, (np.conj(lam)[:, None] + lam[None, :]).ravel()])
    return float(np.max(np.abs(nus))), float(max(np.min(-nus.real), 0.0))


def time_grid(p: Params, t_max: float | None = None) -> tuple[NDArray, bool]:
    r"""Times on :math:`[0, t_{max}]` that resolve every transient of scalar ``p``.

    Uniform with spacing :math:`1/(12\max|\nu|)` up to :math:`t_1 = 40/\max|\nu|`, then logarithmic
    (48 points per e-fold) up to :math:`\min(t_{max}, 40/\min(-\mathrm{Re}\,\nu))`, where every transient has decayed
    by :math:`e^{-40}`; oscillations that outlive the uniform part are resolved by making the logarithmic spacing
    no coarser than :math:`1/(12\,|\mathrm{Im}\,\nu|)` for the slow exponents.

    Parameters
    ----------
    p : Params
        Scalar parameters.
    t_max : float, optional
        End of the window (units of :math:`1/\omega`); default: where the transients end.

    Returns
    -------
    t : ndarray
        Increasing times, ``t[0] = 0``, ``t[-1]`` the window's end (or where the transients end, if earlier).
    resolved : bool
        False when resolving the window would need more than :data:`MAX_GRID_POINTS` points; the grid then
        covers the window at the best resolution that fits, and features narrower than its spacing can be missed.
    """
    fast, slow = rate_scales(p)
    if t_max is not None and not (math.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max (end of the time window, units of 1/omega) must be finite and > 0; got {t_max!r}")
    if fast == 0:  # nothing moves: p is undamped, undriven and uncoupled
        end = 1.0 if t_max is None else t_max
        return np.linspace(0.0, end, 3), True
    t_end = _DECAY_LENGTHS / slow if slow > 0 else math.inf
    t_end = min(t_end, t_max) if t_max is not None else t_end
    if not math.isfinite(t_end):
        raise ValueError("time_grid: an undamped mode never settles; give a finite t_max")
    lam = eigenvalues(p)
    slow_freq = float(np.max(np.abs(lam.imag))) if lam.size else 0.0
    t_fast = min(_DECAY_LENGTHS / fast, t_end)
    n_fast = max(math.ceil(_POINTS_PER_RATE * fast * t_fast), 8)
    grids = [np.linspace(0.0, t_fast, n_fast + 1)]
    resolved = True
    if t_end > t_fast:
        efolds = math.log(t_end / t_fast)
        n_log = math.ceil(_POINTS_PER_EFOLD * efolds)
        # The log spacing at time t is t/48; keep it below 1/(12 |Im lambda|) for surviving oscillations.
        n_osc = math.ceil(_POINTS_PER_RATE * slow_freq * (t_end - t_fast)) if slow_freq > 0 else 0
        budget = MAX_GRID_POINTS - n_fast
        if n_log > budget or n_osc > budget:
            resolved = False
        grids.append(np.geomspace(t_fast, t_end, min(max(n_log, 2), budget)))
        if n_osc:
            grids.append(np.linspace(t_fast, t_end, min(n_osc, budget)))
    return np.unique(np.concatenate(grids)), resolved


@dataclass(frozen=True)
class PowerPeak:
    r"""The largest charging power on a window and when it occurs (see :func:`peak_power`).

    Attributes
    ----------
    P : float or ndarray
        :math:`\max P(t)`, units of :math:`\omega^2` (paper Eq. 12).
    t : float or ndarray
        Its time, units of :math:`1/\omega`.
    Jt : float or ndarray
        The paper's scaled time :math:`|J|\,t` (NaN where :math:`J = 0`).
    resolved : bool
        False when the time grid could not resolve every transient of the window (then ``P`` may be below the
        true maximum); always True for the fixed-grid mode (``n_grid`` given), where the caller chose the grid.
    """

    P: float | NDArray
    t: float | NDArray
    Jt: float | NDArray
    resolved: bool


def _refine(
    f: Callable[[float], float | NDArray], lo: float, hi: float, best_t: float, best_f: float
) -> tuple[float, float]:
    """Bounded Brent maximisation of ``f`` on ``[lo, hi]``, keeping the grid point if it is better."""
    if hi <= lo:
        return best_f, best_t
    from scipy.optimize import minimize_scalar  # here, not at the top: `import nrqb` stays free of scipy.optimize

    res = minimize_scalar(
        lambda x: -float(f(x)), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12 * max(hi, 1e-300)}
    )
    return (float(-res.fun), float(res.x)) if -res.fun > best_f else (best_f, best_t)


def _zoom(
    f: Callable[[NDArray], NDArray], lo: float, hi: float, best_t: float, best_f: float, n: int = 1025, rounds: int = 2
) -> tuple[float, float]:
    """Maximise a vectorised ``f`` on ``[lo, hi]``: ``rounds`` dense grids, each around the last best point, then
    the vertex of the parabola through the best point and its neighbours; the grid point is kept if it is better.

    For the closed form, where one call on ``n`` times costs about what a call on one time costs, this needs three
    calls where Brent needs ten. Each round shrinks the bracket by ``(n - 1) / 2``.
    """
    if not (hi > lo and rounds > 0):
        return best_f, best_t
    x, y, j = np.array([best_t]), np.array([best_f]), 0
    for _ in range(rounds):
        x = np.linspace(lo, hi, n)
        y = np.asarray(f(x), dtype=float)
        j = int(np.argmax(y))
        if y[j] > best_f:
            best_f, best_t = float(y[j]), float(x[j])
        lo, hi = float(x[max(j - 1, 0)]), float(x[min(j + 1, n - 1)])
    if 0 < j < x.size - 1:
        curvature = y[j + 1] - 2.0 * y[j] + y[j - 1]
        if curvature < 0:
            vertex = float(x[j] - 0.5 * (x[1] - x[0]) * (y[j + 1] - y[j - 1]) / curvature)
            value = float(np.asarray(f(np.array([vertex])), dtype=float)[0])
            if value > best_f:
                best_f, best_t = value, vertex
    return best_f, best_t


def maximum_on_grid(f: Callable[[NDArray], NDArray], t: ArrayLike) -> tuple[float, float]:
    r"""Largest value of a smooth function of time and where it is: the best point of ``t``, refined by Brent.

    For trajectories :func:`peak_power` cannot build itself (the three-mode model of :mod:`nrqb.three_mode`, for
    instance): ``f`` is evaluated on the increasing grid ``t`` (units of :math:`1/\omega`), then maximised by
    bounded Brent between the neighbours of the best grid point. The caller's grid must resolve ``f``.

    Parameters
    ----------
    f : callable
        Vectorised: an array of times to an array of values (e.g. ``lambda t: evolve_three_mode(p, t).P``).
    t : array_like
        Increasing times, at least 2.

    Returns
    -------
    value, time : float

    Examples
    --------
    >>> import numpy as np
    >>> value, where = maximum_on_grid(lambda t: np.sin(t), np.linspace(0, 3, 7))
    >>> round(value, 9), round(where, 6)
    (1.0, 1.570796)
    """
    grid = np.asarray(t, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError(f"t must be an increasing 1-d grid of at least 2 times; got shape {grid.shape}")
    values = np.asarray(f(grid), dtype=float)
    k = int(np.argmax(values))
    return _refine(
        lambda x: float(np.asarray(f(np.array([x])))[0]),
        float(grid[max(k - 1, 0)]),
        float(grid[min(k + 1, grid.size - 1)]),
        float(grid[k]),
        float(values[k]),
    )


def _scaled_time(p: Params, t: float | NDArray) -> float | NDArray:
    r"""The paper's :math:`Jt = |J|\,t`, NaN where :math:`J = 0`."""
    J = np.abs(np.asarray(p.J))
    with np.errstate(invalid="ignore"):
        Jt = np.where(J > 0, J * np.asarray(t), np.nan)
    return float(Jt) if Jt.ndim == 0 else Jt


def peak_power(p: Params, t_max: float | None = None, *, n_grid: int | None = None, refine: int = 30) -> PowerPeak:
    r"""Largest charging power :math:`P = dE_B/dt` (paper Eq. 12) on :math:`0 \le t \le t_{max}`, and its time.

    Parameters
    ----------
    p : Params
        Scalar parameters (resolved mode), or scalar or 1-d (fixed-grid mode).
    t_max : float, optional
        End of the window in units of :math:`1/\omega` (the paper's Fig. 2(d) window :math:`Jt < 5` is
        ``t_max = 5/J``). Default: until every transient has decayed (then the peak is the global maximum).
        Required in the fixed-grid mode.
    n_grid : int, optional
        Fixed-grid mode for many parameter sets at once (the robustness studies): a uniform grid of ``n_grid``
        points on :math:`[0, t_{max}]`, shared by all entries of ``p``, then ``refine`` golden-section steps per
        entry. The caller is responsible for the grid resolving ``p``'s rates. Default: the resolved mode, where
        :func:`time_grid` chooses the grid from ``p``'s own rates and two dense grids and a parabola refine the
        best point.
    refine : int
        Golden-section steps of the fixed-grid mode (each shrinks the bracket by 0.618).

    Returns
    -------
    PowerPeak

    Raises
    ------
    ValueError
        For a non-positive or non-finite ``t_max``, an array ``p`` without ``n_grid``, or ``n_grid < 3``.

    Notes
    -----
    In the resolved mode the result is right for any window: on ``summary --t-max 1e6`` the grid still has a few
    thousand points, concentrated where :math:`P` changes. ``resolved`` says when it could not be.
    """
    if n_grid is not None:
        return _peak_fixed_grid(p, t_max, n_grid, refine)
    p = require_scalar(p, "peak_power")
    t, resolved = time_grid(p, t_max)
    P = evolve(p, t).P
    k = int(np.argmax(P))
    best_P, best_t = _zoom(
        lambda x: evolve(p, x).P, float(t[max(k - 1, 0)]), float(t[min(k + 1, t.size - 1)]), float(t[k]), float(P[k])
    )
    return PowerPeak(P=best_P, t=best_t, Jt=_scaled_time(p, best_t), resolved=resolved)


def _peak_fixed_grid(p: Params, t_max: float | None, n_grid: int, refine: int) -> PowerPeak:
    """Vectorised golden-section peak search on a shared uniform grid (scalar or 1-d ``p``)."""
    if t_max is None or not (math.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max (end of the time window, units of 1/omega) must be finite and > 0; got {t_max!r}")
    if n_grid < 3:
        raise ValueError(f"n_grid must be >= 3; got {n_grid!r}")
    if refine < 0:
        raise ValueError(f"refine must be >= 0; got {refine!r}")
    if len(p.shape) > 1:
        raise ValueError(f"peak_power with n_grid needs scalar or 1-d Params; got shape {p.shape}")
    column = {name: np.asarray(getattr(p, name))[..., None] for name in _array_fields(p)}
    t = np.linspace(0.0, t_max, n_grid)
    P = evolve(p.replace(**column), t).P
    k = np.argmax(P, axis=-1)
    best_t = t[k]
    best_P = np.take_along_axis(P, k[..., None], axis=-1)[..., 0]
    dt = t[1] - t[0]
    lo, hi = np.maximum(best_t - dt, 0.0), np.minimum(best_t + dt, t_max)
    golden = 0.5 * (math.sqrt(5.0) - 1.0)
    x1, x2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
    f1, f2 = evolve(p, x1).P, evolve(p, x2).P
    for _ in range(refine):
        left = f1 > f2  # the maximum is in [lo, x2]
        hi, lo = np.where(left, x2, hi), np.where(left, lo, x1)
        x2n = np.where(left, x1, lo + golden * (hi - lo))
        x1n = np.where(left, hi - golden * (hi - lo), x2)
        new = evolve(p, np.where(left, x1n, x2n)).P
        f1, f2 = np.where(left, new, f2), np.where(left, f1, new)
        x1, x2 = x1n, x2n
    for x, f in ((x1, f1), (x2, f2)):
        better = f > best_P
        best_P, best_t = np.where(better, f, best_P), np.where(better, x, best_t)
    if p.shape == ():
        return PowerPeak(P=float(best_P), t=float(best_t), Jt=_scaled_time(p, float(best_t)), resolved=True)
    return PowerPeak(P=best_P, t=best_t, Jt=_scaled_time(p, best_t), resolved=True)


def _array_fields(p: Params) -> list[str]:
    return [f.name for f in dataclasses.fields(p) if f.init and np.ndim(getattr(p, f.name))]


def first_crossing(
    p: Params, level: float, quantity: Literal["E_B", "E_A", "eta", "P"] = "E_B", t_max: float | None = None
) -> float:
    r"""First time at which ``quantity`` of :func:`nrqb.evolve` reaches ``level``, by bracketing and root finding.

    Parameters
    ----------
    p : Params
        Scalar parameters.
    level : float
        The level (units of the quantity: :math:`\omega` for energies, :math:`\omega^2` for ``P``).
    quantity : {"E_B", "E_A", "eta", "P"}
        A field of :class:`nrqb.Trajectory`.
    t_max : float, optional
        End of the search window (units of :math:`1/\omega`); default: where the transients end.

    Returns
    -------
    float
        The first :math:`t \ge 0` with ``quantity(t) = level`` (to ~1e-13 relative), or NaN if the
        quantity does not reach the level on the window.

    Examples
    --------
    >>> import nrqb
    >>> p = nrqb.paper_params()
    >>> round(first_crossing(p, 0.75, "eta") * p.J, 2)
    3.82
    """
    if quantity not in ("E_B", "E_A", "eta", "P"):
        raise ValueError(f"quantity must be one of 'E_B', 'E_A', 'eta', 'P'; got {quantity!r}")
    level = float(level)
    if not math.isfinite(level):
        raise ValueError(f"level must be finite; got {level!r}")
    p = require_scalar(p, "first_crossing")
    t, _ = time_grid(p, t_max)

    def g(x: ArrayLike) -> NDArray:
        return getattr(evolve(p, x), quantity) - level

    values = g(t)
    if values[0] == 0:
        return 0.0
    change = np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    if change.size == 0:
        return math.nan
    k = int(change[0])
    from scipy.optimize import brentq  # here, not at the top: `import nrqb` stays free of scipy.optimize

    return float(brentq(lambda x: float(g(x)), t[k], t[k + 1], xtol=1e-300, rtol=4 * np.finfo(float).eps))


def charging_summary(tr: Trajectory, ss: SteadyState) -> dict[str, float | bool]:
    r"""Headline numbers of one charging run: steady energies and efficiency, peak power and when.

    Parameters
    ----------
    tr : Trajectory
        From :func:`nrqb.evolve` with scalar parameters and a 1-D time grid (its last time is the window).
    ss : SteadyState
        From :func:`nrqb.steady_state` with the same parameters.

    Returns
    -------
    dict
        ``E_A_inf, E_B_inf, eta_inf`` (paper Eqs. 10, 11); ``P_peak`` and ``t_peak`` (units of :math:`1/\omega`),
        the largest :math:`dE_B/dt` on :math:`[0, t_{max}]` found by :func:`peak_power` from the closed form (not
        the grid of ``tr``, which may be too coarse to see it); ``Jt_peak`` (:math:`|J|\,t_{peak}`); and
        ``peak_resolved`` (see :class:`PowerPeak`).
    """
    p = require_scalar(tr.params, "charging_summary")
    if tr.t.ndim != 1 or tr.t.size < 2:
        raise ValueError(f"charging_summary: tr needs a 1-D time grid of at least 2 times; got shape {tr.t.shape}")
    t_max = float(np.max(tr.t))
    if not t_max > 0:
        raise ValueError("charging_summary: the time grid of tr must reach beyond t = 0")
    peak = peak_power(p, t_max=t_max)
    return {
        "E_A_inf": float(ss.E_A),
        "E_B_inf": float(ss.E_B),
        "eta_inf": float(ss.eta),
        "P_peak": float(peak.P),
        "t_peak": float(peak.t),
        "Jt_peak": float(abs(p.J) * peak.t),
        "peak_resolved": peak.resolved,
    }
