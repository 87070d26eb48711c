r"""Exact solutions of linear ODEs :math:`\dot x = M x + f` for stacks of small matrices.

Two routes, both exact to rounding and both vectorised over leading axes:

* :func:`expm_2x2` and friends: a closed form for 2x2 matrices (the effective model).
  Writing :math:`M = \mu I + N` with :math:`N` traceless, :math:`N^2 = \delta^2 I`, so

  .. math:: e^{Mt} = e^{\mu t}\left[\cosh(\delta t)\, I + \frac{\sinh(\delta t)}{\delta} N\right].

  Both coefficients are entire functions of :math:`\delta^2`, so the formula is
  regular *at* an exceptional point (:math:`\delta = 0`, defective :math:`M`), where an
  eigen-decomposition fails; a series is used for small :math:`|\delta t|`.
* :func:`expm_batched`: SciPy's Pade matrix exponential over a stack (the 3x3 three-mode model).

The driven solution from :math:`x(0) = 0` is
:math:`x(t) = (I - e^{Mt})\, x_{ss}` with :math:`x_{ss} = -M^{-1} f`, and
:math:`\dot x(t) = e^{Mt} f`. Second moments of the fluctuations obey the
Lyapunov equation :math:`\dot N = \bar M N + N M^T + D`, solved from :math:`N(0) = 0` by
:math:`N(t) = N_{ss} - \overline{e^{Mt}}\, N_{ss}\, e^{M^T t}`.

Examples
--------
At an exceptional point the drift matrix is defective (:math:`\delta^2 = 0` to rounding, so :math:`N` is
nilpotent), and the closed form still agrees with SciPy's Pade exponential:

>>> import numpy as np, scipy.linalg, nrqb
>>> from nrqb.drift import drift_matrix
>>> M = drift_matrix(nrqb.at_exceptional_point(nrqb.paper_params(kappa_b=0.03)))
>>> mu, N, delta = split_2x2(M)
>>> bool(abs(delta) ** 2 < 1e-15 * abs(mu) ** 2)
True
>>> bool(np.allclose(expm_2x2(M, np.array(100.0)), scipy.linalg.expm(100.0 * M), rtol=1e-12, atol=1e-15))
True
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

__all__ = [
    "determinant_2x2",
    "eigenvalues_2x2",
    "exp_coefficients_2x2",
    "exp_of_product",
    "expm_2x2",
    "expm_batched",
    "lyapunov_steady",
    "lyapunov_transient",
    "solve_2x2",
    "split_2x2",
]

# Below this |delta t| the divided difference sinh(z)/z is summed as a series: the direct form
# loses ~eps/|z| relative accuracy (<= 2e-13 above the threshold), the truncated series errs by
# ~|z|^10/4e7 (negligible). A small threshold keeps the series to the few points that need it.
_SERIES_BELOW = 1e-3


def _sinhc_series(z: NDArray) -> NDArray:
    z2 = z * z
    return 1 + z2 / 6 * (1 + z2 / 20 * (1 + z2 / 42 * (1 + z2 / 72)))


def split_2x2(M: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    r""":math:`M = \mu I + N` with :math:`N` traceless and :math:`N^2 = \delta^2 I`, for stacks of 2x2 matrices.

    Returns
    -------
    mu, N, delta
        Shapes ``M.shape[:-2]``, ``M.shape``, ``M.shape[:-2]``; the eigenvalues are :math:`\mu \pm \delta`
        (principal square root for :math:`\delta`).
    """
    mu = 0.5 * (M[..., 0, 0] + M[..., 1, 1])
    N = M - mu[..., None, None] * np.eye(2)
    delta = np.sqrt(N[..., 0, 0] ** 2 + N[..., 0, 1] * N[..., 1, 0])
    return mu, N, delta


def eigenvalues_2x2(M: NDArray) -> NDArray:
    r"""Eigenvalues :math:`\mu \pm \delta` of stacks of 2x2 matrices, shape ``M.shape[:-1]``.

    ``[..., 0]`` has the larger real part. The closed form is continuous through an exceptional point.
    """
    mu, _, delta = split_2x2(M)
    delta = np.where(delta.real < 0, -delta, delta)
    return np.stack([mu + delta, mu - delta], axis=-1)


def _uniform_step(t: NDArray) -> float | None:
    """The step of ``t`` if it is an arithmetic progression along its last axis only, else None."""
    if t.ndim == 0 or t.shape[-1] < 64 or any(n != 1 for n in t.shape[:-1]):
        return None
    line = t.reshape(-1)
    step = (line[-1] - line[0]) / (line.size - 1)
    # linspace-made grids deviate from exact arithmetic by a few ulp of the largest time.
    if np.abs(np.diff(line) - step).max() > 16 * np.finfo(float).eps * np.abs(line).max():
        return None
    return float(step)


def exp_of_product(lam: NDArray, t: NDArray, shape: tuple[int, ...]) -> NDArray:
    r""":math:`e^{\lambda t}` broadcast to ``shape`` (a new, writable array, possibly a strided view).

    On a uniform time grid along the last axis (e.g. ``np.linspace``) with :math:`\lambda`
    constant along it, :math:`t_{mB+k} = t_0 + (mB + k)\,\Delta t` gives
    :math:`e^{\lambda t_{mB+k}} = e^{\lambda (t_0 + mB\Delta t)}\, e^{\lambda k \Delta t}`:
    about :math:`2\sqrt{T}` exponentials and one product per point instead of :math:`T`
    exponentials, each product exact to two rounding errors. Other grids use ``np.exp`` directly.
    """
    lam = np.asarray(lam)
    step = _uniform_step(t)
    ndim = len(shape)
    lam_padded = lam.reshape((1,) * (ndim - lam.ndim) + lam.shape)
    if step is None or ndim == 0 or lam_padded.shape[-1] != 1:
        out = np.multiply(lam, t, out=np.empty(shape, complex))
        return np.exp(out, out=out)
    n_t = shape[-1]
    block = max(8, int(np.sqrt(n_t)))
    n_blocks = -(-n_t // block)
    t0 = float(t.reshape(-1)[0])
    starts = t0 + step * block * np.arange(n_blocks)
    offsets = step * np.arange(block)
    base = np.exp(lam_padded * starts)  # (..., n_blocks)
    within = np.exp(lam_padded * offsets)  # (..., block)
    full = np.empty((*shape[:-1], n_blocks, block), complex)
    np.multiply(base[..., :, None], within[..., None, :], out=full)
    return full.reshape(*shape[:-1], n_blocks * block)[..., :n_t]


def exp_coefficients_2x2(M: NDArray, t: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    r"""Coefficients of :math:`e^{Mt} = c_0 I + c_1 N` for 2x2 matrices, with :math:`c_0 - 1`.

    Parameters
    ----------
    M : complex array, shape (..., 2, 2)
    t : real array broadcastable against ``M.shape[:-2]``

    Returns
    -------
    c0, c0_minus_1, c1 : complex arrays of the broadcast shape
        :math:`c_0 = e^{\mu t}\cosh\delta t`, :math:`c_0 - 1` computed without
        cancellation (small ``t``), :math:`c_1 = e^{\mu t}\sinh(\delta t)/\delta`.
    N : complex array, shape (..., 2, 2)
        The traceless part :math:`M - \mu I`.

    Notes
    -----
    Two complex exponentials per point; the series and ``expm1`` branches are evaluated
    only on the (few) entries that need them, which keeps large parameter grids fast.
    """
    mu, N, delta = split_2x2(M)
    t = np.asarray(t, dtype=float)
    shape = np.broadcast_shapes(mu.shape, t.shape)
    e_plus = exp_of_product(mu + delta, t, shape)
    e_minus = exp_of_product(mu - delta, t, shape)
    c1 = np.subtract(e_plus, e_minus, out=np.empty(shape, complex))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        c1 *= 0.5 / delta
    c0 = np.add(e_plus, e_minus, out=e_plus)
    c0 *= 0.5
    c0_minus_1 = np.subtract(c0, 1.0, out=e_minus)
    # Special branches, tested with real per-matrix rates times t (cheaper than |complex|):
    abs_delta = np.abs(delta)
    t_b = np.broadcast_to(t, shape)
    # c0 - 1 loses relative accuracy only when both exponents are small (t -> 0) ...
    near_one = np.broadcast_to((np.abs(mu) + abs_delta) * t < 0.5, shape)
    if near_one.any():
        mt = np.broadcast_to(mu, shape)[near_one] * t_b[near_one]
        zt = np.broadcast_to(delta, shape)[near_one] * t_b[near_one]
        c0_minus_1[near_one] = 0.5 * (np.expm1(mt + zt) + np.expm1(mt - zt))
    # ... and the divided difference sinh(z)/z is a series near an exceptional point.
    use_series = np.broadcast_to(abs_delta * t < _SERIES_BELOW, shape)
    if use_series.any():
        ts = t_b[use_series]
        mt = np.broadcast_to(mu, shape)[use_series] * ts
        zt = np.broadcast_to(delta, shape)[use_series] * ts
        c1[use_series] = np.exp(mt) * ts * _sinhc_series(zt)
    return c0, c0_minus_1, c1, N


def expm_2x2(M: NDArray, t: NDArray) -> NDArray:
    """Matrix exponential :math:`e^{Mt}` of a stack of 2x2 matrices, exact and defect-safe.

    Parameters
    ----------
    M : complex array, shape (..., 2, 2)
    t : real array broadcastable against ``M.shape[:-2]``

    Returns
    -------
    complex array, shape (broadcast(M.shape[:-2], t.shape), 2, 2)
    """
    c0, _, c1, N = exp_coefficients_2x2(M, t)
    return c0[..., None, None] * np.eye(2) + c1[..., None, None] * N


def expm_batched(M: NDArray, t: NDArray) -> NDArray:
    """Matrix exponential :math:`e^{Mt}` for a stack of n x n matrices (SciPy's Pade route).

    Parameters
    ----------
    M : complex array, shape (..., n, n)
    t : real array broadcastable against ``M.shape[:-2]``

    Returns
    -------
    complex array, shape (broadcast(M.shape[:-2], t.shape), n, n)
    """
    t = np.asarray(t, dtype=float)
    A = M * t[..., None, None]
    if A.ndim == 2:
        return scipy.linalg.expm(A)
    flat = A.reshape(-1, *A.shape[-2:])
    return scipy.linalg.expm(flat).reshape(A.shape)


def determinant_2x2(M: NDArray) -> NDArray:
    """Determinants of a stack of 2x2 matrices, shape ``M.shape[:-2]``."""
    return M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]


def solve_2x2(M: NDArray, f: NDArray) -> NDArray:
    r"""Solve :math:`M x = f` for stacks of 2x2 systems with the explicit inverse.

    Parameters
    ----------
    M : complex array, shape (..., 2, 2)
    f : complex array, shape (..., 2)

    Returns
    -------
    x : complex array, shape (..., 2)

    Notes
    -----
    A singular matrix gives ``inf``/``nan`` entries; callers check :math:`\det M` first.
    """
    det = determinant_2x2(M)
    x0 = (M[..., 1, 1] * f[..., 0] - M[..., 0, 1] * f[..., 1]) / det
    x1 = (M[..., 0, 0] * f[..., 1] - M[..., 1, 0] * f[..., 0]) / det
    return np.stack([x0, x1], axis=-1)


def lyapunov_steady(M: NDArray, D: NDArray) -> NDArray:
    r"""Solve :math:`\bar M N + N M^T + D = 0` for stacks of n x n matrices.

    Here :math:`N_{ij} = \langle \delta v_i^\dagger \delta v_j \rangle` are the normally
    ordered second moments of the fluctuations and :math:`D` the thermal noise matrix.

    Parameters
    ----------
    M, D : complex arrays, shape (..., n, n), broadcastable

    Returns
    -------
    N : complex array, shape (..., n, n)
    """
    M, D = np.broadcast_arrays(M, D)
    n = M.shape[-1]
    eye = np.eye(n)
    # Row-major vec: vec(A X B) = (A kron B^T) vec(X).
    K = np.einsum("...ij,kl->...ikjl", M.conj(), eye) + np.einsum("ij,...kl->...ikjl", eye, M)
    K = K.reshape(*M.shape[:-2], n * n, n * n)
    rhs = -D.reshape(*D.shape[:-2], n * n, 1)
    return np.linalg.solve(K, rhs).reshape(D.shape)


def lyapunov_transient(N_ss: NDArray, E: NDArray) -> NDArray:
    r""":math:`N(t) = N_{ss} - \bar E N_{ss} E^T` for :math:`E = e^{Mt}` (starts from N(0) = 0)."""
    return N_ss - E.conj() @ N_ss @ np.swapaxes(E, -1, -2)
