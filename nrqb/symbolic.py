r"""Symbolic derivations of the model's equations with SymPy operator algebra.

Everything in the chapters "Eliminating the bad cavity", "Moment equations" and "Solving the
dynamics" is *computed* here, not typed: commutators of bosonic operators
(:class:`sympy.physics.quantum.boson.BosonOp`) are normal ordered, expectation values are
read off the normal-ordered monomials, and the resulting linear equations are solved with
SymPy's matrix exponential. The paper's printed equations are transcribed separately
(``paper_eq*`` functions) so that they can be compared with the derived ones.

Conventions (those of :mod:`nrqb.params`): the effective model is the Lindblad equation with

.. math::

    H = \Delta_a a^\dagger a + \Delta_b b^\dagger b + J a^\dagger b + J^* b^\dagger a
        + \varepsilon (a + a^\dagger),
    \qquad \kappa_a D[a] + \kappa_b D[b] + \Gamma D[a + e^{-i\phi} b],

with :math:`\Lambda_{a,b} = \Gamma + \kappa_{a,b}`; the paper's :math:`J_-` is our :math:`J` and its
:math:`J_+` our :math:`J^*` (paper Eq. 2 with :math:`G = 0`). Rates and frequencies are in units of
:math:`\omega`, times in units of :math:`1/\omega`.

Moment symbols are module constants: :data:`mean_a` :math:`=\langle a\rangle`, :data:`mean_b`,
:data:`mean_c`, :data:`n_a` :math:`=\langle a^\dagger a\rangle`, :data:`n_b`,
:data:`m_ab` :math:`=\langle a^\dagger b\rangle` (so :math:`\langle a b^\dagger\rangle = \overline{m_{ab}}`).

All public functions are cached; the whole module's derivations take a few seconds.

Examples
--------
>>> import nrqb
>>> from sympy.physics.quantum import Dagger
>>> normal_order(commutator(a, Dagger(a)))
1
>>> nonreciprocity_condition()["J"]  # the coupling that makes M_ab vanish (paper Sec. 2)
I*Gamma*exp(-I*phi)/2

The paper's printed steady state, Eq. (10), evaluated at its Fig. 2 parameters, agrees with the numerics:

>>> E_A, E_B = paper_eq10()
>>> p = nrqb.paper_params()
>>> ss = nrqb.steady_state(p)
>>> bool(abs(evaluate(E_B, p) - ss.E_B) < 1e-12 * ss.E_B and abs(evaluate(E_A, p) - ss.E_A) < 1e-12 * ss.E_A)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy as sp
from sympy.physics.quantum import Dagger
from sympy.physics.quantum.boson import BosonOp
from sympy.physics.quantum.operatorordering import normal_ordered_form

__all__ = [
    "ClosedForms",
    "Elimination",
    "Projection",
    "a",
    "adjoint_lindblad",
    "b",
    "c",
    "closed_form_solutions",
    "coherent_residuals",
    "commutator",
    "drift_matrix",
    "effective_model",
    "eliminate_bad_cavity",
    "evaluate",
    "expect",
    "heisenberg_equations",
    "is_zero",
    "m_ab",
    "mean_a",
    "mean_b",
    "mean_c",
    "moment",
    "n_a",
    "n_b",
    "nonreciprocity_condition",
    "normal_order",
    "paper_A",
    "paper_eq5",
    "paper_eq6",
    "paper_eq7",
    "paper_eq8",
    "paper_eq9",
    "paper_eq10",
    "paper_eq18",
    "paper_eq20",
    "paper_eq21",
    "paper_eq22",
    "paper_ratio",
    "projection_operator_route",
    "second_moment_equations",
    "steady_state_ratio",
    "t",
    "three_mode_equations",
    "three_mode_model",
    "with_Lambda",
]

#: Bosonic annihilation operators of the charger, the battery and the bad cavity.
a, b, c = BosonOp("a"), BosonOp("b"), BosonOp("c")
_MODES = {"a": a, "b": b, "c": c}

#: Time, in units of :math:`1/\omega`.
t = sp.Symbol("t", positive=True)


def _moment_name(creators: tuple[str, ...], annihilators: tuple[str, ...]) -> str:
    parts = [f"{name}^\\dagger" for name in creators] + list(annihilators)
    return "\\langle{" + " ".join(parts) + "}\\rangle"


@cache
def _moment_symbol(creators: tuple[str, ...], annihilators: tuple[str, ...]) -> sp.Symbol:
    if creators == annihilators:
        return sp.Symbol(_moment_name(creators, annihilators), real=True)
    return sp.Symbol(_moment_name(creators, annihilators), complex=True)


def moment(creators: Iterable[str] = (), annihilators: Iterable[str] = ()) -> sp.Expr:
    r"""The c-number :math:`\langle v_1^\dagger\cdots v_k^\dagger\, w_1\cdots w_l\rangle` of a normal-ordered monomial.

    Parameters
    ----------
    creators, annihilators : iterable of str
        Mode names (``"a"``, ``"b"``, ``"c"``) of the creation and annihilation operators.

    Returns
    -------
    sympy.Expr
        A symbol, or the complex conjugate of one: each pair of mutually adjoint monomials
        shares one symbol (the one with fewer creation operators, then alphabetical), so
        ``moment("b", "a")`` is ``conjugate(moment("a", "b"))``. Hermitian monomials give real symbols.
    """
    cr, an = tuple(sorted(creators)), tuple(sorted(annihilators))
    if (len(an), an, cr) < (len(cr), cr, an):
        return sp.conjugate(_moment_symbol(an, cr))
    return _moment_symbol(cr, an)


#: :math:`\langle a\rangle`, :math:`\langle b\rangle`, :math:`\langle c\rangle`.
mean_a, mean_b, mean_c = moment((), "a"), moment((), "b"), moment((), "c")
#: :math:`\langle a^\dagger a\rangle`, :math:`\langle b^\dagger b\rangle`, :math:`\langle a^\dagger b\rangle`.
n_a, n_b, m_ab = moment("a", "a"), moment("b", "b"), moment("a", "b")


def _factors(nc: list[sp.Expr]) -> list[BosonOp]:
    out: list[BosonOp] = []
    for factor in nc:
        base, power = factor.as_base_exp()
        if not isinstance(base, BosonOp) or not (power.is_Integer and power > 0):
            raise ValueError(f"normal_order: expected products of BosonOp, got factor {factor}")
        out.extend([base] * int(power))
    return out


def _monomials(expr: sp.Expr) -> Iterable[tuple[sp.Expr, list[BosonOp], list[BosonOp]]]:
    """Yield (coefficient, creators, annihilators) of a normal-ordered expression; check the order."""
    for term in sp.Add.make_args(sp.expand(expr)):
        coeff, nc = term.args_cnc()
        ops = _factors(nc)
        kinds = [op.is_annihilation for op in ops]
        if kinds != sorted(kinds):
            raise ValueError(f"normal_order: monomial {term} is not normal ordered")
        creators = sorted((op for op in ops if not op.is_annihilation), key=lambda op: str(op.name))
        annihilators = sorted((op for op in ops if op.is_annihilation), key=lambda op: str(op.name))
        yield sp.Mul(*coeff), creators, annihilators


def normal_order(expr: sp.Expr) -> sp.Expr:
    r"""Normal order a polynomial in bosonic operators of different modes.

    Uses :math:`[v, v^\dagger] = 1` within a mode and commutation between modes
    (:func:`sympy.physics.quantum.operatorordering.normal_ordered_form` with ``independent=True``),
    then sorts creation and annihilation operators by mode name so that equal monomials combine.

    Parameters
    ----------
    expr : sympy.Expr
        Polynomial in :data:`a`, :data:`b`, :data:`c` and their adjoints, c-number coefficients.

    Returns
    -------
    sympy.Expr
        The normal-ordered form (all creation operators to the left).
    """
    ordered = normal_ordered_form(sp.expand(expr), independent=True)
    total = sp.S.Zero
    for coeff, creators, annihilators in _monomials(ordered):
        total += coeff * sp.Mul(*creators, *annihilators)
    return sp.expand(total)


def commutator(A: sp.Expr, B: sp.Expr) -> sp.Expr:
    """Normal-ordered commutator :math:`[A, B] = AB - BA`."""
    return normal_order(A * B - B * A)


def expect(expr: sp.Expr) -> sp.Expr:
    """Expectation value of an operator polynomial, in the moment symbols of :func:`moment`."""
    total = sp.S.Zero
    for coeff, creators, annihilators in _monomials(normal_order(expr)):
        names_c = [str(op.name) for op in creators]
        names_a = [str(op.name) for op in annihilators]
        total += coeff * (moment(names_c, names_a) if names_c or names_a else 1)
    return sp.expand(total)


def adjoint_lindblad(H: sp.Expr, O: sp.Expr, jumps: Iterable[tuple[sp.Expr, sp.Expr]]) -> sp.Expr:
    r"""Heisenberg-picture generator of a Lindblad equation applied to an operator.

    .. math::

        \frac{d}{dt} O = i[H, O] + \sum_k \gamma_k \left(L_k^\dagger O L_k
            - \tfrac12 \{L_k^\dagger L_k, O\}\right),

    so that :math:`\frac{d}{dt}\langle O\rangle = \langle \mathcal{L}^\dagger O\rangle` for
    :math:`\dot\rho = -i[H,\rho] + \sum_k \gamma_k (L_k\rho L_k^\dagger - \frac12\{L_k^\dagger L_k,\rho\})`
    (paper Eqs. 3-4; :math:`\hbar = 1`).

    Parameters
    ----------
    H : sympy.Expr
        Hermitian Hamiltonian (operator polynomial).
    O : sympy.Expr
        The observable.
    jumps : iterable of (rate, L)
        Rates :math:`\gamma_k \ge 0` and jump operators :math:`L_k`.

    Returns
    -------
    sympy.Expr
        The normal-ordered operator :math:`\mathcal{L}^\dagger O`.
    """
    out = sp.I * (H * O - O * H)
    for rate, L in jumps:
        Ld = Dagger(L)
        out += rate * (Ld * O * L - (Ld * L * O + O * Ld * L) / 2)
    return normal_order(out)


# ----------------------------------------------------------------------------------------------
# Effective two-mode model (paper Eqs. 2-6)
# ----------------------------------------------------------------------------------------------


@cache
def _effective_symbols() -> dict[str, sp.Symbol]:
    positive = sp.symbols("Gamma kappa_a kappa_b omega Lambda_a Lambda_b", positive=True)
    real = sp.symbols("epsilon phi Delta_a Delta_b", real=True)
    out = dict(zip(["Gamma", "kappa_a", "kappa_b", "omega", "Lambda_a", "Lambda_b"], positive, strict=True))
    out.update(zip(["epsilon", "phi", "Delta_a", "Delta_b"], real, strict=True))
    out["J"] = sp.Symbol("J", complex=True)
    return out


def _sym(name: str) -> sp.Symbol:
    return _effective_symbols()[name]


@cache
def effective_model() -> tuple[sp.Expr, tuple[tuple[sp.Expr, sp.Expr], ...], dict[str, sp.Symbol]]:
    r"""Hamiltonian, jump operators and symbols of the effective charger-battery model.

    Returns
    -------
    H : sympy.Expr
        :math:`\Delta_a a^\dagger a + \Delta_b b^\dagger b + J a^\dagger b + J^* b^\dagger a + \varepsilon(a+a^\dagger)`
        (paper Eq. 2, Hermitian part, with :math:`J_- = J`, :math:`J_+ = J^*`).
    jumps : tuple of (rate, L)
        :math:`(\kappa_a, a)`, :math:`(\kappa_b, b)`, :math:`(\Gamma, a + e^{-i\phi} b)`.
    symbols : dict
        Params field names to SymPy symbols (also ``omega``, ``Lambda_a``, ``Lambda_b``).
    """
    s = _effective_symbols()
    ad, bd = Dagger(a), Dagger(b)
    H = (
        s["Delta_a"] * ad * a
        + s["Delta_b"] * bd * b
        + s["J"] * ad * b
        + sp.conjugate(s["J"]) * bd * a
        + s["epsilon"] * (a + ad)
    )
    jumps = ((s["kappa_a"], a), (s["kappa_b"], b), (s["Gamma"], a + sp.exp(-sp.I * s["phi"]) * b))
    return H, jumps, dict(s)


@cache
def heisenberg_equations() -> dict[sp.Expr, sp.Expr]:
    r"""Equations of motion of :math:`\langle O\rangle` for :math:`O = a, b, a^\dagger a, b^\dagger b, a^\dagger b`.

    Returns
    -------
    dict
        ``{mean_a: rhs, mean_b: rhs, n_a: rhs, n_b: rhs, m_ab: rhs}`` with
        :math:`\frac{d}{dt}\langle O\rangle = \mathrm{rhs}`, computed with :func:`adjoint_lindblad`
        from :func:`effective_model`. The first two are paper Eq. (5) (with :math:`G = 0`), the
        last three the corrected paper Eq. (6) / appendix Eq. (20).
    """
    H, jumps, _ = effective_model()
    ad, bd = Dagger(a), Dagger(b)
    ops = {mean_a: a, mean_b: b, n_a: ad * a, n_b: bd * b, m_ab: ad * b}
    return {key: expect(adjoint_lindblad(H, op, jumps)) for key, op in ops.items()}


@cache
def drift_matrix() -> tuple[sp.Matrix, sp.Matrix, dict[str, sp.Symbol]]:
    r"""The drift matrix and drive vector of the mean amplitudes, derived (paper Eqs. 5 and 13).

    Returns
    -------
    M : sympy.Matrix
        2x2 with :math:`\frac{d}{dt}(\langle a\rangle, \langle b\rangle)^T = M (\langle a\rangle, \langle b\rangle)^T + f`;
        :math:`M = \begin{pmatrix} -i\Delta_a - \frac{\kappa_a+\Gamma}{2} & -iJ - \frac{\Gamma}{2}e^{-i\phi} \\
        -iJ^* - \frac{\Gamma}{2}e^{i\phi} & -i\Delta_b - \frac{\kappa_b+\Gamma}{2}\end{pmatrix}`.
    f : sympy.Matrix
        :math:`(-i\varepsilon, 0)^T`.
    symbols : dict
        Maps the :class:`nrqb.Params` field names ``Gamma, kappa_a, kappa_b, epsilon, phi, J,
        Delta_a, Delta_b`` to the SymPy symbols used (``J`` is complex).

    Raises
    ------
    ValueError
        If the derived equations are not linear in :math:`\langle a\rangle, \langle b\rangle`
        (they always are for this model; the check guards the derivation).
    """
    eqs = heisenberg_equations()
    amplitudes = [mean_a, mean_b]
    rows = [eqs[mean_a], eqs[mean_b]]
    M = sp.Matrix([[sp.expand(sp.diff(r, x)) for x in amplitudes] for r in rows])
    f = sp.Matrix([r.subs({mean_a: 0, mean_b: 0}) for r in rows])
    residual = sp.expand(sp.Matrix(rows) - M * sp.Matrix(amplitudes) - f)
    if residual != sp.zeros(2, 1):
        raise ValueError(f"drift_matrix: the mean-field equations are not linear: residual {residual}")
    names = ["Gamma", "kappa_a", "kappa_b", "epsilon", "phi", "J", "Delta_a", "Delta_b"]
    return M, f, {name: _sym(name) for name in names}


def paper_eq5() -> tuple[sp.Matrix, sp.Matrix]:
    r"""Transcription of paper Eq. (5) (mean amplitudes), with :math:`G = 0`, :math:`J_- = J`, :math:`J_+ = J^*`.

    Returns
    -------
    M, f : sympy.Matrix
        As in :func:`drift_matrix`, with :math:`\Lambda_{a,b} = \Gamma + \kappa_{a,b}` written out.
    """
    s = _effective_symbols()
    G, phi, J = s["Gamma"], s["phi"], s["J"]
    La, Lb = G + s["kappa_a"], G + s["kappa_b"]
    M = sp.Matrix(
        [
            [-sp.I * s["Delta_a"] - La / 2, -sp.I * (J - sp.I * G / 2 * sp.exp(-sp.I * phi))],
            [-sp.I * (sp.conjugate(J) - sp.I * G / 2 * sp.exp(sp.I * phi)), -sp.I * s["Delta_b"] - Lb / 2],
        ]
    )
    return M, sp.Matrix([-sp.I * s["epsilon"], 0])


@cache
def second_moment_equations() -> dict[sp.Expr, sp.Expr]:
    r"""The second-moment system for :math:`\langle a^\dagger a\rangle, \langle b^\dagger b\rangle, \langle a^\dagger b\rangle`.

    Returns
    -------
    dict
        ``{n_a: rhs, n_b: rhs, m_ab: rhs}``, derived with :func:`adjoint_lindblad`. The system is
        closed among the three moments and their conjugates, driven by the first moments
        :math:`\langle a\rangle, \langle b\rangle` (which obey the closed Eq. 5).

    Notes
    -----
    In the paper's notation (:math:`\Lambda_{a,b} = \Gamma + \kappa_{a,b}`):

    .. math::

        \dot{\langle a^\dagger a\rangle} &= -\Lambda_a \langle a^\dagger a\rangle
            + 2\,\mathrm{Re}\{-i(J_- - i\tfrac{\Gamma}{2}e^{-i\phi})\langle a^\dagger b\rangle\}
            - 2\varepsilon\,\mathrm{Im}\langle a\rangle,\\
        \dot{\langle b^\dagger b\rangle} &= -\Lambda_b \langle b^\dagger b\rangle
            + 2\,\mathrm{Re}\{i(J_- + i\tfrac{\Gamma}{2}e^{-i\phi})\langle a^\dagger b\rangle\},

    the first with the *opposite* sign of the coupling term to the paper's main-text Eq. (6)
    (its appendix Eq. 20 has it right); see :func:`paper_eq6`.
    """
    eqs = heisenberg_equations()
    return {key: eqs[key] for key in (n_a, n_b, m_ab)}


def _two_re(z: sp.Expr) -> sp.Expr:
    return z + sp.conjugate(z)


def paper_eq6() -> dict[sp.Expr, sp.Expr]:
    r"""Transcription of the paper's main-text Eq. (6), as printed.

    :math:`J_- = J`, :math:`J_+ = J^*` (:math:`G = 0`), :math:`\Delta'_{a,b} = \Delta_{a,b}`,
    :math:`2\mathrm{Re}\,z = z + \bar z`, :math:`2\mathrm{Im}\{\varepsilon\langle a\rangle\} =
    -i\varepsilon(\langle a\rangle - \overline{\langle a\rangle})`.

    Returns
    -------
    dict
        ``{n_a: rhs, n_b: rhs, m_ab: rhs}``. The ``n_a`` line has the wrong sign of the
        coupling term (compare :func:`paper_eq20` and :func:`second_moment_equations`).
    """
    s = _effective_symbols()
    G, phi, eps = s["Gamma"], s["phi"], s["epsilon"]
    Jm, Jp = s["J"], sp.conjugate(s["J"])
    La, Lb = G + s["kappa_a"], G + s["kappa_b"]
    e_m, e_p = sp.exp(-sp.I * phi), sp.exp(sp.I * phi)
    two_im_eps_a = -sp.I * eps * (mean_a - sp.conjugate(mean_a))
    return {
        n_a: -La * n_a - _two_re(-sp.I * (Jm - sp.I * G / 2 * e_m) * m_ab) - two_im_eps_a,
        n_b: -Lb * n_b + _two_re(sp.I * (Jm + sp.I * G / 2 * e_m) * m_ab),
        m_ab: (sp.I * (s["Delta_a"] - s["Delta_b"]) - (La + Lb) / 2) * m_ab
        + sp.I * eps * mean_b
        - sp.I * (Jp - sp.I * G / 2 * e_p) * n_a
        + sp.I * (Jp + sp.I * G / 2 * e_p) * n_b,
    }


def paper_eq20() -> dict[sp.Expr, sp.Expr]:
    r"""Transcription of the paper's appendix Eq. (20), as printed (:math:`\Gamma_a = \Gamma_b = \Gamma`, :math:`G=0`).

    Returns
    -------
    dict
        ``{n_a: rhs, n_b: rhs, m_ab: rhs}``; identical to :func:`second_moment_equations`.
    """
    s = _effective_symbols()
    G, phi, eps, ka, kb = s["Gamma"], s["phi"], s["epsilon"], s["kappa_a"], s["kappa_b"]
    Jm, Jp = s["J"], sp.conjugate(s["J"])
    e_m, e_p = sp.exp(-sp.I * phi), sp.exp(sp.I * phi)
    m_ba = sp.conjugate(m_ab)
    two_im_a = -sp.I * (mean_a - sp.conjugate(mean_a))
    return {
        n_a: -(G + ka) * n_a
        - sp.I * Jm * m_ab
        + sp.I * Jp * m_ba
        - G / 2 * e_p * m_ba
        - G / 2 * e_m * m_ab
        - eps * two_im_a,
        n_b: -(G + kb) * n_b + sp.I * Jm * m_ab - sp.I * Jp * m_ba - G / 2 * e_p * m_ba - G / 2 * e_m * m_ab,
        m_ab: (sp.I * (s["Delta_a"] - s["Delta_b"]) - (ka + kb + 2 * G) / 2) * m_ab
        + sp.I * eps * mean_b
        + (-sp.I * Jp - G / 2 * e_p) * n_a
        + (sp.I * Jp - G / 2 * e_p) * n_b,
    }


def coherent_residuals(equations: Mapping[sp.Expr, sp.Expr]) -> dict[sp.Expr, sp.Expr]:
    r"""Test second-moment equations on coherent states: residual of each equation, simplified.

    For a product of coherent states :math:`|\alpha\rangle|\beta\rangle` (exact here from the
    vacuum at zero temperature), :math:`\langle a^\dagger a\rangle = |\alpha|^2`,
    :math:`\langle a^\dagger b\rangle = \bar\alpha\beta`, ... and :math:`\dot\alpha, \dot\beta` follow
    from the derived Eq. (5). The residual
    :math:`\frac{d}{dt}(\bar\alpha\alpha) - \mathrm{rhs}(\bar\alpha\alpha, \ldots)` must vanish for a
    correct equation.

    Parameters
    ----------
    equations : mapping
        ``{n_a: rhs, n_b: rhs, m_ab: rhs}`` (a subset is fine).

    Returns
    -------
    dict
        Same keys, residuals (``0`` for a correct equation).
    """
    M, f, _ = drift_matrix()
    x = sp.Matrix([mean_a, mean_b])
    xdot = M * x + f
    rates = {mean_a: xdot[0], mean_b: xdot[1]}
    bar = sp.conjugate
    products = {n_a: (bar(mean_a), mean_a), n_b: (bar(mean_b), mean_b), m_ab: (bar(mean_a), mean_b)}
    subs = {key: u * v for key, (u, v) in products.items()}
    out = {}
    for key, rhs in equations.items():
        u, v = products[key]
        lhs = bar(rates[bar(u)]) * v + u * rates[v]
        out[key] = sp.simplify(sp.expand(lhs - rhs.subs(subs)))
    return out


# ----------------------------------------------------------------------------------------------
# Three-mode model and the elimination of the bad cavity (paper Eq. 1, Appendix A)
# ----------------------------------------------------------------------------------------------


@cache
def three_mode_model() -> tuple[sp.Expr, tuple[tuple[sp.Expr, sp.Expr], ...], dict[str, sp.Symbol]]:
    r"""Hamiltonian, jumps and symbols of the three-mode model (paper Eq. 1).

    Returns
    -------
    H : sympy.Expr
        Hermitian part of paper Eq. (1): :math:`\Delta_a a^\dagger a + \Delta_b b^\dagger b + \Delta_c c^\dagger c
        + g_a(e^{i\phi} a c^\dagger + e^{-i\phi} a^\dagger c) + g_b(b c^\dagger + b^\dagger c)
        + J(a b^\dagger + a^\dagger b) + \varepsilon(a + a^\dagger)`.
    jumps : tuple
        :math:`(\kappa_a, a), (\kappa_b, b), (\gamma_m, c)`: the paper's :math:`-i\frac{\gamma_m}{2}c^\dagger c`
        is the energy decay :math:`\gamma_m D[c]`.
    symbols : dict
        Names of :class:`nrqb.ThreeModeParams` fields to symbols (``J`` real here).
    """
    s = {name: _sym(name) for name in ("kappa_a", "kappa_b", "epsilon", "phi", "Delta_a", "Delta_b")}
    s.update(zip(["g_a", "g_b", "gamma_m"], sp.symbols("g_a g_b gamma_m", positive=True), strict=True))
    s["Delta_c"] = sp.Symbol("Delta_c", real=True)
    s["J"] = sp.Symbol("J", real=True)
    ad, bd, cd = Dagger(a), Dagger(b), Dagger(c)
    ph = sp.exp(sp.I * s["phi"])
    H = (
        s["Delta_a"] * ad * a
        + s["Delta_b"] * bd * b
        + s["Delta_c"] * cd * c
        + s["g_a"] * (ph * a * cd + ad * c / ph)
        + s["g_b"] * (b * cd + bd * c)
        + s["J"] * (a * bd + ad * b)
        + s["epsilon"] * (a + ad)
    )
    jumps = ((s["kappa_a"], a), (s["kappa_b"], b), (s["gamma_m"], c))
    return H, jumps, s


@cache
def three_mode_equations() -> dict[sp.Expr, sp.Expr]:
    """Mean-field equations of the three-mode model: ``{mean_a: rhs, mean_b: rhs, mean_c: rhs}``."""
    H, jumps, _ = three_mode_model()
    return {key: expect(adjoint_lindblad(H, op, jumps)) for key, op in ((mean_a, a), (mean_b, b), (mean_c, c))}


@dataclass(frozen=True)
class Elimination:
    r"""Result of :func:`eliminate_bad_cavity`; all entries are SymPy expressions.

    Attributes
    ----------
    c_adiabatic : :math:`\langle c\rangle` from :math:`\dot{\langle c\rangle} = 0`
    drift, drive : effective 2x2 drift matrix and drive vector of :math:`(\langle a\rangle, \langle b\rangle)`
    Delta_a_eff, Delta_b_eff : Lamb-shifted detunings :math:`\Delta'_{a,b}`
    G : coherent reservoir-induced exchange :math:`g_a g_b\Delta_c/(\Delta_c^2+\gamma^2)`
    J_minus, J_plus : :math:`J - G e^{\mp i\phi}`
    Gamma_a, Gamma_b : Lindblad rates added to the charger and battery damping (energy rates)
    Gamma : collective Lindblad rate read from the off-diagonal drift
    noise : 2x2 matrix :math:`\xi_i\bar\xi_j` of the eliminated input noise (:math:`\Gamma\,\bar w w^T`, :math:`L = w\cdot(a, b)`)
    gamma : :math:`\gamma_m/2`
    symbols : the three-mode symbols
    """

    c_adiabatic: sp.Expr
    drift: sp.Matrix
    drive: sp.Matrix
    Delta_a_eff: sp.Expr
    Delta_b_eff: sp.Expr
    G: sp.Expr
    J_minus: sp.Expr
    J_plus: sp.Expr
    Gamma_a: sp.Expr
    Gamma_b: sp.Expr
    Gamma: sp.Expr
    noise: sp.Matrix
    gamma: sp.Expr
    symbols: dict


@cache
def eliminate_bad_cavity() -> Elimination:
    r"""Adiabatic (Heisenberg-Langevin) elimination of the bad cavity :math:`c`.

    Returns
    -------
    Elimination

    Notes
    -----
    The three-mode Heisenberg-Langevin equation for :math:`c` is
    :math:`\dot c = -(i\Delta_c + \gamma) c - i(g_a e^{i\phi} a + g_b b) - \sqrt{\gamma_m}\, c_{in}`,
    :math:`\gamma = \gamma_m/2` (its mean part derived with :func:`adjoint_lindblad`). For
    :math:`|\Delta_c + i\gamma| \gg g_{a,b}` and the slow rates of :math:`a, b`, :math:`c` follows
    adiabatically (:math:`\dot c \approx 0`). Substituting into the equations of :math:`a, b` gives
    (paper Eq. 2, with the rates in Lindblad normalisation):

    .. math::

        \Delta'_{a} = \Delta_{a} - \frac{g_{a}^2\Delta_c}{\Delta_c^2+\gamma^2},\quad
        G = \frac{g_a g_b \Delta_c}{\Delta_c^2+\gamma^2},\quad
        \Gamma = \frac{2 g_a g_b\gamma}{\Delta_c^2+\gamma^2}
        \;\Big(= \frac{4g^2}{\gamma_m}\text{ at } \Delta_c = 0,\ g_a = g_b = g\Big).

    The input noise :math:`c_{in}` is carried into :math:`a, b` with the correlation matrix
    :attr:`Elimination.noise` :math:`= \Gamma\, \bar w w^T`, :math:`w = (1, e^{-i\phi})` for :math:`g_a = g_b`,
    exactly the noise of the dissipator :math:`\Gamma D[a + e^{-i\phi} b]`: drift and noise both
    fix :math:`\Gamma` at twice the paper's Sec. 2 value.
    """
    eqs = three_mode_equations()
    _, _, s = three_mode_model()
    gamma = s["gamma_m"] / 2
    c_in = sp.Symbol("c_in", complex=True)
    c_eq = eqs[mean_c] - sp.sqrt(s["gamma_m"]) * c_in
    c_ad = sp.solve(sp.Eq(c_eq, 0), mean_c)[0]
    rows = [sp.expand(eqs[x].subs(mean_c, c_ad)) for x in (mean_a, mean_b)]
    amps = [mean_a, mean_b]
    drift = sp.Matrix([[sp.simplify(sp.diff(r, x)) for x in amps] for r in rows])
    noise_vec = [sp.simplify(sp.diff(r, c_in)) for r in rows]
    drive = sp.Matrix([sp.simplify(r.subs({mean_a: 0, mean_b: 0, c_in: 0})) for r in rows])
    noise = sp.Matrix(2, 2, lambda i, j: sp.simplify(noise_vec[i] * sp.conjugate(noise_vec[j])))
    phi = s["phi"]
    # read the effective parameters off the drift, M = [[-i D'_a - (k_a+G_a)/2, -i J_- - (Gamma/2) e^{-i phi}], ...]
    re, im = (lambda z: sp.simplify(sp.re(z))), (lambda z: sp.simplify(sp.im(z)))
    Gamma_a = sp.simplify(-2 * re(drift[0, 0]) - s["kappa_a"])
    Gamma_b = sp.simplify(-2 * re(drift[1, 1]) - s["kappa_b"])
    off = sp.simplify(drift[0, 1] * sp.exp(sp.I * phi))  # = -i J e^{i phi} + i G - Gamma/2
    Gamma = sp.simplify(-2 * re(off + sp.I * s["J"] * sp.exp(sp.I * phi)))
    G = sp.simplify(im(off + sp.I * s["J"] * sp.exp(sp.I * phi)))
    return Elimination(
        c_adiabatic=sp.simplify(c_ad.subs(c_in, 0)),
        drift=drift,
        drive=drive,
        Delta_a_eff=sp.simplify(-im(drift[0, 0])),
        Delta_b_eff=sp.simplify(-im(drift[1, 1])),
        G=G,
        J_minus=s["J"] - G * sp.exp(-sp.I * phi),
        J_plus=s["J"] - G * sp.exp(sp.I * phi),
        Gamma_a=Gamma_a,
        Gamma_b=Gamma_b,
        Gamma=Gamma,
        noise=noise,
        gamma=gamma,
        symbols=s,
    )


@dataclass(frozen=True)
class Projection:
    r"""Result of :func:`projection_operator_route` (paper Appendix A, Eqs. 17-18).

    Attributes
    ----------
    h : 3x3 single-excitation matrix of the non-Hermitian :math:`H` of Eq. (16), basis (a, b, c)
    H_eff : 2x2 Feshbach matrix :math:`h_{PP} + h_{PQ}(E - h_{QQ})^{-1}h_{QP}` at :math:`E = 0`
    H_eff_E : the same for general :math:`E` (symbol ``E``)
    amplitude_drift : :math:`-i H_{eff}` (how amplitudes evolve under the non-Hermitian :math:`H_{eff}`)
    Gamma_paper : the paper's :math:`\Gamma = g_a g_b\gamma/(\Delta_c^2+\gamma^2)`, read off as
        :math:`-\mathrm{Im}(e^{i\phi} H_{eff,ab})`
    """

    h: sp.Matrix
    H_eff: sp.Matrix
    H_eff_E: sp.Matrix
    amplitude_drift: sp.Matrix
    Gamma_paper: sp.Expr


@cache
def projection_operator_route() -> Projection:
    r"""The paper's projection-operator (Feshbach) elimination, Appendix A, reproduced.

    Returns
    -------
    Projection

    Notes
    -----
    For a quadratic Hamiltonian the single-excitation matrix :math:`h_{ij} = [v_i, [H, v_j^\dagger]]`
    determines the amplitude dynamics :math:`\dot v = -i h v`. With :math:`P` the span of
    :math:`a, b` and :math:`Q` that of :math:`c`, and :math:`E \ll |\Delta_c - i\gamma|`,

    .. math:: H_{eff} = h_{PP} - \frac{h_{PQ}h_{QP}}{\Delta_c - i\gamma}

    reproduces paper Eq. (18): :math:`\Delta'_a - i\Gamma_a` on the diagonal and
    :math:`J - (G + i\Gamma)e^{\mp i\phi}` off it, with :math:`\Gamma_a, \Gamma` the paper's Sec. 2
    expressions. These are *amplitude* rates: :math:`-iH_{eff}` damps :math:`\langle a\rangle` at
    :math:`\Gamma_a`, whereas a Lindblad term :math:`\Gamma D[\cdot]` damps it at :math:`\Gamma/2`.
    The paper's Eq. (19) writes :math:`\Gamma_a/2`, which halves the reservoir-induced damping;
    the consistent Lindblad rate is :math:`2\Gamma_{paper}` (:func:`eliminate_bad_cavity`).
    """
    H, _, s = three_mode_model()
    gamma = s["gamma_m"] / 2
    H_nh = H - sp.I * gamma * Dagger(c) * c
    modes = [a, b, c]
    h = sp.Matrix(3, 3, lambda i, j: expect(commutator(modes[i], commutator(H_nh, Dagger(modes[j])))))
    E = sp.Symbol("E")
    hPP, hPQ, hQP, hQQ = h[:2, :2], h[:2, 2:], h[2:, :2], h[2, 2]
    H_eff_E = (hPP + hPQ * hQP / (E - hQQ)).applyfunc(sp.simplify)
    H_eff = H_eff_E.subs(E, 0).applyfunc(sp.simplify)
    Gamma_paper = sp.simplify(-sp.im(sp.expand((H_eff[0, 1] - s["J"]) * sp.exp(sp.I * s["phi"]))))
    return Projection(
        h=h,
        H_eff=H_eff,
        H_eff_E=H_eff_E,
        amplitude_drift=(-sp.I * H_eff).applyfunc(sp.expand),
        Gamma_paper=Gamma_paper,
    )


def paper_eq18() -> sp.Matrix:
    r"""Transcription of paper Eq. (18) as a 2x2 single-excitation matrix (basis a, b).

    :math:`\begin{pmatrix}\Delta'_a - i\Gamma_a & J - (G + i\Gamma)e^{-i\phi}\\
    J - (G + i\Gamma)e^{i\phi} & \Delta'_b - i\Gamma_b\end{pmatrix}` with the paper's definitions.
    """
    _, _, s = three_mode_model()
    gamma = s["gamma_m"] / 2
    den = s["Delta_c"] ** 2 + gamma**2
    ga, gb, Dc, phi = s["g_a"], s["g_b"], s["Delta_c"], s["phi"]
    G, Gam = ga * gb * Dc / den, gamma * ga * gb / den
    return sp.Matrix(
        [
            [
                s["Delta_a"] - ga**2 * Dc / den - sp.I * ga**2 * gamma / den,
                s["J"] - (G + sp.I * Gam) * sp.exp(-sp.I * phi),
            ],
            [
                s["J"] - (G + sp.I * Gam) * sp.exp(sp.I * phi),
                s["Delta_b"] - gb**2 * Dc / den - sp.I * gb**2 * gamma / den,
            ],
        ]
    )


# ----------------------------------------------------------------------------------------------
# Nonreciprocity and closed-form solutions (paper Eqs. 7-10, Appendix B)
# ----------------------------------------------------------------------------------------------


@cache
def nonreciprocity_condition() -> dict[str, Any]:
    r"""Solve :math:`M_{01} = 0` (no battery-to-charger coupling) for :math:`J`, and for :math:`\phi` with real :math:`J`.

    Returns
    -------
    dict
        ``"J"``: the complex solution :math:`J = i\frac{\Gamma}{2}e^{-i\phi}` (paper: :math:`J_- = i\frac{\Gamma}{2}e^{-i\phi}`);
        ``"real"``: list of ``{J: ..., phi: ...}`` solutions with real :math:`J` and
        :math:`\phi \in [0, 2\pi)` (:math:`\phi = \pi/2, J = \Gamma/2` and :math:`\phi = 3\pi/2, J = -\Gamma/2`);
        ``"reverse"``: the solution of :math:`M_{10} = 0` (battery decoupled from the charger instead).
    """
    M, _, s = drift_matrix()
    (J_sol,) = sp.solve(M[0, 1], s["J"])
    (J_rev,) = sp.solve(M[1, 0], sp.conjugate(s["J"]))
    J_real = sp.Symbol("J", real=True)
    entry = M[0, 1].subs(s["J"], J_real)
    real = sp.solve([sp.re(entry), sp.im(entry)], [J_real, s["phi"]], dict=True)
    return {"J": J_sol, "real": real, "reverse": sp.conjugate(J_rev)}


@cache
def _nonreciprocal_resonant_drift() -> tuple[sp.Matrix, sp.Matrix]:
    """M and f at resonance and full nonreciprocity, in terms of Lambda_a, Lambda_b."""
    M, f, s = drift_matrix()
    J_nr = nonreciprocity_condition()["J"]
    subs = {s["J"]: J_nr, s["Delta_a"]: 0, s["Delta_b"]: 0}
    M_nr = with_Lambda(M.subs(subs)).applyfunc(sp.simplify)
    return M_nr, f


def with_Lambda(expr: Any) -> Any:
    r"""Rewrite :math:`\kappa_{a,b}` as :math:`\Lambda_{a,b} - \Gamma` (paper's effective rates)."""
    s = _effective_symbols()
    return expr.subs({s["kappa_a"]: s["Lambda_a"] - s["Gamma"], s["kappa_b"]: s["Lambda_b"] - s["Gamma"]})


def _convolve(rate: sp.Expr, source: sp.Expr) -> sp.Expr:
    r""":math:`y(t) = \int_0^t e^{-r(t-s)}\,\mathrm{src}(s)\,ds` for a sum of exponentials (solves :math:`\dot y = -ry + \mathrm{src}`, :math:`y(0)=0`)."""
    s = sp.Dummy("s")
    total = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(source.subs(t, s))):
        coeff, dep = sp.powsimp(sp.factor(term)).as_independent(s, as_Add=False)
        k = sp.S.Zero
        if dep != 1:
            dep = sp.powsimp(dep)
            if not isinstance(dep, sp.exp):
                raise ValueError(f"_convolve: source term {term} is not an exponential in t")
            const, slope = sp.expand(dep.args[0]).as_independent(s, as_Add=True)
            coeff, k = coeff * sp.exp(const), sp.simplify(slope / s)
        if sp.simplify(k + rate) == 0:
            total += coeff * t * sp.exp(-rate * t)
        else:
            total += coeff * (sp.exp(k * t) - sp.exp(-rate * t)) / (k + rate)
    return total


