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

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .params import Params

__all__ = ["drift_matrix", "drive_vector", "noise_matrix"]


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
