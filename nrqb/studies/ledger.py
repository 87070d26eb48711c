r"""The reproduction ledger: every number and checkable claim of the paper, beside ours, with a verdict.

The ledger is a registry (:data:`ROWS`) of small row builders, one per number or claim, each under a stable key
(the :mod:`nrqb.paper` key of the number where there is one, e.g. ``"fig2a.E_B_inf.Delta=0"``). A builder computes
``ours`` with the nrqb core at the paper's stated parameters (:mod:`nrqb.studies.predictions`), reads ``paper``
from :mod:`nrqb.paper`, writes a note from computed values only, and records the :class:`Evidence` the verdict
rests on. It never chooses the verdict: :func:`compute_ledger` derives every verdict from the evidence by one rule,
:func:`verdict_from`.

The verdict rule
----------------
A row *agrees* when ``ours`` is within the row's band of ``paper`` (:func:`agrees`: for a printed number, half a
unit in the last digit the paper prints; for a claim, on the claimed side of its bound). Then, in this order:

1. ``"ambiguous"`` if the paper gives no number and ``paper`` is a threshold we chose (:attr:`Evidence.threshold`);
2. ``"reproduced"`` if the row agrees;
3. ``"ambiguous"`` if another reading of the same sentence (:attr:`Evidence.readings`) agrees;
4. ``"close"`` if ``ours`` is within :data:`CLOSE_REL` (2 %) of a printed number;
5. ``"paper error"`` if something beyond our computation shows the paper wrong (:attr:`Evidence.shown_by`): the
   paper's own printed formula at its stated parameters gives ``ours``; other printed numbers, reproduced here,
   imply ``ours``; a derivation; a counterexample to a universal claim inside the paper's model; or two of the
   paper's statements that contradict each other;
6. ``"differs"`` otherwise.

Examples
--------
>>> from nrqb import paper
>>> from nrqb.studies.ledger import compute_ledger, row_by_key
>>> rows = compute_ledger()
>>> r = row_by_key(rows, "fig2a.E_B_inf.Delta=0")
>>> r.paper == paper.value(r.key), round(r.ours, 2), r.verdict
(True, 74.88, 'close')
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Literal

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .. import paper
from .. import symbolic as S
from ..analysis import PowerPeak, first_crossing, maximum_on_grid
from ..dynamics import SteadyState, evolve, steady_state
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
from . import predictions as pr

__all__ = [
    "CLOSE_REL",
    "ETA_READINGS",
    "JSON_KEYS",
    "ROWS",
    "SEC5",
    "SENSES",
    "SHOWN_BY",
    "VERDICTS",
    "Evidence",
    "LedgerRow",
    "agrees",
    "as_dicts",
    "as_markdown",
    "as_table",
    "compute_ledger",
    "display_numbers",
    "ep_energy_crossing",
    "fig2d_oscillations",
    "judge",
    "plain_text",
    "printed_tolerance",
    "row_by_key",
    "section5_params",
    "verdict_badge",
    "verdict_counts",
    "verdict_from",
]

#: The verdict vocabulary, in the order used for summaries.
VERDICTS: tuple[str, ...] = ("reproduced", "close", "differs", "paper error", "ambiguous")

#: Relative difference below which a number outside printed precision still counts as "close".
CLOSE_REL: float = 0.02

#: How ``ours`` is compared with ``paper``: a number (``"="``), or a claim that ours lies on one side of a bound.
SENSES: tuple[str, ...] = ("=", ">=", "<=", "<", ">")

#: What, beyond our own computation, can show the paper wrong (see the module notes); ``""`` is nothing.
SHOWN_BY: tuple[str, ...] = ("", "own formula", "own numbers", "derivation", "counterexample", "inconsistency")

#: The keys of one row in :func:`as_dicts` (and ``python -m nrqb ledger --json``), in order.
JSON_KEYS: tuple[str, ...] = ("key", "quantity", "where", "paper", "ours", "rel_diff", "verdict", "note")

#: The circuit-QED numbers of the paper's Sec. 5, in MHz (all divided by 2 pi), from :mod:`nrqb.paper`.
SEC5: dict[str, float] = SEC5_MHZ


@dataclass(frozen=True)
class Evidence:
    r"""What a row's verdict rests on (the fields :func:`verdict_from` reads).

    Attributes
    ----------
    tol : float
        Agreement band (units of the quantity): for ``sense "="`` :math:`|{\rm ours} - {\rm paper}| \le` ``tol``,
        for ``">="`` / ``"<="`` ours is at least / at most ``paper`` with ``tol`` of slack, for ``">"`` / ``"<"``
        ours exceeds / stays below ``paper`` by more than ``tol``. For a printed number: half a unit in its last
        printed digit (:attr:`nrqb.paper.Quote.tolerance`).
    sense : str
        One of :data:`SENSES`.
    shown_by : str
        One of :data:`SHOWN_BY`: what shows the paper wrong if ``ours`` disagrees (``""``: nothing but our number).
    own : float, optional
        For ``"own formula"``: the paper's own printed formula at its stated parameters (must equal ``ours`` to
        ``own_tol``). For ``"own numbers"``, optionally: the value the paper's other printed numbers imply, with
        half-width ``own_tol`` (must contain ``ours`` and exclude ``paper``).
    own_tol : float
        See ``own``.
    own_quotes : tuple of str
        For ``"own numbers"``: keys of other ledger rows, each reproduced, that the paper's number contradicts.
    readings : tuple of str
        Keys of the rows that read the same sentence of the paper differently.
    threshold : str
        When the paper gives no number: the threshold we chose to make one (then the verdict is "ambiguous").
    """

    tol: float
    sense: str = "="
    shown_by: str = ""
    own: float | None = None
    own_tol: float = 0.0
    own_quotes: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    threshold: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.tol) and self.tol >= 0):
            raise ValueError(f"Evidence.tol must be a finite number >= 0; got {self.tol!r}")
        if self.sense not in SENSES:
            raise ValueError(f"Evidence.sense must be one of {SENSES}; got {self.sense!r}")
        if self.shown_by not in SHOWN_BY:
            raise ValueError(f"Evidence.shown_by must be one of {SHOWN_BY}; got {self.shown_by!r}")
        if self.shown_by == "own formula" and self.own is None:
            raise ValueError("Evidence with shown_by='own formula' needs own (the formula's value)")
        if self.shown_by == "own numbers" and not self.own_quotes:
            raise ValueError("Evidence with shown_by='own numbers' needs own_quotes (the rows it contradicts)")

    def describe(self) -> str:
        """One sentence for the note: the band and, when set, what else the verdict rests on."""
        slack = {"=": "", ">=": " − ", "<=": " + ", ">": " + ", "<": " − "}[self.sense] + f"{self.tol:.3g}"
        if self.tol == 0:
            slack = ""
        band = {
            "=": f"agreement within ±{self.tol:.3g}" if self.tol else "agreement only if equal",
            ">=": f"the claim holds if ours ≥ paper{slack}",
            "<=": f"the claim holds if ours ≤ paper{slack}",
            ">": f"the claim holds if ours > paper{slack}",
            "<": f"the claim holds if ours < paper{slack}",
        }[self.sense]
        extra = [f"shown by: {self.shown_by}"] if self.shown_by else []
        if self.readings:
            extra.append("other readings: " + ", ".join(self.readings))
        if self.threshold:
            extra.append(f"threshold ours: {self.threshold}")
        return "Evidence: " + "; ".join([band, *extra]) + "."


def agrees(paper_value: float, ours: float, evidence: Evidence) -> bool:
    """Whether ``ours`` is within the band of ``paper_value`` that ``evidence`` defines."""
    slack = evidence.tol * (1 + 1e-12) + 1e-15
    diff = ours - paper_value
    return {
        "=": abs(diff) <= slack,
        ">=": diff >= -slack,
        "<=": diff <= slack,
        ">": diff > evidence.tol,
        "<": diff < -evidence.tol,
    }[evidence.sense]


def verdict_from(paper_value: float, ours: float, evidence: Evidence, reading_agrees: bool = False) -> str:
    """The verdict by the module's rule (see the module notes).

    Parameters
    ----------
    paper_value, ours : float
    evidence : Evidence
    reading_agrees : bool
        Whether another reading of the same sentence (:attr:`Evidence.readings`) agrees.
    """
    if evidence.threshold:
        return "ambiguous"
    if agrees(paper_value, ours, evidence):
        return "reproduced"
    if reading_agrees:
        return "ambiguous"
    if evidence.sense == "=" and abs(ours - paper_value) <= CLOSE_REL * abs(paper_value):
        return "close"
    if evidence.shown_by:
        return "paper error"
    return "differs"


def judge(paper_value: float, ours: float, tol: float) -> str:
    r"""Verdict of a printed number with no further evidence: ``"reproduced"``, ``"close"`` or ``"differs"``."""
    return verdict_from(paper_value, ours, Evidence(tol=tol))


_LATEX_WORDS = {
    "infty": "∞",
    "Delta": "Δ",
    "Gamma": "Γ",
    "Lambda": "Λ",
    "kappa": "κ",
    "eta": "η",
    "phi": "φ",
    "pi": "π",
    "varepsilon": "ε",
    "omega": "ω",
    "gamma": "γ",
    "lambda": "λ",
    "le": "≤",
    "ge": "≥",
    "approx": "≈",
    "ne": "≠",
    "times": "×",
    "to": "→",
    "sqrt": "√",
    "gg": "≫",
}


def plain_text(markdown: str) -> str:
    r"""A Markdown label with ``$...$`` math as plain Unicode text (``$E_B(\infty)$`` -> ``E_B(∞)``).

    Raises
    ------
    ValueError
        For a LaTeX command this function does not know (so every label stays convertible).
    """

    def convert(math_text: str) -> str:
        out = math_text.replace(r"\,", " ").replace(r"\%", "%")
        out = re.sub(r"\\(?:mathrm|text)\{([^{}]*)\}", r"\1", out)
        for name in re.findall(r"\\([A-Za-z]+)", out):
            if name not in _LATEX_WORDS:
                raise ValueError(f"plain_text: unknown LaTeX command \\{name} in {markdown!r}")
        out = re.sub(r"\\([A-Za-z]+)", lambda m: _LATEX_WORDS[m.group(1)], out)
        return out.replace("^2", "²").replace("{", "").replace("}", "")

    return re.sub(r"\$([^$]*)\$", lambda m: convert(m.group(1)), markdown)


@dataclass(frozen=True)
class LedgerRow:
    r"""One number or claim of the paper beside ours.

    Attributes
    ----------
    key : str
        Stable identifier (the :mod:`nrqb.paper` key of the number where there is one).
    quantity : str
        What the number is, with its parameters, as plain text (:func:`plain_text` of ``label``).
    where : str
        Section, figure or equation of the paper.
    paper : float
        The paper's number (nonzero; for a claim, its bound).
    ours : float
        Our number, computed by the nrqb core.
    rel_diff : float
        :math:`({\rm ours} - {\rm paper})/{\rm paper}`.
    verdict : str
        One of :data:`VERDICTS`, derived by :func:`verdict_from`.
    note : str
        How we computed ``ours``, how we read the paper, and the evidence for the verdict.
    label : str
        The quantity as Markdown with ``$...$`` math (for the book).
    evidence : Evidence

    Raises
    ------
    ValueError
        If a number is not finite, ``paper`` is 0, ``rel_diff`` is inconsistent with ``paper`` and ``ours``,
        ``verdict`` is not in :data:`VERDICTS`, or the evidence claims an own value that does not hold.
    """

    key: str
    quantity: str
    where: str
    paper: float
    ours: float
    rel_diff: float
    verdict: str
    note: str
    label: str = ""
    evidence: Evidence = field(default_factory=lambda: Evidence(tol=0.0))

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
        if not self.key:
            raise ValueError("LedgerRow.key must be a non-empty string")
        self._check_own_value()

    def _check_own_value(self) -> None:
        ev = self.evidence
        if ev.own is None:
            return
        if abs(ev.own - self.ours) > ev.own_tol:
            raise ValueError(f"row {self.key}: the paper's own route gives {ev.own!r}, not ours {self.ours!r}")
        if ev.shown_by == "own numbers" and abs(ev.own - self.paper) <= ev.own_tol:
            raise ValueError(f"row {self.key}: the paper's other numbers do not exclude its printed {self.paper!r}")


@dataclass(frozen=True)
class _Draft:
    """What a builder returns: a row without its key (the registry's) and its verdict (the rule's)."""

    label: str
    where: str
    paper: float
    ours: float
    note: str
    evidence: Evidence

    def finish(self, key: str, verdict: str) -> LedgerRow:
        ours, paper_value = float(self.ours), float(self.paper)
        return LedgerRow(
            key=key,
            quantity=plain_text(self.label),
            where=self.where,
            paper=paper_value,
            ours=ours,
            rel_diff=(ours - paper_value) / paper_value,
            verdict=verdict,
            note=f"{self.note} {self.evidence.describe()}",
            label=self.label,
            evidence=self.evidence,
        )


#: The ledger's rows, by key, in the paper's order: each builder takes the shared context and returns a draft.
ROWS: dict[str, Callable[[_Context], _Draft]] = {}


def _row(key: str) -> Callable[[Callable[[_Context], _Draft]], Callable[[_Context], _Draft]]:
    def register(builder: Callable[[_Context], _Draft]) -> Callable[[_Context], _Draft]:
        if key in ROWS:
            raise ValueError(f"duplicate ledger key {key!r}")
        ROWS[key] = builder
        return builder

    return register


def _quoted(key: str, ours: float, label: str, note: str, **evidence: Any) -> _Draft:
    """A draft for a printed number: paper value, place and tolerance from :mod:`nrqb.paper`."""
    q = paper.quote(key)
    return _Draft(label, q.where, q.value, ours, note, Evidence(tol=q.tolerance, **evidence))


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
        phi=paper.value("fig2.phi_over_pi") * math.pi,
        J=SEC5["J"] if J is None else J,
    )


def fig2d_oscillations(p: Params, Delta: float, n: int = 20001) -> dict[str, float]:
    r"""The oscillations of :math:`P(t)` on the window of Fig. 2(d) at detuning ``Delta``.

    Returns
    -------
    dict
        ``maxima`` (number of local maxima of :math:`P` for :math:`Jt <` 5), ``period_Jt`` (mean spacing of the
        maxima, in :math:`Jt`), ``period_over_beat`` (that spacing over the beat period :math:`2\pi/\Delta`),
        ``P_min`` and ``P_max`` (units of :math:`\omega^2`), ``negative_fraction`` (share of the window with
        :math:`P < 0`: energy leaving the battery).
    """
    J = abs(p.J)
    Jt = np.linspace(0.0, paper.value("fig2d.Jt_window"), n)
    P = evolve(pr.detuned(p, Delta), Jt / J).P
    peaks = np.nonzero((P[1:-1] > P[:-2]) & (P[1:-1] > P[2:]))[0] + 1
    spacing = float(np.mean(np.diff(Jt[peaks]))) if peaks.size > 1 else math.nan
    return {
        "maxima": float(peaks.size),
        "period_Jt": spacing,
        "period_over_beat": spacing / (2 * math.pi / Delta * J),
        "P_min": float(P.min()),
        "P_max": float(P.max()),
        "negative_fraction": float(np.mean(P < 0)),
    }


def ep_energy_crossing(p: Params, n: int = 401) -> float:
    r"""The detuning :math:`0 < \Delta < \Gamma` at which the EP battery's :math:`E_B(\infty)` equals the nonreciprocal one's.

    At ``p``'s damping (``r = 1`` in the paper's Fig. 4(b)); the sign change of :math:`E^{EP}/E^{nor} - 1` on ``n``
    detunings is polished by brentq.

    Raises
    ------
    ValueError
        If the ratio does not cross 1 on :math:`(0, \Gamma]`.
    """
    deltas = np.linspace(0.0, p.Gamma, n)[1:]

    def gain(d: float | np.ndarray) -> np.ndarray:
        q = p.replace(Delta_b=d)
        return np.asarray(steady_state(at_exceptional_point(q)).E_B / steady_state(q).E_B) - 1.0

    change = np.nonzero(np.diff(np.sign(gain(deltas))))[0]
    if change.size == 0:
        raise ValueError("ep_energy_crossing: E^EP/E^nor does not cross 1 for 0 < Delta <= Gamma")
    k = int(change[0])
    return float(brentq(lambda d: float(gain(d)), deltas[k], deltas[k + 1], xtol=1e-15))


class _Context:
    """The paper's parameter set and results several rows share, each computed once per ledger."""

    @cached_property
    def p(self) -> Params:
        return paper_params()

    @property
    def J(self) -> float:
        return float(self.p.J)

    @cached_property
    def ss0(self) -> SteadyState:
        return steady_state(self.p)

    @cached_property
    def peak0(self) -> PowerPeak:
        return pr.power_peak(self.p)

    @cached_property
    def stated(self) -> str:
        p = self.p
        return (
            f"Γ = {p.Gamma:g}, κ_a = {p.kappa_a:g}, κ_b = {p.kappa_b:g}, ε = {p.epsilon:g}, "
            f"φ = {p.phi / math.pi:g}π, J = Γ/2"
        )

    def window(self, key: str = "fig2d.Jt_window") -> float:
        """A time window the paper gives in Jt, in units of 1/omega."""
        return paper.value(key) / self.J

    @cached_property
    def eq8_energy(self) -> Callable[[Params, float], float]:
        """The paper's Eq. (8) for E_B(t), as transcribed in nrqb.symbolic (omega = 1)."""
        expr = S.paper_eq8()
        return lambda q, t: float(np.real(S.evaluate(expr, q, t)))

    @cached_property
    def ep_delta(self) -> tuple[np.ndarray, np.ndarray]:
        """Detunings 0 < Delta <= Gamma (r = 1) and E^EP / E^nor there."""
        deltas = np.linspace(0.0, self.p.Gamma, 401)[1:]
        q = self.p.replace(Delta_b=deltas)
        return deltas, steady_state(at_exceptional_point(q)).E_B / steady_state(q).E_B

    @cached_property
    def ep_crossing(self) -> float:
        """The detuning 0 < Delta < Gamma where E^EP = E^nor (r = 1)."""
        return ep_energy_crossing(self.p)

    @cached_property
    def kappa_effects(self) -> list[_KappaEffect]:
        """Doubling kappa_a at the three ratios of Fig. 3(f)."""
        return [_kappa_effect(self, paper.value(f"fig3f.r.{k}")) for k in ("low", "mid", "high")]

    @cached_property
    def sec5(self) -> dict[str, float]:
        return {k: float(v) for k, v in gamma_conventions(SEC5["g"], SEC5["gamma_m"]).items()}