@dataclass(frozen=True)
class ClosedForms:
    r"""Result of :func:`closed_form_solutions` (resonance, full nonreciprocity, from the vacuum).

    Attributes
    ----------
    drift, drive : the triangular drift matrix and the drive vector used
    alpha, beta : :math:`\langle a\rangle(t)`, :math:`\langle b\rangle(t)` from :math:`x(t) = (e^{Mt} - 1)M^{-1}f`
    n_a, n_b, m_ab : :math:`|\alpha|^2`, :math:`|\beta|^2`, :math:`\bar\alpha\beta`
    n_a_moments, n_b_moments, m_ab_moments : the same by integrating the second-moment
        equations in sequence (the paper's Appendix B route)
    alpha_ss, beta_ss, n_a_ss, n_b_ss : steady states (paper Eq. 10)
    ratio : :math:`E_B/E_A` in the steady state, :math:`4\Gamma^2/\Lambda_b^2`
    eta_ss : steady-state efficiency :math:`E_B/(E_A+E_B)`
    beta_equal, n_b_equal : the solution at :math:`\Lambda_a = \Lambda_b = \Lambda` (symbol ``Lambda_a``)
    alpha_detuned, n_a_detuned : charger with detuning :math:`\Delta_a` (paper Eq. 21)
    """

    drift: sp.Matrix
    drive: sp.Matrix
    alpha: sp.Expr
    beta: sp.Expr
    n_a: sp.Expr
    n_b: sp.Expr
    m_ab: sp.Expr
    n_a_moments: sp.Expr
    n_b_moments: sp.Expr
    m_ab_moments: sp.Expr
    alpha_ss: sp.Expr
    beta_ss: sp.Expr
    n_a_ss: sp.Expr
    n_b_ss: sp.Expr
    ratio: sp.Expr
    eta_ss: sp.Expr
    beta_equal: sp.Expr
    n_b_equal: sp.Expr
    alpha_detuned: sp.Expr
    n_a_detuned: sp.Expr


