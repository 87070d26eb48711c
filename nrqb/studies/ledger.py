r"""The reproduction ledger: every number the paper's text quotes, beside ours.

Each :class:`LedgerRow` pairs a number printed in the paper (Lin, Ye, Li, Su, Wu) with
the same quantity computed here by the nrqb core at the paper's parameters: the
closed-form charging dynamics (:func:`nrqb.evolve`, :func:`nrqb.steady_state`), the
exceptional points (:mod:`nrqb.exceptional`) and the full three-mode model with the bad
cavity (:mod:`nrqb.three_mode`). No number in the ``ours`` column is typed in; peak powers
and their times are found by maximising the exact power :math:`P = dE_B/dt` (a dense grid,
then a bounded scalar optimiser around the best grid point), crossing times by root finding.

Verdicts (the fixed vocabulary :data:`VERDICTS`):

``"reproduced"``
    :math:`|{\rm ours} - {\rm paper}|` is within the row's tolerance, by default half a unit
    in the last digit the paper prints (``75.9`` → ±0.05, ``Jt ≈ 2`` → ±0.5), i.e. our
    number rounds to the paper's. Exact claims (a threshold, an optimum) get a tight
    tolerance stated in the note.
``"close"``
    Outside that tolerance but within :data:`CLOSE_REL` (2 %) relative: the size of a value
    read off a plot or computed with slightly different parameters.
``"differs"``
    Further off, without a demonstrable mistake in the paper.
``"paper error"``
    We can show that the paper's formula or claim is wrong (the note gives the evidence),
    typically because the same model reproduces the paper's other numbers.
``"ambiguous"``
    The paper's statement is qualitative or admits readings with different verdicts; the
    quantity states the reading we adopted.

Rows about inequalities ("P increases with r", "higher under any finite detuning") carry
the bound as ``paper`` (e.g. 1 for a ratio) and say so in ``quantity``.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .. import paper
from ..analysis import peak_power
from ..dynamics import evolve, steady_state
from ..exceptional import at_exceptional_point, exceptional_coupling
from ..paper import SEC5_MHZ, printed_tolerance
from ..params import Params, paper_params
from ..three_mode import (
    ThreeModeParams,
    eliminate,
    evolve_three_mode,
    gamma_conventions,
    steady_state_three_mode,
    three_mode_from_effective,
)

__all__ = [
    "CLOSE_REL",
    "SEC5",
    "VERDICTS",
    "LedgerRow",
    "as_dicts",
    "as_table",
    "compute_ledger",
    "judge",
    "printed_tolerance",
    "section5_params",
    "verdict_counts",
]

#: The verdict vocabulary, in the order used for summaries.
VERDICTS: tuple[str, ...] = ("reproduced", "close", "differs", "paper error", "ambiguous")

#: Relative difference below which a number outside printed precision still counts as "close".
CLOSE_REL: float = 0.02

#: The circuit-QED numbers of the paper's Sec. 5, in MHz (all divided by 2 pi), from :mod:`nrqb.paper`.
SEC5: dict[str, float] = SEC5_MHZ

#: The bad cavity's amplitude decay rate of Sec. 3.1, "gamma = 10 omega" (gamma = gamma_m / 2).
SEC3_GAMMA: float = paper.value("fig2.gamma")

_KEYS = ("quantity", "where", "paper", "ours", "rel_diff", "verdict", "note")


@dataclass(frozen=True)
class LedgerRow:
    r"""One number of the paper beside ours.

    Attributes
    ----------
    quantity : str
        What the number is, with its parameters.
    where : str
        Section, figure or equation of the paper.
    paper : float
        The paper's number (nonzero; for an inequality claim, its bound).
    ours : float
        Our number, computed by the nrqb core.
    rel_diff : float
        :math:`({\rm ours} - {\rm paper})/{\rm paper}`.
    verdict : str
        One of :data:`VERDICTS`.
    note : str
        How we computed ``ours``, how we read the paper, and the evidence for the verdict.

    Raises
    ------
    ValueError
        If a number is not finite, ``paper`` is 0, ``rel_diff`` is inconsistent with
        ``paper`` and ``ours``, or ``verdict`` is not in :data:`VERDICTS`.
    """

    quantity: str
    where: str
    paper: float
    ours: float
    rel_diff: float
    verdict: str
    note: str

    def __post_init__(self) -> None:
        for name in ("paper", "ours", "rel_diff"):
            value = getattr(self, name)
            if not isinstance(value, float) or not math.isfinite(value):
                raise ValueError(f"LedgerRow.{name} must be a finite float; got {value!r}")
        if self.paper == 0:
            raise ValueError("LedgerRow.paper must be nonzero (rel_diff divides by it)")
        expected = (self.ours - self.paper) / self.paper
        if not math.isclose(self.rel_diff, expected, rel_tol=1e-12, abs_tol=1e-15):
            raise ValueError(f"LedgerRow.rel_diff must be (ours - paper)/paper = {expected!r}; got {self.rel_diff!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"LedgerRow.verdict must be one of {VERDICTS}; got {self.verdict!r}")


def judge(paper: float, ours: float, tol: float) -> str:
    r"""Verdict from the numbers alone: ``"reproduced"``, ``"close"`` or ``"differs"``.

    ``"reproduced"`` if :math:`|{\rm ours}-{\rm paper}| \le` ``tol``, ``"close"`` if the
    relative difference is at most :data:`CLOSE_REL`, else ``"differs"``.
    """
    if abs(ours - paper) <= tol * (1 + 1e-12):
        return "reproduced"
    if abs(ours - paper) <= CLOSE_REL * abs(paper):
        return "close"
    return "differs"


def _row(
    quantity: str,
    where: str,
    paper: str | float,
    ours: float,
    note: str,
    *,
    tol: float | None = None,
    verdict: str | None = None,
) -> LedgerRow:
    """Build a row; ``paper`` given as printed text sets the default tolerance."""
    if isinstance(paper, str):
        tol = printed_tolerance(paper) if tol is None else tol
        paper_value = float(paper)
        tol_text = f"half a unit in the paper's last printed digit, ±{tol:g}"
    else:
        paper_value = float(paper)
        tol_text = f"±{tol:g}" if tol is not None else ""
    ours = float(ours)
    automatic = judge(paper_value, ours, tol if tol is not None else 0.0)
    if verdict is None:
        verdict = automatic
        note = f"{note} Tolerance: {tol_text}."
    return LedgerRow(
        quantity=quantity,
        where=where,
        paper=paper_value,
        ours=ours,
        rel_diff=(ours - paper_value) / paper_value,
        verdict=verdict,
        note=note,
    )


# --------------------------------------------------------------------------------------
# Numerical helpers (all on top of the core)
# --------------------------------------------------------------------------------------


def _refine_max(f: Callable[[np.ndarray], np.ndarray], grid: np.ndarray) -> tuple[float, float]:
    """Maximise a smooth scalar function: best grid point, then bounded Brent around it."""
    values = np.asarray(f(grid), dtype=float)
    i = int(np.argmax(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = minimize_scalar(
        lambda x: -float(np.asarray(f(np.array([x])))[0]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10 * max(1.0, abs(hi))},
    )
    if -res.fun >= values[i]:
        return float(-res.fun), float(res.x)
    return float(values[i]), float(grid[i])


def _peak(p: Params, Jt_max: float = 5.0) -> tuple[float, float]:
    """Peak power and its time on the paper's window :math:`Jt <` ``Jt_max`` (units of omega^2 and 1/omega)."""
    peak = peak_power(p, t_max=Jt_max / abs(p.J))
    return float(peak.P), float(peak.t)


