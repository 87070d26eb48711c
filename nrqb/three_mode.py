r"""The full three-mode model of paper Eq. (1) and the adiabatic elimination of the bad cavity.

Modes: charger ``a``, battery ``b``, bad cavity ``c``. The Hamiltonian (rotating frame
of the drive) is

.. math::

    H = \Delta_a a^\dagger a + \Delta_b b^\dagger b + \Delta_c c^\dagger c
        + g_a (e^{i\phi} a c^\dagger + e^{-i\phi} a^\dagger c) + g_b (b c^\dagger + b^\dagger c)
        + J (a^\dagger b + b^\dagger a) + \varepsilon (a + a^\dagger),

and the bad cavity decays at the energy rate :math:`\gamma_m` (the paper's
:math:`-i\gamma_m/2\, c^\dagger c`, i.e. a Lindblad term :math:`\gamma_m D[c]`), the charger and
battery at :math:`\kappa_a, \kappa_b`. The linear 3x3 problem is solved exactly with a
matrix exponential; no adiabatic approximation is made.

Eliminating :math:`c` (:math:`\dot c \approx 0`) gives :func:`eliminate`. The Lindblad rate of the
collective dissipator :math:`\Gamma D[a + e^{-i\phi}b]` comes out as

.. math:: \Gamma = \frac{2 g_a g_b \gamma}{\Delta_c^2 + \gamma^2} = \frac{4 g_a g_b}{\gamma_m}\ (\Delta_c = 0),\qquad \gamma = \gamma_m/2,

twice the paper's Sec. 2 expression (which is the amplitude rate that multiplies
:math:`-i a^\dagger a` in :math:`H_{eff}`) and four times its Sec. 5 expression
:math:`g^2/\gamma_m`. The tests and the chapter "Eliminating the bad cavity" confirm
this against the three-mode dynamics.

Examples
--------
A three-mode model whose elimination gives the paper's effective parameters, with a bad cavity 500 times
faster than :math:`\Gamma`; its Lindblad rate is :math:`4g^2/\gamma_m`:

>>> import numpy as np, nrqb
>>> p = nrqb.paper_params()
>>> p3 = three_mode_from_effective(p, gamma_m=20.0)
>>> bool(np.isclose(eliminate(p3).Gamma, p.Gamma) and np.isclose(4 * p3.g_a**2 / p3.gamma_m, p.Gamma))
True

In the steady state :math:`\dot c = 0` holds exactly, so there the elimination is exact; during charging the
models differ by a relative amount that falls as :math:`1/\gamma_m` at fixed :math:`\Gamma`:

>>> ss3, ss = steady_state_three_mode(p3), nrqb.steady_state(p)
>>> bool(abs(ss3.E_B - ss.E_B) < 1e-12 * ss.E_B)
True
>>> t = np.linspace(0.0, 200.0, 9)
>>> def error(gamma_m):
...     q3 = three_mode_from_effective(p, gamma_m=gamma_m)
...     return np.abs(evolve_three_mode(q3, t).E_B - nrqb.evolve(p, t).E_B).max() / ss.E_B
>>> bool(error(20.0) < 1e-3), round(float(error(20.0) / error(80.0)), 1)
(True, 4.0)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .linear import expm_batched, lyapunov_integral, lyapunov_steady, lyapunov_transient
from .observables import efficiency
from .params import ModelFields, Params
from .validation import broadcast_with_times, check_times, validate_field

__all__ = [
    "ADIABATIC_LIMIT",
    "AdiabaticityWarning",
    "ThreeModeParams",
    "ThreeModeTrajectory",
    "adiabaticity_ratios",
    "eliminate",
    "evolve_three_mode",
    "gamma_conventions",
    "steady_state_three_mode",
    "three_mode_from_effective",
]


#: :func:`eliminate` warns when a ratio of :func:`adiabaticity_ratios` exceeds this. Measured in
#: ``tests/test_three_mode.py`` (resonant cavity, one ratio varied, the others at 0.05): at the limit the effective
#: E_B(t) is off the three-mode one by 1-4 % of its maximum, at a third of it by 0.1-1.3 %, at three times it by 5-14 %.
ADIABATIC_LIMIT = 0.2


class AdiabaticityWarning(UserWarning):
    """Adiabatic elimination of the bad cavity is not valid for these parameters (see :func:`nrqb.eliminate`)."""


@dataclass(frozen=True, eq=False)
class ThreeModeParams(ModelFields):
    r"""Parameters of the three-mode model, paper Eq. (1); units of ``omega``, broadcastable.

    Parameters
    ----------
    g_a, g_b : float or array
        Couplings of charger and battery to the bad cavity (:math:`g_a e^{\pm i\phi}`, :math:`g_b`).
    gamma_m : float or array
        Energy decay rate :math:`\gamma_m \ge 0` of the bad cavity.
    Delta_c : float or array
        Bad-cavity detuning :math:`\Delta_c` from the drive.
    kappa_a, kappa_b, epsilon, phi, J, Delta_a, Delta_b, omega, n_th_a, n_th_b
        As in :class:`nrqb.Params` (here ``Delta_a, Delta_b`` are the bare detunings).
    n_th_c : float or array, default 0
        Thermal occupation of the bad cavity's bath.
    """

    g_a: Any
    g_b: Any
    gamma_m: Any
    Delta_c: Any
    kappa_a: Any
    kappa_b: Any
    epsilon: Any
    phi: Any
    J: Any
    Delta_a: Any = 0.0
    Delta_b: Any = 0.0
    omega: Any = 1.0
    n_th_a: Any = 0.0
    n_th_b: Any = 0.0
    n_th_c: Any = 0.0
    shape: tuple[int, ...] = field(init=False, repr=False, compare=False)

    _owner = "ThreeModeParams"

    @property
    def adiabaticity(self) -> NDArray | float:
        r""":math:`\max(g_a, g_b)/|\Delta_c - i\gamma_m/2|`: small when elimination is valid."""
        return np.maximum(np.abs(self.g_a), np.abs(self.g_b)) / np.abs(self.Delta_c - 0.5j * self.gamma_m)


@dataclass(frozen=True, eq=False)
class ThreeModeTrajectory:
    r"""Result of :func:`evolve_three_mode`; arrays of the broadcast shape of ``p.shape`` and ``t``.

    Attributes
    ----------
    t, alpha, beta, c : amplitudes :math:`\langle a\rangle, \langle b\rangle, \langle c\rangle`
    n_a, n_b, n_c : occupations
    E_A, E_B, E_C : energies :math:`\omega\langle n\rangle` (all modes measured in units of omega)
    eta : :math:`E_B/(E_A+E_B)`
    P : :math:`dE_B/dt`, exact
    """

    t: NDArray
    alpha: NDArray
    beta: NDArray
    c: NDArray
    n_a: NDArray
    n_b: NDArray
    n_c: NDArray
    E_A: NDArray
    E_B: NDArray
    E_C: NDArray
    eta: NDArray
    P: NDArray
    params: ThreeModeParams


def drift_matrix_three_mode(p: ThreeModeParams) -> tuple[NDArray, NDArray, NDArray]:
    r"""Drift matrix, drive vector and noise matrix of :math:`(\langle a\rangle, \langle b\rangle, \langle c\rangle)`."""
    shape = p.shape
    phase = np.exp(1j * np.asarray(p.phi))
    M = np.zeros((*shape, 3, 3), dtype=complex)
    M[..., 0, 0] = -1j * p.Delta_a - 0.5 * p.kappa_a
    M[..., 1, 1] = -1j * p.Delta_b - 0.5 * p.kappa_b
    M[..., 2, 2] = -1j * p.Delta_c - 0.5 * p.gamma_m
    M[..., 0, 1] = M[..., 1, 0] = -1j * np.asarray(p.J)
    M[..., 0, 2] = -1j * p.g_a / phase
    M[..., 2, 0] = -1j * p.g_a * phase
    M[..., 1, 2] = M[..., 2, 1] = -1j * np.asarray(p.g_b)
    f = np.zeros((*shape, 3), dtype=complex)
    f[..., 0] = -1j * np.asarray(p.epsilon)
    D = np.zeros((*shape, 3, 3), dtype=complex)
    D[..., 0, 0] = p.kappa_a * p.n_th_a
    D[..., 1, 1] = p.kappa_b * p.n_th_b
    D[..., 2, 2] = p.gamma_m * p.n_th_c
    return M, f, D


def _require_three_mode(p: object, what: str) -> ThreeModeParams:
    """``p`` if it is a :class:`ThreeModeParams`; a TypeError that points an effective model to its own solver."""
    if isinstance(p, ThreeModeParams):
        return p
    if isinstance(p, Params):
        other = {"evolve_three_mode": "evolve", "steady_state_three_mode": "steady_state", "eliminate": "evolve"}[what]
        raise TypeError(f"{what} needs nrqb.ThreeModeParams (paper Eq. 1); for the effective Params use nrqb.{other}")
    raise TypeError(f"{what}: p must be an nrqb.ThreeModeParams; got {type(p).__name__}")


def _undamped_modes(p: ThreeModeParams, M: NDArray) -> NDArray:
    r"""Entries with a mode of ``M`` that no damping reaches, to the accuracy of the 3x3 eigen-decomposition.

    A mode's decay rate is :math:`v^\dagger K v/(2|v|^2)`, :math:`K = \mathrm{diag}(\kappa_a, \kappa_b, \gamma_m)`
    (a sum of non-negative terms); it counts as zero below :math:`10^{-12}` of the largest rate of :math:`K`.
    """
    K = np.stack(np.broadcast_arrays(p.kappa_a, p.kappa_b, p.gamma_m), axis=-1)
    K = np.broadcast_to(K, (*p.shape, 3))
    _, vectors = np.linalg.eig(M)
    weights = np.abs(vectors) ** 2  # (..., component, mode), columns normalised
    rates = 0.5 * np.einsum("...k,...km->...m", K, weights)
    return np.any(rates <= 1e-12 * K.max(axis=-1, keepdims=True), axis=-1)


def evolve_three_mode(p: ThreeModeParams, t: ArrayLike) -> ThreeModeTrajectory:
    r"""Charge from the vacuum with the full three-mode model (no elimination).

    Parameters
    ----------
    p : ThreeModeParams
    t : array_like
        Times :math:`\ge 0` in units of ``1/omega``; broadcast with ``p``'s fields.

    Returns
    -------
    ThreeModeTrajectory

    Notes
    -----
    The amplitudes come from the exponential of the augmented 4x4 matrix
    :math:`\begin{pmatrix} M & f\\ 0 & 0\end{pmatrix} t`, whose last column holds
    :math:`x(t) = \int_0^t e^{Ms} f\, ds`; this needs no inverse of :math:`M`.
    Thermal fluctuations use :math:`N(t) = N_{ss} - \bar E N_{ss} E^T`.
    """
    p = _require_three_mode(p, "evolve_three_mode")
    times = check_times(t)
    M, f, D = drift_matrix_three_mode(p)
    shape = broadcast_with_times("evolve_three_mode", p.shape, times.shape)
    aug = np.zeros((*p.shape, 4, 4), dtype=complex)
    aug[..., :3, :3] = M
    aug[..., :3, 3] = f
    E_aug = expm_batched(np.broadcast_to(aug, (*shape, 4, 4)), np.broadcast_to(times, shape))
    x = E_aug[..., :3, 3]
    E = E_aug[..., :3, :3]
    x_dot = np.einsum("...ij,...j->...i", E, np.broadcast_to(f, (*shape, 3)))
    if p.is_thermal:
        if np.any(_undamped_modes(p, M)):  # the steady Lyapunov equation is singular: integrate instead
            N_t = lyapunov_integral(M, D, times)
        else:
            N_t = lyapunov_transient(lyapunov_steady(M, D), E)
        N_dot = M.conj() @ N_t + N_t @ np.swapaxes(M, -1, -2) + D
        fluct = np.stack([N_t[..., i, i].real for i in range(3)], axis=-1)
        n_b_dot = N_dot[..., 1, 1].real
    else:
        fluct = np.zeros((*shape, 3))
        n_b_dot = 0.0
    P = np.broadcast_to(p.omega, shape) * (2 * (np.conj(x[..., 1]) * x_dot[..., 1]).real + n_b_dot)
    return _trajectory(p, np.broadcast_to(times, shape), x, fluct, P)


def _trajectory(p: ThreeModeParams, t: NDArray, x: NDArray, fluct: NDArray, P: NDArray) -> ThreeModeTrajectory:
    """Bundle amplitudes ``x[..., (a, b, c)]`` and fluctuation occupations into a result."""
    n = np.abs(x) ** 2 + fluct
    omega = np.broadcast_to(p.omega, n.shape[:-1])
    E_A, E_B, E_C = (omega * n[..., i] for i in range(3))
    return ThreeModeTrajectory(
        t=t,
        alpha=x[..., 0],
        beta=x[..., 1],
        c=x[..., 2],
        n_a=n[..., 0],
        n_b=n[..., 1],
        n_c=n[..., 2],
        E_A=E_A,
        E_B=E_B,
        E_C=E_C,
        eta=efficiency(E_A, E_B),
        P=P,
        params=p,
    )


def steady_state_three_mode(p: ThreeModeParams) -> ThreeModeTrajectory:
    r"""The :math:`t\to\infty` limit of :func:`evolve_three_mode` (``t = inf``, ``P = 0``).

    Raises
    ------
    TypeError
        For a ``p`` that is not a :class:`ThreeModeParams`.
    ValueError
        When a mode is undamped (no :math:`t \to \infty` limit), e.g. with zero damping everywhere.
    """
    p = _require_three_mode(p, "steady_state_three_mode")
    M, f, D = drift_matrix_three_mode(p)
    undamped = _undamped_modes(p, M)
    if np.any(undamped):
        where = f" (first at index {tuple(int(i) for i in np.argwhere(undamped)[0])})" if undamped.ndim else ""
        raise ValueError(
            f"steady_state_three_mode: no steady state{where}: a mode of the three-mode drift matrix is undamped "
            "(decay rate zero to the accuracy of the eigen-decomposition), a combination of a, b and c that none of "
            "kappa_a, kappa_b, gamma_m reaches; give them values > 0"
        )
    x = -np.linalg.solve(M, f[..., None])[..., 0]
    if p.is_thermal:
        N_ss = lyapunov_steady(M, D)
        fluct = np.stack([N_ss[..., i, i].real for i in range(3)], axis=-1)
    else:
        fluct = np.zeros((*p.shape, 3))
    return _trajectory(p, np.full(p.shape, np.inf), x, fluct, np.zeros(p.shape))


def gamma_conventions(g: ArrayLike, gamma_m: ArrayLike, Delta_c: ArrayLike = 0.0) -> dict[str, NDArray | float]:
    r"""The collective rate Gamma by the three formulas in play, for :math:`g_a = g_b = g`.

    Returns
    -------
    dict
        ``"lindblad"``: :math:`2g^2\gamma/(\Delta_c^2+\gamma^2)`, :math:`\gamma = \gamma_m/2` (what
        :func:`eliminate` returns and the three-mode model confirms);
        ``"paper_sec2"``: :math:`g^2\gamma/(\Delta_c^2+\gamma^2)` (paper Eq. 2 text);
        ``"paper_sec5"``: :math:`g^2/\gamma_m` (paper Sec. 5).
    """
    g = np.asarray(g, dtype=float)
    gamma = 0.5 * np.asarray(gamma_m, dtype=float)
    den = np.asarray(Delta_c, dtype=float) ** 2 + gamma**2
    return {
        "lindblad": 2 * g**2 * gamma / den,
        "paper_sec2": g**2 * gamma / den,
        "paper_sec5": g**2 / np.asarray(gamma_m, dtype=float),
    }


def adiabaticity_ratios(p: ThreeModeParams) -> dict[str, NDArray | float]:
    r"""The small parameters of the adiabatic elimination, each a rate over the bad cavity's :math:`|\Delta_c - i\gamma_m/2|`.

    Returns
    -------
    dict
        ``"g/|Delta_c - i gamma_m/2|"`` (the paper's condition :math:`|\Delta_c + i\gamma_m| \gg g_a, g_b`,
        :attr:`ThreeModeParams.adiabaticity`), ``"kappa/|Delta_c - i gamma_m/2|"`` (:math:`\gamma_m \gg
        \kappa_a, \kappa_b`) and ``"J/|Delta_c - i gamma_m/2|"`` (the direct coupling must be slow too). Arrays of
        ``p.shape``, or floats; :func:`eliminate` warns above :data:`ADIABATIC_LIMIT`.

    Examples
    --------
    >>> import nrqb
    >>> p3 = nrqb.three_mode_from_effective(nrqb.paper_params(), gamma_m=20.0)
    >>> {k: round(float(v), 4) for k, v in nrqb.three_mode.adiabaticity_ratios(p3).items()}
    {'g/|Delta_c - i gamma_m/2|': 0.0447, 'kappa/|Delta_c - i gamma_m/2|': 0.0003, 'J/|Delta_c - i gamma_m/2|': 0.002}
    """
    cavity = np.abs(np.asarray(p.Delta_c) - 0.5j * np.asarray(p.gamma_m))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "g/|Delta_c - i gamma_m/2|": np.maximum(np.abs(p.g_a), np.abs(p.g_b)) / cavity,
            "kappa/|Delta_c - i gamma_m/2|": np.maximum(p.kappa_a, p.kappa_b) / cavity,
            "J/|Delta_c - i gamma_m/2|": np.abs(np.asarray(p.J)) / cavity,
        }
    return {k: float(v) if np.ndim(v) == 0 else np.broadcast_to(v, p.shape) for k, v in values.items()}


def _warn_if_not_adiabatic(p: ThreeModeParams) -> None:
    failing = {}
    for name, value in adiabaticity_ratios(p).items():
        above = np.asarray(value) > ADIABATIC_LIMIT
        if np.any(above):
            count = f" in {int(above.sum())} of {above.size} entries" if above.ndim else ""
            failing[name] = f"{name} = {float(np.max(value)):.3g}{count}"
    if failing:
        warnings.warn(
            AdiabaticityWarning(
                "eliminate: adiabatic elimination of the bad cavity is not valid here: "
                f"{'; '.join(failing.values())} (each should be << 1; warned above {ADIABATIC_LIMIT}). The effective "
                "E_B(t) then drifts from the exact three-mode one (by 1-4 % of its maximum at 0.2, 5-14 % at 0.6, "
                "tens of percent near 1): compare with evolve_three_mode."
            ),
            stacklevel=3,
        )


def eliminate(p: ThreeModeParams) -> Params:
    r"""Adiabatically eliminate the bad cavity: the effective :class:`nrqb.Params` (paper Eq. 2).

    Setting :math:`\dot c = 0` in the three-mode equations gives
    :math:`c \approx -(g_a e^{i\phi} a + g_b b)/(\Delta_c - i\gamma)`, :math:`\gamma = \gamma_m/2`, and

    * Lamb shifts :math:`\Delta'_{a,b} = \Delta_{a,b} - g_{a,b}^2 \Delta_c/(\Delta_c^2 + \gamma^2)`,
    * coherent coupling :math:`J_- = J - G e^{-i\phi}`, :math:`G = g_a g_b \Delta_c/(\Delta_c^2+\gamma^2)`,
      (complex in general; real when :math:`\Delta_c = 0`),
    * collective Lindblad rate :math:`\Gamma = 2 g_a g_b\gamma/(\Delta_c^2+\gamma^2)`,
      twice the paper's Sec. 2 :math:`\Gamma` (see :func:`gamma_conventions`),
    * the reservoir's thermal occupation ``n_th_c`` carried over.

    Parameters
    ----------
    p : ThreeModeParams
        Needs :math:`g_a = g_b` (paper Eq. 5 assumes it): with :math:`g_a \ne g_b` the reservoir's
        dissipator :math:`D[g_a a + g_b e^{-i\phi} b]` is not of the form of :class:`nrqb.Params`.

    Returns
    -------
    Params

    Raises
    ------
    ValueError
        If ``g_a != g_b`` or ``gamma_m == 0`` with ``Delta_c == 0`` (no reservoir to eliminate).

    Warns
    -----
    AdiabaticityWarning
        When a ratio of :func:`adiabaticity_ratios` exceeds :data:`ADIABATIC_LIMIT`; the message names the
        ratios and their values. Where none does, the effective :math:`E_B(t)` is within a few percent of the
        three-mode one (measured in ``tests/test_three_mode.py``).
    """
    p = _require_three_mode(p, "eliminate")
    if not np.allclose(p.g_a, p.g_b, rtol=1e-12, atol=0):
        raise ValueError(
            "eliminate: the effective model nrqb.Params has one collective rate Gamma, which needs "
            f"g_a == g_b; got g_a={p.g_a!r}, g_b={p.g_b!r}. Use evolve_three_mode for unequal couplings."
        )
    gamma = 0.5 * np.asarray(p.gamma_m)
    den = np.asarray(p.Delta_c) ** 2 + gamma**2
    if np.any(den == 0):
        raise ValueError("eliminate: gamma_m and Delta_c are both 0 for some entries (no reservoir to eliminate)")
    _warn_if_not_adiabatic(p)
    G = p.g_a * p.g_b * p.Delta_c / den
    J_minus = p.J - G * np.exp(-1j * np.asarray(p.phi))
    if np.all(np.imag(J_minus) == 0):
        J_minus = np.real(J_minus)
    return Params(
        Gamma=2 * p.g_a * p.g_b * gamma / den,
        kappa_a=p.kappa_a,
        kappa_b=p.kappa_b,
        epsilon=p.epsilon,
        phi=p.phi,
        J=J_minus,
        Delta_a=p.Delta_a - p.g_a**2 * p.Delta_c / den,
        Delta_b=p.Delta_b - p.g_b**2 * p.Delta_c / den,
        omega=p.omega,
        n_th_a=p.n_th_a,
        n_th_b=p.n_th_b,
        n_th_c=p.n_th_c,
    )


def three_mode_from_effective(p: Params, gamma_m: ArrayLike, Delta_c: ArrayLike = 0.0) -> ThreeModeParams:
    r"""A three-mode model whose elimination gives ``p`` (resonant reservoir, :math:`g_a = g_b`).

    Inverts :func:`eliminate` for :math:`\Delta_c = 0`: :math:`g = \sqrt{\Gamma\gamma_m}/2`.
    For :math:`\Delta_c \ne 0` it uses :math:`g^2 = \Gamma(\Delta_c^2+\gamma^2)/(2\gamma)` and compensates
    the Lamb shifts and :math:`G`, so the effective parameters match ``p`` exactly.

    Raises
    ------
    TypeError
        If ``p`` is not a :class:`nrqb.Params`.
    ValueError
        If ``gamma_m`` is 0, or ``p.J`` is complex with :math:`\Delta_c = 0` (the three-mode ``J`` is real).
    """
    if not isinstance(p, Params):
        raise TypeError(f"three_mode_from_effective: p must be an nrqb.Params; got {type(p).__name__}")
    gamma_m = validate_field("ThreeModeParams", "gamma_m", gamma_m)
    Delta_c = validate_field("ThreeModeParams", "Delta_c", Delta_c)
    if np.any(np.asarray(gamma_m) == 0):
        raise ValueError(
            "three_mode_from_effective: gamma_m (the bad cavity's energy decay rate) must be > 0, since the "
            f"collective rate Gamma = 2 g^2 gamma/(Delta_c^2 + gamma^2) needs a lossy cavity; got {gamma_m!r}"
        )
    gamma = 0.5 * np.asarray(gamma_m)
    den = np.asarray(Delta_c) ** 2 + gamma**2
    g = np.sqrt(p.Gamma * den / (2 * gamma))
    G = g**2 * Delta_c / den
    J_bare = np.asarray(p.J) + G * np.exp(-1j * np.asarray(p.phi))
    if np.any(np.abs(np.imag(J_bare)) > 1e-12 * (np.abs(J_bare) + 1e-300)):
        raise ValueError(
            "three_mode_from_effective: the effective coupling J - G e^{-i phi} needs a complex bare J "
            "for these parameters; the three-mode model's J is real"
        )
    shift = g**2 * Delta_c / den
    return ThreeModeParams(
        g_a=g,
        g_b=g,
        gamma_m=gamma_m,
        Delta_c=Delta_c,
        kappa_a=p.kappa_a,
        kappa_b=p.kappa_b,
        epsilon=p.epsilon,
        phi=p.phi,
        J=np.real(J_bare),
        Delta_a=p.Delta_a + shift,
        Delta_b=p.Delta_b + shift,
        omega=p.omega,
        n_th_a=p.n_th_a,
        n_th_b=p.n_th_b,
        n_th_c=p.n_th_c,
    )
