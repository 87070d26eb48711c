"""The three-mode model (paper Eq. 1) and the adiabatic elimination of the bad cavity."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from conftest import random_three_mode
from scipy.integrate import solve_ivp

import nrqb


def integrate_three_mode(p: nrqb.ThreeModeParams, t: np.ndarray) -> np.ndarray:
    """<a>, <b>, <c> from the Heisenberg equations of Eq. (1) written out by hand, adaptive RK."""
    e = np.exp(1j * p.phi)

    def rhs(_, x):
        a, b, c = x
        da = (-1j * p.Delta_a - p.kappa_a / 2) * a - 1j * p.J * b - 1j * p.g_a / e * c - 1j * p.epsilon
        db = (-1j * p.Delta_b - p.kappa_b / 2) * b - 1j * p.J * a - 1j * p.g_b * c
        dc = (-1j * p.Delta_c - p.gamma_m / 2) * c - 1j * p.g_a * e * a - 1j * p.g_b * b
        return [da, db, dc]

    sol = solve_ivp(rhs, (0, t[-1]), [0j, 0j, 0j], t_eval=t, method="DOP853", rtol=1e-11, atol=1e-13)
    return sol.y


def test_three_mode_matches_ode_integration(rng):
    for _ in range(6):
        p3 = random_three_mode(rng)
        t = np.linspace(0, 300, 31)
        tr = nrqb.evolve_three_mode(p3, t)
        a, b, c = integrate_three_mode(p3, t)
        for ours, ref in ((tr.alpha, a), (tr.beta, b), (tr.c, c)):
            # The adaptive integrator itself is good to ~1e-7 here (checked against 40-digit mpmath below).
            np.testing.assert_allclose(ours, ref, atol=1e-6 * np.abs(ref).max() + 1e-14)


def test_three_mode_matches_40_digit_matrix_exponential():
    import mpmath

    from nrqb.three_mode import drift_matrix_three_mode

    p3 = nrqb.ThreeModeParams(
        g_a=0.3, g_b=0.45, gamma_m=2.0, Delta_c=0.4, kappa_a=0.004, kappa_b=0.002, epsilon=0.1, phi=0.8, J=0.03
    )
    M, f, _ = drift_matrix_three_mode(p3)
    t = 275.0
    with mpmath.workdps(40):
        A = mpmath.matrix(4, 4)
        for i in range(3):
            for j in range(3):
                A[i, j] = mpmath.mpc(M[i, j]) * t
            A[i, 3] = mpmath.mpc(f[i]) * t
        E = mpmath.expm(A)
        ref = np.array([complex(E[i, 3]) for i in range(3)])
    tr = nrqb.evolve_three_mode(p3, t)
    np.testing.assert_allclose([tr.alpha, tr.beta, tr.c], ref, rtol=1e-12)


def _max_rel_error(p: nrqb.Params, gamma_m: float, t: np.ndarray, Delta_c: float = 0.0) -> float:
    p3 = nrqb.three_mode_from_effective(p, gamma_m, Delta_c)
    eff = nrqb.evolve(nrqb.eliminate(p3), t).E_B
    full = nrqb.evolve_three_mode(p3, t).E_B
    return float(np.abs(full - eff).max() / np.abs(full).max())


def test_elimination_converges_as_one_over_gamma_m():
    p = nrqb.paper_params(kappa_b=0.006, Delta_b=0.005)
    t = np.linspace(0, 400, 81)
    gammas = np.array([5.0, 10.0, 20.0, 40.0, 80.0])
    errors = np.array([_max_rel_error(p, g, t) for g in gammas])
    assert errors[-1] < 2e-4
    slope = np.polyfit(np.log(gammas), np.log(errors), 1)[0]
    assert -1.2 < slope < -0.8


def test_lindblad_gamma_convention_is_the_one_the_three_mode_model_confirms():
    """Gamma = 4 g^2/gamma_m (Lindblad rate) reproduces the three-mode dynamics; the paper's formulas do not."""
    g, gamma_m = 0.3, 40.0
    conventions = nrqb.gamma_conventions(g, gamma_m)
    assert conventions["lindblad"] == pytest.approx(4 * g**2 / gamma_m)
    assert conventions["paper_sec2"] == pytest.approx(conventions["lindblad"] / 2)
    assert conventions["paper_sec5"] == pytest.approx(conventions["lindblad"] / 4)
    p3 = nrqb.ThreeModeParams(
        g_a=g, g_b=g, gamma_m=gamma_m, Delta_c=0.0, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=np.pi / 2, J=0.0045
    )
    t = np.linspace(0, 600, 61)
    full = nrqb.evolve_three_mode(p3, t).E_B
    errors = {}
    for name, Gamma in conventions.items():
        eff = nrqb.evolve(
            nrqb.Params(Gamma=Gamma, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=np.pi / 2, J=0.0045), t
        )
        errors[name] = np.abs(eff.E_B - full).max() / full.max()
    assert errors["lindblad"] < 5e-3
    assert errors["paper_sec2"] > 0.1 and errors["paper_sec5"] > 0.1
    assert nrqb.eliminate(p3).Gamma == pytest.approx(conventions["lindblad"])


