r"""Exact solutions of linear ODEs :math:`\dot x = M x + f` for stacks of small matrices.

Three routes, vectorised over leading axes:

* :func:`driven_coefficients_2x2`: the time functions that :func:`nrqb.evolve` uses, built from the eigenvalues
  with every cancellation avoided (the slow eigenvalue beside a fast one, small times, exceptional points); its
  notes bound the rounding error.
* :func:`expm_2x2` and friends: a closed form for 2x2 matrices, accurate to rounding relative to the largest entry
  of :math:`M` (not relative to a slow eigenvalue: use the route above for widely separated rates).
  Writing :math:`M = \mu I + N` with :math:`N` traceless, :math:`N^2 = \delta^2 I`, so

  .. math:: e^{Mt} = e^{\mu t}\left[\cosh(\delta t)\, I + \frac{\sinh(\delta t)}{\delta} N\right].

  Both coefficients are entire functions of :math:`\delta^2`, so the formula is
  regular *at* an exceptional point (:math:`\delta = 0`, defective :math:`M`), where an
  eigen-decomposition fails; a series is used for small :math:`|\delta t|`.
* :func:`expm_batched`: SciPy's Pade matrix exponential over a stack (the 3x3 three-mode model, and
  :func:`lyapunov_integral`).

The driven solution from :math:`x(0) = 0` is :math:`x(t) = \int_0^t e^{Ms} f\,ds` (equal to
:math:`(I - e^{Mt})\, x_{ss}` with :math:`x_{ss} = -M^{-1} f` when :math:`M` is invertible, a form that cancels at small
:math:`t` and for separated rates), and :math:`\dot x(t) = e^{Mt} f`. Second moments of the fluctuations obey the
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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DrivenCoefficients",
    "determinant_2x2",
    "driven_coefficients_2x2",
    "eigenvalues_2x2",
    "exp_and_expm1_of_product",
    "exp_coefficients_2x2",
    "exp_of_product",
    "expm_2x2",
    "expm_batched",
    "lyapunov_integral",
    "lyapunov_steady",
    "lyapunov_transient",
    "solve_2x2",
    "split_2x2",
]

# Below this |delta t| the divided difference sinh(z)/z is summed as a series: the direct form
# loses ~eps/|z| relative accuracy (<= 2e-14 above the threshold), the truncated series errs by
# ~|z|^10/4e7 (< 1e-27). A small threshold keeps the series to the few points that need it.
_SERIES_BELOW = 1e-2
# Where |delta| min(t, 1/|mu|) is below this, psi[lambda+, lambda-] is not the difference quotient (which loses
# about eps/(|delta| min(t, 1/|mu|)) <= 2e-13 relative above it) but the c0/c1 form or a Taylor series.
_NEAR_EP_BELOW = 1e-3


def _sinhc_series(z: NDArray) -> NDArray:
    z2 = z * z
    return 1 + z2 / 6 * (1 + z2 / 20 * (1 + z2 / 42 * (1 + z2 / 72)))


def _tanhc_series(z: NDArray) -> NDArray:
    r""":math:`\tanh(z)/z` for :math:`|z| < 10^{-2}` (the next term, :math:`62 z^8/2835`, is below :math:`3\times10^{-18}`)."""
    z2 = z * z
    return 1 - z2 / 3 * (1 - z2 * (2 / 5) * (1 - z2 * (17 / 42)))


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
    return _exp_of_product(lam, t, shape, minus_one=False)[0]


def exp_and_expm1_of_product(lam: NDArray, t: NDArray, shape: tuple[int, ...]) -> tuple[NDArray, NDArray]:
    r""":math:`e^{\lambda t}` and :math:`e^{\lambda t} - 1`, each to full relative accuracy (see :func:`exp_of_product`).

    The first is accurate where it is small (late times), the second where it is small (early times). On a uniform
    grid the blocks use ``exp`` (and ``expm1`` for small arguments), and :math:`e^{a+b} - 1 = A e^b + B` with
    :math:`A = e^a - 1`, :math:`B = e^b - 1`; for :math:`a, b` of the same phase (as here: :math:`\lambda` times two
    positive times) the two terms do not cancel.
    """
    e, em1 = _exp_of_product(lam, t, shape, minus_one=True)
    assert em1 is not None
    return e, em1


def _exp_of_product(
    lam: NDArray, t: NDArray, shape: tuple[int, ...], *, minus_one: bool
) -> tuple[NDArray, NDArray | None]:
    lam = np.asarray(lam)
    step = _uniform_step(t)
    ndim = len(shape)
    lam_padded = lam.reshape((1,) * (ndim - lam.ndim) + lam.shape)
    with np.errstate(over="ignore"):  # an exponent beyond the float range decays to exactly 0
        return _exp_of_product_in_range(lam, lam_padded, t, step, shape, minus_one)


def _exp_of_product_in_range(
    lam: NDArray, lam_padded: NDArray, t: NDArray, step: float | None, shape: tuple[int, ...], minus_one: bool
) -> tuple[NDArray, NDArray | None]:
    ndim = len(shape)
    if step is None or ndim == 0 or lam_padded.shape[-1] != 1:
        product = np.multiply(lam, t, out=np.empty(shape, complex))
        e = np.exp(product, out=np.empty(shape, complex))
        return e, (np.expm1(product, out=product) if minus_one else None)
    n_t = shape[-1]
    block = max(8, int(np.sqrt(n_t)))
    n_blocks = -(-n_t // block)
    t0 = float(t.reshape(-1)[0])
    at_starts = lam_padded * (t0 + step * block * np.arange(n_blocks))  # (..., n_blocks)
    at_offsets = lam_padded * (step * np.arange(block))  # (..., block)
    e_starts, e_offsets = np.exp(at_starts), np.exp(at_offsets)

    def spread(base: NDArray, within: NDArray) -> NDArray:
        full = np.empty((*shape[:-1], n_blocks, block), complex)
        return np.multiply(base[..., :, None], within[..., None, :], out=full)

    def trim(full: NDArray) -> NDArray:
        return full.reshape(*shape[:-1], n_blocks * block)[..., :n_t]

    e_full = spread(e_starts, e_offsets)
    if not minus_one:
        return trim(e_full), None
    em1 = np.subtract(e_full, 1.0)
    # e - 1 cancels only in the leading blocks, where |lambda t| < 1/2 at the block's start for some entry; there
    # e^{a+b} - 1 = A e^b + B with A = e^a - 1, B = e^b - 1 (the two terms have the same phase: no cancellation).
    early = np.any(np.abs(at_starts) < 0.5, axis=tuple(range(at_starts.ndim - 1)))
    k = int(np.argmin(early)) if not early.all() else n_blocks
    if k:
        em1_starts, em1_offsets = (
            _expm1_from_exp(at_starts[..., :k], e_starts[..., :k]),
            _expm1_from_exp(at_offsets, e_offsets),
        )
        np.multiply(em1_starts[..., :, None], e_offsets[..., None, :], out=em1[..., :k, :])
        em1[..., :k, :] += em1_offsets[..., None, :]
    return trim(e_full), trim(em1)


def _expm1_from_exp(z: NDArray, e: NDArray) -> NDArray:
    """``e - 1`` for ``e = exp(z)``, with ``expm1`` where that subtraction would cancel (:math:`|z| < 1/2`)."""
    out = e - 1.0
    small = np.abs(z) < 0.5
    if small.any():
        out[small] = np.expm1(z[small])
    return out


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
    """Matrix exponential :math:`e^{Mt}` of a stack of 2x2 matrices, to rounding relative to its largest entry; defect-safe.

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
    import scipy.linalg  # here, not at the top: only the three-mode model needs it, and `import nrqb` stays light

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


