r"""Which parameters did the paper use? A fit of the model's rates to every number the paper prints.

Many of the paper's numbers are close to ours but off by about one per cent, in a pattern (Fig. 2(a) energies above
ours, the peak powers slightly above). The parameters the authors state are themselves printed numbers with a
precision (":math:`\kappa = 0.003\omega`" means :math:`0.0025 \le \kappa < 0.0035`), so a parameter set within that
precision may reproduce the results better than the stated one. This module finds it.

The fit
-------
Knobs: :data:`KNOBS` (:math:`\Gamma, \kappa_a, \kappa_b, \varepsilon`, as :class:`~nrqb.Params` fields), with
:math:`J = \Gamma/2` and :math:`\phi = \pi/2` (the paper's nonreciprocal point), Fig. 3's damping ratios as
:math:`\kappa_b = r\kappa_a` at the fitted :math:`\kappa_a`. Data: every result of
:data:`nrqb.studies.predictions.PREDICTIONS` and the four stated parameter values (:data:`PARAMETER_QUOTES`), each
residual in units of its printed precision, :math:`z = (\text{nrqb} - \text{paper})/\text{tol}` with tol half a unit
in the last printed digit (:attr:`nrqb.paper.Quote.tolerance`): :math:`|z| \le 1` means "rounds to the printed
number" (the quote is *explained*).

1. A robust least-squares fit (Cauchy loss, which lets a quote that no nearby set explains stop pulling) from a few
   fixed starts around the stated set; the solution that explains the most quotes is kept.
2. Weighted least squares (quadratic) on the quotes it explains, from there; repeated until the explained set is
   stable. The uncertainties come from the Jacobian: a printed number's rounding error is uniform on
   :math:`[-\text{tol}, \text{tol}]`, standard deviation :math:`\text{tol}/\sqrt3`, so the covariance of the knobs is
   :math:`(J^T J)^{-1}/3` with :math:`J = \partial z/\partial\theta`.
3. Each quote the fit leaves unexplained is then *forced* (weighted ten times more) and the fit repeated: the
   explained quotes that break show that no single parameter set explains it together with them.

Every ``fitted`` value is what nrqb computes at the fitted parameters, through the same prediction functions the
ledger evaluates at the stated ones. With ``time_unit=True`` a fifth knob rescales the paper's time axis (see
:mod:`nrqb.studies.predictions`); it is reported beside the Params fields, never inside them.

Examples
--------
>>> from nrqb.studies.fit import KNOBS, quote_values
>>> import nrqb
>>> values = quote_values(nrqb.paper_params(), ["fig2.Gamma", "fig2a.E_B_inf.Delta=0"])
>>> round(values["fig2.Gamma"], 3), round(values["fig2a.E_B_inf.Delta=0"], 2)
(0.04, 74.88)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from .. import paper
from ..params import Params, paper_params
from .predictions import PREDICTIONS, TIMED

__all__ = [
    "KNOBS",
    "PARAMETER_QUOTES",
    "FitResult",
    "Residual",
    "as_json",
    "as_text",
    "fit_paper_parameters",
    "fit_quotes",
    "quote_values",
]

#: The fitted fields of :class:`~nrqb.Params`.
KNOBS: tuple[str, ...] = ("Gamma", "kappa_a", "kappa_b", "epsilon")

#: The stated parameter values, as quotes: key -> the Params field they state.
PARAMETER_QUOTES: dict[str, str] = {
    "fig2.Gamma": "Gamma",
    "fig2.kappa_a": "kappa_a",
    "fig2.kappa_b": "kappa_b",
    "fig2.epsilon": "epsilon",
}

# Relative step of the finite-difference Jacobian (theta is a logarithm, so this is a relative change of a knob).
_DIFF_STEP = np.array([1e-6])
# Weight of a forced quote (step 3): ten times its printed precision.
_FORCE = 10.0
# Fixed starts of the robust stage: the stated set and steps of 10 % (in log) along two sign patterns.
_STARTS = ((0.0, 0.0, 0.0, 0.0), (0.1, -0.1, 0.1, -0.1), (-0.1, 0.1, -0.1, 0.1))


def fit_quotes() -> tuple[str, ...]:
    """The keys the fit uses: the stated parameters, then every printed result, in the paper's order."""
    return (*PARAMETER_QUOTES, *PREDICTIONS)


