r"""Eigenvalues of the drift matrix and exceptional points (paper Eqs. 14 and 15).

The eigenvalues of :math:`M` (paper Eq. 13) are :math:`\lambda_\pm = \mu \pm \delta` with

.. math::

    \mu = -\frac{i(\Delta_a+\Delta_b)}{2} - \frac{\Lambda_a+\Lambda_b}{4},\qquad
    \delta^2 = \tfrac14\left[-i(\Delta_a-\Delta_b) - \tfrac{\Lambda_a-\Lambda_b}{2}\right]^2 + BC,

:math:`B = -iJ - \tfrac{\Gamma}{2}e^{-i\phi}`, :math:`C = -iJ^* - \tfrac{\Gamma}{2}e^{i\phi}`. (The paper's
Eq. 14 has the opposite sign of :math:`\mu` and drops a factor :math:`i` in :math:`C`.)
An exceptional point is :math:`\delta = 0` with :math:`M` defective. For real :math:`J`,
:math:`BC = -J^2 + i\Gamma J\cos\phi + \Gamma^2/4`, so :math:`\delta = 0` at

.. math:: J_{EP} = \frac{i\Gamma\cos\phi \pm \sqrt{d^2 + \Gamma^2\sin^2\phi}}{2},\qquad
          d = i\Delta - \frac{\kappa_a - \kappa_b}{2},\ \Delta = \Delta_b - \Delta_a,

which is real only in special regimes, e.g. at :math:`\phi = \pi/2`:
:math:`J_{EP} = \tfrac12\sqrt{\Gamma^2 + (\kappa_a-\kappa_b)^2/4}` at :math:`\Delta = 0` (any r), and
:math:`J_{EP} = \tfrac12\sqrt{\Gamma^2 - \Delta^2}` at :math:`r = 1`, :math:`|\Delta| \le \Gamma`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .drift import spectrum
from .params import Params

__all__ = ["at_exceptional_point", "eigenvalues", "exceptional_coupling", "exceptional_couplings"]

# A root J of the EP condition counts as real when |Im J| is below this fraction of
# the rate scale Gamma + |d| (floating-point noise from cos(pi/2) etc. is ~1e-17).
_REAL_TOL = 1e-9


def eigenvalues(p: Params) -> NDArray[np.complex128]:
    r"""Eigenvalues :math:`\lambda_\pm = \mu \pm \delta` of the drift matrix, shape ``p.shape + (2,)``.

    Ordered so that ``[..., 0]`` has the larger real part (the slower-decaying mode; for equal real parts, the
    larger imaginary part).
    Computed from the closed form, which is continuous through an exceptional point, with the smaller
    eigenvalue as :math:`\det M/\lambda_{larger}` (:func:`nrqb.drift.spectrum`): each eigenvalue is accurate to a
    few units of rounding of its own modulus, however far apart the two rates are.
    """
    sp = spectrum(p)
    plus, minus = sp.scale * sp.lam_plus, sp.scale * sp.lam_minus
    # Equal real parts (to rounding): the larger imaginary part first, as the principal square root orders them.
    tie = np.abs(plus.real - minus.real) <= 4 * np.finfo(float).eps * np.maximum(np.abs(plus), np.abs(minus))
    first = np.where(tie, plus.imag >= minus.imag, plus.real > minus.real)
    return np.stack([np.where(first, plus, minus), np.where(first, minus, plus)], axis=-1)


def exceptional_couplings(p: Params) -> NDArray[np.complex128]:
    r"""Both roots :math:`J` of the EP condition :math:`\delta^2(J) = 0` (``p.J`` is ignored).

    Returns
    -------
    complex array, shape ``p.shape + (2,)``
        The roots :math:`(i\Gamma\cos\phi \pm \sqrt{d^2 + \Gamma^2\sin^2\phi})/2`. Only a
        real root is a physical coupling of the paper's model.
    """
    phi = np.asarray(p.phi)
    d = 1j * p.Delta - 0.5 * (p.kappa_a - p.kappa_b)
    root = np.sqrt(d**2 + (p.Gamma * np.sin(phi)) ** 2 + 0j)
    centre = 0.5j * p.Gamma * np.cos(phi)
    out = np.stack(np.broadcast_arrays(centre + 0.5 * root, centre - 0.5 * root), axis=-1)
    return np.broadcast_to(out, (*p.shape, 2))


def exceptional_coupling(p: Params, *, missing: Literal["raise", "nan"] = "raise") -> NDArray | float:
    r"""The real coupling :math:`J_{EP} \ge 0` at which the drift matrix is defective.

    Parameters
    ----------
    p : Params
        All fields but ``J`` are used.
    missing : {"raise", "nan"}
        What to do where no real :math:`J \ge 0` gives an exceptional point:
        raise ``ValueError`` (default) or return NaN there.

    Returns
    -------
    float or ndarray of shape ``p.shape``
        The smallest real non-negative root (paper Eq. 15 solved for :math:`J`).

    Raises
    ------
    ValueError
        If for some parameters no real :math:`J \ge 0` exists (e.g. :math:`\phi = \pi/2` with
        both :math:`\Delta \ne 0` and :math:`\kappa_a \ne \kappa_b`, or :math:`|\Delta| > \Gamma` at
        :math:`r = 1`), and ``missing="raise"``. Also at :math:`\Gamma = 0` with :math:`\Delta = 0` and
        :math:`\kappa_a = \kappa_b`: the root :math:`J = 0` of paper Eq. (15) makes :math:`M` a multiple of the
        identity, whose eigenvalues coincide without an exceptional point (not defective), so NaN (or the
        error) is returned there, never 0.

    Examples
    --------
    >>> import nrqb
    >>> round(float(nrqb.exceptional_coupling(nrqb.paper_params())), 6)   # r = 1, Delta = 0: J = Gamma/2
    0.02
    """
    if missing not in ("raise", "nan"):
        raise ValueError(f"missing must be 'raise' or 'nan'; got {missing!r}")
    roots = exceptional_couplings(p)
    d = np.asarray(1j * p.Delta - 0.5 * (p.kappa_a - p.kappa_b))
    scale = np.asarray(p.Gamma + np.abs(d))[..., None]
    tol = _REAL_TOL * np.where(scale > 0, scale, 1.0)
    ok = (np.abs(roots.imag) <= tol) & (roots.real >= -tol)
    candidates = np.where(ok, np.maximum(roots.real, 0.0), np.inf)
    J_ep = candidates.min(axis=-1)
    # Gamma = 0 with d = 0: the root J = 0 makes M a multiple of the identity, degenerate but not defective.
    identity = np.broadcast_to((np.asarray(p.Gamma) == 0) & (d == 0), J_ep.shape)
    none = ~np.isfinite(J_ep) | identity
    if np.any(none):
        if missing == "raise":
            idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(none))[0]) if none.ndim else ()
            where = f" (first at index {idx})" if idx else ""
            if np.any(identity):
                raise ValueError(
                    f"exceptional_coupling: no exceptional point{where}: with Gamma = 0, Delta = 0 and "
                    "kappa_a = kappa_b the only root, J = 0, leaves the drift matrix a multiple of the identity "
                    "(degenerate but diagonalisable, not defective)"
                )
            raise ValueError(
                f"exceptional_coupling: no real J >= 0 makes the drift matrix defective for these parameters{where}. "
                "At phi = pi/2 an EP exists for Delta = 0 (any kappa_b/kappa_a) or for kappa_a = kappa_b with "
                "|Delta| <= Gamma; with both Delta != 0 and kappa_a != kappa_b there is none."
            )
        J_ep = np.where(none, np.nan, J_ep)
    return float(J_ep) if J_ep.ndim == 0 else J_ep


def at_exceptional_point(p: Params, *, missing: Literal["raise", "nan"] = "raise") -> Params:
    """``p`` with ``J`` replaced by :func:`exceptional_coupling` (the paper's "QB at EP")."""
    return p.replace(J=exceptional_coupling(p, missing=missing))