def _amplitudes(M: sp.Matrix, f: sp.Matrix) -> sp.Matrix:
    r""":math:`x(t) = \int_0^t e^{M(t-s)}f\,ds = (e^{Mt} - 1)M^{-1}f`, simplified."""
    return ((M * t).exp() - sp.eye(M.shape[0])) * M.inv() * f


def _tidy(expr: sp.Expr) -> sp.Expr:
    r"""Write a sum of exponentials as a polynomial in :math:`e^{-\Lambda_a t/2}, e^{-\Lambda_b t/2}` with factored coefficients."""
    s = _effective_symbols()
    u, v = sp.symbols("u v", positive=True)
    back = {u: sp.exp(-s["Lambda_a"] * t / 2), v: sp.exp(-s["Lambda_b"] * t / 2)}
    num, den = sp.fraction(sp.cancel(sp.together(sp.expand(expr).subs({back[u]: u, back[v]: v}))))
    if den.has(u, v) or any(x.has(t) for x in num.atoms(sp.exp)):
        return sp.expand(expr)
    poly = sp.Poly(num, u, v)
    terms = [
        sp.factor(coeff / den) * sp.Mul(*(g**k for g, k in zip((u, v), monom, strict=True)))
        for monom, coeff in poly.terms()
    ]
    return sp.Add(*[term.subs(back) for term in terms], evaluate=False)


