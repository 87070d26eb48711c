"""evolve / steady_state against independent routes: ODE integration, the paper's closed forms, limits, balances."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_params
from scipy.integrate import solve_ivp

import nrqb
from nrqb.drift import drift_matrix, drive_vector


def integrate(p: nrqb.Params, t: np.ndarray) -> np.ndarray:
    """<a>, <b> by adaptive Runge-Kutta on the mean-field equations written out by hand (paper Eq. 5)."""
    phase = np.exp(1j * p.phi)

    def rhs(_, x):
        a, b = x
        da = (-1j * p.Delta_a - p.Lambda_a / 2) * a + (-1j * p.J - p.Gamma / 2 / phase) * b - 1j * p.epsilon
        db = (-1j * p.Delta_b - p.Lambda_b / 2) * b + (-1j * np.conj(p.J) - p.Gamma / 2 * phase) * a
        return [da, db]

    sol = solve_ivp(rhs, (0, t[-1]), [0j, 0j], t_eval=t, method="DOP853", rtol=1e-11, atol=1e-12)
    return sol.y


def test_closed_form_matches_ode_integration_on_random_parameters(rng):
    for k in range(25):
        p = random_params(rng, complex_J=k % 2 == 1)
        t = np.linspace(0, 3 / (p.Gamma + p.kappa_a), 40)
        tr = nrqb.evolve(p, t)
        a, b = integrate(p, t)
        scale = np.abs(b).max() + np.abs(a).max()
        np.testing.assert_allclose(tr.alpha, a, atol=1e-8 * scale)
        np.testing.assert_allclose(tr.beta, b, atol=1e-8 * scale)
        np.testing.assert_allclose(tr.E_B, p.omega * np.abs(b) ** 2, atol=1e-7 * p.omega * scale**2)


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # the paper's defaults: Lambda_a = Lambda_b AND an exceptional point (J = Gamma/2, r = 1)
        {"Delta_b": 0.02, "J": 0.5 * np.sqrt(0.04**2 - 0.02**2)},  # EP with detuning (r = 1)
        {"kappa_a": 0.1, "kappa_b": 0.03},  # Lambda_b = Lambda_a / 2: an (only apparently) singular term of Eq. (8)
        {"kappa_b": 0.003 + 1e-12},  # a hair away from Lambda_a = Lambda_b
        {"J": 0.02 * (1 + 1e-10)},  # a hair away from the EP
    ],
)
def test_closed_form_is_exact_at_degenerate_points(overrides):
    p = nrqb.paper_params(**overrides)
    t = np.linspace(0, 600, 61)
    tr = nrqb.evolve(p, t)
    a, b = integrate(p, t)
    np.testing.assert_allclose(tr.beta, b, rtol=0, atol=1e-8 * np.abs(b).max())
    np.testing.assert_allclose(tr.alpha, a, rtol=0, atol=1e-8 * np.abs(a).max())


def paper_eq7(t, p):
    return 4 * p.epsilon**2 / p.Lambda_a**2 * (1 - np.exp(-p.Lambda_a * t / 2)) ** 2


def paper_eq8(t, p):
    La, Lb, G, eps = np.float64(p.Lambda_a), np.float64(p.Lambda_b), p.Gamma, p.epsilon
    A1 = 1 / (La + Lb) + La / (Lb * (La + Lb))
    A2 = -2 / Lb + La / (Lb * (La - Lb))
    A3 = -1 / (La - Lb)
    A4 = -La / (Lb * (La - Lb))
    e = np.exp
    return (
        16
        * eps**2
        * G**2
        / La**2
        * (
            A1 / Lb * (1 - e(-Lb * t))
            + A2 / (Lb - La / 2) * (e(-La * t / 2) - e(-Lb * t))
            + A3 / (Lb - La) * (e(-La * t) - e(-Lb * t))
            + 2 * A4 / Lb * (e(-Lb * t / 2) - e(-Lb * t))
            - 2 * (A1 + A2 + A3 + A4) / (Lb - La) * (e(-(La + Lb) * t / 2) - e(-Lb * t))
        )
    )


def paper_eq9(t, p):
    La, Lb, G, eps = p.Lambda_a, p.Lambda_b, p.Gamma, p.epsilon
    A1 = 1 / (La + Lb) + La / (Lb * (La + Lb))
    A2 = -2 / Lb + La / (Lb * (La - Lb))
    A3 = -1 / (La - Lb)
    A4 = -La / (Lb * (La - Lb))
    s = np.exp(-(La + Lb) * t / 2)
    return (
        -8
        * eps**2
        * G
        * np.exp(1j * p.phi)
        / La**2
        * (A1 * (1 - s) + A2 * (np.exp(-La * t / 2) - s) + A3 * (np.exp(-La * t) - s) + A4 * (np.exp(-Lb * t / 2) - s))
    )


@pytest.mark.parametrize("kappa_b", [0.0005, 0.01, 0.03, 0.3])
def test_paper_closed_forms_eqs_7_to_10_where_defined(kappa_b):
    p = nrqb.paper_params(kappa_b=kappa_b)  # resonance, J = Gamma/2, phi = pi/2, Lambda_a != Lambda_b
    t = np.linspace(0, 800, 81)
    tr = nrqb.evolve(p, t)
    np.testing.assert_allclose(tr.n_a, paper_eq7(t, p), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tr.n_b, paper_eq8(t, p), rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(np.conj(tr.alpha) * tr.beta, paper_eq9(t, p), rtol=1e-8, atol=1e-9)
    ss = nrqb.steady_state(p)
    La, Lb, G, eps = p.Lambda_a, p.Lambda_b, p.Gamma, p.epsilon
    assert ss.E_A == pytest.approx(4 * eps**2 / La**2, rel=1e-12)  # Eq. (10)
    E_B_eq10 = 16 * eps**2 * G**2 / (La**2 * Lb * (La + Lb)) + 16 * eps**2 * G**2 / (La * Lb**2 * (La + Lb))
    assert ss.E_B == pytest.approx(E_B_eq10, rel=1e-12)
    assert ss.E_B / ss.E_A == pytest.approx(4 * G**2 / Lb**2, rel=1e-12)  # not the paper's 4 Gamma^2 / Delta^2


def test_paper_eq8_is_0_over_0_at_its_own_default_parameters():
    p = nrqb.paper_params()
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isnan(paper_eq8(np.array([100.0]), p)).all()
    # ... while the exact solution is finite and continuous there,
    t = np.array([50.0, 100.0, 400.0])
    exact = nrqb.evolve(p, t).n_b
    assert np.all(np.isfinite(exact)) and np.all(exact > 0)
    near = nrqb.evolve(nrqb.paper_params(kappa_b=0.003 * (1 + 1e-6)), t).n_b
    np.testing.assert_allclose(near, exact, rtol=1e-5)
    # ... and Eq. (8) agrees with it a little away from the degeneracy,
    slightly_off = nrqb.paper_params(kappa_b=0.003 * 1.001)
    np.testing.assert_allclose(paper_eq8(t, slightly_off), nrqb.evolve(slightly_off, t).n_b, rtol=1e-6)
    # ... but close to it the printed form cancels catastrophically (1/(Lambda_a - Lambda_b)^2 terms).
    very_near = nrqb.paper_params(kappa_b=0.003 * (1 + 1e-6))
    assert abs(paper_eq8(t, very_near)[0] / near[0] - 1) > 1e-2


def test_steady_state_is_the_long_time_limit(rng):
    for _ in range(10):
        p = random_params(rng, complex_J=True)
        slowest = -nrqb.eigenvalues(p)[..., 0].real
        tr = nrqb.evolve(p, 60 / slowest)
        ss = nrqb.steady_state(p)
        assert tr.E_B == pytest.approx(ss.E_B, rel=1e-9, abs=1e-12)
        assert tr.E_A == pytest.approx(ss.E_A, rel=1e-9, abs=1e-12)
        assert tr.eta == pytest.approx(ss.eta, rel=1e-9, abs=1e-12)
        assert abs(tr.P) < 1e-12 * ss.E_B * slowest + 1e-300


def _richardson_derivative(f, t, h):
    """Fourth-order central difference: f is exact, so this converges as h^4."""
    return (-f(t + 2 * h) + 8 * f(t + h) - 8 * f(t - h) + f(t - 2 * h)) / (12 * h)


def test_power_is_the_exact_time_derivative(rng):
    for _ in range(8):
        p = random_params(rng, complex_J=True)
        t = np.linspace(5.0, 200.0, 17)
        P_fd = _richardson_derivative(lambda s, p=p: nrqb.evolve(p, s).E_B, t, 0.1)
        np.testing.assert_allclose(nrqb.evolve(p, t).P, P_fd, rtol=1e-6, atol=1e-7 * np.abs(P_fd).max())


def test_energy_balance_drive_in_minus_losses(rng):
    for _ in range(8):
        p = random_params(rng, complex_J=True)
        t = np.linspace(5.0, 150.0, 11)
        tr = nrqb.evolve(p, t)
        dE_A = _richardson_derivative(lambda s, p=p: nrqb.evolve(p, s).E_A, t, 0.5)
        collective = np.abs(tr.alpha + np.exp(-1j * p.phi) * tr.beta) ** 2
        drive_in = -2 * p.epsilon * tr.alpha.imag
        losses = p.kappa_a * tr.n_a + p.kappa_b * tr.n_b + p.Gamma * collective
        np.testing.assert_allclose((dE_A + tr.P) / p.omega, drive_in - losses, rtol=1e-6, atol=1e-10)


def test_at_full_nonreciprocity_the_charger_ignores_the_battery(rng):
    t = np.linspace(0, 500, 51)
    reference = nrqb.evolve(nrqb.paper_params(), t)
    for _ in range(5):
        battery = {"kappa_b": rng.uniform(0, 0.1), "Delta_b": rng.uniform(-0.1, 0.1), "n_th_b": 0.0}
        tr = nrqb.evolve(nrqb.paper_params(**battery), t)
        np.testing.assert_allclose(tr.alpha, reference.alpha, rtol=1e-12, atol=1e-14)
        assert np.abs(tr.beta - reference.beta).max() > 1e-3  # the battery itself does change
    # ...and the charger is then a driven damped mode on its own: Eq. (21) of the paper's appendix.
    p = nrqb.paper_params()
    alpha_single = -2j * p.epsilon / p.Lambda_a * (1 - np.exp(-p.Lambda_a * t / 2))
    np.testing.assert_allclose(reference.alpha, alpha_single, rtol=1e-12, atol=1e-14)
    # Away from the nonreciprocal point the battery does act back on the charger.
    off = nrqb.evolve(nrqb.paper_params(J=0.01, kappa_b=0.05), t)
    assert np.abs(off.alpha - reference.alpha).max() > 1e-2


def test_outputs_broadcast_over_parameter_grids():
    r = np.logspace(-2, 3, 5)
    t = np.linspace(0, 250, 7)
    p = nrqb.paper_params(kappa_b=0.003 * r[:, None])
    grid = nrqb.evolve(p, t[None, :])
    for name in ("alpha", "beta", "E_A", "E_B", "eta", "P", "ergotropy_B", "t"):
        assert getattr(grid, name).shape == (5, 7), name
    for i in (0, 3):
        single = nrqb.evolve(nrqb.paper_params(kappa_b=0.003 * r[i]), t)
        np.testing.assert_allclose(grid.E_B[i], single.E_B, rtol=1e-13)
        np.testing.assert_allclose(grid.P[i], single.P, rtol=1e-12, atol=1e-15)
    assert nrqb.steady_state(p.replace(kappa_b=0.003 * r)).E_B.shape == (5,)
    assert np.ndim(nrqb.evolve(nrqb.paper_params(), 3.0).E_B) == 0


def test_efficiency_and_zero_time():
    tr = nrqb.evolve(nrqb.paper_params(), np.array([0.0, 1e-3, 50.0]))
    assert tr.E_A[0] == 0 and tr.E_B[0] == 0 and tr.eta[0] == 0 and tr.P[0] == 0
    assert 0 < tr.eta[2] < 1
    np.testing.assert_allclose(tr.eta, tr.E_B / np.where(tr.E_A + tr.E_B > 0, tr.E_A + tr.E_B, 1))


def test_an_undamped_dark_mode_charges_forever_and_has_no_steady_state():
    """kappa_a = kappa_b = 0, J = 0, phi = 0: a - b is dark (undamped, zero frequency), so the drift matrix is
    singular. evolve needs no inverse and gives the exact trajectory (the dark half of the drive accumulates,
    <b> -> i epsilon t / 2); steady_state refuses, naming the cure."""
    dark = nrqb.paper_params(kappa_a=0.0, kappa_b=0.0, J=0.0, phi=0.0)
    t = np.linspace(0, 2000, 41)
    tr = nrqb.evolve(dark, t)
    _, b = integrate(dark, t)
    np.testing.assert_allclose(tr.beta, b, rtol=0, atol=1e-8 * np.abs(b).max())
    late = t > 500
    np.testing.assert_allclose(tr.beta[late] / (0.5j * dark.epsilon * t[late]), 1, rtol=2 / (dark.Gamma * 500))
    with pytest.raises(ValueError, match=r"no steady state.*undamped.*kappa_a or kappa_b"):
        nrqb.steady_state(dark)


def test_thermal_steady_state_is_the_long_time_limit_and_zero_temperature_is_coherent(rng):
    for _ in range(5):
        p = random_params(rng).replace(n_th_a=rng.uniform(0, 2), n_th_b=rng.uniform(0, 2), n_th_c=rng.uniform(0, 2))
        slowest = -nrqb.eigenvalues(p)[..., 0].real
        tr = nrqb.evolve(p, 80 / slowest)
        ss = nrqb.steady_state(p)
        assert tr.E_B == pytest.approx(ss.E_B, rel=1e-9)
        assert tr.E_A == pytest.approx(ss.E_A, rel=1e-9)
        assert ss.E_B > p.omega * abs(ss.beta) ** 2  # heat adds energy ...
        assert ss.ergotropy_B == pytest.approx(p.omega * abs(ss.beta) ** 2, rel=1e-12)  # ... but no work
    cold = nrqb.steady_state(nrqb.paper_params())
    assert cold.ergotropy_B == pytest.approx(cold.E_B, rel=1e-12)
    assert cold.eta_ergotropy == pytest.approx(cold.eta, rel=1e-12)


def test_drift_matrix_is_the_papers_eq13_entries():
    p = nrqb.paper_params(J=0.013, phi=0.7, Delta_a=0.01, Delta_b=-0.02, kappa_b=0.01)
    M = drift_matrix(p)
    A = -1j * p.Delta_a - p.Lambda_a / 2
    B = -1j * p.J - p.Gamma / 2 * np.exp(-1j * p.phi)
    C = -1j * p.J - p.Gamma / 2 * np.exp(1j * p.phi)
    D = -1j * p.Delta_b - p.Lambda_b / 2
    np.testing.assert_allclose(M, [[A, B], [C, D]], rtol=1e-15)
    np.testing.assert_allclose(drive_vector(p), [-1j * p.epsilon, 0])


def test_bad_time_grids_are_named_not_numpy_errors():
    """Regression (issue 13, item 6): a ragged t and a p/t shape clash surfaced numpy's messages."""
    p = nrqb.paper_params()
    with pytest.raises(ValueError, match=r"t \(time in units of 1/omega\) must be a number or a rectangular array"):
        nrqb.evolve(p, [[0.0, 1.0], [2.0]])
    grid = nrqb.paper_params(kappa_b=np.array([0.001, 0.002, 0.003]))
    with pytest.raises(ValueError, match=r"times t of shape \(4,\) do not broadcast with the parameters' shape \(3,\)"):
        nrqb.evolve(grid, np.ones(4))
    assert nrqb.evolve(grid, np.ones((4, 1))).E_B.shape == (4, 3)
    empty = nrqb.evolve(p, [])
    assert empty.E_B.shape == (0,)
    from nrqb.analysis import charging_summary

    with pytest.raises(
        ValueError, match=r"charging_summary: tr needs a 1-D time grid of at least 2 times; got shape \(0,\)"
    ):
        charging_summary(empty, nrqb.steady_state(p))
    with pytest.raises(ValueError, match=r"charging_summary: p must have scalar fields .*\(3,\)"):
        charging_summary(nrqb.evolve(grid, np.linspace(0, 1, 5)[:, None]), nrqb.steady_state(grid))