def quote_values(p: Params, keys: Iterable[str], time_unit: float = 1.0) -> dict[str, float]:
    """What nrqb computes at ``p`` for each key (a stated parameter: its field; a result: its prediction).

    Raises
    ------
    KeyError
        For a key that is neither in :data:`PARAMETER_QUOTES` nor in :data:`~nrqb.studies.predictions.PREDICTIONS`.
    """
    out = {}
    for key in keys:
        if key in PARAMETER_QUOTES:
            out[key] = float(getattr(p, PARAMETER_QUOTES[key]))
        elif key in TIMED:
            out[key] = float(PREDICTIONS[key](p, time_unit))
        elif key in PREDICTIONS:
            out[key] = float(PREDICTIONS[key](p))
        else:
            raise KeyError(f"no prediction for paper quote {key!r}; the fit knows {list(fit_quotes())}")
    return out


@dataclass(frozen=True)
class Residual:
    r"""One quote under the stated and the fitted parameter sets.

    Attributes
    ----------
    key : str
        The :mod:`nrqb.paper` key.
    paper : float
        The printed number.
    tol : float
        Half a unit in its last printed digit.
    stated, fitted : float
        What nrqb computes at the stated and at the fitted parameters.
    """

    key: str
    paper: float
    tol: float
    stated: float
    fitted: float

    @property
    def z_stated(self) -> float:
        r""":math:`(\text{stated} - \text{paper})/\text{tol}`."""
        return (self.stated - self.paper) / self.tol

    @property
    def z_fitted(self) -> float:
        r""":math:`(\text{fitted} - \text{paper})/\text{tol}`: within :math:`\pm 1` the quote is explained."""
        return (self.fitted - self.paper) / self.tol


@dataclass(frozen=True)
class FitResult:
    r"""The parameter set that explains the most printed numbers, with uncertainties and every residual.

    Attributes
    ----------
    params : dict
        Fitted :data:`KNOBS` by Params field name (units of :math:`\omega`).
    sigma : dict
        One standard deviation of each (Jacobian, rounding errors uniform within the printed precision).
    correlation : ndarray
        Correlation matrix of the knobs, in the order of :data:`KNOBS`.
    stated : dict
        The stated values of the knobs (the paper's Fig. 2 set).
    residuals : tuple of Residual
        Every quote of :func:`fit_quotes`, in that order.
    explained, unexplained : tuple of str
        Keys with :math:`|z| \le 1` at the fitted set, and the others.
    forced : dict
        For each unexplained key: the explained keys that stop being explained when it is forced (step 3 of the
        module notes), and its own :math:`z` then.
    chi2 : float
        :math:`\sum z^2` over the explained quotes at the fitted set.
    time_unit, time_unit_sigma : float or None
        The fitted rescaling of the paper's time axis and its standard deviation (``time_unit=True`` only).
    """

    params: dict[str, float]
    sigma: dict[str, float]
    correlation: NDArray
    stated: dict[str, float]
    residuals: tuple[Residual, ...]
    explained: tuple[str, ...]
    unexplained: tuple[str, ...]
    forced: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    chi2: float = math.nan
    time_unit: float | None = None
    time_unit_sigma: float | None = None

    def residual(self, key: str) -> Residual:
        """The residual of one quote."""
        for r in self.residuals:
            if r.key == key:
                return r
        raise KeyError(f"no fitted quote {key!r}; the fit uses {[r.key for r in self.residuals]}")

    def fitted_params(self) -> Params:
        """The fitted set as :class:`~nrqb.Params` (:func:`nrqb.paper_params` with the fitted knobs)."""
        return paper_params(**self.params)


