r"""Charging dynamics of the effective model from the vacuum: exact to rounding, vectorised.

:func:`evolve` solves the mean-field equations (paper Eq. 5 / 13) and, when a bath
is thermal, the second-moment (Lyapunov) equations that extend the paper's Eq. (6)
with noise, all in closed form (:mod:`nrqb.linear`). No ODE integrator is used.

Accuracy
--------
The rates are scaled by a power of two (no overflow or underflow of their products), the slow eigenvalue and
:math:`\det M` are computed without cancellation (:func:`nrqb.drift.spectrum`) and so are the time functions
(:func:`nrqb.linear.driven_coefficients_2x2`). Against 50-digit arithmetic at rate ratios up to :math:`10^{14}`
the energies and the power agree to about :math:`10^{-12}` relative, beyond what the last digit of :math:`t`
itself can change (the phase :math:`\lambda t` of a long-lived oscillation moves by :math:`\epsilon|\lambda| t`):
``tests/test_precision.py`` measures it. Values below about :math:`10^{-308}` underflow to 0; rates beyond
about :math:`10^{306}`, or eigenvalues more than :math:`10^{290}` apart, are refused with a message.

From the vacuum at zero temperature the state stays a product of coherent states,
so :math:`\langle a^\dagger a\rangle = |\langle a\rangle|^2` exactly and the mean field is
the full quantum answer (checked against a Fock-space master equation in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .drift import Spectrum, decay_rates, noise_matrix, spectrum
from .linear import DrivenCoefficients, driven_coefficients_2x2, lyapunov_integral, lyapunov_steady, lyapunov_transient
from .observables import efficiency, gaussian_ergotropy
from .params import Params
from .validation import broadcast_with_times, check_times

__all__ = ["SteadyState", "Trajectory", "evolve", "steady_state"]


@dataclass(frozen=True, eq=False)
class Trajectory:
    r"""Result of :func:`evolve`; every array has the broadcast shape of ``p.shape`` and ``t``.

    Attributes
    ----------
    t : ndarray
        Times, in units of ``1/omega``.
    alpha, beta : complex ndarray
        Mean amplitudes :math:`\langle a\rangle, \langle b\rangle`.
    n_a, n_b : ndarray
        Occupations :math:`\langle a^\dagger a\rangle, \langle b^\dagger b\rangle` (coherent plus thermal part).
    E_A, E_B : ndarray
        Energies :math:`\omega\langle a^\dagger a\rangle`, :math:`\omega\langle b^\dagger b\rangle`.
    eta : ndarray
        Efficiency :math:`E_B/(E_A+E_B)` (paper Eq. 11).
    P : ndarray
        Charging power :math:`dE_B/dt` (paper Eq. 12), the exact derivative.
    ergotropy_B : ndarray
        Work extractable from the battery by a unitary (equals ``E_B`` at zero temperature).
    eta_ergotropy : ndarray
        :math:`\mathcal{E}_B/(E_A+E_B)`: the efficiency counted in extractable work.
    params : Params
    """

    t: NDArray
    alpha: NDArray
    beta: NDArray
    n_a: NDArray
    n_b: NDArray
    E_A: NDArray
    E_B: NDArray
    eta: NDArray
    P: NDArray
    ergotropy_B: NDArray
    eta_ergotropy: NDArray
    params: Params


@dataclass(frozen=True, eq=False)
class SteadyState:
    r"""Result of :func:`steady_state`: the :math:`t\to\infty` limit, shape ``p.shape``.

    Attributes are those of :class:`Trajectory` without ``t`` and ``P`` (zero).
    """

    alpha: NDArray
    beta: NDArray
    n_a: NDArray
    n_b: NDArray
    E_A: NDArray
    E_B: NDArray
    eta: NDArray
    ergotropy_B: NDArray
    eta_ergotropy: NDArray
    params: Params


def _require_params(p: object, what: str) -> Params:
    """``p`` if it is a :class:`Params`; a TypeError that points a three-mode model to its own solver."""
    if isinstance(p, Params):
        return p
    solver = {"evolve": "evolve_three_mode", "steady_state": "steady_state_three_mode"}[what]
    if type(p).__name__ == "ThreeModeParams":
        raise TypeError(
            f"{what} solves the effective two-mode model (nrqb.Params); use nrqb.{solver} for ThreeModeParams"
        )
    raise TypeError(f"{what}: p must be an nrqb.Params; got {type(p).__name__}")


def _require_representable(p: Params, sp: Spectrum, what: str) -> None:
    """Rates near the ends of the floating-point range cannot be represented: name the parameters."""
    larger = np.maximum(np.abs(sp.lam_plus), np.abs(sp.lam_minus))
    smaller = np.minimum(np.abs(sp.lam_plus), np.abs(sp.lam_minus))
    with np.errstate(over="ignore"):
        too_large = ~(sp.scale * larger <= 1e306)
    if np.any(too_large):
        raise ValueError(
            f"{what}: the rates and couplings (Gamma, kappa_a, kappa_b, Delta_a, Delta_b, J) must stay below "
            f"about 1e306{_first_index(too_large)}, so that the eigenvalues of the drift matrix are finite floats"
        )
    too_far = (smaller > 0) & (smaller < 1e-290 * larger)
    if np.any(too_far):
        raise ValueError(
            f"{what}: the two eigenvalues of the drift matrix are more than 1e290 apart{_first_index(too_far)}; "
            "such a spread of the rates and couplings (Gamma, kappa_a, kappa_b, Delta_a, Delta_b, J) is beyond "
            "double precision"
        )


def _first_index(mask: NDArray) -> str:
    return f" (first at index {tuple(int(i) for i in np.argwhere(mask)[0])})" if mask.ndim else ""


def _require_damped(p: Params, sp: Spectrum, what: str) -> None:
    """Refuse parameters with an undamped mode: the drift matrix then has no t -> inf limit."""
    rates, bounds = decay_rates(p, sp)
    undamped = np.any(rates <= bounds, axis=-1)
    if np.any(undamped):
        rate = float(np.min(np.where(undamped[..., None], rates, np.inf)))
        raise ValueError(
            f"{what}: no steady state{_first_index(undamped)}: a mode of the drift matrix is undamped (decay rate "
            f"{rate:.3g}, zero to rounding): a combination of a and b that no damping reaches, e.g. with "
            "kappa_a = kappa_b = 0 and J = 0, phi = 0; give kappa_a or kappa_b a value > 0"
        )


def _require_finite(what: str, **values: NDArray) -> None:
    """Energies beyond the float range (e.g. a huge drive): name the quantity instead of returning inf."""
    for name, value in values.items():
        bad = ~np.isfinite(value)
        if np.any(bad):
            raise ValueError(
                f"{what}: {name} overflows the float range{_first_index(bad)}; energies scale as "
                "epsilon^2 / rate^2: reduce epsilon (the drive) or use larger rates"
            )


def _energies(p: Params, alpha: NDArray, beta: NDArray, n_a_fl: NDArray | None, n_b_fl: NDArray | None) -> tuple:
    """Occupations, energies, efficiency, ergotropy and ergotropic efficiency (``None``: zero temperature)."""
    n_a = alpha.real**2 + alpha.imag**2
    n_b = beta.real**2 + beta.imag**2
    if n_a_fl is not None:
        n_a = n_a + n_a_fl
        n_b = n_b + n_b_fl
    E_A = p.omega * n_a
    E_B = p.omega * n_b
    eta = efficiency(E_A, E_B)
    if n_b_fl is None:
        # A coherent state: all of its energy is extractable.
        return n_a, n_b, E_A, E_B, eta, E_B, eta
    erg = gaussian_ergotropy(beta, n_b_fl, 0.0, p.omega)
    total = E_A + E_B
    eta_erg = np.divide(erg, total, out=np.zeros(np.broadcast(total, erg).shape), where=total > 0)
    return n_a, n_b, E_A, E_B, eta, erg, eta_erg


def _charger_from_battery(
    sp: Spectrum, drive: NDArray, psi_minus: NDArray, alpha: NDArray, beta: NDArray, beta_dot: NDArray
) -> None:
    r"""Where the charger settles far below its transient scale, take :math:`\langle a\rangle` from the battery's equation.

    :math:`\langle a\rangle_{ss} = -M_{bb}\varepsilon'/\det M` is tiny next to the transient scale
    :math:`|\varepsilon/\lambda|` when the battery is nearly undamped and resonant (:math:`|M_{bb}\lambda_-| \ll
    |\det M|`); there :math:`\psi(\lambda_-) + w\,\psi[\lambda_+,\lambda_-]` cancels at late times, while
    :math:`\dot\beta = M_{ba}\alpha + M_{bb}\beta` gives :math:`\alpha = (\dot\beta - M_{bb}\beta)/M_{ba}` from the
    accurate :math:`\beta, \dot\beta`. Each point keeps the form with the smaller rounding-error estimate (in place).
    """
    M10, M11 = sp.M[..., 1, 0], sp.M[..., 1, 1]
    rows = (np.abs(M11 * sp.lam_minus) < 1e-3 * np.abs(sp.det)) & (M10 != 0)
    if not np.any(rows):
        return
    pick = np.broadcast_to(rows, alpha.shape)
    M10_s = np.broadcast_to(M10, alpha.shape)[pick]
    M11_s = np.broadcast_to(M11 * sp.scale, alpha.shape)[pick]  # units of omega, as beta_dot
    b, b_dot = beta[pick], beta_dot[pick]
    from_battery = (b_dot - M11_s * b) / (np.broadcast_to(sp.scale, alpha.shape)[pick] * M10_s)
    error_here = np.abs(b_dot) + np.abs(M11_s * b)
    error_here /= np.abs(np.broadcast_to(sp.scale, alpha.shape)[pick] * M10_s)
    d = np.abs(np.broadcast_to(drive, alpha.shape)[pick])
    error_direct = d * (
        np.abs(psi_minus[pick]) + np.abs(np.broadcast_to(sp.w, alpha.shape)[pick] * b / (d * np.abs(M10_s)))
    )
    alpha[pick] = np.where(error_here < error_direct, from_battery, alpha[pick])


def _amplitudes(p: Params, sp: Spectrum, k: DrivenCoefficients, shape: tuple[int, ...]) -> tuple[NDArray, ...]:
    r""":math:`\alpha, \beta, \dot\beta` from the time functions (reuses the buffers of ``k``)."""
    # x(t) = [psi(lambda-) I + psi[lambda+, lambda-] (M - lambda- I)] f with f = (-i epsilon, 0), so
    # <b> = f_a M_ba psi[.,.] has no cancellation; (M - lambda- I)_aa = delta + N_aa = w (scaled units).
    f_a = -1j * np.asarray(p.epsilon)
    drive = f_a / sp.scale
    M10 = sp.M[..., 1, 0]
    alpha = np.multiply(k.B, sp.w, out=np.empty(shape, complex))
    alpha += k.psi_minus
    alpha *= drive
    beta = np.multiply(k.B, drive * M10, out=k.B)
    beta_dot = np.multiply(k.c1, f_a * M10, out=k.c1)
    _charger_from_battery(sp, drive, k.psi_minus, alpha, beta, beta_dot)
    return alpha, beta, beta_dot


def _thermal_fluctuations(
    p: Params, sp: Spectrum, k: DrivenCoefficients, times: NDArray
) -> tuple[NDArray, NDArray, NDArray]:
    r"""Occupations of the fluctuations and :math:`\dot N_{bb}` from the Lyapunov equation (scaled units inside)."""
    M = sp.M
    D = noise_matrix(p) / sp.scale[..., None, None]
    rates, bounds = decay_rates(p, sp)
    if np.any(rates <= bounds):
        # An undamped mode makes the steady Lyapunov equation singular: integrate
        # N(t) = int_0^t e^{conj(M) s} D e^{M^T s} ds exactly instead (slower, used only here).
        N_t = lyapunov_integral(M, D, np.asarray(sp.scale) * times)
    else:
        N = M - sp.mu[..., None, None] * np.eye(2)
        assert k.c0 is not None
        E = k.c0[..., None, None] * np.eye(2) + k.c1[..., None, None] * N
        N_t = lyapunov_transient(lyapunov_steady(M, D), E)
    N_dot = M.conj() @ N_t + N_t @ np.swapaxes(M, -1, -2) + D
    return N_t[..., 0, 0].real, N_t[..., 1, 1].real, sp.scale * N_dot[..., 1, 1].real


def evolve(p: Params, t: ArrayLike) -> Trajectory:
    r"""Charge the battery from the vacuum and return the trajectory at times ``t``.

    Parameters
    ----------
    p : Params
        Model parameters; array fields broadcast with each other and with ``t``.
    t : array_like
        Times :math:`t \ge 0` in units of ``1/omega`` (the paper's axis ``Jt`` is ``p.J * t``).

    Returns
    -------
    Trajectory
        Arrays of shape ``np.broadcast_shapes(p.shape, np.shape(t))``.

    Raises
    ------
    TypeError
        For a ``p`` that is not a :class:`Params` (a :class:`nrqb.ThreeModeParams` is pointed to
        :func:`nrqb.evolve_three_mode`).
    ValueError
        For negative or non-finite times, times that do not broadcast with ``p`` (both shapes are named), and
        parameters beyond the float range (see the module notes on accuracy; the message names them).

    Notes
    -----
    With :math:`\lambda_\pm` the eigenvalues of :math:`M` and :math:`\psi(\lambda) = (e^{\lambda t} - 1)/\lambda`,
    :math:`x(t) = \int_0^t e^{Ms} f\,ds = [\psi(\lambda_-) I + \psi[\lambda_+, \lambda_-](M - \lambda_- I)] f`
    (divided difference :math:`\psi[\cdot,\cdot]`), so :math:`\langle b\rangle = M_{ba} f_a \psi[\lambda_+,\lambda_-]` and
    :math:`\dot x = e^{Mt} f`; no inverse of :math:`M` is needed, so an undamped mode is fine (it charges without
    bound). The power :math:`P = 2\omega\,\mathrm{Re}(\bar\beta\dot\beta) + \omega \dot N_{bb}` is exact.
    Thermal fluctuations: :math:`N(t) = N_{ss} - \bar E N_{ss} E^T` (:math:`E = e^{Mt}`), or the integral
    :func:`nrqb.linear.lyapunov_integral` when a mode is undamped. Accuracy: see the module notes.

    Examples
    --------
    >>> import numpy as np, nrqb
    >>> p = nrqb.paper_params()
    >>> tr = nrqb.evolve(p, np.linspace(0, 5, 6) / p.J)   # Jt = 0 ... 5
    >>> tr.E_B.shape
    (6,)
    """
    p = _require_params(p, "evolve")
    times = check_times(t)
    shape = broadcast_with_times("evolve", p.shape, times.shape)
    sp = spectrum(p)
    _require_representable(p, sp, "evolve")
    k = driven_coefficients_2x2(
        sp.lam_plus, sp.lam_minus, sp.mu, sp.delta, sp.det, sp.scale, times, want_c0=p.is_thermal
    )
    # (before the amplitudes below reuse the buffers of k)
    n_a_fl: NDArray | None
    n_b_fl: NDArray | None
    n_b_dot: NDArray | float
    if p.is_thermal:
        n_a_fl, n_b_fl, n_b_dot = _thermal_fluctuations(p, sp, k, times)
    else:
        n_a_fl = n_b_fl = None
        n_b_dot = 0.0
    alpha, beta, beta_dot = _amplitudes(p, sp, k, shape)
    omega = np.broadcast_to(p.omega, shape)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, naming the cause
        n_a, n_b, E_A, E_B, eta, erg, eta_erg = _energies(p, alpha, beta, n_a_fl, n_b_fl)
        P = omega * (2 * (beta.real * beta_dot.real + beta.imag * beta_dot.imag) + n_b_dot)
    _require_finite("evolve", E_A=E_A, E_B=E_B, P=P)
    return Trajectory(
        t=np.broadcast_to(times, shape),
        alpha=alpha,
        beta=beta,
        n_a=n_a,
        n_b=n_b,
        E_A=np.broadcast_to(E_A, shape),
        E_B=np.broadcast_to(E_B, shape),
        eta=eta,
        P=P,
        ergotropy_B=np.broadcast_to(erg, shape),
        eta_ergotropy=eta_erg,
        params=p,
    )


def steady_state(p: Params) -> SteadyState:
    r"""The :math:`t \to \infty` state of the driven model (paper Eq. 10), shape ``p.shape``.

    Parameters
    ----------
    p : Params

    Returns
    -------
    SteadyState

    Raises
    ------
    TypeError
        For a ``p`` that is not a :class:`Params`.
    ValueError
        When a mode of the drift matrix is undamped, its decay rate zero to rounding (no :math:`t \to \infty`
        limit; decided from :func:`nrqb.drift.decay_rates`, not from a threshold on the rates), or the energies
        overflow the float range.

    Notes
    -----
    :math:`x_{ss} = -M^{-1} f = (-M_{bb}, M_{ba})\,f_a/\det M`, with :math:`\det M` written out in the parameters so
    that it keeps its relative accuracy (:func:`nrqb.drift.spectrum`); at full nonreciprocity and resonance this is
    :math:`\langle a\rangle = -2i\varepsilon/\Lambda_a`, :math:`\langle b\rangle = -4\Gamma\varepsilon/(\Lambda_a\Lambda_b)`,
    so :math:`E_B/E_A = 4\Gamma^2/\Lambda_b^2` (the paper prints :math:`4\Gamma^2/\Delta^2`).
    """
    p = _require_params(p, "steady_state")
    sp = spectrum(p)
    _require_damped(p, sp, "steady_state")
    # x_ss = -M^{-1} f = (-M_bb f_a, M_ba f_a) / det M, with det M written out in the parameters.
    drive = -1j * np.asarray(p.epsilon) / sp.scale
    x_ss = np.stack([-sp.M[..., 1, 1] * drive / sp.det, sp.M[..., 1, 0] * drive / sp.det], axis=-1)
    n_a_fl: NDArray | None
    n_b_fl: NDArray | None
    if p.is_thermal:
        N_ss = lyapunov_steady(sp.M, noise_matrix(p) / sp.scale[..., None, None])
        n_a_fl, n_b_fl = N_ss[..., 0, 0].real, N_ss[..., 1, 1].real
    else:
        n_a_fl = n_b_fl = None
    alpha, beta = x_ss[..., 0], x_ss[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):
        n_a, n_b, E_A, E_B, eta, erg, eta_erg = _energies(p, alpha, beta, n_a_fl, n_b_fl)
    _require_finite("steady_state", E_A=E_A, E_B=E_B)
    return SteadyState(
        alpha=alpha,
        beta=beta,
        n_a=n_a,
        n_b=n_b,
        E_A=E_A,
        E_B=E_B,
        eta=eta,
        ergotropy_B=erg,
        eta_ergotropy=eta_erg,
        params=p,
    )