# The Taylor series of the second divided difference is used where every |lambda t| <= _TAYLOR_BELOW: its terms
# are bounded by (m + 1) 0.1^m/(m + 2)!, so 12 of them leave ~2e-18. Above it the c0/c1 form near an exceptional
# point cancels by at most a factor 2/(|mu| t) <= 20.
_TAYLOR_BELOW = 0.1
_TAYLOR_TERMS = 12


@dataclass(frozen=True)
class DrivenCoefficients:
    r"""Time functions of :math:`\dot x = Mx + f` from :math:`x(0) = 0` for 2x2 :math:`M`, in scaled units.

    With :math:`\lambda_\pm = \mu \pm \delta` the eigenvalues of :math:`M` and :math:`s` a rate scale
    (times :math:`\tau = s t`, rates :math:`\tilde\lambda = \lambda/s`):

    Attributes
    ----------
    psi_minus : ndarray
        :math:`\tilde\psi_- = (e^{\lambda_- t} - 1)/\tilde\lambda_-` (:math:`\tau` where :math:`\lambda_- = 0`).
    c1 : ndarray
        :math:`s\,(e^{\lambda_+ t} - e^{\lambda_- t})/(2\delta)`: :math:`e^{Mt} = c_0 I + c_1 (M - \mu I)`.
    B : ndarray
        :math:`s^2\,\psi[\lambda_+, \lambda_-]`, the divided difference of :math:`\psi(\lambda) = (e^{\lambda t}-1)/\lambda`,
        so that :math:`x(t) = t\,\varphi_1(Mt) f = [\psi(\lambda_-) I + \psi[\lambda_+,\lambda_-](M - \lambda_- I)] f`.
    c0 : ndarray or None
        :math:`(e^{\lambda_+ t} + e^{\lambda_- t})/2` when asked for (``want_c0``; the thermal moments need it).
    """

    psi_minus: NDArray
    c1: NDArray
    B: NDArray
    c0: NDArray | None = None