def _crossing(f: Callable[[np.ndarray], np.ndarray], grid: np.ndarray) -> float:
    """First root of a vectorised ``f`` on ``grid`` (``f`` must change sign between two grid points)."""
    values = np.asarray(f(grid), dtype=float)
    sign_change = np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    if sign_change.size == 0:
        raise ValueError("no sign change of the function on the grid")
    k = int(sign_change[0])
    return float(brentq(lambda x: float(f(np.asarray(x))), grid[k], grid[k + 1], xtol=1e-14, rtol=1e-13))


def section5_params(J: float | None = None, epsilon: float = 0.1) -> ThreeModeParams:
    """The paper's Sec. 5 circuit-QED numbers as a three-mode model (rates in MHz, divided by 2 pi).

    Parameters
    ----------
    J : float, optional
        Direct coupling; default the paper's ``J/2 pi = 0.01 MHz``.
    epsilon : float
        Drive amplitude (not given in the paper; ratios of energies do not depend on it).
    """
    return ThreeModeParams(
        g_a=SEC5["g"],
        g_b=SEC5["g"],
        gamma_m=SEC5["gamma_m"],
        Delta_c=0.0,
        kappa_a=SEC5["kappa_a"],
        kappa_b=SEC5["kappa_b"],
        epsilon=epsilon,
        phi=math.pi / 2,
        J=SEC5["J"] if J is None else J,
    )