class _Problem:
    """Residuals z(theta) of a set of quotes; theta = log of the knobs (and of the time unit, when fitted)."""

    def __init__(self, keys: Sequence[str], with_time_unit: bool) -> None:
        self.keys = tuple(keys)
        self.with_time_unit = with_time_unit
        self.paper = np.array([paper.value(k) for k in self.keys])
        self.tol = np.array([paper.quote(k).tolerance for k in self.keys])

    def unpack(self, theta: NDArray) -> tuple[Params, float]:
        knobs = dict(zip(KNOBS, np.exp(theta[: len(KNOBS)]), strict=True))
        time_unit = float(np.exp(theta[len(KNOBS)])) if self.with_time_unit else 1.0
        return paper_params(**{k: float(v) for k, v in knobs.items()}), time_unit

    def values(self, theta: NDArray, keys: Sequence[str] | None = None) -> dict[str, float]:
        p, time_unit = self.unpack(theta)
        return quote_values(p, self.keys if keys is None else keys, time_unit)

    def z(self, theta: NDArray, weights: NDArray | None = None) -> NDArray:
        values = self.values(theta)
        z = (np.array([values[k] for k in self.keys]) - self.paper) / self.tol
        return z if weights is None else z * weights


def _solve(
    problem: _Problem, theta0: NDArray, loss: Literal["linear", "cauchy"], weights: NDArray | None = None
) -> Any:
    return least_squares(
        problem.z, theta0, args=(weights,), loss=loss, f_scale=1.0, diff_step=_DIFF_STEP, x_scale=1.0, max_nfev=400
    )


def _robust_start(problem: _Problem, theta0: NDArray) -> NDArray:
    """Step 1: Cauchy-loss fits from fixed starts; the solution explaining the most quotes (then the lowest cost)."""
    best: tuple[int, float, NDArray] | None = None
    for step in _STARTS:
        start = theta0.copy()
        start[: len(KNOBS)] += np.array(step)
        sol = _solve(problem, start, "cauchy")
        score = (int(np.sum(np.abs(sol.fun) <= 1.0)), -float(sol.cost), sol.x)
        if best is None or score[:2] > best[:2]:
            best = score
    assert best is not None
    return best[2]


def _inlier_fit(problem: _Problem, theta: NDArray) -> tuple[NDArray, NDArray]:
    """Step 2: quadratic fit on the explained quotes, until the explained set stops changing."""
    inliers = np.abs(problem.z(theta)) <= 1.0
    for _ in range(4):
        sol = _solve(problem, theta, "linear", weights=inliers.astype(float))
        theta = sol.x
        now = np.abs(problem.z(theta)) <= 1.0
        if np.array_equal(now, inliers):
            break
        inliers = now
    return theta, inliers


def _covariance(problem: _Problem, theta: NDArray, inliers: NDArray) -> NDArray:
    """Covariance of theta from the Jacobian of the explained residuals (rounding errors: sd tol/sqrt(3))."""
    sol = least_squares(problem.z, theta, args=(inliers.astype(float),), diff_step=_DIFF_STEP, max_nfev=1)
    J = np.asarray(sol.jac)[inliers]
    return np.linalg.pinv(J.T @ J) / 3.0


def _forced(problem: _Problem, theta: NDArray, inliers: NDArray) -> dict[str, tuple[tuple[str, ...], float]]:
    """Step 3: force each unexplained quote; which explained ones break, and its own z then."""
    out = {}
    for i, key in enumerate(problem.keys):
        if inliers[i]:
            continue
        weights = inliers.astype(float)
        weights[i] = _FORCE
        sol = _solve(problem, theta, "linear", weights=weights)
        z = problem.z(sol.x)
        broken = tuple(k for j, k in enumerate(problem.keys) if inliers[j] and abs(z[j]) > 1.0)
        out[key] = (broken, float(z[i]))
    return out