# --------------------------------------------------------------------------------------
# Sec. 3.1, Fig. 2(a): steady battery energies
# --------------------------------------------------------------------------------------


@_row("fig2a.E_B_inf.Delta=0")
def _steady_energy_resonant(ctx: _Context) -> _Draft:
    q = paper.quote("fig2a.E_B_inf.Delta=0")
    ours = pr.steady_energy(ctx.p, 0.0)
    eq10 = float(S.evaluate(S.paper_eq10()[1], ctx.p))
    largest = float(evolve(ctx.p, np.linspace(0.0, 40.0 / ctx.J, 4001)).E_B.max())
    kappa_fit = brentq(
        lambda k: pr.steady_energy(ctx.p.replace(kappa_a=k, kappa_b=k)) - q.value,
        0.1 * ctx.p.kappa_a,
        ctx.p.kappa_a,
        xtol=1e-12,
    )
    return _quoted(
        q.key,
        ours,
        r"$E_B(\infty)$ at $\Delta = 0$ (Fig. 2 parameters)",
        f"steady_state at {ctx.stated}. The largest E_B(t) for Jt ≤ 40 is {largest:.2f}: no point of the "
        f"curve is higher. The paper's own Eq. (10) at these parameters gives {eq10:.2f} too, so the printed "
        f"{q.text} does not come from its formula; it would need e.g. κ_a = κ_b = {kappa_fit:.5f} "
        f"(the fit of the ledger chapter finds one parameter set for all of Fig. 2).",
        shown_by="own formula",
        own=eq10,
        own_tol=1e-9 * ours,
    )