@cache
def closed_form_solutions() -> ClosedForms:
    r"""Solve the charging dynamics at resonance and full nonreciprocity, from the vacuum.

    Returns
    -------
    ClosedForms

    Notes
    -----
    At :math:`\Delta_a = \Delta_b = 0` and :math:`J = i\frac{\Gamma}{2}e^{-i\phi}` the drift matrix is lower
    triangular, :math:`M = \begin{pmatrix}-\Lambda_a/2 & 0\\ -\Gamma e^{i\phi} & -\Lambda_b/2\end{pmatrix}`,
    and :math:`x(t) = (e^{Mt}-1)M^{-1}f` gives (paper Eqs. 21-22)

    .. math::

        \langle a\rangle = -\frac{2i\varepsilon}{\Lambda_a}\bigl(1 - e^{-\Lambda_a t/2}\bigr),\qquad
        \langle b\rangle = \frac{4i\varepsilon\Gamma e^{i\phi}}{\Lambda_a}\left[\frac{1 - e^{-\Lambda_b t/2}}{\Lambda_b}
            + \frac{e^{-\Lambda_a t/2} - e^{-\Lambda_b t/2}}{\Lambda_a - \Lambda_b}\right],

    so :math:`\langle a^\dagger a\rangle = |\langle a\rangle|^2` (Eq. 7 with :math:`\Lambda \to \Lambda_a`),
    :math:`E_B(\infty) = 16\omega\varepsilon^2\Gamma^2/(\Lambda_a^2\Lambda_b^2)` (Eq. 10, simplified) and
    :math:`E_B/E_A \to 4\Gamma^2/\Lambda_b^2`. At :math:`\Lambda_a = \Lambda_b` the bracket becomes
    :math:`(1 - e^{-\Lambda t/2})/\Lambda - \frac{t}{2}e^{-\Lambda t/2}` (a Jordan block of :math:`M`).
    The second moments are also obtained independently by integrating Eq. (20) in the order
    :math:`\langle a^\dagger a\rangle \to \langle a^\dagger b\rangle \to \langle b^\dagger b\rangle` (which is
    triangular at nonreciprocity), the paper's Appendix B route.
    """
    s = _effective_symbols()
    La, Lb = s["Lambda_a"], s["Lambda_b"]
    M, f = _nonreciprocal_resonant_drift()
    x = _amplitudes(M, f)
    alpha, beta = _tidy(x[0]), _tidy(x[1])
    bar = sp.conjugate
    n_a_t, n_b_t, m_t = (_tidy(u * v) for u, v in ((bar(alpha), alpha), (bar(beta), beta), (bar(alpha), beta)))
    # second-moment route: integrate Eq. (20) at nonreciprocity, driven by the first moments
    at_nr = {s["J"]: nonreciprocity_condition()["J"], s["Delta_a"]: 0, s["Delta_b"]: 0}
    eqs = {k: sp.expand(with_Lambda(v.subs(at_nr))) for k, v in second_moment_equations().items()}
    first = {mean_a: alpha, mean_b: beta}
    src_a = eqs[n_a].subs(first).subs(n_a, 0)
    na_m = _convolve(La, sp.expand(src_a))
    src_m = eqs[m_ab].subs(first).subs({n_a: na_m, n_b: 0, m_ab: 0})
    if eqs[m_ab].has(n_b):
        raise ValueError("closed_form_solutions: <a^dagger b> couples to <b^dagger b> at nonreciprocity")
    m_m = _convolve((La + Lb) / 2, sp.expand(src_m))
    src_b = eqs[n_b].subs({m_ab: m_m, n_b: 0})
    nb_m = _convolve(Lb, sp.expand(src_b))
    # steady states: the t -> oo limit, with the exponentials decaying (positive rates)
    x_ss = -M.inv() * f
    alpha_ss, beta_ss = sp.simplify(x_ss[0]), sp.simplify(x_ss[1])
    n_a_ss, n_b_ss = sp.simplify(alpha_ss * bar(alpha_ss)), sp.simplify(beta_ss * bar(beta_ss))
    ratio = sp.simplify(n_b_ss / n_a_ss)
    # equal damping, Lambda_a = Lambda_b: M is a Jordan block
    M_eq = M.subs(Lb, La)
    beta_eq = _tidy(_amplitudes(M_eq, f)[1])
    # the detuned charger (paper Eq. 21)
    M_full, f_full, _ = drift_matrix()
    a_det = _amplitudes(sp.Matrix([[with_Lambda(M_full[0, 0])]]), sp.Matrix([f_full[0]]))[0]
    return ClosedForms(
        drift=M,
        drive=f,
        alpha=alpha,
        beta=beta,
        n_a=n_a_t,
        n_b=n_b_t,
        m_ab=m_t,
        n_a_moments=_tidy(na_m),
        n_b_moments=_tidy(nb_m),
        m_ab_moments=_tidy(m_m),
        alpha_ss=alpha_ss,
        beta_ss=beta_ss,
        n_a_ss=n_a_ss,
        n_b_ss=n_b_ss,
        ratio=ratio,
        eta_ss=sp.simplify(n_b_ss / (n_a_ss + n_b_ss)),
        beta_equal=beta_eq,
        n_b_equal=_tidy(beta_eq * bar(beta_eq)),
        alpha_detuned=sp.simplify(a_det),
        n_a_detuned=sp.expand(a_det * bar(a_det)),
    )