def _paper_eq10_E_B(p: Params) -> float:
    """The paper's Eq. (10) for E_B(infinity), evaluated as printed."""
    La, Lb, eps, G, w = p.Lambda_a, p.Lambda_b, p.epsilon, p.Gamma, p.omega
    return float(16 * w * eps**2 * G**2 / (La**2 * Lb * (La + Lb)) + 16 * w * eps**2 * G**2 / (La * Lb**2 * (La + Lb)))


# --------------------------------------------------------------------------------------
# The rows, section by section
# --------------------------------------------------------------------------------------


def _rows_fig2() -> list[LedgerRow]:
    p = paper_params()
    J = float(p.J)
    rows: list[LedgerRow] = []
    where_a = "Sec. 3.1, Fig. 2(a)"

    # Steady-state battery energies for the three detunings.
    ss0 = steady_state(p)
    eq10 = _paper_eq10_E_B(p)
    kappa_fit = brentq(
        lambda k: float(steady_state(p.replace(kappa_a=k, kappa_b=k)).E_B) - 75.9, 1e-4, 0.003, xtol=1e-12
    )
    t_long = np.linspace(0.0, 40.0 / J, 4001)
    for delta, printed in ((0.0, "75.9"), (0.01, "62.2"), (0.1, "3.3")):
        q = p.replace(Delta_b=delta)
        ss = steady_state(q)
        largest = float(evolve(q, t_long).E_B.max())
        if delta == 0:
            quantity = "E_B(inf), Delta = 0 (Fig. 2 parameters, J = Gamma/2, phi = pi/2)"
            extra = (
                f"The paper's own Eq. (10) at these parameters gives {eq10:.2f} too, so the printed 75.9 does "
                f"not come from its formula; it would need e.g. kappa_a = kappa_b = {kappa_fit:.5f} instead of 0.003."
            )
        else:
            quantity = f"E_B(inf), Delta = {delta:g} omega"
            extra = f"Relative to Delta = 0 ours is {ss.E_B / ss0.E_B:.4f}, the paper's {float(printed) / 75.9:.4f}."
        rows.append(
            _row(
                quantity,
                where_a if delta < 0.05 else "Sec. 3.1 (text after Fig. 2)",
                printed,
                ss.E_B,
                f"steady_state at Gamma = 0.04, kappa_a = kappa_b = 0.003, epsilon = 0.1, Delta_b = {delta:g}. "
                f"The largest E_B(t) for Jt <= 40 is {largest:.2f}: no point of the curve is higher. "
                f"{extra}",
            )
        )

    # Three-mode model at gamma = 10 omega: two readings of the Sec. 2 rate.
    p3 = three_mode_from_effective(p, gamma_m=2 * SEC3_GAMMA)
    P3, t3 = _refine_max(lambda t: evolve_three_mode(p3, t).P, np.linspace(0.0, 5.0 / J, 401))
    rows.append(
        _row(
            "peak P, Delta = 0, full three-mode model (gamma_m = 20 omega, Lindblad Gamma = 0.04)",
            "Sec. 3.1 ('gamma = 10 omega'), Fig. 2(d)",
            "0.52",
            P3,
            f"evolve_three_mode with g = sqrt(Gamma gamma_m)/2 = {float(p3.g_a):.4f} (adiabatic ratio "
            f"g/(gamma_m/2) = {float(p3.adiabaticity):.3f}), no elimination; peak at Jt = {J * t3:.3f}. The "
            "bad cavity at the paper's gamma is well eliminated.",
        )
    )
    conv = gamma_conventions(1.0, 2 * SEC3_GAMMA)
    g_sec2 = math.sqrt(float(p.Gamma) / float(conv["paper_sec2"]))
    p3_sec2 = p3.replace(g_a=g_sec2, g_b=g_sec2)
    ss3 = steady_state_three_mode(p3_sec2)
    rows.append(
        _row(
            "E_B(inf), Delta = 0, three-mode model with g from the Sec. 2 formula Gamma = g^2 gamma/(Dc^2+gamma^2)",
            "Sec. 2, Eq. (2) with Sec. 3.1",
            "75.9",
            ss3.E_B,
            f"Taking Sec. 2 literally, Gamma = 0.04 at gamma = 10 needs g = {g_sec2:.4f}; the three-mode model "
            f"then has the Lindblad rate {float(eliminate(p3_sec2).Gamma):.3f} = 2 x 0.04 and, with J = 0.02, is "
            "not nonreciprocal. The paper's Fig. 2 numbers follow Eq. (5) with Gamma the Lindblad rate, so the "
            "Sec. 2 expression is the amplitude rate (half of it): a factor-2 inconsistency in the paper.",
            verdict="paper error",
        )
    )

    # Energy ratio and efficiency.
    ratio = float(ss0.E_B / ss0.E_A)
    rows.append(
        _row(
            "E_B(inf)/E_A(inf), Delta = 0 ('4 Gamma^2/Delta^2 ~ 4'; abstract: 'a four ratio')",
            "Abstract; Sec. 3.1, Fig. 2(b)",
            "4",
            ratio,
            f"steady_state E_B/E_A = {ratio:.4f} = 4 Gamma^2/Lambda_b^2 = "
            f"{4 * float(p.Gamma) ** 2 / float(p.Lambda_b) ** 2:.4f} (<alpha> = -2i eps/Lambda_a, "
            "<beta> = -4 Gamma eps/(Lambda_a Lambda_b)). The printed 4 Gamma^2/Delta^2 diverges at the "
            "resonance Delta = 0 it is quoted for; Delta stands where Lambda_b belongs. The ratio tends to 4 only "
            "for kappa_b -> 0, and 3.46 does not round to 4.",
            verdict="paper error",
        )
    )
    rows.append(
        _row(
            "eta(inf) = E_B/(E_A+E_B), Delta = 0",
            "Sec. 3.1, Fig. 2(b)",
            "0.78",
            ss0.eta,
            "steady_state efficiency (paper Eq. 11).",
        )
    )
    G_star = brentq(
        lambda G: float((lambda s: s.E_B - s.E_A)(steady_state(paper_params(Gamma=G)))), 1e-4, 0.04, xtol=1e-15
    )
    rows.append(
        _row(
            "Gamma/kappa above which E_B(inf) > E_A(inf) at J = Gamma/2 ('Gamma > kappa')",
            "Sec. 3.1; Sec. 6",
            1.0,
            G_star / float(p.kappa_b),
            "Root of E_B(inf) - E_A(inf) in Gamma (J = Gamma/2, kappa = 0.003), by brentq on steady_state. "
            "Exactly Gamma = kappa_b, since E_B/E_A = 4 Gamma^2/Lambda_b^2 > 1 iff Gamma > kappa_b: the claim "
            "holds with kappa read as the battery's kappa_b.",
            tol=1e-6,
        )
    )

    # Phase: the optimum of Fig. 2(c).
    res = minimize_scalar(
        lambda ph: -float(steady_state(p.replace(phi=ph)).E_B),
        bounds=(0.5, 2.5),
        method="bounded",
        options={"xatol": 1e-10},
    )
    rows.append(
        _row(
            "phi maximising E_B(inf) at J = Gamma/2 ('energy decreases when phi deviates from pi/2')",
            "Sec. 3.1, Fig. 2(c)",
            math.pi / 2,
            res.x,
            f"Bounded maximisation of steady_state E_B over phi; the maximum is {-res.fun:.2f} at the "
            "nonreciprocal phase. The claim holds.",
            tol=1e-4,
        )
    )

    # Charging power (Fig. 2(d)) and the efficiency at the power peak.
    where_d = "Sec. 3.1, Fig. 2(d)"
    P0, t0 = _peak(p)
    eta_at_peak = float(evolve(p, t0).eta)
    eta_at_2 = float(evolve(p, 2.0 / J).eta)
    t75 = _crossing(lambda t: evolve(p, t).eta - 0.75, np.linspace(0.0, 20.0 / J, 201))
    rows.append(
        _row(
            "peak charging power P = dE_B/dt, Delta = 0",
            where_d,
            "0.52",
            P0,
            "Exact P of evolve, maximised over Jt < 5 (grid + bounded Brent).",
        )
    )
    rows.append(
        _row(
            "Jt at the peak of P, Delta = 0 ('Jt ~ 2')",
            where_d,
            "2",
            J * t0,
            "Time of the maximum above, in units of 1/J.",
        )
    )
    rows.append(
        _row(
            "eta at the peak of P, Delta = 0 ('eta simultaneously reaches 75 %')",
            where_d,
            "0.75",
            eta_at_peak,
            f"evolve(...).eta at the peak time Jt = {J * t0:.3f}; at exactly Jt = 2 it is {eta_at_2:.3f}. "
            f"eta(t) rises monotonically to eta(inf) = {float(ss0.eta):.3f} and only reaches 0.75 at "
            f"Jt = {J * t75:.2f}. The same model reproduces the paper's P peak, its time and eta(inf), so "
            "the 75 % claim contradicts the paper's own model.",
            verdict="paper error",
        )
    )
    rows.append(
        _row(
            "Jt at which eta first reaches 0.75, Delta = 0",
            where_d,
            "2",
            J * t75,
            "Root of eta(t) - 0.75 (brentq on evolve), the other reading of 'eta reaches 75 % at Jt ~ 2': "
            "it happens about twice as late, when P has already fallen well below its peak.",
            verdict="paper error",
        )
    )
    for delta, printed in ((0.01, "0.486"), (0.1, "0.06")):
        q = p.replace(Delta_b=delta)
        Pd, td = _peak(q)
        rows.append(
            _row(
                f"peak charging power P, Delta = {delta:g} omega",
                where_d,
                printed,
                Pd,
                f"Exact P of evolve, maximised over Jt < 5; the peak is at Jt = {J * td:.3f}.",
            )
        )
    return rows


