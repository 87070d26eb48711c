r"""Charging dynamics of the effective model from the vacuum: exact, vectorised.

:func:`evolve` solves the mean-field equations (paper Eq. 5 / 13) and, when a bath
is thermal, the second-moment (Lyapunov) equations that extend the paper's Eq. (6)
with noise, all in closed form (:mod:`nrqb.linear`). No ODE integrator is used.

From the vacuum at zero temperature the state stays a product of coherent states,
so :math:`\langle a^\dagger a\rangle = |\langle a\rangle|^2` exactly and the mean field is
the full quantum answer (checked against a Fock-space master equation in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .drift import drift_matrix, drive_vector, noise_matrix
from .linear import (
    determinant_2x2,
    eigenvalues_2x2,
    exp_coefficients_2x2,
    lyapunov_steady,
    lyapunov_transient,
    solve_2x2,
)
from .observables import efficiency, gaussian_ergotropy
from .params import Params, check_times

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


def _require_invertible(M: NDArray, what: str) -> None:
    scale = np.abs(M).max(axis=(-2, -1)) ** 2
    singular = np.abs(determinant_2x2(M)) <= 1e-14 * scale
    if np.any(singular):
        raise ValueError(
            f"{what}: the drift matrix is singular for some parameters (an undamped mode at zero "
            "frequency, e.g. kappa_a = kappa_b = 0 with a dark combination of a and b); "
            "give kappa_a or kappa_b a value > 0"
        )


def _require_stable(M: NDArray, what: str) -> None:
    slowest = eigenvalues_2x2(M)[..., 0].real
    scale = np.abs(M).max(axis=(-2, -1))
    if np.any(slowest >= -1e-12 * scale):
        raise ValueError(
            f"{what}: no steady state, since an eigenvalue of the drift matrix has zero real part "
            "(an undamped mode); give kappa_a or kappa_b a value > 0"
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
    ValueError
        For negative or non-finite times, or a singular drift matrix (undamped dark mode).

    Notes
    -----
    With :math:`E = e^{Mt}` (closed form, :func:`nrqb.linear.expm_2x2`) and
    :math:`x_{ss} = -M^{-1}f`, the amplitudes are :math:`x(t) = (I - E)x_{ss}` and
    :math:`\dot x = E f`, so the power :math:`P = 2\omega\,\mathrm{Re}(\bar\beta\dot\beta) + \omega \dot N_{bb}`
    is exact. Thermal fluctuations: :math:`N(t) = N_{ss} - \bar E N_{ss} E^T`.

    Examples
    --------
    >>> import numpy as np, nrqb
    >>> p = nrqb.paper_params()
    >>> tr = nrqb.evolve(p, np.linspace(0, 5, 6) / p.J)   # Jt = 0 ... 5
    >>> tr.E_B.shape
    (6,)
    """
    times = check_times(t)
    M = drift_matrix(p)
    f = drive_vector(p)
    _require_invertible(M, "evolve")
    x_ss = -solve_2x2(M, f)
    c0, c0m1, c1, N = exp_coefficients_2x2(M, times)
    shape = c1.shape
    # x(t) = (I - e^{Mt}) x_ss and x'(t) = e^{Mt} f, written per component to avoid 2x2 temporaries.
    N_x = np.einsum("...ij,...j->...i", N, x_ss)
    N_f = np.einsum("...ij,...j->...i", N, f)
    alpha = np.multiply(c0m1, x_ss[..., 0], out=np.empty(shape, complex))
    alpha += c1 * N_x[..., 0]
    np.negative(alpha, out=alpha)
    beta = np.multiply(c0m1, x_ss[..., 1], out=np.empty(shape, complex))
    beta += c1 * N_x[..., 1]
    np.negative(beta, out=beta)
    beta_dot = np.multiply(c1, N_f[..., 1], out=np.empty(shape, complex))
    if np.any(f[..., 1]):
        beta_dot += c0 * f[..., 1]
    omega = np.broadcast_to(p.omega, shape)
    n_a_fl: NDArray | None
    n_b_fl: NDArray | None
    n_b_dot: NDArray | float
    if p.is_thermal:
        E = c0[..., None, None] * np.eye(2) + c1[..., None, None] * N
        D = noise_matrix(p)
        N_ss = lyapunov_steady(M, D)
        N_t = lyapunov_transient(N_ss, E)
        N_dot = M.conj() @ N_t + N_t @ np.swapaxes(M, -1, -2) + D
        n_a_fl, n_b_fl = N_t[..., 0, 0].real, N_t[..., 1, 1].real
        n_b_dot = N_dot[..., 1, 1].real
    else:
        n_a_fl = n_b_fl = None
        n_b_dot = 0.0
    n_a, n_b, E_A, E_B, eta, erg, eta_erg = _energies(p, alpha, beta, n_a_fl, n_b_fl)
    P = omega * (2 * (beta.real * beta_dot.real + beta.imag * beta_dot.imag) + n_b_dot)
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
    ValueError
        When an eigenvalue of the drift matrix has zero real part (no steady state).

    Notes
    -----
    :math:`x_{ss} = -M^{-1} f`; at full nonreciprocity and resonance this is
    :math:`\langle a\rangle = -2i\varepsilon/\Lambda_a`, :math:`\langle b\rangle = -4\Gamma\varepsilon/(\Lambda_a\Lambda_b)`,
    so :math:`E_B/E_A = 4\Gamma^2/\Lambda_b^2` (the paper prints :math:`4\Gamma^2/\Delta^2`).
    """
    M = drift_matrix(p)
    _require_stable(M, "steady_state")
    x_ss = -solve_2x2(M, drive_vector(p))
    n_a_fl: NDArray | None
    n_b_fl: NDArray | None
    if p.is_thermal:
        N_ss = lyapunov_steady(M, noise_matrix(p))
        n_a_fl, n_b_fl = N_ss[..., 0, 0].real, N_ss[..., 1, 1].real
    else:
        n_a_fl = n_b_fl = None
    alpha, beta = x_ss[..., 0], x_ss[..., 1]
    n_a, n_b, E_A, E_B, eta, erg, eta_erg = _energies(p, alpha, beta, n_a_fl, n_b_fl)
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