def paper_A() -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    r"""The coefficients :math:`A_1, \ldots, A_4` below the paper's Eq. (9), transcribed."""
    s = _effective_symbols()
    La, Lb = s["Lambda_a"], s["Lambda_b"]
    return (
        1 / (La + Lb) + La / (Lb * (La + Lb)),
        -2 / Lb + La / (Lb * (La - Lb)),
        -1 / (La - Lb),
        -La / (Lb * (La - Lb)),
    )


def paper_eq7() -> sp.Expr:
    r"""Paper Eq. (7) as printed, reading its :math:`\Lambda^2` as :math:`\Lambda_a^2`."""
    s = _effective_symbols()
    return 4 * s["epsilon"] ** 2 / s["Lambda_a"] ** 2 * (1 - sp.exp(-s["Lambda_a"] * t / 2)) ** 2


def paper_eq8() -> sp.Expr:
    r"""Paper Eq. (8) / (24) for :math:`\langle b^\dagger b\rangle(t)`, transcribed with :func:`paper_A`.

    Undefined (0/0) at :math:`\Lambda_a = \Lambda_b` and with a :math:`1/(\Lambda_b - \Lambda_a/2)`
    factor; both singularities are removable (see :func:`closed_form_solutions`).
    """
    s = _effective_symbols()
    La, Lb, eps, G = s["Lambda_a"], s["Lambda_b"], s["epsilon"], s["Gamma"]
    A1, A2, A3, A4 = paper_A()
    E = lambda rate: sp.exp(-rate * t)  # noqa: E731
    bracket = (
        A1 / Lb * (1 - E(Lb))
        + A2 / (Lb - La / 2) * (E(La / 2) - E(Lb))
        + A3 / (Lb - La) * (E(La) - E(Lb))
        + 2 * A4 / Lb * (E(Lb / 2) - E(Lb))
        - 2 * (A1 + A2 + A3 + A4) / (Lb - La) * (E((La + Lb) / 2) - E(Lb))
    )
    return 16 * eps**2 * G**2 / La**2 * bracket