def test_detuned_reservoir_lamb_shifts_and_complex_coupling():
    p3 = nrqb.ThreeModeParams(
        g_a=0.4, g_b=0.4, gamma_m=20.0, Delta_c=15.0, kappa_a=0.003, kappa_b=0.005, epsilon=0.1, phi=1.1, J=0.02
    )
    eff = nrqb.eliminate(p3)
    den = 15.0**2 + 10.0**2
    assert eff.Delta_a == pytest.approx(-0.16 * 15 / den)
    assert eff.Gamma == pytest.approx(2 * 0.16 * 10 / den)
    assert eff.J == pytest.approx(0.02 - 0.16 * 15 / den * np.exp(-1.1j))
    t = np.linspace(0, 500, 51)
    full = nrqb.evolve_three_mode(p3, t)
    approx = nrqb.evolve(eff, t)
    assert np.abs(full.E_B - approx.E_B).max() / full.E_B.max() < 3e-2
    back = nrqb.three_mode_from_effective(eff, 20.0, 15.0)
    assert back.g_a == pytest.approx(0.4) and back.J == pytest.approx(0.02)
    assert back.Delta_a == pytest.approx(0.0, abs=1e-15)


def test_round_trip_effective_to_three_mode_and_back(rng):
    for _ in range(5):
        p = nrqb.paper_params(kappa_b=rng.uniform(0.001, 0.03), Delta_b=rng.uniform(-0.02, 0.02))
        back = nrqb.eliminate(nrqb.three_mode_from_effective(p, gamma_m=rng.uniform(1, 50)))
        assert back == p.replace(Gamma=back.Gamma)
        assert back.Gamma == pytest.approx(p.Gamma, rel=1e-12)


def test_thermal_reservoir_noise_survives_elimination():
    """The collective bath's noise matrix (phase e^{+-i phi}) matches the three-mode model with a hot reservoir."""
    p = nrqb.paper_params(kappa_b=0.01, phi=0.9, J=0.015, epsilon=0.0, n_th_c=1.5, n_th_a=0.3, n_th_b=0.2)
    p3 = nrqb.three_mode_from_effective(p, gamma_m=200.0)
    full = nrqb.steady_state_three_mode(p3)
    eff = nrqb.steady_state(p)
    assert eff.n_b == pytest.approx(full.n_b, rel=2e-3)
    assert eff.n_a == pytest.approx(full.n_a, rel=2e-3)
    t = np.array([50.0, 200.0])
    np.testing.assert_allclose(nrqb.evolve(p, t).E_B, nrqb.evolve_three_mode(p3, t).E_B, rtol=5e-3)


def test_bad_cavity_stays_nearly_empty_and_steady_state_is_the_limit():
    p3 = nrqb.three_mode_from_effective(nrqb.paper_params(), gamma_m=20.0)
    ss = nrqb.steady_state_three_mode(p3)
    assert ss.E_C < 1e-2 * ss.E_B
    late = nrqb.evolve_three_mode(p3, 20000.0)
    assert late.E_B == pytest.approx(ss.E_B, rel=1e-9)
    assert p3.adiabaticity < 0.05


