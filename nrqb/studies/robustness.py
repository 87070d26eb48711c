r"""Robustness statistics: is the battery at the exceptional point more resilient to parameter noise?

The paper's abstract and conclusion state that the battery operating at the exceptional
point (EP) "exhibits greater resilience to parameter fluctuations" than the fully
nonreciprocal (NR) one, without statistics. This module measures it by Monte Carlo on the
vectorised core: draw fluctuated copies of an operating point, evaluate the steady-state
battery energy :math:`E_B(\infty)`, the efficiency :math:`\eta(\infty)` (paper Eq. 11) and the
peak charging power :math:`\max_t P(t)` (paper Eq. 12) for all samples in one call, and
summarise mean, spread, worst decile and relative loss.

Noise model (:func:`draw_fluctuations`), one noise level :math:`\sigma` for all parameters,
with independent standard normal variates :math:`\xi`:

* rates and couplings fluctuate *relatively*: :math:`\kappa_{a,b} \to \kappa_{a,b}\max(1 + \sigma\xi, 0)`,
  :math:`J \to J(1 + \sigma\xi)`;
* the detuning fluctuates *absolutely in units of* :math:`\Gamma`:
  :math:`\Delta_b \to \Delta_b + \sigma\Gamma\xi` (the charger stays on resonance with the
  drive, :math:`\Delta_a` fixed, so :math:`\Delta = \Delta_b - \Delta_a` fluctuates);
* the phase fluctuates *absolutely in radians*: :math:`\phi \to \phi + \sigma\xi`.

:math:`\Gamma` (set by the reservoir coupling) and the drive :math:`\varepsilon` are held fixed.

Two meanings of "operating at the EP" (and, for a fair comparison, of "operating at the NR
point") are compared:

``"fixed"`` (hardware-fixed coupling)
    :math:`J` is set once to the nominal value (:math:`J_{EP}` of the nominal parameters, or
    :math:`\Gamma/2`) and then fluctuates with everything else.
``"feedback"``
    :math:`J` is re-tuned for every sample to the operating condition of the *fluctuated*
    parameters: the NR point to :math:`J = (\Gamma/2)\sin\phi` (the real :math:`J` that minimises the
    backward coupling :math:`|M_{12}|`, exactly :math:`\Gamma/2` at :math:`\phi = \pi/2`), the EP to the real
    :math:`J \ge 0` that minimises the eigenvalue splitting :math:`|\lambda_+ - \lambda_-|`
    (:func:`closest_exceptional_coupling`). Where a real EP exists this *is* :math:`J_{EP}` (zero
    splitting); where none exists (e.g. :math:`\Delta \ne 0` together with :math:`\kappa_a \ne \kappa_b`, or
    :math:`\phi \ne \pi/2`) it is the closest approach, and the residual splitting is reported.
    :math:`J` noise is removed by the feedback.

The same random variates are used for both operating points (paired samples).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis import backward_coupling, closest_exceptional_coupling
from ..analysis import peak_power as analysis_peak_power
from ..drift import drift_matrix
from ..dynamics import steady_state
from ..exceptional import exceptional_coupling
from ..linear import split_2x2
from ..params import Params, paper_params
from ..validation import require_scalar

__all__ = [
    "NOISE_PARAMETERS",
    "QUANTITIES",
    "Interval",
    "LossComparison",
    "OperatingPoints",
    "PointResult",
    "RobustnessResult",
    "Statistics",
    "SweepPoint",
    "closest_exceptional_coupling",
    "compare_losses",
    "detuning_sweep",
    "draw_fluctuations",
    "figures_of_merit",
    "noise_scan",
    "operating_points",
    "peak_power",
    "retune",
    "robustness",
    "summarize",
    "worst_decile_loss",
]

#: Parameters that fluctuate, in the order of the columns of the random variates.
NOISE_PARAMETERS: tuple[str, ...] = ("kappa_a", "kappa_b", "Delta", "J", "phi")

#: Figures of merit evaluated per sample (larger is better for all three).
QUANTITIES: tuple[str, ...] = ("E_B", "eta", "P_peak")

# An EP counts as reached when the eigenvalue splitting is below this fraction of Gamma.
_EP_TOL = 1e-6


@dataclass(frozen=True)
class OperatingPoints:
    r"""The two nominal operating points of one regime.

    Attributes
    ----------
    regime : str
        ``"damping"`` (paper Sec. 4 regime (i): :math:`\Delta = 0`, :math:`r = \kappa_b/\kappa_a \ne 1`) or
        ``"detuning"`` (regime (ii): :math:`r = 1`, :math:`\Delta \ne 0`).
    nonreciprocal : Params
        :math:`J = \Gamma/2`, :math:`\phi = \pi/2` (full nonreciprocity).
    exceptional : Params
        :math:`J = J_{EP}` of the same parameters.
    """

    regime: str
    nonreciprocal: Params
    exceptional: Params


@dataclass(frozen=True)
class Statistics:
    """Summary of one figure of merit over the samples.

    Attributes
    ----------
    nominal : float
        Value at the noiseless operating point.
    mean, std : float
        Sample mean and standard deviation (``ddof=0``).
    p10 : float
        10th percentile (``numpy.percentile``, linear interpolation): the worst decile starts here.
    """

    nominal: float
    mean: float
    std: float
    p10: float

    @property
    def rel_loss_mean(self) -> float:
        r"""Relative loss of the mean, :math:`1 - \bar{x}/x_0`."""
        return 1.0 - self.mean / self.nominal

    @property
    def rel_loss_p10(self) -> float:
        r"""Relative loss of the worst decile, :math:`1 - x_{10\%}/x_0`."""
        return 1.0 - self.p10 / self.nominal

    @property
    def rel_std(self) -> float:
        r"""Relative spread :math:`\sigma_x/x_0`."""
        return self.std / self.nominal


@dataclass(frozen=True)
class PointResult:
    r"""Samples and statistics of one operating point under noise.

    Attributes
    ----------
    name : str
        ``"nonreciprocal"`` or ``"exceptional"``.
    nominal : Params
        The noiseless operating point.
    J : ndarray, shape (n,)
        Coupling used in each sample (fluctuated or re-tuned).
    splitting : ndarray, shape (n,)
        Eigenvalue splitting :math:`|\lambda_+ - \lambda_-|` of each sample (zero exactly at an EP).
    backflow : ndarray, shape (n,)
        :math:`|M_{12}|/(\Gamma/2)`, the battery-to-charger coupling relative to the bare dissipative
        one (zero exactly at full nonreciprocity).
    E_B, eta, P_peak : ndarray, shape (n,)
        Figures of merit per sample; ``P_peak`` is NaN when not computed.
    t_peak : ndarray, shape (n,)
        Time of the peak power (units of ``1/omega``), NaN when not computed.
    stats : dict[str, Statistics]
        Keys from :data:`QUANTITIES` (``P_peak`` only when computed).
    """

    name: str
    nominal: Params
    J: NDArray
    splitting: NDArray
    backflow: NDArray
    E_B: NDArray
    eta: NDArray
    P_peak: NDArray
    t_peak: NDArray
    stats: dict[str, Statistics] = field(repr=False)


@dataclass(frozen=True)
class RobustnessResult:
    r"""Result of :func:`robustness` for one regime, definition and noise level.

    Attributes
    ----------
    regime, definition : str
    noise : float
        Noise level :math:`\sigma`.
    fluctuating : tuple of str
        The parameters that fluctuated (subset of :data:`NOISE_PARAMETERS`; without ``"J"`` under feedback).
    n_samples : int
    nonreciprocal, exceptional : PointResult
    ep_fraction : float
        Fraction of samples of the EP point whose splitting is below ``1e-6 * Gamma`` (an EP reached).
    seconds_steady, seconds_peak : float
        Wall time of the steady-state part (draw, re-tune, :func:`nrqb.steady_state`, statistics) and of
        the peak-power part, for both points together.
    """

    regime: str
    definition: str
    noise: float
    fluctuating: tuple[str, ...]
    n_samples: int
    nonreciprocal: PointResult
    exceptional: PointResult
    ep_fraction: float
    seconds_steady: float
    seconds_peak: float

    def point(self, name: str) -> PointResult:
        """The :class:`PointResult` named ``"nonreciprocal"`` or ``"exceptional"``."""
        if name not in ("nonreciprocal", "exceptional"):
            raise ValueError(f"point name must be 'nonreciprocal' or 'exceptional'; got {name!r}")
        return getattr(self, name)


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}")


def operating_points(
    regime: Literal["damping", "detuning"],
    *,
    r: float = 10.0,
    Delta: float | None = None,
    base: Params | None = None,
) -> OperatingPoints:
    r"""Nominal NR and EP operating points for the paper's two regimes (paper Sec. 4, Fig. 4).

    Parameters
    ----------
    regime : {"damping", "detuning"}
        ``"damping"``: :math:`\Delta = 0` and :math:`\kappa_b = r\kappa_a`, where
        :math:`J_{EP} = \tfrac12\sqrt{\Gamma^2 + (\kappa_a-\kappa_b)^2/4} \ne \Gamma/2` for :math:`r \ne 1`.
        ``"detuning"``: :math:`\kappa_b = \kappa_a` and :math:`\Delta_b = \Delta`, where
        :math:`J_{EP} = \tfrac12\sqrt{\Gamma^2 - \Delta^2}`.
    r : float, default 10
        Damping ratio for the ``"damping"`` regime (> 0). At the default the EP coupling is 5.5 % above
        :math:`\Gamma/2`; for :math:`r < 1` the two points nearly coincide.
    Delta : float, optional
        Detuning for the ``"detuning"`` regime, :math:`0 < |\Delta| \le \Gamma`; default :math:`\Gamma/2`.
    base : Params, optional
        Scalar parameters supplying :math:`\Gamma, \kappa_a, \varepsilon, \omega`; default
        :func:`nrqb.paper_params` (the paper's Fig. 2 values). ``phi`` is set to :math:`\pi/2`.

    Returns
    -------
    OperatingPoints

    Raises
    ------
    ValueError
        For an unknown regime, ``r <= 0``, ``|Delta|`` outside ``(0, Gamma]`` or a non-scalar ``base``.
    """
    _check_choice("regime", regime, ("damping", "detuning"))
    base = paper_params() if base is None else base
    require_scalar(base, "operating_points (base)")
    p = base.replace(phi=np.pi / 2, Delta_a=0.0, Delta_b=0.0)
    if regime == "damping":
        if not (np.isfinite(r) and r > 0):
            raise ValueError(f"r (damping ratio kappa_b/kappa_a) must be > 0; got {r!r}")
        p = p.replace(kappa_b=r * p.kappa_a)
    else:
        Delta = 0.5 * p.Gamma if Delta is None else Delta
        if not (np.isfinite(Delta) and 0 < abs(Delta) <= p.Gamma):
            raise ValueError(f"Delta must satisfy 0 < |Delta| <= Gamma = {p.Gamma} for an EP to exist; got {Delta!r}")
        p = p.replace(kappa_b=p.kappa_a, Delta_b=Delta)
    return OperatingPoints(
        regime=regime,
        nonreciprocal=p.replace(J=0.5 * p.Gamma),
        exceptional=p.replace(J=exceptional_coupling(p)),
    )


def _check_noise(noise: object) -> float:
    if not isinstance(noise, numbers.Real) or not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise (relative/absolute noise level sigma) must be a finite number >= 0; got {noise!r}")
    return float(noise)


def _check_which(which: Sequence[str]) -> tuple[str, ...]:
    which = tuple(which)
    unknown = [w for w in which if w not in NOISE_PARAMETERS]
    if unknown:
        raise ValueError(f"which (fluctuating parameters) must be a subset of {list(NOISE_PARAMETERS)}; got {unknown}")
    return which


def _standard_normals(n: int, rng: np.random.Generator) -> NDArray:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)); got {rng!r}")
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise ValueError(f"n (number of samples) must be an integer >= 1; got {n!r}")
    return rng.standard_normal((len(NOISE_PARAMETERS), int(n)))


def _apply(p: Params, noise: float, xi: NDArray, which: tuple[str, ...]) -> Params:
    """Fluctuated copy of scalar ``p`` from standard normals ``xi`` (rows in NOISE_PARAMETERS order).

    Only the fields in ``which`` become arrays; the others keep their nominal scalar value.
    """
    z = dict(zip(NOISE_PARAMETERS, noise * xi, strict=True))
    changes = {
        "kappa_a": lambda: p.kappa_a * np.maximum(1.0 + z["kappa_a"], 0.0),
        "kappa_b": lambda: p.kappa_b * np.maximum(1.0 + z["kappa_b"], 0.0),
        "Delta": lambda: p.Delta_b + p.Gamma * z["Delta"],
        "J": lambda: p.J * (1.0 + z["J"]),
        "phi": lambda: p.phi + z["phi"],
    }
    return p.replace(**{("Delta_b" if name == "Delta" else name): changes[name]() for name in which})


def draw_fluctuations(
    p: Params, noise: float, n: int, rng: np.random.Generator, *, which: Sequence[str] = NOISE_PARAMETERS
) -> Params:
    r"""``n`` fluctuated copies of the scalar operating point ``p`` (see the module docstring).

    Parameters
    ----------
    p : Params
        Scalar nominal parameters.
    noise : float
        Noise level :math:`\sigma \ge 0`: relative for ``kappa_a, kappa_b, J``; in units of
        :math:`\Gamma` for ``Delta``; in radians for ``phi``.
    n : int
        Number of samples (>= 1).
    rng : numpy.random.Generator
        Source of randomness (no global state is used).
    which : sequence of str
        Parameters that fluctuate, a subset of :data:`NOISE_PARAMETERS`.

    Returns
    -------
    Params
        Fields of shape ``(n,)`` where they fluctuate, nominal scalars elsewhere.

    Notes
    -----
    The variates are one ``rng.standard_normal((5, n))`` draw whose rows belong to
    :data:`NOISE_PARAMETERS` in order (rows of parameters not in ``which`` are drawn and unused),
    so a given seed gives the same fluctuation of, e.g., ``kappa_a`` whatever ``which`` is.

    Raises
    ------
    ValueError
        For ``noise < 0``, ``n < 1``, an unknown name in ``which``, a non-Generator ``rng`` or non-scalar ``p``.
    """
    noise = _check_noise(noise)
    which = _check_which(which)
    require_scalar(p, "fluctuate (the nominal operating point)")
    return _apply(p, noise, _standard_normals(n, rng), which)


def retune(p: Params, point: Literal["nonreciprocal", "exceptional"]) -> Params:
    r"""Feedback: ``p`` with ``J`` re-tuned to the operating condition of its own parameters.

    ``"nonreciprocal"``: :math:`J = (\Gamma/2)\sin\phi` (the real :math:`J` minimising :math:`|M_{12}|`);
    ``"exceptional"``: :func:`closest_exceptional_coupling`.
    """
    _check_choice("point", point, ("nonreciprocal", "exceptional"))
    if point == "nonreciprocal":
        return p.replace(J=0.5 * p.Gamma * np.sin(p.phi))
    return p.replace(J=closest_exceptional_coupling(p)[0])


def _splitting(p: Params) -> NDArray:
    return 2 * np.abs(split_2x2(drift_matrix(p))[2])


def _backflow(p: Params) -> NDArray:
    return backward_coupling(p) / (0.5 * np.broadcast_to(p.Gamma, p.shape))


def _rows(p: Params, sl: slice, *, column: bool) -> Params:
    """Rows ``sl`` of 1-d ``p``; with ``column`` a trailing axis is added to broadcast against times."""
    changes = {}
    for f in dataclasses.fields(p):
        v = getattr(p, f.name)
        if f.init and np.ndim(v):
            v = np.broadcast_to(v, p.shape)[sl]
            changes[f.name] = v[:, None] if column else v
    return p.replace(**changes)


def peak_power(
    p: Params,
    t_max: float,
    *,
    n_grid: int = 64,
    refine: int = 30,
    chunk_elements: int = 250_000,
) -> tuple[NDArray, NDArray]:
    r"""Peak charging power :math:`\max_{0 \le t \le t_{max}} P(t)` for every entry of 1-d (or scalar) ``p``.

    :func:`nrqb.analysis.peak_power` in its fixed-grid mode, over chunks of samples to bound memory.

    Parameters
    ----------
    p : Params
        Shape ``()`` or ``(n,)``; zero temperature (the power is that of :func:`nrqb.evolve`).
    t_max : float
        End of the time window, in units of ``1/omega``; it must contain the first power maximum.
    n_grid : int, default 64
        Points of the uniform coarse grid on ``[0, t_max]`` (a broadcast ``(sample, t)`` evolution).
    refine : int, default 30
        Golden-section steps on the bracket around each sample's grid maximum
        (each shrinks it by 0.618; 30 steps reach ~1e-6 of the grid spacing).
    chunk_elements : int, default 250000
        Samples are processed in chunks of ``chunk_elements // n_grid`` to bound memory
        (about 0.4 kB per (sample, time) element).

    Returns
    -------
    P_peak, t_peak : ndarray of shape ``p.shape``

    Raises
    ------
    ValueError
        For ``t_max <= 0``, ``n_grid < 3``, ``refine < 0``, or ``p`` with more than one axis.
    """
    if len(p.shape) > 1:
        raise ValueError(f"peak_power needs scalar or 1-d Params; got shape {p.shape}")
    if p.shape == ():
        peak = analysis_peak_power(p, t_max, n_grid=n_grid, refine=refine)
        return np.asarray(peak.P), np.asarray(peak.t)
    n = p.shape[0]
    P_out, t_out = np.empty(n), np.empty(n)
    step = max(1, chunk_elements // max(n_grid, 1))
    for start in range(0, n, step):
        sl = slice(start, min(start + step, n))
        peak = analysis_peak_power(_rows(p, sl, column=False), t_max, n_grid=n_grid, refine=refine)
        P_out[sl], t_out[sl] = peak.P, peak.t
    return P_out, t_out


def default_t_max(p: Params) -> float:
    r"""Default window for :func:`peak_power`: ten slow decay times, :math:`10/\min(\Lambda_a,\Lambda_b)`."""
    return float(10.0 / np.min([np.min(p.Lambda_a), np.min(p.Lambda_b)]))


def figures_of_merit(
    p: Params, *, peak: bool = True, t_max: float | None = None, **peak_options: Any
) -> dict[str, NDArray]:
    r""":math:`E_B(\infty)`, :math:`\eta(\infty)` and (optionally) the peak power for all entries of ``p``.

    Parameters
    ----------
    p : Params
        Scalar or 1-d.
    peak : bool, default True
        Compute ``P_peak`` and ``t_peak`` with :func:`peak_power` (else NaN).
    t_max : float, optional
        Time window for the peak; default :func:`default_t_max` of ``p``.
    **peak_options
        Passed to :func:`peak_power`.

    Returns
    -------
    dict with keys ``"E_B", "eta", "P_peak", "t_peak"``.
    """
    ss = steady_state(p)
    out = {"E_B": np.asarray(ss.E_B), "eta": np.asarray(ss.eta)}
    if peak:
        P, tp = peak_power(p, default_t_max(p) if t_max is None else t_max, **peak_options)
    else:
        P = tp = np.full(p.shape, np.nan)
    out["P_peak"], out["t_peak"] = np.asarray(P), np.asarray(tp)
    return out


def summarize(samples: ArrayLike, nominal: float | NDArray) -> Statistics:
    """:class:`Statistics` of 1-d ``samples`` against the ``nominal`` value."""
    x = np.asarray(samples, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"samples must be a non-empty 1-d array; got shape {x.shape}")
    return Statistics(nominal=float(nominal), mean=float(x.mean()), std=float(x.std()), p10=float(np.percentile(x, 10)))


def _evaluate_point(
    name: Literal["nonreciprocal", "exceptional"],
    nominal: Params,
    noise: float,
    xi: NDArray,
    which: tuple[str, ...],
    definition: str,
    peak: bool,
    t_max: float,
) -> tuple[PointResult, float, float]:
    t0 = time.perf_counter()
    samples = _apply(nominal, noise, xi, which)
    if definition == "feedback":
        samples = retune(samples, name)
    samples = samples.replace(J=np.broadcast_to(samples.J, (xi.shape[1],)))  # shape (n,) even if nothing fluctuates
    merit = figures_of_merit(samples, peak=False)
    nominal_merit = figures_of_merit(nominal, peak=False)
    seconds_steady = time.perf_counter() - t0
    t0 = time.perf_counter()
    if peak:
        merit["P_peak"], merit["t_peak"] = peak_power(samples, t_max)
        nominal_merit["P_peak"], nominal_merit["t_peak"] = peak_power(nominal, t_max)
    seconds_peak = time.perf_counter() - t0 if peak else 0.0
    keys = QUANTITIES if peak else QUANTITIES[:2]
    stats = {k: summarize(merit[k], nominal_merit[k]) for k in keys}
    result = PointResult(
        name=name,
        nominal=nominal,
        J=np.broadcast_to(samples.J, samples.shape).copy(),
        splitting=np.broadcast_to(_splitting(samples), samples.shape).copy(),
        backflow=np.broadcast_to(_backflow(samples), samples.shape).copy(),
        E_B=merit["E_B"],
        eta=merit["eta"],
        P_peak=merit["P_peak"],
        t_peak=merit["t_peak"],
        stats=stats,
    )
    return result, seconds_steady, seconds_peak


def robustness(
    points: OperatingPoints,
    noise: float,
    n: int,
    rng: np.random.Generator,
    *,
    definition: Literal["fixed", "feedback"] = "fixed",
    which: Sequence[str] = NOISE_PARAMETERS,
    peak: bool = True,
    t_max: float | None = None,
) -> RobustnessResult:
    r"""Monte-Carlo robustness of the NR and EP operating points at one noise level.

    Parameters
    ----------
    points : OperatingPoints
        From :func:`operating_points`.
    noise : float
        Noise level :math:`\sigma \ge 0` (see :func:`draw_fluctuations` for its meaning per parameter).
    n : int
        Number of samples (the same variates serve both points).
    rng : numpy.random.Generator
    definition : {"fixed", "feedback"}
        Hardware-fixed coupling, or :math:`J` re-tuned per sample (:func:`retune`); under feedback
        ``"J"`` is dropped from ``which``.
    which : sequence of str
        Fluctuating parameters, subset of :data:`NOISE_PARAMETERS`.
    peak : bool, default True
        Also compute the peak power (a time evolution per sample; slower).
    t_max : float, optional
        Time window for the peak power; default :func:`default_t_max` of the NR point.

    Returns
    -------
    RobustnessResult

    Raises
    ------
    ValueError
        For ``noise < 0``, ``n < 1``, an unknown ``definition`` or name in ``which``, or a bad ``rng``.

    Examples
    --------
    >>> import numpy as np, nrqb.studies.robustness as rb
    >>> res = rb.robustness(rb.operating_points("detuning"), 0.05, 1000, np.random.default_rng(1), peak=False)
    >>> res.exceptional.stats["E_B"].std > 0
    True
    """
    noise = _check_noise(noise)
    which = _check_which(which)
    _check_choice("definition", definition, ("fixed", "feedback"))
    if definition == "feedback":
        which = tuple(w for w in which if w != "J")
    xi = _standard_normals(n, rng)
    t_max = default_t_max(points.nonreciprocal) if t_max is None else t_max
    nr, s1, q1 = _evaluate_point("nonreciprocal", points.nonreciprocal, noise, xi, which, definition, peak, t_max)
    ep, s2, q2 = _evaluate_point("exceptional", points.exceptional, noise, xi, which, definition, peak, t_max)
    return RobustnessResult(
        regime=points.regime,
        definition=definition,
        noise=noise,
        fluctuating=which,
        n_samples=int(n),
        nonreciprocal=nr,
        exceptional=ep,
        ep_fraction=float(np.mean(ep.splitting <= _EP_TOL * points.exceptional.Gamma)),
        seconds_steady=s1 + s2,
        seconds_peak=q1 + q2,
    )


def noise_scan(
    points: OperatingPoints,
    noise_levels: Sequence[float],
    n: int,
    rng: np.random.Generator,
    **options: Any,
) -> list[RobustnessResult]:
    """:func:`robustness` at each noise level (independent draws from the same ``rng``)."""
    return [robustness(points, level, n, rng, **options) for level in noise_levels]


# --------------------------------------------------------------------------------------
# Uncertainty of the comparison: paired bootstrap of the worst-decile loss
# --------------------------------------------------------------------------------------

# Resampled values held in memory at once by the bootstrap (chunks of resamples of this many elements).
_BOOT_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class Interval:
    """An estimate with a bootstrap confidence interval.

    Attributes
    ----------
    estimate : float
        The statistic on the samples themselves.
    low, high : float
        Percentile-bootstrap interval at confidence ``level``.
    level : float
        Confidence level, e.g. 0.95.
    """

    estimate: float
    low: float
    high: float
    level: float

    @property
    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class LossComparison:
    r"""Worst-decile relative losses of the two operating points and their difference, with intervals.

    Attributes
    ----------
    quantity : str
        One of :data:`QUANTITIES`.
    nonreciprocal, exceptional : Interval
        :math:`1 - x_{10\%}/x_0` of each point (:func:`worst_decile_loss`).
    gap : Interval
        Exceptional minus nonreciprocal loss: positive when the EP battery loses more (is less robust).
    """

    quantity: str
    nonreciprocal: Interval
    exceptional: Interval
    gap: Interval


def worst_decile_loss(samples: ArrayLike, nominal: float, axis: int = -1) -> NDArray:
    r"""Relative loss of the worst decile, :math:`1 - x_{10\%}/x_0` (``numpy.percentile``, linear), along ``axis``."""
    return 1.0 - np.percentile(np.asarray(samples, dtype=float), 10, axis=axis) / nominal


def _bootstrap_losses(
    x_nr: NDArray, x_ep: NDArray, nominal: tuple[float, float], n_boot: int, rng: np.random.Generator
) -> tuple[NDArray, NDArray]:
    """Losses of both points on ``n_boot`` paired resamples (the same indices for both: the samples are paired)."""
    n = x_nr.size
    chunk = max(1, _BOOT_ELEMENTS // n)
    out_nr, out_ep = np.empty(n_boot), np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        stop = min(start + chunk, n_boot)
        idx = rng.integers(0, n, size=(stop - start, n))
        out_nr[start:stop] = worst_decile_loss(x_nr[idx], nominal[0])
        out_ep[start:stop] = worst_decile_loss(x_ep[idx], nominal[1])
    return out_nr, out_ep


def compare_losses(
    result: RobustnessResult,
    quantity: str,
    rng: np.random.Generator,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
) -> LossComparison:
    r"""Worst-decile losses of the NR and EP points and their gap, with paired percentile-bootstrap intervals.

    The same random variates drive both points (:func:`robustness`), so the samples are paired: each bootstrap
    resample draws one set of sample indices and applies it to both, which keeps the correlation between the two
    losses and makes the interval of their difference narrower than two independent intervals would suggest.

    Parameters
    ----------
    result : RobustnessResult
    quantity : str
        One of :data:`QUANTITIES` (``"P_peak"`` only if it was computed).
    rng : numpy.random.Generator
        Source of the resampling.
    n_boot : int
        Bootstrap resamples (>= 100).
    level : float
        Confidence level, in (0, 1).

    Returns
    -------
    LossComparison

    Raises
    ------
    ValueError
        For an unknown or uncomputed quantity, ``n_boot < 100``, a level outside (0, 1) or a bad ``rng``.
    """
    _check_choice("quantity", quantity, QUANTITIES)
    if quantity not in result.nonreciprocal.stats:
        raise ValueError(f"quantity {quantity!r} was not computed for this result (run robustness with peak=True)")
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 100):
        raise ValueError(f"n_boot (bootstrap resamples) must be an integer >= 100; got {n_boot!r}")
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise ValueError(f"level (confidence level) must lie in (0, 1); got {level!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {rng!r}")
    x_nr, x_ep = getattr(result.nonreciprocal, quantity), getattr(result.exceptional, quantity)
    nominal = (result.nonreciprocal.stats[quantity].nominal, result.exceptional.stats[quantity].nominal)
    boot_nr, boot_ep = _bootstrap_losses(x_nr, x_ep, nominal, int(n_boot), rng)
    tails = 100 * np.array([(1 - level) / 2, (1 + level) / 2])

    def interval(estimate: float, boot: NDArray) -> Interval:
        low, high = np.percentile(boot, tails)
        return Interval(float(estimate), float(low), float(high), float(level))

    loss_nr = float(worst_decile_loss(x_nr, nominal[0]))
    loss_ep = float(worst_decile_loss(x_ep, nominal[1]))
    return LossComparison(
        quantity=quantity,
        nonreciprocal=interval(loss_nr, boot_nr),
        exceptional=interval(loss_ep, boot_ep),
        gap=interval(loss_ep - loss_nr, boot_ep - boot_nr),
    )


@dataclass(frozen=True)
class SweepPoint:
    r"""One cell of :func:`detuning_sweep`: a nominal detuning, a noise level and the loss comparison there."""

    Delta_over_Gamma: float
    noise: float
    comparison: LossComparison


def detuning_sweep(
    Delta_over_Gamma: Sequence[float],
    noise_levels: Sequence[float],
    n: int,
    rng: np.random.Generator,
    *,
    quantity: str = "E_B",
    definition: Literal["fixed", "feedback"] = "fixed",
    n_boot: int = 500,
    base: Params | None = None,
) -> list[SweepPoint]:
    r"""The EP-minus-NR worst-decile loss over nominal detunings and noise widths (regime ii, :math:`r = 1`).

    For each nominal :math:`\Delta = x\Gamma` (:func:`operating_points` ``("detuning", Delta=x Gamma)``) and each
    noise level, :func:`robustness` with ``n`` paired samples, then :func:`compare_losses` for ``quantity``.

    Parameters
    ----------
    Delta_over_Gamma : sequence of float
        Nominal detunings in units of :math:`\Gamma`, each in (0, 1] (where the EP exists).
    noise_levels : sequence of float
        Noise levels :math:`\sigma` (see :func:`draw_fluctuations`).
    n : int
        Samples per cell.
    rng : numpy.random.Generator
        Drives both the draws and the bootstrap.
    quantity : str
        One of :data:`QUANTITIES`; the peak power is computed only when asked for.
    definition : {"fixed", "feedback"}
    n_boot : int
        Bootstrap resamples per cell.
    base : Params, optional
        Scalar parameters for :func:`operating_points` (default the paper's).

    Returns
    -------
    list of SweepPoint
        Detuning-major order.
    """
    out = []
    for x in Delta_over_Gamma:
        pts = operating_points("detuning", Delta=float(x) * float((base or paper_params()).Gamma), base=base)
        for sigma in noise_levels:
            res = robustness(pts, sigma, n, rng, definition=definition, peak=quantity == "P_peak")
            out.append(SweepPoint(float(x), float(sigma), compare_losses(res, quantity, rng, n_boot=n_boot)))
    return out