def _detuned_energy(ctx: _Context, key: str, delta_key: str) -> _Draft:
    q, delta = paper.quote(key), paper.quote(delta_key)
    ours = pr.steady_energy(ctx.p, delta.value)
    resonant = paper.quote("fig2a.E_B_inf.Delta=0")
    return _quoted(
        key,
        ours,
        rf"$E_B(\infty)$ at $\Delta = {delta.text}\,\omega$",
        f"steady_state at Δ_b = {delta.text}, other parameters as in Fig. 2. Relative to Δ = 0 ours is "
        f"{ours / pr.steady_energy(ctx.p, 0.0):.4f}, the paper's {q.value / resonant.value:.4f}; at full "
        f"nonreciprocity the ratio is the Lorentzian Λ_b²/(Λ_b² + 4Δ²).",
    )


for _key, _delta in (
    ("fig2a.E_B_inf.Delta=0.01", "fig2a.Delta.small"),
    ("fig2a.E_B_inf.Delta=0.1", "fig2a.Delta.large"),
):
    _row(_key)(partial(_detuned_energy, key=_key, delta_key=_delta))


@_row("fig2.gamma.three_mode.P_peak")
def _three_mode_peak(ctx: _Context) -> _Draft:
    gamma = paper.value("fig2.gamma")
    p3 = three_mode_from_effective(ctx.p, gamma_m=2 * gamma)
    P3, t3 = maximum_on_grid(lambda t: evolve_three_mode(p3, t).P, np.linspace(0.0, ctx.window(), 401))
    draft = _quoted(
        "fig2d.P_peak.Delta=0",
        P3,
        rf"peak $P$ at $\Delta = 0$ in the full three-mode model ($\gamma_m = {2 * gamma:g}\,\omega$)",
        f"evolve_three_mode with g = √(Γ γ_m)/2 = {float(p3.g_a):.4f} (adiabatic ratio g/(γ_m/2) = "
        f"{float(p3.adiabaticity):.3f}), no elimination; peak at Jt = {ctx.J * t3:.3f} (effective model: "
        f"{ctx.peak0.P:.4f} at {ctx.peak0.Jt:.3f}). The bad cavity at the paper's γ = {gamma:g}ω is well "
        "eliminated.",
    )
    where = f"Sec. 3.1 ('{paper.quote('fig2.gamma').printed_as}'), Fig. 2(d)"
    return _Draft(draft.label, where, draft.paper, P3, draft.note, draft.evidence)


@_row("sec2.Gamma.three_mode.E_B")
def _sec2_gamma_three_mode(ctx: _Context) -> _Draft:
    gamma = paper.value("fig2.gamma")
    conv = gamma_conventions(1.0, 2 * gamma)
    g_sec2 = math.sqrt(float(ctx.p.Gamma) / float(conv["paper_sec2"]))
    p3 = three_mode_from_effective(ctx.p, gamma_m=2 * gamma)
    p3_sec2 = p3.replace(g_a=g_sec2, g_b=g_sec2)
    ours = float(steady_state_three_mode(p3_sec2).E_B)
    draft = _quoted(
        "fig2a.E_B_inf.Delta=0",
        ours,
        r"$E_B(\infty)$ at $\Delta = 0$, three-mode model with $g$ from the Sec. 2 formula "
        r"$\Gamma = g^2\gamma/(\Delta_c^2+\gamma^2)$",
        f"Taking Sec. 2 literally, Γ = {ctx.p.Gamma:g} at γ = {gamma:g} needs g = {g_sec2:.4f}; the three-mode "
        f"model then has the Lindblad rate {float(eliminate(p3_sec2).Gamma):.3f} = 2Γ and, with J = Γ/2, is not "
        "nonreciprocal. The paper's Fig. 2 numbers follow Eq. (5) with Γ the Lindblad rate (row "
        "fig2.gamma.three_mode.P_peak), so the Sec. 2 expression is the amplitude rate: a factor-2 "
        "inconsistency in the paper.",
        shown_by="inconsistency",
    )
    return _Draft(draft.label, "Sec. 2, Eq. (2) with Sec. 3.1", draft.paper, ours, draft.note, draft.evidence)


# --------------------------------------------------------------------------------------
# Fig. 2(b): energy ratio and efficiency
# --------------------------------------------------------------------------------------


@_row("fig2b.E_B_over_E_A")
def _energy_ratio(ctx: _Context) -> _Draft:
    eta = paper.quote("fig2b.eta_inf")
    ours = pr.energy_ratio(ctx.p)
    implied = [(e / (1 - e)) for e in (eta.value - eta.tolerance, eta.value + eta.tolerance)]
    eq10_A, eq10_B = (float(S.evaluate(expr, ctx.p)) for expr in S.paper_eq10())
    return _quoted(
        "fig2b.E_B_over_E_A",
        ours,
        r"$E_B(\infty)/E_A(\infty)$ at $\Delta = 0$, the approximate number ('$\approx$ 4', abstract: 'a four ratio')",
        f"steady_state E_B/E_A = {ours:.4f} = 4Γ²/Λ_b² = {4 * ctx.p.Gamma**2 / ctx.p.Lambda_b**2:.4f}, "
        f"also the paper's own Eq. (10): {eq10_B / eq10_A:.4f}. The paper's own η(∞) ≈ {eta.text} (reproduced) "
        f"implies E_B/E_A = η/(1 − η) between {implied[0]:.3f} and {implied[1]:.3f}: consistent with ours and not "
        "with 4. The ratio tends to 4 only for κ_b → 0 (an upper bound of the scheme, not its value here).",
        shown_by="own numbers",
        own=0.5 * (implied[0] + implied[1]),
        own_tol=0.5 * (implied[1] - implied[0]),
        own_quotes=("fig2b.eta_inf",),
    )


@_row("fig2b.E_B_over_E_A.formula")
def _energy_ratio_formula(ctx: _Context) -> _Draft:
    delta = paper.quote("fig2a.Delta.small")
    q = pr.detuned(ctx.p, delta.value)
    printed = float(S.evaluate(S.paper_ratio(), q))
    ss = steady_state(q)
    ours = float(ss.E_B / ss.E_A)
    derived = float(4 * ctx.p.Gamma**2 / (ctx.p.Lambda_b**2 + 4 * delta.value**2))
    return _Draft(
        rf"$E_B(\infty)/E_A(\infty)$ at $\Delta = {delta.text}\,\omega$: the printed formula "
        r"$4\Gamma^2/\Delta^2$ (paper column) against the steady state",
        "Sec. 3.1 (text after Fig. 2)",
        printed,
        ours,
        f"The printed 4Γ²/Δ² is infinite at the resonance Δ = 0 where the paper quotes it, and at the paper's "
        f"Δ = {delta.text} gives {printed:.1f} against the steady state's {ours:.4f}. Derived from Eq. (5) "
        f"(SymPy, chapter 'Solving the dynamics'): E_B/E_A = 4Γ²/(Λ_b² + 4Δ²) = {derived:.4f} here and 4Γ²/Λ_b² "
        "at resonance: the printed Δ stands where Λ_b belongs.",
        Evidence(tol=0.0, shown_by="derivation"),
    )