def test_three_mode_validation():
    good = dict(g_a=0.4, g_b=0.4, gamma_m=20.0, Delta_c=0.0, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=1.0, J=0.02)
    with pytest.raises(ValueError, match="gamma_m"):
        nrqb.ThreeModeParams(**{**good, "gamma_m": -1.0})
    with pytest.raises(ValueError, match="g_a"):
        nrqb.ThreeModeParams(**{**good, "g_a": float("nan")})
    with pytest.raises(ValueError, match="g_a == g_b"):
        nrqb.eliminate(nrqb.ThreeModeParams(**{**good, "g_b": 0.3}))
    with pytest.raises(TypeError, match="bogus"):
        nrqb.ThreeModeParams(**good).replace(bogus=1)
    with pytest.raises(ValueError, match="t \\(time"):
        nrqb.evolve_three_mode(nrqb.ThreeModeParams(**good), [-1.0])


# --- Adiabaticity (issue 13, item 2): the warning's threshold, backed by the three-mode error on both sides ---

RATIO_NAMES = {
    "g": "g/|Delta_c - i gamma_m/2|",
    "kappa": "kappa/|Delta_c - i gamma_m/2|",
    "J": "J/|Delta_c - i gamma_m/2|",
}


def elimination_error(p3: nrqb.ThreeModeParams) -> float:
    """Largest |E_B(three-mode) - E_B(effective)| over the charging transient, relative to the largest E_B."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nrqb.AdiabaticityWarning)
        eff = nrqb.eliminate(p3)
    t = np.linspace(0, 10 / -nrqb.eigenvalues(eff)[0].real, 400)
    exact, effective = nrqb.evolve_three_mode(p3, t).E_B, nrqb.evolve(eff, t).E_B
    return float(np.abs(exact - effective).max() / exact.max())


def at_ratio(kind: str, ratio: float, gamma_m: float = 10.0) -> nrqb.ThreeModeParams:
    """A resonant three-mode model with one adiabaticity ratio set to ``ratio`` and the others small (0.05)."""
    cavity = gamma_m / 2
    g = (ratio if kind == "g" else 0.05) * cavity
    kappa = ratio * cavity if kind == "kappa" else 0.003
    J = ratio * cavity if kind == "J" else g * g / cavity  # else Gamma/2 (nonreciprocal)
    return nrqb.ThreeModeParams(
        g_a=g, g_b=g, gamma_m=gamma_m, Delta_c=0.0, kappa_a=kappa, kappa_b=kappa, epsilon=0.1, phi=np.pi / 2, J=J
    )


@pytest.mark.parametrize("kind", ["g", "kappa", "J"])
def test_adiabaticity_warning_threshold_is_backed_by_the_three_mode_error(kind):
    from nrqb.three_mode import ADIABATIC_LIMIT, adiabaticity_ratios

    below, above = at_ratio(kind, ADIABATIC_LIMIT / 3), at_ratio(kind, 3 * ADIABATIC_LIMIT)
    assert adiabaticity_ratios(above)[RATIO_NAMES[kind]] == pytest.approx(3 * ADIABATIC_LIMIT)
    assert elimination_error(below) < 0.02  # a third of the limit: the effective model is good to 2 %
    assert elimination_error(above) > 0.04  # three times the limit: it is visibly off
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nrqb.eliminate(below)  # no warning
    with pytest.warns(nrqb.AdiabaticityWarning, match=re.escape(RATIO_NAMES[kind]) + r" = 0\.6"):
        nrqb.eliminate(above)


def test_the_issues_non_adiabatic_example_warns_with_its_ratio():
    """Regression: gamma_m = 0.01, g = 0.1 gave Gamma = 4 without a word, and the effective E_B was far off."""
    p3 = nrqb.ThreeModeParams(
        g_a=0.1, g_b=0.1, gamma_m=0.01, Delta_c=0.0, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=np.pi / 2, J=2.0
    )
    with pytest.warns(nrqb.AdiabaticityWarning, match=r"g/\|Delta_c - i gamma_m/2\| = 20\b.*evolve_three_mode"):
        eff = nrqb.eliminate(p3)
    assert eff.Gamma == pytest.approx(4.0)
    assert elimination_error(p3) > 0.5
    assert issubclass(nrqb.AdiabaticityWarning, UserWarning)


def test_array_parameters_warn_once_counting_the_entries():
    p3 = at_ratio("g", 0.05).replace(g_a=np.array([0.1, 3.0, 4.0]), g_b=np.array([0.1, 3.0, 4.0]))
    with pytest.warns(nrqb.AdiabaticityWarning, match="in 2 of 3 entries") as record:
        nrqb.eliminate(p3)
    assert len(record) == 1


# --- Errors that used to come from numpy or name the wrong parameter (issue 13, item 6) ---


def test_undamped_three_mode_has_no_steady_state_and_says_so():
    """Regression: steady_state_three_mode with zero damping raised numpy's LinAlgError."""
    p3 = nrqb.ThreeModeParams(
        g_a=0.1, g_b=0.1, gamma_m=0.0, Delta_c=0.0, kappa_a=0.0, kappa_b=0.0, epsilon=0.1, phi=0.0, J=0.0
    )
    with pytest.raises(ValueError, match=r"no steady state.*undamped.*kappa_a, kappa_b, gamma_m"):
        nrqb.steady_state_three_mode(p3)
    t = np.linspace(0, 50, 11)
    tr = nrqb.evolve_three_mode(p3, t)  # fine: no inverse is needed
    _, b, _ = integrate_three_mode(p3, t)
    np.testing.assert_allclose(tr.beta, b, atol=1e-8 * np.abs(b).max())