def _rows_fig3() -> list[LedgerRow]:
    p = paper_params()
    J = float(p.J)
    kappa_a = float(p.kappa_a)
    rows: list[LedgerRow] = []
    where = "Sec. 3.2, Fig. 3(a)"

    def at_r(r: float) -> Params:
        return p.replace(kappa_b=r * kappa_a)

    e10 = float(evolve(at_r(10.0), 4.0 / J).E_B)
    e10_inf = float(steady_state(at_r(10.0)).E_B)
    t148 = _crossing(lambda t: evolve(at_r(10.0), t).E_B - 14.8, np.linspace(0.0, 4.0 / J, 81))
    rows.append(
        _row(
            "E_B at Jt = 4, r = kappa_b/kappa_a = 10 (kappa_a = 0.003)",
            where,
            "14.8",
            e10,
            f"evolve at t = 4/J. E_B(inf) at r = 10 is {e10_inf:.2f}; E_B(t) passes 14.8 at Jt = {J * t148:.2f}, "
            "not at Jt = 4. No single time reproduces both of the paper's Jt = 4 numbers (see the r = 0.01 row).",
        )
    )
    e001 = float(evolve(at_r(0.01), 4.0 / J).E_B)
    e001_inf = float(steady_state(at_r(0.01)).E_B)
    e001_max = float(evolve(at_r(0.01), np.linspace(0.0, 100.0 / J, 2001)).E_B.max())
    sup = float(steady_state(p.replace(kappa_b=0.0)).E_B)
    unattainable = max(e001_max, e001_inf) < 87 - printed_tolerance("87")
    rows.append(
        _row(
            "E_B at Jt = 4, r = 0.01",
            where,
            "87",
            e001,
            f"evolve at t = 4/J. At r = 0.01, E_B(t) never exceeds {max(e001_max, e001_inf):.2f} (its maximum "
            f"over Jt <= 100 and its steady state {e001_inf:.2f}), below 86.5, so no charging time gives a number "
            f"that rounds to 87. The supremum over all r and t is 16 eps^2/Lambda_a^2 = {sup:.2f} (kappa_b = 0, "
            "t -> inf), which does: 87 is a steady-state (or colour-bar) value, not the energy at Jt = 4.",
            verdict="paper error" if unattainable else None,
        )
    )
    rows.append(
        _row(
            "E_B(inf), r = 0.01 (the steady-state reading of '87')",
            "Sec. 3.2, Fig. 3(a)/(c)",
            "87",
            e001_inf,
            "steady_state at kappa_b = 0.01 kappa_a; this reading is within 1 % of the text.",
        )
    )

    # "r > 100: eta(inf) extremely low".
    r5 = 10 ** brentq(lambda lr: float(steady_state(at_r(10**lr)).eta) - 0.05, 0.0, 4.0, xtol=1e-13)
    eta100 = float(steady_state(at_r(100.0)).eta)
    rows.append(
        _row(
            "r above which eta(inf) < 5 % (our reading of 'r > 100: eta(inf) extremely low')",
            "Sec. 3.2, Fig. 3(d)",
            "100",
            r5,
            f"Root of steady_state eta - 0.05 in log r. The paper gives no number: at r = 100 eta(inf) = "
            f"{eta100:.3f}, against {float(steady_state(at_r(1.0)).eta):.3f} at r = 1. With a 5 % threshold the "
            "boundary is where the paper puts it; another threshold moves it.",
            verdict="ambiguous",
        )
    )

    # Fig. 3(e): the red region and the trend of the peak power with r.
    r_grid = np.logspace(-2, math.log10(3.0), 61)
    Jt_grid = np.linspace(0.5, 3.5, 301)
    P_map = evolve(p.replace(kappa_b=kappa_a * r_grid[:, None]), Jt_grid[None, :] / J).P
    i_r = int(np.unravel_index(np.argmax(P_map), P_map.shape)[0])
    r_best = float(r_grid[i_r])
    P_red, t_red = _refine_max(lambda t: evolve(at_r(r_best), t).P, Jt_grid / J)
    monotone = bool(np.all(np.diff(P_map.max(axis=1)) < 0))
    rows.append(
        _row(
            "max P over 0.01 <= r <= 3, 0.5 <= Jt <= 3.5 ('red region, P ~ 0.58')",
            "Sec. 3.2, Fig. 3(e)",
            "0.58",
            P_red,
            f"Maximum of the exact P on a (r, Jt) grid, refined in t: at r = {r_best:g}, Jt = {J * t_red:.3f}. "
            f"The peak power {'decreases monotonically' if monotone else 'does not decrease monotonically'} "
            "with r on this range, so the red region sits at the smallest r.",
        )
    )
    P1, _ = _peak(at_r(1.0))
    P10, _ = _peak(at_r(10.0))
    P01, _ = _peak(at_r(0.1))
    rows.append(
        _row(
            "peak P(r = 10) / peak P(r = 1) (paper: 'P increases in tandem with the damping ratio', > 1)",
            "Sec. 3.2, Fig. 3(f)",
            1.0,
            P10 / P1,
            f"Peaks over Jt < 5: {P01:.3f} (r = 0.1), {P1:.3f} (r = 1), {P10:.3f} (r = 10). Read literally "
            "('P grows with r') the sentence is wrong; read as 'P grows as r is reduced' it matches, as does "
            f"'the maximum power remains relatively stable for r <= 1' (ratio r = 0.1 : 1 is {P01 / P1:.3f}).",
            verdict="ambiguous",
        )
    )
    return rows


