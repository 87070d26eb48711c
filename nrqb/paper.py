r"""Every parameter and number the paper prints, keyed, with where it is printed: the book's one record of them.

The paper is Q.-Y. Lin, G.-Z. Ye, C. Li, W.-J. Su and H.-Z. Wu, *Enhanced charging power in nonreciprocal
quantum battery by reservoir engineering*. Each entry is a :class:`Quote`: the number exactly as printed
(``text``, which also fixes its precision), where it stands, and what it is. Nothing else in :mod:`nrqb` or in the
book's chapters types one of these numbers: they read it from :data:`QUOTES` (through :func:`value`,
:func:`quote` or :data:`FIG2_PARAMETERS`).

Keys are ``<place>.<quantity>[.<condition>...]``, e.g. ``"fig2a.E_B_inf.Delta=0"``: the place is the figure panel
or section the number belongs to (``fig2a`` ... ``fig4b``, ``sec5``, ``abstract``), the quantity a
:class:`nrqb.Params`-style name, the conditions the parameters it is quoted at (units of :math:`\omega`, MHz in
Sec. 5). Values are in the paper's units: rates and energies in units of :math:`\omega` (:math:`\hbar = 1`),
times as the paper's scaled time :math:`Jt`, Sec. 5 rates in MHz (divided by :math:`2\pi`), efficiencies as
fractions (the paper's "75 %" is ``0.75``).

Examples
--------
>>> from nrqb import paper
>>> paper.value("fig2a.E_B_inf.Delta=0")
75.9
>>> q = paper.quote("fig2d.P_peak.Delta=0.01")
>>> q.text, q.tolerance, q.where
('0.486', 0.0005, 'Sec. 3.1, Fig. 2(d)')
>>> sorted(paper.FIG2_PARAMETERS)[:3]
['Delta_a', 'Delta_b', 'Gamma']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "FIG2_PARAMETERS",
    "QUOTES",
    "SEC5_MHZ",
    "Quote",
    "printed_tolerance",
    "quote",
    "quotes",
    "value",
]

_NUMBER = re.compile(r"^[+-]?(\d+)(\.(\d+))?$")


def printed_tolerance(text: str) -> float:
    r"""Half a unit in the last printed digit of a number as the paper prints it.

    Parameters
    ----------
    text : str
        The number as printed, e.g. ``"75.9"``, ``"0.486"``, ``"2"``.

    Returns
    -------
    float
        ``0.05`` for ``"75.9"``, ``0.0005`` for ``"0.486"``, ``0.5`` for ``"2"``.

    Raises
    ------
    ValueError
        If ``text`` is not a plain decimal number.

    Examples
    --------
    >>> printed_tolerance("75.9"), printed_tolerance("2")
    (0.05, 0.5)
    """
    match = _NUMBER.match(text.strip())
    if match is None:
        raise ValueError(f"text must be a plain decimal number such as '75.9'; got {text!r}")
    decimals = len(match.group(3) or "")
    return 0.5 * 10.0 ** (-decimals)


@dataclass(frozen=True)
class Quote:
    r"""One number printed in the paper.

    Attributes
    ----------
    key : str
        Stable identifier, ``<place>.<quantity>[.<condition>...]``.
    text : str
        The number exactly as printed (a plain decimal; the paper's "75 %" is stored as ``"0.75"`` with
        ``scale`` 100). Its last digit sets :attr:`tolerance`.
    where : str
        Section, figure or equation of the paper.
    what : str
        What the number is, in words, with the parameters it is quoted at.
    printed_as : str
        The words around the number in the paper (e.g. ``"Jt ≈ 2"``, ``"r > 100"``), for "paper says" lines.
    scale : float
        Factor between :attr:`value` and the printed digits (100 for a percentage), so that
        :attr:`tolerance` is half a unit of the *printed* last digit.
    """

    key: str
    text: str
    where: str
    what: str
    printed_as: str = ""
    scale: float = 1.0

    def __post_init__(self) -> None:
        printed_tolerance(self.printed_digits)  # validates the text

    @property
    def printed_digits(self) -> str:
        """The digits as printed (``"75"`` for the paper's "75 %")."""
        if self.scale == 1.0:
            return self.text
        return f"{float(self.text) * self.scale:g}"

    @property
    def value(self) -> float:
        """The number as a float, in the units the module docstring names."""
        return float(self.text)

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed digit, in the units of :attr:`value`."""
        return printed_tolerance(self.printed_digits) / self.scale


def _quotes(*entries: Quote) -> dict[str, Quote]:
    table: dict[str, Quote] = {}
    for entry in entries:
        if entry.key in table:
            raise ValueError(f"duplicate paper quote key {entry.key!r}")
        table[entry.key] = entry
    return table


_S31 = "Sec. 3.1"
_F2A = "Sec. 3.1, Fig. 2(a)"
_F2B = "Sec. 3.1, Fig. 2(b)"
_F2D = "Sec. 3.1, Fig. 2(d)"
_F3A = "Sec. 3.2, Fig. 3(a)"
_F3E = "Sec. 3.2, Fig. 3(e)"
_S5 = "Sec. 5"

#: Every number the paper prints, by key (parameters first, then results in the paper's order).
QUOTES: dict[str, Quote] = _quotes(
    # --- the parameter set of Sec. 3.1 and the Fig. 2 caption (units of omega)
    Quote("fig2.Gamma", "0.04", f"{_S31}; Fig. 2 caption", "collective damping rate Γ_a = Γ_b = Γ", "Γ = 0.04ω"),
    Quote("fig2.kappa", "0.003", f"{_S31}; Fig. 2 caption", "local damping κ_a = κ_b = κ", "κ = 0.003ω"),
    Quote("fig2.kappa_a", "0.003", "Fig. 2 caption", "charger damping κ_a of Fig. 2", "κ_a = κ_b = 0.003ω"),
    Quote("fig2.kappa_b", "0.003", "Fig. 2 caption", "battery damping κ_b of Fig. 2", "κ_a = κ_b = 0.003ω"),
    Quote("fig2.epsilon", "0.1", f"{_S31}; Fig. 2 caption", "drive amplitude ε", "ε = 0.1ω"),
    Quote("fig2.gamma", "10", f"{_S31}; Fig. 2 caption", "bad-cavity amplitude decay rate γ = γ_m/2", "γ = 10ω"),
    Quote("fig2.phi_over_pi", "0.5", "Fig. 2 caption", "phase φ, in units of π", "φ = π/2"),
    Quote("fig2.J_over_Gamma", "0.5", "Fig. 2 caption", "coherent coupling J, in units of Γ", "J = Γ/2"),
    Quote("fig2.Delta_a", "0", "Fig. 2 caption", "charger detuning Δ'_a", "Δ'_a = 0"),
    # --- Fig. 2(a): steady battery energies for three detunings
    Quote("fig2a.Delta.small", "0.01", _F2A, "the small detuning Δ = Δ'_b − Δ'_a", "Δ = 0.01ω"),
    Quote("fig2a.Delta.large", "0.1", _F2A, "the large detuning Δ", "Δ = 0.1ω"),
    Quote("fig2a.E_B_inf.Delta=0", "75.9", _F2A, "steady battery energy E_B(∞) at Δ = 0", "E_B = 75.9"),
    Quote("fig2a.E_B_inf.Delta=0.01", "62.2", _F2A, "steady battery energy E_B(∞) at Δ = 0.01ω", "E_B = 62.2"),
    Quote(
        "fig2a.E_B_inf.Delta=0.1", "3.3", "Sec. 3.1 (after Fig. 2)", "steady battery energy at Δ = 0.1ω", "drop to 3.3"
    ),
    # --- Fig. 2(b): energy ratio and efficiency
    Quote(
        "fig2b.E_B_over_E_A",
        "4",
        f"Abstract; {_F2B}",
        "steady ratio E_B(∞)/E_A(∞) at Δ = 0",
        "E_B/E_A = 4Γ²/Δ² ≈ 4 (abstract: 'a four ratio')",
    ),
    Quote("fig2b.eta_inf", "0.78", _F2B, "steady efficiency η(∞) at Δ = 0", "η(∞) ≈ 0.78"),
    # --- Fig. 2(d): charging power
    Quote("fig2d.Jt_window", "5", _F2D, "time window of the panel, in Jt", "Jt < 5"),
    Quote("fig2d.P_peak.Delta=0", "0.52", _F2D, "peak charging power at Δ = 0 (units of ω²)", "peak value 0.52"),
    Quote("fig2d.Jt_peak.Delta=0", "2", _F2D, "scaled time Jt of the power peak at Δ = 0", "at Jt ≈ 2"),
    Quote(
        "fig2d.eta.Jt=2", "0.75", _F2D, "efficiency η when P peaks (Jt ≈ 2), Δ = 0", "η simultaneously reaches 75%", 100
    ),
    Quote("fig2d.P_peak.Delta=0.01", "0.486", _F2D, "peak charging power at Δ = 0.01ω", "decreases to 0.486"),
    Quote("fig2d.P_peak.Delta=0.1", "0.06", _F2D, "peak charging power at Δ = 0.1ω", "further reduced to 0.06"),
    # --- Fig. 3: the damping ratio r = kappa_b / kappa_a
    Quote("fig3.kappa_a", "0.003", "Sec. 3.2", "charger damping κ_a, fixed while r varies", "κ_a = 0.003ω"),
    Quote("fig3a.Jt", "4", _F3A, "the fixed charging time Jt of the two quoted energies", "Jt = 4"),
    Quote("fig3a.r.high", "10", _F3A, "the larger damping ratio r of the two quoted energies", "r from 10"),
    Quote("fig3a.r.low", "0.01", _F3A, "the smaller damping ratio r of the two quoted energies", "to 0.01"),
    Quote("fig3a.E_B.Jt=4.r=10", "14.8", _F3A, "battery energy at Jt = 4, r = 10", "from 14.8"),
    Quote("fig3a.E_B.Jt=4.r=0.01", "87", _F3A, "battery energy at Jt = 4, r = 0.01", "to 87"),
    Quote(
        "fig3d.r.eta_low",
        "100",
        "Sec. 3.2, Fig. 3(d)",
        "damping ratio above which η(∞) is 'extremely low'",
        "when r > 100, η(∞) becomes extremely low",
    ),
    Quote("fig3e.Jt.low", "0.5", _F3E, "lower end of the Jt range of the transition", "Jt ranges from 0.5"),
    Quote("fig3e.Jt.high", "3.5", _F3E, "upper end of the Jt range of the transition", "to 3.5"),
    Quote("fig3e.r.max", "3", _F3E, "damping ratio below which the transition is seen", "r < 3"),
    Quote("fig3e.P.blue", "0.1", _F3E, "power below which the map is blue ('inefficient')", "blue, P < 0.1"),
    Quote("fig3e.P.red", "0.58", _F3E, "power of the red ('efficient') region", "red, P ≈ 0.58"),
    Quote("fig3f.r.low", "0.1", "Fig. 3 caption", "damping ratio of the first line of Fig. 3(f)", "r = 0.1"),
    Quote("fig3f.r.mid", "1", "Fig. 3 caption", "damping ratio of the second line of Fig. 3(f)", "r = 1"),
    Quote("fig3f.r.high", "10", "Fig. 3 caption", "damping ratio of the third line of Fig. 3(f)", "r = 10"),
    # --- Sec. 5: circuit-QED numbers (MHz, divided by 2 pi)
    Quote("sec5.kappa_a", "0.08", _S5, "charger decay rate κ_a/2π (MHz)", "κ_a/2π = 0.08 MHz"),
    Quote("sec5.kappa_b", "0.06", _S5, "battery decay rate κ_b/2π (MHz)", "κ_b/2π = 0.06 MHz"),
    Quote("sec5.gamma_m", "5", _S5, "shared-mode decay rate γ_m/2π (MHz)", "γ_m/2π = 5 MHz"),
    Quote("sec5.coupler_max", "123", _S5, "largest coupling of the tunable coupler (MHz)", "0 MHz to 123 MHz"),
    Quote("sec5.g", "0.33", _S5, "reservoir couplings g_a/2π = g_b/2π (MHz)", "g_a/2π = g_b/2π ≈ 0.33 MHz"),
    Quote("sec5.J", "0.01", _S5, "direct coupling J/2π (MHz)", "J/2π = 0.01 MHz"),
    Quote("sec5.Gamma", "0.02", _S5, "dissipative coupling Γ/2π = g_a²/γ_m (MHz)", "Γ/2π = g_a²/γ_m ≈ 0.02 MHz"),
)


def quote(key: str) -> Quote:
    """The :class:`Quote` with this key.

    Raises
    ------
    KeyError
        For an unknown key, naming the closest keys.
    """
    try:
        return QUOTES[key]
    except KeyError:
        prefix = key.split(".")[0]
        near = [k for k in QUOTES if k.startswith(prefix)] or list(QUOTES)[:5]
        raise KeyError(f"no paper quote {key!r}; keys starting like it: {near}") from None


def value(key: str) -> float:
    """The printed number with this key, as a float (see :class:`Quote` for units)."""
    return quote(key).value


def quotes(prefix: str = "") -> list[Quote]:
    """All quotes whose key starts with ``prefix``, in the paper's order."""
    return [q for k, q in QUOTES.items() if k.startswith(prefix)]


#: The parameter set of the paper's Fig. 2 (Sec. 3.1) as :class:`nrqb.Params` fields, in units of omega
#: (``J`` is not included: it is :math:`\Gamma/2`, see :func:`nrqb.paper_params`).
FIG2_PARAMETERS: dict[str, float] = {
    "Gamma": value("fig2.Gamma"),
    "kappa_a": value("fig2.kappa"),
    "kappa_b": value("fig2.kappa"),
    "epsilon": value("fig2.epsilon"),
    "phi": value("fig2.phi_over_pi") * math.pi,
    "Delta_a": value("fig2.Delta_a"),
    "Delta_b": value("fig2.Delta_a"),
    "omega": 1.0,
}

#: The circuit-QED numbers of the paper's Sec. 5, in MHz (all divided by :math:`2\pi`).
SEC5_MHZ: dict[str, float] = {
    name: value(f"sec5.{name}") for name in ("g", "gamma_m", "kappa_a", "kappa_b", "J", "Gamma")
}