def _divided_difference_taylor(z: NDArray, d: NDArray, tau: NDArray) -> NDArray:
    r""":math:`s^2\psi[\lambda_+, \lambda_-] = \tau^2 \sum_m h_m/(m+2)!` with :math:`h_m = \sum_{i+j=m} (\lambda_+ t)^i (\lambda_- t)^j`.

    ``z`` is :math:`\mu t`, ``d`` is :math:`\lambda_+\lambda_- t^2`; :math:`h_m = 2z h_{m-1} - d h_{m-2}`.
    """
    h_prev, h = np.ones_like(z), 2 * z
    total = 0.5 + h / 6
    factorial = 6.0
    for m in range(2, _TAYLOR_TERMS):
        h_prev, h = h, 2 * z * h - d * h_prev
        factorial *= m + 2
        total = total + h / factorial
    return tau * tau * total


def _near_exceptional_point(*arrays: NDArray) -> NDArray:
    r""":math:`s^2\psi[\lambda_+, \lambda_-]` where the difference quotient cancels (flat arrays of the points).

    :math:`(\tilde\mu c_1 - (c_0 - 1))/\widetilde{\det}`, or where every :math:`|\lambda t| \le 1` (there
    :math:`c_0 - 1` and :math:`\mu c_1` cancel instead) the Taylor series in :math:`t`. Arguments: the fastest rate,
    the scale, :math:`\mu` (units of omega), :math:`\tilde\mu`, :math:`\widetilde{\det}`, :math:`t`, :math:`c_1`,
    :math:`c_0 - 1`.
    """
    fastest, scale, rate_mu, mu, det, t, c1, c0m1 = arrays
    taylor = fastest * t <= _TAYLOR_BELOW
    out = np.empty(t.shape, complex)
    other = ~taylor
    out[other] = (mu[other] * c1[other] - c0m1[other]) / det[other]
    if taylor.any():
        ts = t[taylor]
        tau = scale[taylor] * ts
        out[taylor] = _divided_difference_taylor(rate_mu[taylor] * ts, det[taylor] * tau * tau, tau)
    return out