@_row("fig2b.eta_inf")
def _steady_efficiency(ctx: _Context) -> _Draft:
    ours = pr.steady_efficiency(ctx.p)
    ratio = pr.energy_ratio(ctx.p)
    return _quoted(
        "fig2b.eta_inf",
        ours,
        r"$\eta(\infty) = E_B/(E_A+E_B)$ at $\Delta = 0$",
        f"steady_state efficiency (paper Eq. 11) at {ctx.stated}; with E_B/E_A = {ratio:.4f} it is "
        f"x/(1 + x) = {ratio / (1 + ratio):.4f}.",
    )


@_row("sec31.Gamma_over_kappa")
def _full_battery_threshold(ctx: _Context) -> _Draft:
    def surplus(G: float) -> float:
        ss = steady_state(paper_params(Gamma=G, kappa_a=ctx.p.kappa_a, kappa_b=ctx.p.kappa_b))
        return float(ss.E_B - ss.E_A)

    G_star = brentq(surplus, 1e-3 * ctx.p.Gamma, ctx.p.Gamma, xtol=1e-15)
    return _Draft(
        r"$\Gamma/\kappa_b$ above which $E_B(\infty) > E_A(\infty)$ at $J = \Gamma/2$ ('$\Gamma > \kappa$')",
        "Sec. 3.1; Sec. 6",
        1.0,
        G_star / float(ctx.p.kappa_b),
        f"Root of E_B(∞) − E_A(∞) in Γ (J = Γ/2, κ = {ctx.p.kappa_b:g}), by brentq on steady_state. Exactly "
        "Γ = κ_b, since E_B/E_A = 4Γ²/Λ_b² > 1 iff Γ > κ_b: the claim holds with κ read as the battery's κ_b. "
        "The paper's bound is the ratio 1 of 'Γ > κ'.",
        Evidence(tol=1e-6),
    )


# --------------------------------------------------------------------------------------
# Fig. 2(c) and 2(d): phase, charging power, the efficiency at the power peak
# --------------------------------------------------------------------------------------


