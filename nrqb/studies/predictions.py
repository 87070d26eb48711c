r"""What nrqb computes for each number the paper prints, as a function of the parameter set.

The paper quotes its results at one parameter set (Sec. 3.1 and the Fig. 2 caption). Each function here takes
that set as a :class:`~nrqb.Params` ``p`` (``J`` the coupling, ``kappa_a`` the charger's damping, ...) and
returns what the quoted number is in the model at ``p``: a steady energy, a peak power, an energy at a scaled time,
the largest power of a region of Fig. 3(e). The ledger evaluates them at the paper's stated set
(:func:`nrqb.paper_params`); the parameter fit (:mod:`nrqb.studies.fit`) at any other. Detunings, damping ratios,
times and windows are the paper's own, read from :mod:`nrqb.paper`.

Time unit
---------
The paper's time axis is the scaled time :math:`Jt`. Functions with a ``time_unit`` argument :math:`c` read the
paper's axis as :math:`c\,|J|\,t`: ``time_unit=1`` (the default) is the paper's stated axis, another value tests
whether the authors' axis was rescaled (the fit's optional knob).

Examples
--------
>>> import nrqb
>>> from nrqb.studies import predictions as pr
>>> p = nrqb.paper_params()
>>> round(pr.steady_energy(p, 0.0), 2), round(pr.power_peak(p).P, 3)
(74.88, 0.518)
>>> round(pr.PREDICTIONS["fig3a.E_B.Jt=4.r=10"](p), 2)
26.38
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import paper
from ..analysis import PowerPeak, peak_power
from ..dynamics import evolve, steady_state
from ..params import Params

__all__ = [
    "PREDICTIONS",
    "RegionPeak",
    "at_ratio",
    "detuned",
    "efficiency_at_peak",
    "energy_at",
    "energy_ratio",
    "power_peak",
    "red_region_peak",
    "scaled_time",
    "steady_efficiency",
    "steady_energy",
]

Prediction = Callable[..., float]


def detuned(p: Params, Delta: float) -> Params:
    r"""``p`` with the battery detuned by :math:`\Delta = \Delta_b - \Delta_a` from the charger (units of omega)."""
    return p.replace(Delta_b=p.Delta_a + Delta)


def at_ratio(p: Params, r: float | np.ndarray) -> Params:
    r"""``p`` at the damping ratio :math:`r = \kappa_b/\kappa_a`, with :math:`\kappa_a` kept (paper Sec. 3.2)."""
    return p.replace(kappa_b=r * np.asarray(p.kappa_a))


def scaled_time(p: Params, Jt: float, time_unit: float = 1.0) -> float:
    r"""Time (units of :math:`1/\omega`) at which the paper's axis reads ``Jt`` (see the module notes)."""
    return float(Jt / (abs(p.J) * time_unit))


def steady_energy(p: Params, Delta: float = 0.0) -> float:
    r""":math:`E_B(\infty)` at detuning :math:`\Delta` (paper Fig. 2(a), Eq. 10 at :math:`\Delta = 0`)."""
    return float(steady_state(detuned(p, Delta)).E_B)


def energy_ratio(p: Params) -> float:
    r""":math:`E_B(\infty)/E_A(\infty)` at resonance (paper Sec. 3.1, Fig. 2(b))."""
    ss = steady_state(p)
    return float(ss.E_B / ss.E_A)


def steady_efficiency(p: Params) -> float:
    r""":math:`\eta(\infty) = E_B/(E_A + E_B)` at resonance (paper Eq. 11, Fig. 2(b))."""
    return float(steady_state(p).eta)


def power_peak(p: Params, Delta: float = 0.0, time_unit: float = 1.0) -> PowerPeak:
    r"""Largest :math:`P = dE_B/dt` (paper Eq. 12) on the window of Fig. 2(d), :math:`Jt <` 5, at detuning ``Delta``.

    ``PowerPeak.Jt`` is on our axis :math:`|J|t`; multiply by ``time_unit`` for the paper's axis.
    """
    window = scaled_time(p, paper.value("fig2d.Jt_window"), time_unit)
    return peak_power(detuned(p, Delta), t_max=window)


def efficiency_at_peak(p: Params, time_unit: float = 1.0) -> float:
    r""":math:`\eta(t)` at the time of the power peak of Fig. 2(d), :math:`\Delta = 0` (the paper's percentage)."""
    return float(evolve(p, power_peak(p, 0.0, time_unit).t).eta)


def energy_at(p: Params, r: float, Jt: float, time_unit: float = 1.0) -> float:
    r""":math:`E_B` at the paper's scaled time ``Jt`` and damping ratio ``r`` (paper Fig. 3(a))."""
    return float(evolve(at_ratio(p, r), scaled_time(p, Jt, time_unit)).E_B)


