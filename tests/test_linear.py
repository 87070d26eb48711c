"""The closed-form 2x2 exponential and the Lyapunov solvers against SciPy's independent routes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from scipy.integrate import solve_ivp

from nrqb.linear import expm_2x2, expm_batched, lyapunov_steady, lyapunov_transient, solve_2x2


def _random_stable(rng, n=2, size=()):
    A = rng.normal(size=(*size, n, n)) + 1j * rng.normal(size=(*size, n, n))
    return 0.1 * A - 0.5 * np.eye(n)


def test_expm_2x2_matches_scipy_for_random_matrices(rng):
    M = _random_stable(rng, size=(50,))
    t = rng.uniform(0, 20, size=50)
    ours = expm_2x2(M, t)
    ref = np.stack([scipy.linalg.expm(m * s) for m, s in zip(M, t, strict=True)])
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("split", [0.0, 1e-15, 1e-9, 1e-5, 1e-2])
def test_expm_2x2_at_and_near_an_exceptional_point(split):
    # Jordan-like block: eigenvalues -0.3 +- sqrt(split), defective at split = 0.
    M = np.array([[-0.3 + 0.1j, 1.0], [split, -0.3 + 0.1j]])
    for t in [0.0, 1e-6, 0.7, 30.0]:
        ref = scipy.linalg.expm(M * t)
        np.testing.assert_allclose(expm_2x2(M, t), ref, rtol=1e-12, atol=1e-15)


def test_expm_2x2_broadcasts_matrices_against_times(rng):
    M = _random_stable(rng, size=(3, 1))
    t = np.linspace(0, 5, 4)
    E = expm_2x2(M, t)
    assert E.shape == (3, 4, 2, 2)
    np.testing.assert_allclose(E[2, 3], scipy.linalg.expm(M[2, 0] * t[3]), rtol=1e-12)


def test_expm_2x2_does_not_overflow_at_long_times():
    M = np.array([[-0.5, 0.03], [2.0, -0.5]])  # real eigenvalues -0.26 and -0.74
    E = expm_2x2(M, 5e3)
    assert np.all(np.isfinite(E)) and np.abs(E).max() < 1e-100


def test_expm_batched_matches_loop(rng):
    M = _random_stable(rng, n=3, size=(4,))
    E = expm_batched(M, 2.5)
    for k in range(4):
        np.testing.assert_allclose(E[k], scipy.linalg.expm(2.5 * M[k]), rtol=1e-12)


def test_solve_2x2_matches_numpy(rng):
    M = _random_stable(rng, size=(20,))
    f = rng.normal(size=(20, 2)) + 1j * rng.normal(size=(20, 2))
    np.testing.assert_allclose(solve_2x2(M, f), np.linalg.solve(M, f[..., None])[..., 0], rtol=1e-12)


def test_lyapunov_steady_matches_scipy(rng):
    for n in (2, 3):
        M = _random_stable(rng, n=n)
        B = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        D = B @ B.conj().T
        N = lyapunov_steady(M, D)
        # SciPy solves A X + X A^H = Q; ours is conj(M) N + N M^T = -D, i.e. A = conj(M), X = N, Q = -D.
        ref = scipy.linalg.solve_continuous_lyapunov(M.conj(), -D)
        np.testing.assert_allclose(N, ref, rtol=1e-10, atol=1e-13)


def test_lyapunov_transient_solves_the_moment_ode(rng):
    M = _random_stable(rng)
    B = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    D = B @ B.conj().T

    def rhs(_, y):
        N = y.reshape(2, 2)
        return (M.conj() @ N + N @ M.T + D).ravel()

    times = np.array([0.0, 0.5, 3.0, 12.0])
    sol = solve_ivp(rhs, (0, times[-1]), np.zeros(4, complex), t_eval=times, rtol=1e-11, atol=1e-13)
    N_ss = lyapunov_steady(M, D)
    for k, t in enumerate(times):
        np.testing.assert_allclose(
            lyapunov_transient(N_ss, expm_2x2(M, t)), sol.y[:, k].reshape(2, 2), rtol=1e-7, atol=1e-10
        )


def test_exp_of_product_on_uniform_grids_matches_direct_exponentials(rng):
    from nrqb.linear import exp_of_product

    lam = (-rng.uniform(0, 2, size=(30, 1)) + 1j * rng.uniform(-3, 3, size=(30, 1))) * 0.05
    for t in (np.linspace(0, 250, 400)[None, :], np.linspace(3.0, 7.0, 1001)[None, :], np.linspace(10, 0, 97)[None, :]):
        shape = np.broadcast_shapes(lam.shape, t.shape)
        fast = exp_of_product(lam, t, shape)
        np.testing.assert_allclose(fast, np.exp(lam * t), rtol=1e-13, atol=0)
        fast[0, 0] = 0.0  # writable
    # one-dimensional times with a scalar rate, and a non-uniform grid (direct route)
    t1 = np.linspace(0, 50, 200)
    np.testing.assert_allclose(exp_of_product(-0.3 + 0.2j, t1, t1.shape), np.exp((-0.3 + 0.2j) * t1), rtol=1e-13)
    t2 = np.sort(rng.uniform(0, 50, 200))
    np.testing.assert_allclose(exp_of_product(-0.3 + 0.2j, t2, t2.shape), np.exp((-0.3 + 0.2j) * t2), rtol=1e-15)


def test_evolve_on_a_uniform_grid_equals_pointwise_evaluation():
    import nrqb

    p = nrqb.paper_params(kappa_b=0.003 * np.logspace(-2, 3, 7)[:, None], Delta_b=0.01, phi=1.2)
    t = np.linspace(0, 300, 257)
    grid = nrqb.evolve(p, t[None, :])
    # one time per call: a 0-d time never takes the uniform-grid route
    E_B = np.concatenate([nrqb.evolve(p, s).E_B for s in t], axis=1)
    P = np.concatenate([nrqb.evolve(p, s).P for s in t], axis=1)
    np.testing.assert_allclose(grid.E_B, E_B, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grid.P, P, rtol=1e-10, atol=1e-13)