@_row("fig2c.phi_opt")
def _optimal_phase(ctx: _Context) -> _Draft:
    res = minimize_scalar(
        lambda ph: -float(steady_state(ctx.p.replace(phi=ph)).E_B),
        bounds=(0.3 * math.pi, 0.7 * math.pi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    off = steady_state(ctx.p.replace(phi=np.array([1 / 3, 1 / 6]) * math.pi)).E_B
    return _Draft(
        r"$\phi$ maximising $E_B(\infty)$ at $J = \Gamma/2$ ('energy decreases when $\phi$ deviates from $\pi/2$')",
        "Sec. 3.1, Fig. 2(c)",
        paper.value("fig2.phi_over_pi") * math.pi,
        float(res.x),
        f"Bounded maximisation of steady_state E_B over φ: the maximum is {-res.fun:.2f} at the nonreciprocal "
        f"phase; at φ = π/3 and π/6 the battery keeps {off[0]:.1f} and {off[1]:.1f}. The claim holds.",
        Evidence(tol=1e-4),
    )


@_row("fig2d.P_peak.Delta=0")
def _peak_power_resonant(ctx: _Context) -> _Draft:
    return _quoted(
        "fig2d.P_peak.Delta=0",
        float(ctx.peak0.P),
        r"peak charging power $P = dE_B/dt$ at $\Delta = 0$",
        f"nrqb.analysis.peak_power on the paper's window Jt < {paper.quote('fig2d.Jt_window').text}: the exact "
        f"P of evolve on a grid resolving every transient, refined by bounded Brent; the peak is at "
        f"Jt = {ctx.peak0.Jt:.3f}.",
    )


@_row("fig2d.Jt_peak.Delta=0")
def _peak_time_resonant(ctx: _Context) -> _Draft:
    return _quoted(
        "fig2d.Jt_peak.Delta=0",
        float(ctx.peak0.Jt),
        r"$Jt$ at the peak of $P$, $\Delta = 0$ ('$Jt \approx 2$')",
        f"Time of the maximum of row fig2d.P_peak.Delta=0 ({ctx.peak0.P:.4f}), in units of 1/J.",
    )


#: The rows that read "η simultaneously reaches" the paper's percentage (Fig. 2(d)) in five ways.
ETA_READINGS = (
    "fig2d.eta.Jt=2",
    "fig2d.eta.Jt=2.exact",
    "fig2d.eta_rel.Jt=2",
    "fig2d.Jt.eta=0.75",
    "fig2d.Jt.eta_rel=0.75",
)
_ETA_OWN = ("fig2d.P_peak.Delta=0", "fig2d.Jt_peak.Delta=0", "fig2b.eta_inf")


def _eta_reading(ctx: _Context, key: str, label: str, paper_value: float, ours: float, tol: float, how: str) -> _Draft:
    q = paper.quote("fig2d.eta.Jt=2")
    return _Draft(
        label,
        q.where,
        paper_value,
        ours,
        f"One reading of 'P peaks at Jt ≈ 2 … η simultaneously reaches {q.printed_digits}%': {how} η(t) rises "
        f"monotonically to η(∞) = {float(ctx.ss0.eta):.4f}; the same model reproduces the power peak, its time and "
        "η(∞). The five readings tested are the rows " + ", ".join(ETA_READINGS) + ".",
        Evidence(
            tol=tol,
            shown_by="own numbers",
            own_quotes=_ETA_OWN,
            readings=tuple(k for k in ETA_READINGS if k != key),
        ),
    )


@_row("fig2d.eta.Jt=2")
def _eta_at_peak(ctx: _Context) -> _Draft:
    q = paper.quote("fig2d.eta.Jt=2")
    eta = float(evolve(ctx.p, ctx.peak0.t).eta)
    return _eta_reading(
        ctx,
        q.key,
        rf"$\eta$ at the peak of $P$, $\Delta = 0$ ('$\eta$ simultaneously reaches {q.printed_digits}%')",
        q.value,
        eta,
        q.tolerance,
        f"η at the time of the power peak, Jt = {ctx.peak0.Jt:.3f}.",
    )


@_row("fig2d.eta.Jt=2.exact")
def _eta_at_two(ctx: _Context) -> _Draft:
    q, Jt = paper.quote("fig2d.eta.Jt=2"), paper.quote("fig2d.Jt_peak.Delta=0")
    eta = float(evolve(ctx.p, Jt.value / ctx.J).eta)
    return _eta_reading(
        ctx,
        "fig2d.eta.Jt=2.exact",
        rf"$\eta$ at exactly $Jt = {Jt.text}$, $\Delta = 0$",
        q.value,
        eta,
        q.tolerance,
        f"η at Jt = {Jt.text} itself rather than at the peak.",
    )


@_row("fig2d.eta_rel.Jt=2")
def _eta_relative_at_peak(ctx: _Context) -> _Draft:
    q = paper.quote("fig2d.eta.Jt=2")
    eta = float(evolve(ctx.p, ctx.peak0.t).eta)
    return _eta_reading(
        ctx,
        "fig2d.eta_rel.Jt=2",
        rf"$\eta/\eta(\infty)$ at the peak of $P$ ('{q.printed_digits}% of its upper limit')",
        q.value,
        eta / float(ctx.ss0.eta),
        q.tolerance,
        f"η at the power peak relative to its limit η(∞): {eta:.4f}/{float(ctx.ss0.eta):.4f}.",
    )


@_row("fig2d.Jt.eta=0.75")
def _time_eta_reaches(ctx: _Context) -> _Draft:
    q, Jt = paper.quote("fig2d.eta.Jt=2"), paper.quote("fig2d.Jt_peak.Delta=0")
    t = first_crossing(ctx.p, q.value, "eta")
    return _eta_reading(
        ctx,
        "fig2d.Jt.eta=0.75",
        rf"$Jt$ at which $\eta$ first reaches {q.value:g} ('at $Jt \approx {Jt.text}$')",
        Jt.value,
        ctx.J * t,
        Jt.tolerance,
        f"first time η = {q.value:g} (nrqb.analysis.first_crossing), when P has fallen to "
        f"{float(evolve(ctx.p, t).P):.3f}.",
    )


@_row("fig2d.Jt.eta_rel=0.75")
def _time_eta_relative_reaches(ctx: _Context) -> _Draft:
    q, Jt = paper.quote("fig2d.eta.Jt=2"), paper.quote("fig2d.Jt_peak.Delta=0")
    t = first_crossing(ctx.p, q.value * float(ctx.ss0.eta), "eta")
    return _eta_reading(
        ctx,
        "fig2d.Jt.eta_rel=0.75",
        rf"$Jt$ at which $\eta$ first reaches {q.printed_digits}% of $\eta(\infty)$ ('at $Jt \approx {Jt.text}$')",
        Jt.value,
        ctx.J * t,
        Jt.tolerance,
        f"first time η = {q.value:g} η(∞) = {q.value * float(ctx.ss0.eta):.4f}.",
    )


def _detuned_peak(ctx: _Context, key: str, delta_key: str) -> _Draft:
    delta = paper.quote(delta_key)
    peak = pr.power_peak(ctx.p, delta.value)
    return _quoted(
        key,
        float(peak.P),
        rf"peak charging power $P$ at $\Delta = {delta.text}\,\omega$",
        f"nrqb.analysis.peak_power on Jt < {paper.quote('fig2d.Jt_window').text}; the peak is at "
        f"Jt = {peak.Jt:.3f} (resonant peak {ctx.peak0.P:.4f}).",
    )


for _key, _delta in (("fig2d.P_peak.Delta=0.01", "fig2a.Delta.small"), ("fig2d.P_peak.Delta=0.1", "fig2a.Delta.large")):
    _row(_key)(partial(_detuned_peak, key=_key, delta_key=_delta))


@_row("fig2d.P_oscillates.Delta=0.1")
def _power_oscillations(ctx: _Context) -> _Draft:
    delta = paper.quote("fig2a.Delta.large")
    osc = fig2d_oscillations(ctx.p, delta.value)
    return _Draft(
        rf"maxima of $P$ for $Jt < {paper.quote('fig2d.Jt_window').text}$ at $\Delta = {delta.text}\,\omega$ "
        "('pronounced oscillatory behavior': at least 2)",
        "Sec. 3.1, Fig. 2(d)",
        2.0,
        osc["maxima"],
        f"Local maxima of the exact P on a {20001}-point grid of the window. They are "
        f"{osc['period_Jt']:.3f} apart in Jt, {osc['period_over_beat']:.3f} times the beat period 2π/Δ of a "
        f"detuned battery (the spacing tends to 2π/Δ as the charger settles). P goes negative, down to "
        f"{osc['P_min']:.2e} ({abs(osc['P_min']) / osc['P_max']:.1%} of its peak) on "
        f"{osc['negative_fraction']:.1%} of the window: energy leaves the battery, into the shared reservoir "
        "rather than back to the charger (M_ab = 0 at full nonreciprocity).",
        Evidence(tol=0.0, sense=">="),
    )


# --------------------------------------------------------------------------------------
# Sec. 3.2, Fig. 3: the damping ratio r = kappa_b / kappa_a
# --------------------------------------------------------------------------------------


def _energy_at_Jt4(ctx: _Context, key: str, r_key: str, extra: str) -> _Draft:
    r, Jt = paper.quote(r_key), paper.quote("fig3a.Jt")
    q = pr.at_ratio(ctx.p, r.value)
    ours = pr.energy_at(ctx.p, r.value, Jt.value)
    eq8 = ctx.eq8_energy(q, Jt.value / ctx.J)
    return _quoted(
        key,
        ours,
        rf"$E_B$ at $Jt = {Jt.text}$, $r = \kappa_b/\kappa_a = {r.text}$ ($\kappa_a = {ctx.p.kappa_a:g}$)",
        f"evolve at t = {Jt.text}/J; the paper's own Eq. (8) (defined here, Λ_a ≠ Λ_b) gives {eq8:.3f} at its "
        f"stated parameters, i.e. ours. {extra}",
        shown_by="own formula",
        own=eq8,
        own_tol=1e-8 * abs(ours),
        readings=("fig3a.E_B_inf.r=0.01",) if r_key == "fig3a.r.low" else (),
    )


@_row("fig3a.E_B.Jt=4.r=10")
def _energy_Jt4_r10(ctx: _Context) -> _Draft:
    q = paper.quote("fig3a.E_B.Jt=4.r=10")
    p10 = pr.at_ratio(ctx.p, paper.value("fig3a.r.high"))
    t_hit = first_crossing(p10, q.value)
    extra = (
        f"E_B(∞) at this r is {float(steady_state(p10).E_B):.2f}; E_B(t) passes {q.text} at Jt = "
        f"{ctx.J * t_hit:.2f}, not at Jt = {paper.quote('fig3a.Jt').text}."
    )
    return _energy_at_Jt4(ctx, q.key, "fig3a.r.high", extra)


@_row("fig3a.E_B.Jt=4.r=0.01")
def _energy_Jt4_r001(ctx: _Context) -> _Draft:
    q = paper.quote("fig3a.E_B.Jt=4.r=0.01")
    p_low = pr.at_ratio(ctx.p, paper.value("fig3a.r.low"))
    largest = max(float(evolve(p_low, np.linspace(0.0, 100.0 / ctx.J, 2001)).E_B.max()), float(steady_state(p_low).E_B))
    sup = float(steady_state(ctx.p.replace(kappa_b=0.0)).E_B)
    extra = (
        f"At this r E_B(t) never exceeds {largest:.2f} (its maximum over Jt ≤ 100 and its steady state), below "
        f"{q.value - q.tolerance:g}: no charging time gives a number that rounds to {q.text}. The supremum over all "
        f"r and t, 16ε²/Λ_a² = {sup:.2f} (κ_b = 0, t → ∞), does."
    )
    return _energy_at_Jt4(ctx, q.key, "fig3a.r.low", extra)


@_row("fig3a.E_B_inf.r=0.01")
def _steady_energy_r001(ctx: _Context) -> _Draft:
    q, r = paper.quote("fig3a.E_B.Jt=4.r=0.01"), paper.quote("fig3a.r.low")
    ours = float(steady_state(pr.at_ratio(ctx.p, r.value)).E_B)
    draft = _quoted(
        q.key,
        ours,
        rf"$E_B(\infty)$ at $r = {r.text}$ (the steady-state reading of '{q.text}')",
        f"steady_state at κ_b = {r.text} κ_a. The text says 'for a fixed charging time Jt = "
        f"{paper.quote('fig3a.Jt').text}', so this reading tests a hypothesis about where {q.text} comes from.",
        readings=("fig3a.E_B.Jt=4.r=0.01",),
    )
    return _Draft(draft.label, "Sec. 3.2, Fig. 3(a)/(c)", draft.paper, ours, draft.note, draft.evidence)


@_row("fig3d.r.eta_low")
def _low_efficiency_ratio(ctx: _Context) -> _Draft:
    q = paper.quote("fig3d.r.eta_low")

    def r_at(level: float) -> float:
        return float(
            10 ** brentq(lambda lr: pr.steady_efficiency(pr.at_ratio(ctx.p, 10**lr)) - level, 0, 5, xtol=1e-13)
        )

    levels = {0.10: r_at(0.10), 0.05: r_at(0.05), 0.01: r_at(0.01)}
    eta100 = pr.steady_efficiency(pr.at_ratio(ctx.p, q.value))
    return _Draft(
        rf"$r$ above which $\eta(\infty) < 5\%$ (our reading of '$r > {q.text}$: $\eta(\infty)$ extremely low')",
        q.where,
        q.value,
        levels[0.05],
        f"Root of steady_state η − level in log r. The paper gives no number: at r = {q.text} η(∞) = {eta100:.3f}, "
        f"against {pr.steady_efficiency(ctx.p):.3f} at r = 1. The boundary is r = "
        + ", ".join(f"{v:.1f} for η < {k:.0%}" for k, v in levels.items())
        + ": with 5 % it is where the paper puts it, another threshold moves it.",
        Evidence(tol=q.tolerance, threshold="η(∞) < 5 %"),
    )


@_row("fig3e.P.red")
def _red_region(ctx: _Context) -> _Draft:
    q = paper.quote("fig3e.P.red")
    red = pr.red_region_peak(ctx.p)
    r_low, r_max = paper.quote("fig3a.r.low"), paper.quote("fig3e.r.max")
    ratios = (r_low.value, math.sqrt(r_low.value * r_max.value), r_max.value)
    peaks = [float(pr.power_peak(pr.at_ratio(ctx.p, r)).P) for r in ratios]
    return _quoted(
        q.key,
        red.P,
        rf"max $P$ over ${r_low.text} \le r \le {r_max.text}$, "
        rf"${paper.quote('fig3e.Jt.low').text} \le Jt \le {paper.quote('fig3e.Jt.high').text}$ "
        rf"('red region, $P \approx {q.text}$')",
        f"Largest exact P on an (r, Jt) grid of the region the text names, refined in t: at r = {red.r:g}, "
        f"Jt = {red.Jt:.3f}. The peak power falls with r: {peaks[0]:.3f}, {peaks[1]:.3f}, {peaks[2]:.3f} at "
        f"r = {ratios[0]:g}, {ratios[1]:.3g}, {ratios[2]:g}, so the red region sits at the smallest r.",
    )


@_row("fig3e.P.blue")
def _blue_edge(ctx: _Context) -> _Draft:
    q, low = paper.quote("fig3e.P.blue"), paper.quote("fig3e.Jt.low")
    r_low, r_max = paper.value("fig3a.r.low"), paper.value("fig3e.r.max")
    r = np.logspace(math.log10(r_low), math.log10(r_max), 301)
    edge = evolve(pr.at_ratio(ctx.p, r), low.value / ctx.J).P
    first = min(first_crossing(pr.at_ratio(ctx.p, x), q.value, "P") for x in r[::30]) * ctx.J

    def peak_minus_blue(log_r: float) -> float:
        return float(pr.power_peak(pr.at_ratio(ctx.p, 10**log_r)).P) - q.value

    r_blue = 10 ** brentq(peak_minus_blue, math.log10(r_max), 3.0, xtol=1e-12)
    return _Draft(
        rf"largest $P$ at the window's edge $Jt = {low.text}$, ${r_low:g} \le r \le {r_max:g}$ "
        rf"('blue, $P < {q.text}$' before it)",
        q.where,
        q.value,
        float(edge.max()),
        f"Exact P at Jt = {low.text} on {r.size} ratios. P first exceeds {q.text} at Jt = {first:.3f} (the earliest "
        f"over the ratios); the map is blue at all times only for r > {r_blue:.1f}, where even the peak power stays "
        f"below {q.text}. So the blue-to-red transition starts at the window's lower edge, as the text says.",
        Evidence(tol=q.tolerance, sense="<="),
    )


@_row("fig3e.r.max")
def _red_boundary(ctx: _Context) -> _Draft:
    red, r_max = paper.quote("fig3e.P.red"), paper.quote("fig3e.r.max")
    outside = pr.power_peak(pr.at_ratio(ctx.p, r_max.value))
    r = np.logspace(math.log10(paper.value("fig3a.r.low")), math.log10(10 * r_max.value), 301)
    Jt = np.linspace(0.0, paper.value("fig2d.Jt_window"), 1001)
    P = evolve(pr.at_ratio(ctx.p, r[:, None]), Jt[None, :] / ctx.J).P
    level = 0.5 * (red.value + outside.P)
    hot = P >= level
    r_hot, Jt_hot = r[np.any(hot, axis=1)], Jt[np.any(hot, axis=0)]
    return _Draft(
        rf"peak $P$ at $r = {r_max.text}$, the boundary the text names ('red' only for $r < {r_max.text}$)",
        r_max.where,
        red.value,
        float(outside.P),
        f"The peak power falls with r, so r ≥ {r_max.text} never reaches the red {red.text}: at r = {r_max.text} it "
        f"is {outside.P:.3f} (Jt = {outside.Jt:.2f}). The map is within reach of red (P ≥ {level:.2f}, halfway "
        f"between) only for r ≤ {r_hot.max():.2f} and {Jt_hot.min():.2f} ≤ Jt ≤ {Jt_hot.max():.2f}: the named "
        "window contains the red region with room to spare.",
        Evidence(tol=red.tolerance, sense="<"),
    )


def _peak_at_ratios(ctx: _Context) -> dict[str, float]:
    return {k: float(pr.power_peak(pr.at_ratio(ctx.p, paper.value(f"fig3f.r.{k}"))).P) for k in ("low", "mid", "high")}


@_row("fig3f.P_trend")
def _power_trend_literal(ctx: _Context) -> _Draft:
    P = _peak_at_ratios(ctx)
    r = {k: paper.quote(f"fig3f.r.{k}").text for k in P}
    return _Draft(
        rf"peak $P(r = {r['high']})$ / peak $P(r = {r['mid']})$ ('$P$ increases in tandem with the damping ratio')",
        "Sec. 3.2, Fig. 3(f)",
        1.0,
        P["high"] / P["mid"],
        f"Peaks over Jt < {paper.quote('fig2d.Jt_window').text}: {P['low']:.3f} (r = {r['low']}), {P['mid']:.3f} "
        f"(r = {r['mid']}), {P['high']:.3f} (r = {r['high']}). Read literally ('P grows with r') the sentence is "
        "wrong; read as 'P grows as r is reduced' (row fig3f.P_trend.reversed) it holds, as does 'the maximum power "
        f"remains relatively stable for r ≤ 1' (ratio r = {r['low']} : {r['mid']} is {P['low'] / P['mid']:.3f}).",
        Evidence(tol=0.0, sense=">=", shown_by="counterexample", readings=("fig3f.P_trend.reversed",)),
    )


@_row("fig3f.P_trend.reversed")
def _power_trend_reversed(ctx: _Context) -> _Draft:
    P = _peak_at_ratios(ctx)
    r = {k: paper.quote(f"fig3f.r.{k}").text for k in P}
    return _Draft(
        rf"peak $P(r = {r['mid']})$ / peak $P(r = {r['high']})$ (the reading '$P$ grows as $r$ is reduced')",
        "Sec. 3.2, Fig. 3(f)",
        1.0,
        P["mid"] / P["high"],
        f"The same peaks as row fig3f.P_trend, ratio inverted: {P['mid']:.3f}/{P['high']:.3f}. The peak falls "
        f"monotonically with r over r = {r['low']} … {r['high']}.",
        Evidence(tol=0.0, sense=">=", readings=("fig3f.P_trend",)),
    )


@dataclass(frozen=True)
class _KappaEffect:
    """Charging time (to 90 % and 50 % of E_B(inf)) and peak power at kappa_a and twice it, fixed r."""

    r: float
    t90: tuple[float, float]
    t50: tuple[float, float]
    peak: tuple[float, float]


def _kappa_effect(ctx: _Context, r: float) -> _KappaEffect:
    points = [pr.at_ratio(ctx.p.replace(kappa_a=f * ctx.p.kappa_a), r) for f in (1.0, 2.0)]
    t90, t50, peak = [], [], []
    for q in points:
        E_inf = float(steady_state(q).E_B)
        t90.append(first_crossing(q, 0.9 * E_inf) * ctx.J)
        t50.append(first_crossing(q, 0.5 * E_inf) * ctx.J)
        peak.append(float(pr.power_peak(q).P))
    return _KappaEffect(r, (t90[0], t90[1]), (t50[0], t50[1]), (peak[0], peak[1]))


def _kappa_note(effects: Sequence[_KappaEffect]) -> str:
    parts = [
        f"r = {e.r:g}: time to 90 % of E_B(∞) {e.t90[0]:.2f} → {e.t90[1]:.2f}, to 50 % {e.t50[0]:.2f} → "
        f"{e.t50[1]:.2f} (Jt), peak P {e.peak[0]:.3f} → {e.peak[1]:.3f}"
        for e in effects
    ]
    return "Doubling κ_a at fixed r = κ_b/κ_a (so κ_b doubles too): " + "; ".join(parts) + "."


@_row("sec32.kappa_a.charging_time")
def _kappa_speeds_charging(ctx: _Context) -> _Draft:
    effects = ctx.kappa_effects
    mid = effects[1]
    return _Draft(
        rf"time to 90% of $E_B(\infty)$ at $2\kappa_a$ over that at $\kappa_a$, $r = {mid.r:g}$ "
        "('higher $\\kappa_a$ accelerates unidirectional energy transfer', read as faster charging)",
        "Sec. 3.2, Fig. 3(e)",
        1.0,
        mid.t90[1] / mid.t90[0],
        _kappa_note(effects) + " Every charging time shortens: the claim holds as a statement about speed.",
        Evidence(tol=0.0, sense="<=", readings=("sec32.kappa_a.peak_power",)),
    )


@_row("sec32.kappa_a.peak_power")
def _kappa_lowers_power(ctx: _Context) -> _Draft:
    effects = ctx.kappa_effects
    mid = effects[1]
    return _Draft(
        rf"peak $P$ at $2\kappa_a$ over that at $\kappa_a$, $r = {mid.r:g}$ ('higher $\kappa_a$ accelerates "
        "unidirectional energy transfer', read as more power)",
        "Sec. 3.2, Fig. 3(e)",
        1.0,
        mid.peak[1] / mid.peak[0],
        _kappa_note(effects) + " The peak power falls at every r: a faster transfer of less energy.",
        Evidence(tol=0.0, sense=">=", shown_by="counterexample", readings=("sec32.kappa_a.charging_time",)),
    )


# --------------------------------------------------------------------------------------
# Sec. 4, Fig. 4 and the conclusion: the battery at the exceptional point
# --------------------------------------------------------------------------------------


@_row("fig4b.coincide.Delta=0")
def _ep_is_nonreciprocal_at_resonance(ctx: _Context) -> _Draft:
    J_ep = float(exceptional_coupling(ctx.p))
    ratio = float(steady_state(at_exceptional_point(ctx.p)).E_B / ctx.ss0.E_B)
    return _Draft(
        r"$E^{EP}(\infty)/E^{nor}(\infty)$ at $\Delta = 0$, $r = 1$ ('coincide at $\Delta = 0$')",
        "Sec. 4, Fig. 4(b)",
        1.0,
        ratio,
        f"At r = 1, Δ = 0 the exceptional coupling is J_EP = {J_ep:.4f} = Γ/2 (nrqb.exceptional_coupling): the "
        "nonreciprocal point is itself an EP, so the two batteries are one.",
        Evidence(tol=1e-9),
    )


@_row("fig4b.coincide_only.energies")
def _coincide_only_energies(ctx: _Context) -> _Draft:
    deltas, ratio = ctx.ep_delta
    crossings = int(np.count_nonzero(np.diff(np.sign(ratio - 1.0))))
    return _Draft(
        r"detunings $0 \le \Delta \le \Gamma$ with $E^{EP}(\infty) = E^{nor}(\infty)$, $r = 1$ "
        r"('coincide only at $\Delta = 0$', read as equal energies: one)",
        "Sec. 4, Fig. 4(b)",
        1.0,
        1.0 + crossings,
        f"E^EP/E^nor on {deltas.size} detunings of (0, Γ]: besides Δ = 0 the curves cross at "
        f"|Δ| = {ctx.ep_crossing:.5f} = {ctx.ep_crossing / ctx.p.Gamma:.4f} Γ (brentq), where the energies are "
        "equal again. As a statement about the two operating points (row fig4b.coincide_only.couplings) the "
        "sentence holds.",
        Evidence(tol=0.0, shown_by="counterexample", readings=("fig4b.coincide_only.couplings",)),
    )


@_row("fig4b.coincide_only.couplings")
def _coincide_only_couplings(ctx: _Context) -> _Draft:
    deltas = np.linspace(0.0, ctx.p.Gamma, 401)
    J_ep = np.asarray(exceptional_coupling(ctx.p.replace(Delta_b=deltas)))
    gap = J_ep - 0.5 * ctx.p.Gamma
    same = int(np.count_nonzero(np.abs(gap) <= 1e-12 * ctx.p.Gamma))
    return _Draft(
        r"detunings $0 \le \Delta \le \Gamma$ where the EP battery is the nonreciprocal one ($J_{EP} = \Gamma/2$), "
        r"$r = 1$ ('coincide only at $\Delta = 0$', read as the same battery: one)",
        "Sec. 4, Fig. 4(b)",
        1.0,
        float(same),
        f"J_EP = √(Γ² − Δ²)/2 falls monotonically from Γ/2 at Δ = 0 to {J_ep[-1]:.1e} at |Δ| = Γ "
        f"({deltas.size} detunings): the two batteries are one only at resonance.",
        Evidence(tol=0.0, readings=("fig4b.coincide_only.energies",)),
    )


@_row("fig4b.EP_higher")
def _ep_higher_any_detuning(ctx: _Context) -> _Draft:
    deltas, ratio = ctx.ep_delta
    k = int(np.argmax(ratio))
    return _Draft(
        r"min of $E^{EP}/E^{nor}$ over $0 < |\Delta| \le \Gamma$, $r = 1$ ('under any finite detuning' higher: > 1)",
        "Sec. 4, Fig. 4(b)",
        1.0,
        float(ratio.min()),
        f"steady_state at J = J_EP = √(Γ² − Δ²)/2 (the EP exists only for |Δ| ≤ Γ) against J = Γ/2. The EP "
        f"battery holds more only for 0 < |Δ| < {ctx.ep_crossing:.4f} = {ctx.ep_crossing / ctx.p.Gamma:.3f} Γ "
        f"(at most {ratio[k]:.3f} times, at |Δ| = {deltas[k]:.4f}); beyond, it holds less, down to this minimum at "
        "|Δ| = Γ where J_EP = 0.",
        Evidence(tol=0.0, sense=">=", shown_by="counterexample"),
    )


def _eta_gain(ctx: _Context, regime: Literal["i", "ii"]) -> tuple[np.ndarray, np.ndarray]:
    """eta(inf) at the EP over eta(inf) at full nonreciprocity, across the regime's range."""
    if regime == "i":
        x = np.logspace(-2, 3, 501)
        x = x[np.abs(np.log(x)) > 1e-3]
        q = pr.at_ratio(ctx.p, x)
    else:
        x = np.linspace(0.0, ctx.p.Gamma, 401)[1:]
        q = ctx.p.replace(Delta_b=x)
    return x, steady_state(at_exceptional_point(q)).eta / steady_state(q).eta


@_row("sec6.eta_EP.regime_i")
def _ep_efficiency_regime_i(ctx: _Context) -> _Draft:
    r, gain = _eta_gain(ctx, "i")
    k = int(np.argmax(gain))
    return _Draft(
        r"min of $\eta^{EP}(\infty)/\eta^{nor}(\infty)$ over $r \ne 1$ at $\Delta = 0$, regime (i) "
        "('energy storage efficiency improves at the EP': ≥ 1)",
        "Sec. 6; Sec. 4 regime (i)",
        1.0,
        float(gain.min()),
        f"steady_state η at J = J_EP = √(Γ² + (κ_a − κ_b)²/4)/2 against J = Γ/2 on {r.size} ratios "
        f"{r[0]:g} ≤ r ≤ {r[-1]:g} (r = 1, where the points coincide, left out). The EP battery is at least as "
        f"efficient everywhere, barely for r ≤ 1 and by up to {gain[k]:.1f} times at r = {r[k]:g}, where both are "
        "poor. The claim holds in this regime.",
        Evidence(tol=0.0, sense=">="),
    )


@_row("sec6.eta_EP.regime_ii")
def _ep_efficiency_regime_ii(ctx: _Context) -> _Draft:
    deltas, gain = _eta_gain(ctx, "ii")
    return _Draft(
        r"max of $\eta^{EP}(\infty)/\eta^{nor}(\infty)$ over $0 < |\Delta| \le \Gamma$ at $r = 1$, regime (ii) "
        "('energy storage efficiency improves at the EP': ≥ 1)",
        "Sec. 6; Sec. 4 regime (ii)",
        1.0,
        float(gain.max()),
        f"steady_state η at J = J_EP = √(Γ² − Δ²)/2 against J = Γ/2 on {deltas.size} detunings: the EP battery is "
        f"less efficient at every Δ ≠ 0, down to {gain.min():.3f} times at |Δ| = Γ, although it stores more energy "
        "for small |Δ| (row fig4b.EP_higher). The efficiency claim flips between the paper's two regimes.",
        Evidence(tol=0.0, sense=">=", shown_by="counterexample"),
    )


# --------------------------------------------------------------------------------------
# Sec. 5: the circuit-QED numbers
# --------------------------------------------------------------------------------------


def _sec5_row(key: str, label: str, ours: float, note: str, paper_key: str = "", **evidence: Any) -> _Draft:
    q = paper.quote(paper_key or key)
    return _Draft(label, q.where, q.value, ours, note, Evidence(tol=q.tolerance, **evidence))


@_row("sec5.Gamma")
def _sec5_gamma_arithmetic(ctx: _Context) -> _Draft:
    q = paper.quote("sec5.Gamma")
    return _sec5_row(
        "sec5.Gamma",
        rf"$\Gamma/2\pi = g^2/\gamma_m$ for $g/2\pi = {paper.quote('sec5.g').text}$ MHz, "
        rf"$\gamma_m/2\pi = {paper.quote('sec5.gamma_m').text}$ MHz (the paper's arithmetic)",
        ctx.sec5["paper_sec5"],
        f"gamma_conventions(...)['paper_sec5'] = {ctx.sec5['paper_sec5']:.5f} MHz: the arithmetic of the printed "
        f"formula is right to the {q.text} MHz printed.",
    )


@_row("sec5.Gamma.sec2_formula")
def _sec5_gamma_sec2(ctx: _Context) -> _Draft:
    return _sec5_row(
        "sec5.Gamma.sec2_formula",
        r"$\Gamma/2\pi$ by the Sec. 2 formula $g^2\gamma/(\Delta_c^2+\gamma^2)$, $\gamma = \gamma_m/2$",
        ctx.sec5["paper_sec2"],
        f"gamma_conventions(...)['paper_sec2'] = {ctx.sec5['paper_sec2']:.5f} MHz: the paper's two definitions of Γ "
        f"differ by a factor {ctx.sec5['paper_sec2'] / ctx.sec5['paper_sec5']:g} (2g²/γ_m in Sec. 2, g²/γ_m in "
        "Sec. 5).",
        shown_by="inconsistency",
        paper_key="sec5.Gamma",
    )


@_row("sec5.Gamma.lindblad")
def _sec5_gamma_lindblad(ctx: _Context) -> _Draft:
    eff = eliminate(section5_params())
    return _sec5_row(
        "sec5.Gamma.lindblad",
        r"$\Gamma/2\pi$ as the Lindblad rate $4g^2/\gamma_m$ that Eq. (5) needs",
        ctx.sec5["lindblad"],
        f"gamma_conventions(...)['lindblad'] = eliminate(...).Gamma = {float(eff.Gamma):.5f} MHz, confirmed by the "
        f"exact three-mode model of the paper's Eq. (1) (row sec5.E_B.three_mode): Sec. 5 underestimates the "
        f"collective rate {ctx.sec5['lindblad'] / ctx.sec5['paper_sec5']:g}-fold.",
        paper_key="sec5.Gamma",
        shown_by="own formula",
        own=float(eff.Gamma),
        own_tol=1e-12 * float(eff.Gamma),
    )


@_row("sec5.J")
def _sec5_coupling_paper_gamma(ctx: _Context) -> _Draft:
    return _sec5_row(
        "sec5.J",
        r"nonreciprocal $J/2\pi = \Gamma/2$ with the paper's $\Gamma = g^2/\gamma_m$",
        ctx.sec5["paper_sec5"] / 2,
        f"Γ/2 = {ctx.sec5['paper_sec5'] / 2:.5f} MHz: within the paper's own convention its J/2π = "
        f"{paper.quote('sec5.J').text} MHz is consistent with J = Γ/2.",
    )


@_row("sec5.J.lindblad")
def _sec5_coupling_lindblad(ctx: _Context) -> _Draft:
    return _sec5_row(
        "sec5.J.lindblad",
        r"nonreciprocal $J/2\pi = \Gamma/2$ with the Lindblad $\Gamma = 4g^2/\gamma_m$",
        ctx.sec5["lindblad"] / 2,
        f"Γ/2 = {ctx.sec5['lindblad'] / 2:.5f} MHz: with the rate the dynamics actually has, nonreciprocity needs J "
        f"{ctx.sec5['lindblad'] / ctx.sec5['paper_sec5']:g} times larger; at the quoted J/2π = "
        f"{paper.quote('sec5.J').text} MHz the device is not nonreciprocal.",
        paper_key="sec5.J",
        shown_by="own formula",
        own=0.5 * float(eliminate(section5_params()).Gamma),
        own_tol=1e-12 * ctx.sec5["lindblad"],
    )


@_row("sec5.E_B.three_mode")
def _sec5_three_mode_energy(ctx: _Context) -> _Draft:
    p5 = section5_params()
    eff = eliminate(p5)
    exact = float(steady_state_three_mode(p5).E_B)
    with_paper = exact / float(steady_state(eff.replace(Gamma=ctx.sec5["paper_sec5"])).E_B)
    with_lindblad = exact / float(steady_state(eff).E_B)
    return _Draft(
        r"$E_B(\infty)$ of the three-mode model over the effective model with the paper's $\Gamma = g^2/\gamma_m$ "
        "(Sec. 5 numbers)",
        "Sec. 5",
        1.0,
        with_paper,
        f"steady_state_three_mode at the Sec. 5 numbers (J/2π = {paper.quote('sec5.J').text} MHz, φ = π/2; the drive "
        f"cancels in the ratio) over steady_state of the effective model. With the Lindblad Γ the ratio is "
        f"{with_lindblad:.12f}; with the paper's Γ the exact battery energy is {with_paper - 1:+.0%} off.",
        Evidence(tol=1e-9, shown_by="counterexample"),
    )


@_row("sec5.P_peak.three_mode")
def _sec5_three_mode_power(ctx: _Context) -> _Draft:
    p5 = section5_params()
    eff = eliminate(p5)
    t = np.linspace(0.0, 5.0 / SEC5["J"], 301)
    P3, _ = maximum_on_grid(lambda s: evolve_three_mode(p5, s).P, t)
    Peff, _ = maximum_on_grid(lambda s: evolve(eff, s).P, t)
    return _Draft(
        r"peak $P$ of the three-mode model over the effective one ($\Gamma = 4g^2/\gamma_m$), Sec. 5 numbers "
        r"('$|\gamma_m/2| \gg g$')",
        "Sec. 5",
        1.0,
        P3 / Peff,
        f"The adiabatic condition is met with g/(γ_m/2) = {float(p5.adiabaticity):.3f} and γ_m/κ_a = "
        f"{SEC5['gamma_m'] / SEC5['kappa_a']:.1f}: the eliminated model's peak power is {abs(P3 / Peff - 1):.1%} off "
        "the exact three-mode one (the dynamics, unlike the steady state, feel the finite γ_m). Band: 1 %, ours.",
        Evidence(tol=0.01),
    )


# --------------------------------------------------------------------------------------
# The ledger and its presentations
# --------------------------------------------------------------------------------------


def compute_ledger() -> list[LedgerRow]:
    """Every number and checkable claim of the paper beside ours, verdicts by :func:`verdict_from` (about 2 s).

    Returns
    -------
    list of LedgerRow
        In the order of :data:`ROWS` (the paper's: Secs. 3.1, 3.2, 4, 6, 5).

    Raises
    ------
    ValueError
        If a row names a reading or an own quote that is not a ledger key.
    """
    ctx = _Context()
    drafts = {key: builder(ctx) for key, builder in ROWS.items()}
    agree = {key: agrees(d.paper, d.ours, d.evidence) for key, d in drafts.items()}
    rows = []
    for key, d in drafts.items():
        unknown = [k for k in (*d.evidence.readings, *d.evidence.own_quotes) if k not in drafts]
        if unknown:
            raise ValueError(f"ledger row {key!r} refers to unknown rows {unknown}")
        verdict = verdict_from(d.paper, d.ours, d.evidence, any(agree[k] for k in d.evidence.readings))
        rows.append(d.finish(key, verdict))
    return rows


def row_by_key(rows: Iterable[LedgerRow], key: str) -> LedgerRow:
    """The row with this key.

    Raises
    ------
    KeyError
        For an unknown key, naming the keys that share its first part.
    """
    rows = list(rows)
    for row in rows:
        if row.key == key:
            return row
    near = [r.key for r in rows if r.key.split(".")[0] == key.split(".")[0]]
    raise KeyError(f"no ledger row {key!r}; rows with the same prefix: {near}")


def as_dicts(rows: Iterable[LedgerRow]) -> list[dict[str, Any]]:
    """Rows as JSON-serialisable dicts with exactly the keys of :data:`JSON_KEYS`, in that order."""
    out = []
    for row in rows:
        out.append(
            {
                k: (float(getattr(row, k)) if k in ("paper", "ours", "rel_diff") else str(getattr(row, k)))
                for k in JSON_KEYS
            }
        )
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
        (str(i), row.where, row.quantity, _fmt(row.paper), _fmt(row.ours), f"{row.rel_diff:+.1%}", row.verdict)
        for i, row in enumerate(rows, start=1)
    ]
    widths = [max(len(r[j]) for r in [header, *body]) for j in range(len(header))]
    right = {0, 3, 4, 5}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if j in right else c.ljust(w) for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]
    out += ["", "verdicts: " + ", ".join(f"{v} {n}" for v, n in verdict_counts(rows).items())]
    if notes:
        out += ["", "notes:"]
        for i, row in enumerate(rows, start=1):
            text = f"({row.key}) {row.note}"
            out.append(textwrap.fill(text, width=width, initial_indent=f"[{i}] ", subsequent_indent="     "))
    return "\n".join(out)