def _rows_fig4() -> list[LedgerRow]:
    p = paper_params()
    gamma = float(p.Gamma)
    rows: list[LedgerRow] = []

    def ep_over_nor(q: Params) -> np.ndarray:
        return steady_state(at_exceptional_point(q)).E_B / steady_state(q).E_B

    rows.append(
        _row(
            "E^EP(inf)/E^nor(inf) at Delta = 0, r = 1 ('coincide at Delta = 0')",
            "Sec. 4, Fig. 4(b)",
            1.0,
            float(ep_over_nor(p)),
            f"At r = 1, Delta = 0 the exceptional coupling is J_EP = {float(exceptional_coupling(p)):.4f} = Gamma/2: "
            "the nonreciprocal point is itself an EP.",
            tol=1e-9,
        )
    )
    deltas = np.linspace(0.0, gamma, 401)[1:]
    ratios = ep_over_nor(p.replace(Delta_b=deltas))
    cross = _crossing(lambda d: ep_over_nor(p.replace(Delta_b=d)) - 1.0, deltas)
    k_max = int(np.argmax(ratios))
    rows.append(
        _row(
            "min of E^EP/E^nor over 0 < |Delta| <= Gamma, r = 1 (paper: > 1 'under any finite detuning')",
            "Sec. 4, Fig. 4(b)",
            1.0,
            ratios.min(),
            f"steady_state at J = J_EP = sqrt(Gamma^2 - Delta^2)/2 (the EP exists only for |Delta| <= Gamma) "
            f"vs J = Gamma/2. The EP battery holds more only for 0 < |Delta| < {cross:.4f} = "
            f"{cross / gamma:.3f} Gamma (at most {ratios[k_max]:.3f} x, at |Delta| = {deltas[k_max]:.4f}); "
            "beyond, it holds less, down to this minimum at |Delta| = Gamma where J_EP = 0. Both curves also "
            "coincide at that crossing, not 'only at Delta = 0'.",
            verdict="paper error",
        )
    )
    return rows