def test_thermal_three_mode_with_an_undamped_mode_integrates_the_lyapunov_equation():
    """The charger's bath is hot, the battery and the cavity are undamped and uncoupled: N_aa = n (1 - e^{-kappa t})."""
    p3 = nrqb.ThreeModeParams(
        g_a=0.0, g_b=0.0, gamma_m=0.0, Delta_c=0.0, kappa_a=0.01, kappa_b=0.0, epsilon=0.0, phi=0.0, J=0.0, n_th_a=2.0
    )
    t = np.array([0.0, 10.0, 100.0, 1000.0])
    tr = nrqb.evolve_three_mode(p3, t)
    np.testing.assert_allclose(tr.n_a, 2.0 * (1 - np.exp(-0.01 * t)), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(tr.n_b, 0.0)


def test_each_solver_points_the_other_model_to_its_own_solver():
    """Regression: evolve(ThreeModeParams) raised AttributeError ('Lambda_a')."""
    p3 = at_ratio("g", 0.1)
    with pytest.raises(TypeError, match=r"use nrqb\.evolve_three_mode"):
        nrqb.evolve(p3, [1.0])
    with pytest.raises(TypeError, match=r"use nrqb\.steady_state_three_mode"):
        nrqb.steady_state(p3)
    with pytest.raises(TypeError, match=r"use nrqb\.evolve\b"):
        nrqb.evolve_three_mode(nrqb.paper_params(), [1.0])
    with pytest.raises(TypeError, match=r"use nrqb\.steady_state\b"):
        nrqb.steady_state_three_mode(nrqb.paper_params())
    with pytest.raises(TypeError, match="ThreeModeParams"):
        nrqb.eliminate(nrqb.paper_params())
    with pytest.raises(TypeError, match=r"nrqb\.Params"):
        nrqb.three_mode_from_effective(p3, 10.0)


def test_three_mode_from_effective_blames_gamma_m():
    """Regression: gamma_m = 0 was reported as 'ThreeModeParams.g_a ... must be finite; got nan'."""
    with pytest.raises(ValueError, match=r"gamma_m \(the bad cavity's energy decay rate\) must be > 0") as info:
        nrqb.three_mode_from_effective(nrqb.paper_params(), 0.0)
    assert "g_a" not in str(info.value)
    with pytest.raises(ValueError, match=r"ThreeModeParams\.gamma_m .*>= 0"):
        nrqb.three_mode_from_effective(nrqb.paper_params(), -1.0)
    with pytest.raises(ValueError, match=r"times t of shape \(3,\) do not broadcast with .* shape \(2,\)"):
        nrqb.evolve_three_mode(at_ratio("g", 0.1).replace(J=np.array([0.01, 0.02])), np.ones(3))