def paper_eq9() -> sp.Expr:
    r"""Paper Eq. (9) / (23) for :math:`\langle a^\dagger b\rangle(t)`, transcribed."""
    s = _effective_symbols()
    La, Lb, eps, G, phi = s["Lambda_a"], s["Lambda_b"], s["epsilon"], s["Gamma"], s["phi"]
    A1, A2, A3, A4 = paper_A()
    eab = sp.exp(-(La + Lb) * t / 2)
    bracket = (
        A1 * (1 - eab)
        + A2 * (sp.exp(-La * t / 2) - eab)
        + A3 * (sp.exp(-La * t) - eab)
        + A4 * (sp.exp(-Lb * t / 2) - eab)
    )
    return -8 * eps**2 * G * sp.exp(sp.I * phi) / La**2 * bracket


def paper_eq10() -> tuple[sp.Expr, sp.Expr]:
    r"""Paper Eq. (10): :math:`(E_A(\infty), E_B(\infty))` as printed."""
    s = _effective_symbols()
    La, Lb, eps, G, w = s["Lambda_a"], s["Lambda_b"], s["epsilon"], s["Gamma"], s["omega"]
    E_A = 4 * w * eps**2 / La**2
    E_B = 16 * w * eps**2 * G**2 / (La**2 * Lb * (La + Lb)) + 16 * w * eps**2 * G**2 / (La * Lb**2 * (La + Lb))
    return E_A, E_B