def _rows_sec5() -> list[LedgerRow]:
    g, gamma_m = SEC5["g"], SEC5["gamma_m"]
    conv = {k: float(v) for k, v in gamma_conventions(g, gamma_m).items()}
    where = "Sec. 5"
    rows = [
        _row(
            "Gamma/2pi = g^2/gamma_m for g/2pi = 0.33 MHz, gamma_m/2pi = 5 MHz (the paper's arithmetic)",
            where,
            "0.02",
            conv["paper_sec5"],
            "gamma_conventions(...)['paper_sec5'], in MHz: the arithmetic of the printed formula is right.",
        ),
        _row(
            "Gamma/2pi by the paper's Sec. 2 formula g^2 gamma/(Dc^2+gamma^2), gamma = gamma_m/2",
            "Sec. 2 vs Sec. 5",
            "0.02",
            conv["paper_sec2"],
            "gamma_conventions(...)['paper_sec2']: the paper's two definitions of Gamma differ by a factor 2 "
            "(2 g^2/gamma_m in Sec. 2, g^2/gamma_m in Sec. 5).",
            verdict="paper error",
        ),
        _row(
            "Gamma/2pi as the Lindblad rate 4 g^2/gamma_m that Eq. (5) needs",
            where,
            "0.02",
            conv["lindblad"],
            "gamma_conventions(...)['lindblad'] = eliminate(...).Gamma. It is confirmed by the exact three-mode "
            "model (next rows): Sec. 5 underestimates the collective rate fourfold.",
            verdict="paper error",
        ),
        _row(
            "nonreciprocal J/2pi = Gamma/2 with the paper's Gamma = g^2/gamma_m",
            where,
            "0.01",
            conv["paper_sec5"] / 2,
            "Within the paper's own convention its J/2pi = 0.01 MHz is consistent with J = Gamma/2.",
        ),
        _row(
            "nonreciprocal J/2pi = Gamma/2 with the Lindblad Gamma = 4 g^2/gamma_m",
            where,
            "0.01",
            conv["lindblad"] / 2,
            "With the rate the dynamics actually has, nonreciprocity needs J four times larger; at the quoted "
            "J/2pi = 0.01 MHz the device is not nonreciprocal.",
            verdict="paper error",
        ),
    ]
    p5 = section5_params()
    ss3 = steady_state_three_mode(p5)
    eff = eliminate(p5)
    ratio_paper = float(ss3.E_B / steady_state(eff.replace(Gamma=conv["paper_sec5"])).E_B)
    ratio_lindblad = float(ss3.E_B / steady_state(eff).E_B)
    rows.append(
        _row(
            "E_B(inf) three-mode / effective model with the paper's Gamma = g^2/gamma_m (Sec. 5 numbers)",
            where,
            1.0,
            ratio_paper,
            f"steady_state_three_mode at the Sec. 5 numbers (J/2pi = 0.01 MHz, phi = pi/2; the drive cancels in "
            f"the ratio) over steady_state of the effective model. With the Lindblad Gamma the ratio is "
            f"{ratio_lindblad:.12f}; with the paper's Gamma the exact battery energy is "
            f"{ratio_paper - 1:+.0%} off the effective model's.",
            verdict="paper error",
        )
    )
    t = np.linspace(0.0, 5.0 / SEC5["J"], 301)
    P3, _ = _refine_max(lambda s: evolve_three_mode(p5, s).P, t)
    Peff, _ = _refine_max(lambda s: evolve(eff, s).P, t)
    rows.append(
        _row(
            "peak P three-mode / effective (Gamma = 4 g^2/gamma_m), Sec. 5 numbers ('|gamma_m/2| >> g')",
            where,
            1.0,
            P3 / Peff,
            f"The adiabatic condition is met with g/(gamma_m/2) = {float(p5.adiabaticity):.3f} and "
            f"gamma_m/kappa_a = {SEC5['gamma_m'] / SEC5['kappa_a']:.1f}: the eliminated model's peak power is "
            f"{abs(P3 / Peff - 1):.1%} off the exact three-mode one (dynamics, unlike the steady state, feel "
            "the finite gamma_m).",
            tol=0.01,
        )
    )
    return rows


