"""Eigenvalues and exceptional points of the drift matrix (paper Eqs. 13-15)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_params

import nrqb
from nrqb.drift import drift_matrix


def test_closed_form_eigenvalues_match_numpy(rng):
    for _ in range(30):
        p = random_params(rng, complex_J=True)
        ours = np.sort_complex(nrqb.eigenvalues(p))
        ref = np.sort_complex(np.linalg.eigvals(drift_matrix(p)))
        np.testing.assert_allclose(ours, ref, atol=1e-14)
        lam = nrqb.eigenvalues(p)
        assert lam[0].real >= lam[1].real


def test_paper_eq14_as_printed_is_not_an_eigenvalue():
    p = nrqb.paper_params(J=0.013, kappa_b=0.01, Delta_b=0.005)
    M = drift_matrix(p)
    Jm = Jp = p.J
    disc = (-1j * (p.Delta_a - p.Delta_b) - (p.Lambda_a - p.Lambda_b) / 2) ** 2 + 4 * (
        -1j * Jm - p.Gamma / 2 * np.exp(-1j * p.phi)
    ) * (-Jp - p.Gamma / 2 * np.exp(1j * p.phi))
    lam_paper = 1j * (p.Delta_a + p.Delta_b) / 2 + (p.Lambda_a + p.Lambda_b) / 4 + 0.5 * np.sqrt(disc)
    residual_paper = abs(np.linalg.det(M - lam_paper * np.eye(2)))
    residual_ours = max(abs(np.linalg.det(M - lam * np.eye(2))) for lam in nrqb.eigenvalues(p))
    assert residual_ours < 1e-15
    assert residual_paper > 1e-5


def _assert_defective(p: nrqb.Params) -> None:
    M = drift_matrix(p)
    lam = np.trace(M) / 2
    K = M - lam * np.eye(2)
    scale = np.abs(M).max()
    assert np.abs(K @ K).max() < 1e-10 * scale**2  # one eigenvalue, algebraically double ...
    assert np.abs(K).max() > 1e-3 * scale  # ... but only one eigenvector: a Jordan block, not a multiple of I


@pytest.mark.parametrize("r", [0.01, 0.1, 1.0, 3.0, 10.0, 100.0])
def test_ep_regime_i_resonance_any_damping_ratio(r):
    p = nrqb.paper_params(kappa_b=0.003 * r)
    J_ep = nrqb.exceptional_coupling(p)
    assert J_ep == pytest.approx(0.5 * np.sqrt(p.Gamma**2 + (p.kappa_a - p.kappa_b) ** 2 / 4), rel=1e-12)
    _assert_defective(p.replace(J=J_ep))
    if r == 1.0:
        assert J_ep == pytest.approx(p.Gamma / 2)  # the nonreciprocal point is itself an EP


@pytest.mark.parametrize("Delta", [0.0, 0.01, -0.02, 0.039])
def test_ep_regime_ii_equal_damping_with_detuning(Delta):
    p = nrqb.paper_params(Delta_b=Delta)
    J_ep = nrqb.exceptional_coupling(p)
    assert J_ep == pytest.approx(0.5 * np.sqrt(p.Gamma**2 - Delta**2), rel=1e-12)
    _assert_defective(p.replace(J=J_ep))
    assert nrqb.at_exceptional_point(p).J == pytest.approx(J_ep)


def test_no_ep_is_a_clear_error():
    with pytest.raises(ValueError, match="no real J >= 0"):
        nrqb.exceptional_coupling(nrqb.paper_params(Delta_b=0.05))  # |Delta| > Gamma at r = 1
    with pytest.raises(ValueError, match="Delta != 0 and kappa_a != kappa_b"):
        nrqb.exceptional_coupling(nrqb.paper_params(Delta_b=0.01, kappa_b=0.03))
    with pytest.raises(ValueError, match="missing"):
        nrqb.exceptional_coupling(nrqb.paper_params(), missing="ignore")


def test_ep_vectorised_with_nan_where_missing():
    Delta = np.linspace(-0.06, 0.06, 13)
    J_ep = nrqb.exceptional_coupling(nrqb.paper_params(Delta_b=Delta), missing="nan")
    exists = np.abs(Delta) <= 0.04
    assert np.all(np.isfinite(J_ep[exists])) and np.all(np.isnan(J_ep[~exists]))
    with pytest.raises(ValueError, match="index"):
        nrqb.exceptional_coupling(nrqb.paper_params(Delta_b=Delta))


def test_general_phase_ep_roots_solve_the_discriminant(rng):
    for _ in range(20):
        p = random_params(rng)
        for J in nrqb.exceptional_couplings(p):
            M = drift_matrix(p.replace(J=J.real)) if abs(J.imag) < 1e-14 else None
            disc = (0.5 * (-1j * p.Delta_a + 1j * p.Delta_b - (p.Lambda_a - p.Lambda_b) / 2)) ** 2 + (
                -1j * J - p.Gamma / 2 * np.exp(-1j * p.phi)
            ) * (-1j * J - p.Gamma / 2 * np.exp(1j * p.phi))
            assert abs(disc) < 1e-14
            if M is not None:
                _assert_defective(p.replace(J=J.real))


def test_square_root_splitting_near_the_ep():
    """At an EP the eigenvalue splitting grows as the square root of a perturbation (exponent 1/2)."""
    p = nrqb.paper_params(kappa_b=0.03)
    J_ep = nrqb.exceptional_coupling(p)
    eps = np.logspace(-10, -6, 5)
    lam = nrqb.eigenvalues(p.replace(J=J_ep * (1 + eps)))
    splitting = np.abs(lam[..., 0] - lam[..., 1])
    slope = np.polyfit(np.log(eps), np.log(splitting), 1)[0]
    assert 0.48 < slope < 0.52
    # away from an EP the splitting is linear (exponent 1).
    lam0 = nrqb.eigenvalues(p.replace(J=0.5 * J_ep))
    lam1 = nrqb.eigenvalues(p.replace(J=0.5 * J_ep * (1 + eps)))
    shift = np.abs(lam1[..., 0] - lam0[0])
    slope = np.polyfit(np.log(eps), np.log(shift), 1)[0]
    assert 0.98 < slope < 1.02


def test_a_multiple_of_the_identity_is_not_an_exceptional_point():
    """Regression (issue 13, item 7): at Gamma = 0 (r = 1, Delta = 0) exceptional_coupling returned 0, where M = mu I
    is degenerate but diagonalisable, and the widget then announced an EP."""
    p = nrqb.paper_params(Gamma=0.0)
    with pytest.raises(ValueError, match="multiple of the identity"):
        nrqb.exceptional_coupling(p)
    assert np.isnan(nrqb.exceptional_coupling(p, missing="nan"))
    M = drift_matrix(p.replace(J=0.0))
    assert np.allclose(M, M[0, 0] * np.eye(2), rtol=0, atol=0)
    grid = nrqb.exceptional_coupling(nrqb.paper_params(Gamma=np.array([0.0, 0.04])), missing="nan")
    assert np.isnan(grid[0]) and grid[1] == pytest.approx(0.02)


def test_without_the_reservoir_the_passive_ep_remains_and_is_defective():
    """Gamma = 0 with kappa_a != kappa_b: the coherent (passive PT) EP at J = |kappa_a - kappa_b|/4 is genuine."""
    p = nrqb.paper_params(Gamma=0.0, kappa_a=0.01, kappa_b=0.002)
    J = nrqb.exceptional_coupling(p)
    assert J == pytest.approx(0.002)
    M = drift_matrix(p.replace(J=J))
    N = M - 0.5 * np.trace(M) * np.eye(2)
    assert np.abs(N @ N).max() < 1e-15 and np.abs(N).max() > 1e-3  # nilpotent, not zero: a Jordan block