def paper_eq21() -> tuple[sp.Expr, sp.Expr]:
    r"""Paper Eq. (21) and the line below it: :math:`\langle a\rangle(t)` and :math:`\langle a^\dagger a\rangle(t)` with detuning."""
    s = _effective_symbols()
    La, D, eps = s["Lambda_a"], s["Delta_a"], s["epsilon"]
    den = D**2 + (La / 2) ** 2
    alpha = eps * (D - sp.I * La / 2) / den * (1 - sp.exp(-La * t / 2) * sp.exp(-sp.I * D * t))
    n = eps**2 / den * (1 + sp.exp(-La * t) - 2 * sp.exp(-La * t / 2) * sp.cos(D * t))
    return alpha, n


def paper_eq22() -> sp.Expr:
    r"""Paper Eq. (22) for :math:`\langle b\rangle(t)`, transcribed."""
    s = _effective_symbols()
    La, Lb, eps, G, phi = s["Lambda_a"], s["Lambda_b"], s["epsilon"], s["Gamma"], s["phi"]
    eb, ea = sp.exp(-Lb * t / 2), sp.exp(-La * t / 2)
    return 4 * sp.I * eps * G * sp.exp(sp.I * phi) / La * ((1 - eb) / Lb + (ea - eb) / (La - Lb))