def compute_ledger() -> list[LedgerRow]:
    """Every number quoted in the paper's text, beside ours (about 30 rows; about 1 s).

    Returns
    -------
    list of LedgerRow
        In the order of the paper: Sec. 3.1 / Fig. 2, Sec. 3.2 / Fig. 3, Sec. 4 / Fig. 4, Sec. 5.
    """
    return _rows_fig2() + _rows_fig3() + _rows_fig4() + _rows_sec5()


def as_dicts(rows: Iterable[LedgerRow]) -> list[dict[str, Any]]:
    """Rows as JSON-serialisable dicts with exactly the keys quantity, where, paper, ours, rel_diff, verdict, note."""
    out = []
    for row in rows:
        d = asdict(row)
        out.append({k: (float(d[k]) if k in ("paper", "ours", "rel_diff") else str(d[k])) for k in _KEYS})
    return out


def verdict_counts(rows: Iterable[LedgerRow]) -> dict[str, int]:
    """How many rows have each verdict, in the order of :data:`VERDICTS` (zeros included)."""
    counts = Counter(row.verdict for row in rows)
    return {v: counts.get(v, 0) for v in VERDICTS}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def as_table(rows: Sequence[LedgerRow], *, notes: bool = True, width: int = 110) -> str:
    """An aligned plain-text table of the rows, optionally followed by the numbered notes.

    Parameters
    ----------
    rows : sequence of LedgerRow
    notes : bool
        Append the notes, wrapped to ``width`` characters, keyed by row number.
    width : int
        Wrapping width of the notes.
    """
    header = ("#", "where", "quantity", "paper", "ours", "rel.diff", "verdict")
    body = [
        (
            str(i),
            row.where,
            row.quantity,
            _fmt(row.paper),
            _fmt(row.ours),
            f"{row.rel_diff:+.1%}",
            row.verdict,
        )
        for i, row in enumerate(rows, start=1)
    ]
    widths = [max(len(r[j]) for r in [header, *body]) for j in range(len(header))]
    right = {0, 3, 4, 5}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if j in right else c.ljust(w) for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]
    counts = verdict_counts(rows)
    out.append("")
    out.append("verdicts: " + ", ".join(f"{v} {n}" for v, n in counts.items()))
    if notes:
        out.append("")
        out.append("notes:")
        for i, row in enumerate(rows, start=1):
            out.append(textwrap.fill(row.note, width=width, initial_indent=f"[{i}] ", subsequent_indent="     "))
    return "\n".join(out)