def fit_paper_parameters(*, time_unit: bool = False, force: bool = True) -> FitResult:
    """The parameter set that best explains the paper's printed numbers (the module notes give the method).

    Parameters
    ----------
    time_unit : bool
        Also fit a rescaling of the paper's time axis (reported in :attr:`FitResult.time_unit`, not in ``params``).
    force : bool
        Run step 3 (one more fit per unexplained quote).

    Returns
    -------
    FitResult
    """
    keys = fit_quotes()
    problem = _Problem(keys, time_unit)
    stated_p = paper_params()
    theta0 = np.log([float(getattr(stated_p, k)) for k in KNOBS] + ([1.0] if time_unit else []))
    theta, inliers = _inlier_fit(problem, _robust_start(problem, theta0))
    cov = _covariance(problem, theta, inliers)
    fitted_p, c = problem.unpack(theta)
    sd_log = np.sqrt(np.diag(cov))
    sd = np.exp(theta) * sd_log
    n = len(KNOBS)
    corr = (cov / np.outer(sd_log, sd_log))[:n, :n]
    stated_values = quote_values(stated_p, keys)
    fitted_values = quote_values(fitted_p, keys, c)
    residuals = tuple(
        Residual(k, paper.value(k), paper.quote(k).tolerance, stated_values[k], fitted_values[k]) for k in keys
    )
    return FitResult(
        params={k: float(getattr(fitted_p, k)) for k in KNOBS},
        sigma={k: float(sd[i]) for i, k in enumerate(KNOBS)},
        correlation=corr,
        stated={k: float(getattr(stated_p, k)) for k in KNOBS},
        residuals=residuals,
        explained=tuple(r.key for r in residuals if abs(r.z_fitted) <= 1.0),
        unexplained=tuple(r.key for r in residuals if abs(r.z_fitted) > 1.0),
        forced=_forced(problem, theta, inliers) if force else {},
        chi2=float(sum(r.z_fitted**2 for r in residuals if abs(r.z_fitted) <= 1.0)),
        time_unit=c if time_unit else None,
        time_unit_sigma=float(sd[len(KNOBS)]) if time_unit else None,
    )


def as_json(result: FitResult) -> dict[str, Any]:
    """The JSON object of ``python -m nrqb ledger --fit --json``: exactly ``params``, ``stated``, ``residuals``.

    ``params`` and ``stated`` map Params field names to values; ``residuals`` is a list of
    ``{key, paper, stated, fitted}`` objects, one per quote of :func:`fit_quotes`.
    """
    return {
        "params": dict(result.params),
        "stated": dict(result.stated),
        "residuals": [
            {"key": r.key, "paper": r.paper, "stated": r.stated, "fitted": r.fitted} for r in result.residuals
        ],
    }


def as_text(result: FitResult) -> str:
    """An aligned text report: the fitted knobs with uncertainties, then every quote's residual (units of tol)."""
    lines = ["fitted parameters (units of omega; 1 sd from the Jacobian):"]
    for k in KNOBS:
        lines.append(f"  {k:<8} {result.params[k]:.6g} ± {result.sigma[k]:.2g}   (stated {result.stated[k]:g})")
    if result.time_unit is not None:
        lines.append(f"  time unit {result.time_unit:.4g} ± {result.time_unit_sigma:.2g}   (stated 1)")
    width = max(len(r.key) for r in result.residuals)
    lines += ["", f"{'quote':<{width}}  {'paper':>8}  {'stated':>10}  {'fitted':>10}  {'z stated':>9}  {'z fitted':>9}"]
    for r in result.residuals:
        mark = "" if abs(r.z_fitted) <= 1 else "  unexplained"
        lines.append(
            f"{r.key:<{width}}  {paper.quote(r.key).text:>8}  {r.stated:>10.5g}  {r.fitted:>10.5g}  "
            f"{r.z_stated:>+9.2f}  {r.z_fitted:>+9.2f}{mark}"
        )
    lines += ["", f"explained (|z| <= 1): {len(result.explained)} of {len(result.residuals)}"]
    for key, (broken, z) in result.forced.items():
        lines.append(f"forcing {key} (z = {z:+.2f}) breaks: {', '.join(broken) if broken else 'nothing'}")
    return "\n".join(lines)