def paper_ratio() -> sp.Expr:
    r"""The paper's Sec. 3.1 steady ratio :math:`E_B/E_A = 4\Gamma^2/\Delta^2`, as printed (:math:`\Delta = \Delta'_b - \Delta'_a`).

    Infinite at the resonance :math:`\Delta = 0` it is quoted for; the derived ratio is :func:`steady_state_ratio`.
    """
    s = _effective_symbols()
    return 4 * s["Gamma"] ** 2 / (s["Delta_b"] - s["Delta_a"]) ** 2


def steady_state_ratio() -> sp.Expr:
    r""":math:`E_B(\infty)/E_A(\infty) = 4\Gamma^2/\Lambda_b^2` at resonance and nonreciprocity (derived).

    The paper prints :math:`4\Gamma^2/\Delta^2 \approx 4`; :math:`\Delta` is its detuning, which is zero there.
    """
    return closed_form_solutions().ratio


# ----------------------------------------------------------------------------------------------
# Helpers for numbers
# ----------------------------------------------------------------------------------------------


def evaluate(expr: Any, p: Any, t: Any = None, values: Mapping[sp.Symbol, Any] | None = None) -> Any:
    r"""Evaluate a symbolic result numerically for a parameter object.

    Parameters
    ----------
    expr : sympy.Expr or sympy.Matrix
    p : nrqb.Params or nrqb.ThreeModeParams
        Each free symbol is looked up by its name as an attribute of ``p`` (``Gamma``, ``J``,
        ``Lambda_a``, ``g_a``, ...), scalar parameters only.
    t : array_like, optional
        Times (units of :math:`1/\omega`) for the symbol :data:`t`.
    values : mapping, optional
        Values for other symbols, e.g. moment symbols ``{n_a: array}``.

    Returns
    -------
    numpy.ndarray or complex

    Raises
    ------
    ValueError
        If a free symbol has no value.

    Notes
    -----
    Values are passed as NumPy arrays, so a removable singularity (e.g. :func:`paper_eq8` at
    :math:`\Lambda_a = \Lambda_b`) evaluates to ``nan`` rather than raising.
    """
    values = dict(values or {})
    args, vals = [], []
    for sym in sorted(expr.free_symbols, key=sp.default_sort_key):
        if sym in values:
            val = values[sym]
        elif sym == globals()["t"]:
            if t is None:
                raise ValueError("evaluate: the expression depends on t; pass t")
            val = t
        elif hasattr(p, sym.name):
            val = getattr(p, sym.name)
        else:
            raise ValueError(f"evaluate: no value for symbol {sym.name!r}; pass it in `values`")
        args.append(sym)
        vals.append(np.asarray(val))
    fn = sp.lambdify(args, expr, modules="numpy", dummify=True)
    return fn(*vals)


def is_zero(expr: Any) -> bool:
    """True when a (matrix or scalar) SymPy expression simplifies to zero."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(e) for e in expr)
    return sp.simplify(sp.expand(expr)) == 0
