r"""Drift matrix, drive vector and noise matrix of the effective model (paper Eqs. 5 and 13).

The mean amplitudes obey :math:`\frac{d}{dt}(\langle a\rangle, \langle b\rangle)^T = M (\langle a\rangle, \langle b\rangle)^T + f`
with

.. math::

    M = \begin{pmatrix} -i\Delta_a - \Lambda_a/2 & -iJ - \frac{\Gamma}{2} e^{-i\phi} \\
                         -iJ^* - \frac{\Gamma}{2} e^{i\phi} & -i\Delta_b - \Lambda_b/2 \end{pmatrix},
    \qquad f = \begin{pmatrix} -i\varepsilon \\ 0 \end{pmatrix},

:math:`\Lambda_{a,b} = \Gamma + \kappa_{a,b}`. This is the paper's Eq. (13) with its
entries A, B, C, D (paper Sec. 4) for :math:`G = 0`; :func:`nrqb.symbolic.drift_matrix` derives it.

Examples
--------
At the paper's operating point (:math:`J = \Gamma/2`, :math:`\phi = \pi/2`) the battery does not act back on
the charger, :math:`B = M_{ab} = 0`, while the forward element is :math:`C = -i\Gamma`:

>>> import numpy as np, nrqb
>>> p = nrqb.paper_params()
>>> M = drift_matrix(p)
>>> M.shape
(2, 2)
>>> bool(abs(M[0, 1]) < 1e-15 and np.isclose(M[1, 0], -1j * p.Gamma))
True
>>> drive_vector(p)  # f = (-i epsilon, 0)
array([0.-0.1j, 0.+0.j ])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .params import Params

__all__ = ["Spectrum", "decay_rates", "drift_matrix", "drive_vector", "noise_matrix", "spectrum"]


def _stack2(m00: ArrayLike, m01: ArrayLike, m10: ArrayLike, m11: ArrayLike, shape: tuple[int, ...]) -> NDArray:
    out = np.empty((*shape, 2, 2), dtype=complex)
    out[..., 0, 0] = m00
    out[..., 0, 1] = m01
    out[..., 1, 0] = m10
    out[..., 1, 1] = m11
    return out


def drift_matrix(p: Params) -> NDArray[np.complex128]:
    """The 2x2 drift matrix :math:`M` of paper Eq. (13), shape ``p.shape + (2, 2)``.

    Parameters
    ----------
    p : Params

    Returns
    -------
    complex array
        ``M[..., 0, 1]`` is the battery-to-charger coupling (zero at full
        nonreciprocity), ``M[..., 1, 0]`` the charger-to-battery coupling.
    """
    J = np.asarray(p.J)
    phase = np.exp(1j * np.asarray(p.phi))
    return _stack2(
        -1j * p.Delta_a - 0.5 * p.Lambda_a,
        -1j * J - 0.5 * p.Gamma / phase,
        -1j * np.conj(J) - 0.5 * p.Gamma * phase,
        -1j * p.Delta_b - 0.5 * p.Lambda_b,
        p.shape,
    )


def drive_vector(p: Params) -> NDArray[np.complex128]:
    r"""The drive vector :math:`f = (-i\varepsilon, 0)` of paper Eq. (13), shape ``p.shape + (2,)``."""
    out = np.zeros((*p.shape, 2), dtype=complex)
    out[..., 0] = -1j * np.asarray(p.epsilon)
    return out


def noise_matrix(p: Params) -> NDArray[np.complex128]:
    r"""Thermal noise matrix :math:`D` of the Lyapunov equation, shape ``p.shape + (2, 2)``.

    With :math:`N_{ij} = \langle \delta v_i^\dagger \delta v_j\rangle`, :math:`v = (a, b)`, each
    thermal bath of rate :math:`\gamma_k`, occupation :math:`n_k` and jump operator
    :math:`L_k = \sum_i u_{k,i} v_i` adds :math:`\gamma_k n_k\, u_{k,i} \bar u_{k,j}`:

    .. math::

        D = \begin{pmatrix} \kappa_a n_a + \Gamma n_c & \Gamma n_c e^{i\phi} \\
                             \Gamma n_c e^{-i\phi} & \kappa_b n_b + \Gamma n_c \end{pmatrix}.
    """
    phase = np.exp(1j * np.asarray(p.phi))
    collective = p.Gamma * p.n_th_c
    return _stack2(
        p.kappa_a * p.n_th_a + collective,
        collective * phase,
        collective / phase,
        p.kappa_b * p.n_th_b + collective,
        p.shape,
    )


@dataclass(frozen=True)
class Spectrum:
    r"""The drift matrix of paper Eq. (13) split for exact, cancellation-free use; arrays of shape ``p.shape``.

    Every quantity except ``scale`` is in units of ``scale`` (a power of two near the largest rate or
    coupling of ``p``), so products of rates never overflow or underflow for parameters anywhere in the
    floating-point range; multiply rates by ``scale`` (and ``det`` by ``scale**2``) for units of omega.

    Attributes
    ----------
    scale : ndarray
        :math:`s = 2^k`, with the largest of :math:`\Gamma, \kappa_a, \kappa_b, |\Delta_a|, |\Delta_b|, |J|`
        in :math:`[s/2, s)` (1 when they are all 0).
    M : ndarray, shape ``p.shape + (2, 2)``
        :math:`M/s`.
    mu, N00 : ndarray
        :math:`\mu = \mathrm{tr}\,M/2` and :math:`N_{00} = (M_{00} - M_{11})/2`, from the parameters (no
        cancellation of :math:`\Gamma` against itself).
    delta : ndarray
        :math:`\delta` with :math:`\delta^2 = N_{00}^2 + M_{01}M_{10}`, the sign chosen so that
        :math:`|\delta - N_{00}| \ge |\delta + N_{00}|`.
    w : ndarray
        :math:`\delta + N_{00} = M_{01}M_{10}/(\delta - N_{00})`, without cancellation.
    det : ndarray
        :math:`\det M` written out in the parameters,
        :math:`|J|^2 - \Delta_a\Delta_b + [\Gamma(\kappa_a+\kappa_b) + \kappa_a\kappa_b]/4
        + i\,[(\Delta_a\Lambda_b + \Delta_b\Lambda_a)/2 - \Gamma\,\mathrm{Re}(J e^{i\phi})]`, so the
        :math:`\Gamma^2/4` of :math:`\Lambda_a\Lambda_b/4` and of :math:`M_{01}M_{10}` never cancel numerically.
    lam_plus, lam_minus : ndarray
        The eigenvalues :math:`\mu \pm \delta`: the larger in modulus is computed as the sum, the smaller as
        :math:`\det M` divided by the larger, so a slow eigenvalue keeps its relative accuracy however
        far the two rates are apart.
    """

    scale: NDArray
    M: NDArray
    mu: NDArray
    N00: NDArray
    delta: NDArray
    w: NDArray
    det: NDArray
    lam_plus: NDArray
    lam_minus: NDArray


def _rate_scale(p: Params) -> NDArray:
    """Power of two :math:`s` with the largest rate, detuning or coupling of ``p`` in :math:`[s/2, s)`."""
    size = np.maximum.reduce(
        [np.abs(np.broadcast_to(v, p.shape)) for v in (p.Gamma, p.kappa_a, p.kappa_b, p.Delta_a, p.Delta_b, p.J)]
    )
    _, exponent = np.frexp(size)
    # Capped at 2**1023 so that the scale itself stays finite for rates near the largest float.
    return np.where(size > 0, np.ldexp(1.0, np.minimum(exponent, 1023)), 1.0)


def spectrum(p: Params) -> Spectrum:
    r"""The eigen-decomposition data of the drift matrix, scaled and free of cancellation (see :class:`Spectrum`).

    The eigenvalues carry an error of a few units of rounding relative to their own modulus (not to the
    largest rate), and the real part of a mode that decays more than :math:`10^6` times slower than it oscillates
    is its Rayleigh decay rate (:func:`decay_rates`), accurate relative to itself; :math:`\det M` has an error of a
    few units of rounding times the sum of the moduli of its terms. All are as accurate as a change of the
    parameters in their last digit allows.
    """
    s = _rate_scale(p)
    G, ka, kb = p.Gamma / s, p.kappa_a / s, p.kappa_b / s
    Da, Db, J = p.Delta_a / s, p.Delta_b / s, np.asarray(p.J) / s
    phase = np.exp(1j * np.asarray(p.phi))
    M01 = -1j * J - 0.5 * G / phase
    M10 = -1j * np.conj(J) - 0.5 * G * phase
    M = _stack2(-1j * Da - 0.5 * (G + ka), M01, M10, -1j * Db - 0.5 * (G + kb), p.shape)
    mu = np.broadcast_to(-0.5j * (Da + Db) - 0.5 * (G + 0.5 * (ka + kb)), p.shape)
    N00 = np.broadcast_to(-0.5j * (Da - Db) - 0.25 * (ka - kb), p.shape)
    q = np.broadcast_to(M01 * M10, p.shape)
    det_re = J.real**2 + J.imag**2 - Da * Db + 0.25 * (G * (ka + kb) + ka * kb)
    det_im = 0.5 * (Da * (G + kb) + Db * (G + ka)) - G * (J * phase).real
    det = np.broadcast_to(det_re + 1j * det_im, p.shape)
    delta = np.sqrt(N00 * N00 + q)
    delta = np.where((np.conj(delta) * N00).real > 0, -delta, delta)
    apart = delta - N00
    safe = np.where(apart == 0, 1.0, apart)
    w = np.where(apart == 0, 0.0, q / safe)
    plus, minus = mu + delta, mu - delta
    plus_larger = np.abs(plus) >= np.abs(minus)
    larger = np.where(plus_larger, plus, minus)
    safe_larger = np.where(larger == 0, 1.0, larger)
    smaller = np.where(larger == 0, 0.0, det / safe_larger)
    lam_plus, lam_minus = np.where(plus_larger, larger, smaller), np.where(plus_larger, smaller, larger)
    # A mode that decays far slower than it oscillates loses its decay rate in mu +- delta or det / lambda (errors
    # of eps |lambda|); there the real part is the decay rate of the Rayleigh quotient (decay_rates).
    if np.any(np.abs(lam_plus.real) < 1e-6 * np.abs(lam_plus)) or np.any(
        np.abs(lam_minus.real) < 1e-6 * np.abs(lam_minus)
    ):
        ka_, kb_, G_ = (np.broadcast_to(v, p.shape) for v in (ka, kb, G))
        M01_, M10_ = np.broadcast_to(M01, p.shape), np.broadcast_to(M10, p.shape)
        rates, _ = _rayleigh(ka_, kb_, G_, np.asarray(p.phi), M01_, M10_, (mu, N00, delta, w))
        lam_plus, lam_minus = (
            np.where(rate < 1e-6 * np.abs(lam), -rate + 1j * lam.imag, lam)
            for rate, lam in zip(rates, (lam_plus, lam_minus), strict=True)
        )
    return Spectrum(
        scale=np.broadcast_to(s, p.shape),
        M=M,
        mu=mu,
        N00=N00,
        delta=delta,
        w=w,
        det=det,
        lam_plus=lam_plus,
        lam_minus=lam_minus,
    )


def _eigenvector(first: tuple[NDArray, NDArray], second: tuple[NDArray, NDArray]) -> tuple[NDArray, NDArray]:
    r"""The longer of two candidate eigenvectors (from the two rows of :math:`M - \lambda I`), componentwise."""
    first_longer = np.abs(first[0]) ** 2 + np.abs(first[1]) ** 2 >= np.abs(second[0]) ** 2 + np.abs(second[1]) ** 2
    return np.where(first_longer, first[0], second[0]), np.where(first_longer, first[1], second[1])


def _rayleigh(
    ka: NDArray, kb: NDArray, G: NDArray, phi: NDArray, M01: NDArray, M10: NDArray, sp_parts: tuple[NDArray, ...]
) -> tuple[list[NDArray], list[NDArray]]:
    """Decay rates of the modes of lambda+ and lambda- and the sums that bound their rounding (scaled units)."""
    mu, N00, delta, w = sp_parts
    back = np.exp(-1j * np.asarray(phi))
    rates, spreads = [], []
    for first, second in (((M01, delta - N00), (w, M10)), ((M01, -w), (N00 - delta, M10))):
        va, vb = _eigenvector(first, second)
        na, nb = np.abs(va) ** 2, np.abs(vb) ** 2
        norm = na + nb
        dark = np.abs(va + back * vb)
        total = ka * na + kb * nb + G * dark**2
        spread = ka * na + kb * nb + 2 * G * dark * (np.abs(va) + np.abs(vb))
        safe = np.where(norm > 0, norm, 1.0)
        # M = mu I (both rows vanish): every vector is an eigenvector and the rate is -Re mu.
        rates.append(np.where(norm > 0, total / (2 * safe), -mu.real))
        spreads.append(np.where(norm > 0, spread / (2 * safe), np.abs(mu.real)))
    return rates, spreads


def decay_rates(p: Params, sp: Spectrum | None = None) -> tuple[NDArray, NDArray]:
    r"""Decay rates :math:`-\mathrm{Re}\,\lambda_\pm` of the two modes and their rounding-error bounds (units of omega).

    For an eigenvector :math:`v` of :math:`M = -iH - \tfrac12 K` (:math:`H` Hermitian, :math:`K \succeq 0` the damping
    matrix :math:`\mathrm{diag}(\kappa_a, \kappa_b) + \Gamma\,u u^\dagger`, :math:`u = (1, e^{i\phi})`),
    :math:`-\mathrm{Re}\,\lambda = v^\dagger K v/(2|v|^2) = [\kappa_a|v_a|^2 + \kappa_b|v_b|^2 + \Gamma|v_a + e^{-i\phi}v_b|^2]/(2|v|^2)`,
    a sum of non-negative terms; with :math:`v` computed componentwise (:class:`Spectrum`) a small decay rate keeps its
    relative accuracy even beside a large frequency, and a mode that no damping reaches gets exactly 0.

    Returns
    -------
    rates : ndarray, shape ``p.shape + (2,)``
        For :math:`\lambda_+, \lambda_-` of :class:`Spectrum`.
    bounds : ndarray, shape ``p.shape + (2,)``
        A bound on their rounding error: a rate at or below it is zero as far as the arithmetic can tell.
    """
    sp = spectrum(p) if sp is None else sp
    s = sp.scale
    ka, kb, G = (np.broadcast_to(v, p.shape) / s for v in (p.kappa_a, p.kappa_b, p.Gamma))
    rates, spreads = _rayleigh(
        ka, kb, G, np.asarray(p.phi), sp.M[..., 0, 1], sp.M[..., 1, 0], (sp.mu, sp.N00, sp.delta, sp.w)
    )
    bounds = [s * 16 * np.finfo(float).eps * spread for spread in spreads]
    return np.stack([s * rate for rate in rates], axis=-1), np.stack(bounds, axis=-1)