def _significant(text: str) -> int:
    """Significant digits of a printed decimal (``"12.5"`` -> 3, ``"0.125"`` -> 3, ``"7"`` -> 1)."""
    digits = text.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _markdown_cell(text: str) -> str:
    r"""Text for a Markdown table cell: a pipe in math becomes ``\vert``, elsewhere it is escaped."""
    parts = re.split(r"(\$[^$]*\$)", text)
    return "".join(p.replace("|", r"\vert ") if p.startswith("$") else p.replace("|", r"\|") for p in parts)


def verdict_badge(verdict: str) -> str:
    """An HTML badge for a verdict: its words, and a colour class (``nrqb-verdict-paper-error`` ...)."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}; got {verdict!r}")
    return f'<span class="nrqb-verdict nrqb-verdict-{verdict.replace(" ", "-")}">{verdict}</span>'


def display_numbers(row: LedgerRow) -> tuple[str, str]:
    """``paper`` as printed (from :mod:`nrqb.paper` when the row's key is a quote) and ``ours`` one digit finer."""
    q = paper.QUOTES.get(row.key)
    text = q.text if q is not None and q.value == row.paper else f"{row.paper:g}"
    digits = min(max(_significant(text) + 1, 3), 5)
    return text, f"{row.ours:.{digits}g}"


def as_markdown(rows: Sequence[LedgerRow]) -> str:
    r"""The ledger as a Markdown table for the book: quantities as math, verdict badges, each note folded in its row.

    Columns: the numbered quantity, where the paper prints it and the note (a ``<details>`` element that opens in
    place, under the quantity); the paper's number as printed; ours one digit finer; the relative difference; the
    verdict badge (:func:`verdict_badge`). On a narrow screen (the book's CSS) the badge also shows beside the
    quantity, in the column that stays in view while the table scrolls.
    """
    lines = ["| quantity | paper | ours | diff. | verdict |", "| --- | ---: | ---: | ---: | --- |"]
    for i, row in enumerate(rows, start=1):
        paper_text, ours_text = display_numbers(row)
        note = html.escape(row.note, quote=False)
        cells = (
            f'**{i}.** {row.label} <span class="nrqb-verdict-inline">{verdict_badge(row.verdict)}</span> '
            f"<br><small>{html.escape(row.where, quote=False)}</small> "
            f"<details><summary>note</summary><small>{note} <code>{row.key}</code></small></details>",
            paper_text,
            ours_text,
            f"{100 * row.rel_diff:+.1f}\u00a0%".replace("-", "\u2212"),
            verdict_badge(row.verdict),
        )
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines)