def driven_coefficients_2x2(
    lam_plus: NDArray,
    lam_minus: NDArray,
    mu: NDArray,
    delta: NDArray,
    det: NDArray,
    scale: NDArray,
    t: NDArray,
    *,
    want_c0: bool = False,
) -> DrivenCoefficients:
    r"""The time functions of :class:`DrivenCoefficients`, free of cancellation (the Notes bound the rounding error).

    Parameters
    ----------
    lam_plus, lam_minus, mu, delta, det : complex arrays
        :math:`\tilde\lambda_\pm = \tilde\mu \pm \tilde\delta` and :math:`\widetilde{\det} = \tilde\lambda_+\tilde\lambda_-`
        in units of ``scale``, each accurate relative to its own modulus (see :func:`nrqb.drift.spectrum`).
    scale : real array
        The rate scale :math:`s`.
    t : real array broadcastable against the others
        Times, units of ``1/omega``.

    Notes
    -----
    Three evaluations of :math:`\psi[\lambda_+, \lambda_-]`, each used where it has no cancellation:

    * the difference quotient :math:`(\psi(\lambda_+) - \psi(\lambda_-))/(2\delta)`, whose relative error is
      at most about :math:`\epsilon/(|\delta|\min(t, 1/|\mu|))`, below :math:`2\times10^{-13}` where it is used;
    * near an exceptional point, :math:`|\delta|\min(t, 1/|\mu|) < 10^{-3}`:
      :math:`(\mu c_1 - (c_0 - 1))/\det M`, with :math:`c_1` as a series in :math:`\delta t` there, or, where
      also :math:`\max|\lambda_\pm| t \le 0.1`, the Taylor series in :math:`t` (relative accuracy as
      :math:`t \to 0`, where the battery's amplitude grows as :math:`t^2`).

    Each :math:`\psi(\lambda) = (e^{\lambda t} - 1)/\lambda` is built from ``expm1`` (:func:`exp_of_product`), so a slow
    eigenvalue keeps its relative accuracy next to a fast one.
    """
    t = np.asarray(t, dtype=float)
    shape = np.broadcast_shapes(np.shape(mu), t.shape)
    rate_p, rate_m, rate_mu, rate_delta = (scale * v for v in (lam_plus, lam_minus, mu, delta))
    e_p, em1_p = exp_and_expm1_of_product(rate_p, t, shape)
    e_m, em1_m = exp_and_expm1_of_product(rate_m, t, shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_p = np.where(lam_plus == 0, 0.0, 1.0 / lam_plus)
        inv_m = np.where(lam_minus == 0, 0.0, 1.0 / lam_minus)
        inv_2d = np.where(delta == 0, 0.0, 0.5 / delta)
    # e^{lambda t} where it is small (late times: c1 keeps its relative accuracy), e^{lambda t} - 1 where that is.
    c0 = 0.5 * (e_p + e_m) if want_c0 else None
    abs_delta = np.abs(rate_delta)
    with np.errstate(divide="ignore"):
        # c1 as a series where |delta t| < _SERIES_BELOW (at and near an exceptional point) ...
        series_until = np.where(abs_delta > 0, _SERIES_BELOW / abs_delta, np.inf)
        # ... and psi[lambda+, lambda-] by other forms where |delta| min(t, 1/|mu|) < _NEAR_EP_BELOW.
        near_until = np.where(abs_delta < _NEAR_EP_BELOW * np.abs(rate_mu), np.inf, _NEAR_EP_BELOW / abs_delta)
    series = np.broadcast_to(t < series_until, shape)
    near = np.broadcast_to(t < near_until, shape)
    # There c1 = e^{mu t} t sinh(delta t)/(delta t) = (e+ + e-)/2 t tanh(delta t)/(delta t): no further exp.
    mean_e = 0.5 * (e_p[series] + e_m[series])
    c1 = np.subtract(e_p, e_m, out=e_p)
    c1 *= inv_2d
    if mean_e.size:
        delta_s, scale_s, ts = (np.broadcast_to(v, shape)[series] for v in (rate_delta, scale, t))
        c1[series] = mean_e * scale_s * ts * _tanhc_series(delta_s * ts)
    c0m1_near = 0.5 * (em1_p[near] + em1_m[near])
    # psi(lambda) = (e^{lambda t} - 1)/lambda in the buffers of e - 1 (psi(0) = t, in scaled units).
    psi_p = np.multiply(em1_p, inv_p, out=em1_p)
    psi_m = np.multiply(em1_m, inv_m, out=em1_m)
    for lam, psi in ((lam_plus, psi_p), (lam_minus, psi_m)):
        if np.any(lam == 0):
            zero = np.broadcast_to(lam == 0, shape)
            psi[zero] = np.broadcast_to(scale * t, shape)[zero]
    B = np.subtract(psi_p, psi_m, out=psi_p)
    B *= inv_2d
    if c0m1_near.size:
        fastest = np.maximum(np.abs(rate_p), np.abs(rate_m))
        flat = [np.broadcast_to(v, shape)[near] for v in (fastest, scale, rate_mu, mu, det, t)]
        B[near] = _near_exceptional_point(*flat, c1[near], c0m1_near)
    return DrivenCoefficients(psi_minus=psi_m, c1=c1, B=B, c0=c0)


def lyapunov_integral(M: NDArray, D: NDArray, t: NDArray) -> NDArray:
    r""":math:`N(t) = \int_0^t e^{\bar M s} D e^{M^T s} ds`, the Lyapunov solution from :math:`N(0) = 0`, with no inverse.

    For undamped modes, where :func:`lyapunov_steady` is singular. With the row-major
    :math:`\mathrm{vec}`, :math:`\dot{\mathrm{vec}}\,N = K\,\mathrm{vec}\,N + \mathrm{vec}\,D`,
    :math:`K = \bar M \otimes I + I \otimes M`, so :math:`\mathrm{vec}\,N(t)` is the last column of the exponential of
    :math:`\begin{pmatrix} K & \mathrm{vec}\,D \\ 0 & 0 \end{pmatrix} t` (:func:`expm_batched`).

    Parameters
    ----------
    M, D : complex arrays, shape (..., n, n)
    t : real array broadcastable against ``M.shape[:-2]``

    Returns
    -------
    N : complex array, shape (broadcast(M.shape[:-2], t.shape), n, n)
    """
    n = M.shape[-1]
    eye = np.eye(n)
    K = np.einsum("...ij,kl->...ikjl", M.conj(), eye) + np.einsum("ij,...kl->...ikjl", eye, M)
    K = K.reshape(*M.shape[:-2], n * n, n * n)
    lead = np.broadcast_shapes(K.shape[:-2], D.shape[:-2])
    aug = np.zeros((*lead, n * n + 1, n * n + 1), dtype=complex)
    aug[..., : n * n, : n * n] = K
    aug[..., : n * n, n * n] = np.broadcast_to(D, (*lead, n, n)).reshape(*lead, n * n)
    t = np.asarray(t, dtype=float)
    shape = np.broadcast_shapes(lead, t.shape)
    E = expm_batched(np.broadcast_to(aug, (*shape, *aug.shape[-2:])), np.broadcast_to(t, shape))
    return E[..., : n * n, n * n].reshape(*shape, n, n)