@dataclass(frozen=True)
class RegionPeak:
    r"""The largest power on the region of Fig. 3(e) the text names, and where it is.

    Attributes
    ----------
    P : float
        Largest :math:`P` (units of :math:`\omega^2`).
    r : float
        Damping ratio where it occurs.
    Jt : float
        The paper's scaled time where it occurs.
    """

    P: float
    r: float
    Jt: float


def red_region_peak(p: Params, time_unit: float = 1.0, n_r: int = 41, n_t: int = 121) -> RegionPeak:
    r"""Largest :math:`P` over the paper's Fig. 3(e) region: :math:`r` from 0.01 to 3, :math:`Jt` from 0.5 to 3.5.

    A broadcast (r, Jt) grid locates the best ratio (log-spaced ``n_r`` ratios, ``n_t`` times), then
    :func:`nrqb.analysis.peak_power` refines the time there; the refined peak is kept only when it lies inside the
    window (else the grid's best point is returned).
    """
    r = np.logspace(math.log10(paper.value("fig3a.r.low")), math.log10(paper.value("fig3e.r.max")), n_r)
    lo, hi = paper.value("fig3e.Jt.low"), paper.value("fig3e.Jt.high")
    Jt = np.linspace(lo, hi, n_t)
    P = evolve(at_ratio(p, r[:, None]), Jt[None, :] / (abs(p.J) * time_unit)).P
    i, j = np.unravel_index(int(np.argmax(P)), P.shape)
    best = at_ratio(p, float(r[i]))
    peak = peak_power(best, t_max=scaled_time(p, hi, time_unit))
    Jt_peak = peak.t * abs(p.J) * time_unit
    if lo <= Jt_peak <= hi and peak.P >= P[i, j]:
        return RegionPeak(P=float(peak.P), r=float(r[i]), Jt=float(Jt_peak))
    return RegionPeak(P=float(P[i, j]), r=float(r[i]), Jt=float(Jt[j]))


def _scaled_peak_time(p: Params, time_unit: float = 1.0) -> float:
    return float(power_peak(p, 0.0, time_unit).t * abs(p.J) * time_unit)


#: Every result the paper prints at its Fig. 2 parameter set, by :mod:`nrqb.paper` key: ``f(p)`` or
#: ``f(p, time_unit)`` for the ones read on the paper's time axis (:data:`TIMED`).
PREDICTIONS: dict[str, Prediction] = {
    "fig2a.E_B_inf.Delta=0": lambda p: steady_energy(p, 0.0),
    "fig2a.E_B_inf.Delta=0.01": lambda p: steady_energy(p, paper.value("fig2a.Delta.small")),
    "fig2a.E_B_inf.Delta=0.1": lambda p: steady_energy(p, paper.value("fig2a.Delta.large")),
    "fig2b.E_B_over_E_A": energy_ratio,
    "fig2b.eta_inf": steady_efficiency,
    "fig2d.P_peak.Delta=0": lambda p, c=1.0: float(power_peak(p, 0.0, c).P),
    "fig2d.Jt_peak.Delta=0": _scaled_peak_time,
    "fig2d.eta.Jt=2": efficiency_at_peak,
    "fig2d.P_peak.Delta=0.01": lambda p, c=1.0: float(power_peak(p, paper.value("fig2a.Delta.small"), c).P),
    "fig2d.P_peak.Delta=0.1": lambda p, c=1.0: float(power_peak(p, paper.value("fig2a.Delta.large"), c).P),
    "fig3a.E_B.Jt=4.r=10": lambda p, c=1.0: energy_at(p, paper.value("fig3a.r.high"), paper.value("fig3a.Jt"), c),
    "fig3a.E_B.Jt=4.r=0.01": lambda p, c=1.0: energy_at(p, paper.value("fig3a.r.low"), paper.value("fig3a.Jt"), c),
    "fig3e.P.red": lambda p, c=1.0: red_region_peak(p, c).P,
}

#: The keys of :data:`PREDICTIONS` whose value depends on how the paper's time axis is read.
TIMED: frozenset[str] = frozenset(
    {
        "fig2d.P_peak.Delta=0",
        "fig2d.Jt_peak.Delta=0",
        "fig2d.eta.Jt=2",
        "fig2d.P_peak.Delta=0.01",
        "fig2d.P_peak.Delta=0.1",
        "fig3a.E_B.Jt=4.r=10",
        "fig3a.E_B.Jt=4.r=0.01",
        "fig3e.P.red",
    }
)
