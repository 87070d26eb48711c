r"""Battery figures of merit from amplitudes and second moments.

* energy :math:`E = \omega \langle n \rangle` (paper Sec. 2, :math:`E_B = \omega_b\langle b^\dagger b\rangle`),
* transfer efficiency :math:`\eta = E_B/(E_A + E_B)` (paper Eq. 11),
* ergotropy of a single-mode Gaussian state (not in the paper; Sec. "Thermal baths").

Examples
--------
>>> efficiency(1.0, 3.0), efficiency(0.0, 0.0)  # eta -> 0 at t = 0, where both energies vanish
(array(0.75), array(0.))

A displaced thermal state keeps only its coherent energy extractable; a thermal state none:

>>> float(gaussian_ergotropy(2.0, 0.5)), float(gaussian_ergotropy(0.0, 0.5))
(4.0, 0.0)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["efficiency", "gaussian_ergotropy"]


def efficiency(E_A: ArrayLike, E_B: ArrayLike) -> NDArray[np.float64]:
    r"""Charger-to-battery transfer efficiency :math:`\eta = E_B/(E_A+E_B)` (paper Eq. 11).

    At :math:`t = 0` both energies vanish; there :math:`\eta` is set to its limit 0
    (from the vacuum the battery fills as :math:`t^4`, the charger as :math:`t^2`).
    """
    E_A, E_B = np.asarray(E_A, dtype=float), np.asarray(E_B, dtype=float)
    total = E_A + E_B
    return np.divide(E_B, total, out=np.zeros(np.broadcast(E_A, E_B).shape), where=total > 0)


def gaussian_ergotropy(
    mean: ArrayLike, n_fluct: ArrayLike, m_fluct: ArrayLike = 0.0, omega: ArrayLike = 1.0
) -> NDArray[np.float64]:
    r"""Ergotropy of a single-mode Gaussian state of :math:`H = \omega b^\dagger b`.

    Parameters
    ----------
    mean : complex array
        :math:`\beta = \langle b \rangle`.
    n_fluct : real array
        :math:`\langle \delta b^\dagger \delta b\rangle \ge 0` (thermal-like fluctuations).
    m_fluct : complex array, default 0
        :math:`\langle \delta b\, \delta b\rangle` (squeezing).
    omega : real array, default 1

    Returns
    -------
    real array
        :math:`\mathcal{E} = \omega\,[|\beta|^2 + n - (\nu - 1/2)]`, with the symplectic
        eigenvalue :math:`\nu = \sqrt{(n + 1/2)^2 - |m|^2}`.

    Notes
    -----
    A Gaussian state has the spectrum of the thermal state with occupation
    :math:`\nu - 1/2`, and that thermal state is passive; the best unitary therefore
    leaves energy :math:`\omega(\nu - 1/2)`. For a displaced thermal state
    (:math:`m = 0`) this gives :math:`\omega |\beta|^2`; for a thermal state, 0.
    """
    n = np.asarray(n_fluct, dtype=float)
    m2 = np.abs(np.asarray(m_fluct)) ** 2
    half = n + 0.5
    nu = np.sqrt(np.maximum(half**2 - m2, 0.25))
    # (n + 1/2) - nu = |m|^2 / ((n + 1/2) + nu): no cancellation, and exactly 0 without squeezing.
    erg = np.asarray(omega) * (np.abs(np.asarray(mean)) ** 2 + m2 / (half + nu))
    return np.maximum(erg, 0.0)
